package zones

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/redline-gis/redline/planar"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/redline-gis/redline/geo"
)

// footprintGeoms holds the footprint for the overlays of one check, with its GEOS
// geometries in the worker's context made on first use: a footprint that the
// pieces' cell grids place wholly inside or outside every zone needs none.
type footprintGeoms struct {
	pf        *prepared
	gctx      *geo.Context
	area      *geo.Geom
	line      *geo.Geom
	points    []*geo.Geom
	areaBound orb.Bound
	lineBound orb.Bound

	// For distances: the footprint in a local metric frame, made on first use.
	frame      *localFrame
	frameParts *frameParts

	// The zone pieces made and prepared in gctx for this footprint (the index
	// keeps no GEOS geometry), each once, and the buffer their WKB is written to.
	// Prepared, a piece tests a footprint of many vertices (or holes) in time
	// proportional to the footprint's edges near it, as the prepared pieces of
	// the index once did.
	pieceGeoms map[*piece]*geo.Prepared
	wkb        *[]byte // from wkbBuffers

	polys []orb.Polygon // the footprint's polygons, made on first use
	one   [1]orb.Polygon

	// The footprint's lines for clipLineIn and their segments' lengths, once
	// linesAsked; linesOK when clipLineIn takes them.
	lines               []orb.LineString
	lineLens            [][]float64
	linesAsked, linesOK bool

	// hitRoom is what is left of a block of zone hits (newHit).
	hitRoom []zoneHit
}

// newHit returns a zero hit on z, from a block the footprint's zones share:
// overlay makes one the size of its zones, so that a small footprint's few
// zones cost one allocation, not one each.
func (fg *footprintGeoms) newHit(z *Zone) *zoneHit {
	if len(fg.hitRoom) == 0 {
		return &zoneHit{zone: z}
	}
	h := &fg.hitRoom[0]
	fg.hitRoom = fg.hitRoom[1:]
	h.zone = z
	return h
}

// wkbBuffers hold the WKB of pieces on their way into GEOS, reused from check to
// check (a piece's is ~4 KB).
var wkbBuffers = sync.Pool{New: func() any { return new([]byte) }}

func newFootprintGeoms(gctx *geo.Context, pf *prepared) *footprintGeoms {
	return new(footprintGeoms).init(gctx, pf)
}

// init readies fg (overwritten whole) for pf's overlays in gctx.
func (fg *footprintGeoms) init(gctx *geo.Context, pf *prepared) *footprintGeoms {
	*fg = footprintGeoms{pf: pf, gctx: gctx}
	if pf.area != nil {
		fg.areaBound = pf.areaBound
	}
	if pf.line != nil {
		fg.lineBound = pf.line.Bound()
	}
	return fg
}

func (fg *footprintGeoms) areaGeom() (*geo.Geom, error) {
	if fg.area == nil {
		g, err := fg.gctx.FromOrb(fg.pf.area)
		if err != nil {
			return nil, err
		}
		fg.area = g
	}
	return fg.area, nil
}

// areaParts returns the footprint's polygons (made once: every zone asks).
func (fg *footprintGeoms) areaParts() []orb.Polygon {
	if fg.polys == nil {
		switch a := fg.pf.area.(type) {
		case orb.Polygon:
			fg.one[0] = a
			fg.polys = fg.one[:]
		case orb.MultiPolygon:
			fg.polys = a
		}
	}
	return fg.polys
}

func (fg *footprintGeoms) lineGeom() (*geo.Geom, error) {
	if fg.line == nil {
		g, err := fg.gctx.FromOrb(fg.pf.line)
		if err != nil {
			return nil, err
		}
		fg.line = g
	}
	return fg.line, nil
}

func (fg *footprintGeoms) pointGeom(i int) (*geo.Geom, error) {
	if fg.points == nil {
		fg.points = make([]*geo.Geom, len(fg.pf.points))
	}
	if fg.points[i] == nil {
		g, err := fg.gctx.FromOrb(fg.pf.points[i])
		if err != nil {
			return nil, err
		}
		fg.points[i] = g
	}
	return fg.points[i], nil
}

// pieceGeom returns piece p prepared in the footprint's context, made from its
// shape on first use.
func (fg *footprintGeoms) pieceGeom(p *piece) (*geo.Prepared, error) {
	if g := fg.pieceGeoms[p]; g != nil {
		return g, nil
	}
	if fg.wkb == nil {
		fg.wkb = wkbBuffers.Get().(*[]byte)
	}
	*fg.wkb = p.shape.appendWKB((*fg.wkb)[:0])
	g, err := fg.gctx.PrepareWKB(*fg.wkb)
	if err != nil {
		return nil, err
	}
	if fg.pieceGeoms == nil {
		fg.pieceGeoms = map[*piece]*geo.Prepared{}
	}
	fg.pieceGeoms[p] = g
	return g, nil
}

