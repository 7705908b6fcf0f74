package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeSync is a redo log fdatasync the test holds and fails: each call shows
// up on calls and returns what the test sends it.
type fakeSync struct {
	calls chan *syncCall
}

type syncCall struct {
	f      *os.File
	result chan error
}

func newFakeSync() *fakeSync { return &fakeSync{calls: make(chan *syncCall, 16)} }

func (fs *fakeSync) sync(f *os.File) error {
	c := &syncCall{f: f, result: make(chan error, 1)}
	fs.calls <- c
	return <-c.result
}

// next returns the next fdatasync called.
func (fs *fakeSync) next(t *testing.T) *syncCall {
	t.Helper()
	select {
	case c := <-fs.calls:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no fdatasync of the redo log")
		return nil
	}
}

// none fails if an fdatasync is called within a short while.
func (fs *fakeSync) none(t *testing.T, what string) {
	t.Helper()
	select {
	case <-fs.calls:
		t.Fatalf("an fdatasync was called %s", what)
	case <-time.After(50 * time.Millisecond):
	}
}

// asyncSave saves rec in a goroutine; the channel gets its answer.
func asyncSave(s *Store, rec *Record) chan error {
	ch := make(chan error, 1)
	// Not the test's context: it may end before the save is answered.
	go func() { ch <- s.Save(context.Background(), rec) }()
	return ch
}

// answered returns the save's answer, failing the test if none comes.
func answered(t *testing.T, ch chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("a save was not answered")
		return nil
	}
}

// unanswered fails if the save is answered within a short while.
func unanswered(t *testing.T, ch chan error, what string) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("a save was answered (%v) %s", err, what)
	case <-time.After(50 * time.Millisecond):
	}
}

// openFake opens a store at path whose redo log's fdatasyncs fs holds, and
// pipelines them at once; the test closes it when it ends.
func openFake(t *testing.T, path string, depth int, limit int64) (*Store, *fakeSync) {
	return openFakeAfter(t, path, depth, limit, time.Nanosecond)
}

func openFakeAfter(t *testing.T, path string, depth int, limit int64, after time.Duration) (*Store, *fakeSync) {
	t.Helper()
	fs := newFakeSync()
	s, err := open(t.Context(), path, options{redo: true, redoLimit: limit, logSync: fs.sync, logDepth: depth, logAfter: after})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !s.Stats().Logged {
		t.Fatal("the store does not log")
	}
	return s, fs
}

func flightRecord(id string, size int) *Record {
	return record(id, strings.Repeat(id, size/len(id)+1)[:size], "admissible", time.UnixMicro(1.7e15))
}

// TestLogPipelineOrder: a group's fdatasync starts while the one before runs,
// on a descriptor of its own; no save is answered before its fdatasync
// returned, nor before every earlier group's did; a third group waits for a
// free flight.
func TestLogPipelineOrder(t *testing.T) {
	s, fs := openFake(t, filepath.Join(t.TempDir(), "order.db"), 2, redoLimit)
	a := asyncSave(s, flightRecord("a", 100))
	ca := fs.next(t)
	b := asyncSave(s, flightRecord("b", 100))
	cb := fs.next(t)
	if ca.f == cb.f || ca.f == s.lg.f || cb.f == s.lg.f {
		t.Error("two fdatasyncs in flight share a descriptor")
	}
	c := asyncSave(s, flightRecord("c", 100))
	fs.none(t, "with two groups in flight at depth 2")
	unanswered(t, a, "before its fdatasync returned")
	cb.result <- nil
	unanswered(t, b, "before the earlier group's fdatasync returned")
	unanswered(t, a, "before its fdatasync returned")
	fs.none(t, "before the first group was answered")
	ca.result <- nil
	if err := answered(t, a); err != nil {
		t.Fatal(err)
	}
	if err := answered(t, b); err != nil {
		t.Fatal(err)
	}
	cc := fs.next(t)
	unanswered(t, c, "before its fdatasync returned")
	cc.result <- nil
	if err := answered(t, c); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Fsyncs != 3 || st.LogRows != 3 {
		t.Errorf("stats %+v: want 3 fsyncs, 3 rows", st)
	}
	for _, id := range []string{"a", "b", "c"} {
		if _, err := s.Get(t.Context(), id); err != nil {
			t.Error(err)
		}
	}
}

