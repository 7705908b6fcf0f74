package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/patchgen"
)

// scatteredCoords is the coordinates of a polygon whose one ring runs through n
// points scattered over zone Z1 of writeDataset in the order drawn: a list of
// points sent as a boundary.
func scatteredCoords(n int, seed uint64) string {
	r := patchgen.ScatteredRing(rand.New(rand.NewPCG(seed, 11)), n, orb.Bound{Min: orb.Point{108.005, 34.005}, Max: orb.Point{108.095, 34.095}})
	b, _ := json.Marshal(orb.Polygon{r})
	return string(b)
}

// TestRealEngineRefusesPointLists: a footprint that crosses itself thousands of
// times is refused at once with 422 invalid_geometry naming part, ring, count
// and limit — where GEOS's repair would have held the check for most of an
// hour — and in a batch it is one bad feature among good ones.
func TestRealEngineRefusesPointLists(t *testing.T) {
	dir := writeDataset(t, filepath.Join(t.TempDir(), "v1"), "1")
	srv, err := New(Config{Load: realLoader, Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Load(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	points := scatteredCoords(2000, 1)

	start := time.Now()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(`{"footprint":{"type":"Polygon","coordinates":`+points+`}}`))
	req.Header.Set("Content-Type", "application/json")
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 422 || errCode(t, rec) != "invalid_geometry" {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
	}
	for _, s := range []string{`"part":0`, `"ring":0`, `"crossings":2001`, `"limit":2000`, "at least 2001 times", "list of points rather than a boundary"} {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("the answer does not hold %s: %s", s, rec.Body)
		}
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("refused after %v", el)
	}

	// A batch: the good square before and after the points is located, the
	// points are an error record, and the batch goes on.
	square := `{"type":"Polygon","coordinates":[[[108.04,34.04],[108.06,34.04],[108.06,34.06],[108.04,34.06],[108.04,34.04]]]}`
	nd := `{"type":"Feature","id":"a","geometry":` + square + "}\n" +
		`{"type":"Feature","id":"points","geometry":{"type":"Polygon","coordinates":` + points + "}}\n" +
		`{"type":"Feature","id":"c","geometry":` + square + "}\n"
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "/v1/locate", strings.NewReader(nd))
	req.Header.Set("Content-Type", "application/x-ndjson")
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("locate: status %d: %.300s", rec.Code, rec.Body)
	}
	lines := ndjsonLines(t, rec.Body.Bytes())
	if len(lines) != 3 {
		t.Fatalf("%d records: %s", len(lines), rec.Body)
	}
	for _, i := range []int{0, 2} {
		if hits, _ := lines[i]["hits"].([]any); len(hits) != 1 || lines[i]["error"] != nil {
			t.Errorf("record %d: %v", i, lines[i])
		}
	}
	e, _ := lines[1]["error"].(map[string]any)
	if e == nil || e["code"] != "invalid_geometry" || lines[1]["id"] != "points" ||
		!strings.Contains(fmt.Sprint(e["message"]), "at least 2001 times") {
		t.Errorf("record 1: %v", lines[1])
	}
}
