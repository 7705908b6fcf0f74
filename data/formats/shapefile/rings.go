package shapefile

import (
	"math"

	"github.com/paulmach/orb"
)

// assemble groups the rings of one record into polygons by containment.
//
// Clockwise rings (the shapefile convention for shells) are shell candidates and
// counter-clockwise ones hole candidates. Each hole candidate goes to the smallest
// shell that contains it; one inside no shell becomes a shell of its own (as GDAL's
// "ONLY_CCW" organisation does). When no ring is clockwise, or when
// ignoreOrientation is set (rings made from closed lines, which follow no
// convention), orientation says nothing and nesting depth decides: a ring inside
// an odd number of others is a hole of the smallest ring containing it.
//
// Rings are kept as read: self-intersecting ones stay so, for geo to repair.
func assemble(rings []orb.Ring, ignoreOrientation bool) orb.MultiPolygon {
	if len(rings) == 0 {
		return nil
	}
	if len(rings) == 1 {
		return orb.MultiPolygon{{rings[0]}}
	}
	info := make([]ringInfo, len(rings))
	anyShell := false
	for i, r := range rings {
		a := signedArea(r)
		info[i] = ringInfo{ring: r, area: math.Abs(a), bound: r.Bound(), shell: a <= 0}
		anyShell = anyShell || info[i].shell
	}
	if ignoreOrientation || !anyShell {
		return byDepth(info)
	}
	// Shells first, in input order; remember where each landed.
	var mp orb.MultiPolygon
	poly := make([]int, len(info)) // ring -> polygon index, for shells
	for i := range info {
		if info[i].shell {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{info[i].ring})
		}
	}
	shells := newCandidates(info, func(i int) bool { return info[i].shell })
	for i := range info {
		if info[i].shell {
			continue
		}
		best := -1
		for _, j := range shells.containing(info[i].bound) {
			if info[j].area < info[i].area {
				continue
			}
			if (best < 0 || info[j].area < info[best].area) && ringInside(&info[i], &info[j]) {
				best = j
			}
		}
		if best < 0 {
			mp = append(mp, orb.Polygon{info[i].ring})
			continue
		}
		mp[poly[best]] = append(mp[poly[best]], info[i].ring)
	}
	return mp
}

type ringInfo struct {
	ring    orb.Ring
	area    float64 // absolute planar area
	bound   orb.Bound
	shell   bool
	queries int        // points located against this ring so far
	indexed bool       // idx has been built (it may be nil: not worth it)
	idx     *ringIndex // for rings tested against many points
}

// indexAfter is the number of scans of a ring after which it gets an index: most
// shells have a hole or two, and an index costs a few scans to build.
const indexAfter = 8

// locate is pointInRing against this ring, through an index when it is large.
func (b *ringInfo) locate(p orb.Point) int {
	if !b.indexed {
		if b.queries++; b.queries > indexAfter {
			b.idx, b.indexed = newRingIndex(b.ring), true
		}
	}
	if b.idx != nil {
		return b.idx.locate(p)
	}
	return pointInRing(p, b.ring)
}

// byDepth assembles rings by nesting depth alone.
func byDepth(info []ringInfo) orb.MultiPolygon {
	n := len(info)
	parent := make([]int, n) // smallest ring containing ring i, -1 for none
	depth := make([]int, n)
	all := newCandidates(info, func(int) bool { return true })
	for i := range info {
		parent[i] = -1
		for _, j := range all.containing(info[i].bound) {
			if i == j || info[j].area < info[i].area || (info[j].area == info[i].area && j > i) {
				continue
			}
			if ringInside(&info[i], &info[j]) {
				depth[i]++
				if parent[i] < 0 || info[j].area < info[parent[i]].area {
					parent[i] = j
				}
			}
		}
	}
	var mp orb.MultiPolygon
	poly := make([]int, n)
	for i := range info {
		if depth[i]%2 == 0 {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{info[i].ring})
		}
	}
	for i := range info {
		if depth[i]%2 == 1 {
			p := parent[i]
			if depth[p]%2 == 1 { // parent is itself a hole: cannot happen with a proper nesting, keep as shell
				mp = append(mp, orb.Polygon{info[i].ring})
				continue
			}
			mp[poly[p]] = append(mp[poly[p]], info[i].ring)
		}
	}
	return mp
}

// candidates finds the rings (of a chosen set) whose bounds contain a given
// bound. With few rings it lists them all; with many it files their bounds in a
// grid, so that a record of 10⁵ small disjoint rings costs 10⁵ lookups rather
// than 10¹⁰ comparisons.
type candidates struct {
	info    []ringInfo
	members []int
	grid    [][]int // nil: scan members
	bound   orb.Bound
	nx, ny  int
	cw, ch  float64
}

// gridFrom is the number of members from which a grid is built.
const gridFrom = 64

