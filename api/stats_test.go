package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redline-gis/redline/zones"
)

// TestIndexCounts: GET /v1/layers and /metrics give what the index in service
// counted, not what the dataset says (the dataset carries no index counts).
func TestIndexCounts(t *testing.T) {
	_, ts := serveDataset(t, fakeDataset("v1"))
	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, b)
		}
		return b
	}

	var layers struct {
		Dataset struct {
			Summary zones.LoadSummary `json:"summary"`
		} `json:"dataset"`
	}
	if err := json.Unmarshal(get("/v1/layers"), &layers); err != nil {
		t.Fatal(err)
	}
	// Nine squares of five vertices, each small enough to be one piece.
	if s := layers.Dataset.Summary; s.Zones != 9 || s.Vertices != 45 || s.Pieces != 9 {
		t.Errorf("summary %+v, want 9 zones, 45 vertices, 9 pieces", s)
	}
	body := string(get("/metrics"))
	for _, want := range []string{
		`redline_dataset_pieces{layer="redline"} 2`, `redline_dataset_pieces{layer="ecu"} 7`,
		`redline_dataset_vertices{layer="ecu"} 35`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestMetricsLabelEscapes: a dataset name with a backslash, a quote and a newline
// comes out of /metrics escaped as the text format wants.
func TestMetricsLabelEscapes(t *testing.T) {
	ds := fakeDataset("v\\1")
	ds.Name = "a\\b\"c\nd"
	srv, _ := serveDataset(t, ds)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if want := `redline_dataset_info{name="a\\b\"c\nd",version="v\\1"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("metrics lack %s:\n%s", want, rec.Body.String())
	}
}
