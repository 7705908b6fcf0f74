package geo

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/planar"
	geos "github.com/twpayne/go-geos"
)

func square(x0, y0, d float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}
}

// circle is a closed ring of n vertices on a circle of radius r (degrees) round c.
func circle(c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

func TestRepair(t *testing.T) {
	c := NewContext()
	bowtie := orb.Polygon{{{108, 34}, {108.1, 34.1}, {108.1, 34}, {108, 34.1}, {108, 34}}}
	out, valid, reason, err := c.Repair(bowtie, planar.DimArea)
	if err != nil || valid || !strings.HasPrefix(reason, "Self-intersection") {
		t.Fatalf("bow-tie: valid %v reason %q err %v", valid, reason, err)
	}
	mp, ok := out.(orb.MultiPolygon)
	if !ok || len(mp) != 2 {
		t.Fatalf("bow-tie repaired to %T %v, want two triangles", out, out)
	}
	// The two triangles make half the square.
	if a, want := Area(out), Area(orb.Polygon{square(108, 34, 0.1)})/2; math.Abs(a-want) > 1e-3*want {
		t.Errorf("repaired area %v, want about %v", a, want)
	}
	good := orb.Polygon{square(108, 34, 0.1)}
	out, valid, _, err = c.Repair(good, planar.DimArea)
	if err != nil || !valid || !orb.Equal(out, good) {
		t.Errorf("a valid polygon must come back unchanged: %v %v", valid, err)
	}
}

// TestSnapValid: on a grid of 1, a bow-tie comes back as valid areas on whole
// coordinates, a sliver thinner than the grid is dropped, and a valid square
// keeps its corners.
func TestSnapValid(t *testing.T) {
	c := NewContext()
	for _, tc := range []struct {
		name  string
		in    orb.Geometry
		empty bool
	}{
		{"bow-tie", orb.Polygon{{{0, 0}, {10.4, 10.3}, {10.2, 0.1}, {0.2, 9.7}, {0, 0}}}, false},
		{"touching itself after rounding", orb.Polygon{{{0, 0}, {20, 0}, {20, 20}, {10.4, 0.3}, {0, 20}, {0, 0}}}, false},
		{"sliver", orb.Polygon{{{0, 0}, {30, 0.2}, {0, 0.3}, {0, 0}}}, true},
		{"square", orb.Polygon{square(0, 0, 16)}, false},
	} {
		out, err := c.SnapValid(tc.in, 1)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		polys := planar.Polygons(out)
		if tc.empty != (len(polys) == 0) {
			t.Errorf("%s: %d polygons out, want empty %v", tc.name, len(polys), tc.empty)
		}
		for _, p := range polys {
			g, err := c.FromOrb(p)
			if err != nil {
				t.Fatal(err)
			}
			ok, why, err := g.IsValid()
			g.Destroy()
			if err != nil || !ok {
				t.Errorf("%s: invalid %v: %s %v", tc.name, p, why, err)
			}
			planar.EachPoint(p, func(q orb.Point) {
				if q[0] != math.Round(q[0]) || q[1] != math.Round(q[1]) {
					t.Errorf("%s: vertex %v off the grid", tc.name, q)
				}
			})
		}
		if tc.name == "square" && math.Abs(Area(out)-Area(tc.in)) > 1e-9*Area(tc.in) {
			t.Errorf("square: area %v, want %v", Area(out), Area(tc.in))
		}
	}
}

func TestSubdivide(t *testing.T) {
	c := NewContext()
	// A jagged polygon with a hole and 2,000 vertices.
	var shell orb.Ring
	for i := 0; i < 2000; i++ {
		a := 2 * math.Pi * float64(i) / 2000
		r := 0.5 + 0.1*math.Sin(17*a) + 0.05*math.Cos(89*a)
		shell = append(shell, orb.Point{108 + r*math.Cos(a), 34 + r*math.Sin(a)})
	}
	shell = append(shell, shell[0])
	poly := orb.Polygon{shell, square(107.95, 33.95, 0.1)}
	pieces, err := c.Subdivide(poly, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(pieces) < 2000/64 {
		t.Fatalf("%d pieces only", len(pieces))
	}
	sum := 0.0
	for _, p := range pieces {
		if n := planar.NumVertices(p); n > 64 {
			t.Errorf("piece of %d vertices", n)
		}
		sum += Area(p)
	}
	// Cut points lie on straight lon/lat segments, not on the geodesic edges they
	// cut, so the pieces' areas add up to a little less or more (here ~2e-6, from
	// the hole's 10 km edges): why the checker dissolves pieces before measuring.
	if want := Area(poly); math.Abs(sum-want) > 1e-5*want {
		t.Errorf("pieces add up to %.1f m², the polygon is %.1f m²", sum, want)
	}
	line := orb.LineString{{108, 34}, {108.5, 34.2}, {109, 34}, {109.5, 34.3}}
	lp, err := c.Subdivide(line, 8)
	if err != nil || len(lp) == 0 {
		t.Fatalf("line: %v %v", lp, err)
	}
	l := 0.0
	for _, p := range lp {
		l += Length(p)
	}
	if want := Length(line); math.Abs(l-want) > 1e-6*want {
		t.Errorf("line pieces %.3f m, line %.3f m", l, want)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	c := NewContext()
	if _, err := c.FromWKB([]byte{1, 3, 0, 0, 0, 255, 255, 255, 127}); err == nil {
		t.Error("garbage WKB accepted")
	}
	if _, err := c.FromWKB(nil); err == nil {
		t.Error("empty WKB accepted")
	}
}

// newContextWith returns a context with go-geos options (the leak test's
// finalizer counter) and, when ops are given, the fault hook failing them.
func newContextWith(ops []Op, opts ...geos.ContextOption) *Context {
	c := &Context{c: geos.NewContext(opts...)}
	if len(ops) > 0 {
		c.fault = failOn(ops)
	}
	return c
}

// TestSubdivideLineAlongCut: a line that runs exactly along the first cut is kept
// (GEOS puts it in a half), so nothing of it is lost.
func TestSubdivideLineAlongCut(t *testing.T) {
	c := NewContext()
	// The box is 108–109 by 34–34.2: the first cut is lon 108.5, where the line's
	// middle stretch runs.
	var line orb.LineString
	for i := 0; i <= 20; i++ {
		line = append(line, orb.Point{108 + 0.5*float64(i)/20, 34})
	}
	for i := 1; i <= 20; i++ {
		line = append(line, orb.Point{108.5, 34 + 0.2*float64(i)/20})
	}
	for i := 1; i <= 20; i++ {
		line = append(line, orb.Point{108.5 + 0.5*float64(i)/20, 34.2})
	}
	pieces, err := c.Subdivide(line, 8)
	if err != nil {
		t.Fatal(err)
	}
	l := 0.0
	for _, p := range pieces {
		l += Length(p)
	}
	if want := Length(line); l < want*(1-1e-9) {
		t.Errorf("pieces %.3f m, line %.3f m", l, want)
	}
}

// TestSubdivideNoticesLoss: the check Subdivide ends with refuses pieces that miss
// part of what they were cut from, or that are none at all.
func TestSubdivideNoticesLoss(t *testing.T) {
	c := NewContext()
	poly := orb.Polygon{circle(orb.Point{108.5, 34.5}, 0.1, 200)}
	pieces, err := c.Subdivide(poly, 16)
	if err != nil || len(pieces) < 4 {
		t.Fatalf("%d pieces, %v", len(pieces), err)
	}
	if err := conserved(poly, planar.DimArea, pieces); err != nil {
		t.Errorf("all pieces: %v", err)
	}
	for _, tc := range []struct {
		name   string
		pieces []orb.Geometry
	}{
		{"one piece dropped", pieces[1:]},
		{"no piece", nil},
	} {
		if err := conserved(poly, planar.DimArea, tc.pieces); err == nil {
			t.Errorf("%s: not noticed", tc.name)
		}
	}
	line := orb.LineString{{108, 34}, {108.5, 34.2}, {109, 34}, {109.5, 34.3}}
	if err := conserved(line, planar.DimLine, []orb.Geometry{orb.LineString{{108, 34}, {108.5, 34.2}}}); err == nil {
		t.Error("a line missing two of its three segments: not noticed")
	}
}

// TestFailuresAreErrors: a GEOS failure inside any operation comes back as an
// *Error naming it, never as an answer: a geometry whose validity GEOS cannot
// decide is not valid, one it cannot tell empty is not empty, a subdivision whose
// clip fails has no pieces.
func TestFailuresAreErrors(t *testing.T) {
	a := orb.Polygon{square(108, 34, 0.1)}
	b := orb.Polygon{square(108.05, 34.05, 0.1)}
	isOp := func(t *testing.T, err error, op Op) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", op)
		}
		if !errors.Is(err, ErrGEOS) || FailedOp(err) != op {
			t.Errorf("%s: error %v is not a GEOS failure of that op (%q)", op, err, FailedOp(err))
		}
	}
	geoms := func(t *testing.T, c *Context) (*Geom, *Geom) {
		t.Helper()
		ga, err := c.FromOrb(a)
		if err != nil {
			t.Fatal(err)
		}
		gb, err := c.FromOrb(b)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ga.Destroy(); gb.Destroy() })
		return ga, gb
	}
	// run does the operation; faulty says whether c fails it, for the checks that
	// the answer given with the error is not taken for a real one.
	for _, tc := range []struct {
		op  Op
		run func(t *testing.T, faulty bool, c *Context, ga, gb *Geom) error
	}{
		{OpValidity, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error {
			ok, _, err := ga.IsValid()
			if faulty && ok {
				t.Error("validity undecided but answered valid")
			}
			return err
		}},
		{OpIsEmpty, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error {
			empty, err := ga.IsEmpty()
			if faulty && empty {
				t.Error("emptiness undecided but answered empty")
			}
			return err
		}},
		{OpNumCoords, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error { _, err := ga.NumCoords(); return err }},
		{OpBound, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error { _, err := ga.Bound(); return err }},
		{OpIntersection, func(t *testing.T, faulty bool, c *Context, ga, gb *Geom) error {
			_, err := ga.Intersection(gb)
			return err
		}},
		{OpDissolve, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error { _, err := ga.Dissolve(); return err }},
		{OpDifference, func(t *testing.T, faulty bool, c *Context, ga, gb *Geom) error {
			_, err := ga.Difference(gb)
			return err
		}},
		{OpBuffer, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error {
			_, err := ga.Buffer(-0.001)
			return err
		}},
		{OpUnion, func(t *testing.T, faulty bool, c *Context, ga, gb *Geom) error {
			_, err := c.Union([]*Geom{ga, gb})
			return err
		}},
		{OpClipByRect, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error {
			_, err := ga.ClipByRect(orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.05, 34.05}})
			return err
		}},
		{OpNearestPoints, func(t *testing.T, faulty bool, c *Context, ga, gb *Geom) error {
			_, _, err := ga.NearestPoints(gb)
			return err
		}},
		{OpWriteWKB, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error { _, err := ga.Orb(); return err }},
		{OpPrepare, func(t *testing.T, faulty bool, c *Context, _, _ *Geom) error { _, err := c.Prepare(a); return err }},
		{OpIntersects, func(t *testing.T, faulty bool, c *Context, _, gb *Geom) error {
			p, err := NewContext().Prepare(a)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Destroy()
			p.ctx.fault = c.fault // the predicate runs in p's context
			_, err = p.Intersects(gb)
			return err
		}},
		{OpMakeValid, func(t *testing.T, faulty bool, c *Context, _, _ *Geom) error {
			bowtie := orb.Polygon{{{108, 34}, {108.1, 34.1}, {108.1, 34}, {108, 34.1}, {108, 34}}}
			out, _, reason, err := c.Repair(bowtie, planar.DimArea)
			if faulty && (out != nil || reason == "") {
				t.Errorf("failed repair gave %v, reason %q", out, reason)
			}
			return err
		}},
		{OpValidity, func(t *testing.T, faulty bool, c *Context, _, _ *Geom) error {
			out, valid, _, err := c.Repair(a, planar.DimArea)
			if faulty && (valid || out != nil) {
				t.Error("Repair: validity undecided but answered valid")
			}
			return err
		}},
		{OpClipByRect, func(t *testing.T, faulty bool, c *Context, _, _ *Geom) error {
			ps, err := c.Subdivide(orb.Polygon{circle(orb.Point{108, 34}, 0.1, 100)}, 8)
			if faulty && ps != nil {
				t.Errorf("Subdivide gave %d pieces", len(ps))
			}
			return err
		}},
		{OpIsEmpty, func(t *testing.T, faulty bool, c *Context, _, _ *Geom) error { _, err := c.Subdivide(a, 8); return err }},
		{OpCopy, func(t *testing.T, faulty bool, c *Context, ga, _ *Geom) error {
			other := NewContext()
			gb, err := other.FromOrb(b)
			if err != nil {
				t.Fatal(err)
			}
			defer gb.Destroy()
			_, err = ga.Intersection(gb)
			return err
		}},
	} {
		t.Run(string(tc.op), func(t *testing.T) {
			ok := NewContext()
			ga, gb := geoms(t, ok)
			if err := tc.run(t, false, ok, ga, gb); err != nil {
				t.Fatalf("without the fault: %v", err)
			}
			c := NewFailingContext(tc.op)
			ga, gb = geoms(t, c)
			isOp(t, tc.run(t, true, c, ga, gb), tc.op)
		})
	}
}

