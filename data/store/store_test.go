package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/pgtest"
	"github.com/redline-gis/redline/internal/proccpu"
)

// backends returns the stores every test runs on: SQLite in a temp dir, and the
// PostgreSQL of REDLINE_TEST_PG (in a fresh schema) when set. Without it the
// PostgreSQL case is skipped, unless CI is set: then it fails.
func backends(t *testing.T) map[string]func(t *testing.T) *Store {
	return map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			s, err := Open(t.Context(), filepath.Join(t.TempDir(), "redline.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": openTestPG,
	}
}

// openTestPG opens REDLINE_TEST_PG in a schema of its own, dropped afterwards.
func openTestPG(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), pgtest.Schema(t, "redline_test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Kind() != "postgres" {
		t.Fatalf("Kind = %q, want postgres", s.Kind())
	}
	var sc string
	if err := s.db.QueryRow(`SHOW synchronous_commit`).Scan(&sc); err != nil || sc != "on" {
		t.Errorf("synchronous_commit = %q, %v; want on", sc, err)
	}
	return s
}

func record(id string, input string, verdict string, at time.Time) *Record {
	sum := sha256.Sum256([]byte(input))
	return &Record{
		ID:             id,
		CreatedAt:      at,
		InputHash:      hex.EncodeToString(sum[:]),
		Input:          []byte(input),
		InputName:      "site.geojson",
		InputType:      "application/geo+json",
		Project:        json.RawMessage(`{"industry":"C2511","name":"化工厂"}`),
		DatasetName:    "shaanxi-zoning",
		DatasetVersion: "2024.1",
		Verdict:        verdict,
		Report:         json.RawMessage(`{"report_id":"` + id + `","verdict":"` + verdict + `"}`),
		Footprint:      json.RawMessage(`{"type":"Point","coordinates":[108.9,34.2]}`),
	}
}

func TestStore(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t)
			at := time.Date(2026, 11, 28, 12, 0, 0, 123456000, time.UTC)
			in := "{\"type\":\"Point\",\"coordinates\":[108.9,34.2]}\x00\xff binary-safe"
			rec := record("r1", in, "prohibited", at)
			if err := s.Save(ctx, rec); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, "r1")
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(at) {
				t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, at)
			}
			if string(got.Input) != in {
				t.Errorf("Input = %q, want %q", got.Input, in)
			}
			for _, c := range []struct{ field, got, want string }{
				{"InputHash", got.InputHash, rec.InputHash},
				{"InputName", got.InputName, rec.InputName},
				{"InputType", got.InputType, rec.InputType},
				{"Project", string(got.Project), string(rec.Project)},
				{"DatasetName", got.DatasetName, "shaanxi-zoning"},
				{"DatasetVersion", got.DatasetVersion, "2024.1"},
				{"Verdict", got.Verdict, "prohibited"},
				{"Report", string(got.Report), string(rec.Report)},
				{"Footprint", string(got.Footprint), string(rec.Footprint)},
			} {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}

			if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(unknown) error = %v, want ErrNotFound", err)
			}
			if err := s.Save(ctx, rec); err == nil {
				t.Error("saving the same id twice succeeded")
			}
			if err := s.Save(ctx, &Record{}); err == nil {
				t.Error("saving a record without id succeeded")
			}

			// Same input again later, other input in between: listing by hash.
			if err := s.Save(ctx, record("r2", in, "admissible", at.Add(time.Hour))); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, record("r3", "other", "admissible", at.Add(2*time.Hour))); err != nil {
				t.Fatal(err)
			}
			list, err := s.ByInputHash(ctx, rec.InputHash, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].ID != "r2" || list[1].ID != "r1" {
				t.Errorf("ByInputHash = %+v, want r2 then r1", list)
			}
			n, err := s.Count(ctx)
			if err != nil || n != 3 {
				t.Errorf("Count = %d, %v; want 3", n, err)
			}
			// Empty project and footprint are stored as such.
			r4 := record("r4", "x", "admissible", at)
			r4.Project, r4.Footprint, r4.Input = nil, nil, nil
			if err := s.Save(ctx, r4); err != nil {
				t.Fatal(err)
			}
			got4, err := s.Get(ctx, "r4")
			if err != nil {
				t.Fatal(err)
			}
			if string(got4.Project) != "{}" || got4.Footprint != nil || len(got4.Input) != 0 {
				t.Errorf("r4 = project %q footprint %q input %q", got4.Project, got4.Footprint, got4.Input)
			}
		})
	}
}

