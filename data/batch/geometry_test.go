package batch

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/planar"
)

// The scanner's seeds, fuzz target and number tests live beside it, in
// data/formats/geojson; here it is held to orb on the real data.

// sameAsOrb fails t when the scanner reads b (ok) but orb's decoder, which sits on
// encoding/json, reads it differently or not at all.
func sameAsOrb(t *testing.T, b []byte) (scanned bool) {
	t.Helper()
	g, end, ok := scanGeometry(b, 0)
	if !ok {
		return false
	}
	if end > len(b) || end <= 0 {
		t.Fatalf("end %d outside %d bytes: %q", end, len(b), b)
	}
	og, err := geojson.UnmarshalGeometry(b[:end])
	if err != nil {
		t.Fatalf("scanned %q, which encoding/json refuses: %v", b[:end], err)
	}
	if !reflect.DeepEqual(g, og.Geometry()) {
		t.Fatalf("scanned %q as %#v, encoding/json reads %#v", b[:end], g, og.Geometry())
	}
	return true
}

// TestScanGeometrySharedData: every geometry of the real layers and the oracle
// footprints in ../shared/data is read by the scanner, as encoding/json reads it.
func TestScanGeometrySharedData(t *testing.T) {
	files := sharedGeoJSON(t, "the scanner cannot be held to encoding/json on real data")
	n, vertices := 0, 0
	for p, raw := range files {
		var fc struct {
			Features []struct {
				Geometry json.RawMessage `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(raw, &fc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for i, f := range fc.Features {
			if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
				continue
			}
			if !sameAsOrb(t, f.Geometry) {
				t.Errorf("%s: feature %d: the scanner left the geometry to orb", filepath.Base(p), i)
				continue
			}
			g, _, _ := scanGeometry(f.Geometry, 0)
			vertices += planar.NumVertices(g)
			n++
		}
	}
	t.Logf("%d geometries, %d vertices from %d files read alike", n, vertices, len(files))
}

// sharedGeoJSON reads the GeoJSON files of ../shared/data (the layers and the
// oracle footprints), by path; without them the test fails under CI, else skips
// saying why.
func sharedGeoJSON(t *testing.T, why string) map[string][]byte {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	files, _ := filepath.Glob(filepath.Join(dir, "*.geojson"))
	more, _ := filepath.Glob(filepath.Join(dir, "oracle", "*.geojson"))
	files = append(files, more...)
	if len(files) == 0 {
		testenv.Missing(t, "../shared/data has no GeoJSON files: "+why)
		return nil
	}
	out := make(map[string][]byte, len(files))
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = raw
	}
	return out
}

// TestSkipCounting: the boundary scan ends a value where JSON does, past
// brackets and escaped quotes inside strings, counts the positions ("[" then
// a number), and says incomplete when the text stops inside the value.
func TestSkipCounting(t *testing.T) {
	for _, tc := range []struct {
		in        string
		end       int // -1: incomplete
		positions int
	}{
		{`{"a":[1,2]} ,`, 11, 1},
		{`{"a":"]}\"}"}x`, 13, 0},
		{`{"a":"\\"}x`, 10, 0},
		{`[[ -1,2],[3,4]]`, 15, 2},
		{`{"p":["a",[1]]}`, 15, 1},
		{`{"a":"x\"`, -1, 0},
		{`{"a":[1,2]`, -1, 0},
		{`{"a":"xy`, -1, 0},
		{`"s\"t" `, 6, 0},
		{`{"é":"日本"}`, len(`{"é":"日本"}`), 0},
	} {
		end, positions, err := skipCounting([]byte(tc.in), 0)
		if tc.end < 0 {
			if !errors.Is(err, errIncomplete) {
				t.Errorf("%s: end %d err %v, want incomplete", tc.in, end, err)
			}
			continue
		}
		if err != nil || end != tc.end || positions != tc.positions {
			t.Errorf("%s: end %d positions %d err %v, want %d %d", tc.in, end, positions, err, tc.end, tc.positions)
		}
	}
}

// TestParseFeatureProperties: properties read in the pass that finds their
// end give the id and properties the two-pass reading gave, the last
// "properties" object winning and an id from an earlier one kept, and
// malformed properties the same message, offsets counted in the properties.
func TestParseFeatureProperties(t *testing.T) {
	const geom = `"geometry":{"type":"Point","coordinates":[108,34]}`
	for _, tc := range []struct {
		in, id, props, msg string
	}{
		{`{"type":"Feature","properties":{"id":"p","a":[1,{"id":2}]},` + geom + `}`, `"p"`, `{"id":"p","a":[1,{"id":2}]}`, ""},
		{`{"type":"Feature","properties":{"id":1},"properties":{"b":2},` + geom + `}`, `1`, `{"b":2}`, ""},
		{`{"type":"Feature","properties":{"id":1},"properties":null,` + geom + `}`, `1`, `{"id":1}`, ""},
		{`{"type":"Feature","properties": { "id" : 7 } ,` + geom + `}`, `7`, `{ "id" : 7 }`, ""},
		{`{"type":"Feature","properties":{"a" 1},` + geom + `}`, ``, ``, `feature 0: malformed JSON: offset 5: expected ':'`},
		{`{"type":"Feature","properties":{"a":1 "b":2},` + geom + `}`, ``, ``, `feature 0: malformed JSON: offset 7: expected ',' or '}'`},
		{`{"type":"Feature","properties":{"a":1,` + geom, ``, ``, `feature 0: malformed JSON: batch: unexpected end of input`},
	} {
		f := parseFeature([]byte(tc.in), 0, 0, false)
		msg := ""
		if f.Err != nil {
			msg = f.Err.Message
		}
		if string(f.ID) != tc.id || string(f.Properties) != tc.props || msg != tc.msg {
			t.Errorf("%s:\nid %s props %s err %q\nwant %s %s %q", tc.in, f.ID, f.Properties, msg, tc.id, tc.props, tc.msg)
		}
	}
}

// TestScanPoint: the point fast path reads what the scanner reads, ending at
// the same place, and leaves every other spelling to it.
func TestScanPoint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fast bool
	}{
		{`{"type":"Point","coordinates":[108.5,34.25]},"x":1`, true},
		{`{"type":"Point","coordinates":[-0,1e2]}`, true},
		{`{"type":"Point","coordinates":[108.12345678901234567,34.999999999999999999]}`, true},
		{`{"type":"Point","coordinates":[108,34,500]}`, false},
		{`{"type":"Point","coordinates":[108]}`, false},
		{`{"type":"Point","coordinates":[108,34] }`, false},
		{`{"type":"Point","coordinates":[108, 34]}`, false},
		{`{"type":"Point","coordinates":[108,NaN]}`, false},
		{`{"type":"Point","coordinates":[108,34],"bbox":[1,2,3,4]}`, false},
		{`{"type": "Point", "coordinates": [108, 34]}`, false},
		{`{"type":"Point","coordinates":[108,34`, false},
		{`{"type":"Point","coordinates":[01,34]}`, false},
	} {
		b := []byte(tc.in)
		p, end, ok := scanPoint(b, 0)
		if ok != tc.fast {
			t.Errorf("%s: fast path %v, want %v", tc.in, ok, tc.fast)
			continue
		}
		if !ok {
			continue
		}
		g, gend, gok := scanGeometry(b, 0)
		if !gok || g != orb.Geometry(p) || gend != end {
			t.Errorf("%s: fast path %v end %d, scanner %v end %d ok %v", tc.in, p, end, g, gend, gok)
		}
	}
}

// parsePointFeature is parseFixed for a point feature: ok when it read one.
func parsePointFeature(b []byte, index int, stable bool) (Feature, orb.Point, bool) {
	f, pt, kind := parseFixed(b, index, 0, stable)
	return f, pt, kind == fixedPoint
}

// TestParseFixedShapes: a feature spelled as parseFixed reads one, with a
// geometry other than a point, is the feature the walk over the members
// reads, refusals (by place, by vertex count) included; a geometry the
// scanner does not read, or a member after it, is left to the walk.
func TestParseFixedShapes(t *testing.T) {
	const sq = `[[108.1234567,34.5],[108.1245678,34.5],[108.1245678,34.5012345],[108.1234567,34.5012345],[108.1234567,34.5]]`
	for _, tc := range []struct {
		in   string
		kind int
	}{
		{`{"type":"Feature","id":0,"properties":{},"geometry":{"type":"Polygon","coordinates":[` + sq + `]}}`, fixedShape},
		{`{"type":"Feature","id":"a","properties":{"id":2,"k":[1,2]},"geometry":{"type":"Polygon","coordinates":[` + sq + `,` + sq + `]}}`, fixedShape},
		{`{"type":"Feature","properties":{"id":"p"},"geometry":{"type":"MultiPolygon","coordinates":[[` + sq + `],[` + sq + `,[]]]}}`, fixedShape},
		{`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[108.5,34.5],[108.6,34.6]]}}`, fixedShape},
		{`{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[108.5,34.5],[108.6,34.6]]]}}`, fixedShape},
		{`{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[108.5,34.5],[108.6,34.6]]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type": "Polygon", "coordinates": [[[108.5, 34.5], [108.6, 34.5], [108.6, 34.6], [108.5, 34.5]]]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"coordinates":[[[108.5,34.5,1],[108.6,34.5,2],[108.6,34.6,3],[108.5,34.5,1]]],"type":"Polygon"}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[[[8.5,34.5],[108.6,34.5],[108.6,34.6],[8.5,34.5]]]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[` + sq + `,` + sq + `,` + sq + `]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[` + sq + `]},"bbox":[1,2,3,4]}`, fixedNone},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[` + sq + `],"bbox":[1,2,3,4]}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[` + sq + `],"crs":null}}`, fixedShape},
		{`{"type":"Feature","id":1,"geometry":{"type":"GeometryCollection","geometries":[]}}`, fixedNone},
		{`{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[[[108.5,34.5],[1e999,34.5]]]}}`, fixedNone},
		{`{"type":"Feature","id":1,"geometry":{"type":"polygon","coordinates":[` + sq + `]}}`, fixedNone},
		{`{"type":"Feature","id":1,"geometry":null}`, fixedNone},
		{`{"type":"Feature","id":1,"properties":{"a":},"geometry":{"type":"Polygon","coordinates":[` + sq + `]}}`, fixedNone},
		{`{"id":1,"type":"Feature","geometry":{"type":"Polygon","coordinates":[` + sq + `]}}`, fixedNone},
	} {
		b := []byte(tc.in)
		for _, stable := range []bool{false, true} {
			f, _, kind := parseFixed(b, 5, 12, stable)
			if kind != tc.kind {
				t.Errorf("%s: parseFixed %d, want %d", tc.in, kind, tc.kind)
				continue
			}
			slow := parseMembers(b, 5, 12, stable)
			if kind == fixedShape && !reflect.DeepEqual(f, slow) {
				t.Errorf("%s: parseFixed %+v, members %+v", tc.in, f, slow)
			}
			if got := parseFeature(b, 5, 12, stable); !reflect.DeepEqual(got, slow) {
				t.Errorf("%s: parseFeature %+v, members %+v", tc.in, got, slow)
			}
		}
	}
}

// TestParsePointFeature: the point feature fast path reads what the walk over
// the members reads (ids, properties, geometry, refusals by place), and leaves
// every other spelling, and every feature it would refuse, to it; the reader's
// fast path over the same spelling ends each feature where skipCounting does.
func TestParsePointFeature(t *testing.T) {
	const pt = `"geometry":{"type":"Point","coordinates":[108.12345678901234,34.5]}`
	skipped := 0
	defer func() {
		if skipped < 11 {
			t.Errorf("test too weak: skipFeature took %d features", skipped)
		}
	}()
	for _, tc := range []struct {
		in   string
		fast bool
	}{
		{`{"type":"Feature","id":12,"properties":{},` + pt + `}`, true},
		{`{"type":"Feature","id":"a\"b","properties":{"id":3,"k":{"x":[1,"]"]}},` + pt + `}`, true},
		{`{"type":"Feature","properties":{"id":3},` + pt + `}`, true},
		{`{"type":"Feature","id":null,"properties":{"id":"p"},` + pt + `}`, true},
		{`{"type":"Feature","id":[1],"properties":{"id":true},` + pt + `}`, true},
		{`{"type":"Feature","id":1,` + pt + `}`, true},
		{`{"type":"Feature",` + pt + `}`, true},
		{`{"type":"Feature",` + pt + `}trailing`, true},
		{`{"type":"Feature","id":1,"properties":{},"geometry":{"type":"Point","coordinates":[8,34]}}`, false},
		{`{"type":"Feature","id":1,"properties":null,` + pt + `}`, false},
		{`{"type":"Feature","id":1,"properties":{"a":},` + pt + `}`, false},
		{`{"type":"Feature","id":1,"properties":{},` + pt + `,"bbox":[1,2,3,4]}`, false},
		{`{"type":"Feature","properties":{},"id":1,` + pt + `}`, false},
		{`{"type":"Feature", "id":1,` + pt + `}`, false},
		{`{"type":"Feature","id":1,"properties":{},"geometry":{"type":"Point","coordinates":[108,34,5]}}`, false},
		{`{"type":"Feature","id":1,"properties":{},"geometry":null}`, false},
		{`{"id":1,"type":"Feature",` + pt + `}`, false},
		{`{"type":"Feature","id":1,` + pt, false},
		{`{"type":"Feature","id":1,"properties":{"a":[1,2]},"geometry":{"type":"Polygon","coordinates":[[[106,33],[106.1,33],[106.1,33.1],[106,33]]]}}`, false},
		{`{"type":"Feature","id":1,"properties":{},"geometry":{"type":"Point","coordinates":[106, 33]}}`, false},
		{`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[106,33],[106.1,33]]]},"bbox":[1,2,3,4]}`, false},
	} {
		b := []byte(tc.in)
		// The reader's skip of the same spelling ends where skipCounting does.
		if end, positions, ok := skipFeature(b, 0); ok {
			skipped++
			if want, wantPositions, err := skipCounting(b, 0); err != nil || end != want || positions != wantPositions {
				t.Errorf("%s: skipFeature ends at %d (%d positions), skipCounting at %d (%d), %v", tc.in, end, positions, want, wantPositions, err)
			}
		} else if tc.fast {
			t.Errorf("%s: skipFeature does not take it", tc.in)
		}
		for _, stable := range []bool{false, true} {
			fast, pt, ok := parsePointFeature(b, 5, stable)
			fast.Geometry = pt
			if ok != tc.fast {
				t.Errorf("%s: fast path %v, want %v", tc.in, ok, tc.fast)
				continue
			}
			if !ok {
				continue
			}
			if slow := parseMembers(b, 5, 10, stable); !reflect.DeepEqual(fast, slow) {
				t.Errorf("%s: fast path %+v, members %+v", tc.in, fast, slow)
			}
			if got := parseFeature(b, 5, 10, stable); !reflect.DeepEqual(got, fast) {
				t.Errorf("%s: parseFeature %+v, fast path %+v", tc.in, got, fast)
			}
		}
	}
}