// TestCrossContext: an operation runs in its receiver's context whatever context
// its operand comes from, and gives the same answer as within one context.
func TestCrossContext(t *testing.T) {
	c1, c2 := NewContext(), NewContext()
	a := orb.Polygon{square(108, 34, 0.1)}
	b := orb.Polygon{square(108.05, 34.05, 0.1)}
	ga, _ := c1.FromOrb(a)
	gb, _ := c2.FromOrb(b)
	gb1, _ := c1.FromOrb(b)
	defer func() { ga.Destroy(); gb.Destroy(); gb1.Destroy() }()

	same, err := ga.Intersection(gb1)
	if err != nil {
		t.Fatal(err)
	}
	defer same.Destroy()
	cross, err := ga.Intersection(gb)
	if err != nil {
		t.Fatal(err)
	}
	defer cross.Destroy()
	if cross.ctx != c1 {
		t.Error("the intersection does not belong to the receiver's context")
	}
	so, _ := same.Orb()
	co, _ := cross.Orb()
	if Area(co) == 0 || math.Abs(Area(so)-Area(co)) > 1e-9*Area(so) {
		t.Errorf("cross-context intersection %.1f m², within one context %.1f m²", Area(co), Area(so))
	}
	u, err := c2.Union([]*Geom{ga, gb})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Destroy()
	if u.ctx != c2 {
		t.Error("the union does not belong to its context")
	}
	if uo, _ := u.Orb(); math.Abs(Area(uo)-(Area(a)+Area(b)-Area(co))) > 1e-6*Area(uo) {
		t.Errorf("union %.1f m²", Area(uo))
	}
	// b's corner (108.05, 34.05) lies in a: the nearest points are one point.
	pb, pa, err := gb.NearestPoints(ga)
	if err != nil || pa != pb {
		t.Errorf("nearest points across contexts: %v %v %v", pb, pa, err)
	}
	// Disjoint, across contexts: the gap between the squares' facing edges.
	gc, _ := c2.FromOrb(orb.Polygon{square(108.3, 34, 0.1)})
	defer gc.Destroy()
	pa, pc, err := ga.NearestPoints(gc)
	if err != nil || pa[0] != 108.1 || pc[0] != 108.3 || pa[1] != pc[1] {
		t.Errorf("nearest points of disjoint squares: %v %v %v", pa, pc, err)
	}
}

