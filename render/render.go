// Package render writes what people read of a check: the JSON report (the contract
// of DESIGN.md), the printable HTML page with its SVG map in Chinese or English,
// and GeoJSON of the footprint and overlaps; and the layer listing. The CLI and the
// HTTP API both print through it, so a report reads the same from `redline check`
// as from POST /v1/check or GET /v1/reports/{id}.
//
// It knows nothing of transports: it writes to an io.Writer, and the caller picks
// the format and language (from flags, a query string or headers). Coordinates are
// CGCS2000 lon/lat as in zones; areas m², lengths and distances m. Times are shown
// in China's UTC+8.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/redline-gis/redline/zones"
)

// Format is a rendering of a report.
type Format string

// The formats of a report, for `--format` and `?format=`.
const (
	FormatJSON    Format = "json"
	FormatHTML    Format = "html"
	FormatGeoJSON Format = "geojson"
)

// Formats lists every format, the default first.
var Formats = []Format{FormatJSON, FormatHTML, FormatGeoJSON}

// ParseFormat reads a format name. The error names the choices, for a CLI message
// or an HTTP bad_request alike.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if s == string(f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("format must be json, html or geojson, not %q", s)
}

// FormatOfMedia is the format a media type (of an Accept header) asks for.
func FormatOfMedia(mediaType string) (Format, bool) {
	for _, f := range Formats {
		if f.mediaType() == mediaType {
			return f, true
		}
	}
	return "", false
}

// ContentType is the Content-Type to send a rendering under.
func (f Format) ContentType() string {
	switch f {
	case FormatHTML:
		return "text/html; charset=utf-8"
	case FormatGeoJSON:
		return "application/geo+json"
	}
	return "application/json; charset=utf-8"
}

func (f Format) mediaType() string {
	mt, _, _ := strings.Cut(f.ContentType(), ";")
	return mt
}

// Lang is the language of the HTML report. Only the page's own words change with
// it: zone names, rule texts and clauses are the dataset's, in Chinese.
type Lang string

// The report languages; Chinese is the default, since reviewers file it.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// ParseLang reads a language tag (en, en-US, zh, zh-CN, …). English is any tag
// whose primary subtag is en; anything else, the empty tag included, is Chinese:
// an unknown language still gets the report reviewers can file.
func ParseLang(tag string) Lang {
	primary := strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(primary, "-_;,"); i >= 0 {
		primary = primary[:i]
	}
	if primary == "en" {
		return English
	}
	return Chinese
}

// Options are the choices of a rendering besides its format.
type Options struct {
	// Lang is the language of the HTML report; the zero value is Chinese.
	Lang Lang
	// Indent indents JSON for a person at a terminal; the wire form is compact.
	Indent bool
}

// Report writes r in format f.
func Report(w io.Writer, r *zones.Report, f Format, o Options) error {
	switch f {
	case FormatHTML:
		return HTML(w, r, o.Lang)
	case FormatGeoJSON:
		return GeoJSON(w, r)
	case FormatJSON, "":
		return JSON(w, r, o.Indent)
	}
	return fmt.Errorf("render: report %s: unknown format %q", reportID(r), f)
}

// JSON writes r as the JSON report of DESIGN.md, one value and a newline. Texts
// keep <, > and & as they are: rule texts and clauses quote the law, and the
// report is served as JSON, never spliced into a page.
func JSON(w io.Writer, r *zones.Report, indent bool) error {
	b, err := AppendJSON(nil, r, indent)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendJSON appends what JSON writes to dst: the bytes encoding/json's Encoder
// would write, newline included, by the report's own writer (zones.Report.AppendJSON).
func AppendJSON(dst []byte, r *zones.Report, indent bool) ([]byte, error) {
	if r == nil {
		return dst, fmt.Errorf("render: json: no report")
	}
	n := len(dst)
	b, err := r.AppendJSON(dst, false)
	if err != nil {
		return dst, fmt.Errorf("render: json: %w", err)
	}
	b = append(b, '\n')
	if !indent {
		return b, nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b[n:], "", "  "); err != nil {
		return dst, fmt.Errorf("render: json: %w", err)
	}
	return append(b[:n], out.Bytes()...), nil
}

// encodeJSON is the one JSON encoding of everything this package writes.
func encodeJSON(w io.Writer, v any, indent bool, what string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("render: %s: %w", what, err)
	}
	return nil
}

func reportID(r *zones.Report) string {
	if r == nil {
		return "(none)"
	}
	return r.ReportID
}
