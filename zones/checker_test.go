package zones_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/zones"
)

func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// testDataset: layer "units" with A (a square with a hole) and B beside it, sharing
// the edge lon=108.1; zone C across the Gauss-Krüger zone border at 109.5°E; layer
// "river", one line crossing A.
func testDataset(t testing.TB) *zones.Dataset {
	t.Helper()
	units := &zones.Layer{ID: "units", Kind: zones.KindCustom, Title: "units", Geom: zones.Polygonal}
	river := &zones.Layer{ID: "river", Kind: zones.KindCustom, Title: "river", Geom: zones.Lineal}
	add := func(l *zones.Layer, id string, g orb.Geometry) {
		l.Zones = append(l.Zones, &zones.Zone{ID: id, Name: "zone " + id, Class: "x", Geometry: g, Layer: l})
	}
	add(units, "A", orb.Polygon{rect(108, 34, 108.1, 34.1), rect(108.04, 34.04, 108.06, 34.06)})
	add(units, "B", orb.Polygon{rect(108.1, 34, 108.2, 34.1)})
	add(units, "C", orb.MultiPolygon{{rect(109.4, 34, 109.6, 34.1)}, {rect(109.7, 34, 109.8, 34.1)}})
	add(river, "R", orb.LineString{{108.03, 33.9}, {108.03, 34.2}})
	return &zones.Dataset{Name: "test", Version: "1", Layers: []*zones.Layer{units, river}}
}

func newChecker(t testing.TB, maxV int) *zones.Checker {
	t.Helper()
	idx, err := zones.NewIndex(testDataset(t), zones.IndexOptions{MaxVertices: maxV})
	if err != nil {
		t.Fatal(err)
	}
	return zones.NewCheckerFor(idx)
}

func hitOf(r *zones.Report, layer, id string) *zones.Intersection {
	for i := range r.Intersections {
		if r.Intersections[i].Layer == layer && r.Intersections[i].ZoneID == id {
			return &r.Intersections[i]
		}
	}
	return nil
}

func nearOf(r *zones.Report, layer, id string) *zones.Nearby {
	for i := range r.Nearby {
		if r.Nearby[i].Layer == layer && r.Nearby[i].ZoneID == id {
			return &r.Nearby[i]
		}
	}
	return nil
}

// near compares with a relative tolerance, allowing for the reports rounding to 0.001.
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+6e-4
}

