package shapefile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/planar"
)

// Files are the parts of a shapefile as Write makes them.
type Files struct {
	SHP, SHX, DBF []byte
	// PRJ is the .prj text, "" for none; CPG is "UTF-8": text is written as UTF-8.
	PRJ, CPG string
}

// Write encodes features as a 2-D shapefile, for round-trip tests and exports.
// The geometries must be of one family: points, multipoints, lines (LineString,
// MultiLineString) or polygons (Polygon, MultiPolygon); nil geometries become Null
// shapes. Polygon shells are written clockwise and holes counter-clockwise, as
// the format wants. Fields are the union of the property names, sorted, cut to
// the DBF's 10 bytes: strings as C (UTF-8, declared in the .cpg), integers as
// N(18,0), other numbers as N(24,15), booleans as L, anything else as its text.
// prj is the .prj text ("" for none).
func Write(features []vector.Feature, prj string) (*Files, error) {
	var fileType uint32
	for i, f := range features {
		t, err := shapeTypeOf(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("shapefile: feature %d: %w", i, err)
		}
		if t == typeNull {
			continue
		}
		if fileType != typeNull && t != fileType {
			return nil, fmt.Errorf("shapefile: feature %d is a %s in a file of %s: one shape type per file", i, typeName(t), typeName(fileType))
		}
		fileType = t
	}
	shp, shx := encodeShapes(fileType, features)
	dbf, err := encodeDBF(features)
	if err != nil {
		return nil, err
	}
	return &Files{SHP: shp, SHX: shx, DBF: dbf, PRJ: prj, CPG: "UTF-8"}, nil
}

