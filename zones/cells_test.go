package zones

import (
	"math"
	"math/rand/v2"
	"testing"

	rlplanar "github.com/redline-gis/redline/planar"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/geo/crs"
)

// TestCellGridAgreesWithExact: the grid lookup gives the same answer as a full
// point-in-polygon test (orb's, boundary included) on a jagged polygon with a hole,
// for random points, and covers every vertex; points on the edges of an
// axis-aligned square (exactly representable) are covered.
func TestCellGridAgreesWithExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shell := jaggedRing(rng, 108, 34, 0.1, 0.05, 200, true)
	var hole orb.Ring
	for i := 0; i < 30; i++ {
		a := -2 * math.Pi * float64(i) / 30
		hole = append(hole, orb.Point{108 + 0.03*math.Cos(a), 34 + 0.03*math.Sin(a)})
	}
	hole = append(hole, hole[0])
	poly := orb.Polygon{shell, hole}
	cg := newCellGrid(poly)
	var inside, boundary int
	check := func(p orb.Point) {
		want := planar.PolygonContains(poly, p)
		if got := cg.covers(p); got != want {
			t.Fatalf("point %v: grid %v, exact %v", p, got, want)
		}
		if want {
			inside++
		}
	}
	for range 20000 {
		check(orb.Point{107.85 + 0.3*rng.Float64(), 33.85 + 0.3*rng.Float64()})
	}
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			if !cg.covers(r[i]) {
				t.Fatalf("vertex %v not covered", r[i])
			}
			boundary++
		}
	}
	if inside < 1000 || boundary != 230 {
		t.Fatalf("test too weak: %d inside, %d boundary points", inside, boundary)
	}
	lookups := 0
	for i := range cg.numCells() {
		if cg.at(i) != cellBoundary {
			lookups++
		}
	}
	if frac := float64(lookups) / float64(cg.numCells()); frac < 0.5 {
		t.Errorf("only %.0f%% of cells answer by lookup", 100*frac)
	}
}

func TestCellGridCoversEdges(t *testing.T) {
	sq := orb.Polygon{{{108, 34}, {108.5, 34}, {108.5, 34.5}, {108, 34.5}, {108, 34}}}
	cg := newCellGrid(sq)
	for _, p := range []orb.Point{{108.25, 34}, {108.5, 34.25}, {108, 34.125}, {108.25, 34.5}, {108, 34}, {108.5, 34.5}} {
		if !cg.covers(p) {
			t.Errorf("%v on the boundary not covered", p)
		}
	}
	for _, p := range []orb.Point{{107.999999, 34.25}, {108.25, 34.500001}, {109, 34}} {
		if cg.covers(p) {
			t.Errorf("%v outside covered", p)
		}
	}
}

func TestCellGridClassify(t *testing.T) {
	// A 1°×1° square with a 0.2° hole in the middle.
	poly := orb.Polygon{
		{{108, 34}, {109, 34}, {109, 35}, {108, 35}, {108, 34}},
		{{108.4, 34.4}, {108.4, 34.6}, {108.6, 34.6}, {108.6, 34.4}, {108.4, 34.4}},
	}
	cg := newCellGrid(poly)
	box := func(x, y, d float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + d, y + d}}
	}
	cases := []struct {
		name string
		b    orb.Bound
		want uint8
	}{
		{"well inside", box(108.1, 34.1, 0.05), cellInside},
		{"in the hole", box(108.48, 34.48, 0.04), cellOutside},
		{"across the hole's edge", box(108.35, 34.45, 0.1), cellBoundary},
		{"across the shell", box(108.95, 34.5, 0.1), cellBoundary},
		{"outside the box", box(110, 34, 0.1), cellOutside},
		{"touching the shell from outside", box(109, 34.5, 0.1), cellBoundary},
	}
	for _, tc := range cases {
		if got := cg.classify(tc.b); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	// Whatever classify says, it agrees with the exact test at the box's corners
	// and centre: never inside when a point is out, never outside when one is in.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		b := box(107.9+1.2*rng.Float64(), 33.9+1.2*rng.Float64(), 0.05*rng.Float64())
		c := cg.classify(b)
		for _, p := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}, b.Center()} {
			in := planar.PolygonContains(poly, p)
			if c == cellInside && !in || c == cellOutside && in {
				t.Fatalf("box %v classified %d but %v is in=%v", b, c, p, in)
			}
		}
	}
}

