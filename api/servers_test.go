package api

import (
	"context"
	"net/http/httptest"
	"testing"

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
