package zones

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/planar"
)

// clipTolerance is how far clipArea may stray from GEOS's intersection area,
// relative to it: the two compute the same crossing points (GEOS's formula) but
// GEOS clips the piece to a window first and starts its rings elsewhere, which
// moves the last bits.
const clipTolerance = 1e-9

// areaRounding is the rounding of geo.Area itself for a ring within box b
// started at another vertex or run the other way: each edge adds the area
// between it and the equator (up to the box's width times its distance from the
// equator, ~1e9 m² for 500 m in Shaanxi), and the sum keeps ~1e-16 of it, so
// 1e-15 of that product covers it — as the footprints held whole show (clipArea
// gives their own area, GEOS the area of the same ring as it writes it).
// Answers are rounded to 1e-3 m².
func areaRounding(b orb.Bound) float64 {
	lat := math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	w := (b.Max[0] - b.Min[0]) * 111320 * math.Cos(math.Min(math.Abs(b.Min[1]), math.Abs(b.Max[1]))*math.Pi/180)
	return 1e-15 * w * lat * 110574
}

// geosOverlapArea is the overlap area of fp with the zone pg by GEOS, as the
// GEOS path measures it.
func geosOverlapArea(t *testing.T, gctx *geo.Context, pg *geo.Geom, fp orb.Geometry) float64 {
	t.Helper()
	if o := geosOverlap(t, gctx, pg, fp); o != nil {
		return geo.Area(o)
	}
	return 0
}

