package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// The site every fixture in testdata/ holds: a square with a square hole near
// Xi'an, in lon/lat (CGCS2000). The fixtures were written from site_4490.geojson
// by independent tools: GDAL 3.6.2 / PROJ 9.1.1 (ogr2ogr to EPSG:4524 shapefile,
// EPSG:4545 GeoPackage, EWKT and KML; the 国土 TXT and coordinate lists carry the
// same GDAL numbers) and a Python transcription of the published GCJ-02/BD-09
// forward formulas (site_gcj02.ovkml, site_bd09.txt).
var site = []orb.Point{
	{108.90, 34.20}, {108.91, 34.20}, {108.91, 34.21}, {108.90, 34.21},
	{108.902, 34.202}, {108.904, 34.202}, {108.904, 34.204}, {108.902, 34.204},
}

func metres(a, b orb.Point) float64 {
	return math.Hypot((a[0]-b[0])*111320*math.Cos(b[1]*math.Pi/180), (a[1]-b[1])*110574)
}

// vertices lists the distinct vertices of g.
func vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	_ = walk(&g, func(p *orb.Point, _, _, _ int) error {
		out = append(out, *p)
		return nil
	})
	return out
}

func readFixture(t *testing.T, name string, opts Options) *vector.Collection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Name == "" {
		opts.Name = name
	}
	c, err := Read(b, opts)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return c
}