// TestPlainValidAgreesWithGEOS: the Go fast path never calls valid what GEOS calls
// invalid, over random small polygons (many of them self-intersecting).
func TestPlainValidAgreesWithGEOS(t *testing.T) {
	gctx := geo.NewContext()
	rng := rand.New(rand.NewPCG(5, 6))
	fast := 0
	for range 3000 {
		n := 3 + rng.IntN(8)
		var r orb.Ring
		for range n {
			// A coarse grid makes collinear and touching cases common.
			r = append(r, orb.Point{108 + float64(rng.IntN(5))*0.01, 34 + float64(rng.IntN(5))*0.01})
		}
		r = append(r, r[0])
		clean := orb.Ring{r[0]}
		for _, p := range r[1:] {
			if p != clean[len(clean)-1] {
				clean = append(clean, p)
			}
		}
		if len(clean) < 4 {
			continue
		}
		p := orb.Polygon{clean}
		if !plainValid(p) {
			continue
		}
		fast++
		if _, ok, reason, err := gctx.Repair(p, rlplanar.DimArea); err != nil || !ok {
			t.Fatalf("plainValid says %v is valid, GEOS: %s %v", p, reason, err)
		}
	}
	if fast < 200 {
		t.Errorf("only %d polygons took the fast path", fast)
	}
	star := orb.Polygon{{{108, 34}, {108.02, 34.01}, {108, 34.02}, {108.01, 34}, {108.01, 34.02}, {108, 34}}}
	if plainValid(star) {
		t.Error("a self-intersecting star taken as valid")
	}
}

// TestCellGridRelateAgreesWithGEOS: wherever relate answers inside or outside, GEOS
// agrees (covers, or does not intersect), and where it says the polygon
// straddles the piece, GEOS finds them intersecting and the piece not containing
// it, over random small squares and triangles around a jagged polygon with a hole.
func TestCellGridRelateAgreesWithGEOS(t *testing.T) {
	const cellStraddles = 3 // counted apart from relate's answers
	rng := rand.New(rand.NewPCG(7, 8))
	shell := jaggedRing(rng, 108, 34, 0.1, 0.04, 300, true)
	hole := orb.Ring{{108.01, 34.01}, {108.01, 34.03}, {108.03, 34.03}, {108.03, 34.01}, {108.01, 34.01}}
	poly := orb.Polygon{shell, hole}
	cg := newCellGrid(poly)
	gctx := geo.NewContext()
	pg, err := gctx.Prepare(poly)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[uint8]int{}
	for range 4000 {
		x, y, d := 107.84+0.32*rng.Float64(), 33.84+0.32*rng.Float64(), 0.002+0.03*rng.Float64()
		fp := orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d*rng.Float64()}, {x, y + d}, {x, y}}}
		c, straddles := cg.relate(fp, fp.Bound())
		counts[c]++
		if straddles {
			if c != cellBoundary {
				t.Fatalf("relate %d straddling for %v", c, fp)
			}
			counts[cellStraddles]++
		}
		g, err := gctx.FromOrb(fp)
		if err != nil {
			t.Fatal(err)
		}
		covers, _ := pg.Covers(g)
		meets, _ := pg.Intersects(g)
		contains, _ := pg.Contains(g)
		g.Destroy()
		if c == cellInside && !covers || c == cellOutside && meets || straddles && (!meets || contains) {
			t.Fatalf("relate %d (straddles %v) for %v, GEOS covers %v intersects %v contains %v", c, straddles, fp, covers, meets, contains)
		}
	}
	if counts[cellInside] < 100 || counts[cellOutside] < 100 || counts[cellStraddles] < 100 {
		t.Errorf("relate decided too little: %v", counts)
	}
}