// TestClipAreaAgreesWithGEOS: on a jagged multipolygon with holes and an island
// in a hole, clipArea gives GEOS's intersection area within clipTolerance for
// random squares, rotated squares, triangles and star-shaped (concave) polygons
// of many sizes, some with a hole or a second part, wherever it answers; and it answers most of them, partial
// overlaps, footprints holding a hole or an island, and footprints wholly
// inside among them.
func TestClipAreaAgreesWithGEOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	jagged := func(cx, cy, r0, dr float64, n int, ccw bool) orb.Ring { return jaggedRing(rng, cx, cy, r0, dr, n, ccw) }
	mp := orb.MultiPolygon{
		{jagged(108, 34, 0.1, 0.04, 300, true), jagged(108, 34, 0.02, 0.01, 40, false), jagged(108.06, 34.02, 0.01, 0.004, 25, true)},
		{jagged(108, 34, 0.008, 0.003, 20, true)},        // an island in the hole
		{jagged(108.3, 34, 0.05, 0.02, 120, false)},      // clockwise shell
		{jagged(108.3, 34, 0.01, 0.003, 30, true)[:0:0]}, // empty, dropped below
	}
	mp = mp[:3]
	s := shapeOf(mp)
	p := &piece{area: true, bound: mp.Bound(), shape: s, cells: buildGrid(&s, mp.Bound())}
	gctx := geo.NewContext()
	pg, err := gctx.FromOrb(mp)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Destroy()

	var answered, partial, whole, holding, multiRing, refused int
	worst := 0.0
	for i := range 6000 {
		// Centred near the shape's rings (their vertices) or anywhere over it.
		var cx, cy float64
		if i%2 == 0 {
			poly := mp[rng.IntN(len(mp))]
			r := poly[rng.IntN(len(poly))]
			v := r[rng.IntN(len(r))]
			cx, cy = v[0]+0.002*rng.NormFloat64(), v[1]+0.002*rng.NormFloat64()
		} else {
			cx, cy = 107.85+0.55*rng.Float64(), 33.85+0.3*rng.Float64()
		}
		d := 0.0005 * math.Pow(100, rng.Float64()) // 50 m to 5 km
		if i%10 == 9 {
			// Around the hole (with its island) or the small shell inside it.
			c := []orb.Point{{108, 34}, {108.06, 34.02}}[rng.IntN(2)]
			d = 0.03 + 0.05*rng.Float64()
			cx, cy = c[0]-d/2+0.01*rng.NormFloat64(), c[1]-d/2+0.01*rng.NormFloat64()
		}
		var fp orb.Ring
		switch i % 4 {
		case 0: // axis-aligned square, as GeoJSON writes it
			fp = orb.Ring{{cx, cy}, {cx + d, cy}, {cx + d, cy + d}, {cx, cy + d}, {cx, cy}}
		case 1: // rotated square, clockwise
			a := rng.Float64() * math.Pi
			for k := range 4 {
				b := a - float64(k)*math.Pi/2
				fp = append(fp, orb.Point{cx + d*math.Cos(b), cy + d*math.Sin(b)})
			}
			fp = append(fp, fp[0])
		case 2: // triangle
			for range 3 {
				fp = append(fp, orb.Point{cx + d*rng.Float64(), cy + d*rng.Float64()})
			}
			fp = append(fp, fp[0])
		default: // star: concave, up to 40 vertices
			n := 3 + rng.IntN(18)
			for k := range 2 * n {
				rr := d
				if k%2 == 1 {
					rr = d * (0.2 + 0.5*rng.Float64())
				}
				a := math.Pi * float64(k) / float64(n)
				fp = append(fp, orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
			}
			fp = append(fp, fp[0])
		}
		if planar.SignedArea(fp) == 0 {
			continue
		}
		fps := []orb.Polygon{{fp}}
		switch i % 7 {
		case 5: // a square hole in the middle, either way round
			h := d / 4
			hole := orb.Ring{{cx + h, cy + h}, {cx + h, cy + 2*h}, {cx + 2*h, cy + 2*h}, {cx + 2*h, cy + h}, {cx + h, cy + h}}
			if rng.IntN(2) == 0 {
				slices.Reverse(hole)
			}
			if i%4 == 0 {
				fps[0] = append(fps[0], hole)
			}
		case 6: // and a second square beside it
			e := d * 1.5
			fps = append(fps, orb.Polygon{{{cx + e, cy}, {cx + e + d/2, cy}, {cx + e + d/2, cy + d/2}, {cx + e, cy + d/2}, {cx + e, cy}}})
		}
		var geom orb.Geometry = fps[0]
		if len(fps) > 1 {
			geom = orb.MultiPolygon(fps)
		}
		b := geom.Bound()
		fpArea := geo.Area(geom)
		got, isWhole, ok := clipArea([]*piece{p}, fps, b, fpArea)
		if !ok {
			refused++
			continue
		}
		want := geosOverlapArea(t, gctx, pg, geom)
		if diff := math.Abs(got - want); diff > math.Max(clipTolerance*want, areaRounding(b)) {
			t.Fatalf("footprint %v: clipArea %.12g m², GEOS %.12g m² (relative %.3g)", geom, got, want, diff/want)
		}
		if len(fps) > 1 || len(fps[0]) > 1 {
			multiRing++
		}
		if want > 0 && math.Abs(got-want)/want > worst {
			worst = math.Abs(got-want) / want
			t.Logf("worst so far: %.3g relative, %.3g m² of %.6g m² (footprint %.6g m², %d vertices)", worst, math.Abs(got-want), want, fpArea, len(fp))
		}
		answered++
		switch {
		case isWhole:
			whole++
		case want > 0 && want < fpArea*(1-1e-6):
			partial++
		}
		// A footprint holding the hole, the island or the small shell whole.
		for _, r := range []orb.Ring{mp[0][1], mp[0][2], mp[1][0]} {
			if planar.RingLocate(fp, r[0]) == planar.Inside && planar.RingLocate(fp, r[len(r)/2]) == planar.Inside {
				holding++
				break
			}
		}
	}
	t.Logf("%d answered (%d partial, %d whole, %d holding a ring, %d with a hole or two parts), %d left to GEOS; worst relative difference %.3g",
		answered, partial, whole, holding, multiRing, refused, worst)
	if answered < 5000 || partial < 1000 || whole < 200 || holding < 20 || multiRing < 800 {
		t.Fatalf("test too weak: %d answered (%d partial, %d whole, %d holding a ring), %d left to GEOS", answered, partial, whole, holding, refused)
	}
}

