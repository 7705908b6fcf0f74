package zones

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/paulmach/orb"
)

// SnapshotVersion is the version of the index snapshot's layout (EncodeSnapshot).
// Change it with any change to what the index holds or how it is cut: a snapshot
// of another version is never read.
const SnapshotVersion = 5

// The snapshot's payload is the prepared dataset, ready to serve without cutting
// or validating anything: a gob header (the layers, the load summary, the
// lengths of what follows), the zone table and the piece table (snaptab.go),
// and then the flat arrays as they lie in memory (little-endian), each 8-byte
// aligned: the zones' coordinates and rings, the pieces' coordinates and rings,
// the cell grids, and the point grid (since version 2: read, not built, when a
// snapshot is opened). Version 3: the pieces laid out zone by zone in the
// zones' spatial order (placement), not in dataset order; a version 2 snapshot
// would serve as well, but laid out as before, so it is rebuilt. Version 4:
// every zone's box (Zone.Bound), so that nothing reads the zones' coordinates
// to learn it. Version 5: the zones and the pieces in tables of their own,
// not in the gob header. DecodeSnapshot keeps the arrays where they are in the
// buffer it is given (no copy), so the buffer the file was read into becomes
// the index's storage.

type snapHeader struct {
	Layers  []snapLayer
	Summary LoadSummary
	// The zone and piece tables' lengths in bytes, and the pieces' count.
	ZoneTab, PieceTab, Pieces int
	// Lengths of the arrays that follow, in elements.
	ZXY, ZRings, XY, Rings, Words, Start, Edges int
	Points                                      snapPoints
}

// snapPoints is the point grid's frame; its arrays (start, items) follow the
// cell grids'. NStart is 0 when the index has no polygonal piece.
type snapPoints struct {
	Bound          [4]float64
	NX, NY         int32
	SX, SY         float64
	NStart, NItems int
}

type snapLayer struct {
	ID, Title, Source string
	Kind              Kind
	Geom              GeomType
	// Zones is how many of the zone table's records are the layer's (after
	// the layers before it).
	Zones int
}

// A zone's record in the zone table (writeZone, readZone): its ID, name and
// class; its attributes (tabWriter.attrs); its clauses and park, each behind a
// flag; its geometry's coordinates and rings (counts), whether it is multi
// and lineal, its vertices, its box.
//
// A piece's record in the piece table (writePiece, readPiece): the zone's
// position in the dataset, the box, flags (pieceArea, pieceMulti,
// pieceLineal, pieceGrid), its coordinates and rings (counts) and, with a
// cell grid, the grid's size and scale and its words, starts and edges.
const (
	pieceArea byte = 1 << iota
	pieceMulti
	pieceLineal
	pieceGrid
)

func init() {
	// Attribute values as the readers make them, nested in GeoJSON properties
	// (for tagGob, which these never reach: snaptab.go has tags for them).
	gob.Register(map[string]any{})
	gob.Register([]any{})
}

// writeZone appends z's record, whose geometry is s.
func writeZone(w *tabWriter, z *Zone, s *shape) error {
	w.str(z.ID)
	w.str(z.Name)
	w.str(z.Class)
	if err := w.attrs(z.Attrs()); err != nil {
		return err
	}
	w.flag(z.Clauses != nil)
	if c := z.Clauses; c != nil {
		w.str(c.SpatialLayout)
		w.str(c.PollutantEmission)
		w.str(c.EnvironmentalRisk)
		w.str(c.ResourceEfficiency)
	}
	w.flag(z.Park != nil)
	if p := z.Park; p != nil {
		w.str(p.PlanningEIA)
		w.strs(p.Industries)
	}
	w.uvarint(len(s.xy))
	w.uvarint(len(s.rings))
	w.flag(s.multi)
	w.flag(s.lineal)
	w.uvarint(s.numVertices())
	b := z.Bound()
	w.bound([4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]})
	return nil
}

// zoneRecord is a zone's record as read, before its geometry is placed.
type zoneRecord struct {
	zone                *Zone
	nxy, nrings, nverts int
	multi, lineal       bool
}

