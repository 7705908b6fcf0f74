package ogc

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// bigDataset is one layer of n zones of v vertices each (n·v in all).
func bigDataset(n, v int) *zones.Dataset {
	ly := &zones.Layer{ID: "big", Kind: zones.KindRedline, Title: "大图层", Geom: zones.Polygonal}
	for i := range n {
		x, y := 100+float64(i%100)*0.1, 30+float64(i/100)*0.1
		ring := make(orb.Ring, 0, v)
		for k := range v - 1 {
			a := 2 * math.Pi * float64(k) / float64(v-1)
			ring = append(ring, orb.Point{x + 0.04*math.Cos(a), y + 0.04*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		ly.Zones = append(ly.Zones, &zones.Zone{ID: fmt.Sprintf("Z%05d", i), Name: "区", Class: "redline",
			Geometry: orb.Polygon{ring}, Layer: ly})
	}
	return &zones.Dataset{Name: "big", Version: "1", Layers: []*zones.Layer{ly}}
}

func bigService(ds *zones.Dataset) http.Handler {
	s := New(Config{
		Current:    func() (*zones.Dataset, *zones.Index, error) { return ds, nil, nil },
		WriteError: func(w http.ResponseWriter, r *http.Request, err error) { http.Error(w, err.Error(), 500) },
	})
	r := chi.NewRouter()
	r.Route("/ogc", s.Routes)
	return r
}

// peakWriter discards what is written, counting it, and samples the live heap
// every 8 writes (the items writer writes 32 KiB at a time).
type peakWriter struct {
	h       http.Header
	n, w    int
	peak    uint64
	status  int
	samples int
}

func (p *peakWriter) Header() http.Header { return p.h }
func (p *peakWriter) WriteHeader(s int)   { p.status = s }
func (p *peakWriter) Write(b []byte) (int, error) {
	p.n += len(b)
	p.w++
	if p.w%8 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.peak = max(p.peak, m.HeapAlloc)
		p.samples++
	}
	return len(b), nil
}

// TestItemsStream: a 10,000-feature page of a 200k-vertex layer is written one
// feature at a time: the heap never grows by more than a fraction of the page
// (a server that built the page first would hold all of it).
func TestItemsStream(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200k-vertex layer")
	}
	h := bigService(bigDataset(10000, 20))
	// Collect garbage eagerly, so that the heap measured is what is live.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	w := &peakWriter{h: http.Header{}}
	h.ServeHTTP(w, httptest.NewRequest("GET", "/ogc/collections/big/items?limit=10000", nil))
	if w.status != 0 && w.status != 200 {
		t.Fatalf("status %d", w.status)
	}
	if w.n < 5<<20 || w.samples < 10 {
		t.Fatalf("only %d bytes in %d samples written: the page is not the size the test needs", w.n, w.samples)
	}
	grew := int64(w.peak) - int64(base)
	t.Logf("page %d bytes; heap grew at most %d bytes (%d samples)", w.n, grew, w.samples)
	if grew > int64(w.n)/4 {
		t.Errorf("the heap grew by %d bytes while writing a %d-byte page: the page is held, not streamed", grew, w.n)
	}
}

// BenchmarkItemsPage: one 10,000-feature page of a 200k-vertex layer.
func BenchmarkItemsPage(b *testing.B) {
	h := bigService(bigDataset(10000, 20))
	b.ReportAllocs()
	for b.Loop() {
		w := &peakWriter{h: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest("GET", "/ogc/collections/big/items?limit=10000", nil))
		b.SetBytes(int64(w.n))
	}
}
