package main

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/zones"
)

// serveLoad loads a dataset for the server: through its snapshot (--snapshot
// for the dataset of --data; the default place for another one a reload names),
// then sets the memory limit for it (gcForDataset).
func serveLoad(ctx context.Context, source string, c serveConfig, log *slog.Logger) (*zones.Checker, error) {
	snapshot := c.snapshot
	if source != c.data && snapshot != data.SnapshotOff {
		snapshot = "" // an explicit path is the --data dataset's
	}
	limited := os.Getenv("GOMEMLIMIT") == ""
	if limited {
		// While loading, the dataset in service and the new one are both live.
		debug.SetMemoryLimit(math.MaxInt64)
	}
	idx, info, err := data.OpenWith(ctx, source, snapshot, zones.IndexOptions{}, data.LoadOptions{ZoningDB: c.zoningDB})
	if limited {
		defer gcForDataset(log)
	}
	if err != nil {
		return nil, err
	}
	attrs := []any{slog.String("source", source), slog.Duration("took", info.Duration),
		slog.Bool("from_snapshot", info.FromSnapshot), slog.Int("vertices", idx.Stats().Vertices)}
	if info.Snapshot != "" {
		attrs = append(attrs, slog.String("snapshot", info.Snapshot), slog.Bool("snapshot_written", info.Written),
			slog.Bool("sources_unchanged", info.KeyRecalled))
	}
	if info.Rejected != "" {
		log.Warn("dataset snapshot not used: rebuilt from the sources", slog.String("snapshot", info.Snapshot), slog.String("reason", info.Rejected))
	}
	if info.WriteErr != nil {
		log.Warn("dataset snapshot not written: the next start loads the sources again", slog.String("snapshot", info.Snapshot), slog.String("error", info.WriteErr.Error()))
	}
	log.Info("dataset prepared", attrs...)
	return zones.NewCheckerFor(idx), nil
}

// gcPercent is serve's GOGC when the environment sets none (see gcForDataset).
const gcPercent = 400

// gcForDataset sets Go's memory limit for the dataset now live, unless
// GOMEMLIMIT says otherwise: the live heap plus a quarter of it (at least
// 128 MiB: with 64, a 100k-feature batch over a 5M-vertex dataset collected
// so often that it took 1.3–1.4× its time over the same province alone) for
// requests. A dataset is a large heap that never changes; with the default
// GOGC alone the heap would grow to twice it between collections, doubling the
// RSS for nothing. The dataset's arrays hold no pointers, so the collections
// the limit brings on cost little.
//
// Then it faults in the heap the requests will use (prefault): up to the next
// collection's goal, within the limit.
func gcForDataset(log *slog.Logger) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := int64(ms.HeapAlloc)
	room := max(live/4, 128<<20)
	limit := int64(ms.Sys-ms.HeapSys) + live + room
	debug.SetMemoryLimit(limit)
	if os.Getenv("GOGC") == "" {
		// Under the limit, a small dataset's heap need not be collected every time
		// it doubles: batches allocate tens of MB a request, and at GOGC=100 over
		// a 10 MB dataset that is a collection every few milliseconds. The limit,
		// not GOGC, bounds the heap of a large dataset.
		debug.SetGCPercent(gcPercent)
	}
	runtime.ReadMemStats(&ms)
	touched := prefault(min(int64(ms.NextGC)-live, room) * 7 / 8)
	log.Info("memory limit set for the dataset", slog.Int64("live_heap_bytes", live), slog.Int64("limit_bytes", limit),
		slog.Int64("prefaulted_bytes", touched))
}

// prefault allocates n bytes, faults in every page of them (populate, else a
// write to each) and lets them go, so that the heap requests allocate from
// until the next collection is memory the process already has: the runtime
// keeps the freed pages for the heap up to its goal. It returns n (0 when n ≤ 0). Without it, the first
// requests after a start each took page faults for the fresh heap they grew
// into, as far as the goal: four times a large dataset's live heap (GOGC=400),
// ~120 MB for a 5M-vertex dataset against ~25 MB for the province alone, and
// the first dozen batches of 100k squares over the larger one took up to
// 1.5 times as long as the later ones (over the province, 1.1 times). The
// process's resident memory at ready is then what it would be after its
// first requests anyway.
func prefault(n int64) int64 {
	if n <= 0 {
		return 0
	}
	const chunk = 4 << 20 // as batches allocate: many spans, not one object
	pageSize := os.Getpagesize()
	var held [][]byte
	for left := n; left > 0; left -= chunk {
		b := make([]byte, min(left, chunk))
		// The kernel populates the whole pages in one call (a tenth of the
		// time of a fault a page here: 112 MiB in 45 ms against 440–480);
		// where it cannot, a write to each page faults them in.
		if populate(b) {
			b[0], b[len(b)-1] = 1, 1 // the pages at its ends, when not whole
		} else {
			for i := 0; i < len(b); i += pageSize {
				b[i] = 1
			}
		}
		held = append(held, b)
	}
	runtime.KeepAlive(held)
	return n
}