func (fg *footprintGeoms) destroy() {
	for _, g := range fg.pieceGeoms {
		g.Destroy()
	}
	if fg.wkb != nil {
		wkbBuffers.Put(fg.wkb)
		fg.wkb = nil
	}
	fg.area.Destroy()
	fg.line.Destroy()
	for _, p := range fg.points {
		p.Destroy()
	}
}

// filter sorts the pieces whose box meets b: inside says a piece's cell grid
// places the part wholly inside it (so the whole part is in the zone); otherwise
// keep holds the pieces that touch the part, by the grid when it can tell, else by
// the prepared test on g (made on demand). poly, when not nil, is the part as one
// small polygon that the grid can place exactly.
func (fg *footprintGeoms) filter(pieces []*piece, b orb.Bound, poly orb.Polygon, g func() (*geo.Geom, error), tryContains bool) (inside bool, keep []*piece, err error) {
	for _, p := range pieces {
		if !p.bound.Intersects(b) {
			continue
		}
		if p.cells != nil {
			var c uint8
			straddles := false
			if poly != nil {
				// The exact placement, where the boxes of cells cannot tell: a
				// part partly off the piece's box may still lie wholly outside.
				c, straddles = p.cells.relate(poly, b)
			} else {
				c = p.cells.classify(b)
			}
			switch {
			case c == cellOutside:
				continue
			case c == cellInside:
				return true, nil, nil
			case straddles:
				// Partly inside and partly outside: the piece meets the part and
				// does not contain it, without GEOS's predicates (and the piece's
				// index they build); the overlay takes the piece as it is.
				keep = append(keep, p)
				continue
			}
		}
		if p.shape.lineal && p.shape.linesApart(b) {
			// A river's piece whose box meets the part's while its lines
			// pass by: no GEOS geometry for it.
			continue
		}
		gg, err := g()
		if err != nil {
			return false, nil, err
		}
		pg, err := fg.pieceGeom(p)
		if err != nil {
			return false, nil, err
		}
		if tryContains && p.bound.Contains(b.Min) && p.bound.Contains(b.Max) {
			// A piece that contains the whole part decides without overlay.
			in, err := pg.Contains(gg)
			if err != nil {
				return false, nil, err
			}
			if in {
				return true, nil, nil
			}
		}
		ok, err := pg.Intersects(gg)
		if err != nil {
			return false, nil, err
		}
		if ok {
			keep = append(keep, p)
		}
	}
	return false, keep, nil
}

// measurePieces measures the footprint's overlap area (its polygons) with a
// zone's pieces without GEOS, by the cell grids and clipArea: inside when a
// piece holds it whole. ok is false when GEOS must decide.
func (fg *footprintGeoms) measurePieces(pieces []*piece, polys []orb.Polygon) (inside bool, area float64, ok bool) {
	var near [8]*piece
	inside, meet, ok := sortPieces(pieces, fg.areaBound, near[:0])
	if inside || !ok || len(meet) == 0 {
		return inside, 0, ok
	}
	a, whole, ok := clipArea(meet, polys, fg.areaBound, fg.pf.areaM2)
	if !ok {
		return false, 0, false
	}
	return whole, a, true
}

// measureLineIn measures the length of the footprint's lines inside a
// polygonal zone's pieces without GEOS, by the cell grids and clipLineIn; ok
// is false when GEOS must decide.
func (fg *footprintGeoms) measureLineIn(pieces []*piece) (length float64, ok bool) {
	var near [8]*piece
	inside, meet, ok := sortPieces(pieces, fg.lineBound, near[:0])
	switch {
	case inside:
		return fg.pf.lengthM, true
	case !ok || len(meet) == 0:
		return 0, ok
	}
	if !fg.clipLines() {
		return 0, false
	}
	return clipLineIn(meet, fg.lines, fg.lineLens, fg.lineBound)
}

// clipLines readies, once for every zone, the footprint's lines for clipLineIn
// (fg.lines, and fg.lineLens their segments' lengths), and reports whether it
// takes them.
func (fg *footprintGeoms) clipLines() bool {
	if fg.linesAsked {
		return fg.linesOK
	}
	fg.linesAsked = true
	var lines []orb.LineString
	switch l := fg.pf.line.(type) {
	case orb.LineString:
		lines = []orb.LineString{l}
	case orb.MultiLineString:
		lines = l
	}
	if !clipLinesOK(lines) {
		return false
	}
	fg.lines, fg.linesOK = lines, true
	if fg.lineLens = fg.pf.lineLens; fg.lineLens == nil {
		fg.lineLens = make([][]float64, len(lines))
		for k, l := range lines {
			fg.lineLens[k] = geo.SegmentLengths(l, nil)
		}
	}
	return true
}

