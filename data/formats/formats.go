// Package formats reads footprints and layers in every format redline supports,
// detected from content and name, and converts them to CGCS2000 lon/lat.
//
// It does so in two steps, each with its own files. Reading (read.go, with
// sniff.go telling the format): Read, ReadFS and ReadPath return features in the
// source's coordinates, x = east and y = north (readers swap the surveyors'
// northing-first X,Y themselves), with the CRS the source declared.
// Reprojection (this file): ToLonLat (or Resolve and Conversion.Feature, for
// batches that go on past a bad feature) then takes them to EPSG:4490 lon/lat,
// deciding the source CRS from, in order, the caller's declaration, the file's,
// and the numbers themselves (geo/crs.Detect), and saying what it assumed.
package formats

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo/crs"
)

// Conversion is how a collection's coordinates go to EPSG:4490 lon/lat: the source
// CRS and whether the numbers are northing-first.
type Conversion struct {
	// From is the source CRS.
	From crs.CRS
	// Swap says the numbers are northing,easting (or lat,lon) and are swapped first.
	Swap bool
	// Warnings say what was assumed.
	Warnings []string
}

// ParseCRS reads a CRS as it may appear in Options.CRS or vector.Collection.CRS:
// a name or code for crs.Parse, or "PRJ:" + WKT (shapefile .prj, GeoPackage srs).
// Errors are InputErrors with unknown_crs or unsupported_crs.
func ParseCRS(s string) (crs.CRS, error) {
	var c crs.CRS
	var err error
	if w, ok := strings.CutPrefix(s, "PRJ:"); ok {
		c, err = crs.FromPRJ(w)
	} else {
		c, err = crs.Parse(s)
	}
	if err == nil {
		return c, nil
	}
	code := errcode.UnknownCRS
	if errors.Is(err, crs.ErrUnsupported) {
		code = errcode.UnsupportedCRS
	}
	return crs.CRS{}, errcode.New(code, map[string]any{"field": "crs"}, "coordinate system: %v", err)
}

