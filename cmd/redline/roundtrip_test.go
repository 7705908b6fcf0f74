package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

// roundTripFixtures: one site (a 1.1 km² square with a hole in Xi'an) written in
// every format and CRS, by GDAL and by an independent GCJ-02/BD-09 script
// (data/formats/testdata). Each must give the same overlaps with the conformance
// layers as the GeoJSON original.
var roundTripFixtures = []struct {
	file string
	args []string
}{
	{"site_4524.zip", nil},                                // shapefile, GK zone 36 prefixed (.prj)
	{"site_4545.gpkg", nil},                               // GeoPackage, GK CM 108°E
	{"site_4524.wkt", nil},                                // EWKT
	{"site_4326.kml", nil},                                // KML
	{"site_gk_gbk.txt", nil},                              // 国土 TXT, GBK, zone 36 (first parcel)
	{"site_gcj02.ovkml", nil},                             // 奥维 export, GCJ-02
	{"site_bd09.txt", []string{"--crs", "BD09"}},          // coordinate list, BD-09
	{"site_xy_4524.csv", nil},                             // northing,easting, zone-prefixed
	{"site_xy_cm108.csv", []string{"--crs", "EPSG:4545"}}, // northing,easting, CM 108°E declared
}

func checkReport(t *testing.T, args ...string) *zones.Report {
	t.Helper()
	code, out, errs := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("redline %v: exit %d: %s", args, code, errs)
	}
	var r zones.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestRoundTripFormatsCLI(t *testing.T) {
	shared := oracle.SharedDir(t)
	dir := filepath.Join("..", "..", "data", "formats", "testdata")
	base := checkReport(t, "check", "--data", shared, "--buffer-m", "0", filepath.Join(dir, "site_4490.geojson"))
	if len(base.Intersections) < 3 || base.Footprint.AreaM2 < 5e5 {
		t.Fatalf("the original site must overlap several conformance zones: %+v", base.Intersections)
	}
	for _, fx := range roundTripFixtures {
		t.Run(fx.file, func(t *testing.T) {
			path := filepath.Join(dir, fx.file)
			if fx.file == "site_gk_gbk.txt" {
				path = firstParcel(t, path)
			}
			args := append([]string{"check", "--data", shared, "--buffer-m", "0"}, fx.args...)
			r := checkReport(t, append(args, path)...)
			if !within(r.Footprint.AreaM2, base.Footprint.AreaM2) {
				t.Errorf("footprint area %.3f m², original %.3f m²", r.Footprint.AreaM2, base.Footprint.AreaM2)
			}
			got := map[string]float64{}
			for _, in := range r.Intersections {
				got[in.Layer+"/"+in.ZoneID] = in.OverlapAreaM2
			}
			for _, in := range base.Intersections {
				key := in.Layer + "/" + in.ZoneID
				a, ok := got[key]
				if !ok {
					t.Errorf("%s: no overlap with %s", fx.file, key)
					continue
				}
				if !within(a, in.OverlapAreaM2) {
					t.Errorf("%s: overlap with %s %.3f m², original %.3f m²", fx.file, key, a, in.OverlapAreaM2)
				}
				delete(got, key)
			}
			for key := range got {
				t.Errorf("%s: overlap with %s that the original does not have", fx.file, key)
			}
			if r.Footprint.CRS == "" || r.Footprint.CRS == "EPSG:4490" && fx.file != "site_4326.kml" {
				t.Logf("%s read as %s", fx.file, r.Footprint.CRS)
			}
		})
	}
}

// within is DESIGN.md's area tolerance: 1e-4 relative or 1 m².
func within(got, want float64) bool {
	return math.Abs(got-want) <= math.Max(1, 1e-4*math.Abs(want))
}

