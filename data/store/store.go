// Package store archives check reports: the input as received, its SHA-256, the
// project facts, the dataset name and version, and the report. SQLite (pure Go,
// modernc.org/sqlite, WAL, synchronous=FULL) by default; PostgreSQL (pgx) when
// opened with a postgres:// URL. Both hold the same schema.
//
// Save returns only after the row is durable: on SQLite once it is in the
// archive's redo log and the log is fsynced (logged.go; the row reaches the
// database right after, and every read waits for it), or, when another
// process holds that log, once its group's commit is in the WAL and the WAL
// fsynced; PostgreSQL commits synchronously unless the server was configured
// otherwise.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	sqlitedrv "modernc.org/sqlite"     // database/sql driver "sqlite"

	"github.com/redline-gis/redline/internal/proccpu"
)

// useFdatasync switches the SQLite library to fdatasync, once per process.
var useFdatasync sync.Once

// ErrNotFound is returned by Get for an unknown report id.
var ErrNotFound = errors.New("store: report not found")

// Record is one archived check.
type Record struct {
	ID        string
	CreatedAt time.Time
	// InputHash is the lowercase hex SHA-256 of Input.
	InputHash string
	// Input is the footprint as received (the file, or the envelope's footprint member).
	Input []byte
	// InputName is the uploaded file's name, if any; InputType its media type.
	InputName string
	InputType string
	// Project is the project facts as JSON ("{}" when none).
	Project json.RawMessage
	// DatasetName and DatasetVersion name the dataset the report was computed on.
	DatasetName    string
	DatasetVersion string
	Verdict        string
	// Report is the report as JSON, with the overlap geometries.
	Report json.RawMessage
	// Footprint is the checked footprint (lon/lat, repaired if it was) as a GeoJSON
	// geometry; may be empty.
	Footprint json.RawMessage
	// Facts, when set, are the listing columns as FactsOf would read them out of
	// Project, Report and Footprint; Save reads them itself when nil.
	Facts *Facts
}

// Store is a report archive. It is safe for concurrent use.
//
// Saves are committed in groups (group commit): concurrent Saves queue for one
// writer goroutine, which inserts everything queued — and, under load, what
// arrives within groupWindow more — in one transaction, so that one fsync
// acknowledges many reports. A Save still returns only after its own row is
// committed. The rows' values are made by each Save in its own goroutine, so the
// writer does nothing but the inserts and the commit.
type Store struct {
	db      *sql.DB
	dialect dialect
	where   string // what was opened, for error messages (no password)
	insert  *sql.Stmt
	// inserts[k] inserts 2^k rows in one statement (inserts[0] is insert); the
	// writer prepares them as groups need them (see insertGroup). args is the
	// writer's buffer for their arguments.
	inserts   [maxChunkLog + 1]*sql.Stmt
	insertsMu sync.Mutex
	args      []any
	// raw are the inserter's statements on its own connection (insertRaw).
	raw rawInserts

	saves chan *pendingSave
	quit  chan struct{}
	done  chan struct{}
	// window is groupWindow; tests and benchmarks change it before the first Save.
	window time.Duration
	gap    time.Duration

	// SQLite only. wal is the path of the database's write-ahead log, which the
	// syncer fsyncs; conn is the writer's own connection, on which the commits
	// do not fsync themselves (see sqliteWriter).
	wal     string
	conn    *sql.Conn
	connIns *sql.Stmt
	// walFile is the WAL, opened once the writer's connection is: that
	// connection keeps it from being deleted (SQLite deletes the WAL only when
	// the last connection closes), so the syncer fsyncs the file its commits
	// went to without opening it each time.
	walFile    *os.File
	synced     chan syncJob
	syncerDone chan struct{}
	// syncing is set while the syncer has groups to fsync; syncIdle wakes the
	// writer when it is done.
	syncing  atomic.Bool
	syncIdle chan struct{}
	// uncheckpointed counts the rows the writer committed since its last
	// checkpoint, framesPerRow the WAL frames a row took up to it;
	// checkpointFrames is checkpointWAL in pages, which tests lower (see
	// checkpoint).
	uncheckpointed   int
	framesPerRow     float64
	checkpointFrames int

	// packer packs the reports SQLite stores (see pack.go) and keeps the
	// dictionaries read back, on either database.
	packer packer

	// commits and rows count the transactions and the rows in them, fsyncs the
	// syncer's (see Stats).
	commits, rows, fsyncs, frames, logRows atomic.Int64

	// lg is the redo log in front of SQLite (logged.go); nil on the group
	// commit path (PostgreSQL, or SQLite when another process holds the log).
	lg *redoLog

	closeOnce sync.Once
	closeErr  error
}

// Stats counts what the store did since Open. Commits are the database
// transactions that inserted rows (with the redo log: the inserter's, so
// Rows/Commits is its batch size), Rows the rows in them. Fsyncs are the
// fsyncs that acknowledged saves: of the redo log (Logged), else of SQLite's
// WAL (PostgreSQL's commits sync on the server, uncounted). Benchmarks report
// rows per commit.
type Stats struct {
	Commits, Rows, Fsyncs int64
	// Frames counts the pages the WAL held at the writer's checkpoints (SQLite):
	// the pages written for the rows committed before each.
	Frames int64
	// Logged tells whether saves go through the redo log; LogRows counts the
	// rows its fsyncs acknowledged (LogRows/Fsyncs: rows a log fsync), Rounds
	// the times it started over.
	Logged          bool
	LogRows, Rounds int64
}

// Stats returns the writer's counts so far.
func (s *Store) Stats() Stats {
	st := Stats{Commits: s.commits.Load(), Rows: s.rows.Load(), Fsyncs: s.fsyncs.Load(), Frames: s.frames.Load(),
		LogRows: s.logRows.Load(), Logged: s.lg != nil}
	if s.lg != nil {
		st.Rounds = s.lg.rounds.Load()
	}
	return st
}

// syncJob is what the writer hands the syncer: saves committed on the
// connection whose WAL is wal, to fsync and answer; or, with no saves, a WAL
// whose connection the writer let go, to close once the groups before it are
// synced.
type syncJob struct {
	wal   *os.File
	saves []*pendingSave
}

