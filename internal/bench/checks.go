package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/internal/proccpu"
)

// ChecksConfig is a run of `bench checks`: small checks (100 m squares) sent
// to `redline serve` as shipped — default flags, its SQLite archive on, then
// with --db off — by several client counts in turn.
type ChecksConfig struct {
	Redline string
	// Binaries, when set, are compared: every round runs each of them in turn,
	// a fresh server each, so that the builds meet the same moments of a
	// machine whose load drifts (Redline is then unused). A change worth a few
	// per cent shows only this way on a shared host: one run of each, minutes
	// apart, differs by more than that.
	Binaries []Binary
	// Rounds repeats the whole run (at least one).
	Rounds int
	// Archive lists the modes run: the SQLite archive on (true), off (false).
	// Empty means both, on first.
	Archive []bool
	// Data is the dataset DIR; empty serves the embedded demo dataset.
	Data string
	// Work holds the server's archive.
	Work string
	// Where the squares fall (Shaanxi, where the demo and the shared data lie).
	Bound    orb.Bound
	Clients  []int
	Duration time.Duration
	// Drivers send the checks, in turn: "go" (Drive) and "wrk" (Wrk, the
	// binary at Wrk). Empty means "go".
	Drivers []string
	Wrk     string
	// Server is added to the server's flags and environment.
	Server ServerOpts
	Log    io.Writer
}

// Binary is a redline binary under test, and the name the tables give it.
type Binary struct{ Name, Path string }

// ChecksRun is what one client count measured.
type ChecksRun struct {
	// Binary is the name of the binary served, Round the round (from 1).
	Binary  string
	Round   int
	Archive bool
	Driver  string
	Clients int
	Load    Load
	// ServerCPU is the server process's CPU time over the run (10 ms ticks).
	ServerCPU time.Duration
	// MachineCPU is the busy time of every processor over the run (10 ms
	// ticks): the server, the client, and the kernel's own threads, which run
	// the work no process is charged for (the archive's flushes through AIO).
	MachineCPU time.Duration
	// SaveWait is the mean time a check waited for its archive save, from the
	// server's redline_archive_write_duration_seconds.
	SaveWait time.Duration
}

// Checks starts the server with its archive and has each driver of cfg drive
// it with each client count in turn (after a warm-up of a second), each for
// cfg.Duration; then the same without an archive. Each driver has a server of
// its own, started afresh: the archive of the one before does not weigh on the
// next.
func Checks(ctx context.Context, cfg ChecksConfig) ([]ChecksRun, error) {
	drivers := cfg.Drivers
	if len(drivers) == 0 {
		drivers = []string{"go"}
	}
	for _, d := range drivers {
		if d != "go" && d != "wrk" {
			return nil, fmt.Errorf("bench: driver %q: want go or wrk", d)
		}
		if d == "wrk" && cfg.Wrk == "" {
			return nil, errors.New("bench: the wrk driver needs wrk (scripts/sysdeps.sh wrk installs it)")
		}
	}
	var runs []ChecksRun
	for _, st := range checksPlan(cfg, drivers) {
		c := cfg
		c.Redline = st.bin.Path
		r, err := checks(ctx, c, st.archive, st.driver)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.bin.Name, err)
		}
		for i := range r {
			r[i].Binary, r[i].Round = st.bin.Name, st.round
		}
		runs = append(runs, r...)
	}
	return runs, nil
}

// checksStep is one server's run: a binary in a mode, driven by a client.
type checksStep struct {
	round   int
	archive bool
	driver  string
	bin     Binary
}

// checksPlan orders the runs of cfg: round by round, mode by mode, client by
// client, and the binaries innermost, so that the ones compared run one after
// the other in the same setting.
func checksPlan(cfg ChecksConfig, drivers []string) []checksStep {
	bins := cfg.Binaries
	if len(bins) == 0 {
		bins = []Binary{{Name: filepath.Base(cfg.Redline), Path: cfg.Redline}}
	}
	modes := cfg.Archive
	if len(modes) == 0 {
		modes = []bool{true, false}
	}
	var plan []checksStep
	for round := 1; round <= max(1, cfg.Rounds); round++ {
		for _, archive := range modes {
			for _, d := range drivers {
				for _, b := range bins {
					plan = append(plan, checksStep{round, archive, d, b})
				}
			}
		}
	}
	return plan
}

