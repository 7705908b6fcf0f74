package jobs

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/internal/ledgertest"
	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/internal/pgtest"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/zones"
)

var demoChecker *zones.Checker

func checker(t testing.TB) *zones.Checker {
	t.Helper()
	if demoChecker == nil {
		ds, err := data.LoadDemo()
		if err != nil {
			t.Fatal(err)
		}
		if demoChecker, err = zones.NewChecker(ds); err != nil {
			t.Fatal(err)
		}
	}
	return demoChecker
}

// databases are the DSNs a test runs on: SQLite in a temp dir, and PostgreSQL
// (a fresh schema of REDLINE_TEST_PG) when set; without it, a skip, or a failure under CI.
func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "redline.db") },
		"postgres": func(t *testing.T) string { return pgtest.Schema(t, "redline_jobs_test") },
	}
}

func open(t *testing.T, dsn string, chunk int) *Manager {
	t.Helper()
	c := checker(t)
	m, err := Open(t.Context(), Config{DSN: dsn, Checker: func() (Engine, error) { return c, nil }, Chunk: chunk})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return m
}

// watch polls job id until it is final or until stop says so, failing if its
// state or its count ever goes backwards.
func watch(t *testing.T, m *Manager, id string, stop func(j *Job) bool) *Job {
	t.Helper()
	rank := map[string]int{StateQueued: 0, StateRunning: 1, StateDone: 2, StateFailed: 2, StateCanceled: 2}
	var last *Job
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		j, err := m.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if last != nil && (rank[j.State] < rank[last.State] || j.Done < last.Done || (Terminal(last.State) && j.State != last.State)) {
			t.Fatalf("job went backwards: %s %d/%d after %s %d/%d", j.State, j.Done, j.Total, last.State, last.Done, last.Total)
		}
		last = j
		if Terminal(j.State) || (stop != nil && stop(j)) {
			return j
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s not done in time: %+v", id, last)
	return nil
}

func TestJobLedgerAndResume(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			dsn := dsn(t)
			const n = 3000
			m := open(t, dsn, 250)
			j, err := m.Submit(t.Context(), Spec{Kind: KindLocate}, patchgen.Squares(n), "patches.ndjson", "")
			if err != nil {
				t.Fatal(err)
			}
			if j.Total != n || !slices.Equal(j.Spec.Attributes, []string{"图斑编号", "变化类型", "HYDM"}) {
				t.Fatalf("submitted %+v", j)
			}
			// Stop the manager in the middle, as a shutdown would, then start another.
			watch(t, m, j.ID, func(j *Job) bool { return j.Done >= 500 })
			if err := m.Stop(t.Context()); err != nil {
				t.Fatal(err)
			}
			m = open(t, dsn, 250)
			defer m.Stop(t.Context())
			j = watch(t, m, j.ID, nil)
			if j.State != StateDone || j.Done != n {
				t.Fatalf("after restart: %+v", j)
			}
			rows, distinct, err := m.Count(t.Context(), j.ID)
			if err != nil || rows != n || distinct != n {
				t.Fatalf("%d results, %d distinct indexes (%v); want %d each", rows, distinct, err, n)
			}
			var x, c bytes.Buffer
			if err := m.WriteResult(t.Context(), j, "xlsx", &x, nil); err != nil {
				t.Fatal(err)
			}
			if err := m.WriteResult(t.Context(), j, "csv", &c, nil); err != nil {
				t.Fatal(err)
			}
			records := ledgertest.CSV(t, c.Bytes())
			ledgertest.SameRows(t, x.Bytes(), records)
			if len(records) < n+1 {
				t.Fatalf("CSV %d rows, want at least %d", len(records), n+1)
			}
			inZone := 0
			for _, r := range records[1:] {
				if r[5] != "" {
					inZone++
				}
			}
			if inZone == 0 {
				t.Error("no patch lies in a zone: the squares miss the demo province")
			}
		})
	}
}

func TestJobCancel(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			m := open(t, dsn(t), 100)
			defer m.Stop(t.Context())
			j, err := m.Submit(t.Context(), Spec{Kind: KindLocate}, patchgen.Squares(30000), "patches.ndjson", "")
			if err != nil {
				t.Fatal(err)
			}
			watch(t, m, j.ID, func(j *Job) bool { return j.Done > 0 })
			if j, err = m.Cancel(t.Context(), j.ID); err != nil || j.State != StateCanceled {
				t.Fatalf("cancel: %+v, %v", j, err)
			}
			time.Sleep(500 * time.Millisecond)
			later, err := m.Get(t.Context(), j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if later.State != StateCanceled || later.Done != j.Done || later.Done >= later.Total {
				t.Fatalf("after cancel: %s %d/%d, at cancel %d", later.State, later.Done, later.Total, j.Done)
			}
			rows, _, _ := m.Count(t.Context(), j.ID)
			if rows != later.Done {
				t.Errorf("%d results for %d done", rows, later.Done)
			}
		})
	}
}

