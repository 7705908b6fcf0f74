// Package dxf reads the site boundary from an ASCII DXF drawing — the 用地红线图 a
// design institute or surveyor sends, exported from AutoCAD or CASS — in pure Go.
//
// A drawing holds many layers (道路, 标注, 图框, 坐标表 …); one of them is the red
// line. Read takes the layer Options.Layer names, else the layer whose name says
// 用地红线, 红线, 界址, 用地, boundary or redline and holds closed shapes, else the
// only layer holding closed shapes, and says which it took and which other layers
// held closed shapes (vector.Collection.Warnings). Closed shapes are closed
// LWPOLYLINE and POLYLINE entities (or ones whose last vertex repeats the first),
// CIRCLE, full ELLIPSE, closed SPLINE and every HATCH boundary path; on the chosen
// layer, LINE, ARC and open polylines that together close rings are joined end to
// end (within 1 mm). Block references (INSERT, MINSERT) are expanded with their
// insertion point, scale, rotation and base point, nested up to maxDepth deep;
// entities of a block on layer 0 take the layer of the reference.
//
// Geometry: bulges and circular arcs are densified to a chord tolerance (default
// 0.05 m), all vertices on the true arc; ellipses likewise; splines are sampled.
// Object coordinate systems (extrusion 210/220/230) follow AutoCAD's arbitrary
// axis algorithm, so a mirrored entity (0, 0, −1) comes out mirrored in x.
// Coordinates are scaled to metres by $INSUNITS (unitless drawings are taken as
// metres, and the warning says so); x is the easting and y the northing, as CASS
// draws. DXF names no coordinate system: the collection's CRS is "", and
// data/formats decides it as for other files (zone-prefixed eastings, or a
// declared CRS).
//
// The reader walks the group-code/value pairs over the bytes as given, without
// building a token list; it keeps the geometry of the candidate layers only and
// the counts of the others, so a drawing of many decoy entities costs little
// beyond its bytes. Binary DXF and DWG are refused. Names are decoded from
// $DWGCODEPAGE (ANSI_936 = GBK) for drawings before AutoCAD 2007 (AC1021), as
// UTF-8 after, with \U+XXXX escapes.
package dxf

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// Format is the vector.Collection.Format of this reader.
const Format = "dxf"

// DefaultChordTolerance is the largest distance, in metres, between an arc and the
// chords that stand for it.
const DefaultChordTolerance = 0.05

// DefaultMaxVertices bounds the vertices read from the chosen layer(s).
const DefaultMaxVertices = 2_000_000

// Limits on block references: nesting depth, and the entities one drawing may
// expand to (a block of a thousand inserting a block of a thousand …).
const (
	maxDepth    = 16
	maxExpanded = 5_000_000
)

// BinarySentinel starts a binary DXF.
const BinarySentinel = "AutoCAD Binary DXF"

// Options steer reading.
type Options struct {
	// Layer names the layer holding the boundary (dxf_layer); "" chooses one.
	Layer string
	// ChordTolerance in metres; zero means DefaultChordTolerance.
	ChordTolerance float64
	// MaxVertices bounds the vertices read; zero means DefaultMaxVertices.
	MaxVertices int
}

// Sniff reports whether b looks like an ASCII DXF: its first pair (after
// comments, group 999) is group 0 SECTION.
func Sniff(b []byte) bool {
	s := newScanner(b[:min(len(b), 4096)])
	for s.next() {
		if s.code == 999 {
			continue
		}
		return s.code == 0 && s.is("SECTION")
	}
	return false
}

