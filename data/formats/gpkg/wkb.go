package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Dims says which ordinates a decoded geometry carried beyond X and Y.
type Dims struct{ Z, M bool }

// ErrEmpty is returned for an empty geometry (the GeoPackage empty flag, or an
// empty WKB geometry): nothing to read, but not malformed either.
var ErrEmpty = errors.New("gpkg: empty geometry")

// Header is the GeoPackage binary header in front of the WKB of a geometry blob.
type Header struct {
	Version  byte
	SRSID    int32
	Envelope []float64 // 0, 4, 6 or 8 numbers, as the envelope indicator says
	Empty    bool
	Extended bool // an extension geometry type (flag bit 5), not standard WKB
}

// envelopeLen gives the number of float64s for envelope indicators 0–4.
var envelopeLen = [5]int{0, 4, 6, 6, 8}

// DecodeHeader parses the GeoPackage binary header of blob and returns it with
// the offset of the WKB that follows.
func DecodeHeader(blob []byte) (Header, int, error) {
	var h Header
	if len(blob) < 8 {
		return h, 0, fmt.Errorf("geometry blob of %d bytes is shorter than the 8-byte GeoPackage header", len(blob))
	}
	if blob[0] != 'G' || blob[1] != 'P' {
		return h, 0, fmt.Errorf("geometry blob starts with %q, not the GeoPackage magic \"GP\"", blob[:2])
	}
	h.Version = blob[2]
	flags := blob[3]
	if flags&0xC0 != 0 {
		return h, 0, fmt.Errorf("geometry blob header flags 0x%02X set reserved bits", flags)
	}
	var bo binary.ByteOrder = binary.BigEndian
	if flags&1 == 1 {
		bo = binary.LittleEndian
	}
	env := int(flags>>1) & 7
	if env > 4 {
		return h, 0, fmt.Errorf("geometry blob envelope indicator %d is not 0–4", env)
	}
	h.Empty = flags&0x10 != 0
	h.Extended = flags&0x20 != 0
	h.SRSID = int32(bo.Uint32(blob[4:]))
	n := envelopeLen[env]
	off := 8 + 8*n
	if len(blob) < off {
		return h, 0, fmt.Errorf("geometry blob of %d bytes is shorter than its header with a %d-number envelope", len(blob), n)
	}
	h.Envelope = make([]float64, n)
	for i := range n {
		h.Envelope[i] = math.Float64frombits(bo.Uint64(blob[8+8*i:]))
	}
	return h, off, nil
}

// DecodeBlob decodes a GeoPackage geometry blob: header, then WKB. Z and M are
// dropped (Dims says they were there). An empty geometry gives ErrEmpty.
func DecodeBlob(blob []byte) (orb.Geometry, Dims, error) {
	h, off, err := DecodeHeader(blob)
	if err != nil {
		return nil, Dims{}, err
	}
	if h.Extended {
		return nil, Dims{}, errors.New("geometry blob holds an extension geometry type (flag bit 5), not standard WKB")
	}
	if h.Empty && len(blob) == off {
		return nil, Dims{}, ErrEmpty
	}
	g, dims, err := DecodeWKB(blob[off:])
	if err == nil && h.Empty {
		return nil, dims, ErrEmpty
	}
	return g, dims, err
}

// maxDepth bounds the nesting of geometry collections.
const maxDepth = 32

// DecodeWKB decodes ISO WKB (types 1–7, Z/M/ZM as 1001–3007) and EWKB (Z, M
// and SRID flags in the high bits) into orb geometry, dropping Z and M. Every
// count is checked against the bytes that remain. Empty geometries (and POINT
// EMPTY written as NaN coordinates) give ErrEmpty at the top level and are left
// out of collections. Bytes after the geometry are ignored.
func DecodeWKB(b []byte) (orb.Geometry, Dims, error) {
	r := wkbReader{b: b}
	g, err := r.geometry(0, 0)
	if err != nil {
		return nil, r.dims, err
	}
	if g == nil {
		return nil, r.dims, ErrEmpty
	}
	return g, r.dims, nil
}

type wkbReader struct {
	b    []byte
	off  int
	dims Dims
}

func (r *wkbReader) errf(format string, args ...any) error {
	return fmt.Errorf("WKB at byte %d: %s", r.off, fmt.Sprintf(format, args...))
}

func (r *wkbReader) need(n uint64) error {
	if uint64(len(r.b)-r.off) < n {
		return r.errf("needs %d more bytes, %d remain", n, len(r.b)-r.off)
	}
	return nil
}

