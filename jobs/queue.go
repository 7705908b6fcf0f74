package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// queue is River's client, whatever its driver's transaction type.
type queue interface {
	start(ctx context.Context) error
	stop(ctx context.Context) error
	insert(ctx context.Context, id string) (int64, error)
}

// workArgs is River's job: run redline job JobID.
type workArgs struct {
	JobID string `json:"job_id"`
}

func (workArgs) Kind() string { return "redline_job" }

// cleanupArgs is River's periodic job: apply the retention.
type cleanupArgs struct{}

func (cleanupArgs) Kind() string { return "redline_jobs_cleanup" }

type jobWorker struct {
	river.WorkerDefaults[workArgs]
	m *Manager
}

// Timeout: none; a job of 10⁵ features runs as long as it takes, checkpointing.
func (w *jobWorker) Timeout(*river.Job[workArgs]) time.Duration { return -1 }

func (w *jobWorker) Work(ctx context.Context, job *river.Job[workArgs]) error {
	return w.m.work(ctx, job.Args.JobID)
}

type cleanupWorker struct {
	river.WorkerDefaults[cleanupArgs]
	m *Manager
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[cleanupArgs]) error {
	n, err := w.m.Cleanup(ctx)
	if n > 0 {
		w.m.log.Info("jobs past retention removed", "jobs", n)
	}
	return err
}

// cleanupEvery is how often the retention is applied.
const cleanupEvery = time.Hour

func newQueue(ctx context.Context, m *Manager) (queue, error) {
	if m.pg {
		return newRiverQueue(ctx, m, riverpgxv5.New(m.pool))
	}
	return newRiverQueue(ctx, m, quietSQLite{riversqlite.New(m.riverDB)})
}

// quietSQLite is River's SQLite driver without its listener. SQLite has no
// LISTEN/NOTIFY: the driver's listener polls a table of notifications every
// 50 ms on River's connection, whether or not anything is queued, and each
// poll begins a read transaction that resets that connection's page cache
// once the archive has written. An idle server spent ~3 % of a core on it
// (310 ms of CPU in 10 s, none with --db off), and a busy one the same beside
// its checks.
//
// Without a listener River runs as it does on a database that has none: a
// job inserted here wakes this process's producer at once (River triggers
// the fetch itself when the driver has no listener, which it does not when it
// has one), and jobs made ready otherwise (a retry come due, another process
// sharing the file) are found by the fetch poll, once a second (River's
// default; 200 ms on PostgreSQL, where LISTEN carries the rest). Leadership
// is re-elected on River's timer (5 s) instead of on a resignation's notice,
// which only a second process on the same file would see.
type quietSQLite struct {
	*riversqlite.Driver
}

func (quietSQLite) SupportsListener() bool     { return false }
func (quietSQLite) SupportsListenNotify() bool { return false }

type riverQueue[TTx any] struct {
	client *river.Client[TTx]
}

func newRiverQueue[TTx any](ctx context.Context, m *Manager, drv riverdriver.Driver[TTx]) (queue, error) {
	mig, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: m.log})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &jobWorker{m: m})
	river.AddWorker(workers, &cleanupWorker{m: m})
	poll := 200 * time.Millisecond
	if !m.pg {
		poll = time.Second // see quietSQLite
	}
	client, err := river.NewClient(drv, &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: m.cfg.Concurrent}},
		Workers:           workers,
		JobTimeout:        -1,
		FetchPollInterval: poll,
		FetchCooldown:     50 * time.Millisecond,
		Logger:            m.log,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cleanupEvery),
			func() (river.JobArgs, *river.InsertOpts) { return cleanupArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})},
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &riverQueue[TTx]{client: client}, nil
}

func (q *riverQueue[TTx]) start(ctx context.Context) error { return q.client.Start(ctx) }

func (q *riverQueue[TTx]) stop(ctx context.Context) error { return q.client.StopAndCancel(ctx) }

func (q *riverQueue[TTx]) insert(ctx context.Context, id string) (int64, error) {
	res, err := q.client.Insert(ctx, workArgs{JobID: id}, &river.InsertOpts{MaxAttempts: 10})
	if err != nil {
		return 0, err
	}
	return res.Job.ID, nil
}
