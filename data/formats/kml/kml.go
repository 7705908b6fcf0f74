// Package kml reads KML and KMZ (a zip holding doc.kml), including the ovkml/ovkmz
// files 奥维 (Ovital) exports since version 9.3, which are KML in GCJ-02.
//
// Each Placemark with a geometry becomes one feature: Point, LineString, LinearRing,
// Polygon (outerBoundaryIs/innerBoundaryIs) and MultiGeometry, at any depth of
// Document/Folder. Its name, description and ExtendedData (Data and SchemaData)
// become properties. Altitudes are dropped. The CRS is EPSG:4326 as KML defines
// it, GCJ02 for 奥维 files. Entities are never expanded (encoding/xml does not
// read DTDs), so an XML bomb is just text.
package kml

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Options steer reading.
type Options struct {
	// Ovital marks a 奥维 ovkml/ovkmz export: coordinates are GCJ-02.
	Ovital bool
	// MaxUncompressed bounds the bytes a KMZ may inflate to (DefaultMaxUncompressed
	// when zero).
	MaxUncompressed int64
	// MaxRatio bounds uncompressed/compressed size of a KMZ member larger than
	// 1 MiB (DefaultMaxRatio when zero).
	MaxRatio int64
}

// Limits against zip bombs.
const (
	DefaultMaxUncompressed int64 = 200 << 20
	DefaultMaxRatio        int64 = 200
)

// maxDepth bounds element nesting: real KML is a dozen levels deep.
const maxDepth = 256

// Read parses a KML document.
func Read(b []byte, opts Options) (*vector.Collection, error) {
	r := &reader{dec: xml.NewDecoder(bytes.NewReader(b))}
	r.dec.CharsetReader = charsetReader
	c := &vector.Collection{Format: "kml", CRS: "EPSG:4326"}
	if opts.Ovital {
		c.Format = "ovkml"
		c.CRS = "GCJ02"
		c.Warnings = append(c.Warnings, "奥维 ovkml/ovkmz export: coordinates taken as GCJ-02 (the shifted frame of Chinese web maps) and converted exactly")
	}
	if err := r.run(c); err != nil {
		return nil, err
	}
	if !r.sawKML {
		return nil, errcode.New(errcode.UnsupportedMedia, nil, "kml: the XML is not KML (no <kml> element)")
	}
	if len(c.Features) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "kml: no Placemark with a geometry")
	}
	if r.droppedZ {
		c.Warnings = append(c.Warnings, "altitudes were dropped: redline works in 2-D")
	}
	c.Warnings = append(c.Warnings, r.warns...)
	return c, nil
}

// ReadKMZ reads the KML inside a KMZ archive: doc.kml, else the first .kml at the
// top level, else the first .kml anywhere.
func ReadKMZ(b []byte, opts Options) (*vector.Collection, error) {
	data, name, err := kmlFromZip(b, opts)
	if err != nil {
		return nil, err
	}
	c, err := Read(data, opts)
	if err != nil {
		var ie *errcode.Error
		if errors.As(err, &ie) {
			ie.Message = strings.Replace(ie.Message, "kml:", "kmz "+name+":", 1)
			if ie.Details == nil {
				ie.Details = map[string]any{}
			}
			ie.Details["file"] = name
		}
		return nil, err
	}
	if opts.Ovital {
		c.Format = "ovkmz"
	} else {
		c.Format = "kmz"
	}
	return c, nil
}

// CheckZipNames refuses archives whose member names could escape a folder when
// unpacked (zip slip): absolute paths, drive letters, ".." components. KMZ members
// are never written to disk here, but such a name marks a hostile archive.
func CheckZipNames(zr *zip.Reader) error {
	for _, f := range zr.File {
		n := strings.ReplaceAll(f.Name, "\\", "/")
		if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') || strings.Contains(n, "\x00") {
			return errcode.New(errcode.InvalidArchive, map[string]any{"file": f.Name}, "archive member %q has an absolute path", f.Name)
		}
		for _, part := range strings.Split(n, "/") {
			if part == ".." {
				return errcode.New(errcode.InvalidArchive, map[string]any{"file": f.Name}, "archive member %q leaves the archive's folder (..)", f.Name)
			}
		}
	}
	return nil
}

