package zones

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/geo/crs"
)

// TestProjectedRingAreaClosed: leaving out a closed ring's last vertex, which
// projects to the first, gives the shoelace over every vertex bit for bit; an
// open ring still takes every vertex.
func TestProjectedRingAreaClosed(t *testing.T) {
	every := func(tm crs.TM, r orb.Ring) float64 {
		s := 0.0
		x0, y0 := tm.Forward(r[0][0], r[0][1])
		px, py := x0, y0
		for _, p := range r[1:] {
			x, y := tm.Forward(p[0], p[1])
			s += (px-x0)*(y-y0) - (x-x0)*(py-y0)
			px, py = x, y
		}
		return math.Abs(s) / 2
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 500 {
		n := 3 + rng.IntN(12)
		c := orb.Point{105.5 + 5*rng.Float64(), 31.5 + 8*rng.Float64()}
		var r orb.Ring
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rad := 0.001 + 0.05*rng.Float64()
			r = append(r, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
		}
		open := r
		r = append(r[:n:n], r[0])
		tm := crs.TM{Lon0: float64(3 * crs.GKZone3(c[0])), K0: 1}
		if got, want := projectedRingArea(tm, r), every(tm, r); got != want {
			t.Fatalf("ring %d: %v, every vertex %v", i, got, want)
		}
		if got, want := projectedRingArea(tm, open), every(tm, open); got != want {
			t.Fatalf("open ring %d: %v, every vertex %v", i, got, want)
		}
		// With a hole, gkArea sums as geo.PolygonSum does.
		var hole orb.Ring
		for _, p := range r {
			hole = append(hole, orb.Point{c[0] + (p[0]-c[0])/4, c[1] + (p[1]-c[1])/4})
		}
		poly := orb.Polygon{r, hole}
		zone := crs.GKZone3(c[0])
		if got, want := gkArea(poly, zone), geo.PolygonSum(poly, func(r orb.Ring) float64 { return every(tm, r) }); got != want {
			t.Fatalf("polygon %d: gkArea %v, PolygonSum %v", i, got, want)
		}
	}
}

// BenchmarkGKAreaSquare is the Gauss-Krüger area of a check's footprint: a
// 100 m square.
func BenchmarkGKAreaSquare(b *testing.B) {
	sq := orb.Polygon{{{108.9, 34.2}, {108.9011, 34.2}, {108.9011, 34.2009}, {108.9, 34.2009}, {108.9, 34.2}}}
	b.ReportAllocs()
	for b.Loop() {
		gkArea(sq, 36)
	}
}
