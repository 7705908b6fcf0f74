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
	Log     io.Writer
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
	// dir and start are the dataset and the flags of its second start, for
	// the interleaved runs.
	dir   string
	start []string
}

// HasPrepare says whether the binary knows `redline prepare` (the snapshot's
// command): its usage names it.
func HasPrepare(bin string) bool {
	out, _ := exec.Command(bin, "help").CombinedOutput()
	return strings.Contains(string(out), "redline prepare")
}

// Scale generates the 1× and N× datasets from cfg.Shared and measures each.
func Scale(ctx context.Context, cfg ScaleConfig, jobs []Job) ([]*DatasetRun, error) {
	var out []*DatasetRun
	for _, n := range []int{1, cfg.N} {
		dir := filepath.Join(cfg.Work, fmt.Sprintf("x%d", n))
		start := time.Now()
		sum, err := scalegen.Generate(cfg.Shared, dir, scalegen.Options{N: n, KeepShape: true})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(cfg.Log, "bench: %d× dataset written to %s in %s (%d pairs of copies overlap)\n", n, dir, time.Since(start).Round(time.Millisecond), sum.Overlapping)
		r, err := measureDataset(ctx, cfg, fmt.Sprintf("%d×", n), dir, jobs)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	// The query times of the table come from runs that alternate between the
	// two datasets (both served at once, from their snapshots): measured one
	// dataset after the other, a shared machine's drift between the two blocks
	// moved the ratio by ±30 % from one run of the benchmark to the next.
	if err := interleave(ctx, cfg, out, jobs); err != nil {
		return nil, err
	}
	return out, nil
}

// interleave serves every dataset of runs at once and times each job on each in
// turn, the order alternating from run to run, replacing the runs' Jobs.
func interleave(ctx context.Context, cfg ScaleConfig, runs []*DatasetRun, jobs []Job) error {
	if cfg.Runs <= 0 {
		return nil
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	urls := make([]string, len(runs))
	for k, r := range runs {
		srv, err := Start(ctx, cfg.Redline, r.dir, cfg.Work, 10*time.Minute, r.start...)
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
		for n := range cfg.Runs {
			for m := range runs {
				k := m
				if n%2 == 1 {
					k = len(runs) - 1 - m
				}
				d, err := LocateInto(client, urls[k], j.Body, &ans)
				if err != nil {
					return fmt.Errorf("%s: %w", j.Name, err)
				}
				runs[k].Jobs[i] = append(runs[k].Jobs[i], d)
			}
		}
		for _, r := range runs {
			fmt.Fprintf(cfg.Log, "bench:   %s, %s, interleaved: median %s (%s)\n", r.Label, j.Name, Dur(r.Jobs[i].Median()), r.Jobs[i].Range())
		}
	}
	return nil
}

// snapshotDir is where `redline serve` keeps the dataset's snapshot by default
// (the snapshot contract: DIR/.redline/snapshot.bin).
func snapshotDir(dir string) string { return filepath.Join(dir, ".redline") }

func measureDataset(ctx context.Context, cfg ScaleConfig, label, dir string, jobs []Job) (*DatasetRun, error) {
	r := &DatasetRun{Label: label, dir: dir}
	// With the snapshot (the binary knows `prepare`), every start names its
	// snapshot file, so that the cold start finds none wherever the default would
	// be (DIR/.redline, or the user's cache when DIR is read-only).
	var snap []string
	snapPath := filepath.Join(cfg.Work, "snapshot-"+strings.TrimSuffix(label, "×")+".bin")
	prepare := HasPrepare(cfg.Redline)
	if prepare {
		snap = []string{"--snapshot", snapPath}
	}
	for _, p := range []string{snapshotDir(dir), snapPath} {
		if err := os.RemoveAll(p); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	srv, err := Start(ctx, cfg.Redline, dir, cfg.Work, 10*time.Minute, snap...)
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
		if out, err := exec.CommandContext(ctx, cfg.Redline, append([]string{"prepare", "--data", dir}, snap...)...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("bench: redline prepare --data %s: %v\n%s", dir, err, out)
		}
		r.Prepare = time.Since(start)
	}
	warm, err := Start(ctx, cfg.Redline, dir, cfg.Work, 10*time.Minute, snap...)
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

// ScaleTable is the README's scale table for the runs of Scale (the first the 1×).
func ScaleTable(runs []*DatasetRun, jobs []Job) *Table {
	one, big := runs[0], runs[len(runs)-1]
	t := &Table{Head: []string{"", one.Label, big.Label, big.Label + " / " + one.Label}}
	ratio := func(a, b float64) string {
		if a <= 0 || b <= 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f", b/a)
	}
	t.Add("zones / vertices (`/v1/layers`)", Count(one.Zones)+" / "+Count(one.Vertices), Count(big.Zones)+" / "+Count(big.Vertices),
		ratio(float64(one.Vertices), float64(big.Vertices)))
	t.Add("ready, cold start (no snapshot)", Dur(one.Cold), Dur(big.Cold), ratio(one.Cold.Seconds(), big.Cold.Seconds()))
	t.Add("`redline prepare`", Dur(one.Prepare), Dur(big.Prepare), ratio(one.Prepare.Seconds(), big.Prepare.Seconds()))
	t.Add("ready, second start", Dur(one.Warm), Dur(big.Warm), ratio(one.Warm.Seconds(), big.Warm.Seconds()))
	perVertex := func(rss int64, r *DatasetRun) string {
		return fmt.Sprintf("%d MiB (%.0f B/vertex)", rss>>20, float64(rss)/float64(r.Vertices))
	}
	t.Add("RSS after ready, cold start", perVertex(one.RSSReady, one), perVertex(big.RSSReady, big), "")
	t.Add("RSS after the jobs", perVertex(one.RSSAfter, one), perVertex(big.RSSAfter, big), "")
	t.Add("RSS after ready, second start", perVertex(one.RSSWarm, one), perVertex(big.RSSWarm, big), "")
	for i, j := range jobs {
		t.Add(j.Name+", median (range)",
			fmt.Sprintf("%s (%s)", Dur(one.Jobs[i].Median()), one.Jobs[i].Range()),
			fmt.Sprintf("%s (%s)", Dur(big.Jobs[i].Median()), big.Jobs[i].Range()),
			ratio(one.Jobs[i].Median().Seconds(), big.Jobs[i].Median().Seconds()))
	}
	same := "yes"
	for i := range jobs {
		if !bytes.Equal(one.answers[i], big.answers[i]) {
			same = "**no**: " + jobs[i].Name
			break
		}
	}
	warm := func(r *DatasetRun) string {
		if r.WarmSame {
			return "yes"
		}
		return "**no**"
	}
	t.Add("answers identical to the 1× run / second start same as first", "— / "+warm(one), same+" / "+warm(big), "")
	return t
}
