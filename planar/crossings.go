package planar

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Crossings is what SelfCrossings found in a polygon.
type Crossings struct {
	// N is the number of pairs of edges found crossing or overlapping, at most
	// the limit asked: a lower bound when Capped or Exhausted.
	N int
	// Ring is the ring with the most of them (counting both edges of a pair),
	// -1 when N is 0.
	Ring int
	// Capped: the count reached the limit and stopped there.
	Capped bool
	// Exhausted: the work allowed ran out first (Pairs reached it), so N is
	// only what was found by then. Edges that lie close together in great
	// numbers without crossing (a comb of slivers) do this: they cost GEOS as
	// much (its validity check and noding test the same pairs).
	Exhausted bool
	// Pairs is the number of pairs of nearby edges tested.
	Pairs int
}

// SelfCrossings counts the pairs of edges of p's rings, all rings together,
// that cross at a point inside both or overlap along a stretch, stopping once
// it has found limit of them or tested work pairs of nearby edges, whichever
// comes first (work <= 0: no bound on the tests). Edges that only touch at an end — neighbours at their shared
// vertex, a ring passing through a vertex of another, a hole touching its
// shell at a point — are not counted: they are what GEOS may call valid, and
// they add no node to a repair. Neighbours that fold back on each other (a
// spike) overlap and count.
//
// It is the bound put on a polygon before GEOS validates or repairs it, so it
// must not be slow itself: the edges go into a hash grid of cells about twice
// their median length, which puts O(n) edge–cell entries in it whatever the
// shape (see grid), and each edge is tested against the edges already in its cells, each
// pair once. Rings of points scattered in any order reach the limit within the
// first few hundred edges; only edges packed closely without crossing make
// many tests, and work bounds those. Time is O(n + work) for n edges, with
// memory O(n). A ring's edges join its consecutive points, closed or not (the
// lines of a footprint may be passed as rings); consecutive repeated vertices
// should be gone (as footprint normalisation leaves them). The test is exact
// on float64 (Orient), as SegmentsMeet is.
func SelfCrossings(p orb.Polygon, limit, work int) Crossings {
	c := Crossings{Ring: -1}
	if limit <= 0 {
		return c
	}
	if work <= 0 {
		work = math.MaxInt
	}
	s := newEdgeSet(p)
	if s.n < 2 {
		return c
	}
	perRing := make([]int, len(p))
	found := func(e, f int) bool {
		c.N++
		perRing[s.ring(e)]++
		perRing[s.ring(f)]++
		if c.N >= limit {
			c.Capped = true
			return true
		}
		return false
	}
	done := func() Crossings {
		if c.N > 0 {
			c.Ring = 0
			for i, k := range perRing {
				if k > perRing[c.Ring] {
					c.Ring = i
				}
			}
		}
		return c
	}

	// A few edges: every pair, with no grid to build.
	if s.n <= 32 {
		for e := 1; e < s.n; e++ {
			a, b := s.edge(e)
			for f := range e {
				c.Pairs++
				if cd, dd := s.edge(f); crossesOrOverlaps(a, b, cd, dd) && found(e, f) {
					return done()
				}
			}
		}
		return done()
	}

	g := s.grid()
	// stamp[f] == e+1 once f has been tested against e, so a pair sharing
	// several cells is tested once.
	stamp := make([]int32, s.n)
	for e := range s.n {
		a, b := s.edge(e)
		stop := false
		g.cells(a, b, func(key uint64) bool {
			slot := g.table.find(key)
			head := g.table.head[slot]
			for i := head; i >= 0; i = g.next[i] {
				f := g.edge[i]
				if stamp[f] == int32(e+1) {
					continue
				}
				stamp[f] = int32(e + 1)
				if c.Pairs >= work {
					c.Exhausted, stop = true, true
					return false
				}
				c.Pairs++
				if cd, dd := s.edge(int(f)); crossesOrOverlaps(a, b, cd, dd) && found(e, int(f)) {
					stop = true
					return false
				}
			}
			g.edge = append(g.edge, int32(e))
			g.next = append(g.next, head)
			g.table.set(slot, key, int32(len(g.edge)-1))
			return true
		})
		if stop {
			break
		}
	}
	return done()
}

// crossesOrOverlaps reports whether segments ab and cd cross at a point inside
// both or overlap along a stretch; segments that only touch at an end of one do
// not (exact on float64: a point on a line has Orient 0).
func crossesOrOverlaps(a, b, c, d orb.Point) bool {
	o1, o2 := Orient(a, b, c), Orient(a, b, d)
	if o1 != 0 || o2 != 0 {
		return opposite(o1, o2) && opposite(Orient(c, d, a), Orient(c, d, b))
	}
	// All four on one line: an overlap of positive length along the axis ab
	// runs most along.
	k := 0
	if math.Abs(b[1]-a[1]) > math.Abs(b[0]-a[0]) {
		k = 1
	}
	lo := max(min(a[k], b[k]), min(c[k], d[k]))
	hi := min(max(a[k], b[k]), max(c[k], d[k]))
	return hi > lo
}

// edgeSet numbers the edges of a polygon's rings in order: ring 0's first,
// then ring 1's, and so on.
type edgeSet struct {
	p     orb.Polygon
	start []int // start[i] is the number of ring i's first edge
	// of[e] is the ring of edge e when there is more than one.
	of []int32
	n  int
}

func newEdgeSet(p orb.Polygon) *edgeSet {
	s := &edgeSet{p: p, start: make([]int, len(p))}
	for i, r := range p {
		s.start[i] = s.n
		if len(r) > 1 {
			s.n += len(r) - 1
		}
	}
	if len(p) > 1 {
		s.of = make([]int32, 0, s.n)
		for i, r := range p {
			for range max(0, len(r)-1) {
				s.of = append(s.of, int32(i))
			}
		}
	}
	return s
}