// bounds is the extent of the finite coordinates of c.
func bounds(c *vector.Collection) (crs.Bounds, bool) {
	b := crs.Bounds{MinX: math.Inf(1), MinY: math.Inf(1), MaxX: math.Inf(-1), MaxY: math.Inf(-1)}
	found := false
	for _, f := range c.Features {
		g := f.Geometry // a copy: bounds changes nothing
		_ = walk(&g, func(p *orb.Point, _, _, _ int) error {
			if finite(p[0]) && finite(p[1]) {
				b.MinX, b.MaxX = math.Min(b.MinX, p[0]), math.Max(b.MaxX, p[0])
				b.MinY, b.MaxY = math.Min(b.MinY, p[1]), math.Max(b.MaxY, p[1])
				found = true
			}
			return nil
		})
	}
	return b, found
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Resolve decides how c's coordinates go to lon/lat without changing them: the
// CRS in opts (declared by the user), else the one the file declares, else one
// detected from the numbers (crs.Detect). Numbers that contradict a declared CRS
// are checked: northing-first Gauss-Krüger numbers are swapped with a warning,
// lat/lon order is refused, a zone prefix missing from or added to an easting is
// reported.
func Resolve(c *vector.Collection, opts Options) (Conversion, error) {
	var cv Conversion
	declared := opts.CRS
	source := "declared"
	if declared == "" {
		declared, source = c.CRS, "the file's"
	} else if c.CRS != "" && c.CRS != opts.CRS {
		if dc, err := ParseCRS(opts.CRS); err == nil {
			file := c.CRS
			if fc, err := ParseCRS(c.CRS); err == nil {
				file = fc.Name
			} else if strings.HasPrefix(file, "PRJ:") {
				file = "(.prj) " + clipText(strings.TrimPrefix(file, "PRJ:"), 60)
			}
			if file != dc.Name {
				cv.Warnings = append(cv.Warnings, fmt.Sprintf("the declared coordinate system %s was used instead of the file's %s", dc.Name, file))
			}
		}
	}
	b, ok := bounds(c)
	if declared == "" {
		if !ok {
			cv.From = crs.CGCS2000()
			return cv, nil
		}
		d, err := crs.Detect(b)
		if err != nil {
			if ferr := blame(c); ferr != nil {
				return cv, ferr
			}
			return cv, errcode.New(detectCode(err), nil, "%v", err)
		}
		cv.From, cv.Swap = d.CRS, d.Swap
		if d.Warning != "" {
			cv.Warnings = append(cv.Warnings, d.Warning)
		}
		return cv, nil
	}
	from, err := ParseCRS(declared)
	if err != nil {
		return cv, err
	}
	cv.From = from
	if !ok {
		return cv, nil
	}
	in := func(lo, hi, min, max float64) bool { return lo >= min && hi <= max }
	// What the numbers look like, by the one coordinate policy (crs.Classify).
	shape := crs.Classify(b)
	switch from.Kind {
	case crs.Geographic, crs.GCJ02, crs.BD09:
		switch shape.Shape {
		case crs.GaussKruger:
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"coordinates %g…%g by %g…%g look like Gauss-Krüger metres (%s) but %s coordinate system %s is longitude/latitude: declare the projected CRS",
				b.MinX, b.MaxX, b.MinY, b.MaxY, shape.CRS.Name, source, from.Name)
		case crs.LatLon:
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"coordinates look like latitude,longitude (first numbers %g…%g, second %g…%g) but %s coordinate system %s takes longitude first: swap them",
				b.MinX, b.MaxX, b.MinY, b.MaxY, source, from.Name)
		}
	case crs.Projected:
		if shape.Shape == crs.LonLat {
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"coordinates %g…%g by %g…%g look like longitude/latitude but %s coordinate system %s is projected (metres): declare EPSG:4490 or leave the CRS out",
				b.MinX, b.MaxX, b.MinY, b.MaxY, source, from.Name)
		}
		lo, hi := from.TM.FE-1e6, from.TM.FE+1e6 // eastings of the zone, generously
		switch {
		case in(b.MinX, b.MaxX, lo, hi):
		case in(b.MinY, b.MaxY, lo, hi) && b.MinX >= 1e5:
			cv.Swap = true
			cv.Warnings = append(cv.Warnings, fmt.Sprintf("coordinates taken as northing,easting (X,Y) in %s: the second numbers are the eastings", from.Name))
		case from.Zone != 0 && from.Prefixed && in(b.MinX, b.MaxX, 0, 1e6):
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"eastings %g…%g lack the zone prefix %d of %s: declare the central-meridian variant instead", b.MinX, b.MaxX, from.Zone, from.Name)
		case from.Zone != 0 && !from.Prefixed && in(b.MinX, b.MaxX, float64(from.Zone)*1e6, float64(from.Zone+1)*1e6):
			pre, err := prefixed(from)
			if err == nil {
				cv.Warnings = append(cv.Warnings, fmt.Sprintf("eastings carry the zone prefix %d: taken as %s rather than the declared %s", from.Zone, pre.Name, from.Name))
				cv.From = pre
			}
		}
	}
	return cv, nil
}

func detectCode(err error) errcode.Code {
	if errors.Is(err, crs.ErrUnknown) {
		return errcode.UnknownCRS
	}
	return errcode.InvalidCoordinates
}

// blame explains a failed detection over a whole collection feature by feature: a
// layer of good lon/lat with one record at (0, 0), or features in two different
// Gauss-Krüger zones, gets an error naming the feature. nil when every feature
// fails alike (the collection's error says it all).
func blame(c *vector.Collection) error {
	firstOK, firstBad := -1, -1
	var okCRS crs.CRS
	var badErr error
	for i, f := range c.Features {
		fb, ok := bounds(&vector.Collection{Features: []vector.Feature{f}})
		if !ok {
			continue
		}
		d, err := crs.Detect(fb)
		switch {
		case err != nil && firstBad < 0:
			firstBad, badErr = i, err
		case err == nil && firstOK < 0:
			firstOK, okCRS = i, d.CRS
		case err == nil && d.CRS.Code != okCRS.Code:
			return errcode.New(errcode.InvalidCoordinates, map[string]any{"feature": c.Features[i].Index},
				"features are in different coordinate systems and none was declared: feature %d looks like %s, feature %d like %s",
				c.Features[firstOK].Index, okCRS.Name, c.Features[i].Index, d.CRS.Name)
		}
	}
	if firstOK >= 0 && firstBad >= 0 {
		f := c.Features[firstBad]
		return errcode.New(detectCode(badErr), map[string]any{"feature": f.Index},
			"feature %d: %v (feature %d looks like %s)", f.Index, badErr, c.Features[firstOK].Index, okCRS.Name)
	}
	return nil
}

