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

// clipLimit bounds the lines clipped here (edges × nearby piece edges), and
// clipAreaLimit the vertices of the polygons.
const (
	clipLimit     = relateLimit
	clipAreaLimit = 4 * relateLimit
)

type clipCrossing struct {
	ai     int       // the footprint's edge (vertex ai to ai+1)
	c      int       // the piece edge crossed, an index in clipScratch.edges
	ta, tb float64   // where along each edge, for ordering
	p      orb.Point // the crossing point, as GEOS computes it
	bRight bool      // the piece edge ends on the right of the footprint's
	aIn    bool      // the footprint enters the zone here
	done   bool
}

const (
	crossNone    = iota // the segments do not meet
	crossProper         // they cross at one point inside both
	crossUnclean        // they touch, overlap, or come too close to tell
)

// crossing says how the footprint's edge a0a1 and a piece's edge b0b1 meet,
// with the crossing (p, ta, tb, bRight) where they cross properly: within
// clipDegenerate of an end of either is unclean, and so is a crossing point
// GEOS would not take from its formula.
func crossing(a0, a1, b0, b1 orb.Point) (clipCrossing, int) {
	d := clipDegenerate
	if max(a0[0], a1[0]) < min(b0[0], b1[0])-d || min(a0[0], a1[0]) > max(b0[0], b1[0])+d ||
		max(a0[1], a1[1]) < min(b0[1], b1[1])-d || min(a0[1], a1[1]) > max(b0[1], b1[1])+d {
		return clipCrossing{}, crossNone
	}
	o1, o2 := planar.Orient(a0, a1, b0), planar.Orient(a0, a1, b1)
	o3, o4 := planar.Orient(b0, b1, a0), planar.Orient(b0, b1, a1)
	da, db := d*math.Hypot(a1[0]-a0[0], a1[1]-a0[1]), d*math.Hypot(b1[0]-b0[0], b1[1]-b0[1])
	if math.Abs(o1) <= da || math.Abs(o2) <= da || math.Abs(o3) <= db || math.Abs(o4) <= db {
		return clipCrossing{}, crossUnclean
	}
	if (o1 > 0) == (o2 > 0) || (o3 > 0) == (o4 > 0) {
		return clipCrossing{}, crossNone
	}
	pt, ok := geosIntersection(a0, a1, b0, b1)
	if !ok {
		return clipCrossing{}, crossUnclean
	}
	return clipCrossing{ta: o3 / (o3 - o4), tb: o1 / (o1 - o2), p: pt, bRight: o2 < 0}, crossProper
}

// clipARing is a ring of the footprint in clipScratch.a.
type clipARing struct {
	start, end int // its points
	hole       bool
	in         bool // its first point lies in the zone (clip)
}

// clipEdge is an edge of a piece near the footprint.
type clipEdge struct {
	p, e    int  // the piece (an index in clipScratch.pieces) and the edge (vertex e to e+1 of its shape)
	ring    int  // an index in clipScratch.rings
	cut     bool // on a cut line of the subdivision, with the zone on both sides
	visited bool // walked as part of the result's boundary
	xs      int  // crossings on it
}

type clipRing struct {
	p, ring    int
	start, end int  // its vertices in the piece's shape
	dir        int8 // the direction (+1 forward, -1 backward) with the zone on the left
}

// clipScratch is the working memory of one clip, pooled: a square on a zone's
// edge allocates nothing.
type clipScratch struct {
	pieces []*piece
	polys  []orb.Polygon // the footprint
	a      []orb.Point   // its rings one after the other, each closed, with its inside on the left
	aRings []clipARing
	edges  []clipEdge // sorted by piece, then edge
	ids    []int32    // zoneEdges' edge indices of one piece
	xs     []clipCrossing
	rings  []clipRing
	ivs    [][2]float64
	out    []float64 // the result ring being assembled, as lon/lat pairs
}

var clipScratches = sync.Pool{New: func() any { return new(clipScratch) }}