// TestStoreConcurrentSaves: many concurrent writers, every acknowledged save readable.
func TestStoreConcurrentSaves(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t)
			const n = 200
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Go(func() {
					errs <- s.Save(ctx, record(fmt.Sprintf("c%03d", i), fmt.Sprint(i), "admissible", time.Now()))
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			for i := range n {
				if _, err := s.Get(ctx, fmt.Sprintf("c%03d", i)); err != nil {
					t.Fatal(err)
				}
			}
			// A duplicate id inside a group fails alone; the others are saved.
			errs = make(chan error, 50)
			for i := range 50 {
				wg.Go(func() {
					id := fmt.Sprintf("d%03d", i)
					if i == 25 {
						id = "c007"
					}
					errs <- s.Save(ctx, record(id, "dup", "admissible", time.Now()))
				})
			}
			wg.Wait()
			close(errs)
			failed := 0
			for err := range errs {
				if err != nil {
					failed++
				}
			}
			if failed != 1 {
				t.Errorf("%d saves failed, want only the duplicate", failed)
			}
			if n, _ := s.Count(ctx); n != 249 {
				t.Errorf("Count = %d, want 249", n)
			}
		})
	}
}

// TestStoreReopen: the schema migrates once; a second Open of the same database
// keeps the data (and the durability settings reach the connection).
func TestStoreReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, record("a", "a", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var syncMode int
	if err := s.db.QueryRow(`PRAGMA synchronous`).Scan(&syncMode); err != nil || syncMode != 2 {
		t.Errorf("synchronous = %d, %v; want 2 (FULL)", syncMode, err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := s.db.QueryRow(`SELECT version FROM redline_schema`).Scan(&v); err != nil || v != len(migrations) {
		t.Errorf("schema version = %d, %v; want %d", v, err, len(migrations))
	}
}

func TestSaveAfterClose(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Save(t.Context(), record("x", "x", "admissible", time.Now())); err == nil {
		t.Error("Save after Close succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.Context(), ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "no", "such", "dir", "r.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@127.0.0.1:5432/db": "postgres://u:***@127.0.0.1:5432/db",
		"postgres://u@127.0.0.1/db":             "postgres://u@127.0.0.1/db",
		"redline.db":                            "redline.db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSaveFacts: a record that brings its Facts is listed as one whose facts are
// read out of its JSON.
func TestSaveFacts(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
			read := record("read", "x", "prohibited", at)
			read.Report = json.RawMessage(`{"governing_rule":{"id":"redline.development"},"notes":["两高：是（申报）"]}`)
			given := record("given", "x", "prohibited", at)
			given.Report = read.Report
			f := FactsOf(given.Project, given.Report, given.Footprint)
			given.Facts = &f
			if f.GoverningRule != "redline.development" || f.HighEnergy == nil || !*f.HighEnergy || f.Bound == nil || f.Industry != "C2511" {
				t.Fatalf("FactsOf = %+v", f)
			}
			for _, rec := range []*Record{read, given} {
				if err := s.Save(t.Context(), rec); err != nil {
					t.Fatal(err)
				}
			}
			yes := true
			page, err := s.List(t.Context(), Filter{HighEnergy: &yes, Industries: []string{"C25"}, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Reports) != 2 {
				t.Fatalf("%d reports listed, want both", len(page.Reports))
			}
			a, b := page.Reports[0], page.Reports[1]
			a.ID, b.ID = "", ""
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("listed differently:\n%+v\n%+v", a, b)
			}
		})
	}
}

// TestSQLiteWriterSync: the SQLite writer commits on its own connection without
// fsyncing (synchronous=NORMAL) and leaves the fsync of the WAL to the syncer
// before a save returns; every other connection keeps synchronous=FULL.
func TestSQLiteWriterSync(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "redline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Save(t.Context(), record("w1", "x", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	if s.conn == nil {
		t.Fatal("the writer has no connection of its own: every commit fsyncs under the write lock")
	}
	var writer, pool int
	if err := s.conn.QueryRowContext(t.Context(), `PRAGMA synchronous`).Scan(&writer); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(t.Context(), `PRAGMA synchronous`).Scan(&pool); err != nil {
		t.Fatal(err)
	}
	if writer != 1 || pool != 2 {
		t.Errorf("synchronous: writer %d, pool %d; want 1 (NORMAL, the syncer fsyncs) and 2 (FULL)", writer, pool)
	}
	if err := s.conn.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&writer); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&pool); err != nil {
		t.Fatal(err)
	}
	if writer != 0 || pool == 0 {
		t.Errorf("wal_autocheckpoint: writer %d, pool %d; want 0 (the checkpointer's) and SQLite's default", writer, pool)
	}
	var limit int64
	if err := s.conn.QueryRowContext(t.Context(), `PRAGMA journal_size_limit`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit <= 0 {
		t.Errorf("journal_size_limit %d on the writer: a WAL grown once stays that size", limit)
	}
	// The syncer fsyncs the file the writer's commits go to: the WAL at its path.
	held, err := s.walFile.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if named, err := os.Stat(s.wal); err != nil || !os.SameFile(held, named) {
		t.Errorf("the syncer's WAL file is not %s (%v)", s.wal, err)
	}
	if err := datasync(s.walFile); err != nil {
		t.Errorf("the syncer cannot fsync %s: %v", s.wal, err)
	}
	closed, err := os.Open(s.wal)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	if err := datasync(closed); err == nil {
		t.Error("fsync of a closed WAL file succeeds: a save would be acknowledged without it")
	}
}