// TestGEOSIntersectionFormula: geosIntersection gives a point on both segments
// (within rounding) for crossing segments, is symmetric in the order of the
// segments and of their ends (as GEOS's formula is), and refuses parallel ones.
func TestGEOSIntersectionFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for range 10000 {
		pt := func() orb.Point { return orb.Point{108 + 0.01*rng.Float64(), 34 + 0.01*rng.Float64()} }
		p1, p2, q1, q2 := pt(), pt(), pt(), pt()
		if !planar.SegmentsCross(p1, p2, q1, q2) {
			continue
		}
		x, ok := geosIntersection(p1, p2, q1, q2)
		if !ok {
			t.Fatalf("%v %v × %v %v: no point", p1, p2, q1, q2)
		}
		for _, other := range [][4]orb.Point{{q1, q2, p1, p2}, {p2, p1, q1, q2}, {q2, q1, p2, p1}} {
			if y, _ := geosIntersection(other[0], other[1], other[2], other[3]); y != x {
				t.Fatalf("%v %v × %v %v: %v, but %v in another order", p1, p2, q1, q2, x, y)
			}
		}
		for _, s := range [][2]orb.Point{{p1, p2}, {q1, q2}} {
			d := math.Abs(planar.Orient(s[0], s[1], x)) / math.Hypot(s[1][0]-s[0][0], s[1][1]-s[0][1])
			if d > 1e-12 {
				t.Fatalf("%v %v × %v %v: %v is %.3g off %v", p1, p2, q1, q2, x, d, s)
			}
		}
	}
	if _, ok := geosIntersection(orb.Point{0, 0}, orb.Point{1, 1}, orb.Point{0, 1}, orb.Point{1, 2}); ok {
		t.Error("parallel segments gave a point")
	}
}

// TestClipAreaAcrossCutsAgreesWithGEOS: a jagged polygon with a hole and an
// island, subdivided as the index subdivides zones (cut lines both ways, with
// T-junctions), gives through clipArea over the pieces near each footprint the
// area GEOS gives for the union of those pieces intersected with it, as the
// GEOS path computes it; and footprints across several pieces are answered.
func TestClipAreaAcrossCutsAgreesWithGEOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	jagged := func(cx, cy, r0, dr float64, n int) orb.Ring { return jaggedRing(rng, cx, cy, r0, dr, n, true) }
	hole := jagged(108, 34, 0.02, 0.01, 40)
	slices.Reverse(hole)
	zone := orb.MultiPolygon{{jagged(108, 34, 0.1, 0.04, 400), hole}, {jagged(108, 34, 0.008, 0.003, 20)}}
	gctx := geo.NewContext()
	parts, err := gctx.Subdivide(zone, 24)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []*piece
	for _, g := range parts {
		s := shapeOf(g)
		pieces = append(pieces, &piece{area: true, bound: g.Bound(), shape: s, cells: buildGrid(&s, g.Bound())})
	}
	var answered, multi, refused int
	for i := range 4000 {
		var cx, cy float64
		if i%2 == 0 {
			p := pieces[rng.IntN(len(pieces))]
			v := p.shape.pt(rng.IntN(p.shape.numVertices()))
			cx, cy = v[0]+0.001*rng.NormFloat64(), v[1]+0.001*rng.NormFloat64()
		} else {
			cx, cy = 107.86+0.28*rng.Float64(), 33.86+0.28*rng.Float64()
		}
		d := 0.0005 * math.Pow(40, rng.Float64())
		fp := orb.Ring{{cx, cy}, {cx + d, cy}, {cx + d, cy + d}, {cx, cy + d}, {cx, cy}}
		if i%3 == 1 { // a rotated square
			a := rng.Float64() * math.Pi
			fp = nil
			for k := range 4 {
				fp = append(fp, orb.Point{cx + d*math.Cos(a+float64(k)*math.Pi/2), cy + d*math.Sin(a+float64(k)*math.Pi/2)})
			}
			fp = append(fp, fp[0])
		}
		b := fp.Bound()
		var near []*piece
		var gs []*geo.Geom
		for _, p := range pieces {
			if p.bound.Intersects(b) {
				near = append(near, p)
				g, err := gctx.FromOrb(p.shape.geom())
				if err != nil {
					t.Fatal(err)
				}
				gs = append(gs, g)
			}
		}
		if len(near) == 0 {
			continue
		}
		fpArea := geo.Area(orb.Polygon{fp})
		got, _, ok := clipArea(near, []orb.Polygon{{fp}}, b, fpArea)
		if !ok {
			refused++
			for _, g := range gs {
				g.Destroy()
			}
			continue
		}
		u, err := gctx.Union(gs)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			g.Destroy()
		}
		want := geosOverlapArea(t, gctx, u, orb.Polygon{fp})
		u.Destroy()
		if diff := math.Abs(got - want); diff > math.Max(clipTolerance*want, areaRounding(b)) {
			t.Fatalf("footprint %v over %d pieces: clipArea %.12g m², GEOS %.12g m²", fp, len(near), got, want)
		}
		answered++
		if len(near) > 1 && want > 0 && want < fpArea*(1-1e-6) {
			multi++
		}
	}
	t.Logf("%d answered (%d partial across several pieces), %d left to GEOS", answered, multi, refused)
	if answered < 3000 || multi < 500 {
		t.Fatalf("test too weak: %d answered (%d partial across several pieces), %d left to GEOS", answered, multi, refused)
	}
}

