package planar

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestHilbertCurve: over a corner of the grid small enough to walk whole, the
// keys of its cells are distinct, and the curve runs through them from cell to
// neighbouring cell; the whole grid's first and last cells are its ends.
func TestHilbertCurve(t *testing.T) {
	// The first 4^k keys of the curve fill the 2^k × 2^k corner at the origin.
	const k = 5
	const side = 1 << k
	at := make(map[uint64][2]uint32, side*side)
	for x := range uint32(side) {
		for y := range uint32(side) {
			d := hilbertD(x, y)
			if d >= side*side {
				t.Fatalf("cell (%d, %d): key %d outside the corner's %d", x, y, d, side*side)
			}
			if c, dup := at[d]; dup {
				t.Fatalf("cells %v and (%d, %d) share key %d", c, x, y, d)
			}
			at[d] = [2]uint32{x, y}
		}
	}
	for d := uint64(1); d < side*side; d++ {
		a, b := at[d-1], at[d]
		dx, dy := int(a[0])-int(b[0]), int(a[1])-int(b[1])
		if dx*dx+dy*dy != 1 {
			t.Fatalf("keys %d and %d are cells %v and %v, not neighbours", d-1, d, a, b)
		}
	}
	const last = 1<<HilbertOrder - 1
	if d := hilbertD(0, 0); d != 0 {
		t.Errorf("origin: key %d", d)
	}
	if d, want := hilbertD(last, 0), uint64(1)<<(2*HilbertOrder)-1; d != want {
		t.Errorf("the far corner on the x axis: key %d, want the last, %d", d, want)
	}
}

// TestHilbertKey: points near each other on the ground get keys nearer than
// points far apart, the same point the same key, and points off the plane (or
// NaN) a key at its edge rather than a panic.
func TestHilbertKey(t *testing.T) {
	xian, near, harbin := orb.Point{108.94, 34.34}, orb.Point{108.95, 34.35}, orb.Point{126.63, 45.75}
	if HilbertKey(xian) != HilbertKey(orb.Point{108.94, 34.34}) {
		t.Error("the same point, two keys")
	}
	diff := func(a, b uint64) uint64 {
		if a > b {
			return a - b
		}
		return b - a
	}
	if diff(HilbertKey(xian), HilbertKey(near)) >= diff(HilbertKey(xian), HilbertKey(harbin)) {
		t.Errorf("Xi'an %d, 1 km away %d, Harbin %d", HilbertKey(xian), HilbertKey(near), HilbertKey(harbin))
	}
	for _, p := range []orb.Point{{-200, 0}, {200, 100}, {0, -95}} {
		edge := orb.Point{max(-180, min(180, p[0])), max(-90, min(90, p[1]))}
		if HilbertKey(p) != HilbertKey(edge) {
			t.Errorf("%v: key %d, its edge %v %d", p, HilbertKey(p), edge, HilbertKey(edge))
		}
	}
	nan := orb.Point{0, 0}
	nan[0] = nan[0] / nan[0]
	if HilbertKey(nan) != HilbertKey(orb.Point{-180, 0}) {
		t.Errorf("NaN longitude: key %d, want the western edge's %d", HilbertKey(nan), HilbertKey(orb.Point{-180, 0}))
	}
}
