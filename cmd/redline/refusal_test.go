package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/redline-gis/redline/api"
	"github.com/redline-gis/redline/errcode"
)

// TestSameRefusalEverywhere: the same bad coordinates and the same malformed
// footprints get the same error code from `redline check`, from POST /v1/check
// (as a bare GeoJSON body and inside the envelope), and from a POST /v1/locate
// NDJSON line — one coordinate policy (geo/crs) and one intake for all of them.
func TestSameRefusalEverywhere(t *testing.T) {
	checker, _, err := loadChecker("", "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Config{Load: func(context.Context, string) (api.Engine, error) { return checker, nil }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(checker, "", 0)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	square := func(x, y, d float64) string {
		return `{"type":"Polygon","coordinates":[[` + pos(x, y) + `,` + pos(x+d, y) + `,` + pos(x+d, y+d) + `,` + pos(x, y+d) + `,` + pos(x, y) + `]]}`
	}
	for _, tc := range []struct {
		name string
		geom string // GeoJSON geometry (its text: JSON has no NaN, some callers write it anyway)
		code errcode.Code
	}{
		// Bad coordinates.
		{"outside China", `{"type":"Point","coordinates":[2.35,48.85]}`, errcode.InvalidCoordinates},
		{"outside China, a polygon", square(2.3, 48.8, 0.01), errcode.InvalidCoordinates},
		{"latitude out of range", `{"type":"Point","coordinates":[108.3,95]}`, errcode.InvalidCoordinates},
		{"swapped axes (lat,lon)", `{"type":"Point","coordinates":[33.7,108.3]}`, errcode.InvalidCoordinates},
		{"swapped axes, a polygon", square(33.70, 108.30, 0.01), errcode.InvalidCoordinates},
		{"projected metres without CRS", `{"type":"Point","coordinates":[500000,3720000]}`, errcode.UnknownCRS},
		{"projected metres without CRS, a polygon", square(500000, 3720000, 100), errcode.UnknownCRS},
		{"NaN, which JSON cannot spell", `{"type":"Point","coordinates":[NaN,33.7]}`, errcode.BadRequest},
		{"Infinity, which JSON cannot spell", `{"type":"Point","coordinates":[108.3,Infinity]}`, errcode.BadRequest},
		// Malformed footprints.
		{"unclosed ring", `{"type":"Polygon","coordinates":[[[108.3,33.7],[108.31,33.7],[108.31,33.71],[108.3,33.71]]]}`, errcode.InvalidGeometry},
		{"too few points in a ring", `{"type":"Polygon","coordinates":[[[108.3,33.7],[108.31,33.7],[108.3,33.7]]]}`, errcode.InvalidGeometry},
		{"too few points in a line", `{"type":"LineString","coordinates":[[108.3,33.7]]}`, errcode.InvalidGeometry},
		{"a line of one point repeated", `{"type":"LineString","coordinates":[[108.3,33.7],[108.3,33.7]]}`, errcode.InvalidGeometry},
		{"empty polygon", `{"type":"Polygon","coordinates":[]}`, errcode.EmptyGeometry},
		{"empty multipolygon", `{"type":"MultiPolygon","coordinates":[]}`, errcode.EmptyGeometry},
		{"empty geometry collection", `{"type":"GeometryCollection","geometries":[]}`, errcode.EmptyGeometry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]errcode.Code{
				"redline check":            cliCode(t, tc.geom),
				"POST /v1/check":           checkCode(t, ts.URL, "application/geo+json", tc.geom),
				"POST /v1/check envelope":  checkCode(t, ts.URL, "application/json", `{"footprint":`+tc.geom+`}`),
				"POST /v1/locate (NDJSON)": locateCode(t, ts.URL, "application/x-ndjson", `{"type":"Feature","id":"f","geometry":`+tc.geom+"}\n"),
			}
			for where, code := range got {
				if code != tc.code {
					t.Errorf("%s: code %q, want %q", where, code, tc.code)
				}
			}
		})
	}

	// NaN in a format that can write it: the readers refuse it as a coordinate.
	t.Run("NaN in WKT", func(t *testing.T) {
		wkt := "POINT(NaN 33.7)"
		got := map[string]errcode.Code{
			"redline check":   cliCode(t, wkt),
			"POST /v1/check":  checkCode(t, ts.URL, "text/plain", wkt),
			"POST /v1/locate": locateCode(t, ts.URL, "text/plain", wkt),
		}
		for where, code := range got {
			if code != errcode.InvalidCoordinates {
				t.Errorf("%s: code %q, want %q", where, code, errcode.InvalidCoordinates)
			}
		}
	})
}

func pos(x, y float64) string {
	b, _ := json.Marshal([]float64{x, y})
	return string(b)
}

var cliCodeRE = regexp.MustCompile(`\[([a-z_]+)\]`)

// cliCode runs `redline check -` on body and returns the code it printed.
func cliCode(t *testing.T, body string) errcode.Code {
	t.Helper()
	exit, _, stderr := runCLI(t, body, "check", "-")
	m := cliCodeRE.FindStringSubmatch(stderr)
	if exit == 0 || m == nil {
		t.Errorf("redline check: exit %d, stderr %q: want a refusal with its code", exit, stderr)
		return ""
	}
	return errcode.Code(m[1])
}

// checkCode posts body to /v1/check and returns the error code of the answer.
func checkCode(t *testing.T, base, ctype, body string) errcode.Code {
	t.Helper()
	resp := post(t, base+"/v1/check", ctype, body)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	code, ok := refusal(resp.StatusCode, b)
	if !ok {
		t.Errorf("POST /v1/check: status %d, %s: want a refusal with a message", resp.StatusCode, b)
	}
	return code
}

func post(t *testing.T, url, ctype, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// refusal reads an error answer: a 4xx status and {"error": {"code", "message"}}.
func refusal(status int, body []byte) (errcode.Code, bool) {
	var e struct {
		Error struct {
			Code    errcode.Code `json:"code"`
			Message string       `json:"message"`
		} `json:"error"`
	}
	ok := json.Unmarshal(body, &e) == nil && status >= 400 && status < 500 && e.Error.Message != ""
	return e.Error.Code, ok
}

// locateCode posts a batch of one feature to /v1/locate and returns the error
// code of its record: an NDJSON batch is answered, the feature refused.
func locateCode(t *testing.T, base, ctype, body string) errcode.Code {
	t.Helper()
	resp := post(t, base+"/v1/locate", ctype, body)
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		// A file read whole (not NDJSON) that its reader refuses has no features
		// to answer one by one: the batch itself is refused, with the same code.
		b, _ := io.ReadAll(resp.Body)
		code, ok := refusal(resp.StatusCode, b)
		if ctype == "application/x-ndjson" || !ok {
			t.Errorf("POST /v1/locate: status %d: %s", resp.StatusCode, b)
		}
		return code
	}
	type record struct {
		Index int `json:"index"`
		Error *struct {
			Code    errcode.Code `json:"code"`
			Message string       `json:"message"`
		} `json:"error"`
	}
	var records []record
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("POST /v1/locate: record %q: %v", sc.Text(), err)
		}
		records = append(records, r)
	}
	if len(records) != 1 || records[0].Error == nil || records[0].Error.Message == "" {
		t.Errorf("POST /v1/locate: records %+v: want one error record", records)
		return ""
	}
	return records[0].Error.Code
}