// clipArea returns the area in m² of the intersection of the footprint ring fp
// (closed, simple, its box b, its area fpArea) with the union of the polygonal
// pieces of one zone, and ok false when it cannot say (then GEOS decides);
// whole when the footprint lies in the zone with nothing of the zone's boundary
// inside it (area is fpArea).
//
// GEOS dissolves the pieces first, so the cut lines of the subdivision are no
// edges of its result: here the pieces' edges along a cut line (axis-parallel,
// with an edge of another piece running the other way over all of them) are
// left out, and a walk along the zone's boundary that reaches a cut goes on in
// the piece beyond it, from the very same vertex.
func clipArea(pieces []*piece, fp []orb.Polygon, b orb.Bound, fpArea float64) (area float64, whole, ok bool) {
	nv := 0
	for _, p := range fp {
		for _, r := range p {
			if len(r) < 4 {
				return 0, false, false
			}
			nv += len(r)
		}
	}
	if nv > clipAreaLimit {
		return 0, false, false
	}
	for _, p := range pieces {
		if p.cells == nil || p.shape.lineal {
			return 0, false, false
		}
	}
	cs := clipScratches.Get().(*clipScratch)
	defer clipScratches.Put(cs)
	cs.pieces = append(cs.pieces[:0], pieces...)
	cs.polys = fp
	area, whole, ok = cs.clip(b, fpArea)
	clear(cs.pieces)
	cs.polys = nil
	return area, whole, ok
}

func (cs *clipScratch) clip(b orb.Bound, fpArea float64) (area float64, whole, ok bool) {
	// The footprint's rings with its inside on the left of each edge: shells
	// counter-clockwise, holes clockwise.
	cs.a = cs.a[:0]
	cs.aRings = cs.aRings[:0]
	for _, p := range cs.polys {
		for k, r := range p {
			start := len(cs.a)
			cs.a = append(cs.a, r...)
			if (planar.SignedArea(r) < 0) == (k == 0) {
				slices.Reverse(cs.a[start:])
			}
			cs.aRings = append(cs.aRings, clipARing{start: start, end: len(cs.a), hole: k > 0})
		}
	}
	a := cs.a

	if !cs.zoneEdges(b) {
		return 0, false, false
	}

	// Crossings with the zone's boundary, all proper, or give up.
	cs.xs = cs.xs[:0]
	for ci := range cs.edges {
		b0, b1, ok := cs.boundaryEdge(ci)
		if !ok {
			continue
		}
		ce := &cs.edges[ci]
		from := len(cs.xs)
		if !cs.crossRings(b0, b1) {
			return 0, false, false
		}
		for k := from; k < len(cs.xs); k++ {
			// Where the footprint crosses into the zone, the zone's edge runs
			// (with the zone on its left) from the footprint's right to its left.
			x := &cs.xs[k]
			x.c = ci
			x.aIn = x.bRight == (cs.rings[ce.ring].dir > 0)
			ce.xs++
		}
	}

	// Along each ring of the footprint the crossings alternate between
	// entering and leaving the zone, starting from where its first vertex lies:
	// what the directions of the zone's rings say must agree. A ring no
	// crossing touches lies wholly inside or outside the zone; inside, it is a
	// ring of the result (a hole taking away).
	slices.SortFunc(cs.xs, func(x, y clipCrossing) int {
		if x.ai != y.ai {
			return x.ai - y.ai
		}
		return cmpFloat(x.ta, y.ta)
	})
	// A footprint that no crossing touches and whose rings all start inside
	// lies in the zone, and unless a loop of the zone's boundary lies in it
	// its area is fpArea: its rings' areas are then taken only where a loop
	// needs them (ringsInside), in the same order.
	deferred := len(cs.xs) == 0
	k := 0
	allIn := true
	for ai := range cs.aRings {
		ar := &cs.aRings[ai]
		in := cs.covered(a[ar.start])
		ar.in = in
		startIn := in
		crossed := false
		for ; k < len(cs.xs) && cs.xs[k].ai < ar.end; k++ {
			crossed = true
			in = !in
			if cs.xs[k].aIn != in {
				return 0, false, false
			}
		}
		if in != startIn {
			return 0, false, false
		}
		switch {
		case crossed:
		case startIn:
			if !deferred {
				area += cs.ringArea(*ar)
			}
		default:
			allIn = false
		}
	}
	if deferred && !allIn {
		// Some ring lies outside: the rings inside count now, as they did.
		area = cs.ringsInside(area)
		deferred = false
	}

	// Each result ring through crossings: from one where the footprint enters
	// the zone, along the footprint to where it leaves, then along the zone's
	// boundary to where the footprint enters again, and so on back to the
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
			next, ok := cs.walkB(exit)
			if !ok {
				return 0, false, false
			}
			if next == start {
				break
			}
			cur = next
		}
		ra := cs.closedArea()
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

	// Loops of the zone's boundary that no crossing touches lie wholly inside
	// or outside the footprint; those inside are rings of the result, holes
	// taking away (they run clockwise with the zone on their left).
	loops := false
	for ci := range cs.edges {
		ce := cs.edges[ci]
		if ce.cut || ce.visited {
			continue
		}
		r := cs.rings[ce.ring]
		s := &cs.pieces[ce.p].shape
		v := s.pt(ce.e)
		if r.dir < 0 {
			v = s.pt(ce.e + 1)
		}
		switch cs.locate(v) {
		case planar.Boundary:
			return 0, false, false
		case planar.Outside:
			continue
		}
		if deferred {
			area = cs.ringsInside(area)
			deferred = false
		}
		cs.out = append(cs.out[:0], v[0], v[1])
		if !cs.walkLoop(ci) {
			return 0, false, false
		}
		area += cs.closedArea()
		loops = true
	}
	if len(cs.xs) == 0 && allIn && !loops {
		// The footprint lies in the zone, and nothing of the zone's boundary
		// in it.
		return fpArea, true, true
	}
	if area < 0 || len(cs.xs) > 0 && area == 0 {
		return 0, false, false
	}
	return area, false, true
}

