package zones

import (
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// cellGrid answers "does this polygonal piece cover the point" mostly by lookup:
// the piece's bbox is cut into a grid, and each cell is marked inside, outside or
// boundary at load time. Only points in boundary cells (those some edge's bbox
// meets) take the exact test. Boundary points are covered, as zones cover their
// boundary.
//
// The grid is compact (about 20 bytes a piece vertex, against 120 as plain
// arrays): two bits a cell, 32 cells a word; the edges of the boundary cells
// only, listed by the index of their first vertex in the piece's shape (never
// copied), and found through the rank of the boundary cell among the boundary
// cells (a count per word plus a popcount). Its slices are windows on the
// index's shared arrays, like the shape's.
type cellGrid struct {
	s      *shape    // the piece's, shared
	xy     []float64 // s.xy, read by the exact test without a trip to the piece
	bound  orb.Bound
	nx, ny int
	sx, sy float64 // cells per degree
	words  []uint64
	// rank[w] counts the boundary cells in words before w.
	rank []uint16
	// The edges meeting the k-th boundary cell are edges[start[k]:start[k+1]]; nil
	// when the piece is too large for 16-bit offsets (then every edge is scanned).
	start []uint16
	edges []uint16
	// closed: every ring of the shape ends where it starts (see exactIndexed).
	closed bool
}

const (
	cellOutside uint8 = iota
	cellInside
	cellBoundary
)

// lowBits has the low bit of every 2-bit cell set.
const lowBits = 0x5555555555555555

// newCellGrid makes the grid of a polygon or multipolygon (nil for other
// geometries) on a shape of its own.
func newCellGrid(g orb.Geometry) *cellGrid {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
	default:
		return nil
	}
	s := shapeOf(g)
	return buildGrid(&s, g.Bound())
}

// buildGrid makes the grid of the polygonal shape s, whose bound is b.
func buildGrid(s *shape, b orb.Bound) *cellGrid {
	cg := &cellGrid{s: s, xy: s.xy, bound: b, closed: s.closed()}
	var edges []int
	s.forEdges(func(i int) bool { edges = append(edges, i); return true })
	// About sixteen cells per edge, at least 16×16 (so boxes well inside a simple
	// shape classify), at most 64×64.
	n := int(math.Ceil(4 * math.Sqrt(float64(len(edges)))))
	n = max(16, min(64, n))
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if w <= 0 || h <= 0 {
		cg.nx, cg.ny = 1, 1
		cg.pack([]uint8{cellBoundary}, nil, nil)
		return cg
	}
	cg.nx, cg.ny = n, n
	cg.sx, cg.sy = float64(n)/w, float64(n)/h
	cells := make([]uint8, n*n)
	// An edge within rounding of a cell line marks the cells on both sides.
	ex, ey := 1e-9*w, 1e-9*h
	counts := make([]uint32, n*n+1)
	index := s.numVertices() <= math.MaxUint16
	span := func(i int) (int, int, int, int) {
		ax, ay, bx, by := s.edge(i)
		x0, y0 := cg.cell(orb.Point{math.Min(ax, bx) - ex, math.Min(ay, by) - ey})
		x1, y1 := cg.cell(orb.Point{math.Max(ax, bx) + ex, math.Max(ay, by) + ey})
		return x0, y0, x1, y1
	}
	for _, e := range edges {
		x0, y0, x1, y1 := span(e)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cells[y*n+x] = cellBoundary
				counts[y*n+x+1]++
			}
		}
	}
	var cellStart []uint32
	var edgeIdx []uint16
	if index {
		for i := 1; i < len(counts); i++ {
			counts[i] += counts[i-1]
		}
		index = counts[n*n] <= math.MaxUint16
	}
	if index {
		cellStart = counts
		edgeIdx = make([]uint16, counts[n*n])
		fill := append([]uint32(nil), counts[:n*n]...)
		for _, e := range edges {
			x0, y0, x1, y1 := span(e)
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					edgeIdx[fill[y*n+x]] = uint16(e)
					fill[y*n+x]++
				}
			}
		}
	}
	cg.classifyRows(cells, cellStart, edgeIdx)
	cg.pack(cells, cellStart, edgeIdx)
	return cg
}

