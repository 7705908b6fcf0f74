package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/zones"
)

// TestServeLoadsWhileTheArchiveOpens: serve's dataset load and its archive's
// open are under way at the same time. Each waits, in turn, for the other to
// have started; run one after the other, the first would wait in vain and the
// start would fail.
func TestServeLoadsWhileTheArchiveOpens(t *testing.T) {
	const wait = time.Minute // only ever reached when the two do not overlap
	opening, loading := make(chan struct{}), make(chan struct{})
	var once sync.Once
	defer func(o func(context.Context, string) (*store.Store, error), l func(context.Context, string, serveConfig, *slog.Logger) (*zones.Checker, error)) {
		openStore, serveLoadHook = o, l
	}(openStore, serveLoadHook)
	openStore = func(ctx context.Context, dsn string) (*store.Store, error) {
		close(opening)
		select {
		case <-loading:
		case <-time.After(wait):
			return nil, errors.New("the dataset did not start loading while the archive opened")
		}
		return store.Open(ctx, dsn)
	}
	loads := 0
	serveLoadHook = func(ctx context.Context, source string, c serveConfig, log *slog.Logger) (*zones.Checker, error) {
		loads++
		once.Do(func() { close(loading) })
		select {
		case <-opening:
		case <-time.After(wait):
			return nil, errors.New("the archive did not start opening while the dataset loaded")
		}
		return serveLoad(ctx, source, c, log)
	}

	addr := freePort(t)
	c := serveConfig{addr: addr, db: filepath.Join(t.TempDir(), "start.db"), maxBody: 1 << 20, maxLocateBody: 1 << 20,
		maxJobBody: 1 << 20, maxHeaderBytes: 64 << 10, maxVertices: 1000, maxFeatures: 1000, maxLocates: 1,
		timeout: time.Minute, locateTimeout: time.Minute, readHeaderTimeout: time.Minute, readTimeout: time.Minute,
		bodyIdleTimeout: time.Minute, idleTimeout: time.Minute, jobRetention: time.Hour, jobLease: time.Minute,
		shutdownTimeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	for ready := false; !ready; {
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if loads != 1 {
		t.Fatalf("the dataset was loaded %d times, want once", loads)
	}
}