func TestSiteInEveryFormat(t *testing.T) {
	for _, tc := range []struct {
		file    string
		opts    Options
		format  string
		crs     string
		tolM    float64
		warning string // a word the warnings must contain, "" for none required
	}{
		{"site_4490.geojson", Options{}, "geojson", "EPSG:4490", 1e-6, ""},
		{"site_4524.zip", Options{}, "shapefile", "EPSG:4524", 1e-3, ""},
		{"site_4545.gpkg", Options{}, "gpkg", "EPSG:4545", 1e-3, ""},
		{"site_4524.wkt", Options{}, "wkt", "EPSG:4524", 1e-3, ""},
		{"site_4326.kml", Options{}, "kml", "EPSG:4326", 1e-3, ""},
		{"site_gk_gbk.txt", Options{}, "gtxt", "EPSG:4524", 2e-3, ""},
		{"site_gcj02.ovkml", Options{}, "ovkml", "GCJ02", 1e-3, ""},
		{"site_bd09.txt", Options{}, "coords", "BD09", 1e-3, ""},
		{"site_xy_4524.csv", Options{}, "coords", "EPSG:4524", 1e-3, "northing,easting"},
		{"site_xy_cm108.csv", Options{CRS: "EPSG:4545"}, "coords", "EPSG:4545", 1e-3, "northing,easting"},
		{"site_xy_cm108.csv", Options{CRS: "CGCS2000 3 degree CM 108"}, "coords", "EPSG:4545", 1e-3, "northing,easting"},
	} {
		t.Run(tc.file+"/"+tc.opts.CRS, func(t *testing.T) {
			c := readFixture(t, tc.file, tc.opts)
			if c.Format != tc.format {
				t.Errorf("format %q, want %q", c.Format, tc.format)
			}
			used, warns, err := ToLonLat(c, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if used != tc.crs || c.CRS != "EPSG:4490" {
				t.Errorf("used %q (collection now %q), want %q", used, c.CRS, tc.crs)
			}
			if tc.warning != "" && !strings.Contains(strings.Join(warns, "\n"), tc.warning) {
				t.Errorf("warnings %q lack %q", warns, tc.warning)
			}
			got := vertices(c.Features[0].Geometry)
			worst := 0.0
			for _, w := range site {
				best := math.Inf(1)
				for _, g := range got {
					best = math.Min(best, metres(g, w))
				}
				if best > tc.tolM {
					t.Errorf("vertex %v: nearest converted vertex %.4f m away (tolerance %g m)", w, best, tc.tolM)
				}
				worst = math.Max(worst, best)
			}
			t.Logf("%s as %s: worst vertex %.2g m from the original", tc.file, used, worst)
		})
	}
}

func TestDetectionWarnsAndRefuses(t *testing.T) {
	// The GK list without a declared CRS is taken as zone 36 from its prefix, says so.
	c := readFixture(t, "site_xy_4524.csv", Options{})
	used, warns, err := ToLonLat(c, Options{})
	if err != nil || used != "EPSG:4524" || len(warns) != 1 || !strings.Contains(warns[0], "zone prefix 36") {
		t.Errorf("used %q warnings %q err %v", used, warns, err)
	}
	// The same without the zone prefix cannot be placed.
	c = readFixture(t, "site_xy_cm108.csv", Options{})
	_, _, err = ToLonLat(c, Options{})
	wantCode(t, err, errcode.UnknownCRS)
}

func wantCode(t *testing.T, err error, code errcode.Code) *errcode.Error {
	t.Helper()
	var ie *errcode.Error
	if !errors.As(err, &ie) || ie.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	return ie
}

func TestToLonLatErrors(t *testing.T) {
	poly := func(pts ...orb.Point) orb.Polygon { return orb.Polygon{append(orb.Ring(pts), pts[0])} }
	for _, tc := range []struct {
		name   string
		c      vector.Collection
		opts   Options
		code   errcode.Code
		detail map[string]any
	}{
		{"lat lon swapped", vector.Collection{Features: []vector.Feature{{Geometry: poly(orb.Point{34.2, 108.9}, orb.Point{34.2, 109}, orb.Point{34.3, 109})}}},
			Options{}, errcode.InvalidCoordinates, nil},
		{"lat lon swapped, declared", vector.Collection{CRS: "EPSG:4490", Features: []vector.Feature{{Geometry: orb.Point{34.2, 108.9}}}},
			Options{}, errcode.InvalidCoordinates, nil},
		{"NaN names feature and vertex", vector.Collection{Features: []vector.Feature{
			{Index: 0, Geometry: orb.Point{108.9, 34.2}},
			{Index: 1, Geometry: orb.MultiPolygon{poly(orb.Point{108.9, 34.2}, orb.Point{109, 34.2}, orb.Point{109, 34.3}), {{{108.9, 34.2}, {109, 34.2}, {math.NaN(), 34.3}, {108.9, 34.2}}}}}}},
			Options{}, errcode.InvalidCoordinates, map[string]any{"feature": 1, "part": 1, "ring": 0, "vertex": 2}},
		{"Paris", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{2.35, 48.85}}}}, Options{}, errcode.InvalidCoordinates, nil},
		{"declared but outside China", vector.Collection{CRS: "EPSG:4326", Features: []vector.Feature{{Index: 3, Geometry: orb.LineString{{108.9, 34.2}, {2.35, 48.85}}}}},
			Options{}, errcode.InvalidCoordinates, map[string]any{"feature": 3, "vertex": 1}},
		{"one bad record among good ones", vector.Collection{Features: []vector.Feature{
			{Index: 0, Geometry: orb.Point{108.9, 34.2}}, {Index: 1, Geometry: orb.Point{109, 34.3}}, {Index: 2, Geometry: orb.Point{0, 0}}}},
			Options{}, errcode.InvalidCoordinates, map[string]any{"feature": 2}},
		{"two GK zones", vector.Collection{Features: []vector.Feature{
			{Index: 0, Geometry: orb.Point{36582952, 3786212}}, {Index: 1, Geometry: orb.Point{37400000, 3786212}}}},
			Options{}, errcode.InvalidCoordinates, map[string]any{"feature": 1}},
		{"GK numbers declared as lon/lat", vector.Collection{CRS: "EPSG:4490", Features: []vector.Feature{{Geometry: orb.Point{36582952, 3786212}}}},
			Options{}, errcode.InvalidCoordinates, nil},
		{"lon/lat declared as GK", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}}, Options{CRS: "EPSG:4524"}, errcode.InvalidCoordinates, nil},
		{"xian declared", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}}, Options{CRS: "EPSG:2383"}, errcode.UnsupportedCRS, nil},
		{"unknown declared", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}}, Options{CRS: "EPSG:1"}, errcode.UnknownCRS, nil},
		{"prefixed CRS, unprefixed numbers", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{582952, 3786212}}}}, Options{CRS: "EPSG:4524"}, errcode.InvalidCoordinates, nil},
		{"bad PRJ", vector.Collection{CRS: "PRJ:GEOGCS[", Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}}, Options{}, errcode.UnknownCRS, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			_, _, err := ToLonLat(&c, tc.opts)
			ie := wantCode(t, err, tc.code)
			for k, v := range tc.detail {
				if ie.Details[k] != v {
					t.Errorf("details %v, want %s=%v (%s)", ie.Details, k, v, ie.Message)
				}
			}
		})
	}
}

func TestDeclaredOverrides(t *testing.T) {
	// A CM-variant declaration for prefixed numbers is corrected, with a warning.
	c := &vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{36582952.2033312, 3786212.49903296}}}}
	used, warns, err := ToLonLat(c, Options{CRS: "EPSG:4545"})
	if err != nil || used != "EPSG:4524" || len(warns) != 1 {
		t.Fatalf("used %q warnings %q err %v", used, warns, err)
	}
	if d := metres(c.Features[0].Geometry.(orb.Point), site[0]); d > 1e-3 {
		t.Errorf("converted %v is %.4f m off", c.Features[0].Geometry, d)
	}
	// The declaration beats the file's own CRS and says so.
	c = &vector.Collection{CRS: "EPSG:4326", Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}}
	used, warns, err = ToLonLat(c, Options{CRS: "GCJ02"})
	if err != nil || used != "GCJ02" || len(warns) != 1 {
		t.Fatalf("used %q warnings %q err %v", used, warns, err)
	}
	if p := c.Features[0].Geometry.(orb.Point); metres(p, orb.Point{108.9, 34.2}) < 100 {
		t.Errorf("GCJ-02 declaration did not shift %v", p)
	}
}

