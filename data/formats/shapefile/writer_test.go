package shapefile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// A small shapefile writer for tests: just enough of the format to build every
// case the reader must handle, including broken ones.

// tShape is one record: its shape type (0 for Null) and parts; a Point or
// MultiPoint record has one part.
type tShape struct {
	typ   uint32
	parts [][]orb.Point
}

func le32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }
func be32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

// shapeContent encodes a record's content (shape type first). Z values are 100+i,
// M values 200+i, so a reader that mixes them up gives wrong coordinates.
func shapeContent(s tShape) []byte {
	base, extra := baseType(s.typ)
	var b []byte
	put32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	putF := func(v float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v)) }
	put32(s.typ)
	var all []orb.Point
	for _, p := range s.parts {
		all = append(all, p...)
	}
	bbox := func() {
		bd := orb.MultiPoint(all).Bound()
		putF(bd.Min[0])
		putF(bd.Min[1])
		putF(bd.Max[0])
		putF(bd.Max[1])
	}
	tail := func() {
		if extra == "Z" {
			putF(100)
			putF(100 + float64(len(all)))
			for i := range all {
				putF(100 + float64(i))
			}
		}
		if extra != "" {
			putF(200)
			putF(200 + float64(len(all)))
			for i := range all {
				putF(200 + float64(i))
			}
		}
	}
	switch base {
	case typeNull:
	case typePoint:
		putF(all[0][0])
		putF(all[0][1])
		if extra == "Z" {
			putF(100)
		}
		if extra != "" {
			putF(200)
		}
	case typeMultiPoint:
		bbox()
		put32(uint32(len(all)))
		for _, p := range all {
			putF(p[0])
			putF(p[1])
		}
		tail()
	case typePolyLine, typePolygon:
		bbox()
		put32(uint32(len(s.parts)))
		put32(uint32(len(all)))
		n := 0
		for _, p := range s.parts {
			put32(uint32(n))
			n += len(p)
		}
		for _, p := range all {
			putF(p[0])
			putF(p[1])
		}
		tail()
	}
	return b
}

// writeSHP encodes records as a .shp and its .shx.
func writeSHP(fileType uint32, shapes []tShape) (shp, shx []byte) {
	header := func(length int) []byte {
		h := make([]byte, headerLen)
		be32(h, fileCode)
		be32(h[24:], uint32(length/2))
		le32(h[28:], 1000)
		le32(h[32:], fileType)
		return h
	}
	var body, index []byte
	off := headerLen
	for i, s := range shapes {
		c := shapeContent(s)
		rh := make([]byte, 8)
		be32(rh, uint32(i+1))
		be32(rh[4:], uint32(len(c)/2))
		body = append(append(body, rh...), c...)
		e := make([]byte, 8)
		be32(e, uint32(off/2))
		be32(e[4:], uint32(len(c)/2))
		index = append(index, e...)
		off += 8 + len(c)
	}
	shp = append(header(headerLen+len(body)), body...)
	shx = append(header(headerLen+len(index)), index...)
	return shp, shx
}

// tField is a DBF field descriptor; name is raw bytes (any encoding).
type tField struct {
	name   []byte
	typ    byte
	length int
	dec    int
}

// writeDBF encodes rows of raw values (left-padded with spaces for N/F, right for
// others); a row whose first value is "*DEL*" is marked deleted.
func writeDBF(ldid byte, fields []tField, rows [][][]byte) []byte {
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	hdrLen := 32 + 32*len(fields) + 1
	b := make([]byte, hdrLen, hdrLen+recLen*len(rows)+1)
	b[0] = 0x03
	le32(b[4:], uint32(len(rows)))
	binary.LittleEndian.PutUint16(b[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(b[10:], uint16(recLen))
	b[29] = ldid
	for i, f := range fields {
		d := b[32+32*i:]
		copy(d[:11], f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.dec)
	}
	b[hdrLen-1] = 0x0D
	for _, row := range rows {
		flag := byte(' ')
		if len(row) > 0 && string(row[0]) == "*DEL*" {
			flag = '*'
			row = row[1:]
		}
		b = append(b, flag)
		for i, f := range fields {
			v := make([]byte, f.length)
			for k := range v {
				v[k] = ' '
			}
			var val []byte
			if i < len(row) {
				val = row[i]
			}
			if f.typ == 'N' || f.typ == 'F' {
				copy(v[max(0, f.length-len(val)):], val)
			} else {
				copy(v, val)
			}
			b = append(b, v...)
		}
	}
	return append(b, 0x1A)
}

// simpleDBF is a DBF with one C field NAME holding names, LDID 0.
func simpleDBF(names ...string) []byte {
	rows := make([][][]byte, len(names))
	for i, n := range names {
		rows[i] = [][]byte{[]byte(n)}
	}
	return writeDBF(0, []tField{{name: []byte("NAME"), typ: 'C', length: 20}}, rows)
}

// tMember is one zip member; raw names are written without the UTF-8 flag.
type tMember struct {
	name   string
	data   []byte
	method uint16
}

func writeZip(t testing.TB, members []tMember) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: m.method}
		if m.method == 0 && len(m.data) > 64 {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// square is a closed ring, clockwise when cw is set.
func square(x, y, size float64, cw bool) []orb.Point {
	r := []orb.Point{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
	if cw {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}