// readZone reads a zone's record (r.err says whether it could).
func readZone(r *tabReader) zoneRecord {
	z := &Zone{ID: r.str(), Name: r.str(), Class: r.shared()}
	// The attributes are checked and left where they are, for Attrs to read
	// on first use; but a value of gob's, which only decoding checks (no
	// reader makes one), is decoded now.
	at := r.off
	if r.skipAttrs() {
		r.off = at
		z.Attributes = r.attrs()
	} else if r.err == nil && r.b[at] != tagNil {
		z.attrsAt = r.b[at:r.off:r.off]
	}
	if r.flag() {
		z.Clauses = &Clauses{SpatialLayout: r.shared(), PollutantEmission: r.shared(), EnvironmentalRisk: r.shared(), ResourceEfficiency: r.shared()}
	}
	if r.flag() {
		z.Park = &Park{PlanningEIA: r.shared()}
		if ind := r.strings(); len(ind) > 0 { // none is nil, as gob read it
			z.Park.Industries = ind
		}
	}
	rec := zoneRecord{zone: z}
	rec.nxy, rec.nrings = r.count(math.MaxInt32), r.count(math.MaxInt32)
	rec.multi, rec.lineal = r.flag(), r.flag()
	rec.nverts = r.count(math.MaxInt32)
	b := r.bound()
	z.bound.Store(&orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}})
	return rec
}

// writePiece appends p's record.
func writePiece(w *tabWriter, p *piece) {
	w.uvarint(int(p.ord))
	w.bound([4]float64{p.bound.Min[0], p.bound.Min[1], p.bound.Max[0], p.bound.Max[1]})
	var flags byte
	for _, f := range []struct {
		on  bool
		bit byte
	}{{p.area, pieceArea}, {p.shape.multi, pieceMulti}, {p.shape.lineal, pieceLineal}, {p.cells != nil, pieceGrid}} {
		if f.on {
			flags |= f.bit
		}
	}
	w.b = append(w.b, flags)
	w.uvarint(len(p.shape.xy))
	w.uvarint(len(p.shape.rings))
	if cg := p.cells; cg != nil {
		w.uvarint(cg.nx)
		w.uvarint(cg.ny)
		w.f64(cg.sx)
		w.f64(cg.sy)
		w.uvarint(len(cg.words))
		w.uvarint(len(cg.start))
		w.uvarint(len(cg.edges))
	}
}

// pieceRecord is a piece's record as read.
type pieceRecord struct {
	zone                   int32
	bound                  [4]float64
	flags                  byte
	nxy, nrings            int32
	gnx, gny               int32
	sx, sy                 float64
	nwords, nstart, nedges int32
}

func readPiece(r *tabReader) (p pieceRecord) {
	p.zone, p.bound, p.flags = r.int32(), r.bound(), r.byte()
	p.nxy, p.nrings = r.int32(), r.int32()
	if p.flags&pieceGrid != 0 {
		p.gnx, p.gny, p.sx, p.sy = r.int32(), r.int32(), r.f64(), r.f64()
		p.nwords, p.nstart, p.nedges = r.int32(), r.int32(), r.int32()
	}
	return p
}

// EncodeSnapshot writes the index's dataset (layers and zones; not the rules,
// industries or settings, which the manifest gives) and its pieces to w.
func EncodeSnapshot(w io.Writer, idx *Index) error {
	h := snapHeader{Summary: idx.ds.Summary}
	var zxy []float64
	var zrings []uint32
	var zt, pt tabWriter
	for _, l := range idx.ds.Layers {
		h.Layers = append(h.Layers, snapLayer{ID: l.ID, Title: l.Title, Source: l.Source, Kind: l.Kind, Geom: l.Geom, Zones: len(l.Zones)})
		for _, z := range l.Zones {
			s := shapeOf(z.Geometry)
			if len(s.rings) == 0 {
				return fmt.Errorf("zones: snapshot: layer %q zone %q: geometry %T cannot be stored", l.ID, z.ID, z.Geometry)
			}
			zxy = append(zxy, s.xy...)
			zrings = append(zrings, s.rings...)
			if err := writeZone(&zt, z, &s); err != nil {
				return fmt.Errorf("zones: snapshot: layer %q zone %q: %w", l.ID, z.ID, err)
			}
		}
	}
	for i := range idx.pieces {
		writePiece(&pt, &idx.pieces[i])
	}
	h.ZoneTab, h.PieceTab, h.Pieces = len(zt.b), len(pt.b), len(idx.pieces)
	st := &idx.store
	h.ZXY, h.ZRings, h.XY, h.Rings = len(zxy), len(zrings), len(st.xy), len(st.rings)
	h.Words, h.Start, h.Edges = len(st.words), len(st.start), len(st.edges)
	g := &idx.points
	h.Points = snapPoints{Bound: [4]float64{g.bound.Min[0], g.bound.Min[1], g.bound.Max[0], g.bound.Max[1]},
		NX: int32(g.nx), NY: int32(g.ny), SX: g.sx, SY: g.sy, NStart: len(g.start), NItems: len(g.items)}
	var hb bytes.Buffer
	if err := gob.NewEncoder(&hb).Encode(&h); err != nil {
		return fmt.Errorf("zones: snapshot header: %w", err)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(hb.Len()))
	ew := &errWriter{w: w}
	ew.write(n[:])
	ew.write(hb.Bytes())
	ew.pad()
	writeArray(ew, zt.b)
	writeArray(ew, pt.b)
	writeArray(ew, zxy)
	writeArray(ew, zrings)
	writeArray(ew, st.xy)
	writeArray(ew, st.rings)
	writeArray(ew, st.words)
	writeArray(ew, st.rank)
	writeArray(ew, st.start)
	writeArray(ew, st.edges)
	writeArray(ew, g.start)
	writeArray(ew, g.items)
	return ew.err
}

