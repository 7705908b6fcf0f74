package data

import (
	"testing"
	"testing/fstest"
)

// onDisk is the source LoadDir makes for a manifest in dir.
func onDisk(t *testing.T, dir string) source {
	t.Helper()
	src, err := diskSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestSourceName(t *testing.T) {
	src := source{fsys: fstest.MapFS{}, dir: "sets/shaanxi"}
	for _, tc := range []struct {
		path, want string // want "" for an error
	}{
		{"redline.shp", "sets/shaanxi/redline.shp"},
		{"layers/./ecu.geojson", "sets/shaanxi/layers/ecu.geojson"},
		{"../common/rules.yaml", "sets/common/rules.yaml"},
		{"../../top.csv", "top.csv"},
		{"/srv/data/x.gpkg", "srv/data/x.gpkg"},
		{"/../x.gpkg", "x.gpkg"}, // a rooted path cannot climb above the root
		{"../../../x.geojson", ""},
		{"../../..", ""},
	} {
		got, err := src.name(tc.path)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%s: resolved to %q, want an error (it leaves the file system)", tc.path, got)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("%s: got %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	// At the root of the machine's file system, as LoadDir is, a manifest in /
	// names its neighbours without a leading "./".
	if got, err := onDisk(t, "/").name("x.geojson"); err != nil || got != "x.geojson" {
		t.Errorf("at the root: %q, %v", got, err)
	}
}