// pack stores the classified cells two bits each with their ranks, and the edge
// lists of the boundary cells only.
func (cg *cellGrid) pack(cells []uint8, cellStart []uint32, edgeIdx []uint16) {
	cg.words = make([]uint64, (len(cells)+31)/32)
	cg.rank = make([]uint16, len(cg.words))
	nb := 0
	for i, c := range cells {
		if i%32 == 0 {
			cg.rank[i/32] = uint16(nb)
		}
		cg.words[i/32] |= uint64(c) << (2 * (i % 32))
		if c == cellBoundary {
			nb++
		}
	}
	if cellStart == nil {
		return
	}
	cg.start = make([]uint16, 0, nb+1)
	for i, c := range cells {
		if c == cellBoundary {
			cg.start = append(cg.start, uint16(len(cg.edges)))
			cg.edges = append(cg.edges, edgeIdx[cellStart[i]:cellStart[i+1]]...)
		}
	}
	cg.start = append(cg.start, uint16(len(cg.edges)))
}

// at is cell i's mark.
func (cg *cellGrid) at(i int) uint8 { return uint8(cg.words[i>>5]>>(2*(i&31))) & 3 }

// numCells is the number of cells of the grid.
func (cg *cellGrid) numCells() int { return cg.nx * cg.ny }

// rankOf counts the boundary cells before cell i (i may be the number of cells).
func (cg *cellGrid) rankOf(i int) int {
	w := i >> 5
	if w == len(cg.words) {
		return len(cg.start) - 1
	}
	v := cg.words[w]
	boundary := (v >> 1) &^ v & lowBits // the low bit of each cell marked 10
	return int(cg.rank[w]) + bits.OnesCount64(boundary&(1<<(2*(i&31))-1))
}

// cellEdges returns the edges listed for the boundary cells among cells [i, j).
func (cg *cellGrid) cellEdges(i, j int) []uint16 {
	return cg.edges[cg.start[cg.rankOf(i)]:cg.start[cg.rankOf(j)]]
}

// classifyRows marks the cells that no edge meets as inside or outside, a row at
// a time: the edges crossing the row's centre line are found from the row's cells,
// and the crossings to the right of each cell centre counted (the even-odd rule of
// exact, with the same half-open test). Without an edge index, each centre takes
// the exact test.
func (cg *cellGrid) classifyRows(cells []uint8, cellStart []uint32, edgeIdx []uint16) {
	n := cg.nx
	if cellStart == nil {
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if cells[y*n+x] != cellBoundary {
					c := orb.Point{cg.bound.Min[0] + (float64(x)+0.5)/cg.sx, cg.bound.Min[1] + (float64(y)+0.5)/cg.sy}
					if cg.exact(c) {
						cells[y*n+x] = cellInside
					}
				}
			}
		}
		return
	}
	seen := make([]int, cg.s.numVertices()) // row+1 when the edge was taken for the row
	var xs []float64
	for y := 0; y < n; y++ {
		yc := cg.bound.Min[1] + (float64(y)+0.5)/cg.sy
		xs = xs[:0]
		for _, ei := range edgeIdx[cellStart[y*n]:cellStart[y*n+n]] {
			if seen[ei] == y+1 {
				continue
			}
			seen[ei] = y + 1
			ax, ay, bx, by := cg.s.edge(int(ei))
			if (ay > yc) != (by > yc) {
				xs = append(xs, (bx-ax)*(yc-ay)/(by-ay)+ax)
			}
		}
		slices.Sort(xs)
		k := 0 // crossings left of (or at) the current centre
		for x := 0; x < n; x++ {
			xc := cg.bound.Min[0] + (float64(x)+0.5)/cg.sx
			for k < len(xs) && xs[k] <= xc {
				k++
			}
			if cells[y*n+x] != cellBoundary && (len(xs)-k)%2 == 1 {
				cells[y*n+x] = cellInside
			}
		}
	}
}

func (cg *cellGrid) cell(p orb.Point) (int, int) {
	x := int((p[0] - cg.bound.Min[0]) * cg.sx)
	y := int((p[1] - cg.bound.Min[1]) * cg.sy)
	return max(0, min(cg.nx-1, x)), max(0, min(cg.ny-1, y))
}

// covers reports whether the piece covers p (its boundary included).
func (cg *cellGrid) covers(p orb.Point) bool {
	if p[0] < cg.bound.Min[0] || p[0] > cg.bound.Max[0] || p[1] < cg.bound.Min[1] || p[1] > cg.bound.Max[1] {
		return false
	}
	x, y := cg.cell(p)
	switch cg.at(y*cg.nx + x) {
	case cellInside:
		return true
	case cellOutside:
		return false
	}
	if cg.start == nil {
		return cg.exact(p)
	}
	return cg.exactIndexed(p, x, y)
}

