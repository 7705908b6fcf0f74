package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/zones"
)

// runRules lists the admission rules in force: the built-in set merged with the
// dataset's own rule files, and the dataset's industry lists.
func runRules(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("rules", stderr)
	dataDir := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the rules as JSON")
	builtin := fs.Bool("builtin", false, "list the built-in rules only, without loading a dataset")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	var (
		rs    *zones.RuleSet
		lists map[string][]string
		from  string
	)
	if *builtin {
		var err error
		if rs, err = data.DefaultRules(); err != nil {
			return fail(stderr, "rules", err)
		}
		from = "built-in rules"
	} else {
		ds, err := loadDataset(*dataDir)
		if err != nil {
			return fail(stderr, "rules", err)
		}
		rs, lists = ds.Rules, ds.IndustryLists
		from = fmt.Sprintf("dataset %s %s", ds.Name, ds.Version)
		if rs == nil {
			if rs, err = data.DefaultRules(); err != nil {
				return fail(stderr, "rules", err)
			}
		}
	}
	rules := rs.Rules()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if lists == nil {
			lists = map[string][]string{}
		}
		if err := enc.Encode(struct {
			Rules         []zones.Rule        `json:"rules"`
			IndustryLists map[string][]string `json:"industry_lists"`
		}{rules, lists}); err != nil {
			return fail(stderr, "rules", err)
		}
		return 0
	}
	fmt.Fprintf(stdout, "%d rules in force (%s)\n\n", len(rules), from)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tCLASSES\tWHEN\tVERDICT\tVERIFIED")
	for _, r := range rules {
		classes := strings.Join(r.Classes, ",")
		if classes == "" {
			classes = "*"
		}
		if len(r.Layers) > 0 {
			classes += " (layers " + strings.Join(r.Layers, ",") + ")"
		}
		verified := "yes"
		if !r.IsVerified() {
			verified = "no"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, classes, r.When, r.Verdict, verified)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
	for _, r := range rules {
		fmt.Fprintf(stdout, "%s: %s\n    依据: %s\n", r.ID, r.Text, r.Source)
	}
	if len(lists) > 0 {
		fmt.Fprintln(stdout, "\nindustry lists:")
		names := make([]string, 0, len(lists))
		for n := range lists {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(stdout, "  %s: %s\n", n, strings.Join(lists[n], ", "))
		}
	}
	return 0
}
