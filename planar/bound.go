package planar

import "github.com/paulmach/orb"

// MeetsBound reports whether g and the closed rectangle b share a point: a
// vertex of g lies in b, an edge of g meets an edge of b, or b lies inside one of
// g's polygons (boundary included). This is OGC API – Features' bbox rule ("the
// geometry intersects the bounding box"), decided without GEOS.
func MeetsBound(g orb.Geometry, b orb.Bound) bool {
	if g == nil || !g.Bound().Intersects(b) {
		return false
	}
	inside := false
	EachPoint(g, func(p orb.Point) {
		if !inside && b.Contains(p) {
			inside = true
		}
	})
	if inside {
		return true
	}
	corners := [5]orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	meets := func(path []orb.Point) bool {
		for i := 1; i < len(path); i++ {
			for j := 1; j < len(corners); j++ {
				if SegmentsMeet(path[i-1], path[i], corners[j-1], corners[j]) {
					return true
				}
			}
		}
		return false
	}
	for _, l := range Lines(g) {
		if meets(l) {
			return true
		}
	}
	for _, p := range Polygons(g) {
		for _, r := range p {
			if meets(r) {
				return true
			}
		}
		// No vertex inside and no edge across: b is wholly inside p or wholly out.
		if PolygonLocate(p, b.Min) != Outside {
			return true
		}
	}
	return false
}