// Zip packs the files as name.shp, name.shx, name.dbf (and .prj, .cpg) in a zip.
func (f *Files) Zip(name string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct {
		ext  string
		data []byte
	}{{".shp", f.SHP}, {".shx", f.SHX}, {".dbf", f.DBF}, {".prj", []byte(f.PRJ)}, {".cpg", []byte(f.CPG)}} {
		if p.data == nil || (len(p.data) == 0 && (p.ext == ".prj" || p.ext == ".cpg")) {
			continue
		}
		w, err := zw.Create(name + p.ext)
		if err != nil {
			return nil, fmt.Errorf("shapefile: %w", err)
		}
		if _, err := w.Write(p.data); err != nil {
			return nil, fmt.Errorf("shapefile: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("shapefile: %w", err)
	}
	return buf.Bytes(), nil
}

func shapeTypeOf(g orb.Geometry) (uint32, error) {
	switch g.(type) {
	case nil:
		return typeNull, nil
	case orb.Point:
		return typePoint, nil
	case orb.MultiPoint:
		return typeMultiPoint, nil
	case orb.LineString, orb.MultiLineString:
		return typePolyLine, nil
	case orb.Polygon, orb.MultiPolygon:
		return typePolygon, nil
	}
	return 0, fmt.Errorf("a %T cannot be written to a shapefile", g)
}

// parts flattens a geometry into shapefile parts, with polygon rings oriented.
func parts(g orb.Geometry) [][]orb.Point {
	oriented := func(r orb.Ring, cw bool) []orb.Point {
		p := []orb.Point(r)
		if (planar.SignedArea(r) < 0) != cw {
			p = slices.Clone(p)
			slices.Reverse(p)
		}
		return p
	}
	switch g := g.(type) {
	case orb.Point:
		return [][]orb.Point{{g}}
	case orb.MultiPoint:
		return [][]orb.Point{g}
	case orb.LineString:
		return [][]orb.Point{g}
	case orb.MultiLineString:
		out := make([][]orb.Point, len(g))
		for i, l := range g {
			out[i] = l
		}
		return out
	case orb.Polygon:
		out := make([][]orb.Point, len(g))
		for i, r := range g {
			out[i] = oriented(r, i == 0)
		}
		return out
	case orb.MultiPolygon:
		var out [][]orb.Point
		for _, p := range g {
			out = append(out, parts(p)...)
		}
		return out
	}
	return nil
}

func encodeShapes(fileType uint32, features []vector.Feature) (shp, shx []byte) {
	le := binary.LittleEndian
	putF := func(b []byte, v float64) []byte { return le.AppendUint64(b, math.Float64bits(v)) }
	var body, index []byte
	all := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, f := range features {
		var c []byte
		if f.Geometry == nil {
			c = le.AppendUint32(c, typeNull)
		} else {
			t, _ := shapeTypeOf(f.Geometry)
			ps := parts(f.Geometry)
			b := f.Geometry.Bound()
			all = all.Union(b)
			c = le.AppendUint32(c, t)
			if t == typePoint {
				c = putF(putF(c, ps[0][0][0]), ps[0][0][1])
			} else {
				for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
					c = putF(c, v)
				}
				n := 0
				for _, p := range ps {
					n += len(p)
				}
				if t != typeMultiPoint {
					c = le.AppendUint32(c, uint32(len(ps)))
				}
				c = le.AppendUint32(c, uint32(n))
				if t != typeMultiPoint {
					start := 0
					for _, p := range ps {
						c = le.AppendUint32(c, uint32(start))
						start += len(p)
					}
				}
				for _, p := range ps {
					for _, pt := range p {
						c = putF(putF(c, pt[0]), pt[1])
					}
				}
			}
		}
		off := headerLen + len(body)
		body = binary.BigEndian.AppendUint32(body, uint32(i+1))
		body = binary.BigEndian.AppendUint32(body, uint32(len(c)/2))
		body = append(body, c...)
		index = binary.BigEndian.AppendUint32(index, uint32(off/2))
		index = binary.BigEndian.AppendUint32(index, uint32(len(c)/2))
	}
	if math.IsInf(all.Min[0], 0) {
		all = orb.Bound{}
	}
	header := func(length int) []byte {
		h := make([]byte, headerLen)
		binary.BigEndian.PutUint32(h, fileCode)
		binary.BigEndian.PutUint32(h[24:], uint32(length/2))
		le.PutUint32(h[28:], 1000)
		le.PutUint32(h[32:], fileType)
		for k, v := range []float64{all.Min[0], all.Min[1], all.Max[0], all.Max[1]} {
			le.PutUint64(h[36+8*k:], math.Float64bits(v))
		}
		return h
	}
	return append(header(headerLen+len(body)), body...), append(header(headerLen+len(index)), index...)
}

// dbfOut is one field as Write lays it out.
type dbfOut struct {
	key    string
	name   []byte
	typ    byte
	length int
	dec    int
	values [][]byte
}

func encodeDBF(features []vector.Feature) ([]byte, error) {
	var keys []string
	seen := map[string]bool{}
	for _, f := range features {
		for k := range f.Properties {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	fields := make([]*dbfOut, 0, len(keys))
	names := map[string]bool{}
	for _, k := range keys {
		fo := &dbfOut{key: k, name: fieldName(k, names)}
		kind := byte(0)
		for _, f := range features {
			var t byte
			switch f.Properties[k].(type) {
			case nil:
				continue
			case string:
				t = 'C'
			case bool:
				t = 'L'
			case int, int8, int16, int32, int64, uint8, uint16, uint32:
				t = 'I'
			case float32, float64:
				t = 'F'
			default:
				t = 'C'
			}
			switch {
			case kind == 0, kind == t:
				kind = t
			case (kind == 'I' && t == 'F') || (kind == 'F' && t == 'I'):
				kind = 'F'
			default:
				kind = 'C'
			}
		}
		for _, f := range features {
			v := f.Properties[k]
			var s string
			switch v := v.(type) {
			case nil:
			case bool:
				s = "F"
				if v {
					s = "T"
				}
			case string:
				s = v
			case float64:
				s = strconv.FormatFloat(v, 'g', -1, 64)
			case float32:
				s = strconv.FormatFloat(float64(v), 'g', -1, 32)
			default:
				s = fmt.Sprint(v)
			}
			fo.values = append(fo.values, []byte(s))
			fo.length = max(fo.length, len(s))
		}
		switch kind {
		case 'L':
			fo.typ, fo.length = 'L', 1
		case 'I':
			fo.typ, fo.length = 'N', 18
		case 'F':
			fo.typ, fo.length, fo.dec = 'N', 24, 15
		default:
			fo.typ, fo.length = 'C', min(max(fo.length, 1), 254)
		}
		for i, v := range fo.values {
			if len(v) > fo.length {
				if fo.typ != 'C' {
					return nil, fmt.Errorf("shapefile: feature %d, field %s: %q does not fit %d characters", i, k, v, fo.length)
				}
				fo.values[i] = truncateUTF8(v, fo.length)
			}
		}
		fields = append(fields, fo)
	}
	recLen := 1
	for _, fo := range fields {
		recLen += fo.length
	}
	if recLen > math.MaxUint16 || len(fields) > 2046 {
		return nil, fmt.Errorf("shapefile: %d fields of %d bytes do not fit a DBF record", len(fields), recLen)
	}
	hdrLen := 32 + 32*len(fields) + 1
	b := make([]byte, hdrLen, hdrLen+recLen*len(features)+1)
	b[0] = 0x03
	binary.LittleEndian.PutUint32(b[4:], uint32(len(features)))
	binary.LittleEndian.PutUint16(b[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(b[10:], uint16(recLen))
	for i, fo := range fields {
		d := b[32+32*i:]
		copy(d[:11], fo.name)
		d[11] = fo.typ
		d[16] = byte(fo.length)
		d[17] = byte(fo.dec)
	}
	b[hdrLen-1] = 0x0D
	for r := range features {
		b = append(b, ' ')
		for _, fo := range fields {
			v := fo.values[r]
			pad := bytes.Repeat([]byte{' '}, fo.length-len(v))
			if fo.typ == 'N' {
				b = append(append(b, pad...), v...)
			} else {
				b = append(append(b, v...), pad...)
			}
		}
	}
	return append(b, 0x1A), nil
}

// fieldName cuts a property name to the DBF's 10 bytes (whole UTF-8
// characters) and makes it unique among names.
func fieldName(k string, names map[string]bool) []byte {
	base := truncateUTF8([]byte(k), 10)
	if len(base) == 0 {
		base = []byte("FIELD")
	}
	name := base
	for i := 1; names[string(name)]; i++ {
		suffix := "_" + strconv.Itoa(i)
		name = append(truncateUTF8(slices.Clone(base), 10-len(suffix)), suffix...)
	}
	names[string(name)] = true
	return name
}

// truncateUTF8 cuts b to at most n bytes without splitting a character.
func truncateUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	b = b[:n]
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return b
}
