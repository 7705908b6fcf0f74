package api

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/internal/proccpu"
)

// BenchmarkCheckHandler is BenchmarkCheckLoopback's check without the network:
// the same bodies through the server's handler (middleware, intake, checker,
// rules, the answer's JSON) one at a time: cpu-µs/check is the server's CPU
// for a check, which the loopback bench mixes with its clients' and the
// sockets'.
func BenchmarkCheckHandler(b *testing.B) {
	e := loadShared(b)
	bodies := checkBodies()
	srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return e, nil }, MaxChecks: 256})
	if err != nil {
		b.Fatal(err)
	}
	srv.Swap(e, "shared", 0)
	h := srv.Handler()
	b.ReportAllocs()
	i := 0
	cpu0 := proccpu.Now()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/check", strings.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(deadlineRecorder{rec}, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		i++
	}
	// The process's CPU, the collector's included, which a busy machine's
	// wall clock does not show.
	b.ReportMetric(float64((proccpu.Now()-cpu0).Microseconds())/float64(b.N), "cpu-µs/check")
}

// BenchmarkCheckHandlerEdges is BenchmarkCheckHandler over the squares of
// checkBodies that lie partly in a zone (a share below 1 in the answer): the
// checks the cell grids cannot settle alone, whose overlay is GEOS's.
func BenchmarkCheckHandlerEdges(b *testing.B) {
	e := loadShared(b)
	srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return e, nil }, MaxChecks: 256})
	if err != nil {
		b.Fatal(err)
	}
	srv.Swap(e, "shared", 0)
	h := srv.Handler()
	check := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/v1/check", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(deadlineRecorder{rec}, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec
	}
	var bodies []string
	for _, body := range checkBodies() {
		if strings.Contains(check(body).Body.String(), `"footprint_share":0.`) {
			bodies = append(bodies, body)
		}
	}
	if len(bodies) == 0 {
		b.Fatal("no square lies partly in a zone")
	}
	b.ReportAllocs()
	i := 0
	cpu0 := proccpu.Now()
	for b.Loop() {
		check(bodies[i%len(bodies)])
		i++
	}
	b.ReportMetric(float64((proccpu.Now()-cpu0).Microseconds())/float64(b.N), "cpu-µs/check")
	b.ReportMetric(float64(len(bodies)), "squares")
}

// checkBodies are the check envelopes of the check benches: 1024 squares of
// 100 m across Shaanxi, for a C2511 project.
func checkBodies() []string {
	rng := rand.New(rand.NewPCG(4, 2))
	bodies := make([]string, 1024)
	for i := range bodies {
		x, y := shaanxi(rng)
		bodies[i] = `{"footprint":{"type":"Polygon","coordinates":[` + squareRing(x, y, 100) + `]},"project":{"industry":"C2511"}}`
	}
	return bodies
}

// BenchmarkCheckHandlerArchive is BenchmarkCheckHandler with the SQLite archive
// on (in a temporary directory), 16 requests at once as BenchmarkCheckLoopback's
// clients send them, so that saves share commits as they do there:
// cpu-µs/check is the server's CPU for a check and its row, without the
// sockets and the clients.
func BenchmarkCheckHandlerArchive(b *testing.B) {
	e := loadShared(b)
	bodies := checkBodies()
	st, err := store.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return e, nil }, MaxChecks: 256, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	srv.Swap(e, "shared", 0)
	h := srv.Handler()
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	var n atomic.Int64
	cpu0 := proccpu.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := httptest.NewRequest(http.MethodPost, "/v1/check", strings.NewReader(bodies[i%int64(len(bodies))]))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(deadlineRecorder{rec}, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	b.ReportMetric(float64((proccpu.Now()-cpu0).Microseconds())/float64(b.N), "cpu-µs/check")
}

// deadlineRecorder is a recorder that takes deadlines as a connection does:
// without, the handler's deadlines would cost the benches an error each
// (http.ErrNotSupported, wrapped) that a served check does not make.
type deadlineRecorder struct{ *httptest.ResponseRecorder }

func (deadlineRecorder) SetReadDeadline(time.Time) error  { return nil }
func (deadlineRecorder) SetWriteDeadline(time.Time) error { return nil }
