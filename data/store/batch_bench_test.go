package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// BenchmarkInsertBatch: the inserter's CPU and WAL pages a row against the
// rows a transaction takes (16,384 rows timed, checkpoints as the inserter's),
// in an archive that already holds REDLINE_BENCH_ROWS rows (default 200,000)
// of BenchmarkSave's kind (footprints across Shaanxi). An index whose keys are
// random among a commit's rows has a commit's rows share its leaves only when
// they are many against its leaves, so less the larger the archive (see
// sqliteClusteredIndexes).
func BenchmarkInsertBatch(b *testing.B) {
	prefill := 200_000
	if v, err := strconv.Atoi(os.Getenv("REDLINE_BENCH_ROWS")); err == nil {
		prefill = v
	}
	dir := b.TempDir()
	template := filepath.Join(dir, "template.db")
	rng := rand.New(rand.NewPCG(1, 7))
	report := benchReport("r")
	facts := FactsOf(nil, report, nil)
	mk := func(s *Store, n int) []*pendingRow {
		rows := make([]*pendingRow, n)
		for i := range rows {
			rec := benchRecord(rng, report, facts)
			rows[i] = &pendingRow{id: rec.ID, args: s.rowArgs(rec)}
		}
		return rows
	}
	s, err := Open(b.Context(), template)
	if err != nil {
		b.Fatal(err)
	}
	for done := 0; done < prefill; done += 1024 {
		if err := s.insertLogged(mk(s, min(1024, prefill-done))); err != nil {
			b.Fatal(err)
		}
		s.checkpoint()
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	const timed = 16384
	for _, batch := range []int{64, 256, 1024, 4096} {
		b.Run(fmt.Sprintf("rows=%d/batch=%d", prefill, batch), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "a.db")
				if data, err := os.ReadFile(template); err != nil || os.WriteFile(path, data, 0o600) != nil {
					b.Fatal("copy the archive", err)
				}
				s, err := Open(b.Context(), path)
				if err != nil {
					b.Fatal(err)
				}
				rows := mk(s, timed)
				st0 := s.Stats()
				var ru0, ru syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
				b.StartTimer()
				for i := 0; i < timed; i += batch {
					if err := s.insertLogged(rows[i:min(i+batch, timed)]); err != nil {
						b.Fatal(err)
					}
					s.checkpoint()
				}
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				b.StopTimer()
				var busy, frames, done int64
				if err := s.conn.QueryRowContext(b.Context(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil {
					b.Fatal(err)
				}
				st := s.Stats()
				cpu := ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()
				b.ReportMetric(float64(cpu)/1e3/timed, "cpu-µs/row")
				b.ReportMetric(float64(st.Frames-st0.Frames+frames)/timed, "pages/row")
				s.Close()
				b.StartTimer()
			}
		})
	}
}
