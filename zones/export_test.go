package zones

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/planar"
)

// LocatePointExact answers a point as locatePoint must, without the point grid
// or the cell grids: every polygonal piece whose box holds the point takes the
// exact test over all its edges.
func (c *Checker) LocatePointExact(pt orb.Point) []Hit {
	var ps []*piece
	for i := range c.idx.pieces {
		p := &c.idx.pieces[i]
		if p.cells == nil || !p.bound.Contains(pt) || slices.ContainsFunc(ps, func(q *piece) bool { return q.zone == p.zone }) {
			continue
		}
		if p.cells.exact(pt) {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b *piece) int { return cmp.Compare(a.ord, b.ord) })
	var hits []Hit
	for _, p := range ps {
		hits = append(hits, Hit{Layer: p.zone.Layer.ID, ZoneID: p.zone.ID, ZoneClass: p.zone.Class})
	}
	return hits
}

// PieceVertices returns every vertex of the polygonal pieces (the zones' own and
// those the subdivision made on its cut lines), zone by zone in dataset order:
// tests draw from it by position, and what they draw must not change with the
// pieces' placement in memory.
func (idx *Index) PieceVertices() []orb.Point {
	var out []orb.Point
	ps := make([]*piece, len(idx.pieces))
	for i := range idx.pieces {
		ps[i] = &idx.pieces[i]
	}
	slices.SortStableFunc(ps, func(a, b *piece) int { return cmp.Compare(a.ord, b.ord) })
	for _, p := range ps {
		if p.cells == nil {
			continue
		}
		for v := range p.shape.numVertices() {
			out = append(out, p.shape.pt(v))
		}
	}
	return out
}

// CoversAgreesWithExact checks every polygonal piece's grid lookup (covers)
// against the exact test over all its edges, at n random points in the piece's
// boundary cells, at every vertex and at a point along every edge. It returns
// the first disagreement (nil when none), the number of points tried, and how
// many took the exact test from the edge index with the ray to the left and to
// the right.
func (idx *Index) CoversAgreesWithExact(rng *rand.Rand, n int) (bad *orb.Point, tried, left, right int) {
	for i := range idx.pieces {
		cg := idx.pieces[i].cells
		if cg == nil {
			continue
		}
		var pts []orb.Point
		for v := range cg.s.numVertices() {
			pts = append(pts, cg.s.pt(v))
			if v+1 < cg.s.numVertices() {
				a, b := cg.s.pt(v), cg.s.pt(v+1)
				f := rng.Float64()
				pts = append(pts, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
			}
		}
		w, h := cg.bound.Max[0]-cg.bound.Min[0], cg.bound.Max[1]-cg.bound.Min[1]
		for range n {
			pts = append(pts, orb.Point{cg.bound.Min[0] + w*rng.Float64(), cg.bound.Min[1] + h*rng.Float64()})
		}
		for _, p := range pts {
			tried++
			if cg.start != nil && cg.sx > 0 {
				if x, y := cg.cell(p); cg.at(y*cg.nx+x) == cellBoundary && cg.bound.Contains(p) {
					first, past := cg.rankOf(y*cg.nx), cg.rankOf(y*cg.nx+x+1)
					if cg.closed && cg.start[past]-cg.start[first] < cg.start[cg.rankOf(y*cg.nx+cg.nx)]-cg.start[cg.rankOf(y*cg.nx+x)] {
						left++
					} else {
						right++
					}
				}
			}
			if cg.covers(p) != (cg.bound.Contains(p) && cg.exact(p)) {
				return &p, tried, left, right
			}
		}
	}
	return nil, tried, left, right
}

// AreaBothWays is the overlap of a footprint with one zone measured both ways:
// by the GEOS path, and by measurePieces or measureLines (GoOK false where they
// cannot say); an area in m², or for a lineal zone (Lineal) a length in m.
type AreaBothWays struct {
	Zone     string
	Lineal   bool
	GEOS, Go float64
	GoOK     bool
	Pieces   int     // the zone's pieces whose box meets the footprint's
	Whole    float64 // the footprint's own area (length, for a line)
	Line     bool    // the footprint is a line: lengths inside a polygonal zone
}

// MeasureBothWays overlays the polygon g on every zone whose pieces' boxes
// meet its box, both by GEOS (as Check does) and by measurePieces or
// measureLines (as Locate does where it can); a line g on every polygonal zone,
// by GEOS and by measureLineIn.
func (c *Checker) MeasureBothWays(g orb.Geometry) ([]AreaBothWays, error) {
	gctx := c.workers.Get().(*geo.Context)
	defer c.workers.Put(gctx)
	pf, err := prepareFootprint(gctx, g, CheckOptions{})
	if err != nil {
		return nil, err
	}
	var polys []orb.Polygon
	switch a := pf.area.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{a}
	case orb.MultiPolygon:
		polys = a
	}
	byZone := map[*Zone][]*piece{}
	var order []*Zone
	c.idx.search(pf.bound, func(p *piece) bool {
		if byZone[p.zone] == nil {
			order = append(order, p.zone)
		}
		byZone[p.zone] = append(byZone[p.zone], p)
		return true
	})
	fg := newFootprintGeoms(gctx, pf)
	defer fg.destroy()
	var out []AreaBothWays
	for _, z := range order {
		h, err := fg.overlayZone(gctx, z, byZone[z])
		if err != nil {
			return nil, err
		}
		if pf.line != nil {
			if z.Layer != nil && z.Layer.Geom == Lineal {
				continue
			}
			l, ok := fg.measureLineIn(byZone[z])
			out = append(out, AreaBothWays{Zone: z.Layer.ID + "/" + z.ID, Line: true, GEOS: h.lengthM, Go: l, GoOK: ok, Pieces: len(byZone[z]), Whole: pf.lengthM})
			continue
		}
		if z.Layer != nil && z.Layer.Geom == Lineal {
			l, ok := fg.measureLines(byZone[z], polys)
			out = append(out, AreaBothWays{Zone: z.Layer.ID + "/" + z.ID, Lineal: true, GEOS: h.lengthM, Go: l, GoOK: ok})
			continue
		}
		inside, area, ok := fg.measurePieces(byZone[z], polys)
		if inside {
			area = pf.areaM2
		}
		out = append(out, AreaBothWays{Zone: z.Layer.ID + "/" + z.ID, GEOS: h.areaM2, Go: area, GoOK: ok, Pieces: len(byZone[z]), Whole: pf.areaM2})
	}
	return out, nil
}