// TestCPULoad: the load measure says busy only from a span measured, and not
// for a process that sleeps through it (the window would only add latency).
func TestCPULoad(t *testing.T) {
	var l cpuLoad
	if l.saturated() {
		t.Error("busy before any span was measured")
	}
	time.Sleep(2 * cpuLoadSpan)
	if l.saturated() {
		t.Error("busy over a span the process slept through")
	}
	if _, ok := proccpu.Used(); !ok {
		t.Error("no CPU time measured for this process")
	}
}

// TestSQLiteWriterReconnects: after a failed commit the writer starts again on
// a fresh connection, and the syncer fsyncs that connection's WAL file — the
// WAL at its path — for the saves after it.
func TestSQLiteWriterReconnects(t *testing.T) {
	// The group commit path's writer (without the redo log: see logged_test.go).
	s, err := open(t.Context(), filepath.Join(t.TempDir(), "redline.db"), options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Save(t.Context(), record("a", "x", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	old := s.walFile
	if err := s.Save(t.Context(), record("a", "x", "admissible", time.Now())); err == nil {
		t.Fatal("saving the same id twice succeeded")
	}
	if err := s.Save(t.Context(), record("b", "x", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	if s.walFile == nil || s.walFile == old {
		t.Fatal("the writer kept the connection of its failed commit")
	}
	held, err := s.walFile.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if named, err := os.Stat(s.wal); err != nil || !os.SameFile(held, named) {
		t.Errorf("after reconnecting, the syncer's WAL file is not %s (%v)", s.wal, err)
	}
	if s.Stats().Fsyncs < 2 {
		t.Errorf("%d fsyncs for two saves", s.Stats().Fsyncs)
	}
	if _, err := s.Get(t.Context(), "b"); err != nil {
		t.Fatal(err)
	}
}

// TestGroupFailsAlone: when a row of a group fails (a duplicate id, first, in
// the middle or last), the group's transaction is rolled back and each row is
// inserted alone: the others are saved once, and only the bad one's Save
// fails. The group is committed by hand, so that the failure is inside one
// transaction whatever the timing (the writer waits for a save meanwhile and
// touches nothing).
func TestGroupFailsAlone(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t)
			if err := s.Save(ctx, record("taken", "x", "admissible", time.Now())); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				ids  []string
				bad  int // the index of the duplicate, -1 for none
			}{
				{"first", []string{"taken", "f1", "f2"}, 0},
				{"second", []string{"s0", "taken", "s2", "s3"}, 1},
				{"last", []string{"l0", "l1", "taken"}, 2},
				{"none", []string{"n0", "n1", "n2"}, -1},
				{"alone", []string{"taken"}, 0},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, err := s.Count(ctx)
					if err != nil {
						t.Fatal(err)
					}
					var saves []*pendingSave
					for _, id := range tc.ids {
						saves = append(saves, &pendingSave{id: id, args: insertArgs(record(id, "in "+id, "admissible", time.Now())), err: make(chan error, 1)})
					}
					s.commit(saves)
					for i, p := range saves {
						err := <-p.err
						if (err != nil) != (i == tc.bad) {
							t.Errorf("save %d (%s): err = %v", i, p.id, err)
						}
					}
					after, err := s.Count(ctx)
					if err != nil {
						t.Fatal(err)
					}
					want := int64(len(tc.ids))
					if tc.bad >= 0 {
						want--
					}
					if after-before != want {
						t.Errorf("%d rows added, want %d", after-before, want)
					}
					for i, id := range tc.ids {
						if i == tc.bad {
							continue
						}
						rec, err := s.Get(ctx, id)
						if err != nil {
							t.Fatal(err)
						}
						if string(rec.Input) != "in "+id {
							t.Errorf("%s: input %q", id, rec.Input)
						}
					}
				})
			}
		})
	}
}

