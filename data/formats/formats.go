// Package formats reads footprints and layers in every format redline supports,
// detected from content and name, and converts them to CGCS2000 lon/lat.
//
// Read and ReadPath return features in the source's coordinates, x = east and
// y = north (readers swap the surveyors' northing-first X,Y themselves), with the
// CRS the source declared. ToLonLat (or Resolve and Conversion.Feature, for
// batches that go on past a bad feature) then takes them to EPSG:4490 lon/lat,
// deciding the source CRS from, in order, the caller's declaration, the file's,
// and the numbers themselves (geo/crs.Detect), and saying what it assumed.
package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/formats/coords"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/formats/gpkg"
	"github.com/redline-gis/redline/data/formats/gtxt"
	"github.com/redline-gis/redline/data/formats/kml"
	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/data/formats/wkt"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo/crs"
	"golang.org/x/text/encoding/unicode"
)

// Options steer reading.
type Options struct {
	// Name is the file name (used for detection by extension); may be "".
	Name string
	// CRS is a declared CRS that overrides what the source says ("EPSG:4524",
	// "GCJ02", "BD09", …); "" detects.
	CRS string
	// Encoding is the DBF text encoding when neither .cpg nor LDID says.
	Encoding string
	// Polygonize takes closed boundary lines as the polygons they bound (layers),
	// in every format: a line, or a multi-line whose parts are all closed.
	Polygonize bool
	// ClosedLineAsPolygon does the same for footprints (boundaries drawn in CAD),
	// with a warning per feature.
	ClosedLineAsPolygon bool
	// Layer picks the GeoPackage table, or the shapefile in a zip holding several;
	// "" takes the first.
	Layer string
	// MaxUncompressed bounds what a zip (shapefile zip, KMZ) may inflate to; zero
	// means the readers' defaults (256 MiB shapefile, 200 MiB KMZ).
	MaxUncompressed int64
}

// Magic numbers of binary formats.
const (
	zipMagic    = "PK\x03\x04"
	sqliteMagic = "SQLite format 3\x00"
	shpMagic    = "\x00\x00\x27\x0a" // file code 9994, big-endian
)

// Read parses b in whatever supported format it is: by content first (zip,
// SQLite, JSON, XML, the 国土 TXT section markers, WKT keywords), then by the name's
// extension, else as a pasted coordinate list. A CSV table with a WKT column
// (ogr2ogr -lco GEOMETRY=AS_WKT, QGIS) gives one feature per row. Text saved as
// UTF-16 ("Unicode" in Windows Notepad) is converted first. A format redline does
// not read is refused with unsupported_media_type. Errors carry the file name
// (Options.Name) in their message and Details["file"].
func Read(b []byte, opts Options) (*vector.Collection, error) {
	c, err := read(b, opts)
	if err == nil {
		polygonize(c, opts)
	}
	if err != nil && opts.Name != "" {
		var ie *errcode.Error
		if errors.As(err, &ie) {
			if ie.Details == nil {
				ie.Details = map[string]any{}
			}
			if _, ok := ie.Details["file"]; !ok {
				ie.Details["file"] = opts.Name
			}
			if !strings.HasPrefix(ie.Message, opts.Name) {
				ie.Message = opts.Name + ": " + ie.Message
			}
		}
	}
	return c, err
}

// Read's post-processing: closed lines taken as areas when asked (the shapefile
// reader does this itself, with the same options).
func polygonize(c *vector.Collection, opts Options) {
	if !(opts.Polygonize || opts.ClosedLineAsPolygon) || c == nil || c.Format == shapefile.Format {
		return
	}
	closed := func(ls orb.LineString) bool { return len(ls) >= 4 && ls[0] == ls[len(ls)-1] }
	for i := range c.Features {
		f := &c.Features[i]
		var rings []orb.Ring
		switch g := f.Geometry.(type) {
		case orb.LineString:
			if closed(g) {
				rings = []orb.Ring{orb.Ring(g)}
			}
		case orb.MultiLineString:
			for _, ls := range g {
				if !closed(ls) {
					rings = nil
					break
				}
				rings = append(rings, orb.Ring(ls))
			}
		}
		if len(rings) == 0 || len(rings) > 10_000 {
			continue
		}
		f.Geometry = coords.Polygons(rings)
		if opts.ClosedLineAsPolygon {
			c.Warnings = append(c.Warnings, fmt.Sprintf("feature %d: a closed line was taken as the area it bounds", f.Index))
		}
	}
}

