package zones

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/redline-gis/redline/geo"
)

// TestShapeRoundTrip: a piece's flat shape gives back the very geometry it was
// made from, as orb and as WKB, for every kind of piece.
func TestShapeRoundTrip(t *testing.T) {
	sq := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	holed := orb.Polygon{sq(0, 0, 10), sq(2, 2, 1), sq(5, 5, 2)}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
	}{
		{"polygon", orb.Polygon{sq(108, 34, 0.1)}},
		{"polygon with holes", holed},
		{"multipolygon of one", orb.MultiPolygon{holed}},
		{"multipolygon", orb.MultiPolygon{{sq(20, 20, 1)}, holed, {sq(30, 30, 1)}}},
		{"line", orb.LineString{{1, 2}, {3, 4}, {5, 7}}},
		{"multiline of one", orb.MultiLineString{{{1, 2}, {3, 4}}}},
		{"multiline", orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}, {9, 9}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := shapeOf(tc.g)
			if got := s.geom(); !reflect.DeepEqual(got, tc.g) {
				t.Errorf("geom: %v, want %v", got, tc.g)
			}
			got, err := wkb.Unmarshal(s.appendWKB(nil))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.g) {
				t.Errorf("WKB: %v, want %v", got, tc.g)
			}
		})
	}
}

// TestIndexSharedStorage: once the index has moved the pieces into its shared
// arrays, each piece's shape and grid still describe that piece: the grid agrees
// with a grid built afresh on the piece's geometry at every cell, and the point
// answers agree.
func TestIndexSharedStorage(t *testing.T) {
	var shell orb.Ring
	for i := range 600 {
		a := 2 * math.Pi * float64(i) / 600
		r := 0.1 + 0.03*float64(i%7)/7
		shell = append(shell, orb.Point{108 + r*math.Cos(a), 34 + r*math.Sin(a)})
	}
	shell = append(shell, shell[0])
	l := &Layer{ID: "units", Kind: KindCustom, Geom: Polygonal}
	l.Zones = []*Zone{
		{ID: "A", Class: "x", Geometry: orb.Polygon{shell}, Layer: l},
		{ID: "B", Class: "x", Geometry: orb.MultiPolygon{{{{108.3, 34}, {108.4, 34}, {108.4, 34.1}, {108.3, 34}}}}, Layer: l},
	}
	idx, err := NewIndex(&Dataset{Name: "t", Layers: []*Layer{l}}, IndexOptions{MaxVertices: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.pieces) < 10 {
		t.Fatalf("only %d pieces", len(idx.pieces))
	}
	for i := range idx.pieces {
		p := &idx.pieces[i]
		fresh := newCellGrid(p.geom())
		if p.cells.nx != fresh.nx || p.cells.s != &p.shape {
			t.Fatalf("piece %d: grid %d wide, fresh %d; shape shared %v", i, p.cells.nx, fresh.nx, p.cells.s == &p.shape)
		}
		for c := range fresh.numCells() {
			if p.cells.at(c) != fresh.at(c) {
				t.Fatalf("piece %d cell %d: %d, fresh %d", i, c, p.cells.at(c), fresh.at(c))
			}
		}
		if !reflect.DeepEqual(p.cells.edges, fresh.edges) || !reflect.DeepEqual(p.cells.start, fresh.start) {
			t.Fatalf("piece %d: edge lists differ", i)
		}
		for k := range 200 {
			pt := orb.Point{p.bound.Min[0] + (p.bound.Max[0]-p.bound.Min[0])*float64(k%20)/19, p.bound.Min[1] + (p.bound.Max[1]-p.bound.Min[1])*float64(k/20)/9}
			if p.cells.covers(pt) != fresh.covers(pt) {
				t.Fatalf("piece %d point %v: %v, fresh %v", i, pt, p.cells.covers(pt), fresh.covers(pt))
			}
		}
	}
}

// TestLinesApart: a lineal shape keeps clear of a box only when no segment's
// box, nor a lone vertex, meets it; touching counts as meeting.
func TestLinesApart(t *testing.T) {
	box := orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.01, 34.01}}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"bends around the box", orb.LineString{{107.99, 33.99}, {108.02, 33.99}, {108.02, 34.02}}, true},
		{"crosses the box", orb.LineString{{107.99, 34.005}, {108.02, 34.005}}, false},
		{"passes the corner, its box meeting the box", orb.LineString{{107.99, 34.015}, {108.015, 33.99}}, false},
		{"touches a side", orb.LineString{{108.01, 34.02}, {108.01, 34.005}, {108.02, 34.005}}, false},
		{"ends inside", orb.MultiLineString{{{107, 33}, {107.5, 33.5}}, {{107.99, 34.005}, {108.005, 34.005}}}, false},
		{"a zero-length segment inside", orb.LineString{{108.005, 34.005}, {108.005, 34.005}}, false},
		{"a lone vertex inside", orb.MultiLineString{{{107, 33}, {107.5, 33.5}}, {{108.005, 34.005}}}, false},
		{"far off", orb.MultiLineString{{{107, 33}, {107.5, 33.5}}, {{109, 35}, {109.1, 35.1}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := shapeOf(tc.g)
			if got := s.linesApart(box); got != tc.want {
				t.Errorf("linesApart = %v, want %v", got, tc.want)
			}
		})
	}
	// Wherever it says apart, GEOS finds a square in the box and a winding
	// line disjoint.
	rng := rand.New(rand.NewPCG(5, 6))
	river := jaggedLine(rng)
	gctx := geo.NewContext()
	rg, err := gctx.Prepare(river)
	if err != nil {
		t.Fatal(err)
	}
	s := shapeOf(river)
	apart := 0
	for range 3000 {
		x, y, d := 107.95+0.1*rng.Float64(), 33.95+0.1*rng.Float64(), 0.001+0.01*rng.Float64()
		sq := orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
		if !s.linesApart(sq.Bound()) {
			continue
		}
		apart++
		g, err := gctx.FromOrb(sq)
		if err != nil {
			t.Fatal(err)
		}
		meets, err := rg.Intersects(g)
		g.Destroy()
		if err != nil || meets {
			t.Fatalf("apart from %v, GEOS intersects %v %v", sq, meets, err)
		}
	}
	if apart < 500 {
		t.Errorf("only %d squares apart", apart)
	}
}

// jaggedLine is a line winding across [107.95, 108.05] × [33.95, 34.05].
func jaggedLine(rng *rand.Rand) orb.LineString {
	var l orb.LineString
	for i := range 200 {
		l = append(l, orb.Point{107.95 + 0.1*float64(i)/199, 34 + 0.04*math.Sin(float64(i)/9) + 0.005*rng.Float64()})
	}
	return l
}
