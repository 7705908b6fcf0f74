package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// dataFlag registers --data on fs with $REDLINE_DATA as its default.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", os.Getenv("REDLINE_DATA"), "dataset `DIR` (its dataset.yaml); default: the embedded demo dataset")
}

// loadDataset loads dir, or the embedded demo dataset when dir is "".
func loadDataset(dir string) (*zones.Dataset, error) {
	if dir == "" {
		return data.LoadDemo()
	}
	return data.LoadDirWith(context.Background(), dir, data.LoadOptions{ZoningDB: os.Getenv("REDLINE_ZONING_DB")})
}

// snapshotFlag registers --snapshot on fs with $REDLINE_SNAPSHOT as its default.
func snapshotFlag(fs *flag.FlagSet) *string {
	return fs.String("snapshot", os.Getenv("REDLINE_SNAPSHOT"),
		"the dataset's snapshot `PATH` (default DIR/.redline/snapshot.bin, or the user cache directory when DIR is read-only); off: none")
}

// loadChecker loads and indexes a dataset, through its snapshot when valid (and
// writing it when not), returning the time it took. A snapshot not used, or not
// written, is said on stderr: the answers are the same, only the start slower.
func loadChecker(dir, snapshot string, stderr io.Writer) (*zones.Checker, time.Duration, error) {
	idx, info, err := data.OpenWith(context.Background(), dir, snapshot, zones.IndexOptions{},
		data.LoadOptions{ZoningDB: os.Getenv("REDLINE_ZONING_DB")})
	if err != nil {
		return nil, 0, err
	}
	if info.Rejected != "" {
		fmt.Fprintf(stderr, "redline: snapshot %s not used (%s); rebuilt from the sources\n", info.Snapshot, info.Rejected)
	}
	if info.WriteErr != nil && snapshot != "" {
		fmt.Fprintf(stderr, "redline: snapshot %s not written: %v\n", info.Snapshot, info.WriteErr)
	}
	return zones.NewCheckerFor(idx), info.Duration, nil
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("redline "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseInterspersed parses flags that may come after positional arguments
// ("redline check site.geojson --strict").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
		if rest[0] == "--" {
			pos = append(pos[:len(pos)-1], args...)
			return pos, nil
		}
	}
}

// fail prints an error the way every command does: what went wrong, with the
// code of DESIGN.md when the input was refused, and returns the exit status.
func fail(stderr io.Writer, cmd string, err error) int {
	var ie *errcode.Error
	if errors.As(err, &ie) {
		msg := fmt.Sprintf("redline %s: %s [%s]", cmd, ie.Message, ie.Code)
		if len(ie.Details) > 0 {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(ie.Details)) {
				parts = append(parts, fmt.Sprintf("%s=%v", k, ie.Details[k]))
			}
			msg += " (" + strings.Join(parts, ", ") + ")"
		}
		fmt.Fprintln(stderr, msg)
		return 1
	}
	fmt.Fprintf(stderr, "redline %s: %v\n", cmd, err)
	return 1
}
