package demogen

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// The generator refuses to write a geometry that breaks these checks, so the committed
// files are valid by construction and by verification. The checks are planar, in
// degrees, on the rounded coordinates.

type segment struct {
	a, b       orb.Point
	path, i, n int // path number, index of the segment in it, segments in the path
	closed     bool
}

// adjacent reports whether s and t follow each other along the same path.
func (s segment) adjacent(t segment) bool {
	if s.path != t.path {
		return false
	}
	d := s.i - t.i
	if d == 1 || d == -1 {
		return true
	}
	return s.closed && (d == s.n-1 || d == 1-s.n)
}

// crossings returns the first pair of segments among the paths that meet where they
// should not: segments of different paths may not meet at all; segments of the same
// path only where adjacent ones share their common vertex (no overlap, no spike back).
//
// With nodesOK, segments of different paths may also share a vertex that ends both
// paths (a node of a network of open polylines, or the shared end of two segments
// given as paths of their own), as long as they do not run over each other there.
func crossings(paths [][]orb.Point, closed, nodesOK bool) error {
	var segs []segment
	for p, path := range paths {
		if len(path) < 2 {
			return fmt.Errorf("path %d has %d points", p, len(path))
		}
		n := len(path) - 1
		for i := range n {
			if path[i] == path[i+1] {
				return fmt.Errorf("path %d repeats vertex %d %v", p, i, path[i])
			}
			segs = append(segs, segment{a: path[i], b: path[i+1], path: p, i: i, n: n, closed: closed})
		}
	}
	sort.Slice(segs, func(i, j int) bool {
		return math.Min(segs[i].a[0], segs[i].b[0]) < math.Min(segs[j].a[0], segs[j].b[0])
	})
	for i, s := range segs {
		maxX := math.Max(s.a[0], s.b[0])
		minY, maxY := math.Min(s.a[1], s.b[1]), math.Max(s.a[1], s.b[1])
		for _, t := range segs[i+1:] {
			if math.Min(t.a[0], t.b[0]) > maxX {
				break
			}
			if math.Max(t.a[1], t.b[1]) < minY || math.Min(t.a[1], t.b[1]) > maxY {
				continue
			}
			if s.adjacent(t) {
				// They share one vertex; they may not run back over each other.
				if overlapAtShared(s, t) {
					return fmt.Errorf("path %d folds back at segment %d", s.path, s.i)
				}
				continue
			}
			if nodesOK && !closed && s.path != t.path && sharesEnd(s, t) {
				if overlapAtShared(s, t) {
					return fmt.Errorf("paths %d and %d overlap at %v", s.path, t.path, s.a)
				}
				continue
			}
			if planar.SegmentsMeet(s.a, s.b, t.a, t.b) {
				return fmt.Errorf("segment %d of path %d meets segment %d of path %d near %v", s.i, s.path, t.i, t.path, s.a)
			}
		}
	}
	return nil
}

// overlapAtShared reports whether two segments with a common vertex run over each
// other: collinear, and leaving the common vertex on the same side.
func overlapAtShared(s, t segment) bool {
	var c, p, q orb.Point
	switch {
	case s.a == t.a:
		c, p, q = s.a, s.b, t.b
	case s.a == t.b:
		c, p, q = s.a, s.b, t.a
	case s.b == t.a:
		c, p, q = s.b, s.a, t.b
	default:
		c, p, q = s.b, s.a, t.a
	}
	return planar.Backtracks(p, c, q)
}

// sharesEnd reports whether s and t have exactly one common vertex, an end of both paths.
func sharesEnd(s, t segment) bool {
	end := func(g segment, p orb.Point) bool {
		return (g.i == 0 && p == g.a) || (g.i == g.n-1 && p == g.b)
	}
	common := 0
	var c orb.Point
	for _, p := range []orb.Point{s.a, s.b} {
		if p == t.a || p == t.b {
			common++
			c = p
		}
	}
	return common == 1 && end(s, c) && end(t, c)
}

var errOrientation = errors.New("ring orientation")

// checkPolygons checks a polygon or multipolygon as GEOS and RFC 7946 want it: closed
// simple rings that neither cross nor touch one another, counter-clockwise shells,
// clockwise holes inside their shell and outside each other, parts outside each other.
func checkPolygons(mp orb.MultiPolygon) error {
	var rings [][]orb.Point
	for pi, poly := range mp {
		for ri, r := range poly {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Errorf("part %d ring %d: not a closed ring of 4 or more points", pi, ri)
			}
			a := planar.SignedArea(r)
			if (ri == 0) != (a > 0) {
				return fmt.Errorf("part %d ring %d: %w", pi, ri, errOrientation)
			}
			rings = append(rings, r)
		}
	}
	if err := crossings(rings, true, false); err != nil {
		return err
	}
	// No ring meets another, so one vertex tells on which side of a ring another lies.
	for pi, poly := range mp {
		for hi, h := range poly[1:] {
			if planar.RingLocate(poly[0], h[0]) == planar.Outside {
				return fmt.Errorf("part %d hole %d outside its shell", pi, hi)
			}
			for hj, g := range poly[1:] {
				if hi != hj && planar.RingLocate(g, h[0]) != planar.Outside {
					return fmt.Errorf("part %d hole %d inside hole %d", pi, hi, hj)
				}
			}
		}
		for pj, other := range mp {
			if pi != pj && planar.PolygonLocate(other, poly[0][0]) != planar.Outside {
				return fmt.Errorf("part %d lies inside part %d", pi, pj)
			}
		}
	}
	return nil
}

func asMulti(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// checkInside checks that every part of inner lies in the interior of outer: no ring of
// the one meets a ring of the other, and a vertex of each shell is inside outer.
func checkInside(inner, outer orb.MultiPolygon) error {
	var rings [][]orb.Point
	for _, p := range outer {
		for _, r := range p {
			rings = append(rings, r)
		}
	}
	for _, p := range inner {
		for _, r := range p {
			rings = append(rings, r)
		}
	}
	// Within-ring meetings were ruled out by checkPolygons; crossings looks at all pairs,
	// which is what we want across the two geometries too.
	if err := crossings(rings, true, false); err != nil {
		return err
	}
	for i, p := range inner {
		if planar.MultiPolygonLocate(outer, p[0][0]) == planar.Outside {
			return fmt.Errorf("part %d outside", i)
		}
	}
	return nil
}
