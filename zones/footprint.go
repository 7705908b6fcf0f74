package zones

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/planar"
)

// prepared is a footprint split by dimension, validated, repaired where allowed,
// and measured.
type prepared struct {
	area   orb.Geometry // orb.Polygon or orb.MultiPolygon, valid; nil if none
	line   orb.Geometry // orb.LineString or orb.MultiLineString; nil if none
	points []orb.Point

	areaM2, lengthM float64
	bound           orb.Bound
	areaBound       orb.Bound // area's
	// lineLens are the lengths of the segments of line's lines (lineLengths),
	// nil where line is neither a LineString nor a MultiLineString.
	lineLens [][]float64
	vertices int
	typ      string
	repaired bool
	warnings []string

	// measureOnly: only the measures of the overlaps are asked for, not their
	// shapes (Locate), so overlayZone may measure an area without GEOS.
	measureOnly bool

	// gkM2 is the area's Gauss-Krüger area in zone gkZone once gkDone: the
	// footprint's own and that of every zone it lies wholly in, so projected
	// once a check and not once for each.
	gkM2   float64
	gkZone int
	gkDone bool
}

// gkAreaM2 is gkArea(pf.area, zone), computed once per zone asked.
func (pf *prepared) gkAreaM2(zone int) float64 {
	if !pf.gkDone || pf.gkZone != zone {
		pf.gkM2, pf.gkZone, pf.gkDone = gkArea(pf.area, zone), zone, true
	}
	return pf.gkM2
}

