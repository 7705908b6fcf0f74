package data

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/zones"
)

// A snapshot is the prepared dataset of a directory (zones, attributes, the
// index's pieces and cell grids) in one file, so that a start reads it in one
// pass instead of parsing, repairing, cutting and gridding the layers again.
//
// File layout (integers little-endian):
//
//	magic "RLSNAP\r\n" | u32 file version | u32 byte-order mark | key [32]
//	payload (zones.EncodeSnapshot) | u64 payload length | u32 CRC-32C of all before
//
// The key is the SHA-256 of the snapshot versions, the manifest and every file
// it names (layers with their shapefile sidecars, rule files, the industry
// table): a snapshot is used only for exactly the sources it was made from. A
// snapshot that is stale, truncated, of another version or damaged is never
// served: Open says why and loads the sources instead.

const (
	snapMagic       = "RLSNAP\r\n"
	snapFileVersion = 1
	snapHeaderLen   = 8 + 4 + 4 + 32
	snapTrailerLen  = 8 + 4
	snapByteOrder   = 0x01020304
)

// SnapshotOff as the snapshot path turns snapshots off.
const SnapshotOff = "off"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Loaded says how Open got the dataset.
type Loaded struct {
	// Snapshot is the snapshot file used or written; "" when snapshots are off
	// (or for the embedded demo dataset).
	Snapshot string
	// FromSnapshot: the dataset was read from Snapshot.
	FromSnapshot bool
	// Rejected says why a snapshot found at Snapshot was not used (stale,
	// damaged, another version); "" when none was found or it was used.
	Rejected string
	// KeyRecalled: the sources' key came from the memo beside the snapshot
	// (their files unchanged since it was written), without reading them.
	KeyRecalled bool
	// Written: a snapshot was written after loading the sources; WriteErr says
	// why not, when writing was tried and failed.
	Written  bool
	WriteErr error
	// Duration is the whole time Open took.
	Duration time.Duration
}

// Open loads and indexes the dataset of dir (a directory or its manifest),
// through its snapshot when one is valid. snapshot is the snapshot's path: ""
// for the default (DefaultSnapshotPath), SnapshotOff for none. After loading the
// sources, Open writes the snapshot when it can (atomically: a temporary file
// renamed); failing to is not an error (Loaded.WriteErr). dir "" is the
// embedded demo dataset, which has no snapshot.
func Open(dir, snapshot string, opts zones.IndexOptions) (*zones.Index, Loaded, error) {
	return open(context.Background(), dir, snapshot, opts, LoadOptions{})
}

// OpenWith is Open with load options, bounded by ctx while it reads a zoning
// database. A dataset with layers in PostGIS has no snapshot: its tables can
// change without any file changing, so it is read from the database (in one
// consistent snapshot of it, with the version of its version table) every time.
func OpenWith(ctx context.Context, dir, snapshot string, opts zones.IndexOptions, lopts LoadOptions) (*zones.Index, Loaded, error) {
	return open(ctx, dir, snapshot, opts, lopts)
}

// Prepare makes sure the snapshot of dir is written and valid: it loads the
// sources (or finds the snapshot up to date) and writes it, failing when it
// cannot. snapshot is as for Open; SnapshotOff is an error.
func Prepare(dir, snapshot string) (*zones.Index, Loaded, error) {
	if snapshot == SnapshotOff || dir == "" {
		return nil, Loaded{}, errors.New("data: prepare needs a dataset directory and a snapshot path")
	}
	idx, info, err := open(context.Background(), dir, snapshot, zones.IndexOptions{}, LoadOptions{})
	if err == nil && !info.FromSnapshot && !info.Written && info.WriteErr == nil {
		err = errors.New("data: prepare: the dataset has layers in PostGIS, read from the database at every start: it has no snapshot")
	} else if err == nil && !info.FromSnapshot && !info.Written {
		err = fmt.Errorf("data: write snapshot %s: %w", info.Snapshot, info.WriteErr)
	}
	return idx, info, err
}

