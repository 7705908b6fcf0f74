package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/reportid"
)

// loggedRecord is a record of the kinds the log must carry: a packed report,
// facts with a bounding box, a 两高 status, an input with every byte value.
func loggedRecord(rng *rand.Rand, id string, i int) *Record {
	in := make([]byte, 40+i%300)
	for j := range in {
		in[j] = byte(j * (i + 1))
	}
	rec := record(id, string(in), []string{"admissible", "prohibited", "needs_info"}[i%3], time.UnixMicro(1.7e15+int64(i)*977))
	rec.Report = variedReport(rng, id)
	he := i%2 == 0
	x := 106 + float64(i)/1000
	rec.Facts = &Facts{ProjectName: fmt.Sprint("项目", i), Industry: "C2511", GoverningRule: "two_high",
		Bound: &orb.Bound{Min: orb.Point{x, 33}, Max: orb.Point{x + 0.001, 33.001}}, HighEnergy: &he}
	if i%5 == 0 {
		rec.Facts = nil // read out of the JSON
		rec.Footprint = nil
	}
	return rec
}

// sameRecord fails unless got is want as Get reads it back.
func sameRecord(t *testing.T, got, want *Record) {
	t.Helper()
	project := string(want.Project)
	if project == "" {
		project = "{}"
	}
	if got.ID != want.ID || !got.CreatedAt.Equal(want.CreatedAt) || got.InputHash != want.InputHash ||
		!bytes.Equal(got.Input, want.Input) || got.InputName != want.InputName || got.InputType != want.InputType ||
		string(got.Project) != project || got.DatasetName != want.DatasetName || got.DatasetVersion != want.DatasetVersion ||
		got.Verdict != want.Verdict || !bytes.Equal(got.Report, want.Report) || !bytes.Equal(got.Footprint, want.Footprint) {
		t.Errorf("report %s read back differs:\n got %+v\nwant %+v", want.ID, got, want)
	}
}

// holdInserter keeps s's inserter from putting rows into SQLite until the
// returned function is called.
func holdInserter(s *Store) (release func()) {
	h := make(chan struct{})
	s.lg.hold.Store(&h)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.lg.hold.Store(nil)
			close(h)
		})
	}
}

// copyArchive copies the database, its WAL and its redo log (the files of an
// archive at one moment, as a crash leaves them) to a new directory.
func copyArchive(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(path))
	for _, suffix := range []string{"", "-wal", "-redo"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// rawCount counts the reports in an archive's SQLite file, without the store.
func rawCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoggedCrash: rows acknowledged while the inserter is held back are only
// in the redo log; the archive's files as they are then (what kill -9 or a
// power cut leaves, the log being fsynced) open with every acknowledged row
// there, read back byte for byte.
// openLogged opens a new archive named name in a test directory, closed at
// the test's end, and fails unless it logs (the redo log is its own).
func openLogged(t *testing.T, name string) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !s.Stats().Logged {
		t.Fatal("the store does not log")
	}
	return s, path
}