// Read reads the boundary of a DXF drawing: one feature, the chosen layer, whose
// geometry is the closed rings found on it as a MultiLineString of closed lines
// (data/formats takes them as the areas they bound, holes nested), or, when the
// caller named a layer holding no closed shape, its lines or points.
func Read(b []byte, opts Options) (*vector.Collection, error) {
	if bytes.HasPrefix(b, []byte(BinarySentinel)) {
		return nil, errcode.New(errcode.UnsupportedMedia, nil,
			"dxf: a binary DXF is not read: save the drawing as ASCII DXF (AutoCAD: SAVEAS, DXF, without the binary option)")
	}
	if opts.ChordTolerance <= 0 || math.IsNaN(opts.ChordTolerance) {
		opts.ChordTolerance = DefaultChordTolerance
	}
	if opts.MaxVertices <= 0 {
		opts.MaxVertices = DefaultMaxVertices
	}
	want := strings.TrimSpace(opts.Layer)
	// First pass: the counts of every layer, and the geometry of the layers that
	// could be the red line.
	p1 := &pass{opts: opts, accept: func(l string) bool {
		if want != "" {
			return sameLayer(l, want)
		}
		return nameRank(l) >= 0
	}}
	if err := p1.run(b); err != nil {
		return nil, err
	}
	if len(p1.order) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "dxf: the drawing has no entity in model space")
	}
	chosen, why, lines, err := p1.choose(want)
	if err != nil {
		return nil, err
	}
	p := p1
	if p.geom[chosen] == nil {
		// The fallback took a layer the first pass did not keep: read it again.
		p = &pass{opts: opts, accept: func(l string) bool { return l == chosen }}
		if err := p.run(b); err != nil {
			return nil, err
		}
	}
	return p.collection(chosen, why, lines)
}