type pendingSave struct {
	id     string
	args   []any
	err    chan error
	result error // the commit's, before the fsync
	// The logged path's: the row, and its record's payload.
	row     *pendingRow
	payload []byte
}

// pendingSaves are reused, each with its answer's channel: a Save takes one,
// and puts it back once it has its answer (the only send on err) or was never
// queued. The writer and the syncer do not touch a save after answering it.
var pendingSaves = sync.Pool{New: func() any { return &pendingSave{err: make(chan error, 1)} }}

// release puts p back in pendingSaves, holding no row.
func (p *pendingSave) release() {
	p.id, p.args, p.result, p.row, p.payload = "", nil, nil, nil, nil
	pendingSaves.Put(p)
}

// maxGroup bounds the reports committed in one transaction.
const maxGroup = 256

// groupWindow is how long the writer, once it holds the queued saves, waits for
// more before it commits — only when its last group held more than one (saves
// are arriving together), so that a lone save is not delayed. An fsync costs
// the same for one row as for a hundred: waiting a little for the checks that
// are finishing at the same moment turns many fsyncs into one.
const groupWindow = 200 * time.Microsecond

// sqliteWindow and sqliteGap are SQLite's window. There the syncer's fsync
// already gathers the saves that arrive while it runs; the window after it is
// opened only while the process keeps its processors busy (see cpuLoad), and
// closes early once no save came for sqliteGap. A commit and its fsync cost
// ~0.3 ms of CPU whatever the rows: with 64 clients the groups grew from ~12 to
// ~20 rows and the rate with them.
const (
	sqliteWindow = time.Millisecond
	sqliteGap    = 100 * time.Microsecond
)

type dialect int

const (
	sqlite dialect = iota
	postgres
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the archive named by dsn: a PostgreSQL URL, or
// else a SQLite file path. It brings the schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, options{redo: true, redoLimit: redoLimit})
}

// options are Open's settings that tests change.
type options struct {
	// redo puts a redo log in front of SQLite (logged.go); redoLimit is the
	// log's size before it starts over.
	redo      bool
	redoLimit int64
}

func open(ctx context.Context, dsn string, opts options) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("store: empty database name")
	}
	s := &Store{}
	var err error
	if IsPostgres(dsn) {
		s.dialect = postgres
		s.where = redact(dsn)
		s.db, err = sql.Open("pgx", withSyncCommit(dsn))
		if err == nil {
			s.db.SetMaxOpenConns(16)
			s.db.SetMaxIdleConns(16)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		s.dialect = sqlite
		s.where = dsn
		// SQLite's own syncs (the checkpoints', and the commits of the pool's
		// connections) with fdatasync, as the syncer's: see datasync.
		useFdatasync.Do(func() { sqlitedrv.Fdatasync(true) })
		// _txlock=immediate: writers take the lock at BEGIN, so concurrent saves
		// queue on busy_timeout instead of failing with SQLITE_BUSY on upgrade.
		//
		// WAL with synchronous=FULL: a commit appends the rows to the WAL and
		// fsyncs it, and nothing else (the database file is written at checkpoints).
		// FULL, not NORMAL, because a check is acknowledged as archived: NORMAL in
		// WAL mode survives a crash of the process (kill -9) but may lose the last
		// commits on a power cut or a kernel crash. Group commit is what makes FULL
		// affordable: one fsync per group, not per report.
		createSQLite(dsn)
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
		s.db, err = sql.Open("sqlite", "file:"+dsn+q)
		if err == nil {
			// One writer at a time is what SQLite does anyway; readers share WAL.
			s.db.SetMaxOpenConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", s.where, err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", s.where, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: migrate %s: %w", s.where, err)
	}
	if s.dialect == sqlite {
		if err := s.loadLastDict(ctx); err != nil {
			s.db.Close()
			return nil, fmt.Errorf("store: open %s: %w", s.where, err)
		}
	}
	// Prepared once: each group's transaction uses it on its connection.
	if s.insert, err = s.db.PrepareContext(ctx, s.rebind(insertReport)); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: prepare the insert in %s: %w", s.where, classify(err))
	}
	s.window = groupWindow
	s.checkpointFrames, s.framesPerRow = checkpointWAL/sqlitePageSize, initialFramesPerRow
	if s.dialect == sqlite {
		s.window, s.gap = sqliteWindow, sqliteGap
		var pageSize int
		if err := s.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err == nil && pageSize > 0 {
			s.checkpointFrames = checkpointWAL / pageSize // an archive made before: 4 KiB
		}
	}
	s.quit = make(chan struct{})
	if s.dialect == sqlite && opts.redo {
		lg, err := s.openRedo(ctx, dsn, opts.redoLimit)
		if err != nil {
			s.insert.Close()
			s.db.Close()
			return nil, fmt.Errorf("store: open %s: %w", s.where, err)
		}
		if lg != nil {
			s.wal = dsn + "-wal"
			if s.openWriterConn(ctx) {
				s.lg = lg
				s.done = lg.loggerDone
				go s.logger()
				go s.inserter()
				return s, nil
			}
			slog.Info("report archive: no connection of its own for the redo log's inserter; saves commit in groups instead", slog.String("db", dsn))
			lg.closeAIO()
			lg.f.Close()
		}
	}
	s.saves = make(chan *pendingSave, maxGroup)
	s.done = make(chan struct{})
	if s.dialect == sqlite {
		s.wal = dsn + "-wal"
		s.synced = make(chan syncJob, 64)
		s.syncerDone = make(chan struct{})
		s.syncIdle = make(chan struct{}, 1)
		go s.syncer()
	}
	go s.writer()
	return s, nil
}

// sqlitePageSize is the page size of the SQLite archives Open creates; those
// made before keep theirs (4 KiB: a database in WAL mode cannot change it).
//
// Why 8 KiB: a commit writes each page it changed to the WAL as a frame, with
// two pwrites (the frame's header, the page), and a pwrite costs about the same
// CPU for 4 KiB as for 8 KiB here (~3.5 µs, most of it the system call): the
// table's leaves and the time-ordered indexes' right edges take half the frames
// for the same rows. BenchmarkInsertBatch (50,000 rows archived, 1,024 rows a
// commit, 14 pairs): 0.62 → 0.33 WAL pages a row, −13 % CPU a row. An index with random
// keys (input_key) dirties about one leaf a row either way in a large
// archive, now of 8 KiB.
const sqlitePageSize = 8192

