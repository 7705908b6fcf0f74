package dxf

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// drawing writes ASCII DXF for the tests: a header, block definitions and
// entities, each entity with a fresh handle.
type drawing struct {
	acadver  string // "" writes none
	codepage string // "" writes none
	insunits int    // -1 writes none
	crlf     bool
	pad      bool // codes right-aligned in three columns, as AutoCAD writes them
	gbk      bool // encode the whole file as GBK

	blocks   strings.Builder
	entities strings.Builder
	cur      *strings.Builder
	handle   int
}

func newDrawing() *drawing {
	d := &drawing{acadver: "AC1015", codepage: "ANSI_936", insunits: 6, pad: true}
	d.cur = &d.entities
	return d
}

func (d *drawing) pair(code int, v any) {
	c := strconv.Itoa(code)
	if d.pad {
		c = fmt.Sprintf("%3d", code)
	}
	var s string
	switch v := v.(type) {
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		s = fmt.Sprint(v)
	}
	d.cur.WriteString(c + "\n" + s + "\n")
}

// start begins an entity with its handle and layer; it returns the handle.
func (d *drawing) start(kind, layer string) string {
	d.handle++
	h := strconv.FormatInt(int64(d.handle+0x20), 16)
	d.pair(0, kind)
	d.pair(5, strings.ToUpper(h))
	d.pair(8, layer)
	return strings.ToUpper(h)
}

func (d *drawing) xy(code int, p orb.Point) {
	d.pair(code, p[0])
	d.pair(code+10, p[1])
}

// lwpolyline writes an LWPOLYLINE; bulges (may be nil) go with the vertices.
func (d *drawing) lwpolyline(layer string, pts []orb.Point, bulges []float64, closed bool) string {
	h := d.start("LWPOLYLINE", layer)
	d.pair(100, "AcDbPolyline")
	d.pair(90, len(pts))
	d.pair(70, map[bool]int{true: 1, false: 0}[closed])
	for i, p := range pts {
		d.xy(10, p)
		if bulges != nil && bulges[i] != 0 {
			d.pair(42, bulges[i])
		}
	}
	return h
}

// polyline writes a POLYLINE with VERTEX entities and SEQEND.
func (d *drawing) polyline(layer string, pts []orb.Point, bulges []float64, closed bool) string {
	h := d.start("POLYLINE", layer)
	d.pair(66, 1)
	d.xy(10, orb.Point{})
	d.pair(70, map[bool]int{true: 1, false: 0}[closed])
	for i, p := range pts {
		d.start("VERTEX", layer)
		d.xy(10, p)
		if bulges != nil && bulges[i] != 0 {
			d.pair(42, bulges[i])
		}
	}
	d.start("SEQEND", layer)
	return h
}

func (d *drawing) line(layer string, a, b orb.Point) string {
	h := d.start("LINE", layer)
	d.xy(10, a)
	d.xy(11, b)
	return h
}

func (d *drawing) arc(layer string, c orb.Point, r, a0, a1 float64) string {
	h := d.start("ARC", layer)
	d.xy(10, c)
	d.pair(40, r)
	d.pair(50, a0)
	d.pair(51, a1)
	return h
}

func (d *drawing) circle(layer string, c orb.Point, r float64) string {
	h := d.start("CIRCLE", layer)
	d.xy(10, c)
	d.pair(40, r)
	return h
}

func (d *drawing) point(layer string, p orb.Point) string {
	h := d.start("POINT", layer)
	d.xy(10, p)
	return h
}

func (d *drawing) text(layer, s string, p orb.Point) string {
	h := d.start("TEXT", layer)
	d.xy(10, p)
	d.pair(40, 2.5)
	d.pair(1, s)
	return h
}

// hatchEdge is one edge of a hatch edge path.
type hatchEdge struct {
	typ        int // 1 line, 2 arc, 3 ellipse
	a, b       orb.Point
	r          float64
	a0, a1     float64
	ccw        bool
	major      orb.Point
	minorRatio float64
}

// hatchPoly writes a HATCH with one polyline path per ring.
func (d *drawing) hatchPoly(layer string, rings [][]orb.Point, bulges [][]float64) string {
	h := d.start("HATCH", layer)
	d.pair(100, "AcDbHatch")
	d.xy(10, orb.Point{})
	d.pair(30, 0.0)
	d.pair(210, 0.0)
	d.pair(220, 0.0)
	d.pair(230, 1.0)
	d.pair(2, "SOLID")
	d.pair(70, 1)
	d.pair(71, 0)
	d.pair(91, len(rings))
	for i, r := range rings {
		d.pair(92, 2|1)
		hasBulge := bulges != nil && bulges[i] != nil
		d.pair(72, map[bool]int{true: 1, false: 0}[hasBulge])
		d.pair(73, 1)
		d.pair(93, len(r))
		for j, p := range r {
			d.xy(10, p)
			if hasBulge {
				d.pair(42, bulges[i][j])
			}
		}
		d.pair(97, 0)
	}
	d.hatchTail()
	return h
}

