package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The logged path (SQLite): a save is acknowledged once its row is in the
// redo log (redo.go) and the log is fsynced; an inserter goroutine puts the
// rows into SQLite afterwards, in transactions that do not fsync.
//
// Why: with group commit a save waited for the running cycle, then its
// group's SQLite commit (~220 µs of CPU for ~5 rows: B-tree inserts into the
// table and its 8 indexes, ~29 WAL frames written with two syscalls each),
// then an fsync of the WAL. Now it waits for one pwrite of the group's
// records (~5 KB a row) and an fdatasync; the SQLite work runs beside, off
// the path, in batches that grow by themselves when it falls behind (and
// larger commits rewrite the indexes' right edges once for more rows).
//
// The durability argument, step by step:
//  1. Save encodes its row (appendRecordRow) and reserves its id (no two saves of
//     one id, no id SQLite holds: see reserve).
//  2. The logger appends the records of every save queued with one pwrite and
//     fdatasyncs the log (through AIO on Linux: aiosync_linux.go; the same
//     flush, run by the kernel without holding a Go processor); only then
//     does it answer them. An acknowledged row is on disk in the log, with a
//     CRC over the round's salt, its sequence number and its values.
//  3. The inserter commits the rows into SQLite (synchronous=NORMAL: the WAL
//     frames are written, not fsynced) and publishes how far it got.
//  4. The log is reused from its start (a new round, a new salt) only once
//     every record in it is durably in SQLite: the inserter fdatasyncs SQLite's
//     WAL when the logger asks, and the logger waits for that.
//  5. At Open, the records of the current round are inserted again (INSERT OR
//     IGNORE: those already in SQLite are skipped) and committed with an fsync
//     before a new round begins. After kill -9 or a power cut, every
//     acknowledged row is therefore in SQLite's durable state or in the log's
//     current round.
//
// Another process that opens the same archive finds the log locked and keeps
// to group commit (commit, syncer): SQLite serialises the two.

// redoLog is the logged path's state.
type redoLog struct {
	path string
	f    *os.File
	// aio flushes f for the logger without holding a processor (aiosync_linux.go);
	// nil where the kernel has none: datasync.
	aio *aioSync
	// limit is the offset past which the logger starts a new round (once SQLite
	// holds every record).
	limit int64

	// The logger's own: the current round, the next record's sequence number,
	// where it goes, and the records' buffer. newRound is set after a failed
	// write: the file may hold part of records never acknowledged, which a
	// new salt makes unreadable.
	round    redoRound
	next     uint64
	off      int64
	buf      []byte
	newRound bool

	saves                    chan *pendingSave
	loggerDone, inserterDone chan struct{}
	// wake (capacity 1) tells the inserter there are rows, or a request.
	wake chan struct{}
	// hold, when set (tests), keeps the inserter waiting until it is closed.
	hold atomic.Pointer[chan struct{}]

	mu sync.Mutex
	// pending are the ids reserved by saves, until their rows are in SQLite
	// (or their saves failed); queue the acknowledged rows not yet inserted.
	pending map[string]*pendingRow
	queue   []*pendingRow
	// queued is the size of the queue's records.
	queued int
	// acked is the last sequence number acknowledged, inserted the last
	// committed into SQLite, durable the last durably there (fsynced);
	// wantDurable what the logger waits for.
	acked, inserted, durable, wantDurable uint64
	// err is the inserter's last failure (nil once it succeeds again), failures
	// counts them.
	err      error
	failures int
	// readers counts the reads waiting for the inserter (caughtUp).
	readers int
	// progress is closed (and replaced) when inserted, durable or err change.
	progress chan struct{}
	// recent are the ids put in SQLite since its greatest id was recentFloor,
	// older those of the generation before, since floor: every id SQLite
	// holds above floor is in one of them (see reserve). A generation ends at
	// recentLimit ids (tests lower it).
	recent, older      map[string]struct{}
	floor, recentFloor string
	recentLimit        int
	// lookups counts reserve's queries to SQLite.
	lookups atomic.Int64

	// The inserter's: the rows' arguments buffer; the bucket of input keys
	// its rows go to, the rows it holds, and their most (inputBucketRows;
	// tests lower it).
	args                   []any
	bucket                 int64
	bucketFill, bucketRows int

	rounds atomic.Int64
}