// ringArea returns the area of the footprint's ring ar, negative for a hole.
func (cs *clipScratch) ringArea(ar clipARing) float64 {
	cs.out = cs.out[:0]
	for _, v := range cs.a[ar.start:ar.end] {
		cs.out = append(cs.out, v[0], v[1])
	}
	ra := math.Abs(geo.FlatRingArea(cs.out))
	if ar.hole {
		ra = -ra
	}
	return ra
}

// ringsInside adds to area, in order, the areas of the footprint's rings that
// start inside the zone: what clip's first pass adds when no crossing touches
// the footprint, left until a ring outside or a loop inside asks for them.
func (cs *clipScratch) ringsInside(area float64) float64 {
	for _, ar := range cs.aRings {
		if ar.in {
			area += cs.ringArea(ar)
		}
	}
	return area
}

// crossRings appends to cs.xs the crossings of the edge b0b1 with the edges of
// the footprint's rings in cs.a, ring by ring in order (ai set), and reports
// false where one is not clean.
func (cs *clipScratch) crossRings(b0, b1 orb.Point) bool {
	for _, ar := range cs.aRings {
		for i := ar.start; i+1 < ar.end; i++ {
			x, kind := crossing(cs.a[i], cs.a[i+1], b0, b1)
			switch kind {
			case crossNone:
				continue
			case crossUnclean:
				return false
			}
			x.ai = i
			cs.xs = append(cs.xs, x)
		}
	}
	return true
}

// locate says where p lies in the footprint.
func (cs *clipScratch) locate(p orb.Point) planar.Location {
	for _, poly := range cs.polys {
		if l := planar.PolygonLocate(poly, p); l != planar.Outside {
			return l
		}
	}
	return planar.Outside
}

// zoneEdges lists in cs.edges the pieces' edges whose box meets b (widened by
// the margin), each once, with their rings, and marks those on cut lines;
// false where the configuration is not one taken here.
func (cs *clipScratch) zoneEdges(b orb.Bound) bool {
	win := b.Pad(clipDegenerate)
	cs.edges = cs.edges[:0]
	cs.rings = cs.rings[:0]
	for pi, p := range cs.pieces {
		s := &p.shape
		first := len(cs.edges)
		// The edges near, as indices: an edge over several cells is listed
		// once for each, and a sort of ints is cheaper than one of clipEdges.
		ids := cs.ids[:0]
		p.cells.edgesNear(win, func(i int) bool {
			ax, ay, bx, by := s.edge(i)
			if max(ax, bx) < win.Min[0] || min(ax, bx) > win.Max[0] ||
				max(ay, by) < win.Min[1] || min(ay, by) > win.Max[1] {
				return true
			}
			ids = append(ids, int32(i))
			return true
		})
		slices.Sort(ids)
		for k, e := range ids {
			if k == 0 || e != ids[k-1] {
				cs.edges = append(cs.edges, clipEdge{p: pi, e: int(e)})
			}
		}
		cs.ids = ids
		for i := first; i < len(cs.edges); i++ {
			ri, ok := cs.ringOf(pi, cs.edges[i].e)
			if !ok {
				return false
			}
			cs.edges[i].ring = ri
		}
	}
	return cs.markCuts(win)
}

