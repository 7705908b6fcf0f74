package planar

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestNest(t *testing.T) {
	// A shell with a lake in it, an island in the lake with a pond: clockwise
	// shells, counter-clockwise holes (the shapefile convention).
	big := reversed(sq(0, 0, 10))
	lake := sq(2, 2, 6)
	island := reversed(sq(3, 3, 4))
	pond := sq(4, 4, 2)
	far, farHole := reversed(sq(20, 0, 5)), sq(21, 1, 1)
	stray := sq(40, 40, 1)                                               // counter-clockwise, inside nothing
	touching := orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}         // sharing big's corner and edges
	onCorners := orb.Ring{{0, 0}, {10, 0}, {0, 10}, {0, 0}}              // every vertex on big's boundary
	bowtie := orb.Ring{{50, 50}, {52, 52}, {52, 50}, {50, 52}, {50, 50}} // kept as read
	// wide overlaps lake without holding it; a ring in both has lake, a hole, as
	// its smallest container.
	wide := orb.Ring{{1, 2.5}, {9.5, 2.5}, {9.5, 7.5}, {1, 7.5}, {1, 2.5}}
	inBoth := sq(4, 4, 1)
	S, H, X := Shell, Hole, Stray
	cases := []struct {
		name  string
		rings []orb.Ring
		o     Orientation
		want  orb.MultiPolygon
		roles []Role
	}{
		{"empty", nil, ClockwiseShells, nil, nil},
		{"one ring, either way round", []orb.Ring{lake}, ClockwiseShells, orb.MultiPolygon{{lake}}, []Role{S}},
		{"hole listed before its shell", []orb.Ring{lake, big}, ClockwiseShells, orb.MultiPolygon{{big, lake}}, []Role{H, S}},
		{"holes matched to their shells, not to the order", []orb.Ring{big, far, farHole, lake}, ClockwiseShells,
			orb.MultiPolygon{{big, lake}, {far, farHole}}, []Role{S, S, H, H}},
		{"island in a lake is a polygon of its own", []orb.Ring{big, lake, island, pond}, ClockwiseShells,
			orb.MultiPolygon{{big, lake}, {island, pond}}, []Role{S, H, S, H}},
		{"hole in no shell becomes a shell", []orb.Ring{big, stray}, ClockwiseShells, orb.MultiPolygon{{big}, {stray}}, []Role{S, S}},
		{"hole touching its shell", []orb.Ring{big, touching}, ClockwiseShells, orb.MultiPolygon{{big, touching}}, []Role{S, H}},
		{"hole with every vertex on the shell: a midpoint decides", []orb.Ring{big, onCorners}, ClockwiseShells,
			orb.MultiPolygon{{big, onCorners}}, []Role{S, H}},
		{"all rings counter-clockwise: nesting decides", []orb.Ring{reversed(big), lake}, ClockwiseShells,
			orb.MultiPolygon{{reversed(big), lake}}, []Role{S, H}},
		{"bow-tie kept as read", []orb.Ring{bowtie}, ClockwiseShells, orb.MultiPolygon{{bowtie}}, []Role{S}},
		{"orientation ignored: depth decides", []orb.Ring{big, reversed(lake), island}, AnyOrientation,
			orb.MultiPolygon{{big, reversed(lake)}, {island}}, []Role{S, H, S}},
		{"orientation ignored: a muddled order", []orb.Ring{island, far, lake, big}, AnyOrientation,
			orb.MultiPolygon{{island}, {far}, {big, lake}}, []Role{S, S, H, S}},
		{"orientation ignored: touching hole", []orb.Ring{big, touching}, AnyOrientation, orb.MultiPolygon{{big, touching}}, []Role{S, H}},
		{"orientation ignored: two copies cancel", []orb.Ring{big, reversed(big)}, AnyOrientation,
			orb.MultiPolygon{{big, reversed(big)}}, []Role{S, H}},
		{"orientation ignored: a ring whose smallest container is a hole is stray", []orb.Ring{big, lake, wide, inBoth}, AnyOrientation,
			orb.MultiPolygon{{big, lake, wide}, {inBoth}}, []Role{S, H, H, X}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, indexed := range []bool{true, false} {
				mp, roles := nest(c.rings, c.o, indexed)
				if !reflect.DeepEqual(mp, c.want) {
					t.Errorf("indexed %v: got %v\nwant %v", indexed, mp, c.want)
				}
				if !reflect.DeepEqual(roles, c.roles) {
					t.Errorf("indexed %v: roles %v, want %v", indexed, roles, c.roles)
				}
			}
		})
	}
}

