package zones

import (
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/planar"
)

// The overlap area of a small footprint polygon (one ring, no holes) with one
// polygonal piece, in Go: what GEOS's intersection followed by geo.Area gives,
// without a GEOS call. The result's boundary is made of the footprint's edges
// inside the piece and the piece's edges inside the footprint, joined where the
// two cross; its vertices are theirs and the crossing points, each crossing
// computed with GEOS's own formula (Intersection::intersection), so the rings
// measured are the rings GEOS returns up to where each starts (and, where GEOS
// first clips the piece to a window, the last bits of a crossing point). Only
// clean configurations are taken: where any vertex of one lies within
// clipDegenerate of an edge of the other near it (touching, running along, or
// too close to tell in floating point), the answer is "cannot say" and GEOS
// decides, as it does for everything this does not cover.

// clipDegenerate is the distance in degrees (~10 µm) under which a vertex of
// one boundary counts as on an edge of the other: far above the rounding of the
// orientation tests (~1e-16 of the coordinates) and of planar.Tolerance, so a
// configuration taken is one where every test below has its exact answer.
const clipDegenerate = 1e-10

// clipLimit bounds the rings clipped here (edges × nearby piece edges).
const clipLimit = relateLimit

type clipCrossing struct {
	ai, bi int       // the footprint's edge (vertex ai to ai+1) and the piece's (shape vertex bi to bi+1)
	ta, tb float64   // where along each edge, for ordering
	p      orb.Point // the crossing point, as GEOS computes it
	aIn    bool      // the footprint enters the piece here
	ring   int       // the piece's ring, as an index in clipScratch.rings
	dir    int8      // the piece ring's direction (+1 forward, -1 backward) with the piece on its left
	done   bool
}

type clipRing struct {
	ring    int  // the piece's ring
	sample  int  // a vertex of it near the footprint
	crossed bool // some crossing lies on it
	dir     int8 // its direction with the piece on the left, once a crossing tells
}

// clipScratch is the working memory of one clip, pooled: a square on a zone's
// edge allocates nothing.
type clipScratch struct {
	a     []orb.Point // the footprint ring, counter-clockwise, closed
	edges []int
	xs    []clipCrossing
	rings []clipRing
	out   []float64 // the result ring being assembled, as lon/lat pairs
}

var clipScratches = sync.Pool{New: func() any { return new(clipScratch) }}

// clipArea returns the area in m² of the intersection of the footprint ring fp
// (closed, simple, its box b, its area fpArea) with the polygonal piece p, and
// ok false when it cannot say (then GEOS decides); whole when the footprint lies
// in the piece with nothing of the piece's boundary inside it (area is fpArea).
func clipArea(p *piece, fp orb.Ring, b orb.Bound, fpArea float64) (area float64, whole, ok bool) {
	cg := p.cells
	if cg == nil || p.shape.lineal || len(fp) < 4 || len(fp) > clipLimit+1 {
		return 0, false, false
	}
	cs := clipScratches.Get().(*clipScratch)
	defer clipScratches.Put(cs)
	return cs.clip(cg, fp, b, fpArea)
}

