package data_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/internal/scalegen"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// oracleFootprints returns the accepted oracle footprints and a checker on the five
// Shaanxi layers.
func oracleFootprints(b *testing.B) (*zones.Checker, []zones.Footprint) {
	b.Helper()
	_, _, fc := oracleData(b)
	// At scale, the same footprints against the layers replicated elsewhere in
	// China (REDLINE_BENCH_SCALE): the query region's zones are unchanged.
	ds, err := data.LoadDir(sharedData(b, benchScale(b)))
	if err != nil {
		b.Fatal(err)
	}
	c, err := zones.NewChecker(ds)
	if err != nil {
		b.Fatal(err)
	}
	var fps []zones.Footprint
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			fps = append(fps, zones.Footprint{Geometry: f.Geometry})
		}
	}
	if len(fps) != 206 {
		b.Fatalf("%d accepted footprints, want 206", len(fps))
	}
	return c, fps
}

// BenchmarkOracleFootprints checks the 206 accepted oracle footprints against the
// five layers, one op = all 206 on one goroutine. PostGIS needs ~250 ms for their
// geodesic overlap areas on a 2-core machine.
//
// The default checks review boundaries within 10 m; "no-boundary-review" (a band of
// 0) measures what that costs.
func BenchmarkOracleFootprints(b *testing.B) {
	c, fps := oracleFootprints(b)
	for _, bc := range []struct {
		name   string
		buffer zones.Buffer
		band   *float64
	}{
		{"overlaps", zones.NoBuffer(), nil},
		{"overlaps+no-boundary-review", zones.NoBuffer(), new(0.0)},
		{"overlaps+nearby5km", zones.BufferOf(5000), nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				for _, fp := range fps {
					if _, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: bc.buffer, BoundaryToleranceM: bc.band}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkOracleSites checks the oracle footprints as multi-site projects of three
// sites each (one op = all 69 projects): "sites" names the sites on each
// intersection, "one-geometry" checks the same collections without sites.
func BenchmarkOracleSites(b *testing.B) {
	c, fps := oracleFootprints(b)
	var projects []zones.Footprint
	for i := 0; i < len(fps); i += 3 {
		var fp zones.Footprint
		var all orb.Collection
		for j, f := range fps[i:min(i+3, len(fps))] {
			all = append(all, f.Geometry)
			fp.Sites = append(fp.Sites, zones.Site{Name: string(rune('A' + j)), Geometry: f.Geometry})
		}
		fp.Geometry = all
		projects = append(projects, fp)
	}
	for _, bc := range []struct {
		name  string
		sites bool
	}{{"sites", true}, {"one-geometry", false}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, fp := range projects {
					if !bc.sites {
						fp.Sites = nil
					}
					if _, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkOracleFootprintsParallel spreads the same checks over GOMAXPROCS
// goroutines; compare ns/op with BenchmarkOracleFootprints to see both cores used.
func BenchmarkOracleFootprintsParallel(b *testing.B) {
	c, fps := oracleFootprints(b)
	b.ReportAllocs()
	var next atomic.Int64
	b.ResetTimer() // RunParallel, unlike b.Loop, does not leave the set-up out
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fp := fps[int(next.Add(1))%len(fps)]
			if _, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)*float64(len(fps))/1e6, "ms/206fp")
}

// bigZone densifies the largest real county boundary (Amap) to at least 200,000
// vertices, deterministically, by inserting evenly spaced points on every edge.
func bigZone(b *testing.B) (orb.Polygon, orb.Point) {
	shared := oracle.SharedDir(b)
	raw, err := os.ReadFile(filepath.Join(shared, "shaanxi_county_amap2020.geojson"))
	if err != nil {
		b.Fatal(err)
	}
	fc, err := geojson.Read(raw)
	if err != nil {
		b.Fatal(err)
	}
	var best orb.Polygon
	for _, f := range fc.Features {
		var p orb.Polygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			p = g
		case orb.MultiPolygon:
			p = g[0]
		}
		if planar.NumVertices(p) > planar.NumVertices(best) {
			best = p
		}
	}
	k := int(math.Ceil(200000/float64(planar.NumVertices(best)))) + 1
	out := make(orb.Polygon, len(best))
	for ri, r := range best {
		var dr orb.Ring
		for i := 0; i+1 < len(r); i++ {
			a, c := r[i], r[i+1]
			for j := 0; j < k; j++ {
				t := float64(j) / float64(k)
				dr = append(dr, orb.Point{a[0] + (c[0]-a[0])*t, a[1] + (c[1]-a[1])*t})
			}
		}
		dr = append(dr, r[len(r)-1])
		out[ri] = dr
	}
	if n := planar.NumVertices(out); n < 200000 {
		b.Fatalf("densified to %d vertices only", n)
	}
	return out, best[0][len(best[0])/3] // a boundary vertex to put footprints on
}

// BenchmarkBigZone checks a 1 km² footprint on the boundary of a ≥200k-vertex zone,
// with the zone subdivided (the design) and whole. The footprint crosses the
// boundary, so the boundary review scans the zone's rings: "no-boundary-review"
// (a band of 0) measures what that costs.
func BenchmarkBigZone(b *testing.B) {
	poly, at := bigZone(b)
	b.Logf("zone of %d vertices", planar.NumVertices(poly))
	l := &zones.Layer{ID: "big", Kind: zones.KindCustom, Geom: zones.Polygonal}
	l.Zones = []*zones.Zone{{ID: "big", Class: "x", Geometry: poly, Layer: l}}
	ds := &zones.Dataset{Name: "big", Layers: []*zones.Layer{l}}
	d := 0.005 // ~1 km² around the boundary vertex
	fp := zones.Footprint{Geometry: orb.Polygon{{{at[0] - d, at[1] - d}, {at[0] + d, at[1] - d}, {at[0] + d, at[1] + d}, {at[0] - d, at[1] + d}, {at[0] - d, at[1] - d}}}}
	for _, bc := range []struct {
		name string
		maxV int
		band *float64
	}{{"subdivided", 0, nil}, {"subdivided+no-boundary-review", 0, new(0.0)}, {"whole", -1, nil}} {
		b.Run(bc.name, func(b *testing.B) {
			idx, err := zones.NewIndex(ds, zones.IndexOptions{MaxVertices: bc.maxV})
			if err != nil {
				b.Fatal(err)
			}
			c := zones.NewCheckerFor(idx)
			r, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer()})
			if err != nil || len(r.Intersections) != 1 || r.Intersections[0].FootprintShare <= 0 || r.Intersections[0].FootprintShare >= 1 {
				b.Fatalf("footprint must straddle the boundary: %v %+v", err, r)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.NoBuffer(), BoundaryToleranceM: bc.band}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLocatePoints locates 100,000 deterministic points over Shaanxi in the five
// layers, spread over GOMAXPROCS goroutines (one op = all 100k). PostGIS needs
// ~0.75 s for the query alone.
func BenchmarkLocatePoints(b *testing.B) {
	c, _ := oracleFootprints(b)
	pts := randomPoints(100000)
	locateAll(b, c, len(pts), func(i int) orb.Geometry { return pts[i] })
}

// BenchmarkLocateSquares locates 100,000 squares of 0.01 km² (100 m a side) with
// their overlap areas (one op = all 100k, on GOMAXPROCS goroutines). PostGIS needs
// ~9.9 s for the query alone.
func BenchmarkLocateSquares(b *testing.B) {
	c, _ := oracleFootprints(b)
	sq := squares(randomPoints(100000))
	if a := geo.Area(sq[0]); math.Abs(a-10000) > 50 {
		b.Fatalf("square of %.1f m²", a)
	}
	locateAll(b, c, len(sq), func(i int) orb.Geometry { return sq[i] })
}

// squares are the squares of 0.01 km² (100 m a side) centred on pts.
func squares(pts []orb.Point) []orb.Polygon {
	sq := make([]orb.Polygon, len(pts))
	for i, p := range pts {
		dx, dy := 50/(111320*math.Cos(p[1]*math.Pi/180)), 50/110574.0
		sq[i] = orb.Polygon{{{p[0] - dx, p[1] - dy}, {p[0] + dx, p[1] - dy}, {p[0] + dx, p[1] + dy}, {p[0] - dx, p[1] + dy}, {p[0] - dx, p[1] - dy}}}
	}
	return sq
}

func locateAll(b *testing.B, c *zones.Checker, n int, geom func(int) orb.Geometry) {
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		locateOnce(b, c, n, geom)
	}
}

// locateOnce locates geom(0) … geom(n-1), spread over GOMAXPROCS goroutines.
func locateOnce(b *testing.B, c *zones.Checker, n int, geom func(int) orb.Geometry) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if _, err := c.Locate(context.Background(), geom(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// randomPoints returns n deterministic points over Shaanxi (106–110°E, 33–38°N).
func randomPoints(n int) []orb.Point {
	pts := make([]orb.Point, n)
	x := uint64(88172645463325252)
	for i := range pts {
		// xorshift: deterministic, no shared state
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		u := float64(x%1_000_000) / 1e6
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v := float64(x%1_000_000) / 1e6
		pts[i] = orb.Point{106 + 4*u, 33 + 5*v}
	}
	return pts
}

// BenchmarkLoadShaanxi loads, repairs, subdivides and indexes the five Shaanxi
// layers (one op = the whole dataset; replicated REDLINE_BENCH_SCALE times), and
// reports the Go heap and the process RSS (VmRSS, GEOS's C memory included) the
// result holds, in all and per source vertex.
func BenchmarkLoadShaanxi(b *testing.B) {
	dir := sharedData(b, benchScale(b))
	var heap, rss float64
	vertices := 0
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		debug.FreeOSMemory()
		runtime.ReadMemStats(&m0)
		rss0 := vmRSS(b)
		ds, err := data.LoadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		c, err := zones.NewChecker(ds)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		rss = float64(vmRSS(b) - rss0)
		heap = float64(m1.HeapAlloc - m0.HeapAlloc)
		vertices = c.Index().Stats().Vertices
		runtime.KeepAlive(c)
	}
	b.ReportMetric(heap/1e6, "heap-MB")
	// The README's bytes of Go heap per vertex (GEOS's copies are C memory, not in it).
	b.ReportMetric(heap/float64(vertices), "heap-B/vertex")
	// What the process holds for it: Go heap with its GC headroom, and C memory.
	b.ReportMetric(rss/float64(vertices), "rss-B/vertex")
	b.ReportMetric(float64(vertices), "vertices")
}

// cpuPerOp reports, when the returned function is called at the end of the
// benchmark, the process's CPU time (user and system, every goroutine and the
// garbage collector included) per op: on a machine shared with other work it
// varies far less than the wall time.
func cpuPerOp(b *testing.B) func() {
	t0 := proccpu.Now()
	return func() { b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op") }
}

// vmRSS is the process's resident set in bytes (/proc/self/status VmRSS).
func vmRSS(tb testing.TB) int64 {
	n, err := proccpu.RSS(0)
	if err != nil {
		tb.Skipf("no resident set to read: %v", err)
	}
	return n
}

// BenchmarkOpenSnapshot is the time to ready from a snapshot (one op = Open of
// the Shaanxi layers, replicated REDLINE_BENCH_SCALE times, from the snapshot a
// first Open wrote), with the process RSS it holds per vertex.
func BenchmarkOpenSnapshot(b *testing.B) {
	dir, snap := preparedSnapshot(b)
	keyModes(b, func(b *testing.B, recalled bool) {
		var rss float64
		vertices := 0
		for b.Loop() {
			b.StopTimer()
			keyMode(b, dir, snap, recalled)
			b.StartTimer()
			idx, rss0 := openSnapshot(b, dir, snap, recalled)
			runtime.GC()
			rss = float64(vmRSS(b) - rss0)
			vertices = idx.Stats().Vertices
			runtime.KeepAlive(idx)
		}
		b.ReportMetric(rss/float64(vertices), "rss-B/vertex")
		b.ReportMetric(float64(vertices), "vertices")
	})
}

// keyModes runs bench twice: every start hashing the sources (key=hashed: no
// key memo), and every start recalling their key from the memo (key=recalled:
// one written by a start before the timer). Without the split a run mixed the
// two: the memo is written by the first start that finds the sources settled
// (2 s after they were written), and the starts after it recall.
func keyModes(b *testing.B, bench func(b *testing.B, recalled bool)) {
	for _, recalled := range []bool{false, true} {
		name := "key=hashed"
		if recalled {
			name = "key=recalled"
		}
		b.Run(name, func(b *testing.B) {
			defer data.SetSettleTime(0)()
			bench(b, recalled)
		})
	}
}

// keyMode readies snap's key memo for a start of dir that hashes the sources
// (no memo) or recalls their key (a memo, written by a start now if missing).
func keyMode(b *testing.B, dir, snap string, recalled bool) {
	memo := data.MemoPath(snap)
	if !recalled {
		if err := os.Remove(memo); err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
		return
	}
	if _, err := os.Stat(memo); err == nil {
		return
	}
	if _, info, err := data.Open(dir, snap, zones.IndexOptions{}); err != nil || !info.FromSnapshot {
		b.Fatalf("open: %+v %v", info, err)
	}
	if _, err := os.Stat(memo); err != nil {
		b.Fatalf("no key memo after a start: %v", err)
	}
}

// BenchmarkOpenSnapshotPatches is BenchmarkOpenSnapshot for a dataset of many
// small zones (scalegen.Patches: REDLINE_BENCH_PATCHES twelve-cornered
// water-source zones scattered over China, six attributes each; 20,000 unless
// set): what a zone costs whatever its size, in time to ready and in memory.
func BenchmarkOpenSnapshotPatches(b *testing.B) {
	n := 20000
	if s := os.Getenv("REDLINE_BENCH_PATCHES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("REDLINE_BENCH_PATCHES=%q: want a count of zones", s)
		}
	}
	dir := b.TempDir()
	if _, err := scalegen.Patches(dir, scalegen.PatchOptions{N: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	snap := filepath.Join(b.TempDir(), "bench.snap")
	if _, info, err := data.Prepare(dir, snap); err != nil {
		b.Fatalf("prepare: %+v %v", info, err)
	}
	keyModes(b, func(b *testing.B, recalled bool) {
		var rss, heap float64
		vertices, zs := 0, 0
		for b.Loop() {
			// Only Open is timed: the collections around it are the measurement's.
			b.StopTimer()
			keyMode(b, dir, snap, recalled)
			var m0, m1 runtime.MemStats
			runtime.GC()
			debug.FreeOSMemory()
			runtime.ReadMemStats(&m0)
			rss0 := vmRSS(b)
			b.StartTimer()
			idx, info, err := data.Open(dir, snap, zones.IndexOptions{})
			if err != nil || !info.FromSnapshot || info.KeyRecalled != recalled {
				b.Fatalf("open (key recalled: want %v): %+v %v", recalled, info, err)
			}
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&m1)
			rss = float64(vmRSS(b) - rss0)
			heap = float64(m1.HeapAlloc) - float64(m0.HeapAlloc)
			vertices, zs = idx.Stats().Vertices, idx.Stats().Zones
			runtime.KeepAlive(idx)
			b.StartTimer()
		}
		b.ReportMetric(rss/float64(vertices), "rss-B/vertex")
		b.ReportMetric(rss/float64(zs), "rss-B/zone")
		b.ReportMetric(heap/float64(zs), "heap-B/zone")
		b.ReportMetric(float64(zs), "zones")
	})
}

// BenchmarkRSSAfterQueries opens the layers (replicated REDLINE_BENCH_SCALE
// times) from their snapshot with `redline serve`'s memory limit (live heap plus
// a quarter, at least 64 MiB), then answers, each op, the 100k points, the 100k
// squares with areas and the 206 oracle footprints; it reports the process RSS
// per vertex after opening and after the last op: flat means no growth with
// queries.
func BenchmarkRSSAfterQueries(b *testing.B) {
	_, _, fc := oracleData(b)
	dir, snap := preparedSnapshot(b)
	keyMode(b, dir, snap, false)
	idx, rss0 := openSnapshot(b, dir, snap, false)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	live := int64(ms.HeapAlloc)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(ms.Sys-ms.HeapSys) + live + max(live/4, 64<<20)))
	vertices := float64(idx.Stats().Vertices)
	// Reported after the loop: b.Loop's first call clears metrics reported before.
	openRSS := float64(vmRSS(b)-rss0) / vertices
	c := zones.NewCheckerFor(idx)
	pts := randomPoints(100000)
	sq := squares(pts)
	var fps []orb.Geometry
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			fps = append(fps, f.Geometry)
		}
	}
	for b.Loop() {
		locateOnce(b, c, len(pts), func(i int) orb.Geometry { return pts[i] })
		locateOnce(b, c, len(sq), func(i int) orb.Geometry { return sq[i] })
		for _, g := range fps {
			if _, err := c.Check(context.Background(), zones.Footprint{Geometry: g}, zones.Project{}, zones.CheckOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(openRSS, "open-rss-B/vertex")
	b.ReportMetric(float64(vmRSS(b)-rss0)/vertices, "rss-B/vertex")
	runtime.KeepAlive(idx)
}

// preparedSnapshot returns the Shaanxi layers replicated REDLINE_BENCH_SCALE
// times and the snapshot prepared for them.
func preparedSnapshot(b *testing.B) (dir, snap string) {
	dir = sharedData(b, benchScale(b))
	snap = filepath.Join(b.TempDir(), "bench.snap")
	if _, info, err := data.Prepare(dir, snap); err != nil {
		b.Fatalf("prepare: %+v %v", info, err)
	}
	return dir, snap
}

// openSnapshot opens dir from snap, its sources' key recalled from the memo
// or not as recalled says, and returns the process RSS before (after a
// collection that handed back what it could).
func openSnapshot(b *testing.B, dir, snap string, recalled bool) (*zones.Index, int64) {
	runtime.GC()
	debug.FreeOSMemory()
	rss0 := vmRSS(b)
	idx, info, err := data.Open(dir, snap, zones.IndexOptions{})
	if err != nil || !info.FromSnapshot || info.KeyRecalled != recalled {
		b.Fatalf("open (key recalled: want %v): %+v %v", recalled, info, err)
	}
	return idx, rss0
}