// sortPieces sorts a polygonal zone's pieces by their cell grids against the
// box b of a footprint part: inside when one holds b whole, else meet (appended
// to buf) the pieces whose boundary may meet it; ok false for a piece without
// a grid.
func sortPieces(pieces []*piece, b orb.Bound, buf []*piece) (inside bool, meet []*piece, ok bool) {
	meet = buf
	for _, p := range pieces {
		if !p.bound.Intersects(b) {
			continue
		}
		if p.cells == nil {
			return false, nil, false
		}
		switch p.cells.classify(b) {
		case cellOutside:
			continue
		case cellInside:
			return true, nil, true
		}
		meet = append(meet, p)
	}
	return false, meet, true
}

// measureLines measures the length of a lineal zone's pieces inside the
// footprint's polygons without GEOS, by clipLength; ok is false
// when GEOS must decide: a piece clipLength cannot clip, or more than one piece
// partly inside (GEOS dissolves those first, and a stretch two pieces share
// counts once there).
func (fg *footprintGeoms) measureLines(pieces []*piece, polys []orb.Polygon) (length float64, ok bool) {
	b := fg.areaBound
	partial := 0
	for _, p := range pieces {
		if !p.bound.Intersects(b) {
			continue
		}
		l, ok := clipLength(p, polys, b)
		if !ok {
			return 0, false
		}
		if l > 0 {
			partial++
			length = l
		}
	}
	if partial > 1 {
		return 0, false
	}
	return length, true
}

// manyHoles is the number of holes from which a footprint's holes are sorted by
// the cell grids before an overlay (fewer cost GEOS little).
const manyHoles = 64

// settleHoles returns, for a footprint of more than manyHoles holes, the
// footprint in gctx without the holes the zone's pieces' cell grids settle — a
// hole whose box lies wholly outside every piece changes nothing of the
// overlap, and one whose box lies wholly inside a piece is a hole of the
// overlap as it is — and the holes settled inside, which putHolesBack returns
// to the overlap. It returns nil when the footprint has few holes or none is
// settled.
func (fg *footprintGeoms) settleHoles(gctx *geo.Context, pieces []*piece) (*geo.Geom, []orb.Ring, error) {
	polys := fg.areaParts()
	holes := 0
	for _, p := range polys {
		holes += max(len(p)-1, 0)
	}
	if holes <= manyHoles {
		return nil, nil, nil
	}
	for _, p := range pieces {
		if p.cells == nil {
			return nil, nil, nil
		}
	}
	var in []orb.Ring
	lean := make(orb.MultiPolygon, 0, len(polys))
	dropped := 0
	for _, p := range polys {
		q := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			switch holePlace(h.Bound(), pieces) {
			case cellInside:
				in = append(in, h)
				dropped++
			case cellOutside:
				dropped++
			default:
				q = append(q, h)
			}
		}
		lean = append(lean, q)
	}
	if dropped == 0 {
		return nil, nil, nil
	}
	var g orb.Geometry = lean
	if _, one := fg.pf.area.(orb.Polygon); one {
		g = lean[0]
	}
	lg, err := gctx.FromOrb(g)
	if err != nil {
		return nil, nil, err
	}
	return lg, in, nil
}

// holePlace says where the box b lies in a zone of the pieces: cellInside when
// some piece's grid places it inside, cellOutside when every piece's places it
// outside, cellBoundary otherwise.
func holePlace(b orb.Bound, pieces []*piece) uint8 {
	out := true
	for _, p := range pieces {
		if !p.bound.Intersects(b) {
			continue
		}
		switch p.cells.classify(b) {
		case cellInside:
			return cellInside
		case cellBoundary:
			out = false
		}
	}
	if out {
		return cellOutside
	}
	return cellBoundary
}

// putHolesBack adds to the overlap a (a Polygon or MultiPolygon) the
// footprint's holes settled inside the zone, each to the polygon that holds it;
// nil when one lies in no polygon (it cannot: the hole lies inside the
// footprint and the zone, but then the whole overlay decides).
func putHolesBack(a orb.Geometry, holes []orb.Ring) orb.Geometry {
	var polys orb.MultiPolygon
	switch a := a.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{a}
	case orb.MultiPolygon:
		polys = a
	default:
		return nil
	}
	bounds := make([]orb.Bound, len(polys))
	for i, p := range polys {
		bounds[i] = p.Bound()
	}
	grids := make([]*cellGrid, len(polys))
	for _, h := range holes {
		placed := false
		for i, p := range polys {
			if !bounds[i].Contains(h[0]) {
				continue
			}
			if grids[i] == nil {
				grids[i] = newCellGrid(p)
			}
			if grids[i].covers(h[0]) {
				placed = true
				// After the grid: it holds the polygon's rings as they were.
				polys[i] = append(polys[i], h)
				break
			}
		}
		if !placed {
			return nil
		}
	}
	if _, one := a.(orb.Polygon); one {
		return polys[0]
	}
	return polys
}

