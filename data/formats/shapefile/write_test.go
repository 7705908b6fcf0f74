package shapefile

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/planar"
)

// Write then read: the real hyd2_4p comes back ring for ring (orientation as the
// format wants), with the same attributes.
func TestWriteRoundTripHyd2(t *testing.T) {
	want, err := ReadPath(realFile(t, "hyd2_4p.shp"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Write(want.Features, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFiles(files.SHP, files.SHX, files.DBF, files.PRJ, files.CPG, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Features) != len(want.Features) {
		t.Fatalf("%d features back, want %d", len(got.Features), len(want.Features))
	}
	for i := range want.Features {
		g, w := got.Features[i], want.Features[i]
		if !sameRings(g.Geometry, w.Geometry) {
			t.Fatalf("feature %d: rings differ after the round trip", i)
		}
		if !reflect.DeepEqual(g.Properties, w.Properties) {
			t.Fatalf("feature %d: %v, want %v", i, g.Properties, w.Properties)
		}
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings %q", got.Warnings)
	}
}

// sameRings compares polygons ring by ring: vertex count and absolute area.
func sameRings(a, b orb.Geometry) bool {
	flat := func(g orb.Geometry) []orb.Ring {
		var out []orb.Ring
		switch g := g.(type) {
		case orb.Polygon:
			out = append(out, g...)
		case orb.MultiPolygon:
			for _, p := range g {
				out = append(out, p...)
			}
		}
		return out
	}
	ra, rb := flat(a), flat(b)
	if len(ra) != len(rb) || len(ra) == 0 {
		return false
	}
	for i := range ra {
		if len(ra[i]) != len(rb[i]) || math.Abs(planar.SignedArea(ra[i])) != math.Abs(planar.SignedArea(rb[i])) {
			return false
		}
	}
	return true
}

func TestWriteKinds(t *testing.T) {
	ccwShell := orb.Ring(square(0, 0, 10, false))
	cwHole := orb.Ring(square(2, 2, 2, true))
	tests := []struct {
		name string
		in   []orb.Geometry
		want []orb.Geometry
	}{
		{"points with a null", []orb.Geometry{orb.Point{1, 2}, nil, orb.Point{3, 4}}, []orb.Geometry{orb.Point{1, 2}, orb.Point{3, 4}}},
		{"multipoints", []orb.Geometry{orb.MultiPoint{{1, 2}, {3, 4}}}, []orb.Geometry{orb.MultiPoint{{1, 2}, {3, 4}}}},
		{"lines", []orb.Geometry{orb.LineString{{1, 2}, {3, 4}}, orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}},
			[]orb.Geometry{orb.LineString{{1, 2}, {3, 4}}, orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}}},
		{"polygon wound the GeoJSON way", []orb.Geometry{orb.Polygon{ccwShell, cwHole}},
			[]orb.Geometry{orb.Polygon{orb.Ring(reverse(ccwShell)), orb.Ring(reverse(cwHole))}}},
		{"multipolygon", []orb.Geometry{orb.MultiPolygon{{ccwShell}, {orb.Ring(square(20, 0, 1, false))}}},
			[]orb.Geometry{orb.MultiPolygon{{orb.Ring(reverse(ccwShell))}, {orb.Ring(reverse(square(20, 0, 1, false)))}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := make([]vector.Feature, len(tt.in))
			for i, g := range tt.in {
				fs[i] = vector.Feature{Geometry: g, Properties: map[string]any{"i": i}}
			}
			files, err := Write(fs, `GEOGCS["CGCS_2000"]`)
			if err != nil {
				t.Fatal(err)
			}
			z, err := files.Zip("out")
			if err != nil {
				t.Fatal(err)
			}
			c, err := ReadZip(z, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := geometries(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
			if c.CRS != `PRJ:GEOGCS["CGCS_2000"]` {
				t.Errorf("CRS %q", c.CRS)
			}
		})
	}
}

func TestWriteAttributes(t *testing.T) {
	fs := []vector.Feature{
		{Geometry: orb.Point{1, 1}, Properties: map[string]any{"保护区名称字段": "秦岭国家级自然保护区", "n": int64(3), "x": 2.5, "ok": true, "mixed": 1}},
		{Geometry: orb.Point{2, 2}, Properties: map[string]any{"保护区名称字段": nil, "n": nil, "x": int64(7), "ok": false, "mixed": "a"}},
		{Geometry: orb.Point{3, 3}, Properties: map[string]any{"保护区名称字段": "短", "保护区名称字段2": "dup", "n": int64(-12)}},
	}
	files, err := Write(fs, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadFiles(files.SHP, files.SHX, files.DBF, "", files.CPG, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"保护区": "秦岭国家级自然保护区", "保护_1": nil, "n": int64(3), "x": 2.5, "ok": true, "mixed": "1"},
		{"保护区": nil, "保护_1": nil, "n": nil, "x": 7.0, "ok": false, "mixed": "a"},
		{"保护区": "短", "保护_1": "dup", "n": int64(-12), "x": nil, "ok": nil, "mixed": nil},
	}
	for i, f := range c.Features {
		if !reflect.DeepEqual(f.Properties, want[i]) {
			t.Errorf("feature %d = %#v\nwant %#v", i, f.Properties, want[i])
		}
	}
	if _, err := Write([]vector.Feature{{Geometry: orb.Point{1, 1}}, {Geometry: orb.LineString{{1, 1}, {2, 2}}}}, ""); err == nil ||
		!strings.Contains(err.Error(), "feature 1") {
		t.Errorf("mixed shape types: err = %v", err)
	}
	if _, err := Write([]vector.Feature{{Geometry: orb.Collection{}}}, ""); err == nil {
		t.Error("a collection was written")
	}
}

// Dev aid: SHAPEFILE_WRITE_DIR=dir writes a sample for checking with ogrinfo.
func TestWriteSample(t *testing.T) {
	dir := os.Getenv("SHAPEFILE_WRITE_DIR")
	if dir == "" {
		t.Skip("SHAPEFILE_WRITE_DIR not set")
	}
	files, err := Write([]vector.Feature{{Geometry: orb.Polygon{orb.Ring(square(108, 34, 1, false)), orb.Ring(square(108.2, 34.2, 0.2, true))},
		Properties: map[string]any{"名称": "测试", "面积": 1.25, "n": int64(5)}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for ext, b := range map[string][]byte{".shp": files.SHP, ".shx": files.SHX, ".dbf": files.DBF, ".cpg": []byte(files.CPG)} {
		if err := os.WriteFile(dir+"/sample"+ext, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
