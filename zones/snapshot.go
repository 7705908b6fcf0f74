package zones

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// SnapshotVersion is the version of the index snapshot's layout (EncodeSnapshot).
// Change it with any change to what the index holds or how it is cut: a snapshot
// of another version is never read.
const SnapshotVersion = 4

// The snapshot's payload is the prepared dataset, ready to serve without cutting
// or validating anything: a gob header (layers, zones and their attributes, the
// load summary, the pieces' table) and then the flat arrays as they lie in
// memory (little-endian), each 8-byte aligned: the zones' coordinates and
// rings, the pieces' coordinates and rings, the cell grids, and the point grid
// (since version 2: read, not built, when a snapshot is opened). Version 3: the
// pieces laid out zone by zone in the zones' spatial order (placement), not in
// dataset order; a version 2 snapshot would serve as well, but laid out as
// before, so it is rebuilt. Version 4: every zone's box (Zone.Bound), so that
// nothing reads the zones' coordinates to learn it. DecodeSnapshot
// keeps the arrays where they are in the buffer it is given (no copy), so the
// buffer the file was read into becomes the index's storage.

type snapHeader struct {
	Layers  []snapLayer
	Summary LoadSummary
	Pieces  []snapPiece
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
	Zones             []snapZone
}

type snapZone struct {
	ID, Name, Class string
	Attrs           map[string]any
	AttrsSet        bool // Attrs is an empty map, not nil (gob sends neither)
	Clauses         *Clauses
	Park            *Park
	NXY, NRings     int
	Multi, Lineal   bool
	Vertices        int
	Bound           [4]float64
}

type snapPiece struct {
	Zone               int32 // position of the zone in the dataset
	Bound              [4]float64
	Area, Multi        bool
	Lineal             bool
	NXY, NRings        int32
	Grid               bool
	GNX, GNY           int32
	SX, SY             float64
	NWords, NStart, NE int32
}

func init() {
	// Attribute values as the readers make them, nested in GeoJSON properties.
	gob.Register(map[string]any{})
	gob.Register([]any{})
}

// EncodeSnapshot writes the index's dataset (layers and zones; not the rules,
// industries or settings, which the manifest gives) and its pieces to w.
func EncodeSnapshot(w io.Writer, idx *Index) error {
	h := snapHeader{Summary: idx.ds.Summary}
	var zxy []float64
	var zrings []uint32
	for _, l := range idx.ds.Layers {
		sl := snapLayer{ID: l.ID, Title: l.Title, Source: l.Source, Kind: l.Kind, Geom: l.Geom}
		for _, z := range l.Zones {
			s := shapeOf(z.Geometry)
			if len(s.rings) == 0 {
				return fmt.Errorf("zones: snapshot: layer %q zone %q: geometry %T cannot be stored", l.ID, z.ID, z.Geometry)
			}
			zxy = append(zxy, s.xy...)
			zrings = append(zrings, s.rings...)
			b := z.Bound()
			sl.Zones = append(sl.Zones, snapZone{ID: z.ID, Name: z.Name, Class: z.Class,
				Attrs: z.Attributes, AttrsSet: z.Attributes != nil, Clauses: z.Clauses, Park: z.Park,
				NXY: len(s.xy), NRings: len(s.rings), Multi: s.multi, Lineal: s.lineal, Vertices: s.numVertices(),
				Bound: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}})
		}
		h.Layers = append(h.Layers, sl)
	}
	for i := range idx.pieces {
		p := &idx.pieces[i]
		sp := snapPiece{Zone: p.ord, Bound: [4]float64{p.bound.Min[0], p.bound.Min[1], p.bound.Max[0], p.bound.Max[1]},
			Area: p.area, Multi: p.shape.multi, Lineal: p.shape.lineal, NXY: int32(len(p.shape.xy)), NRings: int32(len(p.shape.rings))}
		if cg := p.cells; cg != nil {
			sp.Grid, sp.GNX, sp.GNY, sp.SX, sp.SY = true, int32(cg.nx), int32(cg.ny), cg.sx, cg.sy
			sp.NWords, sp.NStart, sp.NE = int32(len(cg.words)), int32(len(cg.start)), int32(len(cg.edges))
		}
		h.Pieces = append(h.Pieces, sp)
	}
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
func writeArray[T float64 | uint32 | uint64 | uint16](e *errWriter, a []T) {
	if len(a) > 0 {
		e.write(unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*int(unsafe.Sizeof(a[0]))))
	}
	e.pad()
}