// sameLayer: layer names as a user types them match regardless of case and
// surrounding spaces.
func sameLayer(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// layerWords are what a red-line layer's name says, most telling first.
var layerWords = []string{"用地红线", "用地范围", "红线", "界址", "用地", "boundary", "redline", "red_line", "red line"}

// notBoundaryWords mark layers that name a red line of something else (a road's
// 道路红线, a building line 建筑红线/退线) or annotations of it.
var notBoundaryWords = []string{"道路", "建筑", "退线", "退让", "标注", "文字", "注记", "text", "dim"}

// nameRank is the position in layerWords of the first word the layer's name
// holds, or −1.
func nameRank(layer string) int {
	l := strings.ToLower(layer)
	for _, w := range notBoundaryWords {
		if strings.Contains(l, w) {
			return -1
		}
	}
	for i, w := range layerWords {
		if strings.Contains(l, w) {
			return i
		}
	}
	return -1
}

// layerStats counts what a layer holds.
type layerStats struct {
	counts map[string]int // entities by type
	closed map[string]int // closed shapes by entity type
	nRings int            // closed shapes
}

// layerGeom is the geometry read from an accepted layer, in metres.
type layerGeom struct {
	rings  []orb.Ring // closed shapes
	kinds  []string   // the entity type of each ring
	open   []orb.LineString
	points []orb.Point
	chain  *chained // open pieces joined into rings (done once, on demand)
}

// pass is one walk over a drawing.
type pass struct {
	opts   Options
	accept func(layer string) bool

	text   *text
	scale  float64 // drawing units to metres
	units  string  // what $INSUNITS said, for the warning
	insu   int
	acad   string
	tol    float64 // chord tolerance in metres
	blocks map[string]*block

	order    []string // layers in the order first seen
	stats    map[string]*layerStats
	geom     map[string]*layerGeom
	expanded int
	vertices int
	paper    int
	missing  map[string]int // references to undefined blocks
	capped   bool
	arcs     bool
}

func (p *pass) run(b []byte) error {
	p.text = newText()
	p.scale, p.units = 1, "no $INSUNITS: drawing units taken as metres"
	p.tol = p.opts.ChordTolerance
	p.blocks = map[string]*block{}
	p.stats = map[string]*layerStats{}
	p.geom = map[string]*layerGeom{}
	p.missing = map[string]int{}
	s := newScanner(b)
	er := &entityReader{s: s, text: p.text}
	for s.next() {
		if s.code == 999 {
			continue
		}
		if s.code != 0 {
			return s.errorf(errcode.BadRequest, "", "group %d outside a section (expected 0 SECTION)", s.code)
		}
		if s.is("EOF") {
			break
		}
		if !s.is("SECTION") {
			return s.errorf(errcode.BadRequest, "", "%q outside a section (expected 0 SECTION)", clip(string(s.val), 40))
		}
		if !s.next() || s.code != 2 {
			if s.err != nil {
				return s.err
			}
			return s.errorf(errcode.BadRequest, "", "a SECTION without its name (group 2)")
		}
		name := string(bytes.TrimSpace(s.val))
		var err error
		switch name {
		case "HEADER":
			err = p.header(s)
		case "BLOCKS":
			er.tol, er.reuse = p.tol/p.scale, false
			err = p.blockSection(er)
		case "ENTITIES":
			er.tol, er.reuse = p.tol/p.scale, true
			_, err = p.entities(er, func(it item) error { return p.emit(it, affine{a: p.scale, e: p.scale}, "", 0) })
		default:
			err = skipSection(s)
		}
		if err != nil {
			return err
		}
	}
	return s.err
}

// skipSection reads up to the section's ENDSEC.
func skipSection(s *scanner) error {
	for s.next() {
		if s.code == 0 && s.is("ENDSEC") {
			return nil
		}
	}
	return s.err
}

// insUnits are the $INSUNITS codes read, in metres.
var insUnits = map[int]struct {
	m    float64
	name string
}{
	1: {0.0254, "inches"}, 2: {0.3048, "feet"}, 3: {1609.344, "miles"}, 4: {0.001, "millimetres"},
	5: {0.01, "centimetres"}, 6: {1, "metres"}, 7: {1000, "kilometres"}, 8: {0.0254e-6, "microinches"},
	9: {0.0254e-3, "mils"}, 10: {0.9144, "yards"}, 11: {1e-10, "ångströms"}, 12: {1e-9, "nanometres"},
	13: {1e-6, "micrometres"}, 14: {0.1, "decimetres"}, 15: {10, "decametres"}, 16: {100, "hectometres"},
	17: {1e9, "gigametres"}, 21: {1200.0 / 3937, "US survey feet"}, 22: {100.0 / 3937, "US survey inches"},
	23: {3600.0 / 3937, "US survey yards"}, 24: {6336000.0 / 3937, "US survey miles"},
}

// header reads $ACADVER, $DWGCODEPAGE and $INSUNITS.
func (p *pass) header(s *scanner) error {
	variable := ""
	codepage := ""
	defer func() {
		if p.acad >= "AC1021" {
			p.text.setUTF8()
		} else if codepage != "" && !p.text.setCodePage(codepage) {
			p.text.name = codepage // unknown: names are guessed (UTF-8, else GBK)
		}
	}()
	for s.next() {
		switch {
		case s.code == 0 && s.is("ENDSEC"):
			return nil
		case s.code == 9:
			variable = string(bytes.TrimSpace(s.val))
		case variable == "$ACADVER" && s.code == 1:
			p.acad = strings.ToUpper(string(bytes.TrimSpace(s.val)))
		case variable == "$DWGCODEPAGE" && s.code == 3:
			codepage = string(bytes.TrimSpace(s.val))
		case variable == "$INSUNITS" && s.code == 70:
			u, err := s.int(nil)
			if err != nil {
				return err
			}
			p.insu = u
			if m, ok := insUnits[u]; ok {
				p.scale = m.m
				p.units = fmt.Sprintf("$INSUNITS=%d: drawing units are %s", u, m.name)
				if u != 6 {
					p.units += ", scaled to metres"
				}
			} else {
				p.units = fmt.Sprintf("$INSUNITS=%d (unitless or unknown): drawing units taken as metres", u)
			}
		}
	}
	return s.err
}

// blockSection reads the block definitions.
func (p *pass) blockSection(er *entityReader) error {
	s := er.s
	for s.next() {
		if s.code != 0 {
			continue
		}
		switch {
		case s.is("ENDSEC"):
			return nil
		case s.is("BLOCK"):
			name, blk, err := p.blockHeader(er)
			if err != nil {
				return err
			}
			end, err := p.entities(er, func(it item) error {
				blk.items = append(blk.items, it)
				return nil
			})
			if err != nil {
				return err
			}
			p.blocks[name] = blk
			if end == "ENDSEC" {
				return nil
			}
		}
	}
	return s.err
}

// blockHeader reads a BLOCK's name (group 2) and base point (10, 20).
func (p *pass) blockHeader(er *entityReader) (string, *block, error) {
	s := er.s
	blk := &block{}
	name := ""
	for s.next() {
		if s.code == 0 {
			s.unread()
			return name, blk, nil
		}
		var err error
		switch s.code {
		case 2:
			name = p.text.decode(s.val)
		case 10:
			blk.base[0], err = s.float(nil)
		case 20:
			blk.base[1], err = s.float(nil)
		}
		if err != nil {
			return "", nil, err
		}
	}
	return name, blk, s.err
}

// entities reads entities up to ENDSEC or ENDBLK (consumed; which one is
// returned), handing each to sink; POLYLINE with its VERTEX entities comes as one.
func (p *pass) entities(er *entityReader, sink func(item) error) (string, error) {
	s := er.s
	var poly *item
	flush := func() error {
		if poly == nil {
			return nil
		}
		it := *poly
		poly = nil
		if it.skip {
			it.paths = nil
		}
		return sink(it)
	}
	for s.next() {
		if s.code != 0 {
			continue // stray groups between entities: read past
		}
		kind := kindOf(bytes.TrimSpace(s.val))
		switch kind {
		case "ENDSEC", "ENDBLK":
			if err := flush(); err != nil {
				return "", err
			}
			return kind, skipEntity(s)
		case "SEQEND":
			if err := flush(); err != nil {
				return "", err
			}
			if err := skipEntity(s); err != nil {
				return "", err
			}
			continue
		}
		it, err := er.entity(kind)
		if err != nil {
			return "", err
		}
		if kind == "VERTEX" {
			if poly != nil && !it.skip {
				if len(poly.paths[0].v) >= p.opts.MaxVertices {
					return "", lineError(errcode.PayloadTooLarge, poly.line, poly.h(), "POLYLINE: more than %d vertices", p.opts.MaxVertices)
				}
				poly.paths[0].v = append(poly.paths[0].v, it.paths[0].v[0])
			}
			continue
		}
		if kind == "ATTRIB" {
			continue // the attributes of an INSERT: text
		}
		if err := flush(); err != nil {
			return "", err
		}
		if kind == "POLYLINE" {
			pl := it // a copy, so that it does not escape for every entity
			poly = &pl
			continue
		}
		if err := sink(it); err != nil {
			return "", err
		}
	}
	if err := flush(); err != nil {
		return "", err
	}
	return "", s.err
}

// entityKinds are the entity types of a drawing, so that their names are not
// allocated once per entity.
var entityKinds = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"LWPOLYLINE", "POLYLINE", "VERTEX", "SEQEND", "LINE", "POINT", "ARC", "CIRCLE",
		"ELLIPSE", "SPLINE", "HATCH", "INSERT", "ATTRIB", "ATTDEF", "TEXT", "MTEXT", "DIMENSION", "LEADER",
		"MLEADER", "SOLID", "TRACE", "3DFACE", "3DSOLID", "REGION", "MLINE", "XLINE", "RAY", "VIEWPORT",
		"IMAGE", "WIPEOUT", "ENDSEC", "ENDBLK", "BLOCK", "ACAD_PROXY_ENTITY", "TABLE", "OLE2FRAME"} {
		m[k] = k
	}
	return m
}()

