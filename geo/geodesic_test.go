package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// A 1°×1° cell at the equator has a well-known GRS80 area; the PostGIS oracle
// figure for FP0001 is checked in the conformance test.
func TestAreaKnownValues(t *testing.T) {
	// FP0001 of ../shared/data/oracle, a star polygon; PostGIS says 9097013.732 m².
	star := orb.Polygon{{{107.3835128, 33.6001314}, {107.3798738, 33.6166001}, {107.3656037, 33.6132939}, {107.3616793, 33.6120675}, {107.3537767, 33.604338}, {107.3464579, 33.5962097}, {107.3508323, 33.5925737}, {107.3571958, 33.5831137}, {107.3721788, 33.5838603}, {107.3771538, 33.5878544}, {107.3912139, 33.5944124}, {107.3835128, 33.6001314}}}
	if got, want := Area(star), 9097013.732; math.Abs(got-want) > 1e-6*want {
		t.Errorf("Area(FP0001) = %.3f, PostGIS %.3f", got, want)
	}
	// Orientation does not matter.
	rev := orb.Polygon{append(orb.Ring(nil), star[0]...)}
	rev[0].Reverse()
	if a, b := Area(star), Area(rev); math.Abs(a-b) > 1e-9*a {
		t.Errorf("area depends on orientation: %v vs %v", a, b)
	}
	// A hole is subtracted whatever its orientation.
	sq := func(x0, y0, d float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}
	}
	outer, hole := sq(108, 34, 0.1), sq(108.02, 34.02, 0.02)
	withHole := Area(orb.Polygon{outer, hole})
	if want := Area(orb.Polygon{outer}) - Area(orb.Polygon{hole}); math.Abs(withHole-want) > 1e-6 {
		t.Errorf("hole: %v want %v", withHole, want)
	}
	// Equatorial 1°x1° cell on GRS80: 12,308,778,361 m² (GeographicLib Planimeter).
	cell := Area(orb.Polygon{sq(0, 0, 1)})
	if math.Abs(cell-12308778361.469) > 1 {
		t.Errorf("equatorial cell = %.3f", cell)
	}
}

func TestLengthAndDistance(t *testing.T) {
	// One degree of longitude on the GRS80 equator is a*pi/180.
	if got, want := Length(orb.LineString{{0, 0}, {1, 0}}), GRS80A*math.Pi/180; math.Abs(got-want) > 1e-6 {
		t.Errorf("equator degree = %.6f want %.6f", got, want)
	}
	if d := Distance(orb.Point{108, 34}, orb.Point{108, 34}); d != 0 {
		t.Errorf("distance to itself = %v", d)
	}
	a, b := orb.Point{108.1, 34.2}, orb.Point{108.3, 34.25}
	if Distance(a, b) != Distance(b, a) || Distance(a, b) != Length(orb.LineString{a, b}) {
		t.Error("distance not symmetric or not equal to the 2-point line length")
	}
}

// TestSegmentLengths: each segment's length is Distance's, to the bit, a
// segment of no length 0, and the lengths of a line add up to about its Length.
func TestSegmentLengths(t *testing.T) {
	ls := orb.LineString{{108.1, 34.2}, {108.3, 34.25}, {108.3, 34.25}, {108.31, 34.1}, {109.5, 33.2}}
	got := SegmentLengths(ls, make([]float64, 9))
	if len(got) != len(ls)-1 {
		t.Fatalf("%d lengths for %d segments", len(got), len(ls)-1)
	}
	sum := 0.0
	for i, l := range got {
		if want := Distance(ls[i], ls[i+1]); l != want {
			t.Errorf("segment %d: %v, Distance %v", i, l, want)
		}
		sum += l
	}
	if got[1] != 0 || got[0] == 0 || got[2] == 0 {
		t.Errorf("lengths %v: want 0 for the segment of no length only", got)
	}
	if l := Length(ls); math.Abs(sum-l) > 1e-9*l {
		t.Errorf("lengths add up to %v, Length %v", sum, l)
	}
	if got := SegmentLengths(ls[:1], got); len(got) != 0 {
		t.Errorf("one point: %v", got)
	}
}