func open(ctx context.Context, dir, snapshot string, opts zones.IndexOptions, lopts LoadOptions) (*zones.Index, Loaded, error) {
	start := time.Now()
	var info Loaded
	if dir == "" {
		ds, err := LoadDemo()
		if err != nil {
			return nil, info, err
		}
		idx, err := zones.NewIndex(ds, opts)
		info.Duration = time.Since(start)
		return idx, info, err
	}
	src, name, manifestDir, err := diskManifest(dir)
	if err != nil {
		return nil, info, err
	}
	manifest, err := fs.ReadFile(src.fsys, name)
	if err != nil {
		return nil, info, fmt.Errorf("data: dataset %s: %w", name, err)
	}
	m, err := ParseManifest(manifest)
	if err != nil {
		return nil, info, err
	}
	if snapshot == SnapshotOff || opts != (zones.IndexOptions{}) || m.fromDatabase() {
		// Snapshots hold the default cut only, of files only.
		ds, err := load(ctx, manifest, src, lopts)
		if err != nil {
			return nil, info, err
		}
		idx, err := zones.NewIndex(ds, opts)
		info.Duration = time.Since(start)
		return idx, info, err
	}
	// The first place's snapshot is read and its checksum verified while the
	// sources are hashed for the key: the two are independent, and at 5M
	// vertices each is about a third of a start from the snapshot.
	first := snapshot
	if first == "" {
		first = DefaultSnapshotPath(manifestDir)
	}
	firstFile := make(chan snapFile, 1)
	go func() { firstFile <- readSnapshotFile(first) }()
	key, recalled, err := snapshotKey(manifest, m, src, memoPaths(first, snapshot == "", manifestDir))
	info.KeyRecalled = recalled
	if err != nil {
		go func() { (<-firstFile).drop() }()
		return nil, info, err
	}
	paths := []string{snapshot}
	if snapshot == "" {
		paths = snapshotPaths(manifestDir, key)
	}
	for i, p := range paths {
		var f snapFile
		if i == 0 {
			f = <-firstFile
		} else {
			f = readSnapshotFile(p)
		}
		idx, why, err := useSnapshot(f, key, m, src)
		if err != nil {
			return nil, info, err // the manifest's rules or industries do not load
		}
		if idx != nil {
			info.Snapshot, info.FromSnapshot = p, true
			releaseMemory() // what decoding the header left
			idx.Dataset().Summary.Duration = time.Since(start)
			info.Duration = time.Since(start)
			return idx, info, nil
		}
		if why != "" && info.Rejected == "" {
			info.Snapshot, info.Rejected = p, why
		}
	}
	ds, err := load(ctx, manifest, src, lopts)
	if err != nil {
		return nil, info, err
	}
	idx, err := zones.NewIndex(ds, opts)
	if err != nil {
		return nil, info, fmt.Errorf("data: index dataset %q: %w", ds.Name, err)
	}
	for _, p := range paths {
		if info.WriteErr = writeSnapshot(p, key, idx); info.WriteErr == nil {
			info.Snapshot, info.Written = p, true
			break
		}
		if info.Snapshot == "" {
			info.Snapshot = p
		}
	}
	if info.Written {
		// Served from the snapshot just written, a fresh load holds what every
		// later start will (compact, in one buffer), and is known to read back.
		back, why, err := useSnapshot(readSnapshotFile(info.Snapshot), key, m, src)
		if err != nil {
			return nil, info, err
		}
		if back == nil {
			return nil, info, fmt.Errorf("data: snapshot %s does not read back: %s", info.Snapshot, why)
		}
		back.Dataset().Summary.Duration = ds.Summary.Duration
		idx = back
	}
	releaseMemory()
	info.Duration = time.Since(start)
	return idx, info, nil
}

// releaseMemory returns what loading the sources left free, Go's and GEOS's,
// to the operating system, so that the process's RSS is what the dataset holds.
func releaseMemory() {
	runtime.GC()
	debug.FreeOSMemory()
	geo.ReleaseCMemory()
}

