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
