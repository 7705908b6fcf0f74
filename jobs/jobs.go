// Package jobs runs long batches — inspection ledgers (kind locate) and plan
// checks (kind check) — as durable jobs on River (github.com/riverqueue/river),
// in the report archive's database: SQLite (modernc.org/sqlite, River's
// riversqlite driver) or PostgreSQL (pgx, riverpgxv5). A job's record, its
// uploaded input and its results live in tables of this package beside River's.
//
// A job works its features in checkpointed chunks: each chunk's results and the
// checkpoint (the count done) are committed in one transaction, guarded by the
// count the worker started from, so a process killed at any point resumes at the
// next chunk and no feature is recorded twice or lost (the results' key is job id
// + feature index). A job's state only moves forward: queued → running → done,
// failed or canceled.
//
// Replicas sharing one PostgreSQL database share the jobs: any of them reports
// any job, and the one running a job holds a lease on it (lease_until_us, in the
// database's clock), renewed while it works. A job whose lease ran out — its
// replica was killed, or lost the database — is handed to River again by the
// next sweep of any replica, and resumes at its checkpoint there. River's own
// rescue of stuck jobs cannot tell a dead worker from a long job (it has no
// heartbeat), so the lease, not River, decides.
package jobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/zones"
)

// States of a job.
const (
	StateQueued   = "queued"
	StateRunning  = "running"
	StateDone     = "done"
	StateFailed   = "failed"
	StateCanceled = "canceled"
)

// ErrNotFound is returned for an unknown job id.
var ErrNotFound = errors.New("jobs: job not found")

// Config sets up a Manager.
type Config struct {
	// DSN is the archive's database: a postgres:// URL or a SQLite file path.
	DSN string
	// Checker returns the checker in service (the dataset may be reloaded).
	Checker func() (Engine, error)
	// Retention is how long a finished job, its input and results are kept.
	Retention time.Duration
	// Chunk is the features per checkpoint (default 1000); Workers the features
	// worked at once (default GOMAXPROCS); Concurrent the jobs run at once (default 1).
	Chunk, Workers, Concurrent int
	// Lease is how long a job stays with the replica running it without a sign
	// of life (DefaultLease); the replica renews it every Lease/4. A killed
	// replica's job resumes elsewhere within Lease + Lease/3 (the sweep).
	Lease time.Duration
	// Name names this replica in the jobs it runs (Job.Worker): host:port.
	Name string
	// Logger for job failures; nil for none.
	Logger *slog.Logger
}

// DefaultLease is Config.Lease when the operator does not say.
const DefaultLease = 15 * time.Second

// DefaultRetention is how long jobs are kept when the operator does not say.
const DefaultRetention = 30 * 24 * time.Hour

// Manager submits, runs, reports on and cancels jobs.
type Manager struct {
	cfg     Config
	db      *sql.DB
	pg      bool
	pool    *pgxpool.Pool // PostgreSQL
	riverDB *sql.DB       // SQLite: River's own single connection
	queue   queue
	log     *slog.Logger
	started bool
	// sweep stops the lease sweeper; swept is closed when it has stopped.
	sweep chan struct{}
	swept chan struct{}
}

// Job is what GET /v1/jobs/{id} says of a job.
type Job struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	State      string         `json:"state"`
	Done       int            `json:"done"`
	Total      int            `json:"total"`
	ErrorCount int            `json:"error_count"`
	Errors     []FeatureError `json:"errors"`
	Message    string         `json:"message,omitempty"`
	InputName  string         `json:"input_name,omitempty"`
	// Worker names the replica that runs (or last ran) the job.
	Worker     string           `json:"worker,omitempty"`
	Dataset    zones.DatasetRef `json:"dataset"`
	CreatedAt  time.Time        `json:"created_at"`
	StartedAt  *time.Time       `json:"started_at,omitempty"`
	FinishedAt *time.Time       `json:"finished_at,omitempty"`
	// ElapsedS is the time from start to finish (or now); Rate features per second.
	ElapsedS float64 `json:"elapsed_s"`
	Rate     float64 `json:"features_per_s"`
	Spec     Spec    `json:"-"`
}

