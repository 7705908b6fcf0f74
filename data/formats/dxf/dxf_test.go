package dxf

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

const tol = DefaultChordTolerance

func square(x0, y0, s float64) []orb.Point {
	return []orb.Point{{x0, y0}, {x0 + s, y0}, {x0 + s, y0 + s}, {x0, y0 + s}}
}

// ringsOf reads b and returns the rings of the chosen layer.
func ringsOf(t *testing.T, b []byte, opts Options) ([]orb.Ring, []string) {
	t.Helper()
	c, err := Read(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ml, ok := c.Features[0].Geometry.(orb.MultiLineString)
	if !ok {
		t.Fatalf("geometry %T, want closed lines", c.Features[0].Geometry)
	}
	rings := make([]orb.Ring, len(ml))
	for i, ls := range ml {
		if ls[0] != ls[len(ls)-1] {
			t.Fatalf("ring %d is not closed", i)
		}
		rings[i] = orb.Ring(ls)
	}
	return rings, c.Warnings
}

func area(r orb.Ring) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return math.Abs(a) / 2
}

func totalArea(rs []orb.Ring) float64 {
	s := 0.0
	for _, r := range rs {
		s += area(r)
	}
	return s
}

// TestEntityAreas draws each entity type on layer 用地红线 among decoys and
// compares the area read with the exact area of the curve: straight shapes
// exactly, arcs within the chord tolerance's bound (tol × arc length: each chord's
// segment is thinner than tol), and never outside it on the wrong side.
func TestEntityAreas(t *testing.T) {
	const L = "用地红线"
	semi := math.Pi * 50 * 50 / 2 // a semicircle on a 100 m edge
	for _, tc := range []struct {
		name   string
		draw   func(d *drawing)
		want   float64
		arcLen float64 // length of the curved parts (0: exact)
		rings  int
	}{
		{"LWPOLYLINE closed", func(d *drawing) { d.lwpolyline(L, square(0, 0, 100), nil, true) }, 1e4, 0, 1},
		{"LWPOLYLINE last vertex repeats the first", func(d *drawing) {
			d.lwpolyline(L, append(square(0, 0, 100), orb.Point{0, 0}), nil, false)
		}, 1e4, 0, 1},
		{"POLYLINE closed", func(d *drawing) { d.polyline(L, square(0, 0, 100), nil, true) }, 1e4, 0, 1},
		{"LWPOLYLINE bulge outward (+, counter-clockwise ring)", func(d *drawing) {
			d.lwpolyline(L, square(0, 0, 100), []float64{0, 0, 1, 0}, true)
		}, 1e4 + semi, math.Pi * 50, 1},
		{"LWPOLYLINE bulge inward (−)", func(d *drawing) {
			d.lwpolyline(L, square(0, 0, 100), []float64{0, 0, -1, 0}, true)
		}, 1e4 - semi, math.Pi * 50, 1},
		{"POLYLINE bulges of both signs", func(d *drawing) {
			// A quarter-turn bulge in on the bottom edge, out on the top edge: the
			// segments cancel.
			b := math.Tan(math.Pi / 8)
			d.polyline(L, square(0, 0, 100), []float64{-b, 0, b, 0}, true)
		}, 1e4, 2 * (math.Pi / 2 * 100 / math.Sqrt2), 1},
		{"CIRCLE", func(d *drawing) { d.circle(L, orb.Point{500, 500}, 80) }, math.Pi * 80 * 80, 2 * math.Pi * 80, 1},
		{"LINEs closing a ring", func(d *drawing) {
			p := square(0, 0, 100)
			d.line(L, p[0], p[1])
			d.line(L, p[2], p[1]) // drawn backwards
			d.line(L, p[2], p[3])
			d.line(L, p[3], p[0])
		}, 1e4, 0, 1},
		{"ARC and LINE closing a ring", func(d *drawing) {
			d.arc(L, orb.Point{50, 0}, 50, 0, 180)
			d.line(L, orb.Point{0, 0}, orb.Point{100, 0})
		}, semi, math.Pi * 50, 1},
		{"HATCH polyline paths with a hole", func(d *drawing) {
			d.hatchPoly(L, [][]orb.Point{square(0, 0, 100), square(25, 25, 50)}, [][]float64{{0, 0, 1, 0}, nil})
		}, 1e4 + semi - 2500, math.Pi * 50, 2},
		{"HATCH edges: lines and a counter-clockwise arc", func(d *drawing) {
			d.hatchEdges(L, []hatchEdge{
				{typ: 1, a: orb.Point{0, 0}, b: orb.Point{100, 0}},
				{typ: 2, a: orb.Point{50, 0}, r: 50, a0: 0, a1: 180, ccw: true},
			})
		}, semi, math.Pi * 50, 1},
		{"HATCH edges: a clockwise arc", func(d *drawing) {
			// From (0,0) clockwise over the top to (100,0): DXF stores the
			// mirrored angles 180…360.
			d.hatchEdges(L, []hatchEdge{
				{typ: 2, a: orb.Point{50, 0}, r: 50, a0: 180, a1: 360, ccw: false},
				{typ: 1, a: orb.Point{100, 0}, b: orb.Point{0, 0}},
			})
		}, semi, math.Pi * 50, 1},
		{"HATCH edges: a full ellipse", func(d *drawing) {
			d.hatchEdges(L, []hatchEdge{{typ: 3, a: orb.Point{0, 0}, major: orb.Point{100, 0}, minorRatio: 0.5, a0: 0, a1: 360, ccw: true}})
		}, math.Pi * 100 * 50, 2 * math.Pi * 100, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDrawing()
			d.lwpolyline("图框", square(-1000, -1000, 5000), nil, true)
			d.line("道路", orb.Point{0, -10}, orb.Point{100, -10})
			d.text("标注", "用地红线", orb.Point{10, 10})
			tc.draw(d)
			rings, warns := ringsOf(t, d.bytes(t), Options{})
			if len(rings) != tc.rings {
				t.Fatalf("%d rings, want %d", len(rings), tc.rings)
			}
			got := area(rings[0])
			if tc.rings == 2 {
				got -= area(rings[1])
			}
			bound := tol*tc.arcLen + 1e-9*tc.want
			if math.Abs(got-tc.want) > bound {
				t.Errorf("area %.6f, want %.6f within %.4g (off by %.4g)", got, tc.want, bound, got-tc.want)
			}
			// The hatch arcs bulge upwards, whichever way they are drawn.
			if b := rings[0].Bound(); strings.Contains(tc.name, "arc") && strings.HasPrefix(tc.name, "HATCH edges") &&
				(math.Abs(b.Max[1]-50) > tol || b.Min[1] < -1e-9) {
				t.Errorf("the arc runs from y %.3f to %.3f, want 0 to 50 (the wrong way round?)", b.Min[1], b.Max[1])
			}
			if !strings.Contains(strings.Join(warns, "\n"), `layer "用地红线"`) || !strings.Contains(strings.Join(warns, "\n"), `"图框" (1)`) {
				t.Errorf("warnings do not say which layer was read and which others held closed shapes: %q", warns)
			}
		})
	}
}

