package data_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/demo"
	"github.com/redline-gis/redline/zones"
)

// demoDir copies the demo dataset (all its layer kinds, attributes, access
// lists, parks and rules) into a directory of the test's own.
func demoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(demo.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(demo.FS, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// reports checks every footprint on a grid over the index's dataset, with
// nearby zones and boundary review, and returns the reports as JSON: two
// indexes that answer alike give the same bytes.
func reports(t testing.TB, idx *zones.Index, fps []zones.Footprint) []byte {
	t.Helper()
	c := zones.NewCheckerFor(idx)
	c.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	c.NewID = func() string { return "r" }
	var out bytes.Buffer
	for i, fp := range fps {
		r, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.BufferOf(2000), IncludeGeometry: true})
		if err != nil {
			t.Fatalf("footprint %d: %v", i, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
		out.WriteByte('\n')
		hits, err := c.Locate(context.Background(), fp.Geometry)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(hits)
		out.Write(b)
		out.WriteByte('\n')
	}
	sum, _ := json.Marshal(idx.Summary())
	out.Write(sum)
	return out.Bytes()
}

// gridFootprints are squares and points on a grid over the bound b.
func gridFootprints(b orb.Bound, n int) []zones.Footprint {
	var fps []zones.Footprint
	dx, dy := (b.Max[0]-b.Min[0])/float64(n), (b.Max[1]-b.Min[1])/float64(n)
	for i := range n {
		for j := range n {
			x, y := b.Min[0]+(float64(i)+0.3)*dx, b.Min[1]+(float64(j)+0.3)*dy
			s := dx * 0.4
			fps = append(fps, zones.Footprint{Geometry: orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}},
				zones.Footprint{Geometry: orb.Point{x, y}})
		}
	}
	return fps
}

func datasetBound(ds *zones.Dataset) orb.Bound {
	b := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
	for _, l := range ds.Layers {
		for _, z := range l.Zones {
			b = b.Union(z.Geometry.Bound())
		}
	}
	return b
}

// TestSnapshotServesTheSameAnswers: the first Open loads the sources and writes
// the snapshot; the second reads it; both answer every check and locate with
// the same bytes, and the same dataset (zones, attributes, geometries).
func TestSnapshotServesTheSameAnswers(t *testing.T) {
	dir := demoDir(t)
	fresh, info, err := data.Open(dir, "", zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.FromSnapshot || !info.Written || info.Snapshot != data.DefaultSnapshotPath(dir) {
		t.Fatalf("first open: %+v", info)
	}
	again, info, err := data.Open(dir, "", zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !info.FromSnapshot || info.Rejected != "" {
		t.Fatalf("second open: %+v", info)
	}
	fps := gridFootprints(datasetBound(fresh.Dataset()), 12)
	a, b := reports(t, fresh, fps), reports(t, again, fps)
	if !bytes.Equal(a, b) {
		t.Fatalf("answers differ from the snapshot:\n%s", firstDiff(a, b))
	}
	if n := bytes.Count(a, []byte(`"zone_id"`)); n < 50 {
		t.Fatalf("the footprints meet zones only %d times: too weak a comparison", n)
	}
	if fresh.Stats() != again.Stats() {
		t.Errorf("stats %+v from the snapshot, %+v fresh", again.Stats(), fresh.Stats())
	}
	fl, al := fresh.Dataset().Layers, again.Dataset().Layers
	for i := range fl {
		for j, z := range fl[i].Zones {
			y := al[i].Zones[j]
			zb, _ := json.Marshal(z.Attrs())
			yb, _ := json.Marshal(y.Attrs())
			if z.ID != y.ID || z.Class != y.Class || !bytes.Equal(zb, yb) || !orb.Equal(z.Geometry, y.Geometry) ||
				!jsonEqual(z.Clauses, y.Clauses) || !jsonEqual(z.Park, y.Park) {
				t.Fatalf("layer %s zone %s differs from the snapshot", fl[i].ID, z.ID)
			}
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "fresh:    " + la[i] + "\nsnapshot: " + lb[i]
		}
	}
	return "lengths differ"
}

// TestSnapshotRejected: a snapshot that no longer matches its sources, or is
// damaged, is detected, said, and replaced; the dataset served is the sources'.
func TestSnapshotRejected(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spoil  func(t *testing.T, dir, snap string)
		reason string
	}{
		{"byte flipped", func(t *testing.T, dir, snap string) {
			b := readFile(t, snap)
			b[len(b)/2] ^= 0x40
			writeFile(t, snap, b)
		}, "checksum"},
		{"truncated", func(t *testing.T, dir, snap string) {
			b := readFile(t, snap)
			writeFile(t, snap, b[:len(b)*2/3])
		}, "truncated"},
		{"empty", func(t *testing.T, dir, snap string) { writeFile(t, snap, nil) }, "truncated"},
		{"another version", func(t *testing.T, dir, snap string) {
			b := readFile(t, snap)
			b[8]++
			writeFile(t, snap, b)
		}, "version"},
		{"source file changed", func(t *testing.T, dir, snap string) {
			p := filepath.Join(dir, "redline.geojson")
			b := readFile(t, p)
			writeFile(t, p, bytes.Replace(b, []byte(`"type"`), []byte(` "type"`), 1))
		}, "stale"},
		{"manifest changed", func(t *testing.T, dir, snap string) {
			p := filepath.Join(dir, "dataset.yaml")
			writeFile(t, p, append(readFile(t, p), []byte("\n# edited\n")...))
		}, "stale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := demoDir(t)
			want, info, err := data.Open(dir, data.SnapshotOff, zones.IndexOptions{})
			if err != nil || info.Written || info.Snapshot != "" {
				t.Fatalf("snapshots off: %+v %v", info, err)
			}
			if _, info, err = data.Open(dir, "", zones.IndexOptions{}); err != nil || !info.Written {
				t.Fatalf("first open: %+v %v", info, err)
			}
			tc.spoil(t, dir, info.Snapshot)
			if tc.reason == "stale" {
				if want, _, err = data.Open(dir, data.SnapshotOff, zones.IndexOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			got, info, err := data.Open(dir, "", zones.IndexOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if info.FromSnapshot || !strings.Contains(info.Rejected, tc.reason) || !info.Written {
				t.Fatalf("spoilt snapshot: %+v, want rejected for %q and rewritten", info, tc.reason)
			}
			fps := gridFootprints(datasetBound(want.Dataset()), 6)
			if a, b := reports(t, want, fps), reports(t, got, fps); !bytes.Equal(a, b) {
				t.Fatalf("answers differ from the sources':\n%s", firstDiff(a, b))
			}
			// Rewritten, it is used again.
			if _, info, err = data.Open(dir, "", zones.IndexOptions{}); err != nil || !info.FromSnapshot {
				t.Fatalf("after the rewrite: %+v %v", info, err)
			}
		})
	}
}

// TestPrepareWritesWhereAsked: Prepare writes the snapshot at the path given,
// Open finds it there, and an unwritable path is an error for Prepare but not
// for Open.
func TestPrepareWritesWhereAsked(t *testing.T) {
	dir := demoDir(t)
	snap := filepath.Join(t.TempDir(), "x", "demo.snap")
	if _, info, err := data.Prepare(dir, snap); err != nil || !info.Written || info.Snapshot != snap {
		t.Fatalf("prepare: %+v %v", info, err)
	}
	if _, err := os.Stat(data.DefaultSnapshotPath(dir)); err == nil {
		t.Error("prepare with a path wrote the default snapshot too")
	}
	if _, info, err := data.Open(dir, snap, zones.IndexOptions{}); err != nil || !info.FromSnapshot {
		t.Fatalf("open: %+v %v", info, err)
	}
	if _, info, err := data.Prepare(dir, snap); err != nil || !info.FromSnapshot {
		t.Fatalf("prepare again (up to date): %+v %v", info, err)
	}
	blocked := filepath.Join(t.TempDir(), "file")
	writeFile(t, blocked, []byte("x"))
	bad := filepath.Join(blocked, "snap.bin") // under a file: cannot be created
	if _, _, err := data.Prepare(dir, bad); err == nil {
		t.Error("prepare to an unwritable path succeeded")
	}
	if _, info, err := data.Open(dir, bad, zones.IndexOptions{}); err != nil || info.Written || info.WriteErr == nil {
		t.Errorf("open with an unwritable snapshot path: %+v %v", info, err)
	}
	if _, _, err := data.Prepare(dir, data.SnapshotOff); err == nil {
		t.Error("prepare with snapshots off succeeded")
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