func (cs *clipScratch) clip(cg *cellGrid, fp orb.Ring, b orb.Bound, fpArea float64) (area float64, whole, ok bool) {
	s := cg.s
	// The footprint counter-clockwise, so that its interior is on the left of
	// each edge.
	cs.a = append(cs.a[:0], fp...)
	if planar.SignedArea(cs.a) < 0 {
		slices.Reverse(cs.a)
	}
	a := cs.a
	n := len(a) - 1

	// The piece's edges whose box meets the footprint's (widened by the
	// margin), each once.
	win := b.Pad(clipDegenerate)
	cs.edges = cs.edges[:0]
	cg.edgesNear(win, func(i int) bool {
		ax, ay, bx, by := s.edge(i)
		if math.Max(ax, bx) < win.Min[0] || math.Min(ax, bx) > win.Max[0] ||
			math.Max(ay, by) < win.Min[1] || math.Min(ay, by) > win.Max[1] {
			return true
		}
		cs.edges = append(cs.edges, i)
		return true
	})
	slices.Sort(cs.edges)
	cs.edges = slices.Compact(cs.edges)

	// Crossings, all proper, or give up.
	cs.xs = cs.xs[:0]
	cs.rings = cs.rings[:0]
	for _, e := range cs.edges {
		bx0, by0, bx1, by1 := s.edge(e)
		b0, b1 := orb.Point{bx0, by0}, orb.Point{bx1, by1}
		lb := math.Hypot(bx1-bx0, by1-by0)
		k := cs.ringOf(s, e)
		for i := 0; i < n; i++ {
			a0, a1 := a[i], a[i+1]
			if math.Max(a0[0], a1[0]) < math.Min(bx0, bx1)-clipDegenerate || math.Min(a0[0], a1[0]) > math.Max(bx0, bx1)+clipDegenerate ||
				math.Max(a0[1], a1[1]) < math.Min(by0, by1)-clipDegenerate || math.Min(a0[1], a1[1]) > math.Max(by0, by1)+clipDegenerate {
				continue
			}
			la := math.Hypot(a1[0]-a0[0], a1[1]-a0[1])
			o1, o2 := planar.Orient(a0, a1, b0), planar.Orient(a0, a1, b1)
			o3, o4 := planar.Orient(b0, b1, a0), planar.Orient(b0, b1, a1)
			da, db := clipDegenerate*la, clipDegenerate*lb
			if math.Abs(o1) <= da || math.Abs(o2) <= da || math.Abs(o3) <= db || math.Abs(o4) <= db {
				return 0, false, false
			}
			if (o1 > 0) == (o2 > 0) || (o3 > 0) == (o4 > 0) {
				continue
			}
			pt, ok := geosIntersection(a0, a1, b0, b1)
			if !ok {
				return 0, false, false
			}
			cs.xs = append(cs.xs, clipCrossing{ai: i, bi: e, ta: o3 / (o3 - o4), tb: o1 / (o1 - o2), p: pt, ring: k})
			cs.rings[k].crossed = true
		}
	}

	// Piece rings that no crossing touches lie wholly inside or outside the
	// footprint; those inside are rings of the result, shells adding and
	// holes taking away.
	for _, r := range cs.rings {
		if r.crossed {
			continue
		}
		switch planar.RingLocate(a, s.pt(r.sample)) {
		case planar.Boundary:
			return 0, false, false
		case planar.Inside:
			start, end, shell := s.ringSpan(r.ring)
			ra := math.Abs(geo.FlatRingArea(s.xy[2*start : 2*end]))
			if shell {
				area += ra
			} else {
				area -= ra
			}
		}
	}
	if len(cs.xs) == 0 {
		// The footprint's boundary lies wholly inside or outside the piece.
		if cg.covers(a[0]) {
			if area == 0 {
				return fpArea, true, true
			}
			area += fpArea
		}
		return area, false, true
	}

	// Along the footprint the crossings alternate between entering and leaving
	// the piece, starting from where its first vertex lies.
	slices.SortFunc(cs.xs, func(x, y clipCrossing) int {
		if x.ai != y.ai {
			return x.ai - y.ai
		}
		return cmpFloat(x.ta, y.ta)
	})
	in := cg.covers(a[0])
	for i := range cs.xs {
		in = !in
		cs.xs[i].aIn = in
	}
	if in != cg.covers(a[0]) {
		return 0, false, false // an odd number of crossings: not a clean configuration
	}
	// The direction that keeps the piece on the left, per ring: where the
	// footprint enters the piece, it crosses the piece's edge from its outside
	// to its inside.
	for i := range cs.xs {
		x := &cs.xs[i]
		_, _, bx1, by1 := s.edge(x.bi)
		rightOfA := planar.Orient(a[x.ai], a[x.ai+1], orb.Point{bx1, by1}) < 0
		x.dir = -1
		if rightOfA == x.aIn {
			x.dir = 1
		}
		// Every crossing of a ring must tell the same.
		switch r := &cs.rings[x.ring]; r.dir {
		case 0:
			r.dir = x.dir
		case x.dir:
		default:
			return 0, false, false
		}
	}

	// Each result ring: from a crossing where the footprint enters the piece,
	// along the footprint to where it leaves, then along the piece (in its
	// direction) to where the footprint enters again, and so on back to the
	// start.
	for start := range cs.xs {
		if !cs.xs[start].aIn || cs.xs[start].done {
			continue
		}
		cs.out = cs.out[:0]
		cur := start
		for steps := 0; ; steps++ {
			if steps > len(cs.xs) {
				return 0, false, false
			}
			x := &cs.xs[cur]
			if !x.aIn || x.done {
				return 0, false, false
			}
			x.done = true
			exit := cs.walkA(cur)
			if cs.xs[exit].aIn {
				return 0, false, false
			}
			next, ok := cs.walkB(s, exit)
			if !ok {
				return 0, false, false
			}
			if next == start {
				break
			}
			cur = next
		}
		cs.out = append(cs.out, cs.out[0], cs.out[1])
		ra := geo.FlatRingArea(cs.out)
		if ra <= 0 {
			return 0, false, false
		}
		area += ra
	}
	for _, x := range cs.xs {
		if x.aIn && !x.done {
			return 0, false, false
		}
	}
	if area <= 0 {
		return 0, false, false
	}
	return area, false, true
}

