package zones

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// cellGrid answers "does this polygonal piece cover the point" mostly by lookup:
// the piece's bbox is cut into a grid, and each cell is marked inside, outside or
// boundary at load time. Only points in boundary cells (those some edge's bbox
// meets) take the exact test. Boundary points are covered, as zones cover their
// boundary.
type cellGrid struct {
	polys  orb.MultiPolygon
	bound  orb.Bound
	nx, ny int
	sx, sy float64 // cells per degree
	cells  []uint8
	edges  [][2]orb.Point
	// The edges whose box meets cell i are edgeIdx[cellStart[i]:cellStart[i+1]].
	cellStart []uint32
	edgeIdx   []uint16
}

const (
	cellOutside uint8 = iota
	cellInside
	cellBoundary
)

func newCellGrid(g orb.Geometry) *cellGrid {
	var polys orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return nil
	}
	cg := &cellGrid{polys: polys, bound: g.Bound()}
	for _, p := range polys {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				if r[i] != r[i+1] {
					cg.edges = append(cg.edges, [2]orb.Point{r[i], r[i+1]})
				}
			}
		}
	}
	// About sixteen cells per edge, at least 16×16 (so boxes well inside a simple
	// shape classify), at most 64×64.
	n := int(math.Ceil(4 * math.Sqrt(float64(len(cg.edges)))))
	n = max(16, min(64, n))
	w, h := cg.bound.Max[0]-cg.bound.Min[0], cg.bound.Max[1]-cg.bound.Min[1]
	if w <= 0 || h <= 0 {
		cg.nx, cg.ny = 1, 1
		cg.cells = []uint8{cellBoundary}
		return cg
	}
	cg.nx, cg.ny = n, n
	cg.sx, cg.sy = float64(n)/w, float64(n)/h
	cg.cells = make([]uint8, n*n)
	// An edge within rounding of a cell line marks the cells on both sides.
	ex, ey := 1e-9*w, 1e-9*h
	counts := make([]uint32, n*n+1)
	index := len(cg.edges) <= math.MaxUint16
	span := func(e [2]orb.Point) (int, int, int, int) {
		x0, y0 := cg.cell(orb.Point{math.Min(e[0][0], e[1][0]) - ex, math.Min(e[0][1], e[1][1]) - ey})
		x1, y1 := cg.cell(orb.Point{math.Max(e[0][0], e[1][0]) + ex, math.Max(e[0][1], e[1][1]) + ey})
		return x0, y0, x1, y1
	}
	for _, e := range cg.edges {
		x0, y0, x1, y1 := span(e)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cg.cells[y*n+x] = cellBoundary
				counts[y*n+x+1]++
			}
		}
	}
	if index {
		for i := 1; i < len(counts); i++ {
			counts[i] += counts[i-1]
		}
		cg.cellStart = counts
		cg.edgeIdx = make([]uint16, counts[n*n])
		fill := append([]uint32(nil), counts[:n*n]...)
		for ei, e := range cg.edges {
			x0, y0, x1, y1 := span(e)
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					cg.edgeIdx[fill[y*n+x]] = uint16(ei)
					fill[y*n+x]++
				}
			}
		}
	}
	cg.classifyRows()
	return cg
}

