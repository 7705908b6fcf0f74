package api

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWithDeadline: the check's context answers as context.WithDeadline's
// would, whether Done is asked before it ends, after, or never: the deadline
// passing, the parent ending, cancel; values and an earlier parent deadline
// pass through.
func TestWithDeadline(t *testing.T) {
	type key struct{}
	wait := func(t *testing.T, ctx context.Context) {
		t.Helper()
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("Done not closed")
		}
	}
	open := func(t *testing.T, ctx context.Context) {
		t.Helper()
		if err := ctx.Err(); err != nil {
			t.Fatalf("ended early: %v", err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("Done closed early")
		default:
		}
	}
	for _, doneFirst := range []bool{false, true} {
		t.Run("deadline", func(t *testing.T) {
			ctx := withDeadline(context.Background(), time.Now().Add(20*time.Millisecond))
			cancel := ctx.cancel
			defer cancel()
			if doneFirst {
				open(t, ctx)
				wait(t, ctx)
			} else {
				for ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				wait(t, ctx) // Done, asked after the end, is closed
			}
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Errorf("Err %v", ctx.Err())
			}
			cancel()
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Errorf("Err after cancel %v", ctx.Err())
			}
		})
		t.Run("parent canceled", func(t *testing.T) {
			parent, pcancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
			ctx := withDeadline(parent, time.Now().Add(time.Hour))
			cancel := ctx.cancel
			defer cancel()
			if ctx.Value(key{}) != "v" {
				t.Errorf("value %v", ctx.Value(key{}))
			}
			if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
				t.Errorf("deadline %v %v", d, ok)
			}
			if doneFirst {
				open(t, ctx)
			}
			pcancel()
			wait(t, ctx)
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("Err %v", ctx.Err())
			}
		})
		t.Run("cancel", func(t *testing.T) {
			ctx := withDeadline(context.Background(), time.Now().Add(time.Hour))
			cancel := ctx.cancel
			if doneFirst {
				open(t, ctx)
			} else if ctx.Err() != nil {
				t.Fatal(ctx.Err())
			}
			cancel()
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("Err %v", ctx.Err())
			}
			wait(t, ctx)
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("Err after Done %v", ctx.Err())
			}
		})
	}
	t.Run("parent's earlier deadline", func(t *testing.T) {
		parent, pcancel := context.WithDeadline(context.Background(), time.Now().Add(time.Minute))
		defer pcancel()
		ctx := withDeadline(parent, time.Now().Add(time.Hour))
		cancel := ctx.cancel
		defer cancel()
		pd, _ := parent.Deadline()
		if d, _ := ctx.Deadline(); !d.Equal(pd) {
			t.Errorf("deadline %v, the parent's %v", d, pd)
		}
	})
}
