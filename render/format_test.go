package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		ok   bool
	}{
		{"json", FormatJSON, true},
		{"html", FormatHTML, true},
		{"geojson", FormatGeoJSON, true},
		{"", "", false}, // the default is the caller's (flag default, absent query)
		{"JSON", "", false},
		{"pdf", "", false},
		{"ndjson", "", false}, // a locate format, not a report format
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFormat(tc.in)
			if got != tc.want || (err == nil) != tc.ok {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "json, html or geojson") {
				t.Errorf("error %q does not name the choices", err)
			}
		})
	}
}

func TestFormatMedia(t *testing.T) {
	for _, tc := range []struct {
		media string
		want  Format
		ok    bool
		ctype string
	}{
		{"application/json", FormatJSON, true, "application/json; charset=utf-8"},
		{"text/html", FormatHTML, true, "text/html; charset=utf-8"},
		{"application/geo+json", FormatGeoJSON, true, "application/geo+json"},
		{"application/xhtml+xml", "", false, ""},
		{"*/*", "", false, ""},
		{"", "", false, ""},
	} {
		t.Run(tc.media, func(t *testing.T) {
			got, ok := FormatOfMedia(tc.media)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("FormatOfMedia(%q) = %q, %v", tc.media, got, ok)
			}
			if ok && got.ContentType() != tc.ctype {
				t.Errorf("%s: Content-Type %q, want %q", got, got.ContentType(), tc.ctype)
			}
		})
	}
}

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		want Lang
	}{
		{"", Chinese},
		{"zh", Chinese},
		{"zh-CN", Chinese},
		{"en", English},
		{"EN", English},
		{" en ", English},
		{"en-US", English},
		{"en_GB", English},
		{"en;q=0.9", English},
		{"eng", Chinese}, // not a tag whose primary subtag is en
		{"fr", Chinese},  // unknown: the report reviewers file
	} {
		if got := ParseLang(tc.tag); got != tc.want {
			t.Errorf("ParseLang(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	r := sampleReport()
	for _, tc := range []struct {
		name   string
		indent bool
		lines  int // at least
	}{
		{"compact", false, 1},
		{"indented", true, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, r, tc.indent); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if n := strings.Count(out, "\n"); (tc.indent && n < tc.lines) || (!tc.indent && n != 1) {
				t.Errorf("%d lines", n)
			}
			if tc.indent && !strings.HasPrefix(out, "{\n  \"report_id\": \"r-0001\"") {
				t.Errorf("not indented by two spaces: %.40q", out)
			}
			// Quoted law keeps its < > &; the report is JSON, never spliced into a page.
			if !strings.Contains(out, "禁止新建<钢铁>、水泥 & 平板玻璃项目") || strings.Contains(out, `\u003c`) {
				t.Errorf("texts escaped for HTML")
			}
			var back zones.Report
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.ReportID != r.ReportID || back.Verdict != r.Verdict || len(back.Intersections) != len(r.Intersections) ||
				back.Intersections[0].OverlapAreaM2 != r.Intersections[0].OverlapAreaM2 {
				t.Errorf("round trip: %+v", back)
			}
		})
	}
	if err := JSON(&bytes.Buffer{}, nil, false); err == nil {
		t.Error("no error for a nil report")
	}
}