func checks(ctx context.Context, cfg ChecksConfig, archive bool, driver string) ([]ChecksRun, error) {
	// The log at serve's own level (info: an access line a check), as an
	// operator runs it; the bench's other servers log warnings only.
	extra := []string{"--log-level", "info"}
	if !archive {
		extra = append(extra, "--db", "off")
	}
	srv, err := Start(ctx, cfg.Redline, cfg.Server, cfg.Data, cfg.Work, 2*time.Minute, extra...)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	bodies := CheckBodies(1024, cfg.Bound)
	url := srv.URL + "/v1/check"
	if l := Drive(ctx, url, bodies, 8, time.Second); l.OK == 0 {
		return nil, fmt.Errorf("bench: the warm-up checks all failed: %s", l.FirstError)
	}
	var runs []ChecksRun
	// sample reads the server's CPU and, with the archive, its saves' wait.
	type sample struct {
		cpu, machine  time.Duration
		waited, saves float64
	}
	read := func() (sample, error) {
		var s sample
		var err error
		if s.cpu, err = srv.CPU(); err != nil {
			return s, err
		}
		if s.machine, _, err = proccpu.Machine(); err != nil || !archive {
			return s, err
		}
		s.waited, s.saves, err = SaveWait(srv.URL)
		return s, err
	}
	for _, c := range cfg.Clients {
		s0, err := read()
		if err != nil {
			return nil, err
		}
		var l Load
		if driver == "wrk" {
			rejected := func() (float64, error) { m, err := ReadMetrics(srv.URL); return m.Rejected, err }
			if l, err = Wrk(ctx, cfg.Wrk, cfg.Work, url, bodies, c, cfg.Duration, rejected); err != nil {
				return nil, err
			}
		} else {
			l = Drive(ctx, url, bodies, c, cfg.Duration)
		}
		s1, err := read()
		if err != nil {
			return nil, err
		}
		r := ChecksRun{Archive: archive, Driver: driver, Clients: c, Load: l, ServerCPU: s1.cpu - s0.cpu, MachineCPU: s1.machine - s0.machine}
		if s1.saves > s0.saves {
			r.SaveWait = time.Duration((s1.waited - s0.waited) / (s1.saves - s0.saves) * 1e9)
		}
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "bench: archive %s, %s, %d clients: %d checks (%.0f/s), %d refused (429), %d failed\n", onOff(archive), driver, c, l.OK, l.Rate(), l.Busy, l.Failed)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// ChecksTable is the markdown table of runs; with more than one binary or
// round, each row names its binary and round first.
func ChecksTable(runs []ChecksRun) *Table {
	t := &Table{Head: []string{"archive", "client", "connections", "checks/s", "server CPU µs a check", "client CPU µs a check", "machine CPU µs a check", "p50", "p99", "save wait", "429", "failed"}}
	ab := compared(runs)
	if ab {
		t.Head = append([]string{"binary", "round"}, t.Head...)
	}
	for _, r := range runs {
		var row []string
		if ab {
			row = []string{r.Binary, strconv.Itoa(r.Round)}
		}
		l := r.Load
		save := Dur(r.SaveWait)
		if !r.Archive {
			save = "—"
		}
		t.Add(append(row, onOff(r.Archive), driverName(r.Driver), strconv.Itoa(r.Clients), Count(int(l.Rate()+0.5)), perCheck(r.ServerCPU, l.OK), perCheck(l.CPU, l.OK), perCheck(r.MachineCPU, l.OK),
			Dur(l.Percentile(50)), Dur(l.Percentile(99)), save, Count(l.Busy), Count(l.Failed))...)
	}
	return t
}

// compared reports whether runs hold more than one binary or round.
func compared(runs []ChecksRun) bool {
	for _, r := range runs {
		if r.Binary != runs[0].Binary || r.Round > 1 {
			return true
		}
	}
	return false
}

// ChecksCompare sums up alternated runs (nil unless runs hold more than one
// binary or round): for each mode, client and connection count, each binary's
// medians over the rounds, and for every binary after the first, in how many
// rounds it answered more checks a second than the first did in the same
// round — the count that says whether a difference of medians is more than
// the machine's drift.
func ChecksCompare(runs []ChecksRun) *Table {
	if len(runs) == 0 || !compared(runs) {
		return nil
	}
	type key struct {
		archive bool
		driver  string
		clients int
	}
	var keys []key
	var names []string
	by := map[key]map[string][]ChecksRun{}
	for _, r := range runs {
		k := key{r.Archive, r.Driver, r.Clients}
		if by[k] == nil {
			by[k] = map[string][]ChecksRun{}
			keys = append(keys, k)
		}
		by[k][r.Binary] = append(by[k][r.Binary], r)
		if !slices.Contains(names, r.Binary) {
			names = append(names, r.Binary)
		}
	}
	t := &Table{Head: []string{"archive", "client", "connections", "binary", "rounds", "checks/s, median", "server CPU µs a check, median", "machine CPU µs a check, median", "checks/s above " + names[0]}}
	for _, k := range keys {
		first := map[int]float64{}
		for _, r := range by[k][names[0]] {
			first[r.Round] = r.Load.Rate()
		}
		for i, name := range names {
			rs := by[k][name]
			if len(rs) == 0 {
				continue
			}
			var rate, server, machine []float64
			higher, paired := 0, 0
			for _, r := range rs {
				rate = append(rate, r.Load.Rate())
				if r.Load.OK > 0 {
					server = append(server, float64(r.ServerCPU.Microseconds())/float64(r.Load.OK))
					machine = append(machine, float64(r.MachineCPU.Microseconds())/float64(r.Load.OK))
				}
				if f, ok := first[r.Round]; ok && i > 0 {
					paired++
					if r.Load.Rate() > f {
						higher++
					}
				}
			}
			above := "—"
			if i > 0 {
				above = fmt.Sprintf("in %d of %d rounds", higher, paired)
			}
			t.Add(onOff(k.archive), driverName(k.driver), strconv.Itoa(k.clients), name, strconv.Itoa(len(rs)),
				Count(int(median(rate)+0.5)), fmt.Sprintf("%.0f", median(server)), fmt.Sprintf("%.0f", median(machine)), above)
		}
	}
	return t
}

func driverName(d string) string {
	if d == "wrk" {
		return "wrk (2 threads)"
	}
	return "Go net/http"
}

func onOff(on bool) string {
	if on {
		return "SQLite"
	}
	return "off"
}

func perCheck(d time.Duration, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(n))
}

