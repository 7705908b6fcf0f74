package gtxt

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo/crs"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixtures' vertices are these lon/lat points projected to EPSG:4524 by GDAL
// 3.6.2 (PROJ 9.1.1) and rounded to the millimetre; reading them back through
// geo/crs must land within 2 mm of where they started.
var (
	outerLL = []orb.Point{{108.90, 34.20}, {108.91, 34.20}, {108.91, 34.21}, {108.90, 34.21}}
	holeLL  = []orb.Point{{108.902, 34.202}, {108.904, 34.202}, {108.904, 34.204}, {108.902, 34.204}}
	triLL   = []orb.Point{{108.95, 34.25}, {108.96, 34.25}, {108.955, 34.26}}
)

func checkRing(t *testing.T, c crs.CRS, got orb.Ring, want []orb.Point) {
	t.Helper()
	if len(got) != len(want)+1 || got[0] != got[len(got)-1] {
		t.Fatalf("ring of %d points, want %d closed", len(got), len(want)+1)
	}
	for i, w := range want {
		lon, lat := c.ToLonLat(got[i][0], got[i][1])
		d := math.Hypot((lon-w[0])*111320*math.Cos(w[1]*math.Pi/180), (lat-w[1])*110574)
		if d > 2e-3 {
			t.Errorf("vertex %d: %.9f,%.9f is %.4f m from %v", i, lon, lat, d, w)
		}
	}
}

func TestReadTwoParcels(t *testing.T) {
	for _, name := range []string{"two_parcels_utf8bom_crlf.txt", "two_parcels_gbk.txt", "cm_series.txt", "no_zone_prefixed.txt"} {
		t.Run(name, func(t *testing.T) {
			col, err := Read(read(t, name))
			if err != nil {
				t.Fatal(err)
			}
			wantCRS := "EPSG:4524"
			if name == "cm_series.txt" {
				wantCRS = "EPSG:4545"
			}
			if col.CRS != wantCRS || col.Format != "gtxt" {
				t.Fatalf("crs %q format %q", col.CRS, col.Format)
			}
			if len(col.Features) != 2 {
				t.Fatalf("%d features, want 2", len(col.Features))
			}
			c, err := crs.Parse(col.CRS)
			if err != nil {
				t.Fatal(err)
			}
			f0 := col.Features[0]
			pg, ok := f0.Geometry.(orb.Polygon)
			if !ok || len(pg) != 2 {
				t.Fatalf("parcel 0: want a polygon with one hole, got %T %v", f0.Geometry, f0.Geometry)
			}
			checkRing(t, c, pg[0], outerLL)
			checkRing(t, c, pg[1], holeLL)
			if f0.ID != "001" || f0.Properties["DKMC"] != "厂区一期" || f0.Properties["DKMJ"] != 10.2053 || f0.Properties["JZDS"] != 10 || f0.Properties["DLBM"] != "0601" {
				t.Errorf("parcel 0 properties %v id %q", f0.Properties, f0.ID)
			}
			tri, ok := col.Features[1].Geometry.(orb.Polygon)
			if !ok || len(tri) != 1 {
				t.Fatalf("parcel 1: %v", col.Features[1].Geometry)
			}
			checkRing(t, c, tri[0], triLL)
			if col.Features[1].Properties["DKYT"] != "仓储用地" || col.Features[1].Index != 1 {
				t.Errorf("parcel 1 properties %v", col.Features[1].Properties)
			}
			if strings.Contains(name, "gbk") != (len(col.Warnings) > 0 && strings.Contains(col.Warnings[0], "GBK")) {
				t.Errorf("warnings %q", col.Warnings)
			}
		})
	}
}