// TestVertexBeyondAgreesWithGEOS: wherever vertexBeyond finds a vertex of the
// overlap beyond the band along a zone's boundary, GEOS finds something of the
// overlap outside that band (reachesBeyond's test), for squares of 20 m to 2 km
// across the boundary of a jagged zone and tolerances of 1 to 100 m; and it
// finds one for most of those GEOS calls deep.
func TestVertexBeyondAgreesWithGEOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	shell := jaggedRing(rng, 108, 34, 0.1, 0.03, 300, true)
	zone := orb.Polygon{shell}
	gctx := geo.NewContext()
	zg, err := gctx.FromOrb(zone)
	if err != nil {
		t.Fatal(err)
	}
	defer zg.Destroy()
	var deep, found, cases int
	for range 3000 {
		v := shell[rng.IntN(len(shell)-1)]
		d := 0.0002 * math.Pow(100, rng.Float64())
		x, y := v[0]-d*rng.Float64(), v[1]-d*rng.Float64()
		sq := orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
		tol := math.Pow(100, rng.Float64())
		pf, err := prepareFootprint(gctx, sq, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		overlap := geosOverlap(t, gctx, zg, sq)
		if overlap == nil {
			continue
		}
		fg := newFootprintGeoms(gctx, pf)
		edges := boundaryNear(zone, expandMetres(pf.bound, tol), fg.localFrame())
		if len(edges) == 0 {
			continue
		}
		got := fg.vertexBeyond(overlap, edges, tol*1.01)
		eg, err := gctx.FromOrb(edges)
		if err != nil {
			t.Fatal(err)
		}
		band, err := eg.Buffer(tol * 1.01)
		if err != nil {
			t.Fatal(err)
		}
		og, err := gctx.FromOrb(fg.frame.project(overlap))
		if err != nil {
			t.Fatal(err)
		}
		rest, err := og.Difference(band)
		if err != nil {
			t.Fatal(err)
		}
		empty, err := rest.IsEmpty()
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []*geo.Geom{eg, band, og, rest} {
			g.Destroy()
		}
		fg.destroy()
		cases++
		if got && empty {
			t.Fatalf("square %v, tolerance %g m: a vertex beyond the band, but GEOS leaves nothing outside it", sq, tol)
		}
		if !empty {
			deep++
			if got {
				found++
			}
		}
	}
	t.Logf("%d cases, %d deep, %d of them found by a vertex", cases, deep, found)
	if cases < 2000 || found < deep/2 || deep == cases {
		t.Fatalf("test too weak: %d cases, %d deep, %d of them found by a vertex", cases, deep, found)
	}
}

