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
		attrs = append(attrs, slog.String("snapshot", info.Snapshot), slog.Bool("snapshot_written", info.Written))
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

func gcForDataset(log *slog.Logger) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := int64(ms.HeapAlloc)
	limit := int64(ms.Sys-ms.HeapSys) + live + max(live/4, 128<<20)
	debug.SetMemoryLimit(limit)
	if os.Getenv("GOGC") == "" {
		// Under the limit, a small dataset's heap need not be collected every time
		// it doubles: batches allocate tens of MB a request, and at GOGC=100 over
		// a 10 MB dataset that is a collection every few milliseconds. The limit,
		// not GOGC, bounds the heap of a large dataset.
		debug.SetGCPercent(gcPercent)
	}
	log.Info("memory limit set for the dataset", slog.Int64("live_heap_bytes", live), slog.Int64("limit_bytes", limit))
}
