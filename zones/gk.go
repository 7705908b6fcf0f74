package zones

import (
	"math"

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
func gkArea(g orb.Geometry, zone int) float64 {
	tm := crs.TM{Lon0: float64(3 * zone), K0: 1}
	ring := func(r orb.Ring) float64 {
		if len(r) < 3 {
			return 0
		}
		s := 0.0
		x0, y0 := tm.Forward(r[0][0], r[0][1])
		px, py := x0, y0
		for _, p := range r[1:] {
			x, y := tm.Forward(p[0], p[1])
			s += (px-x0)*(y-y0) - (x-x0)*(py-y0)
			px, py = x, y
		}
		return math.Abs(s) / 2
	}
	return geo.PolygonSum(g, ring)
}