// TestLogPipelineFailure: a failed fdatasync fails its group and every group
// written after it, even one whose own fdatasync succeeded, but no group
// before it; the log starts a new round, whose records alone are read back
// (those of the failed groups are in the file, with the old salt), and a
// reopen finds exactly the reports acknowledged.
func TestLogPipelineFailure(t *testing.T) {
	for _, failed := range []string{"first", "second"} {
		t.Run(failed, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "fail.db")
			s, fs := openFake(t, path, 3, redoLimit)
			release := holdInserter(s)
			defer release()
			// One group acknowledged before, from the same round.
			z := asyncSave(s, flightRecord("z", 300))
			fs.next(t).result <- nil
			if err := answered(t, z); err != nil {
				t.Fatal(err)
			}
			rounds := s.Stats().Rounds
			a := asyncSave(s, flightRecord("a", 300))
			ca := fs.next(t)
			b := asyncSave(s, flightRecord("b", 300))
			cb := fs.next(t)
			c := asyncSave(s, flightRecord("c", 300))
			cc := fs.next(t)
			eio := syscall.EIO
			want := map[string]bool{"z": true}
			if failed == "first" {
				cc.result <- nil
				cb.result <- nil
				ca.result <- eio
				for i, ch := range []chan error{a, b, c} {
					err := answered(t, ch)
					if err == nil {
						t.Error("a group at or after the failed one was acknowledged")
					}
					if i == 0 && !errors.Is(err, eio) {
						t.Errorf("the failed group's answer %v is not the fdatasync's error", err)
					}
				}
			} else {
				cb.result <- eio
				cc.result <- nil
				unanswered(t, c, "before the groups before it")
				ca.result <- nil
				if err := answered(t, a); err != nil {
					t.Errorf("the group before the failed one failed: %v", err)
				}
				want["a"] = true
				if err := answered(t, b); !errors.Is(err, eio) {
					t.Errorf("the failed group's answer %v is not the fdatasync's error", err)
				}
				if err := answered(t, c); err == nil {
					t.Error("a group after the failed one was acknowledged")
				}
			}
			// The next group begins a new round, once the rows acknowledged
			// are durably in SQLite.
			d := asyncSave(s, flightRecord("d", 300))
			unanswered(t, d, "while the inserter is held: the new round must wait for SQLite")
			release()
			fs.next(t).result <- nil
			if err := answered(t, d); err != nil {
				t.Fatal(err)
			}
			want["d"] = true
			if got := s.Stats().Rounds; got != rounds+1 {
				t.Errorf("%d rounds after the failure, want %d", got, rounds+1)
			}
			b0, err := os.ReadFile(path + "-redo")
			if err != nil {
				t.Fatal(err)
			}
			_, recs, err := readRound(b0)
			if err != nil || len(recs) != 1 || recs[0].args[0] != "d" {
				t.Fatalf("the new round reads back %d records (%v), want d alone", len(recs), err)
			}
			if !strings.Contains(string(b0), strings.Repeat("c", 300)) {
				t.Fatal("the failed records are not in the file: the test shows nothing")
			}
			// The saves that failed may be saved again.
			if failed == "second" {
				e := asyncSave(s, flightRecord("b", 300))
				fs.next(t).result <- nil
				if err := answered(t, e); err != nil {
					t.Fatal(err)
				}
				want["b"] = true
			}
			// A crash now: the copy opens with the reports acknowledged alone.
			crashed := copyArchive(t, path)
			s2, err := Open(ctx, crashed)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			for _, id := range []string{"z", "a", "b", "c", "d"} {
				_, err := s2.Get(ctx, id)
				if want[id] != (err == nil) {
					t.Errorf("report %s after a crash: %v, want it there: %v", id, err, want[id])
				}
			}
		})
	}
}

