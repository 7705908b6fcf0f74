package geo

/*
#cgo pkg-config: proj
#include <geodesic.h>
#include <math.h>

// GRS80, the ellipsoid of CGCS2000. Initialised once from Go's init; read-only after.
static struct geod_geodesic rl_grs80;

static void rl_init(void) { geod_init(&rl_grs80, 6378137.0, 1.0 / 298.257222101); }

// rl_ring_area returns the signed ellipsoidal area (m², counter-clockwise positive)
// of the ring of n lon/lat pairs at xy, edges taken as geodesics.
static double rl_ring_area(const double *xy, int n) {
	struct geod_polygon p;
	double area = 0, perim = 0;
	int i;
	if (n < 3) return 0;
	// A closing vertex equal to the first adds nothing: skip it.
	if (xy[0] == xy[2 * (n - 1)] && xy[1] == xy[2 * (n - 1) + 1]) n--;
	if (n < 3) return 0;
	geod_polygon_init(&p, 0);
	for (i = 0; i < n; i++) geod_polygon_addpoint(&rl_grs80, &p, xy[2 * i + 1], xy[2 * i]);
	geod_polygon_compute(&rl_grs80, &p, 0, 1, &area, &perim);
	return area;
}

// rl_line_length returns the ellipsoidal length (m) of the polyline of n lon/lat pairs.
static double rl_line_length(const double *xy, int n) {
	double total = 0, s12;
	int i;
	for (i = 1; i < n; i++) {
		geod_inverse(&rl_grs80, xy[2 * i - 1], xy[2 * i - 2], xy[2 * i + 1], xy[2 * i], &s12, 0, 0);
		total += s12;
	}
	return total;
}

static double rl_inverse(double lon1, double lat1, double lon2, double lat2) {
	double s12;
	geod_inverse(&rl_grs80, lat1, lon1, lat2, lon2, &s12, 0, 0);
	return s12;
}
*/
import "C"

import (
	"math"
	"unsafe"

	"github.com/paulmach/orb"
)

// GRS80 ellipsoid constants (CGCS2000).
const (
	GRS80A = 6378137.0
	GRS80F = 1 / 298.257222101
)

func init() { C.rl_init() }

// ringArea returns the unsigned ellipsoidal area of a ring in m².
func ringArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	// orb.Point is [2]float64, so a Ring is n contiguous lon/lat pairs.
	return math.Abs(float64(C.rl_ring_area((*C.double)(unsafe.Pointer(&r[0][0])), C.int(len(r)))))
}

func lineLength(ls []orb.Point) float64 {
	if len(ls) < 2 {
		return 0
	}
	return float64(C.rl_line_length((*C.double)(unsafe.Pointer(&ls[0][0])), C.int(len(ls))))
}

// Area returns the ellipsoidal area (m², GRS80) of the polygonal parts of g, edges
// taken as geodesics between vertices: what PostGIS's ST_Area(geography) gives.
// Holes are subtracted whatever their orientation; lines and points have no area.
func Area(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		if len(g) == 0 {
			return 0
		}
		a := ringArea(g[0])
		for _, h := range g[1:] {
			a -= ringArea(h)
		}
		return a
	case orb.MultiPolygon:
		a := 0.0
		for _, p := range g {
			a += Area(p)
		}
		return a
	case orb.Ring:
		return ringArea(g)
	case orb.Collection:
		a := 0.0
		for _, c := range g {
			a += Area(c)
		}
		return a
	}
	return 0
}

// Length returns the ellipsoidal length (m, GRS80) of the lineal parts of g: what
// PostGIS's ST_Length(geography) gives. Polygons and points have no length here.
func Length(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.LineString:
		return lineLength(g)
	case orb.MultiLineString:
		l := 0.0
		for _, ls := range g {
			l += lineLength(ls)
		}
		return l
	case orb.Collection:
		l := 0.0
		for _, c := range g {
			l += Length(c)
		}
		return l
	}
	return 0
}

// Perimeter returns the ellipsoidal length of the rings of the polygonal parts of g.
func Perimeter(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		l := 0.0
		for _, r := range g {
			l += lineLength(r)
		}
		return l
	case orb.MultiPolygon:
		l := 0.0
		for _, p := range g {
			l += Perimeter(p)
		}
		return l
	case orb.Collection:
		l := 0.0
		for _, c := range g {
			l += Perimeter(c)
		}
		return l
	}
	return 0
}

// Distance returns the ellipsoidal (geodesic) distance in metres between two
// lon/lat points on GRS80.
func Distance(a, b orb.Point) float64 {
	if a == b {
		return 0
	}
	return float64(C.rl_inverse(C.double(a[0]), C.double(a[1]), C.double(b[0]), C.double(b[1])))
}