// Many rings: the grid of boxes and the edge indexes give exactly what the plain
// scan of every pair gives, holes land in shells that contain them, and no ring is
// lost.
func TestNestIndexedAgreesWithNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var rings []orb.Ring
	for range 400 {
		x, y := float64(rng.IntN(1000)), float64(rng.IntN(1000))
		size := float64(5 + rng.IntN(60))
		rings = append(rings, reversed(sq(x, y, size)))
		for range rng.IntN(3) { // holes, some inside, some straddling, some outside
			hx, hy := x+float64(rng.IntN(int(size)+10))-5, y+float64(rng.IntN(int(size)+10))-5
			rings = append(rings, sq(hx, hy, 2))
		}
	}
	// A large jagged shell, so that the edge index is built and asked.
	const n = 2000
	jag := make(orb.Ring, 0, n+1)
	for i := range n {
		a := -2 * math.Pi * float64(i) / n // clockwise
		rad := 400 + float64(rng.IntN(50))
		jag = append(jag, orb.Point{500 + math.Round(rad*math.Cos(a)), 500 + math.Round(rad*math.Sin(a))})
	}
	rings = append(rings, append(jag, jag[0]))
	for _, o := range []Orientation{ClockwiseShells, AnyOrientation} {
		got, gotRoles := nest(rings, o, true)
		want, wantRoles := nest(rings, o, false)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotRoles, wantRoles) {
			t.Fatalf("orientation %d: indexed and naive nesting differ", o)
		}
		total := 0
		for _, p := range got {
			total += len(p)
			for _, h := range p[1:] {
				if RingLocate(p[0], h[0]) == Outside && RingLocate(p[0], h[2]) == Outside {
					t.Fatalf("hole %v given to a shell %v that does not contain it", h, p[0])
				}
			}
		}
		if total != len(rings) {
			t.Fatalf("%d rings out, %d in", total, len(rings))
		}
	}
	// The grid's candidates are exactly the members whose boxes contain the box
	// asked about.
	info := make([]ringInfo, len(rings))
	for i, r := range rings {
		info[i] = ringInfo{ring: r, bound: r.Bound()}
	}
	c := newCandidates(info, func(i int) bool { return i%2 == 0 }, true)
	if c.grid == nil {
		t.Fatal("no grid")
	}
	for i := range info {
		var want, have []int
		for _, j := range c.members {
			if info[j].bound.Contains(info[i].bound.Min) && info[j].bound.Contains(info[i].bound.Max) {
				want = append(want, j)
			}
		}
		for _, j := range c.containing(info[i].bound) {
			if info[j].bound.Contains(info[i].bound.Min) && info[j].bound.Contains(info[i].bound.Max) {
				have = append(have, j)
			}
		}
		if !reflect.DeepEqual(have, want) {
			t.Fatalf("ring %d: grid gives %v, scan %v", i, have, want)
		}
	}
}

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
			if got, want := ix.locate(q), RingLocate(r, q); got != want {
				t.Fatalf("trial %d, point %v: index says %v, scan %v", trial, q, got, want)
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
	if ix := newRingIndex(nan); ix != nil && ix.locate(orb.Point{1, 1}) == Inside {
		t.Error("a point inside a ring of NaN")
	}
	if RingLocate(nan, orb.Point{1, 1}) == Inside {
		t.Error("a point inside a ring of NaN (scan)")
	}
}

// One clockwise shell of 10⁵ vertices with 10³ holes: the case the edge index is
// for.
func BenchmarkNestManyHoles(b *testing.B) {
	const n = 100_000
	shell := make(orb.Ring, 0, n+1)
	for i := range n {
		a := -2 * math.Pi * float64(i) / n // clockwise
		shell = append(shell, orb.Point{1000 * math.Cos(a), 1000 * math.Sin(a)})
	}
	shell = append(shell, shell[0])
	rings := []orb.Ring{shell}
	for i := range 1000 {
		rings = append(rings, sq(float64(i%32)*40-640, float64(i/32)*40-640, 10))
	}
	benchNest(b, rings, 1, 1001)
}

// 20,000 small disjoint squares, half clockwise: the case the grid is for.
func BenchmarkNestManyRings(b *testing.B) {
	var rings []orb.Ring
	for i := range 20_000 {
		r := sq(float64(i%200)*3, float64(i/200)*3, 1)
		if i%2 == 0 {
			r = reversed(r)
		}
		rings = append(rings, r)
	}
	benchNest(b, rings, 20_000, 1)
}

func benchNest(b *testing.B, rings []orb.Ring, polys, first int) {
	for _, indexed := range []bool{true, false} {
		name := "naive"
		if indexed {
			name = "indexed"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mp, _ := nest(rings, ClockwiseShells, indexed)
				if len(mp) != polys || len(mp[0]) != first {
					b.Fatalf("%d polygons, %d rings in the first", len(mp), len(mp[0]))
				}
			}
		})
	}
}