func newCandidates(info []ringInfo, member func(i int) bool) *candidates {
	c := &candidates{info: info}
	for i := range info {
		if member(i) {
			c.members = append(c.members, i)
		}
	}
	if len(c.members) < gridFrom {
		return c
	}
	c.bound = info[c.members[0]].bound
	for _, i := range c.members {
		c.bound = c.bound.Union(info[i].bound)
	}
	side := int(math.Sqrt(float64(len(c.members))))
	c.nx, c.ny = side, side
	c.cw = (c.bound.Max[0] - c.bound.Min[0]) / float64(c.nx)
	c.ch = (c.bound.Max[1] - c.bound.Min[1]) / float64(c.ny)
	if !(c.cw > 0) || !(c.ch > 0) || math.IsInf(c.cw, 0) || math.IsInf(c.ch, 0) {
		return c
	}
	grid := make([][]int, c.nx*c.ny)
	entries := 0
	for _, i := range c.members {
		x0, y0 := c.cell(info[i].bound.Min)
		x1, y1 := c.cell(info[i].bound.Max)
		entries += (x1 - x0 + 1) * (y1 - y0 + 1)
		if entries > 32*len(c.members) {
			return c // bounds overlapping everywhere: a grid would not help
		}
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				grid[y*c.nx+x] = append(grid[y*c.nx+x], i)
			}
		}
	}
	c.grid = grid
	return c
}

func (c *candidates) cell(p orb.Point) (int, int) {
	x := int((p[0] - c.bound.Min[0]) / c.cw)
	y := int((p[1] - c.bound.Min[1]) / c.ch)
	return max(0, min(x, c.nx-1)), max(0, min(y, c.ny-1))
}

// containing lists, in ascending order, members whose bounds may contain b
// (ringInside checks the bounds exactly).
func (c *candidates) containing(b orb.Bound) []int {
	if c.grid == nil {
		return c.members
	}
	if !c.bound.Contains(b.Min) {
		return nil
	}
	x, y := c.cell(b.Min)
	return c.grid[y*c.nx+x]
}

// signedArea is the shoelace area: negative for clockwise rings (y up).
func signedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	// Shift to the first vertex to keep precision with large projected numbers.
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// ringInside reports whether ring a lies inside ring b, judged by the first vertex
// of a that is not on b's boundary (then by edge midpoints); a ring whose every
// vertex and midpoint is on b's boundary counts as inside.
func ringInside(a, b *ringInfo) bool {
	if !b.bound.Contains(a.bound.Min) || !b.bound.Contains(a.bound.Max) {
		return false
	}
	for _, p := range a.ring {
		switch b.locate(p) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	for i := 0; i+1 < len(a.ring); i++ {
		m := orb.Point{(a.ring[i][0] + a.ring[i+1][0]) / 2, (a.ring[i][1] + a.ring[i+1][1]) / 2}
		switch b.locate(m) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true
}

// pointInRing returns 1 when p is inside r, -1 outside, 0 on its boundary
// (even-odd rule, so it works for either orientation).
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	x, y := p[0], p[1]
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		ax, ay := r[j][0], r[j][1]
		bx, by := r[i][0], r[i][1]
		// On the segment? Cheap comparisons first: most edges are far from p.
		if (y >= ay || y >= by) && (y <= ay || y <= by) && (x >= ax || x >= bx) && (x <= ax || x <= bx) &&
			(x-ax)*(by-ay) == (y-ay)*(bx-ax) {
			return 0
		}
		if (ay > y) != (by > y) {
			xi := ax + (y-ay)*(bx-ax)/(by-ay)
			if x < xi {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

// ringIndex answers point-in-ring queries against a large ring without walking
// all its edges: edges are filed in horizontal bands, and a query looks only at
// the band of its y. A shell with a thousand holes and 100k vertices would
// otherwise cost 10⁸ edge tests.
type ringIndex struct {
	ring       orb.Ring
	minY, maxY float64
	step       float64
	bands      [][]int32 // per band, the indexes i of edges ring[i]→ring[i+1]
}

// indexMinVertices is the ring size from which an index pays for itself.
const indexMinVertices = 256

// newRingIndex files r's edges in bands; nil when r is small or its edges span
// so many bands that the index would not be much smaller than r times the band
// count (then the plain scan is used).
func newRingIndex(r orb.Ring) *ringIndex {
	n := len(r)
	if n < indexMinVertices {
		return nil
	}
	b := r.Bound()
	nb := min(n/8, 4096)
	ix := &ringIndex{ring: r, minY: b.Min[1], maxY: b.Max[1], step: (b.Max[1] - b.Min[1]) / float64(nb)}
	if !(ix.step > 0) || math.IsInf(ix.step, 0) {
		return nil
	}
	ix.bands = make([][]int32, nb)
	entries := 0
	for i := 0; i+1 < n; i++ {
		lo, hi := ix.band(math.Min(r[i][1], r[i+1][1])), ix.band(math.Max(r[i][1], r[i+1][1]))
		entries += hi - lo + 1
		if entries > 16*n {
			return nil
		}
		for k := lo; k <= hi; k++ {
			ix.bands[k] = append(ix.bands[k], int32(i))
		}
	}
	return ix
}

func (ix *ringIndex) band(y float64) int {
	k := int((y - ix.minY) / ix.step)
	return max(0, min(k, len(ix.bands)-1))
}

// locate is pointInRing through the index: 1 inside, -1 outside, 0 on the boundary.
func (ix *ringIndex) locate(p orb.Point) int {
	x, y := p[0], p[1]
	if !(y >= ix.minY && y <= ix.maxY) {
		return -1
	}
	in := false
	r := ix.ring
	for _, i := range ix.bands[ix.band(y)] {
		ax, ay := r[i][0], r[i][1]
		bx, by := r[i+1][0], r[i+1][1]
		if (y >= ay || y >= by) && (y <= ay || y <= by) && (x >= ax || x >= bx) && (x <= ax || x <= bx) &&
			(x-ax)*(by-ay) == (y-ay)*(bx-ax) {
			return 0
		}
		if (ay > y) != (by > y) {
			if x < ax+(y-ay)*(bx-ax)/(by-ay) {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}
