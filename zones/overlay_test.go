package zones

import (
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
