package intake

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

const (
	point = `{"type":"Point","coordinates":[108.3,33.7]}`
	// A Feature carrying project facts beside its geometry, as the demo examples do.
	featureWithProject = `{"type":"Feature","project":{"industry":"2511","type":"industrial"},"properties":{},"geometry":` + point + `}`
)

func env(members string) string { return `{"footprint":` + point + members + `}` }

func TestRead(t *testing.T) {
	type want struct {
		buffer          zones.Buffer
		strict, geom    bool
		industry, ptype string
		crs             string
		input           string // "" = the whole body
		inputName       string
		inputType       string
	}
	for _, tc := range []struct {
		name   string
		body   string
		file   string
		fields Fields
		want   want
	}{
		{"envelope, nothing given", env(``), "req.json", nil,
			want{input: point, inputType: "application/geo+json"}},
		{"envelope options", env(`,"buffer_m":500,"strict":true,"include_geometry":true,"project":{"industry":"C2511"}`), "", nil,
			want{buffer: zones.BufferOf(500), strict: true, geom: true, industry: "C2511", input: point, inputType: "application/geo+json"}},
		{"envelope buffer 0 is none, not the default", env(`,"buffer_m":0`), "", nil,
			want{buffer: zones.NoBuffer(), input: point, inputType: "application/geo+json"}},
		{"envelope members given as null are not given", env(`,"buffer_m":null,"project":null,"crs":null`), "", nil,
			want{input: point, inputType: "application/geo+json"}},
		{"fields override the envelope", env(`,"buffer_m":500,"strict":true,"project":{"industry":"C2511"}`), "",
			Fields{"buffer_m": "0", "strict": "false", "project": `{"type":"mining"}`},
			want{buffer: zones.NoBuffer(), ptype: "mining", input: point, inputType: "application/geo+json"}},
		{"industry field over the envelope's project", env(`,"project":{"industry":"C2511","type":"industrial"}`), "", Fields{"industry": "4610"},
			want{industry: "D4610", ptype: "industrial", input: point, inputType: "application/geo+json"}},
		{"file with fields", point, "site.geojson", Fields{"buffer_m": "250", "include_geometry": "true"},
			want{buffer: zones.BufferOf(250), geom: true, inputName: "site.geojson"}},
		{"file with buffer 0", point, "site.geojson", Fields{"buffer_m": "0"},
			want{buffer: zones.NoBuffer(), inputName: "site.geojson"}},
		{"project in the file", featureWithProject, "f.geojson", nil,
			want{industry: "C2511", ptype: "industrial", inputName: "f.geojson"}},
		{"project field over the file's", featureWithProject, "f.geojson", Fields{"project": `{"type":"mining"}`},
			want{ptype: "mining", inputName: "f.geojson"}},
		{"industry field over the file's", featureWithProject, "f.geojson", Fields{"industry": "B1011"},
			want{industry: "B1011", ptype: "industrial", inputName: "f.geojson"}},
		{"a Feature is not an envelope", `{"type":"Feature","footprint":1,"properties":{},"geometry":` + point + `}`, "f.geojson", nil,
			want{inputName: "f.geojson"}},
		{"crs field converts the file", `POINT(36500000 3720000)`, "site.wkt", Fields{"crs": "EPSG:4524"},
			want{crs: "EPSG:4524", inputName: "site.wkt"}},
		{"crs field over the envelope's", `{"crs":"EPSG:4490","footprint":{"type":"Point","coordinates":[36500000,3720000]}}`, "", Fields{"crs": "EPSG:4524"},
			want{crs: "EPSG:4524", input: `{"type":"Point","coordinates":[36500000,3720000]}`, inputType: "application/geo+json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.body), tc.file, tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if c.Options.Buffer != w.buffer || c.Options.Strict != w.strict || c.Options.IncludeGeometry != w.geom {
				t.Errorf("options %+v, want buffer %+v strict %v geometry %v", c.Options, w.buffer, w.strict, w.geom)
			}
			if c.Project.Industry != w.industry || c.Project.Type != w.ptype {
				t.Errorf("project %+v, want industry %q type %q", c.Project, w.industry, w.ptype)
			}
			if w.crs == "" {
				w.crs = "EPSG:4490"
			}
			if c.Footprint.CRS != w.crs {
				t.Errorf("footprint CRS %q, want %q", c.Footprint.CRS, w.crs)
			}
			p, ok := c.Footprint.Geometry.(orb.Point)
			if !ok || p[0] < 107 || p[0] > 109 || p[1] < 33 || p[1] > 34 {
				t.Errorf("footprint %v, want a point near 108°E 33.5°N", c.Footprint.Geometry)
			}
			if w.input == "" {
				w.input = tc.body
			}
			if string(c.Input) != w.input || c.InputName != w.inputName || c.InputType != w.inputType {
				t.Errorf("input %q %q %q, want %q %q %q", c.Input, c.InputName, c.InputType, w.input, w.inputName, w.inputType)
			}
		})
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		fields Fields
		code   errcode.Code
		field  string // Details["field"], "" when none is asserted
	}{
		{"unknown envelope member", env(`,"colour":1`), nil, errcode.BadRequest, "colour"},
		{"null footprint", `{"footprint":null}`, nil, errcode.EmptyGeometry, "footprint"},
		{"buffer_m not a number", env(`,"buffer_m":"x"`), nil, errcode.BadRequest, "buffer_m"},
		{"buffer_m out of range in the envelope", env(`,"buffer_m":1e9`), nil, errcode.BadRequest, "buffer_m"},
		{"buffer_m negative in the envelope", env(`,"buffer_m":-1`), nil, errcode.BadRequest, "buffer_m"},
		{"buffer_m out of range in a field", point, Fields{"buffer_m": "100001"}, errcode.BadRequest, "buffer_m"},
		{"buffer_m far", point, Fields{"buffer_m": "far"}, errcode.BadRequest, "buffer_m"},
		{"buffer_m NaN", point, Fields{"buffer_m": "NaN"}, errcode.BadRequest, "buffer_m"},
		{"boundary_tolerance_m not a number", env(`,"boundary_tolerance_m":"x"`), nil, errcode.BadRequest, "boundary_tolerance_m"},
		{"boundary_tolerance_m negative in the envelope", env(`,"boundary_tolerance_m":-1`), nil, errcode.BadRequest, "boundary_tolerance_m"},
		{"boundary_tolerance_m out of range in a field", point, Fields{"boundary_tolerance_m": "1001"}, errcode.BadRequest, "boundary_tolerance_m"},
		{"boundary_tolerance_m NaN", point, Fields{"boundary_tolerance_m": "NaN"}, errcode.BadRequest, "boundary_tolerance_m"},
		{"boundary_tolerance_m near", point, Fields{"boundary_tolerance_m": "near"}, errcode.BadRequest, "boundary_tolerance_m"},
		{"strict not a bool", point, Fields{"strict": "maybe"}, errcode.BadRequest, "strict"},
		{"strict not a bool in the envelope", env(`,"strict":"yes"`), nil, errcode.BadRequest, "strict"},
		{"unknown field", point, Fields{"colour": "red"}, errcode.BadRequest, "colour"},
		{"project type", env(`,"project":{"type":"castle"}`), nil, errcode.InvalidProject, "type"},
		{"unknown project fact", env(`,"project":{"size":"big"}`), nil, errcode.InvalidProject, "project"},
		{"project field not JSON", point, Fields{"project": "{"}, errcode.InvalidProject, "project"},
		{"industry field", point, Fields{"industry": "Z999"}, errcode.InvalidProject, "industry"},
		{"project in the file", `{"type":"Feature","project":{"industry":"XYZ"},"geometry":` + point + `}`, nil, errcode.InvalidProject, "industry"},
		{"unknown crs", point, Fields{"crs": "EPSG:999999"}, errcode.UnknownCRS, "crs"},
		{"swapped axes", `{"type":"Point","coordinates":[33.7,108.3]}`, nil, errcode.InvalidCoordinates, ""},
		{"malformed JSON", `{"footprint":{"type":"Point"`, nil, errcode.BadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.body), "f.geojson", tc.fields)
			e, ok := errcode.As(err)
			if !ok || e.Code != tc.code {
				t.Fatalf("got %v, want code %s", err, tc.code)
			}
			if tc.field != "" && e.Details["field"] != tc.field {
				t.Errorf("details %v, want field %q", e.Details, tc.field)
			}
		})
	}
}