// errWriter keeps the first error and counts what it wrote, for padding.
type errWriter struct {
	w   io.Writer
	n   int
	err error
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
		e.n += len(b)
	}
}

var zeros [8]byte

func (e *errWriter) pad() { e.write(zeros[:(8-e.n%8)%8]) }

// writeArray writes a pointer-free array as its bytes in memory, padded to 8.
func writeArray[T float64 | uint32 | uint64 | uint16 | byte](e *errWriter, a []T) {
	if len(a) > 0 {
		e.write(unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*int(unsafe.Sizeof(a[0]))))
	}
	e.pad()
}

// arrayAt returns the n elements of type T at *off in b, in place when b is
// aligned there (else a copy), and moves *off past them and their padding.
func arrayAt[T float64 | uint32 | uint64 | uint16 | byte](b []byte, off *int, n int) ([]T, error) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n < 0 || n > (len(b)-*off)/size {
		return nil, fmt.Errorf("an array of %d elements runs past the end (%d bytes left)", n, len(b)-*off)
	}
	if n == 0 {
		return nil, nil
	}
	raw := b[*off : *off+n*size]
	*off += n * size
	*off += (8 - *off%8) % 8
	var out []T
	if uintptr(unsafe.Pointer(&raw[0]))%unsafe.Alignof(zero) == 0 {
		out = unsafe.Slice((*T)(unsafe.Pointer(&raw[0])), n)
	} else {
		out = make([]T, n)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*size), raw)
	}
	return out[:n:n], nil
}

// ErrSnapshot marks a snapshot payload that cannot be read.
var ErrSnapshot = errors.New("zones: bad snapshot")

