package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/testenv"
)

// TestWrk drives a server that answers 200, 429 and 500 in turn with the real
// wrk: every body reaches the path as a check envelope, the bodies are sent in
// turn (each thread from its own place), and the answers are counted as what
// they were.
func TestWrk(t *testing.T) {
	wrk := WrkPath()
	if wrk == "" {
		testenv.Missing(t, "wrk is not installed (scripts/sysdeps.sh test installs it): the wrk driver goes untested")
	}
	bodies := CheckBodies(64, Shaanxi)
	known := map[string]bool{}
	for _, b := range bodies {
		known[string(b)] = true
	}
	var n, busy atomic.Int64
	var mu sync.Mutex
	seen := map[string]int{}
	var bad atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var env struct {
			Footprint json.RawMessage `json:"footprint"`
		}
		if r.Method != "POST" || r.URL.Path != "/v1/check" || r.Header.Get("Content-Type") != "application/json" ||
			json.Unmarshal(b, &env) != nil || !known[string(b)] {
			bad.Store(r.Method + " " + r.URL.Path + " " + string(b))
		}
		mu.Lock()
		seen[string(b)]++
		mu.Unlock()
		switch n.Add(1) % 4 {
		case 0:
			busy.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
		case 1:
			w.WriteHeader(http.StatusInternalServerError)
		default:
			w.Write([]byte("{}"))
		}
	}))
	defer srv.Close()
	l, err := Wrk(t.Context(), wrk, t.TempDir(), srv.URL+"/v1/check", bodies, 4, time.Second,
		func() (float64, error) { return float64(busy.Load()), nil })
	if err != nil {
		t.Fatal(err)
	}
	if v := bad.Load(); v != nil {
		t.Fatalf("a request that is not one of the checks: %s", v)
	}
	total := int(n.Load())
	// wrk counts the answers it read within its time; the server may have
	// answered a few more that it cut off at the end (one per connection).
	if got := l.OK + l.Busy + l.Failed; got > total || got < total-4 || total < 100 {
		t.Fatalf("%d ok + %d busy + %d failed, the server answered %d", l.OK, l.Busy, l.Failed, total)
	}
	if d := l.OK - total/2; d < -8 || d > 8 {
		t.Errorf("%d ok of %d", l.OK, total)
	}
	if d := l.Busy - total/4; d < -8 || d > 8 {
		t.Errorf("%d 429 of %d", l.Busy, total)
	}
	if l.Failed == 0 || !strings.Contains(l.FirstError, "not 2xx") {
		t.Errorf("%d failed, first error %q", l.Failed, l.FirstError)
	}
	if len(seen) != len(bodies) {
		t.Errorf("%d of the %d bodies sent", len(seen), len(bodies))
	}
	if p50, p99 := l.Percentile(50), l.Percentile(99); p50 <= 0 || p99 < p50 {
		t.Errorf("p50 %v, p99 %v", p50, p99)
	}
	if l.Elapsed < 900*time.Millisecond || l.Elapsed > 5*time.Second || l.CPU <= 0 {
		t.Errorf("elapsed %v, wrk's CPU %v", l.Elapsed, l.CPU)
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 20s test @ http://127.0.0.1:18100
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.96ms    7.04ms 138.92ms   96.49%
    Req/Sec     4.22k     0.92k    6.07k    73.50%
  Latency Distribution
     50%  364.00us
     75%    2.34ms
     90%    4.08ms
     99%    1.20s
  168141 requests in 20.03s, 606.61MB read
  Socket errors: connect 1, read 2, write 0, timeout 12
  Non-2xx or 3xx responses: 5
Requests/sec:   8396.41
Transfer/sec:     30.29MB
`
	r, err := ParseWrk(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[float64]time.Duration{50: 364 * time.Microsecond, 75: 2340 * time.Microsecond, 90: 4080 * time.Microsecond, 99: 1200 * time.Millisecond}
	for p, d := range want {
		if got := r.Quantiles[p]; got < d-time.Microsecond || got > d+time.Microsecond {
			t.Errorf("p%v = %v, want %v", p, got, d)
		}
	}
	if r.Requests != 168141 || r.Elapsed != 20030*time.Millisecond || r.Non2xx != 5 || r.SocketErrors != 15 {
		t.Errorf("%+v", r)
	}
	for _, bad := range []string{
		strings.Replace(out, "168141 requests in 20.03s", "requests", 1),
		strings.Replace(out, "  Latency Distribution\n", "", 1),
		strings.Replace(out, "364.00us", "364.00xs", 1),
		strings.Replace(out, "timeout 12", "timeout x", 1),
	} {
		if _, err := ParseWrk(strings.NewReader(bad)); err == nil {
			t.Errorf("want an error for:\n%s", bad)
		}
	}
}

func TestWrkScriptStrings(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"a":1}`, `[[{"a":1}]]`},
		{`{"a":[[1,2]]}`, `[=[{"a":[[1,2]]}]=]`},
		{`x]]y`, `[=[x]]y]=]`},
		{`x]`, `[=[x]]=]`},
		{`]]]=]`, `[==[]]]=]]==]`},
		{"a\rb", ""},
		{"\nab", ""},
	} {
		if got := luaString(c.in); got != c.want {
			t.Errorf("luaString(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if _, err := WrkScript("/v1/check", [][]byte{[]byte("a\rb")}); err == nil {
		t.Error("a body Lua cannot hold: want an error")
	}
}