// TestArcVerticesOnCircle: every vertex of a densified bulge lies on the true
// circle and no chord strays from it by more than the tolerance.
func TestArcVerticesOnCircle(t *testing.T) {
	for _, b := range []float64{0.3, -0.3, 1, -1, 2.5, -2.5} {
		p, q := orb.Point{36500000, 3800000}, orb.Point{36500100, 3800000}
		pts, _ := bulgeArc(nil, p, q, b, tol)
		theta := 4 * math.Atan(b)
		c := 100.0
		r := c / 2 / math.Sin(math.Abs(theta)/2)
		all := append(append([]orb.Point{p}, pts...), q)
		// Fit the centre from three points and check the radius of every vertex.
		cx0, cy0 := circumcentre(all[0], all[len(all)/2], all[len(all)-1])
		for i, v := range all {
			if d := math.Hypot(v[0]-cx0, v[1]-cy0); math.Abs(d-r) > 1e-6 {
				t.Fatalf("bulge %g: vertex %d at %.9f from the centre, radius %.9f", b, i, d, r)
			}
		}
		for i := 0; i+1 < len(all); i++ {
			m := orb.Point{(all[i][0] + all[i+1][0]) / 2, (all[i][1] + all[i+1][1]) / 2}
			if sag := r - math.Hypot(m[0]-cx0, m[1]-cy0); sag > tol+1e-9 {
				t.Fatalf("bulge %g: chord %d strays %.4f m from the arc", b, i, sag)
			}
		}
		// The arc turns the way the bulge's sign says: positive bulges go
		// counter-clockwise from p to q, so the arc's midpoint is right of p→q.
		mid := all[len(all)/2]
		if side := (q[0]-p[0])*(mid[1]-p[1]) - (q[1]-p[1])*(mid[0]-p[0]); side*b > 0 {
			t.Errorf("bulge %g: the arc lies on the wrong side of its chord", b)
		}
	}
}