// createSQLite makes the SQLite database file at dsn, with sqlitePageSize
// pages and in WAL mode, unless it exists already (and is not empty): the page
// size is fixed once the first page is written, as journal_mode=WAL does. A
// failure is the open's to report, as it was before. Not a _pragma in Open's
// DSN: modernc runs those sorted by name, journal_mode before page_size, and
// page_size has no effect once journal_mode=WAL has written the first page.
func createSQLite(dsn string) {
	if fi, err := os.Stat(dsn); err == nil && fi.Size() > 0 || err != nil && !os.IsNotExist(err) {
		return
	}
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return
	}
	defer db.Close()
	// Without effect on a database another process made meanwhile.
	db.Exec(fmt.Sprintf("PRAGMA page_size=%d; PRAGMA journal_mode=WAL", sqlitePageSize))
}

// Kind returns "sqlite" or "postgres".
func (s *Store) Kind() string {
	if s.dialect == postgres {
		return "postgres"
	}
	return "sqlite"
}

// Close stops the writer, after the saves queued, and closes the database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	close(s.quit)
	<-s.done
	var errRedo error
	if s.lg != nil {
		<-s.lg.inserterDone
		errRedo = s.closeRedo()
	}
	if s.synced != nil {
		close(s.synced)
		<-s.syncerDone
	}
	if s.conn != nil {
		s.closeRaw()
		s.connIns.Close()
		s.conn.Close()
		s.walFile.Close()
	}
	for _, st := range s.inserts[1:] {
		if st != nil {
			st.Close()
		}
	}
	s.insert.Close()
	return errors.Join(errRedo, s.db.Close())
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return classify(s.db.PingContext(ctx)) }

// migrations bring the schema from version i to i+1. The schema is the same on both
// databases; only the binary type's name differs (BLOB / BYTEA), written as %BLOB%,
// and an integer key the database numbers itself, %ID%.
// A migration's backfill, if any, runs in the same transaction after its DDL.
var migrations = []migration{
	{ddl: `CREATE TABLE reports (
		id              TEXT PRIMARY KEY,
		created_at_us   BIGINT NOT NULL,
		input_hash      TEXT NOT NULL,
		input           %BLOB% NOT NULL,
		input_name      TEXT NOT NULL,
		input_type      TEXT NOT NULL,
		project         TEXT NOT NULL,
		dataset_name    TEXT NOT NULL,
		dataset_version TEXT NOT NULL,
		verdict         TEXT NOT NULL,
		report          TEXT NOT NULL,
		footprint       TEXT NOT NULL
	);
	CREATE INDEX reports_input_hash ON reports (input_hash);
	CREATE INDEX reports_created ON reports (created_at_us)`},
	// 2: the columns List filters on, read out of the stored JSON (see FactsOf).
	{ddl: `ALTER TABLE reports ADD COLUMN project_name TEXT NOT NULL DEFAULT '';
	ALTER TABLE reports ADD COLUMN industry TEXT NOT NULL DEFAULT '';
	ALTER TABLE reports ADD COLUMN governing_rule TEXT NOT NULL DEFAULT '';
	ALTER TABLE reports ADD COLUMN min_lon DOUBLE PRECISION;
	ALTER TABLE reports ADD COLUMN min_lat DOUBLE PRECISION;
	ALTER TABLE reports ADD COLUMN max_lon DOUBLE PRECISION;
	ALTER TABLE reports ADD COLUMN max_lat DOUBLE PRECISION;
	CREATE INDEX reports_verdict ON reports (verdict, created_at_us);
	CREATE INDEX reports_industry ON reports (industry);
	CREATE INDEX reports_project_name ON reports (project_name);
	CREATE INDEX reports_dataset_version ON reports (dataset_version);
	CREATE INDEX reports_bbox ON reports (min_lon, max_lon)`, backfill: backfillDerived},
	// 3: the 两高 status the report states (1, 0, NULL when not asked), for the
	// 两高 ledger: high_energy=true.
	{ddl: `ALTER TABLE reports ADD COLUMN high_energy INTEGER;
	CREATE INDEX reports_high_energy ON reports (high_energy, created_at_us)`, backfill: backfillHighEnergy},
	// 4: PostgreSQL answers industry=C25 (LIKE 'C25%') from an index only with
	// text_pattern_ops under a collation other than C; SQLite's LIKE is not
	// indexed either way (it is case-insensitive).
	{backfill: func(ctx context.Context, s *Store, tx *sql.Tx) error {
		if s.dialect != postgres {
			return nil
		}
		_, err := tx.ExecContext(ctx, `CREATE INDEX reports_industry_prefix ON reports (industry text_pattern_ops, created_at_us)`)
		return err
	}},
	// 5: packed reports (pack.go): SQLite stores a report compressed in
	// report_packed (report is then ''), against a dictionary of report_dicts.
	// The rows saved before keep their text; reads take either form.
	// PostgreSQL has the columns too (one schema) and leaves them empty.
	{ddl: `ALTER TABLE reports ADD COLUMN report_packed %BLOB%;
	CREATE TABLE report_dicts (id %ID%, dict %BLOB% NOT NULL)`},
	// 6: SQLite's indexes for List as its planner uses them (sqliteListIndexes).
	{backfill: sqliteOnly(sqliteListIndexes)},
	// 7: SQLite's bbox index keyed so that an inserter's commit shares its
	// leaves (sqliteClusteredIndexes).
	{backfill: sqliteOnly(sqliteClusteredIndexes)},
	// 8: input_key, the first 8 bytes of input_hash as an integer (InputKey),
	// NULL in the rows archived before; on SQLite its index searches the hashes
	// of the rows after (sqliteInputKey). PostgreSQL has the column (one
	// schema) and keeps its input_hash index.
	{ddl: `ALTER TABLE reports ADD COLUMN input_key BIGINT`, backfill: sqliteOnly(sqliteInputKey)},
	// 9: input_bucket, the run of inputBucketRows rows the redo log's
	// inserter put a row in, NULL in the rows before and in those saved
	// otherwise; on SQLite the keys of its rows are indexed within their
	// bucket (sqliteInputBuckets). PostgreSQL has the column (one schema).
	{ddl: `ALTER TABLE reports ADD COLUMN input_bucket BIGINT`, backfill: sqliteOnly(sqliteInputBuckets)},
}

