package zones_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestPlacementFollowsTheGround: a layer whose features alternate between two
// provinces two thousand kilometres apart is laid out province by province,
// each zone's pieces together, however the features came; and the answers do
// not change with the order of the features: a footprint over three zones of
// one province gets the same hits, in dataset order, from the dataset and from
// the same zones in the other order.
func TestPlacementFollowsTheGround(t *testing.T) {
	build := func(order []int) (*zones.Index, *zones.Dataset) {
		l := &zones.Layer{ID: "units", Kind: zones.KindCustom, Title: "units", Geom: zones.Polygonal}
		for _, i := range order {
			// even: Shaanxi, odd: Heilongjiang; each zone a disc 0.1° across of
			// 64 vertices, cut into pieces of at most 16.
			x, y := 108.05+0.1*float64(i/2), 34.05
			if i%2 == 1 {
				x, y = 126.05+0.1*float64(i/2), 46.05
			}
			var ring orb.Ring
			for k := range 64 {
				a := 2 * math.Pi * float64(k) / 64
				ring = append(ring, orb.Point{x + 0.05*math.Cos(a), y + 0.05*math.Sin(a)})
			}
			ring = append(ring, ring[0])
			l.Zones = append(l.Zones, &zones.Zone{ID: fmt.Sprintf("z%d", i), Class: "x", Geometry: orb.Polygon{ring}, Layer: l})
		}
		ds := &zones.Dataset{Name: "placement", Version: "1", Layers: []*zones.Layer{l}}
		idx, err := zones.NewIndex(ds, zones.IndexOptions{MaxVertices: 16})
		if err != nil {
			t.Fatal(err)
		}
		return idx, ds
	}
	inFile := []int{0, 1, 2, 3, 4, 5, 6, 7}
	idx, _ := build(inFile)
	laid := idx.LaidOut()
	if len(laid) != len(inFile) {
		t.Fatalf("laid out %q: each zone's pieces not together", laid)
	}
	west := func(id string) bool { var n int; fmt.Sscanf(id, "z%d", &n); return n%2 == 0 }
	switches := 0
	for i := 1; i < len(laid); i++ {
		if west(laid[i]) != west(laid[i-1]) {
			switches++
		}
	}
	if switches != 1 {
		t.Errorf("laid out %q: the provinces interleaved (%d switches)", laid, switches)
	}

	fp := orb.Polygon{{{108.05, 34.05}, {108.25, 34.05}, {108.25, 34.08}, {108.05, 34.08}, {108.05, 34.05}}}
	hits := func(order []int) []zones.Hit {
		idx, _ := build(order)
		hs, err := zones.NewCheckerFor(idx).Locate(context.Background(), fp)
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}
	a := hits(inFile)
	b := hits([]int{6, 7, 4, 5, 2, 3, 0, 1})
	var ids []string
	for _, h := range a {
		ids = append(ids, h.ZoneID)
	}
	if want := []string{"z0", "z2", "z4"}; !slices.Equal(ids, want) {
		t.Errorf("hits %q, want %q (dataset order)", ids, want)
	}
	var back []string
	for _, h := range b {
		back = append(back, h.ZoneID)
	}
	if want := []string{"z4", "z2", "z0"}; !slices.Equal(back, want) {
		t.Errorf("hits of the reversed dataset %q, want %q (its order)", back, want)
	}
}