// pendingRow is a logged row on its way to SQLite.
type pendingRow struct {
	id    string
	seq   uint64
	args  []any
	acked bool
	// size is the row's record in the redo log.
	size int
}

// Redo log settings. maxLogGroup bounds the saves one log write takes (its
// buffer: ~5 KB a small check's row), maxInsertBatch the rows one SQLite
// transaction takes.
//
// The inserter waits up to insertDelay for minInsertBatch rows, unless a read
// or the logger waits for it: a commit rewrites the table's last leaf and the
// right edges of the time-ordered indexes once for all its rows, and an index
// leaf its rows share (schema 7 keys the bbox index so that they share its
// leaves), so larger commits cost fewer pages, and system calls, a row. A save waits only
// for the redo log, so the delay is no save's: 100 ms is ~1,000 rows at the
// rates of issue 12 (~5 MB of rows in memory; the redo log holds ~6,000). A
// read that must see the rows (caughtUp) ends the wait.
// BenchmarkCheckLoopback (archive, 6 pairs, busy host): 34–57 → 570–660 rows
// a commit, −12 % CPU a check at 32 and 64 clients.
//
// Nor does it wait once minInsertBytes of records are queued, and a
// transaction takes at most maxInsertBytes (and one row): the rows waiting are
// the room a full disk needs back before the archive goes on (the redo log
// starts a new round only once SQLite holds them all), so an operator who frees
// a megabyte finds the archive working again (TestArchiveDiskFull), whatever
// the size of the reports.
const (
	minInsertBatch = maxInsertBatch
	insertDelay    = 100 * time.Millisecond
	minInsertBytes = 512 << 10
	maxInsertBytes = 4 << 20
	redoLimit      = 32 << 20
	maxLogGroup    = 1024
	maxInsertBatch = 1024
	maxLogBuffer   = 4 << 20
)

// errStop ends the logger's wait when the store closes.
var errStop = errors.New("the store is closing")

