package zones

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// The nearest pair of points between the footprint and a zone's pieces (or its
// boundary edges), found in Go in the footprint's local frame. It follows GEOS's
// DistanceOp as NearestPoints ran it before: the same segment-to-segment and
// point-to-segment distances, the same closest points on the winning pair of
// segments, a pair replaced only by a strictly nearer one. Only the order of the
// scan differs (the zone's edges outside, pruned by their boxes), so the pair
// chosen is GEOS's up to ties. No GEOS geometry is made: a check near many zones
// paid ~30 µs a check converting pieces for NearestPoints.

// frameParts is the footprint in its local frame: its segments (polygon rings and
// lines) and its lone points.
type frameParts struct {
	segs  []frameSeg
	pts   []orb.Point
	bound orb.Bound
	// area is the footprint's polygonal part in the frame (nil if none): GEOS
	// gives 0 when a component of the other geometry starts inside it.
	area orb.Geometry
}

type frameSeg struct {
	a, b orb.Point
	box  orb.Bound
}

// newFrameParts maps g, and its polygonal part area (nil if none), into f as
// segments and points.
func newFrameParts(g, area orb.Geometry, f *localFrame) *frameParts {
	fp := &frameParts{bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	line := func(ps []orb.Point) {
		for i := 0; i+1 < len(ps); i++ {
			a, b := f.fwd(ps[i]), f.fwd(ps[i+1])
			s := frameSeg{a: a, b: b, box: orb.Bound{Min: a, Max: a}.Extend(b)}
			fp.segs = append(fp.segs, s)
			fp.bound = fp.bound.Union(s.box)
		}
		if len(ps) == 1 {
			// GEOS takes a one-point line as a zero-length segment.
			a := f.fwd(ps[0])
			fp.segs = append(fp.segs, frameSeg{a: a, b: a, box: orb.Bound{Min: a, Max: a}})
			fp.bound = fp.bound.Extend(a)
		}
	}
	var one [1]orb.Polygon
	var polys []orb.Polygon
	var lines []orb.LineString
	var points []orb.Point
	if p, ok := g.(orb.Polygon); ok {
		// A footprint's usual shape: no walks through g for its parts.
		if len(p) > 0 {
			one[0] = p
			polys = one[:]
		}
	} else {
		polys, lines, points = planar.Polygons(g), planar.Lines(g), planar.Points(g)
	}
	n := 0 // the segments: a small footprint's few, in one allocation
	for _, p := range polys {
		for _, r := range p {
			n += max(1, len(r)-1)
		}
	}
	for _, l := range lines {
		n += max(1, len(l)-1)
	}
	fp.segs = make([]frameSeg, 0, n)
	for _, p := range polys {
		for _, r := range p {
			line(r)
		}
	}
	for _, l := range lines {
		line(l)
	}
	for _, p := range points {
		p = f.fwd(p)
		fp.pts = append(fp.pts, p)
		fp.bound = fp.bound.Extend(p)
	}
	if area != nil {
		fp.area = f.project(area)
	}
	return fp
}

// covers reports whether the footprint's area holds p (in the frame), boundary
// included.
func (fp *frameParts) covers(p orb.Point) bool {
	switch a := fp.area.(type) {
	case orb.Polygon:
		return planar.PolygonLocate(a, p) != planar.Outside
	case orb.MultiPolygon:
		return planar.MultiPolygonLocate(a, p) != planar.Outside
	}
	return false
}

// nearestPair holds the best pair so far: a on the footprint, b on the zone; ok
// once there is one.
type nearestPair struct {
	d    float64
	a, b orb.Point
	ok   bool
}

func newNearestPair() nearestPair { return nearestPair{d: math.Inf(1)} }

// nearestWithin starts a search that looks only at pairs nearer than d: edges
// farther from the footprint are passed over by their boxes.
func nearestWithin(d float64) nearestPair { return nearestPair{d: d} }

// farther reports whether boxes a and b lie more than d apart (GEOS's envelope
// test, without a square root for the boxes far apart on one axis).
func farther(a, b orb.Bound, d float64) bool {
	dx, dy := boxGaps(a, b)
	return dx > d || dy > d || math.Sqrt(dx*dx+dy*dy) > d
}

// edge offers the zone's edge c–d (in the frame) against the footprint.
func (n *nearestPair) edge(fp *frameParts, c, d orb.Point) {
	box := orb.Bound{Min: c, Max: c}.Extend(d)
	if farther(box, fp.bound, n.d) {
		return
	}
	for i := range fp.segs {
		s := &fp.segs[i]
		if farther(box, s.box, n.d) {
			continue
		}
		dist := segmentToSegment(s.a, s.b, c, d)
		if dist < n.d {
			n.d, n.ok = dist, true
			if dist == 0 {
				// They meet: any common point, the distance is 0.
				n.a, n.b = s.a, s.a
				return
			}
			n.a, n.b = closestPoints(s.a, s.b, c, d)
		}
	}
	for _, p := range fp.pts {
		dist := pointToSegment(p, c, d)
		if dist < n.d {
			n.d, n.ok = dist, true
			n.a, n.b = p, closestPoint(c, d, p)
		}
	}
}

// shape offers every edge of shape s, mapped into f.
func (n *nearestPair) shape(fp *frameParts, s *shape, f *localFrame) {
	for k := range s.rings {
		a, e, _ := s.ringSpan(k)
		if e-a == 1 {
			p := f.fwd(s.pt(a))
			n.edge(fp, p, p)
			continue
		}
		prev := f.fwd(s.pt(a))
		if fp.covers(prev) {
			n.d, n.a, n.b, n.ok = 0, prev, prev, true
			return
		}
		for i := a + 1; i < e; i++ {
			cur := f.fwd(s.pt(i))
			n.edge(fp, prev, cur)
			prev = cur
		}
	}
}

// piece offers the edges of piece p that may come within n.d of the footprint,
// found through the piece's cell grid (each edge whose box may meet the
// footprint's box grown by n.d, some more than once; every edge of a piece
// without a grid). fb is the footprint's box in lon/lat.
func (n *nearestPair) piece(fp *frameParts, p *piece, fb orb.Bound, f *localFrame) {
	s := &p.shape
	if p.cells == nil || math.IsInf(n.d, 1) {
		n.shape(fp, s, f)
		return
	}
	if fp.area != nil {
		// GEOS's containment test first: a ring starting inside the footprint.
		for k := range s.rings {
			a, _, _ := s.ringSpan(k)
			if q := s.pt(a); fb.Contains(q) && fp.covers(f.fwd(q)) {
				q = f.fwd(q)
				n.d, n.a, n.b, n.ok = 0, q, q, true
				return
			}
		}
	}
	// The window in lon/lat: the frame is linear in lon and lat, with a hair of
	// slack for rounding.
	dx, dy := n.d/f.kx*(1+1e-9), n.d/f.ky*(1+1e-9)
	win := orb.Bound{Min: orb.Point{fb.Min[0] - dx, fb.Min[1] - dy}, Max: orb.Point{fb.Max[0] + dx, fb.Max[1] + dy}}
	if !win.Intersects(p.bound) {
		return
	}
	p.cells.edgesNear(win, func(i int) bool {
		ax, ay, bx, by := s.edge(i)
		n.edge(fp, f.fwd(orb.Point{ax, ay}), f.fwd(orb.Point{bx, by}))
		return n.d > 0
	})
}

// lines offers the edges of lines already in the frame.
func (n *nearestPair) lines(fp *frameParts, ml orb.MultiLineString) {
	for _, l := range ml {
		if len(l) > 0 && fp.covers(l[0]) {
			n.d, n.a, n.b, n.ok = 0, l[0], l[0], true
			return
		}
		for i := 0; i+1 < len(l); i++ {
			n.edge(fp, l[i], l[i+1])
		}
	}
}

// dist2D is the plane distance as GEOS computes it (no hypot scaling).
func dist2D(p, q orb.Point) float64 {
	dx, dy := p[0]-q[0], p[1]-q[1]
	return math.Sqrt(dx*dx + dy*dy)
}

// pointToSegment is GEOS's Distance::pointToSegment.
func pointToSegment(p, a, b orb.Point) float64 {
	if a == b {
		return dist2D(p, a)
	}
	len2 := (b[0]-a[0])*(b[0]-a[0]) + (b[1]-a[1])*(b[1]-a[1])
	r := ((p[0]-a[0])*(b[0]-a[0]) + (p[1]-a[1])*(b[1]-a[1])) / len2
	if r <= 0 {
		return dist2D(p, a)
	}
	if r >= 1 {
		return dist2D(p, b)
	}
	s := ((a[1]-p[1])*(b[0]-a[0]) - (a[0]-p[0])*(b[1]-a[1])) / len2
	return math.Abs(s) * math.Sqrt(len2)
}

// segmentToSegment is GEOS's Distance::segmentToSegment.
func segmentToSegment(a, b, c, d orb.Point) float64 {
	if a == b {
		return pointToSegment(a, c, d)
	}
	if c == d {
		return pointToSegment(d, a, b)
	}
	noIntersection := false
	if !(orb.Bound{Min: a, Max: a}.Extend(b)).Intersects(orb.Bound{Min: c, Max: c}.Extend(d)) {
		noIntersection = true
	} else {
		denom := (b[0]-a[0])*(d[1]-c[1]) - (b[1]-a[1])*(d[0]-c[0])
		if denom == 0 {
			noIntersection = true
		} else {
			rNum := (a[1]-c[1])*(d[0]-c[0]) - (a[0]-c[0])*(d[1]-c[1])
			sNum := (a[1]-c[1])*(b[0]-a[0]) - (a[0]-c[0])*(b[1]-a[1])
			s, r := sNum/denom, rNum/denom
			if r < 0 || r > 1 || s < 0 || s > 1 {
				noIntersection = true
			}
		}
	}
	if noIntersection {
		return math.Min(pointToSegment(a, c, d), math.Min(pointToSegment(b, c, d),
			math.Min(pointToSegment(c, a, b), pointToSegment(d, a, b))))
	}
	return 0
}

// projectionFactor is GEOS's LineSegment::projectionFactor of p on p0–p1.
func projectionFactor(p0, p1, p orb.Point) float64 {
	if p == p0 {
		return 0
	}
	if p == p1 {
		return 1
	}
	dx, dy := p1[0]-p0[0], p1[1]-p0[1]
	len2 := dx*dx + dy*dy
	if len2 <= 0 {
		return math.NaN()
	}
	return ((p[0]-p0[0])*dx + (p[1]-p0[1])*dy) / len2
}

// closestPoint is GEOS's LineSegment::closestPoint: the point of p0–p1 nearest p.
func closestPoint(p0, p1, p orb.Point) orb.Point {
	f := projectionFactor(p0, p1, p)
	if f > 0 && f < 1 {
		if p == p0 || p == p1 {
			return p
		}
		return orb.Point{p0[0] + f*(p1[0]-p0[0]), p0[1] + f*(p1[1]-p0[1])}
	}
	if dist2D(p0, p) < dist2D(p1, p) {
		return p0
	}
	return p1
}

// closestPoints is GEOS's LineSegment::closestPoints for segments that do not
// meet: the nearest points, first on a–b, then on c–d.
func closestPoints(a, b, c, d orb.Point) (orb.Point, orb.Point) {
	p, q := closestPoint(a, b, c), c
	best := dist2D(p, c)
	if x := closestPoint(a, b, d); dist2D(x, d) < best {
		p, q, best = x, d, dist2D(x, d)
	}
	if x := closestPoint(c, d, a); dist2D(x, a) < best {
		p, q, best = a, x, dist2D(x, a)
	}
	if x := closestPoint(c, d, b); dist2D(x, b) < best {
		p, q = b, x
	}
	return p, q
}