// clipLineIn returns the geodesic length in metres of the footprint's lines
// (simple, at most clipLimit vertices in all; their box b) inside the union of
// the polygonal pieces of one zone, and ok false when it cannot say (then GEOS
// decides): each line split where it crosses the zone's boundary (at GEOS's
// crossing points; the cut lines of the subdivision are no boundary), the
// parts inside measured segment by segment as geo.Length measures GEOS's
// result. The caller has checked the lines (clipLinesOK) and gives lens[k][i],
// the length of segment i of line k, which a segment wholly inside adds.
func clipLineIn(pieces []*piece, lines []orb.LineString, lens [][]float64, b orb.Bound) (length float64, ok bool) {
	for _, p := range pieces {
		if p.cells == nil || p.shape.lineal {
			return 0, false
		}
	}
	cs := clipScratches.Get().(*clipScratch)
	defer clipScratches.Put(cs)
	cs.pieces = append(cs.pieces[:0], pieces...)
	defer clear(cs.pieces)
	if !cs.zoneEdges(b) {
		return 0, false
	}
	for k, l := range lines {
		in := cs.covered(l[0])
		for i := 0; i+1 < len(l); i++ {
			a0, a1 := l[i], l[i+1]
			cs.xs = cs.xs[:0]
			for ci := range cs.edges {
				b0, b1, ok := cs.boundaryEdge(ci)
				if !ok {
					continue
				}
				x, kind := crossing(a0, a1, b0, b1)
				switch kind {
				case crossNone:
					continue
				case crossUnclean:
					return 0, false
				}
				cs.xs = append(cs.xs, x)
			}
			if len(cs.xs) == 0 {
				// insideLength's answer, the segment's length measured once.
				if in {
					length += lens[k][i]
				}
				continue
			}
			slices.SortFunc(cs.xs, func(x, y clipCrossing) int { return cmpFloat(x.ta, y.ta) })
			var l float64
			l, in = insideLength(a0, a1, cs.xs, in)
			length += l
		}
	}
	return length, true
}

// clipLinesOK reports whether clipLineIn takes the footprint's lines: at most
// clipLimit vertices in all, and simple.
func clipLinesOK(lines []orb.LineString) bool {
	nv := 0
	for _, l := range lines {
		nv += len(l)
	}
	return nv <= clipLimit && simpleLines(lines)
}

// insideLength is the geodesic length of the parts of segment ab inside, split
// at the crossings xs (in order from a), a inside when in; and whether b is.
func insideLength(a, b orb.Point, xs []clipCrossing, in bool) (float64, bool) {
	length := 0.0
	from := a
	for _, x := range xs {
		if in {
			length += geo.Distance(from, x.p)
		}
		in = !in
		from = x.p
	}
	if in {
		length += geo.Distance(from, b)
	}
	return length, in
}

// simpleLines reports whether no two segments of lines meet but neighbours on
// one line at their shared vertex (GEOS would node the lines where they do).
func simpleLines(lines []orb.LineString) bool {
	type seg struct {
		a, b  orb.Point
		line  int
		index int
	}
	var segs []seg
	for li, l := range lines {
		if len(l) < 2 {
			return false
		}
		for i := 0; i+1 < len(l); i++ {
			segs = append(segs, seg{l[i], l[i+1], li, i})
		}
	}
	for i, s := range segs {
		for _, t := range segs[i+1:] {
			if s.line == t.line && t.index == s.index+1 {
				if planar.Backtracks(s.a, s.b, t.b) {
					return false
				}
				continue
			}
			if planar.SegmentsMeet(s.a, s.b, t.a, t.b) {
				return false
			}
		}
	}
	return true
}