// openRedo opens and locks the redo log beside the SQLite database at dsn,
// replays the records of its current round and starts a new one. It returns
// nil (and no error) when another process holds the log: this store then
// keeps to group commit.
func (s *Store) openRedo(ctx context.Context, dsn string, limit int64) (*redoLog, error) {
	path := dsn + "-redo"
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the redo log %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		slog.Info("report archive: the redo log is not ours; saves commit in groups instead",
			slog.String("log", path), slog.String("reason", err.Error()))
		return nil, nil
	}
	if os.IsNotExist(statErr) {
		// The new file's name must survive a power cut as its records do.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("sync the directory of %s: %w", path, err)
		}
	}
	lg := &redoLog{path: path, f: f, limit: limit, next: 1,
		saves:        make(chan *pendingSave, maxGroup),
		loggerDone:   make(chan struct{}),
		inserterDone: make(chan struct{}),
		wake:         make(chan struct{}, 1),
		pending:      map[string]*pendingRow{},
		progress:     make(chan struct{}),
	}
	if err := s.replay(ctx, lg); err != nil {
		f.Close()
		return nil, err
	}
	var maxID sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(id) FROM reports`).Scan(&maxID); err != nil {
		f.Close()
		return nil, fmt.Errorf("read the last report id: %w", err)
	}
	lg.floor, lg.recentFloor, lg.recent, lg.recentLimit = maxID.String, maxID.String, map[string]struct{}{}, recentIDs
	// The last bucket goes on filling from where it is.
	var last sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT max(input_bucket) FROM reports WHERE input_bucket IS NOT NULL`).Scan(&last)
	if err == nil && last.Valid {
		lg.bucket = last.Int64
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE input_bucket = ?`, last.Int64).Scan(&lg.bucketFill)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read the last bucket of input keys: %w", err)
	}
	lg.bucketRows = inputBucketRows
	fill(f, limit)
	if err := lg.startRound(); err == nil {
		err = datasync(f)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("start a round of the redo log %s: %w", path, err)
	}
	if a, err := newAIOSync(f); err == nil {
		lg.aio = a
	} else {
		slog.Debug("redo log: flushes with fdatasync", slog.String("path", path), slog.Any("reason", err))
	}
	return lg, nil
}

// flush makes the log's writes durable: through AIO while the kernel takes
// it, else fdatasync.
func (lg *redoLog) flush() error {
	if lg.aio != nil {
		err := lg.aio.sync()
		if !errors.Is(err, errNoAIO) {
			return err
		}
		slog.Info("redo log: the kernel refused an AIO flush; fdatasync from now on", slog.String("path", lg.path), slog.Any("error", err))
		lg.closeAIO()
	}
	return datasync(lg.f)
}

// closeAIO lets the AIO context go, before the file closes.
func (lg *redoLog) closeAIO() {
	if lg.aio != nil {
		lg.aio.close()
		lg.aio = nil
	}
}

// fill writes zeros up to size into the log, once, so that the rounds after
// overwrite blocks the file already has and an fdatasync records no new size
// or extent. A disk without room for it keeps the file as it was.
func fill(f *os.File, size int64) {
	fi, err := f.Stat()
	if err != nil || fi.Size() >= size {
		return
	}
	zeros := make([]byte, 1<<20)
	for off := fi.Size(); off < size; off += int64(len(zeros)) {
		if _, err := f.WriteAt(zeros[:min(int64(len(zeros)), size-off)], off); err != nil {
			f.Truncate(fi.Size())
			return
		}
	}
}

// syncDir fsyncs a directory (its entries).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replay inserts the records of the log's current round that SQLite lacks,
// and commits them durably (the pool's connections commit with an fsync).
func (s *Store) replay(ctx context.Context, lg *redoLog) error {
	b, err := readRedoFile(lg.f)
	if err != nil {
		return fmt.Errorf("read the redo log %s: %w", lg.path, err)
	}
	round, recs, err := readRound(b)
	if errors.Is(err, errNoRound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redo log %s: %w", lg.path, err)
	}
	lg.next = round.start + uint64(len(recs))
	if len(recs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replay the redo log %s: %w", lg.path, err)
	}
	defer tx.Rollback()
	added := 0
	for _, r := range recs {
		res, err := tx.ExecContext(ctx, insertOrIgnore, r.args...)
		if err != nil {
			return fmt.Errorf("replay record %d of the redo log %s: %w", r.seq, lg.path, classify(err))
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("replay the redo log %s: commit: %w", lg.path, classify(err))
	}
	slog.Info("report archive: replayed the redo log", slog.String("log", lg.path),
		slog.Int("records", len(recs)), slog.Int("inserted", added))
	return nil
}

// insertOrIgnore inserts a row unless its id is archived already.
var insertOrIgnore = strings.Replace(insertReport, "INSERT INTO", "INSERT OR IGNORE INTO", 1)

// startRound begins a new round at the log's start. The header is made
// durable by the fsync of the first records after it.
func (lg *redoLog) startRound() error {
	r := newRound(lg.next)
	if _, err := lg.f.WriteAt(r.header(), 0); err != nil {
		return err
	}
	lg.round, lg.off, lg.newRound = r, redoHeaderSize, false
	lg.rounds.Add(1)
	return nil
}

// saveLogged is Save on the logged path.
func (s *Store) saveLogged(ctx context.Context, rec *Record) error {
	lg := s.lg
	f := rec.facts()
	bp := packBuffers.Get().(*[]byte)
	packed := s.packer.packInto(bp, rec.Report)
	if s.packer.hasReady.Load() {
		// The dictionary learnt must be durable before a report packed with it
		// is acknowledged: stored now, on the pool (its commits fsync).
		s.installDict(context.WithoutCancel(ctx), s.db.ExecContext)
	}
	// The row's bytes are copied once, into its record's payload; the values
	// the inserter binds (and pendingRecord reads) are views of it, which
	// nothing changes: the row shares no byte with the caller.
	payload := appendRecordRow(make([]byte, 0, recordRowSize(rec, &f, packed)), rec, &f, packed)
	packBuffers.Put(bp)
	args, err := decodeRowView(payload)
	if err != nil {
		return fmt.Errorf("store: save report %s: %w", rec.ID, err)
	}
	row := &pendingRow{id: rec.ID, args: args}
	if err := s.reserve(ctx, row); err != nil {
		return err
	}
	p := pendingSaves.Get().(*pendingSave)
	p.id, p.row, p.payload = rec.ID, row, payload
	queued, err := s.submit(ctx, lg.saves, p)
	if !queued {
		s.unreserve(row)
	}
	return err
}

// reserve claims row's id: no other save of it is on its way, and SQLite
// does not hold it. The lookup in SQLite is skipped when the id is above every
// id SQLite held a generation of recentIDs rows ago (floor): the ids the
// inserter put there since are in memory (recent, older). Report ids begin
// with the time they were made (internal/reportid), so a new one is above
// floor and the check stays exact at the cost of a map lookup. (Above the
// greatest id alone was not enough: the checks in flight together finish out
// of the order of their ids, and ~40 % of the saves of 16 clients looked in
// SQLite, 14 µs each.)
func (s *Store) reserve(ctx context.Context, row *pendingRow) error {
	lg := s.lg
	lg.mu.Lock()
	if lg.known(row.id) {
		lg.mu.Unlock()
		return fmt.Errorf("store: save report %s in %s: %w", row.id, s.where, errDuplicate)
	}
	lg.pending[row.id] = row
	look := row.id <= lg.floor
	lg.mu.Unlock()
	if !look {
		return nil
	}
	lg.lookups.Add(1)
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM reports WHERE id = ?`, row.id).Scan(&one)
	switch {
	case err == nil:
		err = errDuplicate
	case errors.Is(err, sql.ErrNoRows):
		return nil
	}
	s.unreserve(row)
	return fmt.Errorf("store: save report %s in %s: %w", row.id, s.where, classify(err))
}