// TestAreaAgreesWithGeographicLib: the area with short edges taken on the authalic
// sphere agrees with GeographicLib's for rings of short edges, long edges and a
// mixture: with its geodesic S12 edge by edge (ringAreaShort with 0, every edge a
// geodesic), and with its polygon area, geod_polygon_compute of PROJ 9.1.1, whose
// figures were recorded here when the C function that called it was taken out of
// the binary (it served only this test).
func TestAreaAgreesWithGeographicLib(t *testing.T) {
	ring := func(n int, r0, wob float64) orb.Ring {
		var r orb.Ring
		for k := 0; k < n; k++ {
			a := 2 * math.Pi * float64(k) / float64(n)
			rr := r0 * (1 + wob*math.Sin(7*a))
			r = append(r, orb.Point{108 + rr*math.Cos(a), 34 + rr*math.Sin(a)})
		}
		return append(r, r[0])
	}
	for _, tc := range []struct {
		name    string
		r       orb.Ring
		polygon float64 // geod_polygon_compute, m²
	}{
		{"4000 edges of ~10 m", ring(4000, 0.05, 0.3), 84105514.620795},
		{"40 edges of ~1 km", ring(40, 0.05, 0.3), 81790920.371155},
		{"12 edges of ~40 km", ring(12, 1.5, 0.2), 67968921153.667534},
		{"mixed", append(ring(400, 0.02, 0.1)[:200], orb.Point{108.5, 34.5}, orb.Point{107.5, 34.5}, ring(400, 0.02, 0.1)[0]), 2454601109.362061},
	} {
		got, geodesics := ringArea(tc.r), ringAreaShort(tc.r, 0)
		if math.Abs(got-geodesics) > 1e-9*geodesics+0.01 {
			t.Errorf("%s: area %.4f, with every edge a GeographicLib geodesic %.4f (diff %.3g m²)", tc.name, got, geodesics, got-geodesics)
		}
		for _, a := range []float64{got, geodesics} {
			if math.Abs(a-tc.polygon) > 1e-9*tc.polygon+0.01 {
				t.Errorf("%s: area %.4f, GeographicLib polygon area %.4f (diff %.3g m²)", tc.name, a, tc.polygon, a-tc.polygon)
			}
		}
	}
}

// TestAreaAxisParallel: rings of edges along meridians and parallels (the
// 100 m squares of the bench, a staircase, one across the equator), where
// rl_ring_area keeps a vertex's authalic term for the next at the same latitude
// and takes an edge along a meridian without tan and atan2, agree with
// GeographicLib's geodesics edge by edge, and from whichever vertex they start.
func TestAreaAxisParallel(t *testing.T) {
	square := func(x, y, side float64) orb.Ring {
		dy := side / 111320
		dx := side / (111320 * math.Cos(y*math.Pi/180))
		return orb.Ring{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}
	}
	var stairs orb.Ring
	for k := 0; k < 20; k++ {
		x, y := 108+0.001*float64(k), 34+0.001*float64(k)
		stairs = append(stairs, orb.Point{x, y}, orb.Point{x + 0.001, y})
	}
	stairs = append(stairs, orb.Point{108.02, 34.03}, orb.Point{108, 34.03}, orb.Point{108, 34})
	for _, tc := range []struct {
		name string
		r    orb.Ring
		tol  float64 // m²
	}{
		{"100 m square", square(107.3, 35.1, 100), 1e-4},
		{"1 km square south", square(-60.2, -33.4, 1000), 1e-3},
		{"square across the equator", square(10, -0.002, 400), 1e-3},
		{"staircase", stairs, 1e-2},
	} {
		want := ringAreaShort(tc.r, 0)
		n := len(tc.r) - 1
		for s := range n {
			r := append(append(orb.Ring{}, tc.r[s:n]...), tc.r[:s+1]...)
			if got := ringArea(r); math.Abs(got-want) > tc.tol {
				t.Errorf("%s from vertex %d: %.6f m², geodesics %.6f", tc.name, s, got, want)
			}
		}
	}
}

// BenchmarkRingArea: the ellipsoidal area of a ring of 4,096 vertices on a
// circle of 5 km at 34°N (edges of ~8 m: the authalic-sphere terms), and of 64
// vertices on one of 50 km (edges of ~5 km: geodesic inverses), and of a 100 m
// square.
func BenchmarkRingArea(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
		r    float64 // degrees of latitude
	}{{"short-edges", 4096, 0.045}, {"long-edges", 64, 0.45}} {
		ring := make(orb.Ring, bc.n+1)
		for i := range bc.n {
			a := 2 * math.Pi * float64(i) / float64(bc.n)
			ring[i] = orb.Point{108 + bc.r*math.Cos(a)/math.Cos(34*math.Pi/180), 34 + bc.r*math.Sin(a)}
		}
		ring[bc.n] = ring[0]
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if ringArea(ring) <= 0 {
					b.Fatal("no area")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bc.n), "ns/vertex")
		})
	}
	// A 100 m square as api's BenchmarkLocateSquares100k sends them: two
	// edges along parallels, two along meridians.
	y := 35.1
	dx, dy := 100/(111320*math.Cos(y*math.Pi/180)), 100/111320.0
	sq := orb.Ring{{107.3, y}, {107.3 + dx, y}, {107.3 + dx, y + dy}, {107.3, y + dy}, {107.3, y}}
	b.Run("square-100m", func(b *testing.B) {
		for b.Loop() {
			if ringArea(sq) <= 0 {
				b.Fatal("no area")
			}
		}
	})
}