// exactIndexed is exact for a point in cell (x, y), from the edge index: the point
// is on an edge only if that edge meets its cell, and the edges crossing the ray
// to its right meet the cells of its row to its right. Each crossing is counted
// in the one cell where it falls, so an edge listed in several cells counts once.
//
// When the rings are closed, the ray goes to whichever side lists fewer edges:
// every ring crosses the point's row line an even number of times (the
// half-open rule counts sign changes of y - py around the ring), so the
// crossings at or left of the point have the parity of those right of it, and
// the answer is the same bit for bit.
func (cg *cellGrid) exactIndexed(p orb.Point, x, y int) bool {
	lo, hi, right, own, past, k := cg.ray(x, y)
	return cg.exactRay(p, x, y, lo, hi, right, own, past, k)
}

// exactRay is exactIndexed with the ray of cell (x, y), as ray finds it.
func (cg *cellGrid) exactRay(p orb.Point, x, y, lo, hi int, right bool, own, past, k int) bool {
	px, py := p[0], p[1]
	xy := cg.xy
	row := y * cg.nx
	// The point's own cell first, in one pass: the boundary test on each of its
	// edges, and the crossings of the ray that fall in it (its edges are then in
	// cache for the rest of the ray, which skips this cell).
	in := false
	tol := planar.Tolerance(p)
	for _, ei := range cg.edges[cg.start[own]:cg.start[past]] {
		j := 2 * int(ei)
		e := xy[j : j+4 : j+4]
		ax, ay, bx, by := e[0], e[1], e[2], e[3]
		// OnSegment's own box test first, inline: most edges of the cell pass
		// wide of the point.
		if !(ay < py-tol && by < py-tol || ay > py+tol && by > py+tol || ax < px-tol && bx < px-tol || ax > px+tol && bx > px+tol) &&
			planar.OnSegment(p, orb.Point{ax, ay}, orb.Point{bx, by}) {
			return true
		}
		if (ay > py) == (by > py) {
			continue
		}
		xc := (bx-ax)*(py-ay)/(by-ay) + ax
		if (px < xc) == right && cg.column(xc) == x {
			in = !in
		}
	}
	// The other boundary cells of the ray, a word of cells at a time.
	for i := lo; i < hi; i = (i | 31) + 1 {
		w := i >> 5
		v := cg.words[w]
		b := (v >> 1) &^ v & lowBits &^ (1<<(2*(i&31)) - 1)
		if hi>>5 == w {
			b &= 1<<(2*(hi&31)) - 1
		}
		for ; b != 0; b &= b - 1 {
			cx := w<<5 + bits.TrailingZeros64(b)/2 - row
			if cx == x {
				k++
				continue
			}
			for _, ei := range cg.edges[cg.start[k]:cg.start[k+1]] {
				j := 2 * int(ei)
				e := xy[j : j+4 : j+4]
				ay, by := e[1], e[3]
				if (ay > py) == (by > py) {
					continue
				}
				ax, bx := e[0], e[2]
				xc := (bx-ax)*(py-ay)/(by-ay) + ax
				if (px < xc) == right && cg.column(xc) == cx {
					in = !in
				}
			}
			k++
		}
	}
	return in
}

// ray is the part of row y that exactIndexed walks for a point in cell (x, y):
// cells [lo, hi), the point's own included, to its right or (right false)
// to its left; own and past are the ranks of the point's cell and the next,
// and k the rank of the first boundary cell of the walk.
func (cg *cellGrid) ray(x, y int) (lo, hi int, right bool, own, past, k int) {
	row := y * cg.nx
	lo, hi, right = row+x, row+cg.nx, true
	own, past = cg.rankOf(row+x), cg.rankOf(row+x+1)
	k = own
	if cg.closed {
		first := cg.rankOf(row)
		if cg.start[past]-cg.start[first] < cg.start[cg.rankOf(hi)]-cg.start[own] {
			lo, hi, right, k = row, row+x+1, false, first
		}
	}
	return lo, hi, right, own, past, k
}

