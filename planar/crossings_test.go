package planar

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/patchgen"
)

// bruteCrossings counts every pair of p's edges that cross or overlap, O(n²):
// the oracle of SelfCrossings.
func bruteCrossings(p orb.Polygon) int {
	type seg struct{ a, b orb.Point }
	var segs []seg
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			segs = append(segs, seg{r[i], r[i+1]})
		}
	}
	k := 0
	for i := range segs {
		for j := range i {
			if crossesOrOverlaps(segs[i].a, segs[i].b, segs[j].a, segs[j].b) {
				k++
			}
		}
	}
	return k
}

// circle is a simple ring of n vertices around (x, y), counter-clockwise.
func circle(n int, x, y, rad float64) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{x + rad*math.Cos(a), y + rad*math.Sin(a)})
	}
	return append(r, r[0])
}

// scramble swaps k pairs of vertices of r a few places apart, in place.
func scramble(rnd *rand.Rand, r orb.Ring, k int) orb.Ring {
	n := len(r) - 1
	for range k {
		i := 1 + rnd.IntN(n-12)
		j := i + 1 + rnd.IntN(10)
		r[i], r[j] = r[j], r[i]
	}
	return r
}

func TestSelfCrossingsCases(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	cases := []struct {
		name string
		p    orb.Polygon
		want int
		ring int
	}{
		{"square", orb.Polygon{sq(0, 0, 4, 4)}, 0, -1},
		{"triangle", orb.Polygon{{{0, 0}, {4, 0}, {0, 3}, {0, 0}}}, 0, -1},
		{"bow-tie", orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}, 1, 0},
		{"square with a hole", orb.Polygon{sq(0, 0, 4, 4), reversed(sq(1, 1, 2, 2))}, 0, -1},
		// GEOS calls these valid: a hole touching its shell at one point.
		{"hole touching the shell at a shared vertex", orb.Polygon{sq(0, 0, 4, 4), {{0, 0}, {1, 2}, {2, 1}, {0, 0}}}, 0, -1},
		{"hole's vertex on the shell's edge", orb.Polygon{sq(0, 0, 4, 4), {{2, 0}, {1, 1}, {3, 1}, {2, 0}}}, 0, -1},
		{"two holes touching at a vertex", orb.Polygon{sq(0, 0, 6, 6), reversed(sq(1, 1, 3, 3)), reversed(sq(3, 3, 5, 5))}, 0, -1},
		// Invalid to GEOS, but touches all the same: no crossing, nothing to node.
		{"ring touching itself at a vertex (figure eight)", orb.Polygon{{{0, 0}, {2, 1}, {4, 0}, {4, 2}, {2, 1}, {0, 2}, {0, 0}}}, 0, -1},
		{"ring's vertex on its own edge", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {0, 4}, {0, 0}}}, 0, -1},
		// Overlaps count.
		{"spike folding back on its neighbour", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {4, 2}, {0, 4}, {0, 0}}}, 1, 0},
		{"edges overlapping along a stretch", orb.Polygon{{{0, 0}, {4, 0}, {4, 2}, {3, 2}, {3, 0}, {1, 0}, {1, 2}, {0, 2}, {0, 0}}}, 1, 0},
		{"hole crossing the shell", orb.Polygon{sq(0, 0, 4, 4), reversed(sq(3, 1, 5, 2))}, 2, 0},
		{"hole crossing another hole", orb.Polygon{sq(0, 0, 10, 10), reversed(sq(1, 1, 3, 3)), reversed(sq(2, 2, 4, 4))}, 2, 1},
		{"hole twice", orb.Polygon{sq(0, 0, 10, 10), reversed(sq(1, 1, 3, 3)), reversed(sq(1, 1, 3, 3))}, 4, 1},
		{"hole bow-tie", orb.Polygon{sq(0, 0, 10, 10), {{1, 1}, {3, 3}, {3, 1}, {1, 3}, {1, 1}}}, 1, 1},
		{"empty", orb.Polygon{}, 0, -1},
		{"an empty ring", orb.Polygon{sq(0, 0, 4, 4), {}}, 0, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if b := bruteCrossings(c.p); b != c.want {
				t.Fatalf("brute force counts %d, the case says %d", b, c.want)
			}
			got := SelfCrossings(c.p, 100, 0)
			if got.N != c.want || got.Ring != c.ring || got.Capped || got.Exhausted {
				t.Errorf("SelfCrossings = %+v, want %d in ring %d", got, c.want, c.ring)
			}
			// The same through the grid: the polygon at 40 times the vertices
			// (each edge cut in 40) crosses itself as often, save where a cut
			// lands on a crossing.
			dense := densify(c.p, 40)
			if got := SelfCrossings(dense, 1000, 0); got.N != bruteCrossings(dense) {
				t.Errorf("densified: SelfCrossings = %+v, brute force %d", got, bruteCrossings(dense))
			}
		})
	}
}

// densify cuts each edge of p into k.
func densify(p orb.Polygon, k int) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		for j := 0; j+1 < len(r); j++ {
			a, b := r[j], r[j+1]
			for s := range k {
				f := float64(s) / float64(k)
				out[i] = append(out[i], orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
			}
		}
		if len(r) > 0 {
			out[i] = append(out[i], r[len(r)-1])
		}
	}
	return out
}

