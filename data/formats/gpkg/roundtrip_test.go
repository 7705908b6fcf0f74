package gpkg

import (
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/internal/testenv"
)

const realHyd2 = "../../../../shared/data/formats/hyd2_4p.shp"

// hyd2GPKG writes the real hyd2_4p shapefile (826 polygons with holes) into a
// GeoPackage with the test WKB writer and returns its path and the field names. It skips when the shared data are absent (fails under CI).
func hyd2GPKG(t testing.TB) (string, []string) {
	t.Helper()
	if _, err := os.Stat(realHyd2); err != nil {
		testenv.Missing(t, "the real fixture is absent: "+err.Error())
	}
	c, err := shapefile.ReadPath(realHyd2, shapefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for k := range c.Features[0].Properties {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	cols := ""
	for _, f := range fields {
		cols += ", " + quote(f) // no declared type: values kept as given
	}
	rows := make([][]any, len(c.Features))
	for i, f := range c.Features {
		rows[i] = []any{blob(encWKB(f.Geometry, wkbOpt{}), 1<<1, []float64{0, 0, 0, 0}, false)}
		for _, k := range fields {
			rows[i] = append(rows[i], f.Properties[k])
		}
	}
	return makeGPKG(t, []any{4490, "EPSG", 4490, "GEOGCS[...]"}, cols, rows), fields
}

func TestRoundTripHyd2(t *testing.T) {
	p, fields := hyd2GPKG(t)
	want, err := shapefile.ReadPath(realHyd2, shapefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadPath(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.CRS != "EPSG:4490" || len(got.Features) != len(want.Features) {
		t.Fatalf("CRS %q, %d features; want EPSG:4490, %d", got.CRS, len(got.Features), len(want.Features))
	}
	for i := range want.Features {
		g, w := got.Features[i], want.Features[i]
		if !reflect.DeepEqual(g.Geometry, w.Geometry) {
			t.Fatalf("feature %d: geometry differs after the round trip", i)
		}
		for _, k := range fields {
			if !reflect.DeepEqual(g.Properties[k], w.Properties[k]) {
				t.Errorf("feature %d %s = %#v, want %#v", i, k, g.Properties[k], w.Properties[k])
			}
		}
	}
}

func BenchmarkReadHyd2GPKG(b *testing.B) {
	p, _ := hyd2GPKG(b)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPath(p, ""); err != nil {
			b.Fatal(err)
		}
	}
}
