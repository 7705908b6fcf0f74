package shapefile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

// Shape types of the Esri specification (July 1998).
const (
	typeNull        = 0
	typePoint       = 1
	typePolyLine    = 3
	typePolygon     = 5
	typeMultiPoint  = 8
	typePointZ      = 11
	typePolyLineZ   = 13
	typePolygonZ    = 15
	typeMultiPointZ = 18
	typePointM      = 21
	typePolyLineM   = 23
	typePolygonM    = 25
	typeMultiPointM = 28
	typeMultiPatch  = 31
)

const (
	headerLen   = 100
	fileCode    = 9994
	shxEntryLen = 8
	recHdrLen   = 8
)

// typeName names a shape type for messages.
func typeName(t uint32) string {
	switch t {
	case typeNull:
		return "Null"
	case typePoint:
		return "Point"
	case typePolyLine:
		return "PolyLine"
	case typePolygon:
		return "Polygon"
	case typeMultiPoint:
		return "MultiPoint"
	case typePointZ:
		return "PointZ"
	case typePolyLineZ:
		return "PolyLineZ"
	case typePolygonZ:
		return "PolygonZ"
	case typeMultiPointZ:
		return "MultiPointZ"
	case typePointM:
		return "PointM"
	case typePolyLineM:
		return "PolyLineM"
	case typePolygonM:
		return "PolygonM"
	case typeMultiPointM:
		return "MultiPointM"
	case typeMultiPatch:
		return "MultiPatch"
	}
	return fmt.Sprintf("unknown shape type %d", t)
}

// baseType maps a Z or M variant to its 2-D type and says which extra ordinates
// it carries ("Z", "M" or "").
func baseType(t uint32) (uint32, string) {
	switch t {
	case typePointZ, typePolyLineZ, typePolygonZ, typeMultiPointZ:
		return t - 10, "Z"
	case typePointM, typePolyLineM, typePolygonM, typeMultiPointM:
		return t - 20, "M"
	}
	return t, ""
}

// shpError is a malformed-file error naming the file and the record.
func shpError(file string, rec int, format string, args ...any) error {
	d := map[string]any{"file": file}
	msg := fmt.Sprintf(format, args...)
	if rec >= 0 {
		d["record"] = rec
		return errcode.New(errcode.BadRequest, d, "%s, record %d: %s", file, rec, msg)
	}
	return errcode.New(errcode.BadRequest, d, "%s: %s", file, msg)
}

// readShapes decodes every record of shp, located through shx. A record that is
// null or empty gives a nil geometry (and a warning).
func readShapes(shp, shx []byte, shpName, shxName string, opts Options, w *warnings) ([]orb.Geometry, error) {
	if err := checkHeader(shp, shpName); err != nil {
		return nil, err
	}
	if err := checkHeader(shx, shxName); err != nil {
		return nil, err
	}
	if (len(shx)-headerLen)%shxEntryLen != 0 {
		return nil, shpError(shxName, -1, "length %d is not a 100-byte header plus 8-byte entries (truncated?)", len(shx))
	}
	n := (len(shx) - headerLen) / shxEntryLen
	if declared := int64(binary.BigEndian.Uint32(shx[24:])) * 2; declared != int64(len(shx)) {
		return nil, shpError(shxName, -1, "header declares %d bytes but the file has %d (truncated or not the index of this .shp?)", declared, len(shx))
	}
	fileType := binary.LittleEndian.Uint32(shp[32:])
	if t := binary.LittleEndian.Uint32(shx[32:]); t != fileType {
		return nil, shpError(shxName, -1, "shape type %s differs from the .shp's %s", typeName(t), typeName(fileType))
	}
	geoms := make([]orb.Geometry, n)
	d := decoder{file: shpName, opts: opts, w: w}
	for i := range n {
		e := shx[headerLen+i*shxEntryLen:]
		off := int64(binary.BigEndian.Uint32(e)) * 2
		clen := int64(binary.BigEndian.Uint32(e[4:])) * 2
		if off < headerLen || off+recHdrLen > int64(len(shp)) {
			return nil, shpError(shpName, i, "%s gives offset %d, outside the %d-byte .shp", shxName, off, len(shp))
		}
		if got := int64(binary.BigEndian.Uint32(shp[off+4:])) * 2; got != clen {
			return nil, shpError(shpName, i, "record header says %d content bytes but %s says %d", got, shxName, clen)
		}
		if off+recHdrLen+clen > int64(len(shp)) {
			return nil, shpError(shpName, i, "content of %d bytes at offset %d runs past the end of the file (%d bytes): truncated", clen, off, len(shp))
		}
		g, err := d.shape(i, shp[off+recHdrLen:off+recHdrLen+clen])
		if err != nil {
			return nil, err
		}
		geoms[i] = g
	}
	return geoms, nil
}

