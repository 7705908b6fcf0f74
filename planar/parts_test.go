package planar

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// TestEachPoint: every vertex, in order, through multi-geometries, polygons
// and collections, and none of their parts allocated on the way.
func TestEachPoint(t *testing.T) {
	ring := func(x float64) orb.Ring { return orb.Ring{{x, 0}, {x + 1, 0}, {x, 1}, {x, 0}} }
	mp := orb.MultiPolygon{{ring(0), ring(10)}, {ring(20)}}
	g := orb.Collection{orb.Point{-1, -1}, mp, orb.MultiLineString{{{30, 0}, {31, 0}}}, orb.MultiPoint{{40, 0}}}
	var got []orb.Point
	EachPoint(g, func(p orb.Point) { got = append(got, p) })
	var want []orb.Point
	want = append(want, orb.Point{-1, -1})
	for _, x := range []float64{0, 10, 20} {
		want = append(want, ring(x)...)
	}
	want = append(want, orb.Point{30, 0}, orb.Point{31, 0}, orb.Point{40, 0})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EachPoint visits %v, want %v", got, want)
	}
	if n := NumVertices(g); n != len(want) {
		t.Errorf("NumVertices = %d, want %d", n, len(want))
	}
	for _, g := range []orb.Geometry{mp, mp[0], orb.MultiLineString{{{30, 0}, {31, 0}}}} {
		if a := testing.AllocsPerRun(100, func() { NumVertices(g) }); a != 0 {
			t.Errorf("NumVertices(%T) allocates %v times", g, a)
		}
	}
}