// geosOverlap is the polygonal part of the intersection of fp with z by GEOS,
// as orb (nil when there is none).
func geosOverlap(t *testing.T, gctx *geo.Context, z *geo.Geom, fp orb.Geometry) orb.Geometry {
	t.Helper()
	g, err := gctx.FromOrb(fp)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Destroy()
	inter, err := z.Intersection(g)
	if err != nil {
		t.Fatal(err)
	}
	defer inter.Destroy()
	o, err := inter.Orb()
	if err != nil {
		t.Fatal(err)
	}
	return planar.Extract(o, planar.DimArea)
}

// TestSettledHolesAgreeWithGEOS: a footprint of hundreds of holes across the
// boundary of a subdivided zone (with a hole of its own) overlays, with the
// holes the cell grids settle left out and put back, to the overlap GEOS gives
// for the whole footprint: the same area within clipTolerance and the same
// number of rings.
func TestSettledHolesAgreeWithGEOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 29))
	shell := jaggedRing(rng, 108, 34, 0.05, 0.01, 200, true)
	hole := orb.Ring{{108.01, 34.01}, {108.01, 34.02}, {108.02, 34.02}, {108.02, 34.01}, {108.01, 34.01}}
	zone := &Zone{ID: "z", Geometry: orb.Polygon{shell, hole}}
	gctx := geo.NewContext()
	parts, err := gctx.Subdivide(zone.Geometry, 32)
	if err != nil {
		t.Fatal(err)
	}
	var pieces []*piece
	var gs []*geo.Geom
	for _, g := range parts {
		s := shapeOf(g)
		pieces = append(pieces, &piece{zone: zone, area: true, bound: g.Bound(), shape: s, cells: buildGrid(&s, g.Bound())})
		pg, err := gctx.FromOrb(g)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, pg)
	}
	union, err := gctx.Union(gs)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		g.Destroy()
	}
	defer union.Destroy()
	square := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	var settledSome int
	for k := range 12 {
		// A 0.04° footprint with a grid of tiny holes, centred near the
		// zone's edge or its hole.
		c := []orb.Point{{108.05, 34}, {108, 34.05}, {108.015, 34.015}, {107.95, 34.01}}[k%4]
		x0, y0 := c[0]-0.02+0.01*rng.Float64(), c[1]-0.02+0.01*rng.Float64()
		fp := orb.Polygon{square(x0, y0, 0.04)}
		n := 10 + rng.IntN(10)
		for i := range n {
			for j := range n {
				fp = append(fp, square(x0+0.04*(float64(i)+0.3)/float64(n), y0+0.04*(float64(j)+0.3)/float64(n), 0.01/float64(n)))
			}
		}
		pf, err := prepareFootprint(gctx, fp, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fg := newFootprintGeoms(gctx, pf)
		if lean, in, err := fg.settleHoles(gctx, pieces); err != nil {
			t.Fatal(err)
		} else if lean != nil {
			lean.Destroy()
			if len(in) > 0 {
				settledSome++
			}
		}
		h, err := fg.overlayZone(gctx, zone, pieces)
		if err != nil {
			t.Fatal(err)
		}
		fg.destroy()
		want := geosOverlap(t, gctx, union, fp)
		wantArea := 0.0
		if want != nil {
			wantArea = geo.Area(want)
		}
		if d := math.Abs(h.areaM2 - wantArea); d > math.Max(clipTolerance*wantArea, areaRounding(fp.Bound())) {
			t.Fatalf("footprint %d: %.12g m² with holes settled, GEOS %.12g m²", k, h.areaM2, wantArea)
		}
		rings := func(g orb.Geometry) int {
			n := 0
			for _, p := range planar.Polygons(g) {
				n += len(p)
			}
			return n
		}
		if got, w := rings(h.overlap), rings(want); got != w {
			t.Fatalf("footprint %d: %d rings with holes settled, GEOS %d", k, got, w)
		}
	}
	if settledSome < 8 {
		t.Fatalf("test too weak: holes settled inside the zone for %d footprints", settledSome)
	}
}

