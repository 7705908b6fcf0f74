package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/proccpu"
)

// The load and soak test: `redline serve` as a subprocess (SQLite archive) under
// mixed check / locate / report traffic from loopback clients, more than it
// serves at once, for REDLINE_SOAK (default 20s; `make soak` runs 10m). It
// reports requests, errors, 429s, latency percentiles, the Go heap (from
// /metrics) and the process RSS (VmRSS, GEOS's C memory included) over time,
// and fails on any error other than a deliberate 429, or on RSS that keeps
// growing after warm-up (a leak detector, not a speed test).

type soakKind struct {
	name      string
	mu        sync.Mutex
	latencies []time.Duration
	ok, busy  int
	errs      []string
}

func (k *soakKind) record(took time.Duration, status int, err error, body []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case err != nil:
		k.errs = append(k.errs, err.Error())
	case status == http.StatusTooManyRequests:
		k.busy++
	case status != http.StatusOK:
		k.errs = append(k.errs, fmt.Sprintf("%d %.200s", status, body))
	default:
		k.ok++
		k.latencies = append(k.latencies, took)
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// metricValue reads one unlabelled sample from /metrics.
func metricValue(base, name string) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

func soakDuration(t *testing.T) time.Duration {
	d := 20 * time.Second
	if v := os.Getenv("REDLINE_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			t.Fatalf("REDLINE_SOAK=%q: want a duration such as 10m", v)
		}
	}
	return d
}

func TestLoadSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under load")
	}
	dur := soakDuration(t)
	bin := buildBinary(t)
	// Small concurrency limits, so that the clients (more than the limits) keep
	// the server at capacity and meet deliberate 429s.
	s := startServer(t, bin, "--db", filepath.Join(t.TempDir(), "soak.db"), "--max-checks", "4", "--max-locates", "1")
	defer s.stop(t)
	pid := s.cmd.Process.Pid

	// Points and squares around the demo province, a locate batch of 2,000 points.
	rnd := rand.New(rand.NewPCG(1, 2))
	square := func() string {
		x, y, d := 107.2+rnd.Float64()*1.2, 33.2+rnd.Float64()*0.6, 0.002+rnd.Float64()*0.02
		return fmt.Sprintf(`{"footprint":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]},"buffer_m":500}`,
			x, y, x+d, y, x+d, y+d, x, y+d, x, y)
	}
	var batch bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&batch, `{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[%f,%f]}}`+"\n", i, 107.2+rnd.Float64()*1.2, 33.2+rnd.Float64()*0.6)
	}
	batchBody := batch.Bytes()

	check, locate, report := &soakKind{name: "check"}, &soakKind{name: "locate"}, &soakKind{name: "report"}
	var idsMu sync.Mutex
	var ids []string
	ctx, cancel := context.WithTimeout(t.Context(), dur)
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	do := func(k *soakKind, method, path, ctype string, body []byte) []byte {
		req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), method, s.base+path, bytes.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		start := time.Now()
		resp, err := client.Do(req)
		var b []byte
		status := 0
		if err == nil {
			b, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		k.record(time.Since(start), status, err, b)
		if status == http.StatusOK {
			return b
		}
		return nil
	}

	type sample struct {
		at        time.Duration
		rss, heap float64
	}
	var samples []sample
	sampleNow := func(start time.Time) {
		rss, err := proccpu.RSS(pid)
		if err != nil {
			t.Errorf("RSS: %v", err)
		}
		samples = append(samples, sample{time.Since(start), float64(rss), metricValue(s.base, "go_memstats_heap_alloc_bytes")})
	}
	start := time.Now()
	sampleNow(start)
	var wg sync.WaitGroup
	var squareMu sync.Mutex
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				squareMu.Lock()
				body := []byte(square())
				squareMu.Unlock()
				if b := do(check, "POST", "/v1/check", "application/json", body); b != nil {
					var rep struct {
						ID string `json:"report_id"`
					}
					if json.Unmarshal(b, &rep) == nil && rep.ID != "" {
						idsMu.Lock()
						ids = append(ids, rep.ID)
						idsMu.Unlock()
					}
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for ctx.Err() == nil {
				b := do(locate, "POST", "/v1/locate", "application/x-ndjson", batchBody)
				if b == nil {
					time.Sleep(20 * time.Millisecond) // a client that honours 429 backs off
					continue
				}
				{
					if n := bytes.Count(b, []byte("\n")); n != 2000 {
						locate.record(0, 0, fmt.Errorf("batch answered %d records, want 2000", n), nil)
					}
					if bytes.Contains(b, []byte(`"error"`)) {
						locate.record(0, 0, fmt.Errorf("batch with an error record"), nil)
					}
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for ctx.Err() == nil {
				idsMu.Lock()
				var id string
				if len(ids) > 0 {
					id = ids[rand.IntN(len(ids))]
				}
				idsMu.Unlock()
				if id == "" {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				path := "/v1/reports/" + id
				if rand.IntN(3) == 0 {
					path += "?format=html"
				}
				do(report, "GET", path, "", nil)
			}
		})
	}
	tick := time.NewTicker(max(dur/20, time.Second))
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-tick.C:
			sampleNow(start)
		case <-ctx.Done():
		}
	}
	wg.Wait()
	sampleNow(start)

	total, errs, busy := 0, 0, 0
	for _, k := range []*soakKind{check, locate, report} {
		slices.Sort(k.latencies)
		total += k.ok + k.busy + len(k.errs)
		errs += len(k.errs)
		busy += k.busy
		t.Logf("%-6s %6d ok %5d 429  %d errors  p50 %v p90 %v p99 %v", k.name, k.ok, k.busy, len(k.errs),
			percentile(k.latencies, .5).Round(time.Microsecond), percentile(k.latencies, .9).Round(time.Microsecond),
			percentile(k.latencies, .99).Round(time.Microsecond))
		for i, e := range k.errs {
			if i == 5 {
				break
			}
			t.Errorf("%s error: %s", k.name, e)
		}
	}
	first, mid, last := samples[0], samples[len(samples)/2], samples[len(samples)-1]
	t.Logf("%d requests in %v (%.0f/s), %d errors, %d deliberate 429s; %d batch features located (%.0f features/s)",
		total, dur, float64(total)/dur.Seconds(), errs, busy, 2000*locate.ok, float64(2000*locate.ok)/dur.Seconds())
	t.Logf("RSS start %.1f MiB, middle %.1f MiB, end %.1f MiB; Go heap start %.1f MiB, middle %.1f MiB, end %.1f MiB",
		first.rss/(1<<20), mid.rss/(1<<20), last.rss/(1<<20), first.heap/(1<<20), mid.heap/(1<<20), last.heap/(1<<20))
	if check.ok == 0 || locate.ok == 0 || report.ok == 0 {
		t.Errorf("a kind of traffic never succeeded: check %d locate %d report %d", check.ok, locate.ok, report.ok)
	}
	// After warm-up (the middle), RSS may not keep growing: a generous bound.
	if limit := mid.rss*1.25 + 64<<20; last.rss > limit {
		t.Errorf("RSS grew from %.1f MiB (middle) to %.1f MiB (end), above %.1f MiB: a leak?", mid.rss/(1<<20), last.rss/(1<<20), limit/(1<<20))
	}
}