// DefaultSnapshotPath is where the snapshot of the dataset whose manifest is in
// dir goes: dir/.redline/snapshot.bin.
func DefaultSnapshotPath(dir string) string { return filepath.Join(dir, ".redline", "snapshot.bin") }

// snapshotPaths are the default places of a snapshot, in order: beside the
// manifest, then (for a directory the server cannot write) the user's cache
// directory under the key.
func snapshotPaths(dir string, key [32]byte) []string {
	out := []string{DefaultSnapshotPath(dir)}
	if c, err := os.UserCacheDir(); err == nil {
		out = append(out, filepath.Join(c, "redline", hex.EncodeToString(key[:])+".bin"))
	}
	return out
}

// snapshotKey hashes what a snapshot is made from: the versions of its layout,
// the manifest, and every file the manifest names, by name and content.
//
// memos are the key memo's places, in order (none: no memo): when one holds
// the key for this manifest and files as they are, the files are not read
// (keyMemo); recalled says so.
func snapshotKey(manifest []byte, m *Manifest, src source, memos []string) (key [32]byte, recalled bool, err error) {
	type file struct{ label, name string }
	var files []file
	var specs []string
	for _, l := range m.Layers {
		specs = append(specs, l.File)
	}
	specs = append(specs, m.Rules...)
	if m.Industries != "" {
		specs = append(specs, m.Industries)
	}
	for _, f := range specs {
		name, err := src.name(f)
		if err != nil {
			return key, false, fmt.Errorf("data: dataset %q: %w", m.Name, err)
		}
		names, err := withSidecars(src.fsys, name)
		if err != nil {
			return key, false, fmt.Errorf("data: dataset %q file %s: %w", m.Name, f, err)
		}
		for _, n := range names {
			files = append(files, file{f, n})
		}
	}
	start := time.Now()
	var stamped []memoFile
	if len(memos) > 0 {
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.name
		}
		var ok bool
		if stamped, ok = stamps(src.fsys, names); !ok {
			memos = nil
		}
		for _, p := range memos {
			if key, ok := recalledKey(p, manifest, stamped); ok {
				return key, true, nil
			}
		}
	}
	h := sha256.New()
	io.WriteString(h, snapshotKeyPrefix())
	fmt.Fprintf(h, "manifest %d\n", len(manifest))
	h.Write(manifest)
	buf := make([]byte, 1<<20)
	for _, f := range files {
		if err := hashFile(h, src.fsys, "file "+f.name, f.name, buf); err != nil {
			return key, false, fmt.Errorf("data: dataset %q file %s: %w", m.Name, f.label, err)
		}
	}
	h.Sum(key[:0])
	if len(memos) > 0 {
		remember(memos, manifest, stamped, src.fsys, start, key)
	}
	return key, false, nil
}

// snapshotKeyPrefix is the first line a snapshot's key hashes: the versions
// of the file and of the payload.
func snapshotKeyPrefix() string {
	return fmt.Sprintf("redline snapshot %d/%d\n", snapFileVersion, zones.SnapshotVersion)
}

// hashFile writes "label size\n" and then the file's content to h, as put
// does, streaming the file through buf: read whole into fresh memory, the 124
// MB of sources at 32× took 0.6 s to hash here, streamed 0.09 s. A file whose
// size changes while it is read is hashed again, read whole, from h's state
// before it.
func hashFile(h hash.Hash, fsys fs.FS, label, name string, buf []byte) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	before, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s %d\n", label, st.Size())
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, buf)
	if err != nil {
		return err
	}
	if n == st.Size() {
		return nil
	}
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(before); err != nil {
		return err
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s %d\n", label, len(b))
	h.Write(b)
	return nil
}

