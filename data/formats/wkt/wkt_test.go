package wkt

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

func TestReadFixtures(t *testing.T) {
	for _, tc := range []struct {
		file  string
		crs   string
		types []string
		warn  bool
	}{
		{"polygon_hole.wkt", "", []string{"Polygon"}, false},
		{"ewkt_gk_z.wkt", "EPSG:4524", []string{"MultiPolygon"}, true},
		{"several.wkt", "", []string{"LineString", "Point", "GeometryCollection", "MultiPoint", "MultiPoint"}, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Read(b)
			if err != nil {
				t.Fatal(err)
			}
			if c.CRS != tc.crs || c.Format != "wkt" || (len(c.Warnings) > 0) != tc.warn {
				t.Errorf("crs %q format %q warnings %q", c.CRS, c.Format, c.Warnings)
			}
			if len(c.Features) != len(tc.types) {
				t.Fatalf("%d features, want %d", len(c.Features), len(tc.types))
			}
			for i, f := range c.Features {
				if f.Geometry.GeoJSONType() != tc.types[i] || f.Index != i {
					t.Errorf("feature %d: %s index %d, want %s", i, f.Geometry.GeoJSONType(), f.Index, tc.types[i])
				}
			}
		})
	}
}

func TestReadValues(t *testing.T) {
	c, err := Read([]byte("polygon((0 0,10 0,10 10,0 0),(1 1, 2 1, 2 2, 1 1))"))
	if err != nil {
		t.Fatal(err)
	}
	pg := c.Features[0].Geometry.(orb.Polygon)
	if len(pg) != 2 || pg[0][1] != (orb.Point{10, 0}) || pg[1][2] != (orb.Point{2, 2}) {
		t.Errorf("got %v", pg)
	}
	c, err = Read([]byte("SRID=4490;POINT ZM (108.5 34.5 1 2)"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Features[0].Geometry.(orb.Point) != (orb.Point{108.5, 34.5}) || c.CRS != "EPSG:4490" || len(c.Warnings) != 1 {
		t.Errorf("got %v %q %q", c.Features[0].Geometry, c.CRS, c.Warnings)
	}
	c, err = Read([]byte("POINTZ(1e2 -3.5E1 7)"))
	if err != nil || c.Features[0].Geometry.(orb.Point) != (orb.Point{100, -35}) {
		t.Errorf("got %v, %v", c, err)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		code     errcode.Code
		line     int
	}{
		{"empty text", "  \n", errcode.EmptyGeometry, 0},
		{"empty polygon", "POLYGON EMPTY", errcode.EmptyGeometry, 1},
		{"empty Z polygon", "POLYGON Z EMPTY", errcode.EmptyGeometry, 1},
		{"unclosed ring", "POLYGON((0 0, 1 0, 1 1, 0 1))", errcode.InvalidGeometry, 1},
		{"short ring", "POLYGON((0 0, 1 0, 0 0))", errcode.InvalidGeometry, 1},
		{"one-point line", "POINT(1 2)\nLINESTRING(0 0)", errcode.InvalidGeometry, 2},
		{"NaN", "POINT(NaN 1)", errcode.InvalidCoordinates, 1},
		{"unknown type", "CIRCLE(0 0, 1)", errcode.BadRequest, 1},
		{"missing paren", "POLYGON((0 0, 1 0, 1 1, 0 0)", errcode.BadRequest, 1},
		{"garbage number", "POINT(1x 2)", errcode.BadRequest, 1},
		{"one number", "POINT(1)", errcode.BadRequest, 1},
		{"bad srid", "SRID=abc;POINT(1 2)", errcode.BadRequest, 1},
		{"two srids", "SRID=4490;POINT(1 2)\nSRID=4326;POINT(1 2)", errcode.BadRequest, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in))
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("got %v, want code %s", err, tc.code)
			}
			if tc.line > 0 && ie.Details["line"] != tc.line {
				t.Errorf("details %v, want line %d", ie.Details, tc.line)
			}
		})
	}
}

func TestDeepNesting(t *testing.T) {
	s := ""
	for range 100 {
		s += "GEOMETRYCOLLECTION("
	}
	if _, err := Read([]byte(s + "POINT(1 2)")); err == nil {
		t.Fatal("100 nested collections accepted")
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.wkt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("SRID=4490;POINT EMPTY"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read(b)
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(c.Features) == 0 {
			t.Fatal("no features and no error")
		}
		for _, ft := range c.Features {
			if ft.Geometry == nil {
				t.Fatal("nil geometry")
			}
		}
	})
}

func TestReadCSV(t *testing.T) {
	// site_ogr.csv was written by GDAL's ogr2ogr (-lco GEOMETRY=AS_WKT).
	b, err := os.ReadFile("testdata/site_ogr.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !SniffCSV(b) {
		t.Fatal("SniffCSV(ogr2ogr output) = false")
	}
	c, err := ReadCSV(b)
	if err != nil {
		t.Fatal(err)
	}
	pg, ok := c.Features[0].Geometry.(orb.Polygon)
	if len(c.Features) != 1 || !ok || len(pg) != 2 || pg[0][1] != (orb.Point{108.91, 34.20}) || c.Features[0].Properties["name"] != "厂区一期" {
		t.Fatalf("got %+v", c.Features)
	}
	b, err = os.ReadFile("testdata/rows_gbk_semicolon.csv")
	if err != nil {
		t.Fatal(err)
	}
	c, err = ReadCSV(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Features) != 2 || c.Features[1].ID != "2" || c.Features[1].Properties["名称"] != "乙" || c.Features[1].Geometry.GeoJSONType() != "LineString" {
		t.Fatalf("got %+v", c.Features)
	}
	_, err = ReadCSV([]byte("id,wkt\n1,POINT(1 2)\n2,\"POLYGON((0 0,1 0,1 1,0 1))\"\n"))
	var ie *errcode.Error
	if !errors.As(err, &ie) || ie.Code != errcode.InvalidGeometry || ie.Details["line"] != 3 || ie.Details["feature"] != 1 {
		t.Fatalf("got %v %+v", err, ie)
	}
	if SniffCSV([]byte("108.9,34.2\n")) {
		t.Error("SniffCSV(coordinate list) = true")
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, n := range []string{"testdata/site_ogr.csv", "testdata/rows_gbk_semicolon.csv"} {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ReadCSV(b)
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, ft := range c.Features {
			if ft.Geometry == nil {
				t.Fatal("nil geometry")
			}
		}
	})
}