// FeatureError is a feature that could not be located or checked.
type FeatureError struct {
	Index   int    `json:"index"`
	Message string `json:"message"`
}

// Terminal reports whether a state is final.
func Terminal(state string) bool {
	return state == StateDone || state == StateFailed || state == StateCanceled
}

// Open connects to the database, brings River's schema and the jobs tables up to
// date, and prepares River's client (Start runs it).
func Open(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.Chunk <= 0 {
		cfg.Chunk = 1000
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Concurrent <= 0 {
		cfg.Concurrent = 1
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	m := &Manager{cfg: cfg, log: cfg.Logger}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if strings.HasPrefix(cfg.DSN, "postgres://") || strings.HasPrefix(cfg.DSN, "postgresql://") {
		m.pg = true
		if m.pool, err = pgxpool.New(ctx, cfg.DSN); err != nil {
			return nil, fmt.Errorf("jobs: connect to PostgreSQL: %w", err)
		}
		m.db = stdlib.OpenDBFromPool(m.pool)
	} else {
		// _txlock=immediate: every transaction takes the write lock at BEGIN, so
		// River's, the archive's and ours queue on busy_timeout instead of failing.
		dsn := "file:" + cfg.DSN + "?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
		if m.db, err = sql.Open("sqlite", dsn); err != nil {
			return nil, fmt.Errorf("jobs: open %s: %w", cfg.DSN, err)
		}
		m.db.SetMaxOpenConns(4)
		if m.riverDB, err = sql.Open("sqlite", dsn); err != nil {
			m.db.Close()
			return nil, fmt.Errorf("jobs: open %s: %w", cfg.DSN, err)
		}
		// River's SQLite driver wants one connection: SQLite has one writer.
		m.riverDB.SetMaxOpenConns(1)
	}
	if err := m.migrate(ctx); err != nil {
		m.close()
		return nil, fmt.Errorf("jobs: migrate %s: %w", where(cfg.DSN), err)
	}
	if m.queue, err = newQueue(ctx, m); err != nil {
		m.close()
		return nil, fmt.Errorf("jobs: %s: %w", where(cfg.DSN), err)
	}
	return m, nil
}

func where(dsn string) string {
	if i := strings.Index(dsn, "@"); i >= 0 {
		if j := strings.Index(dsn, "://"); j >= 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}

// Start runs River's workers and the lease sweeper, which hands the jobs whose
// lease ran out (a killed process's, here or on another replica) to River
// again: they resume at their checkpoint.
func (m *Manager) Start(ctx context.Context) error {
	// River's client runs until Stop, not until the caller's context ends; and a
	// shutdown signalled while starting must not fail the start half-way (Stop
	// follows).
	ctx = context.WithoutCancel(ctx)
	if err := m.queue.start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	m.started = true
	if err := m.Sweep(ctx); err != nil {
		return err
	}
	m.sweep, m.swept = make(chan struct{}), make(chan struct{})
	go m.sweeper(ctx)
	return nil
}

// sweepEvery is how often the sweeper looks for jobs whose lease ran out.
func (m *Manager) sweepEvery() time.Duration { return m.cfg.Lease / 3 }

func (m *Manager) sweeper(ctx context.Context) {
	defer close(m.swept)
	t := time.NewTicker(m.sweepEvery())
	defer t.Stop()
	for {
		select {
		case <-m.sweep:
			return
		case <-t.C:
			if err := m.Sweep(ctx); err != nil {
				m.log.Warn("jobs: lease sweep failed", slog.String("error", err.Error()))
			}
		}
	}
}

// Sweep hands every running job whose lease ran out to River again. Each is
// claimed first (runner 0, a fresh lease), so that two replicas sweeping at
// once queue it once; a worker then takes it over at its checkpoint.
func (m *Manager) Sweep(ctx context.Context) error {
	rows, err := m.db.QueryContext(ctx, m.q(`SELECT id FROM redline_jobs WHERE state = 'running'
		AND (lease_until_us IS NULL OR lease_until_us < `+m.now()+`)`))
	if err != nil {
		return fmt.Errorf("jobs: find jobs whose lease ran out: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("jobs: find jobs whose lease ran out: %w", err)
	}
	for _, id := range ids {
		res, err := m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET runner = 0, lease_until_us = `+m.now()+` + ?
			WHERE id = ? AND state = 'running' AND (lease_until_us IS NULL OR lease_until_us < `+m.now()+`)`),
			m.cfg.Lease.Microseconds(), id)
		if err != nil {
			return fmt.Errorf("jobs: claim job %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // another replica swept it first
		}
		if _, err := m.enqueue(ctx, id); err != nil {
			return fmt.Errorf("jobs: resume %s: %w", id, err)
		}
		m.log.Info("job resumed: its lease ran out", slog.String("job", id))
	}
	return nil
}

// now is the database's clock in microseconds since 1970, as SQL: replicas'
// clocks may disagree, the database's is one.
func (m *Manager) now() string {
	if m.pg {
		return `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT`
	}
	return `CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)`
}

// Stop stops River, cancelling the jobs in hand (what their chunks committed is
// kept; the next Start resumes them), and closes the database.
func (m *Manager) Stop(ctx context.Context) error {
	var err error
	if m.sweep != nil {
		close(m.sweep)
		<-m.swept
		m.sweep = nil
	}
	if m.started {
		err = m.queue.stop(ctx)
	}
	m.close()
	return err
}

func (m *Manager) close() {
	if m.db != nil {
		m.db.Close()
	}
	if m.riverDB != nil {
		m.riverDB.Close()
	}
	if m.pool != nil {
		m.pool.Close()
	}
}

// q rewrites ? placeholders as $n for PostgreSQL.
func (m *Manager) q(s string) string {
	if !m.pg {
		return s
	}
	return store.Numbered(s)
}

func (m *Manager) migrate(ctx context.Context) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	blob := "BLOB"
	if m.pg {
		blob = "BYTEA"
		// Replicas starting together must not both create the tables.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7235412)`); err != nil {
			return fmt.Errorf("advisory lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7235412)`)
	}
	for _, ddl := range []string{
		`CREATE TABLE IF NOT EXISTS redline_jobs (
			id              TEXT PRIMARY KEY,
			kind            TEXT NOT NULL,
			state           TEXT NOT NULL,
			total           BIGINT NOT NULL,
			done            BIGINT NOT NULL DEFAULT 0,
			errors          BIGINT NOT NULL DEFAULT 0,
			spec            TEXT NOT NULL,
			input           ` + blob + ` NOT NULL,
			input_name      TEXT NOT NULL,
			input_type      TEXT NOT NULL,
			dataset_name    TEXT NOT NULL,
			dataset_version TEXT NOT NULL,
			message         TEXT NOT NULL DEFAULT '',
			runner          BIGINT NOT NULL DEFAULT 0,
			created_at_us   BIGINT NOT NULL,
			started_at_us   BIGINT,
			finished_at_us  BIGINT
		)`,
		`CREATE INDEX IF NOT EXISTS redline_jobs_created ON redline_jobs (created_at_us)`,
		`CREATE TABLE IF NOT EXISTS redline_job_results (
			job_id TEXT NOT NULL REFERENCES redline_jobs (id) ON DELETE CASCADE,
			idx    BIGINT NOT NULL,
			error  TEXT NOT NULL DEFAULT '',
			patch  ` + blob + ` NOT NULL,
			PRIMARY KEY (job_id, idx)
		)`,
	} {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	// The lease and the replica holding it (these columns came after the table).
	for _, col := range []struct{ name, def string }{
		{"lease_until_us", "BIGINT"},
		{"worker", "TEXT NOT NULL DEFAULT ''"},
	} {
		if m.pg {
			if _, err := conn.ExecContext(ctx, `ALTER TABLE redline_jobs ADD COLUMN IF NOT EXISTS `+col.name+` `+col.def); err != nil {
				return err
			}
			continue
		}
		var has int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('redline_jobs') WHERE name = ?`, col.name).Scan(&has); err != nil {
			return err
		}
		if has == 0 {
			if _, err := conn.ExecContext(ctx, `ALTER TABLE redline_jobs ADD COLUMN `+col.name+` `+col.def); err != nil {
				return err
			}
		}
	}
	return nil
}

// Submit records a job with its input and queues it. The input is read once
// here to count its features and name their attributes: a batch that cannot be
// read at all is refused now, not failed later.
func (m *Manager) Submit(ctx context.Context, spec Spec, input []byte, name, mediaType string) (*Job, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	rd, err := intake.OpenBatch(bytes.NewReader(input), name, mediaType, spec.Fields, spec.MaxVertices)
	if err != nil {
		return nil, err
	}
	var attrs ledger.Attributes
	total := 0
	for {
		f, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		f.Decode()
		attrs.Add(f.Properties)
		total++
		if spec.MaxFeatures > 0 && total > spec.MaxFeatures {
			return nil, errcode.New(errcode.PayloadTooLarge, map[string]any{"limit": spec.MaxFeatures},
				"the batch has more than the limit of %d features", spec.MaxFeatures)
		}
	}
	if total == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "the batch holds no feature")
	}
	spec.Attributes = attrs.Names
	specJSON, _ := json.Marshal(spec)
	eng, err := m.cfg.Checker()
	if err != nil {
		return nil, err
	}
	ds := eng.Dataset()
	id := newID()
	now := time.Now().UTC()
	_, err = m.db.ExecContext(ctx, m.q(`INSERT INTO redline_jobs (id, kind, state, total, spec, input, input_name, input_type,
		dataset_name, dataset_version, created_at_us) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`),
		id, spec.Kind, total, string(specJSON), input, name, mediaType, ds.Name, ds.Version, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("jobs: record job: %w", err)
	}
	if _, err := m.enqueue(ctx, id); err != nil {
		m.finish(ctx, id, StateFailed, "could not be queued: "+err.Error())
		return nil, fmt.Errorf("jobs: queue job %s: %w", id, err)
	}
	return m.Get(ctx, id)
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (m *Manager) enqueue(ctx context.Context, id string) (int64, error) {
	return m.queue.insert(ctx, id)
}

const jobColumns = `id, kind, state, total, done, errors, spec, input_name, dataset_name, dataset_version, message, created_at_us, started_at_us, finished_at_us, worker`

func scanJob(sc interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	var spec string
	var created int64
	var started, finished sql.NullInt64
	if err := sc.Scan(&j.ID, &j.Kind, &j.State, &j.Total, &j.Done, &j.ErrorCount, &spec, &j.InputName,
		&j.Dataset.Name, &j.Dataset.Version, &j.Message, &created, &started, &finished, &j.Worker); err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(spec), &j.Spec)
	j.CreatedAt = time.UnixMicro(created).UTC()
	if started.Valid {
		t := time.UnixMicro(started.Int64).UTC()
		j.StartedAt = &t
		end := time.Now()
		if finished.Valid {
			f := time.UnixMicro(finished.Int64).UTC()
			j.FinishedAt, end = &f, f
		}
		j.ElapsedS = end.Sub(t).Seconds()
		if j.ElapsedS > 0 {
			j.Rate = float64(j.Done) / j.ElapsedS
		}
	}
	j.Errors = []FeatureError{}
	return &j, nil
}

// maxListedErrors bounds the feature errors a job's status lists.
const maxListedErrors = 100

// Get returns a job's status with its first feature errors.
func (m *Manager) Get(ctx context.Context, id string) (*Job, error) {
	j, err := scanJob(m.db.QueryRowContext(ctx, m.q(`SELECT `+jobColumns+` FROM redline_jobs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: read job %s: %w", id, err)
	}
	rows, err := m.db.QueryContext(ctx, m.q(`SELECT idx, error FROM redline_job_results WHERE job_id = ? AND error <> '' ORDER BY idx LIMIT `+strconv.Itoa(maxListedErrors)), id)
	if err != nil {
		return nil, fmt.Errorf("jobs: read errors of job %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e FeatureError
		if err := rows.Scan(&e.Index, &e.Message); err != nil {
			return nil, err
		}
		j.Errors = append(j.Errors, e)
	}
	return j, rows.Err()
}

// List returns jobs newest first, and how many there are.
func (m *Manager) List(ctx context.Context, limit, offset int) ([]*Job, int, error) {
	var total int
	if err := m.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM redline_jobs`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("jobs: count jobs: %w", err)
	}
	rows, err := m.db.QueryContext(ctx, m.q(`SELECT `+jobColumns+` FROM redline_jobs ORDER BY created_at_us DESC, id LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("jobs: list jobs: %w", err)
	}
	defer rows.Close()
	out := []*Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

// Cancel stops a job that has not finished; the worker sees it at its next
// chunk, whose results are then not committed. Canceling a finished job leaves it.
func (m *Manager) Cancel(ctx context.Context, id string) (*Job, error) {
	if _, err := m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET state = 'canceled', finished_at_us = ?
		WHERE id = ? AND state IN ('queued', 'running')`), time.Now().UnixMicro(), id); err != nil {
		return nil, fmt.Errorf("jobs: cancel %s: %w", id, err)
	}
	return m.Get(ctx, id)
}

// finish moves a job that has not finished to a final state.
func (m *Manager) finish(ctx context.Context, id, state, message string) error {
	_, err := m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET state = ?, message = ?, finished_at_us = ?
		WHERE id = ? AND state IN ('queued', 'running')`), state, message, time.Now().UnixMicro(), id)
	return err
}

// work runs job id as one of River's attempts: it takes the job when it is
// queued or its lease ran out (or was handed over by a sweep), holds the lease
// while it works, resumes at the checkpoint and commits chunk by chunk. A job
// another live worker holds is left to it.
func (m *Manager) work(ctx context.Context, id string) error {
	runner := newRunner()
	res, err := m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET state = 'running', runner = ?, worker = ?,
		lease_until_us = `+m.now()+` + ?, started_at_us = COALESCE(started_at_us, ?)
		WHERE id = ? AND (state = 'queued' OR (state = 'running' AND
			(runner = 0 OR lease_until_us IS NULL OR lease_until_us < `+m.now()+`)))`),
		runner, m.cfg.Name, m.cfg.Lease.Microseconds(), time.Now().UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("jobs: start job %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // finished, canceled, removed by retention, or in another worker's hands
	}
	var done int64
	var specJSON, name, mediaType string
	var input []byte
	err = m.db.QueryRowContext(ctx, m.q(`SELECT done, spec, input, input_name, input_type FROM redline_jobs WHERE id = ?`), id).
		Scan(&done, &specJSON, &input, &name, &mediaType)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		m.release(id, runner)
		return fmt.Errorf("jobs: load job %s: %w", id, err)
	}
	var spec Spec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return m.finish(ctx, id, StateFailed, "bad job record: "+err.Error())
	}
	rd, err := intake.OpenBatch(bytes.NewReader(input), name, mediaType, spec.Fields, spec.MaxVertices)
	if err != nil {
		return m.finish(ctx, id, StateFailed, err.Error())
	}
	eng, err := m.cfg.Checker()
	if err != nil {
		m.release(id, runner)
		return err // no dataset yet: River retries
	}
	wctx, lost := m.hold(ctx, id, runner)
	err = Process(wctx, eng, &spec, rd, int(done), m.cfg.Chunk, m.cfg.Workers, func(ps []*ledger.Patch) error {
		return m.commit(wctx, id, runner, &done, ps)
	})
	lost()
	switch {
	case errors.Is(err, errStopped):
		return nil
	case err != nil && wctx.Err() != nil && ctx.Err() == nil:
		return nil // the lease was lost: another worker has the job
	case err != nil && ctx.Err() != nil:
		// Shutting down: the job stays running at its checkpoint; letting the
		// lease go hands it to the next sweep, here or on another replica.
		// Returning nil keeps River from also retrying it.
		m.release(id, runner)
		return nil
	case err != nil:
		m.log.Error("job failed", slog.String("job", id), slog.String("error", err.Error()))
		return m.finish(ctx, id, StateFailed, err.Error())
	}
	_, err = m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET state = 'done', finished_at_us = ?
		WHERE id = ? AND state = 'running' AND runner = ?`), time.Now().UnixMicro(), id, runner)
	return err
}

// newRunner names one attempt at a job: random, never 0 (a job handed over).
func newRunner() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>1) | 1
}

