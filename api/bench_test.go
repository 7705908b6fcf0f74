package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/internal/bench"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// loadShared loads ../shared/data once for all benchmarks.
func loadShared(b *testing.B) Engine {
	b.Helper()
	dir := oracle.SharedDir(b)
	e, err := sharedOnce(dir)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

var sharedOnce = func() func(dir string) (Engine, error) {
	var once sync.Once
	var e Engine
	var err error
	return func(dir string) (Engine, error) {
		once.Do(func() {
			var ds *zones.Dataset
			if ds, err = data.LoadDir(dir); err == nil {
				e, err = zones.NewChecker(ds)
			}
		})
		return e, err
	}
}()

// benchServer serves e over loopback, archiving to SQLite when archive is set.
func benchServer(b *testing.B, e Engine, archive bool) *httptest.Server {
	ts, _ := benchServerStore(b, e, archive)
	return ts
}

// benchServerStore is benchServer, also returning its archive (nil without).
func benchServerStore(b *testing.B, e Engine, archive bool) (*httptest.Server, *store.Store) {
	b.Helper()
	cfg := Config{Load: func(context.Context, string) (Engine, error) { return e, nil }, MaxChecks: 256}
	if archive {
		st, err := store.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		cfg.Store = st
	}
	srv, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	srv.Swap(e, "shared", 0)
	// The server and listener cmd/redline serves with.
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config = srv.HTTPServer()
	ts.Listener = srv.Listener(ts.Listener)
	ts.Start()
	b.Cleanup(ts.Close)
	return ts, cfg.Store
}

// shaanxi returns a deterministic point inside 106–110°E, 33–38°N.
func shaanxi(rng *rand.Rand) (float64, float64) {
	return 106 + 4*rng.Float64(), 33 + 5*rng.Float64()
}

// squareRing is a square of side metres with its south-west corner at x,y.
func squareRing(x, y, side float64) string {
	dy := side / 111320
	dx := side / (111320 * math.Cos(y*math.Pi/180))
	return fmt.Sprintf("[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]",
		x, y, x+dx, y, x+dx, y+dy, x, y+dy, x, y)
}

// BenchmarkCheckLoopback: checks per second over loopback for small footprints
// (100 m squares across Shaanxi), 16 clients at once (and 32, 64 with the
// archive).
func BenchmarkCheckLoopback(b *testing.B) {
	e := loadShared(b)
	// The collector as `redline serve` sets it (cmd/redline's gcPercent) unless
	// GOGC says otherwise: at the test's default 100 and this benchmark's small
	// live heap, a collection every ~700 checks overstated their CPU by ~7 %.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	bodies := checkBodies()
	run := func(b *testing.B, archive bool, clients int) {
		ts, st := benchServerStore(b, e, archive)
		tr := &http.Transport{MaxIdleConnsPerHost: clients}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr}
		var n atomic.Int64
		// clients/GOMAXPROCS per processor: 16 on 2 cores by default.
		b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
		b.ReportAllocs()
		var st0 store.Stats
		if st != nil {
			st0 = st.Stats()
		}
		wait0, saves0 := archiveWait(b, ts.URL)
		cpu0 := proccpu.Now()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				resp, err := client.Post(ts.URL+"/v1/check", "application/json", strings.NewReader(bodies[i%int64(len(bodies))]))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
		// CPU time per check, server and clients together (one process): on a
		// machine shared with other work the rate follows the load, this does
		// much less; 2 cores give at most 2e6/cpu-µs checks a second.
		b.ReportMetric(float64((proccpu.Now()-cpu0).Microseconds())/float64(b.N), "cpu-µs/check")
		if st != nil {
			st1 := st.Stats()
			b.ReportMetric(float64(st1.Rows-st0.Rows)/float64(max(1, st1.Commits-st0.Commits)), "rows/commit")
			b.ReportMetric(float64(st1.Fsyncs-st0.Fsyncs)/b.Elapsed().Seconds(), "fsyncs/s")
			b.ReportMetric(float64(st1.Frames-st0.Frames)/float64(max(1, st1.Rows-st0.Rows)), "pages/row")
			// A save's wait, as the handler measures it (archive_write_duration).
			wait1, saves1 := archiveWait(b, ts.URL)
			b.ReportMetric(1e6*(wait1-wait0)/max(1, saves1-saves0), "save-µs")
		}
	}
	b.Run("archive=false", func(b *testing.B) { run(b, false, 16) })
	// With the archive the rate depends on how many saves share a commit, which
	// grows with the clients: it should hold or grow from 16 to 64.
	b.Run("archive=true", func(b *testing.B) {
		for _, clients := range []int{16, 32, 64} {
			b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { run(b, true, clients) })
		}
	})
}

