package planar

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestMeetsBound(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}
	holed := orb.Polygon{square[0], {{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}}}
	box := func(x0, y0, x1, y1 float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
	}
	cases := []struct {
		name string
		g    orb.Geometry
		b    orb.Bound
		want bool
	}{
		{"vertex inside box", square, box(-1, -1, 1, 1), true},
		{"box inside polygon", square, box(1, 1, 2, 2), true},
		{"box in hole", holed, box(4, 4, 6, 6), false},
		{"box across hole edge", holed, box(2, 4, 4, 6), true},
		{"edge crosses box, no vertex in", square, box(4, -1, 6, 1), true},
		{"touches edge", square, box(10, 4, 12, 6), true},
		{"bbox overlaps, geometry does not", orb.Polygon{{{0, 0}, {10, 0}, {0, 10}, {0, 0}}}, box(8, 8, 9, 9), false},
		{"apart", square, box(11, 11, 12, 12), false},
		{"line through box", orb.LineString{{-5, 5}, {15, 5}}, box(4, 4, 6, 6), true},
		{"line beside box", orb.LineString{{-5, 0}, {0, 20}}, box(4, 4, 6, 6), false},
		{"multipolygon second part", orb.MultiPolygon{{{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}, square}, box(5, 5, 6, 6), true},
		{"nil", nil, box(0, 0, 1, 1), false},
	}
	for _, c := range cases {
		if got := MeetsBound(c.g, c.b); got != c.want {
			t.Errorf("%s: MeetsBound = %v, want %v", c.name, got, c.want)
		}
	}
}