// hold renews runner's lease on job id every Lease/4 until the returned stop is
// called; the context it returns ends when the lease is lost (the job was
// canceled, or taken over after this worker went quiet for a whole lease).
func (m *Manager) hold(ctx context.Context, id string, runner int64) (context.Context, func()) {
	wctx, cancel := context.WithCancel(ctx)
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(m.cfg.Lease / 4)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-wctx.Done():
				return
			case <-t.C:
			}
			res, err := m.db.ExecContext(wctx, m.q(`UPDATE redline_jobs SET lease_until_us = `+m.now()+` + ?
				WHERE id = ? AND state = 'running' AND runner = ?`), m.cfg.Lease.Microseconds(), id, runner)
			if err != nil {
				m.log.Warn("jobs: lease not renewed", slog.String("job", id), slog.String("error", err.Error()))
				continue
			}
			if n, _ := res.RowsAffected(); n == 0 {
				cancel()
				return
			}
		}
	}()
	return wctx, func() { close(stop); <-stopped; cancel() }
}

// release lets runner's lease on job id go, so that the next sweep (of any
// replica) hands the job on at once instead of after the lease.
func (m *Manager) release(id string, runner int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.db.ExecContext(ctx, m.q(`UPDATE redline_jobs SET lease_until_us = NULL WHERE id = ? AND state = 'running' AND runner = ?`), id, runner)
}