// archiveWait reads the server's archive write histogram: the seconds the
// saves took, and their count.
func archiveWait(b *testing.B, url string) (sum, count float64) {
	sum, count, err := bench.SaveWait(url)
	if err != nil {
		b.Fatal(err)
	}
	return sum, count
}

// locateBody builds a FeatureCollection of n features: points, or squares of
// side metres.
func locateBody(n int, side float64) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	var buf bytes.Buffer
	buf.Grow(n * 200)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			buf.WriteString(",\n")
		}
		x, y := shaanxi(rng)
		if side == 0 {
			fmt.Fprintf(&buf, `{"type":"Feature","id":%d,"properties":{},"geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`, i, x, y)
		} else {
			fmt.Fprintf(&buf, `{"type":"Feature","id":%d,"properties":{},"geometry":{"type":"Polygon","coordinates":[%s]}}`, i, squareRing(x, y, side))
		}
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

func benchLocate(b *testing.B, n int, side float64) {
	benchLocateBody(b, locateBody(n, side), n)
}

// benchLocateBody POSTs body, a FeatureCollection of n features, to /v1/locate
// over loopback once per op and reads the n NDJSON records back.
func benchLocateBody(b *testing.B, body []byte, n int) {
	e := loadShared(b)
	ts := benchServer(b, e, false)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	// CPU of the whole process (client and server), which a busy machine's
	// wall clock does not show.
	t0 := proccpu.Now()
	for b.Loop() {
		resp, err := ts.Client().Post(ts.URL+"/v1/locate", "application/geo+json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		lines := 0
		buf := make([]byte, 256<<10)
		for {
			k, err := resp.Body.Read(buf)
			lines += bytes.Count(buf[:k], []byte{'\n'})
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		if lines != n {
			b.Fatalf("%d lines, want %d", lines, n)
		}
	}
	b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
}

// oracleBody is the accepted oracle footprints (206 polygons, lines and points)
// as one FeatureCollection, each feature as the oracle file spells it.
func oracleBody(b *testing.B) ([]byte, int) {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join(oracle.SharedDir(b), "oracle", "footprints.geojson"))
	if err != nil {
		b.Fatal(err)
	}
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for _, f := range fc.Features {
		var head struct {
			Properties struct {
				Expect string `json:"expect"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(f, &head); err != nil {
			b.Fatal(err)
		}
		if head.Properties.Expect != "accept" {
			continue
		}
		if n > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(f)
		n++
	}
	buf.WriteString("]}")
	if n != 206 {
		b.Fatalf("%d accepted oracle footprints, want 206", n)
	}
	return buf.Bytes(), n
}

// BenchmarkLocateFootprints206: /v1/locate end to end for the 206 accepted oracle
// footprints with geodesic overlap areas (the first job; PostGIS ~215 ms).
func BenchmarkLocateFootprints206(b *testing.B) {
	body, n := oracleBody(b)
	benchLocateBody(b, body, n)
}

// BenchmarkLocatePoints100k: /v1/locate end to end for 100k points in Shaanxi.
func BenchmarkLocatePoints100k(b *testing.B) { benchLocate(b, 100_000, 0) }

// BenchmarkLocatePoints100kShortest: the same points spelled as `make
// bench-postgis` sends them (the shortest decimals that read back as the same
// float64: 16 or 17 digits, 12.8 MB, against 7 decimals here above).
func BenchmarkLocatePoints100kShortest(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 100_000 {
		if i > 0 {
			buf.WriteString(",\n")
		}
		x, y := shaanxi(rng)
		fmt.Fprintf(&buf, `{"type":"Feature","id":%d,"properties":{},"geometry":{"type":"Point","coordinates":[%s,%s]}}`,
			i, strconv.FormatFloat(x, 'f', -1, 64), strconv.FormatFloat(y, 'f', -1, 64))
	}
	buf.WriteString("]}")
	benchLocateBody(b, buf.Bytes(), 100_000)
}

// BenchmarkLocateSquares100k: /v1/locate end to end for 100k 0.01 km² squares,
// with overlap areas.
func BenchmarkLocateSquares100k(b *testing.B) { benchLocate(b, 100_000, 100) }
