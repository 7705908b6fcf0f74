package crs

import (
	"errors"
	"fmt"
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
// extent alone (Classify) — never guessing between frames the numbers cannot tell
// apart (GCJ-02 and BD-09 look exactly like lon/lat, so they are never detected):
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
	r := Classify(b)
	switch r.Shape {
	case NotFinite:
		return Detection{}, &DetectError{Reason: "coordinates contain NaN or infinite numbers", Err: ErrCoordinates}
	case LonLat:
		return Detection{CRS: CGCS2000()}, nil
	case LatLon:
		return Detection{}, &DetectError{Err: ErrCoordinates, Reason: fmt.Sprintf(
			"coordinates look like latitude,longitude (first numbers %g…%g, second %g…%g): give longitude first", b.MinX, b.MaxX, b.MinY, b.MaxY)}
	case GaussKruger:
		if r.Swap {
			return Detection{CRS: r.CRS, Swap: true, Warning: fmt.Sprintf(
				"no coordinate system was declared: coordinates taken as northing,easting (X,Y) in %s because the second numbers carry the zone prefix %d", r.CRS.Name, r.CRS.Zone)}, nil
		}
		return Detection{CRS: r.CRS, Warning: fmt.Sprintf(
			"no coordinate system was declared: coordinates taken as %s because the eastings carry the zone prefix %d", r.CRS.Name, r.CRS.Zone)}, nil
	case Metres:
		return Detection{}, &DetectError{Err: ErrUnknown, Reason: fmt.Sprintf(
			"coordinates look projected (Gauss-Krüger metres, %g…%g by %g…%g) but have no zone prefix and no coordinate system was declared: "+
				"give the CRS, e.g. EPSG:4545 for CGCS2000 3° zone with central meridian 108°E", b.MinX, b.MaxX, b.MinY, b.MaxY)}
	}
	return Detection{}, &DetectError{Err: ErrCoordinates, Reason: fmt.Sprintf(
		"coordinates %g…%g by %g…%g are not a place in China as lon/lat (%g–%g°E, %g–%g°N) nor as CGCS2000 Gauss-Krüger metres",
		b.MinX, b.MaxX, b.MinY, b.MaxY, ChinaMinLon, ChinaMaxLon, ChinaMinLat, ChinaMaxLat)}
}
