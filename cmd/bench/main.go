// Command bench runs redline's outside benchmarks, each one command:
//
//	bench scale   — `make bench-scale`: the shared dataset at 1× and 32× (internal/scalegen),
//	                time to ready, resident memory per vertex, the same three jobs on both
//	bench postgis — `make bench-postgis`: the three jobs in PostGIS (query time only)
//	                against redline over HTTP, with the answers compared
//	bench checks  — `make bench-checks`: small checks a second against `redline serve`
//	                as shipped (default flags, SQLite archive on; then --db off), at 16,
//	                32 and 64 clients; given several binaries (-redline a,b) and -rounds,
//	                it runs them in alternation and sums up which answered more
//
// Each prints a markdown table and writes it to a file (-out). They need the built
// redline (-redline); scale and postgis ../shared/data (-shared), and postgis a
// PostgreSQL with PostGIS at REDLINE_TEST_PG (scripts/pg-test.sh --run starts a
// throwaway one); checks serves the embedded demo dataset unless given -data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redline-gis/redline/internal/bench"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "scale" && os.Args[1] != "postgis" && os.Args[1] != "checks") {
		fmt.Fprintln(os.Stderr, "usage: bench scale|postgis|checks [flags]   (bench scale -h for the flags)")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	redline := fs.String("redline", "bin/redline", "the built redline `binary`; checks: several, comma-separated (NAME=PATH names one), run in alternation and compared")
	shared := fs.String("shared", "../shared/data", "the shared data `DIR` (dataset.yaml, oracle/)")
	work := fs.String("work", "", "`DIR` for generated datasets and archives (default: a temporary directory, removed)")
	out := fs.String("out", "bin/bench-"+mode+".md", "markdown `file` the table is written to")
	runs := fs.Int("runs", 5, "timed runs of each job (after one warm-up run)")
	count := fs.Int("count", 100_000, "points and squares per job")
	n := fs.Int("n", 32, "scale: the large dataset's multiple")
	soak := fs.Int("soak", 0, "scale: after the jobs, this many checks to the large dataset's server (16 clients, the jobs run beside them), its RSS read as they go; 0: none")
	data := fs.String("data", "", "checks: the dataset `DIR` served (default: the embedded demo dataset)")
	clients := fs.String("clients", "16,32,64", "checks: the client counts, in turn")
	duration := fs.Duration("duration", 10*time.Second, "checks: how long each client count runs")
	serverArgs := fs.String("server-args", "", "flags added after the bench's own to every `redline serve`, separated by spaces (a flag given twice takes its last value)")
	serverEnv := fs.String("server-env", "", "`KEY=VALUE,...` added to the environment of every `redline serve` (and `redline prepare`)")
	rounds := fs.Int("rounds", 1, "checks: how many times the whole run is repeated (each round runs every -redline binary in turn)")
	archive := fs.String("archive", "on,off", "checks: the archive modes run, in turn: on (SQLite), off")
	drivers := fs.String("drivers", "wrk,go", "checks: the clients that send the checks, in turn: wrk (Debian's wrk, 2 threads) and go (Go's net/http)")
	fs.Parse(os.Args[2:])
	server, err := serverOpts(*serverArgs, *serverEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}

	if mode == "checks" {
		if err := runChecks(*redline, *data, *work, *out, *clients, *drivers, *archive, *rounds, *duration, server); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(mode, *redline, *shared, *work, *out, *runs, *count, *n, *soak, server); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// serverOpts reads -server-args and -server-env.
func serverOpts(args, env string) (bench.ServerOpts, error) {
	o := bench.ServerOpts{Args: strings.Fields(args)}
	for kv := range strings.SplitSeq(env, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return o, fmt.Errorf("-server-env %q: want KEY=VALUE pairs separated by commas", env)
		}
		o.Env = append(o.Env, kv)
	}
	return o, nil
}

