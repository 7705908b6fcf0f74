package main

import (
	"fmt"
	"io"
	"time"

	"github.com/redline-gis/redline/data"
)

// runPrepare writes the snapshot of a dataset ahead of time, so that the
// commands and the server that use it start from the snapshot.
func runPrepare(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("prepare", stderr)
	dataDir := dataFlag(fs)
	snapshot := snapshotFlag(fs)
	if rest, err := parseInterspersed(fs, args); err != nil {
		return 2
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "redline prepare: unexpected argument %q\n", rest[0])
		return 2
	}
	if *dataDir == "" {
		fmt.Fprintln(stderr, "redline prepare: give the dataset with --data DIR (the embedded demo dataset needs no snapshot)")
		return 2
	}
	idx, info, err := data.Prepare(*dataDir, *snapshot)
	if err != nil {
		return fail(stderr, "prepare", err)
	}
	if info.Rejected != "" {
		fmt.Fprintf(stdout, "the snapshot there was not used (%s)\n", info.Rejected)
	}
	st := idx.Stats()
	what := "written"
	if info.FromSnapshot {
		what = "up to date"
	}
	fmt.Fprintf(stdout, "snapshot %s %s: dataset %s, %d zones, %d vertices, %d pieces (%s)\n",
		info.Snapshot, what, idx.Dataset().Name, st.Zones, st.Vertices, st.Pieces, info.Duration.Round(time.Millisecond))
	return 0
}
