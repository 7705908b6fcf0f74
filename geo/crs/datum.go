package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Datum says how a CRS's lon/lat relate to CGCS2000. The zero value is CGCS2000
// itself (WGS84 is taken as identical). Another datum — Xi'an 1980, Beijing 1954,
// a local frame — is usable only with its 7-parameter transformation, which files
// rarely carry; redline applies it when a user or a .prj (TOWGS84) gives it.
type Datum struct {
	// Ellps is the datum's ellipsoid; zero means GRS80 and no shift at all.
	Ellps Ellipsoid
	// ToWGS84 is the Helmert (Bursa-Wolf) transformation to WGS84 ≡ CGCS2000 in the
	// convention of PROJ's +towgs84 and WKT1's TOWGS84, "position vector" (EPSG
	// method 9606): dx, dy, dz in metres, rx, ry, rz in arc-seconds, ds in ppm.
	// Parameters published in the "coordinate frame" convention (EPSG 9607, used by
	// some Esri and Chinese tools) have the three rotations with the opposite sign.
	ToWGS84 [7]float64
}

// Shifted reports whether coordinates on d need a datum transformation.
func (d Datum) Shifted() bool { return d.Ellps.A != 0 }

// geocentric converts geodetic lon/lat (degrees, height 0) on el to ECEF metres.
func geocentric(el Ellipsoid, lon, lat float64) (x, y, z float64) {
	es := el.F * (2 - el.F)
	sl, cl := math.Sincos(lat * deg)
	so, co := math.Sincos(lon * deg)
	n := el.A / math.Sqrt(1-es*sl*sl)
	return n * cl * co, n * cl * so, n * (1 - es) * sl
}

// geodetic converts ECEF metres to lon/lat degrees on el (height discarded), by
// Bowring's initial value and fixed-point iteration, exact to 1e-12 rad in a few steps
// near the surface.
func geodetic(el Ellipsoid, x, y, z float64) (lon, lat float64) {
	es := el.F * (2 - el.F)
	p := math.Hypot(x, y)
	lon = math.Atan2(y, x)
	phi := math.Atan2(z, p*(1-es))
	for i := 0; i < 10; i++ {
		s := math.Sin(phi)
		n := el.A / math.Sqrt(1-es*s*s)
		next := math.Atan2(z+es*n*s, p)
		if math.Abs(next-phi) < 1e-14 {
			phi = next
			break
		}
		phi = next
	}
	return lon / deg, phi / deg
}

const arcsec = math.Pi / (180 * 3600)

// helmert applies the position-vector transformation (or its exact inverse).
func (d Datum) helmert(x, y, z float64, inverse bool) (float64, float64, float64) {
	t := d.ToWGS84
	rx, ry, rz := t[3]*arcsec, t[4]*arcsec, t[5]*arcsec
	m := 1 + t[6]*1e-6
	// R = [[1, -rz, ry], [rz, 1, -rx], [-ry, rx, 1]], as PROJ applies +towgs84.
	r := [3][3]float64{{1, -rz, ry}, {rz, 1, -rx}, {-ry, rx, 1}}
	if !inverse {
		return t[0] + m*(r[0][0]*x+r[0][1]*y+r[0][2]*z),
			t[1] + m*(r[1][0]*x+r[1][1]*y+r[1][2]*z),
			t[2] + m*(r[2][0]*x+r[2][1]*y+r[2][2]*z)
	}
	// Solve m·R·X = X' − T exactly (Cramer), so a round trip is exact.
	bx, by, bz := (x-t[0])/m, (y-t[1])/m, (z-t[2])/m
	det := r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) + r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
	d3 := func(c0, c1, c2 [3]float64) float64 {
		return c0[0]*(c1[1]*c2[2]-c1[2]*c2[1]) - c1[0]*(c0[1]*c2[2]-c0[2]*c2[1]) + c2[0]*(c0[1]*c1[2]-c0[2]*c1[1])
	}
	col := func(j int) [3]float64 { return [3]float64{r[0][j], r[1][j], r[2][j]} }
	b := [3]float64{bx, by, bz}
	return d3(b, col(1), col(2)) / det, d3(col(0), b, col(2)) / det, d3(col(0), col(1), b) / det
}

// toCGCS takes lon/lat on d to CGCS2000 lon/lat.
func (d Datum) toCGCS(lon, lat float64) (float64, float64) {
	if !d.Shifted() {
		return lon, lat
	}
	x, y, z := geocentric(d.Ellps, lon, lat)
	x, y, z = d.helmert(x, y, z, false)
	return geodetic(Ellipsoid{GRS80A, GRS80F}, x, y, z)
}

// fromCGCS is the inverse of toCGCS. The inverse Helmert alone is not: both
// directions take the height as 0 on their own ellipsoid, and the normals of the
// two ellipsoids differ by ~2e-5 rad, so a round trip would be off by a millimetre
// per 50 m of height difference. A few fixed-point steps on toCGCS make it exact.
func (d Datum) fromCGCS(lon, lat float64) (float64, float64) {
	if !d.Shifted() {
		return lon, lat
	}
	x, y, z := geocentric(Ellipsoid{GRS80A, GRS80F}, lon, lat)
	x, y, z = d.helmert(x, y, z, true)
	slon, slat := geodetic(d.Ellps, x, y, z)
	for i := 0; i < 5; i++ {
		tlon, tlat := d.toCGCS(slon, slat)
		dlon, dlat := lon-tlon, lat-tlat
		slon += dlon
		slat += dlat
		if math.Abs(dlon) < 1e-12 && math.Abs(dlat) < 1e-12 {
			break
		}
	}
	return slon, slat
}

// proj4 writes the datum's part of a PROJ string.
func (d Datum) proj4() string {
	if !d.Shifted() {
		return "+ellps=GRS80"
	}
	parts := make([]string, 7)
	for i, v := range d.ToWGS84 {
		parts[i] = ftoa(v)
	}
	return fmt.Sprintf("+a=%s +rf=%s +towgs84=%s", ftoa(d.Ellps.A), ftoa(1/d.Ellps.F), strings.Join(parts, ","))
}

// parseToWGS84 reads 3 or 7 comma-separated numbers.
func parseToWGS84(s string) ([7]float64, bool) {
	var t [7]float64
	f := strings.Split(s, ",")
	if len(f) != 3 && len(f) != 7 {
		return t, false
	}
	for i, v := range f {
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return t, false
		}
		t[i] = x
	}
	// Rotations of arc-minutes or translations of kilometres are not a datum
	// shift between Chinese frames: refuse them rather than move a site far away.
	if math.Abs(t[0]) > 2000 || math.Abs(t[1]) > 2000 || math.Abs(t[2]) > 2000 ||
		math.Abs(t[3]) > 60 || math.Abs(t[4]) > 60 || math.Abs(t[5]) > 60 || math.Abs(t[6]) > 1000 {
		return t, false
	}
	return t, true
}
