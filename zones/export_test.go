package zones

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
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
// those the subdivision made on its cut lines).
func (idx *Index) PieceVertices() []orb.Point {
	var out []orb.Point
	for i := range idx.pieces {
		p := &idx.pieces[i]
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