// overlayZone measures the footprint's overlap with one zone from the zone's pieces
// near the footprint. The footprint is intersected once with the dissolved pieces
// it meets: cutting it at piece borders would put vertices on its long edges and,
// since edges are geodesics between vertices, move its area.
func (fg *footprintGeoms) overlayZone(gctx *geo.Context, z *Zone, pieces []*piece) (*zoneHit, error) {
	h := fg.newHit(z)
	lineal := z.Layer != nil && z.Layer.Geom == Lineal
	var overlaps overlapParts

	measured := false
	if fg.pf.measureOnly && fg.pf.area != nil {
		// Only the measures are asked for: taken in Go where they can be.
		polys := fg.areaParts()
		switch {
		case lineal:
			h.lengthM, measured = fg.measureLines(pieces, polys)
		case !lineal:
			var inside bool
			if inside, h.areaM2, measured = fg.measurePieces(pieces, polys); inside {
				h.areaM2 = fg.pf.areaM2
			}
		}
	}
	if fg.pf.area != nil && !measured {
		poly, _ := fg.pf.area.(orb.Polygon)
		inside, keep, err := fg.filter(pieces, fg.areaBound, poly, fg.areaGeom, !lineal)
		if err != nil {
			return nil, err
		}
		switch {
		case inside:
			h.areaM2 = fg.pf.areaM2
			h.areaWhole = true
			overlaps.add(fg.pf.area)
		case len(keep) > 0:
			ag, _ := fg.areaGeom()
			var settled []orb.Ring
			if !lineal {
				// A footprint of many holes: those the cell grids settle are
				// left out of the overlay and put back after it.
				lean, in, err := fg.settleHoles(gctx, pieces)
				if err != nil {
					return nil, err
				}
				if lean != nil {
					defer lean.Destroy()
					ag, settled = lean, in
				}
			}
			inter, err := fg.intersectPieces(gctx, keep, ag, fg.areaBound)
			if err != nil {
				return nil, err
			}
			a := planar.Extract(inter, planar.DimArea)
			if len(settled) > 0 {
				if a = putHolesBack(a, settled); a == nil {
					// A settled hole in no polygon of the overlap: the
					// overlay of the whole footprint decides.
					full, _ := fg.areaGeom()
					if inter, err = fg.intersectPieces(gctx, keep, full, fg.areaBound); err != nil {
						return nil, err
					}
					a = planar.Extract(inter, planar.DimArea)
				}
			}
			if lineal {
				if l := planar.Extract(inter, planar.DimLine); l != nil {
					h.lengthM += geo.Length(l)
					overlaps.add(l)
				}
			} else if a != nil {
				h.areaM2 = geo.Area(a)
				overlaps.add(a)
			}
		}
	}

	lineMeasured := false
	if fg.pf.line != nil && fg.pf.measureOnly && !lineal {
		// Only the length is asked for: measured in Go where it can be.
		var l float64
		if l, lineMeasured = fg.measureLineIn(pieces); lineMeasured {
			h.lengthM += l
		}
	}
	if fg.pf.line != nil && !lineMeasured {
		inside, keep, err := fg.filter(pieces, fg.lineBound, nil, fg.lineGeom, false)
		if err != nil {
			return nil, err
		}
		switch {
		case inside:
			h.lengthM += fg.pf.lengthM
			overlaps.add(fg.pf.line)
		case len(keep) > 0:
			lg, _ := fg.lineGeom()
			inter, err := fg.intersectPieces(gctx, keep, lg, fg.lineBound)
			if err != nil {
				return nil, err
			}
			if l := planar.Extract(inter, planar.DimLine); l != nil {
				h.lengthM += geo.Length(l)
				overlaps.add(l)
			}
			if lineal {
				if pts := planar.Extract(inter, planar.DimPoint); pts != nil {
					h.crossings = countDistinct(pts)
					overlaps.add(pts)
				}
			}
		}
	}

	for i, pt := range fg.pf.points {
		for _, p := range pieces {
			if !p.bound.Contains(pt) {
				continue
			}
			var ok bool
			if p.cells != nil {
				ok = p.cells.covers(pt)
			} else {
				pg, err := fg.pointGeom(i)
				if err != nil {
					return nil, err
				}
				zg, err := fg.pieceGeom(p)
				if err != nil {
					return nil, err
				}
				if ok, err = zg.Covers(pg); err != nil {
					return nil, err
				}
			}
			if ok {
				h.points++
				overlaps.add(pt)
				break
			}
		}
	}

	h.overlap = overlaps.geometry()
	return h, nil
}

