// Command redline tells where a project may be built: it checks a footprint against
// a province's ecological zoning and prints a conflict report.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `redline — checks a project footprint against ecological zoning

usage:
  redline check [--data DIR] [--project JSON|@FILE] [--industry CODE] [--crs CRS]
                [--buffer-m N] [--strict] [--format json|html|geojson] FILE|-
  redline check --per-feature [--fact FACT=PROPERTY]… [--format csv|xlsx|geojson|shp|html|ndjson] FILE
  redline locate [--data DIR] [--format ndjson|csv|geojson|xlsx|shp] [--ledger] FILE|-
  redline jobs list|show ID|submit FILE|fetch ID [--format xlsx] [-o FILE]|cancel ID [--server URL] [--token T]
  redline layers [--data DIR]
  redline prepare --data DIR [--snapshot PATH]
  redline rules [--data DIR | --builtin] [--format text|json|markdown]
  redline industries QUERY
  redline serve [--data DIR] [--addr :8080] [--db FILE|postgres://…] [--admin-token T] [--job-retention 720h]

Without --data the embedded demo dataset is used. check, locate, layers and serve
read the dataset's snapshot when it is valid and write it when not (--snapshot
PATH, or off); prepare writes it ahead of time. Environment: REDLINE_DATA,
REDLINE_SNAPSHOT, REDLINE_ADDR, REDLINE_DB, REDLINE_ADMIN_TOKEN stand for the flags.
`

// command runs one subcommand with its arguments; it returns the exit status.
type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

var commands = map[string]command{
	"check":      runCheck,
	"layers":     runLayers,
	"prepare":    runPrepare,
	"locate":     runLocate,
	"rules":      runRules,
	"industries": runIndustries,
	"serve":      runServe,
	"jobs":       runJobs,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "redline: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(args[1:], stdin, stdout, stderr)
}