// TestSelfCrossingsBrute checks the count against the brute force on random
// rings, with and without holes: exact below the limit, the limit at it.
func TestSelfCrossingsBrute(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		var p orb.Polygon
		switch trial % 3 {
		case 0: // points in any order
			p = orb.Polygon{patchgen.ScatteredRing(rnd, 3+rnd.IntN(150), box(108.9, 34.2, 0.1))}
		case 1: // a circle with a few vertices swapped: local crossings
			p = orb.Polygon{scramble(rnd, circle(40+rnd.IntN(400), 108.95, 34.25, 0.05), rnd.IntN(20))}
		case 2: // a shell with holes, some crossing it or each other
			p = orb.Polygon{scramble(rnd, circle(100+rnd.IntN(200), 108.95, 34.25, 0.05), rnd.IntN(3))}
			for range 1 + rnd.IntN(4) {
				x, y := 108.9+0.1*rnd.Float64(), 34.2+0.1*rnd.Float64()
				h := reversed(circle(4+rnd.IntN(40), x, y, 0.002+0.03*rnd.Float64()))
				if rnd.IntN(2) == 0 {
					h = patchgen.ScatteredRing(rnd, 3+rnd.IntN(20), box(x, y, 0.02))
				}
				p = append(p, h)
			}
		}
		want := bruteCrossings(p)
		t.Run(fmt.Sprintf("%d", trial), func(t *testing.T) {
			got := SelfCrossings(p, math.MaxInt, 0)
			if got.N != want || got.Capped || got.Exhausted {
				t.Fatalf("%d rings, %d vertices: SelfCrossings = %+v, brute force %d", len(p), vertices(p), got, want)
			}
			limit := 1 + rnd.IntN(want+1)
			got = SelfCrossings(p, limit, 0)
			if got.N != min(want, limit) || got.Capped != (want >= limit) {
				t.Fatalf("limit %d: SelfCrossings = %+v, brute force %d", limit, got, want)
			}
		})
	}
}

func vertices(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// comb is a valid polygon of teeth slanted slivers side by side, about a
// millimetre wide and 5 km long: every edge's box overlaps every other's.
func comb(teeth int) orb.Ring {
	const w = 1e-8
	r := make(orb.Ring, 0, 2*teeth+4)
	for i := range teeth {
		x := 108.9 + float64(i)*2*w
		r = append(r, orb.Point{x, 34.2}, orb.Point{x + 0.05 + w/2, 34.25})
	}
	last := r[len(r)-1]
	return append(r, orb.Point{last[0] + w, 34.2}, orb.Point{last[0] + w, 34.19}, orb.Point{108.9, 34.19}, orb.Point{108.9, 34.2})
}

// TestSelfCrossingsBounded: the count is itself no denial of service. On
// 100,000-vertex rings it stops at the limit on points in any order, finds
// none on a simple ring with few tests an edge, and gives up on a comb of
// slivers once its work is spent.
func TestSelfCrossingsBounded(t *testing.T) {
	const n = 100_000
	rnd := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name      string
		p         orb.Polygon
		capped    bool
		exhausted bool
	}{
		{"scattered", orb.Polygon{patchgen.ScatteredRing(rnd, n, box(108.9, 34.2, 0.1))}, true, false},
		{"scrambled circle", orb.Polygon{scramble(rnd, circle(n, 108.95, 34.25, 0.05), n/10)}, true, false},
		{"circle", orb.Polygon{circle(n, 108.95, 34.25, 0.05)}, false, false},
		{"circle with holes", append(orb.Polygon{circle(n/2, 108.95, 34.25, 0.05)}, holes(n/2)...), false, false},
		{"comb", orb.Polygon{comb(n / 2)}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			got := SelfCrossings(c.p, 2000, 16*n+1<<22)
			el := time.Since(start)
			t.Logf("%d vertices: %+v in %v", vertices(c.p), got, el)
			if got.Capped != c.capped || got.Exhausted != c.exhausted {
				t.Errorf("SelfCrossings = %+v, want capped %v, exhausted %v", got, c.capped, c.exhausted)
			}
			if !c.capped && !c.exhausted && got.Pairs > 8*n {
				t.Errorf("%d pairs tested for %d vertices: the grid does not bound them", got.Pairs, n)
			}
			if el > 2*time.Second { // ~100 ms under -race
				t.Errorf("took %v", el)
			}
		})
	}
}

// holes are small square holes in a grid inside circle(…, 108.95, 34.25, 0.05),
// with about n vertices in all.
func holes(n int) []orb.Ring {
	var out []orb.Ring
	k := int(math.Sqrt(float64(n / 5)))
	step := 0.06 / float64(k)
	for i := range k {
		for j := range k {
			x, y := 108.92+float64(i)*step, 34.22+float64(j)*step
			out = append(out, orb.Ring{{x, y}, {x, y + step/2}, {x + step/2, y + step/2}, {x + step/2, y}, {x, y}})
		}
	}
	return out
}

func BenchmarkSelfCrossings(b *testing.B) {
	const n = 100_000
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		name string
		p    orb.Polygon
	}{
		{"circle", orb.Polygon{circle(n, 108.95, 34.25, 0.05)}},
		{"scattered", orb.Polygon{patchgen.ScatteredRing(rnd, n, box(108.9, 34.2, 0.1))}},
		{"scrambled", orb.Polygon{scramble(rnd, circle(n, 108.95, 34.25, 0.05), n/10)}},
		{"comb", orb.Polygon{comb(n / 2)}},
	} {
		b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SelfCrossings(c.p, 2000, 16*n+1<<22)
			}
		})
	}
}

// box is the square of side w from (x, y).
func box(x, y, w float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + w}}
}
