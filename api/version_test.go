package api

import "testing"

// TestDatasetVersionHeader: every answer under /v1 and /ogc says which dataset
// version answered it — replicas behind a load balancer may serve two versions
// for a moment during a reload, and a client can tell which it got.
func TestDatasetVersionHeader(t *testing.T) {
	h := newHarness(t, nil)
	for _, p := range []string{"/v1/layers", "/v1/limits", "/v1/industries?q=25", "/v1/reports", "/v1/reports/nope", "/v1/layers/nope", "/ogc", "/ogc/collections"} {
		rec := h.do(t, "GET", p, nil)
		if v := rec.Header().Get("X-Redline-Dataset-Version"); v != "v1" {
			t.Errorf("GET %s (%d): X-Redline-Dataset-Version %q, want v1", p, rec.Code, v)
		}
	}
	// Not on the probes: they answer before a dataset is loaded, and say it in their body.
	if v := h.do(t, "GET", "/healthz", nil).Header().Get("X-Redline-Dataset-Version"); v != "" {
		t.Errorf("/healthz carries a dataset version %q", v)
	}
}