// ringOf returns the index in cs.rings of the piece ring holding edge e, adding
// it (with e's first vertex as its sample) when new.
func (cs *clipScratch) ringOf(s *shape, e int) int {
	k := sort.Search(len(s.rings), func(k int) bool { return int(s.rings[k]&^shellBit) > e })
	for i, r := range cs.rings {
		if r.ring == k {
			return i
		}
	}
	cs.rings = append(cs.rings, clipRing{ring: k, sample: e})
	return len(cs.rings) - 1
}

// walkA appends crossing x's point and the footprint's vertices after it up to
// the next crossing along the footprint, and returns that crossing.
func (cs *clipScratch) walkA(x int) int {
	c := cs.xs[x]
	cs.out = append(cs.out, c.p[0], c.p[1])
	// The crossings are sorted along the footprint: the next one is the next
	// in the list, round to the first.
	next := (x + 1) % len(cs.xs)
	y := cs.xs[next]
	n := len(cs.a) - 1
	i := c.ai
	if y.ai == c.ai && y.ta > c.ta {
		return next
	}
	for {
		i = (i + 1) % n
		cs.out = append(cs.out, cs.a[i][0], cs.a[i][1])
		if i == y.ai {
			return next
		}
	}
}

// walkB appends crossing x's point and the piece's vertices after it (in its
// ring's direction) up to the next crossing on that ring, and returns that
// crossing.
func (cs *clipScratch) walkB(s *shape, x int) (int, bool) {
	c := cs.xs[x]
	cs.out = append(cs.out, c.p[0], c.p[1])
	k := sort.Search(len(s.rings), func(k int) bool { return int(s.rings[k]&^shellBit) > c.bi })
	start, end, _ := s.ringSpan(k)
	edges := end - start - 1 // the ring is closed
	if edges < 1 {
		return 0, false
	}
	e, t := c.bi, c.tb
	for steps := 0; steps <= edges; steps++ {
		// The nearest crossing on edge e beyond t in the walking direction.
		best := -1
		for j, y := range cs.xs {
			if y.bi != e || j == x && steps == 0 {
				continue
			}
			if c.dir > 0 && y.tb > t && (best < 0 || y.tb < cs.xs[best].tb) ||
				c.dir < 0 && y.tb < t && (best < 0 || y.tb > cs.xs[best].tb) {
				best = j
			}
		}
		if best >= 0 {
			return best, true
		}
		if c.dir > 0 {
			e++
			if e == end-1 {
				e = start
			}
			cs.out = append(cs.out, s.xy[2*e], s.xy[2*e+1])
			t = math.Inf(-1)
		} else {
			cs.out = append(cs.out, s.xy[2*e], s.xy[2*e+1])
			e--
			if e < start {
				e = end - 2
			}
			t = math.Inf(1)
		}
	}
	return 0, false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// geosIntersection is the crossing point of segments p1p2 and q1q2 as GEOS
// computes it (Intersection::intersection: the coordinates conditioned by the
// middle of the boxes' overlap, then homogeneous coordinates), and false where
// GEOS would take another route (parallel lines, or a point outside the
// segments' boxes, where it takes the nearest end point). The explicit float64
// conversions keep the compiler from fusing a multiply and an add, which GEOS
// does not.
func geosIntersection(p1, p2, q1, q2 orb.Point) (orb.Point, bool) {
	minX0, maxX0 := math.Min(p1[0], p2[0]), math.Max(p1[0], p2[0])
	minY0, maxY0 := math.Min(p1[1], p2[1]), math.Max(p1[1], p2[1])
	minX1, maxX1 := math.Min(q1[0], q2[0]), math.Max(q1[0], q2[0])
	minY1, maxY1 := math.Min(q1[1], q2[1]), math.Max(q1[1], q2[1])
	intMinX, intMaxX := math.Max(minX0, minX1), math.Min(maxX0, maxX1)
	intMinY, intMaxY := math.Max(minY0, minY1), math.Min(maxY0, maxY1)
	midx := (intMinX + intMaxX) / 2
	midy := (intMinY + intMaxY) / 2

	p1x, p1y := p1[0]-midx, p1[1]-midy
	p2x, p2y := p2[0]-midx, p2[1]-midy
	q1x, q1y := q1[0]-midx, q1[1]-midy
	q2x, q2y := q2[0]-midx, q2[1]-midy

	px := p1y - p2y
	py := p2x - p1x
	pw := float64(p1x*p2y) - float64(p2x*p1y)
	qx := q1y - q2y
	qy := q2x - q1x
	qw := float64(q1x*q2y) - float64(q2x*q1y)

	x := float64(py*qw) - float64(qy*pw)
	y := float64(qx*pw) - float64(px*qw)
	w := float64(px*qy) - float64(qx*py)
	xi, yi := x/w, y/w
	if math.IsInf(xi, 0) || math.IsNaN(xi) || math.IsInf(yi, 0) || math.IsNaN(yi) {
		return orb.Point{}, false
	}
	pt := orb.Point{xi + midx, yi + midy}
	if pt[0] < minX0 || pt[0] > maxX0 || pt[1] < minY0 || pt[1] > maxY0 ||
		pt[0] < minX1 || pt[0] > maxX1 || pt[1] < minY1 || pt[1] > maxY1 {
		return orb.Point{}, false
	}
	return pt, true
}

// clipLength returns the geodesic length in metres of the lineal piece p inside
// the footprint ring fp (closed, simple, its box b), and ok false when it cannot
// say (then GEOS decides): the piece's edges split where they cross the
// footprint (at GEOS's crossing points), the parts inside measured as geo.Length
// measures GEOS's result, segment by segment.
func clipLength(p *piece, fp orb.Ring, b orb.Bound) (length float64, ok bool) {
	s := &p.shape
	if !s.lineal || len(fp) < 4 || len(fp) > clipLimit+1 {
		return 0, false
	}
	cs := clipScratches.Get().(*clipScratch)
	defer clipScratches.Put(cs)
	a := append(cs.a[:0], fp...)
	cs.a = a
	n := len(a) - 1
	win := b.Pad(clipDegenerate)
	ok = true
	s.forEdges(func(e int) bool {
		bx0, by0, bx1, by1 := s.edge(e)
		if math.Max(bx0, bx1) < win.Min[0] || math.Min(bx0, bx1) > win.Max[0] ||
			math.Max(by0, by1) < win.Min[1] || math.Min(by0, by1) > win.Max[1] {
			return true
		}
		b0, b1 := orb.Point{bx0, by0}, orb.Point{bx1, by1}
		lb := math.Hypot(bx1-bx0, by1-by0)
		cs.xs = cs.xs[:0]
		for i := 0; i < n; i++ {
			a0, a1 := a[i], a[i+1]
			if math.Max(a0[0], a1[0]) < math.Min(bx0, bx1)-clipDegenerate || math.Min(a0[0], a1[0]) > math.Max(bx0, bx1)+clipDegenerate ||
				math.Max(a0[1], a1[1]) < math.Min(by0, by1)-clipDegenerate || math.Min(a0[1], a1[1]) > math.Max(by0, by1)+clipDegenerate {
				continue
			}
			la := math.Hypot(a1[0]-a0[0], a1[1]-a0[1])
			o1, o2 := planar.Orient(a0, a1, b0), planar.Orient(a0, a1, b1)
			o3, o4 := planar.Orient(b0, b1, a0), planar.Orient(b0, b1, a1)
			da, db := clipDegenerate*la, clipDegenerate*lb
			if math.Abs(o1) <= da || math.Abs(o2) <= da || math.Abs(o3) <= db || math.Abs(o4) <= db {
				ok = false
				return false
			}
			if (o1 > 0) == (o2 > 0) || (o3 > 0) == (o4 > 0) {
				continue
			}
			pt, good := geosIntersection(a0, a1, b0, b1)
			if !good {
				ok = false
				return false
			}
			cs.xs = append(cs.xs, clipCrossing{ai: i, bi: e, tb: o1 / (o1 - o2), p: pt})
		}
		var in bool
		switch planar.RingLocate(a, b0) {
		case planar.Boundary:
			ok = false
			return false
		case planar.Inside:
			in = true
		}
		slices.SortFunc(cs.xs, func(x, y clipCrossing) int { return cmpFloat(x.tb, y.tb) })
		from := b0
		for _, x := range cs.xs {
			if in {
				length += geo.Distance(from, x.p)
			}
			in = !in
			from = x.p
		}
		if in {
			length += geo.Distance(from, b1)
		}
		return true
	})
	return length, ok
}