// TestGKAreaShortcut: for a dense polygon of short edges, the Gauss-Krüger area from
// the scale factor at the centroid agrees with projecting every vertex.
func TestGKAreaShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range []orb.Point{{108.0, 34.2}, {109.45, 33.1}, {106.6, 37.9}} { // on, off, far off the CM
		var r orb.Ring
		for i := 0; i < 3000; i++ {
			a := 2 * math.Pi * float64(i) / 3000
			rad := 0.05 * (1 + 0.2*math.Sin(9*a) + 0.01*rng.Float64())
			r = append(r, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
		}
		r = append(r, r[0])
		p := orb.Polygon{r}
		zone := gkZone(p)
		tm := crs.TM{Lon0: float64(3 * zone), K0: 1}
		exact := projectedRingArea(tm, r)
		got := gkArea(p, zone)
		if !shortEdges(p, gkShortEdge) {
			t.Fatal("test polygon has long edges")
		}
		if math.Abs(got-exact) > 1e-6*exact {
			t.Errorf("at %v: GK area %.2f, projected %.2f (rel %.2g)", c, got, exact, (got-exact)/exact)
		}
		if math.Abs(got-geo.Area(p)) < 1e-6*got && zone*3 != int(math.Round(c[0])) {
			t.Errorf("at %v off the central meridian the GK area must exceed the ellipsoidal one", c)
		}
	}
}

// TestCellGridStraddles: a polygon straddles a piece only with a vertex strictly
// inside and one outside; a vertex on the piece's edge is neither.
func TestCellGridStraddles(t *testing.T) {
	square := orb.Polygon{{{108, 34}, {108.1, 34}, {108.1, 34.1}, {108, 34.1}, {108, 34}}}
	cg := newCellGrid(square)
	tri := func(a, b, c orb.Point) orb.Polygon { return orb.Polygon{{a, b, c, a}} }
	for _, tc := range []struct {
		name string
		fp   orb.Polygon
		want bool
	}{
		{"across an edge", tri(orb.Point{108.05, 34.05}, orb.Point{108.15, 34.05}, orb.Point{108.05, 34.06}), true},
		{"across a vertex", tri(orb.Point{108.09, 34.09}, orb.Point{108.11, 34.11}, orb.Point{108.09, 34.11}), true},
		{"on an edge, the rest outside", tri(orb.Point{108.1, 34.05}, orb.Point{108.15, 34.05}, orb.Point{108.15, 34.06}), false},
		{"on an edge, the rest inside", tri(orb.Point{108.1, 34.05}, orb.Point{108.05, 34.05}, orb.Point{108.05, 34.06}), false},
		{"on an edge, one inside, one outside", tri(orb.Point{108.1, 34.05}, orb.Point{108.05, 34.06}, orb.Point{108.15, 34.07}), true},
		{"on a corner, the rest outside", tri(orb.Point{108.1, 34.1}, orb.Point{108.15, 34.1}, orb.Point{108.15, 34.15}), false},
		{"inside", tri(orb.Point{108.01, 34.01}, orb.Point{108.02, 34.01}, orb.Point{108.02, 34.02}), false},
		{"outside", tri(orb.Point{108.2, 34.01}, orb.Point{108.3, 34.01}, orb.Point{108.3, 34.02}), false},
		{"edges crossing, every vertex outside", tri(orb.Point{108.05, 33.9}, orb.Point{108.06, 34.2}, orb.Point{108.04, 34.2}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, straddles := cg.relate(tc.fp, tc.fp.Bound())
			if straddles != tc.want {
				t.Errorf("relate = %d, straddles %v, want %v", c, straddles, tc.want)
			}
			if straddles && c != cellBoundary {
				t.Errorf("relate = %d with straddles", c)
			}
		})
	}
}