// DecodeSnapshot reads the payload EncodeSnapshot wrote into ds (which has the
// manifest's name, rules and settings; its layers and summary come from the
// payload) and returns the index. The payload's arrays stay in b, which must
// not be changed afterwards. The caller has checked b's integrity (checksum);
// DecodeSnapshot still checks that every length and offset fits, so that a
// damaged payload is an error, never a panic or a piece out of bounds.
func DecodeSnapshot(b []byte, ds *Dataset) (idx *Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("%w: %v", ErrSnapshot, r)
		}
	}()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrSnapshot, fmt.Sprintf(format, args...))
	}
	if len(b) < 8 {
		return nil, bad("%d bytes", len(b))
	}
	hl := binary.LittleEndian.Uint64(b)
	if hl > uint64(len(b)-8) {
		return nil, bad("header of %d bytes in %d", hl, len(b))
	}
	var h snapHeader
	if err := gob.NewDecoder(bytes.NewReader(b[8 : 8+hl])).Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	off := 8 + int(hl)
	off += (8 - off%8) % 8
	var st store
	var zxy []float64
	var zrings, gridStart []uint32
	var zoneTab, pieceTab []byte
	var tablesEnd, zonesAt, zonesEnd int
	var gridItems []uint64
	for _, a := range []func() error{
		func() (err error) { zoneTab, err = arrayAt[byte](b, &off, h.ZoneTab); return },
		func() (err error) {
			pieceTab, err = arrayAt[byte](b, &off, h.PieceTab)
			tablesEnd, zonesAt = off, off
			return
		},
		func() (err error) { zxy, err = arrayAt[float64](b, &off, h.ZXY); return },
		func() (err error) { zrings, err = arrayAt[uint32](b, &off, h.ZRings); zonesEnd = off; return },
		func() (err error) { st.xy, err = arrayAt[float64](b, &off, h.XY); return },
		func() (err error) { st.rings, err = arrayAt[uint32](b, &off, h.Rings); return },
		func() (err error) { st.words, err = arrayAt[uint64](b, &off, h.Words); return },
		func() (err error) { st.rank, err = arrayAt[uint16](b, &off, h.Words); return },
		func() (err error) { st.start, err = arrayAt[uint16](b, &off, h.Start); return },
		func() (err error) { st.edges, err = arrayAt[uint16](b, &off, h.Edges); return },
		func() (err error) { gridStart, err = arrayAt[uint32](b, &off, h.Points.NStart); return },
		func() (err error) { gridItems, err = arrayAt[uint64](b, &off, h.Points.NItems); return },
	} {
		if err := a(); err != nil {
			return nil, bad("%v", err)
		}
	}
	if off != len(b) {
		return nil, bad("%d bytes after the arrays", len(b)-off)
	}

	// Zones, their geometries in place in zxy.
	total := 0
	for _, sl := range h.Layers {
		// A zone's record takes some bytes: a count beyond the table's is
		// damage, and must not size the arrays below.
		if sl.Zones < 0 || sl.Zones > len(zoneTab) || total+sl.Zones > len(zoneTab) {
			return nil, bad("layer %q: %d zones", sl.ID, sl.Zones)
		}
		total += sl.Zones
	}
	zonesByOrd := make([]*Zone, 0, total)
	layerOf := make([]string, 0, total)
	counts := make([]IndexStats, 0, total)
	zo := offsets{}
	ds.Layers = nil
	zr := sharingReader(zoneTab)
	for _, sl := range h.Layers {
		l := &Layer{ID: sl.ID, Kind: sl.Kind, Title: sl.Title, Source: sl.Source, Geom: sl.Geom}
		l.Zones = make([]*Zone, 0, sl.Zones)
		for i := range sl.Zones {
			rec := readZone(zr)
			if zr.err != nil {
				return nil, bad("layer %q zone %d: %v", sl.ID, i, zr.err)
			}
			z := rec.zone
			if zo.xy+rec.nxy > len(zxy) || zo.rings+rec.nrings > len(zrings) {
				return nil, bad("layer %q zone %q: geometry out of bounds", sl.ID, z.ID)
			}
			s := shape{xy: zxy[zo.xy : zo.xy+rec.nxy : zo.xy+rec.nxy], rings: zrings[zo.rings : zo.rings+rec.nrings : zo.rings+rec.nrings], multi: rec.multi, lineal: rec.lineal}
			zo.xy += rec.nxy
			zo.rings += rec.nrings
			if err := s.check(); err != nil {
				return nil, bad("layer %q zone %q: %v", sl.ID, z.ID, err)
			}
			z.Geometry, z.Layer = s.alias(), l
			l.Zones = append(l.Zones, z)
			zonesByOrd = append(zonesByOrd, z)
			layerOf = append(layerOf, l.ID)
			counts = append(counts, IndexStats{Zones: 1, Vertices: rec.nverts})
		}
		ds.Layers = append(ds.Layers, l)
	}
	if zr.off != len(zoneTab) {
		return nil, bad("zone table: %v", errTable)
	}
	if zo.xy != len(zxy) || zo.rings != len(zrings) {
		return nil, bad("zone geometries do not fill their arrays")
	}
	ds.Summary = h.Summary

	// Pieces, windows on the arrays.
	// Read once, above, and seldom again: the header (decoded into the
	// dataset) and the zones' own geometries (SeldomRead).
	if h.Pieces < 0 || h.Pieces > len(pieceTab) {
		return nil, bad("%d pieces in a table of %d bytes", h.Pieces, len(pieceTab))
	}
	idx = &Index{ds: ds, store: st, pieces: make([]piece, h.Pieces),
		seldom: [][]byte{b[:tablesEnd], b[zonesAt:zonesEnd]}}
	pr := &tabReader{b: pieceTab}
	var o offsets
	for i := range idx.pieces {
		sp := readPiece(pr)
		if pr.err != nil {
			return nil, bad("piece %d: %v", i, pr.err)
		}
		if int(sp.zone) >= len(zonesByOrd) || o.xy+int(sp.nxy) > len(st.xy) || o.rings+int(sp.nrings) > len(st.rings) {
			return nil, bad("piece %d out of bounds", i)
		}
		p := &idx.pieces[i]
		p.zone, p.ord, p.area = zonesByOrd[sp.zone], sp.zone, sp.flags&pieceArea != 0
		p.bound = orb.Bound{Min: orb.Point{sp.bound[0], sp.bound[1]}, Max: orb.Point{sp.bound[2], sp.bound[3]}}
		p.shape = shape{multi: sp.flags&pieceMulti != 0, lineal: sp.flags&pieceLineal != 0}
		var cg *cellGrid
		if sp.flags&pieceGrid != 0 {
			cells := int(sp.gnx) * int(sp.gny)
			if sp.gnx <= 0 || sp.gny <= 0 || int(sp.nwords) != (cells+31)/32 ||
				o.words+int(sp.nwords) > len(st.words) || o.start+int(sp.nstart) > len(st.start) || o.edges+int(sp.nedges) > len(st.edges) {
				return nil, bad("piece %d: cell grid out of bounds", i)
			}
			cg = &cellGrid{bound: p.bound, nx: int(sp.gnx), ny: int(sp.gny), sx: sp.sx, sy: sp.sy}
			p.cells = cg
		}
		o.window(&st, p, int(sp.nxy), int(sp.nrings), int(sp.nwords), int(sp.nstart), int(sp.nedges))
		if err := p.shape.check(); err != nil {
			return nil, bad("piece %d: %v", i, err)
		}
		if cg != nil {
			if err := cg.check(); err != nil {
				return nil, bad("piece %d: %v", i, err)
			}
		}
		counts[sp.zone].Pieces++
		if cg != nil {
			counts[sp.zone].Cells += cg.numCells()
		}
	}
	if pr.off != len(pieceTab) {
		return nil, bad("piece table: %v", errTable)
	}
	if o.xy != len(st.xy) || o.rings != len(st.rings) || o.words != len(st.words) || o.start != len(st.start) || o.edges != len(st.edges) {
		return nil, bad("pieces do not fill their arrays")
	}
	idx.plant()
	if idx.points, err = storedPointGrid(h.Points, gridStart, gridItems, idx.pieces); err != nil {
		return nil, bad("point grid: %v", err)
	}
	idx.plantLines()
	idx.byLayer = map[string]IndexStats{}
	for i, st := range counts {
		l := idx.byLayer[layerOf[i]]
		l.add(st)
		idx.byLayer[layerOf[i]] = l
		idx.stats.add(st)
	}
	return idx, nil
}

