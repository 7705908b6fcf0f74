package zones

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// overlapsShare reports whether two overlap geometries (parts of one footprint, in
// lon/lat) share area — or, for lines, length; for points, a point. It is a planar
// test in lon/lat degrees, which is sound for "do they share anything" at the scale
// of a footprint. It decides by: edges crossing properly, a vertex or an edge midpoint
// of one strictly inside the other, or an interior point of one strictly inside the
// other. Two polygons whose boundaries only touch do not share area; touching is
// judged by planar's boundary rule, whose tolerance absorbs the rounding of the
// vertices GEOS computed for the two overlaps. A configuration it can miss:
// polygons that overlap while every boundary contact is at vertices and every
// sampled point falls in the unshared parts — rare for overlaps cut from one
// footprint, and then the rule that asked does not fire.
func overlapsShare(a, b orb.Geometry) bool {
	ga, gb := partsOf(a), partsOf(b)
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

// parts are the non-degenerate polygons, lines and points of an overlap.
type parts struct {
	polys  []orb.Polygon
	lines  []orb.LineString
	points []orb.Point
}

func partsOf(g orb.Geometry) parts {
	var ps parts
	for _, p := range planar.Polygons(g) {
		if len(p[0]) >= 4 {
			ps.polys = append(ps.polys, p)
		}
	}
	for _, l := range planar.Lines(g) {
		if len(l) >= 2 {
			ps.lines = append(ps.lines, l)
		}
	}
	ps.points = planar.Points(g)
	return ps
}

func (g *parts) covers(pt orb.Point) bool {
	for _, p := range g.polys {
		if planar.PolygonLocate(p, pt) != planar.Outside {
			return true
		}
	}
	for _, l := range g.lines {
		for i := 1; i < len(l); i++ {
			if planar.OnSegment(pt, l[i-1], l[i]) {
				return true
			}
		}
	}
	return slices.Contains(g.points, pt)
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
					if planar.SegmentsCross(rp[i-1], rp[i], rq[j-1], rq[j]) {
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
				if planar.PolygonLocate(b, r[i]) == planar.Inside || planar.PolygonLocate(b, mid) == planar.Inside {
					return true
				}
			}
		}
		if pt, ok := interiorPoint(a); ok && planar.PolygonLocate(b, pt) == planar.Inside {
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
	return pt, best > 0 && planar.PolygonLocate(p, pt) == planar.Inside
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
				if planar.OnSegment(x.p, x.s, x.e) && !slices.Contains(on, x.p) {
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
		if planar.PolygonLocate(p, mid) == planar.Inside || planar.PolygonLocate(p, l[i]) == planar.Inside {
			return true
		}
		for _, r := range p {
			for j := 1; j < len(r); j++ {
				if planar.SegmentsCross(l[i-1], l[i], r[j-1], r[j]) {
					return true
				}
			}
		}
	}
	return false
}
