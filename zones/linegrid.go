package zones

// lineGrid lists the pieces the point grid does not (lines, and polygons
// without a cell grid) by cell, for near's small boxes: each piece in every
// cell its box meets, the cells twice the point grid's each way. A box's
// lookup then reads the lists of the cells it covers, whose length follows the
// pieces around it, not their number in the dataset.
//
// Why: near took these pieces from an R-tree of their own, whose walk grew a
// level deeper with the dataset. `perf` of the 100k squares served at 1× and
// at 32× (the Shaanxi layers replicated, their rivers with them), the same
// requests to both: the tree's search 197 → 590 samples, a third of what the
// 32× cost more.
//
// A piece whose box would take more than maxLineCells cells (a long straight
// line of two vertices, across a province) stays in the R-tree (Index.lines).
type lineGrid struct {
	nx, ny int // cells each way: the point grid's halved, rounded up
	// The pieces of cell i are items[start[i]:start[i+1]], their positions in
	// Index.pieces, in that order.
	start []uint32
	items []uint32
}

// maxLineCells bounds the cells of one piece's box in the line grid.
const maxLineCells = 256

// lineCell is the line grid's cell of the point grid's cell (x, y).
func lineCell(x, y int) (int, int) { return x / 2, y / 2 }

// newLineGrid lists the pieces of ps without a cell grid in the cells of g
// (halved) that their boxes meet; wide reports those left to the R-tree.
// Empty when g is: near then searches the R-tree of all pieces.
func newLineGrid(g *pointGrid, ps []piece, wide func(i int)) lineGrid {
	if g.start == nil {
		return lineGrid{}
	}
	lg := lineGrid{nx: (g.nx + 1) / 2, ny: (g.ny + 1) / 2}
	type span struct{ i, x0, y0, x1, y1 int }
	var spans []span
	counts := make([]uint32, lg.nx*lg.ny+1)
	for i := range ps {
		if ps[i].cells != nil {
			continue
		}
		x0, y0 := lineCell(g.cell(ps[i].bound.Min))
		x1, y1 := lineCell(g.cell(ps[i].bound.Max))
		if (x1-x0+1)*(y1-y0+1) > maxLineCells {
			wide(i)
			continue
		}
		spans = append(spans, span{i, x0, y0, x1, y1})
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				counts[y*lg.nx+x+1]++
			}
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	lg.start = counts
	lg.items = make([]uint32, counts[len(counts)-1])
	fill := append([]uint32(nil), counts[:len(counts)-1]...)
	for _, sp := range spans {
		for y := sp.y0; y <= sp.y1; y++ {
			for x := sp.x0; x <= sp.x1; x++ {
				c := y*lg.nx + x
				lg.items[fill[c]] = uint32(sp.i)
				fill[c]++
			}
		}
	}
	return lg
}
