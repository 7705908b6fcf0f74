package logsink

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a writer that counts its writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	fail   error
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return 0, w.fail
	}
	w.writes++
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (w *lockedBuffer) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes
}

// TestSinkOrderAndNow: access lines wait; a line through Now is written
// before Log returns, after the lines waiting before it, in one write.
func TestSinkOrderAndNow(t *testing.T) {
	var out lockedBuffer
	s := New(&out, DefaultLimit, time.Hour)
	h := slog.NewTextHandler(s, &slog.HandlerOptions{ReplaceAttr: noTime})
	access, now := slog.New(h), slog.New(s.Now(h)).With("k", "v")
	access.Info("request", "n", 1)
	access.Info("request", "n", 2)
	if got := out.String(); got != "" {
		t.Fatalf("access lines written at once: %q", got)
	}
	now.Warn("slow")
	want := "level=INFO msg=request n=1\nlevel=INFO msg=request n=2\nlevel=WARN msg=slow k=v\n"
	if got := out.String(); got != want || out.count() != 1 {
		t.Fatalf("after a line through Now: %d writes of %q; want one of %q", out.count(), got, want)
	}
	access.Info("request", "n", 3)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != want+"level=INFO msg=request n=3\n" {
		t.Fatalf("after Flush: %q", got)
	}
}

func noTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// TestSinkDelay: a waiting line is written within the delay, by itself.
func TestSinkDelay(t *testing.T) {
	var out lockedBuffer
	s := New(&out, DefaultLimit, 20*time.Millisecond)
	fmt.Fprintln(s, "one")
	fmt.Fprintln(s, "two")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := out.String(); got != "one\ntwo\n" || out.count() != 1 {
		t.Fatalf("%d writes of %q; want one of both lines", out.count(), got)
	}
	fmt.Fprintln(s, "three") // a new batch arms the timer again
	for !strings.HasSuffix(out.String(), "three\n") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := out.String(); got != "one\ntwo\nthree\n" {
		t.Fatalf("second batch: %q", got)
	}
}

// TestSinkLimit: the write that fills the limit writes the batch itself.
func TestSinkLimit(t *testing.T) {
	var out lockedBuffer
	s := New(&out, 100, time.Hour)
	line := strings.Repeat("x", 39) + "\n"
	fmt.Fprint(s, line)
	fmt.Fprint(s, line)
	if out.count() != 0 {
		t.Fatalf("written under the limit: %q", out.String())
	}
	fmt.Fprint(s, line)
	if got := out.String(); got != line+line+line {
		t.Fatalf("at the limit: %q", got)
	}
}

// TestSinkConcurrent: lines from many goroutines come out whole, each once,
// each goroutine's in its order, in far fewer writes than lines.
func TestSinkConcurrent(t *testing.T) {
	var out lockedBuffer
	s := New(&out, 4096, time.Millisecond)
	const g, n = 8, 2000
	var wg sync.WaitGroup
	for i := range g {
		wg.Go(func() {
			for k := range n {
				fmt.Fprintf(s, "g%d line %05d end\n", i, k)
			}
		})
	}
	wg.Wait()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != g*n {
		t.Fatalf("%d lines, want %d", len(lines), g*n)
	}
	next := make([]int, g)
	for _, l := range lines {
		var i, k int
		if _, err := fmt.Sscanf(l, "g%d line %05d end", &i, &k); err != nil || i < 0 || i >= g || !strings.HasSuffix(l, " end") {
			t.Fatalf("torn line %q", l)
		}
		if k != next[i] {
			t.Fatalf("goroutine %d: line %d after %d", i, k, next[i]-1)
		}
		next[i]++
	}
	if w := out.count(); w > g*n/10 {
		t.Errorf("%d writes for %d lines", w, g*n)
	}
}

// TestSinkError: a failed write is reported by the next Flush, once.
func TestSinkError(t *testing.T) {
	out := lockedBuffer{fail: errors.New("disk full")}
	s := New(&out, DefaultLimit, time.Hour)
	fmt.Fprintln(s, "lost")
	if err := s.Flush(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Flush: %v, want disk full", err)
	}
	if err := s.Flush(); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
}