// errStopped says a job was canceled, or taken over by a later attempt.
var errStopped = errors.New("jobs: stopped")

// commit writes a chunk's results and moves the checkpoint, in one
// transaction; the update is guarded by the state, the runner and the count the
// chunk started from, so a canceled job, or a stale attempt, commits nothing.
func (m *Manager) commit(ctx context.Context, id string, runner int64, done *int64, ps []*ledger.Patch) error {
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("jobs: begin chunk of job %s: %w", id, err)
	}
	defer tx.Rollback()
	errs := 0
	for _, p := range ps {
		if p.Error != "" {
			errs++
		}
	}
	res, err := tx.ExecContext(ctx, m.q(`UPDATE redline_jobs SET done = done + ?, errors = errors + ?,
		lease_until_us = `+m.now()+` + ? WHERE id = ? AND state = 'running' AND runner = ? AND done = ?`),
		len(ps), errs, m.cfg.Lease.Microseconds(), id, runner, *done)
	if err != nil {
		return fmt.Errorf("jobs: checkpoint job %s at %d: %w", id, *done, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStopped
	}
	insert := m.q(`INSERT INTO redline_job_results (job_id, idx, error, patch) VALUES (?, ?, ?, ?)`)
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("jobs: results of job %s: %w", id, err)
	}
	defer stmt.Close()
	for _, p := range ps {
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("jobs: job %s, feature %d: %w", id, p.Index, err)
		}
		if _, err := stmt.ExecContext(ctx, id, p.Index, p.Error, b); err != nil {
			return fmt.Errorf("jobs: job %s, feature %d: %w", id, p.Index, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("jobs: commit chunk of job %s at %d: %w", id, *done, err)
	}
	*done += int64(len(ps))
	return nil
}

