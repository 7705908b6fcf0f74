package zones

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo/crs"
)

// pointGrid finds the polygonal pieces whose box holds a point by one lookup: a
// uniform grid over the pieces' joint box, each cell listing (in index order,
// so by zone) the pieces whose box meets it. It replaces the R-tree walk and its
// callback for point queries. Cells are about the size of a typical piece, so a
// point's list is short however many zones the dataset holds elsewhere; empty
// regions cost four bytes a cell, and the number of cells is bounded by
// maxCellsPerPiece. It is built from the pieces when an index is made, and
// stored in its snapshot (built once, read at every open).
//
// Each entry also carries the answers its piece gives for the 4×4 sub-cells of
// the cell: inside, outside, or boundary (then the piece's grid decides). They
// come from the piece's own grid (classify) where it knows them, else from the
// piece's edges (settle): for a piece larger than most, the sub-cells are
// finer than its cells. A piece that misses the whole cell is not listed at
// all, and the point's sub-cell answers for the others, so that most points
// are answered from the cell's list alone; an inside answer takes the zone
// from refs, without a trip to the piece. On the Shaanxi layers a random
// point meets 3.2 entries and visits 0.49 pieces, 0.24 of them taking the
// exact test (1.15 visits and 0.34 exact tests with 2×2 sub-cells answered
// from the pieces' grids alone; 1.9 visits with answers for the whole cell
// only). The answers cost four bytes an entry, about 1.6 bytes a vertex;
// settling sub-cells from the edges made the grid about four times slower
// to build, which is why it is stored.
type pointGrid struct {
	bound  orb.Bound
	nx, ny int
	sx, sy float64 // cells per degree
	// The pieces of cell i are items[start[i]:start[i+1]], each its position in
	// Index.pieces (low 32 bits) and the answers of its sub-cells (high 32 bits,
	// two bits a sub-cell as in cellGrid, sub-cell (sx, sy) at bits
	// 2(subCells·sy+sx)).
	start []uint32
	items []uint64
	// refs[i] is what a lookup needs of piece i, sixteen bytes in one array: an
	// entry whose sub-cell answers inside is a hit without a trip to the piece
	// (a cache miss a visit), and one that answers boundary goes straight to
	// the piece's cell grid.
	refs []pieceRef
	// hits[ord] is the answer for a point in the zone at position ord of the
	// dataset: read from one table rather than through the zone and its layer
	// (a cache miss each), a few dozen bytes a zone.
	hits []Hit
}

// pieceRef is a piece as the point grid's lookups see it.
type pieceRef struct {
	cells *cellGrid
	ord   int32 // the zone's position in the dataset
}

// Sub-cells a cell of the point grid, each way, and their answers for a piece
// that covers the whole cell.
const (
	subCells  = 4
	subInside = 0x55555555 >> (32 - 2*subCells*subCells)
)

// maxCellsPerPiece bounds the grid's cells (four bytes each) by the number of
// pieces it indexes, for datasets whose pieces are few and far apart.
const maxCellsPerPiece = 64

