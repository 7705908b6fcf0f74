// Package wkt reads geometries written as WKT or PostGIS EWKT text
// ("SRID=4490;POLYGON((…))"), as people paste them from a database console or a GIS:
// one or more geometries, separated by white space, newlines or semicolons, each
// becoming one feature. Z and M values are dropped with a warning; coordinates are
// kept as written (x first), their CRS is the SRID when one is given.
package wkt

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// maxDepth bounds GEOMETRYCOLLECTION nesting so hostile input cannot exhaust the stack.
const maxDepth = 32

// Read parses WKT or EWKT text.
func Read(b []byte) (*vector.Collection, error) {
	p := &parser{s: string(b)}
	c := &vector.Collection{Format: "wkt"}
	srid := ""
	for {
		p.ws()
		for p.i < len(p.s) && p.s[p.i] == ';' {
			p.i++
			p.ws()
		}
		if p.i >= len(p.s) {
			break
		}
		start := p.i
		if code, ok, err := p.srid(); err != nil {
			return nil, err
		} else if ok {
			if srid != "" && srid != code {
				return nil, p.errAt(start, errcode.BadRequest, "geometries with different SRIDs (%s and %s) in one text", srid, code)
			}
			srid = code
		}
		g, err := p.geometry(0)
		if err != nil {
			return nil, err
		}
		c.Features = append(c.Features, vector.Feature{Index: len(c.Features), Geometry: g, Properties: map[string]any{}})
	}
	if len(c.Features) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "wkt: no geometry in the text")
	}
	if srid != "" {
		c.CRS = "EPSG:" + srid
	}
	if p.droppedZ {
		c.Warnings = append(c.Warnings, "Z/M values were dropped: redline works in 2-D")
	}
	return c, nil
}

type parser struct {
	s        string
	i        int
	droppedZ bool
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.i++
		default:
			if strings.HasPrefix(p.s[p.i:], "\ufeff") {
				p.i += 3
				continue
			}
			return
		}
	}
}

// errAt names the line and column of byte offset i.
func (p *parser) errAt(i int, code errcode.Code, format string, args ...any) error {
	if i > len(p.s) {
		i = len(p.s)
	}
	line := 1 + strings.Count(p.s[:i], "\n")
	col := i - strings.LastIndexByte(p.s[:i], '\n')
	msg := fmt.Sprintf(format, args...)
	return errcode.New(code, map[string]any{"line": line, "column": col},
		"wkt: line %d, column %d: %s", line, col, msg)
}

func (p *parser) word() string {
	p.ws()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' {
			p.i++
			continue
		}
		break
	}
	return strings.ToUpper(p.s[start:p.i])
}

// srid reads an optional "SRID=4490;" prefix.
func (p *parser) srid() (string, bool, error) {
	p.ws()
	if len(p.s)-p.i < 5 || !strings.EqualFold(p.s[p.i:p.i+4], "SRID") {
		return "", false, nil
	}
	start := p.i
	p.i += 4
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '=' {
		return "", false, p.errAt(p.i, errcode.BadRequest, "'=' expected after SRID")
	}
	p.i++
	p.ws()
	ds := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	code := p.s[ds:p.i]
	if code == "" || len(code) > 9 {
		return "", false, p.errAt(ds, errcode.BadRequest, "SRID number expected")
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ';' {
		return "", false, p.errAt(start, errcode.BadRequest, "';' expected after SRID=%s", code)
	}
	p.i++
	return strings.TrimLeft(code, "0"), true, nil
}

func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		got := "end of text"
		if p.i < len(p.s) {
			got = strconv.QuoteRune([]rune(p.s[p.i:])[0])
		}
		return p.errAt(p.i, errcode.BadRequest, "%q expected, found %s", c, got)
	}
	p.i++
	return nil
}

