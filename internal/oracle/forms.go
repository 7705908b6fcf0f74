package oracle

import (
	"archive/zip"
	"bytes"
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
)

// Form is a footprint written as a file in some format and CRS.
type Form struct {
	Name string
	Path string
	CRS  string // to declare ("" when the file says it)
}

// SiteFixtures are one site (a square with a hole in Xi'an) in every format and
// CRS, written by GDAL and by an independent GCJ-02/BD-09 script, in
// data/formats/testdata; the original is site_4490.geojson. (The 国土 TXT fixture
// holds a second parcel, a 料场: FirstParcel drops it.)
var SiteFixtures = []Form{
	{Name: "site_4524.zip"},                       // shapefile, GK zone 36 prefixed (.prj)
	{Name: "site_4545.gpkg"},                      // GeoPackage, GK CM 108°E
	{Name: "site_4524.wkt"},                       // EWKT
	{Name: "site_4326.kml"},                       // KML
	{Name: "site_gk_gbk.txt"},                     // 国土 TXT, GBK, zone 36 (first parcel)
	{Name: "site_gcj02.ovkml"},                    // 奥维 export, GCJ-02
	{Name: "site_bd09.txt", CRS: "BD09"},          // coordinate list, BD-09
	{Name: "site_xy_4524.csv"},                    // northing,easting, zone-prefixed
	{Name: "site_xy_cm108.csv", CRS: "EPSG:4545"}, // northing,easting, CM 108°E declared
}

// GK is poly's rings of [easting, northing] in CGCS2000 3° Gauss-Krüger zone
// zone, to the millimetre, eastings with the zone prefix or not.
func GK(poly orb.Polygon, zone int, prefixed bool) [][][2]float64 {
	fe := 500000.0
	if prefixed {
		fe = float64(zone)*1e6 + 500000
	}
	tm := crs.TM{Lon0: float64(3 * zone), K0: 1, FE: fe}
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

// FirstParcel writes the 国土 TXT file at path without its second parcel, bytes
// otherwise untouched (GBK, CRLF), and returns the new path.
func FirstParcel(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "\n4,5.1000,002,")
	if i < 0 {
		t.Fatal("the fixture's second parcel record is not where expected")
	}
	out := filepath.Join(t.TempDir(), "site.txt")
	if err := os.WriteFile(out, b[:i+1], 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// WriteForms writes the oracle footprint id (a polygon) into dir in the forms
// surveyors send — GK GeoJSON with a crs member, EWKT in the central-meridian
// variant, a zipped shapefile with an Esri .prj, a GBK 国土 TXT file, a GCJ-02
// coordinate list, a DXF drawing (plain, in millimetres, zipped) — with our own
// writers (coordinates to the millimetre), and returns what PostGIS computed for
// the original with the forms.
func WriteForms(t testing.TB, shared, id, dir string) (*Footprint, []Form) {
	t.Helper()
	exp, err := Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	var want *Footprint
	for i := range exp.Footprints {
		if exp.Footprints[i].ID == id {
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
		if f.ID == id {
			poly, _ = f.Geometry.(orb.Polygon)
		}
	}
	if want == nil || poly == nil {
		t.Fatalf("%s is not a polygon footprint of the oracle", id)
	}
	zone := crs.GKZone3(poly.Bound().Center()[0])
	var forms []Form
	add := func(name, crsName string, path string) {
		forms = append(forms, Form{Name: name, Path: path, CRS: crsName})
	}
	gk := func(prefixed bool) [][][2]float64 { return GK(poly, zone, prefixed) }
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
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
	add("GK GeoJSON", "", write("gk.geojson", []byte(fmt.Sprintf(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%d"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[`, 4513+zone-25)+coords.String()+`]}}]}`)))

	// EWKT in the central-meridian variant (false easting 500 km).
	var wkt strings.Builder
	fmt.Fprintf(&wkt, "SRID=%d;POLYGON(", 4534+zone-25)
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
	add("EWKT", "", write("site.wkt", []byte(wkt.String())))

	// A zipped shapefile in GK zone 37 with an Esri .prj.
	var gkPoly orb.Polygon
	for _, r := range gk(true) {
		var ring orb.Ring
		for _, p := range r {
			ring = append(ring, orb.Point{p[0], p[1]})
		}
		gkPoly = append(gkPoly, ring)
	}
	prj := fmt.Sprintf(`PROJCS["CGCS2000_3_Degree_GK_Zone_%d",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",%d500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",%d.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`, zone, zone, 3*zone)
	files, err := shapefile.Write([]vector.Feature{{Geometry: gkPoly, Properties: map[string]any{"DKMC": "厂区"}}}, prj)
	if err != nil {
		t.Fatal(err)
	}
	zb, err := files.Zip("site")
	if err != nil {
		t.Fatal(err)
	}
	add("shapefile zip", "", write("site.zip", zb))

	// A 国土 TXT file in GBK: X = northing, Y = zone-prefixed easting, 圈号 per ring.
	var txt strings.Builder
	fmt.Fprintf(&txt, "[属性描述]\r\n坐标系=2000国家大地坐标系\r\n几度分带=3\r\n投影类型=高斯克吕格\r\n计量单位=米\r\n带号=%d\r\n精度=0.001\r\n[地块坐标]\r\n", zone)
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
	add("国土 TXT", "", write("site.txt", []byte(gbk)))

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
	add("GCJ-02 list", "GCJ02", write("site_gcj.txt", []byte(list.String())))

	// A CAD red-line drawing: zone-prefixed eastings in metres, the boundary on
	// layer 用地红线 among decoys; the same in millimetres without the zone prefix
	// (the CRS declared), and zipped.
	dxfMetres := DXF(gk(true), 6, 1)
	add("DXF", "", write("site.dxf", dxfMetres))
	add("DXF in millimetres, plain eastings", fmt.Sprintf("EPSG:%d", 4534+zone-25), write("site_mm.dxf", DXF(gk(false), 4, 1000)))
	var zb2 bytes.Buffer
	zw := zip.NewWriter(&zb2)
	w, err := zw.Create("红线图/site.dxf")
	if err == nil {
		_, err = w.Write(dxfMetres)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	add("zipped DXF", "", write("site_dxf.zip", zb2.Bytes()))

	return want, forms
}
