package zones

import (
	"testing"

	"github.com/paulmach/orb"
)

// Two overlaps on either side of a slanted edge they share, in China's lon/lat:
// the midpoint of that edge rounds a few 1e-15° into the other triangle, which
// planar's boundary rule takes as on the edge, so they only touch.
func TestOverlapsShareRoundedEdge(t *testing.T) {
	a, b := orb.Point{108.9, 34.2}, orb.Point{108.95, 34.27}
	left := orb.Polygon{{a, b, {108.9, 34.27}, a}}
	right := orb.Polygon{{a, {108.95, 34.2}, b, a}}
	if overlapsShare(left, right) || overlapsShare(right, left) {
		t.Error("triangles sharing an edge taken as sharing area")
	}
	if !overlapsShare(left, orb.Polygon{{a, {108.95, 34.2}, {108.95, 34.27}, {108.9, 34.27}, a}}) {
		t.Error("a triangle and the box holding it taken as apart")
	}
}