// TestPreparedAcrossContexts: prepared pieces in several contexts answer for
// operands of worker contexts under concurrent use (run with -race), and an
// operand from a context that prepares too is copied, so opposite tests in two
// goroutines cannot deadlock.
func TestPreparedAcrossContexts(t *testing.T) {
	c1, c2 := NewContext(), NewContext()
	a := orb.Polygon{square(108, 34, 0.1)}
	b := orb.Polygon{square(108.05, 34.05, 0.1)}
	pa, err := c1.Prepare(a)
	if err != nil {
		t.Fatal(err)
	}
	defer pa.Destroy()
	pb, err := c2.Prepare(b)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Destroy()
	ga, _ := c1.FromOrb(a)
	gb, _ := c2.FromOrb(b)
	defer func() { ga.Destroy(); gb.Destroy() }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 200 {
				if ok, err := pa.Intersects(gb); !ok || err != nil {
					t.Errorf("a ∩ b: %v %v", ok, err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				if ok, err := pb.Covers(ga); ok || err != nil {
					t.Errorf("b covers a: %v %v", ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestNoLeak: a workload of the operations the checker uses, within one context
// and across two, with prepared geometries and with failing operations, leaves
// nothing for the garbage collector to finalize: every GEOS geometry was
// destroyed explicitly.
func TestNoLeak(t *testing.T) {
	var finalized atomic.Int64
	count := geos.WithGeomFinalizeFunc(func(*geos.Geom) { finalized.Add(1) })
	c := newContextWith(nil, count)
	other := newContextWith(nil, count)
	failing := newContextWith([]Op{OpIntersection, OpUnion, OpMakeValid, OpClipByRect, OpIntersects}, count)
	a := orb.Polygon{square(108, 34, 0.1)}
	b := orb.Polygon{square(108.05, 34.05, 0.1)}
	bowtie := orb.Polygon{{{108, 34}, {108.1, 34.1}, {108.1, 34}, {108, 34.1}, {108, 34}}}
	dense := orb.Polygon{circle(orb.Point{108, 34}, 0.1, 40)}
	must := func(g *Geom, err error) *Geom {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	for range 200 {
		ga := must(c.FromOrb(a))
		gb := must(c.FromOrb(b))
		u := must(c.Union([]*Geom{ga, gb}))
		i := must(u.Intersection(gb))
		if _, err := i.Orb(); err != nil {
			t.Fatal(err)
		}
		clip := must(u.ClipByRect(orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.07, 34.07}}))
		d := must(u.Dissolve())
		if _, _, err := ga.NearestPoints(gb); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := c.Repair(bowtie, planar.DimArea); err != nil {
			t.Fatal(err)
		}
		if ps, err := c.Subdivide(dense, 8); err != nil || len(ps) < 5 {
			t.Fatal(len(ps), err)
		}

		// Across contexts: operands copied into the receiver's context.
		ob := must(other.FromOrb(b))
		xi := must(ga.Intersection(ob))
		xu := must(other.Union([]*Geom{ga, ob}))
		xs := must(other.Union([]*Geom{ga}))
		if _, _, err := ob.NearestPoints(ga); err != nil {
			t.Fatal(err)
		}

		// Prepared geometries, with operands of their own context, of a context
		// that prepares nothing, and of one that prepares (copied).
		p := must2(t)(c.Prepare(a))
		op := must2(t)(other.Prepare(b))
		for _, g := range []*Geom{ga, ob, must(failing.FromOrb(b))} {
			if _, err := p.Intersects(g); err != nil {
				t.Fatal(err)
			}
			if _, err := op.Covers(g); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Contains(g); err != nil {
				t.Fatal(err)
			}
			if g.ctx == failing {
				g.Destroy()
			}
		}
		p.Destroy()
		op.Destroy()

		// Failures free what they made.
		fa := must(failing.FromOrb(a))
		fb := must(failing.FromOrb(b))
		if _, err := fa.Intersection(ob); err == nil {
			t.Fatal("no failure")
		}
		if _, err := failing.Union([]*Geom{fa, fb, ob}); err == nil {
			t.Fatal("no failure")
		}
		if _, _, _, err := failing.Repair(bowtie, planar.DimArea); err == nil {
			t.Fatal("no failure")
		}
		if _, err := failing.Subdivide(dense, 8); err == nil {
			t.Fatal("no failure")
		}
		fp, err := failing.Prepare(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fp.Intersects(ob); err == nil {
			t.Fatal("no failure")
		}
		fp.Destroy()

		for _, g := range []*Geom{ga, gb, u, i, clip, d, ob, xi, xu, xs, fa, fb} {
			g.Destroy()
		}
	}
	runtime.GC()
	runtime.GC()
	if n := finalized.Load(); n != 0 {
		t.Errorf("%d GEOS geometries were left to the garbage collector", n)
	}
}

func must2(t *testing.T) func(*Prepared, error) *Prepared {
	return func(p *Prepared, err error) *Prepared {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}
