package gpkg

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// wkbOpt says how encWKB writes: byte order, extra ordinates, EWKB flags.
type wkbOpt struct {
	big, z, m, ewkb, srid bool
}

// encWKB is a WKB writer for tests. Z values are 7, M values 9.
func encWKB(g orb.Geometry, o wkbOpt) []byte {
	var b []byte
	var bo binary.AppendByteOrder = binary.LittleEndian
	order := byte(1)
	if o.big {
		bo, order = binary.BigEndian, 0
	}
	u32 := func(v uint32) { b = bo.AppendUint32(b, v) }
	f64 := func(v float64) { b = bo.AppendUint64(b, math.Float64bits(v)) }
	pt := func(p orb.Point) {
		f64(p[0])
		f64(p[1])
		if o.z {
			f64(7)
		}
		if o.m {
			f64(9)
		}
	}
	pts := func(ps []orb.Point) {
		u32(uint32(len(ps)))
		for _, p := range ps {
			pt(p)
		}
	}
	head := func(base uint32) {
		b = append(b, order)
		if o.ewkb {
			t := base
			if o.z {
				t |= 0x80000000
			}
			if o.m {
				t |= 0x40000000
			}
			if o.srid {
				t |= 0x20000000
			}
			u32(t)
			if o.srid {
				u32(4490)
			}
			return
		}
		switch {
		case o.z && o.m:
			base += 3000
		case o.z:
			base += 1000
		case o.m:
			base += 2000
		}
		u32(base)
	}
	member := o
	member.srid = false
	switch g := g.(type) {
	case orb.Point:
		head(1)
		pt(g)
	case orb.LineString:
		head(2)
		pts(g)
	case orb.Polygon:
		head(3)
		u32(uint32(len(g)))
		for _, r := range g {
			pts(r)
		}
	case orb.MultiPoint:
		head(4)
		u32(uint32(len(g)))
		for _, p := range g {
			b = append(b, encWKB(p, member)...)
		}
	case orb.MultiLineString:
		head(5)
		u32(uint32(len(g)))
		for _, l := range g {
			b = append(b, encWKB(l, member)...)
		}
	case orb.MultiPolygon:
		head(6)
		u32(uint32(len(g)))
		for _, p := range g {
			b = append(b, encWKB(p, member)...)
		}
	case orb.Collection:
		head(7)
		u32(uint32(len(g)))
		for _, x := range g {
			b = append(b, encWKB(x, member)...)
		}
	}
	return b
}

var (
	tPoly = orb.Polygon{
		{{108, 34}, {108, 34.2}, {108.2, 34.2}, {108.2, 34}, {108, 34}},
		{{108.05, 34.05}, {108.1, 34.05}, {108.1, 34.1}, {108.05, 34.1}, {108.05, 34.05}},
	}
	tGeoms = []orb.Geometry{
		orb.Point{108.5, 34.25},
		orb.LineString{{108, 34}, {109, 35}, {110, 34}},
		tPoly,
		orb.MultiPoint{{1, 2}, {3, 4}},
		orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}, {9, 10}}},
		orb.MultiPolygon{tPoly, {{{0, 0}, {0, 1}, {1, 1}, {0, 0}}}},
		orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}, orb.Collection{tPoly}},
	}
)

func TestDecodeWKBRoundTrip(t *testing.T) {
	opts := map[string]wkbOpt{
		"ISO XY little": {}, "ISO XY big": {big: true}, "ISO Z": {z: true}, "ISO M": {m: true, big: true},
		"ISO ZM": {z: true, m: true}, "EWKB Z": {ewkb: true, z: true}, "EWKB ZM SRID": {ewkb: true, z: true, m: true, srid: true, big: true},
		"EWKB XY SRID": {ewkb: true, srid: true},
	}
	for name, o := range opts {
		for _, g := range tGeoms {
			got, dims, err := DecodeWKB(encWKB(g, o))
			if err != nil {
				t.Errorf("%s %s: %v", name, g.GeoJSONType(), err)
				continue
			}
			if !reflect.DeepEqual(got, g) {
				t.Errorf("%s %s: got %v, want %v", name, g.GeoJSONType(), got, g)
			}
			if dims != (Dims{Z: o.z, M: o.m}) {
				t.Errorf("%s %s: dims %+v", name, g.GeoJSONType(), dims)
			}
		}
	}
}

func TestDecodeWKBEmpty(t *testing.T) {
	for name, b := range map[string][]byte{
		"POINT EMPTY (NaN)":        encWKB(orb.Point{math.NaN(), math.NaN()}, wkbOpt{}),
		"LINESTRING EMPTY":         encWKB(orb.LineString{}, wkbOpt{}),
		"POLYGON EMPTY":            encWKB(orb.Polygon{}, wkbOpt{}),
		"MULTIPOLYGON EMPTY":       encWKB(orb.MultiPolygon{}, wkbOpt{}),
		"collection of empties":    encWKB(orb.Collection{orb.LineString{}, orb.Point{math.NaN(), math.NaN()}}, wkbOpt{}),
		"MULTIPOINT of NaN points": encWKB(orb.MultiPoint{{math.NaN(), math.NaN()}}, wkbOpt{z: true}),
	} {
		if _, _, err := DecodeWKB(b); !errors.Is(err, ErrEmpty) {
			t.Errorf("%s: err = %v, want ErrEmpty", name, err)
		}
	}
	// An empty member is left out of a collection that has others.
	g, _, err := DecodeWKB(encWKB(orb.MultiPoint{{1, 2}, {math.NaN(), math.NaN()}}, wkbOpt{}))
	if err != nil || !reflect.DeepEqual(g, orb.MultiPoint{{1, 2}}) {
		t.Errorf("MultiPoint with an empty member = %v, %v", g, err)
	}
}