// known reports whether id is being saved or was put in SQLite by this store
// since floor; lg.mu is held.
func (lg *redoLog) known(id string) bool {
	if _, ok := lg.pending[id]; ok {
		return true
	}
	if _, ok := lg.recent[id]; ok {
		return true
	}
	_, ok := lg.older[id]
	return ok
}

// errDuplicate is a save's id already archived (or being saved).
var errDuplicate = errors.New("a report with this id is already archived")

// unreserve lets go of a row whose save failed.
func (s *Store) unreserve(row *pendingRow) {
	s.lg.mu.Lock()
	if s.lg.pending[row.id] == row {
		delete(s.lg.pending, row.id)
	}
	s.lg.mu.Unlock()
}

// noteID notes id, a row's put in SQLite, among the recent ids; lg.mu is held.
// A generation that ends becomes older, and the next one starts from the
// greatest id SQLite holds: recentFloor or one of the generation's.
func (lg *redoLog) noteID(id string) {
	lg.recent[id] = struct{}{}
	if len(lg.recent) >= lg.recentLimit {
		// Every id SQLite holds above recentFloor is in recent.
		lg.older, lg.floor = lg.recent, lg.recentFloor
		for id := range lg.older {
			lg.recentFloor = max(lg.recentFloor, id)
		}
		lg.recent = make(map[string]struct{}, len(lg.older))
	}
}

// recentIDs is the size of a generation of ids reserve keeps in memory
// (two at most, ~2 MB): the saves whose ids were made before the last
// generation began, 1.6 s ago at 10,000 saves a second, look in SQLite.
const recentIDs = 1 << 14

// logger appends the queued saves to the log in groups until Close: those
// queued while it wrote and fsynced the last group make the next one.
func (s *Store) logger() {
	lg := s.lg
	defer close(lg.loggerDone)
	group := make([]*pendingSave, 0, maxLogGroup)
	var timer *time.Timer
	var load cpuLoad
	for {
		select {
		case p := <-lg.saves:
			busy := len(group) > 1
			group = drain(lg.saves, append(group[:0], p), maxLogGroup)
			// As the writer's window: only while the process keeps its
			// processors busy, where an fsync's CPU (~50 µs) is what a larger
			// group saves, and the checks not in it wait for a processor anyway.
			if busy && s.window > 0 && len(group) < maxLogGroup && load.saturated() {
				group = widen(lg.saves, s.quit, group, maxLogGroup, s.window, min(s.gap, s.window), &timer)
			}
		case <-s.quit:
			// Log what was queued before Close (at most the channel's capacity).
			if group = drain(lg.saves, group[:0], maxLogGroup); len(group) > 0 {
				s.logGroup(group)
			}
			return
		}
		s.logGroup(group)
	}
}