func kmlFromZip(b []byte, opts Options) ([]byte, string, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, "", errcode.New(errcode.InvalidArchive, nil, "kmz: not a readable zip archive: %v", err)
	}
	if err := CheckZipNames(zr); err != nil {
		return nil, "", err
	}
	var pick *zip.File
	for _, f := range zr.File {
		n := strings.ToLower(f.Name)
		if n == "doc.kml" {
			pick = f
			break
		}
		if pick == nil && strings.HasSuffix(n, ".kml") && !strings.Contains(n, "/") {
			pick = f
		}
	}
	if pick == nil {
		for _, f := range zr.File {
			if strings.HasSuffix(strings.ToLower(f.Name), ".kml") {
				pick = f
				break
			}
		}
	}
	if pick == nil {
		return nil, "", errcode.New(errcode.InvalidArchive, nil, "kmz: no .kml document in the archive")
	}
	max := opts.MaxUncompressed
	if max <= 0 {
		max = DefaultMaxUncompressed
	}
	ratio := opts.MaxRatio
	if ratio <= 0 {
		ratio = DefaultMaxRatio
	}
	rc, err := pick.Open()
	if err != nil {
		return nil, "", errcode.New(errcode.InvalidArchive, map[string]any{"file": pick.Name}, "kmz: cannot open %s: %v", pick.Name, err)
	}
	defer rc.Close()
	// The header sizes can lie: count what really comes out.
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, "", errcode.New(errcode.InvalidArchive, map[string]any{"file": pick.Name}, "kmz: cannot inflate %s: %v", pick.Name, err)
	}
	if int64(len(data)) > max {
		return nil, "", errcode.New(errcode.PayloadTooLarge, map[string]any{"file": pick.Name, "limit_bytes": max},
			"kmz: %s inflates to more than %d bytes", pick.Name, max)
	}
	if comp := int64(pick.CompressedSize64); len(data) > 1<<20 && (comp == 0 || int64(len(data))/max64(comp, 1) > ratio) {
		return nil, "", errcode.New(errcode.PayloadTooLarge, map[string]any{"file": pick.Name, "limit_ratio": ratio},
			"kmz: %s inflates %d bytes from %d (ratio above %d): refused as a zip bomb", pick.Name, len(data), comp, ratio)
	}
	return data, pick.Name, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(label, "-", ""), "_", "")) {
	case "UTF8", "USASCII", "ASCII":
		return in, nil
	case "GBK", "GB2312", "CP936", "GB18030", "EUCCN":
		return simplifiedchinese.GB18030.NewDecoder().Reader(in), nil
	case "BIG5":
		return traditionalchinese.Big5.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}

// geomBuilder collects one geometry element while its children stream by.
type geomBuilder struct {
	kind     string // Point, LineString, LinearRing, Polygon, MultiGeometry
	pts      []orb.Point
	rings    []orb.Ring // Polygon: outer first
	hasOuter bool
	parts    []orb.Geometry
	line     int
}

type placemark struct {
	id    string
	props map[string]any
	geom  orb.Geometry
	line  int
}

type reader struct {
	dec      *xml.Decoder
	stack    []string
	sawKML   bool
	pm       *placemark
	geoms    []*geomBuilder
	text     strings.Builder
	dataName string
	droppedZ bool
	warns    []string
	count    int // placemarks seen
}

func (r *reader) line() int {
	l, _ := r.dec.InputPos()
	return l
}

func (r *reader) errf(code errcode.Code, format string, args ...any) error {
	d := map[string]any{"line": r.line()}
	if r.pm != nil {
		d["feature"] = r.count - 1
	}
	return errcode.New(code, d, "kml: line %d: %s", r.line(), fmt.Sprintf(format, args...))
}

func (r *reader) parent(n int) string {
	if len(r.stack) > n {
		return r.stack[len(r.stack)-1-n]
	}
	return ""
}