// firstParcel writes the 国土 TXT file at path without its second parcel (a 料场
// that the other fixtures do not have), bytes otherwise untouched (GBK, CRLF).
func firstParcel(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("\n4,5.1000,002,"))
	if i < 0 {
		t.Fatal("the fixture's second parcel record is not where expected")
	}
	out := filepath.Join(t.TempDir(), "site.txt")
	if err := os.WriteFile(out, b[:i+1], 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRoundTripOracleFootprintCLI writes an oracle footprint that straddles two
// counties and has holes (FP0066, Gauss-Krüger zone 37) in the forms surveyors
// send — GK GeoJSON with a crs member, EWKT in the CM variant, a zipped shapefile
// with an Esri .prj, a GBK 国土 TXT file, a GCJ-02 coordinate list — and checks each
// through the CLI against what PostGIS computed for the original.
func TestRoundTripOracleFootprintCLI(t *testing.T) {
	shared := oracle.SharedDir(t)
	exp, err := oracle.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	var want *oracle.Footprint
	for i := range exp.Footprints {
		if exp.Footprints[i].ID == "FP0066" {
			want = &exp.Footprints[i]
		}
	}
	raw, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	var poly orb.Polygon
	for _, f := range fc.Features {
		if f.ID == "FP0066" {
			poly = f.Geometry.(orb.Polygon)
		}
	}
	if want == nil || len(poly) < 2 {
		t.Fatal("FP0066 (a polygon with holes) not found in the oracle")
	}
	gk := func(prefixed bool) [][][2]float64 { // rings of [easting, northing], mm
		fe := 500000.0
		if prefixed {
			fe = 37500000
		}
		tm := crs.TM{Lon0: 111, K0: 1, FE: fe}
		var out [][][2]float64
		for _, r := range poly {
			var ring [][2]float64
			for _, p := range r {
				e, n := tm.Forward(p[0], p[1])
				ring = append(ring, [2]float64{math.Round(e*1000) / 1000, math.Round(n*1000) / 1000})
			}
			out = append(out, ring)
		}
		return out
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var forms []struct {
		name string
		args []string
	}
	add := func(name string, args ...string) {
		forms = append(forms, struct {
			name string
			args []string
		}{name, args})
	}

	// GeoJSON in GK zone 37 (zone-prefixed eastings), declared by a crs member.
	var coords strings.Builder
	for i, r := range gk(true) {
		if i > 0 {
			coords.WriteString(",")
		}
		coords.WriteString("[")
		for j, p := range r {
			if j > 0 {
				coords.WriteString(",")
			}
			fmt.Fprintf(&coords, "[%.3f,%.3f]", p[0], p[1])
		}
		coords.WriteString("]")
	}
	add("GK GeoJSON", write("gk.geojson", []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4525"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[`+coords.String()+`]}}]}`)))

	// EWKT in the central-meridian variant (false easting 500 km).
	var wkt strings.Builder
	wkt.WriteString("SRID=4546;POLYGON(")
	for i, r := range gk(false) {
		if i > 0 {
			wkt.WriteString(",")
		}
		wkt.WriteString("(")
		for j, p := range r {
			if j > 0 {
				wkt.WriteString(",")
			}
			fmt.Fprintf(&wkt, "%.3f %.3f", p[0], p[1])
		}
		wkt.WriteString(")")
	}
	wkt.WriteString(")")
	add("EWKT", write("site.wkt", []byte(wkt.String())))

	// A zipped shapefile in GK zone 37 with an Esri .prj.
	var gkPoly orb.Polygon
	for _, r := range gk(true) {
		var ring orb.Ring
		for _, p := range r {
			ring = append(ring, orb.Point{p[0], p[1]})
		}
		gkPoly = append(gkPoly, ring)
	}
	prj := `PROJCS["CGCS2000_3_Degree_GK_Zone_37",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",37500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	files, err := shapefile.Write([]vector.Feature{{Geometry: gkPoly, Properties: map[string]any{"DKMC": "厂区"}}}, prj)
	if err != nil {
		t.Fatal(err)
	}
	zb, err := files.Zip("site")
	if err != nil {
		t.Fatal(err)
	}
	add("shapefile zip", write("site.zip", zb))

	// A 国土 TXT file in GBK: X = northing, Y = zone-prefixed easting, 圈号 per ring.
	var txt strings.Builder
	txt.WriteString("[属性描述]\r\n坐标系=2000国家大地坐标系\r\n几度分带=3\r\n投影类型=高斯克吕格\r\n计量单位=米\r\n带号=37\r\n精度=0.001\r\n[地块坐标]\r\n")
	n := 0
	for _, r := range poly {
		n += len(r)
	}
	fmt.Fprintf(&txt, "%d,1303.0,001,厂区,面,,工业用地,0601,@\r\n", n)
	k := 0
	for ri, r := range gk(true) {
		for _, p := range r {
			k++
			fmt.Fprintf(&txt, "J%d,%d,%.3f,%.3f\r\n", k, ri+1, p[1], p[0])
		}
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(txt.String())
	if err != nil {
		t.Fatal(err)
	}
	add("国土 TXT", write("site.txt", []byte(gbk)))

	// A pasted GCJ-02 coordinate list (rings separated by blank lines).
	var list strings.Builder
	for i, r := range poly {
		if i > 0 {
			list.WriteString("\n")
		}
		for _, p := range r {
			lon, lat := crs.WGS84ToGCJ02(p[0], p[1])
			fmt.Fprintf(&list, "%.9f,%.9f\n", lon, lat)
		}
	}
	add("GCJ-02 list", "--crs", "GCJ02", write("site_gcj.txt", []byte(list.String())))

	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			args := append([]string{"check", "--data", shared, "--buffer-m", "5000"}, f.args...)
			r := checkReport(t, args...)
			var c oracle.Counts
			for _, m := range oracle.Compare(want, r, &c) {
				t.Error(m)
			}
			if c.Areas < 4 {
				t.Errorf("only %d areas compared", c.Areas)
			}
		})
	}
}
