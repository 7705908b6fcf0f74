package zones

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestCellGridAgreesWithExact: the grid lookup gives the same answer as a full
// point-in-polygon test (orb's, boundary included) on a jagged polygon with a hole,
// for random points, and covers every vertex; points on the edges of an
// axis-aligned square (exactly representable) are covered.
func TestCellGridAgreesWithExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var shell, hole orb.Ring
	for i := 0; i < 200; i++ {
		a := 2 * math.Pi * float64(i) / 200
		r := 0.1 + 0.05*rng.Float64()
		shell = append(shell, orb.Point{108 + r*math.Cos(a), 34 + r*math.Sin(a)})
	}
	shell = append(shell, shell[0])
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
	for _, c := range cg.cells {
		if c != cellBoundary {
			lookups++
		}
	}
	if frac := float64(lookups) / float64(len(cg.cells)); frac < 0.5 {
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
