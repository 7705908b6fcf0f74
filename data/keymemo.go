package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// A key memo remembers, beside a snapshot, the key a start computed and the
// identity of every source file it read for it (device, inode, size,
// modification and change times): a later start whose manifest is the same
// and whose files all still have those identities takes the key without
// reading them. Hashing the sources was the largest part of a start from the
// snapshot as they grow (at 256 times the Shaanxi layers, 3 GB of GeoJSON for
// 42M vertices, ~2 s of a 2.5 s start); a stat of each is microseconds.
//
// Why an unchanged identity means unchanged content: a write to a file sets
// its change time (ctime) to the clock's time, and nothing in user space can
// set a ctime back (touch and tar restore the modification time, not the
// change time); a file replaced by another (an editor's save, a copy over it,
// a rename) has another inode or the times of its own writing. The one case a
// comparison of times cannot see is a file written again within the same tick
// of the file system's clock as the write before it, just after it was read:
// so the memo is written only when every file was last changed settleTime or
// more before it was read, and each was seen unchanged from before it was read
// to after. (git's index is trusted on the same grounds, with the same guard
// for files changed in the second it was written.)
//
// The memo is a convenience: when it is missing, unreadable, of another
// version or any file differs, the sources are hashed as before, and the key
// is the same either way (a memo cannot change which snapshot is used, only
// skip the reading that proves it).
type keyMemo struct {
	// Version is the snapshot versions the key was computed for.
	Version string `json:"version"`
	// Manifest is the SHA-256 of the manifest's bytes (read at every start).
	Manifest string     `json:"manifest_sha256"`
	Files    []memoFile `json:"files"`
	Key      string     `json:"key"`
}

// memoFile is one source file of a memo, in the order the key hashes them.
type memoFile struct {
	Name string `json:"name"`
	fileStamp
}

// fileStamp is what identifies a file's content for the memo; see stampOf.
type fileStamp struct {
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	Size  int64  `json:"size"`
	Mtime int64  `json:"mtime_ns"`
	Ctime int64  `json:"ctime_ns"`
}

// settleTime is how long before it was read a file must have been last
// changed for the memo to be written (see keyMemo).
var settleTime = 2 * time.Second

// memoPath is the memo of the snapshot at p.
func memoPath(p string) string { return p + ".sources" }

// memoPaths are the places of the memo for the snapshot at first, in order:
// beside it, then, for the default place (dflt), in the user's cache
// directory under a name of the dataset's directory dir — where a dataset
// mounted read-only keeps its snapshot too (snapshotPaths), whose name is the
// key: without a memo there, every start would read the sources to find it.
func memoPaths(first string, dflt bool, dir string) []string {
	out := []string{memoPath(first)}
	if !dflt {
		return out
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return out
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return append(out, filepath.Join(c, "redline", "sources-"+sha256Hex([]byte(dir))[:32]+".json"))
}

// stamps stats the files names (in fsys) and returns their stamps, or false
// when a file cannot be stamped (fsys is not the operating system's, or a
// system without change times). Each file is opened and its open descriptor
// stated: on NFS an open revalidates the attributes a bare stat may take from
// the client's cache for seconds (close-to-open consistency).
func stamps(fsys fs.FS, names []string) ([]memoFile, bool) {
	out := make([]memoFile, len(names))
	for i, n := range names {
		st, ok := stampFile(fsys, n)
		if !ok {
			return nil, false
		}
		out[i] = memoFile{Name: n, fileStamp: st}
	}
	return out, true
}

func stampFile(fsys fs.FS, name string) (fileStamp, bool) {
	f, err := fsys.Open(name)
	if err != nil {
		return fileStamp{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileStamp{}, false
	}
	return stampOf(fi)
}

// recalledKey returns the key of the memo at path when it was computed for
// this manifest and these files, each with the stamp it has now.
func recalledKey(path string, manifest []byte, files []memoFile) ([32]byte, bool) {
	var key [32]byte
	b, err := os.ReadFile(path)
	if err != nil {
		return key, false
	}
	var m keyMemo
	if json.Unmarshal(b, &m) != nil || m.Version != snapshotKeyPrefix() || m.Manifest != sha256Hex(manifest) ||
		!slices.Equal(m.Files, files) {
		return key, false
	}
	if k, err := hex.DecodeString(m.Key); err != nil || len(k) != len(key) {
		return key, false
	} else {
		copy(key[:], k)
	}
	return key, true
}

// remember writes the memo of key at the first of paths it can, when every
// file was last changed settleTime or more before start (the time before they
// were read) and has the same stamp now as before (files, stamped then).
// Failing to write it is not an error: the next start reads the sources again.
func remember(paths []string, manifest []byte, files []memoFile, fsys fs.FS, start time.Time, key [32]byte) {
	names := make([]string, len(files))
	for i, f := range files {
		if start.UnixNano()-f.Ctime < settleTime.Nanoseconds() || start.UnixNano()-f.Mtime < settleTime.Nanoseconds() {
			return // changed too recently: a write in the same tick could not be seen
		}
		names[i] = f.Name
	}
	if now, ok := stamps(fsys, names); !ok || !slices.Equal(now, files) {
		return // changed while it was read
	}
	b, err := json.Marshal(keyMemo{Version: snapshotKeyPrefix(), Manifest: sha256Hex(manifest), Files: files, Key: hex.EncodeToString(key[:])})
	if err != nil {
		return
	}
	for _, p := range paths {
		if replaceFile(p, ".sources-*.tmp", func(w io.Writer) error { _, err := w.Write(b); return err }) == nil {
			return
		}
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