// column is the (clamped) column of the cells that x falls in, as cell has it.
func (cg *cellGrid) column(x float64) int {
	return max(0, min(cg.nx-1, int((x-cg.bound.Min[0])*cg.sx)))
}

// exact is the location of p in the piece, boundary covered, over every edge:
// on an edge, or an odd number of crossings of the ray to its right (the pieces
// are valid, so the even-odd rule over all rings is their union's).
func (cg *cellGrid) exact(p orb.Point) bool {
	px, py := p[0], p[1]
	in, on := false, false
	cg.s.forEdges(func(i int) bool {
		ax, ay, bx, by := cg.s.edge(i)
		if planar.OnSegment(p, orb.Point{ax, ay}, orb.Point{bx, by}) {
			on = true
			return false
		}
		if (ay > py) != (by > py) && px < (bx-ax)*(py-ay)/(by-ay)+ax {
			in = !in
		}
		return true
	})
	return on || in
}

// classify says where the box b lies relative to the piece: cellInside when every
// cell it meets is inside (so anything in b is covered by the piece), cellOutside
// when b misses the piece's box or every cell it meets is outside (so nothing in b
// touches the piece), cellBoundary otherwise.
func (cg *cellGrid) classify(b orb.Bound) uint8 {
	if b.Max[0] < cg.bound.Min[0] || b.Min[0] > cg.bound.Max[0] || b.Max[1] < cg.bound.Min[1] || b.Min[1] > cg.bound.Max[1] {
		return cellOutside
	}
	if b.Min[0] < cg.bound.Min[0] || b.Max[0] > cg.bound.Max[0] || b.Min[1] < cg.bound.Min[1] || b.Max[1] > cg.bound.Max[1] {
		// Partly outside the piece's box: it cannot be wholly inside.
		if cg.sx == 0 {
			return cellBoundary
		}
		x0, y0 := cg.cell(b.Min)
		x1, y1 := cg.cell(b.Max)
		if cg.all(x0, y0, x1, y1, cellOutside) {
			return cellOutside
		}
		return cellBoundary
	}
	x0, y0 := cg.cell(b.Min)
	x1, y1 := cg.cell(b.Max)
	first := cg.at(y0*cg.nx + x0)
	if first != cellBoundary && cg.all(x0, y0, x1, y1, first) {
		return first
	}
	return cellBoundary
}

// settle says where the box b lies relative to the piece, from its edges
// rather than its cells: cellBoundary when the box of an edge comes within
// twice the boundary tolerance (planar.Tolerance) of b, else the piece's answer
// at b's centre, which is its answer at every point of b: no edge is near, so
// every point of b is on the same side of the boundary and none on it, and an
// edge beyond the margin gives the ray of the even-odd test the same crossing,
// or none, from every point of b, rounding included.
func (cg *cellGrid) settle(b orb.Bound) uint8 {
	m := 2 * planar.Tolerance(orb.Point{math.Max(math.Abs(b.Min[0]), math.Abs(b.Max[0])), math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))})
	b.Min[0], b.Min[1], b.Max[0], b.Max[1] = b.Min[0]-m, b.Min[1]-m, b.Max[0]+m, b.Max[1]+m
	near := false
	cg.edgesNear(b, func(i int) bool {
		ax, ay, bx, by := cg.s.edge(i)
		near = !(math.Max(ax, bx) < b.Min[0] || math.Min(ax, bx) > b.Max[0] || math.Max(ay, by) < b.Min[1] || math.Min(ay, by) > b.Max[1])
		return !near
	})
	switch {
	case near:
		return cellBoundary
	case cg.covers(b.Center()):
		return cellInside
	}
	return cellOutside
}

// all reports whether every cell of columns x0..x1 and rows y0..y1 is marked
// want, comparing the cells of a row a word (up to 32 cells) at a time.
func (cg *cellGrid) all(x0, y0, x1, y1 int, want uint8) bool {
	pat := uint64(want) * lowBits
	for y := y0; y <= y1; y++ {
		for i, end := y*cg.nx+x0, y*cg.nx+x1+1; i < end; {
			n := min(end-i, 32-i&31) // cells of the row in i's word
			mask := ^uint64(0)
			if n < 32 {
				mask = (1<<(2*n) - 1) << (2 * (i & 31))
			}
			if (cg.words[i>>5]^pat)&mask != 0 {
				return false
			}
			i += n
		}
	}
	return true
}