// PointGridLinePoints returns n random points of the point grid's box with x
// or y (or both) on a line between its sub-cells (cell lines included), as
// the grid places them, or the next float either side: the points whose
// sub-cell rounding decides.
func (idx *Index) PointGridLinePoints(rng *rand.Rand, n int) []orb.Point {
	g := &idx.points
	if g.start == nil || g.sx <= 0 || g.sy <= 0 {
		return nil
	}
	line := func(min float64, cells int, per float64) float64 {
		k := rng.IntN(cells*subCells + 1)
		v := min + (float64(k/subCells)+float64(k%subCells)/subCells)/per
		switch rng.IntN(3) {
		case 1:
			v = math.Nextafter(v, math.Inf(1))
		case 2:
			v = math.Nextafter(v, math.Inf(-1))
		}
		return v
	}
	out := make([]orb.Point, 0, n)
	for len(out) < n {
		p := orb.Point{g.bound.Min[0] + rng.Float64()*(g.bound.Max[0]-g.bound.Min[0]), g.bound.Min[1] + rng.Float64()*(g.bound.Max[1]-g.bound.Min[1])}
		switch rng.IntN(3) {
		case 0:
			p[0] = line(g.bound.Min[0], g.nx, g.sx)
		case 1:
			p[1] = line(g.bound.Min[1], g.ny, g.sy)
		default:
			p[0], p[1] = line(g.bound.Min[0], g.nx, g.sx), line(g.bound.Min[1], g.ny, g.sy)
		}
		if g.bound.Contains(p) {
			out = append(out, p)
		}
	}
	return out
}

// RebuildPointGrid builds the index's point grid again from its pieces, as
// opening a snapshot does.
func (idx *Index) RebuildPointGrid() { idx.points = newPointGrid(idx.pieces) }

// PointGridCounts is what locating pts meets on average: point grid entries
// read, pieces visited (entries not answered by their sub-cell alone), and
// exact tests over a piece's edges; and the bytes of the grid's arrays.
func (idx *Index) PointGridCounts(pts []orb.Point) (entries, visits, exact float64, bytes int) {
	g := &idx.points
	for _, pt := range pts {
		items, shift := g.candidates(pt)
		entries += float64(len(items))
		for _, e := range items {
			if uint8(e>>shift)&3 != cellBoundary {
				continue
			}
			visits++
			cg := idx.pieces[uint32(e)].cells
			if !cg.bound.Contains(pt) {
				continue
			}
			x, y := cg.cell(pt)
			if cg.at(y*cg.nx+x) == cellBoundary {
				exact++
			}
		}
	}
	n := float64(len(pts))
	return entries / n, visits / n, exact / n, 4*len(g.start) + 8*len(g.items)
}

