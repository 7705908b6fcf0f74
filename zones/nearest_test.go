package zones

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/planar"
)

// nearestCase is one footprint against one zone geometry, both in lon/lat.
type nearestCase struct {
	fp   orb.Geometry
	area orb.Geometry // the footprint's polygonal part, nil if none
}

// randomFootprint makes a footprint of up to ~size metres near c: a polygon
// (sometimes with a hole, sometimes several), a line, a point or points, or a
// mix, as checks send.
func randomFootprint(rng *rand.Rand, c orb.Point, size float64) nearestCase {
	deg := size / 111e3
	pt := func() orb.Point {
		return orb.Point{c[0] + (rng.Float64()-0.5)*deg, c[1] + (rng.Float64()-0.5)*deg}
	}
	poly := func(cx orb.Point, r float64) orb.Polygon {
		n := 3 + rng.IntN(8)
		var ring orb.Ring
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			rr := r * (0.5 + rng.Float64()/2)
			ring = append(ring, orb.Point{cx[0] + rr*math.Cos(a), cx[1] + rr*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		p := orb.Polygon{ring}
		if rng.IntN(4) == 0 {
			h := orb.Ring{{cx[0] - r/8, cx[1] - r/8}, {cx[0] - r/8, cx[1] + r/8}, {cx[0] + r/8, cx[1] + r/8}, {cx[0] + r/8, cx[1] - r/8}, {cx[0] - r/8, cx[1] - r/8}}
			p = append(p, h)
		}
		return p
	}
	line := func() orb.LineString {
		l := orb.LineString{pt()}
		for range 1 + rng.IntN(6) {
			l = append(l, pt())
		}
		return l
	}
	switch rng.IntN(7) {
	case 0, 1:
		p := poly(c, deg/2)
		return nearestCase{fp: p, area: p}
	case 2:
		mp := orb.MultiPolygon{poly(pt(), deg/6), poly(pt(), deg/6)}
		if planarOverlap(mp[0], mp[1]) {
			mp = mp[:1]
		}
		return nearestCase{fp: mp, area: mp}
	case 3:
		return nearestCase{fp: line()}
	case 4:
		return nearestCase{fp: orb.MultiLineString{line(), line()}}
	case 5:
		return nearestCase{fp: pt()}
	default:
		p := poly(c, deg/4)
		return nearestCase{fp: orb.Collection{p, line(), orb.MultiPoint{pt(), pt()}}, area: p}
	}
}

// planarOverlap: the two polygons' boxes meet (enough to keep a multipolygon valid).
func planarOverlap(a, b orb.Polygon) bool { return a.Bound().Intersects(b.Bound()) }

// geosNearest is what distance and boundaryDistance did before: GEOS's
// NearestPoints on the footprint and the zone geometry, both in the frame.
func geosNearest(t *testing.T, gctx *geo.Context, f *localFrame, fp, zone orb.Geometry) (orb.Point, orb.Point) {
	t.Helper()
	a, err := gctx.FromOrb(f.project(fp))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Destroy()
	b, err := gctx.FromOrb(zone)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Destroy()
	pa, pb, err := a.NearestPoints(b)
	if err != nil {
		t.Fatal(err)
	}
	return pa, pb
}

// nearestStats counts how the Go pair compares with GEOS's.
type nearestStats struct{ cases, same, ties int }

// compare checks the Go pair against GEOS's: the same pair, or a pair exactly as
// near in the plane (a tie, which either may pick), whose geodesic distance then
// differs by no more than the frame's distortion between two equally near pairs.
func (s *nearestStats) compare(t *testing.T, what string, f *localFrame, n nearestPair, ga, gb orb.Point) {
	t.Helper()
	s.cases++
	if n.a == ga && n.b == gb || n.d == 0 && dist2D(ga, gb) == 0 {
		s.same++
		return
	}
	gd := dist2D(ga, gb)
	if math.Abs(n.d-gd) > 1e-12*math.Max(1, gd) {
		t.Fatalf("%s: Go pair %v–%v at %.12g m, GEOS %v–%v at %.12g m", what, n.a, n.b, n.d, ga, gb, gd)
	}
	s.ties++
	d1 := geo.Distance(f.inv(n.a), f.inv(n.b))
	d2 := geo.Distance(f.inv(ga), f.inv(gb))
	if math.Abs(d1-d2) > 1e-3*math.Max(1, d2) {
		t.Fatalf("%s: tie in the plane but geodesic %.9g m against GEOS's %.9g m", what, d1, d2)
	}
}

// TestNearestPairMatchesGEOS: the nearest pair found in Go (distance,
// boundaryDistance) is the pair GEOS's NearestPoints picks, up to ties, for random
// footprints against random pieces and against boundary lines, including
// footprints that hold a boundary line (distance 0 from the containment).
func TestNearestPairMatchesGEOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 5))
	gctx := geo.NewContext()
	var st nearestStats
	for i := range 3000 {
		c := orb.Point{108 + rng.Float64(), 34 + rng.Float64()}
		tc := randomFootprint(rng, c, 50+rng.Float64()*2000)
		f := newLocalFrame(tc.fp.Bound().Center())
		fp := newFrameParts(tc.fp, tc.area, f)
		// A zone geometry: a polygon piece near the footprint, or boundary lines
		// (in the frame) some of which may lie inside it.
		zc := orb.Point{c[0] + (rng.Float64()-0.5)*0.02, c[1] + (rng.Float64()-0.5)*0.02}
		zone := randomFootprint(rng, zc, 200+rng.Float64()*3000)
		if i%2 == 0 {
			zp, ok := zone.area.(orb.Polygon)
			if !ok || geosIntersects(t, gctx, tc.fp, zp) {
				continue // distance is asked only of zones the footprint does not meet
			}
			s := shapeOf(zp)
			n := newNearestPair()
			n.shape(fp, &s, f)
			ga, gb := geosNearest(t, gctx, f, tc.fp, f.project(zp))
			st.compare(t, fmt.Sprintf("case %d (piece)", i), f, n, ga, gb)
			continue
		}
		var ml orb.MultiLineString
		for _, l := range linesOf(zone.fp) {
			ml = append(ml, f.project(l).(orb.LineString))
		}
		if len(ml) == 0 {
			continue
		}
		n := newNearestPair()
		n.lines(fp, ml)
		ga, gb := geosNearest(t, gctx, f, tc.fp, ml)
		st.compare(t, fmt.Sprintf("case %d (lines)", i), f, n, ga, gb)
	}
	t.Logf("%d cases: %d the same pair, %d ties", st.cases, st.same, st.ties)
	if st.cases < 1000 || st.same < st.cases*99/100 {
		t.Fatalf("%d cases, only %d the same pair", st.cases, st.same)
	}
}

