package api

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/zones"
)

// serveDataset indexes ds and serves it over a real socket until the test ends.
func serveDataset(t *testing.T, ds *zones.Dataset) (*Server, *httptest.Server) {
	t.Helper()
	c, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(c, ds.Name, 0)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}

// serveArchived serves ds with an SQLite report archive on a loopback port
// until the test ends.
func serveArchived(t *testing.T, ds *zones.Dataset) (*zones.Checker, *store.Store, *httptest.Server) {
	t.Helper()
	c, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "redline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return c, nil }, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(c, ds.Name, 0)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return c, st, ts
}

// serveLoaded loads cfg.Source with cfg.Load and serves it over a real socket
// until the test ends.
func serveLoaded(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Load(t.Context(), ""); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}