// jaggedRing is a closed ring of n vertices around (cx, cy) at radii r0 to
// r0+dr drawn from rng, one draw a vertex in order, counter-clockwise when ccw.
func jaggedRing(rng *rand.Rand, cx, cy, r0, dr float64, n int, ccw bool) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		if !ccw {
			a = -a
		}
		rr := r0 + dr*rng.Float64()
		r = append(r, orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
	}
	return append(r, r[0])
}

// TestPreparedAreaBound: the footprint's area bound, taken from the input's
// bound where the area is the input polygon as given, is the area's own bound
// for a polygon as given, one the walk cleans (repeated vertices), a
// multipolygon dissolved, a collection of a polygon and a line, and a repaired
// bow-tie.
func TestPreparedAreaBound(t *testing.T) {
	gctx := geo.NewContext()
	sq := orb.Polygon{{{108, 34}, {108.01, 34}, {108.01, 34.01}, {108, 34.01}, {108, 34}}}
	rep := orb.Polygon{{{108, 34}, {108.01, 34}, {108.01, 34}, {108.01, 34.01}, {108, 34.01}, {108, 34}}}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		same bool // the area bound is the input's
	}{
		{"polygon", sq, true},
		{"repeats", rep, true},
		{"multipolygon", orb.MultiPolygon{sq, {{{108.02, 34}, {108.03, 34}, {108.03, 34.005}, {108.02, 34}}}}, true},
		{"polygon and line", orb.Collection{sq, orb.LineString{{107.9, 33.9}, {108.2, 34.2}}}, false},
		{"bow-tie", orb.Polygon{{{108, 34}, {108.01, 34.01}, {108.01, 34}, {108, 34.01}, {108, 34}}}, true},
	} {
		pf, err := prepareFootprint(gctx, tc.g, CheckOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := pf.area.Bound(); pf.areaBound != want {
			t.Errorf("%s: area bound %v, the area's %v", tc.name, pf.areaBound, want)
		}
		if got := pf.areaBound == pf.bound; got != tc.same {
			t.Errorf("%s: area bound %v, input's %v: same %v, want %v", tc.name, pf.areaBound, pf.bound, got, tc.same)
		}
	}
}

// TestPreparedLineLengths: a line footprint's length, now added up from its
// segments' lengths (kept for clipLineIn), is geo.Length's to the bit, for one
// line, for lines dissolved (one running over another) and for a collection;
// and each segment's length is geo.Distance's.
func TestPreparedLineLengths(t *testing.T) {
	gctx := geo.NewContext()
	a := orb.LineString{{108.1, 34.2}, {108.3, 34.25}, {108.31, 34.1}, {109.5, 33.2}}
	b := orb.LineString{{108.2, 34.0}, {108.25, 34.5}}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
	}{
		{"line", a},
		{"two lines", orb.MultiLineString{a, b}},
		{"a line over another", orb.MultiLineString{a, a[1:3]}},
		{"polygon and line", orb.Collection{orb.Polygon{{{108, 34}, {108.01, 34}, {108.01, 34.01}, {108, 34}}}, b}},
	} {
		pf, err := prepareFootprint(gctx, tc.g, CheckOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if want := geo.Length(pf.line); pf.lengthM != want || want == 0 {
			t.Errorf("%s: length %v, geo.Length %v", tc.name, pf.lengthM, want)
		}
		lines := planar.Lines(pf.line)
		if len(pf.lineLens) != len(lines) {
			t.Fatalf("%s: %d lines' lengths for %d lines", tc.name, len(pf.lineLens), len(lines))
		}
		for k, l := range lines {
			for i := range len(l) - 1 {
				if got, want := pf.lineLens[k][i], geo.Distance(l[i], l[i+1]); got != want {
					t.Errorf("%s: line %d segment %d: %v, Distance %v", tc.name, k, i, got, want)
				}
			}
		}
	}
}