func run(mode, redline, shared, work, out string, runs, count, n, soak int, server bench.ServerOpts) error {
	if _, err := os.Stat(filepath.Join(shared, "dataset.yaml")); err != nil {
		return fmt.Errorf("the shared data is absent (%v): the benchmarks run on ../shared/data's five Shaanxi layers and its oracle footprints; give -shared DIR", err)
	}
	if _, err := os.Stat(redline); err != nil {
		return fmt.Errorf("no redline binary (%v): `make build` first, or give -redline", err)
	}
	if redline, _ = filepath.Abs(redline); work == "" {
		tmp, err := os.MkdirTemp("", "redline-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	jobs, err := bench.Jobs(shared, count)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var table *bench.Table
	switch mode {
	case "scale":
		res, err := bench.Scale(ctx, bench.ScaleConfig{Redline: redline, Shared: shared, Work: work, N: n, Runs: runs, Count: count, Soak: soak, Server: server, Log: os.Stderr}, jobs)
		if err != nil {
			return err
		}
		table = bench.ScaleTable(res, jobs)
	case "postgis":
		dsn := os.Getenv("REDLINE_TEST_PG")
		if dsn == "" {
			return fmt.Errorf("REDLINE_TEST_PG is not set: run through `scripts/pg-test.sh --run` (make bench-postgis does)")
		}
		table, err = bench.SideBySide(ctx, bench.SideConfig{Redline: redline, Shared: shared, Work: work, DSN: dsn, Runs: runs, Server: server, Log: os.Stderr}, jobs)
		if err != nil {
			return err
		}
	}
	return write(out, fmt.Sprintf("%d timed runs per job, medians", runs)+server.String(), table)
}

// runChecks is `bench checks`.
func runChecks(redline, data, work, out, clients, drivers, archive string, rounds int, d time.Duration, server bench.ServerOpts) error {
	bins, err := binaries(redline)
	if err != nil {
		return err
	}
	modes, err := archiveModes(archive)
	if err != nil {
		return err
	}
	if rounds < 1 {
		return fmt.Errorf("-rounds %d: want 1 or more", rounds)
	}
	var counts []int
	for f := range strings.SplitSeq(clients, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 {
			return fmt.Errorf("-clients %q: want counts such as 16,32,64", clients)
		}
		counts = append(counts, c)
	}
	for _, b := range bins {
		if _, err := os.Stat(b.Path); err != nil {
			return fmt.Errorf("no redline binary (%v): `make build` first, or give -redline", err)
		}
	}
	if work == "" {
		tmp, err := os.MkdirTemp("", "redline-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	var ds []string
	for f := range strings.SplitSeq(drivers, ",") {
		ds = append(ds, strings.TrimSpace(f))
	}
	runs, err := bench.Checks(context.Background(), bench.ChecksConfig{Redline: bins[0].Path, Binaries: bins, Rounds: rounds, Archive: modes, Data: data, Work: work,
		Bound: bench.Shaanxi, Clients: counts, Duration: d, Drivers: ds, Wrk: bench.WrkPath(), Server: server, Log: os.Stderr})
	if err != nil {
		return err
	}
	served := "the embedded demo dataset"
	if data != "" {
		served = data
	}
	var by []string
	for _, d := range ds {
		if d == "wrk" {
			by = append(by, "wrk (C, epoll, 2 threads)")
		} else {
			by = append(by, "Go's net/http client (the bench process)")
		}
	}
	var mode []string
	for _, m := range modes {
		if m {
			mode = append(mode, "its SQLite archive on")
		} else {
			mode = append(mode, "`--db off`")
		}
	}
	how := fmt.Sprintf("`redline serve` with its default flags on %s, %s, a fresh server for each client; 100 m squares sent on the same cores by %s, each over keep-alive connections, one check at a time on each; %s a connection count",
		served, strings.Join(mode, ", then "), strings.Join(by, " and by "), d)
	if len(bins) > 1 || rounds > 1 {
		var names []string
		for _, b := range bins {
			names = append(names, fmt.Sprintf("%s (%s)", b.Name, b.Path))
		}
		how += fmt.Sprintf("; %d rounds, each running %s in turn", rounds, strings.Join(names, ", "))
	}
	return write(out, how+server.String(), bench.ChecksTable(runs), bench.ChecksCompare(runs))
}

// binaries reads -redline: paths separated by commas, each NAME=PATH or a
// path named by its file name (by the path itself when two share one).
func binaries(s string) ([]bench.Binary, error) {
	var bins []bench.Binary
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name, path, named := strings.Cut(f, "=")
		if !named {
			name, path = filepath.Base(f), f
		}
		if name == "" || path == "" {
			return nil, fmt.Errorf("-redline %q: want paths, or NAME=PATH, separated by commas", s)
		}
		bins = append(bins, bench.Binary{Name: name, Path: path})
	}
	if len(bins) == 0 {
		return nil, fmt.Errorf("-redline %q: no binary", s)
	}
	names := map[string]int{}
	paths := map[string]bool{}
	for _, b := range bins {
		if paths[b.Path] {
			return nil, fmt.Errorf("-redline %q: %s given twice", s, b.Path)
		}
		paths[b.Path] = true
		names[b.Name]++
	}
	for i := range bins {
		if names[bins[i].Name] > 1 {
			bins[i].Name = bins[i].Path
		}
	}
	return bins, nil
}

// archiveModes reads -archive: on and off, separated by commas.
func archiveModes(s string) ([]bool, error) {
	var modes []bool
	for f := range strings.SplitSeq(s, ",") {
		switch strings.TrimSpace(f) {
		case "on":
			modes = append(modes, true)
		case "off":
			modes = append(modes, false)
		default:
			return nil, fmt.Errorf("-archive %q: want on, off or on,off", s)
		}
	}
	return modes, nil
}

// write prints the machine line, how the numbers were taken, and the tables
// (nil ones left out), and writes them to out.
func write(out, how string, tables ...*bench.Table) error {
	text := machine() + "; " + how + "\n"
	for _, t := range tables {
		if t != nil {
			text += "\n" + t.String()
		}
	}
	fmt.Print(text)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, []byte(text), 0o644)
}

// machine says where and when the numbers were taken.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	return fmt.Sprintf("%s, %d cores (%s), load average %s at the end; commit %s",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpu, load, strings.TrimSpace(string(commit)))
}