// CheckBodies are n check envelopes, each a 100 m square in b (deterministic)
// with an industry, as a reviewer's small check.
func CheckBodies(n int, b orb.Bound) [][]byte {
	rng := rand.New(rand.NewPCG(4, 2))
	bodies := make([][]byte, n)
	for i := range bodies {
		x := b.Min[0] + (b.Max[0]-b.Min[0])*rng.Float64()
		y := b.Min[1] + (b.Max[1]-b.Min[1])*rng.Float64()
		g, _ := geojson.NewGeometry(Square(x, y, 100)).MarshalJSON()
		bodies[i] = fmt.Appendf(nil, `{"footprint":%s,"project":{"industry":"C2511"}}`, g)
	}
	return bodies
}

// Load is what Drive measured.
type Load struct {
	// OK answers were 200, Busy 429; Failed the rest (transport errors too),
	// FirstError the first of those.
	OK, Busy, Failed int
	FirstError       string
	Elapsed          time.Duration
	// CPU is this process's CPU time over the run: the clients'.
	CPU time.Duration
	// Latencies of the 200s, sorted.
	Latencies []time.Duration
	// quantiles, when Latencies is empty, are the latency's by percent, as a
	// driver that keeps no latencies (wrk) reported them.
	quantiles map[float64]time.Duration
}

// Rate is answers of 200 a second.
func (l Load) Rate() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.OK) / l.Elapsed.Seconds()
}

