package zones_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestNewIndexLeavesDatasetAlone: the dataset is shared by every reader once
// loaded; indexing it (cutting, preparing, counting) writes nothing to it.
func TestNewIndexLeavesDatasetAlone(t *testing.T) {
	for _, maxV := range []int{0, 4, -1} {
		ds := testDataset(t)
		ds.Summary = zones.LoadSummary{Layers: 2, Zones: 4, Repaired: 1, Repairs: []string{"layer units feature 0 (id A): bow-tie"}}
		want := testDataset(t)
		want.Summary = ds.Summary
		want.Summary.Repairs = []string{"layer units feature 0 (id A): bow-tie"}
		if _, err := zones.NewIndex(ds, zones.IndexOptions{MaxVertices: maxV}); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ds, want) {
			t.Errorf("MaxVertices %d: NewIndex changed the dataset: summary %+v", maxV, ds.Summary)
		}
	}
}

// TestIndexStats: the index counts, in total and by layer, the zones, their
// vertices, the pieces it cut them into and the point-lookup cells of the
// polygonal pieces.
func TestIndexStats(t *testing.T) {
	ds := testDataset(t)
	ds.Summary = zones.LoadSummary{Layers: 2, Zones: 4}
	idx, err := zones.NewIndex(ds, zones.IndexOptions{MaxVertices: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Not subdivided: one piece a zone; every polygonal piece here has few edges,
	// so the smallest grid, 16×16.
	units := zones.IndexStats{Zones: 3, Vertices: 10 + 5 + 10, Pieces: 3, Cells: 3 * 256}
	river := zones.IndexStats{Zones: 1, Vertices: 2, Pieces: 1}
	if got := idx.LayerStats("units"); got != units {
		t.Errorf("units: %+v, want %+v", got, units)
	}
	if got := idx.LayerStats("river"); got != river {
		t.Errorf("river: %+v, want %+v", got, river)
	}
	if got := idx.LayerStats("nope"); got != (zones.IndexStats{}) {
		t.Errorf("unknown layer: %+v", got)
	}
	total := zones.IndexStats{Zones: 4, Vertices: 27, Pieces: 4, Cells: 768}
	if got := idx.Stats(); got != total {
		t.Errorf("total: %+v, want %+v", got, total)
	}
	if s := idx.Summary(); s.Vertices != 27 || s.Pieces != 4 || s.Zones != 4 || s.Layers != 2 {
		t.Errorf("summary %+v", s)
	}

	// Subdivided, the pieces are what the index holds.
	idx, err = zones.NewIndex(testDataset(t), zones.IndexOptions{MaxVertices: 4})
	if err != nil {
		t.Fatal(err)
	}
	st := idx.Stats()
	if st.Pieces != idx.Pieces() || st.Pieces <= 4 || st.Vertices != 27 {
		t.Errorf("subdivided: %+v, %d pieces in the index", st, idx.Pieces())
	}
	if u, r := idx.LayerStats("units"), idx.LayerStats("river"); u.Pieces+r.Pieces != st.Pieces || u.Cells != st.Cells {
		t.Errorf("layers %+v %+v do not add up to %+v", u, r, st)
	}
}

// TestZoneBound: a zone's box is its geometry's (the zero box for none),
// computed on first use; a zone read from a snapshot has the box the snapshot
// stored, not one read from its coordinates: with the buffer's zone
// geometries zeroed under it, Bound still answers the stored box. The buffer's
// parts SeldomRead names lie in it, header first.
func TestZoneBound(t *testing.T) {
	ds := testDataset(t)
	for _, l := range ds.Layers {
		for _, z := range l.Zones {
			if z.Bound() != z.Geometry.Bound() {
				t.Fatalf("zone %s: box %v, its geometry's %v", z.ID, z.Bound(), z.Geometry.Bound())
			}
		}
	}
	if b := (&zones.Zone{}).Bound(); b != (orb.Bound{}) {
		t.Fatalf("a zone without geometry: box %v", b)
	}

	idx, err := zones.NewIndex(testDataset(t), zones.IndexOptions{MaxVertices: 4})
	if err != nil {
		t.Fatal(err)
	}
	if idx.SeldomRead() != nil {
		t.Fatal("an index NewIndex built names parts of a buffer it has none of")
	}
	var snap bytes.Buffer
	if err := zones.EncodeSnapshot(&snap, idx); err != nil {
		t.Fatal(err)
	}
	b := snap.Bytes()
	reread, err := zones.DecodeSnapshot(b, &zones.Dataset{Name: ds.Name})
	if err != nil {
		t.Fatal(err)
	}
	parts := reread.SeldomRead()
	if len(parts) != 2 || len(parts[0]) == 0 || &parts[0][0] != &b[0] || len(parts[1]) < 16*27 {
		t.Fatalf("parts seldom read: %d of them, not the header and the zones' 27 vertices", len(parts))
	}
	zs := map[string]orb.Bound{}
	for _, l := range ds.Layers {
		for _, z := range l.Zones {
			zs[z.ID] = z.Geometry.Bound()
		}
	}
	clear(parts[1])
	for _, l := range reread.Dataset().Layers {
		for _, z := range l.Zones {
			if z.Bound() != zs[z.ID] {
				t.Fatalf("zone %s read back: box %v, stored %v", z.ID, z.Bound(), zs[z.ID])
			}
			if z.Geometry.Bound() == zs[z.ID] {
				t.Fatalf("zone %s: its coordinates are not in the part named as the zones' geometries", z.ID)
			}
		}
	}
}