// TestCheckpoint: the writer checkpoints once the WAL holds about
// checkpointFrames frames, judging by the frames a row took up to the last
// checkpoint, and the WAL starts over after each: its file stays within a few
// checkpoints' worth of frames (without them, 300 lone commits write ~15 MB).
func TestCheckpoint(t *testing.T) {
	// The group commit path's writer (the inserter's: TestLoggedCheckpoint).
	s, err := open(t.Context(), filepath.Join(t.TempDir(), "redline.db"), options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.checkpointFrames = 200 // set before the first Save, as s.window
	var sizes []int64
	for i := range 300 {
		if err := s.Save(t.Context(), record(fmt.Sprintf("k%03d", i), fmt.Sprint(i), "admissible", time.Now())); err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			fi, err := os.Stat(s.wal)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, fi.Size())
		}
	}
	st := s.Stats()
	// A lone save's commit writes a few frames; 300 of them, several times 200.
	if st.Frames < 200 {
		t.Fatalf("%d frames checkpointed after %d rows in %d commits: the writer did not checkpoint", st.Frames, st.Rows, st.Commits)
	}
	if s.framesPerRow == initialFramesPerRow || s.framesPerRow <= 0 {
		t.Errorf("frames a row %v: not learnt from the checkpoints", s.framesPerRow)
	}
	// The WAL restarts after a checkpoint: its file is overwritten, not grown.
	// A checkpoint may come a few rows late (the frames a row takes vary), so
	// the bound is four times the frames between two.
	if bound := int64(4 * s.checkpointFrames * (sqlitePageSize + 24)); sizes[len(sizes)-1] > bound {
		t.Errorf("WAL file %v bytes every 50 rows: over %d, the WAL does not start over", sizes, bound)
	}
	var n int64
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&n); err != nil || n != 300 {
		t.Errorf("%d rows, %v; want 300", n, err)
	}
}

