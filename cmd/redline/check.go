package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/redline-gis/redline/data/demo"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/render"
)

// The demo footprint checked when none is given with the demo dataset.
const demoExample = "examples/factory_in_redline.geojson"

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr)
	dataDir := dataFlag(fs)
	snapshot := snapshotFlag(fs)
	fields := intake.AddFlags(fs, intake.CheckOptions())
	format := fs.String("format", "", "output `FORMAT`: json, html or geojson (default json); with --per-feature csv (default), xlsx, geojson, shp, html or ndjson")
	perFeature := fs.Bool("per-feature", false, "each feature of FILE is a parcel of a plan, checked on its own (facts from --project and --fact); the ledger and statistics by zone class")
	facts := factFlags{}
	fs.Var(facts, "fact", "with --per-feature: a project `FACT=PROPERTY` taken from each parcel's attribute, e.g. industry=HYDM (repeatable)")
	progress := fs.String("progress", "auto", "with --per-feature, progress on stderr: auto (when it is a terminal), always or never")
	lang := fs.String("lang", "zh", "language of the html report: zh or en")
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
	// --project @FILE: reading a file the caller names is the command line's
	// privilege, never the intake's (an HTTP request must not name server files).
	if v, ok := strings.CutPrefix(fields["project"], "@"); ok {
		b, err := os.ReadFile(v)
		if err != nil {
			return fail(stderr, "check", err)
		}
		fields["project"] = string(b)
	}
	if *perFeature {
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "usage: redline check --per-feature [--fact FACT=PROPERTY]… [--format csv|xlsx|geojson|shp|html|ndjson] FILE")
			return 2
		}
		show := *progress == "always" || (*progress == "auto" && isTerminal(stderr))
		return runCheckPerFeature(pos[0], fields, facts, cmp.Or(*format, "csv"), *dataDir, *snapshot, show, stdout, stderr)
	}
	if len(facts) > 0 {
		fmt.Fprintln(stderr, "redline check: --fact is for --per-feature")
		return 2
	}
	outFormat, err := render.ParseFormat(cmp.Or(*format, "json"))
	if err != nil {
		fmt.Fprintf(stderr, "redline check: --format: %v\n", err)
		return 2
	}

	// The footprint: a file, stdin, or with the demo dataset its example.
	var in *intake.Check
	switch {
	case len(pos) == 1 && pos[0] == "-":
		var b []byte
		if b, err = io.ReadAll(stdin); err == nil {
			in, err = intake.Read(b, "-", fields)
		}
	case len(pos) == 1:
		in, err = intake.ReadPath(pos[0], fields)
	case *dataDir == "":
		fmt.Fprintf(stderr, "redline check: no footprint given; checking the demo example %s\n", demoExample)
		var b []byte
		if b, err = demo.FS.ReadFile(demoExample); err == nil {
			in, err = intake.Read(b, path.Base(demoExample), fields)
		}
	default:
		fmt.Fprintln(stderr, "redline check: give a footprint FILE (or - for standard input)")
		return 2
	}
	if err != nil {
		return fail(stderr, "check", err)
	}

	checker, _, err := loadChecker(*dataDir, *snapshot, stderr)
	if err != nil {
		return fail(stderr, "check", err)
	}
	// With the dataset at hand, a deep industry code is checked against its table.
	if err := in.Validate(checker.Dataset()); err != nil {
		return fail(stderr, "check", err)
	}
	rep, err := checker.Check(context.Background(), in.Footprint, in.Project, in.Options)
	if err != nil {
		return fail(stderr, "check", err)
	}
	for _, w := range rep.Footprint.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err := render.Report(stdout, rep, outFormat, render.Options{Lang: render.ParseLang(*lang), Indent: true}); err != nil {
		return fail(stderr, "check", err)
	}
	return 0
}
