package crs

// The coordinate policy: the one answer redline gives, in every reader, check and
// locate, to "is this a place in China?" and, when it is not, to "what do these
// numbers look like?" — lat/lon swapped, Gauss-Krüger metres with or without a
// zone prefix, not numbers at all. Detect reads an extent with it to choose a CRS;
// CheckLonLat and CheckConverted refuse one coordinate with it, naming the
// coordinate and where it is, with the code DESIGN.md gives: unknown_crs for
// projected metres whose CRS nobody declared, invalid_coordinates for the rest.

import (
	"fmt"
	"math"
	"strconv"

	"github.com/redline-gis/redline/errcode"
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

// InChina reports whether lon/lat lies in China's extent as redline accepts it.
// NaN is nowhere: it fails every comparison.
func InChina(lon, lat float64) bool {
	return lon >= ChinaMinLon && lon <= ChinaMaxLon && lat >= ChinaMinLat && lat <= ChinaMaxLat
}

// Shape is what numbers look like when nobody said what they are.
type Shape int

// Shapes, in the order Classify tests them.
const (
	// NotFinite: NaN or an infinity.
	NotFinite Shape = iota
	// LonLat: longitude, latitude in China.
	LonLat
	// LatLon: latitude, longitude in China — the axes swapped.
	LatLon
	// GaussKruger: CGCS2000 Gauss-Krüger metres whose eastings carry a zone prefix
	// (3° zones 25–45, 6° zones 13–23), with northings of China, in either order:
	// the zone, and so the CRS, is known from the numbers.
	GaussKruger
	// Metres: Gauss-Krüger-sized eastings without a zone prefix and northings of
	// China, in either order: projected, but the central meridian cannot be known.
	Metres
	// Elsewhere: none of the above — not a place in China in any CRS we could guess.
	Elsewhere
)

// Code is the error code of numbers of this shape given where longitude/latitude
// was expected: unknown_crs for projected metres (DESIGN.md: projected numbers
// without a declared CRS), invalid_coordinates for the rest; "" for LonLat.
func (s Shape) Code() errcode.Code {
	switch s {
	case LonLat:
		return ""
	case GaussKruger, Metres:
		return errcode.UnknownCRS
	}
	return errcode.InvalidCoordinates
}

// Reading is what Classify made of some numbers.
type Reading struct {
	Shape Shape
	// CRS is the Gauss-Krüger zone of a GaussKruger reading.
	CRS CRS
	// Swap says a GaussKruger or Metres reading is northing-first (X,Y of Chinese
	// surveying).
	Swap bool
}

// Classify says what the numbers of extent b look like: X is the first number of
// each pair, Y the second. A single coordinate is the extent {x, y, x, y}.
func Classify(b Bounds) Reading {
	for _, v := range []float64{b.MinX, b.MinY, b.MaxX, b.MaxY} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Reading{Shape: NotFinite}
		}
	}
	in := func(lo, hi, min, max float64) bool { return lo >= min && hi <= max }
	switch {
	case in(b.MinX, b.MaxX, ChinaMinLon, ChinaMaxLon) && in(b.MinY, b.MaxY, ChinaMinLat, ChinaMaxLat):
		return Reading{Shape: LonLat}
	case in(b.MinX, b.MaxX, ChinaMinLat, ChinaMaxLat) && in(b.MinY, b.MaxY, ChinaMinLon, ChinaMaxLon):
		return Reading{Shape: LatLon}
	}
	if c, ok := prefixedZone(b.MinX, b.MaxX); ok && in(b.MinY, b.MaxY, minNorthing, maxNorthing) {
		return Reading{Shape: GaussKruger, CRS: c}
	}
	if c, ok := prefixedZone(b.MinY, b.MaxY); ok && in(b.MinX, b.MaxX, minNorthing, maxNorthing) {
		return Reading{Shape: GaussKruger, CRS: c, Swap: true}
	}
	switch {
	case in(b.MinX, b.MaxX, 0, 1e6) && in(b.MinY, b.MaxY, minNorthing, maxNorthing):
		return Reading{Shape: Metres}
	case in(b.MinY, b.MaxY, 0, 1e6) && in(b.MinX, b.MaxX, minNorthing, maxNorthing):
		return Reading{Shape: Metres, Swap: true}
	}
	return Reading{Shape: Elsewhere}
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

// Where is the position of a coordinate in its input, for messages and error
// details: which of feature, part, ring and vertex (all 0-based) are known. The
// zero value knows none. It is a plain value: building one per vertex costs
// nothing until a coordinate is refused.
type Where struct {
	// Each holds its number + 1, so that 0 means "not known". Four plain fields,
	// not an array: the compiler keeps them in registers.
	feature, part, ring, vertex int
}

// Feature returns w with the feature index set.
func (w Where) Feature(i int) Where { w.feature = i + 1; return w }

// Part returns w with the part (member of a multi-geometry or collection) set.
func (w Where) Part(i int) Where { w.part = i + 1; return w }

// Ring returns w with the ring (0 = shell) set.
func (w Where) Ring(i int) Where { w.ring = i + 1; return w }

// Vertex returns w with the vertex set.
func (w Where) Vertex(i int) Where { w.vertex = i + 1; return w }

