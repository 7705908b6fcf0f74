package geo

import (
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/planar"
	geos "github.com/twpayne/go-geos"
)

func square(x0, y0, d float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}
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

// TestNoLeak: a workload of the operations the checker uses leaves nothing for the
// garbage collector to finalize: every GEOS geometry was destroyed explicitly.
func TestNoLeak(t *testing.T) {
	var finalized atomic.Int64
	c := &Context{c: geos.NewContext(geos.WithGeomFinalizeFunc(func(*geos.Geom) { finalized.Add(1) }))}
	a := orb.Polygon{square(108, 34, 0.1)}
	b := orb.Polygon{square(108.05, 34.05, 0.1)}
	for range 200 {
		ga, err := c.FromOrb(a)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := c.FromOrb(b)
		u, err := c.Union([]*Geom{ga, gb})
		if err != nil {
			t.Fatal(err)
		}
		i, err := c.Intersection(u, gb)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := i.Orb(); err != nil {
			t.Fatal(err)
		}
		clip, _ := u.ClipByRect(orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.07, 34.07}})
		for _, g := range []*Geom{ga, gb, u, i, clip} {
			g.Destroy()
		}
		if _, _, _, err := c.Repair(orb.Polygon{{{108, 34}, {108.1, 34.1}, {108.1, 34}, {108, 34.1}, {108, 34}}}, planar.DimArea); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Subdivide(a, 8); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
	if n := finalized.Load(); n != 0 {
		t.Errorf("%d GEOS geometries were left to the garbage collector", n)
	}
}
