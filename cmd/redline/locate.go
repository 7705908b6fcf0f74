package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/ledger"
)

// runLocate is `redline locate`: every feature of a batch, the zones it lies in,
// streamed to stdout in input order (DESIGN.md "redline locate").
func runLocate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("locate", stderr)
	dataDir := dataFlag(fs)
	snapshot := snapshotFlag(fs)
	format := fs.String("format", "ndjson", "output: ndjson, csv, geojson, or the ledger (台账) as xlsx or shp (zipped)")
	asLedger := fs.Bool("ledger", false, "csv and geojson as the ledger (台账): the patches' attributes, zone names, classes, areas in m², 亩, 公顷")
	fields := intake.AddFlags(fs, intake.BatchOptions())
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "features located in parallel")
	maxVertices := fs.Int("max-vertices", 1_000_000, "most vertices in one feature")
	progress := fs.String("progress", "auto", "progress on stderr: auto (when it is a terminal), always or never")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: redline locate [--data DIR] [--format ndjson|csv|geojson|xlsx|shp] [--ledger] [--crs CRS] FILE|-")
		return 2
	}
	ledgerOut := *format == "xlsx" || *format == "shp" || (*asLedger && (*format == "csv" || *format == "geojson"))
	if !slices.Contains(batch.Formats, *format) && !ledgerOut {
		fmt.Fprintf(stderr, "redline locate: --format %q: want ndjson, csv, geojson, xlsx or shp\n", *format)
		return 2
	}
	var attrs []string
	if ledgerOut {
		// The ledger's header names the patches' attributes: a first pass reads them.
		if pos[0] == "-" {
			fmt.Fprintln(stderr, "redline locate: a ledger reads its input twice: give a file, not stdin")
			return 2
		}
		if attrs, _, err = ledgerAttributes(pos[0], fields, *maxVertices); err != nil {
			return fail(stderr, "locate", err)
		}
	}
	// The input first, as check does: a file that cannot be opened, or a crs an
	// NDJSON stream refuses, is reported without loading the dataset.
	in, size, closeIn, err := openBatch(pos[0], stdin, fields, *maxVertices)
	if err != nil {
		return fail(stderr, "locate", err)
	}
	defer closeIn()
	checker, took, err := loadChecker(*dataDir, *snapshot, stderr)
	if err != nil {
		return fail(stderr, "locate", err)
	}
	ds := checker.Dataset()

	out := bufio.NewWriterSize(stdout, 256<<10)
	var w batch.Writer
	if ledgerOut {
		lw, lerr := ledger.NewWriter(out, *format, attrs)
		w, err = &ledger.BatchWriter{W: lw, Names: ledger.NewNames(ds)}, lerr
	} else {
		w, err = batch.NewWriter(out, *format, func() { out.Flush() })
	}
	if err != nil {
		return fail(stderr, "locate", err)
	}
	show := *progress == "always" || (*progress == "auto" && isTerminal(stderr))
	var bar *progressBar
	opts := batch.Options{Workers: *workers, LocatePoint: checker.LocatePoint, LocatePoints: checker.LocatePoints}
	if show {
		bar = &progressBar{w: stderr, size: size, read: in.read}
		// The input's bytes are the measure when its size is known (a stream of
		// features has no count until its end); the count of features rides along.
		if size > 0 {
			bar.bar = progressbar.NewOptions64(size, progressbar.OptionSetWriter(stderr), progressbar.OptionShowBytes(true),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetWidth(30))
		} else {
			bar.bar = newBar(-1, "features", stderr)
		}
		fmt.Fprintf(stderr, "dataset %s %s loaded in %s\n", ds.Name, ds.Version, took.Round(time.Millisecond))
		opts.Progress = bar.update
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	st, err := batch.Run(ctx, in.reader, checker.Locate, w, opts)
	if flushErr := out.Flush(); err == nil {
		err = flushErr
	}
	if bar != nil {
		bar.finish(st.Features)
	}
	if err != nil {
		return fail(stderr, "locate", fmt.Errorf("after %d features: %w", st.Features, err))
	}
	if show || st.Errors > 0 {
		el := time.Since(start)
		fmt.Fprintf(stderr, "%d features located in %s (%.0f/s), %d hits, %d with errors\n",
			st.Features, el.Round(time.Millisecond), float64(st.Features)/max(el.Seconds(), 1e-9), st.Hits, st.Errors)
	}
	return 0
}

// ledgerAttributes reads a batch once for the names of its features' attributes,
// in the order they first appear, and the count of its features.
func ledgerAttributes(name string, fields intake.Fields, maxVertices int) ([]string, int, error) {
	in, _, closeIn, err := openBatch(name, nil, fields, maxVertices)
	if err != nil {
		return nil, 0, err
	}
	defer closeIn()
	var a ledger.Attributes
	n := 0
	for {
		f, err := in.reader.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return a.Names, n, nil
			}
			return nil, 0, fmt.Errorf("reading attributes: %w", err)
		}
		f.Decode()
		a.Add(f.Properties)
		n++
	}
}

// batchInput is an opened batch and the count of its bytes read so far.
type batchInput struct {
	reader batch.Reader
	read   *atomic.Int64
}

// openBatch opens FILE or stdin ("-") for the intake: what streams is read
// through a counter, for the progress bar; the rest is read whole by its format's
// reader (a .shp with its sidecars).
func openBatch(name string, stdin io.Reader, fields intake.Fields, maxVertices int) (batchInput, int64, func(), error) {
	read := &atomic.Int64{}
	if name != "-" && !intake.Streams(name, "", fields) {
		rd, err := intake.OpenBatchPath(name, fields, maxVertices)
		return batchInput{rd, read}, -1, func() {}, err
	}
	var r io.Reader = stdin
	var size int64 = -1
	closer := func() {}
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return batchInput{}, 0, nil, err
		}
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		r, closer = f, func() { f.Close() }
	}
	rd, err := intake.OpenBatch(&countingReader{r: r, n: read}, name, "", fields, maxVertices)
	if err != nil {
		closer()
		return batchInput{}, 0, nil, err
	}
	return batchInput{rd, read}, size, closer, nil
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// progressBar follows a batch on a terminal (github.com/schollz/progressbar:
// rate and time left): by input bytes when the size is known, else by features.
type progressBar struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	size int64 // input bytes, -1 when unknown
	read *atomic.Int64
}

func (p *progressBar) update(done int) {
	if p.size > 0 {
		p.bar.Describe(fmt.Sprintf("%d features", done))
		p.bar.Set64(min(p.read.Load(), p.size))
		return
	}
	p.bar.Set(done)
}

func (p *progressBar) finish(done int) {
	p.update(done)
	p.bar.Finish()
	fmt.Fprintln(p.w)
}