func TestDecodeWKBMalformed(t *testing.T) {
	line := encWKB(orb.LineString{{1, 2}, {3, 4}}, wkbOpt{})
	huge := append([]byte(nil), line...)
	binary.LittleEndian.PutUint32(huge[5:], 0xFFFFFFFF)
	hugeRings := encWKB(orb.Polygon{}, wkbOpt{})
	binary.LittleEndian.PutUint32(hugeRings[5:], 0x7FFFFFFF)
	hugeColl := encWKB(orb.Collection{}, wkbOpt{})
	binary.LittleEndian.PutUint32(hugeColl[5:], 0x7FFFFFFF)
	deep := []byte{}
	for range 40 {
		deep = append(deep, 1, 7, 0, 0, 0, 1, 0, 0, 0)
	}
	deep = append(deep, encWKB(orb.Point{1, 2}, wkbOpt{})...)
	wrongMember := encWKB(orb.MultiPoint{{1, 2}}, wkbOpt{})
	binary.LittleEndian.PutUint32(wrongMember[10:], 2)
	tests := map[string]struct {
		b   []byte
		msg string
	}{
		"empty input":                {nil, "needs"},
		"bad byte order":             {append([]byte{2}, line[1:]...), "byte order"},
		"truncated coordinates":      {line[:len(line)-3], "needs"},
		"point count beyond data":    {huge, "needs"},
		"ring count beyond data":     {hugeRings, "needs"},
		"member count beyond data":   {hugeColl, "needs"},
		"nested too deep":            {deep, "nested"},
		"wrong member type":          {wrongMember, "member"},
		"circular string":            {[]byte{1, 8, 0, 0, 0, 0, 0, 0, 0}, "not supported"},
		"type out of range":          {[]byte{1, 0x89, 0x13, 0, 0, 0, 0, 0, 0}, "not a WKB type"},
		"EWKB SRID flag, no SRID":    {[]byte{1, 1, 0, 0, 0x20}, "needs"},
		"ISO Z point short of its Z": {append([]byte{1, 0xE9, 0x03, 0, 0}, make([]byte, 16)...), "needs"},
	}
	for name, tt := range tests {
		_, _, err := DecodeWKB(tt.b)
		if err == nil || errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want one mentioning %q", name, err, tt.msg)
		}
	}
}

// blob prefixes WKB with a GeoPackage header.
func blob(wkb []byte, flags byte, env []float64, bigHeader bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	if bigHeader {
		bo = binary.BigEndian
	} else {
		flags |= 1
	}
	b := []byte{'G', 'P', 0, flags}
	b = bo.AppendUint32(b, 4490)
	for _, v := range env {
		b = bo.AppendUint64(b, math.Float64bits(v))
	}
	return append(b, wkb...)
}

func TestDecodeBlob(t *testing.T) {
	wkb := encWKB(tPoly, wkbOpt{})
	envs := [][]float64{nil, {108, 108.2, 34, 34.2}, {108, 108.2, 34, 34.2, 0, 1}, {108, 108.2, 34, 34.2, 0, 1}, {108, 108.2, 34, 34.2, 0, 1, 0, 1}}
	for ind, env := range envs {
		for _, big := range []bool{false, true} {
			b := blob(wkb, byte(ind<<1), env, big)
			g, _, err := DecodeBlob(b)
			if err != nil || !reflect.DeepEqual(g, tPoly) {
				t.Errorf("envelope %d big-endian header %v: %v, %v", ind, big, g, err)
			}
			h, off, err := DecodeHeader(b)
			if err != nil || h.SRSID != 4490 || len(h.Envelope) != len(env) || off != 8+8*len(env) {
				t.Errorf("envelope %d big %v: header %+v off %d err %v", ind, big, h, off, err)
			}
		}
	}
	bad := map[string][]byte{
		"bad magic":            append([]byte("XP\x00\x01\xaa\x11\x00\x00"), wkb...),
		"envelope indicator 5": blob(wkb, 5<<1, nil, false),
		"reserved bits":        blob(wkb, 0x40, nil, false),
		"extended type":        blob(wkb, 0x20, nil, false),
		"short header":         []byte("GP\x00"),
		"envelope cut":         blob(nil, 4<<1, []float64{1, 2}, false),
		"WKB cut":              blob(wkb[:30], 0, nil, false),
	}
	for name, b := range bad {
		if _, _, err := DecodeBlob(b); err == nil || errors.Is(err, ErrEmpty) {
			t.Errorf("%s: err = %v, want an error", name, err)
		}
	}
	if _, _, err := DecodeBlob(blob(encWKB(orb.Point{math.NaN(), math.NaN()}, wkbOpt{}), 0x10, nil, false)); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty flag: err = %v, want ErrEmpty", err)
	}
	if _, _, err := DecodeBlob(blob(nil, 0x10, nil, false)); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty flag, no WKB: err = %v, want ErrEmpty", err)
	}
}
