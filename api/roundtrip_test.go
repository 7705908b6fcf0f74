package api

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

// upload posts path as the multipart "file" of /v1/check, with the other fields.
func upload(t *testing.T, url, path string, fields map[string]string) *zones.Report {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if v != "" {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	resp, err := http.Post(url+"/v1/check", mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload %s: %d %s", filepath.Base(path), resp.StatusCode, body)
	}
	var r zones.Report
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// sharedServer serves the real layers of ../shared/data (without an archive) on
// a loopback port; the test is skipped, or fails under CI, without them.
func sharedServer(t *testing.T) (*zones.Checker, *httptest.Server) {
	t.Helper()
	ds, err := data.LoadDir(oracle.SharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	srv, ts := serveDataset(t, ds)
	return srv.cur.Load().engine.(*zones.Checker), ts
}

// TestRoundTripFormatsUpload: the same files as the CLI round trips, uploaded as
// multipart, give the same overlaps as the original (the GDAL-made site fixtures)
// and as PostGIS (an oracle footprint written in five forms).
func TestRoundTripFormatsUpload(t *testing.T) {
	_, ts := sharedServer(t)
	shared := oracle.SharedDir(t)

	dir := filepath.Join("..", "data", "formats", "testdata")
	base := upload(t, ts.URL, filepath.Join(dir, "site_4490.geojson"), map[string]string{"buffer_m": "0"})
	if len(base.Intersections) == 0 {
		t.Fatal("the original site overlaps nothing")
	}
	for _, fx := range oracle.SiteFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			path := filepath.Join(dir, fx.Name)
			if fx.Name == "site_gk_gbk.txt" {
				path = oracle.FirstParcel(t, path)
			}
			r := upload(t, ts.URL, path, map[string]string{"buffer_m": "0", "crs": fx.CRS})
			if len(r.Intersections) != len(base.Intersections) {
				t.Fatalf("%d intersections, the original %d", len(r.Intersections), len(base.Intersections))
			}
			for i, in := range base.Intersections {
				got := r.Intersections[i]
				if got.Layer != in.Layer || got.ZoneID != in.ZoneID ||
					math.Abs(got.OverlapAreaM2-in.OverlapAreaM2) > math.Max(1, 1e-4*in.OverlapAreaM2) {
					t.Errorf("%s/%s %.3f m², original %s/%s %.3f m²", got.Layer, got.ZoneID, got.OverlapAreaM2, in.Layer, in.ZoneID, in.OverlapAreaM2)
				}
			}
		})
	}
	want, forms := oracle.WriteForms(t, shared, "FP0066", t.TempDir())
	for _, f := range forms {
		t.Run(f.Name, func(t *testing.T) {
			r := upload(t, ts.URL, f.Path, map[string]string{"buffer_m": "5000", "crs": f.CRS})
			var counts oracle.Counts
			for _, m := range oracle.Compare(want, r, &counts) {
				t.Error(m)
			}
			if counts.Areas < 4 {
				t.Errorf("only %d areas compared", counts.Areas)
			}
		})
	}
	// The dxf_layer field picks another layer of the drawing: the frame around
	// the site, which the report names.
	for _, f := range forms {
		if f.Name != "DXF" {
			continue
		}
		r := upload(t, ts.URL, f.Path, map[string]string{"buffer_m": "0", "dxf_layer": "图框"})
		if w := strings.Join(r.Footprint.Warnings, "\n"); !strings.Contains(w, `layer "图框" (named by dxf_layer)`) || r.Footprint.AreaM2 <= want.Result.Measure.AreaGeodesicM2 {
			t.Errorf("dxf_layer 图框: area %.0f m² (the site %.0f m²), warnings %s", r.Footprint.AreaM2, want.Result.Measure.AreaGeodesicM2, w)
		}
	}
}
