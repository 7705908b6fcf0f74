package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestAIOSync: a flush through AIO of a file written returns once done, as
// many times as asked, and the kernel's refusal (a pipe has no fsync) is
// errNoAIO, which tells the log to fdatasync instead.
func TestAIOSync(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := newAIOSync(f)
	if err != nil {
		t.Fatalf("no AIO on this Linux machine: %v", err)
	}
	defer a.close()
	for i := range 200 {
		if _, err := f.WriteAt([]byte(fmt.Sprint("record ", i)), int64(i)*16); err != nil {
			t.Fatal(err)
		}
		if err := a.sync(); err != nil {
			t.Fatalf("flush %d: %v", i, err)
		}
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	p, err := newAIOSync(w)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	if err := p.sync(); !errors.Is(err, errNoAIO) {
		t.Errorf("a pipe's flush: %v, want errNoAIO", err)
	}
}

// TestLoggedFlushesThroughAIO: the redo log of an archive on Linux is flushed
// through AIO, and still is after saves (a refused flush would have turned it
// off); a log whose AIO the kernel refuses falls back to fdatasync and goes on.
func TestLoggedFlushesThroughAIO(t *testing.T) {
	s, _ := openLogged(t, "aio.db")
	if s.lg.aio == nil {
		t.Fatal("the redo log flushes with fdatasync, not AIO")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var recs []*Record
	for i := range 40 {
		recs = append(recs, loggedRecord(rng, fmt.Sprintf("a%03d", i), i))
	}
	saveAll(t, s, recs)
	if s.fsyncs.Load() == 0 {
		t.Error("no flush counted")
	}
	if s.lg.aio == nil {
		t.Error("after the saves, the redo log no longer flushes through AIO")
	}

	// A refusal: the same log, its AIO pointed at a pipe.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	lg := &redoLog{path: "test", f: s.lg.f}
	if lg.aio, err = newAIOSync(w); err != nil {
		t.Fatal(err)
	}
	if err := lg.flush(); err != nil {
		t.Errorf("flush after the kernel refused AIO: %v, want fdatasync's success", err)
	}
	if lg.aio != nil {
		t.Error("a refused AIO flush left AIO on")
	}
}