func (r *reader) run(c *vector.Collection) error {
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			if len(r.stack) > 0 {
				return r.errf(errcode.BadRequest, "document ends inside <%s>", r.stack[len(r.stack)-1])
			}
			return nil
		}
		if err != nil {
			return errcode.New(errcode.BadRequest, map[string]any{"line": r.line()}, "kml: line %d: malformed XML: %v", r.line(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			r.stack = append(r.stack, name)
			if len(r.stack) > maxDepth {
				return r.errf(errcode.BadRequest, "elements nested deeper than %d", maxDepth)
			}
			r.text.Reset()
			switch name {
			case "kml":
				r.sawKML = true
			case "Placemark":
				if r.pm != nil {
					return r.errf(errcode.BadRequest, "Placemark inside a Placemark")
				}
				r.count++
				r.pm = &placemark{props: map[string]any{}, line: r.line()}
				for _, a := range t.Attr {
					if a.Name.Local == "id" {
						r.pm.id = a.Value
					}
				}
			case "Point", "LineString", "LinearRing", "Polygon", "MultiGeometry":
				if r.pm == nil {
					continue // geometry outside a Placemark (e.g. in a Style): ignored
				}
				if len(r.geoms) > 0 {
					top := r.geoms[len(r.geoms)-1]
					if top.kind != "MultiGeometry" && !(top.kind == "Polygon" && name == "LinearRing") {
						return r.errf(errcode.InvalidGeometry, "<%s> inside <%s>", name, top.kind)
					}
				} else if r.pm.geom != nil {
					return r.errf(errcode.InvalidGeometry, "Placemark has more than one geometry (use MultiGeometry)")
				}
				r.geoms = append(r.geoms, &geomBuilder{kind: name, line: r.line()})
			case "Data", "SimpleData":
				r.dataName = ""
				for _, a := range t.Attr {
					if a.Name.Local == "name" {
						r.dataName = a.Value
					}
				}
			}
		case xml.CharData:
			if r.text.Len() < 64<<20 {
				r.text.Write(t)
			}
		case xml.EndElement:
			name := t.Name.Local
			if len(r.stack) == 0 {
				return r.errf(errcode.BadRequest, "unexpected </%s>", name)
			}
			r.stack = r.stack[:len(r.stack)-1]
			if err := r.end(name, c); err != nil {
				return err
			}
			r.text.Reset()
		}
	}
}

func (r *reader) end(name string, c *vector.Collection) error {
	if r.pm == nil {
		return nil
	}
	text := strings.TrimSpace(r.text.String())
	switch name {
	case "name", "description":
		if r.parent(0) == "Placemark" && len(r.geoms) == 0 {
			r.pm.props[name] = text
		}
	case "value":
		if r.parent(0) == "Data" && r.dataName != "" {
			r.pm.props[r.dataName] = text
		}
	case "SimpleData":
		if r.dataName != "" {
			r.pm.props[r.dataName] = text
		}
	case "coordinates":
		if len(r.geoms) == 0 {
			return nil
		}
		pts, err := r.coords(text)
		if err != nil {
			return err
		}
		top := r.geoms[len(r.geoms)-1]
		top.pts = append(top.pts, pts...)
	case "Point", "LineString", "LinearRing", "Polygon", "MultiGeometry":
		if len(r.geoms) == 0 {
			return nil
		}
		b := r.geoms[len(r.geoms)-1]
		r.geoms = r.geoms[:len(r.geoms)-1]
		g, err := r.finish(b)
		if err != nil {
			return err
		}
		if len(r.geoms) == 0 {
			r.pm.geom = g
			return nil
		}
		parent := r.geoms[len(r.geoms)-1]
		switch parent.kind {
		case "Polygon":
			ring := g.(orb.Ring)
			if r.parent(0) == "innerBoundaryIs" {
				if !parent.hasOuter {
					return r.errf(errcode.InvalidGeometry, "innerBoundaryIs before outerBoundaryIs")
				}
				parent.rings = append(parent.rings, ring)
			} else {
				if parent.hasOuter {
					return r.errf(errcode.InvalidGeometry, "Polygon with two outer boundaries")
				}
				parent.hasOuter = true
				parent.rings = append([]orb.Ring{ring}, parent.rings...)
			}
		case "MultiGeometry":
			if g != nil {
				parent.parts = append(parent.parts, g)
			}
		}
	case "Placemark":
		pm := r.pm
		r.pm = nil
		r.geoms = r.geoms[:0]
		if pm.geom == nil {
			label := ""
			if n, ok := pm.props["name"].(string); ok && n != "" {
				label = " (" + n + ")"
			}
			r.warns = append(r.warns, fmt.Sprintf("Placemark %d%s at line %d has no geometry: skipped", r.count-1, label, pm.line))
			return nil
		}
		c.Features = append(c.Features, vector.Feature{Index: r.count - 1, ID: pm.id, Geometry: pm.geom, Properties: pm.props})
	}
	return nil
}

