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
	// The box first, y before x: most edges of a ring lie wholly above or below
	// the point. Plain comparisons, as min and max cost more for their NaN rules.
	if (ay < y-tol && by < y-tol) || (ay > y+tol && by > y+tol) ||
		(ax < x-tol && bx < x-tol) || (ax > x+tol && bx > x+tol) {
		return false
	}
	dx, dy := bx-ax, by-ay
	// |cross| / |ab| is the distance to the line, and |ab| ≥ max(|dx|, |dy|).
	l := math.Abs(dx)
	if ady := math.Abs(dy); ady > l {
		l = ady
	}
	return math.Abs(dx*(y-ay)-dy*(x-ax)) <= tol*l
}

// scan is the even-odd scan for p over the edges r[i]→r[i+1], for every i when
// band is nil, else for the i listed in band: on when p is on one of them (the
// scan stops there), else in when the ray from p towards +x crosses them an odd
// number of times. An edge that ends on the ray's line counts at its upper end
// only (the half-open rule), so a ray through a vertex crosses once or not at all.
//
// The loop is written out, not a call per edge: it is the inner loop of nesting
// and of the overlap tests.
func scan(r orb.Ring, band []int32, p orb.Point) (in, on bool) {
	x, y := p[0], p[1]
	tol := Tolerance(p)
	ylo, yhi := y-tol, y+tol
	n := len(r) - 1
	if band != nil {
		n = len(band)
	}
	for k := 0; k < n; k++ {
		i := k
		if band != nil {
			i = int(band[k])
		}
		ax, ay, bx, by := r[i][0], r[i][1], r[i+1][0], r[i+1][1]
		// Most edges lie wholly above or below p: neither on it nor crossing.
		if (ay < ylo && by < ylo) || (ay > yhi && by > yhi) {
			continue
		}
		if onSegment(x, y, ax, ay, bx, by, tol) {
			return false, true
		}
		if (ay > y) != (by > y) && x < (bx-ax)*(y-ay)/(by-ay)+ax {
			in = !in
		}
	}
	return in, false
}

// RingLocate says where p lies relative to ring r: Boundary when OnSegment holds
// for one of its edges, else Inside or Outside by the even-odd rule, so the ring's
// orientation does not matter. A ring not closed is read as closed (an edge joins
// its last vertex to its first); an empty ring has every point outside. A
// self-intersecting ring is read by the even-odd rule too: a bow-tie's two lobes
// are inside.
func RingLocate(r orb.Ring, p orb.Point) Location {
	if len(r) == 0 {
		return Outside
	}
	in, on := scan(r, nil, p)
	if last := r[len(r)-1]; !on && last != r[0] {
		closing := [2]orb.Point{last, r[0]}
		cin, con := scan(closing[:], nil, p)
		in, on = in != cin, con
	}
	return location(in, on)
}

func location(in, on bool) Location {
	switch {
	case on:
		return Boundary
	case in:
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