// newPointGrid indexes the polygonal pieces of ps (those with a cell grid).
func newPointGrid(ps []piece) pointGrid {
	var order []uint32
	var ws, hs []float64
	var b orb.Bound
	for i := range ps {
		p := &ps[i]
		if p.cells == nil {
			continue
		}
		if len(order) == 0 {
			b = p.bound
		} else {
			b = b.Union(p.bound)
		}
		order = append(order, uint32(i))
		ws = append(ws, p.bound.Max[0]-p.bound.Min[0])
		hs = append(hs, p.bound.Max[1]-p.bound.Min[1])
	}
	if len(order) == 0 {
		return pointGrid{}
	}
	// Hits are reported in zone order; the pieces are laid out in it, but sort
	// (stably) rather than rely on it.
	slices.SortStableFunc(order, func(a, b uint32) int { return cmp.Compare(ps[a].ord, ps[b].ord) })
	// A cell a fifth of the median piece box each way: a point's list holds
	// little more than the pieces that may cover it, and most of those cover the
	// whole cell (on the Shaanxi layers 3.3 entries for the 2.3 zones found, 1.3
	// of them sent to the piece's grid, against 4.9 entries, all sent there,
	// with cells a third of the median box and no answers), for about sixty
	// cells per piece. The cell size follows the pieces, not the dataset's
	// extent, so a dataset spread wider has more cells, not longer lists.
	slices.Sort(ws)
	slices.Sort(hs)
	cw, ch := ws[len(ws)/2]/5, hs[len(hs)/2]/5
	W, H := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if cw <= 0 || W <= 0 {
		cw = max(W, 1e-9)
	}
	if ch <= 0 || H <= 0 {
		ch = max(H, 1e-9)
	}
	nx, ny := cellsAlong(W, cw), cellsAlong(H, ch)
	if limit := float64(maxCellsPerPiece*len(order) + 1024); float64(nx)*float64(ny) > limit {
		f := math.Sqrt(float64(nx) * float64(ny) / limit)
		nx, ny = max(1, int(float64(nx)/f)), max(1, int(float64(ny)/f))
	}
	g := pointGrid{bound: b, nx: nx, ny: ny}
	if W > 0 {
		g.sx = float64(nx) / W
	}
	if H > 0 {
		g.sy = float64(ny) / H
	}
	// What each piece answers for each cell of its box, classified once: the
	// cell's box widened by a billionth of a cell, so that every point the
	// rounding of cell puts in the cell lies in it.
	type entry struct {
		cell int
		item uint64
	}
	ex, ey := 1e-9/max(g.sx, 1e-300), 1e-9/max(g.sy, 1e-300)
	widen := func(b orb.Bound) orb.Bound {
		b.Min[0], b.Min[1], b.Max[0], b.Max[1] = b.Min[0]-ex, b.Min[1]-ey, b.Max[0]+ex, b.Max[1]+ey
		return b
	}
	classify := func(order []uint32) []entry {
		var entries []entry
		for _, i := range order {
			p := &ps[i]
			x0, y0 := g.cell(p.bound.Min)
			x1, y1 := g.cell(p.bound.Max)
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					var answers uint64
					switch p.cells.classify(widen(g.cellBound(x, y))) {
					case cellOutside:
						continue
					case cellInside:
						answers = subInside
					default:
						answers = g.subAnswers(p.cells, x, y, ex, ey)
						if answers == 0 { // every sub-cell outside
							continue
						}
					}
					entries = append(entries, entry{y*nx + x, uint64(i) | answers<<32})
				}
			}
		}
		return entries
	}
	// The pieces in runs, one a core (the sub-cells' answers are most of the
	// time of making an index's point grid), the runs' entries then taken in
	// order.
	runs := make([][]entry, min(runtime.GOMAXPROCS(0), max(1, len(order)/64)))
	var wg sync.WaitGroup
	for r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[r] = classify(order[r*len(order)/len(runs) : (r+1)*len(order)/len(runs)])
		}()
	}
	wg.Wait()
	entries := slices.Concat(runs...)
	counts := make([]uint32, nx*ny+1)
	for _, e := range entries {
		counts[e.cell+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	g.start = counts
	g.items = make([]uint64, counts[nx*ny])
	fill := append([]uint32(nil), counts[:nx*ny]...)
	for _, e := range entries {
		g.items[fill[e.cell]] = e.item
		fill[e.cell]++
	}
	g.link(ps)
	return g
}

// storedPointGrid is the point grid a snapshot stored (its frame sp and
// arrays start and items) on the pieces ps, checked so that no lookup goes out
// of bounds: each cell's entries within items, each entry a polygonal piece.
func storedPointGrid(sp snapPoints, start []uint32, items []uint64, ps []piece) (pointGrid, error) {
	if sp.NStart == 0 {
		for i := range ps {
			if ps[i].cells != nil {
				return pointGrid{}, fmt.Errorf("no cells for polygonal piece %d", i)
			}
		}
		return pointGrid{}, nil
	}
	if sp.NX <= 0 || sp.NY <= 0 || int64(sp.NX)*int64(sp.NY)+1 != int64(len(start)) {
		return pointGrid{}, fmt.Errorf("%d×%d cells, %d starts", sp.NX, sp.NY, len(start))
	}
	if start[0] != 0 || int(start[len(start)-1]) != len(items) {
		return pointGrid{}, fmt.Errorf("starts run from %d to %d over %d entries", start[0], start[len(start)-1], len(items))
	}
	for i := 1; i < len(start); i++ {
		if start[i] < start[i-1] {
			return pointGrid{}, fmt.Errorf("cell %d starts before cell %d", i, i-1)
		}
	}
	for k, e := range items {
		if i := uint32(e); int(i) >= len(ps) || ps[i].cells == nil {
			return pointGrid{}, fmt.Errorf("entry %d: piece %d is not a polygonal piece of %d", k, i, len(ps))
		}
	}
	g := pointGrid{bound: orb.Bound{Min: orb.Point{sp.Bound[0], sp.Bound[1]}, Max: orb.Point{sp.Bound[2], sp.Bound[3]}},
		nx: int(sp.NX), ny: int(sp.NY), sx: sp.SX, sy: sp.SY, start: start, items: items}
	g.link(ps)
	return g, nil
}

// link fills in what the grid's entries lead to, from the pieces ps they
// index: each piece's ord and cell grid (refs), and each zone's hit.
func (g *pointGrid) link(ps []piece) {
	g.refs = make([]pieceRef, len(ps))
	n := 0 // up to the last polygonal zone: the hits' length
	for i := range ps {
		if p := &ps[i]; p.cells != nil {
			n = max(n, int(p.ord)+1)
		}
	}
	hits := make([]Hit, n)
	for i := range ps {
		p := &ps[i]
		g.refs[i] = pieceRef{cells: p.cells, ord: p.ord}
		if p.cells == nil {
			continue
		}
		hits[p.ord] = Hit{Layer: p.zone.Layer.ID, ZoneID: p.zone.ID, ZoneClass: p.zone.Class}
	}
	g.hits = hits
}

// cellBound is the box of cell (x, y), as the grid's arithmetic gives it.
func (g *pointGrid) cellBound(x, y int) orb.Bound {
	var b orb.Bound
	if g.sx > 0 {
		b.Min[0], b.Max[0] = g.bound.Min[0]+float64(x)/g.sx, g.bound.Min[0]+float64(x+1)/g.sx
	} else {
		b.Min[0], b.Max[0] = g.bound.Min[0], g.bound.Max[0]
	}
	if g.sy > 0 {
		b.Min[1], b.Max[1] = g.bound.Min[1]+float64(y)/g.sy, g.bound.Min[1]+float64(y+1)/g.sy
	} else {
		b.Min[1], b.Max[1] = g.bound.Min[1], g.bound.Max[1]
	}
	return b
}

// subAnswers is what the piece's grid cg answers (classify) for each sub-cell
// of cell (x, y), its box widened by ex, ey as the cell's: inside when every
// cell of cg it meets is inside, outside when it misses cg's box or every cell
// it meets is outside, boundary otherwise. The sub-cells' lines are placed on
// cg's columns and rows once, not for each sub-cell.
func (g *pointGrid) subAnswers(cg *cellGrid, x, y int, ex, ey float64) uint64 {
	// The lines of the sub-cells, as a point's offset in its cell rounds (exact).
	var xs, ys [subCells + 1]float64
	cb := g.cellBound(x, y)
	for s := range subCells + 1 {
		xs[s], ys[s] = cb.Min[0], cb.Min[1]
		if g.sx > 0 {
			xs[s] = g.bound.Min[0] + (float64(x)+float64(s)/subCells)/g.sx
		}
		if g.sy > 0 {
			ys[s] = g.bound.Min[1] + (float64(y)+float64(s)/subCells)/g.sy
		}
	}
	if g.sx <= 0 {
		xs[subCells] = cb.Max[0]
	}
	if g.sy <= 0 {
		ys[subCells] = cb.Max[1]
	}
	// Per column and row of sub-cells: misses cg's box, goes past it, and the
	// range of cg's columns (rows) it meets.
	type span struct {
		miss, part bool
		lo, hi     int
	}
	var cols, rows [subCells]span
	for s := range subCells {
		lo, hi := xs[s]-ex, xs[s+1]+ex
		cols[s] = span{miss: hi < cg.bound.Min[0] || lo > cg.bound.Max[0], part: lo < cg.bound.Min[0] || hi > cg.bound.Max[0]}
		cols[s].lo, _ = cg.cell(orb.Point{lo, cg.bound.Min[1]})
		cols[s].hi, _ = cg.cell(orb.Point{hi, cg.bound.Min[1]})
		lo, hi = ys[s]-ey, ys[s+1]+ey
		rows[s] = span{miss: hi < cg.bound.Min[1] || lo > cg.bound.Max[1], part: lo < cg.bound.Min[1] || hi > cg.bound.Max[1]}
		_, rows[s].lo = cg.cell(orb.Point{cg.bound.Min[0], lo})
		_, rows[s].hi = cg.cell(orb.Point{cg.bound.Min[0], hi})
	}
	var answers uint64
	for sy, r := range rows {
		for sx, c := range cols {
			a := cellOutside
			switch {
			case r.miss || c.miss:
			case r.part || c.part:
				if cg.sx == 0 || !cg.all(c.lo, r.lo, c.hi, r.hi, cellOutside) {
					a = cellBoundary
				}
			default:
				a = cg.at(r.lo*cg.nx + c.lo)
				if a == cellBoundary || !cg.all(c.lo, r.lo, c.hi, r.hi, a) {
					a = cellBoundary
				}
			}
			if a == cellBoundary {
				// The piece's cells are coarser than the sub-cells where the piece is
				// large: settle the sub-cell from the edges themselves.
				a = cg.settle(orb.Bound{Min: orb.Point{xs[sx] - ex, ys[sy] - ey}, Max: orb.Point{xs[sx+1] + ex, ys[sy+1] + ey}})
			}
			answers |= uint64(a) << (2 * (sy*subCells + sx))
		}
	}
	return answers
}

// cellsAlong is the number of cells of width w that span the length l (at least
// one, at most 1<<15).
func cellsAlong(l, w float64) int {
	n := math.Ceil(l / w)
	if !(n >= 1) {
		return 1
	}
	return int(min(n, 1<<15))
}

// cell is the (clamped) cell of p. Rounding is monotonic, so a point in a
// piece's closed box falls in a cell between those of the box's corners.
func (g *pointGrid) cell(p orb.Point) (int, int) {
	x := int((p[0] - g.bound.Min[0]) * g.sx)
	y := int((p[1] - g.bound.Min[1]) * g.sy)
	return max(0, min(g.nx-1, x)), max(0, min(g.ny-1, y))
}

// candidates returns the entries of the pieces that may cover p, in zone order,
// and the shift that brings the answers of p's sub-cell to the low two bits of
// an entry (cellOutside, cellInside or cellBoundary); none when p lies outside
// every piece's box.
func (g *pointGrid) candidates(p orb.Point) ([]uint64, uint) {
	if g.start == nil || !(p[0] >= g.bound.Min[0] && p[0] <= g.bound.Max[0] && p[1] >= g.bound.Min[1] && p[1] <= g.bound.Max[1]) {
		return nil, 0
	}
	// As cell rounds, and the sub-cell from the offset in the cell (exact),
	// both from the point's place in sub-cells: u·subCells is exact (a power
	// of two), and for 0 <= u < nx its floor is subCells·floor(u) plus the
	// floor of subCells·(u - floor(u)), itself exact; a u of nx or more (the
	// box's far side, or rounding past it) is the last sub-cell of the last
	// cell either way. One conversion a coordinate instead of three.
	u, v := (p[0]-g.bound.Min[0])*g.sx, (p[1]-g.bound.Min[1])*g.sy
	su := uint(max(0, min(subCells*g.nx-1, int(u*subCells))))
	sv := uint(max(0, min(subCells*g.ny-1, int(v*subCells))))
	i := int(sv/subCells)*g.nx + int(su/subCells)
	return g.items[g.start[i]:g.start[i+1]], 32 + 2*(sv%subCells*subCells+su%subCells)
}

// locatePoint answers a point from the point grid and the pieces' cell grids
// (boundary included, as a zone covers its boundary); no GEOS call, no R-tree.
func (c *Checker) locatePoint(pt orb.Point) []Hit {
	var found [8]int32
	zs := c.pointZones(pt, found[:0])
	if len(zs) == 0 {
		return nil
	}
	hits := carveHits(len(zs))
	for i, ord := range zs {
		hits[i] = c.idx.points.hits[ord]
	}
	return hits
}

// LocatePoint is Locate for a point, its hits appended to dst: a caller that
// locates many points (a batch) keeps them in a buffer of its own, reused, rather
// than in a block allocated for them. The hits appended, and the error, are those
// Locate returns for the point.
func (c *Checker) LocatePoint(pt orb.Point, dst []Hit) ([]Hit, error) {
	if err := crs.CheckLonLat(pt[0], pt[1], crs.Where{}); err != nil {
		return dst, err
	}
	var found [8]int32
	for _, ord := range c.pointZones(pt, found[:0]) {
		dst = append(dst, c.idx.points.hits[ord])
	}
	return dst, nil
}

// pointZones appends to zs the positions (ords) of the zones that cover pt, in
// zone order.
func (c *Checker) pointZones(pt orb.Point, zs []int32) []int32 {
	g := &c.idx.points
	items, shift := g.candidates(pt)
	for _, e := range items {
		answer := uint8(e>>shift) & 3
		if answer == cellOutside {
			continue
		}
		r := &g.refs[uint32(e)]
		// Candidates come in zone order: a zone already found is the last one.
		if len(zs) > 0 && zs[len(zs)-1] == r.ord {
			continue
		}
		if answer == cellInside || r.cells.covers(pt) {
			zs = append(zs, r.ord)
		}
	}
	return zs
}

// hitSlab is a block of hits that point lookups carve their answers from: one
// allocation for hundreds of points rather than one a point. A block stays alive
// while any answer carved from it does (at most hitSlabLen hits, 16 KB).
type hitSlab struct{ buf []Hit }

const hitSlabLen = 256

var hitSlabs = sync.Pool{New: func() any { return new(hitSlab) }}

// carveHits returns n zeroed hits of their own (a full slice: appending to it
// copies).
func carveHits(n int) []Hit {
	s := hitSlabs.Get().(*hitSlab)
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]Hit, 0, max(hitSlabLen, n))
	}
	k := len(s.buf)
	s.buf = s.buf[:k+n]
	hits := s.buf[k : k+n : k+n]
	hitSlabs.Put(s) // from here another goroutine may take s: read nothing of it after
	return hits
}
