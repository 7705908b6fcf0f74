package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDrive: every answer is counted as what it was (200, 429, other), each
// body is a check envelope with a 100 m square inside the bound, and the
// latencies are the 200s'.
func TestDrive(t *testing.T) {
	var n atomic.Int64
	var badBody atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct {
			Footprint struct {
				Type        string         `json:"type"`
				Coordinates [][][2]float64 `json:"coordinates"`
			} `json:"footprint"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &env); err != nil || env.Footprint.Type != "Polygon" || len(env.Footprint.Coordinates[0]) != 5 ||
			r.Header.Get("Content-Type") != "application/json" {
			badBody.Store(string(b))
		}
		for _, p := range env.Footprint.Coordinates[0] {
			if p[0] < Shaanxi.Min[0] || p[0] > Shaanxi.Max[0]+0.01 || p[1] < Shaanxi.Min[1] || p[1] > Shaanxi.Max[1]+0.01 {
				badBody.Store(string(b))
			}
		}
		switch n.Add(1) % 4 {
		case 0:
			w.WriteHeader(http.StatusTooManyRequests)
		case 1:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			time.Sleep(time.Millisecond)
			w.Write([]byte("{}"))
		}
	}))
	defer srv.Close()
	l := Drive(t.Context(), srv.URL, CheckBodies(16, Shaanxi), 4, 300*time.Millisecond)
	if v := badBody.Load(); v != nil {
		t.Fatalf("a body that is not a small check: %s", v)
	}
	total := int(n.Load())
	if l.OK+l.Busy+l.Failed != total || total < 20 {
		t.Fatalf("%d ok + %d busy + %d failed, the server answered %d", l.OK, l.Busy, l.Failed, total)
	}
	// Each kind is a quarter or a half of the answers, within the last round.
	if d := l.OK - total/2; d < -4 || d > 4 {
		t.Errorf("%d ok of %d", l.OK, total)
	}
	if d := l.Busy - total/4; d < -4 || d > 4 {
		t.Errorf("%d 429 of %d", l.Busy, total)
	}
	if !strings.Contains(l.FirstError, "500") {
		t.Errorf("first error %q", l.FirstError)
	}
	if len(l.Latencies) != l.OK || l.Percentile(50) < time.Millisecond || l.Percentile(99) < l.Percentile(50) {
		t.Errorf("%d latencies for %d ok, p50 %v, p99 %v", len(l.Latencies), l.OK, l.Percentile(50), l.Percentile(99))
	}
	if r := l.Rate(); r <= 0 || r > float64(total)/0.3 {
		t.Errorf("rate %f for %d answers in %v", r, total, l.Elapsed)
	}
}

func TestPercentile(t *testing.T) {
	l := Load{}
	for i := 1; i <= 100; i++ {
		l.Latencies = append(l.Latencies, time.Duration(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {0, 1}, {1, 1}} {
		if got := l.Percentile(c.p); got != c.want {
			t.Errorf("p%v = %d, want %d", c.p, got, c.want)
		}
	}
	if (Load{}).Percentile(50) != 0 {
		t.Error("no latencies: want 0")
	}
}

// TestParseMetrics: the save histogram's sum and count (both, or the server
// has none), and the 429s summed over the routes; a value that is not a number
// is an error.
func TestParseMetrics(t *testing.T) {
	m, err := parseMetrics(strings.NewReader(`# HELP redline_archive_write_duration_seconds x
redline_archive_write_duration_seconds_bucket{le="0.001"} 3
redline_archive_write_duration_seconds_sum 0.25
redline_archive_write_duration_seconds_count 100
redline_reports_archived_total 100
# HELP redline_http_rejected_total x
redline_http_rejected_total{route="/v1/check"} 7
redline_http_rejected_total{route="/v1/locate"} 2
redline_http_requests_total{code="429"} 100
`))
	if err != nil || m.SaveSum != 0.25 || m.SaveCount != 100 || !m.Saves || m.Rejected != 9 {
		t.Errorf("%+v %v", m, err)
	}
	if m, err := parseMetrics(strings.NewReader("redline_archive_write_duration_seconds_sum 1\n")); err != nil || m.Saves {
		t.Errorf("no count: %+v, %v; want no histogram", m, err)
	}
	for _, bad := range []string{
		"redline_archive_write_duration_seconds_sum x\nredline_archive_write_duration_seconds_count 1\n",
		"redline_http_rejected_total{route=\"/\"} x\n",
	} {
		if _, err := parseMetrics(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestChecksTableMachineCPU(t *testing.T) {
	run := ChecksRun{Archive: true, Driver: "wrk", Clients: 16, ServerCPU: 300 * time.Millisecond, MachineCPU: 900 * time.Millisecond,
		Load: Load{OK: 3000, Elapsed: time.Second, CPU: 60 * time.Millisecond}}
	tb := ChecksTable([]ChecksRun{run})
	col := slices.Index(tb.Head, "machine CPU µs a check")
	if col < 0 || len(tb.Rows) != 1 || len(tb.Rows[0]) != len(tb.Head) {
		t.Fatalf("table %+v", tb)
	}
	if got := tb.Rows[0][col]; got != "300" {
		t.Errorf("machine CPU a check %q, want 300 (900 ms over 3,000 checks)", got)
	}
	if got := tb.Rows[0][slices.Index(tb.Head, "server CPU µs a check")]; got != "100" {
		t.Errorf("server CPU a check %q, want 100", got)
	}
}

// TestChecksPlan: the binaries compared run one after the other in each
// setting, round after round; one binary runs as before (archive on, then off).
func TestChecksPlan(t *testing.T) {
	a, b := Binary{"a", "/x/a"}, Binary{"b", "/y/b"}
	plan := checksPlan(ChecksConfig{Binaries: []Binary{a, b}, Rounds: 2}, []string{"wrk", "go"})
	if len(plan) != 2*2*2*2 {
		t.Fatalf("%d steps, want 16", len(plan))
	}
	for i := 0; i < len(plan); i += 2 {
		x, y := plan[i], plan[i+1]
		if x.bin != a || y.bin != b || x.round != y.round || x.archive != y.archive || x.driver != y.driver {
			t.Errorf("steps %d and %d: %+v then %+v, want a then b in one setting", i, i+1, x, y)
		}
	}
	if p := plan[0]; p.round != 1 || !p.archive || p.driver != "wrk" {
		t.Errorf("first step %+v", p)
	}
	if p := plan[len(plan)-1]; p.round != 2 || p.archive || p.driver != "go" {
		t.Errorf("last step %+v", p)
	}
	one := checksPlan(ChecksConfig{Redline: "bin/redline", Archive: []bool{false}}, []string{"go"})
	if len(one) != 1 || one[0].bin != (Binary{"redline", "bin/redline"}) || one[0].archive || one[0].round != 1 {
		t.Errorf("one binary: %+v", one)
	}
}

// TestChecksCompare: medians over the rounds, and in how many rounds the
// second binary answered more than the first in the same setting; nothing to
// compare for one binary in one round.
func TestChecksCompare(t *testing.T) {
	run := func(bin string, round int, rate int, serverMs int) ChecksRun {
		return ChecksRun{Binary: bin, Round: round, Archive: true, Driver: "wrk", Clients: 16,
			Load:      Load{OK: rate, Elapsed: time.Second},
			ServerCPU: time.Duration(serverMs) * time.Millisecond, MachineCPU: 2 * time.Duration(serverMs) * time.Millisecond}
	}
	runs := []ChecksRun{
		run("old", 1, 1000, 150), run("new", 1, 1500, 150),
		run("old", 2, 2000, 300), run("new", 2, 1500, 150),
		run("old", 3, 3000, 300), run("new", 3, 3500, 350),
	}
	tb := ChecksCompare(runs)
	if tb == nil || len(tb.Rows) != 2 {
		t.Fatalf("table %+v", tb)
	}
	col := func(name string) int {
		i := slices.Index(tb.Head, name)
		if i < 0 {
			t.Fatalf("no column %q in %q", name, tb.Head)
		}
		return i
	}
	old, nw := tb.Rows[0], tb.Rows[1]
	if old[col("binary")] != "old" || nw[col("binary")] != "new" {
		t.Fatalf("rows %q", tb.Rows)
	}
	if got := old[col("checks/s, median")]; got != "2,000" {
		t.Errorf("old median %q, want 2,000", got)
	}
	if got := nw[col("checks/s, median")]; got != "1,500" {
		t.Errorf("new median %q, want 1,500", got)
	}
	// Server CPU a check: old 150, 150, 100 µs; new 100, 100, 100.
	if got := old[col("server CPU µs a check, median")]; got != "150" {
		t.Errorf("old server CPU %q, want 150", got)
	}
	if got := nw[col("machine CPU µs a check, median")]; got != "200" {
		t.Errorf("new machine CPU %q, want 200", got)
	}
	above := col("checks/s above old")
	if got := nw[above]; got != "in 2 of 3 rounds" {
		t.Errorf("new above old %q, want in 2 of 3 rounds", got)
	}
	if got := old[above]; got != "—" {
		t.Errorf("old above itself %q", got)
	}
	if ChecksCompare(runs[:1]) != nil {
		t.Error("one run: want no comparison")
	}
	// The runs' own table names binary and round when compared, not otherwise.
	if h := ChecksTable(runs).Head; h[0] != "binary" || h[1] != "round" {
		t.Errorf("compared runs' head %q", h)
	}
	if h := ChecksTable(runs[:1]).Head; h[0] != "archive" {
		t.Errorf("one run's head %q", h)
	}
	if r := ChecksTable(runs).Rows[3]; r[0] != "new" || r[1] != "2" || r[5] != "1,500" {
		t.Errorf("row 3 %q", r)
	}
}