func checkHeader(b []byte, name string) error {
	if len(b) < headerLen {
		return shpError(name, -1, "%d bytes, shorter than the 100-byte header: not a shapefile or truncated", len(b))
	}
	if c := binary.BigEndian.Uint32(b); c != fileCode {
		return shpError(name, -1, "file code %d, not 9994: not a shapefile", c)
	}
	return nil
}

// decoder decodes record contents.
type decoder struct {
	file string
	opts Options
	w    *warnings
}

// shape decodes one record's content c (shape type first).
func (d *decoder) shape(rec int, c []byte) (orb.Geometry, error) {
	if len(c) < 4 {
		return nil, shpError(d.file, rec, "content of %d bytes has no shape type", len(c))
	}
	t := binary.LittleEndian.Uint32(c)
	base, extra := baseType(t)
	if extra != "" && d.w.zDropped == "" {
		if extra == "Z" {
			d.w.zDropped = fmt.Sprintf("Z (and M) values dropped: shape type %s, coordinates kept in 2-D", typeName(t))
		} else {
			d.w.zDropped = fmt.Sprintf("M values dropped: shape type %s", typeName(t))
		}
	}
	c = c[4:]
	switch base {
	case typeNull:
		d.w.null = append(d.w.null, rec)
		return nil, nil
	case typePoint:
		if len(c) < 16 {
			return nil, shpError(d.file, rec, "%s needs 16 bytes of coordinates, has %d", typeName(t), len(c))
		}
		p := point(c)
		if extra == "M" && isNoData(p) {
			d.w.null = append(d.w.null, rec)
			return nil, nil
		}
		return p, nil
	case typeMultiPoint:
		if len(c) < 36 {
			return nil, shpError(d.file, rec, "%s header needs 36 bytes, has %d", typeName(t), len(c))
		}
		np := binary.LittleEndian.Uint32(c[32:])
		c = c[36:]
		if uint64(np)*16 > uint64(len(c)) {
			return nil, shpError(d.file, rec, "%s declares %d points but only %d bytes follow", typeName(t), np, len(c))
		}
		if np == 0 {
			d.w.null = append(d.w.null, rec)
			return nil, nil
		}
		mp := make(orb.MultiPoint, np)
		for i := range mp {
			mp[i] = point(c[16*i:])
		}
		return mp, nil
	case typePolyLine, typePolygon:
		parts, err := d.parts(rec, t, c)
		if err != nil || parts == nil {
			return nil, err
		}
		if base == typePolygon {
			return d.polygon(rec, parts, false), nil
		}
		if (d.opts.Polygonize || d.opts.ClosedLineAsPolygon) && allClosed(parts) {
			if d.opts.ClosedLineAsPolygon {
				d.w.closed = append(d.w.closed, rec)
			}
			return d.polygon(rec, parts, true), nil
		}
		return d.lines(rec, parts), nil
	case typeMultiPatch:
		return nil, shpError(d.file, rec, "MultiPatch (3-D surfaces) is not supported")
	}
	return nil, shpError(d.file, rec, "%s is not a shape type this reader knows", typeName(t))
}

