package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/zones"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckDemoExample(t *testing.T) {
	code, out, errs := runCLI(t, "", "check", "../../data/demo/examples/factory_in_redline.geojson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r zones.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not a report: %v\n%s", err, out)
	}
	if r.Dataset.Name == "" || r.ReportID == "" || !r.Verdict.Valid() {
		t.Errorf("report header: %+v", r)
	}
	var kinds []string
	for _, in := range r.Intersections {
		kinds = append(kinds, string(in.Kind))
		if in.OverlapAreaM2 <= 0 || in.FootprintShare <= 0 || in.FootprintShare > 1 {
			t.Errorf("intersection %s/%s: area %v share %v", in.Layer, in.ZoneID, in.OverlapAreaM2, in.FootprintShare)
		}
	}
	if !strings.Contains(strings.Join(kinds, ","), "redline") || !strings.Contains(strings.Join(kinds, ","), "ecu") {
		t.Errorf("the factory example must touch a red line and an ECU, touched %v", kinds)
	}
	if r.Verdict != zones.Prohibited {
		t.Errorf("an industrial project in a red line: verdict %s", r.Verdict)
	}
}

func TestCheckFromStdinAndErrors(t *testing.T) {
	fp := `{"type":"Polygon","coordinates":[[[108.0,34.0],[108.01,34.0],[108.01,34.01],[108.0,34.01],[108.0,34.0]]]}`
	if code, out, errs := runCLI(t, fp, "check", "--buffer-m", "0", "-"); code != 0 || !strings.Contains(out, `"report_id"`) {
		t.Fatalf("stdin: exit %d %s", code, errs)
	}
	cases := []struct {
		name, stdin string
		args        []string
		want        []string
	}{
		{"unclosed ring", `{"type":"Polygon","coordinates":[[[108,34],[108.01,34],[108.01,34.01],[108,34.01]]]}`, []string{"check", "-"}, []string{"not closed", "invalid_geometry", "ring"}},
		{"malformed JSON", `{"type":"Polygon","coordinates":[[[108,34],`, []string{"check", "-"}, []string{"line 1"}},
		{"swapped axes", `{"type":"Point","coordinates":[34.2,108.9]}`, []string{"check", "-"}, []string{"latitude,longitude", "invalid_coordinates"}},
		{"bow-tie in strict mode", `{"type":"Polygon","coordinates":[[[108,34],[108.01,34.01],[108.01,34],[108,34.01],[108,34]]]}`, []string{"check", "--strict", "-"}, []string{"invalid_geometry", "self-intersection"}},
		{"bad industry", fp, []string{"check", "--industry", "XYZ", "-"}, []string{"invalid_project"}},
		{"missing file", "", []string{"check", "no-such-file.geojson"}, []string{"no-such-file.geojson"}},
		{"bad dataset", fp, []string{"check", "--data", "/nonexistent", "-"}, []string{"/nonexistent"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tc.stdin, tc.args...)
			if code == 0 {
				t.Fatal("exit 0")
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.ToLower(errs), strings.ToLower(w)) {
					t.Errorf("stderr %q does not say %q", errs, w)
				}
			}
		})
	}
}

func TestCheckEnvelopeFile(t *testing.T) {
	env := `{"project":{"name":"测试","industry":"2511","type":"industrial"},"buffer_m":500,
	  "footprint":{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[108.3,33.7]}}}`
	p := filepath.Join(t.TempDir(), "req.json")
	if err := os.WriteFile(p, []byte(env), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "check", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r zones.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Project == nil || r.Project.Industry != "C2511" || r.BufferM != 500 {
		t.Errorf("envelope not applied: project %+v buffer %v", r.Project, r.BufferM)
	}
}

func TestLayers(t *testing.T) {
	code, out, errs := runCLI(t, "", "layers")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, kind := range zones.Kinds {
		if !strings.Contains(out, string(kind)) {
			t.Errorf("layers output lacks kind %s:\n%s", kind, out)
		}
	}
	code, out, _ = runCLI(t, "", "layers", "--json")
	var v struct {
		Layers []struct {
			ID    string `json:"id"`
			Zones int    `json:"zones"`
		} `json:"layers"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || len(v.Layers) < 7 {
		t.Fatalf("layers --json: %d %s", code, out)
	}
	for _, l := range v.Layers {
		if l.Zones == 0 {
			t.Errorf("layer %s has no zones", l.ID)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, errs := runCLI(t, "", "frobnicate"); code == 0 || !strings.Contains(errs, "unknown command") {
		t.Errorf("exit %d %q", code, errs)
	}
}
