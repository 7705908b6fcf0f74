package api

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/formats/gpkg"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// needGDAL returns the path of a GDAL tool; without it the test fails when CI is
// set (the Makefile installs gdal-bin) and is skipped, loudly, elsewhere.
func needGDAL(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		msg := fmt.Sprintf("%s not found (Debian package gdal-bin; `make test` installs it): the OGC API is not tested with GDAL's OAPIF driver", tool)
		testenv.Missing(t, msg)
	}
	return p
}

// gdal runs a GDAL tool and returns its standard output.
func gdal(t *testing.T, tool string, args ...string) string {
	t.Helper()
	cmd := exec.Command(needGDAL(t, tool), args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_VSIL_CURL_USE_CACHE=NO", "GDAL_HTTP_USE_CACHE=NO")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// ogrFeatures reads a layer through the OAPIF driver into GeoJSON.
func ogrFeatures(t *testing.T, src, layer string, extra ...string) []*geojson.Feature {
	t.Helper()
	args := append([]string{"-f", "GeoJSON", "/vsistdout/", src, layer}, extra...)
	var fc geojson.FeatureCollection
	if err := json.Unmarshal([]byte(gdal(t, "ogr2ogr", args...)), &fc); err != nil {
		t.Fatalf("ogr2ogr %s: %v", layer, err)
	}
	return fc.Features
}

func propIDs(fs []*geojson.Feature, key string) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprint(f.Properties[key]))
	}
	return out
}

// TestOGCWithGDAL drives GDAL's OAPIF driver against a real server on a
// loopback port: every layer and the archive are listed, feature counts are
// the zone counts, -spat selects the zones the index finds, ogr2ogr copies a
// layer into a GeoPackage whose geometries are the source's, and a filtered
// reports query returns what GET /v1/reports returns.
func TestOGCWithGDAL(t *testing.T) {
	needGDAL(t, "ogrinfo")
	needGDAL(t, "ogr2ogr")
	fx := newOGCFixture(t)
	src := "OAPIF:" + fx.ts.URL + "/ogc"
	ds := fx.checker.Dataset()

	list := gdal(t, "ogrinfo", "-ro", "-so", src)
	for _, ly := range append(slices.Collect(func(yield func(string) bool) {
		for _, l := range ds.Layers {
			if !yield(l.ID) {
				return
			}
		}
	}), "reports") {
		if !regexp.MustCompile(`(?m)^\d+: ` + regexp.QuoteMeta(ly) + ` `).MatchString(list) {
			t.Errorf("ogrinfo does not list %s:\n%s", ly, list)
		}
	}
	count := regexp.MustCompile(`Feature Count: (\d+)`)
	for _, ly := range ds.Layers {
		out := gdal(t, "ogrinfo", "-ro", "-so", src, ly.ID)
		m := count.FindStringSubmatch(out)
		if m == nil || m[1] != strconv.Itoa(len(ly.Zones)) {
			t.Errorf("%s: ogrinfo feature count %v, want %d", ly.ID, m, len(ly.Zones))
		}
	}
	m := count.FindStringSubmatch(gdal(t, "ogrinfo", "-ro", "-so", src, "reports"))
	if m == nil || m[1] != strconv.Itoa(fx.reports) {
		t.Errorf("reports: ogrinfo feature count %v, want %d", m, fx.reports)
	}

	// -spat: the zones the index says meet the box.
	idx := fx.checker.Index()
	boxes := []orb.Bound{
		{Min: orb.Point{107.5, 33.5}, Max: orb.Point{108.5, 34.5}},
		{Min: orb.Point{108.9, 34.0}, Max: orb.Point{109.1, 34.2}},
	}
	hits := 0
	for _, ly := range ds.Layers {
		for _, b := range boxes {
			var want []string
			for _, z := range idx.Intersecting(ly.ID, b) {
				want = append(want, z.ID)
			}
			hits += len(want)
			got := propIDs(ogrFeatures(t, src, ly.ID, "-spat", ftoa(b.Min[0]), ftoa(b.Min[1]), ftoa(b.Max[0]), ftoa(b.Max[1])), "code")
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s -spat %v: %v, want %v", ly.ID, b, got, want)
			}
		}
	}
	if hits == 0 {
		t.Fatal("no -spat box met a zone: the test proves nothing")
	}

	// ogr2ogr into a GeoPackage, read back with our own reader.
	for _, id := range []string{"ecu", "river"} {
		ly := ds.Layer(id)
		if ly == nil {
			t.Fatalf("no layer %s in the demo dataset", id)
		}
		out := filepath.Join(t.TempDir(), id+".gpkg")
		gdal(t, "ogr2ogr", "-f", "GPKG", out, src, id)
		c, err := gpkg.ReadPath(out, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Features) != len(ly.Zones) {
			t.Fatalf("%s: %d features in the GeoPackage, want %d", id, len(c.Features), len(ly.Zones))
		}
		for _, f := range c.Features {
			code := fmt.Sprint(f.Properties["code"])
			i := slices.IndexFunc(ly.Zones, func(z *zones.Zone) bool { return z.ID == code })
			if i < 0 {
				t.Errorf("%s: feature with code %q is no zone", id, code)
				continue
			}
			if d := maxVertexDiff(f.Geometry, ly.Zones[i].Geometry); d > 1e-9 {
				t.Errorf("%s/%s: geometry differs from the source by %g°", id, code, d)
			}
		}
	}

	// A filtered reports query: GDAL's attribute filter against /v1/reports.
	var all struct{ Reports []store.Summary }
	fx.get(t, "/v1/reports?limit=1000", &all)
	verdict := all.Reports[0].Verdict
	var want struct{ Reports []store.Summary }
	fx.get(t, "/v1/reports?limit=1000&verdict="+verdict, &want)
	var wantIDs []string
	for _, r := range want.Reports {
		wantIDs = append(wantIDs, r.ID)
	}
	got := ogrFeatures(t, src, "reports", "-where", "verdict = '"+verdict+"'")
	gotIDs := propIDs(got, "id")
	slices.Sort(gotIDs)
	slices.Sort(wantIDs)
	if !slices.Equal(gotIDs, wantIDs) || len(wantIDs) == 0 {
		t.Errorf("reports verdict=%s: GDAL %v, /v1/reports %v", verdict, gotIDs, wantIDs)
	}
}

