package formats

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/internal/testenv"
)

// realDir is ../shared/data/formats seen from this package: real third-party
// shapefiles (a CGCS2000 .prj in the Esri form "CGCS_2000"; two national layers
// without .prj).
const realDir = "../../../shared/data/formats"

func realFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(realDir, name)
	if _, err := os.Stat(p); err != nil {
		testenv.Missing(t, "the real fixture is absent: "+err.Error())
	}
	return p
}

// Through the dispatcher and the conversion: the .prj is recognised, the files
// without one are detected as lon/lat, and every vertex lands in China.
func TestRealShapefiles(t *testing.T) {
	for _, tc := range []struct {
		file  string
		min   int // features at least
		crs   string
		warns int
	}{
		{"shaanxi_prov.shp", 1, "EPSG:4490", 0},
		{"bou2_4p.shp", 900, "EPSG:4490", 0},
		{"hyd2_4p.shp", 800, "EPSG:4490", 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			c, err := ReadPath(realFile(t, tc.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			used, warns, err := ToLonLat(c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if used != tc.crs || len(warns) != tc.warns || len(c.Features) < tc.min {
				t.Errorf("used %q warnings %q, %d features", used, warns, len(c.Features))
			}
			b := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
			for _, f := range c.Features {
				if f.Geometry != nil {
					b = b.Union(f.Geometry.Bound())
				}
			}
			if tc.file == "shaanxi_prov.shp" && (b.Min[0] < 105 || b.Max[0] > 112 || b.Min[1] < 31 || b.Max[1] > 40) {
				t.Errorf("Shaanxi's extent %v is not Shaanxi's (about 105.5–111.3°E, 31.7–39.6°N)", b)
			}
		})
	}
}