func prefixed(c crs.CRS) (crs.CRS, error) {
	if c.ZoneWidth == 6 {
		return crs.GK6(c.Zone, true)
	}
	return crs.GK3(c.Zone, true)
}

// Feature converts one feature in place to EPSG:4490 lon/lat and checks that every
// vertex is a finite place in China; errors name the feature, part, ring and vertex.
func (cv Conversion) Feature(f *vector.Feature) error {
	if f.Geometry == nil {
		return nil
	}
	return walk(&f.Geometry, func(p *orb.Point, part, ring, vertex int) error {
		x, y := p[0], p[1]
		if cv.Swap {
			x, y = y, x
		}
		lon, lat := cv.From.ToLonLat(x, y)
		// The coordinate policy of geo/crs, as check and locate apply it; the
		// position costs nothing until a coordinate is refused.
		if err := cv.From.CheckConverted(p[0], p[1], lon, lat, crs.Where{}.Feature(f.Index).Part(part).Ring(ring).Vertex(vertex)); err != nil {
			return err
		}
		p[0], p[1] = lon, lat
		return nil
	})
}

// ToLonLat converts c in place to EPSG:4490 lon/lat and returns the CRS it took the
// coordinates to be in (its code, e.g. "EPSG:4524"), with warnings saying what was
// assumed. On an error some features may already be converted: c is then unusable.
func ToLonLat(c *vector.Collection, opts Options) (string, []string, error) {
	cv, err := Resolve(c, opts)
	if err != nil {
		return "", nil, err
	}
	for i := range c.Features {
		if err := cv.Feature(&c.Features[i]); err != nil {
			return "", nil, err
		}
	}
	c.CRS = crs.CGCS2000().Code
	return cv.From.Code, cv.Warnings, nil
}

// walk calls fn with a pointer to every vertex of *g, numbering parts (members of
// a multi-geometry or collection), rings (0 = shell) and vertices from 0. A bare
// point is held in an interface, where it cannot be changed in place: it is
// converted in a copy and written back through g.
func walk(g *orb.Geometry, fn func(p *orb.Point, part, ring, vertex int) error) error {
	return walkPart(g, 0, fn)
}

func walkPart(g *orb.Geometry, part int, fn func(p *orb.Point, part, ring, vertex int) error) error {
	line := func(pts []orb.Point, part, ring int) error {
		for i := range pts {
			if err := fn(&pts[i], part, ring, i); err != nil {
				return err
			}
		}
		return nil
	}
	switch v := (*g).(type) {
	case orb.Point:
		p := orb.MultiPoint{v}
		err := line(p, part, 0)
		*g = p[0]
		return err
	case orb.MultiPoint:
		for i := range v {
			if err := fn(&v[i], i, 0, 0); err != nil {
				return err
			}
		}
	case orb.LineString:
		return line(v, part, 0)
	case orb.Ring:
		return line(v, part, 0)
	case orb.MultiLineString:
		for i, ls := range v {
			if err := line(ls, i, 0); err != nil {
				return err
			}
		}
	case orb.Polygon:
		for r, ring := range v {
			if err := line(ring, part, r); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		for i, pg := range v {
			for r, ring := range pg {
				if err := line(ring, i, r); err != nil {
					return err
				}
			}
		}
	case orb.Collection:
		for i := range v {
			if err := walkPart(&v[i], i, fn); err != nil {
				return err
			}
		}
	case nil:
	default:
		return fmt.Errorf("formats: unsupported geometry type %T", *g)
	}
	return nil
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
