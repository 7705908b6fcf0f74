package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/planar"
)

// scatteredRing is a ring through n points scattered at random in a box of about
// 10 km in Shaanxi, in the order drawn (patchgen.ScatteredRing).
func scatteredRing(n int, seed uint64) orb.Ring {
	return patchgen.ScatteredRing(rand.New(rand.NewPCG(seed, 1)), n, orb.Bound{Min: orb.Point{108.9, 34.2}, Max: orb.Point{109.0, 34.29}})
}

// scrambledCircle is a circle of n vertices (a simple ring) with swaps pairs of
// vertices, each a few places apart, exchanged: its crossings grow with swaps
// while n stays, which tells the repair's cost in crossings from its cost in
// vertices.
func scrambledCircle(n, swaps int, seed uint64) orb.Ring {
	rnd := rand.New(rand.NewPCG(seed, 2))
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{108.95 + 0.05*math.Cos(a), 34.25 + 0.045*math.Sin(a)})
	}
	for range swaps {
		i := 1 + rnd.IntN(n-40)
		j := i + 1 + rnd.IntN(30)
		r[i], r[j] = r[j], r[i]
	}
	return append(r, r[0])
}

// crossings counts the crossing or overlapping edge pairs of r, as the
// footprint bounds do.
func crossings(r orb.Ring) int { return planar.SelfCrossings(orb.Polygon{r}, math.MaxInt, 0).N }

// benchRepair times Repair (IsValid, then MakeValid) of r, reporting its
// crossings.
func benchRepair(b *testing.B, name string, r orb.Ring) {
	k := crossings(r)
	b.Run(name, func(b *testing.B) {
		c := NewContext()
		for b.Loop() {
			if _, _, _, err := c.Repair(orb.Polygon{r}, planar.DimArea); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(k), "crossings")
	})
}

// BenchmarkRepairScattered times Repair (IsValid, then MakeValid) of rings of n
// scattered points: the denial of service a list of points posted as a
// footprint was. Run it with -benchtime=1x: n=300 takes ~10 s, and n=1000
// (some 10⁵ crossings) would take minutes.
func BenchmarkRepairScattered(b *testing.B) {
	for _, n := range []int{50, 100, 150, 200, 300} {
		benchRepair(b, fmt.Sprintf("n=%d", n), scatteredRing(n, uint64(n)))
	}
}

// BenchmarkRepairScrambled times Repair of 10,000-vertex rings with a growing
// number of crossings.
func BenchmarkRepairScrambled(b *testing.B) {
	for _, swaps := range []int{0, 30, 100, 300, 1000} {
		benchRepair(b, fmt.Sprintf("swaps=%d", swaps), scrambledCircle(10000, swaps, uint64(swaps)))
	}
}

// BenchmarkIsValidScattered times GEOS IsValid alone on the scattered rings: it
// stops at the first defect, so it is no risk.
func BenchmarkIsValidScattered(b *testing.B) {
	for _, n := range []int{2000, 20000, 100000} {
		r := scatteredRing(n, uint64(n))
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c := NewContext()
			g, err := c.FromOrb(orb.Polygon{r})
			if err != nil {
				b.Fatal(err)
			}
			defer g.Destroy()
			for b.Loop() {
				if ok, _, err := g.IsValid(); err != nil || ok {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

// comb is a valid polygon of teeth long thin slanted teeth side by side, each a
// sliver less than a millimetre wide: the edges' boxes all overlap, which is the
// worst case of an index on boxes.
func comb(teeth int) orb.Ring {
	const w = 1e-8 // degrees, about a millimetre
	r := make(orb.Ring, 0, 2*teeth+3)
	for i := range teeth {
		x := 108.9 + float64(i)*2*w
		r = append(r, orb.Point{x, 34.2}, orb.Point{x + 0.05 + w/2, 34.25})
	}
	last := r[len(r)-1]
	r = append(r, orb.Point{last[0] + w, 34.2}, orb.Point{last[0] + w, 34.19}, orb.Point{108.9, 34.19}, orb.Point{108.9, 34.2})
	return r
}

// BenchmarkRepairLarge times Repair of long rings with one crossing (two
// neighbouring vertices swapped), and IsValid of the comb.
func BenchmarkRepairLarge(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		r := scrambledCircle(n, 0, 0)
		r[n/2], r[n/2+1] = r[n/2+1], r[n/2]
		benchRepairAs(b, fmt.Sprintf("circle/n=%d", n), r, false)
	}
	// 10,000 teeth: IsValid alone takes ~6 s; 50,000 (100,004 vertices)
	// took 159 s, as GEOS tests every pair of the teeth's overlapping boxes.
	for _, teeth := range []int{10000} {
		r := comb(teeth)
		benchRepairAs(b, fmt.Sprintf("comb/n=%d", len(r)), r, true)
	}
}

// benchRepairAs times Repair of r, which must find it valid (valid) or not.
func benchRepairAs(b *testing.B, name string, r orb.Ring, valid bool) {
	b.Run(name, func(b *testing.B) {
		c := NewContext()
		for b.Loop() {
			if _, ok, _, err := c.Repair(orb.Polygon{r}, planar.DimArea); err != nil || ok != valid {
				b.Fatalf("valid %v, want %v (%v)", ok, valid, err)
			}
		}
	})
}

// BenchmarkRepairAtCap times the worst repairs the footprint bounds admit
// (zones/footprint.go): about 2,000 crossings of scattered points, alone and
// spliced into a 50,000-vertex circle.
func BenchmarkRepairAtCap(b *testing.B) {
	// n=130 scattered points cross about 2,000 times; take the ring of the
	// seeds tried closest to 2,000 from below.
	var sc orb.Ring
	best := 0
	for seed := range uint64(40) {
		r := scatteredRing(130, seed)
		if k := crossings(r); k <= 2000 && k > best {
			sc, best = r, k
		}
	}
	big := scrambledCircle(50000-len(sc)+1, 0, 0)
	spliced := append(append(append(orb.Ring{}, big[:25000]...), sc[:len(sc)-1]...), big[25000:]...)
	benchRepair(b, fmt.Sprintf("scattered/n=%d", len(sc)), sc)
	benchRepair(b, fmt.Sprintf("spliced/n=%d", len(spliced)), spliced)
}
