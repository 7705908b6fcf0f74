package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/api"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/patchgen"
)

// The hostile-input catalogue: what people (or attackers) upload, each case with
// the precise answer it gets — a 4xx with its code, or a 200 whose report
// discloses the repair — over HTTP against the real handler and, for files, from
// `redline check`. After each case the server must still answer a good check.
// Every request runs under a context deadline: a case that hangs fails, it does
// not stall the suite.

// hostileCase is one input and its answer.
type hostileCase struct {
	name  string
	route string // "/v1/check" (default) or "/v1/locate"
	ctype string // Content-Type; "" for none
	body  func() []byte
	// stream, when set, sends the body from a pipe, never all in memory.
	stream func(w io.Writer) error
	status int
	code   errcode.Code // the error code of the answer (or of the batch's last record)
	// warn is a text the report's footprint warnings must hold (a 200 repair).
	warn string
	// file, when set, runs `redline check` on the body written under that name;
	// cliCode is the code it must print ("" when it must succeed with warn).
	file    string
	cliCode errcode.Code
}

const goodSquare = `{"type":"Polygon","coordinates":[[[107.4386,33.5236],[107.4474,33.5239],[107.4470,33.5308],[107.4388,33.5306],[107.4386,33.5236]]]}`

func lit(s string) func() []byte { return func() []byte { return []byte(s) } }

func env(geom string) func() []byte { return lit(`{"footprint":` + geom + `}`) }

// ring returns a closed ring of n vertices around (x, y), radius r degrees.
func ring(b *bytes.Buffer, x, y, r float64, n int) {
	b.WriteByte('[')
	for i := range n {
		// A square walked with n-1 points along its edges, then closed.
		t := float64(i) / float64(n-1) * 4
		px, py := x-r, y-r
		switch {
		case t < 1:
			px += 2 * r * t
		case t < 2:
			px, py = x+r, y-r+2*r*(t-1)
		case t < 3:
			px, py = x+r-2*r*(t-2), y+r
		default:
			py = y + r - 2*r*(t-3)
		}
		if i == n-1 {
			px, py = x-r, y-r
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "[%.7f,%.7f]", px, py)
	}
	b.WriteByte(']')
}

// scatteredPolygon is a GeoJSON polygon whose one ring runs through n points
// scattered over about 10 km in the order drawn: a survey's list of points
// sent as a boundary.
func scatteredPolygon(n int, seed uint64) []byte {
	r := patchgen.ScatteredRing(rand.New(rand.NewPCG(seed, 7)), n, orb.Bound{Min: orb.Point{107.40, 33.48}, Max: orb.Point{107.50, 33.57}})
	b, _ := geojson.NewGeometry(orb.Polygon{r}).MarshalJSON()
	return b
}

func zipOf(t *testing.T, files map[string][]byte, method uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../data/formats/testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func multipartOf(t *testing.T, parts ...[2]string) (string, func() []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		if p[0] == "file" {
			w, _ := mw.CreateFormFile("file", "site.geojson")
			w.Write([]byte(p[1]))
			continue
		}
		mw.WriteField(p[0], p[1])
	}
	mw.Close()
	body := b.Bytes()
	return mw.FormDataContentType(), func() []byte { return body }
}