// logGroup writes the group's records with one pwrite, fdatasyncs the log,
// hands the rows to the inserter and answers the saves.
func (s *Store) logGroup(group []*pendingSave) {
	lg := s.lg
	size := 0
	for _, p := range group {
		size += redoRecordHead + len(p.payload)
	}
	err := s.roundFor(size)
	buf := lg.buf[:0]
	seq := lg.next
	for _, p := range group {
		buf = appendRecord(buf, lg.round, seq, p.payload)
		p.row.seq = seq
		seq++
	}
	if err == nil {
		_, err = lg.f.WriteAt(buf, lg.off)
		if err == nil {
			err = lg.flush()
			s.fsyncs.Add(1)
		}
	}
	if cap(buf) <= maxLogBuffer {
		lg.buf = buf[:0]
	} else {
		lg.buf = nil
	}
	if err != nil {
		// Part of the records may be in the file: the next group starts a new
		// round (a new salt), so that they are never read back.
		lg.newRound = true
		err = fmt.Errorf("append to the redo log %s: %w", lg.path, err)
		lg.mu.Lock()
		for _, p := range group {
			if lg.pending[p.id] == p.row {
				delete(lg.pending, p.id)
			}
		}
		lg.mu.Unlock()
		for _, p := range group {
			p.err <- err
		}
		return
	}
	lg.off += int64(len(buf))
	lg.next = seq
	s.logRows.Add(int64(len(group)))
	lg.mu.Lock()
	for _, p := range group {
		p.row.acked = true
		p.row.size = len(p.payload)
		lg.queue = append(lg.queue, p.row)
		lg.queued += p.row.size
	}
	lg.acked = seq - 1
	lg.mu.Unlock()
	select {
	case lg.wake <- struct{}{}:
	default:
	}
	for _, p := range group {
		p.err <- nil
	}
}

// roundFor starts a new round when the log has no room for size more bytes
// below its limit (or after a failed write), once every record of the round
// is durably in SQLite. The logger waits for that: the inserter commits what
// it has at once and fsyncs SQLite's WAL, a stall of about one commit and one
// fsync every limit bytes of records.
func (s *Store) roundFor(size int) error {
	lg := s.lg
	if !lg.newRound && (lg.off+int64(size) <= lg.limit || lg.off == redoHeaderSize) {
		return nil
	}
	if err := s.waitDurable(lg.next - 1); err != nil {
		return err
	}
	return lg.startRound()
}

// waitDurable asks the inserter to make every row up to seq durable in
// SQLite, and waits for it. The inserter's error ends the wait once it failed
// again after being asked.
func (s *Store) waitDurable(seq uint64) error {
	lg := s.lg
	lg.mu.Lock()
	defer lg.mu.Unlock()
	failures := -1
	for lg.durable < seq {
		lg.wantDurable = max(lg.wantDurable, seq)
		if lg.err != nil {
			if failures >= 0 && lg.failures != failures {
				return fmt.Errorf("the rows logged before are not in SQLite yet: %w", lg.err)
			}
			failures = lg.failures
		}
		ch := lg.progress
		lg.mu.Unlock()
		s.wakeInserter()
		select {
		case <-ch:
		case <-lg.inserterDone:
			lg.mu.Lock()
			return errStop
		}
		lg.mu.Lock()
	}
	return nil
}

func (s *Store) wakeInserter() {
	select {
	case s.lg.wake <- struct{}{}:
	default:
	}
}

// broadcast wakes the waiters on lg.progress; lg.mu is held.
func (lg *redoLog) broadcast() {
	close(lg.progress)
	lg.progress = make(chan struct{})
}

