package planar

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"
)

// sq is the square [x, x+d]×[y, y+d], counter-clockwise.
func sq(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
}

func reversed(r orb.Ring) orb.Ring {
	out := r.Clone()
	out.Reverse()
	return out
}

func TestRingLocate(t *testing.T) {
	square := sq(0, 0, 10)
	bowtie := orb.Ring{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}
	// A ring at Gauss-Krüger scale (zone 36 prefix), and one in China's lon/lat.
	gk := sq(36500000, 3800000, 100)
	ll := orb.Ring{{108.9, 34.2}, {108.95, 34.2}, {108.95, 34.25}, {108.9, 34.25}, {108.9, 34.2}}
	diag := orb.Ring{{108.9, 34.2}, {108.95, 34.25}, {108.9, 34.25}, {108.9, 34.2}} // hypotenuse off the axes
	mid := orb.Point{(108.9 + 108.95) / 2, (34.2 + 34.25) / 2}                      // computed: on it only to rounding
	cases := []struct {
		name string
		r    orb.Ring
		p    orb.Point
		want Location
	}{
		{"inside", square, orb.Point{5, 5}, Inside},
		{"outside", square, orb.Point{15, 5}, Outside},
		{"outside, in line with an edge", square, orb.Point{15, 10}, Outside},
		{"outside, the ray through a vertex", square, orb.Point{-5, 0}, Outside},
		{"inside, the ray through a vertex", orb.Ring{{0, 0}, {10, 5}, {0, 10}, {0, 0}}, orb.Point{5, 5}, Inside},
		{"outside, the ray grazing an apex", orb.Ring{{0, 0}, {10, 0}, {5, 5}, {0, 0}}, orb.Point{-1, 5}, Outside},
		{"on an edge", square, orb.Point{10, 5}, Boundary},
		{"on a horizontal edge", square, orb.Point{5, 10}, Boundary},
		{"on a vertex", square, orb.Point{10, 10}, Boundary},
		{"on the first vertex", square, orb.Point{0, 0}, Boundary},
		{"collinear beyond the end", square, orb.Point{12, 0}, Outside},
		{"clockwise ring: same answer", reversed(square), orb.Point{5, 5}, Inside},
		{"clockwise ring, on an edge", reversed(square), orb.Point{0, 3}, Boundary},
		{"empty ring", nil, orb.Point{0, 0}, Outside},
		{"bow-tie lobe (even-odd)", bowtie, orb.Point{0.5, 1}, Inside},
		{"bow-tie crossing point", bowtie, orb.Point{1, 1}, Boundary},
		{"bow-tie waist", bowtie, orb.Point{1, 0.5}, Outside},
		{"within the tolerance outside", square, orb.Point{10 + 1e-14, 5}, Boundary},
		{"beyond the tolerance outside", square, orb.Point{10 + 1e-9, 5}, Outside},
		{"beyond the tolerance inside", square, orb.Point{10 - 1e-9, 5}, Inside},
		{"projected metres, inside", gk, orb.Point{36500050, 3800050}, Inside},
		{"projected metres, a micron out", gk, orb.Point{36500100.000001, 3800050}, Outside},
		{"projected metres, rounding out", gk, orb.Point{math.Nextafter(36500100, math.Inf(1)), 3800050}, Boundary},
		{"lon/lat, inside", ll, orb.Point{108.92, 34.22}, Inside},
		{"lon/lat, a computed midpoint on a slanted edge", diag, mid, Boundary},
		{"lon/lat, 1e-9° off the slanted edge", diag, orb.Point{mid[0] + 1e-9, mid[1]}, Outside},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RingLocate(c.r, c.p); got != c.want {
				t.Errorf("RingLocate(%v) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

// Off the boundary, RingLocate is plain even-odd containment: it agrees with orb's
// RingContains on random rings and points wherever orb's answer is not a
// boundary one.
func TestRingLocateAgreesWithOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	checked := 0
	for range 200 {
		n := 3 + rng.IntN(30)
		r := make(orb.Ring, 0, n+1)
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			rad := 1 + rng.Float64()
			r = append(r, orb.Point{108 + rad*math.Cos(a), 34 + rad*math.Sin(a)})
		}
		r = append(r, r[0])
		for range 100 {
			p := orb.Point{106 + 4*rng.Float64(), 32 + 4*rng.Float64()}
			loc := RingLocate(r, p)
			if loc == Boundary {
				t.Fatalf("random point %v on the boundary of %v", p, r)
			}
			if (loc == Inside) != orbplanar.RingContains(r, p) {
				t.Fatalf("point %v: %v, orb says contained %v", p, loc, orbplanar.RingContains(r, p))
			}
			checked++
		}
		for i := 0; i+1 < len(r); i++ {
			if loc := RingLocate(r, r[i]); loc != Boundary {
				t.Fatalf("vertex %v: %v", r[i], loc)
			}
		}
	}
	if checked < 20000 {
		t.Fatal("too few points")
	}
}

func TestPolygonLocate(t *testing.T) {
	withHole := orb.Polygon{sq(0, 0, 10), reversed(sq(3, 3, 4))}
	sameWayHole := orb.Polygon{sq(0, 0, 10), sq(3, 3, 4)}
	cases := []struct {
		name string
		poly orb.Polygon
		p    orb.Point
		want Location
	}{
		{"inside the shell", withHole, orb.Point{1, 1}, Inside},
		{"in the hole", withHole, orb.Point{5, 5}, Outside},
		{"on the hole's edge", withHole, orb.Point{3, 5}, Boundary},
		{"on the hole's vertex", withHole, orb.Point{7, 7}, Boundary},
		{"on the shell's edge", withHole, orb.Point{0, 5}, Boundary},
		{"outside", withHole, orb.Point{-1, 5}, Outside},
		{"hole running the shell's way", sameWayHole, orb.Point{5, 5}, Outside},
		{"empty polygon", nil, orb.Point{0, 0}, Outside},
		{"no hole", orb.Polygon{sq(0, 0, 10)}, orb.Point{5, 5}, Inside},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PolygonLocate(c.poly, c.p); got != c.want {
				t.Errorf("PolygonLocate(%v) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

func TestMultiPolygonLocate(t *testing.T) {
	ring := orb.Polygon{sq(0, 0, 10), reversed(sq(2, 2, 6))}
	island := orb.Polygon{sq(4, 4, 2)}
	touching := orb.MultiPolygon{{sq(0, 0, 1)}, {sq(1, 1, 1)}} // parts meeting at (1, 1)
	cases := []struct {
		name string
		mp   orb.MultiPolygon
		p    orb.Point
		want Location
	}{
		{"in the first part", orb.MultiPolygon{ring, island}, orb.Point{1, 1}, Inside},
		{"in the island in the hole", orb.MultiPolygon{ring, island}, orb.Point{5, 5}, Inside},
		{"in the hole, off the island", orb.MultiPolygon{ring, island}, orb.Point{3, 3}, Outside},
		{"on the island's edge", orb.MultiPolygon{ring, island}, orb.Point{4, 5}, Boundary},
		{"where two parts touch", touching, orb.Point{1, 1}, Boundary},
		{"outside both", touching, orb.Point{0.5, 1.5}, Outside},
		{"empty", nil, orb.Point{0, 0}, Outside},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MultiPolygonLocate(c.mp, c.p); got != c.want {
				t.Errorf("MultiPolygonLocate(%v) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

func TestOnSegment(t *testing.T) {
	a, b := orb.Point{0, 0}, orb.Point{4, 2}
	cases := []struct {
		name    string
		p, a, b orb.Point
		want    bool
	}{
		{"interior", orb.Point{2, 1}, a, b, true},
		{"an end", b, a, b, true},
		{"collinear beyond an end", orb.Point{6, 3}, a, b, false},
		{"off the line", orb.Point{2, 1.1}, a, b, false},
		{"within the tolerance of the line", orb.Point{2, 1 + 1e-15}, a, b, true},
		{"zero-length segment, at it", a, a, a, true},
		{"zero-length segment, beside it", orb.Point{0, 1e-9}, a, a, false},
		{"vertical", orb.Point{3, 5}, orb.Point{3, 0}, orb.Point{3, 9}, true},
		{"horizontal, past the end within the tolerance", orb.Point{4 + 1e-15, 0}, orb.Point{0, 0}, orb.Point{4, 0}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := OnSegment(c.p, c.a, c.b); got != c.want {
				t.Errorf("OnSegment(%v, %v, %v) = %v, want %v", c.p, c.a, c.b, got, c.want)
			}
			if got := OnSegment(c.p, c.b, c.a); got != c.want {
				t.Errorf("OnSegment(%v, %v, %v) = %v, want %v (reversed)", c.p, c.b, c.a, got, c.want)
			}
		})
	}
}

// A 1,000-vertex ring (a zone piece at lon/lat) and points around it.
func benchRing() (orb.Ring, []orb.Point) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 1000
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		rad := 0.1 + 0.02*rng.Float64()
		r = append(r, orb.Point{108 + rad*math.Cos(a), 34 + rad*math.Sin(a)})
	}
	r = append(r, r[0])
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{107.85 + 0.3*rng.Float64(), 33.85 + 0.3*rng.Float64()}
	}
	return r, pts
}

// RingLocate against the banded index Nest builds for rings it tests often, and
// against orb's RingContains (which says nothing of the boundary).
func BenchmarkRingLocate(b *testing.B) {
	r, pts := benchRing()
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			RingLocate(r, pts[i%len(pts)])
			i++
		}
	})
	b.Run("indexed", func(b *testing.B) {
		ix := newRingIndex(r)
		if ix == nil {
			b.Fatal("no index")
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ix.locate(pts[i%len(pts)])
			i++
		}
	})
	b.Run("orb", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			orbplanar.RingContains(r, pts[i%len(pts)])
			i++
		}
	})
}
