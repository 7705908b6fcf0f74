package geojson

import (
	"encoding/json"
	"reflect"
	"testing"
)

// scanSeeds are documents and geometries the scanner reads, and ones it must
// leave to encoding/json (escapes, folded or repeated names, a "crs" or
// "features" member, short or long positions, null, overflow, collections).
var scanSeeds = []string{
	`{"type":"Point","coordinates":[108.1,34.2]}`,
	`{"coordinates":[108.5,34.25,12],"type":"Point"}`,
	`{"type":"MultiPoint","coordinates":[[108,34],[109,35]]}`,
	`{"type":"LineString","coordinates":[[108,34],[109,35],[110,36]]}`,
	`{"type":"MultiLineString","coordinates":[[[108,34],[109,35]],[],[[1,2],[3,4]]]}`,
	`{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]],[[108.01,34.01],[108.02,34.01],[108.02,34.02],[108.01,34.01]]]}`,
	`{"type":"MultiPolygon","coordinates":[[[[108,34],[108.1,34],[108.1,34.1],[108,34]]],[],[[]]]}`,
	` { "type" : "Polygon" , "bbox" : [1, 2, 3, 4] , "coordinates" : [ [ [ 1e1 , -2.5E-3 ] ] ] } `,
	`{"type":"Polygon","coordinates":[]}`,
	`{"type":"Polygon","coordinates":null}`,
	`{"type":"Polygon","Coordinates":[[[1,2]]],"coordinates":[[[3,4]]]}`,
	`{"type":"Point","coordinates":[1,2,3,4]}`,
	`{"type":"Point","coordinates":[1]}`,
	`{"type":"Point","coordinates":[1e400,2]}`,
	`{"type":"Point","coordinates":[1,2],"crs":{"type":"name","properties":{"name":"EPSG:4490"}}}`,
	`{"type":"Point","coordinates":[1,2],"CRS":5}`,
	`{"type":"Point","coordinates":[1,2],"features":5}`,
	`{"type":"Point","coordinates":[1,2],"properties":{"a":[1,2]},"id":7,"geometry":null}`,
	`{"type":"Point","coordinates":[1,2]} x`,
	`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`,
	`{"type":"Point","coordinates":[1,2],"type":"Point"}`,
	`{"t\u0079pe":"Point","coordinates":[1,2]}`,
}

// sameAsDecode fails t when the scanner reads b, as a whole document (Read's
// fast path) or as a feature's geometry, but encoding/json's path (decode,
// decodeGeometry) reads it differently or not at all.
func sameAsDecode(t *testing.T, b []byte) (doc, geom bool) {
	t.Helper()
	if g, end, ok := scanGeometry(b, 0, docMember); ok && skipSpace(b, end) == len(b) {
		doc = true
		c, err := decode(b)
		if err != nil {
			t.Fatalf("scanned the document %q, which decode refuses: %v", b, err)
		}
		if len(c.Features) != 1 || c.CRS != "" || !reflect.DeepEqual(c.Features[0].Geometry, g) {
			t.Fatalf("scanned the document %q as %#v, decode reads %#v (CRS %q)", b, g, c.Features, c.CRS)
		}
	}
	if g, end, ok := ScanGeometry(b, 0); ok && skipSpace(b, end) == len(b) {
		geom = true
		var rg rawGeometry
		if err := json.Unmarshal(b, &rg); err != nil {
			t.Fatalf("scanned the geometry %q, which encoding/json refuses: %v", b, err)
		}
		want, err := decodeGeometry(rg, 0)
		if err != nil {
			t.Fatalf("scanned the geometry %q, which decodeGeometry refuses: %v", b, err)
		}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("scanned the geometry %q as %#v, decodeGeometry reads %#v", b, g, want)
		}
	}
	return doc, geom
}

// TestScanSeeds: the scanner reads the plain forms as encoding/json does, and
// leaves the others to it (where Read's document members need it).
func TestScanSeeds(t *testing.T) {
	for i, s := range scanSeeds {
		doc, geom := sameAsDecode(t, []byte(s))
		wantDoc := i <= 8 || i == 17
		wantGeom := wantDoc || i == 14 || i == 15 || i == 16
		if doc != wantDoc || geom != wantGeom {
			t.Errorf("%s: scanned as document %v, as geometry %v; want %v, %v", s, doc, geom, wantDoc, wantGeom)
		}
	}
}

// FuzzReadScanned: what the scanner reads, encoding/json reads the same; the
// scanner never panics.
func FuzzReadScanned(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsDecode(t, b)
	})
}

// TestReadFeatureScanned: a feature's geometry read by the scanner is the one
// encoding/json reads, with the feature's id and properties.
func TestReadFeatureScanned(t *testing.T) {
	b := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"n":1},` +
		`"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}}]}`)
	c, err := Read(b)
	if err != nil {
		t.Fatal(err)
	}
	var rg rawGeometry
	json.Unmarshal([]byte(`{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}`), &rg)
	want, _ := decodeGeometry(rg, 0)
	f := c.Features[0]
	if !reflect.DeepEqual(f.Geometry, want) || f.ID != "a" || f.Properties["n"] != 1.0 {
		t.Errorf("read %#v, want geometry %#v, id a, n 1", f, want)
	}
}

func BenchmarkReadPolygon(b *testing.B) {
	doc := []byte(`{"type":"Polygon","coordinates":[[[108.9501234,34.2501234],[108.9511234,34.2501234],[108.9511234,34.2511234],[108.9501234,34.2511234],[108.9501234,34.2501234]]]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePolygon is BenchmarkReadPolygon through encoding/json, for comparison.
func BenchmarkDecodePolygon(b *testing.B) {
	doc := []byte(`{"type":"Polygon","coordinates":[[[108.9501234,34.2501234],[108.9511234,34.2501234],[108.9511234,34.2511234],[108.9501234,34.2511234],[108.9501234,34.2501234]]]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}
