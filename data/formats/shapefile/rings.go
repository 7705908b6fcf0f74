package shapefile

import (
	"math"

	"github.com/paulmach/orb"
)

// assemble groups the rings of one record into polygons by containment.
//
// Clockwise rings (the shapefile convention for shells) are shell candidates and
// counter-clockwise ones hole candidates. Each hole candidate goes to the smallest
// shell that contains it; one inside no shell becomes a shell of its own (as GDAL's
// "ONLY_CCW" organisation does). When no ring is clockwise, or when
// ignoreOrientation is set (rings made from closed lines, which follow no
// convention), orientation says nothing and nesting depth decides: a ring inside
// an odd number of others is a hole of the smallest ring containing it.
//
// Rings are kept as read: self-intersecting ones stay so, for geo to repair.
func assemble(rings []orb.Ring, ignoreOrientation bool) orb.MultiPolygon {
	if len(rings) == 0 {
		return nil
	}
	if len(rings) == 1 {
		return orb.MultiPolygon{{rings[0]}}
	}
	info := make([]ringInfo, len(rings))
	anyShell := false
	for i, r := range rings {
		a := signedArea(r)
		info[i] = ringInfo{ring: r, area: math.Abs(a), bound: r.Bound(), shell: a <= 0}
		anyShell = anyShell || info[i].shell
	}
	if ignoreOrientation || !anyShell {
		return byDepth(info)
	}
	// Shells first, in input order; remember where each landed.
	var mp orb.MultiPolygon
	poly := make([]int, len(info)) // ring -> polygon index, for shells
	for i := range info {
		if info[i].shell {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{info[i].ring})
		}
	}
	for i := range info {
		if info[i].shell {
			continue
		}
		best := -1
		for j := range info {
			if !info[j].shell || info[j].area < info[i].area {
				continue
			}
			if (best < 0 || info[j].area < info[best].area) && ringInside(&info[i], &info[j]) {
				best = j
			}
		}
		if best < 0 {
			mp = append(mp, orb.Polygon{info[i].ring})
			continue
		}
		mp[poly[best]] = append(mp[poly[best]], info[i].ring)
	}
	return mp
}

type ringInfo struct {
	ring  orb.Ring
	area  float64 // absolute planar area
	bound orb.Bound
	shell bool
}

// byDepth assembles rings by nesting depth alone.
func byDepth(info []ringInfo) orb.MultiPolygon {
	n := len(info)
	parent := make([]int, n) // smallest ring containing ring i, -1 for none
	depth := make([]int, n)
	for i := range info {
		parent[i] = -1
		for j := range info {
			if i == j || info[j].area < info[i].area || (info[j].area == info[i].area && j > i) {
				continue
			}
			if ringInside(&info[i], &info[j]) {
				depth[i]++
				if parent[i] < 0 || info[j].area < info[parent[i]].area {
					parent[i] = j
				}
			}
		}
	}
	var mp orb.MultiPolygon
	poly := make([]int, n)
	for i := range info {
		if depth[i]%2 == 0 {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{info[i].ring})
		}
	}
	for i := range info {
		if depth[i]%2 == 1 {
			p := parent[i]
			if depth[p]%2 == 1 { // parent is itself a hole: cannot happen with a proper nesting, keep as shell
				mp = append(mp, orb.Polygon{info[i].ring})
				continue
			}
			mp[poly[p]] = append(mp[poly[p]], info[i].ring)
		}
	}
	return mp
}

// signedArea is the shoelace area: negative for clockwise rings (y up).
func signedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	// Shift to the first vertex to keep precision with large projected numbers.
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 1; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// ringInside reports whether ring a lies inside ring b, judged by the first vertex
// of a that is not on b's boundary (then by edge midpoints); a ring whose every
// vertex and midpoint is on b's boundary counts as inside.
func ringInside(a, b *ringInfo) bool {
	if !b.bound.Contains(a.bound.Min) || !b.bound.Contains(a.bound.Max) {
		return false
	}
	for _, p := range a.ring {
		switch pointInRing(p, b.ring) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	for i := 0; i+1 < len(a.ring); i++ {
		m := orb.Point{(a.ring[i][0] + a.ring[i+1][0]) / 2, (a.ring[i][1] + a.ring[i+1][1]) / 2}
		switch pointInRing(m, b.ring) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true
}

// pointInRing returns 1 when p is inside r, -1 outside, 0 on its boundary
// (even-odd rule, so it works for either orientation).
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	x, y := p[0], p[1]
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		ax, ay := r[j][0], r[j][1]
		bx, by := r[i][0], r[i][1]
		// On the segment? Cheap comparisons first: most edges are far from p.
		if (y >= ay || y >= by) && (y <= ay || y <= by) && (x >= ax || x >= bx) && (x <= ax || x <= bx) &&
			(x-ax)*(by-ay) == (y-ay)*(bx-ax) {
			return 0
		}
		if (ay > y) != (by > y) {
			xi := ax + (y-ay)*(bx-ax)/(by-ay)
			if x < xi {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}