func read(b []byte, opts Options) (*vector.Collection, error) {
	if u, ok := fromUTF16(b); ok {
		b = u
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(opts.Name, "\\", "/")))
	ovital := ext == ".ovkml" || ext == ".ovkmz"
	kopts := kml.Options{Ovital: ovital, MaxUncompressed: opts.MaxUncompressed}
	switch {
	case len(b) == 0:
		return nil, errcode.New(errcode.EmptyGeometry, fileDetails(opts.Name), "the file is empty")
	case bytes.HasPrefix(b, []byte(zipMagic)) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return readZip(b, opts, kopts)
	case bytes.HasPrefix(b, []byte(sqliteMagic)):
		return gpkg.Read(b, opts.Layer)
	case bytes.HasPrefix(b, []byte(shpMagic)) || ext == ".shp" || ext == ".shx" || ext == ".dbf":
		return nil, errcode.New(errcode.InvalidArchive, fileDetails(opts.Name),
			"a .shp, .shx or .dbf alone cannot be read: send the shapefile as one .zip holding .shp, .shx, .dbf (and .prj, .cpg)")
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
	if ext == ".dxf" || ext == ".dwg" || bytes.HasPrefix(text, []byte("0\r\nSECTION")) || bytes.HasPrefix(text, []byte("0\nSECTION")) || bytes.HasPrefix(b, []byte("AC10")) {
		return nil, errcode.New(errcode.UnsupportedMedia, fileDetails(opts.Name),
			"CAD drawings (DXF/DWG) are not read: export the boundary as a shapefile, a 国土 TXT 界址点 file or GeoJSON")
	}
	switch {
	case len(text) > 0 && text[0] == '{':
		return geojson.Read(b)
	case gtxt.Sniff(b):
		return gtxt.Read(b)
	case len(text) > 0 && text[0] == '[':
		return geojson.Read(b)
	case len(text) > 0 && text[0] == '<':
		head := text[:min(len(text), 4096)]
		if bytes.Contains(head, []byte("<kml")) || bytes.Contains(head, []byte(":kml")) || ext == ".kml" || ovital {
			return kml.Read(b, kopts)
		}
		return nil, errcode.New(errcode.UnsupportedMedia, fileDetails(opts.Name),
			"XML that is not KML (GML, GPX and others are not read): convert it to GeoJSON, KML or a shapefile")
	case looksWKT(text):
		return wkt.Read(b)
	case wkt.SniffCSV(text):
		return wkt.ReadCSV(b)
	}
	switch ext {
	case ".geojson", ".json":
		return geojson.Read(b)
	case ".kml", ".ovkml":
		return kml.Read(b, kopts)
	case ".gpkg":
		return gpkg.Read(b, opts.Layer)
	case ".wkt":
		return wkt.Read(b)
	}
	if !isText(b) {
		return nil, errcode.New(errcode.UnsupportedMedia, fileDetails(opts.Name),
			"not a format redline reads (GeoJSON, shapefile .zip, GeoPackage, KML/KMZ, 国土 TXT, WKT, coordinate list)")
	}
	c, err := coords.Read(b)
	if err != nil && !hasCoordinateLine(text) {
		return nil, errcode.New(errcode.UnsupportedMedia, fileDetails(opts.Name),
			"not a format redline reads (GeoJSON, shapefile .zip, GeoPackage, KML/KMZ, 国土 TXT, WKT, coordinate list): %v", err)
	}
	return c, err
}

// fromUTF16 converts text with a UTF-16 byte-order mark to UTF-8.
func fromUTF16(b []byte) ([]byte, bool) {
	if len(b) < 2 || !(b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return nil, false
	}
	u, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	if err != nil {
		return nil, false
	}
	return u, true
}

func fileDetails(name string) map[string]any {
	if name == "" {
		return nil
	}
	return map[string]any{"file": name}
}

