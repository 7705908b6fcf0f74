package zones

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo"
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
			if len(polys) != 1 || len(polys[0]) != 1 {
				continue
			}
			l, ok := fg.measureLines(byZone[z], polys[0][0])
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