// pos builds an errcode.Error details map.
func pos(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// prepareFootprint checks the footprint's structure and coordinates, normalises
// repeated vertices, repairs invalid polygons (or refuses them when strict) and
// measures what is left.
func prepareFootprint(gctx *geo.Context, g orb.Geometry, opts CheckOptions) (*prepared, error) {
	return prepareFootprintIn(new(prepared), gctx, g, opts)
}

// prepareFootprintIn is prepareFootprint into fp (overwritten whole).
func prepareFootprintIn(fp *prepared, gctx *geo.Context, g orb.Geometry, opts CheckOptions) (*prepared, error) {
	if g == nil {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "the footprint has no geometry")
	}
	*fp = prepared{typ: g.GeoJSONType()}
	w := footprintWalk{fp: fp}
	if err := w.walk(g); err != nil {
		return nil, err
	}
	polys, lines := w.polys, w.lines
	if len(polys) == 0 && len(lines) == 0 && len(fp.points) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "the footprint (%s) is empty", fp.typ)
	}
	fp.vertices = w.vertices
	if opts.MaxVertices > 0 && fp.vertices > opts.MaxVertices {
		return nil, errcode.New(errcode.PayloadTooLarge, pos("vertices", fp.vertices, "limit", opts.MaxVertices),
			"the footprint has %d vertices, more than the limit of %d", fp.vertices, opts.MaxVertices)
	}

	// Polygons: each part valid on its own (repaired and disclosed, or refused when
	// strict), then the parts dissolved so that overlapping sites count once.
	var valid orb.MultiPolygon
	if len(polys) == 1 && plainValid(polys[0]) {
		// The usual footprint: its one polygon, valid, taken as it is (the walk's
		// list) with no list made for it and nothing left for the loop.
		valid, polys = polys[:1:1], nil
	}
	for i, p := range polys {
		if plainValid(p) {
			valid = append(valid, p)
			continue
		}
		// A polygon of a few thousand vertices is validated by GEOS first and
		// counted only when found invalid, before its repair: a valid one, the
		// usual case, costs no count (the count is ~3 times IsValid's time).
		counted := planar.NumVertices(p) > maxUncountedVertices
		if counted {
			if err := boundedForGEOS(i, p); err != nil {
				return nil, err
			}
		}
		out, ok, reason, err := gctx.RepairIf(p, planar.DimArea, func(reason string) error {
			if !counted {
				if err := boundedForGEOS(i, p); err != nil {
					return err
				}
			}
			return repairable(i, p, reason)
		})
		if err != nil {
			return nil, repairFailed(i, reason, err)
		}
		if !ok {
			if opts.Strict {
				return nil, errcode.New(errcode.InvalidGeometry, pos("part", i, "reason", reason),
					"footprint polygon %d is invalid: %s (strict mode refuses repairs)", i, describeDefect(reason))
			}
			if out == nil {
				return nil, errcode.New(errcode.InvalidGeometry, pos("part", i, "reason", reason),
					"footprint polygon %d is invalid (%s) and nothing of it remains after repair", i, describeDefect(reason))
			}
			fp.repaired = true
			fp.warnings = append(fp.warnings, fmt.Sprintf(
				"footprint polygon %d was invalid (%s) and was repaired with MakeValid; area after repair %.1f m²",
				i, describeDefect(reason), geo.Area(out)))
		}
		switch o := out.(type) {
		case orb.Polygon:
			valid = append(valid, o)
		case orb.MultiPolygon:
			valid = append(valid, o...)
		}
	}
	switch {
	case len(valid) == 1:
		fp.area = valid[0]
		fp.areaM2 = geo.Area(fp.area)
	case len(valid) > 1:
		var rings []orb.Ring
		var partOf []int
		for i, p := range valid {
			for _, r := range p {
				rings, partOf = append(rings, r), append(partOf, i)
			}
		}
		if err := boundedDissolve("polygon", rings, partOf); err != nil {
			return nil, err
		}
		sum := geo.Area(valid)
		d, err := dissolve(gctx, valid)
		if err != nil {
			return nil, fmt.Errorf("zones: dissolve footprint parts: %w", err)
		}
		fp.area = d
		// The dissolved area is the footprint's (measured once).
		after := geo.Area(d)
		fp.areaM2 = after
		if after < sum*(1-1e-9) {
			fp.warnings = append(fp.warnings, fmt.Sprintf(
				"footprint parts overlap: %.1f m² counted once (%.1f m² in all, %.1f m² as given)", sum-after, after, sum))
		}
	}
	switch len(lines) {
	case 0:
	case 1:
		fp.line = lines[0]
		fp.lineLens, fp.lengthM = lineLengths(fp.line)
	default:
		// Line parts that run over each other (a route drawn twice) count once.
		rings, partOf := make([]orb.Ring, len(lines)), make([]int, len(lines))
		for i, l := range lines {
			rings[i], partOf[i] = orb.Ring(l), i
		}
		if err := boundedDissolve("line", rings, partOf); err != nil {
			return nil, err
		}
		sum := geo.Length(orb.MultiLineString(lines))
		d, err := dissolveLines(gctx, lines)
		if err != nil {
			return nil, fmt.Errorf("zones: dissolve footprint lines: %w", err)
		}
		fp.line = d
		var after float64
		fp.lineLens, after = lineLengths(d)
		fp.lengthM = after
		if after < sum*(1-1e-9) {
			fp.warnings = append(fp.warnings, fmt.Sprintf(
				"footprint lines overlap: %.1f m counted once (%.1f m in all, %.1f m as given)", sum-after, after, sum))
		}
	}
	fp.bound = g.Bound()
	fp.areaBound = fp.bound
	if a, ok := fp.area.(orb.Polygon); !ok || !samePolygon(a, g) {
		fp.areaBound = orb.Bound{}
		if fp.area != nil {
			fp.areaBound = fp.area.Bound()
		}
	}
	return fp, nil
}

// lineLengths returns the lengths of the segments of each line of l (a
// LineString or MultiLineString; nil for anything else) and geo.Length(l), to
// the bit: the same inverses, added line by line in the same order.
func lineLengths(l orb.Geometry) ([][]float64, float64) {
	var lines []orb.LineString
	switch l := l.(type) {
	case orb.LineString:
		lines = []orb.LineString{l}
	case orb.MultiLineString:
		lines = l
	default:
		return nil, geo.Length(l)
	}
	lens := make([][]float64, len(lines))
	total := 0.0
	for k, ls := range lines {
		lens[k] = geo.SegmentLengths(ls, nil)
		sum := 0.0
		for _, s := range lens[k] {
			sum += s
		}
		total += sum
	}
	return lens, total
}

