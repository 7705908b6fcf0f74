package wkt

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// geometryColumns are the header names GIS tools give a WKT column (ogr2ogr's
// GEOMETRY=AS_WKT writes "WKT", QGIS "wkt_geom", PostGIS exports "geom"/"the_geom").
func geometryColumn(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "wkt", "wkt_geom", "wkt_geometry", "geom", "the_geom", "geometry", "shape", "geom_wkt", "ewkt":
		return true
	}
	return false
}

// SniffCSV reports whether b is a CSV table whose header names a WKT column.
func SniffCSV(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if !bytes.ContainsAny(line, ",;\t") {
		return false
	}
	for _, f := range strings.FieldsFunc(string(line), func(r rune) bool { return r == ',' || r == ';' || r == '\t' || r == '"' || r == '\r' }) {
		if geometryColumn(f) {
			return true
		}
	}
	return false
}

// ReadCSV reads a CSV table with a WKT (or EWKT) geometry column, one feature per
// row, the other columns as text properties; an "id" or "fid" column gives the
// feature id. The separator is ',' or, when the header has none, ';' or a tab.
// Text is UTF-8 or GBK.
func ReadCSV(b []byte) (*vector.Collection, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	warn := ""
	if !utf8.Valid(b) {
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return nil, errcode.New(errcode.UndecodableText, nil, "csv: text is neither UTF-8 nor GBK/GB18030")
		}
		b, warn = out, "text decoded as GBK/GB18030"
	}
	header, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	switch {
	case bytes.ContainsRune(header, ','):
	case bytes.ContainsRune(header, ';'):
		r.Comma = ';'
	case bytes.ContainsRune(header, '\t'):
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	cols, err := r.Read()
	if err != nil {
		return nil, errcode.New(errcode.BadRequest, map[string]any{"line": 1}, "csv: line 1: %v", err)
	}
	geomCol, idCol := -1, -1
	for i, c := range cols {
		c = strings.TrimSpace(c)
		cols[i] = c
		if geomCol < 0 && geometryColumn(c) {
			geomCol = i
		}
		if idCol < 0 && (strings.EqualFold(c, "id") || strings.EqualFold(c, "fid")) {
			idCol = i
		}
	}
	if geomCol < 0 {
		return nil, errcode.New(errcode.BadRequest, map[string]any{"line": 1}, "csv: line 1: no WKT geometry column (WKT, geom, the_geom, geometry)")
	}
	c := &vector.Collection{Format: "wkt"}
	if warn != "" {
		c.Warnings = append(c.Warnings, warn)
	}
	srid := ""
	droppedZ := false
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, errcode.New(errcode.BadRequest, map[string]any{"line": line}, "csv: line %d: %v", line, err)
		}
		// FieldPos panics on a record without fields; csv never returns one without
		// an error, but the guard costs nothing.
		line := 0
		if len(rec) > 0 {
			line, _ = r.FieldPos(0)
		}
		index := len(c.Features)
		if geomCol >= len(rec) {
			return nil, errcode.New(errcode.BadRequest, map[string]any{"line": line, "feature": index, "field": cols[geomCol]},
				"csv: line %d: row has %d columns, the geometry is column %d", line, len(rec), geomCol+1)
		}
		g, err := Read([]byte(rec[geomCol]))
		if err != nil {
			var ie *errcode.Error
			if errors.As(err, &ie) {
				ie.Message = fmt.Sprintf("csv: line %d, field %s: %s", line, cols[geomCol], strings.TrimPrefix(ie.Message, "wkt: "))
				if ie.Details == nil {
					ie.Details = map[string]any{}
				}
				ie.Details["line"], ie.Details["feature"], ie.Details["field"] = line, index, cols[geomCol]
			}
			return nil, err
		}
		if len(g.Features) != 1 {
			return nil, errcode.New(errcode.BadRequest, map[string]any{"line": line, "feature": index, "field": cols[geomCol]},
				"csv: line %d: field %s holds %d geometries, want 1", line, cols[geomCol], len(g.Features))
		}
		if g.CRS != "" {
			if srid != "" && srid != g.CRS {
				return nil, errcode.New(errcode.BadRequest, map[string]any{"line": line, "feature": index},
					"csv: line %d: SRID %s differs from the rows before (%s)", line, g.CRS, srid)
			}
			srid = g.CRS
		}
		droppedZ = droppedZ || len(g.Warnings) > 0
		props := map[string]any{}
		for i, v := range rec {
			if i != geomCol && i < len(cols) {
				props[cols[i]] = v
			}
		}
		f := vector.Feature{Index: index, Geometry: g.Features[0].Geometry, Properties: props}
		if idCol >= 0 && idCol < len(rec) {
			f.ID = rec[idCol]
		}
		c.Features = append(c.Features, f)
	}
	if len(c.Features) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "csv: no rows under the header")
	}
	c.CRS = srid
	if droppedZ {
		c.Warnings = append(c.Warnings, "Z/M values were dropped: redline works in 2-D")
	}
	return c, nil
}
