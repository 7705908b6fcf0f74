package geo

/*
#cgo pkg-config: proj
#cgo LDFLAGS: -lm
#include <geodesic.h>
#include <math.h>

// GRS80, the ellipsoid of CGCS2000, and its authalic sphere. Initialised once from
// Go's init; read-only after.
static struct geod_geodesic rl_grs80;
static double rl_e, rl_e2, rl_qp, rl_rq2;

static double rl_q(double phi) {
	double s = sin(phi);
	return (1 - rl_e2) * (s / (1 - rl_e2 * s * s) - (1 / (2 * rl_e)) * log((1 - rl_e * s) / (1 + rl_e * s)));
}

static void rl_init(void) {
	double a = 6378137.0, f = 1.0 / 298.257222101;
	geod_init(&rl_grs80, a, f);
	rl_e2 = f * (2 - f);
	rl_e = sqrt(rl_e2);
	rl_qp = rl_q(M_PI / 2);
	rl_rq2 = a * a * rl_qp / 2;
}

// tan(beta/2) of the authalic latitude beta of latitude lat (degrees): with
// r = sin(beta), tan(beta/2) = r / (1 + cos(beta)) = r / (1 + sqrt(1 - r²)) for
// |beta| <= 90°, a square root where tan(asin(r)/2) took two transcendental
// calls a vertex.
static double rl_authalic_t(double lat) {
	double r = rl_q(lat * M_PI / 180) / rl_qp;
	if (r > 1) r = 1;
	if (r < -1) r = -1;
	return r / (1 + sqrt(1 - r * r));
}

static int rl_short(double dx, double dy, double short_m) {
	return dx * dx + dy * dy < short_m * short_m;
}

// rl_ring_area returns the signed ellipsoidal area (m², counter-clockwise positive)
// of the ring of n lon/lat pairs at xy, edges taken as geodesics: minus the sum over
// edges of the area between the edge and the equator. For an edge of short_m metres
// or longer that area is GeographicLib's S12 of the geodesic (what its polygon area
// adds up); for a shorter one it is the spherical excess of the trapezoid under the
// great circle on the authalic sphere, which the equal-area mapping carries to the
// ellipsoid — the two edge curves differ by ~4e-3 m² of area at 500 m (falling as
// the cube of the length), and the excess costs a twentieth of a geodesic inverse.
// Polygons must not cross the 0° or 180° meridian nor hold a pole (true of
// anything in China).
//
// tan(beta/2) is a function of the latitude alone: it is taken once for the
// first vertex (the ring's last edge ends there) and kept from one vertex to
// the next at the same latitude (bit for bit: a square's two horizontal
// edges). On an edge of no longitude difference (dl = ±0) the term is
// 2·(dl/2)(t1 + t2)·R²: tan(±0) = ±0 and atan2(±0, x) = ±0 for x >= 0 (C
// Annex F; here x = 1 + t1·t2 >= 0 as |t| <= 1), so the same value, zero's
// sign included, without the two calls.
static double rl_ring_area(const double *xy, int n, double short_m) {
	double sum = 0, comp = 0, t0, t1, t2;
	int i;
	if (n < 3) return 0;
	if (xy[0] == xy[2 * (n - 1)] && xy[1] == xy[2 * (n - 1) + 1]) n--;
	if (n < 3) return 0;
	t0 = t1 = rl_authalic_t(xy[1]);
	for (i = 0; i < n; i++) {
		int j = (i + 1) % n;
		double lon1 = xy[2 * i], lat1 = xy[2 * i + 1], lon2 = xy[2 * j], lat2 = xy[2 * j + 1];
		double ex = (lon2 - lon1) * 111320, dy = (lat2 - lat1) * 110574;
		double term, y, t;
		if (j == 0)
			t2 = t0;
		else if (lat2 == lat1 && signbit(lat2) == signbit(lat1))
			t2 = t1;
		else
			t2 = rl_authalic_t(lat2);
		// dx = ex cos(lat1) with |cos| <= 1, so |dx| <= |ex| after rounding too
		// (rounding is monotonic): an edge short by ex is short by dx, and the
		// cosine is taken only for an edge the bound cannot place — the same
		// test, one cos a vertex fewer on the short edges.
		if (ex * ex + dy * dy < short_m * short_m || rl_short(ex * cos(lat1 * M_PI / 180), dy, short_m)) {
			double dl = (lon2 - lon1) * M_PI / 180;
			if (dl == 0)
				term = 2 * ((dl / 2) * (t1 + t2)) * rl_rq2;
			else
				term = 2 * atan2(tan(dl / 2) * (t1 + t2), 1 + t1 * t2) * rl_rq2;
		} else {
			double s12, azi1, azi2, m12, M12, M21, S12;
			geod_geninverse(&rl_grs80, lat1, lon1, lat2, lon2, &s12, &azi1, &azi2, &m12, &M12, &M21, &S12);
			term = S12;
		}
		// Kahan summation: the terms are large and cancel.
		y = term - comp;
		t = sum + y;
		comp = (t - sum) - y;
		sum = t;
		t1 = t2;
	}
	return -sum;
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

// rl_segment_lengths writes to out the ellipsoidal length (m) of each of the n-1
// segments of the polyline of n lon/lat pairs: rl_inverse's, 0 for a segment of
// no length.
static void rl_segment_lengths(const double *xy, int n, double *out) {
	double s12;
	int i;
	for (i = 1; i < n; i++) {
		if (xy[2 * i - 2] == xy[2 * i] && xy[2 * i - 1] == xy[2 * i + 1]) {
			out[i - 1] = 0;
			continue;
		}
		geod_inverse(&rl_grs80, xy[2 * i - 1], xy[2 * i - 2], xy[2 * i + 1], xy[2 * i], &s12, 0, 0);
		out[i - 1] = s12;
	}
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
	"slices"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/planar"
)

// GRS80 ellipsoid constants (CGCS2000).
const (
	GRS80A = 6378137.0
	GRS80F = 1 / 298.257222101
)

func init() { C.rl_init() }

// shortEdgeM is the length under which an edge's area term is taken on the
// authalic sphere rather than from a geodesic inverse (see rl_ring_area).
const shortEdgeM = 500

// ringArea returns the unsigned ellipsoidal area of a ring in m².
func ringArea(r orb.Ring) float64 { return ringAreaShort(r, shortEdgeM) }

// ringAreaShort is ringArea with edges shorter than shortM metres on the authalic
// sphere; with 0, every edge is GeographicLib's geodesic (the reference the tests
// hold the shortcut to).
func ringAreaShort(r orb.Ring, shortM float64) float64 {
	if len(r) < 3 {
		return 0
	}
	// orb.Point is [2]float64, so a Ring is n contiguous lon/lat pairs.
	return math.Abs(float64(C.rl_ring_area((*C.double)(unsafe.Pointer(&r[0][0])), C.int(len(r)), C.double(shortM))))
}

// FlatRingArea returns the signed ellipsoidal area in m² (counter-clockwise
// positive) of the ring of lon/lat pairs in xy, first vertex repeated at the end
// or not: ringArea's measure without the orb.Ring, for rings kept flat (a piece's
// shape, or a ring assembled in a scratch buffer). Its magnitude is ringArea's.
func FlatRingArea(xy []float64) float64 {
	if len(xy) < 6 {
		return 0
	}
	return float64(C.rl_ring_area((*C.double)(unsafe.Pointer(&xy[0])), C.int(len(xy)/2), C.double(shortEdgeM)))
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
	return PolygonSum(g, ringArea)
}

// PolygonSum adds up, over the polygons of g, area(shell) minus area(holes): the
// area of g under any ring measure (ellipsoidal here, planar in a projection).
func PolygonSum(g orb.Geometry, area func(orb.Ring) float64) float64 {
	poly := func(a float64, p orb.Polygon) float64 {
		if len(p) == 0 {
			return a
		}
		a += area(p[0])
		for _, h := range p[1:] {
			a -= area(h)
		}
		return a
	}
	// A polygon or multipolygon, the common cases, without collecting its
	// polygons first (the sum in the same order).
	a := 0.0
	switch g := g.(type) {
	case orb.Polygon:
		return poly(a, g)
	case orb.MultiPolygon:
		for _, p := range g {
			a = poly(a, p)
		}
		return a
	}
	for _, p := range planar.Polygons(g) {
		a = poly(a, p)
	}
	return a
}

// Length returns the ellipsoidal length (m, GRS80) of the lineal parts of g: what
// PostGIS's ST_Length(geography) gives. Polygons and points have no length here.
func Length(g orb.Geometry) float64 {
	l := 0.0
	for _, ls := range planar.Lines(g) {
		l += lineLength(ls)
	}
	return l
}

// SegmentLengths returns the ellipsoidal lengths in metres of the segments of
// ls, appended to dst[:0]: Distance(ls[i], ls[i+1]) for each i, in one call.
func SegmentLengths(ls []orb.Point, dst []float64) []float64 {
	dst = dst[:0]
	if len(ls) < 2 {
		return dst
	}
	dst = slices.Grow(dst, len(ls)-1)[:len(ls)-1]
	C.rl_segment_lengths((*C.double)(unsafe.Pointer(&ls[0][0])), C.int(len(ls)), (*C.double)(unsafe.Pointer(&dst[0])))
	return dst
}

// Distance returns the ellipsoidal (geodesic) distance in metres between two
// lon/lat points on GRS80.
func Distance(a, b orb.Point) float64 {
	if a == b {
		return 0
	}
	return float64(C.rl_inverse(C.double(a[0]), C.double(a[1]), C.double(b[0]), C.double(b[1])))
}
