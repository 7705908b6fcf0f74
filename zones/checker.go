package zones

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/internal/reportid"
)

// Footprint is a project's footprint ready to check: lon/lat (EPSG:4490) geometry,
// the CRS it was given in, and what reading and converting it had to say.
type Footprint struct {
	// Geometry: Polygon, MultiPolygon, LineString, MultiLineString, Point, MultiPoint,
	// or a Collection of them (a project of several parts).
	Geometry orb.Geometry
	// Sites are the parts of a project of several sites (a FeatureCollection),
	// named, in input order; their geometries together make Geometry. Empty, or
	// one site, for a footprint of one site: intersections then name no sites.
	Sites    []Site
	CRS      string
	Warnings []string
}

// Site is one named part of a multi-site footprint: a Feature's properties.name,
// else its id, else its index.
type Site struct {
	Name     string
	Geometry orb.Geometry // lon/lat, as Footprint.Geometry
}

// Hit is one zone a batch feature lies in (DESIGN.md locate output).
type Hit struct {
	Layer          string  `json:"layer"`
	ZoneID         string  `json:"zone_id"`
	ZoneClass      string  `json:"zone_class"`
	OverlapAreaM2  float64 `json:"overlap_area_m2"`
	OverlapLengthM float64 `json:"overlap_length_m"`
}

// Checker answers checks and locates against one indexed dataset. It is safe for
// concurrent use: each call takes a GEOS context of its own from a pool and makes
// there the GEOS geometries of the pieces it needs (the index holds none).
type Checker struct {
	idx     *Index
	ds      *Dataset
	workers sync.Pool // *geo.Context
	// Now and NewID are the clock and report-id source (tests replace them).
	Now   func() time.Time
	NewID func() string
	// layerOrder is each layer's place in the dataset, which orders what a
	// report lists; made once, not at every check.
	layerOrder map[string]int
}

// NewChecker indexes ds with the default options and returns a checker for it.
func NewChecker(ds *Dataset) (*Checker, error) {
	idx, err := NewIndex(ds, IndexOptions{})
	if err != nil {
		return nil, err
	}
	return NewCheckerFor(idx), nil
}

// NewCheckerFor returns a checker on an existing index.
func NewCheckerFor(idx *Index) *Checker {
	c := &Checker{idx: idx, ds: idx.ds, Now: func() time.Time { return time.Now().UTC() }, NewID: reportid.New,
		layerOrder: map[string]int{}}
	for i, l := range idx.ds.Layers {
		c.layerOrder[l.ID] = i
	}
	c.workers.New = func() any { return geo.NewContext() }
	return c
}

// Dataset returns the dataset the checker serves.
func (c *Checker) Dataset() *Dataset { return c.ds }

// Index returns the checker's index.
func (c *Checker) Index() *Index { return c.idx }

// zoneHit is what the overlay found for one zone.
type zoneHit struct {
	zone      *Zone
	areaM2    float64
	lengthM   float64
	crossings int
	points    int
	overlap   orb.Geometry
	// areaWhole: the footprint's area lies wholly in the zone, so the polygons
	// of overlap are exactly the footprint's (pf.area).
	areaWhole bool
	distanceM float64 // for nearby zones
	// pieces are the zone's pieces near the footprint, for the sites' overlays.
	pieces []*piece
	// boundaryM is the distance from the footprint to the zone's boundary when it
	// lies within the boundary tolerance (the hit is then among overlay's edge).
	boundaryM float64
	// deep is true when the overlap reaches farther than the tolerance from the
	// zone's boundary: the boundary drawn a few metres off would still leave the
	// footprint in the zone (reachesBeyond).
	deep bool
	// edges are the zone's boundary edges near the footprint (boundaryEdges),
	// once edgesScanned.
	edges        orb.MultiLineString
	edgesScanned bool
}

func (h *zoneHit) intersects() bool {
	return h.areaM2 > 0 || h.lengthM > 0 || h.crossings > 0 || h.points > 0
}