// overlapParts gathers the parts of a zone's overlap: one part is the overlap
// as it is, more make a collection (made only then: most overlaps are one part).
type overlapParts struct {
	one  orb.Geometry
	many orb.Collection
}

func (o *overlapParts) add(g orb.Geometry) {
	switch {
	case o.one == nil:
		o.one = g
	case o.many == nil:
		o.many = orb.Collection{o.one, g}
	default:
		o.many = append(o.many, g)
	}
}

// geometry is the overlap: nil without parts, the part alone, or the
// collection of the parts in the order they were added.
func (o *overlapParts) geometry() orb.Geometry {
	if o.many != nil {
		return o.many
	}
	return o.one
}

func countDistinct(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		seen := map[orb.Point]bool{}
		for _, p := range g {
			seen[p] = true
		}
		return len(seen)
	}
	return 0
}

// intersectPieces takes the pieces in the worker's context (as filter made
// them), clips them to a window around the footprint part (whose bound is
// within), dissolves them, and intersects the result with other. The window is a
// little larger than the footprint, so clipping never touches the footprint and
// the overlay is the same as with whole pieces, only on fewer vertices.
func (fg *footprintGeoms) intersectPieces(gctx *geo.Context, pieces []*piece, other *geo.Geom, within orb.Bound) (orb.Geometry, error) {
	gs := make([]*geo.Geom, 0, len(pieces))
	var clips []*geo.Geom // made here; the pieces themselves are fg's
	defer func() {
		for _, g := range clips {
			g.Destroy()
		}
	}()
	pad := 1e-6 * math.Max(1, math.Max(within.Max[0]-within.Min[0], within.Max[1]-within.Min[1]))
	window := within.Pad(pad)
	for _, p := range pieces {
		pg, err := fg.pieceGeom(p)
		if err != nil {
			return nil, err
		}
		g := pg.Geom()
		if !window.Contains(p.bound.Min) || !window.Contains(p.bound.Max) {
			if g, err = g.ClipByRect(window); err != nil {
				return nil, err
			}
			clips = append(clips, g)
		}
		empty, err := g.IsEmpty()
		if err != nil {
			return nil, err
		}
		if empty {
			continue
		}
		gs = append(gs, g)
	}
	if len(gs) == 0 {
		return nil, nil
	}
	zone := gs[0]
	if len(gs) > 1 {
		// Not CoverageUnion: recursive halving leaves T-junctions along the cuts,
		// so the pieces are not a noded coverage and GEOS refuses it.
		u, err := gctx.Union(gs)
		if err != nil {
			return nil, err
		}
		defer u.Destroy()
		zone = u
	}
	inter, err := zone.Intersection(other)
	if err != nil {
		return nil, err
	}
	defer inter.Destroy()
	return inter.Orb()
}

// localFrame maps lon/lat near a centre to metres on a plane tangent to GRS80
// (equirectangular with the ellipsoid's radii of curvature). Over the few
// kilometres of a nearby search its scale is off by ~1e-3 at most, and it is only
// used to pick the nearest pair of points, which is then measured geodesically.
type localFrame struct {
	lon0, lat0, kx, ky float64
}

func newLocalFrame(c orb.Point) *localFrame {
	const e2 = geo.GRS80F * (2 - geo.GRS80F)
	phi := c[1] * math.Pi / 180
	w := math.Sqrt(1 - e2*math.Sin(phi)*math.Sin(phi))
	n := geo.GRS80A / w
	m := geo.GRS80A * (1 - e2) / (w * w * w)
	return &localFrame{lon0: c[0], lat0: c[1], kx: n * math.Cos(phi) * math.Pi / 180, ky: m * math.Pi / 180}
}

func (f *localFrame) fwd(p orb.Point) orb.Point {
	return orb.Point{(p[0] - f.lon0) * f.kx, (p[1] - f.lat0) * f.ky}
}

func (f *localFrame) inv(p orb.Point) orb.Point {
	return orb.Point{p[0]/f.kx + f.lon0, p[1]/f.ky + f.lat0}
}

// project maps g into the frame. project.Geometry maps in place, and g is the
// footprint's or a loaded piece's, so it works on a copy.
func (f *localFrame) project(g orb.Geometry) orb.Geometry {
	return project.Geometry(orb.Clone(g), f.fwd)
}