// closedArea closes the ring in cs.out and returns its signed area.
func (cs *clipScratch) closedArea() float64 {
	cs.out = append(cs.out, cs.out[0], cs.out[1])
	return geo.FlatRingArea(cs.out)
}

// covered reports whether some piece covers p.
func (cs *clipScratch) covered(p orb.Point) bool {
	for _, pc := range cs.pieces {
		if pc.cells.covers(p) {
			return true
		}
	}
	return false
}

// ringOf returns the index in cs.rings of the ring of piece pi holding edge e,
// adding it (with its direction) when new.
func (cs *clipScratch) ringOf(pi, e int) (int, bool) {
	s := &cs.pieces[pi].shape
	k := sort.Search(len(s.rings), func(k int) bool { return int(s.rings[k]&^shellBit) > e })
	for i, r := range cs.rings {
		if r.p == pi && r.ring == k {
			return i, true
		}
	}
	start, end, shell := s.ringSpan(k)
	sa := flatSignedArea(s.xy[2*start : 2*end])
	if sa == 0 || end-start < 4 {
		return 0, false
	}
	dir := int8(-1)
	if (sa > 0) == shell {
		dir = 1
	}
	cs.rings = append(cs.rings, clipRing{p: pi, ring: k, start: start, end: end, dir: dir})
	return len(cs.rings) - 1, true
}

// flatSignedArea is the planar signed area of the closed ring in xy (lon/lat
// pairs), counter-clockwise positive.
func flatSignedArea(xy []float64) float64 {
	x0, y0 := xy[0], xy[1]
	var sum float64
	for i := 2; i+3 < len(xy); i += 2 {
		sum += (xy[i]-x0)*(xy[i+3]-y0) - (xy[i+2]-x0)*(xy[i+1]-y0)
	}
	return sum / 2
}

// markCuts marks the edges along the subdivision's cut lines: parallel to an
// axis, and covered end to end within the window win by edges of other pieces
// running the other way on the same line. An edge covered only in part is not
// a configuration taken here (false).
func (cs *clipScratch) markCuts(win orb.Bound) bool {
	for i := range cs.edges {
		ei := &cs.edges[i]
		x0, y0, x1, y1 := cs.pieces[ei.p].shape.edge(ei.e)
		axis := -1
		switch {
		case x0 == x1:
			axis = 1 // runs along y
		case y0 == y1:
			axis = 0
		default:
			continue
		}
		lo, hi, fwd := x0, x1, x1 > x0
		if axis == 1 {
			lo, hi, fwd = y0, y1, y1 > y0
		}
		if lo > hi {
			lo, hi = hi, lo
		}
		// Only the stretch within the window counts: the edges covering the
		// rest need not be near enough to be listed.
		lo, hi = max(lo, win.Min[axis]), min(hi, win.Max[axis])
		if lo >= hi {
			continue
		}
		cs.ivs = cs.ivs[:0]
		for j := range cs.edges {
			ej := cs.edges[j]
			if ej.p == ei.p {
				continue
			}
			u0, v0, u1, v1 := cs.pieces[ej.p].shape.edge(ej.e)
			var l, h float64
			var f bool
			if axis == 1 {
				if u0 != x0 || u1 != x0 {
					continue
				}
				l, h, f = v0, v1, v1 > v0
			} else {
				if v0 != y0 || v1 != y0 {
					continue
				}
				l, h, f = u0, u1, u1 > u0
			}
			if l > h {
				l, h = h, l
			}
			if f == fwd || h <= lo || l >= hi {
				continue
			}
			cs.ivs = append(cs.ivs, [2]float64{max(l, lo), min(h, hi)})
		}
		if len(cs.ivs) == 0 {
			continue
		}
		slices.SortFunc(cs.ivs, func(x, y [2]float64) int { return cmpFloat(x[0], y[0]) })
		reach := lo
		for _, iv := range cs.ivs {
			if iv[0] > reach {
				return false
			}
			reach = max(reach, iv[1])
		}
		if reach < hi {
			return false
		}
		ei.cut = true
	}
	return true
}