// Check intersects the footprint with every zone, finds the zones within the
// buffer, and evaluates the rules for p.
func (c *Checker) Check(ctx context.Context, fp Footprint, p Project, opts CheckOptions) (*Report, error) {
	gctx := c.workers.Get().(*geo.Context)
	defer c.workers.Put(gctx)

	// A scratch of its own, never released: its hits become the report's.
	sc := new(overlayScratch)
	pf, err := prepareFootprintIn(&sc.pf, gctx, fp.Geometry, opts)
	if err != nil {
		return nil, err
	}
	buffer := opts.Buffer.Metres()
	tol := c.boundaryTolerance(opts)
	hits, near, edge, err := c.overlay(ctx, gctx, pf, buffer, tol, sc)
	if err != nil {
		return nil, err
	}
	crs := fp.CRS
	if crs == "" {
		crs = "EPSG:4490"
	}
	r := &Report{
		ReportID:  c.NewID(),
		CreatedAt: c.Now(),
		Dataset:   DatasetRef{Name: c.ds.Name, Version: c.ds.Version},
		Footprint: FootprintInfo{
			Type:     pf.typ,
			AreaM2:   round3(pf.areaM2),
			LengthM:  round3(pf.lengthM),
			Points:   len(pf.points),
			Vertices: pf.vertices,
			Bounds:   [4]float64{pf.bound.Min[0], pf.bound.Min[1], pf.bound.Max[0], pf.bound.Max[1]},
			GKZone:   gkZone(pf.geometry()),
			CRS:      crs,
			Repaired: pf.repaired,
			Warnings: append(append([]string{}, fp.Warnings...), pf.warnings...),
		},
		Intersections:      make([]Intersection, 0, len(hits)),
		Nearby:             make([]Nearby, 0, len(near)),
		BufferM:            buffer,
		NearBoundary:       []NearBoundary{},
		BoundaryToleranceM: tol,
		Geometry:           pf.geometry(),
	}
	if pf.area != nil {
		r.Footprint.AreaGKM2 = round3(pf.gkAreaM2(r.Footprint.GKZone))
	}
	if !p.IsZero() {
		pc := p
		r.Project = &pc
	}
	var sites map[*Zone][]string
	if len(fp.Sites) > 1 && len(hits) > 0 {
		if sites, err = siteNames(gctx, fp.Sites, hits); err != nil {
			return nil, err
		}
	}
	for _, h := range hits {
		in := newIntersection(h, pf, r.Footprint.GKZone, opts.IncludeGeometry)
		in.Sites = sites[h.zone]
		r.Intersections = append(r.Intersections, in)
	}
	for _, h := range near {
		r.Nearby = append(r.Nearby, nearbyOf(h.zone, h.distanceM))
	}
	layerOrder := c.layerOrder
	slices.SortStableFunc(r.Nearby, byDistance(layerOrder))
	Evaluate(r, p, c.ds.Rules, c.ds)
	reviewBoundaries(r, p, c.ds, edge, func(h *zoneHit) Intersection {
		return newIntersection(h, pf, r.Footprint.GKZone, false)
	}, layerOrder)
	return r, nil
}

// boundaryTolerance is the check's boundary-review band: the option, else the
// dataset's; 0 (or anything not a positive number) reviews no boundary.
func (c *Checker) boundaryTolerance(opts CheckOptions) float64 {
	tol := c.ds.BoundaryTolerance()
	if opts.BoundaryToleranceM != nil {
		tol = *opts.BoundaryToleranceM
	}
	if !(tol > 0) || math.IsInf(tol, 1) {
		return 0
	}
	return tol
}

// newIntersection is the report's entry for a zone hit, measured against the
// prepared footprint pf (shares) in Gauss-Krüger zone gk.
func newIntersection(h *zoneHit, pf *prepared, gk int, includeGeometry bool) Intersection {
	z := h.zone
	in := Intersection{
		Layer: z.Layer.ID, LayerTitle: z.Layer.Title, Kind: z.Layer.Kind,
		ZoneID: z.ID, ZoneName: z.Name, ZoneClass: z.Class,
		OverlapAreaM2: round3(h.areaM2), OverlapLengthM: round3(h.lengthM),
		Crossings: h.crossings, PointsInside: h.points,
		Rules: []RuleHit{}, Clauses: z.Clauses, Attributes: z.Attrs(),
		Overlap: h.overlap, Zone: z,
	}
	switch {
	case h.areaWhole && h.areaM2 > 0:
		// The overlap's polygons are the footprint's own, in the same order:
		// the same sum.
		in.OverlapAreaGKM2 = round3(pf.gkAreaM2(gk))
	case h.areaM2 > 0:
		in.OverlapAreaGKM2 = round3(gkArea(h.overlap, gk))
	}
	if in.Attributes == nil {
		in.Attributes = map[string]any{}
	}
	switch {
	case pf.areaM2 > 0:
		in.FootprintShare = roundShare(h.areaM2 / pf.areaM2)
	case pf.lengthM > 0:
		in.FootprintShare = roundShare(h.lengthM / pf.lengthM)
	case len(pf.points) > 0:
		in.FootprintShare = roundShare(float64(h.points) / float64(len(pf.points)))
	}
	if includeGeometry && h.overlap != nil {
		in.Geometry = geojson.NewGeometry(h.overlap)
	}
	return in
}

