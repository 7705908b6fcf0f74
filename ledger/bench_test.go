package ledger_test

import (
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/ledger"
)

// rss returns the process's resident set in bytes (Linux), -1 where it
// cannot be read.
func rss() int64 {
	n, err := proccpu.RSS(0)
	if err != nil {
		return -1
	}
	return n
}

// peakGrowth writes n patches as an XLSX to io.Discard and returns the highest
// RSS above the RSS at the start, sampled every millisecond.
func peakGrowth(tb testing.TB, ps []*ledger.Patch, n int) int64 {
	runtime.GC()
	base := rss()
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if r := rss() - base; r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	w, err := ledger.NewWriter(io.Discard, "xlsx", []string{"图斑编号", "变化类型", "面积"})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		p := *ps[i%len(ps)]
		p.Index = i
		if err := w.Write(&p); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	close(stop)
	<-done
	return peak.Load()
}

// TestXLSXMemoryFlat: the XLSX is streamed, so writing ten times the rows does
// not take ten times the memory. Rows go to a temporary file; what grows is the
// summary (bounded by the zones) and the zip's buffers.
func TestXLSXMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1.1×10⁵ patches")
	}
	ps := patches(1000)
	small := peakGrowth(t, ps, 10_000)
	large := peakGrowth(t, ps, 100_000)
	t.Logf("RSS growth: %.1f MiB at 10⁴ patches, %.1f MiB at 10⁵", float64(small)/(1<<20), float64(large)/(1<<20))
	// Held in memory, 10⁵ patches' rows would take ~10× the 10⁴'s; streamed, the
	// growth stays within a constant of it.
	if large > 3*small+32<<20 {
		t.Errorf("RSS grew %d MiB for 10⁵ patches against %d MiB for 10⁴: the rows are held in memory", large>>20, small>>20)
	}
}

// BenchmarkXLSX writes 10⁴ and 10⁵ patches (~1.5 rows each) as an XLSX ledger
// and reports the peak RSS growth.
func BenchmarkXLSX(b *testing.B) {
	ps := patches(1000)
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			var peak int64
			for b.Loop() {
				peak = max(peak, peakGrowth(b, ps, n))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-growth-MiB")
		})
	}
}