// each calls f with the name and number of each known position, in order.
func (w Where) each(f func(name string, n int)) {
	for _, p := range [...]struct {
		name string
		n    int
	}{{"feature", w.feature}, {"part", w.part}, {"ring", w.ring}, {"vertex", w.vertex}} {
		if p.n > 0 {
			f(p.name, p.n-1)
		}
	}
}

// String is "feature 2, part 0, ring 1, vertex 7" with what is known; "" when
// nothing is.
func (w Where) String() string {
	s := ""
	w.each(func(name string, n int) {
		if s != "" {
			s += ", "
		}
		s += name + " " + strconv.Itoa(n)
	})
	return s
}

// Details returns the known positions as errcode.Error details.
func (w Where) Details() map[string]any {
	d := map[string]any{}
	w.each(func(name string, n int) { d[name] = n })
	return d
}

// CheckLonLat applies the policy to numbers meant as longitude and latitude
// (CGCS2000 ≈ WGS84): nil when they are a place in China, else an *errcode.Error
// saying what they look like — not numbers, latitude,longitude swapped,
// Gauss-Krüger metres (unknown_crs: declare the CRS), out of range or outside
// China — naming the coordinate and at, with at's positions and the coordinate in
// its details. Callers test the result against nil before using it as an error.
func CheckLonLat(lon, lat float64, at Where) *errcode.Error {
	if InChina(lon, lat) {
		return nil
	}
	return refuse(lon, lat, at)
}

// CheckConverted applies the policy to (x, y) as read, which c took to (lon, lat):
// nil when (lon, lat) is a place in China. When c left the numbers as they were
// (CGCS2000, WGS84 lon/lat) the answer is CheckLonLat's; otherwise the refusal
// says what the numbers became in c.
func (c CRS) CheckConverted(x, y, lon, lat float64, at Where) *errcode.Error {
	if InChina(lon, lat) {
		return nil
	}
	if (x == lon && y == lat) || Classify(Bounds{x, y, x, y}).Shape == NotFinite {
		return refuse(x, y, at)
	}
	d := coordDetails(x, y, at)
	return errcode.New(errcode.InvalidCoordinates, d, "%scoordinate (%s, %s) read as %s is %.6f°E %.6f°N, outside China (%g–%g°E, %g–%g°N)",
		prefix(at), num(x), num(y), c, lon, lat, ChinaMinLon, ChinaMaxLon, ChinaMinLat, ChinaMaxLat)
}

// refuse explains why (x, y), meant as lon/lat, is not a place in China.
func refuse(x, y float64, at Where) *errcode.Error {
	r := Classify(Bounds{x, y, x, y})
	d := coordDetails(x, y, at)
	p := fmt.Sprintf("%scoordinate (%s, %s)", prefix(at), num(x), num(y))
	switch r.Shape {
	case NotFinite:
		return errcode.New(r.Shape.Code(), d, "%s is not a finite number", p)
	case LatLon:
		return errcode.New(r.Shape.Code(), d,
			"%s looks like latitude,longitude (the axes are swapped): give longitude first", p)
	case GaussKruger:
		order := ""
		if r.Swap {
			order = " (northing first)"
		}
		return errcode.New(r.Shape.Code(), d,
			"%s looks like Gauss-Krüger metres%s in %s, not longitude/latitude: declare that coordinate system (%s)",
			p, order, r.CRS, r.CRS.Code)
	case Metres:
		return errcode.New(r.Shape.Code(), d,
			"%s looks like projected Gauss-Krüger metres without a zone prefix, not longitude/latitude: "+
				"declare its coordinate system, e.g. EPSG:4545 for the CGCS2000 3° zone with central meridian 108°E", p)
	}
	switch {
	case math.Abs(x) > 1000 || math.Abs(y) > 1000:
		return errcode.New(r.Shape.Code(), d,
			"%s is neither longitude/latitude nor CGCS2000 Gauss-Krüger metres of a place in China", p)
	case math.Abs(y) > 90:
		return errcode.New(r.Shape.Code(), d, "%s is not a longitude/latitude: latitude %s is out of range (−90 to 90)", p, num(y))
	case math.Abs(x) > 180:
		return errcode.New(r.Shape.Code(), d, "%s is not a longitude/latitude: longitude %s is out of range (−180 to 180)", p, num(x))
	}
	return errcode.New(r.Shape.Code(), d, "%s is outside China (%g–%g°E, %g–%g°N)",
		p, ChinaMinLon, ChinaMaxLon, ChinaMinLat, ChinaMaxLat)
}

func prefix(at Where) string {
	if s := at.String(); s != "" {
		return s + ": "
	}
	return ""
}

// coordDetails is at's details with the coordinate; NaN and infinities, which
// JSON cannot hold, as text.
func coordDetails(x, y float64, at Where) map[string]any {
	d := at.Details()
	if Classify(Bounds{x, y, x, y}).Shape == NotFinite {
		d["coordinate"] = fmt.Sprintf("[%g %g]", x, y)
	} else {
		d["coordinate"] = []float64{x, y}
	}
	return d
}

// num prints a coordinate as people wrote it: 3800000, not 3.8e+06.
func num(v float64) string {
	if math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