func kindOf(b []byte) string {
	if k, ok := entityKinds[string(b)]; ok {
		return k
	}
	return string(b)
}

// skipEntity reads past the groups of the current entity.
func skipEntity(s *scanner) error {
	for s.next() {
		if s.code == 0 {
			s.unread()
			return nil
		}
	}
	return s.err
}

// emit counts an item of model space (or of a block, under t) and keeps its
// geometry when its layer is accepted; a block reference is expanded.
func (p *pass) emit(it item, t affine, inherited string, depth int) error {
	if it.paper && depth == 0 {
		p.paper++
		return nil
	}
	layer := it.layer
	if inherited != "" && layer == "0" {
		layer = inherited
	}
	st := p.stats[layer]
	if st == nil {
		st = &layerStats{counts: map[string]int{}, closed: map[string]int{}}
		p.stats[layer] = st
		p.order = append(p.order, layer)
	}
	p.expanded++
	if p.expanded > maxExpanded {
		return lineError(errcode.PayloadTooLarge, it.line, it.h(), "block references expand to more than %d entities", maxExpanded)
	}
	st.counts[it.kind]++
	if it.ins != nil {
		return p.expand(it, t, layer, depth)
	}
	for _, pa := range it.paths {
		if isClosed(pa) {
			st.closed[it.kind]++
			st.nRings++
		}
	}
	if !p.accept(layer) {
		return nil
	}
	g := p.geom[layer]
	if g == nil {
		g = &layerGeom{}
		p.geom[layer] = g
	}
	tt := it.ocs.then(t)
	if !finiteAffine(tt) {
		return lineError(errcode.InvalidCoordinates, it.line, it.h(), "%s: its transform is not finite", it.kind)
	}
	p.capped = p.capped || it.capped
	if it.point != nil {
		g.points = append(g.points, tt.apply(*it.point))
		p.vertices++
	}
	for _, pa := range it.paths {
		if len(pa.v) == 0 {
			continue
		}
		for _, v := range pa.v {
			if v.bulge != 0 {
				p.arcs = true
				break
			}
		}
		pts, capped := flatten(pa, tt, p.tol, nil)
		p.capped = p.capped || capped
		p.vertices += len(pts)
		if p.vertices > p.opts.MaxVertices {
			return lineError(errcode.PayloadTooLarge, it.line, it.h(), "layer %q holds more than %d vertices once arcs are densified", layer, p.opts.MaxVertices)
		}
		if isClosed(pa) {
			if pa.closed || pts[0] != pts[len(pts)-1] {
				pts = append(pts, pts[0])
			}
			g.rings = append(g.rings, orb.Ring(pts))
			g.kinds = append(g.kinds, it.kind)
		} else if len(pts) >= 2 && slices.ContainsFunc(pts[1:], func(q orb.Point) bool { return q != pts[0] }) {
			// A line of no length (its ends on one point) draws nothing.
			g.open = append(g.open, orb.LineString(pts))
		}
	}
	return nil
}