// edgeAt returns the index in cs.edges of edge e of piece pi, or -1.
func (cs *clipScratch) edgeAt(pi, e int) int {
	i, found := slices.BinarySearchFunc(cs.edges, [2]int{pi, e}, func(x clipEdge, k [2]int) int {
		if x.p != k[0] {
			return x.p - k[0]
		}
		return x.e - k[1]
	})
	if !found {
		return -1
	}
	return i
}

// walkA appends crossing x's point and the footprint's vertices after it up to
// the next crossing along the footprint, and returns that crossing.
func (cs *clipScratch) walkA(x int) int {
	c := cs.xs[x]
	cs.out = append(cs.out, c.p[0], c.p[1])
	// The crossings are sorted along the footprint, ring by ring: the next
	// one is the next in the list on the same ring, or round to the ring's
	// first.
	var r clipARing
	for _, ar := range cs.aRings {
		if c.ai < ar.end {
			r = ar
			break
		}
	}
	next := x + 1
	if next == len(cs.xs) || cs.xs[next].ai >= r.end {
		for next = x; next > 0 && cs.xs[next-1].ai >= r.start; next-- {
		}
	}
	y := cs.xs[next]
	i := c.ai
	if y.ai == c.ai && y.ta > c.ta {
		return next
	}
	for {
		if i++; i == r.end-1 {
			i = r.start
		}
		cs.out = append(cs.out, cs.a[i][0], cs.a[i][1])
		if i == y.ai {
			return next
		}
	}
}

// step moves from edge ci along its ring (in the ring's direction) to the next
// edge of the zone's boundary, appending the vertex between them: the next
// edge of the ring, or where that one lies on a cut line, the edge of another
// piece that goes on from the same vertex. It returns -1 where it cannot tell.
func (cs *clipScratch) step(ci int) int {
	ce := cs.edges[ci]
	r := cs.rings[ce.ring]
	s := &cs.pieces[ce.p].shape
	e, v := ce.e, 0
	for range r.end - r.start {
		if r.dir > 0 {
			e++
			if e == r.end-1 {
				e = r.start
			}
			v = e
		} else {
			v = e
			e--
			if e < r.start {
				e = r.end - 2
			}
		}
		if s.xy[2*e] != s.xy[2*e+2] || s.xy[2*e+1] != s.xy[2*e+3] {
			break // not an edge of no length
		}
	}
	x, y := s.xy[2*v], s.xy[2*v+1]
	cs.out = append(cs.out, x, y)
	next := cs.edgeAt(ce.p, e)
	if next < 0 || !cs.edges[next].cut {
		return next
	}
	// Across the cut: the one edge of another piece that starts here.
	found := -1
	for j := range cs.edges {
		ej := cs.edges[j]
		if ej.cut || ej.p == ce.p {
			continue
		}
		rj := cs.rings[ej.ring]
		sj := &cs.pieces[ej.p].shape
		w := ej.e
		if rj.dir < 0 {
			w++
		}
		if sj.xy[2*w] == x && sj.xy[2*w+1] == y {
			if found >= 0 {
				return -1
			}
			found = j
		}
	}
	return found
}

// walkB appends crossing x's point and the zone's boundary after it (with the
// zone on the left) up to the next crossing, and returns that crossing.
func (cs *clipScratch) walkB(x int) (int, bool) {
	c := cs.xs[x]
	cs.out = append(cs.out, c.p[0], c.p[1])
	ci, t := c.c, c.tb
	for range len(cs.edges) + 1 {
		cs.edges[ci].visited = true
		dir := cs.rings[cs.edges[ci].ring].dir
		// The nearest crossing on this edge beyond t in the walking direction.
		best := -1
		if cs.edges[ci].xs > 0 {
			for j, y := range cs.xs {
				if y.c != ci || j == x {
					continue
				}
				if dir > 0 && y.tb > t && (best < 0 || y.tb < cs.xs[best].tb) ||
					dir < 0 && y.tb < t && (best < 0 || y.tb > cs.xs[best].tb) {
					best = j
				}
			}
		}
		if best >= 0 {
			return best, true
		}
		if ci = cs.step(ci); ci < 0 {
			return 0, false
		}
		t = math.Inf(-1)
		if cs.rings[cs.edges[ci].ring].dir < 0 {
			t = math.Inf(1)
		}
	}
	return 0, false
}

