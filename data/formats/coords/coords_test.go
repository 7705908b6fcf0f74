package coords

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadFixtures(t *testing.T) {
	c, err := Read(read(t, "lonlat_header.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pg, ok := c.Features[0].Geometry.(orb.Polygon)
	if !ok || len(pg) != 1 || len(pg[0]) != 5 || pg[0][1] != (orb.Point{109, 34.2}) || c.CRS != "" {
		t.Errorf("lonlat_header: %v crs %q", c.Features[0].Geometry, c.CRS)
	}

	c, err = Read(read(t, "gk_labels.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pg, ok = c.Features[0].Geometry.(orb.Polygon)
	// Labels J1… go to point_labels; the numbers stay as written (X northing first): the
	// dispatcher's detection swaps them, not this reader.
	if !ok || len(pg[0]) != 4 || pg[0][1] != (orb.Point{3790000, 36501000}) {
		t.Errorf("gk_labels: %v", c.Features[0].Geometry)
	}
	if l, _ := c.Features[0].Properties["point_labels"].([]string); len(l) != 4 || l[0] != "J1" || l[3] != "J4" {
		t.Errorf("labels %v", c.Features[0].Properties)
	}

	c, err = Read(read(t, "rings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := c.Features[0].Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 2 || len(mp[0]) != 2 || len(mp[1]) != 1 {
		t.Fatalf("rings: want a polygon with a hole and a second polygon, got %#v", c.Features[0].Geometry)
	}
	if mp[0][1][0] != (orb.Point{108.92, 34.22}) {
		t.Errorf("hole is %v", mp[0][1])
	}

	c, err = Read(read(t, "ovital_g.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if c.CRS != "GCJ02" || len(c.Warnings) == 0 {
		t.Errorf("ovital: crs %q warnings %q", c.CRS, c.Warnings)
	}
	if ls, ok := c.Features[0].Geometry.(orb.LineString); !ok || ls[0] != (orb.Point{108.95, 34.25}) {
		t.Errorf("ovital: %v", c.Features[0].Geometry)
	}

	c, err = Read(read(t, "dms.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ls := c.Features[0].Geometry.(orb.LineString)
	if math.Abs(ls[0][0]-108.9) > 1e-12 || math.Abs(ls[0][1]-34.2) > 1e-12 || math.Abs(ls[1][0]-(108+55.5/60)) > 1e-12 {
		t.Errorf("dms: %v", ls)
	}
}

func TestReadCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want orb.Geometry
		warn int
	}{
		{"single point", "108.9,34.2", orb.Point{108.9, 34.2}, 0},
		{"lat first header swaps", "lat lon\n34.2 108.9\n", orb.Point{108.9, 34.2}, 1},
		{"z dropped", "108.9 34.2 500.5\n109 34.3 501", orb.LineString{{108.9, 34.2}, {109, 34.3}}, 1},
		{"full-width comma", "108.9，34.2\n109，34.3", orb.LineString{{108.9, 34.2}, {109, 34.3}}, 0},
		{"integer labels", "1 108.9 34.2\n2 109 34.3", orb.LineString{{108.9, 34.2}, {109, 34.3}}, 0},
		{"open list is a line, with a warning", "0 0\n1 0\n1 1\n0 1", orb.LineString{{0, 0}, {1, 0}, {1, 1}, {0, 1}}, 1},
		{"comment lines", "# site\n108.9,34.2", orb.Point{108.9, 34.2}, 0},
		{"south and west DMS", "10°30'W 5°15'S", orb.Point{-10.5, -5.25}, 0},
		{"ring on one line", "108.9,34.2,109,34.2,109,34.3,108.9,34.2", orb.Polygon{{{108.9, 34.2}, {109, 34.2}, {109, 34.3}, {108.9, 34.2}}}, 0},
		{"label x y z", "1 108.9 34.2 500\n2 109 34.3 500", orb.LineString{{108.9, 34.2}, {109, 34.3}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(c.Features[0].Geometry, tc.want) {
				t.Errorf("got %v, want %v", c.Features[0].Geometry, tc.want)
			}
			if len(c.Warnings) != tc.warn {
				t.Errorf("warnings %q, want %d", c.Warnings, tc.warn)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		code     errcode.Code
		line     int
	}{
		{"nothing", "\n\n", errcode.EmptyGeometry, 0},
		{"header only", "lon,lat\n", errcode.EmptyGeometry, 0},
		{"garbage line", "108.9,34.2\nhello world\n", errcode.BadRequest, 2},
		{"degenerate ring", "1 1\n2 2\n1 1", errcode.InvalidGeometry, 1},
		{"mixed prefixes", "g108.9,34.2\nb109,34.3", errcode.BadRequest, 2},
		{"NaN", "NaN 1\n", errcode.InvalidCoordinates, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in))
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if tc.line > 0 && ie.Details["line"] != tc.line {
				t.Errorf("details %v, want line %d", ie.Details, tc.line)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read(b)
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(c.Features) != 1 || c.Features[0].Geometry == nil {
			t.Fatalf("want exactly one feature with geometry, got %+v", c.Features)
		}
	})
}

// Many rings: nesting stays fast thanks to the bounding-box filter, and beyond the
// limit the list is refused rather than left to run for minutes.
func TestManyRings(t *testing.T) {
	ringsText := func(n int) []byte {
		var b strings.Builder
		for i := range n {
			x, y := 100+float64(i%100)*0.01, 30+float64(i/100)*0.01
			fmt.Fprintf(&b, "%g %g\n%g %g\n%g %g\n%g %g\n\n", x, y, x+0.005, y, x+0.005, y+0.005, x, y)
		}
		return []byte(b.String())
	}
	start := time.Now()
	c, err := Read(ringsText(5000))
	if err != nil {
		t.Fatal(err)
	}
	if mp, ok := c.Features[0].Geometry.(orb.MultiPolygon); !ok || len(mp) != 5000 {
		t.Fatalf("got %T", c.Features[0].Geometry)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("5000 rings took %v", d)
	}
	_, err = Read(ringsText(maxRings + 1))
	var ie *errcode.Error
	if !errors.As(err, &ie) || ie.Code != errcode.PayloadTooLarge {
		t.Fatalf("got %v", err)
	}
}