// withSidecars returns name and the files beside it that share its stem (a
// shapefile's .dbf, .shx, .prj, .cpg), sorted.
func withSidecars(fsys fs.FS, name string) ([]string, error) {
	if _, err := fs.Stat(fsys, name); err != nil {
		return nil, err
	}
	dir, base := path.Split(name)
	stem := strings.TrimSuffix(base, path.Ext(base)) + "."
	entries, err := fs.ReadDir(fsys, path.Clean(dir))
	if err != nil {
		return []string{name}, nil
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && (e.Name() == base || strings.HasPrefix(e.Name(), stem)) {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// snapFile is a snapshot file as read and checked (framing, versions,
// checksum): the key it was written for and its payload, or why it cannot be
// used ("" with no payload when there is no file). mapped is the whole file
// when it is mapped rather than read (the payload is a window on it).
type snapFile struct {
	key     [32]byte
	payload []byte
	mapped  []byte
	why     string
}

// readSnapshotFile maps (or, where it cannot, reads) the snapshot at p and
// verifies all of it that does not depend on the key: framing, versions and
// checksum. Mapped, the checksum reads the page cache in place, and the index
// decoded from it keeps its arrays there: no copy and no fresh memory to fault
// in (reading 269 MB at 32× into the heap took 0.8 s here, mapping and summing
// it 0.07 s). A snapshot is replaced by rename (writeSnapshot), which leaves a
// mapping of the old file intact; a file rewritten in place under a running
// server would change the index it serves.
func readSnapshotFile(p string) (sf snapFile) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return snapFile{}
	}
	if err != nil {
		return snapFile{why: fmt.Sprintf("unreadable: %v", err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return snapFile{why: fmt.Sprintf("unreadable: %v", err)}
	}
	if st.Size() < snapHeaderLen+snapTrailerLen || st.Size() > math.MaxInt-1 {
		return snapFile{why: fmt.Sprintf("not a redline snapshot (or truncated: %d bytes)", st.Size())}
	}
	var b []byte
	var sum uint32
	var why string
	var mapped []byte
	if mapSnapshots {
		mapped = mapSnapshot(f, int(st.Size()))
	}
	if mapped != nil {
		defer func() {
			if sf.payload == nil {
				unmapSnapshot(mapped)
			}
		}()
		b = mapped
		sum, why = sumMapped(b)
	} else {
		b, sum, why = readSummed(f, st.Size())
	}
	if why != "" {
		return snapFile{why: why}
	}
	n := len(b)
	payload, why := checkFrame(b)
	if why != "" {
		return snapFile{why: why}
	}
	if binary.LittleEndian.Uint32(b[n-4:]) != sum {
		return snapFile{why: "damaged: checksum mismatch"}
	}
	if st, err := f.Stat(); err != nil || st.Size() != int64(n) {
		return snapFile{why: fmt.Sprintf("changed while read (%d bytes when opened)", n)}
	}
	return snapFile{key: [32]byte(b[16:48]), payload: payload, mapped: mapped}
}

// drop unmaps the file of a snapshot that is not used.
func (f snapFile) drop() {
	if f.mapped != nil {
		unmapSnapshot(f.mapped)
	}
}

// sumMapped sums all of a mapped snapshot but its trailing checksum. A file
// cut short under the mapping faults (SIGBUS) where it no longer reaches: that
// is said, not a crash.
func sumMapped(b []byte) (sum uint32, why string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			sum, why = 0, fmt.Sprintf("changed while read: %v", r)
		}
	}()
	return crc32.Update(0, castagnoli, b[:len(b)-4]), ""
}

// readSummed reads a snapshot of size bytes where it cannot be mapped, summing
// its checksum a block at a time as the blocks are read, while they are in the
// cache (summed over the whole file after reading it, it took a third as long
// again as the read).
func readSummed(f *os.File, size int64) ([]byte, uint32, string) {
	// One byte more than its size, to see a file that grew under us.
	b := make([]byte, size+1)
	summed := len(b) - 1 - 4 // all but the trailer's checksum
	var sum uint32
	n := 0
	for n < len(b) {
		m, err := f.Read(b[n:min(n+snapReadBlock, len(b))])
		if m > 0 && n < summed {
			sum = crc32.Update(sum, castagnoli, b[n:min(n+m, summed)])
		}
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, fmt.Sprintf("unreadable: %v", err)
		}
	}
	if n != len(b)-1 {
		return nil, 0, fmt.Sprintf("changed while read: %d bytes, %d when opened", n, len(b)-1)
	}
	return b[:n], sum, ""
}

