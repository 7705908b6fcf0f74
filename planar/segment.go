package planar

import "github.com/paulmach/orb"

// Orient is the cross product (b−a)×(c−a), twice the signed area of triangle abc:
// positive when c lies left of the line a→b (abc turns counter-clockwise, y up),
// negative when right, zero when the three are collinear — as float64 computes it,
// with no tolerance.
func Orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// inBox reports whether p lies in the closed box of segment ab; for p collinear
// with ab, whether it lies on the segment.
func inBox(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// opposite reports whether x and y have strictly opposite signs.
func opposite(x, y float64) bool {
	return (x > 0 && y < 0) || (x < 0 && y > 0)
}

// SegmentsMeet reports whether the closed segments ab and cd share a point: they
// cross, one ends on the other, or they overlap. It is decided on the signs of
// Orient alone, with no tolerance, as a validity check must be: segments a rounding
// error apart do not meet (GEOS would call them apart too), and a false "meet" in a
// fast path only sends the case to GEOS.
func SegmentsMeet(a, b, c, d orb.Point) bool {
	o1, o2, o3, o4 := Orient(a, b, c), Orient(a, b, d), Orient(c, d, a), Orient(c, d, b)
	if opposite(o1, o2) && opposite(o3, o4) {
		return true
	}
	return (o1 == 0 && inBox(a, b, c)) || (o2 == 0 && inBox(a, b, d)) ||
		(o3 == 0 && inBox(c, d, a)) || (o4 == 0 && inBox(c, d, b))
}

// SegmentsCross reports whether segments ab and cd cross properly, at one point
// inside both: the ends of each lie strictly on opposite sides of the other's line,
// and no end is on the other segment by the boundary rule (OnSegment). Segments
// that touch, overlap or meet within the tolerance do not cross; this is the test
// for "the boundaries pass through each other", robust to the rounding of
// computed vertices.
func SegmentsCross(a, b, c, d orb.Point) bool {
	return opposite(Orient(a, b, c), Orient(a, b, d)) && opposite(Orient(c, d, a), Orient(c, d, b)) &&
		!OnSegment(c, a, b) && !OnSegment(d, a, b) && !OnSegment(a, c, d) && !OnSegment(b, c, d)
}

// Backtracks reports whether the path p→v→q turns back on itself at v: p, v and q
// are collinear (Orient exactly zero) and p and q lie on the same side of v, so the
// segments vp and vq overlap. Two consecutive edges of a simple ring never do (a
// spike), and a path that does is not simple.
func Backtracks(p, v, q orb.Point) bool {
	return Orient(p, v, q) == 0 && (p[0]-v[0])*(q[0]-v[0])+(p[1]-v[1])*(q[1]-v[1]) > 0
}

// SignedArea is the shoelace area of ring r: positive when it runs
// counter-clockwise (y up), negative when clockwise, 0 for fewer than three
// vertices. It sums relative to the first vertex, which keeps the precision with
// large projected coordinates (Gauss-Krüger eastings of 10⁷ m).
func SignedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}
