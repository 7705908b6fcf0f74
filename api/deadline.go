package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// withDeadline is context.WithDeadline for a check, made without a timer or a
// place among its parent's children until someone asks for Done: the checker
// only polls Err between zones, and the timer, the registration with the
// request's context and their undoing cost a small check about 1.5 µs of
// CPU. Done makes the real context (context.WithDeadline) and from then on
// every answer is its; before, Err answers as it would: the parent's error,
// else context.DeadlineExceeded once the deadline has passed, or Canceled
// after cancel. (context.Cause, which finds the context's cause through
// Value, reports the parent's until Done is asked: nothing of a check asks it.)
//
// The caller cancels it (cancel, as a CancelFunc would) when done: a method,
// not a CancelFunc, which would be one more allocation a check.
func withDeadline(parent context.Context, d time.Time) *lazyDeadline {
	if pd, ok := parent.Deadline(); ok && pd.Before(d) {
		d = pd // as context.WithDeadline: the parent's earlier deadline holds
	}
	return &lazyDeadline{parent: parent, deadline: d}
}

type lazyDeadline struct {
	parent   context.Context
	deadline time.Time

	mu   sync.Mutex
	real atomic.Pointer[realContext] // made by Done
	err  atomic.Pointer[error]       // the first error Err saw, or Canceled by cancel
}

type realContext struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *lazyDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *lazyDeadline) Value(key any) any { return c.parent.Value(key) }

func (c *lazyDeadline) Err() error {
	if r := c.real.Load(); r != nil {
		return r.ctx.Err()
	}
	if e := c.err.Load(); e != nil {
		return *e
	}
	err := c.parent.Err()
	if err == nil && !time.Now().Before(c.deadline) {
		err = context.DeadlineExceeded
	}
	if err == nil {
		return nil
	}
	// Once ended, ended with the same error (and Done, if asked, is closed).
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.real.Load(); r != nil {
		return r.ctx.Err()
	}
	if e := c.err.Load(); e != nil {
		return *e
	}
	c.err.Store(ptrTo(err))
	return err
}

// canceled is the error of every check's context cancelled before it ended
// (one shared pointer: nothing writes through it).
var canceled = context.Canceled

// ptrTo returns a pointer to a copy of err: taken in Err as &err, it would
// move err to the heap on every call, the many that find no error too.
func ptrTo(err error) *error { return &err }

func (c *lazyDeadline) Done() <-chan struct{} {
	if r := c.real.Load(); r != nil {
		return r.ctx.Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.real.Load(); r != nil {
		return r.ctx.Done()
	}
	var ctx context.Context
	var cancel context.CancelFunc
	if e := c.err.Load(); e != nil {
		// Ended already: a context ended with the same error.
		ctx, cancel = endedContext(c.parent, *e)
	} else {
		ctx, cancel = context.WithDeadline(c.parent, c.deadline)
	}
	c.real.Store(&realContext{ctx, cancel})
	return ctx.Done()
}

func (c *lazyDeadline) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.real.Load(); r != nil {
		r.cancel()
		return
	}
	if c.err.Load() == nil {
		c.err.Store(&canceled)
	}
}

// endedContext is a context of parent's values that has ended with err.
func endedContext(parent context.Context, err error) (context.Context, context.CancelFunc) {
	if err == context.DeadlineExceeded {
		return context.WithDeadline(parent, time.Time{}) // already past: ended with DeadlineExceeded
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	cancel()
	return ctx, cancel
}
