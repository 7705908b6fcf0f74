package zones_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestNearByGrid: on the Shaanxi layers (polygons and rivers), the point
// grid's lookup of small boxes finds every piece whose shape meets the box
// (with the R-tree of all pieces emptied), and the answers through it — Locate
// of 100 m and 1 km squares, points and short lines, and the reports of the
// 206 oracle footprints — are those through the R-tree, bit for bit.
func TestNearByGrid(t *testing.T) {
	_, idx := sharedIndex(t)
	c := zones.NewCheckerFor(idx)
	rng := rand.New(rand.NewPCG(3, 5))
	var gs []orb.Geometry
	var boxes []orb.Bound
	square := func(x, y, side float64) orb.Polygon {
		dx, dy := side/(111320*math.Cos(y*math.Pi/180)), side/111320.0
		return orb.Polygon{{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}}
	}
	for i := range 6000 {
		x, y := 105.5+5*rng.Float64(), 31.5+8*rng.Float64()
		switch i % 4 {
		case 0, 1:
			gs = append(gs, square(x, y, 100))
		case 2:
			gs = append(gs, square(x, y, 1000))
		default:
			if i%8 == 3 {
				gs = append(gs, orb.Point{x, y})
			} else {
				gs = append(gs, orb.LineString{{x, y}, {x + 0.003, y + 0.002}})
			}
		}
		boxes = append(boxes, gs[len(gs)-1].Bound())
	}
	if err := idx.NearComplete(boxes); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	locate := func() [][]zones.Hit {
		out := make([][]zones.Hit, len(gs))
		for i, g := range gs {
			h, err := c.Locate(ctx, g)
			if err != nil {
				t.Fatalf("feature %d: %v", i, err)
			}
			out[i] = h
		}
		return out
	}
	footprints := oracleFootprints(t)
	reports := func() [][]byte {
		out := make([][]byte, len(footprints))
		for i, g := range footprints {
			r, err := c.Check(ctx, zones.Footprint{Geometry: g}, zones.Project{}, zones.CheckOptions{})
			if err != nil {
				t.Fatalf("footprint %d: %v", i, err)
			}
			r.ReportID, r.CreatedAt = "", time.Time{}
			if out[i], err = json.Marshal(r); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	grid, gridReports := locate(), reports()
	defer zones.SetNearByGrid(zones.SetNearByGrid(false))
	tree, treeReports := locate(), reports()
	hits := 0
	for i := range gs {
		hits += len(grid[i])
		if !reflect.DeepEqual(grid[i], tree[i]) {
			t.Fatalf("feature %d (%v): through the grid %+v, through the R-tree %+v", i, gs[i].Bound(), grid[i], tree[i])
		}
	}
	for i := range footprints {
		if string(gridReports[i]) != string(treeReports[i]) {
			t.Fatalf("footprint %d: the reports differ", i)
		}
	}
	if hits < len(gs) {
		t.Fatalf("%d hits for %d features: too few to compare", hits, len(gs))
	}
}
