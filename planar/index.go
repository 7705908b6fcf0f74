package planar

import (
	"math"

	"github.com/paulmach/orb"
)

// candidates finds the rings (of a chosen set) whose boxes may contain a given
// box. With few rings it lists them all; with many it files their boxes in a grid,
// so that 10⁵ small disjoint rings cost 10⁵ lookups rather than 10¹⁰ comparisons.
type candidates struct {
	members []int
	grid    [][]int // nil: scan members
	bound   orb.Bound
	nx, ny  int
	cw, ch  float64
}

// gridFrom is the number of members from which a grid is built.
const gridFrom = 64

func newCandidates(info []ringInfo, member func(i int) bool, indexed bool) *candidates {
	c := &candidates{}
	for i := range info {
		if member(i) {
			c.members = append(c.members, i)
		}
	}
	if !indexed || len(c.members) < gridFrom {
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
			return c // boxes overlapping everywhere: a grid would not help
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

// containing lists, in ascending order, members whose boxes may contain b: a box
// holding b holds its minimum corner, so it is filed in that corner's cell
// (ringInside checks the boxes exactly).
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

// ringIndex answers RingLocate against a large ring without walking all its
// edges: edges are filed in horizontal bands, and a query looks only at the band
// of its y. A shell with a thousand holes and 10⁵ vertices would otherwise cost
// 10⁸ edge tests.
type ringIndex struct {
	ring       orb.Ring
	minY, maxY float64
	step       float64
	bands      [][]int32 // per band, the indexes i of edges ring[i]→ring[i+1]
}

// indexMinVertices is the ring size from which an index pays for itself.
const indexMinVertices = 256

// newRingIndex files r's edges in bands; nil when r is small or its edges span so
// many bands that the index would not be much smaller than r times the band count
// (then the plain scan is used). r must be closed: the index knows no edge from
// its last vertex to its first.
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
		// A point within the boundary tolerance of an edge must find it in its
		// band; twice the ends' tolerance covers a point's own, a hair larger.
		tol := 2 * max(Tolerance(r[i]), Tolerance(r[i+1]))
		lo, hi := ix.band(math.Min(r[i][1], r[i+1][1])-tol), ix.band(math.Max(r[i][1], r[i+1][1])+tol)
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

// locate is RingLocate through the index.
func (ix *ringIndex) locate(p orb.Point) Location {
	if tol := Tolerance(p); !(p[1] >= ix.minY-tol && p[1] <= ix.maxY+tol) {
		return Outside
	}
	return location(scan(ix.ring, ix.bands[ix.band(p[1])], p))
}