// TestGroupChunks: a group is inserted as multi-row statements of 2^k rows
// (insertGroup); every row lands in its own row with its own values, whatever
// the group's size, and a duplicate in a later statement fails only its save.
func TestGroupChunks(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t)
			verdicts := []string{"admissible", "prohibited", "needs_info"}
			n := 0
			for _, tc := range []struct {
				size int
				bad  int // the index of the duplicate, -1 for none
			}{{2, -1}, {3, -1}, {13, -1}, {1 << maxChunkLog, -1}, {1<<maxChunkLog + 13, 1<<maxChunkLog + 9}, {130, -1}} {
				t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
					var saves []*pendingSave
					var recs []*Record
					for i := range tc.size {
						n++
						id := fmt.Sprintf("c%04d", n)
						if i == tc.bad {
							id = recs[0].ID
						}
						rec := record(id, fmt.Sprintf("in %d", n), verdicts[n%3], time.UnixMicro(int64(1e15+n)))
						rec.Report = json.RawMessage(strings.Repeat(`{"report_id":"`+id+`","n":`+fmt.Sprint(n)+`}`, 1+n%40))
						recs = append(recs, rec)
						saves = append(saves, &pendingSave{id: id, args: s.rowArgs(rec), err: make(chan error, 1)})
					}
					s.commit(saves)
					for i, p := range saves {
						if err := <-p.err; (err != nil) != (i == tc.bad) {
							t.Errorf("save %d (%s): err = %v", i, p.id, err)
						}
					}
					for i, want := range recs {
						if i == tc.bad {
							continue
						}
						got, err := s.Get(ctx, want.ID)
						if err != nil {
							t.Fatal(err)
						}
						if string(got.Input) != string(want.Input) || got.Verdict != want.Verdict ||
							string(got.Report) != string(want.Report) || !got.CreatedAt.Equal(want.CreatedAt) {
							t.Errorf("row %d (%s): got input %q, verdict %s, report %.40q, at %v; want %q, %s, %.40q, %v",
								i, want.ID, got.Input, got.Verdict, got.Report, got.CreatedAt, want.Input, want.Verdict, want.Report, want.CreatedAt)
						}
						byHash, err := s.ByInputHash(ctx, want.InputHash, 10)
						if err != nil {
							t.Fatal(err)
						}
						if len(byHash) != 1 || byHash[0].ID != want.ID {
							t.Errorf("row %d: ByInputHash(%s) = %+v, want %s alone", i, want.InputHash, byHash, want.ID)
						}
					}
				})
			}
			count, err := s.Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(n - 1); count != want {
				t.Errorf("Count = %d, want %d", count, want)
			}
		})
	}
}

// TestPageSize: Open makes a new SQLite archive with sqlitePageSize pages (in
// WAL mode), keeps the page size of one made before, and checkpoints both at
// checkpointWAL bytes of WAL.
func TestPageSize(t *testing.T) {
	pageSize := func(s *Store) int {
		var n int
		if err := s.db.QueryRow(`PRAGMA page_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q, %v; want wal", mode, err)
	}
	if n := pageSize(s); n != sqlitePageSize || s.checkpointFrames != checkpointWAL/sqlitePageSize {
		t.Errorf("a new archive: page size %d, checkpoint at %d frames; want %d, %d", n, s.checkpointFrames, sqlitePageSize, checkpointWAL/sqlitePageSize)
	}

	// An archive made with SQLite's default page size.
	old := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, err := Open(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n := pageSize(s2); n != 4096 || s2.checkpointFrames != checkpointWAL/4096 {
		t.Errorf("an archive made before: page size %d, checkpoint at %d frames; want 4096, %d", n, s2.checkpointFrames, checkpointWAL/4096)
	}
	if err := s2.Save(t.Context(), record("k1", "1", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Get(t.Context(), "k1"); err != nil {
		t.Fatal(err)
	}
}
