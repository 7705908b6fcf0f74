package zones

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// overlapsShare reports whether two overlap geometries (parts of one footprint, in
// lon/lat) share area — or, for lines, length; for points, a point. It is a planar
// test in lon/lat degrees, which is sound for "do they share anything" at the scale
// of a footprint. It decides by: edges crossing properly, a vertex or an edge midpoint
// of one strictly inside the other, or an interior point of one strictly inside the
// other. Two polygons whose boundaries only touch do not share area. A configuration
// it can miss: polygons that overlap while every boundary contact is at vertices and
// every sampled point falls in the unshared parts — rare for overlaps cut from one
// footprint, and then the rule that asked does not fire.
func overlapsShare(a, b orb.Geometry) bool {
	var ga, gb parts
	ga.add(a)
	gb.add(b)
	for _, p := range ga.polys {
		for _, q := range gb.polys {
			if polysShareArea(p, q) {
				return true
			}
		}
	}
	for _, l := range ga.lines {
		for _, m := range gb.lines {
			if linesShareLength(l, m) {
				return true
			}
		}
		for _, q := range gb.polys {
			if lineInPolygon(l, q) {
				return true
			}
		}
	}
	for _, m := range gb.lines {
		for _, p := range ga.polys {
			if lineInPolygon(m, p) {
				return true
			}
		}
	}
	for _, pt := range ga.points {
		if gb.covers(pt) {
			return true
		}
	}
	for _, pt := range gb.points {
		if ga.covers(pt) {
			return true
		}
	}
	return false
}

type parts struct {
	polys  []orb.Polygon
	lines  []orb.LineString
	points []orb.Point
}

func (g *parts) add(geom orb.Geometry) {
	switch t := geom.(type) {
	case orb.Polygon:
		if len(t) > 0 && len(t[0]) >= 4 {
			g.polys = append(g.polys, t)
		}
	case orb.MultiPolygon:
		for _, p := range t {
			g.add(p)
		}
	case orb.Bound:
		g.add(t.ToPolygon())
	case orb.Ring:
		g.add(orb.Polygon{t})
	case orb.LineString:
		if len(t) >= 2 {
			g.lines = append(g.lines, t)
		}
	case orb.MultiLineString:
		for _, l := range t {
			g.add(l)
		}
	case orb.Point:
		g.points = append(g.points, t)
	case orb.MultiPoint:
		g.points = append(g.points, t...)
	case orb.Collection:
		for _, x := range t {
			g.add(x)
		}
	}
}

func (g *parts) covers(pt orb.Point) bool {
	for _, p := range g.polys {
		if pointInPolygon(pt, p) != outside {
			return true
		}
	}
	for _, l := range g.lines {
		for i := 1; i < len(l); i++ {
			if onSegment(pt, l[i-1], l[i]) {
				return true
			}
		}
	}
	return slices.Contains(g.points, pt)
}

const shareEps = 1e-12

type location int8

const (
	outside location = iota
	boundary
	inside
)

func onSegment(p, a, b orb.Point) bool {
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	scale := math.Max(math.Abs(b[0]-a[0])+math.Abs(b[1]-a[1]), 1e-300)
	if math.Abs(cross)/scale > shareEps {
		return false
	}
	return p[0] >= math.Min(a[0], b[0])-shareEps && p[0] <= math.Max(a[0], b[0])+shareEps &&
		p[1] >= math.Min(a[1], b[1])-shareEps && p[1] <= math.Max(a[1], b[1])+shareEps
}

func pointInRing(pt orb.Point, r orb.Ring) location {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		if onSegment(pt, a, b) {
			return boundary
		}
		if (a[1] > pt[1]) != (b[1] > pt[1]) &&
			pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	if in {
		return inside
	}
	return outside
}

func pointInPolygon(pt orb.Point, p orb.Polygon) location {
	loc := pointInRing(pt, p[0])
	if loc != inside {
		return loc
	}
	for _, h := range p[1:] {
		switch pointInRing(pt, h) {
		case inside:
			return outside
		case boundary:
			return boundary
		}
	}
	return inside
}

// properCross reports whether segments ab and cd cross at a point interior to both.
func properCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(a, b, c), o(a, b, d), o(c, d, a), o(c, d, b)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) &&
		!onSegment(c, a, b) && !onSegment(d, a, b) && !onSegment(a, c, d) && !onSegment(b, c, d)
}

func polysShareArea(p, q orb.Polygon) bool {
	bp, bq := p.Bound(), q.Bound()
	if math.Min(bp.Max[0], bq.Max[0]) <= math.Max(bp.Min[0], bq.Min[0]) ||
		math.Min(bp.Max[1], bq.Max[1]) <= math.Max(bp.Min[1], bq.Min[1]) {
		return false
	}
	for _, rp := range p {
		for i := 1; i < len(rp); i++ {
			for _, rq := range q {
				for j := 1; j < len(rq); j++ {
					if properCross(rp[i-1], rp[i], rq[j-1], rq[j]) {
						return true
					}
				}
			}
		}
	}
	strictlyIn := func(a, b orb.Polygon) bool {
		for _, r := range a {
			for i := 1; i < len(r); i++ {
				mid := orb.Point{(r[i-1][0] + r[i][0]) / 2, (r[i-1][1] + r[i][1]) / 2}
				if pointInPolygon(r[i], b) == inside || pointInPolygon(mid, b) == inside {
					return true
				}
			}
		}
		if pt, ok := interiorPoint(a); ok && pointInPolygon(pt, b) == inside {
			return true
		}
		return false
	}
	return strictlyIn(p, q) || strictlyIn(q, p)
}

// interiorPoint returns a point strictly inside p: the middle of the widest span of
// a horizontal line through the middle of its bounds.
func interiorPoint(p orb.Polygon) (orb.Point, bool) {
	b := p.Bound()
	y := b.Min[1] + (b.Max[1]-b.Min[1])*0.5000001
	var xs []float64
	for _, r := range p {
		for i := 1; i < len(r); i++ {
			a, c := r[i-1], r[i]
			if (a[1] > y) != (c[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	best, pt := 0.0, orb.Point{}
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > best {
			best, pt = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	return pt, best > 0 && pointInPolygon(pt, p) == inside
}

func linesShareLength(l, m orb.LineString) bool {
	for i := 1; i < len(l); i++ {
		a, b := l[i-1], l[i]
		for j := 1; j < len(m); j++ {
			c, d := m[j-1], m[j]
			// collinear overlap of positive length: two of the four endpoints on the
			// other segment, not both the same point.
			var on []orb.Point
			for _, x := range []struct{ p, s, e orb.Point }{{c, a, b}, {d, a, b}, {a, c, d}, {b, c, d}} {
				if onSegment(x.p, x.s, x.e) && !slices.Contains(on, x.p) {
					on = append(on, x.p)
				}
			}
			if len(on) >= 2 {
				return true
			}
		}
	}
	return false
}

func lineInPolygon(l orb.LineString, p orb.Polygon) bool {
	for i := 1; i < len(l); i++ {
		mid := orb.Point{(l[i-1][0] + l[i][0]) / 2, (l[i-1][1] + l[i][1]) / 2}
		if pointInPolygon(mid, p) == inside || pointInPolygon(l[i], p) == inside {
			return true
		}
		for _, r := range p {
			for j := 1; j < len(r); j++ {
				if properCross(l[i-1], l[i], r[j-1], r[j]) {
					return true
				}
			}
		}
	}
	return false
}