// Cleanup deletes the jobs finished longer ago than the retention, with their
// inputs and results. River's periodic job calls it.
func (m *Manager) Cleanup(ctx context.Context) (int64, error) {
	cut := time.Now().Add(-m.cfg.Retention).UnixMicro()
	// Results first: SQLite enforces the cascade only with foreign_keys on.
	if _, err := m.db.ExecContext(ctx, m.q(`DELETE FROM redline_job_results WHERE job_id IN
		(SELECT id FROM redline_jobs WHERE finished_at_us < ?)`), cut); err != nil {
		return 0, fmt.Errorf("jobs: cleanup results: %w", err)
	}
	res, err := m.db.ExecContext(ctx, m.q(`DELETE FROM redline_jobs WHERE finished_at_us < ?`), cut)
	if err != nil {
		return 0, fmt.Errorf("jobs: cleanup jobs: %w", err)
	}
	return res.RowsAffected()
}

// resultPage is how many results are read per query: the connection is let go
// between pages, so a long download does not hold up the workers.
const resultPage = 2000

// Patches calls f with each stored result of job id in index order.
func (m *Manager) Patches(ctx context.Context, id string, f func(p *ledger.Patch) error) error {
	next := int64(-1)
	for {
		rows, err := m.db.QueryContext(ctx, m.q(`SELECT idx, patch FROM redline_job_results WHERE job_id = ? AND idx > ? ORDER BY idx LIMIT `+strconv.Itoa(resultPage)), id, next)
		if err != nil {
			return fmt.Errorf("jobs: read results of job %s: %w", id, err)
		}
		var page [][]byte
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&next, &b); err != nil {
				rows.Close()
				return err
			}
			page = append(page, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range page {
			var p ledger.Patch
			if err := json.Unmarshal(b, &p); err != nil {
				return fmt.Errorf("jobs: job %s, result after %d: %w", id, next, err)
			}
			if err := f(&p); err != nil {
				return err
			}
		}
		if len(page) < resultPage {
			return nil
		}
	}
}

