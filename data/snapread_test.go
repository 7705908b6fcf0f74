package data

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestReadSnapshotFile: the checksum, summed over the mapped file or block by
// block as the file is read, accepts the file as written and rejects every
// single flipped byte, a cut and an extension, whatever the block size.
func TestReadSnapshotFile(t *testing.T) {
	key := [32]byte{1, 2, 3}
	p := demoSnapshot(t, key)
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func(b int, m bool) { snapReadBlock, mapSnapshots = b, m }(snapReadBlock, mapSnapshots)
	n := len(good)
	// Mapped (on Linux), then read a block at a time.
	for _, block := range []int{0, 4093, 65536, 256 << 10} {
		snapReadBlock, mapSnapshots = max(block, 1), block == 0
		if f := readSnapshotFile(p); mapSnapshots && runtime.GOOS == "linux" && f.mapped == nil {
			t.Fatalf("not mapped: %q", f.why)
		} else if !mapSnapshots && f.mapped != nil {
			t.Fatal("mapped when told not to")
		}
		if f := readSnapshotFile(p); f.why != "" || f.key != key || string(f.payload) != string(good[snapHeaderLen:n-snapTrailerLen]) {
			t.Fatalf("block %d: the file as written: %q", block, f.why)
		}
		// Header, payload start, middle, the last summed byte, the checksum.
		for _, at := range []int{0, 20, snapHeaderLen, n / 2, n - 5, n - 4, n - 1} {
			b := append([]byte(nil), good...)
			b[at] ^= 0x10
			q := filepath.Join(t.TempDir(), "flipped.bin")
			if err := os.WriteFile(q, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if f := readSnapshotFile(q); f.why == "" || f.payload != nil {
				t.Fatalf("block %d: byte %d of %d flipped: accepted", block, at, n)
			}
		}
		for _, size := range []int{0, snapHeaderLen, n - 1, n + 1} {
			b := append(append([]byte(nil), good...), 0)[:size]
			q := filepath.Join(t.TempDir(), "cut.bin")
			if err := os.WriteFile(q, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if f := readSnapshotFile(q); f.why == "" || f.payload != nil {
				t.Fatalf("block %d: %d bytes of %d: accepted", block, size, n)
			}
		}
	}
	if f := readSnapshotFile(filepath.Join(t.TempDir(), "none")); f.why != "" || f.payload != nil {
		t.Fatalf("no file: %+v", f)
	}
	// The key is checked apart: a file for another key is stale, not damaged.
	if _, why, _ := useSnapshot(readSnapshotFile(p), [32]byte{9}, nil, source{}); !strings.Contains(why, "stale") {
		t.Fatalf("another key: %q", why)
	}
}

// TestMappedSnapshot: an index decoded from a mapped snapshot answers as one
// decoded from a copy in memory, and still does after its pages are given back
// (a zone held past its index reads them again from the file). A file cut short
// under the mapping is said to have changed, not a crash.
func TestMappedSnapshot(t *testing.T) {
	p := demoSnapshot(t, [32]byte{7})
	f := readSnapshotFile(p)
	if f.mapped == nil {
		t.Skipf("snapshots are not mapped here (%s): %q", runtime.GOOS, f.why)
	}
	mapped, err := zones.DecodeSnapshot(f.payload, &zones.Dataset{})
	if err != nil {
		t.Fatal(err)
	}
	copied, err := zones.DecodeSnapshot(append([]byte(nil), f.payload...), &zones.Dataset{})
	if err != nil {
		t.Fatal(err)
	}
	same := func(when string) {
		t.Helper()
		ml, cl := mapped.Dataset().Layers, copied.Dataset().Layers
		nz := 0
		for i := range cl {
			for j, z := range cl[i].Zones {
				if !orb.Equal(z.Geometry, ml[i].Zones[j].Geometry) {
					t.Fatalf("%s: layer %s zone %s differs", when, cl[i].ID, z.ID)
				}
				nz++
			}
		}
		if nz < 10 || mapped.Stats() != copied.Stats() {
			t.Fatalf("%s: %d zones, stats %+v and %+v", when, nz, mapped.Stats(), copied.Stats())
		}
	}
	same("mapped")
	releaseSnapshot(f.mapped)
	same("pages given back")

	// Cut short under a mapping: the sum faults past the end and says so.
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	q, b := mapWritten(t, bytes.Repeat(good, 1+(1<<20)/len(good))) // beyond the first page by far
	if err := os.Truncate(q, 4096); err != nil {
		t.Fatal(err)
	}
	if _, why := sumMapped(b); !strings.Contains(why, "changed while read") {
		t.Fatalf("a file cut under its mapping: %q", why)
	}
}

// mapWritten writes content to a file of the test's own and maps it as a
// snapshot is mapped, until the test ends; it returns the file's path and the
// mapping.
func mapWritten(t *testing.T, content []byte) (string, []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mapped.bin")
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the mapping outlives the descriptor
	b := mapSnapshot(f, len(content))
	if b == nil {
		t.Fatal("not mapped")
	}
	t.Cleanup(func() { unmapSnapshot(b) })
	return p, b
}

// TestHashFile: a file streamed into the key hashes as the label, its size and
// its content read whole did (the key of a snapshot written before is the
// same), also when its size changes between the stat and the read: then it is
// hashed again from the state before it.
func TestHashFile(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // > the buffer
	fsys := fstest.MapFS{"a.geojson": {Data: content}}
	want := sha256.New()
	fmt.Fprintf(want, "before\nfile a.geojson %d\n", len(content))
	want.Write(content)
	for _, fs := range []fs.FS{fsys, growingFS{fsys}} {
		h := sha256.New()
		io.WriteString(h, "before\n")
		if err := hashFile(h, fs, "file a.geojson", "a.geojson", make([]byte, 4096)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(h.Sum(nil), want.Sum(nil)) {
			t.Fatalf("%T: another hash than the file read whole", fs)
		}
	}
}

// growingFS's files say they are a byte shorter than they read.
type growingFS struct{ fstest.MapFS }

func (g growingFS) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	return shortStat{f}, err
}

type shortStat struct{ fs.File }

func (s shortStat) Stat() (fs.FileInfo, error) {
	st, err := s.File.Stat()
	return shortInfo{st}, err
}

type shortInfo struct{ fs.FileInfo }

func (i shortInfo) Size() int64 { return i.FileInfo.Size() - 1 }

// demoSnapshot writes the demo dataset's snapshot for key and returns its path.
func demoSnapshot(t *testing.T, key [32]byte) string {
	t.Helper()
	ds, err := LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := zones.NewIndex(ds, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "snap.bin")
	if err := writeSnapshot(p, key, idx); err != nil {
		t.Fatal(err)
	}
	return p
}