// relateLimit bounds the footprints relate tests in Go (edges × nearby edges).
const relateLimit = 64

// relate places a small polygon (its bound b) relative to the piece, exactly:
// cellInside when it lies in the piece with the boundaries apart, cellOutside when
// they are apart and it lies outside, cellBoundary when the boundaries meet (cross
// or touch) or the polygon is too large to test here — then GEOS decides. With
// cellBoundary, straddles says the polygon has a vertex strictly inside the piece
// and one outside it: they intersect and the piece does not contain it, which is
// all GEOS's predicates would tell (the overlay is still GEOS's).
func (cg *cellGrid) relate(fp orb.Polygon, b orb.Bound) (c uint8, straddles bool) {
	c = cg.classify(b)
	if c != cellBoundary || len(fp) == 0 || len(fp[0]) > relateLimit || len(fp) > 4 {
		return c, false
	}
	// Vertices on both sides: the boundaries cross (the common case near an edge),
	// found without scanning edges.
	in := cg.covers(fp[0][0])
	for _, v := range fp[0][1:] {
		if cg.covers(v) != in {
			return cellBoundary, cg.straddles(fp[0])
		}
	}
	meets := false
	cg.edgesNear(b, func(i int) bool {
		ax, ay, bx, by := cg.s.edge(i)
		if math.Max(ax, bx) < b.Min[0] || math.Min(ax, bx) > b.Max[0] ||
			math.Max(ay, by) < b.Min[1] || math.Min(ay, by) > b.Max[1] {
			return true
		}
		e0, e1 := orb.Point{ax, ay}, orb.Point{bx, by}
		for _, r := range fp {
			for i := 0; i+1 < len(r); i++ {
				if planar.SegmentsMeet(e0, e1, r[i], r[i+1]) {
					meets = true
					return false
				}
			}
		}
		return true
	})
	if meets {
		return cellBoundary, false
	}
	// The boundaries are apart, so each lies wholly inside or outside the other.
	// A piece vertex inside the polygon means part of the piece (or a hole of it)
	// is inside it: a partial overlap for GEOS. Every vertex in b starts an edge
	// listed in b's cells.
	cg.edgesNear(b, func(i int) bool {
		v := cg.s.pt(i)
		if b.Contains(v) && planar.PolygonLocate(fp, v) != planar.Outside {
			meets = true
			return false
		}
		return true
	})
	if meets {
		return cellBoundary, false
	}
	if in {
		return cellInside, false
	}
	return cellOutside, false
}

// straddles reports whether ring r has a vertex strictly inside the piece and
// one outside it (not covered). Strictly: covered, and on no edge by the
// boundary rule (planar.OnSegment), which is covers' own test for the boundary,
// on the edges covers would look at (those listed in the vertex's cell).
func (cg *cellGrid) straddles(r orb.Ring) bool {
	inside, outside := false, false
	for _, v := range r {
		switch {
		case !cg.covers(v):
			outside = true
		case !inside:
			inside = !cg.onEdge(v)
		}
		if inside && outside {
			return true
		}
	}
	return false
}

// onEdge reports whether p, covered by the piece, lies on one of its edges by
// the boundary rule: never in an inside cell, else on an edge listed in its cell
// (every edge, without an index), as exact and exactIndexed find it.
func (cg *cellGrid) onEdge(p orb.Point) bool {
	x, y := cg.cell(p)
	if cg.at(y*cg.nx+x) == cellInside {
		return false
	}
	on := false
	cg.edgesNear(orb.Bound{Min: p, Max: p}, func(i int) bool {
		ax, ay, bx, by := cg.s.edge(i)
		on = planar.OnSegment(p, orb.Point{ax, ay}, orb.Point{bx, by})
		return !on
	})
	return on
}

// edgesNear calls f with the edges whose box meets a cell that b meets (some
// more than once), or every edge when the grid keeps no index, until f returns
// false.
func (cg *cellGrid) edgesNear(b orb.Bound, f func(i int) bool) {
	if cg.start == nil {
		cg.s.forEdges(f)
		return
	}
	x0, y0 := cg.cell(b.Min)
	x1, y1 := cg.cell(b.Max)
	for y := y0; y <= y1; y++ {
		for _, ei := range cg.cellEdges(y*cg.nx+x0, y*cg.nx+x1+1) {
			if !f(int(ei)) {
				return
			}
		}
	}
}
