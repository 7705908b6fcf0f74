package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/pgtest"
)

// benchReport is a report's JSON of the size a small check archives (~9 KB,
// mostly Chinese rule texts and the overlap geometry).
func benchReport(id string) json.RawMessage {
	var b strings.Builder
	b.WriteString(`{"report_id":"` + id + `","verdict":"needs_info","governing_rule":{"id":"two_high","verdict":"needs_info"},"intersections":[`)
	for i := range 6 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"layer":"l%d","zone_id":"Z%d","rules":[{"id":"two_high","text":"%s"}],"geometry":{"type":"Polygon","coordinates":[[[109.2798399,35.4490791],[109.2809426,35.4490791],[109.2809426,35.4499775],[109.2798399,35.4499775],[109.2798399,35.4490791]]]}}`,
			i, i, strings.Repeat("新建、改建、扩建高耗能、高排放项目须符合生态环境保护法律法规；", 12))
	}
	b.WriteString(`],"notes":["两高：是（按行业代码 C2511 推定）"]}`)
	return json.RawMessage(b.String())
}

// BenchmarkSave: archive inserts per second with 16 writers at once (as 16 HTTP
// clients of BenchmarkCheckLoopback's archive variant), each Save returning once
// its row is committed. The records bring their Facts, as the check handler's do.
// PostgreSQL runs when REDLINE_TEST_PG names a server.
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
		// SQLite's groups are bounded by the syncer's fsyncs, not the window.
		windows := []time.Duration{0}
		if backend == "postgres" {
			windows = append(windows, groupWindow)
		}
		for _, window := range windows {
			b.Run(fmt.Sprintf("%s/window=%v", backend, window), func(b *testing.B) {
				s := open[backend](b)
				defer s.Close()
				s.window = window
				var n atomic.Int64
				report := benchReport("r")
				facts := FactsOf(nil, report, nil)
				b.SetParallelism(8) // 8×GOMAXPROCS writers: 16 on 2 cores
				b.ReportAllocs()
				var ru0 syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						id := fmt.Sprintf("b%09d", n.Add(1))
						rec := record(id, `{"type":"Polygon","coordinates":[[[109.2798399,35.4490791],[109.2809426,35.4490791],[109.2809426,35.4499775],[109.2798399,35.4490791]]]}`, "needs_info", time.Now())
						rec.Report, rec.Facts = report, &facts
						if err := s.Save(b.Context(), rec); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
				b.ReportMetric(float64(s.rows.Load())/float64(max(1, s.commits.Load())), "rows/commit")
				var ru syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				cpu := ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
				b.ReportMetric(float64(cpu)/1e3/float64(b.N), "cpu-µs/insert")
			})
		}
	}
}
