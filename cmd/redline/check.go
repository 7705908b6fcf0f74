package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/redline-gis/redline/api"
	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/demo"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/zones"
)

// The demo footprint checked when none is given with the demo dataset.
const demoExample = "examples/factory_in_redline.geojson"

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr)
	dataDir := dataFlag(fs)
	projectArg := fs.String("project", "", "project facts as `JSON` or @FILE")
	industry := fs.String("industry", "", "industry `CODE` (GB/T 4754-2017, e.g. C2511)")
	crs := fs.String("crs", "", "`CRS` of the footprint (EPSG:4490, EPSG:4524, GCJ02, BD09, …); default: detect")
	buffer := fs.Float64("buffer-m", zones.DefaultBufferM, "report zones within `N` metres as nearby (0: none)")
	strict := fs.Bool("strict", false, "refuse invalid footprints instead of repairing them")
	format := fs.String("format", "json", "output `FORMAT`: json, html or geojson")
	lang := fs.String("lang", "zh", "language of the html report: zh or en")
	includeGeom := fs.Bool("include-geometry", false, "put overlap geometries into the JSON report")
	encoding := fs.String("encoding", "", "text `ENCODING` of a DBF without .cpg (e.g. gbk)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: redline check [flags] FILE|-")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "redline check: one footprint file at a time (got %d)\n", len(pos))
		return 2
	}
	switch *format {
	case "json", "html", "geojson":
	default:
		fmt.Fprintf(stderr, "redline check: unknown --format %q (json, html, geojson)\n", *format)
		return 2
	}

	// The footprint: a file, stdin, or with the demo dataset its example.
	var name string
	var b []byte
	switch {
	case len(pos) == 1 && pos[0] == "-":
		name = "-"
		b, err = io.ReadAll(stdin)
	case len(pos) == 1:
		name = pos[0]
		b, err = os.ReadFile(name)
	case *dataDir == "":
		name = demoExample
		fmt.Fprintf(stderr, "redline check: no footprint given; checking the demo example %s\n", demoExample)
		b, err = demo.FS.ReadFile(demoExample)
	default:
		fmt.Fprintln(stderr, "redline check: give a footprint FILE (or - for standard input)")
		return 2
	}
	if err != nil {
		return fail(stderr, "check", err)
	}

	var project zones.Project
	opts := zones.CheckOptions{Buffer: zones.BufferOf(*buffer), Strict: *strict, IncludeGeometry: *includeGeom}
	var fp zones.Footprint
	fopts := formats.Options{Name: filepath.Base(name), CRS: *crs, Encoding: *encoding}
	if data.IsCheckRequest(b) {
		req, err := data.ParseCheckRequest(b)
		if err != nil {
			return fail(stderr, "check", err)
		}
		fp, project = req.Footprint, req.Project
		opts.Strict = opts.Strict || req.Strict
		opts.IncludeGeometry = opts.IncludeGeometry || req.IncludeGeometry
		if req.Buffer != (zones.Buffer{}) && !flagSet(fs, "buffer-m") {
			opts.Buffer = req.Buffer
		}
	} else {
		if p, ok, err := data.ProjectFromFile(b); err != nil {
			return fail(stderr, "check", err)
		} else if ok {
			project = p
		}
		if name != "-" && strings.EqualFold(filepath.Ext(name), ".shp") {
			fp, err = data.ReadFootprintPath(name, fopts)
		} else {
			fp, err = data.ReadFootprint(b, fopts)
		}
		if err != nil {
			return fail(stderr, "check", fmt.Errorf("%s: %w", describeName(name), err))
		}
	}
	if *projectArg != "" {
		pb := []byte(*projectArg)
		if strings.HasPrefix(*projectArg, "@") {
			if pb, err = os.ReadFile(strings.TrimPrefix(*projectArg, "@")); err != nil {
				return fail(stderr, "check", err)
			}
		}
		if project, err = data.DecodeProject(pb); err != nil {
			return fail(stderr, "check", err)
		}
	}
	if *industry != "" {
		project.Industry = *industry
		if project, err = zones.NormalizeProject(project); err != nil {
			return fail(stderr, "check", err)
		}
	}

	checker, _, err := loadChecker(*dataDir)
	if err != nil {
		return fail(stderr, "check", err)
	}
	// With the dataset at hand, a deep industry code is checked against its table.
	if err := zones.ValidateProjectFor(project, checker.Dataset()); err != nil {
		return fail(stderr, "check", err)
	}
	rep, err := checker.Check(context.Background(), fp, project, opts)
	if err != nil {
		return fail(stderr, "check", err)
	}
	for _, w := range rep.Footprint.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	switch *format {
	case "html":
		err = api.RenderHTML(stdout, rep, *lang)
	case "geojson":
		err = api.RenderGeoJSON(stdout, rep)
	default:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	}
	if err != nil {
		return fail(stderr, "check", err)
	}
	return 0
}

func describeName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
