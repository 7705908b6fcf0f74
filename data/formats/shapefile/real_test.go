package shapefile

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/testenv"
)

// realDir is ../shared/data/formats seen from this package.
const realDir = "../../../../shared/data/formats"

// realFile returns the path of a real fixture, skipping the test when the shared
// data are absent (failing under CI, where they must be there).
func realFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(realDir, name)
	if _, err := os.Stat(p); err != nil {
		testenv.Missing(t, "the real fixture is absent: "+err.Error())
	}
	return p
}

// inputCode returns the errcode.Error code of err, "" for another error.
func inputCode(err error) errcode.Code { return errcode.Of(err) }

func countHoles(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Polygon:
		return len(g) - 1
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += len(p) - 1
		}
		return n
	}
	return 0
}

func hasWarning(c *vector.Collection, sub string) bool {
	return slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.Contains(w, sub) })
}

// hyd2_4p: GBK text with neither .cpg nor LDID, many holes. The totals below were
// checked against GDAL 3.6.2 (ogr2ogr -oo ENCODING=CP936 to GeoJSON): the same 826
// geometries, ring for ring and vertex for vertex, and the same NAMEs.
func TestReadPathHyd2GBKWithoutCPG(t *testing.T) {
	c, err := ReadPath(realFile(t, "hyd2_4p.shp"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Features) != 826 {
		t.Errorf("features = %d, want 826", len(c.Features))
	}
	if c.CRS != "" || c.Format != "shapefile" {
		t.Errorf("CRS, Format = %q, %q; want \"\", shapefile", c.CRS, c.Format)
	}
	holes, hulun := 0, -1
	for i, f := range c.Features {
		if f.Index != i {
			t.Fatalf("feature %d has Index %d", i, f.Index)
		}
		if _, ok := f.Geometry.(orb.Polygon); !ok {
			t.Fatalf("feature %d is %T, want orb.Polygon", i, f.Geometry)
		}
		holes += countHoles(f.Geometry)
		if f.Properties["NAME"] == "呼伦湖" {
			hulun = i
		}
	}
	if hulun < 0 {
		t.Error("no feature named 呼伦湖: GBK text not decoded")
	}
	if holes != 588 {
		t.Errorf("holes = %d, want 588 (as GDAL assembles them)", holes)
	}
	if !hasWarning(c, "GB18030") {
		t.Errorf("no warning that the encoding was guessed: %q", c.Warnings)
	}
	keys := make([]string, 0)
	for k := range c.Features[0].Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"AREA", "CODE_LAKE", "GBCODE", "HYD2_4M_", "HYD2_4M_ID", "LEVEL_LAKE", "NAME", "PERIMETER"}
	if !slices.Equal(keys, want) {
		t.Errorf("fields = %q, want %q", keys, want)
	}
	if v, ok := c.Features[0].Properties["GBCODE"].(int64); !ok || v != 79200 {
		t.Errorf("GBCODE of feature 0 = %#v, want int64 79200", c.Features[0].Properties["GBCODE"])
	}
}

// ringStats sums what GDAL 3.6.2 reports for the same file (ogr2ogr to GeoJSON):
// polygons, rings, vertices and the sums of the coordinates.
type ringStats struct {
	polys, rings, verts int
	sumX, sumY          float64
}

func statsOf(c *vector.Collection) ringStats {
	var s ringStats
	for _, f := range c.Features {
		var ps orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			ps = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			ps = g
		}
		s.polys += len(ps)
		for _, p := range ps {
			s.rings += len(p)
			for _, r := range p {
				s.verts += len(r)
				for _, v := range r {
					s.sumX += v[0]
					s.sumY += v[1]
				}
			}
		}
	}
	return s
}

