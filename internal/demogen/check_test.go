package demogen

import (
	"testing"

	"github.com/paulmach/orb"
)

func sq(x0, y0, x1, y1 float64) orb.Ring { // counter-clockwise
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// TestCheckPolygons shows that the generator's own validity check catches what GEOS
// would refuse, so that "the generator checked it" means something.
func TestCheckPolygons(t *testing.T) {
	cases := []struct {
		name string
		mp   orb.MultiPolygon
		ok   bool
	}{
		{"square", orb.MultiPolygon{{sq(0, 0, 1, 1)}}, true},
		{"square with hole", orb.MultiPolygon{{sq(0, 0, 4, 4), reversed(sq(1, 1, 2, 2))}}, true},
		{"two parts apart", orb.MultiPolygon{{sq(0, 0, 1, 1)}, {sq(2, 0, 3, 1)}}, true},
		{"part in the hole of another", orb.MultiPolygon{{sq(0, 0, 4, 4), reversed(sq(1, 1, 3, 3))}, {sq(1.5, 1.5, 2.5, 2.5)}}, true},
		{"bow-tie", orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}, false},
		{"clockwise shell", orb.MultiPolygon{{reversed(sq(0, 0, 1, 1))}}, false},
		{"counter-clockwise hole", orb.MultiPolygon{{sq(0, 0, 4, 4), sq(1, 1, 2, 2)}}, false},
		{"hole outside shell", orb.MultiPolygon{{sq(0, 0, 1, 1), reversed(sq(2, 2, 3, 3))}}, false},
		{"hole crossing shell", orb.MultiPolygon{{sq(0, 0, 2, 2), reversed(sq(1, 1, 3, 3))}}, false},
		{"hole touching shell", orb.MultiPolygon{{sq(0, 0, 2, 2), reversed(orb.Ring{{0, 1}, {1, 0.5}, {1, 1.5}, {0, 1}})}}, false},
		{"hole inside hole", orb.MultiPolygon{{sq(0, 0, 9, 9), reversed(sq(1, 1, 8, 8)), reversed(sq(2, 2, 3, 3))}}, false},
		{"overlapping parts", orb.MultiPolygon{{sq(0, 0, 2, 2)}, {sq(1, 1, 3, 3)}}, false},
		{"part inside part", orb.MultiPolygon{{sq(0, 0, 4, 4)}, {sq(1, 1, 2, 2)}}, false},
		{"parts sharing an edge", orb.MultiPolygon{{sq(0, 0, 1, 1)}, {sq(1, 0, 2, 1)}}, false},
		{"repeated vertex", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}, false},
		{"spike", orb.MultiPolygon{{{{0, 0}, {2, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}, false},
		{"unclosed", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, false},
		{"collinear vertices", orb.MultiPolygon{{{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}}}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkPolygons(c.mp)
			if (err == nil) != c.ok {
				t.Errorf("checkPolygons = %v, want ok %v", err, c.ok)
			}
		})
	}
}

func TestCrossingsNodes(t *testing.T) {
	a := []orb.Point{{0, 0}, {1, 0}}
	b := []orb.Point{{1, 0}, {1, 1}}
	c := []orb.Point{{1, 0}, {2, 0}}
	back := []orb.Point{{1, 0}, {0.5, 0}}
	mid := []orb.Point{{0.5, -1}, {0.5, 1}}
	if err := crossings([][]orb.Point{a, b, c}, false, true); err != nil {
		t.Errorf("paths meeting at a node: %v", err)
	}
	if err := crossings([][]orb.Point{a, b}, false, false); err == nil {
		t.Error("paths meeting at a node without nodesOK: no error")
	}
	if err := crossings([][]orb.Point{a, back}, false, true); err == nil {
		t.Error("paths running over each other from a node: no error")
	}
	if err := crossings([][]orb.Point{a, mid}, false, true); err == nil {
		t.Error("paths crossing mid-segment: no error")
	}
}

// TestFractalEdgeBounded checks the property the partition relies on: every vertex of
// an edge lies in its rhombus.
func TestFractalEdgeBounded(t *testing.T) {
	a, b := orb.Point{108, 33}, orb.Point{108.37, 33.05}
	for k := range 50 {
		e := fractalEdge(newRNG("test/"+string(rune('a'+k))), a, b, 7, edgeRough, edgeWidth)
		if e[0] != a || e[len(e)-1] != b || len(e) != 129 {
			t.Fatalf("edge ends %v %v, %d points", e[0], e[len(e)-1], len(e))
		}
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		for _, p := range e {
			tt := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
			ss := (-(p[0]-a[0])*dy + (p[1]-a[1])*dx) / l2
			lim := edgeWidth*(1-abs(2*tt-1)) + 1e-6 // rounding to 7 decimals
			if tt < -1e-6 || tt > 1+1e-6 || abs(ss) > lim {
				t.Fatalf("vertex %v outside the rhombus (t %v, s %v)", p, tt, ss)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
