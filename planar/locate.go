package planar

import (
	"math"

	"github.com/paulmach/orb"
)

// Location is where a point lies relative to a ring or an area.
type Location int8

// Locations.
const (
	Outside Location = iota
	Boundary
	Inside
)

func (l Location) String() string {
	switch l {
	case Inside:
		return "inside"
	case Boundary:
		return "boundary"
	}
	return "outside"
}

// relTolerance scales the boundary tolerance to the coordinates: about 45 units in
// the last place of a float64, so that a vertex GEOS computed on an edge, or the
// midpoint of an edge two rings share, is on that edge however large the numbers
// (1.4e-12° ≈ 0.15 µm at China's lon/lat, 4e-7 m at Gauss-Krüger eastings with a
// zone prefix). Points farther off are classified by exact float arithmetic.
const relTolerance = 1e-14

// Tolerance is the distance within which a point near p counts as on a segment
// (see OnSegment): 1e-14 × (|x| + |y| + 1). The +1 keeps it positive near the
// origin.
func Tolerance(p orb.Point) float64 {
	return relTolerance * (math.Abs(p[0]) + math.Abs(p[1]) + 1)
}

// OnSegment reports whether p lies on the closed segment ab — the boundary rule
// of every Locate function: p is within Tolerance(p) of the line through a and b
// (perpendicular distance) and within the segment's box widened by that much on
// each side. A segment of zero length is the point a.
func OnSegment(p, a, b orb.Point) bool {
	return onSegment(p[0], p[1], a[0], a[1], b[0], b[1], Tolerance(p))
}

func onSegment(x, y, ax, ay, bx, by, tol float64) bool {
	// The box first: most edges of a ring are far from the point.
	if x < min(ax, bx)-tol || x > max(ax, bx)+tol || y < min(ay, by)-tol || y > max(ay, by)+tol {
		return false
	}
	dx, dy := bx-ax, by-ay
	// |cross| / |ab| is the distance to the line; |ab| ≥ max(|dx|, |dy|).
	return math.Abs(dx*(y-ay)-dy*(x-ax)) <= tol*max(math.Abs(dx), math.Abs(dy))
}

// crosses reports whether edge ab crosses the ray from (x, y) towards +x, counting
// an edge that ends on the ray's line at its upper end only (the half-open rule,
// so a ray through a vertex counts once).
func crosses(x, y, ax, ay, bx, by float64) bool {
	return (ay > y) != (by > y) && x < (bx-ax)*(y-ay)/(by-ay)+ax
}

// RingLocate says where p lies relative to ring r: Boundary when OnSegment holds
// for one of its edges, else Inside or Outside by the even-odd rule, so the ring's
// orientation does not matter. The ring is taken as closed (an edge joins its last
// vertex to its first); an empty ring has every point outside. A self-intersecting
// ring is read by the even-odd rule too: a bow-tie's two lobes are inside.
func RingLocate(r orb.Ring, p orb.Point) Location {
	x, y := p[0], p[1]
	tol := Tolerance(p)
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		ax, ay, bx, by := r[j][0], r[j][1], r[i][0], r[i][1]
		if onSegment(x, y, ax, ay, bx, by, tol) {
			return Boundary
		}
		if crosses(x, y, ax, ay, bx, by) {
			in = !in
		}
	}
	if in {
		return Inside
	}
	return Outside
}

// PolygonLocate says where p lies relative to polygon poly (a shell and its holes):
// Boundary on the boundary of the shell or of a hole, Outside outside the shell or
// inside a hole, Inside otherwise. An empty polygon has every point outside.
func PolygonLocate(poly orb.Polygon, p orb.Point) Location {
	if len(poly) == 0 {
		return Outside
	}
	if loc := RingLocate(poly[0], p); loc != Inside {
		return loc
	}
	for _, h := range poly[1:] {
		switch RingLocate(h, p) {
		case Inside:
			return Outside
		case Boundary:
			return Boundary
		}
	}
	return Inside
}

// MultiPolygonLocate says where p lies relative to the polygons of mp: Inside when
// inside one of them, else Boundary when on the boundary of one, else Outside. For
// a valid multipolygon (parts meeting at points at most) that is the location
// relative to their union.
func MultiPolygonLocate(mp orb.MultiPolygon, p orb.Point) Location {
	loc := Outside
	for _, poly := range mp {
		switch PolygonLocate(poly, p) {
		case Inside:
			return Inside
		case Boundary:
			loc = Boundary
		}
	}
	return loc
}