// within returns the pieces that may lie within tol metres of the footprint: all
// but those whose cell grid places the footprint's box grown by tol outside.
func (fg *footprintGeoms) within(pieces []*piece, tol float64) []*piece {
	if tol <= 0 {
		return nil
	}
	win := expandMetres(fg.pf.bound, tol)
	var out []*piece
	for _, p := range pieces {
		if !p.bound.Intersects(win) || (p.cells != nil && p.cells.classify(win) == cellOutside) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// localFrame returns the footprint's local metric frame, centred on its box (made
// on first use).
func (fg *footprintGeoms) localFrame() *localFrame {
	if fg.frame == nil {
		fg.frame = newLocalFrame(fg.pf.bound.Center())
	}
	return fg.frame
}

// boundaryEdges returns boundaryNear of h's zone for the footprint's box grown by
// tol, in the footprint's frame: scanned once per hit, for boundaryDistance and
// reachesBeyond both ask it.
func (fg *footprintGeoms) boundaryEdges(h *zoneHit, tol float64) orb.MultiLineString {
	if !h.edgesScanned {
		h.edges = boundaryNearChunked(h.zone.Geometry, h.zone.boundaryChunks(), expandMetres(fg.pf.bound, tol), fg.localFrame())
		h.edgesScanned = true
	}
	return h.edges
}

// parts returns the footprint in its local metric frame as segments and points
// (made on first use).
func (fg *footprintGeoms) parts() *frameParts {
	if fg.frameParts == nil {
		fg.frameParts = newFrameParts(fg.pf.geometry(), fg.pf.area, fg.localFrame())
	}
	return fg.frameParts
}

// distance returns the geodesic distance in metres from the footprint to the
// nearest of the pieces (a zone's pieces near it), or +Inf when all are farther
// than limit. The nearest pair of points is found in the local frame (as GEOS's
// NearestPoints would), then measured geodesically.
func (fg *footprintGeoms) distance(pieces []*piece, limit float64) float64 {
	fp := fg.parts()
	fb := fg.frame.projectBound(fg.pf.bound)
	best := math.Inf(1)
	for _, p := range pieces {
		// Lower bound from the boxes; the frame's scale error is well under 1%.
		if boxDistance(fb, fg.frame.projectBound(p.bound))*0.99 > math.Min(best, limit) {
			continue
		}
		// Only pairs that may come within limit, or beat the best, in the plane
		// are sought (the same margin as the boxes'): a piece farther away has
		// no say in the answer.
		n := nearestWithin(math.Min(best, limit) / 0.99)
		n.piece(fp, p, fg.pf.bound, fg.frame)
		if !n.ok {
			continue
		}
		if d := geo.Distance(fg.frame.inv(n.a), fg.frame.inv(n.b)); d < best {
			best = d
		}
	}
	return best
}

// boundaryDistance returns the geodesic distance in metres from the footprint to
// the boundary of the zone of h, which it intersects, and whether that boundary
// lies within tol: 0 where the footprint crosses (or covers) the boundary, the
// distance to the nearest boundary where it lies wholly inside. A lineal zone is
// its own boundary, met by the footprint: 0.
//
// The index's pieces will not do: their cut edges run through the zone's interior
// and are no boundary. So the edges are the zone's own rings, those whose box
// meets the footprint's box grown by tol (conservatively): any boundary point
// within tol of the footprint lies on one of them, and no cut edge is among them.
// Scanning a large zone's rings costs a box test per vertex, so it is done only
// where the overlay's measures do not show a crossing and the pieces' cell grids
// cannot place that grown box wholly inside the zone.
func (fg *footprintGeoms) boundaryDistance(gctx *geo.Context, h *zoneHit, tol float64) (float64, bool, error) {
	z := h.zone
	if z.Layer != nil && z.Layer.Geom == Lineal {
		return 0, true, nil
	}
	// One polygon or one line partly outside the zone crosses its boundary (it
	// is connected); parts of a multi-part one may lie apart, each on one side.
	// The margin is far above the rounding of two measures of one area; within it
	// the scan decides.
	const margin = 1e-9
	_, onePoly := fg.pf.area.(orb.Polygon)
	_, oneLine := fg.pf.line.(orb.LineString)
	if (onePoly && h.areaM2 < fg.pf.areaM2*(1-margin)) || (oneLine && h.lengthM < fg.pf.lengthM*(1-margin)) {
		return 0, true, nil
	}
	win := expandMetres(fg.pf.bound, tol)
	for _, p := range h.pieces {
		if p.cells != nil && p.cells.classify(win) == cellInside {
			return 0, false, nil
		}
	}
	edges := fg.boundaryEdges(h, tol)
	if len(edges) == 0 {
		return 0, false, nil
	}
	n := newNearestPair()
	n.lines(fg.parts(), edges)
	if !n.ok {
		return 0, false, nil
	}
	a, b := n.a, n.b
	d := geo.Distance(fg.frame.inv(a), fg.frame.inv(b))
	return d, d <= tol, nil
}

// reachesBeyond reports whether the footprint's overlap with the zone of h, which
// it intersects, reaches farther than tol from the zone's boundary, so that the
// boundary drawn tol off would still leave the footprint in the zone. The test is
// the overlap minus the band of width tol along the zone's boundary edges near the
// footprint (every boundary point within tol of the footprint lies on one of
// them, as for boundaryDistance), in the footprint's local metric frame: what is
// left lies deeper than tol. Each dimension of the overlap is tested on its own
// (GEOS overlays no mixed collections). The band is drawn 1% wide of tol, so that
// its chorded arcs never leave a sliver behind: in doubt, shallow — and reviewed.
// A lineal zone is its own boundary: never deep.
func (fg *footprintGeoms) reachesBeyond(gctx *geo.Context, h *zoneHit, tol float64) (bool, error) {
	z := h.zone
	if h.overlap == nil || (z.Layer != nil && z.Layer.Geom == Lineal) {
		return false, nil
	}
	edges := fg.boundaryEdges(h, tol)
	if len(edges) == 0 {
		return true, nil
	}
	if fg.vertexBeyond(h.overlap, edges, tol*1.01) {
		return true, nil
	}
	eg, err := gctx.FromOrb(edges)
	if err != nil {
		return false, err
	}
	defer eg.Destroy()
	band, err := eg.Buffer(tol * 1.01)
	if err != nil {
		return false, err
	}
	defer band.Destroy()
	var parts []orb.Geometry
	if ps := planar.Polygons(h.overlap); len(ps) > 0 {
		parts = append(parts, orb.MultiPolygon(ps))
	}
	if ls := planar.Lines(h.overlap); len(ls) > 0 {
		parts = append(parts, orb.MultiLineString(ls))
	}
	if pts := planar.Points(h.overlap); len(pts) > 0 {
		parts = append(parts, orb.MultiPoint(pts))
	}
	for _, part := range parts {
		og, err := gctx.FromOrb(fg.frame.project(part))
		if err != nil {
			return false, err
		}
		rest, err := og.Difference(band)
		og.Destroy()
		if err != nil {
			return false, err
		}
		empty, err := rest.IsEmpty()
		rest.Destroy()
		if err != nil {
			return false, err
		}
		if !empty {
			return true, nil
		}
	}
	return false, nil
}

// vertexBeyondWork bounds the vertex-to-edge distances vertexBeyond takes
// before leaving the question to GEOS.
const vertexBeyondWork = 1 << 20

// vertexBeyond reports whether some vertex of the overlap g (lon/lat) lies, in
// the footprint's frame, farther than width from every one of edges: then it
// lies outside the band reachesBeyond draws along them (whose chords stay
// within width), and so does the overlap beside it — the overlap reaches beyond,
// without GEOS. false means "ask GEOS", after at most vertexBeyondWork distances.
func (fg *footprintGeoms) vertexBeyond(g orb.Geometry, edges orb.MultiLineString, width float64) bool {
	f := fg.localFrame()
	limit := width * (1 + 1e-6) // far above the rounding of the frame
	nEdges := 0
	for _, l := range edges {
		nEdges += max(len(l)-1, 1)
	}
	budget := vertexBeyondWork / nEdges
	beyond := func(p orb.Point) bool {
		q := f.fwd(p)
		for _, l := range edges {
			if len(l) == 1 && dist2D(q, l[0]) <= limit {
				return false
			}
			for i := 0; i+1 < len(l); i++ {
				if pointToSegment(q, l[i], l[i+1]) <= limit {
					return false
				}
			}
		}
		return true
	}
	found := false
	planar.EachPoint(g, func(p orb.Point) {
		if found || budget <= 0 {
			return
		}
		budget--
		found = beyond(p)
	})
	return found
}

// boundaryNear returns the runs of g's ring edges whose box meets win, mapped
// into frame f.
func boundaryNear(g orb.Geometry, win orb.Bound, f *localFrame) orb.MultiLineString {
	return boundaryNearChunked(g, nil, win, f)
}

// boundaryNearChunked is boundaryNear skipping, by their bounds (ringChunks of
// g; nil: none), the runs of chunkEdges edges that lie away from win. A zone's
// rings run to thousands of vertices, and the window of a small footprint
// meets a few of them.
func boundaryNearChunked(g orb.Geometry, chunks [][]orb.Bound, win orb.Bound, f *localFrame) orb.MultiLineString {
	var out orb.MultiLineString
	k := 0 // the ring's index in chunks
	ring := func(r orb.Ring) {
		var bounds []orb.Bound
		if chunks != nil {
			bounds = chunks[k]
		}
		k++
		var run orb.LineString
		for i := 0; i+1 < len(r); i++ {
			if bounds != nil && i%chunkEdges == 0 && boxMisses(bounds[i/chunkEdges], win) {
				// No edge of the chunk meets win: as many misses in a row.
				if run != nil {
					out = append(out, run)
					run = nil
				}
				i += chunkEdges - 1
				continue
			}
			a, b := r[i], r[i+1]
			if math.Max(a[0], b[0]) < win.Min[0] || math.Min(a[0], b[0]) > win.Max[0] ||
				math.Max(a[1], b[1]) < win.Min[1] || math.Min(a[1], b[1]) > win.Max[1] {
				if run != nil {
					out = append(out, run)
					run = nil
				}
				continue
			}
			if run == nil {
				run = orb.LineString{f.fwd(a)}
			}
			run = append(run, f.fwd(b))
		}
		if run != nil {
			out = append(out, run)
		}
	}
	eachRing(g, ring)
	return out
}

// boxMisses: b and win share no point (the edges' test below, on a box).
func boxMisses(b, win orb.Bound) bool {
	return b.Max[0] < win.Min[0] || b.Min[0] > win.Max[0] || b.Max[1] < win.Min[1] || b.Min[1] > win.Max[1]
}

// eachRing calls ring for the rings of a polygon or multipolygon, in order.
func eachRing(g orb.Geometry, ring func(orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			ring(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				ring(r)
			}
		}
	}
}

// chunkEdges is the length of the runs of ring edges ringChunks bounds.
const chunkEdges = 32

// ringChunks returns, for each ring of g in eachRing's order, the bounds of its
// edges chunkEdges at a time (chunk j covers edges j·chunkEdges onwards: their
// vertices from j·chunkEdges to (j+1)·chunkEdges included).
func ringChunks(g orb.Geometry) [][]orb.Bound {
	var out [][]orb.Bound
	eachRing(g, func(r orb.Ring) {
		var bs []orb.Bound
		for i := 0; i+1 < len(r); i += chunkEdges {
			end := min(i+chunkEdges, len(r)-1)
			b := orb.Bound{Min: r[i], Max: r[i]}
			for _, p := range r[i+1 : end+1] {
				b = b.Extend(p)
			}
			bs = append(bs, b)
		}
		out = append(out, bs)
	})
	return out
}

// boundaryChunks returns ringChunks of z's geometry, made on first use.
func (z *Zone) boundaryChunks() [][]orb.Bound {
	if c := z.chunks.Load(); c != nil {
		return *c
	}
	c := ringChunks(z.Geometry)
	z.chunks.Store(&c)
	return c
}

func (f *localFrame) projectBound(b orb.Bound) orb.Bound {
	return orb.Bound{Min: f.fwd(b.Min), Max: f.fwd(b.Max)}
}

func boxDistance(a, b orb.Bound) float64 { return math.Hypot(boxGaps(a, b)) }

// boxGaps are the gaps between boxes a and b along x and y (0 where they overlap).
func boxGaps(a, b orb.Bound) (dx, dy float64) {
	dx = math.Max(0, math.Max(a.Min[0]-b.Max[0], b.Min[0]-a.Max[0]))
	dy = math.Max(0, math.Max(a.Min[1]-b.Max[1], b.Min[1]-a.Max[1]))
	return dx, dy
}

// siteNames names, for each zone hit, the sites of a multi-site footprint that
// touch the zone as DESIGN.md counts an intersection, in site order (a name given
// twice once). Each site is overlaid on the zone's pieces near the footprint as a
// footprint of its own: the pieces' cell grids settle most sites without GEOS.
func siteNames(gctx *geo.Context, sites []Site, hits []*zoneHit) (map[*Zone][]string, error) {
	fgs := make([]*footprintGeoms, 0, len(sites))
	defer func() {
		for _, fg := range fgs {
			fg.destroy()
		}
	}()
	for _, s := range sites {
		// Each site passed as a part of the whole footprint; a site invalid on
		// its own is repaired here as it was there.
		pf, err := prepareFootprint(gctx, s.Geometry, CheckOptions{})
		if err != nil {
			return nil, fmt.Errorf("zones: site %q: %w", s.Name, err)
		}
		fgs = append(fgs, newFootprintGeoms(gctx, pf))
	}
	out := make(map[*Zone][]string, len(hits))
	for _, h := range hits {
		names := []string{}
		for i, fg := range fgs {
			if slices.Contains(names, sites[i].Name) || !meetsAny(fg.pf.bound, h.pieces) {
				continue
			}
			sh, err := fg.overlayZone(gctx, h.zone, h.pieces)
			if err != nil {
				return nil, fmt.Errorf("zones: site %q on layer %q zone %q: %w", sites[i].Name, h.zone.Layer.ID, h.zone.ID, err)
			}
			if sh.intersects() {
				names = append(names, sites[i].Name)
			}
		}
		out[h.zone] = names
	}
	return out, nil
}

func meetsAny(b orb.Bound, pieces []*piece) bool {
	for _, p := range pieces {
		if p.bound.Intersects(b) {
			return true
		}
	}
	return false
}
