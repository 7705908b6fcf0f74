package formats

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/internal/oracle"
)

// lonLatArea is the planar area of a polygon's lon/lat coordinates (shell less
// holes): two readings of the same rings must agree on it to rounding.
func lonLatArea(t *testing.T, g orb.Geometry) float64 {
	t.Helper()
	ring := func(r orb.Ring) float64 {
		a := 0.0
		for i := 0; i+1 < len(r); i++ {
			a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
		}
		return math.Abs(a) / 2
	}
	poly := func(p orb.Polygon) float64 {
		s := ring(p[0])
		for _, h := range p[1:] {
			s -= ring(h)
		}
		return s
	}
	switch g := g.(type) {
	case orb.Polygon:
		return poly(g)
	case orb.MultiPolygon:
		s := 0.0
		for _, p := range g {
			s += poly(p)
		}
		return s
	}
	t.Fatalf("geometry %T, want a polygon", g)
	return 0
}

// TestDXFMatchesGTXT: the same Gauss-Krüger rings (a parcel with a hole) written
// as a 国土 TXT file and as a DXF drawing — zone-prefixed eastings in metres, and
// plain eastings in millimetres with the CRS declared — come out as the same
// lon/lat polygon, areas within 1e-6 relative.
func TestDXFMatchesGTXT(t *testing.T) {
	rings := [][][2]float64{
		{{36582952.203, 3786212.499}, {36583873.923, 3786220.683}, {36583864.018, 3787329.996}, {36582960.5, 3787301.25}, {36582952.203, 3786212.499}},
		{{36583200, 3786500}, {36583400, 3786500}, {36583400, 3786700}, {36583200, 3786700}, {36583200, 3786500}},
	}
	var txt strings.Builder
	txt.WriteString("[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=36\n[地块坐标]\n10,0,001,厂区,面,,,,@\n")
	k := 0
	for ri, r := range rings {
		for _, p := range r {
			k++
			fmt.Fprintf(&txt, "J%d,%d,%.3f,%.3f\n", k, ri+1, p[1], p[0])
		}
	}
	read := func(b []byte, opts Options) (*vector.Collection, string) {
		c, err := Read(b, opts)
		if err != nil {
			t.Fatal(err)
		}
		used, _, err := ToLonLat(c, opts)
		if err != nil {
			t.Fatal(err)
		}
		return c, used
	}
	g, gUsed := read([]byte(txt.String()), Options{Name: "site.txt"})
	want := lonLatArea(t, g.Features[0].Geometry)

	plain := make([][][2]float64, len(rings))
	for i, r := range rings {
		for _, p := range r {
			plain[i] = append(plain[i], [2]float64{p[0] - 36e6, p[1]})
		}
	}
	for _, tc := range []struct {
		name string
		b    []byte
		opts Options
		used string
	}{
		{"zone-prefixed metres", oracle.DXF(rings, 6, 1), Options{Name: "site.dxf"}, gUsed},
		{"plain millimetres, CRS declared", oracle.DXF(plain, 4, 1000), Options{Name: "site.dxf", CRS: "EPSG:4545"}, "EPSG:4545"},
		{"layer named", oracle.DXF(rings, 6, 1), Options{Name: "site.dxf", DXFLayer: "用地红线"}, gUsed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, used := read(tc.b, tc.opts)
			if used != tc.used {
				t.Errorf("read as %s, want %s", used, tc.used)
			}
			p, ok := c.Features[0].Geometry.(orb.Polygon)
			if !ok || len(p) != 2 {
				t.Fatalf("geometry %T with %d rings, want a polygon with its hole", c.Features[0].Geometry, len(p))
			}
			if got := lonLatArea(t, p); math.Abs(got-want) > 1e-6*want {
				t.Errorf("area %.12g deg², the 国土 TXT reading %.12g", got, want)
			}
		})
	}

	// Plain eastings and no CRS: refused as for 国土 TXT, asking for the CRS.
	c, err := Read(oracle.DXF(plain, 6, 1), Options{Name: "site.dxf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ToLonLat(c, Options{}); err == nil || !strings.Contains(err.Error(), "zone prefix") {
		t.Errorf("plain eastings without a CRS: %v", err)
	}
}

// TestZippedDXF: a zip holding one drawing (and no shapefile) is read as it.
func TestZippedDXF(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("图纸/红线图.dxf")
	_, _ = w.Write(oracle.DXF([][][2]float64{{{36500000, 3800000}, {36500100, 3800000}, {36500100, 3800100}, {36500000, 3800000}}}, 6, 1))
	_ = zw.Close()
	c, err := Read(b.Bytes(), Options{Name: "upload.zip"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Format != "dxf" {
		t.Fatalf("format %q", c.Format)
	}
	if _, ok := c.Features[0].Geometry.(orb.Polygon); !ok {
		t.Errorf("geometry %T", c.Features[0].Geometry)
	}
}
