// Package replica keeps identical redline replicas on one dataset version
// through the PostgreSQL they share — an engine the operator already runs, not
// a cluster protocol of our own.
//
// A reload made on one replica (the admin API) is announced: the replica writes
// the source and version it now serves into redline_dataset_state under the next
// generation number and sends NOTIFY on the channel redline_dataset in the same
// transaction. Every replica LISTENs on that channel and also reads the row every
// Poll (the fallback for a lost notification or a dropped connection); when the
// row's generation is newer than the one it serves, it loads the announced
// source. A replica that cannot load it keeps serving what it has and says it is
// behind (Status), and tries again at every poll. So no replica serves an older
// version than the newest announced for longer than the notification's latency
// plus one load — or, without notifications, Poll plus one load.
package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the PostgreSQL notification channel of announcements.
const Channel = "redline_dataset"

// DefaultPoll is how often the announcement row is read when no notification comes.
const DefaultPoll = 5 * time.Second

// Config sets up a Sync.
type Config struct {
	// DSN is the shared PostgreSQL database (a postgres:// URL).
	DSN string
	// Origin names this replica in announcements and logs (host:port).
	Origin string
	// Poll is the fallback reading interval (DefaultPoll).
	Poll time.Duration
	// Load loads source and puts it in service, returning the version it serves.
	Load func(ctx context.Context, source string) (version string, err error)
	// Current returns the source and version in service; ok is false before the
	// first load.
	Current func() (source, version string, ok bool)
	// Logger; nil discards.
	Logger *slog.Logger
}

// Status is what a replica says of its place among the others (/readyz, /metrics).
type Status struct {
	// Generation is the newest announcement seen; Applied the one in service
	// (0: this replica serves what it started with, and nothing was announced).
	Generation int64 `json:"generation"`
	Applied    int64 `json:"applied"`
	// Source and Version are the newest announcement's.
	Source  string `json:"source,omitempty"`
	Version string `json:"version,omitempty"`
	// Behind is true while this replica serves an older dataset than the newest
	// announced because it could not load it; Error says why, BehindSince since when.
	Behind      bool       `json:"behind"`
	Error       string     `json:"error,omitempty"`
	BehindSince *time.Time `json:"behind_since,omitempty"`
	// Failures counts announced loads that failed here.
	Failures int64 `json:"failures"`
	// Listening is true while the LISTEN connection is up; CheckedAt is when
	// the announcement was last read (a replica cut off from the database
	// cannot know it is behind: this says since when it has not looked).
	Listening bool       `json:"listening"`
	CheckedAt *time.Time `json:"checked_at,omitempty"`
	// PollS is the fallback interval in seconds.
	PollS float64 `json:"poll_s"`
}

// Sync follows and makes announcements. Create it with Open, run it with Run.
type Sync struct {
	cfg  Config
	pool *pgxpool.Pool
	log  *slog.Logger
	wake chan struct{}

	mu sync.Mutex // guards st
	st Status
	// apply serialises loads made for announcements with Announce.
	apply sync.Mutex
}

