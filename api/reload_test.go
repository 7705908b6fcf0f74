package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// writeDataset writes a one-layer dataset of the given version: a square zone
// around 108.05°E 34.05°N.
func writeDataset(t *testing.T, dir, version string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := fmt.Sprintf(`{"name":"reload-test","version":%q,"crs":"EPSG:4490","layers":[
		{"id":"zone","kind":"custom","title":"测试区","file":"zone.geojson","id_field":"id","name_field":"name","class":"test"}]}`, version)
	layer := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Z1","name":"一号区"},
		"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34.1],[108,34]]]}}]}`
	if err := os.WriteFile(filepath.Join(dir, "dataset.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zone.geojson"), []byte(layer), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// realLoader loads dataset directories with package data and indexes them.
func realLoader(ctx context.Context, source string) (Engine, error) {
	ds, err := data.LoadDir(source)
	if err != nil {
		return nil, err
	}
	return zones.NewChecker(ds)
}

// TestReloadUnderLoad: while clients check steadily, the dataset is reloaded ten
// times (and once from a broken directory): no request fails, every answer names
// the version it was computed on, and each client sees versions only move forward.
func TestReloadUnderLoad(t *testing.T) {
	root := t.TempDir()
	dirs := make([]string, 12)
	for v := 1; v <= 11; v++ {
		dirs[v] = writeDataset(t, filepath.Join(root, fmt.Sprintf("v%d", v)), strconv.Itoa(v))
	}
	broken := filepath.Join(root, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "dataset.yaml"), []byte(`{"name":"x","version":"99","layers":[{"id":"zone","kind":"custom","file":"missing.geojson","class":"c"}]}`), 0o644)

	st, err := store.Open(t.Context(), filepath.Join(root, "redline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, ts := serveLoaded(t, Config{Load: realLoader, Source: dirs[1], DataRoot: root, Store: st, AdminToken: "tok", MaxChecks: 64})

	body := `{"footprint":{"type":"Polygon","coordinates":[[[108.04,34.04],[108.06,34.04],[108.06,34.06],[108.04,34.06],[108.04,34.04]]]}}`
	stop := make(chan struct{})
	type tally struct {
		ok, failed int
		versions   []int
		errs       []string
	}
	const clients = 4
	tallies := make([]tally, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			tl := &tallies[c]
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := ts.Client().Post(ts.URL+"/v1/check", "application/json", strings.NewReader(body))
				if err != nil {
					tl.failed++
					tl.errs = append(tl.errs, err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var rep zones.Report
				if resp.StatusCode != 200 || json.Unmarshal(b, &rep) != nil {
					tl.failed++
					tl.errs = append(tl.errs, fmt.Sprintf("%d %.200s", resp.StatusCode, b))
					continue
				}
				v, err := strconv.Atoi(rep.Dataset.Version)
				if err != nil || len(rep.Intersections) != 1 || rep.Intersections[0].ZoneID != "Z1" {
					tl.failed++
					tl.errs = append(tl.errs, fmt.Sprintf("bad report: %.200s", b))
					continue
				}
				if hv := resp.Header.Get("X-Redline-Dataset-Version"); hv != rep.Dataset.Version {
					tl.failed++
					tl.errs = append(tl.errs, fmt.Sprintf("header names %q, report %q", hv, rep.Dataset.Version))
				}
				tl.ok++
				tl.versions = append(tl.versions, v)
			}
		})
	}
	reload := func(dir string) (int, string) {
		req, _ := http.NewRequest("POST", ts.URL+"/v1/admin/reload?wait=true", strings.NewReader(`{"data":`+strconv.Quote(dir)+`}`))
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	time.Sleep(50 * time.Millisecond)
	for v := 2; v <= 11; v++ {
		if code, b := reload(dirs[v]); code != 200 || !strings.Contains(b, fmt.Sprintf(`"version":"%d"`, v)) {
			t.Errorf("reload to v%d: %d %s", v, code, b)
		}
		if v == 6 {
			if code, b := reload(broken); code != 422 || !strings.Contains(b, "missing.geojson") {
				t.Errorf("broken reload: %d %s", code, b)
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()

	total, seen := 0, map[int]bool{}
	for c, tl := range tallies {
		total += tl.ok
		if tl.failed > 0 {
			t.Errorf("client %d: %d failed requests, first: %s", c, tl.failed, tl.errs[0])
		}
		for i, v := range tl.versions {
			seen[v] = true
			if v < 1 || v > 11 {
				t.Errorf("client %d: version %d", c, v)
			}
			if i > 0 && v < tl.versions[i-1] {
				t.Errorf("client %d: version went back from %d to %d", c, tl.versions[i-1], v)
			}
		}
	}
	if total < 50 {
		t.Errorf("only %d checks during the reloads", total)
	}
	if !seen[1] || !seen[11] || len(seen) < 6 {
		t.Errorf("versions seen: %v", seen)
	}
	if seen[99] {
		t.Error("the broken dataset served")
	}
	t.Logf("%d checks during 10 reloads, versions seen %d", total, len(seen))
	if l := srv.cur.Load(); l.engine.Dataset().Version != "11" {
		t.Errorf("in service after the reloads: %q", l.engine.Dataset().Version)
	}
}

// TestRealEngineErrors drives the real checker and readers through the API for
// the input errors of DESIGN.md.
func TestRealEngineErrors(t *testing.T) {
	dir := writeDataset(t, filepath.Join(t.TempDir(), "v1"), "1")
	srv, err := New(Config{Load: realLoader, Source: dir, MaxVertices: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Load(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	many := make([]string, 0, 100)
	for i := range 99 {
		many = append(many, fmt.Sprintf("[%g,%g]", 108+0.001*float64(i), 34+0.0001*float64(i%2)))
	}
	many = append(many, "[108,34]")
	for _, c := range []struct {
		name, ctype, body string
		status            int
		code              errcode.Code
	}{
		{"swapped lat lon", "application/json", `{"footprint":{"type":"Point","coordinates":[34.05,108.05]}}`, 422, "invalid_coordinates"},
		{"empty polygon", "application/json", `{"footprint":{"type":"Polygon","coordinates":[]}}`, 422, "empty_geometry"},
		{"projected without crs", "application/json", `{"footprint":{"type":"Point","coordinates":[500000,3800000]}}`, 422, "unknown_crs"},
		{"bow tie strict", "application/json", `{"strict":true,"footprint":{"type":"Polygon","coordinates":[[[108,34],[108.1,34.1],[108.1,34],[108,34.1],[108,34]]]}}`, 422, "invalid_geometry"},
		{"vertex limit", "application/json", `{"footprint":{"type":"LineString","coordinates":[` + strings.Join(many, ",") + `]}}`, 413, "payload_too_large"},
		{"unknown crs name", "application/json", `{"crs":"EPSG:999999","footprint":{"type":"Point","coordinates":[108.05,34.05]}}`, 422, ""},
		{"malformed geojson file", "application/geo+json", `{"type":"Polygon","coordinates":[[[108,34],[108.1,34]`, 400, "bad_request"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			srv.Handler().ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if code := errCode(t, rec); c.code != "" && code != c.code {
				t.Errorf("code %q, want %q: %s", code, c.code, rec.Body)
			}
		})
	}
	// The same check without strict: repaired and said so.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(`{"footprint":{"type":"Polygon","coordinates":[[[108,34],[108.1,34.1],[108.1,34],[108,34.1],[108,34]]]}}`))
	srv.Handler().ServeHTTP(rec, req)
	rep := decodeReport(t, rec.Body.Bytes())
	if rec.Code != 200 || !rep.Footprint.Repaired || len(rep.Footprint.Warnings) == 0 {
		t.Errorf("bow tie not repaired with a warning: %d %s", rec.Code, rec.Body)
	}
}

// TestLoadWith: LoadWith loads with the Loader it is given, once, in place of
// Config.Load, and swaps the result in as Load does; the next Load is
// Config.Load's again.
func TestLoadWith(t *testing.T) {
	root := t.TempDir()
	one := writeDataset(t, filepath.Join(root, "one"), "1")
	two := writeDataset(t, filepath.Join(root, "two"), "2")
	configured := 0
	srv, err := New(Config{Source: one, Load: func(ctx context.Context, source string) (Engine, error) {
		configured++
		return realLoader(ctx, source)
	}})
	if err != nil {
		t.Fatal(err)
	}
	given := 0
	if err := srv.LoadWith(t.Context(), one, func(ctx context.Context, source string) (Engine, error) {
		given++
		return realLoader(ctx, two) // tells the two apart
	}); err != nil {
		t.Fatal(err)
	}
	if src, v, ok := srv.Serving(); !ok || src != one || v != "2" || given != 1 || configured != 0 {
		t.Fatalf("after LoadWith: serving %s %s %v; given loader %d calls, configured %d", src, v, ok, given, configured)
	}
	if st := srv.reload.get(); st.State != "ok" || st.Source != one {
		t.Fatalf("status after LoadWith: %+v", st)
	}
	if err := srv.Load(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := srv.Serving(); v != "1" || given != 1 || configured != 1 {
		t.Fatalf("after Load: version %s; given loader %d calls, configured %d", v, given, configured)
	}
}
