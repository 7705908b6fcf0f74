package zones_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// TestNearLineGrid: the line grid finds, for small boxes, every line whose box
// meets them, once — short lines, lines beyond the polygons' extent (the grid
// clamps them to its edge cells), a long line of two vertices too wide for the
// grid (left to the R-tree of lines) — on an index built and on one read
// back from its snapshot.
func TestNearLineGrid(t *testing.T) {
	units := &zones.Layer{ID: "units", Kind: zones.KindCustom, Title: "units", Geom: zones.Polygonal}
	river := &zones.Layer{ID: "river", Kind: zones.KindCustom, Title: "river", Geom: zones.Lineal}
	add := func(l *zones.Layer, id string, g orb.Geometry) {
		l.Zones = append(l.Zones, &zones.Zone{ID: id, Name: "zone " + id, Class: "x", Geometry: g, Layer: l})
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 400 { // 20×20 squares of 0.05°, 0.1° apart
		x, y := 100+0.1*float64(i%20), 30+0.1*float64(i/20)
		add(units, fmt.Sprintf("U%d", i), orb.Polygon{rect(x, y, x+0.05, y+0.05)})
	}
	for i := range 300 {
		x, y := 99.5+3*rng.Float64(), 29.5+3*rng.Float64()
		ls := orb.LineString{{x, y}}
		for range 1 + rng.IntN(6) {
			x, y = x+0.04*(rng.Float64()-0.5), y+0.04*(rng.Float64()-0.5)
			ls = append(ls, orb.Point{x, y})
		}
		add(river, fmt.Sprintf("R%d", i), ls)
	}
	add(river, "long", orb.LineString{{99.8, 29.8}, {102.2, 32.2}})
	ds := &zones.Dataset{Name: "lines", Version: "1", Layers: []*zones.Layer{units, river}}
	idx, err := zones.NewIndex(ds, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if listed, wide := idx.LineGridCounts(); listed < 250 || wide != 1 {
		t.Fatalf("line grid lists %d pieces, leaves %d to the R-tree; want ≥ 250 and the long line", listed, wide)
	}
	var boxes []orb.Bound
	for range 20000 {
		x, y := 99.4+3.2*rng.Float64(), 29.4+3.2*rng.Float64()
		w, h := 0.008*rng.Float64(), 0.008*rng.Float64() // at most 2×2 of the point grid's 0.01° cells
		boxes = append(boxes, orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}})
	}
	if err := idx.NearComplete(boxes); err != nil {
		t.Fatal(err)
	}
	reread, _ := throughSnapshot(t, ds, idx)
	if listed, wide := reread.LineGridCounts(); listed < 250 || wide != 1 {
		t.Fatalf("read back: line grid lists %d pieces, leaves %d to the R-tree", listed, wide)
	}
	if err := reread.NearComplete(boxes); err != nil {
		t.Fatalf("read back: %v", err)
	}
}