// hostileServer serves the demo dataset with a SQLite archive and small limits,
// through http.Server as `redline serve` configures it.
func hostileServer(t *testing.T) (*httptest.Server, *api.Server) {
	t.Helper()
	checker, _, err := loadChecker("", "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "hostile.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := api.New(api.Config{
		Load:  func(context.Context, string) (api.Engine, error) { return checker, nil },
		Store: st, MaxFeatures: 1000, MaxVertices: 1_000_000,
		CheckTimeout: 20 * time.Second, BodyIdleTimeout: 500 * time.Millisecond,
		ReadHeaderTimeout: time.Second, MaxHeaderBytes: 16 << 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(checker, "", 0)
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = srv.HTTPServer()
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, srv
}

func hostileCases(t *testing.T) []hostileCase {
	site4490 := readTestdata(t, "site_4490.geojson")
	kml := readTestdata(t, "site_4326.kml")
	shpZip := readTestdata(t, "site_4524.zip")
	gpkg := readTestdata(t, "site_4545.gpkg")
	zr, err := zip.NewReader(bytes.NewReader(shpZip), int64(len(shpZip)))
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		members[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	withMembers := func(rename map[string]string, mutate func(name string, b []byte) []byte) []byte {
		out := map[string][]byte{}
		for name, b := range members {
			if n, ok := rename[name]; ok {
				if n == "" {
					continue
				}
				name = n
			}
			if mutate != nil {
				b = mutate(name, b)
			}
			out[name] = b
		}
		return zipOf(t, out, zip.Deflate)
	}
	mpTwo, mpTwoBody := multipartOf(t, [2]string{"file", goodSquare}, [2]string{"file", goodSquare})
	mpNone, mpNoneBody := multipartOf(t, [2]string{"crs", "EPSG:4490"})
	mpUnknown, mpUnknownBody := multipartOf(t, [2]string{"file", goodSquare}, [2]string{"colour", "red"})

	nested := func(depth int, open, leaf, closing string) func() []byte {
		return func() []byte {
			var b bytes.Buffer
			for range depth {
				b.WriteString(open)
			}
			b.WriteString(leaf)
			for range depth {
				b.WriteString(closing)
			}
			return b.Bytes()
		}
	}
	point := func(x, y string) string { return `{"type":"Point","coordinates":[` + x + `,` + y + `]}` }

	return []hostileCase{
		// Malformed JSON and envelopes.
		{name: "empty body", ctype: "application/json", body: lit(""), status: 400, code: errcode.BadRequest},
		{name: "whitespace body", ctype: "application/json", body: lit(" \n\t "), status: 400, code: errcode.BadRequest},
		{name: "malformed JSON", ctype: "application/json", body: lit(`{"footprint":`), status: 400, code: errcode.BadRequest,
			file: "a.geojson", cliCode: errcode.BadRequest},
		{name: "JSON null", ctype: "application/json", body: lit(`null`), status: 400, code: errcode.BadRequest},
		{name: "JSON array", ctype: "application/json", body: lit(`[1,2,3]`), status: 400, code: errcode.BadRequest},
		{name: "JSON string", ctype: "application/json", body: lit(`"POINT(108 34)"`), status: 400, code: errcode.BadRequest},
		{name: "trailing garbage", ctype: "application/json", body: lit(`{"footprint":` + goodSquare + `} {"x":1}`), status: 400, code: errcode.BadRequest},
		{name: "unknown envelope field", ctype: "application/json", body: lit(`{"footprint":` + goodSquare + `,"evil":1}`), status: 400, code: errcode.BadRequest},
		{name: "duplicate keys in the envelope", ctype: "application/json",
			body: lit(`{"footprint":` + goodSquare + `,"footprint":` + point("2.35", "48.85") + `}`), status: 400, code: errcode.BadRequest},
		{name: "duplicate keys in a geometry", ctype: "application/geo+json",
			body: lit(`{"type":"Point","coordinates":[107.44,33.53],"coordinates":[2.35,48.85]}`), status: 400, code: errcode.BadRequest,
			file: "dup.geojson", cliCode: errcode.BadRequest},
		{name: "truncated GeoJSON", ctype: "application/geo+json", body: func() []byte { return site4490[:len(site4490)/2] },
			status: 400, code: errcode.BadRequest, file: "cut.geojson", cliCode: errcode.BadRequest},
		{name: "number too large for a float", ctype: "application/geo+json", body: lit(point("1e400", "33.5")), status: 422, code: errcode.InvalidGeometry},
		{name: "NaN as a coordinate", ctype: "application/geo+json", body: lit(point("NaN", "33.5")), status: 400, code: errcode.BadRequest,
			file: "nan.geojson", cliCode: errcode.BadRequest},
		{name: "Infinity as a coordinate", ctype: "application/geo+json", body: lit(point("107.4", "-Infinity")), status: 400, code: errcode.BadRequest},
		{name: "strings as coordinates", ctype: "application/geo+json", body: lit(point(`"107.44"`, `"33.53"`)), status: 422, code: errcode.InvalidGeometry,
			file: "str.geojson", cliCode: errcode.InvalidGeometry},
		{name: "null coordinates", ctype: "application/geo+json", body: lit(`{"type":"Point","coordinates":null}`), status: 422, code: errcode.InvalidGeometry},
		{name: "one-number position", ctype: "application/geo+json", body: lit(`{"type":"Point","coordinates":[107.44]}`), status: 422, code: errcode.InvalidGeometry},
		{name: "unknown geometry type", ctype: "application/geo+json", body: lit(`{"type":"Circle","coordinates":[107.44,33.53],"radius":5}`), status: 422, code: errcode.InvalidGeometry},
		{name: "non-UTF-8 project name", ctype: "application/json",
			body: lit(`{"project":{"name":"` + "\xb9\xa4\xb3\xa7" + `"},"footprint":` + goodSquare + `}`), status: 422, code: errcode.UndecodableText},
		{name: "huge property blob", ctype: "application/geo+json", body: func() []byte {
			return []byte(`{"type":"Feature","properties":{"blob":"` + strings.Repeat("x", 8<<20) + `"},"geometry":` + goodSquare + `}`)
		}, status: 200},
		{name: "body over the limit", ctype: "application/geo+json", stream: func(w io.Writer) error {
			w.Write([]byte(`{"type":"Feature","properties":{"blob":"`))
			chunk := bytes.Repeat([]byte("x"), 1<<20)
			for range 32 {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
			_, err := w.Write([]byte(`"},"geometry":` + goodSquare + `}`))
			return err
		}, status: 413, code: errcode.PayloadTooLarge},

		// Wrong content types and formats we do not read.
		{name: "PNG", ctype: "image/png", body: lit("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), status: 415, code: errcode.UnsupportedMedia,
			file: "map.png", cliCode: errcode.UnsupportedMedia},
		{name: "PDF", ctype: "application/pdf", body: lit("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), status: 415, code: errcode.UnsupportedMedia},
		{name: "random binary", ctype: "application/octet-stream", body: lit("\x00\x01\x02\x03\xff\xfe\xfd"), status: 415, code: errcode.UnsupportedMedia},
		{name: "GeoJSON sent as text/html", ctype: "text/html", body: lit(goodSquare), status: 200},
		{name: "multipart without boundary", ctype: "multipart/form-data", body: lit("--x\r\n"), status: 400, code: errcode.BadRequest},
		{name: "multipart with two files", ctype: mpTwo, body: mpTwoBody, status: 400, code: errcode.BadRequest},
		{name: "multipart without a file", ctype: mpNone, body: mpNoneBody, status: 400, code: errcode.BadRequest},
		{name: "multipart with an unknown field", ctype: mpUnknown, body: mpUnknownBody, status: 400, code: errcode.BadRequest},

		// Coordinates.
		{name: "corner +180 +90", ctype: "application/geo+json", body: lit(point("180", "90")), status: 422, code: errcode.InvalidCoordinates},
		{name: "corner -180 -90", ctype: "application/geo+json", body: lit(point("-180", "-90")), status: 422, code: errcode.InvalidCoordinates},
		{name: "beyond 180", ctype: "application/geo+json", body: lit(point("180.0001", "33")), status: 422, code: errcode.InvalidCoordinates},
		{name: "outside China (Paris)", ctype: "application/geo+json", body: lit(point("2.35", "48.85")), status: 422, code: errcode.InvalidCoordinates,
			file: "paris.geojson", cliCode: errcode.InvalidCoordinates},
		{name: "polygon across the antimeridian", ctype: "application/geo+json",
			body: lit(`{"type":"Polygon","coordinates":[[[179.9,33],[-179.9,33],[-179.9,33.1],[179.9,33.1],[179.9,33]]]}`), status: 422, code: errcode.InvalidCoordinates},
		{name: "mixed CRSs in one file", ctype: "application/geo+json", body: lit(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{},"geometry":` + point("107.44", "33.53") + `},
			{"type":"Feature","properties":{},"geometry":` + point("36500000", "3710000") + `}]}`),
			status: 422, code: errcode.InvalidCoordinates, file: "mixed.geojson", cliCode: errcode.InvalidCoordinates},
		{name: "unknown CRS", ctype: "application/json", body: lit(`{"crs":"EPSG:99999","footprint":` + goodSquare + `}`), status: 422, code: errcode.UnknownCRS},
		{name: "Xi'an 1980 without parameters", ctype: "application/json", body: lit(`{"crs":"EPSG:2381","footprint":` + goodSquare + `}`), status: 422, code: errcode.UnsupportedCRS},

		// Geometry: empty, degenerate, repaired.
		{name: "empty polygon", ctype: "application/geo+json", body: lit(`{"type":"Polygon","coordinates":[]}`), status: 422, code: errcode.EmptyGeometry},
		{name: "empty feature collection", ctype: "application/geo+json", body: lit(`{"type":"FeatureCollection","features":[]}`), status: 422, code: errcode.EmptyGeometry,
			file: "empty.geojson", cliCode: errcode.EmptyGeometry},
		{name: "feature with null geometry", ctype: "application/geo+json", body: lit(`{"type":"Feature","properties":{},"geometry":null}`), status: 422, code: errcode.EmptyGeometry},
		{name: "zero-area sliver", ctype: "application/geo+json",
			body: lit(`{"type":"Polygon","coordinates":[[[107.5,33.5],[107.5078125,33.5078125],[107.515625,33.515625],[107.5,33.5]]]}`), status: 422, code: errcode.InvalidGeometry,
			file: "sliver.geojson", cliCode: errcode.InvalidGeometry},
		{name: "ring of one point repeated", ctype: "application/geo+json",
			body: lit(`{"type":"Polygon","coordinates":[[[107.5,33.5],[107.5,33.5],[107.5,33.5],[107.5,33.5]]]}`), status: 422, code: errcode.InvalidGeometry},
		{name: "spike", ctype: "application/geo+json",
			body:   lit(`{"type":"Polygon","coordinates":[[[107.44,33.52],[107.45,33.52],[107.45,33.53],[107.47,33.53],[107.45,33.53],[107.44,33.53],[107.44,33.52]]]}`),
			status: 200, warn: "repaired", file: "spike.geojson"},
		{name: "bow-tie", ctype: "application/geo+json",
			body:   lit(`{"type":"Polygon","coordinates":[[[107.44,33.52],[107.45,33.53],[107.45,33.52],[107.44,33.53],[107.44,33.52]]]}`),
			status: 200, warn: "repaired", file: "bowtie.geojson"},
		{name: "self-touching ring", ctype: "application/geo+json",
			body:   lit(`{"type":"Polygon","coordinates":[[[107.44,33.52],[107.46,33.52],[107.46,33.54],[107.45,33.52],[107.44,33.54],[107.44,33.52]]]}`),
			status: 200, warn: "repaired"},
		{name: "hole outside its shell", ctype: "application/geo+json",
			body:   lit(`{"type":"Polygon","coordinates":[[[107.44,33.52],[107.45,33.52],[107.45,33.53],[107.44,33.53],[107.44,33.52]],[[107.5,33.6],[107.51,33.6],[107.51,33.61],[107.5,33.6]]]}`),
			status: 200, warn: "repaired"},
		// A list of points read as a boundary crosses itself ~n²/20 times, and
		// GEOS's repair grows faster than that: 2,000 points would hold a check
		// slot and a core for most of an hour. Refused in milliseconds.
		{name: "2,000 scattered points as one ring", ctype: "application/geo+json", body: func() []byte { return scatteredPolygon(2000, 1) },
			status: 422, code: errcode.InvalidGeometry, file: "points.geojson", cliCode: errcode.InvalidGeometry},
		{name: "60 scattered points as one ring (hundreds of crossings)", ctype: "application/geo+json", body: func() []byte { return scatteredPolygon(60, 2) },
			status: 200, warn: "repaired", file: "fewpoints.geojson"},
		// Valid, but GEOS's validity check tests every pair of its edges.
		{name: "comb of 10^4 millimetre slivers", ctype: "application/geo+json", body: func() []byte {
			var b bytes.Buffer
			b.WriteString(`{"type":"Polygon","coordinates":[[`)
			for i := range 10_000 {
				x := 107.4 + float64(i)*2e-8
				fmt.Fprintf(&b, "[%.9f,33.5],[%.9f,33.55],", x, x+0.05+5e-9)
			}
			x := 107.4 + 10_000*2e-8 + 1e-8
			fmt.Fprintf(&b, "[%.9f,33.5],[%.9f,33.49],[107.4,33.49],[107.4,33.5]]]}", x, x)
			return b.Bytes()
		}, status: 413, code: errcode.PayloadTooLarge},
		{name: "100000 tiny holes", ctype: "application/geo+json", body: func() []byte {
			var b bytes.Buffer
			b.WriteString(`{"type":"Polygon","coordinates":[`)
			ring(&b, 107.45, 33.53, 0.05, 5)
			for i := range 100_000 {
				b.WriteByte(',')
				ring(&b, 107.401+float64(i%316)*0.0003, 33.481+float64(i/316)*0.0003, 0.00005, 5)
			}
			b.WriteString(`]}`)
			return b.Bytes()
		}, status: 200},
		{name: "10^7-vertex polygon, streamed", ctype: "application/geo+json", stream: func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			bw.WriteString(`{"type":"Polygon","coordinates":[[`)
			for i := range 10_000_000 {
				if i > 0 {
					bw.WriteByte(',')
				}
				fmt.Fprintf(bw, "[107.%07d,33.5]", i)
				if bw.Buffered() > 32<<10 {
					if err := bw.Flush(); err != nil {
						return err
					}
				}
			}
			bw.WriteString(`]]}`)
			return bw.Flush()
		}, status: 413, code: errcode.PayloadTooLarge},
		{name: "GeometryCollection nested 10^4 deep", ctype: "application/geo+json",
			body: nested(10_000, `{"type":"GeometryCollection","geometries":[`, point("107.44", "33.53"), `]}`), status: 400, code: errcode.BadRequest,
			file: "deep.geojson", cliCode: errcode.BadRequest},
		{name: "WKT nested 10^4 deep", ctype: "text/plain",
			body: nested(10_000, "GEOMETRYCOLLECTION(", "POINT(107.44 33.53)", ")"), status: 400, code: errcode.BadRequest,
			file: "deep.wkt", cliCode: errcode.BadRequest},
		{name: "arrays nested 10^5 deep", ctype: "application/geo+json",
			body: nested(100_000, "[", "1", "]"), status: 400, code: errcode.BadRequest},

		// Archives.
		{name: "zip slip", ctype: "application/zip",
			body:   func() []byte { return withMembers(map[string]string{"site_4524.shp": "../../site_4524.shp"}, nil) },
			status: 422, code: errcode.InvalidArchive, file: "slip.zip", cliCode: errcode.InvalidArchive},
		{name: "zip with an absolute path", ctype: "application/zip",
			body: func() []byte { return withMembers(map[string]string{"site_4524.shp": "/tmp/site_4524.shp"}, nil) }, status: 422, code: errcode.InvalidArchive},
		{name: "zip without .shx and .dbf", ctype: "application/zip",
			body:   func() []byte { return withMembers(map[string]string{"site_4524.shx": "", "site_4524.dbf": ""}, nil) },
			status: 422, code: errcode.InvalidArchive},
		{name: "zip without a shapefile", ctype: "application/zip",
			body: func() []byte { return zipOf(t, map[string][]byte{"readme.txt": []byte("hello")}, zip.Deflate) }, status: 422, code: errcode.InvalidArchive},
		{name: "truncated zip", ctype: "application/zip", body: func() []byte { return shpZip[:len(shpZip)/2] }, status: 422, code: errcode.InvalidArchive,
			file: "cut.zip", cliCode: errcode.InvalidArchive},
		{name: "truncated .shp inside the zip", ctype: "application/zip", body: func() []byte {
			return withMembers(nil, func(name string, b []byte) []byte {
				if strings.HasSuffix(name, ".shp") {
					return b[:len(b)-40]
				}
				return b
			})
		}, status: 400, code: errcode.BadRequest},
		{name: "zip bomb", ctype: "application/zip", body: func() []byte {
			out := map[string][]byte{}
			for name, b := range members {
				out[name] = b
			}
			out["site_4524.dbf"] = append(out["site_4524.dbf"], make([]byte, 300<<20)...)
			return zipOf(t, out, zip.Deflate)
		}, status: 413, code: errcode.PayloadTooLarge, file: "bomb.zip", cliCode: errcode.PayloadTooLarge},
		{name: "truncated GeoPackage", ctype: "application/geopackage+sqlite3", body: func() []byte { return gpkg[:len(gpkg)/3] },
			status: 400, code: errcode.BadRequest, file: "cut.gpkg", cliCode: errcode.BadRequest},
		{name: "truncated KML", ctype: "application/vnd.google-earth.kml+xml", body: func() []byte { return kml[:len(kml)/2] },
			status: 400, code: errcode.BadRequest, file: "cut.kml", cliCode: errcode.BadRequest},
		{name: "KML entity expansion", ctype: "application/vnd.google-earth.kml+xml",
			body: lit(`<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
				`<kml><Placemark><name>&b;</name><Point><coordinates>107.44,33.53</coordinates></Point></Placemark></kml>`),
			status: 400, code: errcode.BadRequest},

		// Batches.
		{name: "locate: malformed NDJSON line", route: "/v1/locate", ctype: "application/x-ndjson",
			body: lit(`{"type":"Feature","geometry":` + point("107.44", "33.53") + "}\n{\"type\":\n"), status: 200, code: errcode.BadRequest},
		{name: "locate: more features than the limit", route: "/v1/locate", ctype: "application/x-ndjson", body: func() []byte {
			var b bytes.Buffer
			for i := range 1001 {
				fmt.Fprintf(&b, `{"type":"Feature","id":%d,"geometry":%s}`+"\n", i, point("107.44", "33.53"))
			}
			return b.Bytes()
		}, status: 200, code: errcode.PayloadTooLarge},
		{name: "locate: a feature over the vertex limit", route: "/v1/locate", ctype: "application/x-ndjson", body: func() []byte {
			var b bytes.Buffer
			b.WriteString(`{"type":"Feature","geometry":{"type":"LineString","coordinates":[`)
			for i := range 1_000_001 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "[107.%06d,33.5]", i%1_000_000)
			}
			b.WriteString("]}}\n")
			return b.Bytes()
		}, status: 200, code: errcode.PayloadTooLarge},
		{name: "locate: 2,000 scattered points as one feature's ring", route: "/v1/locate", ctype: "application/x-ndjson", body: func() []byte {
			return append([]byte(`{"type":"Feature","geometry":`+goodSquare+"}\n"+`{"type":"Feature","geometry":`), append(scatteredPolygon(2000, 3), "}\n"...)...)
		}, status: 200, code: errcode.InvalidGeometry},
		{name: "locate: PNG", route: "/v1/locate", ctype: "image/png", body: lit("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), status: 415, code: errcode.UnsupportedMedia},
		{name: "locate: unknown format parameter", route: "/v1/locate?format=xlsx", ctype: "application/x-ndjson",
			body: lit(`{"type":"Feature","geometry":` + point("107.44", "33.53") + "}\n"), status: 400, code: errcode.BadRequest},

		// Request shape.
		{name: "unknown report format", route: "/v1/check?format=pdf", ctype: "application/geo+json", body: lit(goodSquare), status: 400, code: errcode.BadRequest},
		{name: "negative buffer", route: "/v1/check?buffer_m=-5", ctype: "application/geo+json", body: lit(goodSquare), status: 400, code: errcode.BadRequest},
		{name: "unknown project type", ctype: "application/json",
			body: lit(`{"project":{"type":"spaceship"},"footprint":` + goodSquare + `}`), status: 422, code: errcode.InvalidProject},
	}
}

// TestHostileInputs runs the catalogue over HTTP and the CLI.
func TestHostileInputs(t *testing.T) {
	ts, _ := hostileServer(t)
	good := func(t *testing.T) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/v1/check", strings.NewReader(goodSquare))
		req.Header.Set("Content-Type", "application/geo+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("good check after the case: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("good check after the case: %d", resp.StatusCode)
		}
	}
	cases := hostileCases(t)
	if len(cases) < 60 {
		t.Errorf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			route := tc.route
			if route == "" {
				route = "/v1/check"
			}
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			var body io.Reader
			if tc.stream != nil {
				pr, pw := io.Pipe()
				go func() { pw.CloseWithError(tc.stream(pw)) }()
				defer pr.Close()
				body = pr
			} else {
				body = bytes.NewReader(tc.body())
			}
			req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+route, body)
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("answer: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, b)
			}
			switch {
			case strings.HasPrefix(route, "/v1/locate") && resp.StatusCode == 200:
				lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
				var last struct {
					Error *struct {
						Code    errcode.Code `json:"code"`
						Message string       `json:"message"`
					} `json:"error"`
				}
				if err := json.Unmarshal(lines[len(lines)-1], &last); err != nil || last.Error == nil || last.Error.Code != tc.code || last.Error.Message == "" {
					t.Errorf("last record %.300s, want code %s", lines[len(lines)-1], tc.code)
				}
			case resp.StatusCode == 200:
				var rep struct {
					Verdict   string `json:"verdict"`
					Footprint struct {
						Repaired bool     `json:"repaired"`
						Warnings []string `json:"warnings"`
					} `json:"footprint"`
				}
				if err := json.Unmarshal(b, &rep); err != nil || rep.Verdict == "" {
					t.Fatalf("not a report: %v %.300s", err, b)
				}
				if tc.warn != "" && !(rep.Footprint.Repaired && len(rep.Footprint.Warnings) > 0) {
					t.Errorf("no disclosed repair: %+v", rep.Footprint)
				}
			default:
				code, ok := refusal(resp.StatusCode, b)
				if !ok || code != tc.code {
					t.Errorf("code %q (%v), want %q: %.300s", code, ok, tc.code, b)
				}
			}
			good(t)
			if tc.file != "" && tc.body != nil {
				name := filepath.Join(t.TempDir(), tc.file)
				if err := os.WriteFile(name, tc.body(), 0o644); err != nil {
					t.Fatal(err)
				}
				exit, out, stderr := runCLI(t, "", "check", name)
				if tc.cliCode == "" {
					var rep struct {
						Footprint struct {
							Repaired bool     `json:"repaired"`
							Warnings []string `json:"warnings"`
						} `json:"footprint"`
					}
					if err := json.Unmarshal([]byte(out), &rep); exit != 0 || err != nil || !rep.Footprint.Repaired || len(rep.Footprint.Warnings) == 0 {
						t.Errorf("redline check: exit %d, %v, %.200s %.300s", exit, err, stderr, out)
					}
				} else if m := cliCodeRE.FindStringSubmatch(stderr); exit == 0 || m == nil || errcode.Code(m[1]) != tc.cliCode {
					t.Errorf("redline check: exit %d, stderr %.300q, want code %s", exit, stderr, tc.cliCode)
				}
			}
		})
	}
}

// TestHostileConnections: what arrives too slowly or too big to be a request.
func TestHostileConnections(t *testing.T) {
	ts, _ := hostileServer(t)
	addr := strings.TrimPrefix(ts.URL, "http://")
	dial := func(t *testing.T) net.Conn {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(60 * time.Second))
		return c
	}
	t.Run("slow-loris headers are cut off", func(t *testing.T) {
		c := dial(t)
		fmt.Fprintf(c, "POST /v1/check HTTP/1.1\r\nHost: x\r\n")
		// Never finish the headers: the server closes after ReadHeaderTimeout.
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("read: %v (the server did not close)", err)
		}
		if len(b) > 0 && !bytes.Contains(b, []byte("408")) {
			t.Errorf("answer %q", b)
		}
	})
	t.Run("slow-loris body is cut off with 504 timeout", func(t *testing.T) {
		c := dial(t)
		body := `{"footprint":` + goodSquare + `}`
		fmt.Fprintf(c, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		c.Write([]byte(body[:10]))
		// Then nothing: past BodyIdleTimeout the server answers and closes.
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		if code, ok := refusal(resp.StatusCode, b); resp.StatusCode != 504 || !ok || code != errcode.Timeout {
			// A 504 is not a 4xx: refusal() says !ok; check the code by hand.
			var e struct {
				Error struct{ Code errcode.Code } `json:"error"`
			}
			if json.Unmarshal(b, &e); resp.StatusCode != 504 || e.Error.Code != errcode.Timeout {
				t.Errorf("%d %s", resp.StatusCode, b)
			}
		}
	})
	for _, tc := range []struct{ name, path, header string }{
		{"oversize headers get 431", "/healthz", strings.Repeat("a", 64<<10)},
		{"oversize URL gets 431", "/v1/layers?x=" + strings.Repeat("a", 64<<10), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+tc.path, nil)
			if tc.header != "" {
				req.Header.Set("X-Big", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("%d", resp.StatusCode)
			}
		})
	}
	t.Run("bad request id is replaced", func(t *testing.T) {
		req, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
		req.Header.Set("X-Request-Id", "evil\tid<script>")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if id := resp.Header.Get("X-Request-Id"); id == "" || strings.ContainsAny(id, "<>\t ") {
			t.Errorf("request id %q", id)
		}
	})
	t.Run("path escapes answer 404", func(t *testing.T) {
		for _, p := range []string{"/static/..%2f..%2fgo.mod", "/v1/reports/..%2f..%2fetc%2fpasswd", "/v1/layers/..%2f/zones"} {
			resp, err := http.Get(ts.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if code, ok := refusal(resp.StatusCode, b); !ok || resp.StatusCode != 404 || code != errcode.NotFound {
				t.Errorf("%s: %d %s", p, resp.StatusCode, b)
			}
		}
	})
	// Still serving.
	resp, err := http.Post(ts.URL+"/v1/check", "application/geo+json", strings.NewReader(goodSquare))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("good check after the connections: %d", resp.StatusCode)
	}
}
