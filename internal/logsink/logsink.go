// Package logsink is redline serve's log output: lines are gathered in memory
// and written together, at once for the lines that matter now and within a
// short delay for the access log.
//
// Why: serve writes an access line a request, and at thousands of small
// checks a second one write(2) a line, into the pipe a supervisor (systemd,
// Docker) reads, was the largest cost of a check after the check itself: the
// same server with its access log on (the default) against --log-level warn,
// alternated by `bench checks` (wrk, 32 connections, 5 rounds), answered
// 11,849 against 19,626 checks a second without the archive, 6,585 against
// 9,188 with it, each line a system call and a wake-up of the reader. nginx
// buffers its access log the same way (access_log … buffer= flush=).
//
// What may be lost: the access lines of the last Delay, should the process be
// killed (kill -9, the kernel's OOM killer) before they are written. Every
// other line, and every access line at warn or above (a 5xx), is written
// before Log returns, after the lines before it: the order is kept.
package logsink

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Sink gathers lines written to it and writes them to its writer together:
// when Flush is called, when limit bytes are waiting, or delay after the
// first line of a batch. Safe for concurrent use; each Write must be whole
// lines (slog's handlers write a record a call).
type Sink struct {
	w     io.Writer
	limit int
	delay time.Duration
	timer *time.Timer // flushes delay after a batch's first line

	mu  sync.Mutex
	buf []byte
	// wmu orders the writes of batches taken from buf; err, the writer's
	// first error since Flush last returned one, is under it.
	wmu sync.Mutex
	err error
}

// Defaults of New.
const (
	DefaultLimit = 64 << 10
	DefaultDelay = 100 * time.Millisecond
)

// New returns a sink writing to w, gathering up to limit bytes for up to delay.
func New(w io.Writer, limit int, delay time.Duration) *Sink {
	s := &Sink{w: w, limit: max(limit, 1), delay: delay}
	s.timer = time.AfterFunc(time.Hour, func() { s.Flush() })
	s.timer.Stop()
	return s
}

// Write keeps p to be written with the lines around it.
func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	first := len(s.buf) == 0
	s.buf = append(s.buf, p...)
	full := len(s.buf) >= s.limit
	if first && !full {
		s.timer.Reset(s.delay)
	}
	s.mu.Unlock()
	if full {
		s.Flush()
	}
	return len(p), nil
}

// Flush writes every line written before it, and returns the first error
// the writer gave (since the last Flush that returned one).
func (s *Sink) Flush() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	b := s.buf
	s.buf = nil
	s.timer.Stop() // a line written from now on starts a batch, and its timer
	s.mu.Unlock()
	if len(b) > 0 {
		if _, err := s.w.Write(b); err != nil && s.err == nil {
			s.err = err
		}
		if cap(b) <= 4*s.limit {
			s.mu.Lock()
			if s.buf == nil {
				s.buf = b[:0] // reused: lines written meanwhile went to a new one
			}
			s.mu.Unlock()
		}
	}
	err := s.err
	s.err = nil
	return err
}

// Now wraps h, which writes to s: every record it handles is written before
// Handle returns, with the lines gathered before it.
func (s *Sink) Now(h slog.Handler) slog.Handler { return nowHandler{h, s} }

type nowHandler struct {
	slog.Handler
	s *Sink
}

func (h nowHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if ferr := h.s.Flush(); err == nil {
		err = ferr
	}
	return err
}

func (h nowHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return nowHandler{h.Handler.WithAttrs(as), h.s}
}

func (h nowHandler) WithGroup(name string) slog.Handler {
	return nowHandler{h.Handler.WithGroup(name), h.s}
}
