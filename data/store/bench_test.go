package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/internal/pgtest"
	"github.com/redline-gis/redline/internal/reportid"
)

// benchReport is a report's JSON of the size a small check archives (~4 KB,
// mostly Chinese rule texts and the overlap geometries: the reports of
// BenchmarkCheckLoopback average 4.1 KB).
func benchReport(id string) json.RawMessage {
	var b strings.Builder
	b.WriteString(`{"report_id":"` + id + `","verdict":"needs_info","governing_rule":{"id":"two_high","verdict":"needs_info"},"intersections":[`)
	for i := range 3 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"layer":"l%d","zone_id":"Z%d","rules":[{"id":"two_high","text":"%s"}],"geometry":{"type":"Polygon","coordinates":[[[109.2798399,35.4490791],[109.2809426,35.4490791],[109.2809426,35.4499775],[109.2798399,35.4499775],[109.2798399,35.4490791]]]}}`,
			i, i, strings.Repeat("新建、改建、扩建高耗能、高排放项目须符合生态环境保护法律法规；", 3))
	}
	b.WriteString(`],"notes":["两高：是（按行业代码 C2511 推定）"]}`)
	return json.RawMessage(b.String())
}

// BenchmarkSave: archive inserts per second with 16 and 64 writers at once (as
// the HTTP clients of BenchmarkCheckLoopback's archive variant), each Save
// returning once its row is committed. The rows are like a check's: time-first ids,
// distinct inputs (so random input hashes) and footprints across Shaanxi, and
// they bring their Facts, as the check handler's do. PostgreSQL runs when
// REDLINE_TEST_PG names a server.
func BenchmarkSave(b *testing.B) {
	open := map[string]func(b *testing.B) *Store{
		"sqlite": func(b *testing.B) *Store {
			s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"postgres": func(b *testing.B) *Store {
			s, err := Open(b.Context(), pgtest.Schema(b, "redline_bench"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		// Without the window, and with it (SQLite's opens only while the
		// process keeps its processors busy: see cpuLoad).
		windows := []time.Duration{0, groupWindow}
		if backend == "sqlite" {
			windows[1] = sqliteWindow
		}
		for _, window := range windows {
			for _, clients := range []int{16, 64} {
				b.Run(fmt.Sprintf("%s/window=%v/clients=%d", backend, window, clients), func(b *testing.B) {
					s := open[backend](b)
					defer s.Close()
					s.window = window
					benchSave(b, s, clients)
				})
			}
		}
	}
}

func benchSave(b *testing.B, s *Store, clients int) {
	var n atomic.Int64
	report := benchReport("r")
	facts := FactsOf(nil, report, nil)
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	st0 := s.Stats()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(uint64(n.Add(1)), 7))
		for pb.Next() {
			if err := s.Save(b.Context(), benchRecord(rng, report, facts)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	st := s.Stats()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	b.ReportMetric(float64(st.Rows-st0.Rows)/float64(max(1, st.Commits-st0.Commits)), "rows/commit")
	if s.dialect == sqlite {
		// PostgreSQL syncs on the server: only SQLite's are counted.
		b.ReportMetric(float64(st.Fsyncs-st0.Fsyncs)/b.Elapsed().Seconds(), "fsyncs/s")
		b.ReportMetric(float64(st.Frames-st0.Frames)/float64(max(1, st.Rows-st0.Rows)), "pages/row")
	}
	if st.Logged {
		// The rows one fsync of the redo log acknowledged.
		b.ReportMetric(float64(st.LogRows-st0.LogRows)/float64(max(1, st.Fsyncs-st0.Fsyncs)), "rows/fsync")
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
	b.ReportMetric(float64(cpu)/1e3/float64(b.N), "cpu-µs/insert")
}

// benchRecord is a check's record as the benchmarks save it: a new time-first
// id, a distinct input (so a random input hash), a footprint somewhere across
// Shaanxi, the report and its facts.
func benchRecord(rng *rand.Rand, report json.RawMessage, facts Facts) *Record {
	x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
	in := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}`, x, y, x+0.001, y, x+0.001, y+0.001, x, y)
	rec := record(reportid.New(), in, "needs_info", time.Now())
	rec.Report = report
	facts.Bound = &orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + 0.001, y + 0.001}}
	rec.Facts = &facts
	return rec
}

// BenchmarkReserve: the CPU of a logged save's id check, with the lookup in
// SQLite (an id below the greatest archived one when the store opened), in
// memory (below the greatest id, among the rows the store put in SQLite
// since), and with neither (a new time-first id), in an archive of 10,000
// rows and 10,000 more.
func BenchmarkReserve(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.db")
	report := benchReport("r")
	fill := func(s *Store, ids []string) {
		var wg sync.WaitGroup
		for c := range 16 {
			wg.Go(func() {
				for i := c; i < len(ids); i += 16 {
					ids[i] = reportid.New()
					rec := record(ids[i], ids[i], "needs_info", time.Now())
					rec.Report = report
					if err := s.Save(b.Context(), rec); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if _, err := s.Count(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	s, err := Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	old := make([]string, 10000)
	fill(s, old)
	s.Close()
	if s, err = Open(b.Context(), path); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ids := make([]string, 10000)
	fill(s, ids)
	for _, tc := range []struct {
		name string
		id   func(i int) string
	}{
		{"lookup", func(i int) string { return old[i%len(old)][:23] + "g" }}, // below the floor, not archived
		{"recent", func(i int) string { return ids[i%len(ids)][:23] + "g" }}, // above the floor, not archived
		{"skip", func(int) string { return reportid.New() }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				row := &pendingRow{id: tc.id(i)}
				if err := s.reserve(b.Context(), row); err != nil {
					b.Fatal(err)
				}
				s.unreserve(row)
				i++
			}
		})
	}
}