// samePolygon reports whether a is the polygon g as given (the walk keeps a
// polygon it need not clean as it is): then a's bound is g's.
func samePolygon(a orb.Polygon, g orb.Geometry) bool {
	p, ok := g.(orb.Polygon)
	return ok && len(a) == len(p) && len(a) > 0 && &a[0] == &p[0]
}

// footprintWalk sorts a footprint's parts by dimension, checking and cleaning
// each, and counts its vertices as given. A struct with methods rather than a
// recursive closure: a footprint of one polygon allocates nothing here.
type footprintWalk struct {
	fp    *prepared
	polys []orb.Polygon
	lines []orb.LineString
	// part numbers the parts of the footprint in input order (0-based).
	part     int
	vertices int
}

func (w *footprintWalk) walk(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Point:
		w.vertices++
		if err := crs.CheckLonLat(g[0], g[1], crs.Where{}.Part(w.part)); err != nil {
			return err
		}
		w.fp.points = append(w.fp.points, g)
		w.part++
	case orb.MultiPoint:
		return walkAll(w, g)
	case orb.LineString:
		w.vertices += len(g)
		ls, err := cleanLine(g, w.part)
		if err != nil {
			return err
		}
		if ls != nil {
			w.lines = append(w.lines, ls)
		}
		w.part++
	case orb.MultiLineString:
		return walkAll(w, g)
	case orb.Polygon:
		for _, r := range g {
			w.vertices += len(r)
		}
		p, err := cleanPolygon(g, w.part)
		if err != nil {
			return err
		}
		if p != nil {
			if w.polys == nil {
				w.polys = make([]orb.Polygon, 0, 1)
			}
			w.polys = append(w.polys, p)
		}
		w.part++
	case orb.MultiPolygon:
		return walkAll(w, g)
	case orb.Collection:
		return walkAll(w, g)
	case orb.Ring:
		return w.walk(orb.Polygon{g})
	default:
		return errcode.New(errcode.InvalidGeometry, pos("part", w.part), "unsupported geometry type %s", g.GeoJSONType())
	}
	return nil
}

// walkAll walks each part in turn, stopping at the first error.
func walkAll[T orb.Geometry](w *footprintWalk, parts []T) error {
	for _, p := range parts {
		if err := w.walk(p); err != nil {
			return err
		}
	}
	return nil
}