// mapSnapshots: snapshots are mapped where they can be (false in tests of the
// read).
var mapSnapshots = true

// snapReadBlock is how much of a snapshot is read, then summed, at a time,
// where it cannot be mapped.
var snapReadBlock = 256 << 10

// useSnapshot decodes a snapshot file read by readSnapshotFile if it is valid
// for key. It returns the index, or nil and why not ("" when there is no file);
// an error only when the manifest's own files (rules, industries) do not load.
func useSnapshot(f snapFile, key [32]byte, m *Manifest, src source) (idx *zones.Index, why string, err error) {
	defer func() {
		if idx == nil {
			f.drop() // nothing outside holds what a failed decode made of it
		}
	}()
	if f.payload == nil {
		return nil, f.why, nil
	}
	if f.key != key {
		return nil, "stale: the manifest, a source file or the snapshot format changed since it was written", nil
	}
	ds, err := baseDataset(m, src)
	if err != nil {
		return nil, "", err
	}
	idx, err = zones.DecodeSnapshot(f.payload, ds)
	if err != nil {
		return nil, err.Error(), nil
	}
	if f.mapped != nil {
		// The mapping lasts as long as the process; its pages as long as the
		// index (a reload swaps in another; requests in flight finish on this).
		runtime.AddCleanup(idx, releaseSnapshot, f.mapped)
		// The header and the zones' own coordinates were read to sum the
		// file and decode it; checks read few of them again
		// (Index.SeldomRead): out of memory until used.
		for _, part := range idx.SeldomRead() {
			releasePart(f.mapped, part)
		}
	}
	return idx, "", nil
}

// checkFrame verifies a snapshot file's framing, versions and byte order, and
// returns its payload, or why it cannot be used; the checksum and the key are
// the caller's.
func checkFrame(b []byte) ([]byte, string) {
	if len(b) < snapHeaderLen+snapTrailerLen || string(b[:8]) != snapMagic {
		return nil, fmt.Sprintf("not a redline snapshot (or truncated: %d bytes)", len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != snapFileVersion {
		return nil, fmt.Sprintf("snapshot file version %d, this build reads %d", v, snapFileVersion)
	}
	if bo := binary.NativeEndian.Uint32(b[12:]); bo != snapByteOrder {
		return nil, "written on a machine of another byte order"
	}
	n := len(b) - snapTrailerLen
	if pl := binary.LittleEndian.Uint64(b[n:]); pl != uint64(n-snapHeaderLen) {
		return nil, fmt.Sprintf("truncated or damaged: payload of %d bytes, %d expected", n-snapHeaderLen, pl)
	}
	return b[snapHeaderLen:n], ""
}

// writeSnapshot writes idx's snapshot to p atomically: into a temporary file
// beside it, synced, then renamed over p.
func writeSnapshot(p string, key [32]byte, idx *zones.Index) error {
	return replaceFile(p, ".snapshot-*.tmp", func(f io.Writer) error { return encodeSnapshotFile(f, key, idx) })
}

// encodeSnapshotFile writes the snapshot file of idx for key to f.
func encodeSnapshotFile(f io.Writer, key [32]byte, idx *zones.Index) error {
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(f, crc), 1<<20)
	var head [snapHeaderLen]byte
	copy(head[:], snapMagic)
	binary.LittleEndian.PutUint32(head[8:], snapFileVersion)
	binary.NativeEndian.PutUint32(head[12:], snapByteOrder)
	copy(head[16:], key[:])
	if _, err := bw.Write(head[:]); err != nil {
		return err
	}
	cw := &countWriter{w: bw}
	if err := zones.EncodeSnapshot(cw, idx); err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(cw.n))
	if _, err := bw.Write(n[:]); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	_, err := f.Write(sum[:])
	return err
}

// replaceFile writes the file p through write into a temporary file beside it
// (named by pattern, as os.CreateTemp; the directories made), readable by
// all, synced and renamed over p: a reader finds the old file or the whole
// new one, never part of it.
func replaceFile(p, pattern string, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), pattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes it 0600; others may serve it
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