func TestRealFilesAsGDALReadsThem(t *testing.T) {
	for name, want := range map[string]ringStats{
		"hyd2_4p.shp": {826, 1414, 91034, 10197323.271454, 3041690.887897},
		"bou2_4p.shp": {925, 978, 91040, 10047100.862129, 3045608.572765},
	} {
		c, err := ReadPath(realFile(t, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := statsOf(c)
		if got.polys != want.polys || got.rings != want.rings || got.verts != want.verts ||
			math.Abs(got.sumX-want.sumX) > 1e-5 || math.Abs(got.sumY-want.sumY) > 1e-5 {
			t.Errorf("%s: %+v, GDAL gives %+v", name, got, want)
		}
	}
}

func TestReadPathBou2(t *testing.T) {
	c, err := ReadPath(realFile(t, "bou2_4p.shp"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Features) != 925 {
		t.Errorf("features = %d, want 925", len(c.Features))
	}
	names := map[any]bool{}
	for _, f := range c.Features {
		names[f.Properties["NAME"]] = true
	}
	if len(names) != 34 || !names["陕西省"] || !names["香港特别行政区"] {
		t.Errorf("%d distinct NAMEs (陕西省 %v), want 34 with 陕西省", len(names), names["陕西省"])
	}
}

// shaanxi_prov: one PolyLineZ, CGCS2000 .prj, LDID 0x4D, a closed boundary line.
func TestReadPathShaanxiPolyLineZ(t *testing.T) {
	p := realFile(t, "shaanxi_prov.shp")
	t.Run("as line", func(t *testing.T) {
		c, err := ReadPath(p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Features) != 1 {
			t.Fatalf("features = %d, want 1", len(c.Features))
		}
		if _, ok := c.Features[0].Geometry.(orb.LineString); !ok {
			t.Errorf("geometry %T, want orb.LineString without ClosedLineAsPolygon", c.Features[0].Geometry)
		}
		// GDAL: one 3-D LineString of 19,505 vertices, closed.
		ls := c.Features[0].Geometry.(orb.LineString)
		sum := 0.0
		for _, p := range ls {
			sum += p[0]
		}
		if len(ls) != 19505 || ls[0] != ls[len(ls)-1] || math.Abs(sum-2127529.5944696) > 1e-6 {
			t.Errorf("line of %d vertices, closed %v, sum of x %.7f; GDAL: 19505, true, 2127529.5944696", len(ls), ls[0] == ls[len(ls)-1], sum)
		}
		if !strings.HasPrefix(c.CRS, `PRJ:GEOGCS["CGCS_2000"`) {
			t.Errorf("CRS = %.40q…, want the .prj WKT", c.CRS)
		}
		if !hasWarning(c, "Z (and M) values dropped") {
			t.Errorf("no Z warning: %q", c.Warnings)
		}
		if hasWarning(c, "guessed") {
			t.Errorf("LDID 0x4D names the encoding, yet a guess is reported: %q", c.Warnings)
		}
		if got := c.Features[0].Properties["NAME"]; got != "陕西省" {
			t.Errorf("NAME = %v, want 陕西省", got)
		}
	})
	for _, opts := range []Options{{ClosedLineAsPolygon: true}, {Polygonize: true}} {
		c, err := ReadPath(p, opts)
		if err != nil {
			t.Fatal(err)
		}
		poly, ok := c.Features[0].Geometry.(orb.Polygon)
		if !ok {
			t.Fatalf("%+v: geometry %T, want orb.Polygon", opts, c.Features[0].Geometry)
		}
		b := poly.Bound()
		if b.Min[0] < 105.4 || b.Min[0] > 105.6 || b.Max[0] < 111.2 || b.Max[0] > 111.4 ||
			b.Min[1] < 31.6 || b.Min[1] > 31.8 || b.Max[1] < 39.5 || b.Max[1] > 39.7 {
			t.Errorf("bbox %v, want Shaanxi's ≈105.5–111.3°E 31.7–39.6°N", b)
		}
		if got := hasWarning(c, "closed boundary line taken as the polygon it bounds"); got != opts.ClosedLineAsPolygon {
			t.Errorf("%+v: closed-line warning %v, want %v (%q)", opts, got, opts.ClosedLineAsPolygon, c.Warnings)
		}
	}
}

func BenchmarkReadHyd2(b *testing.B) {
	dir := realFile(b, "hyd2_4p.shp")
	shp, _ := os.ReadFile(dir)
	shx, _ := os.ReadFile(strings.TrimSuffix(dir, ".shp") + ".shx")
	dbf, _ := os.ReadFile(strings.TrimSuffix(dir, ".shp") + ".dbf")
	b.SetBytes(int64(len(shp) + len(shx) + len(dbf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFiles(shp, shx, dbf, "", "", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
