package data

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/redline-gis/redline/zones"
)

// TestKeyMemo: a start whose sources are unchanged since the memo was written
// takes the key from it without reading them (and the key is the one reading
// them gives); a source rewritten since — even to the same size with its
// modification time put back — is read again and the snapshot found stale; a
// damaged memo is read past; files changed less than settleTime before they
// were read leave no memo.
func TestKeyMemo(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the key memo stamps files on Linux only")
	}
	dir := copyDemo(t, func(m string) string { return m })
	memo := memoPath(DefaultSnapshotPath(dir))
	open := func(what string) Loaded {
		t.Helper()
		_, info, err := Open(dir, "", zones.IndexOptions{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return info
	}

	// Just written, the files are not settled: no memo.
	if info := open("first"); !info.Written || info.KeyRecalled {
		t.Fatalf("first open: %+v", info)
	}
	if _, err := os.Stat(memo); err == nil {
		t.Fatal("a memo was written for files changed a moment before they were read")
	}

	defer func(d time.Duration) { settleTime = d }(settleTime)
	settleTime = 0
	if info := open("second"); !info.FromSnapshot || info.KeyRecalled {
		t.Fatalf("second open (memo written now): %+v", info)
	}
	if _, err := os.Stat(memo); err != nil {
		t.Fatalf("no memo after a start with settled files: %v", err)
	}
	info := open("third")
	if !info.FromSnapshot || !info.KeyRecalled {
		t.Fatalf("third open: %+v, want the snapshot with the key recalled", info)
	}
	// The recalled key is the one the files give.
	src, name, _, err := diskManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	manifest, _ := fs.ReadFile(src.fsys, name)
	m, err := ParseManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	read, _, err := snapshotKey(manifest, m, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	recalled, ok, err := snapshotKey(manifest, m, src, []string{memo})
	if err != nil || !ok || recalled != read {
		t.Fatalf("recalled %x (%v, %v), read %x", recalled, ok, err, read)
	}

	// Rewritten in place to the same size, its modification time put back.
	time.Sleep(20 * time.Millisecond) // past the file system clock's tick
	p := filepath.Join(dir, "redline.geojson")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	i := bytes.IndexAny(b, "12345678")
	b[i] = "23456789"[strings.IndexByte("12345678", b[i])]
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if info := open("after the edit"); info.FromSnapshot || info.KeyRecalled || !strings.Contains(info.Rejected, "stale") {
		t.Fatalf("after a source was rewritten: %+v, want its snapshot found stale", info)
	}
	if info := open("after the rebuild"); !info.FromSnapshot || !info.KeyRecalled {
		t.Fatalf("after the rebuild: %+v", info)
	}

	// A damaged memo is read past.
	if err := os.WriteFile(memo, []byte(`{"version": 7`), 0o644); err != nil {
		t.Fatal(err)
	}
	if info := open("damaged memo"); !info.FromSnapshot || info.KeyRecalled {
		t.Fatalf("with a damaged memo: %+v", info)
	}
	if info := open("memo rewritten"); !info.FromSnapshot || !info.KeyRecalled {
		t.Fatalf("after the memo was rewritten: %+v", info)
	}
}

// TestKeyMemoReadOnly: a dataset whose directory takes no snapshot (mounted
// read-only) keeps both its snapshot and its memo in the user's cache
// directory, and a start recalls the key from there.
func TestKeyMemoReadOnly(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the key memo stamps files on Linux only")
	}
	dir := copyDemo(t, func(m string) string { return m })
	// A file where the snapshot's directory would go: nothing can be written
	// beside the dataset, even by root, as a read-only mount would have it.
	if err := os.WriteFile(filepath.Join(dir, ".redline"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	defer func(d time.Duration) { settleTime = d }(settleTime)
	settleTime = 0
	_, info, err := Open(dir, "", zones.IndexOptions{})
	if err != nil || !info.Written || !strings.HasPrefix(info.Snapshot, cache) {
		t.Fatalf("first open: %+v %v, want the snapshot written under %s", info, err, cache)
	}
	memos, _ := filepath.Glob(filepath.Join(cache, "redline", "sources-*.json"))
	if len(memos) != 1 {
		t.Fatalf("memos in the cache directory: %v, want one", memos)
	}
	_, info, err = Open(dir, "", zones.IndexOptions{})
	if err != nil || !info.FromSnapshot || !info.KeyRecalled {
		t.Fatalf("second open: %+v %v, want the snapshot with the key recalled", info, err)
	}
}
