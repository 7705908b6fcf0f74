package planar

import "github.com/paulmach/orb"

// HilbertOrder is the order of the grid HilbertKey maps points to: 2^16 cells a
// side over the whole lon/lat plane (~600 m by ~300 m each at the equator).
const HilbertOrder = 16

// HilbertKey is p's distance along a Hilbert curve over a 2^HilbertOrder-cell
// grid of the whole lon/lat plane ([-180, 180] × [-90, 90]; points outside are
// clamped to its edge). Points near each other mostly have keys near each other,
// so sorting by it lays out in memory together what is near on the ground. The
// grid is fixed, not fitted to the data: a point has the same key in every
// dataset.
func HilbertKey(p orb.Point) uint64 {
	const n = 1 << HilbertOrder
	cell := func(v, lo, hi float64) uint32 {
		c := (v - lo) / (hi - lo) * n
		switch {
		case !(c > 0): // and NaN
			return 0
		case c >= n-1:
			return n - 1
		}
		return uint32(c)
	}
	return hilbertD(cell(p[0], -180, 180), cell(p[1], -90, 90))
}

// hilbertD is the distance of cell (x, y) along the Hilbert curve over the
// 2^HilbertOrder grid: the classic xy2d, which at each level adds the
// quadrant's place on the curve, then turns the cell into the quadrant's frame
// (flipping every bit flips those below the level, which are all it reads next).
func hilbertD(x, y uint32) uint64 {
	const last = 1<<HilbertOrder - 1
	var d uint64
	for s := uint32(1) << (HilbertOrder - 1); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = last-x, last-y
			}
			x, y = y, x
		}
	}
	return d
}
