package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/redline-gis/redline/zones"
)

// levelName names a GB/T 4754 level.
func levelName(level int) string {
	switch level {
	case 1:
		return "门类"
	case 2:
		return "大类"
	case 3:
		return "中类"
	case 4:
		return "小类"
	}
	return ""
}

// runIndustries finds GB/T 4754-2017 codes by code prefix ("25", "C25") or by a
// substring of the Chinese name, in our built-in sections and divisions and, with
// --data, in the dataset's full table.
func runIndustries(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("industries", stderr)
	dataDir := fs.String("data", "", "also search the full GB/T 4754 table of the dataset in `DIR` (its industries: file)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		fmt.Fprintln(stderr, "usage: redline industries [--data DIR] [--json] QUERY   (a code prefix such as 25 or C25, or part of a Chinese name)")
		return 2
	}
	q := pos[0]
	var ds *zones.Dataset
	if *dataDir != "" {
		if ds, err = loadDataset(*dataDir); err != nil {
			return fail(stderr, "industries", err)
		}
		if len(ds.Industries) == 0 {
			fmt.Fprintf(stderr, "redline industries: dataset %s names no industries table; searching the built-in sections and divisions only\n", ds.Name)
		}
	}
	found := zones.SearchIndustriesOf(q, ds)
	if *asJSON {
		if found == nil {
			found = []zones.Industry{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(found); err != nil {
			return fail(stderr, "industries", err)
		}
		return 0
	}
	if len(found) == 0 {
		// A well-formed deeper code our sections-and-divisions table cannot list:
		// say where it belongs.
		if c, err := zones.NormalizeIndustry(q); err == nil && len(c) > 3 {
			fmt.Fprintf(stdout, "%s\t(%s %s › %s %s)\n", c, c[:1], zones.IndustryName(c[:1], nil), c[:3], zones.IndustryName(c[:3], nil))
			fmt.Fprintln(stderr, "redline industries: the built-in table has the 20 sections and 97 divisions only; "+
				"give --data with a dataset that names a full table (industries:) to look up 中类 and 小类")
			return 0
		}
		fmt.Fprintf(stderr, "redline industries: nothing matches %q\n", q)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, in := range found {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", in.Code, levelName(in.Level), in.Name)
	}
	tw.Flush()
	return 0
}