// boundaryEdge returns the end points of edge ci, and false for an edge on a cut
// line of the subdivision, which is not on the zone's boundary.
func (cs *clipScratch) boundaryEdge(ci int) (b0, b1 orb.Point, ok bool) {
	ce := &cs.edges[ci]
	if ce.cut {
		return b0, b1, false
	}
	bx0, by0, bx1, by1 := cs.pieces[ce.p].shape.edge(ce.e)
	return orb.Point{bx0, by0}, orb.Point{bx1, by1}, true
}

// walkLoop appends the vertices of the loop of the zone's boundary through edge
// ci after the first (already in cs.out), back to it; false where the loop
// meets a crossing or does not close.
func (cs *clipScratch) walkLoop(ci int) bool {
	cur := ci
	for range len(cs.edges) + 1 {
		ce := &cs.edges[cur]
		if ce.xs > 0 || ce.cut {
			return false
		}
		ce.visited = true
		next := cs.step(cur)
		if next < 0 {
			return false
		}
		if next == ci {
			cs.out = cs.out[:len(cs.out)-2] // the first vertex again
			return true
		}
		cur = next
	}
	return false
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
	minX0, maxX0 := min(p1[0], p2[0]), max(p1[0], p2[0])
	minY0, maxY0 := min(p1[1], p2[1]), max(p1[1], p2[1])
	minX1, maxX1 := min(q1[0], q2[0]), max(q1[0], q2[0])
	minY1, maxY1 := min(q1[1], q2[1]), max(q1[1], q2[1])
	intMinX, intMaxX := max(minX0, minX1), min(maxX0, maxX1)
	intMinY, intMaxY := max(minY0, minY1), min(maxY0, maxY1)
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
// the footprint's polygons fp (their rings closed and simple, at most
// clipLimit+1 vertices in all; their box b), and ok false when it cannot say
// (then GEOS decides): the piece's edges split where they cross the footprint's
// rings, shells and holes alike (at GEOS's crossing points), each crossing
// going in or out, the parts inside measured as geo.Length measures GEOS's
// result, segment by segment.
func clipLength(p *piece, fp []orb.Polygon, b orb.Bound) (length float64, ok bool) {
	s := &p.shape
	if !s.lineal || len(fp) == 0 {
		return 0, false
	}
	nv := 0
	for _, poly := range fp {
		if len(poly) == 0 {
			return 0, false
		}
		for _, r := range poly {
			if len(r) < 4 {
				return 0, false
			}
			nv += len(r)
		}
	}
	if nv > clipLimit+1 {
		return 0, false
	}
	cs := clipScratches.Get().(*clipScratch)
	defer clipScratches.Put(cs)
	a := cs.a[:0]
	cs.aRings = cs.aRings[:0]
	for _, poly := range fp {
		for _, r := range poly {
			cs.aRings = append(cs.aRings, clipARing{start: len(a), end: len(a) + len(r)})
			a = append(a, r...)
		}
	}
	cs.a = a
	one := len(cs.aRings) == 1
	win := b.Pad(clipDegenerate)
	ok = true
	s.forEdges(func(e int) bool {
		bx0, by0, bx1, by1 := s.edge(e)
		if max(bx0, bx1) < win.Min[0] || min(bx0, bx1) > win.Max[0] ||
			max(by0, by1) < win.Min[1] || min(by0, by1) > win.Max[1] {
			return true
		}
		b0, b1 := orb.Point{bx0, by0}, orb.Point{bx1, by1}
		cs.xs = cs.xs[:0]
		if !cs.crossRings(b0, b1) {
			ok = false
			return false
		}
		loc := planar.Outside
		if one {
			loc = planar.RingLocate(a, b0)
		} else {
			for _, poly := range fp {
				if loc = planar.PolygonLocate(poly, b0); loc != planar.Outside {
					break
				}
			}
		}
		var in bool
		switch loc {
		case planar.Boundary:
			ok = false
			return false
		case planar.Inside:
			in = true
		}
		slices.SortFunc(cs.xs, func(x, y clipCrossing) int { return cmpFloat(x.tb, y.tb) })
		l, _ := insideLength(b0, b1, cs.xs, in)
		length += l
		return true
	})
	return length, ok
}
