package crs

import (
	"math"
	"strings"
)

// GRS80 is the ellipsoid of CGCS2000 (CGCS2000's own flattening, 1/298.257222101,
// differs from GRS80's only in the 12th digit and moves nothing by a nanometre).
const (
	GRS80A = 6378137.0
	GRS80F = 1 / 298.257222101
)

// TM is a Transverse Mercator projection on GRS80: Gauss-Krüger when K0 is 1.
// Coordinates are metres, easting first (x = east, y = north) whatever the axis
// order of the EPSG definition.
//
// It follows Karney (2011), "Transverse Mercator with an accuracy of a few
// nanometers", J. Geodesy 85:475–485: the Krüger series in the third flattening n
// to n⁶, which is exact to about 5 nm within 4000 km of the central meridian —
// far beyond the ±1.5° (3° zones) or ±3° (6° zones) it is used over here.
type TM struct {
	Lon0 float64 // central meridian, degrees
	K0   float64 // scale on the central meridian (zero means 1)
	FE   float64 // false easting, metres
	FN   float64 // false northing, metres
	// Ellps is the ellipsoid; the zero value means GRS80 (CGCS2000). Others are
	// used for Xi'an 1980 / Beijing 1954 grids read with datum parameters.
	Ellps Ellipsoid
}

// Ellipsoid is a reference ellipsoid by semi-major axis (m) and flattening.
type Ellipsoid struct {
	A, F float64
}

// Ellipsoids redline knows by name (PROJ's +ellps names).
func ellipsoidByName(name string) (Ellipsoid, bool) {
	switch strings.ToLower(name) {
	case "grs80", "cgcs2000":
		return Ellipsoid{GRS80A, GRS80F}, true
	case "wgs84":
		return Ellipsoid{6378137, 1 / 298.257223563}, true
	case "krass", "krassowsky", "krasovsky", "krasovsky_1940":
		// Beijing 1954.
		return Ellipsoid{6378245, 1 / 298.3}, true
	case "iau76", "iag_1975", "xian_1980", "iag75":
		// Xi'an 1980 (PROJ calls it IAU76).
		return Ellipsoid{6378140, 1 / 298.257}, true
	}
	return Ellipsoid{}, false
}

func (e Ellipsoid) orGRS80() Ellipsoid {
	if e.A == 0 {
		return Ellipsoid{GRS80A, GRS80F}
	}
	return e
}

// tmSeries holds the constants of the Krüger series for one ellipsoid. They are
// derived from the two ellipsoid constants on every call: a few dozen flops, cheaper
// than any cache and free of shared state.
type tmSeries struct {
	e     float64    // first eccentricity
	es    float64    // e²
	a1    float64    // rectifying radius A
	alpha [7]float64 // forward series, index 1..6
	beta  [7]float64 // inverse series, index 1..6
}

// The GRS80 series as compile-time constants (Go evaluates constant expressions
// exactly), so the common case costs no arithmetic at run time.
const (
	grsN  = GRS80F / (2 - GRS80F)
	grsN2 = grsN * grsN
	grsN3 = grsN2 * grsN
	grsN4 = grsN3 * grsN
	grsN5 = grsN4 * grsN
	grsN6 = grsN5 * grsN
)

func grs80Series() tmSeries {
	return tmSeries{
		es: GRS80F * (2 - GRS80F),
		e:  0.08181919104281579, // √(f(2−f)); checked against math.Sqrt in the tests
		a1: GRS80A / (1 + grsN) * (1 + grsN2/4 + grsN4/64 + grsN6/256),
		alpha: [7]float64{0,
			grsN/2 - 2*grsN2/3 + 5*grsN3/16 + 41*grsN4/180 - 127*grsN5/288 + 7891*grsN6/37800,
			13*grsN2/48 - 3*grsN3/5 + 557*grsN4/1440 + 281*grsN5/630 - 1983433*grsN6/1935360,
			61*grsN3/240 - 103*grsN4/140 + 15061*grsN5/26880 + 167603*grsN6/181440,
			49561*grsN4/161280 - 179*grsN5/168 + 6601661*grsN6/7257600,
			34729*grsN5/80640 - 3418889*grsN6/1995840,
			212378941 * grsN6 / 319334400},
		beta: [7]float64{0,
			grsN/2 - 2*grsN2/3 + 37*grsN3/96 - grsN4/360 - 81*grsN5/512 + 96199*grsN6/604800,
			grsN2/48 + grsN3/15 - 437*grsN4/1440 + 46*grsN5/105 - 1118711*grsN6/3870720,
			17*grsN3/480 - 37*grsN4/840 - 209*grsN5/4480 + 5569*grsN6/90720,
			4397*grsN4/161280 - 11*grsN5/504 - 830251*grsN6/7257600,
			4583*grsN5/161280 - 108847*grsN6/3991680,
			20648693 * grsN6 / 638668800},
	}
}

