package data_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

const redlineLayer = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"BSM":"HX1","MC":"测试红线"},
  "geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34.1],[108,34]]]}}]}`

// TestManifestBoundaryTolerance: the manifest's boundary_tolerance_m is the
// dataset's band, a request's overrides it, and without either it is 10 m.
func TestManifestBoundaryTolerance(t *testing.T) {
	manifest := func(extra string) string {
		return `{"name":"t","version":"1","crs":"EPSG:4490"` + extra + `,"layers":[
		  {"id":"redline","kind":"redline","title":"生态保护红线","file":"redline.geojson","id_field":"BSM","name_field":"MC"}]}`
	}
	pt := orb.Point{108.1 + 30/92390.0, 34.05} // ~30 m east of the red line
	dist := geo.Distance(pt, orb.Point{108.1, 34.05})
	factory := zones.Project{Type: "industrial", Industry: "C2927", DischargesPollutants: new(true)}
	for _, tc := range []struct {
		name    string
		extra   string
		request *float64
		tol     float64
		listed  bool
	}{
		{"default", ``, nil, 10, false},
		{"manifest 50 m", `,"boundary_tolerance_m":50`, nil, 50, true},
		{"request over the manifest", `,"boundary_tolerance_m":50`, new(20.0), 20, false},
		{"request over the default", ``, new(40.0), 40, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := data.LoadDir(writeDataset(t, manifest(tc.extra), map[string]string{"redline.geojson": redlineLayer}))
			if err != nil {
				t.Fatal(err)
			}
			c, err := zones.NewChecker(ds)
			if err != nil {
				t.Fatal(err)
			}
			r, err := c.Check(context.Background(), zones.Footprint{Geometry: pt}, factory, zones.CheckOptions{BoundaryToleranceM: tc.request})
			if err != nil {
				t.Fatal(err)
			}
			if r.BoundaryToleranceM != tc.tol {
				t.Errorf("boundary_tolerance_m %v, want %v", r.BoundaryToleranceM, tc.tol)
			}
			if !tc.listed {
				if len(r.NearBoundary) != 0 || r.BoundaryReview {
					t.Errorf("near_boundary %+v review %v, want none", r.NearBoundary, r.BoundaryReview)
				}
				return
			}
			if len(r.NearBoundary) != 1 {
				t.Fatalf("near_boundary %+v, want the red line", r.NearBoundary)
			}
			nb := r.NearBoundary[0]
			if nb.ZoneID != "HX1" || nb.Inside || !nb.ChangesVerdict || !r.BoundaryReview || r.Verdict == zones.Prohibited {
				t.Errorf("near_boundary %+v review %v verdict %s: want HX1 outside, changing the verdict", nb, r.BoundaryReview, r.Verdict)
			}
			if d := nb.DistanceM; d < dist-0.01 || d > dist+0.01 {
				t.Errorf("distance %.3f m, want %.3f m", d, dist)
			}
		})
	}
}

// TestBoundaryConformance: for zones outside the footprint the distance to the
// boundary is the distance to the zone, which PostGIS measured (within_5km): with
// a 300 m band, near_boundary lists exactly the zones PostGIS finds within it,
// not intersected, at its distances (DESIGN.md's tolerances).
func TestBoundaryConformance(t *testing.T) {
	const band = 300.0
	checker, exp, fc := oracleData(t)
	byID := map[string]int{}
	for i, f := range fc.Features {
		byID[f.ID] = i
	}
	compared := 0
	for i := range exp.Footprints {
		ef := &exp.Footprints[i]
		if ef.Expect == "reject" {
			continue
		}
		fp := zones.Footprint{Geometry: fc.Features[byID[ef.ID]].Geometry}
		r, err := checker.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer(), BoundaryToleranceM: new(band)})
		if err != nil {
			t.Errorf("%s: %v", ef.ID, err)
			continue
		}
		got := map[string]float64{}
		for _, nb := range r.NearBoundary {
			if !nb.Inside {
				got[nb.Layer+"/"+nb.ZoneID] = nb.DistanceM
			}
		}
		for lid, ol := range ef.Result.Layers {
			hit := map[string]bool{}
			for _, h := range ol.Hits {
				hit[h.ID] = true
			}
			for _, w := range ol.Within5km {
				if hit[w.ID] {
					continue
				}
				key := lid + "/" + w.ID
				d, ok := got[key]
				switch {
				case ok:
					compared++
					if diff := d - w.DistGeodesicM; diff > max(oracle.DistAbs, oracle.DistRel*w.DistGeodesicM) || -diff > max(oracle.DistAbs, oracle.DistRel*w.DistGeodesicM) {
						t.Errorf("%s %s: boundary %.3f m away, PostGIS %.3f m", ef.ID, key, d, w.DistGeodesicM)
					}
					delete(got, key)
				case w.DistGeodesicM < band-oracle.DistAbs:
					t.Errorf("%s %s: PostGIS %.3f m away, not in near_boundary", ef.ID, key, w.DistGeodesicM)
				}
			}
		}
		for key, d := range got {
			if d < band-oracle.DistAbs {
				t.Errorf("%s %s: in near_boundary at %.3f m, not within %v m for PostGIS", ef.ID, key, d, band)
			}
		}
	}
	t.Logf("%d boundary distances of zones outside compared with PostGIS", compared)
	if compared < 30 {
		t.Errorf("only %d distances compared", compared)
	}
}