// inserter puts the logged rows into SQLite until Close, and makes them
// durable there when the logger asks (or at Close).
func (s *Store) inserter() {
	lg := s.lg
	defer close(lg.inserterDone)
	backoff := time.Duration(0)
	delay := time.NewTimer(insertDelay)
	delay.Stop()
	delaying := false
	for {
		lg.mu.Lock()
		n, size := 0, 0
		for n < min(len(lg.queue), maxInsertBatch) && (n == 0 || size+lg.queue[n].size <= maxInsertBytes) {
			size += lg.queue[n].size
			n++
		}
		batch := lg.queue[:n:n]
		grow := n < minInsertBatch && lg.queued < minInsertBytes
		want := lg.wantDurable > lg.durable && lg.inserted >= lg.wantDurable
		urgent := lg.readers > 0 || lg.wantDurable > lg.inserted || lg.err != nil
		lg.mu.Unlock()
		if n > 0 && grow && !urgent && !stopping(lg.loggerDone) {
			// Let the batch grow: nothing waits for these rows.
			if !delaying {
				delay.Reset(insertDelay)
				delaying = true
			}
			select {
			case <-lg.wake:
				continue
			case <-delay.C:
				delaying = false
			case <-lg.loggerDone:
			}
		}
		if delaying {
			delay.Stop()
			delaying = false
		}
		if n > 0 {
			if h := lg.hold.Load(); h != nil {
				<-*h
			}
			err := s.insertLogged(batch)
			lg.mu.Lock()
			if err != nil {
				lg.err, lg.failures = err, lg.failures+1
				failures := lg.failures
				lg.broadcast()
				lg.mu.Unlock()
				if stopping(lg.loggerDone) && failures >= 5 {
					return // the rows stay in the log: Open replays them
				}
				backoff = min(max(2*backoff, 10*time.Millisecond), time.Second)
				select {
				case <-lg.wake:
				case <-time.After(backoff):
				}
				continue
			}
			backoff = 0
			lg.queue = lg.queue[n:]
			lg.queued -= size
			if len(lg.queue) == 0 {
				lg.queue = nil
			}
			lg.inserted = batch[n-1].seq
			for _, r := range batch {
				if lg.pending[r.id] == r {
					delete(lg.pending, r.id)
				}
				lg.noteID(r.id)
			}
			lg.err = nil
			lg.broadcast()
			idle := len(lg.queue) == 0
			lg.mu.Unlock()
			// Checkpoint at checkpointFrames while no rows wait, at twice that
			// in any case (see checkpoint: syncing says the moment is good).
			s.syncing.Store(idle)
			s.checkpoint()
			continue
		}
		if want || (stopping(lg.loggerDone) && lg.durable < lg.inserted) {
			if err := s.syncSQLite(); err != nil {
				lg.mu.Lock()
				lg.err, lg.failures = err, lg.failures+1
				lg.broadcast()
				lg.mu.Unlock()
				if stopping(lg.loggerDone) {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		if stopping(lg.loggerDone) {
			lg.mu.Lock()
			empty := len(lg.queue) == 0
			lg.mu.Unlock()
			if empty {
				return
			}
			continue
		}
		select {
		case <-lg.wake:
		case <-lg.loggerDone:
		}
	}
}

func stopping(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// syncSQLite makes every row the inserter committed durable: an fdatasync of
// SQLite's WAL covers every frame written to it, commits included.
func (s *Store) syncSQLite() error {
	lg := s.lg
	lg.mu.Lock()
	upto := lg.inserted
	lg.mu.Unlock()
	if err := datasync(s.walFile); err != nil {
		return fmt.Errorf("fsync %s: %w", s.wal, err)
	}
	lg.mu.Lock()
	lg.durable = upto
	lg.broadcast()
	lg.mu.Unlock()
	return nil
}

// insertLogged commits a batch of logged rows into SQLite on the inserter's
// connection. Should the batch fail, its rows are inserted again unless
// archived already (INSERT OR IGNORE): a save's id was checked before it was
// logged, so only another process saving the same id meanwhile could have
// taken it first.
func (s *Store) insertLogged(batch []*pendingRow) error {
	ctx := context.Background()
	inTx := func(insert func(tx *sql.Tx) error) error {
		tx, err := s.conn.BeginTx(ctx, nil)
		if err != nil {
			return classify(err)
		}
		if err := insert(tx); err != nil {
			tx.Rollback()
			return err
		}
		return classify(tx.Commit())
	}
	err := s.insertRaw(ctx, batch)
	if errors.Is(err, errNoRaw) {
		err = inTx(func(tx *sql.Tx) error {
			return s.insertGroup(ctx, tx, len(batch), func(i int) []any { return batch[i].args }, &s.lg.args)
		})
	}
	if err != nil {
		err = inTx(func(tx *sql.Tx) error {
			for _, r := range batch {
				res, err := tx.ExecContext(ctx, insertOrIgnore, r.args...)
				if err != nil {
					return fmt.Errorf("insert report %s: %w", r.id, classify(err))
				}
				if n, _ := res.RowsAffected(); n == 0 {
					slog.Warn("report archive: a logged report's id was archived meanwhile by another process; that one is kept",
						slog.String("id", r.id), slog.String("db", s.where))
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	s.commits.Add(1)
	s.rows.Add(int64(len(batch)))
	s.uncheckpointed += len(batch)
	return nil
}

// nextBucket is the bucket of input keys of the inserter's next row: the
// last one until it holds bucketRows rows. The rows of a commit that fails
// are counted all the same (inserted again one by one, they get no bucket):
// their bucket is left that much emptier, and List searches it all the same.
func (lg *redoLog) nextBucket() int64 {
	if lg.bucketFill >= lg.bucketRows {
		lg.bucket, lg.bucketFill = lg.bucket+1, 0
	}
	lg.bucketFill++
	return lg.bucket
}

// caughtUp waits until SQLite holds every row acknowledged before the call:
// what a read must see. It returns the inserter's error, if it is failing,
// rather than wait for it.
func (s *Store) caughtUp(ctx context.Context) error {
	lg := s.lg
	if lg == nil {
		return nil
	}
	lg.mu.Lock()
	defer lg.mu.Unlock()
	target := lg.acked
	if lg.inserted < target {
		// The inserter does not wait for its batch to grow while a read waits.
		lg.readers++
		defer func() { lg.readers-- }()
		s.wakeInserter()
	}
	for lg.inserted < target {
		if lg.err != nil {
			return fmt.Errorf("store: %s: reports acknowledged are not in SQLite yet: %w", s.where, classify(lg.err))
		}
		ch := lg.progress
		lg.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			lg.mu.Lock()
			return fmt.Errorf("store: %s: waiting for the reports acknowledged: %w", s.where, ctx.Err())
		case <-lg.inserterDone:
			lg.mu.Lock()
			if lg.inserted < target {
				return fmt.Errorf("store: %s: the store is closed", s.where)
			}
		}
		lg.mu.Lock()
	}
	return nil
}

// pendingRecord returns the record of an acknowledged row not yet in SQLite,
// or nil: Get answers it from memory rather than wait for the inserter (which
// may be failing: a full disk), as a report acknowledged must be read back.
// The inserter forgets a row only once its commit returned: a row acknowledged
// and not pending is in SQLite.
func (s *Store) pendingRecord(ctx context.Context, id string) (*Record, error) {
	if s.lg == nil {
		return nil, nil
	}
	s.lg.mu.Lock()
	row := s.lg.pending[id]
	if row != nil && !row.acked {
		row = nil
	}
	s.lg.mu.Unlock()
	if row == nil {
		return nil, nil
	}
	return s.recordOf(ctx, id, row.args)
}

// recordOf reads a record back from its row's values (as rowOf made them).
func (s *Store) recordOf(ctx context.Context, id string, a []any) (*Record, error) {
	str := func(i int) string { v, _ := a[i].(string); return v }
	us, _ := a[1].(int64)
	rec := &Record{ID: id, CreatedAt: time.UnixMicro(us).UTC(), InputHash: str(2),
		Input: bytes.Clone(a[3].([]byte)), InputName: str(4), InputType: str(5), Project: json.RawMessage(str(6)),
		DatasetName: str(7), DatasetVersion: str(8), Verdict: str(9), Report: json.RawMessage(str(10))}
	if packed, ok := a[20].([]byte); ok && packed != nil {
		b, err := s.unpack(ctx, packed)
		if err != nil {
			return nil, fmt.Errorf("store: get report %s from %s: %w", id, s.where, err)
		}
		rec.Report = b
	}
	if fp := str(11); fp != "" {
		rec.Footprint = json.RawMessage(fp)
	}
	return rec, nil
}

// closeRedo ends a round once every row is durably in SQLite, so that the next
// Open replays nothing, and lets the log go (its lock with it).
func (s *Store) closeRedo() error {
	lg := s.lg
	lg.mu.Lock()
	done := lg.durable >= lg.acked && len(lg.queue) == 0
	err := lg.err
	lg.mu.Unlock()
	var errs []error
	if done {
		if err := lg.startRound(); err != nil {
			errs = append(errs, err)
		} else if err := datasync(lg.f); err != nil {
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, fmt.Errorf("rows remain in the redo log %s for the next Open to replay: %w", lg.path, err))
	}
	lg.closeAIO()
	if err := lg.f.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close %s: %w", s.where, err)
	}
	return nil
}
