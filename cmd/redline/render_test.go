package main

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCheckRenderings: `redline check --format` prints each rendering of package
// render; JSON indented for a terminal.
func TestCheckRenderings(t *testing.T) {
	const example = "../../data/demo/examples/factory_in_redline.geojson"
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"json", []string{"--format", "json"}, []string{"{\n  \"report_id\": ", "\"verdict\": \"prohibited\""}},
		{"html default chinese", []string{"--format", "html"}, []string{"<!DOCTYPE html>", `<html lang="zh-CN">`, "总体结论", "<svg"}},
		{"html english", []string{"--format", "html", "--lang", "en"}, []string{`<html lang="en">`, "Overall verdict", "Prohibited"}},
		{"geojson", []string{"--format", "geojson"}, []string{`"type":"FeatureCollection"`, `"role":"footprint"`, `"role":"overlap"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", append(append([]string{"check"}, tc.args...), example)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%.300s", w, out)
				}
			}
			if tc.name == "geojson" && !json.Valid([]byte(out)) {
				t.Error("geojson output is not JSON")
			}
		})
	}
	code, out, errs := runCLI(t, "", "check", "--format", "pdf", example)
	if code != 2 || out != "" || !strings.Contains(errs, "json, html or geojson") {
		t.Errorf("--format pdf: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestOnlyServeImportsAPI: the commands print through package render; only
// `redline serve` needs the HTTP package.
func TestOnlyServeImportsAPI(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("%v %v", files, err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "github.com/redline-gis/redline/api" && name != "serve.go" {
				t.Errorf("%s imports the HTTP package", name)
			}
		}
	}
}