// ResultFormats are the formats of GET /v1/jobs/{id}/result.
var ResultFormats = []string{"xlsx", "csv", "geojson", "shp", "ndjson", "html"}

// WriteResult writes job j's results as format on w: a ledger (xlsx, csv,
// geojson, shp), the stored records (ndjson), or the HTML summary (html, through
// html, which render provides).
func (m *Manager) WriteResult(ctx context.Context, j *Job, format string, w io.Writer, html func(io.Writer, *Job, *ledger.Summary, []*ledger.Patch) error) error {
	switch format {
	case "ndjson":
		return m.Patches(ctx, j.ID, func(p *ledger.Patch) error {
			b, _ := json.Marshal(p)
			_, err := w.Write(append(b, '\n'))
			return err
		})
	case "html":
		var s ledger.Summary
		var parcels []*ledger.Patch
		err := m.Patches(ctx, j.ID, func(p *ledger.Patch) error {
			s.Add(p)
			q := *p
			q.Geometry = nil // the summary draws no map: keep the parcels small
			parcels = append(parcels, &q)
			return nil
		})
		if err != nil {
			return err
		}
		return html(w, j, &s, parcels)
	}
	lw, err := ledger.NewWriter(w, format, j.Spec.Attributes)
	if err != nil {
		return err
	}
	if err := m.Patches(ctx, j.ID, lw.Write); err != nil {
		return err
	}
	return lw.Close()
}

// Count returns how many results job id has and how many distinct indexes:
// equal when no feature was recorded twice (the tests' check).
func (m *Manager) Count(ctx context.Context, id string) (rows, distinct int, err error) {
	err = m.db.QueryRowContext(ctx, m.q(`SELECT COUNT(*), COUNT(DISTINCT idx) FROM redline_job_results WHERE job_id = ?`), id).Scan(&rows, &distinct)
	return rows, distinct, err
}