func dissolve(gctx *geo.Context, mp orb.MultiPolygon) (orb.Geometry, error) {
	gs := make([]*geo.Geom, 0, len(mp))
	defer func() {
		for _, g := range gs {
			g.Destroy()
		}
	}()
	for _, p := range mp {
		g, err := gctx.FromOrb(p)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	u, err := gctx.Union(gs)
	if err != nil {
		return nil, err
	}
	defer u.Destroy()
	o, err := u.Orb()
	if err != nil {
		return nil, err
	}
	return planar.Extract(o, planar.DimArea), nil
}

// dissolveLines unions line parts (GEOS nodes them where they cross and keeps a
// shared stretch once); parts that only cross keep their length.
func dissolveLines(gctx *geo.Context, lines []orb.LineString) (orb.Geometry, error) {
	g, err := gctx.FromOrb(orb.MultiLineString(lines))
	if err != nil {
		return nil, err
	}
	defer g.Destroy()
	u, err := g.Dissolve()
	if err != nil {
		return nil, err
	}
	defer u.Destroy()
	o, err := u.Orb()
	if err != nil {
		return nil, err
	}
	return planar.Extract(o, planar.DimLine), nil
}

// repairFailed says what a GEOS failure while validating or repairing footprint
// polygon i means. A polygon whose validity GEOS cannot decide is refused, never
// taken as valid; one GEOS found invalid (reason) but could not repair is refused
// too: both are about this input, and the reviewer can redraw it. Any other
// failure is the service's.
func repairFailed(i int, reason string, err error) error {
	if e, ok := errcode.As(err); ok {
		return e // repairable's refusal
	}
	switch geo.FailedOp(err) {
	case geo.OpValidity:
		return &errcode.Error{Code: errcode.InvalidGeometry, Details: pos("part", i), Err: err,
			Message: fmt.Sprintf("footprint polygon %d: GEOS could not decide whether it is valid (%v); it is refused rather than taken as valid", i, err)}
	case geo.OpMakeValid:
		return &errcode.Error{Code: errcode.InvalidGeometry, Details: pos("part", i, "reason", reason), Err: err,
			Message: fmt.Sprintf("footprint polygon %d is invalid (%s) and GEOS could not repair it (%v)", i, describeDefect(reason), err)}
	}
	return fmt.Errorf("zones: check footprint polygon %d: %w", i, err)
}

// The bounds put on a footprint polygon before GEOS validates or repairs it.
// No deadline can interrupt a GEOS call, and a check's slot and a core are
// held for as long as one runs, so its input is bounded instead (STYLE.md).
// Measured on the 2-core AMD EPYC VM (geo/repair_bench_test.go, GEOS 3.11):
//
//   - MakeValid grows like k^1.55 in k, the ring's crossings, fastest for
//     points scattered in any order (every crossing making new faces): 272
//     crossings 0.05 s, 1,213 0.41 s, 1,985 1.0 s, 2,548 1.3 s, 4,831 3.4 s,
//     10,155 11.2 s; 2,000 scattered points (~450,000 crossings) would take
//     the best part of an hour. Crossings kept local (a 10,000-vertex circle
//     with vertices swapped) cost less: 1,706 0.30 s, 11,400 2.3 s.
//   - MakeValid also costs ~12 µs a vertex with a single crossing: 100,000
//     vertices 1.1 s, 1,000,000 12.5 s. The 1,985 scattered crossings spliced
//     into rings of 2,000, 25,000, 50,000 and 100,000 vertices took 1.4, 1.6,
//     2.1 and 2.3 s.
//   - IsValid, asked of every polygon first, stops at its first defect
//     (100,000 scattered points: 0.12 s), but tests every pair of edges whose
//     boxes overlap: a valid comb of slanted slivers a millimetre wide took 5.9
//     s at 20,000 vertices and 159 s at 100,000, some 30 ns a pair.
//
// So the worst repair admitted takes about 2 s, and 1 s unless the polygon
// has tens of thousands of vertices too.
const (
	// maxRepairCrossings bounds the crossings of a polygon GEOS repairs: ~1 s
	// at worst (scattered points), where real digitising errors — a bow-tie,
	// a few hundred crossings of a boundary drawn back over itself — stay
	// well within it.
	maxRepairCrossings = 2000
	// maxRepairVertices bounds the vertices of an invalid polygon GEOS
	// repairs (~0.6 s of them). A valid polygon is not bounded by it.
	maxRepairVertices = 50_000
	// nearPairsBase and nearPairsPerEdge bound the pairs of nearby edges
	// SelfCrossings tests: what a simple ring needs (~2 an edge) many times
	// over, and 4M pairs are ~0.12 s of GEOS's IsValid on a comb.
	nearPairsBase    = 1 << 22
	nearPairsPerEdge = 16
)

// boundedForGEOS refuses footprint polygon i (its rings cleaned) when GEOS
// could not validate or repair it in bounded time: more than
// maxRepairCrossings crossing or overlapping edge pairs, or edges packed so
// closely that even counting them runs out of work. It runs in milliseconds
// on 100,000 vertices (planar.SelfCrossings).
func boundedForGEOS(i int, p orb.Polygon) error {
	c, edges, work := countCrossings(p, maxRepairCrossings)
	switch {
	case c.Exhausted:
		return errcode.New(errcode.PayloadTooLarge,
			pos("part", i, "edges", edges, "pairs", c.Pairs, "limit", work),
			"footprint polygon %d has too many edges lying close together to be validated in bounded time "+
				"(more than %d pairs of nearby edges among its %d edges): it is refused; simplify it, or split it into parts",
			i, work, edges)
	case c.N > maxRepairCrossings:
		return errcode.New(errcode.InvalidGeometry,
			pos("part", i, "ring", c.Ring, "crossings", c.N, "limit", maxRepairCrossings),
			"footprint polygon %d crosses itself at least %d times (most in ring %d), more than the %d crossings redline repairs: "+
				"its coordinates look like a list of points rather than a boundary traced in order; "+
				"send the boundary's corners in order around the site, or the points as a MultiPoint",
			i, c.N, c.Ring, maxRepairCrossings)
	}
	return nil
}

// maxUncountedVertices is the most vertices of a polygon GEOS validates before
// its crossings are counted: IsValid's worst case, the comb, tests every pair of
// its edges (~30 ns each), ~0.25 s at 4,096 vertices.
const maxUncountedVertices = 4096

// countCrossings counts the crossings of p's rings (planar.SelfCrossings) up
// to one past limit, within the work its edges allow: nearPairsBase and
// nearPairsPerEdge an edge.
func countCrossings(p orb.Polygon, limit int) (c planar.Crossings, edges, work int) {
	for _, r := range p {
		edges += max(0, len(r)-1)
	}
	work = nearPairsBase + nearPairsPerEdge*edges
	return planar.SelfCrossings(p, limit+1, work), edges, work
}

// maxDissolveCrossings bounds the crossings between the parts of a footprint
// that GEOS dissolves (a union, for parts that overlap count once): each is a
// node of the union, ~30 µs apiece — two valid combs of 100 teeth crossing
// 40,000 times took 1.2 s as polygons and 1.4 s as lines, 160,000 times 5.3 s
// — so a few thousand vertices could hold a core for minutes. ~1 s at most;
// sites that only touch or share edges stay far within it.
const maxDissolveCrossings = 30_000

// boundedDissolve refuses a footprint whose kind parts (polygon or line), as
// rings (a line's points as they are; partOf[i] the part of rings[i]), cross or
// overlap each other more than maxDissolveCrossings times, or lie so closely
// together that they cannot be counted in bounded time. Each part alone is
// valid or a line, so the pairs counted are between parts.
func boundedDissolve(kind string, rings []orb.Ring, partOf []int) error {
	c, edges, work := countCrossings(orb.Polygon(rings), maxDissolveCrossings)
	switch {
	case c.Exhausted:
		return errcode.New(errcode.PayloadTooLarge, pos("edges", edges, "pairs", c.Pairs, "limit", work),
			"the footprint's %s parts have too many edges lying close together to be merged in bounded time "+
				"(more than %d pairs of nearby edges among their %d edges): it is refused; simplify them, or send them as separate footprints",
			kind, work, edges)
	case c.N > maxDissolveCrossings:
		return errcode.New(errcode.InvalidGeometry, pos("part", partOf[c.Ring], "crossings", c.N, "limit", maxDissolveCrossings),
			"the footprint's %s parts cross each other at least %d times (most of them %s part %d), more than the %d redline merges: "+
				"send parts that overlap only where the sites do, or the parts as separate footprints",
			kind, c.N, kind, partOf[c.Ring], maxDissolveCrossings)
	}
	return nil
}

// repairable is asked by GEOS's repair once footprint polygon i is found
// invalid (reason): a polygon of more than maxRepairVertices vertices is
// refused rather than repaired.
func repairable(i int, p orb.Polygon, reason string) error {
	if n := planar.NumVertices(p); n > maxRepairVertices {
		return errcode.New(errcode.InvalidGeometry, pos("part", i, "reason", reason, "vertices", n, "limit", maxRepairVertices),
			"footprint polygon %d is invalid (%s) and has %d vertices, more than the %d redline repairs: correct it before sending it",
			i, describeDefect(reason), n, maxRepairVertices)
	}
	return nil
}

// describeDefect turns GEOS's reason ("Self-intersection[108.5 33.1]") into words
// a reviewer can act on, keeping the location.
func describeDefect(reason string) string {
	names := []struct{ geos, words string }{
		{"Ring Self-intersection", "a ring touches itself (ring self-intersection)"},
		{"Self-intersection", "edges cross each other (self-intersection, e.g. a bow-tie)"},
		{"Hole lies outside shell", "a hole lies outside its shell"},
		{"Holes are nested", "holes are nested"},
		{"Interior is disconnected", "the interior is disconnected"},
		{"Nested shells", "shells are nested"},
		{"Duplicate Rings", "duplicate rings"},
		{"Too few points", "too few points"},
	}
	for _, n := range names {
		if len(reason) >= len(n.geos) && reason[:len(n.geos)] == n.geos {
			return n.words + " at " + trimBrackets(reason[len(n.geos):])
		}
	}
	return reason
}

func trimBrackets(s string) string {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		return s[1 : len(s)-1]
	}
	return s
}