// arrayAt returns the n elements of type T at *off in b, in place when b is
// aligned there (else a copy), and moves *off past them and their padding.
func arrayAt[T float64 | uint32 | uint64 | uint16](b []byte, off *int, n int) ([]T, error) {
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
	var zonesEnd int
	var gridItems []uint64
	zonesAt := off
	for _, a := range []func() error{
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
	var zonesByOrd []*Zone
	var layerOf []string
	var counts []IndexStats
	zo := offsets{}
	ds.Layers = nil
	for _, sl := range h.Layers {
		l := &Layer{ID: sl.ID, Kind: sl.Kind, Title: sl.Title, Source: sl.Source, Geom: sl.Geom}
		for _, sz := range sl.Zones {
			if sz.NXY < 0 || sz.NRings < 0 || zo.xy+sz.NXY > len(zxy) || zo.rings+sz.NRings > len(zrings) {
				return nil, bad("layer %q zone %q: geometry out of bounds", sl.ID, sz.ID)
			}
			s := shape{xy: zxy[zo.xy : zo.xy+sz.NXY : zo.xy+sz.NXY], rings: zrings[zo.rings : zo.rings+sz.NRings : zo.rings+sz.NRings], multi: sz.Multi, lineal: sz.Lineal}
			zo.xy += sz.NXY
			zo.rings += sz.NRings
			if err := s.check(); err != nil {
				return nil, bad("layer %q zone %q: %v", sl.ID, sz.ID, err)
			}
			z := &Zone{ID: sz.ID, Name: sz.Name, Class: sz.Class, Attributes: sz.Attrs, Clauses: sz.Clauses, Park: sz.Park,
				Geometry: s.alias(), Layer: l}
			z.bound.Store(&orb.Bound{Min: orb.Point{sz.Bound[0], sz.Bound[1]}, Max: orb.Point{sz.Bound[2], sz.Bound[3]}})
			if z.Attributes == nil && sz.AttrsSet {
				z.Attributes = map[string]any{}
			}
			l.Zones = append(l.Zones, z)
			zonesByOrd = append(zonesByOrd, z)
			layerOf = append(layerOf, l.ID)
			counts = append(counts, IndexStats{Zones: 1, Vertices: sz.Vertices})
		}
		ds.Layers = append(ds.Layers, l)
	}
	if zo.xy != len(zxy) || zo.rings != len(zrings) {
		return nil, bad("zone geometries do not fill their arrays")
	}
	ds.Summary = h.Summary

	// Pieces, windows on the arrays.
	// Read once, above, and seldom again: the header (decoded into the
	// dataset) and the zones' own geometries (SeldomRead).
	idx = &Index{ds: ds, store: st, pieces: make([]piece, len(h.Pieces)),
		seldom: [][]byte{b[:8+hl], b[zonesAt:zonesEnd]}}
	var o offsets
	for i, sp := range h.Pieces {
		if sp.Zone < 0 || int(sp.Zone) >= len(zonesByOrd) || sp.NXY < 0 || sp.NRings < 0 ||
			o.xy+int(sp.NXY) > len(st.xy) || o.rings+int(sp.NRings) > len(st.rings) {
			return nil, bad("piece %d out of bounds", i)
		}
		p := &idx.pieces[i]
		p.zone, p.ord, p.area = zonesByOrd[sp.Zone], sp.Zone, sp.Area
		p.bound = orb.Bound{Min: orb.Point{sp.Bound[0], sp.Bound[1]}, Max: orb.Point{sp.Bound[2], sp.Bound[3]}}
		p.shape = shape{multi: sp.Multi, lineal: sp.Lineal}
		var cg *cellGrid
		if sp.Grid {
			cells := int(sp.GNX) * int(sp.GNY)
			if sp.GNX <= 0 || sp.GNY <= 0 || int(sp.NWords) != (cells+31)/32 || sp.NStart < 0 || sp.NE < 0 ||
				o.words+int(sp.NWords) > len(st.words) || o.start+int(sp.NStart) > len(st.start) || o.edges+int(sp.NE) > len(st.edges) {
				return nil, bad("piece %d: cell grid out of bounds", i)
			}
			cg = &cellGrid{bound: p.bound, nx: int(sp.GNX), ny: int(sp.GNY), sx: sp.SX, sy: sp.SY}
			p.cells = cg
		}
		o.window(&st, p, int(sp.NXY), int(sp.NRings), int(sp.NWords), int(sp.NStart), int(sp.NE))
		if err := p.shape.check(); err != nil {
			return nil, bad("piece %d: %v", i, err)
		}
		if cg != nil {
			if err := cg.check(); err != nil {
				return nil, bad("piece %d: %v", i, err)
			}
		}
		counts[sp.Zone].Pieces++
		if cg != nil {
			counts[sp.Zone].Cells += cg.numCells()
		}
	}
	if o.xy != len(st.xy) || o.rings != len(st.rings) || o.words != len(st.words) || o.start != len(st.start) || o.edges != len(st.edges) {
		return nil, bad("pieces do not fill their arrays")
	}
	idx.tree = rtree.RTreeG[*piece]{}
	for i := range idx.pieces {
		p := &idx.pieces[i]
		idx.tree.Insert(p.bound.Min, p.bound.Max, p)
	}
	if idx.points, err = storedPointGrid(h.Points, gridStart, gridItems, idx.pieces); err != nil {
		return nil, bad("point grid: %v", err)
	}
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
