// Package geojson reads GeoJSON (RFC 7946 and the common non-conforming files:
// clockwise shells, a "crs" member, numeric or string ids, 3-D coordinates) into
// vector features. Coordinates are taken as given; rings are not reoriented.
package geojson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  []rawGeometry   `json:"geometries"`
}

type rawDoc struct {
	Type        string            `json:"type"`
	ID          json.RawMessage   `json:"id"`
	Geometry    json.RawMessage   `json:"geometry"`
	Properties  json.RawMessage   `json:"properties"`
	Features    []json.RawMessage `json:"features"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []rawGeometry     `json:"geometries"`
	CRS         *struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	} `json:"crs"`
}

// Read parses a GeoJSON Geometry, Feature or FeatureCollection.
func Read(b []byte) (*vector.Collection, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	// A bare geometry, the usual footprint of a check, is read in one pass by the
	// scanner; anything it does not read exactly as below is read below.
	if g, end, ok := scanGeometry(b, 0, docMember); ok && SkipSpace(b, end) == len(b) {
		return &vector.Collection{Format: "geojson",
			Features: []vector.Feature{{Index: 0, Geometry: g, Properties: map[string]any{}}}}, nil
	}
	return decode(b)
}

// decode is Read with encoding/json: every form, and every error message.
func decode(b []byte) (*vector.Collection, error) {
	var doc rawDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, errcode.New(errcode.BadRequest, syntaxDetails(b, err), "GeoJSON: %s", describeJSONError(b, err))
	}
	c := &vector.Collection{Format: "geojson"}
	if doc.CRS != nil {
		c.CRS = normaliseCRSName(doc.CRS.Properties.Name)
	}
	switch doc.Type {
	case "FeatureCollection":
		c.Features = make([]vector.Feature, 0, len(doc.Features))
		for i, raw := range doc.Features {
			f, err := readFeature(raw, i)
			if err != nil {
				return nil, err
			}
			c.Features = append(c.Features, f)
		}
	case "Feature":
		f, err := readFeatureDoc(&doc, 0)
		if err != nil {
			return nil, err
		}
		c.Features = []vector.Feature{f}
	case "":
		return nil, errcode.New(errcode.BadRequest, nil, "GeoJSON: the document has no \"type\" member")
	default:
		g, err := decodeGeometry(rawGeometry{Type: doc.Type, Coordinates: doc.Coordinates, Geometries: doc.Geometries}, 0)
		if err != nil {
			return nil, err
		}
		c.Features = []vector.Feature{{Index: 0, Geometry: g, Properties: map[string]any{}}}
	}
	return c, nil
}

// docMember says whether a member of a bare geometry document is one that Read
// decodes with a type of its own (rawDoc), which the scanner leaves to it: only
// encoding/json says what a "crs" or "features" of the wrong shape is.
func docMember(name string) bool {
	return strings.EqualFold(name, "crs") || strings.EqualFold(name, "features")
}

func readFeature(raw json.RawMessage, index int) (vector.Feature, error) {
	var doc rawDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return vector.Feature{}, errcode.New(errcode.BadRequest, map[string]any{"feature": index},
			"GeoJSON feature %d: %s", index, describeJSONError(raw, err))
	}
	if doc.Type != "Feature" {
		if doc.Type == "" {
			return vector.Feature{}, errcode.New(errcode.BadRequest, map[string]any{"feature": index}, "GeoJSON feature %d has no \"type\" member", index)
		}
		// A bare geometry where a feature was expected: take it.
		g, err := decodeGeometry(rawGeometry{Type: doc.Type, Coordinates: doc.Coordinates, Geometries: doc.Geometries}, index)
		if err != nil {
			return vector.Feature{}, err
		}
		return vector.Feature{Index: index, Geometry: g, Properties: map[string]any{}}, nil
	}
	return readFeatureDoc(&doc, index)
}

func readFeatureDoc(doc *rawDoc, index int) (vector.Feature, error) {
	f := vector.Feature{Index: index, Properties: map[string]any{}}
	if len(doc.Properties) > 0 && string(doc.Properties) != "null" {
		if err := json.Unmarshal(doc.Properties, &f.Properties); err != nil {
			return f, errcode.New(errcode.BadRequest, map[string]any{"feature": index, "field": "properties"},
				"GeoJSON feature %d: properties must be an object", index)
		}
		if f.Properties == nil {
			f.Properties = map[string]any{}
		}
	}
	f.ID = idString(doc.ID)
	if f.ID == "" {
		if v, ok := f.Properties["id"]; ok {
			f.ID = ValueString(v)
		}
	}
	if len(doc.Geometry) == 0 || string(doc.Geometry) == "null" {
		return f, nil // a feature without geometry; callers decide
	}
	if g, end, ok := ScanGeometry(doc.Geometry, 0); ok && SkipSpace(doc.Geometry, end) == len(doc.Geometry) {
		f.Geometry = g
		return f, nil
	}
	var rg rawGeometry
	if err := json.Unmarshal(doc.Geometry, &rg); err != nil {
		return f, errcode.New(errcode.BadRequest, map[string]any{"feature": index, "field": "geometry"},
			"GeoJSON feature %d: geometry: %s", index, describeJSONError(doc.Geometry, err))
	}
	g, err := decodeGeometry(rg, index)
	if err != nil {
		return f, err
	}
	f.Geometry = g
	return f, nil
}

func idString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return ""
	}
	return ValueString(v)
}

// ValueString renders a property value as text: numbers without exponent or
// trailing zeros (so 610102 stays "610102"), strings as they are.
func ValueString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

func normaliseCRSName(name string) string {
	n := strings.TrimSpace(name)
	up := strings.ToUpper(n)
	switch {
	case up == "":
		return ""
	case strings.HasSuffix(up, "CRS84"), strings.HasSuffix(up, "CRS:84"):
		return "EPSG:4326"
	case strings.HasPrefix(up, "URN:OGC:DEF:CRS:EPSG:"):
		parts := strings.Split(n, ":")
		return "EPSG:" + parts[len(parts)-1]
	case strings.HasPrefix(up, "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/"):
		parts := strings.Split(n, "/")
		return "EPSG:" + parts[len(parts)-1]
	}
	return n
}

func decodeGeometry(rg rawGeometry, feature int) (orb.Geometry, error) {
	fail := func(format string, args ...any) error {
		return errcode.New(errcode.InvalidGeometry, map[string]any{"feature": feature},
			"GeoJSON feature %d: %s", feature, fmt.Sprintf(format, args...))
	}
	if rg.Type == "GeometryCollection" {
		out := make(orb.Collection, 0, len(rg.Geometries))
		for _, c := range rg.Geometries {
			g, err := decodeGeometry(c, feature)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, nil
	}
	if len(rg.Coordinates) == 0 || string(rg.Coordinates) == "null" {
		switch rg.Type {
		case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
			return nil, fail("%s has no coordinates", rg.Type)
		}
		return nil, fail("unknown geometry type %q", rg.Type)
	}
	var err error
	switch rg.Type {
	case "Point":
		var c []float64
		if err = json.Unmarshal(rg.Coordinates, &c); err == nil {
			p, perr := point(c)
			if perr != nil {
				return nil, fail("Point: %v", perr)
			}
			return p, nil
		}
	case "MultiPoint":
		var cs [][]float64
		if err = json.Unmarshal(rg.Coordinates, &cs); err == nil {
			mp := make(orb.MultiPoint, 0, len(cs))
			for i, c := range cs {
				p, perr := point(c)
				if perr != nil {
					return nil, fail("MultiPoint point %d: %v", i, perr)
				}
				mp = append(mp, p)
			}
			return mp, nil
		}
	case "LineString":
		var cs [][]float64
		if err = json.Unmarshal(rg.Coordinates, &cs); err == nil {
			ls, perr := points(cs)
			if perr != nil {
				return nil, fail("LineString %v", perr)
			}
			return orb.LineString(ls), nil
		}
	case "MultiLineString":
		var css [][][]float64
		if err = json.Unmarshal(rg.Coordinates, &css); err == nil {
			out := make(orb.MultiLineString, 0, len(css))
			for i, cs := range css {
				ls, perr := points(cs)
				if perr != nil {
					return nil, fail("MultiLineString line %d: %v", i, perr)
				}
				out = append(out, ls)
			}
			return out, nil
		}
	case "Polygon":
		var css [][][]float64
		if err = json.Unmarshal(rg.Coordinates, &css); err == nil {
			p, perr := polygon(css)
			if perr != nil {
				return nil, fail("Polygon %v", perr)
			}
			return p, nil
		}
	case "MultiPolygon":
		var csss [][][][]float64
		if err = json.Unmarshal(rg.Coordinates, &csss); err == nil {
			out := make(orb.MultiPolygon, 0, len(csss))
			for i, css := range csss {
				p, perr := polygon(css)
				if perr != nil {
					return nil, fail("MultiPolygon polygon %d %v", i, perr)
				}
				out = append(out, p)
			}
			return out, nil
		}
	default:
		return nil, fail("unknown geometry type %q", rg.Type)
	}
	return nil, fail("%s coordinates are malformed: %v", rg.Type, err)
}

func point(c []float64) (orb.Point, error) {
	if len(c) < 2 {
		return orb.Point{}, errors.New("a position needs at least 2 numbers")
	}
	return orb.Point{c[0], c[1]}, nil
}

func points(cs [][]float64) ([]orb.Point, error) {
	out := make([]orb.Point, len(cs))
	for i, c := range cs {
		p, err := point(c)
		if err != nil {
			return nil, fmt.Errorf("vertex %d: %w", i, err)
		}
		out[i] = p
	}
	return out, nil
}

func polygon(css [][][]float64) (orb.Polygon, error) {
	out := make(orb.Polygon, 0, len(css))
	for i, cs := range css {
		r, err := points(cs)
		if err != nil {
			return nil, fmt.Errorf("ring %d %w", i, err)
		}
		out = append(out, orb.Ring(r))
	}
	return out, nil
}

// describeJSONError turns a decoding error into a message with line and column.
func describeJSONError(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %v", line, col, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineCol(b, te.Offset)
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Sprintf("wrong type for %s at line %d, column %d: expected %s, got %s", field, line, col, te.Type, te.Value)
	}
	return err.Error()
}

func syntaxDetails(b []byte, err error) map[string]any {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(b, se.Offset)
		return map[string]any{"line": line, "column": col}
	}
	return nil
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