func newSeries(el Ellipsoid) tmSeries {
	if el.A == 0 || el == (Ellipsoid{GRS80A, GRS80F}) {
		return grs80Series()
	}
	f := el.F
	n := f / (2 - f)
	n2 := n * n
	n3 := n2 * n
	n4 := n3 * n
	n5 := n4 * n
	n6 := n5 * n
	var s tmSeries
	s.es = f * (2 - f)
	s.e = math.Sqrt(s.es)
	s.a1 = el.A / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	// Karney (2011) eq. 35.
	s.alpha[1] = n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800
	s.alpha[2] = 13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360
	s.alpha[3] = 61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440
	s.alpha[4] = 49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600
	s.alpha[5] = 34729*n5/80640 - 3418889*n6/1995840
	s.alpha[6] = 212378941 * n6 / 319334400
	// Karney (2011) eq. 36.
	s.beta[1] = n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800
	s.beta[2] = n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720
	s.beta[3] = 17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720
	s.beta[4] = 4397*n4/161280 - 11*n5/504 - 830251*n6/7257600
	s.beta[5] = 4583*n5/161280 - 108847*n6/3991680
	s.beta[6] = 20648693 * n6 / 638668800
	return s
}

// conformal latitude: τ' from τ = tan φ (Karney eq. 7–9).
func (s *tmSeries) taupf(tau float64) float64 {
	tau1 := math.Hypot(1, tau)
	sig := math.Sinh(s.e * math.Atanh(s.e*tau/tau1))
	return math.Hypot(1, sig)*tau - sig*tau1
}

// tauf inverts taupf by Newton's method (Karney eq. 19–21); converges in 2–3 steps.
func (s *tmSeries) tauf(taup float64) float64 {
	e2m := 1 - s.es
	tau := taup / e2m
	stol := 1e-15 * math.Max(1, math.Abs(taup))
	for i := 0; i < 8; i++ {
		tp := s.taupf(tau)
		dtau := (taup - tp) * (1 + e2m*tau*tau) / (e2m * math.Hypot(1, tau) * math.Hypot(1, tp))
		tau += dtau
		if math.Abs(dtau) < stol {
			break
		}
	}
	return tau
}

const deg = math.Pi / 180

// Forward projects lon/lat degrees to easting, northing in metres.
func (p TM) Forward(lon, lat float64) (e, n float64) {
	s := newSeries(p.Ellps)
	lam := (lon - p.Lon0) * deg
	phi := lat * deg
	taup := s.taupf(math.Tan(phi))
	if math.Abs(lat) == 90 {
		taup = math.Copysign(math.Inf(1), lat)
	}
	xip := math.Atan2(taup, math.Cos(lam))
	etap := math.Asinh(math.Sin(lam) / math.Hypot(taup, math.Cos(lam)))
	dxi, deta := clenshaw(&s.alpha, xip, etap)
	xi, eta := xip+dxi, etap+deta
	k0 := p.k0()
	return p.FE + k0*s.a1*eta, p.FN + k0*s.a1*xi
}

// Inverse unprojects easting, northing in metres to lon/lat degrees.
func (p TM) Inverse(e, n float64) (lon, lat float64) {
	s := newSeries(p.Ellps)
	k0 := p.k0()
	xi := (n - p.FN) / (k0 * s.a1)
	eta := (e - p.FE) / (k0 * s.a1)
	dxi, deta := clenshaw(&s.beta, xi, eta)
	xip, etap := xi-dxi, eta-deta
	taup := math.Sin(xip) / math.Hypot(math.Sinh(etap), math.Cos(xip))
	lam := math.Atan2(math.Sinh(etap), math.Cos(xip))
	tau := s.tauf(taup)
	return p.Lon0 + lam/deg, math.Atan(tau) / deg
}

// clenshaw sums Σ c[j]·sin(2jζ), j = 1…6, for the complex ζ = xi + i·eta by
// Clenshaw's recurrence (Karney 2011, eq. 43–45): one sin/cos and one sinh/cosh
// instead of six of each, and better rounding than the direct sum.
func clenshaw(c *[7]float64, xi, eta float64) (re, im float64) {
	s2, c2 := math.Sincos(2 * xi)
	sh2, ch2 := math.Sinh(2*eta), math.Cosh(2*eta)
	a := complex(2*c2*ch2, -2*s2*sh2) // 2·cos 2ζ
	var y0, y1 complex128
	for j := 6; j >= 1; j-- {
		y0, y1 = a*y0-y1+complex(c[j], 0), y0
	}
	r := complex(s2*ch2, c2*sh2) * y0 // sin 2ζ · y₁
	return real(r), imag(r)
}

// Scale returns the point scale factor k at lon/lat: 1 on the central meridian of a
// Gauss-Krüger zone, about 1.00034 at its ±1.5° edge in China's south. Surveyors'
// planar areas differ from ellipsoidal ones by about k², which is what this is for.
func (p TM) Scale(lon, lat float64) float64 {
	// Numerically, from the projected length of a short east-west step compared with
	// the parallel's true length; 1e-9 relative is far below any use of k here.
	const h = 1e-5 // degrees
	e1, n1 := p.Forward(lon-h, lat)
	e2, n2 := p.Forward(lon+h, lat)
	s := newSeries(p.Ellps)
	phi := lat * deg
	nu := p.Ellps.orGRS80().A / math.Sqrt(1-s.es*math.Sin(phi)*math.Sin(phi))
	return math.Hypot(e2-e1, n2-n1) / (nu * math.Cos(phi) * 2 * h * deg)
}

func (p TM) k0() float64 {
	if p.K0 == 0 {
		return 1
	}
	return p.K0
}