// linesOf returns g's rings and lines as lines (points dropped).
func linesOf(g orb.Geometry) []orb.LineString {
	out := planar.Lines(g)
	for _, p := range planar.Polygons(g) {
		for _, r := range p {
			out = append(out, orb.LineString(r))
		}
	}
	return out
}

func geosIntersects(t *testing.T, gctx *geo.Context, a, b orb.Geometry) bool {
	t.Helper()
	ga, err := gctx.FromOrb(a)
	if err != nil {
		t.Fatal(err)
	}
	defer ga.Destroy()
	s := shapeOf(b)
	pb, err := gctx.PrepareWKB(s.appendWKB(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Destroy()
	ok, err := pb.Intersects(ga)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestNearestPairRealPieces: the same comparison against the index pieces of the
// real county polygons and rivers of ../shared/data, with footprints of 100 m to
// 2 km placed within ~1 km of each piece.
func TestNearestPairRealPieces(t *testing.T) {
	var zonesList []*Zone
	l := &Layer{ID: "real", Kind: KindCustom, Geom: Polygonal}
	rl := &Layer{ID: "rivers", Kind: KindCustom, Geom: Lineal}
	for _, src := range []struct {
		path  string
		layer *Layer
	}{{"../../shared/data/shaanxi_county_datav2021.geojson", l}, {"../../shared/data/shaanxi_rivers.geojson", rl}} {
		b, err := os.ReadFile(src.path)
		if err != nil {
			testenv.Missing(t, "the shared data is absent: "+err.Error())
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatalf("%s: %v", src.path, err)
		}
		for i, ft := range fc.Features {
			z := &Zone{ID: fmt.Sprint(i), Class: "x", Geometry: ft.Geometry, Layer: src.layer}
			src.layer.Zones = append(src.layer.Zones, z)
			zonesList = append(zonesList, z)
		}
	}
	idx, err := NewIndex(&Dataset{Name: "real", Layers: []*Layer{l, rl}}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(12, 6))
	gctx := geo.NewContext()
	var st, grid nearestStats
	for k := range 4000 {
		p := &idx.pieces[rng.IntN(len(idx.pieces))]
		c := orb.Point{p.bound.Min[0] + (p.bound.Max[0]-p.bound.Min[0])*(rng.Float64()*1.2-0.1), p.bound.Min[1] + (p.bound.Max[1]-p.bound.Min[1])*(rng.Float64()*1.2-0.1)}
		tc := randomFootprint(rng, c, 100+rng.Float64()*1900)
		pg := p.geom()
		if geosIntersects(t, gctx, tc.fp, pg) {
			continue
		}
		f := newLocalFrame(tc.fp.Bound().Center())
		n := newNearestPair()
		n.shape(newFrameParts(tc.fp, tc.area, f), &p.shape, f)
		ga, gb := geosNearest(t, gctx, f, tc.fp, f.project(pg))
		what := fmt.Sprintf("case %d (piece of zone %s)", k, p.zone.ID)
		st.compare(t, what, f, n, ga, gb)
		// Through the cell grid's edge lists, within a limit as distance asks.
		const limit = 1000
		w := nearestWithin(limit)
		w.piece(newFrameParts(tc.fp, tc.area, f), p, tc.fp.Bound(), f)
		switch gd := dist2D(ga, gb); {
		case gd < limit:
			if !w.ok {
				t.Fatalf("%s: nothing found within %g m, GEOS's pair is %g m apart", what, float64(limit), gd)
			}
			grid.compare(t, what+" by the grid", f, w, ga, gb)
		case w.ok:
			t.Fatalf("%s: a pair %g m apart found within %g m, GEOS's is %g m apart", what, w.d, float64(limit), gd)
		}
	}
	t.Logf("by the grid: %d cases: %d the same pair, %d ties", grid.cases, grid.same, grid.ties)
	if grid.cases < 500 || grid.same < grid.cases*99/100 {
		t.Fatalf("by the grid: %d cases, only %d the same pair", grid.cases, grid.same)
	}
	t.Logf("%d cases: %d the same pair, %d ties", st.cases, st.same, st.ties)
	if st.cases < 1000 || st.same < st.cases*99/100 {
		t.Fatalf("%d cases, only %d the same pair", st.cases, st.same)
	}
}
