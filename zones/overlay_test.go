package zones

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// The local frame maps every vertex and leaves the geometry it was given as it
// was: orb/project maps in place, and the footprint and the loaded pieces are
// shared.
func TestLocalFrameProjectKeepsInput(t *testing.T) {
	f := newLocalFrame(orb.Point{108.9, 34.2})
	sq := orb.Polygon{{{108.9, 34.2}, {108.91, 34.2}, {108.91, 34.21}, {108.9, 34.21}, {108.9, 34.2}}}
	cases := []struct {
		name string
		g    orb.Geometry
	}{
		{"point", orb.Point{108.95, 34.25}},
		{"line", orb.LineString{{108.9, 34.2}, {108.95, 34.25}}},
		{"polygon", sq},
		{"multipolygon", orb.MultiPolygon{sq, sq}},
		{"collection", orb.Collection{orb.Point{108.9, 34.2}, sq}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := orb.Clone(c.g)
			got := f.project(c.g)
			if !orb.Equal(c.g, before) {
				t.Fatalf("input changed: %v", c.g)
			}
			var want, have []orb.Point
			planar.EachPoint(c.g, func(p orb.Point) { want = append(want, f.fwd(p)) })
			planar.EachPoint(got, func(p orb.Point) { have = append(have, p) })
			if len(have) != len(want) || got.GeoJSONType() != c.g.GeoJSONType() {
				t.Fatalf("got %v", got)
			}
			for i := range want {
				if have[i] != want[i] {
					t.Fatalf("vertex %d: %v, want %v", i, have[i], want[i])
				}
			}
			if p, ok := got.(orb.Point); ok && (p[0] < 4000 || p[1] < 5000) {
				t.Errorf("point not mapped to metres: %v", p)
			}
		})
	}
}

// TestBoundaryNearChunked: skipping the runs of edges whose bounds miss the
// window finds the same runs of edges as testing every edge, on jagged rings
// of lengths around the run length, with holes and several polygons, for
// windows inside, across, along and away from the rings.
func TestBoundaryNearChunked(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	f := newLocalFrame(orb.Point{108, 34})
	found, runs := 0, 0
	for i := range 400 {
		var mp orb.MultiPolygon
		for range 1 + rng.IntN(3) {
			cx, cy := 108+rng.Float64()*0.1, 34+rng.Float64()*0.1
			n := 3 + rng.IntN(4*chunkEdges)
			if rng.IntN(3) == 0 {
				n = chunkEdges*(1+rng.IntN(3)) + rng.IntN(3) - 1
			}
			p := orb.Polygon{jaggedRing(rng, cx, cy, 0.03, 0.01, n, true)}
			if rng.IntN(2) == 0 {
				p = append(p, jaggedRing(rng, cx, cy, 0.005, 0.002, 3+rng.IntN(2*chunkEdges), false))
			}
			mp = append(mp, p)
		}
		var g orb.Geometry = mp
		if len(mp) == 1 {
			g = mp[0]
		}
		chunks := ringChunks(g)
		for range 20 {
			c := orb.Point{108 + rng.Float64()*0.16 - 0.03, 34 + rng.Float64()*0.16 - 0.03}
			w := rng.Float64() * 0.02
			win := orb.Bound{Min: c, Max: orb.Point{c[0] + w, c[1] + w*rng.Float64()}}
			want := boundaryNear(g, win, f)
			got := boundaryNearChunked(g, chunks, win, f)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d, window %v: %d runs, testing every edge %d", i, win, len(got), len(want))
			}
			if len(want) > 0 {
				found++
				runs += len(want)
			}
		}
	}
	// Windows that meet edges, in several runs, and windows that meet none.
	if found < 400 || found > 7600 || runs <= found {
		t.Errorf("%d of 8000 windows met edges, in %d runs: the cases test little", found, runs)
	}
}