func TestReadPath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "req.json")
	if err := os.WriteFile(p, []byte(env(`,"buffer_m":0`)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadPath(p, Fields{"strict": "true"})
	if err != nil || c.Options.Buffer != zones.NoBuffer() || !c.Options.Strict || c.Footprint.Geometry == nil {
		t.Fatalf("envelope on disk: %+v %v", c, err)
	}
	// A shapefile is read in place, with its sidecars.
	c, err = ReadPath("../data/formats/shapefile/testdata/utf8_poly.shp", Fields{"industry": "C2511"})
	if err != nil || c.Footprint.Geometry == nil || c.Project.Industry != "C2511" || c.InputName != "utf8_poly.shp" {
		t.Fatalf("shapefile: %+v %v", c, err)
	}
	if _, err := ReadPath(filepath.Join(dir, "missing.geojson"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestValidate(t *testing.T) {
	c, err := Read([]byte(env(`,"project":{"type":"industrial"}`)), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(&zones.Dataset{}); err != nil {
		t.Errorf("a valid project: %v", err)
	}
	c.Project.Type = "castle"
	if err := c.Validate(&zones.Dataset{}); errcode.Of(err) != errcode.InvalidProject {
		t.Errorf("a castle: %v", err)
	}
}

func TestFlags(t *testing.T) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var help bytes.Buffer
	fs.SetOutput(&help)
	f := AddFlags(fs, CheckOptions())
	if err := fs.Parse([]string{"--strict", "--buffer-m", "0", "--include-geometry=false", "--industry", "2511"}); err != nil {
		t.Fatal(err)
	}
	want := Fields{"strict": "true", "buffer_m": "0", "include_geometry": "false", "industry": "2511"}
	if len(f) != len(want) {
		t.Errorf("fields %v, want %v (flags not given stay absent)", f, want)
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	c, err := Read([]byte(env(`,"buffer_m":500,"strict":false,"include_geometry":true`)), "", f)
	if err != nil || c.Options.Buffer != zones.NoBuffer() || !c.Options.Strict || c.Options.IncludeGeometry || c.Project.Industry != "C2511" {
		t.Errorf("flags over the envelope: %+v %v", c, err)
	}
	if err := fs.Parse([]string{"--strict=perhaps"}); err == nil {
		t.Error("--strict=perhaps accepted")
	}
	fs.PrintDefaults()
	for _, s := range []string{"-buffer-m N", "(default 1000)", "-strict\n", "-project JSON", "-crs CRS", "-encoding ENCODING", "-dxf-layer LAYER"} {
		if !strings.Contains(help.String(), s) {
			t.Errorf("help lacks %q:\n%s", s, help.String())
		}
	}
}

func TestFieldsOf(t *testing.T) {
	values := map[string][]string{"buffer_m": {"250", "9"}, "strict": {""}, "format": {"html"}, "lang": {"en"}}
	f := FieldsOf(values, CheckOptions())
	if len(f) != 1 || f["buffer_m"] != "250" {
		t.Errorf("FieldsOf = %v, want buffer_m 250 only (first value; empty and other names left)", f)
	}
	if err := Unknown(values, CheckOptions(), "lang"); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("format is not a check field: %v", err)
	}
	if err := Unknown(values, CheckOptions(), "lang", "format"); err != nil {
		t.Error(err)
	}
}

func TestStreams(t *testing.T) {
	for _, tc := range []struct {
		name, mediaType string
		fields          Fields
		want            bool
	}{
		{"", "", nil, true},
		{"-", "", nil, true},
		{"", "application/json", nil, true},
		{"", "application/x-ndjson", nil, true},
		{"", "application/x-ndjson", Fields{"crs": "EPSG:4326"}, true},
		{"", "application/json", Fields{"crs": "EPSG:4524"}, false},
		{"-", "", Fields{"crs": "EPSG:4524"}, false},
		{"patches.geojson", "", nil, true},
		{"patches.GeoJSON", "", Fields{"crs": "EPSG:4524"}, false},
		{"patches.ndjson", "application/octet-stream", Fields{"crs": "EPSG:4524"}, true},
		{"patches", "", nil, false},
		{"patches", "application/geo+json", nil, true},
		{"patches.zip", "", nil, false},
		{"", "application/zip", nil, false},
	} {
		if got := Streams(tc.name, tc.mediaType, tc.fields); got != tc.want {
			t.Errorf("Streams(%q, %q, %v) = %v, want %v", tc.name, tc.mediaType, tc.fields, got, tc.want)
		}
	}
}

func TestOpenBatch(t *testing.T) {
	ndjson := `{"type":"Feature","geometry":{"type":"Point","coordinates":[108.3,33.7]}}` + "\n"
	gk := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[36500000,3720000]}}]}`
	for _, tc := range []struct {
		name, body, file, mediaType string
		fields                      Fields
		code                        errcode.Code // of the open, "" = opened
		streamed                    bool
	}{
		{"NDJSON", ndjson, "", "application/x-ndjson", nil, "", true},
		{"NDJSON with a lon/lat crs", ndjson, "", "application/x-ndjson", Fields{"crs": "EPSG:4326"}, "", true},
		{"NDJSON with a projected crs", ndjson, "p.ndjson", "", Fields{"crs": "EPSG:4524"}, errcode.UnsupportedCRS, false},
		{"FeatureCollection with a crs is converted", gk, "", "application/geo+json", Fields{"crs": "EPSG:4524"}, "", false},
		{"a check option is no batch option", ndjson, "", "application/x-ndjson", Fields{"buffer_m": "0"}, errcode.BadRequest, false},
		{"WKT", "POINT(108.3 33.7)", "p.wkt", "text/plain", nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := OpenBatch(strings.NewReader(tc.body), tc.file, tc.mediaType, tc.fields, 0)
			if tc.code != "" {
				if errcode.Of(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, isSlice := r.(*batch.Slice); isSlice == tc.streamed {
				t.Errorf("reader %T: streamed should be %v", r, tc.streamed)
			}
			f, err := r.Next()
			if err != nil || f.Err != nil {
				t.Fatalf("first feature: %v %v", err, f.Err)
			}
			p, ok := f.Geometry.(orb.Point)
			if !ok || p[0] < 107 || p[0] > 109 || p[1] < 33 || p[1] > 34 {
				t.Errorf("feature %v, want a point near 108°E 33.5°N", f.Geometry)
			}
			if _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the one feature: %v", err)
			}
		})
	}
}

func TestReadBoundaryTolerance(t *testing.T) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	flags := AddFlags(fs, CheckOptions())
	if err := fs.Parse([]string{"--boundary-tolerance-m", "5"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		body   string
		fields Fields
		want   float64 // -1: not given (the dataset's)
	}{
		{"not given", env(``), nil, -1},
		{"envelope member", env(`,"boundary_tolerance_m":25`), nil, 25},
		{"envelope 0 reviews nothing", env(`,"boundary_tolerance_m":0`), nil, 0},
		{"envelope null is not given", env(`,"boundary_tolerance_m":null`), nil, -1},
		{"field", point, Fields{"boundary_tolerance_m": "12.5"}, 12.5},
		{"field over the envelope", env(`,"boundary_tolerance_m":25`), Fields{"boundary_tolerance_m": "0"}, 0},
		{"flag over the envelope", env(`,"boundary_tolerance_m":25`), flags, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.body), "f.geojson", tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Options.BoundaryToleranceM
			switch {
			case tc.want < 0 && got != nil:
				t.Errorf("tolerance %v, want none given", *got)
			case tc.want >= 0 && (got == nil || *got != tc.want):
				t.Errorf("tolerance %v, want %v", got, tc.want)
			}
		})
	}
	var help bytes.Buffer
	fs.SetOutput(&help)
	fs.PrintDefaults()
	if !strings.Contains(help.String(), "-boundary-tolerance-m N") {
		t.Errorf("help lacks the boundary tolerance:\n%s", help.String())
	}
}

func TestReadSites(t *testing.T) {
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	pt := func(x float64) string {
		return `{"type":"Point","coordinates":[` + strconv.FormatFloat(x, 'f', -1, 64) + `,33.7]}`
	}
	feat := func(id, props string, x float64) string {
		f := `{"type":"Feature",`
		if id != "" {
			f += `"id":` + id + `,`
		}
		return f + `"properties":` + props + `,"geometry":` + pt(x) + `}`
	}
	for _, tc := range []struct {
		name string
		body string
		file string
		want []string // nil: one site, no names
	}{
		{"names, ids, indexes", fc(
			feat(`"f-1"`, `{"name":"厂区"}`, 108.30),
			feat(`7`, `{"kind":"road"}`, 108.31),
			feat(``, `{}`, 108.32),
			feat(``, `{"id":"P-9"}`, 108.33),
			feat(``, `{"Name":"  "}`, 108.34),
		), "sites.geojson", []string{"厂区", "7", "2", "P-9", "4"}},
		{"a feature without geometry is no site", fc(
			`{"type":"Feature","properties":{"name":"nothing"},"geometry":null}`,
			feat(``, `{"NAME":"甲"}`, 108.30),
			feat(``, `{"DKMC":"乙地块"}`, 108.31),
		), "sites.geojson", []string{"甲", "乙地块"}},
		{"one feature is one site", fc(feat(`"a"`, `{"name":"厂区"}`, 108.3)), "site.geojson", nil},
		{"envelope footprint", `{"footprint":` + fc(feat(``, `{"name":"A"}`, 108.3), feat(``, `{"name":"B"}`, 108.31)) + `}`, "", []string{"A", "B"}},
		{"KML placemarks by name", `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>` +
			`<Placemark><name>东厂区</name><Point><coordinates>108.3,33.7</coordinates></Point></Placemark>` +
			`<Placemark><Point><coordinates>108.31,33.7</coordinates></Point></Placemark>` +
			`</Document></kml>`, "sites.kml", []string{"东厂区", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Read([]byte(tc.body), tc.file, nil)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range c.Footprint.Sites {
				names = append(names, s.Name)
				if s.Geometry == nil {
					t.Errorf("site %q has no geometry", s.Name)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("sites %q, want %q", names, tc.want)
			}
			if col, ok := c.Footprint.Geometry.(orb.Collection); tc.want != nil && (!ok || len(col) != len(tc.want)) {
				t.Errorf("footprint %v, want a collection of the %d sites", c.Footprint.Geometry, len(tc.want))
			}
		})
	}
}

// 国土 TXT parcels are named by 地块名称, shapefile records by a name field, else
// their record number.
func TestReadPathSites(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"../data/formats/gtxt/testdata/two_parcels_utf8bom_crlf.txt", []string{"厂区一期", "料场"}},
		{"../data/formats/shapefile/testdata/utf8_poly.shp", []string{"秦岭核心保护区", "渭河", "2"}},
	} {
		c, err := ReadPath(tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range c.Footprint.Sites {
			names = append(names, s.Name)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("%s: sites %q, want %q", tc.path, names, tc.want)
		}
	}
}

// TestDXFOptions: dxf_layer steers a check and a batch read from a DXF drawing,
// and the footprint's warnings say which layer was read.
func TestDXFOptions(t *testing.T) {
	site := [][][2]float64{{{36500000, 3720000}, {36500300, 3720000}, {36500300, 3720200}, {36500000, 3720200}, {36500000, 3720000}}}
	b := oracle.DXF(site, 6, 1)
	for _, tc := range []struct {
		layer, want string
	}{{"", "用地红线"}, {"图框", "图框"}} {
		c, err := Read(b, "site.dxf", Fields{"dxf_layer": tc.layer})
		if err != nil {
			t.Fatal(err)
		}
		if w := strings.Join(c.Footprint.Warnings, "\n"); !strings.Contains(w, `layer "`+tc.want+`"`) {
			t.Errorf("dxf_layer %q: warnings %s", tc.layer, w)
		}
		if _, ok := c.Footprint.Geometry.(orb.Polygon); !ok {
			t.Errorf("dxf_layer %q: %T", tc.layer, c.Footprint.Geometry)
		}
	}
	r, err := OpenBatch(bytes.NewReader(b), "site.dxf", "application/dxf", Fields{"dxf_layer": "用地红线"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.Next()
	if err != nil || f.Err != nil {
		t.Fatalf("first feature: %v %v", err, f.Err)
	}
	if p, ok := f.Geometry.(orb.Polygon); !ok || p.Bound().Center()[0] < 107.9 || p.Bound().Center()[0] > 108.1 {
		t.Errorf("batch feature %v, want the site near 108°E", f.Geometry)
	}
	if _, err := Read(b, "site.dxf", Fields{"dxf_layer": "水系"}); errcode.Of(err) != errcode.BadRequest {
		t.Errorf("a layer the drawing lacks: %v", err)
	}
}