func TestReadDispatch(t *testing.T) {
	for _, tc := range []struct {
		name, in, filename, format string
		code                       errcode.Code
	}{
		{"wkt", "POINT(108.9 34.2)", "", "wkt", ""},
		{"ewkt", "SRID=4490;POINT(108.9 34.2)", "", "wkt", ""},
		{"coords", "108.9,34.2\n109,34.3", "", "coords", ""},
		{"csv with wkt", "id,WKT\n1,POINT (108.9 34.2)\n", "a.csv", "wkt", ""},
		{"kml", `<?xml version="1.0"?><kml><Placemark><Point><coordinates>108.9,34.2</coordinates></Point></Placemark></kml>`, "", "kml", ""},
		{"ovkml by name", `<kml><Placemark><Point><coordinates>108.9,34.2</coordinates></Point></Placemark></kml>`, "x.ovkml", "ovkml", ""},
		{"gtxt", "[地块坐标]\n4,0,1,a,面,,,,@\nJ1,1,3786212.499,36582952.203\nJ2,1,3786220.683,36583873.923\nJ3,1,3787329.996,36583864.018\nJ1,1,3786212.499,36582952.203\n", "", "gtxt", ""},
		{"empty", "", "", "", errcode.EmptyGeometry},
		{"gpx", `<?xml version="1.0"?><gpx></gpx>`, "", "", errcode.UnsupportedMedia},
		{"binary", "\x00\x01\x02\x03garbage", "", "", errcode.UnsupportedMedia},
		{"prose", "这是一段说明文字，不是坐标。\nhello", "", "", errcode.UnsupportedMedia},
		{"dxf without entities", "  0\nSECTION\n  2\nHEADER\n", "", "", errcode.EmptyGeometry},
		{"dxf", "0\r\nSECTION\r\n2\r\nENTITIES\r\n0\r\nCIRCLE\r\n8\r\n红线\r\n10\r\n108.9\r\n20\r\n34.2\r\n40\r\n1\r\n0\r\nENDSEC\r\n0\r\nEOF\r\n", "", "dxf", ""},
		{"binary dxf", "AutoCAD Binary DXF\r\n\x1a\x00\x00\x00SECTION", "a.dxf", "", errcode.UnsupportedMedia},
		{"dwg", "AC1032\x00\x00\x00", "a.dwg", "", errcode.UnsupportedMedia},
		{"lone shp", "\x00\x00\x27\x0a\x00\x00", "a.shp", "", errcode.InvalidArchive},
		{"zip without shapefile or kml", zipWith(t, "readme.txt"), "", "", errcode.InvalidArchive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.in), Options{Name: tc.filename})
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tc.format {
				t.Errorf("format %q, want %q", c.Format, tc.format)
			}
		})
	}
}

func TestUTF16AndFileNames(t *testing.T) {
	// Windows Notepad's "Unicode": UTF-16LE with a BOM.
	in := "\ufeff108.9,34.2\r\n109,34.3\r\n"
	u := []byte{}
	for _, r := range in {
		u = append(u, byte(r), byte(r>>8))
	}
	c, err := Read(u, Options{})
	if err != nil || c.Format != "coords" || !orb.Equal(c.Features[0].Geometry, orb.LineString{{108.9, 34.2}, {109, 34.3}}) {
		t.Fatalf("UTF-16 list: %v, %v", c, err)
	}
	_, err = Read([]byte("POLYGON((0 0, 1 0, 1 1))"), Options{Name: "site.wkt"})
	ie := wantCode(t, err, errcode.InvalidGeometry)
	if ie.Details["file"] != "site.wkt" || !strings.HasPrefix(ie.Message, "site.wkt: ") {
		t.Errorf("details %v message %q", ie.Details, ie.Message)
	}
}

