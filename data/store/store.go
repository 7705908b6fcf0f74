// Package store archives check reports: the input as received, its SHA-256, the
// project facts, the dataset name and version, and the report. SQLite (pure Go,
// modernc.org/sqlite, WAL, synchronous=FULL) by default; PostgreSQL (pgx) when
// opened with a postgres:// URL. Both hold the same schema.
//
// Save returns only after the row is committed durably: SQLite in WAL mode with
// synchronous=FULL fsyncs the WAL at commit; PostgreSQL commits synchronously
// unless the server was configured otherwise.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

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
}

// Store is a report archive. It is safe for concurrent use.
//
// Saves are committed in groups: concurrent Saves queue for one writer, which
// inserts everything queued in one transaction, so that one fsync acknowledges
// many reports. A Save still returns only after its own row is committed.
type Store struct {
	db      *sql.DB
	dialect dialect
	where   string // what was opened, for error messages (no password)

	saves chan *pendingSave
	quit  chan struct{}
	done  chan struct{}
}

type pendingSave struct {
	rec *Record
	err chan error
}

// maxGroup bounds the reports committed in one transaction.
const maxGroup = 256

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
		// _txlock=immediate: writers take the lock at BEGIN, so concurrent saves
		// queue on busy_timeout instead of failing with SQLITE_BUSY on upgrade.
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
	s.saves = make(chan *pendingSave, maxGroup)
	s.quit = make(chan struct{})
	s.done = make(chan struct{})
	go s.writer()
	return s, nil
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
	close(s.quit)
	<-s.done
	return s.db.Close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return classify(s.db.PingContext(ctx)) }

// migrations bring the schema from version i to i+1. The schema is the same on both
// databases; only the binary type's name differs (BLOB / BYTEA), written as %BLOB%.
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
	// 2: the columns List filters on, read out of the stored JSON (see derive).
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
	blob := "BLOB"
	if s.dialect == postgres {
		blob = "BYTEA"
	}
	for v := version; v < len(migrations); v++ {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for stmt := range strings.SplitSeq(strings.ReplaceAll(migrations[v].ddl, "%BLOB%", blob), ";") {
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
	 project_name, industry, governing_rule, min_lon, min_lat, max_lon, max_lat, high_energy)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertArgs(rec *Record) []any {
	project := string(rec.Project)
	if project == "" {
		project = "{}"
	}
	input := rec.Input
	if input == nil {
		input = []byte{}
	}
	d := derive(rec.Project, rec.Report, rec.Footprint)
	return append([]any{rec.ID, rec.CreatedAt.UnixMicro(), rec.InputHash, input, rec.InputName, rec.InputType, project,
		rec.DatasetName, rec.DatasetVersion, rec.Verdict, string(rec.Report), string(rec.Footprint)}, append(d.args(), highEnergy(rec.Report))...)
}

// Save archives rec; it returns once the row is durably committed.
func (s *Store) Save(ctx context.Context, rec *Record) error {
	if rec.ID == "" {
		return errors.New("store: save: record without id")
	}
	closed := fmt.Errorf("store: save report %s: the store is closed", rec.ID)
	select {
	case <-s.quit:
		return closed
	default:
	}
	p := &pendingSave{rec: rec, err: make(chan error, 1)}
	select {
	case s.saves <- p:
	case <-s.quit:
		return closed
	case <-ctx.Done():
		return fmt.Errorf("store: save report %s: %w", rec.ID, ctx.Err())
	}
	// Once queued the row will be written: wait for the commit whatever ctx says,
	// so that the answer tells the truth.
	var err error
	select {
	case err = <-p.err:
	case <-s.done:
		// The writer stopped; it may have committed p on its way out.
		select {
		case err = <-p.err:
		default:
			return closed
		}
	}
	if err != nil {
		return fmt.Errorf("store: save report %s in %s: %w", rec.ID, s.where, classify(err))
	}
	return nil
}

// writer commits queued saves in groups until Close.
func (s *Store) writer() {
	defer close(s.done)
	group := make([]*pendingSave, 0, maxGroup)
	for {
		var first *pendingSave
		select {
		case first = <-s.saves:
		case <-s.quit:
			// Drain what was queued before Close.
			for {
				select {
				case p := <-s.saves:
					s.commit([]*pendingSave{p})
				default:
					return
				}
			}
		}
		group = append(group[:0], first)
	fill:
		for len(group) < maxGroup {
			select {
			case p := <-s.saves:
				group = append(group, p)
			default:
				break fill
			}
		}
		s.commit(group)
	}
}

// commit writes a group in one transaction; if that fails, each row alone, so
// that one bad row (a duplicate id) fails only its own Save.
func (s *Store) commit(group []*pendingSave) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if len(group) == 1 {
		_, err := s.db.ExecContext(ctx, s.rebind(insertReport), insertArgs(group[0].rec)...)
		group[0].err <- err
		return
	}
	err := func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, s.rebind(insertReport))
		if err != nil {
			tx.Rollback()
			return err
		}
		for _, p := range group {
			if _, err := stmt.ExecContext(ctx, insertArgs(p.rec)...); err != nil {
				stmt.Close()
				tx.Rollback()
				return err
			}
		}
		stmt.Close()
		return tx.Commit()
	}()
	if err == nil {
		for _, p := range group {
			p.err <- nil
		}
		return
	}
	for _, p := range group {
		_, err := s.db.ExecContext(ctx, s.rebind(insertReport), insertArgs(p.rec)...)
		p.err <- err
	}
}

// Get returns the archived report with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Record, error) {
	rec := &Record{ID: id}
	var us int64
	var project, report, footprint string
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT created_at_us, input_hash, input, input_name, input_type,
		project, dataset_name, dataset_version, verdict, report, footprint FROM reports WHERE id = ?`), id).
		Scan(&us, &rec.InputHash, &rec.Input, &rec.InputName, &rec.InputType, &project,
			&rec.DatasetName, &rec.DatasetVersion, &rec.Verdict, &report, &footprint)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get report %s from %s: %w", id, s.where, classify(err))
	}
	rec.CreatedAt = time.UnixMicro(us).UTC()
	rec.Project = json.RawMessage(project)
	rec.Report = json.RawMessage(report)
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