// Open connects and creates the announcement table when it is missing.
func Open(ctx context.Context, cfg Config) (*Sync, error) {
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Load == nil || cfg.Current == nil {
		return nil, errors.New("replica: Config.Load and Config.Current are required")
	}
	s := &Sync{cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.st.PollS = cfg.Poll.Seconds()
	var err error
	if s.pool, err = pgxpool.New(ctx, cfg.DSN); err != nil {
		return nil, fmt.Errorf("replica: connect: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("replica: create redline_dataset_state: %w", err)
	}
	return s, nil
}

func (s *Sync) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// Replicas starting together must not both create the table.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7235413)`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7235413)`)
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS redline_dataset_state (
		id           INTEGER PRIMARY KEY CHECK (id = 1),
		generation   BIGINT NOT NULL,
		source       TEXT NOT NULL,
		version      TEXT NOT NULL,
		origin       TEXT NOT NULL,
		announced_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
	return err
}

// Close lets the connections go.
func (s *Sync) Close() { s.pool.Close() }

// Status returns what this replica knows now.
func (s *Sync) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Announce tells every replica that this one now serves version from source:
// the next generation is written and notified in one transaction.
func (s *Sync) Announce(ctx context.Context, source, version string) error {
	s.apply.Lock()
	defer s.apply.Unlock()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("replica: announce %s: %w", version, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var gen int64
	err = tx.QueryRow(ctx, `INSERT INTO redline_dataset_state (id, generation, source, version, origin)
		VALUES (1, 1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET generation = redline_dataset_state.generation + 1,
			source = EXCLUDED.source, version = EXCLUDED.version, origin = EXCLUDED.origin, announced_at = now()
		RETURNING generation`, source, version, s.cfg.Origin).Scan(&gen)
	if err != nil {
		return fmt.Errorf("replica: announce %s: %w", version, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, strconv.FormatInt(gen, 10)); err != nil {
		return fmt.Errorf("replica: notify %s: %w", version, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("replica: announce %s: %w", version, err)
	}
	s.mu.Lock()
	s.st.Generation, s.st.Applied, s.st.Source, s.st.Version = gen, gen, source, version
	s.st.Behind, s.st.Error, s.st.BehindSince = false, "", nil
	s.mu.Unlock()
	s.log.Info("dataset announced to the replicas", slog.Int64("generation", gen), slog.String("version", version))
	return nil
}

// Run follows the announcements until ctx ends: at once, on every
// notification, and every Poll.
func (s *Sync) Run(ctx context.Context) {
	go s.listen(ctx)
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	for {
		if err := s.Follow(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("replica: following the announcement failed", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// listen holds a LISTEN connection, waking Run on every notification, and
// reconnects after a second when it drops.
func (s *Sync) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		s.setListening(false)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("replica: LISTEN connection lost; polling meanwhile", slog.String("error", fmt.Sprint(err)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *Sync) listenOnce(ctx context.Context) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that LISTENed is not given back to the pool.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return err
	}
	s.setListening(true)
	// What was announced while we were not listening.
	s.poke()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		s.poke()
	}
}

func (s *Sync) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Sync) setListening(on bool) {
	s.mu.Lock()
	s.st.Listening = on
	s.mu.Unlock()
}

// Follow reads the announcement and, when it is newer than what this replica
// serves, loads it. A failed load leaves the replica behind (and is tried again
// at the next call).
func (s *Sync) Follow(ctx context.Context) error {
	var gen int64
	var source, version string
	err := s.pool.QueryRow(ctx, `SELECT generation, source, version FROM redline_dataset_state WHERE id = 1`).Scan(&gen, &source, &version)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	now := time.Now().UTC()
	s.mu.Lock()
	s.st.CheckedAt = &now
	s.mu.Unlock()
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // nothing announced yet
	}
	s.apply.Lock()
	defer s.apply.Unlock()
	s.mu.Lock()
	s.st.Generation, s.st.Source, s.st.Version = gen, source, version
	applied := s.st.Applied
	s.mu.Unlock()
	if gen <= applied {
		return nil
	}
	if cur, ver, ok := s.cfg.Current(); ok && cur == source && ver == version {
		s.applied(gen)
		return nil
	}
	s.log.Info("loading the dataset another replica announced", slog.Int64("generation", gen),
		slog.String("source", source), slog.String("version", version))
	got, err := s.cfg.Load(ctx, source)
	if err == nil && got != version {
		// The source changed again after the announcement: what we loaded is
		// newer or other; the replica that announced will announce again.
		s.log.Warn("replica: the announced source now holds another version",
			slog.String("announced", version), slog.String("loaded", got))
	}
	if err != nil {
		now = time.Now().UTC()
		s.mu.Lock()
		if !s.st.Behind {
			s.st.BehindSince = &now
		}
		s.st.Behind, s.st.Error = true, err.Error()
		s.st.Failures++
		s.mu.Unlock()
		return fmt.Errorf("replica: load generation %d (%s %s): %w", gen, source, version, err)
	}
	s.applied(gen)
	return nil
}

func (s *Sync) applied(gen int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Applied = gen
	s.st.Behind, s.st.Error, s.st.BehindSince = false, "", nil
}