func TestClosedLineAsPolygon(t *testing.T) {
	in := `<kml><Placemark><LineString><coordinates>108.9,34.2 109,34.2 109,34.3 108.9,34.2</coordinates></LineString></Placemark>
<Placemark><LineString><coordinates>108.9,34.2 109,34.2</coordinates></LineString></Placemark></kml>`
	c, err := Read([]byte(in), Options{ClosedLineAsPolygon: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Features[0].Geometry.(orb.Polygon); !ok {
		t.Errorf("closed line: %T", c.Features[0].Geometry)
	}
	if _, ok := c.Features[1].Geometry.(orb.LineString); !ok {
		t.Errorf("open line: %T", c.Features[1].Geometry)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "feature 0") {
		t.Errorf("warnings %q", c.Warnings)
	}
	c, err = Read([]byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Features[0].Geometry.(orb.LineString); !ok {
		t.Errorf("without the option: %T", c.Features[0].Geometry)
	}
}

func TestReadPath(t *testing.T) {
	c, err := ReadPath(filepath.Join("testdata", "site_4545.gpkg"), Options{})
	if err != nil || c.Format != "gpkg" || len(c.Features) != 1 {
		t.Fatalf("gpkg: %v, %v", c, err)
	}
	c, err = ReadPath(filepath.Join("testdata", "site_gcj02.ovkml"), Options{})
	if err != nil || c.Format != "ovkml" || c.CRS != "GCJ02" {
		t.Fatalf("ovkml by path: %+v, %v", c, err)
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b, filepath.Base(p))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		c, err := Read(b, Options{Name: name, MaxUncompressed: 1 << 20})
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if _, _, err := ToLonLat(c, Options{}); err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("conversion error without a code: %v", err)
			}
			return
		}
		for _, ft := range c.Features {
			g := ft.Geometry
			_ = walk(&g, func(p *orb.Point, _, _, _ int) error {
				if p[0] < 73 || p[0] > 136 || p[1] < 3 || p[1] > 54 {
					t.Fatalf("converted vertex %v outside China", *p)
				}
				return nil
			})
		}
	})
}

func zipWith(t *testing.T, names ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// A 1980西安坐标系 file is refused until the user declares the datum parameters;
// then its first vertex lands where PROJ 9.1.1 puts it (gdaltransform -s_srs
// "<the same PROJ string>" -t_srs "+proj=longlat +ellps=GRS80 +towgs84=0,0,0").
func TestXian80WithParameters(t *testing.T) {
	c := readFixture(t, "site_xian80.txt", Options{})
	_, _, err := ToLonLat(c, Options{})
	ie := wantCode(t, err, errcode.UnsupportedCRS)
	if !strings.Contains(ie.Message, "+towgs84") {
		t.Errorf("message does not say how to give parameters: %s", ie.Message)
	}
	const def = "+proj=tmerc +lat_0=0 +lon_0=108 +k=1 +x_0=36500000 +y_0=0 +ellps=IAU76 +towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1 +units=m"
	c = readFixture(t, "site_xian80.txt", Options{CRS: def})
	used, warns, err := ToLonLat(c, Options{CRS: def})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(used, "+towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1") || len(warns) != 1 {
		t.Errorf("used %q warnings %q", used, warns)
	}
	got := c.Features[0].Geometry.(orb.Polygon)[0][0]
	if d := metres(got, orb.Point{108.900194781937, 34.199894570861}); d > 1e-3 {
		t.Errorf("first vertex %v is %.4f m from PROJ's", got, d)
	}
}

// Converting a large Gauss-Krüger layer: the cost per vertex is the projection's.
func BenchmarkToLonLatGK(b *testing.B) {
	const n = 100_000
	ls := make(orb.LineString, n)
	for i := range ls {
		ls[i] = orb.Point{36582952 + float64(i%1000), 3786212 + float64(i/1000)}
	}
	b.ReportAllocs()
	for b.Loop() {
		c := &vector.Collection{CRS: "EPSG:4524", Features: []vector.Feature{{Geometry: append(orb.LineString(nil), ls...)}}}
		if _, _, err := ToLonLat(c, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestResolveContradictsDeclared: numbers that contradict a declared CRS are
// refused by Resolve itself, whole, before any vertex is converted — not by the
// per-vertex policy that would otherwise catch some of them.
func TestResolveContradictsDeclared(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    vector.Collection
		opts Options
		want string
	}{
		{"lat/lon declared lon/lat", vector.Collection{CRS: "EPSG:4490", Features: []vector.Feature{{Geometry: orb.Point{34.2, 108.9}}}},
			Options{}, "takes longitude first"},
		{"GK declared lon/lat", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{36582952, 3786212}}}},
			Options{CRS: "EPSG:4490"}, "look like Gauss-Krüger metres (CGCS2000 3° Gauss-Krüger zone 36 (EPSG:4524))"},
		{"lon/lat declared GK", vector.Collection{Features: []vector.Feature{{Geometry: orb.Point{108.9, 34.2}}}},
			Options{CRS: "EPSG:4524"}, "look like longitude/latitude but declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			_, err := Resolve(&c, tc.opts)
			ie := wantCode(t, err, errcode.InvalidCoordinates)
			if !strings.Contains(ie.Message, tc.want) {
				t.Errorf("message %q, want it to say %q", ie.Message, tc.want)
			}
		})
	}
}