func TestPlanCheck(t *testing.T) {
	m := open(t, filepath.Join(t.TempDir(), "redline.db"), 100)
	defer m.Stop(t.Context())
	spec := Spec{Kind: KindCheck, Facts: map[string]string{"industry": "HYDM"}, Project: []byte(`{"type":"industrial","discharges_pollutants":true,"has_outfall":false}`)}
	j, err := m.Submit(t.Context(), spec, patchgen.Squares(300), "plan.ndjson", "")
	if err != nil {
		t.Fatal(err)
	}
	j = watch(t, m, j.ID, nil)
	if j.State != StateDone {
		t.Fatalf("%+v", j)
	}
	verdicts := map[string]int{}
	err = m.Patches(t.Context(), j.ID, func(p *ledger.Patch) error {
		if p.Verdict == "" && p.Error == "" {
			t.Errorf("parcel %d has no verdict", p.Index)
		}
		if p.Verdict != "admissible" && p.Verdict != "" && p.Rule == "" {
			t.Errorf("parcel %d: %s without a governing rule", p.Index, p.Verdict)
		}
		verdicts[p.Verdict]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(verdicts) < 2 {
		t.Errorf("verdicts %v: the plan should cross zones of different verdicts", verdicts)
	}
	if _, err := (&Spec{Kind: KindCheck, Facts: map[string]string{"high_energy": "X"}}).project([]byte(`{"X":"也许"}`)); err == nil {
		t.Error("a yes/no fact of 也许 was taken")
	}
	p, err := (&Spec{Kind: KindCheck, Facts: map[string]string{"high_energy": "X", "industry": "Y"}}).project([]byte(`{"X":"是","Y":"2511"}`))
	if err != nil || p.HighEnergy == nil || !*p.HighEnergy || p.Industry != "C2511" {
		t.Errorf("facts from properties: %+v, %v", p, err)
	}
}

func TestRetention(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "redline.db")
	m := open(t, dsn, 100)
	done, err := m.Submit(t.Context(), Spec{Kind: KindLocate}, patchgen.Squares(10), "a.ndjson", "")
	if err != nil {
		t.Fatal(err)
	}
	watch(t, m, done.ID, nil)
	if err := m.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Another manager on the same database with a short retention, not started:
	// its River periodic job would call the same Cleanup.
	c := checker(t)
	m, err = Open(t.Context(), Config{DSN: dsn, Retention: time.Millisecond, Checker: func() (Engine, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop(t.Context())
	time.Sleep(10 * time.Millisecond)
	n, err := m.Cleanup(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("Cleanup removed %d jobs (%v), want the finished one", n, err)
	}
	if _, err := m.Get(t.Context(), done.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a job past retention: %v", err)
	}
	if rows, _, err := m.Count(t.Context(), done.ID); err != nil || rows != 0 {
		t.Errorf("%d results left (%v)", rows, err)
	}
}

// TestLeaseTakeover: a job left running by a worker that went quiet — its lease
// ran out — is taken over by another manager and finished from its
// checkpoint with one result per feature; the quiet worker's late commit is
// refused (it no longer holds the job), so nothing is written twice.
func TestLeaseTakeover(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			dsn := dsn(t)
			const n = 2000
			c := checker(t)
			// A manager that records and queues the job but whose River never runs it.
			a, err := Open(t.Context(), Config{DSN: dsn, Checker: func() (Engine, error) { return c, nil }, Chunk: 100, Lease: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Stop(t.Context())
			j, err := a.Submit(t.Context(), Spec{Kind: KindLocate}, patchgen.Squares(n), "patches.ndjson", "")
			if err != nil {
				t.Fatal(err)
			}
			// Play the quiet worker: it took the job, committed 300 features, then
			// stopped renewing its lease.
			const quiet = int64(4242)
			if _, err := a.db.ExecContext(t.Context(), a.q(`UPDATE redline_jobs SET state = 'running', runner = ?, worker = 'quiet',
				lease_until_us = `+a.now()+` + ? WHERE id = ?`), quiet, time.Second.Microseconds(), j.ID); err != nil {
				t.Fatal(err)
			}
			var done int64
			ps := make([]*ledger.Patch, 0, 300)
			for i := range 300 {
				ps = append(ps, &ledger.Patch{Index: i})
			}
			if err := a.commit(t.Context(), j.ID, quiet, &done, ps); err != nil || done != 300 {
				t.Fatalf("the quiet worker's first chunk: %v, done %d", err, done)
			}
			// A sweep while the lease holds takes nothing.
			if err := a.Sweep(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got, _ := a.Get(t.Context(), j.ID); got.Worker != "quiet" || got.Done != 300 {
				t.Fatalf("swept before the lease ran out: %+v", got)
			}
			// Another replica, with the same lease, once the quiet one's has run out.
			time.Sleep(1100 * time.Millisecond)
			b, err := Open(t.Context(), Config{DSN: dsn, Checker: func() (Engine, error) { return c, nil }, Chunk: 100, Lease: time.Second, Name: "b"})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			defer b.Stop(t.Context())
			got := watch(t, b, j.ID, nil)
			if got.State != StateDone || got.Done != n || got.Worker != "b" {
				t.Fatalf("after the takeover: %+v", got)
			}
			rows, distinct, err := b.Count(t.Context(), j.ID)
			if err != nil || rows != n || distinct != n {
				t.Fatalf("%d results, %d distinct indexes (%v); want %d each", rows, distinct, err, n)
			}
			// The quiet worker wakes up and commits its next chunk: refused.
			late := []*ledger.Patch{{Index: 300}}
			if err := a.commit(t.Context(), j.ID, quiet, &done, late); !errors.Is(err, errStopped) {
				t.Errorf("a late commit of the worker that lost its lease: %v, want errStopped", err)
			}
			if rows, _, _ := b.Count(t.Context(), j.ID); rows != n {
				t.Errorf("%d results after the late commit, want %d", rows, n)
			}
		})
	}
}
