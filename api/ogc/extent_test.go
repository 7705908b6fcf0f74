package ogc

import (
	"testing"

	"github.com/redline-gis/redline/zones"
)

// TestExtentSkipsZonesWithoutGeometry: a layer whose first zone has no
// geometry has the extent of the others, not one stretched to (0, 0).
func TestExtentSkipsZonesWithoutGeometry(t *testing.T) {
	ds := bigDataset(3, 8)
	ly := ds.Layers[0]
	want := ly.Zones[1].Geometry.Bound().Union(ly.Zones[2].Geometry.Bound())
	ly.Zones[0].Geometry = nil
	s := New(Config{Current: func() (*zones.Dataset, *zones.Index, error) { return ds, nil, nil }})
	_, _, m, err := s.dataset()
	if err != nil {
		t.Fatal(err)
	}
	if got := m.extents["big"]; got != want {
		t.Errorf("extent = %v, want %v", got, want)
	}
	if m.all != want {
		t.Errorf("extent of all layers = %v, want %v", m.all, want)
	}
}
