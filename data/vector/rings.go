package vector

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// RingRole says what Nest made of a ring.
type RingRole int

// Ring roles.
const (
	Shell RingRole = iota // the outer ring of a polygon
	Hole                  // a hole of the smallest ring holding it
	Stray                 // inside an odd number of rings but not nestable (overlaps): kept as its own area
)

// Nest groups closed rings into a Polygon or MultiPolygon by containment, trusting
// no orientation (people and surveyors list corners either way): a ring inside an
// odd number of others is a hole of the smallest one holding it. No ring is ever
// dropped; roles says what became of each. The cost is quadratic in the number of
// rings, cut down by a bounding-box filter (readers bound the ring count).
func Nest(rings []orb.Ring) (orb.Geometry, []RingRole) {
	n := len(rings)
	depth := make([]int, n)
	parent := make([]int, n)
	area := make([]float64, n)
	bound := make([]orb.Bound, n)
	for i, r := range rings {
		area[i] = math.Abs(planar.Area(r))
		bound[i] = r.Bound()
	}
	for i, r := range rings {
		parent[i] = -1
		for j, o := range rings {
			// The bounding boxes rule out most pairs before the exact test.
			if i == j || area[j] <= area[i] || !bound[j].Contains(bound[i].Min) || !bound[j].Contains(bound[i].Max) || !ringInside(r, o) {
				continue
			}
			depth[i]++
			if parent[i] < 0 || area[j] < area[parent[i]] {
				parent[i] = j
			}
		}
	}
	roles := make([]RingRole, n)
	var mp orb.MultiPolygon
	at := map[int]int{}
	for i, r := range rings {
		if depth[i]%2 == 0 {
			at[i] = len(mp)
			mp = append(mp, orb.Polygon{r})
		}
	}
	for i, r := range rings {
		if depth[i]%2 == 1 {
			if k, ok := at[parent[i]]; ok {
				mp[k] = append(mp[k], r)
				roles[i] = Hole
			} else {
				// Overlapping rings can nest oddly; never drop or misplace one.
				mp = append(mp, orb.Polygon{r})
				roles[i] = Stray
			}
		}
	}
	if len(mp) == 1 {
		return mp[0], roles
	}
	return mp, roles
}

// ringInside: r lies in o when its first vertex off o's boundary is inside o
// (rings of one parcel may touch, so vertices on the boundary say nothing).
func ringInside(r, o orb.Ring) bool {
	for _, p := range r {
		if onRing(o, p) {
			continue
		}
		return planar.RingContains(o, p)
	}
	return false
}

// onRing reports whether p lies on an edge of r, within a relative tolerance.
func onRing(r orb.Ring, p orb.Point) bool {
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		tol := 1e-12 * (math.Abs(a[0]) + math.Abs(a[1]) + 1)
		if l2 == 0 {
			if math.Abs(p[0]-a[0]) <= tol && math.Abs(p[1]-a[1]) <= tol {
				return true
			}
			continue
		}
		t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
		if t < 0 || t > 1 {
			continue
		}
		cx, cy := a[0]+t*dx, a[1]+t*dy
		if math.Abs(p[0]-cx) <= tol && math.Abs(p[1]-cy) <= tol {
			return true
		}
	}
	return false
}