func TestCheckEdgeCases(t *testing.T) {
	for _, maxV := range []int{-1, 8} { // whole zones, and zones cut into tiny pieces
		c := newChecker(t, maxV)
		type want struct {
			area   map[string]float64 // units zone -> overlap area
			length map[string]float64 // zone -> overlap length
			cross  int
			points map[string]int
			near   map[string]float64 // zone -> distance (approx, 1%)
			none   []string           // zones that must not be intersected
		}
		cases := []struct {
			name string
			g    orb.Geometry
			want want
		}{
			{"inside", orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)},
				want{area: map[string]float64{"A": geo.Area(orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)})}, none: []string{"B"}}},
			{"across shared edge", orb.Polygon{rect(108.09, 34.01, 108.11, 34.02)},
				want{area: map[string]float64{
					"A": geo.Area(orb.Polygon{rect(108.09, 34.01, 108.1, 34.02)}),
					"B": geo.Area(orb.Polygon{rect(108.1, 34.01, 108.11, 34.02)})}}},
			{"touching an edge only", orb.Polygon{rect(108.2, 34.01, 108.21, 34.02)},
				want{near: map[string]float64{"B": 0}, none: []string{"B", "A"}}},
			{"touching a vertex only", orb.Polygon{rect(108.2, 34.1, 108.21, 34.11)},
				want{near: map[string]float64{"B": 0}, none: []string{"B"}}},
			{"in the hole", orb.Polygon{rect(108.045, 34.045, 108.055, 34.055)},
				want{near: map[string]float64{"A": geo.Distance(orb.Point{108.045, 34.05}, orb.Point{108.04, 34.05})}, none: []string{"A"}}},
			{"covering the hole", orb.Polygon{rect(108.035, 34.035, 108.065, 34.065)},
				want{area: map[string]float64{"A": geo.Area(orb.Polygon{rect(108.035, 34.035, 108.065, 34.065), rect(108.04, 34.04, 108.06, 34.06)})}}},
			{"multipolygon", orb.MultiPolygon{{rect(108.01, 34.01, 108.02, 34.02)}, {rect(108.15, 34.05, 108.16, 34.06)}},
				want{area: map[string]float64{"A": geo.Area(orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)}), "B": geo.Area(orb.Polygon{rect(108.15, 34.05, 108.16, 34.06)})}}},
			{"across the Gauss-Krüger zone border", orb.Polygon{rect(109.45, 34.02, 109.55, 34.03)},
				want{area: map[string]float64{"C": geo.Area(orb.Polygon{rect(109.45, 34.02, 109.55, 34.03)})}}},
			{"point inside", orb.Point{108.01, 34.01}, want{points: map[string]int{"A": 1}}},
			{"point on an edge", orb.Point{108.1, 34.05}, want{points: map[string]int{"A": 1, "B": 1}}},
			{"point on a vertex", orb.Point{108.2, 34.1}, want{points: map[string]int{"B": 1}}},
			{"point in the hole", orb.Point{108.05, 34.05}, want{none: []string{"A"}}},
			{"line crossing the river", orb.LineString{{108.02, 34.02}, {108.035, 34.02}},
				want{cross: 1, length: map[string]float64{"A": geo.Length(orb.LineString{{108.02, 34.02}, {108.035, 34.02}})}}},
			{"polygon over the river", orb.Polygon{rect(108.02, 34.01, 108.035, 34.02)},
				want{length: map[string]float64{"R": geo.Length(orb.LineString{{108.03, 34.01}, {108.03, 34.02}})}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{}, zones.CheckOptions{Buffer: zones.BufferOf(2000)})
				if err != nil {
					t.Fatal(err)
				}
				for id, a := range tc.want.area {
					h := hitOf(r, "units", id)
					if h == nil {
						t.Fatalf("maxV %d: no intersection with %s", maxV, id)
					}
					if !near(h.OverlapAreaM2, a, 1e-9) {
						t.Errorf("maxV %d: area with %s = %.3f, want %.3f", maxV, id, h.OverlapAreaM2, a)
					}
				}
				for id, l := range tc.want.length {
					layer := "units"
					if id == "R" {
						layer = "river"
					}
					h := hitOf(r, layer, id)
					if h == nil || !near(h.OverlapLengthM, l, 1e-9) {
						t.Errorf("maxV %d: length with %s = %+v, want %.3f", maxV, id, h, l)
					}
				}
				if tc.want.cross > 0 {
					if h := hitOf(r, "river", "R"); h == nil || h.Crossings != tc.want.cross {
						t.Errorf("crossings = %+v, want %d", h, tc.want.cross)
					}
				}
				for id, n := range tc.want.points {
					if h := hitOf(r, "units", id); h == nil || h.PointsInside != n || h.FootprintShare != 1 {
						t.Errorf("point in %s: %+v", id, h)
					}
				}
				for id, d := range tc.want.near {
					n := nearOf(r, "units", id)
					if n == nil || !near(n.DistanceM, d, 1e-3) {
						t.Errorf("nearby %s = %+v, want distance %.3f", id, n, d)
					}
				}
				for _, id := range tc.want.none {
					if hitOf(r, "units", id) != nil {
						t.Errorf("zone %s must not count as intersected", id)
					}
				}
				var share float64
				for _, in := range r.Intersections {
					if in.Layer == "units" {
						share += in.FootprintShare
					}
				}
				if len(tc.want.area) > 0 && tc.name != "covering the hole" && !near(share, 1, 1e-9) {
					t.Errorf("shares of the units layer add up to %v, want 1", share)
				}
			})
		}
	}
}

func TestCheckRefusesAndRepairs(t *testing.T) {
	c := newChecker(t, 0)
	bowtie := orb.Polygon{{{108.01, 34.01}, {108.02, 34.02}, {108.02, 34.01}, {108.01, 34.02}, {108.01, 34.01}}}
	r, err := c.Check(context.Background(), zones.Footprint{Geometry: bowtie}, zones.Project{}, zones.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Footprint.Repaired || len(r.Footprint.Warnings) == 0 || r.Footprint.AreaM2 <= 0 {
		t.Errorf("bow-tie not repaired and disclosed: %+v", r.Footprint)
	}
	if h := hitOf(r, "units", "A"); h == nil || !near(h.OverlapAreaM2, r.Footprint.AreaM2, 1e-9) {
		t.Errorf("repaired bow-tie overlap: %+v", h)
	}
	codeOf := errcode.Of
	refusals := []struct {
		name string
		g    orb.Geometry
		opts zones.CheckOptions
		code errcode.Code
	}{
		{"bow-tie in strict mode", bowtie, zones.CheckOptions{Strict: true}, errcode.InvalidGeometry},
		{"empty polygon", orb.Polygon{}, zones.CheckOptions{}, errcode.EmptyGeometry},
		{"empty multipolygon", orb.MultiPolygon{}, zones.CheckOptions{}, errcode.EmptyGeometry},
		{"nil", nil, zones.CheckOptions{}, errcode.EmptyGeometry},
		{"unclosed ring", orb.Polygon{{{108.01, 34.01}, {108.02, 34.01}, {108.02, 34.02}, {108.01, 34.02}}}, zones.CheckOptions{}, errcode.InvalidGeometry},
		{"too few points", orb.Polygon{{{108.01, 34.01}, {108.02, 34.01}, {108.01, 34.01}}}, zones.CheckOptions{}, errcode.InvalidGeometry},
		{"repeated vertices only", orb.LineString{{108.01, 34.01}, {108.01, 34.01}}, zones.CheckOptions{}, errcode.InvalidGeometry},
		{"NaN", orb.Point{math.NaN(), 34}, zones.CheckOptions{}, errcode.InvalidCoordinates},
		{"lat/lon swapped", orb.Point{34.01, 108.01}, zones.CheckOptions{}, errcode.InvalidCoordinates},
		{"latitude out of range", orb.Point{108, 95}, zones.CheckOptions{}, errcode.InvalidCoordinates},
		// Gauss-Krüger metres are not lon/lat and nobody said which CRS they are in
		// (the readers convert them before a check when they can tell the zone).
		{"projected numbers", orb.Point{36500000, 3800000}, zones.CheckOptions{}, errcode.UnknownCRS},
		{"projected numbers without zone prefix", orb.LineString{{500000, 3800000}, {500100, 3800000}}, zones.CheckOptions{}, errcode.UnknownCRS},
		{"outside China", orb.Polygon{rect(2.30, 48.80, 2.40, 48.90)}, zones.CheckOptions{}, errcode.InvalidCoordinates},
		{"too many vertices", orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)}, zones.CheckOptions{MaxVertices: 4}, errcode.PayloadTooLarge},
	}
	for _, tc := range refusals {
		_, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{}, tc.opts)
		if got := codeOf(err); got != tc.code {
			t.Errorf("%s: error %v (code %q), want code %q", tc.name, err, got, tc.code)
		}
	}
	// Repeated vertices and clockwise shells are normalised, not repairs.
	cw := orb.Polygon{{{108.01, 34.01}, {108.01, 34.02}, {108.01, 34.02}, {108.02, 34.02}, {108.02, 34.01}, {108.01, 34.01}}}
	r, err = c.Check(context.Background(), zones.Footprint{Geometry: cw}, zones.Project{}, zones.CheckOptions{Strict: true})
	if err != nil || r.Footprint.Repaired {
		t.Errorf("clockwise shell with a repeated vertex: err %v, repaired %v", err, r != nil && r.Footprint.Repaired)
	}
}