// ring returns the ring of edge e.
func (s *edgeSet) ring(e int) int {
	if s.of == nil {
		return 0
	}
	return int(s.of[e])
}

func (s *edgeSet) edge(e int) (orb.Point, orb.Point) {
	k := s.ring(e)
	i := e - s.start[k]
	return s.p[k][i], s.p[k][i+1]
}

// edgeGrid is a hash grid of square cells over the edges' bound: table maps a
// cell to its last entry, and entry i holds edge[i] and the entry before it in
// the same cell (next[i], -1 at the first).
type edgeGrid struct {
	min        orb.Point
	size, slop float64
	table      cellTable
	edge, next []int32
}

// cellTable maps a cell's key to its last entry: open addressing with linear
// probing, a table a power of two in size at most half full. A Go map did the
// same at four times the cost, most of SelfCrossings' time on small rings.
type cellTable struct {
	key   []uint64
	head  []int32 // -1: the slot is free
	used  int
	shift uint
}

func newCellTable(n int) cellTable {
	size, shift := 16, uint(64-4)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	t := cellTable{key: make([]uint64, size), head: make([]int32, size), shift: shift}
	for i := range t.head {
		t.head[i] = -1
	}
	return t
}

// find returns the slot of key, or the free slot where it goes.
func (t *cellTable) find(key uint64) int {
	mask := len(t.key) - 1
	i := int((key * 0x9E3779B97F4A7C15) >> t.shift)
	for t.head[i] >= 0 && t.key[i] != key {
		i = (i + 1) & mask
	}
	return i
}

// set makes head the last entry of key's cell, in slot (from find).
func (t *cellTable) set(slot int, key uint64, head int32) {
	if t.head[slot] < 0 {
		t.used++
		t.key[slot] = key
		t.head[slot] = head
		if 2*t.used > len(t.key) {
			t.grow()
		}
		return
	}
	t.head[slot] = head
}

func (t *cellTable) grow() {
	old := *t
	*t = newCellTable(len(old.key))
	for i, h := range old.head {
		if h >= 0 {
			s := t.find(old.key[i])
			t.key[s], t.head[s] = old.key[i], h
			t.used++
		}
	}
}

// grid makes an empty grid for s's edges. Its cells are twice the median
// edge's L1 length (of a sample), so that a finely drawn curve beside a few
// long edges still has a few edges a cell, but at least 1/8 of their mean: an
// edge of L1 length l is entered in at most l/size + 3 cells, so n edges make
// at most 11n entries. A ring's L1 length is at least twice its bound's width
// plus height, so the bound spans at most 8n cells a side.
func (s *edgeSet) grid() *edgeGrid {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	var l1 float64
	for _, r := range s.p {
		for i, q := range r {
			b.Min = orb.Point{min(b.Min[0], q[0]), min(b.Min[1], q[1])}
			b.Max = orb.Point{max(b.Max[0], q[0]), max(b.Max[1], q[1])}
			if i > 0 {
				l1 += math.Abs(q[0]-r[i-1][0]) + math.Abs(q[1]-r[i-1][1])
			}
		}
	}
	sample := make([]float64, 0, 1025)
	for e := 0; e < s.n; e += max(1, s.n/1024) {
		a, b := s.edge(e)
		sample = append(sample, math.Abs(b[0]-a[0])+math.Abs(b[1]-a[1]))
	}
	slices.Sort(sample)
	size := max(2*sample[len(sample)/2], l1/float64(8*s.n))
	if !(size > 0) || math.IsInf(size, 0) {
		size = 1
	}
	entries := int(min(l1/size+1.5*float64(s.n), 11*float64(s.n)))
	mag := max(math.Abs(b.Min[0]), math.Abs(b.Min[1]), math.Abs(b.Max[0]), math.Abs(b.Max[1]))
	return &edgeGrid{
		min: b.Min, size: size,
		// An edge is entered in the cells within slop of it as well, so that
		// two edges meeting on a cell's side, rounded to either cell, still
		// share one: slop is well above the rounding of the interpolation in
		// cells (a few ulps of the coordinates) and a sliver of a cell.
		slop:  size*1e-6 + mag*1e-12,
		table: newCellTable(entries),
		edge:  make([]int32, 0, entries),
		next:  make([]int32, 0, entries),
	}
}

// cells calls f with each cell edge ab passes through or comes within slop of,
// column by column, until f returns false.
func (g *edgeGrid) cells(a, b orb.Point, f func(key uint64) bool) {
	if a[0] > b[0] {
		a, b = b, a
	}
	col := func(x float64) int64 { return int64(math.Floor((x - g.min[0]) / g.size)) }
	row := func(y float64) int64 { return int64(math.Floor((y - g.min[1]) / g.size)) }
	dx := b[0] - a[0]
	for i, last := col(a[0]-g.slop), col(b[0]+g.slop); i <= last; i++ {
		// The stretch of ab within column i (all of it when ab is vertical).
		y0, y1 := a[1], b[1]
		if dx > 0 {
			x0 := max(a[0], g.min[0]+float64(i)*g.size)
			x1 := min(b[0], g.min[0]+float64(i+1)*g.size)
			y0 = a[1] + (b[1]-a[1])*((x0-a[0])/dx)
			y1 = a[1] + (b[1]-a[1])*((x1-a[0])/dx)
		}
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		for j, top := row(y0-g.slop), row(y1+g.slop); j <= top; j++ {
			if !f(uint64(uint32(i))<<32 | uint64(uint32(j))) {
				return
			}
		}
	}
}
