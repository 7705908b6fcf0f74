package shapefile

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// The banded index must answer exactly as the plain scan, on the boundary too.
func TestRingIndexAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	indexed := 0
	for trial := range 50 {
		// A star-shaped ring of n vertices on a grid, so that vertices and edges
		// share coordinates with many query points.
		n := 300 + rng.IntN(2000)
		r := make(orb.Ring, 0, n+1)
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			rad := 50 + float64(rng.IntN(50))
			r = append(r, orb.Point{math.Round(rad * math.Cos(a)), math.Round(rad * math.Sin(a))})
		}
		r = append(r, r[0])
		ix := newRingIndex(r)
		if ix == nil {
			continue // edges spanning too many bands: the scan is used
		}
		indexed++
		queries := []orb.Point{}
		for range 500 {
			queries = append(queries, orb.Point{float64(rng.IntN(220) - 110), float64(rng.IntN(220) - 110)})
		}
		for i := 0; i+1 < len(r); i += 7 {
			queries = append(queries, r[i], orb.Point{(r[i][0] + r[i+1][0]) / 2, (r[i][1] + r[i+1][1]) / 2})
		}
		for _, q := range queries {
			if got, want := ix.locate(q), pointInRing(q, r); got != want {
				t.Fatalf("trial %d, point %v: index says %d, scan %d", trial, q, got, want)
			}
		}
	}
	if indexed < 25 {
		t.Errorf("only %d of 50 rings indexed", indexed)
	}
}

func TestRingIndexDegenerate(t *testing.T) {
	flat := make(orb.Ring, 400)
	for i := range flat {
		flat[i] = orb.Point{float64(i), 5}
	}
	if newRingIndex(flat) != nil {
		t.Error("index built for a ring of zero height")
	}
	nan := make(orb.Ring, 400)
	for i := range nan {
		nan[i] = orb.Point{math.NaN(), float64(i)}
	}
	if ix := newRingIndex(nan); ix != nil && ix.locate(orb.Point{1, 1}) == 1 {
		t.Error("a point inside a ring of NaN")
	}
}

// One shell of 100k vertices with 1,000 holes: the case the index is for.
func BenchmarkAssembleManyHoles(b *testing.B) {
	const n = 100_000
	shell := make(orb.Ring, 0, n+1)
	for i := range n {
		a := -2 * math.Pi * float64(i) / n // clockwise
		shell = append(shell, orb.Point{1000 * math.Cos(a), 1000 * math.Sin(a)})
	}
	shell = append(shell, shell[0])
	rings := []orb.Ring{shell}
	for i := range 1000 {
		x, y := float64(i%32)*40-640, float64(i/32)*40-640
		rings = append(rings, orb.Ring(square(x, y, 10, false)))
	}
	b.ReportAllocs()
	for b.Loop() {
		mp := assemble(rings, false)
		if len(mp) != 1 || len(mp[0]) != 1001 {
			b.Fatalf("%d polygons, %d rings", len(mp), len(mp[0]))
		}
	}
}

// Many rings: the grid must find the same shells as the plain scan.
func TestAssembleGridAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var rings []orb.Ring
	for range 400 {
		x, y := float64(rng.IntN(1000)), float64(rng.IntN(1000))
		size := float64(5 + rng.IntN(60))
		rings = append(rings, orb.Ring(square(x, y, size, true)))
		for range rng.IntN(3) { // holes, some inside, some straddling, some outside
			hx, hy := x+float64(rng.IntN(int(size)+10))-5, y+float64(rng.IntN(int(size)+10))-5
			rings = append(rings, orb.Ring(square(hx, hy, 2, false)))
		}
	}
	got := assemble(rings, false)
	// Every hole lies in the shell it was given, and no ring is lost.
	total := 0
	for _, p := range got {
		total += len(p)
		for _, h := range p[1:] {
			if pointInRing(h[0], p[0]) < 0 && pointInRing(h[2], p[0]) < 0 {
				t.Fatalf("hole %v assigned to a shell %v that does not contain it", h, p[0])
			}
		}
	}
	if total != len(rings) {
		t.Fatalf("%d rings out, %d in", total, len(rings))
	}
	// The grid's candidates are exactly the shells whose bounds contain the hole's.
	info := make([]ringInfo, len(rings))
	for i, r := range rings {
		a := signedArea(r)
		info[i] = ringInfo{ring: r, area: math.Abs(a), bound: r.Bound(), shell: a <= 0}
	}
	c := newCandidates(info, func(i int) bool { return info[i].shell })
	if c.grid == nil {
		t.Fatal("no grid for 400 shells")
	}
	for i := range info {
		if info[i].shell {
			continue
		}
		want := []int{}
		for _, j := range c.members {
			if info[j].bound.Contains(info[i].bound.Min) && info[j].bound.Contains(info[i].bound.Max) {
				want = append(want, j)
			}
		}
		var have []int
		for _, j := range c.containing(info[i].bound) {
			if info[j].bound.Contains(info[i].bound.Min) && info[j].bound.Contains(info[i].bound.Max) {
				have = append(have, j)
			}
		}
		if len(have) != len(want) {
			t.Fatalf("ring %d: grid gives %v, scan %v", i, have, want)
		}
	}
}

// 20,000 small disjoint squares in one record.
func BenchmarkAssembleManyRings(b *testing.B) {
	var rings []orb.Ring
	for i := range 20_000 {
		rings = append(rings, orb.Ring(square(float64(i%200)*3, float64(i/200)*3, 1, i%2 == 0)))
	}
	b.ReportAllocs()
	for b.Loop() {
		if mp := assemble(rings, false); len(mp) != 20_000 {
			b.Fatalf("%d polygons", len(mp))
		}
	}
}
