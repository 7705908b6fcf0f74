package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// LocateFunc locates one geometry: zones.Checker.Locate.
type LocateFunc func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error)

// Options tune Run.
type Options struct {
	// Workers locating in parallel; 0 means GOMAXPROCS.
	Workers int
	// Chunk is the most features handed to a worker at once; 0 means 256. A chunk is
	// sent on early when the reader has nothing more buffered.
	Chunk int
	// Progress, if set, is called from the writing goroutine after each chunk with
	// the number of features written so far.
	Progress func(done int)
	// OnError, if set, is called for each locate error that is not an InputError
	// (a bug in the checker, or a panic); the feature gets an "internal" error
	// record. It is called from the workers, possibly at the same time.
	OnError func(index int, err error)
}

// Stats counts what a run did.
type Stats struct {
	Features int // results written
	Errors   int // of which error records
	Hits     int
}

type chunk struct {
	items []Result
	done  chan struct{}
}

// Run reads every feature from r, locates it with locate on opts.Workers goroutines,
// and writes the results to w in input order. At most about 2×Workers chunks are in
// memory at once. A bad feature gives an error record and the batch goes on; an error
// that makes the rest of the input unreadable is written as a last error record
// (when it is an *errcode.Error) and returned. Run closes w on success.
func Run(ctx context.Context, r Reader, locate LocateFunc, w Writer, opts Options) (Stats, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	size := opts.Chunk
	if size <= 0 {
		size = 256
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Decoding features is left to the workers, so that it uses every core.
	if lr, ok := r.(lazyReader); ok {
		lr.setLazy()
	}
	// Written chunks go back to the reader: their item arrays are large, and
	// zeroing fresh ones costs more than reusing them.
	free := make(chan []Result, 2*workers+2)
	newChunk := func() *chunk {
		select {
		case items := <-free:
			return &chunk{items: items[:0], done: make(chan struct{})}
		default:
			return &chunk{items: make([]Result, 0, size), done: make(chan struct{})}
		}
	}
	work := make(chan *chunk, workers)
	order := make(chan *chunk, 2*workers+1)
	var readErr error // written by the reader before it closes order
	next := 0         // index of the next feature, for a trailing error record

	var readerDone sync.WaitGroup
	readerDone.Go(func() {
		defer close(order)
		defer close(work)
		buf, _ := r.(buffered)
		send := func(c *chunk) bool {
			select {
			case order <- c:
			case <-ctx.Done():
				return false
			}
			select {
			case work <- c:
			case <-ctx.Done():
				return false
			}
			return true
		}
		c := newChunk()
		for {
			f, err := r.Next()
			if err == nil {
				c.items = append(c.items, Result{Feature: f})
				next = f.Index + 1
			} else {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				if len(c.items) > 0 {
					send(c)
				}
				return
			}
			if len(c.items) == size || (buf != nil && buf.Buffered() == 0) {
				if !send(c) {
					return
				}
				c = newChunk()
			}
			if ctx.Err() != nil {
				return
			}
		}
	})

	var fatal error
	var fatalOnce sync.Once
	setFatal := func(err error) {
		fatalOnce.Do(func() { fatal = err; cancel() })
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range work {
				for i := range c.items {
					it := &c.items[i]
					it.Decode()
					if it.Err != nil || ctx.Err() != nil {
						continue
					}
					hits, err := safeLocate(ctx, locate, it.Geometry)
					if err != nil {
						var ie *errcode.Error
						switch {
						case errors.As(err, &ie):
							it.Err = ie
						case ctx.Err() != nil:
						default:
							if opts.OnError != nil {
								opts.OnError(it.Index, err)
							}
							it.Err = &errcode.Error{Code: "internal",
								Message: fmt.Sprintf("feature %d could not be located: internal error", it.Index),
								Details: map[string]any{"feature": it.Index}}
						}
					}
					it.Hits = hits
				}
				close(c.done)
			}
		})
	}

	var st Stats
	write := func() error {
		for {
			var c *chunk
			var ok bool
			select {
			case c, ok = <-order:
			default:
				// Nothing queued: send what was written before waiting for input.
				if err := w.Flush(); err != nil {
					return err
				}
				select {
				case c, ok = <-order:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			if !ok {
				return nil
			}
			select {
			case <-c.done:
			default:
				if err := w.Flush(); err != nil {
					return err
				}
				select {
				case <-c.done:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			for i := range c.items {
				it := &c.items[i]
				if err := w.Write(it); err != nil {
					return err
				}
				st.Features++
				st.Hits += len(it.Hits)
				if it.Err != nil {
					st.Errors++
				}
				c.items[i] = Result{} // drop geometry and hits early
			}
			select {
			case free <- c.items:
			default:
			}
			if opts.Progress != nil {
				opts.Progress(st.Features)
			}
		}
	}
	werr := write()
	if werr != nil {
		setFatal(werr)
	}
	wg.Wait()
	if werr == nil {
		readerDone.Wait()
	}
	// If the writer failed, ctx is cancelled: the reader may be blocked reading its
	// source and returns when that source is closed (the HTTP server closes bodies).
	if werr != nil {
		return st, werr
	}
	if fatal != nil {
		return st, fatal
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if readErr != nil {
		var ie *errcode.Error
		if errors.As(readErr, &ie) {
			if err := w.Fail(next, ie); err != nil {
				return st, err
			}
			st.Errors++
		}
		if err := w.Close(); err != nil {
			return st, err
		}
		return st, readErr
	}
	return st, w.Close()
}

// safeLocate turns a panic of the locate function into an error: a worker
// goroutine has no HTTP server above it to recover, and one bad feature must
// not bring the process down.
func safeLocate(ctx context.Context, locate LocateFunc, g orb.Geometry) (hits []zones.Hit, err error) {
	defer func() {
		if v := recover(); v != nil {
			hits, err = nil, fmt.Errorf("batch: locate panicked: %v", v)
		}
	}()
	return locate(ctx, g)
}
