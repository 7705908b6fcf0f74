package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/redline-gis/redline/internal/scalegen"
)

// ScaleConfig is a scale run: the shared dataset at 1× and N×.
type ScaleConfig struct {
	Redline string // the built redline binary
	Shared  string // ../shared/data
	Work    string // where the generated datasets and archives go
	N       int    // the large dataset's multiple (32)
	Runs    int    // measured runs of each job (after one warm-up run)
	Count   int    // points and squares per job (100,000)
	// Soak, when above 0, is how many checks the N× dataset's server (the
	// second start, from its snapshot) answers after the jobs, with the jobs
	// run beside them, its memory read as it goes (Soak).
	Soak int
	// Server is added to every start of the server (and its environment to
	// `redline prepare`).
	Server ServerOpts
	Log    io.Writer
}

// DatasetRun is what a scale run measured on one dataset.
type DatasetRun struct {
	Label           string
	Zones, Vertices int
	// Cold is the time to ready without a snapshot; Prepare that of `redline
	// prepare` (0 when the binary has none); Warm the time to ready of the second
	// start, which reads the snapshot when there is one.
	Cold, Prepare, Warm time.Duration
	// RSS after ready (cold start), after the jobs, after ready (second start).
	RSSReady, RSSAfter, RSSWarm int64
	Jobs                        []Runs
	// answers of the jobs' first runs, to compare across datasets and starts.
	answers [][]byte
	// WarmSame says whether the second start answered as the first.
	WarmSame bool
	// Soak is the soak's, on the dataset it ran on (nil elsewhere).
	Soak *SoakRun
	// dir and start are the dataset and the flags of its second start, for
	// the alternated runs.
	dir   string
	start []string
}

// HasPrepare says whether the binary knows `redline prepare` (the snapshot's
// command): its usage names it.
func HasPrepare(bin string) bool {
	out, _ := exec.Command(bin, "help").CombinedOutput()
	return strings.Contains(string(out), "redline prepare")
}

