package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

func checkReport(t *testing.T, args ...string) *zones.Report {
	t.Helper()
	code, out, errs := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("redline %v: exit %d: %s", args, code, errs)
	}
	var r zones.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestRoundTripFormatsCLI(t *testing.T) {
	shared := oracle.SharedDir(t)
	dir := filepath.Join("..", "..", "data", "formats", "testdata")
	base := checkReport(t, "check", "--data", shared, "--buffer-m", "0", filepath.Join(dir, "site_4490.geojson"))
	if len(base.Intersections) < 3 || base.Footprint.AreaM2 < 5e5 {
		t.Fatalf("the original site must overlap several conformance zones: %+v", base.Intersections)
	}
	for _, fx := range oracle.SiteFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			path := filepath.Join(dir, fx.Name)
			if fx.Name == "site_gk_gbk.txt" {
				path = oracle.FirstParcel(t, path)
			}
			args := []string{"check", "--data", shared, "--buffer-m", "0"}
			if fx.CRS != "" {
				args = append(args, "--crs", fx.CRS)
			}
			r := checkReport(t, append(args, path)...)
			if !within(r.Footprint.AreaM2, base.Footprint.AreaM2) {
				t.Errorf("footprint area %.3f m², original %.3f m²", r.Footprint.AreaM2, base.Footprint.AreaM2)
			}
			got := map[string]float64{}
			for _, in := range r.Intersections {
				got[in.Layer+"/"+in.ZoneID] = in.OverlapAreaM2
			}
			for _, in := range base.Intersections {
				key := in.Layer + "/" + in.ZoneID
				a, ok := got[key]
				if !ok {
					t.Errorf("%s: no overlap with %s", fx.Name, key)
					continue
				}
				if !within(a, in.OverlapAreaM2) {
					t.Errorf("%s: overlap with %s %.3f m², original %.3f m²", fx.Name, key, a, in.OverlapAreaM2)
				}
				delete(got, key)
			}
			for key := range got {
				t.Errorf("%s: overlap with %s that the original does not have", fx.Name, key)
			}
			if r.Footprint.CRS == "" || r.Footprint.CRS == "EPSG:4490" && fx.Name != "site_4326.kml" {
				t.Logf("%s read as %s", fx.Name, r.Footprint.CRS)
			}
		})
	}
}

// within is DESIGN.md's area tolerance: 1e-4 relative or 1 m².
func within(got, want float64) bool {
	return math.Abs(got-want) <= math.Max(1, 1e-4*math.Abs(want))
}

// TestRoundTripOracleFootprintCLI writes an oracle footprint that straddles two
// counties and has holes (FP0066, Gauss-Krüger zone 37) in the forms surveyors
// send — GK GeoJSON with a crs member, EWKT in the CM variant, a zipped shapefile
// with an Esri .prj, a GBK 国土 TXT file, a GCJ-02 coordinate list — and checks each
// through the CLI against what PostGIS computed for the original.
func TestRoundTripOracleFootprintCLI(t *testing.T) {
	shared := oracle.SharedDir(t)
	want, forms := oracle.WriteForms(t, shared, "FP0066", t.TempDir())
	for _, f := range forms {
		t.Run(f.Name, func(t *testing.T) {
			args := []string{"check", "--data", shared, "--buffer-m", "5000"}
			if f.CRS != "" {
				args = append(args, "--crs", f.CRS)
			}
			r := checkReport(t, append(args, f.Path)...)
			var c oracle.Counts
			for _, m := range oracle.Compare(want, r, &c) {
				t.Error(m)
			}
			if c.Areas < 4 {
				t.Errorf("only %d areas compared", c.Areas)
			}
		})
	}
	// --dxf-layer picks another layer of the drawing, and the report says so; a
	// layer the drawing lacks is refused with the list of its layers.
	for _, f := range forms {
		if f.Name != "DXF" {
			continue
		}
		r := checkReport(t, "check", "--data", shared, "--buffer-m", "0", "--dxf-layer", "图框", f.Path)
		if w := strings.Join(r.Footprint.Warnings, "\n"); !strings.Contains(w, `layer "图框" (named by dxf_layer)`) || r.Footprint.AreaM2 <= want.Result.Measure.AreaGeodesicM2 {
			t.Errorf("--dxf-layer 图框: area %.0f m², warnings %s", r.Footprint.AreaM2, w)
		}
		code, _, errs := runCLI(t, "", "check", "--data", shared, "--dxf-layer", "水系", f.Path)
		if code == 0 || !strings.Contains(errs, `no layer "水系"`) || !strings.Contains(errs, `"用地红线"`) {
			t.Errorf("--dxf-layer 水系: exit %d, %s", code, errs)
		}
	}
}
