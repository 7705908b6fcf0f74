package zones

import (
	"math"

	rlplanar "github.com/redline-gis/redline/planar"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/geo/crs"
)

// gkZone returns the CGCS2000 3° Gauss-Krüger zone of a footprint as the oracle
// and surveyors choose it: from the longitude of its planar centroid.
func gkZone(g orb.Geometry) int {
	c, _ := planar.CentroidArea(g)
	if c == (orb.Point{}) {
		c = g.Bound().Center()
	}
	return crs.GKZone3(c[0])
}

// gkArea is the planar area of the polygonal parts of g projected into the 3°
// Gauss-Krüger zone: the figure CAD shows surveyors (a little larger than the
// ellipsoidal area away from the central meridian).
//
// A polygon of many vertices whose edges are all short (the dense boundary of a
// real zone) is not projected vertex by vertex: its plane area is the integral of
// k² over its ellipsoidal area, and k² varies so smoothly that the ellipsoidal area
// times k² at its centroid agrees to ~1e-7 (the linear variation cancels at the
// centroid); the straight plane edges differ from the projected geodesics by an
// area that grows with the cube of the edge length (at most ~2 m² for a 2 km edge
// at the edge of a zone: 1e-6 of a 1 km² footprint).
func gkArea(g orb.Geometry, zone int) float64 {
	tm := crs.TM{Lon0: float64(3 * zone), K0: 1}
	a := 0.0
	var one [1]orb.Polygon
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		// A footprint's usual shape: no walk through g for its parts.
		if len(g) > 0 {
			one[0] = g
			polys = one[:]
		}
	default:
		polys = rlplanar.Polygons(g)
	}
	for _, p := range polys {
		if n := numVertices(p); n > gkProjectLimit && shortEdges(p, gkShortEdge) {
			c, _ := planar.CentroidArea(p)
			k := tm.Scale(c[0], c[1])
			a += geo.Area(p) * k * k
			continue
		}
		if len(p) == 0 {
			continue
		}
		// geo.PolygonSum's sum, in its order, without p boxed in an
		// interface (an allocation) for it.
		pa := projectedRingArea(tm, p[0])
		for _, h := range p[1:] {
			pa -= projectedRingArea(tm, h)
		}
		a += pa
	}
	return a
}

// numVertices is planar.NumVertices of p, counted without a callback.
func numVertices(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// Polygons of up to gkProjectLimit vertices, or with an edge of gkShortEdge metres
// or more, are projected vertex by vertex.
const (
	gkProjectLimit = 64
	gkShortEdge    = 2000.0
)

// projectedRingArea is the shoelace area of r projected with tm.
func projectedRingArea(tm crs.TM, r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	s := 0.0
	x0, y0 := tm.Forward(r[0][0], r[0][1])
	px, py := x0, y0
	rest := r[1:]
	if r[len(r)-1] == r[0] {
		// A closed ring's last vertex projects to the first, and its term,
		// (px-x0)·0 - 0·(py-y0), is zero: one projection fewer, the same sum.
		rest = r[1 : len(r)-1]
	}
	for _, p := range rest {
		x, y := tm.Forward(p[0], p[1])
		s += (px-x0)*(y-y0) - (x-x0)*(py-y0)
		px, py = x, y
	}
	return math.Abs(s) / 2
}

// shortEdges reports whether every edge of p is shorter than limit metres (by a
// generous flat-earth estimate).
func shortEdges(p orb.Polygon, limit float64) bool {
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			dx := (r[i+1][0] - r[i][0]) * 111320 * math.Cos(r[i][1]*math.Pi/180)
			dy := (r[i+1][1] - r[i][1]) * 110574
			if dx*dx+dy*dy >= limit*limit*0.9 {
				return false
			}
		}
	}
	return true
}