func circumcentre(a, b, c orb.Point) (float64, float64) {
	// Relative to a, for precision with large coordinates.
	bx, by := b[0]-a[0], b[1]-a[1]
	cx, cy := c[0]-a[0], c[1]-a[1]
	d := 2 * (bx*cy - by*cx)
	ux := (cy*(bx*bx+by*by) - by*(cx*cx+cy*cy)) / d
	uy := (bx*(cx*cx+cy*cy) - cx*(bx*bx+by*by)) / d
	return ux + a[0], uy + a[1]
}

// TestBlocks: INSERT with base point, scale, rotation; nested blocks; MINSERT;
// entities of a block on layer 0 take the reference's layer.
func TestBlocks(t *testing.T) {
	d := newDrawing()
	d.block("PARCEL", orb.Point{5, 5}, func() {
		d.lwpolyline("0", square(5, 5, 10), nil, true) // base point at its corner
	})
	d.block("TWICE", orb.Point{0, 0}, func() {
		d.insert("0", "PARCEL", orb.Point{0, 0}, 2, 2, 0, 1, 1, 0, 0)
	})
	d.insert("红线", "PARCEL", orb.Point{1000, 2000}, 2, 3, 30, 1, 1, 0, 0)
	rings, _ := ringsOf(t, d.bytes(t), Options{})
	if len(rings) != 1 || math.Abs(area(rings[0])-600) > 1e-9 {
		t.Fatalf("scaled insert: %d rings, area %v, want 600", len(rings), area(rings[0]))
	}
	// The base point lands on the insertion point; the next corner (10 along the
	// block's x, scaled 2) lies 20 m along the 30° direction.
	if p := rings[0][0]; math.Hypot(p[0]-1000, p[1]-2000) > 1e-9 {
		t.Errorf("first vertex %v, want the insertion point", p)
	}
	if p := rings[0][1]; math.Hypot(p[0]-(1000+20*math.Cos(math.Pi/6)), p[1]-(2000+20*math.Sin(math.Pi/6))) > 1e-9 {
		t.Errorf("second vertex %v, want 20 m at 30°", p)
	}

	d = newDrawing()
	d.block("PARCEL", orb.Point{0, 0}, func() { d.lwpolyline("0", square(0, 0, 10), nil, true) })
	d.block("TWICE", orb.Point{0, 0}, func() { d.insert("0", "PARCEL", orb.Point{0, 0}, 2, 2, 0, 1, 1, 0, 0) })
	d.insert("红线", "TWICE", orb.Point{0, 0}, 3, 3, 90, 1, 1, 0, 0)
	rings, _ = ringsOf(t, d.bytes(t), Options{})
	if len(rings) != 1 || math.Abs(area(rings[0])-3600) > 1e-6 {
		t.Fatalf("nested insert: area %v, want 3600", totalArea(rings))
	}

	d = newDrawing()
	d.block("LOT", orb.Point{0, 0}, func() { d.lwpolyline("0", square(0, 0, 10), nil, true) })
	d.insert("红线", "LOT", orb.Point{0, 0}, 1, 1, 0, 3, 2, 20, 30)
	rings, _ = ringsOf(t, d.bytes(t), Options{})
	if len(rings) != 6 || math.Abs(totalArea(rings)-600) > 1e-9 {
		t.Fatalf("MINSERT 2×3: %d rings, area %v", len(rings), totalArea(rings))
	}

	// A block that inserts itself is refused, naming the entity.
	d = newDrawing()
	d.block("LOOP", orb.Point{0, 0}, func() {
		d.lwpolyline("0", square(0, 0, 10), nil, true)
		d.insert("0", "LOOP", orb.Point{1, 1}, 1, 1, 0, 1, 1, 0, 0)
	})
	d.insert("红线", "LOOP", orb.Point{0, 0}, 1, 1, 0, 1, 1, 0, 0)
	_, err := Read(d.bytes(t), Options{})
	if e, ok := errcode.As(err); !ok || !strings.Contains(e.Message, "nest") || e.Details["handle"] == nil {
		t.Fatalf("a self-inserting block: %v", err)
	}
}

