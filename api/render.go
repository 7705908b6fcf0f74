package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/render"
	"github.com/redline-gis/redline/zones"
)

// The HTTP side of rendering: which format and language a request asks for, and
// the answer. The renderings themselves are package render's, shared with the CLI.

// reportFormat picks json, html or geojson from ?format= or the Accept header.
func reportFormat(r *http.Request) (render.Format, error) {
	if f := query(r, "format"); f != "" {
		format, err := render.ParseFormat(f)
		if err != nil {
			return "", errcode.New(errcode.BadRequest, map[string]any{"field": "format"}, "%v", err)
		}
		return format, nil
	}
	// Most checks send no Accept (or */*): no list made for it, no media type
	// parsed (an empty part is none).
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		part = strings.TrimSpace(part)
		if part == "" || part == "*/*" {
			continue
		}
		mt, _, _ := mime.ParseMediaType(part)
		if f, ok := render.FormatOfMedia(mt); ok {
			return f, nil
		}
	}
	return render.FormatJSON, nil
}

// query is the query parameter name of r, without parsing an empty query
// string into a map (most checks have none).
func query(r *http.Request, name string) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return r.URL.Query().Get(name)
}

// language is the language tag of the report asked for: ?lang=, else the first of
// Accept-Language; render.ParseLang reads it (Chinese unless it says English).
func language(r *http.Request) string {
	if l := query(r, "lang"); l != "" {
		return l
	}
	return r.Header.Get("Accept-Language")
}

// writeReport answers rep in the asked format, compact, in the language tagged lang.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, rep *zones.Report, format render.Format, lang string) {
	if format == render.FormatJSON {
		s.writeReportJSON(w, r, rep)
		return
	}
	// Rendered whole before the status goes out, so that a failure is still an error answer.
	var buf bytes.Buffer
	if err := render.Report(&buf, rep, format, render.Options{Lang: render.ParseLang(lang)}); err != nil {
		s.writeError(w, r, fmt.Errorf("render report %s as %s: %w", rep.ReportID, format, err))
		return
	}
	w.Header().Set("Content-Type", format.ContentType())
	if format == render.FormatHTML {
		// The report page is standalone (saved, printed, mailed): its style is
		// inline, and it runs no script at all.
		w.Header().Set("Content-Security-Policy", reportCSP)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// writeReportJSON answers rep as JSON, the answer to nearly every check: encoded
// into a pooled buffer, whole before the status goes out, and sent with its
// length (no chunked framing; one write on a connection of Listener).
func (s *Server) writeReportJSON(w http.ResponseWriter, r *http.Request, rep *zones.Report) {
	bp := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledJSON {
			jsonBuffers.Put(bp)
		}
	}()
	b, err := render.AppendJSON((*bp)[:0], rep, false)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("render report %s as json: %w", rep.ReportID, err))
		return
	}
	*bp = b
	writeJSONAnswer(w, r, b)
}

// writeJSONAnswer answers b, a report's JSON, with its length.
func writeJSONAnswer(w http.ResponseWriter, r *http.Request, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	writeWhole(w, r, b)
}

// jsonBuffers hold the encoded reports of answers being written; a buffer grown
// past maxPooledJSON by a huge report is left to the collector.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledJSON = 1 << 20

// jsonContentType is shared by every JSON answer's header: net/http only reads
// it, and a handler replacing the header replaces the slice, never its element.
var jsonContentType = []string{render.FormatJSON.ContentType()}