// TestLogPipelineWriteFailure: a group that cannot be written fails alone;
// the groups in flight before it are acknowledged when their fdatasyncs
// return.
func TestLogPipelineWriteFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "write.db")
	s, fs := openFake(t, path, 2, redoLimit)
	a := asyncSave(s, flightRecord("a", 100))
	ca := fs.next(t)
	// The next write fails: the logger writes through a read-only descriptor.
	good := s.lg.f
	bad, err := os.Open(path + "-redo") // read-only: pwrite fails
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	s.lg.f = bad
	b := asyncSave(s, flightRecord("b", 100))
	if err := answered(t, b); err == nil {
		t.Fatal("a group that could not be written was acknowledged")
	}
	s.lg.f = good
	unanswered(t, a, "before its fdatasync returned")
	ca.result <- nil
	if err := answered(t, a); err != nil {
		t.Fatalf("the group before the failed write: %v", err)
	}
	c := asyncSave(s, flightRecord("c", 100))
	fs.next(t).result <- nil
	if err := answered(t, c); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Rounds != 2 {
		t.Errorf("%d rounds, want 2: the failed write's records may be in the file", st.Rounds)
	}
}

// TestLogPipelineNewRound: a group that needs a new round waits for every
// fdatasync in flight before the log is reused from its start.
func TestLogPipelineNewRound(t *testing.T) {
	// Room for two records of ~6 KB, not three.
	s, fs := openFake(t, filepath.Join(t.TempDir(), "round.db"), 3, 14<<10)
	a := asyncSave(s, flightRecord("a", 6000))
	ca := fs.next(t)
	b := asyncSave(s, flightRecord("b", 6000))
	cb := fs.next(t)
	c := asyncSave(s, flightRecord("c", 6000))
	fs.none(t, "for a new round while groups of the old one are in flight")
	if got := s.Stats().Rounds; got != 1 {
		t.Fatalf("a new round began with fdatasyncs in flight (%d rounds)", got)
	}
	cb.result <- nil
	fs.none(t, "for a new round while a group of the old one is in flight")
	ca.result <- nil
	for _, ch := range []chan error{a, b} {
		if err := answered(t, ch); err != nil {
			t.Fatal(err)
		}
	}
	fs.next(t).result <- nil
	if err := answered(t, c); err != nil {
		t.Fatal(err)
	}
	if got := s.Stats().Rounds; got != 2 {
		t.Errorf("%d rounds, want 2", got)
	}
}

// TestLogPipelineClose: Close with groups in flight waits for their
// fdatasyncs and answers them; the reports are there after a reopen.
func TestLogPipelineClose(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "close.db")
	s, fs := openFake(t, path, 2, redoLimit)
	var saves []chan error
	var calls []*syncCall
	for i := range 2 {
		saves = append(saves, asyncSave(s, flightRecord(fmt.Sprint("f", i), 100)))
		calls = append(calls, fs.next(t))
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) with fdatasyncs in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	calls[1].result <- nil
	calls[0].result <- nil
	for _, ch := range saves {
		if err := answered(t, ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n, err := s2.Count(ctx); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2", n, err)
	}
}

// TestLogPipelineAfter: the next group is not written beside an fdatasync that
// has not run pipelineAfter (here an hour): it waits for the answer, and
// takes every save queued meanwhile.
func TestLogPipelineAfter(t *testing.T) {
	s, fs := openFakeAfter(t, filepath.Join(t.TempDir(), "after.db"), 2, redoLimit, time.Hour)
	a := asyncSave(s, flightRecord("a", 100))
	ca := fs.next(t)
	b := asyncSave(s, flightRecord("b", 100))
	c := asyncSave(s, flightRecord("c", 100))
	fs.none(t, "beside one that has not run long enough")
	for deadline := time.Now().Add(10 * time.Second); len(s.lg.saves) < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the saves were not queued")
		}
	}
	ca.result <- nil
	if err := answered(t, a); err != nil {
		t.Fatal(err)
	}
	fs.next(t).result <- nil
	for _, ch := range []chan error{b, c} {
		if err := answered(t, ch); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Fsyncs != 2 || st.LogRows != 3 {
		t.Errorf("stats %+v: want 2 fsyncs for 3 rows", st)
	}
}