// readZip tells a KMZ from a shapefile zip by its members.
func readZip(b []byte, opts Options, kopts kml.Options) (*vector.Collection, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, fileDetails(opts.Name), "not a readable zip archive: %v", err)
	}
	names := make([]string, len(zr.File))
	for i, f := range zr.File {
		names[i] = f.Name
	}
	if kml.IsKMZ(names) {
		return kml.ReadKMZ(b, kopts)
	}
	return shapefile.ReadZip(b, shapefile.Options{Encoding: opts.Encoding, Polygonize: opts.Polygonize,
		ClosedLineAsPolygon: opts.ClosedLineAsPolygon, Layer: opts.Layer, MaxUncompressed: opts.MaxUncompressed})
}

// looksWKT: the text starts with a WKT type keyword, or an EWKT SRID prefix.
func looksWKT(text []byte) bool {
	head := strings.ToUpper(string(text[:min(len(text), 32)]))
	if strings.HasPrefix(head, "SRID=") {
		return true
	}
	for _, k := range []string{"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"} {
		if strings.HasPrefix(head, k) {
			rest := strings.TrimLeft(head[len(k):], " ZM")
			if rest == "" || rest[0] == '(' || strings.HasPrefix(rest, "EMPTY") {
				return true
			}
		}
	}
	return false
}

// isText: UTF-8, or GBK-looking bytes without NULs.
func isText(b []byte) bool {
	head := b[:min(len(b), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if utf8.Valid(head) {
		return true
	}
	// GBK text: non-ASCII bytes come in lead/trail pairs 0x81–0xFE, 0x40–0xFE.
	for i := 0; i < len(head); i++ {
		c := head[i]
		if c < 0x80 {
			continue
		}
		if c < 0x81 || c == 0xFF || i+1 >= len(head) {
			return i+1 >= len(head) // a pair cut at the 8 KiB boundary is fine
		}
		if t := head[i+1]; t < 0x40 || t == 0x7F || t == 0xFF {
			return false
		}
		i++
	}
	return true
}

// hasCoordinateLine: some line holds two numbers, so a coordinate-list error is
// about a coordinate list and not about some other text.
func hasCoordinateLine(text []byte) bool {
	for _, ln := range bytes.Split(text, []byte("\n")) {
		n := 0
		for _, f := range bytes.FieldsFunc(ln, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' || r == '，' }) {
			if len(f) > 0 && (f[0] >= '0' && f[0] <= '9' || f[0] == '-' || f[0] == '.') {
				n++
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}

// ReadPath reads a file on disk. A .shp is read with its sidecars (.shx, .dbf,
// .prj, .cpg) from the same folder; a .gpkg is opened in place; anything else is
// read whole and passed to Read with its base name.
func ReadPath(p string, opts Options) (*vector.Collection, error) {
	if opts.Name == "" {
		opts.Name = filepath.Base(p)
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".shp":
		return shapefile.ReadPath(p, shapefile.Options{Encoding: opts.Encoding, Polygonize: opts.Polygonize,
			ClosedLineAsPolygon: opts.ClosedLineAsPolygon, Layer: opts.Layer, MaxUncompressed: opts.MaxUncompressed})
	case ".gpkg":
		return gpkg.ReadPath(p, opts.Layer)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return Read(b, opts)
}

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
	switch from.Kind {
	case crs.Geographic, crs.GCJ02, crs.BD09:
		if d, err := crs.Detect(b); err == nil && d.CRS.Kind == crs.Projected {
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"coordinates %g…%g by %g…%g look like Gauss-Krüger metres (%s) but %s coordinate system %s is longitude/latitude: declare the projected CRS",
				b.MinX, b.MaxX, b.MinY, b.MaxY, d.CRS.Name, source, from.Name)
		}
		if !in(b.MinX, b.MaxX, crs.ChinaMinLon, crs.ChinaMaxLon) && in(b.MinX, b.MaxX, crs.ChinaMinLat, crs.ChinaMaxLat) &&
			in(b.MinY, b.MaxY, crs.ChinaMinLon, crs.ChinaMaxLon) {
			return cv, errcode.New(errcode.InvalidCoordinates, nil,
				"coordinates look like latitude,longitude (first numbers %g…%g, second %g…%g) but %s coordinate system %s takes longitude first: swap them",
				b.MinX, b.MaxX, b.MinY, b.MaxY, source, from.Name)
		}
	case crs.Projected:
		if d, err := crs.Detect(b); err == nil && d.CRS.Kind == crs.Geographic {
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
