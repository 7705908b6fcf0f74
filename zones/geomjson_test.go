package zones

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestGeometryJSON: the overlap and footprint geometries are written byte for
// byte as encoding/json writes them, for every geometry type orb has, odd
// numbers (tiny, huge, negative zero) and nil or empty lists included.
func TestGeometryJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 3))
	odd := []float64{0, math.Copysign(0, -1), 1e-7, -3.5e-9, 1e21, 1.5e22, 123456789.123456789, 108.9393939, -0.000001, 1e-6, 35}
	num := func() float64 {
		if rng.IntN(4) == 0 {
			return odd[rng.IntN(len(odd))]
		}
		return 100 + 10*rng.Float64()
	}
	pts := func() []orb.Point {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return []orb.Point{}
		}
		ps := make([]orb.Point, rng.IntN(6)+1)
		for i := range ps {
			ps[i] = orb.Point{num(), num()}
		}
		return ps
	}
	poly := func() orb.Polygon {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return orb.Polygon{}
		}
		p := make(orb.Polygon, rng.IntN(3)+1)
		for i := range p {
			p[i] = pts()
		}
		return p
	}
	var geoms []orb.Geometry
	for range 2000 {
		switch rng.IntN(9) {
		case 0:
			geoms = append(geoms, orb.Point{num(), num()})
		case 1:
			geoms = append(geoms, orb.MultiPoint(pts()))
		case 2:
			geoms = append(geoms, orb.LineString(pts()))
		case 3:
			ml := orb.MultiLineString{orb.LineString(pts()), orb.LineString(pts())}
			if rng.IntN(5) == 0 {
				ml = nil
			}
			geoms = append(geoms, ml)
		case 4:
			geoms = append(geoms, orb.Ring(pts()))
		case 5:
			geoms = append(geoms, poly())
		case 6:
			mp := orb.MultiPolygon{poly(), poly()}
			if rng.IntN(5) == 0 {
				mp = nil
			}
			geoms = append(geoms, mp)
		case 7:
			geoms = append(geoms, orb.Collection{orb.Point{num(), num()}, poly()})
		case 8:
			geoms = append(geoms, orb.Bound{Min: orb.Point{num(), num()}, Max: orb.Point{num(), num()}})
		}
	}
	geoms = append(geoms, nil)
	for i, g := range geoms {
		want, err := json.Marshal(geojson.NewGeometry(g))
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendGeometryJSON([]byte("x"), g)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if string(got[1:]) != string(want) {
			t.Fatalf("%d (%T):\n got %s\nwant %s", i, g, got[1:], want)
		}
		// Nested in a report the same, and nil stays null.
		var e jsonWriter
		e.geometry(geojson.NewGeometry(g))
		if string(e.b) != string(want) {
			t.Fatalf("%d: in a report %s, want %s", i, e.b, want)
		}
	}
	var e jsonWriter
	e.geometry(nil)
	if string(e.b) != "null" {
		t.Errorf("nil geometry written %s", e.b)
	}
	if _, err := AppendGeometryJSON(nil, orb.Point{math.NaN(), 1}); err == nil {
		t.Error("NaN written as JSON")
	}
}