// TestExtrusionMirrors: an entity whose extrusion is (0, 0, −1) has its object x
// mirrored.
func TestExtrusionMirrors(t *testing.T) {
	d := newDrawing()
	d.lwpolyline("红线", square(100, 0, 10), []float64{0, 0, 1, 0}, true)
	d.pair(210, 0.0)
	d.pair(220, 0.0)
	d.pair(230, -1.0)
	rings, _ := ringsOf(t, d.bytes(t), Options{})
	b := rings[0].Bound()
	if math.Abs(b.Min[0]+110) > 1e-9 || math.Abs(b.Max[0]+100) > 1e-9 {
		t.Errorf("mirrored bound %v, want x from −110 to −100", b)
	}
	want := 100 + math.Pi*25/2
	if math.Abs(area(rings[0])-want) > tol*math.Pi*5 {
		t.Errorf("mirrored area %v, want %v", area(rings[0]), want)
	}
}

// TestUnitsAndText: $INSUNITS millimetres scale to metres; GBK layer names
// (ANSI_936), UTF-8 names of AutoCAD 2007+ with \U+ escapes, CRLF line ends and
// unpadded codes all read.
func TestUnitsAndText(t *testing.T) {
	d := newDrawing()
	d.insunits = 4
	d.gbk, d.crlf = true, true
	d.lwpolyline("用地红线", square(36500000000, 3800000000, 100000), nil, true)
	c, err := Read(d.bytes(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Features[0].ID != "用地红线" {
		t.Errorf("layer %q, want 用地红线 decoded from GBK", c.Features[0].ID)
	}
	r := orb.Ring(c.Features[0].Geometry.(orb.MultiLineString)[0])
	if math.Abs(area(r)-1e4) > 1e-6 || math.Abs(r[0][0]-36500000) > 1e-6 {
		t.Errorf("millimetres: area %v first vertex %v", area(r), r[0])
	}
	if w := strings.Join(c.Warnings, "\n"); !strings.Contains(w, "millimetres") || !strings.Contains(w, "ANSI_936") {
		t.Errorf("warnings do not say the units and encoding assumed: %q", c.Warnings)
	}

	d = newDrawing()
	d.acadver, d.codepage, d.pad = "AC1032", "ANSI_936", false
	d.lwpolyline(`\U+7528\U+5730红线`, square(0, 0, 10), nil, true)
	c, err = Read(d.bytes(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Features[0].ID != "用地红线" {
		t.Errorf("layer %q, want 用地红线 from UTF-8 and \\U+ escapes", c.Features[0].ID)
	}

	// No header at all: a GBK name is still read.
	d = newDrawing()
	d.gbk = true
	d.lwpolyline("界址线", square(0, 0, 10), nil, true)
	b := d.bytes(t)
	i := strings.Index(string(b), "  0\nSECTION\n  2\nBLOCKS")
	c, err = Read(b[i:], Options{})
	if err != nil || c.Features[0].ID != "界址线" {
		t.Fatalf("headerless GBK: %v %v", c, err)
	}
}

// TestLayerChoice: the named layer, the best-named layer, the only layer with
// closed shapes; ambiguity and absence are errors listing what each layer holds.
func TestLayerChoice(t *testing.T) {
	base := func() *drawing {
		d := newDrawing()
		d.lwpolyline("图框", square(-100, -100, 1000), nil, true)
		d.lwpolyline("道路红线", square(0, 0, 30), nil, true)
		d.text("标注", "用地红线", orb.Point{1, 1})
		return d
	}
	for _, tc := range []struct {
		name  string
		draw  func(d *drawing)
		opts  Options
		layer string
		code  errcode.Code
		says  []string
	}{
		{"by name, over a road's red line and the frame", func(d *drawing) { d.lwpolyline("用地红线", square(0, 0, 10), nil, true) }, Options{}, "用地红线", "", nil},
		{"用地红线 beats 红线", func(d *drawing) {
			d.lwpolyline("红线", square(0, 0, 10), nil, true)
			d.lwpolyline("XM-用地红线", square(0, 0, 20), nil, true)
		}, Options{}, "XM-用地红线", "", nil},
		{"english name", func(d *drawing) { d.lwpolyline("Site_Boundary", square(0, 0, 10), nil, true) }, Options{}, "Site_Boundary", "", nil},
		{"named layer", func(d *drawing) { d.lwpolyline("用地红线", square(0, 0, 10), nil, true) }, Options{Layer: "图框"}, "图框", "", nil},
		{"named layer, other case", func(d *drawing) { d.lwpolyline("Parcel", square(0, 0, 10), nil, true) }, Options{Layer: "parcel"}, "Parcel", "", nil},
		{"named layer missing", nil, Options{Layer: "nope"}, "", errcode.BadRequest, []string{`"nope"`, `"图框"`, "TEXT"}},
		{"two layers equally named", func(d *drawing) {
			d.lwpolyline("红线1", square(0, 0, 10), nil, true)
			d.lwpolyline("红线2", square(0, 0, 10), nil, true)
		}, Options{}, "", errcode.BadRequest, []string{`"红线1"`, `"红线2"`, "--dxf-layer"}},
		{"no red-line name, several closed layers", nil, Options{}, "", errcode.BadRequest, []string{`"图框"`, `"道路红线"`, "dxf_layer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			if tc.draw != nil {
				tc.draw(d)
			}
			c, err := Read(d.bytes(t), tc.opts)
			if tc.code != "" {
				e, ok := errcode.As(err)
				if !ok || e.Code != tc.code {
					t.Fatalf("error %v, want %s", err, tc.code)
				}
				for _, s := range tc.says {
					if !strings.Contains(e.Message, s) {
						t.Errorf("message %q does not say %s", e.Message, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Features[0].ID != tc.layer {
				t.Errorf("layer %q, want %q", c.Features[0].ID, tc.layer)
			}
		})
	}

	// Only one layer holds closed shapes, whatever its name.
	d := newDrawing()
	d.line("道路", orb.Point{0, 0}, orb.Point{1, 1})
	d.lwpolyline("0", square(0, 0, 10), nil, true)
	c, err := Read(d.bytes(t), Options{})
	if err != nil || c.Features[0].ID != "0" || !strings.Contains(strings.Join(c.Warnings, "\n"), "only layer") {
		t.Fatalf("only closed layer: %v %v", c, err)
	}

	// Nothing closed anywhere: the error says what the drawing holds.
	d = newDrawing()
	d.line("道路", orb.Point{0, 0}, orb.Point{1, 1})
	d.text("标注", "x", orb.Point{0, 0})
	d.point("测量点", orb.Point{0, 0})
	_, err = Read(d.bytes(t), Options{})
	e, ok := errcode.As(err)
	if !ok || e.Code != errcode.EmptyGeometry || !strings.Contains(e.Message, `"道路": 1 LINE`) || !strings.Contains(e.Message, "1 POINT") {
		t.Fatalf("nothing closed: %v", err)
	}

	// A named layer with lines only gives lines; one with points only, points.
	c, err = Read(d.bytes(t), Options{Layer: "道路"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Features[0].Geometry.(orb.LineString); !ok {
		t.Errorf("named line layer: %T", c.Features[0].Geometry)
	}
	c, err = Read(d.bytes(t), Options{Layer: "测量点"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Features[0].Geometry.(orb.Point); !ok {
		t.Errorf("named point layer: %T", c.Features[0].Geometry)
	}

	// A route drawn on 用地红线 beside a closed frame is the site, not the frame.
	d = newDrawing()
	d.lwpolyline("图框", square(-100, -100, 1000), nil, true)
	d.lwpolyline("用地红线", []orb.Point{{0, 0}, {50, 10}, {100, 0}}, []float64{0, 0.3, 0}, false)
	c, err = Read(d.bytes(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Features[0].Geometry.(orb.LineString); !ok || c.Features[0].ID != "用地红线" {
		t.Errorf("a route on 用地红线: layer %q, %T", c.Features[0].ID, c.Features[0].Geometry)
	}
}

// TestHatchOverBoundary: a hatch drawn over its boundary polyline is one area.
func TestHatchOverBoundary(t *testing.T) {
	d := newDrawing()
	d.lwpolyline("红线", square(0, 0, 100), []float64{0, 0, 1, 0}, true)
	d.hatchEdges("红线", []hatchEdge{
		{typ: 1, a: orb.Point{0, 0}, b: orb.Point{100, 0}},
		{typ: 1, a: orb.Point{100, 0}, b: orb.Point{100, 100}},
		{typ: 2, a: orb.Point{50, 100}, r: 50, a0: 0, a1: 180, ccw: true},
		{typ: 1, a: orb.Point{0, 100}, b: orb.Point{0, 0}},
	})
	rings, warns := ringsOf(t, d.bytes(t), Options{})
	if len(rings) != 1 || !strings.Contains(strings.Join(warns, "\n"), "repeat") {
		t.Fatalf("%d rings, warnings %q", len(rings), warns)
	}
}

// TestErrorsNameWhere: errors name the line and the entity handle.
func TestErrorsNameWhere(t *testing.T) {
	d := newDrawing()
	d.lwpolyline("红线", square(0, 0, 10), nil, true)
	h := d.lwpolyline("红线", square(0, 0, 20), nil, true)
	b := strings.Replace(string(d.bytes(t)), " 10\n0\n 20\n20\n", " 10\n0\n 20\nabc\n", 1)
	_, err := Read([]byte(b), Options{})
	e, ok := errcode.As(err)
	if !ok || e.Details["handle"] != h || e.Details["line"] == nil {
		t.Fatalf("error %v, want one naming handle %s and its line", err, h)
	}
	line := e.Details["line"].(int)
	if got := strings.Split(b, "\n")[line-1]; strings.TrimSpace(got) != "20" {
		t.Errorf("line %d is %q, not the group code of the bad value", line, got)
	}

	for _, tc := range []struct {
		name string
		in   string
		code errcode.Code
	}{
		{"binary", BinarySentinel + "\r\n\x1a\x00garbage", errcode.UnsupportedMedia},
		{"code not a number", "  0\nSECTION\n  2\nENTITIES\nxx\nLINE\n", errcode.BadRequest},
		{"value missing", "  0\nSECTION\n  2\nENTITIES\n  0\n", errcode.BadRequest},
		{"empty entities", "  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n", errcode.EmptyGeometry},
		{"negative radius", "0\nSECTION\n2\nENTITIES\n0\nCIRCLE\n5\n2A\n8\n红线\n10\n0\n20\n0\n40\n-1\n0\nENDSEC\n0\nEOF\n", errcode.InvalidGeometry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in), Options{})
			if errcode.Of(err) != tc.code {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
		})
	}
}

// TestHandWritten reads odd files written by hand, not by our writer: an R12
// drawing without header (POLYLINE, VERTEX, SEQEND, CRLF, a bulge) on a layer
// whose name says nothing, a mirrored ARC closed by a LINE, loose spacing with
// flags written as reals, and a hatch whose boundary has a spline edge.
func TestHandWritten(t *testing.T) {
	// The spline edge is the cubic Bézier (90,0) (90,60) (0,60) (0,0): its area
	// with the line back along the x axis, by Green's theorem on the Bernstein
	// form, sampled finely.
	bez := func(u float64) orb.Point {
		a, b, c := (1-u)*(1-u)*(1-u), 3*u*(1-u)*(1-u), 3*u*u*(1-u) // the last point, (0,0), adds nothing
		return orb.Point{90*a + 90*b, 60*b + 60*c}
	}
	spline := 0.0
	for i := 0; i < 100000; i++ {
		p, q := bez(float64(i)/100000), bez(float64(i+1)/100000)
		spline += (p[0]*q[1] - q[0]*p[1]) / 2
	}
	for _, tc := range []struct {
		file, layer string
		want, bound float64
	}{
		{"r12_polyline_bulge.dxf", "JZD", 20000 + math.Pi*2500/2, tol * math.Pi * 50},
		{"mirrored_arc_and_lines.dxf", "boundary", math.Pi * 2500 / 2, tol * math.Pi * 50},
		{"odd_spacing.dxf", "界址线", 100, 1e-9},
		{"hatch_spline_edge.dxf", "红线", math.Abs(spline), 0.005 * math.Abs(spline)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Read(b, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Features[0].ID != tc.layer {
				t.Errorf("layer %q, want %q", c.Features[0].ID, tc.layer)
			}
			ml := c.Features[0].Geometry.(orb.MultiLineString)
			if len(ml) != 1 {
				t.Fatalf("%d rings", len(ml))
			}
			r := orb.Ring(ml[0])
			if got := area(r); math.Abs(got-tc.want) > tc.bound {
				t.Errorf("area %.6f, want %.6f within %.3g", got, tc.want, tc.bound)
			}
			if tc.file == "mirrored_arc_and_lines.dxf" {
				if b := r.Bound(); b.Min[0] < -1e-9 || b.Max[0] > 100+1e-9 || b.Max[1] < 49.9 {
					t.Errorf("mirrored arc bound %v, want x 0…100, y up to 50", b)
				}
			}
		})
	}
}

// TestCrowdedEnds: twenty thousand lines drawn over each other on the red line's
// layer beside a closed boundary neither hang the joining of pieces nor make an
// area: only the boundary is read, and the warnings say what was dropped.
func TestCrowdedEnds(t *testing.T) {
	d := newDrawing()
	d.lwpolyline("红线", square(100, 100, 50), nil, true)
	for range 20000 {
		d.line("红线", orb.Point{0, 0}, orb.Point{1, 0})
	}
	rings, warns := ringsOf(t, d.bytes(t), Options{})
	if len(rings) != 1 || area(rings[0]) != 2500 {
		t.Fatalf("%d rings, area %v", len(rings), totalArea(rings))
	}
	if w := strings.Join(warns, "\n"); !strings.Contains(w, "bound no area") && !strings.Contains(w, "close no ring") {
		t.Errorf("warnings %q", warns)
	}
}