// classifyRows marks the cells that no edge meets as inside or outside, a row at
// a time: the edges crossing the row's centre line are found from the row's cells,
// and the crossings to the right of each cell centre counted (the even-odd rule of
// exact, with the same half-open test). Without an edge index, each centre takes
// the exact test.
func (cg *cellGrid) classifyRows() {
	n := cg.nx
	if cg.cellStart == nil {
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				if cg.cells[y*n+x] != cellBoundary {
					c := orb.Point{cg.bound.Min[0] + (float64(x)+0.5)/cg.sx, cg.bound.Min[1] + (float64(y)+0.5)/cg.sy}
					if cg.exact(c) {
						cg.cells[y*n+x] = cellInside
					}
				}
			}
		}
		return
	}
	seen := make([]int, len(cg.edges)) // row+1 when the edge was taken for the row
	var xs []float64
	for y := 0; y < n; y++ {
		yc := cg.bound.Min[1] + (float64(y)+0.5)/cg.sy
		xs = xs[:0]
		for _, ei := range cg.edgeIdx[cg.cellStart[y*n]:cg.cellStart[y*n+n]] {
			if seen[ei] == y+1 {
				continue
			}
			seen[ei] = y + 1
			e := cg.edges[ei]
			ax, ay, bx, by := e[0][0], e[0][1], e[1][0], e[1][1]
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
			if cg.cells[y*n+x] != cellBoundary && (len(xs)-k)%2 == 1 {
				cg.cells[y*n+x] = cellInside
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
	switch cg.cells[y*cg.nx+x] {
	case cellInside:
		return true
	case cellOutside:
		return false
	}
	if cg.cellStart == nil {
		return cg.exact(p)
	}
	return cg.exactIndexed(p, x, y)
}

// exactIndexed is exact for a point in cell (x, y), from the edge index: the point
// is on an edge only if that edge meets its cell, and the edges crossing the ray
// to its right meet the cells of its row to its right. Each crossing is counted
// in the one cell where it falls, so an edge listed in several cells counts once.
func (cg *cellGrid) exactIndexed(p orb.Point, x, y int) bool {
	px, py := p[0], p[1]
	row := y * cg.nx
	for _, ei := range cg.edgeIdx[cg.cellStart[row+x]:cg.cellStart[row+x+1]] {
		if e := cg.edges[ei]; planar.OnSegment(p, e[0], e[1]) {
			return true
		}
	}
	in := false
	for cx := x; cx < cg.nx; cx++ {
		for _, ei := range cg.edgeIdx[cg.cellStart[row+cx]:cg.cellStart[row+cx+1]] {
			e := cg.edges[ei]
			ax, ay, bx, by := e[0][0], e[0][1], e[1][0], e[1][1]
			if (ay > py) == (by > py) {
				continue
			}
			xc := (bx-ax)*(py-ay)/(by-ay) + ax
			if px < xc {
				if c, _ := cg.cell(orb.Point{xc, py}); c == cx {
					in = !in
				}
			}
		}
	}
	return in
}

// exact is planar's location in the piece, boundary covered. The pieces are
// valid, so their polygons meet at points at most.
func (cg *cellGrid) exact(p orb.Point) bool {
	return planar.MultiPolygonLocate(cg.polys, p) != planar.Outside
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
	first := cg.cells[y0*cg.nx+x0]
	if first != cellBoundary && cg.all(x0, y0, x1, y1, first) {
		return first
	}
	return cellBoundary
}

func (cg *cellGrid) all(x0, y0, x1, y1 int, want uint8) bool {
	for y := y0; y <= y1; y++ {
		for _, c := range cg.cells[y*cg.nx+x0 : y*cg.nx+x1+1] {
			if c != want {
				return false
			}
		}
	}
	return true
}

// relateLimit bounds the footprints relate tests in Go (edges × nearby edges).
const relateLimit = 64

// relate places a small polygon (its bound b) relative to the piece, exactly:
// cellInside when it lies in the piece with the boundaries apart, cellOutside when
// they are apart and it lies outside, cellBoundary when the boundaries meet (cross
// or touch) or the polygon is too large to test here — then GEOS decides.
func (cg *cellGrid) relate(fp orb.Polygon, b orb.Bound) uint8 {
	c := cg.classify(b)
	if c != cellBoundary || len(fp) == 0 || len(fp[0]) > relateLimit || len(fp) > 4 {
		return c
	}
	// Vertices on both sides: the boundaries cross (the common case near an edge),
	// found without scanning edges.
	in := cg.covers(fp[0][0])
	for _, v := range fp[0][1:] {
		if cg.covers(v) != in {
			return cellBoundary
		}
	}
	near := cg.edgesNear(b)
	for _, e := range near {
		if math.Max(e[0][0], e[1][0]) < b.Min[0] || math.Min(e[0][0], e[1][0]) > b.Max[0] ||
			math.Max(e[0][1], e[1][1]) < b.Min[1] || math.Min(e[0][1], e[1][1]) > b.Max[1] {
			continue
		}
		for _, r := range fp {
			for i := 0; i+1 < len(r); i++ {
				if planar.SegmentsMeet(e[0], e[1], r[i], r[i+1]) {
					return cellBoundary
				}
			}
		}
	}
	// The boundaries are apart, so each lies wholly inside or outside the other.
	// A piece vertex inside the polygon means part of the piece (or a hole of it)
	// is inside it: a partial overlap for GEOS. Every vertex in b starts an edge
	// listed in b's cells.
	for _, e := range near {
		if b.Contains(e[0]) && planar.PolygonLocate(fp, e[0]) != planar.Outside {
			return cellBoundary
		}
	}
	if in {
		return cellInside
	}
	return cellOutside
}

// edgesNear returns the edges whose box meets a cell that b meets (some more than
// once), or all edges when the grid keeps no index.
func (cg *cellGrid) edgesNear(b orb.Bound) [][2]orb.Point {
	if cg.cellStart == nil {
		return cg.edges
	}
	x0, y0 := cg.cell(b.Min)
	x1, y1 := cg.cell(b.Max)
	var out [][2]orb.Point
	for y := y0; y <= y1; y++ {
		for _, ei := range cg.edgeIdx[cg.cellStart[y*cg.nx+x0]:cg.cellStart[y*cg.nx+x1+1]] {
			out = append(out, cg.edges[ei])
		}
	}
	return out
}
