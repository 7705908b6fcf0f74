package dxf

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzReadDXF: an error or closed rings (or, for a named layer, lines and points)
// of finite coordinates — never a panic, a hang, or an allocation out of
// proportion to the input.
func FuzzReadDXF(f *testing.F) {
	d := newDrawing()
	d.block("B", orb.Point{1, 1}, func() { d.lwpolyline("0", square(0, 0, 10), []float64{0, 0.5, 0, -0.5}, true) })
	d.insert("红线", "B", orb.Point{5, 5}, 2, 1, 30, 2, 2, 20, 20)
	d.hatchEdges("红线", []hatchEdge{
		{typ: 1, a: orb.Point{0, 0}, b: orb.Point{100, 0}},
		{typ: 2, a: orb.Point{50, 0}, r: 50, a0: 0, a1: 180, ccw: true},
	})
	d.hatchEdges("用地", []hatchEdge{{typ: 3, a: orb.Point{0, 0}, major: orb.Point{100, 0}, minorRatio: 0.5, a0: 0, a1: 360, ccw: true}})
	d.polyline("界址", square(0, 0, 5), []float64{1, 0, 0, 0}, true)
	d.arc("红线", orb.Point{0, 0}, 5, 0, 90)
	d.line("红线", orb.Point{5, 0}, orb.Point{0, 0})
	d.line("红线", orb.Point{0, 0}, orb.Point{0, 5})
	d.circle("图框", orb.Point{0, 0}, 3)
	d.point("标注", orb.Point{1, 2})
	f.Add(d.bytes(f), "")
	d.gbk, d.crlf = true, true
	f.Add(d.bytes(f), "界址")
	f.Add([]byte("0\nSECTION\n2\nENTITIES\n0\nSPLINE\n8\n红线\n70\n1\n71\n3\n40\n0\n40\n0\n40\n0\n40\n0\n40\n1\n40\n1\n40\n1\n40\n1\n10\n0\n20\n0\n10\n10\n20\n0\n10\n10\n20\n10\n10\n0\n20\n0\n0\nENDSEC\n0\nEOF\n"), "")
	f.Add([]byte("0\nSECTION\n2\nENTITIES\n0\nELLIPSE\n8\nboundary\n10\n0\n20\n0\n11\n10\n21\n0\n40\n0.5\n230\n-1\n0\nENDSEC\n"), "")
	f.Fuzz(func(t *testing.T, b []byte, layer string) {
		c, err := Read(b, Options{Layer: layer, MaxVertices: 100_000})
		if err != nil {
			if c != nil {
				t.Fatal("a collection and an error")
			}
			return
		}
		if len(c.Features) != 1 || c.Features[0].Geometry == nil {
			t.Fatalf("features %v", c.Features)
		}
		check := func(p orb.Point) {
			if math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
				t.Fatalf("coordinate %v", p)
			}
		}
		switch g := c.Features[0].Geometry.(type) {
		case orb.MultiLineString:
			// Lines read as lines (a red-line layer without closed shapes) are
			// lines of two distinct points at least; rings are closed, of four.
			asLines := slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.Contains(w, "are read as lines") })
			for _, ls := range g {
				if asLines {
					if !slices.ContainsFunc(ls, func(q orb.Point) bool { return q != ls[0] }) {
						t.Fatalf("line of %d points, all at %v", len(ls), ls[0])
					}
					for _, p := range ls {
						check(p)
					}
					continue
				}
				if len(ls) < 4 || ls[0] != ls[len(ls)-1] {
					t.Fatalf("ring of %d points, closed %v", len(ls), ls[0] == ls[len(ls)-1])
				}
				for _, p := range ls {
					check(p)
				}
			}
		case orb.LineString:
			for _, p := range g {
				check(p)
			}
		case orb.Point:
			check(g)
		case orb.MultiPoint:
			for _, p := range g {
				check(p)
			}
		default:
			t.Fatalf("geometry %T", g)
		}
	})
}
