package zones

import (
	"math"

	"github.com/paulmach/orb"
)

// cellGrid answers "does this polygonal piece cover the point" mostly by lookup:
// the piece's bbox is cut into a grid, and each cell is marked inside, outside or
// boundary at load time. Only points in boundary cells (those some edge's bbox
// meets) take the exact test. Boundary points are covered, as zones cover their
// boundary.
type cellGrid struct {
	bound  orb.Bound
	nx, ny int
	sx, sy float64 // cells per degree
	cells  []uint8
	edges  [][2]orb.Point
}

const (
	cellOutside uint8 = iota
	cellInside
	cellBoundary
)

func newCellGrid(g orb.Geometry) *cellGrid {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return nil
	}
	cg := &cellGrid{bound: g.Bound()}
	for _, p := range polys {
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				if r[i] != r[i+1] {
					cg.edges = append(cg.edges, [2]orb.Point{r[i], r[i+1]})
				}
			}
		}
	}
	// About four cells per edge, at least 4×4, at most 64×64.
	n := int(math.Ceil(2 * math.Sqrt(float64(len(cg.edges)))))
	n = max(4, min(64, n))
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
	for _, e := range cg.edges {
		x0, y0 := cg.cell(orb.Point{math.Min(e[0][0], e[1][0]) - ex, math.Min(e[0][1], e[1][1]) - ey})
		x1, y1 := cg.cell(orb.Point{math.Max(e[0][0], e[1][0]) + ex, math.Max(e[0][1], e[1][1]) + ey})
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cg.cells[y*n+x] = cellBoundary
			}
		}
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if cg.cells[y*n+x] == cellBoundary {
				continue
			}
			c := orb.Point{cg.bound.Min[0] + (float64(x)+0.5)/cg.sx, cg.bound.Min[1] + (float64(y)+0.5)/cg.sy}
			if cg.exact(c) {
				cg.cells[y*n+x] = cellInside
			}
		}
	}
	return cg
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
	return cg.exact(p)
}

// exact is the even-odd crossing test over every ring edge of the piece, with
// points on an edge counted in. The pieces are valid, so even-odd over all rings of
// all their polygons is containment.
func (cg *cellGrid) exact(p orb.Point) bool {
	in := false
	px, py := p[0], p[1]
	for _, e := range cg.edges {
		ax, ay, bx, by := e[0][0], e[0][1], e[1][0], e[1][1]
		// On the edge: collinear and within its box.
		if (bx-ax)*(py-ay)-(by-ay)*(px-ax) == 0 &&
			px >= math.Min(ax, bx) && px <= math.Max(ax, bx) && py >= math.Min(ay, by) && py <= math.Max(ay, by) {
			return true
		}
		if (ay > py) != (by > py) && px < (bx-ax)*(py-ay)/(by-ay)+ax {
			in = !in
		}
	}
	return in
}