// TestOGCWithGDALRealData: the Shaanxi conformance layers (../shared/data) go
// through the OAPIF driver whole — every layer's count, and every zone's
// geometry copied by ogr2ogr into a GeoPackage, equal to the source.
func TestOGCWithGDALRealData(t *testing.T) {
	needGDAL(t, "ogr2ogr")
	if testing.Short() {
		t.Skip("copies every real layer through GDAL")
	}
	c, ts := sharedServer(t)
	ds := c.Dataset()
	src := "OAPIF:" + ts.URL + "/ogc"
	vertices := 0
	for _, ly := range ds.Layers {
		out := filepath.Join(t.TempDir(), ly.ID+".gpkg")
		gdal(t, "ogr2ogr", "-f", "GPKG", out, src, ly.ID)
		got, err := gpkg.ReadPath(out, ly.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Features) != len(ly.Zones) {
			t.Errorf("%s: %d features through GDAL, want %d", ly.ID, len(got.Features), len(ly.Zones))
			continue
		}
		for _, f := range got.Features {
			code := fmt.Sprint(f.Properties["code"])
			i := slices.IndexFunc(ly.Zones, func(z *zones.Zone) bool { return z.ID == code })
			if i < 0 {
				t.Errorf("%s: feature with code %q is no zone", ly.ID, code)
				continue
			}
			if d := maxVertexDiff(f.Geometry, ly.Zones[i].Geometry); d > 1e-9 {
				t.Errorf("%s/%s: geometry differs from the source by %g°", ly.ID, code, d)
			}
			vertices += planar.NumVertices(f.Geometry)
		}
	}
	t.Logf("%d layers, %d vertices through GDAL's OAPIF driver", len(ds.Layers), vertices)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// maxVertexDiff is the largest coordinate difference between two geometries
// with the same vertices in the same order; +Inf when their shapes differ.
func maxVertexDiff(a, b orb.Geometry) float64 {
	var pa, pb []orb.Point
	planar.EachPoint(a, func(p orb.Point) { pa = append(pa, p) })
	planar.EachPoint(b, func(p orb.Point) { pb = append(pb, p) })
	if len(pa) == 0 || len(pa) != len(pb) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range pa {
		d = max(d, math.Abs(pa[i][0]-pb[i][0]), math.Abs(pa[i][1]-pb[i][1]))
	}
	return d
}
