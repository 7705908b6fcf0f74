package data_test

import (
	"testing"

	"github.com/redline-gis/redline/data"
)

// FuzzParseManifest: a manifest is an error or a manifest, never a panic.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("name: t\nversion: \"1\"\nlayers:\n  - {id: a, kind: ecu, file: a.geojson, class_field: F, class_map: {\"1\": priority}}\n"))
	f.Add([]byte(`{"name":"t","layers":[{"id":"r","kind":"redline","file":"r.shp","encoding":"gbk"}]}`))
	f.Add([]byte("name: [\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := data.ParseManifest(b)
		if err == nil && (m.Name == "" || len(m.Layers) == 0) {
			t.Fatalf("accepted a manifest without name or layers: %+v", m)
		}
	})
}

// FuzzParseCheckRequest: a check envelope is an error or a request, never a panic.
func FuzzParseCheckRequest(f *testing.F) {
	f.Add([]byte(`{"project":{"industry":"C2511","type":"industrial","has_outfall":true},"footprint":{"type":"Point","coordinates":[108,34]},"buffer_m":500}`))
	f.Add([]byte(`{"footprint":{"type":"FeatureCollection","features":[]},"crs":"GCJ02"}`))
	f.Add([]byte(`{"footprint":{"type":"Polygon","coordinates":[[[36500000,3800000],[36500100,3800000],[36500100,3800100],[36500000,3800000]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := data.ParseCheckRequest(b)
		if err == nil && req.Footprint.Geometry == nil {
			t.Fatal("a request without a footprint geometry")
		}
	})
}
