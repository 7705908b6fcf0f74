package render

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestPathData(t *testing.T) {
	win := orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.1, 34.1}}
	p := projector{lon0: 108, lat0: 34, k: mPerDegLat * 0.83, scale: 0.05, x0: 64, y0: 444}
	poly := rect(108.01, 34.01, 108.05, 34.05)
	line := orb.LineString{{108.02, 34.02}, {108.08, 34.06}}
	pt := orb.Point{108.03, 34.07}
	for _, tc := range []struct {
		name          string
		g             orb.Geometry
		closed, arcs  int // closed rings (Z), point circles (a4 4)
		lineal, empty bool
	}{
		{"polygon", poly, 1, 0, false, false},
		{"polygon with hole", orb.Polygon{poly[0], rect(108.02, 34.02, 108.03, 34.03)[0]}, 2, 0, false, false},
		{"multipolygon", orb.MultiPolygon{poly, rect(108.06, 34.06, 108.09, 34.09)}, 2, 0, false, false},
		{"line", line, 0, 0, true, false},
		{"multiline", orb.MultiLineString{line, {{108.01, 34.09}, {108.09, 34.09}}}, 0, 0, true, false},
		{"points", orb.MultiPoint{pt, {108.04, 34.04}}, 0, 2, false, false},
		{"collection", orb.Collection{poly, line, pt}, 1, 1, true, false},
		{"outside the window", rect(109, 35, 109.1, 35.1), 0, 0, false, true},
		{"nil", nil, 0, 0, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, lineal := pathData(tc.g, win, p)
			if (d == "") != tc.empty || lineal != tc.lineal {
				t.Fatalf("d %q lineal %v", d, lineal)
			}
			if n := strings.Count(d, "Z"); n != tc.closed {
				t.Errorf("%d closed rings in %q", n, d)
			}
			if n := strings.Count(d, "a4 4"); n != 2*tc.arcs {
				t.Errorf("%d point arcs in %q", n/2, d)
			}
		})
	}
}

func TestPartBounds(t *testing.T) {
	a, b := rect(108, 34, 108.1, 34.1), rect(109, 35, 109.1, 35.1)
	line := orb.LineString{{110, 36}, {110.1, 36.2}}
	got := partBounds(orb.Collection{orb.MultiPolygon{a, b}, line, orb.Point{111, 37}})
	want := []orb.Bound{a.Bound(), b.Bound(), line.Bound()}
	if len(got) != len(want) {
		t.Fatalf("%d bounds, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bound %d: %v, want %v", i, got[i], want[i])
		}
	}
	if got := partBounds(orb.MultiPoint{{108, 34}}); len(got) != 0 {
		t.Errorf("points have part bounds %v", got)
	}
}
