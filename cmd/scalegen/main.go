// Command scalegen writes a dataset N times the size of another for the scale
// benchmark: the original zones plus N−1 copies elsewhere in China
// (internal/scalegen). `go run ./cmd/scalegen -n 32 -out /tmp/x32 ../shared/data`.
//
// It is a developer's tool beside cmd/demogen, not a redline subcommand: users
// never need a replicated dataset, and the redline command line stays what
// DESIGN.md lists.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/redline-gis/redline/internal/scalegen"
)

func main() {
	n := flag.Int("n", 32, "copies in all, the original included (1 rewrites the dataset as GeoJSON)")
	out := flag.String("out", "", "`DIR` to write the dataset into (created)")
	margin := flag.Float64("margin", 0.5, "clearance in degrees between the original's extent and the copies'")
	keepShape := flag.Bool("keep-shape", true, "stretch copies' longitudes by cos(lat) ratios so shapes and areas in metres stay close")
	interleave := flag.Bool("interleave", false, "write each feature's copies together rather than copy after copy (neighbours in the file far apart on the ground)")
	patches := flag.Int("patches", 0, "instead of copies of a dataset, write a dataset of `N` small water-source zones scattered over China (no source)")
	sides := flag.Int("sides", 12, "-patches: corners a zone")
	seed := flag.Uint64("seed", 1, "-patches: the random seed")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: scalegen [-n N] [-margin DEG] [-keep-shape=false] [-interleave] -out DIR SOURCE_DATASET_DIR")
		fmt.Fprintln(os.Stderr, "       scalegen -patches N [-sides S] [-seed K] -out DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	start := time.Now()
	if *patches > 0 && *out != "" && flag.NArg() == 0 {
		sum, err := scalegen.Patches(*out, scalegen.PatchOptions{N: *patches, Sides: *sides, Seed: *seed})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "scalegen: %s: %d zones, %d vertices in %s; %s\n", *out, sum.Zones, sum.Vertices, sum.File, time.Since(start).Round(time.Millisecond))
		return
	}
	if *patches > 0 || flag.NArg() != 1 || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	sum, err := scalegen.Generate(flag.Arg(0), *out, scalegen.Options{N: *n, Margin: *margin, KeepShape: *keepShape, Interleave: *interleave})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	features, vertices := 0, 0
	for _, l := range sum.Layers {
		features += l.Features
		vertices += l.Vertices
	}
	fmt.Fprintf(os.Stderr, "scalegen: %s: %d× %d features, %d vertices → %d features, %d vertices in %d layers; %d pairs of copies overlap; %s\n",
		*out, sum.N, features, vertices, sum.N*features, sum.N*vertices, len(sum.Layers), sum.Overlapping, time.Since(start).Round(time.Millisecond))
}