// saveAll saves recs at once, each from a goroutine of its own.
func saveAll(t *testing.T, s *Store, recs []*Record) {
	t.Helper()
	var wg sync.WaitGroup
	for _, rec := range recs {
		wg.Go(func() {
			if err := s.Save(t.Context(), rec); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestLoggedCrash(t *testing.T) {
	ctx := t.Context()
	s, path := openLogged(t, "crash.db")
	release := holdInserter(s)
	defer release()
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []*Record
	for i := range 60 {
		recs = append(recs, loggedRecord(rng, fmt.Sprintf("k%03d", i), i))
	}
	saveAll(t, s, recs)
	// Get answers the acknowledged reports from memory, waiting for no inserter
	// (this one is held: a wait would last until the timeout).
	quick, cancel := context.WithTimeout(ctx, 10*time.Second)
	for _, want := range recs {
		got, err := s.Get(quick, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, want)
	}
	cancel()
	crashed := copyArchive(t, path)
	if n := rawCount(t, crashed); n != 0 {
		t.Fatalf("SQLite holds %d rows while the inserter is held", n)
	}
	release()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(ctx, crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, want := range recs {
		got, err := s2.Get(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, want)
	}
	if n, err := s2.Count(ctx); err != nil || n != int64(len(recs)) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(recs))
	}
	// The facts were replayed too (the listing's columns).
	page, err := s2.List(ctx, Filter{ProjectName: "项目7", Industries: []string{"C25"}})
	if err != nil || page.Total != 1 || page.Reports[0].ID != "k007" {
		t.Errorf("List by project name: %+v, %v", page, err)
	}
}

// TestLoggedTornRecord: a last record cut short or with a byte flipped (a
// write the crash interrupted) is not replayed; every record before it is, and
// Open succeeds.
func TestLoggedTornRecord(t *testing.T) {
	for _, damage := range []string{"cut", "flip"} {
		t.Run(damage, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "torn.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			release := holdInserter(s)
			defer release()
			rng := rand.New(rand.NewPCG(5, 6))
			var recs []*Record
			var ends []int64
			for i := range 8 {
				rec := loggedRecord(rng, fmt.Sprintf("t%d", i), i)
				if err := s.Save(ctx, rec); err != nil {
					t.Fatal(err)
				}
				recs = append(recs, rec)
				ends = append(ends, s.lg.off)
			}
			crashed := copyArchive(t, path)
			release()
			f, err := os.OpenFile(crashed+"-redo", os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			last := ends[len(ends)-2] // where the last record starts
			if damage == "cut" {
				err = f.Truncate(last + (ends[len(ends)-1]-last)/2)
			} else {
				b := []byte{0}
				at := last + (ends[len(ends)-1]-last)/2
				f.ReadAt(b, at)
				b[0] ^= 0x20
				_, err = f.WriteAt(b, at)
			}
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			s2, err := Open(ctx, crashed)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			for _, want := range recs[:len(recs)-1] {
				got, err := s2.Get(ctx, want.ID)
				if err != nil {
					t.Fatal(err)
				}
				sameRecord(t, got, want)
			}
			if _, err := s2.Get(ctx, recs[len(recs)-1].ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("the damaged record was replayed: %v", err)
			}
		})
	}
}

// TestLoggedRoundsUnderLoad: with a small log, concurrent saves make it start
// over many times; every save is read back right after it returns, and every
// row is there at the end. Rows of an earlier round left in the file are not
// replayed: the archive's files copied mid-round, with every row SQLite
// holds deleted, open with exactly the current round's rows.
func TestLoggedRoundsUnderLoad(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "rounds.db")
	s, err := open(ctx, path, options{redo: true, redoLimit: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const clients, each = 16, 40
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 1))
			for i := range each {
				rec := loggedRecord(rng, fmt.Sprintf("u%02d-%03d", c, i), i)
				if err := s.Save(ctx, rec); err != nil {
					t.Error(err)
					return
				}
				got, err := s.Get(ctx, rec.ID)
				if err != nil {
					t.Error(err)
					return
				}
				sameRecord(t, got, rec)
			}
		})
	}
	wg.Wait()
	if n, err := s.Count(ctx); err != nil || n != clients*each {
		t.Fatalf("Count = %d, %v; want %d", n, err, clients*each)
	}
	st := s.Stats()
	if st.Rounds < 4 || st.LogRows != clients*each || st.Rows != clients*each {
		t.Errorf("stats %+v: want several rounds, every row logged once and inserted once", st)
	}

	// A few rows into the current round, held back from SQLite, then a crash.
	// They must fit the round: a new one waits for the inserter, held here.
	rng := rand.New(rand.NewPCG(9, 9))
	for i := 0; s.lg.off > 4<<10; i++ {
		if err := s.Save(ctx, loggedRecord(rng, fmt.Sprintf("w%03d", i), i)); err != nil {
			t.Fatal(err)
		}
	}
	release := holdInserter(s)
	for i := range 3 {
		if err := s.Save(ctx, loggedRecord(rng, fmt.Sprintf("v%d", i), i)); err != nil {
			t.Fatal(err)
		}
	}
	crashed := copyArchive(t, path)
	release()
	b, err := os.ReadFile(crashed + "-redo")
	if err != nil {
		t.Fatal(err)
	}
	_, round, err := readRound(b)
	if err != nil || len(round) < 3 {
		t.Fatalf("%d records in the current round, %v", len(round), err)
	}
	end := redoHeaderSize
	for _, r := range round {
		payload, _ := encodeRow(nil, r.args)
		end += redoRecordHead + len(payload)
	}
	if bytes.Count(b[end:], []byte("u")) == 0 {
		t.Fatal("no earlier round's records after the current round's: the test shows nothing")
	}
	db, err := sql.Open("sqlite", "file:"+crashed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM reports`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, err := Open(ctx, crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n, err := s2.Count(ctx); err != nil || n != int64(len(round)) {
		t.Errorf("Count after replay = %d, %v; want the current round's %d", n, err, len(round))
	}
	for _, r := range round {
		if _, err := s2.Get(ctx, r.args[0].(string)); err != nil {
			t.Error(err)
		}
	}
}

// TestLoggedCloseDrains: Close puts every row into SQLite durably and starts
// an empty round: a reopen replays nothing, and the rows are in the file.
func TestLoggedCloseDrains(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "drain.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	release := holdInserter(s)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		if err := s.Save(ctx, loggedRecord(rng, fmt.Sprintf("d%02d", i), i)); err != nil {
			t.Fatal(err)
		}
	}
	go func() { time.Sleep(10 * time.Millisecond); release() }()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path + "-redo")
	if err != nil {
		t.Fatal(err)
	}
	if _, recs, err := readRound(b); err != nil || len(recs) != 0 {
		t.Errorf("after Close the log's round holds %d records (%v): a reopen would replay them", len(recs), err)
	}
	if n := rawCount(t, path); n != 20 {
		t.Errorf("SQLite holds %d rows after Close, want 20", n)
	}
}

// TestLoggedFallback: a second store on the same archive finds the log locked
// and commits in groups; both save, and each reads the other's reports.
func TestLoggedFallback(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "two.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !a.Stats().Logged || b.Stats().Logged {
		t.Fatalf("logged: first %v, second %v; want the first only", a.Stats().Logged, b.Stats().Logged)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			st := []*Store{a, b}[i%2]
			if err := st.Save(ctx, record(fmt.Sprintf("f%02d", i), fmt.Sprint(i), "admissible", time.Now())); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// The second store sees the first's reports once its inserter committed
	// them: a read on the first that waits for it (Count; Get answers from
	// memory) makes it commit at once.
	if _, err := a.Count(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		for _, st := range []*Store{a, b} {
			if _, err := st.Get(ctx, fmt.Sprintf("f%02d", i)); err != nil {
				t.Error(err)
			}
		}
	}
	if n, err := b.Count(ctx); err != nil || n != 20 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if b.Stats().Fsyncs == 0 {
		t.Error("the second store's saves were not fsynced by its syncer")
	}
}

// TestLoggedDuplicateFailsAlone: on the logged path the row is inserted after
// its save returned, so an id is checked before it is logged: a save whose id
// is archived (inserted long ago, or by commit, or still on its way to
// SQLite) or being saved at the same moment fails, alone.
func TestLoggedDuplicateFailsAlone(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "dup.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// "m" is archived; "z" too, above it, so that "m" is below the greatest id.
	for _, id := range []string{"m", "z"} {
		if err := s.Save(ctx, record(id, id, "admissible", time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Count(ctx); err != nil { // both in SQLite
		t.Fatal(err)
	}
	// "c" put into SQLite by commit, beside the log.
	p := &pendingSave{id: "c", args: insertArgs(record("c", "c", "admissible", time.Now())), err: make(chan error, 1)}
	s.commit([]*pendingSave{p})
	if err := <-p.err; err != nil {
		t.Fatal(err)
	}
	release := holdInserter(s)
	if err := s.Save(ctx, record("held", "held", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	ids := []string{"n1", "m", "n2", "twin", "twin", "held", "c", "n3", "z"}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = s.Save(ctx, record(id, "again "+id, "prohibited", time.Now())) })
	}
	wg.Wait()
	release()
	twins := 0
	for i, id := range ids {
		switch {
		case id == "twin":
			if errs[i] != nil {
				twins++
			}
		case strings.HasPrefix(id, "n"):
			if errs[i] != nil {
				t.Errorf("save %s: %v", id, errs[i])
			}
		default:
			if errs[i] == nil || !strings.Contains(errs[i].Error(), "already archived") {
				t.Errorf("save of the archived %s: %v", id, errs[i])
			}
		}
	}
	if twins != 1 {
		t.Errorf("%d of two concurrent saves of one id failed, want 1", twins)
	}
	if n, err := s.Count(ctx); err != nil || n != 8 { // m z c held n1 n2 n3 twin
		t.Errorf("Count = %d, %v; want 8", n, err)
	}
	for _, id := range []string{"m", "held", "c", "z"} {
		rec, err := s.Get(ctx, id)
		if err != nil || string(rec.Input) != id {
			t.Errorf("%s: %v, input %q: overwritten by a duplicate", id, err, rec.Input)
		}
	}
}

// TestLoggedSaveKeepsNoCallerBytes: a logged row's values are views of its
// own payload, not of the record's buffers, which the caller reuses once Save
// returns: overwritten then, the report reads back as saved, from memory
// while the inserter is held back and from SQLite after.
func TestLoggedSaveKeepsNoCallerBytes(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "reuse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdInserter(s)
	defer func() { release() }()
	for _, report := range []string{`{"short":1}`, string(benchReport("packed"))} {
		rec := record(reportid.New(), `{"type":"Point","coordinates":[108.9,34.2]}`, "admissible", time.UnixMicro(1_700_000_000_000_000))
		rec.Report = json.RawMessage(report)
		want := *rec
		want.Input, want.Project, want.Report, want.Footprint = bytes.Clone(rec.Input), bytes.Clone(rec.Project), bytes.Clone(rec.Report), bytes.Clone(rec.Footprint)
		if err := s.Save(ctx, rec); err != nil {
			t.Fatal(err)
		}
		for _, b := range [][]byte{rec.Input, rec.Project, rec.Report, rec.Footprint} {
			for i := range b {
				b[i] = 'x'
			}
		}
		check := func(from string) {
			t.Helper()
			got, err := s.Get(ctx, rec.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Input, want.Input) || !bytes.Equal(got.Project, want.Project) ||
				!bytes.Equal(got.Report, want.Report) || !bytes.Equal(got.Footprint, want.Footprint) {
				t.Errorf("%s: read back %s / %s / %s / %s\nwant %s / %s / %s / %s", from, got.Input, got.Project, got.Report, got.Footprint,
					want.Input, want.Project, want.Report, want.Footprint)
			}
		}
		check("memory")
		release()
		if _, err := s.Count(ctx); err != nil { // waits for the inserter
			t.Fatal(err)
		}
		check("SQLite")
		release = holdInserter(s)
	}
}

// TestLoggedReadsWait: a read waits for the rows acknowledged before it (the
// inserter held back: Count does not answer until it is let go), gives up
// with its context, and a row acknowledged but not in SQLite is not counted
// before it is there.
func TestLoggedReadsWait(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "wait.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdInserter(s)
	defer release()
	if err := s.Save(ctx, record("w", "w", "admissible", time.Now())); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := s.Count(short); err == nil {
		t.Error("Count answered before the acknowledged row was in SQLite")
	}
	go func() { time.Sleep(10 * time.Millisecond); release() }()
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1", n, err)
	}
}

// TestRowEncoding: every value a row holds comes back from its payload as it
// went in (integers as int64), and a payload cut anywhere is an error naming
// an offset, never a panic.
func TestRowEncoding(t *testing.T) {
	args := []any{"id", int64(-1 << 40), []byte{0, 1, 255}, []byte{}, "", nil, math.Inf(-1), 1.5, 7, math.MaxInt64, "中文"}
	b, err := encodeRow(nil, args)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > rowSize(args) {
		t.Errorf("payload of %d bytes, over rowSize's %d", len(b), rowSize(args))
	}
	got, err := decodeRow(b)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%#v", []any{"id", int64(-1 << 40), []byte{0, 1, 255}, []byte{}, "", nil, math.Inf(-1), 1.5, int64(7), int64(math.MaxInt64), "中文"})
	if fmt.Sprintf("%#v", got) != want {
		t.Errorf("decoded %#v\nwant %s", got, want)
	}
	for n := range len(b) {
		if _, err := decodeRow(b[:n]); err == nil || !strings.Contains(err.Error(), "offset") {
			t.Errorf("payload cut at %d: %v", n, err)
		}
	}
	if _, err := encodeRow(nil, []any{struct{}{}}); err == nil {
		t.Error("a value of no known type was encoded")
	}
}

// TestAppendRecordRow: the payload a logged save writes straight from its
// record is byte for byte encodeRow's of the row rowOf makes (the one the
// group commit path inserts and replay reads back), within its size bound,
// for every form of the row's values; and the values read back as views of
// it are decodeRow's.
func TestAppendRecordRow(t *testing.T) {
	yes, no := true, false
	full := record("r1", `{"type":"Point","coordinates":[108,34]}`, "admissible", time.UnixMicro(1_700_000_000_123_456))
	full.Project = json.RawMessage(`{"name":"中文","industry":"C2511"}`)
	full.Footprint = json.RawMessage(`{"type":"Point","coordinates":[108,34]}`)
	bare := record("r2", "", "prohibited", time.UnixMicro(-5))
	bare.Input, bare.Project, bare.Footprint, bare.InputHash = nil, nil, nil, ""
	cases := []struct {
		name   string
		rec    *Record
		facts  Facts
		packed []byte
	}{
		{"everything", full, Facts{ProjectName: "中文", Industry: "C2511", GoverningRule: "two_high",
			Bound: &orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{108.5, math.Inf(1)}}, HighEnergy: &yes}, []byte{packS2Dict, 1, 2, 3}},
		{"report as text", full, Facts{HighEnergy: &no, Bound: &orb.Bound{}}, nil},
		{"nothing", bare, Facts{}, nil},
		{"empty packed", bare, Facts{}, []byte{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			report := ""
			if c.packed == nil {
				report = string(c.rec.Report)
			}
			rec := *c.rec
			rec.Facts = &c.facts
			want, err := encodeRow(nil, rowOf(&rec, report, c.packed))
			if err != nil {
				t.Fatal(err)
			}
			got := appendRecordRow([]byte("x"), c.rec, &c.facts, c.packed)
			if !bytes.Equal(got[1:], want) {
				t.Fatalf("payload\n%q\nwant encodeRow's\n%q", got[1:], want)
			}
			if n := recordRowSize(c.rec, &c.facts, c.packed); len(want) > n {
				t.Errorf("payload of %d bytes, over recordRowSize's %d", len(want), n)
			}
			copied, err := decodeRow(want)
			if err != nil {
				t.Fatal(err)
			}
			view, err := decodeRowView(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(view, copied) {
				t.Errorf("views %#v\nwant %#v", view, copied)
			}
			if in := view[3].([]byte); cap(in) != len(in) {
				t.Errorf("the input's view has room for %d more bytes of the payload", cap(in)-len(in))
			}
		})
	}
}

// FuzzRedoLog: any bytes read as a redo log give records or an error naming
// an offset, never a panic.
func FuzzRedoLog(f *testing.F) {
	r := newRound(1)
	log := r.header()
	for i := range 3 {
		p, _ := encodeRow(nil, []any{fmt.Sprint("id", i), int64(i), []byte("in"), nil, 2.5})
		log = appendRecord(log, r, uint64(1+i), p)
	}
	f.Add(log)
	f.Add(log[:len(log)-3])
	f.Add([]byte(redoMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, recs, err := readRound(b)
		if err != nil && !errors.Is(err, errNoRound) && !strings.Contains(err.Error(), "offset") {
			t.Errorf("error without an offset: %v", err)
		}
		for _, rec := range recs {
			if _, err := encodeRow(nil, rec.args); err != nil {
				t.Errorf("record %d decoded into values that do not encode: %v", rec.seq, err)
			}
		}
		if _, err := decodeRow(b); err != nil && !strings.Contains(err.Error(), "offset") {
			t.Errorf("row error without an offset: %v", err)
		}
	})
}

// TestReserveRecent: a save's id check finds the ids put in SQLite in the
// last two generations in memory, and looks in SQLite only for an id at or
// below the floor (SQLite's greatest id when the older one began, or at
// Open); either way a duplicate fails and a new id passes.
func TestReserveRecent(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "recent.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	s.lg.mu.Lock()
	s.lg.recentLimit = 4
	s.lg.mu.Unlock()
	save := func(id string) error { return s.Save(ctx, record(id, "in "+id, "admissible", time.Now())) }
	for _, group := range [][]string{{"a1", "a2", "a3", "a4"}, {"b1", "b2", "b3", "b4"}} {
		for _, id := range group {
			if err := save(id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Count(ctx); err != nil { // in SQLite
			t.Fatal(err)
		}
	}
	s.lg.mu.Lock()
	floor := s.lg.floor
	s.lg.mu.Unlock()
	if floor != "a4" {
		t.Fatalf("floor = %q after two generations, want a4", floor)
	}
	for _, c := range []struct {
		id      string
		dup     bool
		lookups int64
	}{
		{"b2", true, 0},   // in the older generation
		{"b25", false, 0}, // above the floor, in neither
		{"c", false, 0},   // above every id
		{"a2", true, 1},   // at or below the floor: SQLite says
		{"a25", false, 2},
		{"a4", true, 3},
	} {
		err := save(c.id)
		if dup := err != nil && strings.Contains(err.Error(), "already archived"); dup != c.dup || (err != nil && !dup) {
			t.Errorf("save %s: %v, want duplicate %v", c.id, err, c.dup)
		}
		if n := s.lg.lookups.Load(); n != c.lookups {
			t.Errorf("after %s: %d lookups in SQLite, want %d", c.id, n, c.lookups)
		}
	}
	s.Close()
	// Reopened: the floor is SQLite's greatest id.
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := save("b3"); err == nil || s.lg.lookups.Load() != 1 {
		t.Errorf("save of the archived b3 after Open: %v, %d lookups; want a duplicate found in SQLite", err, s.lg.lookups.Load())
	}
	if err := save("d"); err != nil || s.lg.lookups.Load() != 1 {
		t.Errorf("save of a new id after Open: %v, %d lookups", err, s.lg.lookups.Load())
	}
}