// cleanRing drops consecutive repeated vertices (a normalisation, not a repair) and
// refuses rings that are unclosed or too short.
func cleanRing(r orb.Ring, part, ring int) (orb.Ring, error) {
	for v, p := range r {
		if err := crs.CheckLonLat(p[0], p[1], crs.Where{}.Part(part).Ring(ring).Vertex(v)); err != nil {
			return nil, err
		}
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		return nil, errcode.New(errcode.InvalidGeometry, pos("part", part, "ring", ring),
			"ring %d of footprint part %d is not closed: its last vertex %v differs from its first %v", ring, part, r[len(r)-1], r[0])
	}
	// A ring without repeats is kept as given (nothing changes it later).
	out := r
	if hasRepeats(r) {
		out = make(orb.Ring, 0, len(r))
		for _, p := range r {
			if len(out) == 0 || out[len(out)-1] != p {
				out = append(out, p)
			}
		}
	}
	if len(out) < 4 {
		return nil, errcode.New(errcode.InvalidGeometry, pos("part", part, "ring", ring, "points", len(out)),
			"ring %d of footprint part %d has too few distinct points (%d; a ring needs at least 3 distinct corners and a closing point)", ring, part, len(out))
	}
	return out, nil
}

func cleanPolygon(p orb.Polygon, part int) (orb.Polygon, error) {
	if len(p) == 0 {
		return nil, nil
	}
	var out orb.Polygon // made only when a ring changes or is dropped
	for i, r := range p {
		if len(r) == 0 {
			if out == nil {
				out = append(make(orb.Polygon, 0, len(p)), p[:i]...)
			}
			continue
		}
		c, err := cleanRing(r, part, i)
		if err != nil {
			return nil, err
		}
		if out == nil && len(c) != len(r) {
			out = append(make(orb.Polygon, 0, len(p)), p[:i]...)
		}
		if out != nil {
			out = append(out, c)
		}
	}
	if out == nil {
		return p, nil
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// hasRepeats reports whether r has a vertex equal to the one before it.
func hasRepeats(r []orb.Point) bool {
	for i := 1; i < len(r); i++ {
		if r[i] == r[i-1] {
			return true
		}
	}
	return false
}

func cleanLine(l orb.LineString, part int) (orb.LineString, error) {
	if len(l) == 0 {
		return nil, nil
	}
	out := make(orb.LineString, 0, len(l))
	for v, p := range l {
		if err := crs.CheckLonLat(p[0], p[1], crs.Where{}.Part(part).Vertex(v)); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if len(out) < 2 {
		return nil, errcode.New(errcode.InvalidGeometry, pos("part", part, "points", len(out)),
			"line %d of the footprint has fewer than 2 distinct points", part)
	}
	return out, nil
}

// simpleRingLimit bounds the rings checked for simplicity in Go (O(n²) pairs);
// longer rings go to GEOS.
const simpleRingLimit = 64

// plainValid reports whether p is certainly valid without asking GEOS: one ring,
// at most simpleRingLimit vertices, non-zero area, and no two edges meeting except
// neighbours at their shared vertex. false means "ask GEOS", not "invalid".
func plainValid(p orb.Polygon) bool {
	if len(p) != 1 || len(p[0]) > simpleRingLimit+1 || len(p[0]) < 4 {
		return false
	}
	r := p[0]
	if planar.SignedArea(r) == 0 {
		return false
	}
	n := len(r) - 1 // edges; r is closed and has no consecutive repeats
	for i := 0; i < n; i++ {
		a, b := r[i], r[i+1]
		for j := i + 1; j < n; j++ {
			c, d := r[j], r[j+1]
			adjacent := j == i+1 || (i == 0 && j == n-1)
			if adjacent {
				// Neighbours share one vertex; they must not fold back on each other.
				if j == i+1 && planar.Backtracks(a, b, d) { // a-b then b-d
					return false
				}
				if j != i+1 && planar.Backtracks(c, a, b) { // c-a closes onto a-b
					return false
				}
				continue
			}
			if planar.SegmentsMeet(a, b, c, d) {
				return false
			}
		}
	}
	return true
}