// Percentile is the p-th percentile of the 200s' latencies (nearest rank);
// with a driver that reported quantiles only, the one for p (0 when it
// reported none).
func (l Load) Percentile(p float64) time.Duration {
	if len(l.Latencies) == 0 {
		return l.quantiles[p]
	}
	i := int(float64(len(l.Latencies))*p/100+0.5) - 1
	return l.Latencies[min(max(i, 0), len(l.Latencies)-1)]
}

// Drive POSTs bodies (in turn, round robin) to url from clients goroutines,
// each over its own keep-alive connection and sending its next check when the
// last is answered, for d.
func Drive(ctx context.Context, url string, bodies [][]byte, clients int, d time.Duration) Load {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	type tally struct {
		ok, busy, failed int
		firstErr         string
		lat              []time.Duration
	}
	tallies := make([]tally, clients)
	var wg sync.WaitGroup
	cpu0 := proccpu.Now()
	start := time.Now()
	end := start.Add(d)
	for c := range clients {
		wg.Go(func() {
			t := &tallies[c]
			for i := c; ctx.Err() == nil; i += clients {
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(bodies[i%len(bodies)])))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.failed++
					if t.firstErr == "" {
						t.firstErr = err.Error()
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					t.ok++
					t.lat = append(t.lat, time.Since(t0))
				case http.StatusTooManyRequests:
					t.busy++
				default:
					t.failed++
					if t.firstErr == "" {
						t.firstErr = resp.Status
					}
				}
			}
		})
	}
	wg.Wait()
	l := Load{Elapsed: time.Since(start), CPU: proccpu.Now() - cpu0}
	for _, t := range tallies {
		l.OK, l.Busy, l.Failed = l.OK+t.ok, l.Busy+t.busy, l.Failed+t.failed
		if l.FirstError == "" {
			l.FirstError = t.firstErr
		}
		l.Latencies = append(l.Latencies, t.lat...)
	}
	slices.Sort(l.Latencies)
	return l
}

// Metrics are the figures the bench reads from a server's /metrics.
type Metrics struct {
	// SaveSum and SaveCount are the archive write histogram's
	// (redline_archive_write_duration_seconds): the seconds the saves took,
	// and their count; Saves says whether the server has it (both).
	SaveSum, SaveCount float64
	Saves              bool
	// Rejected is redline_http_rejected_total summed over its routes: the 429s.
	Rejected float64
}

// ReadMetrics reads the Metrics of the server at base.
func ReadMetrics(base string) (Metrics, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return Metrics{}, fmt.Errorf("bench: /metrics: %w", err)
	}
	defer resp.Body.Close()
	return parseMetrics(resp.Body)
}

// SaveWait reads the archive write histogram from the /metrics of the server
// at base: the seconds its saves took, and their count.
func SaveWait(base string) (sum, count float64, err error) {
	m, err := ReadMetrics(base)
	if err == nil && !m.Saves {
		err = errors.New("bench: /metrics has no redline_archive_write_duration_seconds (sum and count)")
	}
	return m.SaveSum, m.SaveCount, err
}

func parseMetrics(r io.Reader) (Metrics, error) {
	var m Metrics
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var sum, count bool
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ' ')
		if i < 0 || strings.HasPrefix(line, "#") {
			continue
		}
		name := line[:i]
		if j := strings.IndexByte(name, '{'); j >= 0 {
			name = name[:j]
		}
		switch name {
		case "redline_archive_write_duration_seconds_sum", "redline_archive_write_duration_seconds_count", "redline_http_rejected_total":
		default:
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return Metrics{}, fmt.Errorf("bench: /metrics: %q: %w", line, err)
		}
		switch name {
		case "redline_archive_write_duration_seconds_sum":
			m.SaveSum, sum = v, true
		case "redline_archive_write_duration_seconds_count":
			m.SaveCount, count = v, true
		default:
			m.Rejected += v
		}
	}
	if err := sc.Err(); err != nil {
		return Metrics{}, fmt.Errorf("bench: /metrics: %w", err)
	}
	m.Saves = sum && count
	return m, nil
}
