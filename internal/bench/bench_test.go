package bench

import (
	"errors"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/proccpu"
)

func TestRunsMedian(t *testing.T) {
	for _, tc := range []struct {
		runs Runs
		want time.Duration
	}{
		{nil, 0},
		{Runs{3}, 3},
		{Runs{5, 1, 3}, 3},
		{Runs{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
		{Runs{10, 10, 1, 10}, 10},
	} {
		if got := tc.runs.Median(); got != tc.want {
			t.Errorf("median of %v = %v, want %v", tc.runs, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	rec := func(i int, hits ...Hit) Record { return Record{Index: i, Hits: hits} }
	for _, tc := range []struct {
		name         string
		ours, theirs []Record
		points       bool
		differ       int
	}{
		{"same areas", []Record{rec(0, Hit{"a", "1", 1e6, 0})}, []Record{rec(0, Hit{"a", "1", 1e6 + 50, 0})}, false, 0},
		{"area beyond 1e-4", []Record{rec(0, Hit{"a", "1", 1e6, 0})}, []Record{rec(0, Hit{"a", "1", 1e6 + 500, 0})}, false, 1},
		{"a touch PostGIS lists", []Record{rec(0)}, []Record{rec(0, Hit{"a", "1", 0, 0})}, false, 0},
		{"a sliver within 1 m²", []Record{rec(0)}, []Record{rec(0, Hit{"a", "1", 0.4, 0})}, false, 0},
		{"a zone we miss", []Record{rec(0)}, []Record{rec(0, Hit{"a", "1", 20, 0})}, false, 1},
		{"pieces summed", []Record{rec(0, Hit{"a", "1", 30, 0})}, []Record{rec(0, Hit{"a", "1", 10, 0}, Hit{"a", "1", 20, 0})}, false, 0},
		{"lengths", []Record{rec(0, Hit{"r", "1", 0, 100})}, []Record{rec(0, Hit{"r", "1", 0, 100.5})}, false, 1},
		{"points the same", []Record{rec(0, Hit{"a", "1", 0, 0}), rec(1)}, []Record{rec(0, Hit{"a", "1", 0, 0}), rec(1)}, true, 0},
		{"a point in another zone", []Record{rec(0, Hit{"a", "1", 0, 0})}, []Record{rec(0, Hit{"a", "2", 0, 0})}, true, 2},
		{"the same zone at another feature", []Record{rec(0, Hit{"a", "1", 5, 0}), rec(1)}, []Record{rec(0), rec(1, Hit{"a", "1", 5, 0})}, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Compare(tc.ours, tc.theirs, tc.points)
			if a.Count != tc.differ || a.OK() != (tc.differ == 0) {
				t.Errorf("%d differ (%s), want %d", a.Count, a.Detail(), tc.differ)
			}
		})
	}
}

func TestRecords(t *testing.T) {
	good := `{"index":0,"id":0,"hits":[{"layer":"a","zone_id":"1","zone_class":"x","overlap_area_m2":2.5,"overlap_length_m":0}]}
{"index":1,"id":1,"hits":[]}
`
	recs, err := Records([]byte(good), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0].Hits) != 1 || recs[0].Hits[0].AreaM2 != 2.5 || recs[0].Hits[0].ZoneID != "1" {
		t.Errorf("records %+v", recs)
	}
	for name, tc := range map[string]struct {
		text string
		n    int
		want string
	}{
		"short":        {good, 3, "answered 2 features of 3"},
		"out of order": {`{"index":1,"hits":[]}` + "\n", 1, "line 1 is feature 1"},
		"error record": {`{"index":0,"error":{"code":"invalid_geometry","message":"bad"}}` + "\n", 1, "invalid_geometry: bad"},
		"not JSON":     {"{\n", 1, "line 1"},
	} {
		if _, err := Records([]byte(tc.text), tc.n); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

func TestSquare(t *testing.T) {
	for _, y := range []float64{33, 35.5, 38} {
		sq := Square(108, y, 100)
		if a := geo.Area(sq); math.Abs(a-1e4) > 2 {
			t.Errorf("square at %v°N: %.1f m², want 0.01 km²", y, a)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 164456: "164,456", 5262592: "5,262,592", -1234: "-1,234"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTable(t *testing.T) {
	tb := &Table{Head: []string{"", "1×"}}
	tb.Add("ready", Dur(1500*time.Millisecond))
	tb.Add("query", Dur(12*time.Second))
	want := "|  | 1× |\n| --- | --- |\n| ready | 1.50 s |\n| query | 12.00 s |\n"
	if got := tb.String(); got != want {
		t.Errorf("table\n%s\nwant\n%s", got, want)
	}
}

// BenchmarkServeLocate times the jobs of `make bench-postgis` against a
// separate `redline serve` of ../shared/data, one request an op, as that
// target's client does: REDLINE_BIN names the binary, so that two builds can be
// compared run by run with benchstat (build each with `go build -o`, then
// alternate `REDLINE_BIN=… go test ./internal/bench -run '^$' -bench ServeLocate`).
func BenchmarkServeLocate(b *testing.B) {
	bin := os.Getenv("REDLINE_BIN")
	if bin == "" {
		b.Skip("REDLINE_BIN is not set: no redline binary to serve")
	}
	const shared = "../../../shared/data"
	if _, err := os.Stat(shared); err != nil {
		b.Skipf("SKIPPED: %s is absent: %v", shared, err)
	}
	jobs, err := Jobs(shared, 100_000)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := Start(b.Context(), bin, ServerOpts{}, shared, b.TempDir(), 5*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	client := &http.Client{}
	for _, j := range jobs {
		b.Run(j.Name, func(b *testing.B) {
			var total time.Duration
			// The server's CPU and the client's (this process: it is on the
			// same cores), which a shared machine's clock does not show.
			cpu0, err := srv.CPU()
			if err != nil {
				b.Fatal(err)
			}
			client0 := proccpu.Now()
			for b.Loop() {
				d, _, err := Locate(client, srv.URL, j.Body)
				if err != nil {
					b.Fatal(err)
				}
				total += d
			}
			cpu1, err := srv.CPU()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "request-ns/op")
			b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "server-cpu-ns/op")
			b.ReportMetric(float64((proccpu.Now()-client0).Nanoseconds())/float64(b.N), "client-cpu-ns/op")
		})
	}
}

// TestScaleTable: a column for each dataset and a ratio to the 1× after each
// other one, the job times' ratios of their medians, and answers that differ
// from the 1× run's named.
func TestScaleTable(t *testing.T) {
	ms := time.Millisecond
	run := func(label string, verts int, job Runs, ans string) *DatasetRun {
		return &DatasetRun{Label: label, Zones: verts / 10, Vertices: verts, Cold: time.Duration(verts) * ms / 1000,
			Warm: 100 * ms, RSSReady: int64(verts) * 80, Jobs: []Runs{job}, answers: [][]byte{[]byte(ans)}, WarmSame: true}
	}
	runs := []*DatasetRun{
		run("1×", 1000, Runs{10 * ms, 12 * ms, 11 * ms}, "a"),
		run("32×", 32000, Runs{12 * ms, 13 * ms, 14 * ms}, "a"),
		run("32× interleaved", 32000, Runs{22 * ms, 22 * ms, 22 * ms}, "b"),
	}
	tb := ScaleTable(runs, []Job{{Name: "footprints"}})
	if want := []string{"", "1×", "32×", "32× / 1×", "32× interleaved", "32× interleaved / 1×"}; !slices.Equal(tb.Head, want) {
		t.Fatalf("head %q, want %q", tb.Head, want)
	}
	rows := map[string][]string{}
	for _, r := range tb.Rows {
		if len(r) != len(tb.Head) {
			t.Fatalf("row %q: %d cells for %d columns", r, len(r), len(tb.Head))
		}
		rows[r[0]] = r
	}
	if r := rows["zones / vertices (`/v1/layers`)"]; r[3] != "32.00" || r[5] != "32.00" {
		t.Errorf("vertices row %q", r)
	}
	if r := rows["footprints, median (range)"]; r[3] != "1.18" || r[5] != "2.00" {
		t.Errorf("job row %q: want ratios 13/11 and 22/11", r)
	}
	if r := rows["RSS after ready, cold start"]; r[3] != "" || !strings.Contains(r[2], "80 B/vertex") {
		t.Errorf("RSS row %q", r)
	}
	if r := rows["answers identical to the 1× run / second start same as first"]; r[2] != "yes / yes" || !strings.HasPrefix(r[4], "**no**: footprints") {
		t.Errorf("answers row %q", r)
	}
	for name := range rows {
		if strings.Contains(name, "checks (16 clients)") {
			t.Errorf("a soak row without a soak: %q", name)
		}
	}
	// A soak on the 32×: its row, in bytes a vertex, "—" for the others.
	runs[1].Soak = &SoakRun{Checks: 1_000_000, Jobs: 75, Start: 32000 * 90, Max: 32000 * 95, End: 32000 * 93}
	tb = ScaleTable(runs, []Job{{Name: "footprints"}})
	found := false
	for _, r := range tb.Rows {
		if strings.Contains(r[0], "1,000,000 checks (16 clients) with the jobs beside them (75 runs)") {
			found = true
			if r[1] != "—" || r[2] != "90 / 95 / 93" || r[4] != "—" {
				t.Errorf("soak row %q", r)
			}
		}
	}
	if !found {
		t.Errorf("no soak row in %q", tb.Rows)
	}
}

// TestServerOpts: the operator's flags come after the bench's (the last of a
// flag given twice wins), its environment over the bench's, and the table's
// heading says both; without any, the command is the bench's own.
func TestServerOpts(t *testing.T) {
	opts := ServerOpts{Args: []string{"--max-checks", "64"}, Env: []string{"GOGC=200"}}
	args := serveArgs(8080, "/d", "/tmp", []string{"--db", "off"}, opts)
	want := []string{"serve", "--addr", "127.0.0.1:8080", "--db", "/tmp/bench-8080.db", "--log-level", "warn",
		"--data", "/d", "--db", "off", "--max-checks", "64"}
	if !slices.Equal(args, want) {
		t.Errorf("args %q, want %q", args, want)
	}
	env := opts.environ()
	if len(env) != len(os.Environ())+1 || env[len(env)-1] != "GOGC=200" {
		t.Errorf("environment ends %q, %d entries for the bench's %d", env[len(env)-1], len(env), len(os.Environ()))
	}
	if h := opts.String(); !strings.Contains(h, "`--max-checks 64`") || !strings.Contains(h, "`GOGC=200`") {
		t.Errorf("heading %q", h)
	}
	var none ServerOpts
	if none.environ() != nil || none.String() != "" {
		t.Error("no options: want the bench's own environment and nothing in the heading")
	}
	if got := serveArgs(1, "", "/t", nil, none); slices.Contains(got, "--data") {
		t.Errorf("no dataset: %q", got)
	}
}

// TestInTurn: each of k servers is timed once a round, rounds times, and
// between two of its timings waits for the same number of the others' (k−1),
// never none; an error stops the timings.
func TestInTurn(t *testing.T) {
	for k := 1; k <= 4; k++ {
		var seq []int
		if err := inTurn(3*k, k, func(s int) error { seq = append(seq, s); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seq) != 3*k*k {
			t.Fatalf("k=%d: %d timings, want %d", k, len(seq), 3*k*k)
		}
		for r := 0; r < len(seq); r += k {
			seen := map[int]bool{}
			for _, s := range seq[r : r+k] {
				if s < 0 || s >= k || seen[s] {
					t.Fatalf("k=%d round %d: %v is not each server once", k, r/k, seq[r:r+k])
				}
				seen[s] = true
			}
		}
		last := map[int]int{}
		for i, s := range seq {
			if j, ok := last[s]; ok && i-j != k {
				t.Fatalf("k=%d: server %d timed at %d and %d of %v: %d of the others' between, want %d", k, s, j, i, seq, i-j-1, k-1)
			}
			last[s] = i
		}
	}
	n := 0
	stop := errors.New("stop")
	if err := inTurn(5, 3, func(int) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("after an error: %v, %d timings", err, n)
	}
}
