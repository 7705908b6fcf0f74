package crs

import (
	"errors"
	"fmt"
	"math"
)

// China's extent as redline accepts it: the mainland, Hainan and the South China Sea
// islands, Taiwan. Wider than any zoning layer, narrow enough to catch swapped axes.
const (
	ChinaMinLon = 73.0
	ChinaMaxLon = 136.0
	ChinaMinLat = 3.0
	ChinaMaxLat = 54.0
)

// Northings of China's extent in a Gauss-Krüger zone, with a margin: 3°N is about
// 332 km, 54°N about 5 985 km from the equator.
const (
	minNorthing = 3.0e5
	maxNorthing = 6.1e6
)

// ErrCoordinates: the numbers cannot be a place in China in any CRS we read (or lat
// and lon are swapped). Detection errors wrap it or ErrUnknown.
var ErrCoordinates = errors.New("crs: coordinates are not a place in China")

// DetectError is a refusal to guess a CRS from numbers. Err is ErrCoordinates
// (swapped axes, out of China) or ErrUnknown (projected numbers without zone).
type DetectError struct {
	Reason string
	Err    error
}

func (e *DetectError) Error() string { return e.Reason }
func (e *DetectError) Unwrap() error { return e.Err }

// Bounds is the extent of raw coordinates as read: X is the first number of each
// pair, Y the second.
type Bounds struct {
	MinX, MinY, MaxX, MaxY float64
}

// Detection is what Detect decided.
type Detection struct {
	CRS CRS
	// Swap says the numbers are northing-first (X,Y of Chinese surveying) and must be
	// swapped to x = east, y = north before CRS.ToLonLat.
	Swap bool
	// Warning explains an assumption the user should know of; "" when the numbers
	// were plain CGCS2000 lon/lat.
	Warning string
}

// Detect decides the CRS of coordinates whose source declared none, from their
// extent alone — never guessing between frames the numbers cannot tell apart
// (GCJ-02 and BD-09 look exactly like lon/lat, so they are never detected):
//
//   - lon/lat inside China → EPSG:4490;
//   - lat/lon swapped (first number 3–54, second 73–136) → error (ErrCoordinates);
//   - Gauss-Krüger easting with a zone prefix (3° zones 25–45, 6° zones 13–23) and a
//     northing of China → that zone, with a warning; the same in northing-first
//     order → that zone with Swap, with a warning;
//   - a Gauss-Krüger-sized easting without zone prefix → error (ErrUnknown): the
//     central meridian cannot be known;
//   - anything else → error (ErrCoordinates).
func Detect(b Bounds) (Detection, error) {
	for _, v := range []float64{b.MinX, b.MinY, b.MaxX, b.MaxY} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Detection{}, &DetectError{Reason: "coordinates contain NaN or infinite numbers", Err: ErrCoordinates}
		}
	}
	in := func(lo, hi, min, max float64) bool { return lo >= min && hi <= max }
	if in(b.MinX, b.MaxX, ChinaMinLon, ChinaMaxLon) && in(b.MinY, b.MaxY, ChinaMinLat, ChinaMaxLat) {
		return Detection{CRS: CGCS2000()}, nil
	}
	if in(b.MinX, b.MaxX, ChinaMinLat, ChinaMaxLat) && in(b.MinY, b.MaxY, ChinaMinLon, ChinaMaxLon) {
		return Detection{}, &DetectError{Err: ErrCoordinates, Reason: fmt.Sprintf(
			"coordinates look like latitude,longitude (first numbers %g…%g, second %g…%g): give longitude first", b.MinX, b.MaxX, b.MinY, b.MaxY)}
	}
	if c, ok := prefixedZone(b.MinX, b.MaxX); ok && in(b.MinY, b.MaxY, minNorthing, maxNorthing) {
		return Detection{CRS: c, Warning: fmt.Sprintf(
			"no coordinate system was declared: coordinates taken as %s because the eastings carry the zone prefix %d", c.Name, c.Zone)}, nil
	}
	if c, ok := prefixedZone(b.MinY, b.MaxY); ok && in(b.MinX, b.MaxX, minNorthing, maxNorthing) {
		return Detection{CRS: c, Swap: true, Warning: fmt.Sprintf(
			"no coordinate system was declared: coordinates taken as northing,easting (X,Y) in %s because the second numbers carry the zone prefix %d", c.Name, c.Zone)}, nil
	}
	if in(b.MinX, b.MaxX, 0, 1e6) && in(b.MinY, b.MaxY, minNorthing, maxNorthing) ||
		in(b.MinY, b.MaxY, 0, 1e6) && in(b.MinX, b.MaxX, minNorthing, maxNorthing) {
		return Detection{}, &DetectError{Err: ErrUnknown, Reason: fmt.Sprintf(
			"coordinates look projected (Gauss-Krüger metres, %g…%g by %g…%g) but have no zone prefix and no coordinate system was declared: "+
				"give the CRS, e.g. EPSG:4545 for CGCS2000 3° zone with central meridian 108°E", b.MinX, b.MaxX, b.MinY, b.MaxY)}
	}
	return Detection{}, &DetectError{Err: ErrCoordinates, Reason: fmt.Sprintf(
		"coordinates %g…%g by %g…%g are not a place in China as lon/lat (73–136°E, 3–54°N) nor as CGCS2000 Gauss-Krüger metres",
		b.MinX, b.MaxX, b.MinY, b.MaxY)}
}

// prefixedZone finds the Gauss-Krüger zone whose prefixed eastings hold all of
// [lo, hi]: zone·10⁶ + (0…10⁶). 3° zones are 25–45, 6° zones 13–23; the ranges do
// not overlap, so the prefix alone says which series.
func prefixedZone(lo, hi float64) (CRS, bool) {
	z := math.Floor(lo / 1e6)
	if math.Floor(hi/1e6) != z || z < 13 || z > 45 {
		return CRS{}, false
	}
	if z >= 25 {
		c, err := GK3(int(z), true)
		return c, err == nil
	}
	c, err := GK6(int(z), true)
	return c, err == nil
}

// InChina reports whether lon/lat lies in China's extent as redline accepts it.
func InChina(lon, lat float64) bool {
	return lon >= ChinaMinLon && lon <= ChinaMaxLon && lat >= ChinaMinLat && lat <= ChinaMaxLat
}
