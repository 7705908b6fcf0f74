package zones

import (
	"cmp"
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
