package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/jobs"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/render"
	"github.com/redline-gis/redline/zones"
)

// factFlags collects --fact FACT=PROPERTY.
type factFlags map[string]string

func (f factFlags) String() string { return fmt.Sprint(map[string]string(f)) }

func (f factFlags) Set(s string) error {
	fact, prop, err := jobs.ParseFact(s)
	if err != nil {
		return err
	}
	f[fact] = prop
	return nil
}

// perFeatureFormats are the outputs of `redline check --per-feature`.
var perFeatureFormats = []string{"csv", "xlsx", "geojson", "shp", "html", "ndjson"}

// runCheckPerFeature is `redline check --per-feature FILE`: each feature a parcel
// of a plan, checked with the plan's facts and its own mapped properties — the
// code of a check job (jobs.Process), in process, written as the job's result is.
func runCheckPerFeature(name string, fields intake.Fields, facts factFlags, format, dataDir, snapshot string, show bool, stdout, stderr io.Writer) int {
	if !slices.Contains(perFeatureFormats, format) {
		fmt.Fprintf(stderr, "redline check --per-feature: --format %q: want %s\n", format, strings.Join(perFeatureFormats, ", "))
		return 2
	}
	if name == "-" || name == "" {
		fmt.Fprintln(stderr, "redline check --per-feature: give a FILE (it is read twice: attributes, then parcels)")
		return 2
	}
	spec := jobs.Spec{Kind: jobs.KindCheck, Facts: facts, Fields: intake.Fields{}}
	for _, k := range []string{"crs", "encoding", "dxf_layer"} {
		if v := fields[k]; v != "" {
			spec.Fields[k] = v
		}
	}
	project := map[string]any{}
	if p := fields["project"]; p != "" {
		if err := json.Unmarshal([]byte(p), &project); err != nil {
			return fail(stderr, "check", fmt.Errorf("--project: %w", err))
		}
	}
	if v := fields["industry"]; v != "" {
		project["industry"] = v
	}
	if len(project) > 0 {
		spec.Project, _ = json.Marshal(project)
	}
	if err := spec.Validate(); err != nil {
		return fail(stderr, "check", err)
	}
	attrs, total, err := ledgerAttributes(name, spec.Fields, 1_000_000)
	if err != nil {
		return fail(stderr, "check", err)
	}
	spec.Attributes = attrs
	checker, took, err := loadChecker(dataDir, snapshot, stderr)
	if err != nil {
		return fail(stderr, "check", err)
	}
	in, _, closeIn, err := openBatch(name, nil, spec.Fields, 1_000_000)
	if err != nil {
		return fail(stderr, "check", err)
	}
	defer closeIn()

	out := bufio.NewWriterSize(stdout, 256<<10)
	var sum ledger.Summary
	var kept []*ledger.Patch
	var lw ledger.Writer
	switch format {
	case "html", "ndjson":
	default:
		if lw, err = ledger.NewWriter(out, format, attrs); err != nil {
			return fail(stderr, "check", err)
		}
	}
	var bar *progressbar.ProgressBar
	if show {
		fmt.Fprintf(stderr, "dataset %s %s loaded in %s\n", checker.Dataset().Name, checker.Dataset().Version, took.Round(time.Millisecond))
		bar = newBar(int64(total), "parcels", stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	verdicts := map[string]int{}
	err = jobs.Process(ctx, checker, &spec, in.reader, 0, 256, runtime.GOMAXPROCS(0), func(ps []*ledger.Patch) error {
		for _, p := range ps {
			sum.Add(p)
			verdicts[p.Verdict]++
			switch format {
			case "html":
				q := *p
				q.Geometry = nil
				kept = append(kept, &q)
			case "ndjson":
				b, _ := json.Marshal(p)
				out.Write(append(b, '\n'))
			default:
				if err := lw.Write(p); err != nil {
					return err
				}
			}
		}
		if bar != nil {
			bar.Add(len(ps))
		}
		return nil
	})
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fail(stderr, "check", err)
	}
	switch format {
	case "html":
		err = render.PlanHTML(out, &render.Plan{Kind: jobs.KindCheck, Dataset: zones.DatasetRef{Name: checker.Dataset().Name, Version: checker.Dataset().Version}, Created: time.Now(),
			Summary: &sum, Parcels: kept, Attributes: attrs})
	case "ndjson":
	default:
		err = lw.Close()
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return fail(stderr, "check", err)
	}
	fmt.Fprintf(stderr, "%d parcels: %d prohibited, %d needs_info, %d conditional, %d admissible, %d with errors\n",
		sum.Patches, verdicts["prohibited"], verdicts["needs_info"], verdicts["conditional"], verdicts["admissible"], sum.Errors)
	return 0
}

// newBar is a progress bar on stderr with the rate and the time left; total -1
// when unknown (a spinner with the count).
func newBar(total int64, what string, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(what),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
	)
}
