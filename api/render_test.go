package api

import (
	"bytes"
	"strings"
	"testing"

	"github.com/redline-gis/redline/render"
)

// TestReportRendering: the format and language a request asks for, and the answer
// is exactly what package render writes for the archived report.
func TestReportRendering(t *testing.T) {
	h := newHarness(t, nil)
	rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
	if rec.Code != 200 {
		t.Fatalf("check: %d %s", rec.Code, rec.Body)
	}
	if n := strings.Count(rec.Body.String(), "\n"); n != 1 {
		t.Errorf("the wire JSON is not compact: %d lines", n)
	}
	id := decodeReport(t, rec.Body.Bytes()).ReportID
	stored, err := h.st.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := reportOf(stored)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query string
		header      []string
		format      render.Format
		lang        render.Lang
	}{
		{"default", "", nil, render.FormatJSON, render.Chinese},
		{"html query", "?format=html", nil, render.FormatHTML, render.Chinese},
		{"html english query", "?format=html&lang=en", nil, render.FormatHTML, render.English},
		{"html english region", "?format=html&lang=en-US", nil, render.FormatHTML, render.English},
		{"html unknown language", "?format=html&lang=fr", nil, render.FormatHTML, render.Chinese},
		{"html accept-language", "?format=html", []string{"Accept-Language", "en-GB,en;q=0.9"}, render.FormatHTML, render.English},
		{"html chinese first", "?format=html", []string{"Accept-Language", "zh-CN,en;q=0.8"}, render.FormatHTML, render.Chinese},
		{"query over accept-language", "?format=html&lang=zh", []string{"Accept-Language", "en"}, render.FormatHTML, render.Chinese},
		{"accept html", "", []string{"Accept", "text/html,application/xhtml+xml"}, render.FormatHTML, render.Chinese},
		{"accept geojson", "", []string{"Accept", "application/geo+json"}, render.FormatGeoJSON, render.Chinese},
		{"accept anything", "", []string{"Accept", "*/*"}, render.FormatJSON, render.Chinese},
		{"accept anything then html", "", []string{"Accept", "*/*, text/html"}, render.FormatHTML, render.Chinese},
		{"accept empty parts", "", []string{"Accept", " ,, application/geo+json;q=0.9"}, render.FormatGeoJSON, render.Chinese},
		{"accept unknown", "", []string{"Accept", "image/png, text/plain"}, render.FormatJSON, render.Chinese},
		{"accept upper case", "", []string{"Accept", "Text/HTML"}, render.FormatHTML, render.Chinese},
		{"query over accept", "?format=geojson", []string{"Accept", "text/html"}, render.FormatGeoJSON, render.Chinese},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := h.do(t, "GET", "/v1/reports/"+id+tc.query, nil, tc.header...)
			if got.Code != 200 || got.Header().Get("Content-Type") != tc.format.ContentType() {
				t.Fatalf("%d %q %s", got.Code, got.Header().Get("Content-Type"), got.Body)
			}
			// GET /v1/reports/{id} leaves the overlap geometries out unless asked.
			r := *rep
			r.Intersections = append(r.Intersections[:0:0], rep.Intersections...)
			for i := range r.Intersections {
				r.Intersections[i].Geometry = nil
			}
			var want bytes.Buffer
			if err := render.Report(&want, &r, tc.format, render.Options{Lang: tc.lang}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Body.Bytes(), want.Bytes()) {
				t.Errorf("answer differs from render.Report(%s, %s):\n got %.200s\nwant %.200s", tc.format, tc.lang, got.Body, want.Bytes())
			}
		})
	}
	bad := h.do(t, "GET", "/v1/reports/"+id+"?format=pdf", nil)
	if bad.Code != 400 || errCode(t, bad) != "bad_request" || !strings.Contains(bad.Body.String(), "json, html or geojson") {
		t.Errorf("bad format: %d %s", bad.Code, bad.Body)
	}
}