// sqliteInputBuckets is migration 9: the input keys of the rows the redo
// log's inserter puts in SQLite are indexed after their bucket — a number the
// inserter counts up every inputBucketRows rows — so that a commit's rows
// change the leaves of one bucket's keys only, however large the archive. An
// index of the bare keys (migration 8) is keyed at random: once it had more
// leaves than a commit had rows, every row dirtied a leaf of its own (8 KiB
// written to the WAL, and again at the checkpoint), and before that a commit
// rewrote every leaf; at the rates of issue 12 that index was the largest
// part of what the archive wrote. List finds a hash with one search a bucket
// (a million rows: 123 buckets) in this index, and in the bare keys' index
// for the rows without a bucket (those archived before, and those saved by
// group commit or replayed), now partial; that index is built again once, at
// the first start.
var sqliteInputBuckets = []string{
	`DROP INDEX reports_input_key`,
	`CREATE INDEX reports_input_key ON reports (input_key) WHERE input_key IS NOT NULL AND input_bucket IS NULL`,
	`CREATE INDEX reports_input_bucket ON reports (input_bucket, input_key) WHERE input_bucket IS NOT NULL`,
}

// inputBucketRows is the size of a bucket of input keys (see
// sqliteInputBuckets): its keys fill ~30 leaves of 8 KiB, the most a commit
// changes in that index; List searches the index once a bucket.
const inputBucketRows = 1 << 13

// sqliteInputKey is migration 8: SQLite searches the input hashes of new rows
// through an index of input_key, the first 16 hex digits as an integer
// (InputKey), and those of the rows archived before (input_key NULL) through
// their old index, made partial: List asks for (input_key = ? AND input_hash =
// ?) OR (input_key IS NULL AND input_hash = ?), each term on its index. A
// hash's index is keyed at random, so a commit's rows each dirty a leaf of
// their own (written to the WAL, then checkpointed): the 64-character keys
// made it the dearest of the inserter's indexes (BenchmarkInsertBatch, 200,000
// rows archived, 1,024 rows a commit: without it 18.3–18.8 µs and 0.37 WAL
// pages a row, with it 51.5–63.4 µs and 1.58). An 8-byte key puts ~4.5 times
// as many in a leaf, so a commit's rows share leaves up to ~4.5 times as large
// an archive. The rows are not rewritten (a backfill would have copied the
// whole table through the WAL at the first start): the old index is built
// again, as migrations 6 and 7 built theirs, and a new row costs it nothing.
var sqliteInputKey = []string{
	`DROP INDEX reports_input_hash`,
	`CREATE INDEX reports_input_hash_old ON reports (input_hash) WHERE input_key IS NULL`,
	`CREATE INDEX reports_input_key ON reports (input_key) WHERE input_key IS NOT NULL`,
}

// InputKey is the first 16 hex digits of an input hash as an integer (two's
// complement): input_key, which SQLite's index of input hashes is on. A
// character that is not a lowercase hex digit counts as 15, a hash shorter
// than 16 characters is read as if padded with zeros.
func InputKey(hash string) int64 {
	var k uint64
	for i := range 16 {
		var d uint64
		if i < len(hash) {
			d = 15
			if j := strings.IndexByte("0123456789abcdef", hash[i]); j >= 0 {
				d = uint64(j)
			}
		}
		k = k<<4 | d
	}
	return int64(k)
}