// geometry reads TYPE [Z|M|ZM] (EMPTY | body).
func (p *parser) geometry(depth int) (orb.Geometry, error) {
	if depth > maxDepth {
		return nil, p.errAt(p.i, errcode.BadRequest, "geometry collections nested deeper than %d", maxDepth)
	}
	start := p.i
	typ := p.word()
	if typ == "" {
		return nil, p.errAt(p.i, errcode.BadRequest, "WKT geometry type expected (POINT, LINESTRING, POLYGON, MULTI…, GEOMETRYCOLLECTION)")
	}
	dims := 2
	// "POINTZ", "POINT Z", "POINT ZM", "POINTM".
	for _, suf := range []string{"ZM", "Z", "M"} {
		if strings.HasSuffix(typ, suf) && knownType(strings.TrimSuffix(typ, suf)) {
			typ = strings.TrimSuffix(typ, suf)
			dims = 2 + len(suf)
			break
		}
	}
	if !knownType(typ) {
		return nil, p.errAt(start, errcode.BadRequest, "unknown WKT geometry type %q", typ)
	}
	save := p.i
	switch w := p.word(); w {
	case "Z", "M":
		dims = 3
	case "ZM":
		dims = 4
	case "EMPTY":
		return nil, p.errAt(start, errcode.EmptyGeometry, "%s EMPTY: the geometry is empty", typ)
	case "":
	default:
		p.i = save
	}
	if p.peek() != '(' {
		if p.word() == "EMPTY" {
			return nil, p.errAt(start, errcode.EmptyGeometry, "%s EMPTY: the geometry is empty", typ)
		}
		return nil, p.errAt(p.i, errcode.BadRequest, "'(' expected after %s", typ)
	}
	switch typ {
	case "POINT":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		pt, err := p.point(dims)
		if err != nil {
			return nil, err
		}
		return pt, p.expect(')')
	case "LINESTRING":
		return p.lineString(dims, start)
	case "POLYGON":
		return p.polygon(dims, start)
	case "MULTIPOINT":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		var mp orb.MultiPoint
		for {
			// Both MULTIPOINT(1 2, 3 4) and MULTIPOINT((1 2), (3 4)) are in use.
			paren := p.peek() == '('
			if paren {
				p.i++
			}
			pt, err := p.point(dims)
			if err != nil {
				return nil, err
			}
			if paren {
				if err := p.expect(')'); err != nil {
					return nil, err
				}
			}
			mp = append(mp, pt)
			if p.peek() != ',' {
				break
			}
			p.i++
		}
		return mp, p.expect(')')
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.list(func() error {
			ls, err := p.lineString(dims, p.i)
			ml = append(ml, ls)
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.list(func() error {
			pg, err := p.polygon(dims, p.i)
			mp = append(mp, pg)
			return err
		})
		return mp, err
	case "GEOMETRYCOLLECTION":
		var gc orb.Collection
		err := p.list(func() error {
			g, err := p.geometry(depth + 1)
			gc = append(gc, g)
			return err
		})
		return gc, err
	}
	return nil, p.errAt(start, errcode.BadRequest, "unsupported WKT geometry type %q", typ)
}

func knownType(t string) bool {
	switch t {
	case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		return true
	}
	return false
}

// list reads ( item , item … ).
func (p *parser) list(item func() error) error {
	if err := p.expect('('); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.peek() != ',' {
			break
		}
		p.i++
	}
	return p.expect(')')
}

func (p *parser) point(dims int) (orb.Point, error) {
	var v [4]float64
	n := 0
	for n < 4 {
		c := p.peek()
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'N' || c == 'n' || c == 'I' || c == 'i') {
			break
		}
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(" \t\r\n,()", rune(p.s[p.i])) {
			p.i++
		}
		f, err := strconv.ParseFloat(p.s[start:p.i], 64)
		if err != nil {
			return orb.Point{}, p.errAt(start, errcode.BadRequest, "number expected, found %q", clip(p.s[start:p.i]))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Point{}, p.errAt(start, errcode.InvalidCoordinates, "coordinate %q is not a finite number", p.s[start:p.i])
		}
		v[n] = f
		n++
	}
	if n < 2 {
		return orb.Point{}, p.errAt(p.i, errcode.BadRequest, "a coordinate needs at least x and y")
	}
	if n > 2 || dims > 2 {
		p.droppedZ = true
	}
	return orb.Point{v[0], v[1]}, nil
}

func (p *parser) points(dims int) ([]orb.Point, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	var pts []orb.Point
	for {
		pt, err := p.point(dims)
		if err != nil {
			return nil, err
		}
		pts = append(pts, pt)
		if p.peek() != ',' {
			break
		}
		p.i++
	}
	return pts, p.expect(')')
}

func (p *parser) lineString(dims, start int) (orb.LineString, error) {
	pts, err := p.points(dims)
	if err != nil {
		return nil, err
	}
	if len(pts) < 2 {
		return nil, p.errAt(start, errcode.InvalidGeometry, "a line needs at least 2 points, found %d", len(pts))
	}
	return orb.LineString(pts), nil
}

func (p *parser) polygon(dims, start int) (orb.Polygon, error) {
	var pg orb.Polygon
	err := p.list(func() error {
		rs := p.i
		pts, err := p.points(dims)
		if err != nil {
			return err
		}
		ring := len(pg)
		if len(pts) < 4 {
			return p.errAt(rs, errcode.InvalidGeometry, "ring %d has %d points; a ring needs at least 4 (closed)", ring, len(pts))
		}
		if pts[0] != pts[len(pts)-1] {
			return p.errAt(rs, errcode.InvalidGeometry, "ring %d is not closed: first point %v, last %v", ring, pts[0], pts[len(pts)-1])
		}
		pg = append(pg, orb.Ring(pts))
		return nil
	})
	return pg, err
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