// TestOverlappingLinesCountOnce: a route drawn twice, in part, is measured once,
// with a warning; crossing parts keep their length.
func TestOverlappingLinesCountOnce(t *testing.T) {
	c := newChecker(t, 0)
	a := orb.LineString{{108.01, 34.02}, {108.02, 34.02}}
	b := orb.LineString{{108.015, 34.02}, {108.025, 34.02}} // overlaps a's second half
	x := orb.LineString{{108.018, 34.01}, {108.018, 34.03}} // crosses both
	r, err := c.Check(context.Background(), zones.Footprint{Geometry: orb.MultiLineString{a, b, x}}, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()})
	if err != nil {
		t.Fatal(err)
	}
	want := geo.Length(orb.LineString{{108.01, 34.02}, {108.025, 34.02}}) + geo.Length(x)
	if !near(r.Footprint.LengthM, want, 1e-9) || len(r.Footprint.Warnings) != 1 {
		t.Errorf("length %.3f m (want %.3f), warnings %v", r.Footprint.LengthM, want, r.Footprint.Warnings)
	}
	r, err = c.Check(context.Background(), zones.Footprint{Geometry: orb.MultiLineString{a, x}}, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()})
	if err != nil || !near(r.Footprint.LengthM, geo.Length(a)+geo.Length(x), 1e-9) || len(r.Footprint.Warnings) != 0 {
		t.Errorf("crossing lines: %v %+v", err, r.Footprint)
	}
}

// TestCheckConcurrent runs checks from many goroutines (run it with -race) and
// requires the same answer as a lone check.
func TestCheckConcurrent(t *testing.T) {
	c := newChecker(t, 16)
	fp := zones.Footprint{Geometry: orb.Polygon{rect(108.09, 34.01, 108.11, 34.02)}}
	want, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 4*runtime.GOMAXPROCS(0); g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				r, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{})
				if err != nil {
					errs <- err
					return
				}
				if len(r.Intersections) != len(want.Intersections) || r.Intersections[0].OverlapAreaM2 != want.Intersections[0].OverlapAreaM2 {
					errs <- errors.New("a concurrent check disagrees with a lone one")
					return
				}
				if _, err := c.Locate(context.Background(), orb.Point{108.05, 34.01}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestLocatePointMatchesCheck(t *testing.T) {
	c := newChecker(t, 8)
	for _, p := range []orb.Point{{108.01, 34.01}, {108.1, 34.05}, {108.05, 34.05}, {108.15, 34.09}, {109.5, 34.05}, {110, 34}} {
		hits, err := c.Locate(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Check(context.Background(), zones.Footprint{Geometry: p}, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, h := range hits {
			got = append(got, h.Layer+"/"+h.ZoneID)
		}
		for _, in := range r.Intersections {
			if in.Layer == "units" {
				want = append(want, in.Layer+"/"+in.ZoneID)
			}
		}
		if len(got) != len(want) {
			t.Errorf("point %v: locate %v, check %v", p, got, want)
		}
	}
}
