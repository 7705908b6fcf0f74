package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redline-gis/redline/render"
)

func runLayers(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("layers", stderr)
	dataDir := dataFlag(fs)
	snapshot := snapshotFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	checker, elapsed, err := loadChecker(*dataDir, *snapshot, stderr)
	if err != nil {
		return fail(stderr, "layers", err)
	}
	ds := checker.Dataset()
	idx := checker.Index()
	sum := idx.Summary()
	infos := render.Layers(ds, idx)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err := enc.Encode(map[string]any{
			"dataset": map[string]string{"name": ds.Name, "version": ds.Version},
			"layers":  infos, "summary": sum, "pieces": sum.Pieces,
			"load_ms": elapsed.Milliseconds(),
		})
		if err != nil {
			return fail(stderr, "layers", err)
		}
		return 0
	}
	fmt.Fprintf(stdout, "dataset %s, version %s: %d layers, %d zones, %d vertices; loaded, repaired and indexed (%d pieces) in %s\n",
		ds.Name, ds.Version, sum.Layers, sum.Zones, sum.Vertices, sum.Pieces, elapsed.Round(time.Millisecond))
	if sum.Repaired > 0 {
		fmt.Fprintf(stdout, "%d source features were invalid and repaired at load:\n", sum.Repaired)
		for _, r := range sum.Repairs {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tKIND\tGEOMETRY\tZONES\tVERTICES\tCLASSES\tTITLE")
	for _, li := range infos {
		var classes []string
		for c, n := range li.Classes {
			classes = append(classes, fmt.Sprintf("%s:%d", c, n))
		}
		slices.Sort(classes)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", li.ID, li.Kind, li.Geometry, li.Zones, li.Vertices, strings.Join(classes, " "), li.Title)
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, "layers", err)
	}
	return 0
}