func TestSwappedColumnsAndTrailingComma(t *testing.T) {
	in := "[属性描述]\n坐标系=2000国家大地坐标系\n带号=36\n[地块坐标]\n4,,A,地块,面,,,,@,\n" +
		"1,1,36582952.203,3786212.499\n2,1,36583873.923,3786220.683\n3,1,36583864.018,3787329.996\n1,1,36582952.203,3786212.499\n"
	col, err := Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	pg := col.Features[0].Geometry.(orb.Polygon)
	if pg[0][0] != (orb.Point{36582952.203, 3786212.499}) || col.CRS != "EPSG:4524" || col.Features[0].ID != "A" {
		t.Errorf("got %v crs %q id %q", pg, col.CRS, col.Features[0].ID)
	}
	if !strings.Contains(strings.Join(col.Warnings, "\n"), "swapped") {
		t.Errorf("warnings %q", col.Warnings)
	}
}

func TestLineAndPointRecords(t *testing.T) {
	in := "[地块坐标]\n3,,L1,管线,线,,,,@\n1,1,3786212.499,36582952.203\n2,1,3786220.683,36583873.923\n3,1,3787329.996,36583864.018\n" +
		"1,,P1,井,点,,,,@\n1,1,3786212.499,36582952.203\n"
	col, err := Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if ls, ok := col.Features[0].Geometry.(orb.LineString); !ok || len(ls) != 3 || ls[0] != (orb.Point{36582952.203, 3786212.499}) {
		t.Errorf("线 record: %v", col.Features[0].Geometry)
	}
	if p, ok := col.Features[1].Geometry.(orb.Point); !ok || p != (orb.Point{36582952.203, 3786212.499}) {
		t.Errorf("点 record: %v", col.Features[1].Geometry)
	}
}

func TestUnclosedRingClosedWithWarning(t *testing.T) {
	in := "[地块坐标]\n3,,A,地块,面,,,,@\n1,1,3786212.499,36582952.203\n2,1,3786220.683,36583873.923\n3,1,3787329.996,36583864.018\n"
	col, err := Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if pg := col.Features[0].Geometry.(orb.Polygon); len(pg[0]) != 4 || pg[0][0] != pg[0][3] {
		t.Errorf("got %v", pg)
	}
	if !strings.Contains(strings.Join(col.Warnings, "\n"), "closed it") {
		t.Errorf("warnings %q", col.Warnings)
	}
}

func TestTwoOuterRings(t *testing.T) {
	col, err := Read(read(t, "two_outer_rings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := col.Features[0].Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 2 || len(mp[0]) != 1 || len(mp[1]) != 1 {
		t.Fatalf("want two polygons, got %v", col.Features[0].Geometry)
	}
}

func TestErrors(t *testing.T) {
	good := string(read(t, "two_parcels_utf8bom_crlf.txt"))
	for _, tc := range []struct {
		name string
		in   string
		code errcode.Code
		line int
	}{
		{"unknown datum", strings.Replace(good, "2000国家大地坐标系", "地方坐标系", 1), errcode.UnknownCRS, 5},
		{"zone disagrees with prefix", strings.Replace(good, "带号=36", "带号=37", 1), errcode.InvalidCoordinates, 9},
		{"bad X", strings.Replace(good, "3786220.683", "37862x0.683", 1), errcode.BadRequest, 15},
		{"bad ring number", strings.Replace(good, "J2,1,", "J2,a,", 1), errcode.BadRequest, 15},
		{"short vertex line", strings.Replace(good, "J2,1,3786220.683,36583873.923", "J2,1,3786220.683", 1), errcode.BadRequest, 15},
		{"no parcels", "[属性描述]\n坐标系=2000国家大地坐标系\n[地块坐标]\n", errcode.EmptyGeometry, 0},
		{"vertex before record", "[地块坐标]\nJ1,1,1,1\n", errcode.BadRequest, 2},
		{"record without vertices", "[地块坐标]\n0,0,001,x,面,,,,@\n", errcode.EmptyGeometry, 2},
		{"two-point ring", "[地块坐标]\n2,0,001,x,面,,,,@\nJ1,1,3786212.499,36582952.203\nJ2,1,3786220.683,36583873.923\n", errcode.InvalidGeometry, 3},
		{"undecodable", "[地块坐标]\n\xff\xff\xff,@\n", errcode.UndecodableText, 2},
		{"text before sections", "hello\n[地块坐标]\n", errcode.BadRequest, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in))
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if tc.line > 0 && ie.Details["line"] != tc.line {
				t.Errorf("details %v, want line %d (%s)", ie.Details, tc.line, ie.Message)
			}
		})
	}
}