// hatchEdges writes a HATCH with one edge path.
func (d *drawing) hatchEdges(layer string, edges []hatchEdge) string {
	h := d.start("HATCH", layer)
	d.pair(100, "AcDbHatch")
	d.xy(10, orb.Point{})
	d.pair(30, 0.0)
	d.pair(2, "ANSI31")
	d.pair(70, 0)
	d.pair(71, 1)
	d.pair(91, 1)
	d.pair(92, 1)
	d.pair(93, len(edges))
	for _, e := range edges {
		d.pair(72, e.typ)
		switch e.typ {
		case 1:
			d.xy(10, e.a)
			d.xy(11, e.b)
		case 2:
			d.xy(10, e.a)
			d.pair(40, e.r)
			d.pair(50, e.a0)
			d.pair(51, e.a1)
			d.pair(73, map[bool]int{true: 1, false: 0}[e.ccw])
		case 3:
			d.xy(10, e.a)
			d.xy(11, e.major)
			d.pair(40, e.minorRatio)
			d.pair(50, e.a0)
			d.pair(51, e.a1)
			d.pair(73, map[bool]int{true: 1, false: 0}[e.ccw])
		}
	}
	d.pair(97, 1)
	d.pair(330, "1F")
	d.hatchTail()
	return h
}

// hatchTail writes a pattern and seed points, whose 10/20 groups must not be
// taken for boundary vertices.
func (d *drawing) hatchTail() {
	d.pair(75, 1)
	d.pair(76, 1)
	d.pair(52, 0.0)
	d.pair(41, 1.0)
	d.pair(77, 0)
	d.pair(78, 1)
	d.pair(53, 45.0)
	d.pair(43, 0.0)
	d.pair(44, 0.0)
	d.pair(45, -2.2)
	d.pair(46, 2.2)
	d.pair(79, 0)
	d.pair(98, 1)
	d.xy(10, orb.Point{9999, 9999})
}

// insert writes an INSERT (a MINSERT when rows or cols exceed 1).
func (d *drawing) insert(layer, block string, at orb.Point, sx, sy, rot float64, cols, rows int, dc, dr float64) string {
	h := d.start("INSERT", layer)
	d.pair(2, block)
	d.xy(10, at)
	d.pair(41, sx)
	d.pair(42, sy)
	d.pair(50, rot)
	if cols > 1 || rows > 1 {
		d.pair(70, cols)
		d.pair(71, rows)
		d.pair(44, dc)
		d.pair(45, dr)
	}
	return h
}

// block writes a block definition; body writes its entities.
func (d *drawing) block(name string, base orb.Point, body func()) {
	d.cur = &d.blocks
	d.start("BLOCK", "0")
	d.pair(2, name)
	d.pair(70, 0)
	d.xy(10, base)
	d.pair(3, name)
	body()
	d.start("ENDBLK", "0")
	d.cur = &d.entities
}

func (d *drawing) bytes(t testing.TB) []byte {
	var out strings.Builder
	w := func(s string) { out.WriteString(s) }
	sec := func(name string) { w("  0\nSECTION\n  2\n" + name + "\n") }
	sec("HEADER")
	if d.acadver != "" {
		w("  9\n$ACADVER\n  1\n" + d.acadver + "\n")
	}
	if d.codepage != "" {
		w("  9\n$DWGCODEPAGE\n  3\n" + d.codepage + "\n")
	}
	if d.insunits >= 0 {
		w("  9\n$INSUNITS\n 70\n" + strconv.Itoa(d.insunits) + "\n")
	}
	w("  9\n$EXTMIN\n 10\n0.0\n 20\n0.0\n 30\n0.0\n")
	w("  0\nENDSEC\n")
	sec("TABLES")
	w("  0\nTABLE\n  2\nLAYER\n 70\n1\n  0\nLAYER\n  2\n0\n 70\n0\n 62\n7\n  6\nCONTINUOUS\n  0\nENDTAB\n  0\nENDSEC\n")
	sec("BLOCKS")
	w(d.blocks.String())
	w("  0\nENDSEC\n")
	sec("ENTITIES")
	w(d.entities.String())
	w("  0\nENDSEC\n")
	sec("OBJECTS")
	w("  0\nDICTIONARY\n  5\nC\n  0\nENDSEC\n  0\nEOF\n")
	s := out.String()
	if !d.pad {
		s = strings.ReplaceAll(s, "  0\n", "0\n")
	}
	if d.crlf {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	if d.gbk {
		g, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(g)
	}
	return []byte(s)
}
