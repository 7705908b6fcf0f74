package geojson

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

func TestReadForms(t *testing.T) {
	cases := []struct {
		name, doc string
		n         int
		id        string
		crs       string
		typ       string
	}{
		{"geometry", `{"type":"Point","coordinates":[108.1,34.2,400]}`, 1, "", "", "Point"},
		{"feature with numeric id", `{"type":"Feature","id":610102,"properties":{"名称":"新城区"},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108,34.1],[108.1,34.1],[108,34]]]}}`, 1, "610102", "", "Polygon"},
		{"collection, CRS84, id in properties", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[{"type":"Feature","properties":{"id":"A-1"},"geometry":{"type":"LineString","coordinates":[[108,34],[108.1,34.1]]}}]}`, 1, "A-1", "EPSG:4326", "LineString"},
		{"EPSG urn", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4524"}},"features":[]}`, 0, "", "EPSG:4524", ""},
		{"BOM and null geometry", "\xef\xbb\xbf" + `{"type":"Feature","properties":null,"geometry":null}`, 1, "", "", ""},
		{"geometry collection", `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[108,34]},{"type":"MultiPolygon","coordinates":[[[[108,34],[108,34.1],[108.1,34.1],[108,34]]]]}]}`, 1, "", "", "GeometryCollection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Features) != tc.n || c.CRS != tc.crs {
				t.Fatalf("%d features, crs %q", len(c.Features), c.CRS)
			}
			if tc.n == 0 {
				return
			}
			f := c.Features[0]
			if f.ID != tc.id {
				t.Errorf("id %q, want %q", f.ID, tc.id)
			}
			if tc.typ == "" && f.Geometry != nil || tc.typ != "" && (f.Geometry == nil || f.Geometry.GeoJSONType() != tc.typ) {
				t.Errorf("geometry %v, want %s", f.Geometry, tc.typ)
			}
		})
	}
	c, _ := Read([]byte(`{"type":"Feature","properties":{"名称":"新城区"},"geometry":{"type":"Point","coordinates":[108.1,34.2,400]}}`))
	if c.Features[0].Properties["名称"] != "新城区" || c.Features[0].Geometry != (orb.Point{108.1, 34.2}) {
		t.Errorf("properties or 3-D point: %+v", c.Features[0])
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		code      errcode.Code
		want      string
	}{
		{"truncated", "{\n\"type\": \"Polygon\",\n\"coordinates\": [[[108,34],", errcode.BadRequest, "line 3"},
		{"no type", `{"coordinates":[1,2]}`, errcode.BadRequest, "type"},
		{"unknown type", `{"type":"Circle","coordinates":[1,2]}`, errcode.InvalidGeometry, "Circle"},
		{"short position", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[108,34],[108]]}}]}`, errcode.InvalidGeometry, "feature 1"},
		{"strings as coordinates", `{"type":"Point","coordinates":["108","34"]}`, errcode.InvalidGeometry, "malformed"},
		{"properties not an object", `{"type":"Feature","properties":[1],"geometry":null}`, errcode.BadRequest, "properties"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.doc))
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != tc.code || !strings.Contains(ie.Message, tc.want) {
				t.Errorf("error %v, want code %s mentioning %q", err, tc.code, tc.want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"type":"Point","coordinates":[108.1,34.2]}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"properties":{"a":"b"},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108,34.1],[108.1,34.1],[108,34]]]}}]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}]}`,
		`{"type":"Feature","geometry":null}`,
	} {
		f.Add([]byte(s))
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
		if c == nil || c.Format != "geojson" {
			t.Fatalf("no collection and no error")
		}
	})
}
