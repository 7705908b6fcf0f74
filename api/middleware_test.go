package api

import (
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