func (r *wkbReader) u32(bo binary.ByteOrder) (uint32, error) {
	if err := r.need(4); err != nil {
		return 0, err
	}
	v := bo.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

// geometry reads one WKB geometry. want is the base type a multi-geometry needs
// of its members (0: any). A nil geometry with no error is an empty one.
func (r *wkbReader) geometry(depth int, want uint32) (orb.Geometry, error) {
	if depth > maxDepth {
		return nil, r.errf("collections nested more than %d deep", maxDepth)
	}
	if err := r.need(5); err != nil {
		return nil, err
	}
	var bo binary.ByteOrder
	switch r.b[r.off] {
	case 0:
		bo = binary.BigEndian
	case 1:
		bo = binary.LittleEndian
	default:
		return nil, r.errf("byte order %d is neither 0 nor 1", r.b[r.off])
	}
	r.off++
	t, _ := r.u32(bo)
	var z, m bool
	if t&0xE0000000 != 0 { // EWKB
		z, m = t&0x80000000 != 0, t&0x40000000 != 0
		if t&0x20000000 != 0 {
			if _, err := r.u32(bo); err != nil { // SRID, not needed
				return nil, err
			}
		}
		t &= 0x0FFFFFFF
	}
	base := t % 1000
	switch t / 1000 {
	case 0:
	case 1:
		z = true
	case 2:
		m = true
	case 3:
		z, m = true, true
	default:
		return nil, r.errf("geometry type %d is not a WKB type", t)
	}
	r.dims.Z = r.dims.Z || z
	r.dims.M = r.dims.M || m
	if want != 0 && base != want {
		return nil, r.errf("member of type %d in a collection of type %d", base, want+3)
	}
	dim := 2
	if z {
		dim++
	}
	if m {
		dim++
	}
	switch base {
	case 1:
		if err := r.need(uint64(8 * dim)); err != nil {
			return nil, err
		}
		p := r.point(bo, dim)
		if math.IsNaN(p[0]) && math.IsNaN(p[1]) {
			return nil, nil // POINT EMPTY
		}
		return p, nil
	case 2:
		pts, err := r.points(bo, dim)
		if err != nil || len(pts) == 0 {
			return nil, err
		}
		return orb.LineString(pts), nil
	case 3:
		return r.polygon(bo, dim)
	case 4, 5, 6, 7:
		n, err := r.u32(bo)
		if err != nil {
			return nil, err
		}
		// The smallest member (an empty line) takes 9 bytes.
		if err := r.need(uint64(n) * 9); err != nil {
			return nil, err
		}
		var member uint32
		if base != 7 {
			member = base - 3
		}
		var out orb.Collection
		for range n {
			g, err := r.geometry(depth+1, member)
			if err != nil {
				return nil, err
			}
			if g != nil {
				out = append(out, g)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		switch base {
		case 4:
			mp := make(orb.MultiPoint, len(out))
			for i, g := range out {
				mp[i] = g.(orb.Point)
			}
			return mp, nil
		case 5:
			ml := make(orb.MultiLineString, len(out))
			for i, g := range out {
				ml[i] = g.(orb.LineString)
			}
			return ml, nil
		case 6:
			mp := make(orb.MultiPolygon, len(out))
			for i, g := range out {
				mp[i] = g.(orb.Polygon)
			}
			return mp, nil
		}
		return out, nil
	}
	return nil, r.errf("geometry type %d is not supported (curves, surfaces and TINs are not read)", t)
}

func (r *wkbReader) point(bo binary.ByteOrder, dim int) orb.Point {
	p := orb.Point{
		math.Float64frombits(bo.Uint64(r.b[r.off:])),
		math.Float64frombits(bo.Uint64(r.b[r.off+8:])),
	}
	r.off += 8 * dim
	return p
}

func (r *wkbReader) points(bo binary.ByteOrder, dim int) ([]orb.Point, error) {
	n, err := r.u32(bo)
	if err != nil {
		return nil, err
	}
	if err := r.need(uint64(n) * uint64(8*dim)); err != nil {
		return nil, err
	}
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = r.point(bo, dim)
	}
	return pts, nil
}

func (r *wkbReader) polygon(bo binary.ByteOrder, dim int) (orb.Geometry, error) {
	n, err := r.u32(bo)
	if err != nil {
		return nil, err
	}
	if err := r.need(uint64(n) * 4); err != nil {
		return nil, err
	}
	poly := make(orb.Polygon, 0, n)
	for range n {
		pts, err := r.points(bo, dim)
		if err != nil {
			return nil, err
		}
		if len(pts) > 0 {
			poly = append(poly, orb.Ring(pts))
		}
	}
	if len(poly) == 0 {
		return nil, nil
	}
	return poly, nil
}