// sqliteOnly is a migration step that runs the statements on SQLite and
// nothing on PostgreSQL.
func sqliteOnly(stmts []string) func(ctx context.Context, s *Store, tx *sql.Tx) error {
	return func(ctx context.Context, s *Store, tx *sql.Tx) error {
		if s.dialect != sqlite {
			return nil
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
}

// sqliteClusteredIndexes is migration 7: SQLite's bbox index, whose keys
// (min_lon, max_lon) were random among a commit's rows (each row dirtied a
// leaf of its own, written to the WAL and checkpointed), holds coarse keys
// that many rows share instead: the quarter degrees a footprint's longitudes
// fall in (~250 values across China, 16 across Shaanxi). An index keeps the
// rows of one key in rowid order, so by time: a commit's rows add to the right
// ends of a few runs however large the archive. Filter.where adds the cells'
// comparisons, which the exact ones imply (the same monotonic function on both
// sides). CAST, not a function: a function in an index's expression may fail,
// so SQLite keeps a statement journal for every multi-row INSERT (pwrites of
// each page it changes: ~20 % of the inserter's CPU, measured with trunc()).
// input_hash keeps its index (a prefix would need substr(), that journal).
//
// BenchmarkInsertBatch, 200,000 rows archived: see README "Schema 7".
var sqliteClusteredIndexes = []string{
	`DROP INDEX reports_bbox`,
	`CREATE INDEX reports_bbox_cell ON reports (CAST(min_lon*4 AS BIGINT), CAST(max_lon*4 AS BIGINT))`,
}

// sqliteListIndexes is migration 6: each of SQLite's indexes for a List filter
// is one its planner uses, and a row is in it only when the filter can select
// it. Every row costs its inserter a B-tree insert in each index it is in.
//   - industry: SQLite's LIKE is case-insensitive (ASCII), so it searches an
//     index only in the NOCASE collation; the BINARY one before was only ever
//     scanned whole. With created_at_us, as PostgreSQL's industry_prefix.
//   - high_energy is NULL for every check without an industry, and a filter on
//     it (high_energy = ?) never selects those: the planner knows that
//     comparison implies IS NOT NULL.
//   - project_name is empty for every check without a name, and a filter on
//     it never is (Filter.where says so too: the planner needs that term to
//     use the partial index).
var sqliteListIndexes = []string{
	`DROP INDEX reports_industry`,
	`CREATE INDEX reports_industry_nocase ON reports (industry COLLATE NOCASE, created_at_us)`,
	`DROP INDEX reports_high_energy`,
	`CREATE INDEX reports_high_energy ON reports (high_energy, created_at_us) WHERE high_energy IS NOT NULL`,
	`DROP INDEX reports_project_name`,
	`CREATE INDEX reports_project_name ON reports (project_name) WHERE project_name <> ''`,
}

// migration is one schema step: DDL statements separated by ";", then an
// optional backfill of what the DDL added.
type migration struct {
	ddl      string
	backfill func(ctx context.Context, s *Store, tx *sql.Tx) error
}

func (s *Store) migrate(ctx context.Context) error {
	if s.dialect == postgres {
		// Replicas starting together must not both create the schema.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7235411)`); err != nil {
			return fmt.Errorf("advisory lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7235411)`)
		return s.migrateOn(ctx, conn)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.migrateOn(ctx, conn)
}

func (s *Store) migrateOn(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS redline_schema (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create redline_schema: %w", err)
	}
	var version int
	err := conn.QueryRowContext(ctx, `SELECT version FROM redline_schema`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := conn.ExecContext(ctx, `INSERT INTO redline_schema (version) VALUES (0)`); err != nil {
			return fmt.Errorf("init redline_schema: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program knows (%d)", version, len(migrations))
	}
	types := strings.NewReplacer("%BLOB%", "BLOB", "%ID%", "INTEGER PRIMARY KEY")
	if s.dialect == postgres {
		types = strings.NewReplacer("%BLOB%", "BYTEA", "%ID%", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
	}
	for v := version; v < len(migrations); v++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for stmt := range strings.SplitSeq(types.Replace(migrations[v].ddl), ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if f := migrations[v].backfill; f != nil {
			if err := f(ctx, s, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %d: backfill: %w", v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE redline_schema SET version = ?`), v+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: commit: %w", v+1, err)
		}
	}
	return nil
}

// rebind turns ? placeholders into $n for PostgreSQL.
func (s *Store) rebind(q string) string {
	if s.dialect != postgres {
		return q
	}
	return Numbered(q)
}

// Numbered turns the ? placeholders of q into PostgreSQL's $1, $2, …: the
// queries of this package and of the jobs tables are written once for both
// databases.
func Numbered(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

const insertReport = `INSERT INTO reports
	(id, created_at_us, input_hash, input, input_name, input_type, project,
	 dataset_name, dataset_version, verdict, report, footprint,
	 project_name, industry, governing_rule, min_lon, min_lat, max_lon, max_lat, high_energy, report_packed, input_key)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertColumns is the number of insertReport's values.
const insertColumns = 22

// insertBucketed is insertReport with the row's input_bucket after its
// values: the redo log inserter's (see sqliteInputBuckets).
var insertBucketed = strings.Replace(strings.Replace(insertReport, "input_key)", "input_key, input_bucket)", 1), "?)", "?, ?)", 1)

// insertArgs are rec's row, its report as text (see rowArgs).
func insertArgs(rec *Record) []any { return rowOf(rec, string(rec.Report), nil) }

// rowArgs are rec's row. SQLite's report is packed (see pack.go), in the
// saving goroutine: the writer only inserts. PostgreSQL keeps it as text: it
// compresses a value of over 2 KB itself (TOAST), and the archive the
// replicas share stays readable with SQL.
func (s *Store) rowArgs(rec *Record) []any {
	if s.dialect == sqlite {
		if b := s.packer.pack(rec.Report); b != nil {
			return rowOf(rec, "", b)
		}
	}
	return insertArgs(rec)
}

// rowOf is rec's row with the given report columns; packed nil is NULL.
func rowOf(rec *Record, report string, packed []byte) []any {
	project := string(rec.Project)
	if project == "" {
		project = "{}"
	}
	input := rec.Input
	if input == nil {
		input = []byte{}
	}
	f := rec.facts()
	var p any // NULL, not an empty BLOB
	if packed != nil {
		p = packed
	}
	return append([]any{rec.ID, rec.CreatedAt.UnixMicro(), rec.InputHash, input, rec.InputName, rec.InputType, project,
		rec.DatasetName, rec.DatasetVersion, rec.Verdict, report, string(rec.Footprint)}, append(f.args(), f.highEnergyArg(), p, InputKey(rec.InputHash))...)
}

// facts are rec's listing columns: its Facts, or read from its texts.
func (rec *Record) facts() Facts {
	if rec.Facts != nil {
		return *rec.Facts
	}
	return FactsOf(rec.Project, rec.Report, rec.Footprint)
}

// Save archives rec; it returns once the row is durably committed. It keeps no
// reference to rec or its byte slices after it returns: the caller may reuse them.
func (s *Store) Save(ctx context.Context, rec *Record) error {
	if rec.ID == "" {
		return errors.New("store: save: record without id")
	}
	select {
	case <-s.quit:
		return fmt.Errorf("store: save report %s: the store is closed", rec.ID)
	default:
	}
	if s.lg != nil {
		return s.saveLogged(ctx, rec)
	}
	p := pendingSaves.Get().(*pendingSave)
	p.id, p.args = rec.ID, s.rowArgs(rec)
	_, err := s.submit(ctx, s.saves, p)
	return err
}

// submit hands p to the goroutine that reads ch (the writer, or the logger)
// and waits for its answer; queued tells whether p was handed over.
func (s *Store) submit(ctx context.Context, ch chan *pendingSave, p *pendingSave) (queued bool, err error) {
	id := p.id
	select {
	case ch <- p:
	case <-s.quit:
		p.release()
		return false, fmt.Errorf("store: save report %s: the store is closed", id)
	case <-ctx.Done():
		p.release()
		return false, fmt.Errorf("store: save report %s: %w", id, ctx.Err())
	}
	// Once queued the row will be written: wait for the answer whatever ctx
	// says, so that it tells the truth.
	select {
	case err = <-p.err:
	case <-s.finished():
		// The writer stopped; it may have committed p on its way out.
		select {
		case err = <-p.err:
		default:
			// Not answered: p is not reused, should an answer still come.
			return true, fmt.Errorf("store: save report %s: the store is closed", id)
		}
	}
	p.release()
	if err != nil {
		return true, fmt.Errorf("store: save report %s in %s: %w", id, s.where, classify(err))
	}
	return true, nil
}

// finished is closed once no save will be answered any more: when the writer
// stopped, or the syncer after it.
func (s *Store) finished() chan struct{} {
	if s.syncerDone != nil {
		return s.syncerDone
	}
	return s.done
}

// drain appends to group the saves queued on ch, up to limit, without waiting.
func drain(ch chan *pendingSave, group []*pendingSave, limit int) []*pendingSave {
	for len(group) < limit {
		select {
		case p := <-ch:
			group = append(group, p)
		default:
			return group
		}
	}
	return group
}

// widen waits for more saves on ch, up to limit, for window at most and, when
// gap is shorter, no longer than gap after the last one came: a group waits for
// the checks finishing together, not for the clients waiting on this very
// group. timer is the caller's, made here the first time.
func widen(ch chan *pendingSave, quit chan struct{}, group []*pendingSave, limit int, window, gap time.Duration, timer **time.Timer) []*pendingSave {
	if *timer == nil {
		*timer = time.NewTimer(window)
	} else {
		(*timer).Reset(window)
	}
	t := *timer
	defer t.Stop()
	deadline := time.Now().Add(window)
	for len(group) < limit {
		select {
		case p := <-ch:
			group = append(group, p)
			if gap < window {
				left := time.Until(deadline)
				if left <= 0 {
					return group
				}
				t.Reset(min(gap, left))
			}
		case <-t.C:
			return group
		case <-quit:
			return group
		}
	}
	return group
}

// writer commits queued saves in groups until Close.
func (s *Store) writer() {
	defer close(s.done)
	group := make([]*pendingSave, 0, maxGroup)
	var timer *time.Timer
	var load cpuLoad
	for {
		var first *pendingSave
		select {
		case first = <-s.saves:
		case <-s.quit:
			// Commit what was queued before Close.
			for {
				select {
				case p := <-s.saves:
					s.commit([]*pendingSave{p})
				default:
					return
				}
			}
		}
		busy := len(group) > 1
		group = drain(s.saves, append(group[:0], first), maxGroup)
		// While the syncer is fsyncing, the saves it will acknowledge next are
		// those committed after: gather them until it is done, then commit them
		// in one transaction (the fsync's wait is the group's window).
		s.checkpoint()
	gather:
		for len(group) < maxGroup && s.syncing.Load() {
			select {
			case p := <-s.saves:
				group = append(group, p)
			case <-s.syncIdle:
			case <-s.quit:
				break gather
			}
		}
		if busy && s.window > 0 && len(group) < maxGroup && (s.synced == nil || load.saturated()) {
			// PostgreSQL waits the window out; SQLite's closes early (see widen).
			gap := s.window
			if s.synced != nil {
				gap = min(s.gap, s.window)
			}
			group = widen(s.saves, s.quit, group, maxGroup, s.window, gap, &timer)
		}
		s.commit(group)
	}
}

// commit writes a group in one transaction; if that fails, each row alone, so
// that one bad row (a duplicate id) fails only its own Save. It answers the
// saves, or hands the committed ones to the syncer (sqliteWriter).
func (s *Store) commit(group []*pendingSave) {
	// No deadline on SQLite: a context that can end costs the driver a watcher
	// goroutine and a progress handler per statement, and a local commit that
	// waits on a lock ends with busy_timeout anyway.
	ctx := context.Background()
	if s.dialect == postgres {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Minute)
		defer cancel()
	}
	s.commits.Add(1)
	s.rows.Add(int64(len(group)))
	exec, begin, unsynced := s.sqliteWriter(ctx)
	if s.dialect == sqlite {
		if s.conn != nil && s.lg == nil {
			s.installDict(ctx, s.conn.ExecContext)
		} else {
			s.installDict(ctx, s.db.ExecContext)
		}
	}
	if exec == nil {
		exec, begin = s.insert.ExecContext, func(ctx context.Context) (*sql.Tx, error) { return s.db.BeginTx(ctx, nil) }
	}
	if len(group) == 1 {
		_, group[0].result = exec(ctx, group[0].args...)
	} else {
		err := func() error {
			tx, err := begin(ctx)
			if err != nil {
				return err
			}
			if err := s.insertGroup(ctx, tx, len(group), func(i int) []any { return group[i].args }, &s.args); err != nil {
				tx.Rollback()
				return err
			}
			return tx.Commit()
		}()
		for _, p := range group {
			p.result = err
			if err != nil {
				_, p.result = exec(ctx, p.args...)
			}
		}
	}
	if s.lg != nil {
		// Rows put in SQLite beside the redo log (tests): ids reserve must look up.
		s.lg.mu.Lock()
		for _, p := range group {
			if p.result == nil {
				s.lg.noteID(p.id)
			}
		}
		s.lg.mu.Unlock()
	}
	var committed []*pendingSave
	failed := false
	for _, p := range group {
		if p.result == nil && unsynced {
			committed = append(committed, p)
			continue
		}
		failed = failed || p.result != nil
		p.err <- p.result
	}
	if len(committed) > 0 {
		// Rows towards the next checkpoint: SQLite's writer only (PostgreSQL's
		// saves were answered above, and their Saves may have returned).
		s.uncheckpointed += len(committed)
		s.syncing.Store(true)
		s.synced <- syncJob{wal: s.walFile, saves: committed}
	}
	if failed && s.conn != nil && s.lg == nil {
		// Start again on a fresh connection, in case this one is the trouble; the
		// syncer closes its WAL file after the groups committed on it.
		s.connIns.Close()
		s.conn.Close()
		s.synced <- syncJob{wal: s.walFile}
		s.conn, s.connIns, s.walFile = nil, nil, nil
	}
}

// maxChunkLog bounds the rows one INSERT statement writes: 2^6 = 64 rows, 1,408
// parameters (SQLite allows 32,766, PostgreSQL 65,535).
const maxChunkLog = 6

// insertGroup inserts a group's rows in tx with as few statements as the
// powers of two its size is made of (13 rows: 8, 4, 1), each a multi-row
// INSERT prepared once. Why: modernc's SQLite pays per statement run — the
// database/sql call, the step, the reset and the bindings' clearing — which one
// statement a row paid for every row (BenchmarkSave, 64 writers: −10 % CPU an
// insert); a group's rows are committed together anyway, and a failure fails
// the group either way (commit then retries its rows alone).
//
// row(i) is the i-th of the rows' values; buf the caller's buffer for a
// statement's arguments (the writer's, or the inserter's).
func (s *Store) insertGroup(ctx context.Context, tx *sql.Tx, rows int, row func(i int) []any, buf *[]any) error {
	defer func() { clear(*buf) }() // keep no reference to the rows' bytes
	for i := 0; i < rows; {
		k := min(bits.Len(uint(rows-i))-1, maxChunkLog)
		n := 1 << k
		stmt, err := s.insertN(ctx, k)
		if err != nil {
			return err
		}
		args := (*buf)[:0]
		for j := i; j < i+n; j++ {
			args = append(args, row(j)...)
		}
		*buf = args
		ts := tx.StmtContext(ctx, stmt)
		_, err = ts.ExecContext(ctx, args...)
		ts.Close()
		if err != nil {
			return err
		}
		i += n
	}
	return nil
}

// insertN returns the statement inserting 2^k rows, preparing it the first time
// (on the pool: a transaction's StmtContext then prepares it once on each
// connection and reuses it).
func (s *Store) insertN(ctx context.Context, k int) (*sql.Stmt, error) {
	if k == 0 {
		return s.insert, nil
	}
	// The writer and the inserter are one goroutine each, but tests drive
	// commit beside the inserter.
	s.insertsMu.Lock()
	defer s.insertsMu.Unlock()
	if s.inserts[k] == nil {
		st, err := s.db.PrepareContext(ctx, s.insertQuery(k))
		if err != nil {
			return nil, fmt.Errorf("prepare the insert of %d rows: %w", 1<<k, err)
		}
		s.inserts[k] = st
	}
	return s.inserts[k], nil
}

// insertQuery is the statement inserting 2^k rows: insertReport for one.
func (s *Store) insertQuery(k int) string { return s.insertRows(insertReport, k) }

// insertRows is the statement inserting 2^k rows with insert's columns
// (insertReport or insertBucketed).
func (s *Store) insertRows(insert string, k int) string {
	if k == 0 {
		return s.rebind(insert)
	}
	values := insert[strings.Index(insert, "(?"):]
	q := insert + strings.Repeat(",\n\t"+values, 1<<k-1)
	if s.dialect == sqlite {
		// OR ROLLBACK: a failing row (a duplicate id) ends the whole
		// transaction, which commit then retries row by row anyway. With the
		// default (ABORT) SQLite would keep a statement journal to undo a
		// multi-row statement alone: a copy of every page the statement
		// changes (~28 for 8 rows), which spills to a temporary file past
		// 64 KiB; that cost more than the statements saved (+19 to +33 %
		// CPU an insert in BenchmarkSave).
		q = strings.Replace(q, "INSERT INTO", "INSERT OR ROLLBACK INTO", 1)
	}
	return s.rebind(q)
}

// sqliteWriter returns the insert and the transaction start of the writer's own
// SQLite connection, and whether its commits still need the syncer's fsync;
// nil functions mean the pool's (PostgreSQL, or SQLite when the connection
// cannot be set up as below: its commits then fsync themselves).
//
// Why: with synchronous=FULL SQLite fsyncs the WAL inside COMMIT, holding the
// write lock, so one writer spends most of its time waiting for the disk
// (~1 ms an fsync here) while the next group waits for it. On this connection
// the commits run with synchronous=NORMAL — the frames are written to the WAL
// but not fsynced — and the syncer goroutine fsyncs the WAL file while the
// writer commits the next group; a save is acknowledged only after an fsync that
// started after its commit returned. That is the durability of FULL (an fsync
// of the WAL covers every frame written before it, commit frame included; SQLite
// replays the WAL up to its last valid commit), with the disk's wait overlapped
// with the next group's inserts. The other connections keep FULL.
func (s *Store) sqliteWriter(ctx context.Context) (exec func(context.Context, ...any) (sql.Result, error), begin func(context.Context) (*sql.Tx, error), unsynced bool) {
	if s.synced == nil {
		return nil, nil, false
	}
	if s.conn == nil && !s.openWriterConn(ctx) {
		return nil, nil, false
	}
	begin = func(ctx context.Context) (*sql.Tx, error) { return s.conn.BeginTx(ctx, nil) }
	return s.connIns.ExecContext, begin, true
}

// openWriterConn sets up the writer's own connection (see sqliteWriter; with
// the redo log, the inserter's), and tells whether it could.
func (s *Store) openWriterConn(ctx context.Context) bool {
	// The WAL must be there to be fsynced: the migrations wrote it.
	if _, err := os.Stat(s.wal); err != nil {
		return false
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false
	}
	var mode string
	if conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode) != nil || !strings.EqualFold(mode, "wal") {
		conn.Close()
		return false
	}
	// No checkpoint inside the commits either: the writer runs them while it
	// waits for the syncer (see checkpoint). After a checkpoint the WAL
	// starts over in place, so its file is overwritten, not grown, and the
	// syncer's fdatasync has no size to record; journal_size_limit cuts it
	// back should a long reader ever have let it grow far.
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864`); err != nil {
		conn.Close()
		return false
	}
	// Opened after the connection: while it is open, this is its WAL.
	wal, err := os.OpenFile(s.wal, os.O_RDWR, 0)
	if err != nil {
		conn.Close()
		return false
	}
	ins, err := conn.PrepareContext(ctx, insertReport)
	if err != nil {
		wal.Close()
		conn.Close()
		return false
	}
	s.conn, s.connIns, s.walFile = conn, ins, wal
	return true
}

// syncer fsyncs the WAL for the groups the writer committed, all those queued
// by the time it starts, and acknowledges their saves.
func (s *Store) syncer() {
	defer close(s.syncerDone)
	var jobs []syncJob
	for first := range s.synced {
		jobs = append(jobs[:0], first)
	more:
		for {
			select {
			case j, ok := <-s.synced:
				if !ok {
					break more
				}
				jobs = append(jobs, j)
			default:
				break more
			}
		}
		// One fsync a WAL file for all the groups queued (one file but when the
		// writer changed connections meanwhile).
		var synced *os.File
		var err error
		for _, j := range jobs {
			if j.saves == nil {
				continue
			}
			if j.wal != synced {
				synced = j.wal
				if err = datasync(j.wal); err != nil {
					err = fmt.Errorf("fsync %s: %w", s.wal, err)
				}
				s.fsyncs.Add(1)
			}
			for _, p := range j.saves {
				p.err <- err
			}
		}
		for _, j := range jobs {
			if j.saves == nil {
				j.wal.Close()
			}
		}
		if len(s.synced) == 0 {
			s.syncing.Store(false)
			select {
			case s.syncIdle <- struct{}{}:
			default:
			}
		}
	}
}

// Checkpoints copy the WAL's committed frames into the database file and let
// the next transaction start the WAL over. SQLite runs them inside a commit once
// the WAL holds 1,000 frames; the writer's own connection has that off and runs
// them instead, between its transactions, once the WAL holds about
// checkpointFrames frames while the syncer is busy (the writer would wait for
// it anyway), or twice as many in any case. The WAL's frames are counted only
// by a checkpoint: the writer judges by the rows committed since the last one
// and the frames a row took up to it (framesPerRow). PASSIVE, on the writer's
// connection: nothing writes meanwhile, so the checkpoint completes (unless a
// reader holds old frames) and the WAL restarts.
//
// Why 32 MB of WAL (checkpointWAL: 4,096 frames of 8 KiB, 8,192 of an
// archive made with 4 KiB pages; half of journal_size_limit), not 256 rows
// (1–4 MB) as before: a checkpoint makes the writer wait for two fdatasyncs
// (the WAL's, the database file's), and it writes a page once however many
// commits rewrote it (the right edges of the time-ordered indexes, the table's
// last leaf). BenchmarkSave, 3 alternate runs: −10 to −18 % CPU an insert and a
// higher rate at 16 and 64 writers (in its small archive the random-key index
// pages are rewritten too, which a large archive's are less).
const (
	checkpointWAL       = 32 << 20
	initialFramesPerRow = 16 // a lone row's commit
)

func (s *Store) checkpoint() {
	if s.conn == nil {
		return
	}
	due := float64(s.uncheckpointed) * s.framesPerRow
	if due < float64(s.checkpointFrames) || (due < 2*float64(s.checkpointFrames) && !s.syncing.Load()) {
		return
	}
	rows := s.uncheckpointed
	s.uncheckpointed = 0
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// An error leaves the frames in the WAL, durable; the next round tries again.
	var busy, frames, done int64
	if s.conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done) == nil {
		s.frames.Add(frames)
		if frames > 0 && rows > 0 {
			s.framesPerRow = float64(frames) / float64(rows)
		}
	}
}

// Get returns the archived report with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Record, error) {
	// A report acknowledged but not yet in SQLite is answered from memory (the
	// inserter may be waiting for its batch to grow, or failing: a full disk);
	// any other is in SQLite already, or was not acknowledged before this call.
	// So Get waits for no inserter.
	if rec, err := s.pendingRecord(ctx, id); rec != nil || err != nil {
		return rec, err
	}
	rec := &Record{ID: id}
	var us int64
	var project, report, footprint string
	var packed []byte
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT created_at_us, input_hash, input, input_name, input_type,
		project, dataset_name, dataset_version, verdict, report, footprint, report_packed FROM reports WHERE id = ?`), id).
		Scan(&us, &rec.InputHash, &rec.Input, &rec.InputName, &rec.InputType, &project,
			&rec.DatasetName, &rec.DatasetVersion, &rec.Verdict, &report, &footprint, &packed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get report %s from %s: %w", id, s.where, classify(err))
	}
	rec.CreatedAt = time.UnixMicro(us).UTC()
	rec.Project = json.RawMessage(project)
	rec.Report = json.RawMessage(report)
	if packed != nil {
		b, err := s.unpack(ctx, packed)
		if err != nil {
			return nil, fmt.Errorf("store: get report %s from %s: %w", id, s.where, err)
		}
		rec.Report = b
	}
	if footprint != "" {
		rec.Footprint = json.RawMessage(footprint)
	}
	return rec, nil
}

// ByInputHash lists the reports made from the input with the given hash, newest
// first, at most limit of them.
func (s *Store) ByInputHash(ctx context.Context, hash string, limit int) ([]Summary, error) {
	if limit <= 0 {
		limit = 100
	}
	page, err := s.List(ctx, Filter{InputHash: hash, Limit: limit})
	return page.Reports, err
}

// Count returns the number of archived reports.
func (s *Store) Count(ctx context.Context) (int64, error) {
	if err := s.caughtUp(ctx); err != nil {
		return 0, err
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count reports in %s: %w", s.where, err)
	}
	return n, nil
}

// withSyncCommit asks the server for synchronous commits on our sessions (the
// server's default, which an operator may have turned off): an acknowledged report
// must survive a crash. A URL that sets synchronous_commit itself is left alone.
func withSyncCommit(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // pgx will say what is wrong with it
	}
	q := u.Query()
	if q.Has("synchronous_commit") {
		return dsn
	}
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	return u.String()
}

// redact removes a password from a URL-like DSN for messages.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// cpuLoad tells whether the process keeps its processors busy. SQLite's window
// is worth its wait only then: a commit's CPU is what limits the rate, and the
// checks not yet in the group are queued for a processor anyway. When the cores
// have room, the rate is bounded by each client's wait instead (with 16
// clients, one check in flight each), which a window would only lengthen:
// measured, 16 clients lost a third of their rate with it, 64 gained as much.
type cpuLoad struct {
	wall time.Time
	cpu  time.Duration
	busy bool
}

// cpuLoadSpan is how long a measure of the load lasts.
const cpuLoadSpan = 5 * time.Millisecond

// saturated reports whether the process used at least 85 % of GOMAXPROCS
// processors over the last span or so.
func (l *cpuLoad) saturated() bool {
	now := time.Now()
	if d := now.Sub(l.wall); d >= cpuLoadSpan {
		cpu, ok := proccpu.Used()
		if !ok {
			return false
		}
		if !l.wall.IsZero() {
			l.busy = float64(cpu-l.cpu) >= 0.85*float64(d)*float64(runtime.GOMAXPROCS(0))
		}
		l.wall, l.cpu = now, cpu
	}
	return l.busy
}