// SortIntersections orders intersections as DESIGN.md says: by severity, then overlap
// (area, then length) descending, then layer and zone id for a stable order.
func SortIntersections(ins []Intersection) {
	slices.SortStableFunc(ins, func(a, b Intersection) int {
		return cmp.Or(
			cmp.Compare(b.Verdict.Severity(), a.Verdict.Severity()),
			cmp.Compare(b.OverlapAreaM2, a.OverlapAreaM2),
			cmp.Compare(b.OverlapLengthM, a.OverlapLengthM),
			cmp.Compare(b.Crossings+b.PointsInside, a.Crossings+a.PointsInside),
			cmp.Compare(a.Layer, b.Layer),
			cmp.Compare(a.ZoneID, b.ZoneID))
	})
}

func (pf *prepared) geometry() orb.Geometry {
	// The usual footprint is of one kind: returned as it is, with no
	// collection made to hold it (a check asks three times).
	switch {
	case pf.line == nil && len(pf.points) == 0:
		if pf.area != nil {
			return pf.area
		}
	case pf.area == nil && len(pf.points) == 0:
		return pf.line
	}
	var parts orb.Collection
	if pf.area != nil {
		parts = append(parts, pf.area)
	}
	if pf.line != nil {
		parts = append(parts, pf.line)
	}
	switch len(pf.points) {
	case 0:
	case 1:
		parts = append(parts, pf.points[0])
	default:
		parts = append(parts, orb.MultiPoint(pf.points))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return parts
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func roundShare(x float64) float64 {
	if x > 1 {
		x = 1 // rounding of two measurements of the same area
	}
	return math.Round(x*1e9) / 1e9
}

// Locate returns the zones g lies in (as DESIGN.md counts intersections) with the
// overlap area or length; no rules, no nearby zones. Points take a fast path.
func (c *Checker) Locate(ctx context.Context, g orb.Geometry) ([]Hit, error) {
	if pt, ok := g.(orb.Point); ok {
		if err := crs.CheckLonLat(pt[0], pt[1], crs.Where{}); err != nil {
			return nil, err
		}
		return c.locatePoint(pt), nil
	}
	gctx := c.workers.Get().(*geo.Context)
	defer c.workers.Put(gctx)
	sc := overlayScratches.Get().(*overlayScratch)
	defer sc.release()
	pf, err := prepareFootprintIn(&sc.pf, gctx, g, CheckOptions{})
	if err != nil {
		return nil, err
	}
	pf.measureOnly = true
	hits, _, _, err := c.overlay(ctx, gctx, pf, 0, 0, sc)
	if err != nil {
		return nil, err
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		out = append(out, Hit{Layer: h.zone.Layer.ID, ZoneID: h.zone.ID, ZoneClass: h.zone.Class,
			OverlapAreaM2: round3(h.areaM2), OverlapLengthM: round3(h.lengthM)})
	}
	return out, nil
}

// overlayScratch is the working memory of one overlay: the prepared footprint,
// its geometries, the pieces found and the zone hits. Locate takes
// one from a pool and releases it (it copies the hits out), where a 100 m
// square otherwise made ~1.2 KB of them; Check makes its own, which the report
// keeps.
type overlayScratch struct {
	pf    prepared
	fg    footprintGeoms
	found []*piece
	room  []zoneHit
	hits  []*zoneHit
}

var overlayScratches = sync.Pool{New: func() any { return new(overlayScratch) }}

// release drops what sc points to and returns it to the pool.
func (sc *overlayScratch) release() {
	sc.pf = prepared{}
	sc.fg = footprintGeoms{}
	clear(sc.found[:cap(sc.found)])
	clear(sc.room)
	clear(sc.hits[:cap(sc.hits)])
	overlayScratches.Put(sc)
}

// overlay finds, for the prepared footprint, every zone it intersects, every
// other zone within buffer metres (near), and every zone, intersected or not,
// whose boundary lies within tol metres of it (edge; DESIGN.md near_boundary).
//
// sc is the working memory: hits point into it.
func (c *Checker) overlay(ctx context.Context, gctx *geo.Context, pf *prepared, buffer, tol float64, sc *overlayScratch) (hits, near, edge []*zoneHit, err error) {
	// Candidate pieces: bbox within the buffer or the tolerance, grouped by zone
	// in index order. All of a zone's pieces share its ord, so a stable sort by
	// ord groups them, keeping the R-tree's order within a zone, in one slice
	// (no map, no group to allocate: a small footprint meets few pieces).
	reach := max(buffer, tol)
	search := expandMetres(pf.bound, reach)
	found := sc.found[:0]
	if found == nil {
		found = make([]*piece, 0, 16)
	}
	found = c.idx.near(search, found)
	sc.found = found
	if len(found) == 0 {
		return nil, nil, nil, nil
	}
	// Keep the result independent of how the pieces were found: layer order,
	// then zone order, then each zone's pieces in their order (the index lays
	// a zone's pieces out together, in order, at any scale).
	slices.SortFunc(found, func(a, b *piece) int { return cmp.Or(cmp.Compare(a.ord, b.ord), byPlace(a, b)) })
	type group struct {
		zone   *Zone
		pieces []*piece
	}
	groups := func(yield func(group) bool) {
		for i := 0; i < len(found); {
			j := i + 1
			for j < len(found) && found[j].zone == found[i].zone {
				j++
			}
			if !yield(group{zone: found[i].zone, pieces: found[i:j:j]}) {
				return
			}
			i = j
		}
	}

	fg := sc.fg.init(gctx, pf)
	defer fg.destroy()
	zonesMet := 0
	for range groups {
		zonesMet++
	}
	if cap(sc.room) < zonesMet {
		sc.room = make([]zoneHit, zonesMet)
		sc.hits = make([]*zoneHit, 0, zonesMet)
	}
	fg.hitRoom = sc.room[:zonesMet]
	clear(fg.hitRoom) // a pooled scratch's hits of the footprint before
	hits = sc.hits[:0]
	n := 0
	for g := range groups {
		// The deadline is read every few zones: a small check meets a dozen,
		// and each reading of the clock (the deadline's) costs ~0.1 µs.
		if n%8 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, errcode.New(errcode.Timeout, nil, "check stopped: %v", err)
			}
		}
		n++
		h, err := fg.overlayZone(gctx, g.zone, g.pieces)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("zones: overlay with layer %q zone %q: %w", g.zone.Layer.ID, g.zone.ID, err)
		}
		h.pieces = g.pieces
		if h.intersects() {
			hits = append(hits, h)
			if tol > 0 {
				d, ok, err := fg.boundaryDistance(gctx, h, tol)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("zones: distance to the boundary of layer %q zone %q: %w", g.zone.Layer.ID, g.zone.ID, err)
				}
				if ok {
					h.boundaryM = d
					if h.deep, err = fg.reachesBeyond(gctx, h, tol); err != nil {
						return nil, nil, nil, fmt.Errorf("zones: depth in layer %q zone %q: %w", g.zone.Layer.ID, g.zone.ID, err)
					}
					edge = append(edge, h)
				}
			}
			continue
		}
		pieces := g.pieces
		if buffer <= 0 {
			// Only the boundary band is asked for: the pieces' cell grids rule out
			// most pieces without measuring.
			pieces = fg.within(g.pieces, tol)
		}
		if reach <= 0 || len(pieces) == 0 {
			continue
		}
		// The footprint does not meet the zone, so the nearest point of the zone is
		// on its boundary: one distance serves both lists.
		d := fg.distance(pieces, reach)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("zones: distance to layer %q zone %q: %w", g.zone.Layer.ID, g.zone.ID, err)
		}
		if d <= buffer {
			h.distanceM = d
			near = append(near, h)
		}
		if d <= tol {
			h.boundaryM = d
			edge = append(edge, h)
		}
	}
	return hits, near, edge, nil
}

// expandMetres grows a lon/lat bound by m metres on every side (conservatively).
func expandMetres(b orb.Bound, m float64) orb.Bound {
	if m <= 0 {
		return b
	}
	lat := math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	dLat := m / 110000 * 1.01
	dLon := m / (111000 * math.Cos(lat*math.Pi/180)) * 1.01
	return orb.Bound{Min: orb.Point{b.Min[0] - dLon, b.Min[1] - dLat}, Max: orb.Point{b.Max[0] + dLon, b.Max[1] + dLat}}
}
