package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/zones"
)

// TestReadSnapshotFile: the checksum summed block by block as the file is read
// accepts the file as written and rejects every single flipped byte, a cut and
// an extension, whatever the block size.
func TestReadSnapshotFile(t *testing.T) {
	ds, err := LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := zones.NewIndex(ds, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "snap.bin")
	key := [32]byte{1, 2, 3}
	if err := writeSnapshot(p, key, idx); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func(b int) { snapReadBlock = b }(snapReadBlock)
	n := len(good)
	for _, block := range []int{4093, 65536, 256 << 10} {
		snapReadBlock = block
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