// PointGridIsRebuilt reports whether the index's point grid (read from a
// snapshot, say) is the one its pieces build.
func (idx *Index) PointGridIsRebuilt() bool {
	g, r := &idx.points, newPointGrid(idx.pieces)
	return g.bound == r.bound && g.nx == r.nx && g.ny == r.ny && g.sx == r.sx && g.sy == r.sy &&
		slices.Equal(g.start, r.start) && slices.Equal(g.items, r.items) && slices.Equal(g.refs, r.refs) && slices.Equal(g.hits, r.hits)
}

// CandidatesAsBefore checks pointGrid.candidates at pts against its first
// spelling (the cell as cell rounds, then the sub-cell from the offset in the
// cell): the entries and the shift must be the same; it returns the first
// point where they are not.
func (idx *Index) CandidatesAsBefore(pts []orb.Point) (orb.Point, bool) {
	g := &idx.points
	for _, p := range pts {
		items, shift := g.candidates(p)
		var want []uint64
		var wantShift uint
		if g.start != nil && p[0] >= g.bound.Min[0] && p[0] <= g.bound.Max[0] && p[1] >= g.bound.Min[1] && p[1] <= g.bound.Max[1] {
			u, v := (p[0]-g.bound.Min[0])*g.sx, (p[1]-g.bound.Min[1])*g.sy
			x, y := max(0, min(g.nx-1, int(u))), max(0, min(g.ny-1, int(v)))
			sx := max(0, min(subCells-1, int((u-float64(x))*subCells)))
			sy := max(0, min(subCells-1, int((v-float64(y))*subCells)))
			i := y*g.nx + x
			want, wantShift = g.items[g.start[i]:g.start[i+1]], uint(32+2*(sy*subCells+sx))
		}
		if shift != wantShift || len(items) != len(want) || len(items) > 0 && &items[0] != &want[0] {
			return p, false
		}
	}
	return orb.Point{}, true
}

// PointGridBound is the box of the point grid.
func (idx *Index) PointGridBound() orb.Bound { return idx.points.bound }

// SetGroupRoom makes LocatePoints use room for at most cands zones and visits
// pieces' visits a group (as many as it has, at most), until the function
// returned is called.
func SetGroupRoom(cands, visits int) (restore func()) {
	c0, v0 := groupCandsMax, groupVisitsMax
	groupCandsMax, groupVisitsMax = min(cands, groupCands), min(visits, groupVisits)
	return func() { groupCandsMax, groupVisitsMax = c0, v0 }
}

// LaidOut returns the zone ids of the pieces in the order they lie in the
// index's arrays, one entry for each run of a zone's pieces.
func (idx *Index) LaidOut() []string {
	var out []string
	for i := range idx.pieces {
		id := idx.pieces[i].zone.ID
		if len(out) == 0 || out[len(out)-1] != id {
			out = append(out, id)
		}
	}
	return out
}

// SetNearByGrid turns near's point-grid lookup on or off, returning what it was.
func SetNearByGrid(on bool) bool {
	was := nearByGrid
	nearByGrid = on
	return was
}

// NearComplete holds near, through the point grid (the R-tree of all pieces
// emptied meanwhile: a box near sends there finds nothing), to the pieces'
// shapes: for each box, every piece whose shape meets it is found, once, and
// every piece found has a box that meets it. Not safe beside other uses of idx.
func (idx *Index) NearComplete(bs []orb.Bound) error {
	tree := idx.tree
	idx.tree = rtree.RTreeG[*piece]{}
	defer func() { idx.tree = tree }()
	for k, b := range bs {
		got := idx.near(b, nil)
		seen := map[*piece]bool{}
		for _, p := range got {
			if seen[p] {
				return fmt.Errorf("box %d %v: piece of zone %s found twice", k, b, p.zone.ID)
			}
			seen[p] = true
			if !p.bound.Intersects(b) {
				return fmt.Errorf("box %d %v: piece of zone %s found, its box %v apart", k, b, p.zone.ID, p.bound)
			}
		}
		for i := range idx.pieces {
			p := &idx.pieces[i]
			if seen[p] || !p.bound.Intersects(b) {
				continue
			}
			// The pieces outside the point grid are found as the R-tree found
			// them: all those whose box meets b.
			if p.cells == nil {
				return fmt.Errorf("box %d %v: piece %d of zone %s (no cell grid) has a box that meets it, not found", k, b, i, p.zone.ID)
			}
			if planar.MeetsBound(p.geom(), b) {
				return fmt.Errorf("box %d %v: piece %d of zone %s meets it, not found", k, b, i, p.zone.ID)
			}
		}
	}
	return nil
}

// LineGridCounts returns how many pieces the line grid lists and how many are
// left to the R-tree of lines as too wide.
func (idx *Index) LineGridCounts() (listed, wide int) {
	seen := map[uint32]bool{}
	for _, e := range idx.lineCells.items {
		seen[e] = true
	}
	return len(seen), idx.lines.Len()
}
