package zones_test

import (
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

func TestSitesOnIntersections(t *testing.T) {
	sites := []zones.Site{
		{Name: "厂区", Geometry: orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)}},     // in RL
		{Name: "取水口", Geometry: orb.Point{107.8, 34.05}},                            // in I only
		{Name: "道路", Geometry: orb.LineString{{107.99, 34.03}, {108.01, 34.03}}},    // crosses into RL
		{Name: "堆场", Geometry: orb.Polygon{rect(107.99, 34.07, 108, 34.075)}},       // shares RL's edge: no area in it
		{Name: "厂区", Geometry: orb.Polygon{rect(108.011, 34.011, 108.012, 34.012)}}, // a name given twice
	}
	var all orb.Collection
	for _, s := range sites {
		all = append(all, s.Geometry)
	}
	for _, maxV := range []int{-1, 8} {
		idx, err := zones.NewIndex(boundaryDataset(t, nil), zones.IndexOptions{MaxVertices: maxV})
		if err != nil {
			t.Fatal(err)
		}
		c := zones.NewCheckerFor(idx)
		r, err := c.Check(context.Background(), zones.Footprint{Geometry: all, Sites: sites}, zones.Project{}, zones.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{"RL": {"厂区", "道路"}, "I": {"取水口"}}
		if len(r.Intersections) != len(want) {
			t.Errorf("maxV %d: %d intersections, want %d", maxV, len(r.Intersections), len(want))
		}
		for _, in := range r.Intersections {
			if !slices.Equal(in.Sites, want[in.ZoneID]) {
				t.Errorf("maxV %d: zone %s sites %q, want %q", maxV, in.ZoneID, in.Sites, want[in.ZoneID])
			}
		}

		// One site: the intersections name none.
		r, err = c.Check(context.Background(), zones.Footprint{Geometry: sites[0].Geometry, Sites: sites[:1]}, zones.Project{}, zones.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Intersections) != 1 || r.Intersections[0].Sites != nil {
			t.Errorf("maxV %d: one site: %+v", maxV, r.Intersections)
		}
	}
}