// Xi'an 1980 and Beijing 1954 files are read, with the EPSG code of their grid
// (checked with gdalsrsinfo: 2360 "Xian 1980 / 3-degree Gauss-Kruger zone 36", 2412
// "Beijing 1954 / 3-degree Gauss-Kruger zone 36"), which geo/crs refuses unless the
// caller declares the CRS with datum parameters.
func TestOlderDatums(t *testing.T) {
	good := string(read(t, "two_parcels_utf8bom_crlf.txt"))
	for _, tc := range []struct {
		name, in, code string
	}{
		{"xian 1980", string(read(t, "xian80.txt")), "EPSG:2360"},
		{"beijing 1954", strings.Replace(good, "2000国家大地坐标系", "1954北京坐标系", 1), "EPSG:2412"},
		{"xian CM series", strings.ReplaceAll(strings.Replace(good, "2000国家大地坐标系", "1980西安坐标系", 1), ",36", ","), "EPSG:2381"},
		{"beijing 6°", strings.Replace(strings.Replace(strings.ReplaceAll(good, ",36", ",19"), "2000国家大地坐标系", "北京54", 1), "几度分带=3", "几度分带=6", 1), "EPSG:21419"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if tc.code == "EPSG:21419" {
				in = strings.Replace(in, "带号=36", "带号=19", 1)
			}
			col, err := Read([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if col.CRS != tc.code || !strings.Contains(strings.Join(col.Warnings, "\n"), "datum transformation") {
				t.Errorf("crs %q warnings %q", col.CRS, col.Warnings)
			}
			if _, err := crs.Parse(col.CRS); !errors.Is(err, crs.ErrUnsupported) {
				t.Errorf("crs.Parse(%s) = %v, want unsupported", col.CRS, err)
			}
		})
	}
}

func TestNoZoneNoPrefix(t *testing.T) {
	in := strings.Replace(string(read(t, "cm_series.txt")), "带号=36\n", "", 1)
	col, err := Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	// The reader cannot know the central meridian: it says so and leaves the CRS
	// empty, so that the dispatcher refuses unless the user declares one.
	if col.CRS != "" || len(col.Warnings) == 0 {
		t.Errorf("crs %q warnings %q", col.CRS, col.Warnings)
	}
}

func TestSniff(t *testing.T) {
	for _, name := range []string{"two_parcels_utf8bom_crlf.txt", "two_parcels_gbk.txt", "xian80.txt"} {
		if !Sniff(read(t, name)) {
			t.Errorf("Sniff(%s) = false", name)
		}
	}
	if Sniff([]byte("108.9,34.2\n")) {
		t.Error("Sniff(coordinate list) = true")
	}
	if Sniff([]byte(`{"type":"Feature","properties":{"note":"[地块坐标]"}}`)) {
		t.Error("Sniff(GeoJSON mentioning a marker) = true")
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		col, err := Read(b)
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(col.Features) == 0 {
			t.Fatal("no features and no error")
		}
		for _, ft := range col.Features {
			switch g := ft.Geometry.(type) {
			case orb.Polygon:
				for _, r := range g {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("unclosed ring %v", r)
					}
				}
			case orb.MultiPolygon, orb.LineString, orb.MultiLineString, orb.Point, orb.MultiPoint:
			default:
				t.Fatalf("geometry %T", ft.Geometry)
			}
		}
		if col.CRS != "" {
			if _, err := crs.Parse(col.CRS); err != nil && !errors.Is(err, crs.ErrUnsupported) {
				t.Fatalf("CRS %q does not parse: %v", col.CRS, err)
			}
		}
	})
}

func BenchmarkRead(b *testing.B) {
	in, err := os.ReadFile("testdata/two_parcels_gbk.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(in); err != nil {
			b.Fatal(err)
		}
	}
}
