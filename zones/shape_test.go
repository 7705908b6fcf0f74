package zones

import (
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
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