// TestReport: Report is each format's own function, and nothing else.
func TestReport(t *testing.T) {
	r := sampleReport()
	direct := map[Format]func(*bytes.Buffer) error{
		FormatJSON:    func(b *bytes.Buffer) error { return JSON(b, r, true) },
		FormatHTML:    func(b *bytes.Buffer) error { return HTML(b, r, English) },
		FormatGeoJSON: func(b *bytes.Buffer) error { return GeoJSON(b, r) },
	}
	for _, f := range Formats {
		var got, want bytes.Buffer
		if err := Report(&got, r, f, Options{Lang: English, Indent: true}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := direct[f](&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: Report differs from the format's own function", f)
		}
	}
	if err := Report(&bytes.Buffer{}, r, "pdf", Options{}); err == nil || !strings.Contains(err.Error(), "r-0001") {
		t.Errorf("unknown format: %v", err)
	}
	// The zero Options are the wire defaults: compact JSON, Chinese HTML.
	var zero, zh bytes.Buffer
	Report(&zero, r, FormatHTML, Options{})
	HTML(&zh, r, Chinese)
	if !bytes.Equal(zero.Bytes(), zh.Bytes()) {
		t.Error("the zero language is not Chinese")
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestLabelsComplete: every verdict reads in both languages, the Chinese in
// Chinese; every project fact of zones' table has a value here and no other (the
// names of kinds, classes, types and facts are zones', tested there); and every
// word of the page is set in both languages.
func TestLabelsComplete(t *testing.T) {
	check := func(what string, tx text, ok bool) {
		t.Helper()
		switch {
		case !ok:
			t.Errorf("%s has no label", what)
		case !hasHan(tx.zh):
			t.Errorf("%s: Chinese label %q", what, tx.zh)
		case tx.en == "" || hasHan(strings.TrimSuffix(tx.en, " (两高)")):
			t.Errorf("%s: English label %q", what, tx.en)
		}
	}
	for _, v := range []zones.Verdict{zones.Prohibited, zones.NeedsInfo, zones.Conditional, zones.Admissible} {
		tx, ok := verdicts[v]
		check("verdict "+string(v), tx, ok)
	}
	zh, en := labelsFor(Chinese), labelsFor(English)
	for _, k := range zones.Kinds {
		check("kind "+string(k), text{zh.kind(k), en.kind(k)}, true)
		for _, c := range k.Classes() {
			check(fmt.Sprintf("class %s of %s", c, k), text{zh.class(k, c), en.class(k, c)}, true)
		}
	}
	for _, typ := range zones.ProjectTypes {
		check("project type "+typ, text{zh.projectType(typ), en.projectType(typ)}, true)
	}
	shown := map[string]bool{}
	for _, f := range zones.Facts {
		if _, ok := factValues[f.Field]; !ok {
			t.Errorf("fact %q has no value in the report", f.Field)
		}
		shown[f.Field] = true
	}
	for field := range factValues {
		if !shown[field] {
			t.Errorf("value of %q, which zones.Facts lacks", field)
		}
	}
	// The page's own words: every label of both languages is set.
	for _, l := range []Lang{Chinese, English} {
		v := reflect.ValueOf(labelsFor(l))
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && v.Field(i).String() == "" {
				t.Errorf("%s: label %s is empty", l, f.Name)
			}
		}
	}
}

func TestLayers(t *testing.T) {
	ds := &zones.Dataset{Name: "t", Version: "1", Layers: []*zones.Layer{
		{ID: "rl", Kind: zones.KindRedline, Title: "红线", Source: "rl.shp", Geom: zones.Polygonal, Zones: []*zones.Zone{
			{ID: "a", Class: "redline", Geometry: rect(108, 34, 108.1, 34.1)},                                               // 5
			{ID: "b", Class: "redline", Geometry: orb.MultiPolygon{rect(108, 34, 108.1, 34.1), rect(109, 34, 109.1, 34.1)}}, // 10
		}},
		{ID: "ws", Kind: zones.KindWaterSource, Geom: zones.Polygonal, Zones: []*zones.Zone{
			{ID: "c", Class: "level1", Geometry: rect(108, 34, 108.1, 34.1)},
			{ID: "d", Class: "level2", Geometry: rect(108, 34, 108.1, 34.1)},
			{ID: "e", Class: "level2", Geometry: rect(108, 34, 108.1, 34.1)},
		}},
	}}
	got := Layers(ds, nil)
	want := []Layer{
		{ID: "rl", Kind: zones.KindRedline, Title: "红线", Source: "rl.shp", Geometry: zones.Polygonal, Zones: 2,
			Classes: map[string]int{"redline": 2}, Vertices: 15, Dataset: zones.DatasetRef{Name: "t", Version: "1"}},
		{ID: "ws", Kind: zones.KindWaterSource, Geometry: zones.Polygonal, Zones: 3,
			Classes: map[string]int{"level1": 1, "level2": 2}, Vertices: 15, Dataset: zones.DatasetRef{Name: "t", Version: "1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Layers:\n got %+v\nwant %+v", got, want)
	}
	// With an index, the counts are the index's (which counted them at load).
	idx, err := zones.NewIndex(ds, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if withIdx := Layers(ds, idx); !reflect.DeepEqual(withIdx, want) {
		t.Errorf("Layers with index:\n got %+v\nwant %+v", withIdx, want)
	}
	b, _ := json.Marshal(Layers(&zones.Dataset{}, nil))
	if string(b) != "[]" {
		t.Errorf("no layers list as %s", b)
	}
}

func ExampleParseFormat() {
	f, err := ParseFormat("html")
	fmt.Println(f, f.ContentType(), err)
	_, err = ParseFormat("pdf")
	fmt.Println(err)
	// Output:
	// html text/html; charset=utf-8 <nil>
	// format must be json, html or geojson, not "pdf"
}

// TestJSONAsEncodingJSON: JSON writes what encoding/json's Encoder (HTML kept,
// compact or indented by two spaces) wrote before the report had a writer of
// its own, on every hand-built report of these tests.
func TestJSONAsEncodingJSON(t *testing.T) {
	reports := map[string]*zones.Report{"sample": sampleReport(), "full": fullReport(), "needs_info": needsInfoReport(t)}
	for name, r := range reports {
		for _, indent := range []bool{false, true} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if indent {
				enc.SetIndent("", "  ")
			}
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := JSON(&got, r, indent); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s indent=%v: differs from encoding/json at %s", name, indent, firstDiff(got.Bytes(), want.Bytes()))
			}
		}
	}
}