// check verifies that the shape's rings are in order and within its vertices,
// and that each has the vertices its kind needs.
func (s *shape) check() error {
	if len(s.xy)%2 != 0 {
		return errors.New("odd number of coordinates")
	}
	prev := 0
	for k, r := range s.rings {
		end := int(r &^ shellBit)
		if end < prev || end > s.numVertices() {
			return fmt.Errorf("ring %d ends at %d (previous %d, %d vertices)", k, end, prev, s.numVertices())
		}
		prev = end
	}
	if prev != s.numVertices() {
		return fmt.Errorf("rings cover %d of %d vertices", prev, s.numVertices())
	}
	if len(s.rings) > 0 && !s.lineal && s.rings[0]&shellBit == 0 {
		return errors.New("the first ring is no shell")
	}
	return nil
}

// check verifies that the grid's edge lists point at edges of its shape.
func (cg *cellGrid) check() error {
	if cg.start == nil {
		return nil
	}
	nb := cg.rankOf(cg.numCells() - 1)
	if cg.at(cg.numCells()-1) == cellBoundary {
		nb++
	}
	if len(cg.start) != nb+1 || int(cg.start[nb]) != len(cg.edges) {
		return fmt.Errorf("%d edge lists for %d boundary cells", len(cg.start)-1, nb)
	}
	for i := 1; i < len(cg.start); i++ {
		if cg.start[i] < cg.start[i-1] {
			return errors.New("edge lists out of order")
		}
	}
	nv := cg.s.numVertices()
	for _, e := range cg.edges {
		if int(e)+1 >= nv {
			return fmt.Errorf("edge %d of %d vertices", e, nv)
		}
	}
	return nil
}

// alias returns the shape as orb geometry whose points are the shape's own
// coordinates (no copy): orb.Point is two float64s, as the flat array holds
// them. The rings are capped at their length, so that appending to one copies.
func (s *shape) alias() orb.Geometry {
	return s.build(func(a, e int) []orb.Point {
		if e == a {
			return []orb.Point{}
		}
		return unsafe.Slice((*orb.Point)(unsafe.Pointer(&s.xy[2*a])), e-a)[: e-a : e-a]
	})
}