// Scale generates the 1× and N× datasets from cfg.Shared, and the N× once more
// with each feature's copies written together (scalegen's Interleave: a file
// whose neighbouring features lie far apart), and measures each.
func Scale(ctx context.Context, cfg ScaleConfig, jobs []Job) ([]*DatasetRun, error) {
	var out []*DatasetRun
	for _, v := range []struct {
		n          int
		interleave bool
	}{{1, false}, {cfg.N, false}, {cfg.N, true}} {
		name, label := fmt.Sprintf("x%d", v.n), fmt.Sprintf("%d×", v.n)
		if v.interleave {
			name, label = name+"-interleaved", label+" interleaved"
		}
		dir := filepath.Join(cfg.Work, name)
		start := time.Now()
		sum, err := scalegen.Generate(cfg.Shared, dir, scalegen.Options{N: v.n, KeepShape: true, Interleave: v.interleave})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(cfg.Log, "bench: %s dataset written to %s in %s (%d pairs of copies overlap)\n", label, dir, time.Since(start).Round(time.Millisecond), sum.Overlapping)
		r, err := measureDataset(ctx, cfg, label, name, dir, jobs, cfg.Soak > 0 && v.n > 1 && !v.interleave)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	// The query times of the table come from runs that alternate between the
	// two datasets (both served at once, from their snapshots): measured one
	// dataset after the other, a shared machine's drift between the two blocks
	// moved the ratio by ±30 % from one run of the benchmark to the next.
	if err := alternate(ctx, cfg, out, jobs); err != nil {
		return nil, err
	}
	return out, nil
}

// inTurn times rounds rounds, each of the servers 0…servers−1 in the same
// order every round, so that each waits the same servers−1 requests of the
// others before each of its own. (Reversed every other round, as before
// round 24, the first and last servers were by turns timed twice in a row
// and after four of the others' requests, and the middle one always after
// two: the 32× server, in the middle, read 1.25 against 1.14 for the
// interleaved one beside it in the same table, and the 1× was always at an
// end.)
func inTurn(rounds, servers int, time func(server int) error) error {
	for range rounds {
		for k := range servers {
			if err := time(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// alternate serves every dataset of runs at once and times each job on each in
// turn (inTurn), replacing the runs' Jobs.
func alternate(ctx context.Context, cfg ScaleConfig, runs []*DatasetRun, jobs []Job) error {
	if cfg.Runs <= 0 {
		return nil
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	urls := make([]string, len(runs))
	for k, r := range runs {
		srv, err := Start(ctx, cfg.Redline, cfg.Server, r.dir, cfg.Work, 10*time.Minute, r.start...)
		if err != nil {
			return err
		}
		defer srv.Stop()
		urls[k] = srv.URL
		r.Jobs = make([]Runs, len(jobs))
		for _, j := range jobs { // warm up
			if _, _, err := Locate(client, srv.URL, j.Body); err != nil {
				return fmt.Errorf("%s: %w", j.Name, err)
			}
		}
	}
	var ans bytes.Buffer // kept from run to run (LocateInto)
	for i, j := range jobs {
		err := inTurn(cfg.Runs, len(runs), func(k int) error {
			d, err := LocateInto(client, urls[k], j.Body, &ans)
			if err != nil {
				return fmt.Errorf("%s: %w", j.Name, err)
			}
			runs[k].Jobs[i] = append(runs[k].Jobs[i], d)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range runs {
			fmt.Fprintf(cfg.Log, "bench:   %s, %s, alternated: median %s (%s)\n", r.Label, j.Name, Dur(r.Jobs[i].Median()), r.Jobs[i].Range())
		}
	}
	return nil
}

// snapshotDir is where `redline serve` keeps the dataset's snapshot by default
// (the snapshot contract: DIR/.redline/snapshot.bin).
func snapshotDir(dir string) string { return filepath.Join(dir, ".redline") }

func measureDataset(ctx context.Context, cfg ScaleConfig, label, name, dir string, jobs []Job, soak bool) (*DatasetRun, error) {
	r := &DatasetRun{Label: label, dir: dir}
	// With the snapshot (the binary knows `prepare`), every start names its
	// snapshot file, so that the cold start finds none wherever the default would
	// be (DIR/.redline, or the user's cache when DIR is read-only).
	var snap []string
	snapPath := filepath.Join(cfg.Work, "snapshot-"+name+".bin")
	prepare := HasPrepare(cfg.Redline)
	if prepare {
		snap = []string{"--snapshot", snapPath}
	}
	for _, p := range []string{snapshotDir(dir), snapPath} {
		if err := os.RemoveAll(p); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	srv, err := Start(ctx, cfg.Redline, cfg.Server, dir, cfg.Work, 10*time.Minute, snap...)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	r.Cold = srv.Ready
	if r.Zones, r.Vertices, err = srv.Size(); err != nil {
		return nil, err
	}
	if r.RSSReady, err = srv.RSS(); err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Log, "bench: %s: %d zones, %d vertices, ready in %s (cold), RSS %d MiB\n", label, r.Zones, r.Vertices, Dur(r.Cold), r.RSSReady>>20)
	if r.Jobs, r.answers, err = RunJobs(srv.URL, jobs, cfg.Runs, cfg.Log); err != nil {
		return nil, err
	}
	if r.RSSAfter, err = srv.RSS(); err != nil {
		return nil, err
	}
	if err := srv.Stop(); err != nil {
		return nil, err
	}

	if prepare {
		if err := os.RemoveAll(snapPath); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		start := time.Now()
		prep := exec.CommandContext(ctx, cfg.Redline, append([]string{"prepare", "--data", dir}, snap...)...)
		prep.Env = cfg.Server.environ()
		if out, err := prep.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("bench: redline prepare --data %s: %v\n%s", dir, err, out)
		}
		r.Prepare = time.Since(start)
	}
	warm, err := Start(ctx, cfg.Redline, cfg.Server, dir, cfg.Work, 10*time.Minute, snap...)
	if err != nil {
		return nil, err
	}
	defer warm.Stop()
	r.Warm = warm.Ready
	if r.RSSWarm, err = warm.RSS(); err != nil {
		return nil, err
	}
	_, again, err := RunJobs(warm.URL, jobs, 0, io.Discard)
	if err != nil {
		return nil, err
	}
	r.start = snap
	r.WarmSame = true
	for i := range again {
		r.WarmSame = r.WarmSame && bytes.Equal(again[i], r.answers[i])
	}
	fmt.Fprintf(cfg.Log, "bench: %s: second start ready in %s, RSS %d MiB, same answers: %v\n", label, Dur(r.Warm), r.RSSWarm>>20, r.WarmSame)
	if soak {
		s, err := Soak(ctx, warm.URL, cfg.Soak, 5*time.Second, jobs, warm.RSS, cfg.Log)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", label, err)
		}
		r.Soak = &s
		fmt.Fprintf(cfg.Log, "bench: %s: soak of %d checks and %d jobs in %s: RSS %d / %d / %d MiB (start / highest / end)\n",
			label, s.Checks, s.Jobs, s.Took.Round(time.Second), s.Start>>20, s.Max>>20, s.End>>20)
	}
	return r, warm.Stop()
}

// RunJobs sends each job once to warm up (its answer is kept and checked), then
// runs more times, timed.
func RunJobs(url string, jobs []Job, runs int, log io.Writer) ([]Runs, [][]byte, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	times := make([]Runs, len(jobs))
	answers := make([][]byte, len(jobs))
	for i, j := range jobs {
		_, ans, err := Locate(client, url, j.Body)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", j.Name, err)
		}
		if _, err := Records(ans, len(j.Geoms)); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", j.Name, err)
		}
		answers[i] = ans
		var buf bytes.Buffer // kept from run to run (LocateInto)
		for range runs {
			d, err := LocateInto(client, url, j.Body, &buf)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", j.Name, err)
			}
			times[i] = append(times[i], d)
		}
		if runs > 0 {
			fmt.Fprintf(log, "bench:   %s: median %s (%s)\n", j.Name, Dur(times[i].Median()), times[i].Range())
		}
	}
	return times, answers, nil
}

// ScaleTable is the README's scale table for the runs of Scale: a column for
// each dataset and, after each but the first (the 1×), its ratio to the first.
func ScaleTable(runs []*DatasetRun, jobs []Job) *Table {
	one := runs[0]
	head := []string{"", one.Label}
	for _, r := range runs[1:] {
		head = append(head, r.Label, r.Label+" / "+one.Label)
	}
	t := &Table{Head: head}
	ratio := func(a, b float64) string {
		if a <= 0 || b <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f", b/a)
	}
	// row adds a row of cell(r) for each run, with the ratios of num(r) (none
	// when num is nil).
	row := func(name string, cell func(r *DatasetRun) string, num func(r *DatasetRun) float64) {
		cells := []string{name, cell(one)}
		for _, r := range runs[1:] {
			q := ""
			if num != nil {
				q = ratio(num(one), num(r))
			}
			cells = append(cells, cell(r), q)
		}
		t.Add(cells...)
	}
	dur := func(d func(r *DatasetRun) time.Duration) (func(r *DatasetRun) string, func(r *DatasetRun) float64) {
		return func(r *DatasetRun) string { return Dur(d(r)) }, func(r *DatasetRun) float64 { return d(r).Seconds() }
	}
	row("zones / vertices (`/v1/layers`)", func(r *DatasetRun) string { return Count(r.Zones) + " / " + Count(r.Vertices) },
		func(r *DatasetRun) float64 { return float64(r.Vertices) })
	c, n := dur(func(r *DatasetRun) time.Duration { return r.Cold })
	row("ready, cold start (no snapshot)", c, n)
	c, n = dur(func(r *DatasetRun) time.Duration { return r.Prepare })
	row("`redline prepare`", c, n)
	c, n = dur(func(r *DatasetRun) time.Duration { return r.Warm })
	row("ready, second start", c, n)
	perVertex := func(rss func(r *DatasetRun) int64) func(r *DatasetRun) string {
		return func(r *DatasetRun) string {
			return fmt.Sprintf("%d MiB (%.0f B/vertex)", rss(r)>>20, float64(rss(r))/float64(r.Vertices))
		}
	}
	row("RSS after ready, cold start", perVertex(func(r *DatasetRun) int64 { return r.RSSReady }), nil)
	row("RSS after the jobs", perVertex(func(r *DatasetRun) int64 { return r.RSSAfter }), nil)
	row("RSS after ready, second start", perVertex(func(r *DatasetRun) int64 { return r.RSSWarm }), nil)
	for _, r := range runs {
		if s := r.Soak; s != nil {
			row(fmt.Sprintf("RSS through %s checks (%d clients) with the jobs beside them (%s runs), second start: B/vertex at start / highest / at end",
				Count(s.Checks), soakClients, Count(s.Jobs)), func(x *DatasetRun) string {
				if x.Soak == nil {
					return "—"
				}
				bv := func(b int64) string { return fmt.Sprintf("%.0f", float64(b)/float64(x.Vertices)) }
				return bv(x.Soak.Start) + " / " + bv(x.Soak.Max) + " / " + bv(x.Soak.End)
			}, nil)
			break
		}
	}
	for i, j := range jobs {
		row(j.Name+", median (range)",
			func(r *DatasetRun) string { return fmt.Sprintf("%s (%s)", Dur(r.Jobs[i].Median()), r.Jobs[i].Range()) },
			func(r *DatasetRun) float64 { return r.Jobs[i].Median().Seconds() })
	}
	warm := func(r *DatasetRun) string {
		if r.WarmSame {
			return "yes"
		}
		return "**no**"
	}
	row("answers identical to the 1× run / second start same as first", func(r *DatasetRun) string {
		if r == one {
			return "— / " + warm(r)
		}
		same := "yes"
		for i := range jobs {
			if !bytes.Equal(one.answers[i], r.answers[i]) {
				same = "**no**: " + jobs[i].Name
				break
			}
		}
		return same + " / " + warm(r)
	}, nil)
	return t
}