// coords parses "lon,lat[,alt] lon,lat[,alt] …".
func (r *reader) coords(s string) ([]orb.Point, error) {
	// Some producers write "lon, lat" with a space after the comma.
	s = strings.ReplaceAll(s, ", ", ",")
	var pts []orb.Point
	for _, tuple := range strings.Fields(s) {
		f := strings.Split(tuple, ",")
		if len(f) < 2 || len(f) > 3 {
			return nil, r.errf(errcode.BadRequest, "coordinate %q is not lon,lat[,alt]", clip(tuple))
		}
		lon, err1 := strconv.ParseFloat(f[0], 64)
		lat, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			return nil, r.errf(errcode.BadRequest, "coordinate %q is not lon,lat[,alt]", clip(tuple))
		}
		if math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0) {
			return nil, r.errf(errcode.InvalidCoordinates, "coordinate %q is not finite", clip(tuple))
		}
		if len(f) == 3 {
			r.droppedZ = true
		}
		pts = append(pts, orb.Point{lon, lat})
	}
	return pts, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func (r *reader) finish(b *geomBuilder) (orb.Geometry, error) {
	switch b.kind {
	case "Point":
		if len(b.pts) != 1 {
			return nil, r.errf(errcode.InvalidGeometry, "Point (line %d) has %d coordinates, want 1", b.line, len(b.pts))
		}
		return b.pts[0], nil
	case "LineString":
		if len(b.pts) < 2 {
			return nil, r.errf(errcode.InvalidGeometry, "LineString (line %d) has %d coordinates, want at least 2", b.line, len(b.pts))
		}
		return orb.LineString(b.pts), nil
	case "LinearRing":
		pts := b.pts
		if len(pts) > 0 && pts[0] != pts[len(pts)-1] {
			pts = append(pts, pts[0])
			r.warns = append(r.warns, fmt.Sprintf("Placemark %d: the ring at line %d was not closed; closed it", r.count-1, b.line))
		}
		if len(pts) < 4 {
			return nil, r.errf(errcode.InvalidGeometry, "LinearRing (line %d) has %d distinct points, want at least 3", b.line, max(len(pts)-1, 0))
		}
		ring := orb.Ring(pts)
		if len(r.geoms) == 0 || r.geoms[len(r.geoms)-1].kind != "Polygon" {
			// A bare LinearRing is an area without holes.
			return orb.Polygon{ring}, nil
		}
		return ring, nil
	case "Polygon":
		if !b.hasOuter {
			return nil, r.errf(errcode.InvalidGeometry, "Polygon (line %d) has no outerBoundaryIs", b.line)
		}
		return orb.Polygon(b.rings), nil
	case "MultiGeometry":
		return flatten(b.parts), nil
	}
	return nil, nil
}

// flatten turns MultiGeometry parts into the most specific orb type.
func flatten(parts []orb.Geometry) orb.Geometry {
	var all []orb.Geometry
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch v := g.(type) {
		case orb.Collection:
			for _, x := range v {
				walk(x)
			}
		case orb.MultiPolygon:
			for _, x := range v {
				all = append(all, x)
			}
		case orb.MultiLineString:
			for _, x := range v {
				all = append(all, x)
			}
		case orb.MultiPoint:
			for _, x := range v {
				all = append(all, x)
			}
		default:
			all = append(all, g)
		}
	}
	for _, p := range parts {
		walk(p)
	}
	if len(all) == 0 {
		return nil
	}
	kind := all[0].GeoJSONType()
	for _, g := range all {
		if g.GeoJSONType() != kind {
			return orb.Collection(all)
		}
	}
	switch kind {
	case "Polygon":
		mp := make(orb.MultiPolygon, len(all))
		for i, g := range all {
			mp[i] = g.(orb.Polygon)
		}
		return mp
	case "LineString":
		ml := make(orb.MultiLineString, len(all))
		for i, g := range all {
			ml[i] = g.(orb.LineString)
		}
		return ml
	case "Point":
		mp := make(orb.MultiPoint, len(all))
		for i, g := range all {
			mp[i] = g.(orb.Point)
		}
		return mp
	}
	return orb.Collection(all)
}

// IsKMZ reports whether a zip archive's member names make it a KMZ: a .kml member
// and no .shp.
func IsKMZ(names []string) bool {
	kml := false
	for _, n := range names {
		switch strings.ToLower(path.Ext(n)) {
		case ".kml":
			kml = true
		case ".shp":
			return false
		}
	}
	return kml
}