func point(b []byte) orb.Point {
	return orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b)),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:])),
	}
}

// isNoData reports the "no data" marker some writers put in PointM x/y (< -1e38).
func isNoData(p orb.Point) bool { return p[0] < -1e38 || p[1] < -1e38 }

// parts decodes the parts of a PolyLine or Polygon record: bbox, counts, part
// starts, points. Z and M arrays after the points are ignored. Returns nil parts
// (and a warning) for an empty shape.
func (d *decoder) parts(rec int, t uint32, c []byte) ([][]orb.Point, error) {
	if len(c) < 40 {
		return nil, shpError(d.file, rec, "%s header needs 40 bytes, has %d", typeName(t), len(c))
	}
	np := uint64(binary.LittleEndian.Uint32(c[32:]))
	nv := uint64(binary.LittleEndian.Uint32(c[36:]))
	c = c[40:]
	if np*4+nv*16 > uint64(len(c)) {
		return nil, shpError(d.file, rec, "%s declares %d parts and %d points, needing %d bytes, but only %d follow",
			typeName(t), np, nv, np*4+nv*16, len(c))
	}
	if nv == 0 {
		d.w.null = append(d.w.null, rec)
		return nil, nil
	}
	if np == 0 {
		return nil, shpError(d.file, rec, "%s has %d points but no parts", typeName(t), nv)
	}
	starts := c[:np*4]
	pts := make([]orb.Point, nv)
	for i := range pts {
		pts[i] = point(c[np*4+uint64(i)*16:])
	}
	parts := make([][]orb.Point, 0, np)
	for i := range np {
		s := uint64(binary.LittleEndian.Uint32(starts[i*4:]))
		e := nv
		if i+1 < np {
			e = uint64(binary.LittleEndian.Uint32(starts[i*4+4:]))
		}
		if (i == 0 && s != 0) || s > e || e > nv {
			return nil, shpError(d.file, rec, "part %d spans points %d to %d of %d: part starts must rise from 0", i, s, e, nv)
		}
		// Full slice expression: closing one ring must not write over the next.
		parts = append(parts, pts[s:e:e])
	}
	return parts, nil
}

// allClosed reports whether every part is a closed ring of at least 4 points.
func allClosed(parts [][]orb.Point) bool {
	for _, p := range parts {
		if len(p) < 4 || p[0] != p[len(p)-1] {
			return false
		}
	}
	return true
}

// lines turns PolyLine parts into a LineString or MultiLineString, dropping parts
// of fewer than 2 points.
func (d *decoder) lines(rec int, parts [][]orb.Point) orb.Geometry {
	mls := make(orb.MultiLineString, 0, len(parts))
	for _, p := range parts {
		if len(p) < 2 {
			continue
		}
		mls = append(mls, orb.LineString(p))
	}
	if len(mls) < len(parts) {
		d.w.dropped = append(d.w.dropped, rec)
	}
	switch len(mls) {
	case 0:
		d.w.null = append(d.w.null, rec)
		return nil
	case 1:
		return mls[0]
	}
	return mls
}

// polygon turns rings into a Polygon or MultiPolygon (see assemble). Unclosed
// rings are closed; rings with fewer than 4 points once closed are dropped.
func (d *decoder) polygon(rec int, parts [][]orb.Point, ignoreOrientation bool) orb.Geometry {
	rings := make([]orb.Ring, 0, len(parts))
	for _, p := range parts {
		if len(p) > 0 && p[0] != p[len(p)-1] {
			p = append(p, p[0]) // capacity is exactly len: this copies
		}
		if len(p) < 4 {
			continue
		}
		rings = append(rings, orb.Ring(p))
	}
	if len(rings) < len(parts) {
		d.w.dropped = append(d.w.dropped, rec)
	}
	mp := assemble(rings, ignoreOrientation)
	switch len(mp) {
	case 0:
		d.w.null = append(d.w.null, rec)
		return nil
	case 1:
		return mp[0]
	}
	return mp
}
