package kml

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sites.kml was checked with GDAL's ogrinfo (3.6.2): 5 Placemarks, one without
// geometry, in two folders.
func TestReadSites(t *testing.T) {
	for _, tc := range []struct {
		file   string
		kmz    bool
		ovital bool
		format string
		crs    string
	}{
		{"sites.kml", false, false, "kml", "EPSG:4326"},
		{"sites_gbk.kml", false, false, "kml", "EPSG:4326"},
		{"sites.kmz", true, false, "kmz", "EPSG:4326"},
		{"sites.ovkmz", true, true, "ovkmz", "GCJ02"},
		{"sites.kml", false, true, "ovkml", "GCJ02"},
	} {
		t.Run(tc.format+"/"+tc.file, func(t *testing.T) {
			b := read(t, tc.file)
			var c *vector.Collection
			var err error
			if tc.kmz {
				c, err = ReadKMZ(b, Options{Ovital: tc.ovital})
			} else {
				c, err = Read(b, Options{Ovital: tc.ovital})
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Format != tc.format || c.CRS != tc.crs {
				t.Errorf("format %q crs %q", c.Format, c.CRS)
			}
			if len(c.Features) != 4 {
				t.Fatalf("%d features, want 4", len(c.Features))
			}
			f := c.Features[0]
			pg, ok := f.Geometry.(orb.Polygon)
			if !ok || len(pg) != 2 || pg[0][1] != (orb.Point{108.91, 34.20}) || pg[1][0] != (orb.Point{108.902, 34.202}) {
				t.Errorf("feature 0: %v", f.Geometry)
			}
			if f.ID != "pm1" || f.Properties["name"] != "厂区一期" || f.Properties["DKBH"] != "001" || f.Properties["DKMJ"] != "10.2053" ||
				!strings.Contains(f.Properties["description"].(string), "工业") {
				t.Errorf("feature 0 id %q properties %v", f.ID, f.Properties)
			}
			if mp, ok := c.Features[1].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
				t.Errorf("feature 1: %v", c.Features[1].Geometry)
			}
			if ls, ok := c.Features[2].Geometry.(orb.LineString); !ok || len(ls) != 2 {
				t.Errorf("feature 2: %v", c.Features[2].Geometry)
			}
			if p, ok := c.Features[3].Geometry.(orb.Point); !ok || p != (orb.Point{108.93, 34.23}) || c.Features[3].Index != 3 {
				t.Errorf("feature 3: %v index %d", c.Features[3].Geometry, c.Features[3].Index)
			}
			joined := strings.Join(c.Warnings, "\n")
			if !strings.Contains(joined, "no geometry") || !strings.Contains(joined, "altitudes") || tc.ovital != strings.Contains(joined, "GCJ-02") {
				t.Errorf("warnings %q", c.Warnings)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	wrap := func(s string) string {
		return `<kml xmlns="http://www.opengis.net/kml/2.2"><Document>` + s + `</Document></kml>`
	}
	for _, tc := range []struct {
		name, in string
		code     errcode.Code
	}{
		{"not xml", "hello", errcode.UnsupportedMedia},
		{"not kml", `<?xml version="1.0"?><gpx></gpx>`, errcode.UnsupportedMedia},
		{"no placemarks", wrap(""), errcode.EmptyGeometry},
		{"bad coordinate", wrap(`<Placemark><Point><coordinates>abc,1</coordinates></Point></Placemark>`), errcode.BadRequest},
		{"NaN", wrap(`<Placemark><Point><coordinates>NaN,1</coordinates></Point></Placemark>`), errcode.InvalidCoordinates},
		{"short ring", wrap(`<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>1,1 2,2 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`), errcode.InvalidGeometry},
		{"polygon without outer", wrap(`<Placemark><Polygon></Polygon></Placemark>`), errcode.InvalidGeometry},
		{"two geometries", wrap(`<Placemark><Point><coordinates>1,1</coordinates></Point><Point><coordinates>1,1</coordinates></Point></Placemark>`), errcode.InvalidGeometry},
		{"truncated", wrap(`<Placemark><Point><coordinates>1,1`)[:60], errcode.BadRequest},
		{"unknown charset", `<?xml version="1.0" encoding="EBCDIC"?><kml/>`, errcode.BadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in), Options{})
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

func TestUnclosedRingClosed(t *testing.T) {
	c, err := Read([]byte(`<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>1,1 2,1 2,2</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pg := c.Features[0].Geometry.(orb.Polygon); len(pg[0]) != 4 || pg[0][3] != (orb.Point{1, 1}) {
		t.Errorf("got %v", pg)
	}
	if len(c.Warnings) != 1 {
		t.Errorf("warnings %q", c.Warnings)
	}
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestKMZLimits(t *testing.T) {
	doc := read(t, "sites.kml")
	// 4 MiB of blanks inside a valid document: compresses about 1000:1.
	bomb := append(append([]byte(nil), doc[:len(doc)-7]...), bytes.Repeat([]byte(" "), 4<<20)...)
	bomb = append(bomb, []byte("</kml>\n")...)
	for _, tc := range []struct {
		name string
		zip  []byte
		opts Options
		code errcode.Code
	}{
		{"zip slip", zipOf(t, map[string][]byte{"../../etc/doc.kml": doc}), Options{}, errcode.InvalidArchive},
		{"absolute", zipOf(t, map[string][]byte{"/tmp/doc.kml": doc}), Options{}, errcode.InvalidArchive},
		{"no kml", zipOf(t, map[string][]byte{"a.txt": []byte("x")}), Options{}, errcode.InvalidArchive},
		{"not a zip", []byte("PK\x03\x04garbage"), Options{}, errcode.InvalidArchive},
		{"too large", zipOf(t, map[string][]byte{"doc.kml": bomb}), Options{MaxUncompressed: 1 << 20}, errcode.PayloadTooLarge},
		{"ratio", zipOf(t, map[string][]byte{"doc.kml": bomb}), Options{}, errcode.PayloadTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadKMZ(tc.zip, tc.opts)
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	// The same document inflating within the limits is read.
	if _, err := ReadKMZ(zipOf(t, map[string][]byte{"sub/x.kml": doc}), Options{}); err != nil {
		t.Errorf("kml in a subfolder: %v", err)
	}
}

func TestIsKMZ(t *testing.T) {
	if !IsKMZ([]string{"doc.kml", "files/a.png"}) || IsKMZ([]string{"a.shp", "a.kml"}) || IsKMZ([]string{"a.txt"}) {
		t.Error("IsKMZ")
	}
}

func FuzzRead(f *testing.F) {
	for _, n := range []string{"sites.kml", "sites_gbk.kml"} {
		f.Add(read(f, n))
	}
	f.Add([]byte(`<kml><Placemark><MultiGeometry><LinearRing><coordinates>1,1 2,1 2,2 1,1</coordinates></LinearRing><MultiGeometry/></MultiGeometry></Placemark></kml>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read(b, Options{})
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, ft := range c.Features {
			if ft.Geometry == nil {
				t.Fatal("feature without geometry")
			}
		}
	})
}

func FuzzReadKMZ(f *testing.F) {
	f.Add(read(f, "sites.kmz"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ReadKMZ(b, Options{MaxUncompressed: 1 << 20}); err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
		}
	})
}