// isClosed: a closed path with at least three vertices (or two joined by arcs, a
// circle), or an open one whose last vertex repeats the first.
func isClosed(pa path) bool {
	n := len(pa.v)
	if pa.closed {
		return n >= 3 || n == 2 && (pa.v[0].bulge != 0 || pa.v[1].bulge != 0)
	}
	return n >= 4 && pa.v[0].p == pa.v[n-1].p
}

// expand emits the entities of the block an INSERT names.
func (p *pass) expand(it item, t affine, layer string, depth int) error {
	blk := p.blocks[it.ins.block]
	if blk == nil {
		p.missing[it.ins.block]++
		return nil
	}
	if depth >= maxDepth {
		return lineError(errcode.InvalidGeometry, it.line, it.h(),
			"INSERT: blocks nest more than %d deep at block %q (a block that inserts itself?)", maxDepth, it.ins.block)
	}
	o := it.ocs
	for r := 0; r < it.ins.rows; r++ {
		for c := 0; c < it.ins.cols; c++ {
			bt := it.ins.transform(blk.base, c, r, o).then(t)
			for _, sub := range blk.items {
				if err := p.emit(sub, bt, layer, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// describe says what a layer holds: "3 LINE, 2 LWPOLYLINE (1 closed)".
func (st *layerStats) describe() string {
	kinds := make([]string, 0, len(st.counts))
	for k := range st.counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		s := strconv.Itoa(st.counts[k]) + " " + k
		if c := st.closed[k]; c > 0 && k != "HATCH" && k != "CIRCLE" {
			s += fmt.Sprintf(" (%d closed)", c)
		} else if c > 0 && k == "HATCH" {
			s += fmt.Sprintf(" (%d boundary paths)", c)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// inventory lists every layer and what it holds, for errors.
func (p *pass) inventory() string {
	var parts []string
	for _, l := range p.order {
		parts = append(parts, fmt.Sprintf("%q: %s", l, p.stats[l].describe()))
	}
	s := strings.Join(parts, "; ")
	if p.paper > 0 {
		s += fmt.Sprintf("; and %d entities in paper space (not read)", p.paper)
	}
	return s
}
