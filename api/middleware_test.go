package api

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// TestRoutePattern: the remembered pattern is chi's, for the lists of patterns
// the router makes and for lists too long to remember, asked once and again.
func TestRoutePattern(t *testing.T) {
	s := &Server{}
	for _, ps := range [][]string{
		{"/v1/*", "/check"}, {"/v1/*", "/layers/{layer}"}, {"/v1/*", "/layers/{layer}/*", "/tiles/{z}/{x}/{y}.pbf"},
		{"/v1/*"}, {"/*"}, {"/"}, {"/healthz"}, {"/a/*", "/b/*", "/c/*", "/d"}, {"/v1/*", "/"},
	} {
		rctx := &chi.Context{RoutePatterns: ps}
		want := rctx.RoutePattern()
		for range 2 {
			if got := s.routePattern(rctx); got != want {
				t.Errorf("%q: %q, chi says %q", ps, got, want)
			}
		}
	}
}

// TestAccessLogger: a request's access line goes to AccessLogger, a 5xx's to
// Logger (whose lines serve writes at once), and with no AccessLogger to
// Logger.
func TestAccessLogger(t *testing.T) {
	access := &syncBuffer{}
	h := newHarness(t, func(c *Config) {
		c.AccessLogger = slog.New(slog.NewJSONHandler(access, nil))
	})
	if rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json"); rec.Code != 200 {
		t.Fatalf("check: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(access.String(), `"msg":"request"`) || !strings.Contains(access.String(), `"status":200`) {
		t.Fatalf("no access line for the check in AccessLogger: %q", access.String())
	}
	if strings.Contains(h.logs.String(), `"msg":"request"`) {
		t.Fatalf("the check's access line in Logger: %q", h.logs.String())
	}
	h.eng.panic = true
	if rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json"); rec.Code != 500 {
		t.Fatalf("panicking check: %d", rec.Code)
	}
	if !strings.Contains(h.logs.String(), `"msg":"request"`) || !strings.Contains(h.logs.String(), `"status":500`) {
		t.Fatalf("no access line for the 500 in Logger: %q", h.logs.String())
	}
	if strings.Contains(access.String(), `"status":500`) {
		t.Fatalf("the 500's access line in AccessLogger: %q", access.String())
	}

	plain := newHarness(t, nil)
	if rec := plain.do(t, "GET", "/healthz", nil); rec.Code != 200 {
		t.Fatalf("healthz: %d", rec.Code)
	}
	if !strings.Contains(plain.logs.String(), `"msg":"request"`) {
		t.Fatalf("without an AccessLogger, no access line in Logger: %q", plain.logs.String())
	}
}
