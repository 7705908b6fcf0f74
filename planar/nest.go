package planar

import (
	"math"

	"github.com/paulmach/orb"
)

// Orientation says what Nest may read from the direction a ring runs in.
type Orientation int8

// Orientations.
const (
	// AnyOrientation trusts no direction (people and surveyors list corners either
	// way; closed lines follow no convention): nesting depth alone decides.
	AnyOrientation Orientation = iota
	// ClockwiseShells is the shapefile convention: clockwise rings are shells,
	// counter-clockwise ones holes.
	ClockwiseShells
)

// Role says what Nest made of a ring.
type Role int8

// Roles.
const (
	Shell Role = iota // the first ring of a polygon
	Hole              // a hole of the smallest shell containing it
	Stray             // nested like a hole, but in a ring that is itself a hole (rings that overlap rather than nest): kept as a polygon of its own
)

func (r Role) String() string {
	switch r {
	case Hole:
		return "hole"
	case Stray:
		return "stray"
	}
	return "shell"
}

// Nest groups closed rings into polygons, each a shell followed by its holes. No
// ring is dropped, repaired or reoriented: each comes out once, and roles[i] says
// what ring i became. Self-intersecting rings stay so, for geo to repair.
//
// Containment. Ring a lies inside ring b when b's box holds a's and the first
// vertex of a that is not on b's boundary (the boundary rule of OnSegment) lies
// inside b; when every vertex is on b's boundary, the first edge midpoint off it
// decides; a ring wholly on b's boundary (a copy of b) counts as inside. Rings of
// one parcel may touch, so a vertex on the boundary says nothing. A ring is only
// looked for in rings of larger or equal area, and of two of equal area the one
// listed first holds the other, so two copies of a ring make an empty area, as
// the even-odd rule has it.
//
// AnyOrientation. A ring inside an odd number of others is a Hole of the smallest
// ring containing it; the others are shells. When that smallest ring is itself a
// hole (which proper nesting rules out) the ring is Stray: a polygon of its own.
//
// ClockwiseShells. Clockwise rings (and rings of zero area) are shells; every
// other ring is a Hole of the smallest shell containing it, or, inside none, a
// Shell of its own (GDAL's ONLY_CCW reading). When no ring is clockwise,
// orientation says nothing and AnyOrientation applies.
//
// Order: the shells in input order, each followed by its holes in input order,
// then the polygons of Stray rings and of ClockwiseShells holes found in no shell,
// in input order. No ring gives nil.
//
// Cost: candidate containers come from a grid of the rings' boxes once there are
// many rings, and a ring of many vertices tested against many others gets an
// index of its edges, so 10⁵ disjoint rings, or a shell of 10⁵ vertices with 10³
// holes, nest in milliseconds; rings whose boxes all overlap still cost a test
// per pair.
func Nest(rings []orb.Ring, o Orientation) (orb.MultiPolygon, []Role) {
	return nest(rings, o, true)
}

// nest is Nest, with the grid and the edge indexes switched off when indexed is
// false (for the tests and benchmarks that compare them).
func nest(rings []orb.Ring, o Orientation, indexed bool) (orb.MultiPolygon, []Role) {
	if len(rings) == 0 {
		return nil, nil
	}
	roles := make([]Role, len(rings))
	if len(rings) == 1 {
		return orb.MultiPolygon{{rings[0]}}, roles
	}
	info := make([]ringInfo, len(rings))
	anyShell := false
	for i, r := range rings {
		a := SignedArea(r)
		info[i] = ringInfo{ring: r, area: math.Abs(a), bound: r.Bound(), clockwise: a <= 0, noIndex: !indexed}
		anyShell = anyShell || info[i].clockwise
	}
	if o == AnyOrientation || !anyShell {
		return byDepth(info, roles, indexed)
	}
	// Shells first, in input order; remember where each landed.
	var mp orb.MultiPolygon
	poly := make([]int, len(info)) // shell ring -> its polygon
	for i := range info {
		if info[i].clockwise {
			poly[i] = len(mp)
			mp = append(mp, orb.Polygon{info[i].ring})
		}
	}
	shells := newCandidates(info, func(i int) bool { return info[i].clockwise }, indexed)
	for i := range info {
		if info[i].clockwise {
			continue
		}
		best := -1
		for _, j := range shells.containing(info[i].bound) {
			if info[j].area < info[i].area {
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
		roles[i] = Hole
	}
	return mp, roles
}

// byDepth nests rings by depth alone.
func byDepth(info []ringInfo, roles []Role, indexed bool) (orb.MultiPolygon, []Role) {
	n := len(info)
	parent := make([]int, n) // smallest ring containing ring i, -1 for none
	depth := make([]int, n)
	all := newCandidates(info, func(int) bool { return true }, indexed)
	for i := range info {
		parent[i] = -1
		for _, j := range all.containing(info[i].bound) {
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
			if depth[p]%2 == 1 {
				mp = append(mp, orb.Polygon{info[i].ring})
				roles[i] = Stray
				continue
			}
			mp[poly[p]] = append(mp[poly[p]], info[i].ring)
			roles[i] = Hole
		}
	}
	return mp, roles
}

type ringInfo struct {
	ring      orb.Ring
	area      float64 // absolute planar area
	bound     orb.Bound
	clockwise bool
	noIndex   bool       // never index (the naive reference)
	queries   int        // points located against this ring so far
	indexed   bool       // idx has been built (it may be nil: not worth it)
	idx       *ringIndex // for rings tested against many points
}

// indexAfter is the number of scans of a ring after which it gets an index: most
// shells have a hole or two, and an index costs a few scans to build.
const indexAfter = 8

// locate is RingLocate against this ring, through an index when it is large and
// asked often.
func (b *ringInfo) locate(p orb.Point) Location {
	if !b.indexed && !b.noIndex {
		if b.queries++; b.queries > indexAfter {
			b.idx, b.indexed = newRingIndex(b.ring), true
		}
	}
	if b.idx != nil {
		return b.idx.locate(p)
	}
	return RingLocate(b.ring, p)
}

// ringInside reports whether ring a lies inside ring b (see Nest).
func ringInside(a, b *ringInfo) bool {
	if !b.bound.Contains(a.bound.Min) || !b.bound.Contains(a.bound.Max) {
		return false
	}
	for _, p := range a.ring {
		switch b.locate(p) {
		case Inside:
			return true
		case Outside:
			return false
		}
	}
	for i := 0; i+1 < len(a.ring); i++ {
		m := orb.Point{(a.ring[i][0] + a.ring[i+1][0]) / 2, (a.ring[i][1] + a.ring[i+1][1]) / 2}
		switch b.locate(m) {
		case Inside:
			return true
		case Outside:
			return false
		}
	}
	return true
}
