package planar

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestOrient(t *testing.T) {
	a, b := orb.Point{0, 0}, orb.Point{2, 0}
	cases := []struct {
		name string
		c    orb.Point
		sign int
	}{
		{"left: counter-clockwise", orb.Point{1, 1}, 1},
		{"right: clockwise", orb.Point{1, -1}, -1},
		{"collinear, between", orb.Point{1, 0}, 0},
		{"collinear, beyond", orb.Point{5, 0}, 0},
		{"on an end", b, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Orient(a, b, c.c)
			if (o > 0 && c.sign != 1) || (o < 0 && c.sign != -1) || (o == 0 && c.sign != 0) {
				t.Errorf("Orient = %v, want sign %d", o, c.sign)
			}
		})
	}
	if Orient(a, b, orb.Point{1, 1}) != 2 {
		t.Error("Orient is not twice the triangle's area")
	}
}

func TestSegmentsMeetAndCross(t *testing.T) {
	p := func(x, y float64) orb.Point { return orb.Point{x, y} }
	cases := []struct {
		name        string
		a, b, c, d  orb.Point
		meet, cross bool
	}{
		{"crossing", p(0, 0), p(2, 2), p(0, 2), p(2, 0), true, true},
		{"apart", p(0, 0), p(1, 0), p(0, 1), p(1, 1), false, false},
		{"on each other's line, apart", p(0, 0), p(1, 1), p(3, 0), p(2, 1), false, false},
		{"T: an end on the other", p(0, 0), p(2, 0), p(1, 0), p(1, 1), true, false},
		{"sharing an end", p(0, 0), p(1, 0), p(1, 0), p(1, 1), true, false},
		{"collinear, overlapping", p(0, 0), p(2, 0), p(1, 0), p(3, 0), true, false},
		{"collinear, one inside the other", p(0, 0), p(3, 0), p(1, 0), p(2, 0), true, false},
		{"collinear, end to end", p(0, 0), p(1, 0), p(1, 0), p(2, 0), true, false},
		{"collinear, apart", p(0, 0), p(1, 0), p(2, 0), p(3, 0), false, false},
		{"parallel", p(0, 0), p(2, 0), p(0, 1), p(2, 1), false, false},
		{"an end a rounding error past the other", p(0, 0), p(2, 0), p(1, 1e-300), p(1, 1), false, false},
		{"crossing, one end within the tolerance of the other", p(108, 34), p(108.2, 34), p(108.1, -1e-13+34), p(108.1, 35), true, false},
		{"zero-length on the other", p(0, 0), p(2, 0), p(1, 0), p(1, 0), true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range [][4]orb.Point{{c.a, c.b, c.c, c.d}, {c.b, c.a, c.c, c.d}, {c.c, c.d, c.a, c.b}, {c.d, c.c, c.b, c.a}} {
				if got := SegmentsMeet(s[0], s[1], s[2], s[3]); got != c.meet {
					t.Errorf("SegmentsMeet%v = %v, want %v", s, got, c.meet)
				}
				if got := SegmentsCross(s[0], s[1], s[2], s[3]); got != c.cross {
					t.Errorf("SegmentsCross%v = %v, want %v", s, got, c.cross)
				}
			}
		})
	}
}

func TestBacktracks(t *testing.T) {
	v := orb.Point{1, 0}
	cases := []struct {
		name string
		p, q orb.Point
		want bool
	}{
		{"straight on", orb.Point{0, 0}, orb.Point{2, 0}, false},
		{"spike: back the way it came", orb.Point{0, 0}, orb.Point{0.5, 0}, true},
		{"back past the start", orb.Point{0, 0}, orb.Point{-1, 0}, true},
		{"a turn", orb.Point{0, 0}, orb.Point{1, 1}, false},
		{"a sharp turn, not collinear", orb.Point{0, 0}, orb.Point{0, 1e-9}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Backtracks(c.p, v, c.q); got != c.want {
				t.Errorf("Backtracks(%v, %v, %v) = %v, want %v", c.p, v, c.q, got, c.want)
			}
			if got := Backtracks(c.q, v, c.p); got != c.want {
				t.Errorf("Backtracks(%v, %v, %v) = %v, want %v (reversed)", c.q, v, c.p, got, c.want)
			}
		})
	}
}

func TestSignedArea(t *testing.T) {
	cases := []struct {
		name string
		r    orb.Ring
		want float64
	}{
		{"counter-clockwise", sq(0, 0, 2), 4},
		{"clockwise", reversed(sq(0, 0, 2)), -4},
		{"unclosed: the closing edge is implied", orb.Ring{{0, 0}, {2, 0}, {2, 2}, {0, 2}}, 4},
		{"bow-tie: the lobes cancel", orb.Ring{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}, 0},
		{"flat", orb.Ring{{0, 0}, {1, 0}, {2, 0}, {0, 0}}, 0},
		{"two points", orb.Ring{{0, 0}, {1, 0}}, 0},
		{"empty", nil, 0},
		// A 1 m square at Gauss-Krüger eastings: summing raw products (10¹⁴) would
		// lose the answer to rounding.
		{"projected metres", sq(36512345.678, 3812345.678, 1), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := SignedArea(c.r); got < c.want-1e-6 || got > c.want+1e-6 {
				t.Errorf("SignedArea = %v, want %v", got, c.want)
			}
		})
	}
}
