package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

func ndjsonPoints(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(point(i))
		b.WriteByte('\n')
	}
	return b.String()
}

// countingReader counts the features read from its source.
type countingReader struct {
	Reader
	n atomic.Int64
}

func (c *countingReader) Next() (Feature, error) {
	f, err := c.Reader.Next()
	if err == nil {
		c.n.Add(1)
	}
	return f, err
}

// failingWriter fails at its write number after.
type failingWriter struct {
	Writer
	after, n int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(r *Result) error {
	if w.n++; w.n > w.after {
		return errDiskFull
	}
	return w.Writer.Write(r)
}

// settle waits for the goroutines started since base to return.
func settle(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left running, %d before the run:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRunCancelMidBatch: cancelled in the middle of a long batch, Run returns
// the context's error without writing unlocated features, and every goroutine it
// started returns.
func TestRunCancelMidBatch(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var calls atomic.Int64
	locate := func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
		if calls.Add(1) == 500 {
			cancel()
		}
		return nil, nil
	}
	const n = 100_000
	in := &countingReader{Reader: NewNDJSON(strings.NewReader(ndjsonPoints(n)))}
	var out strings.Builder
	w, _ := NewWriter(&out, "ndjson", nil)
	st, err := Run(ctx, in, locate, w, Options{Workers: 4, Chunk: 16})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if st.Features >= 500+16*4 || strings.Count(out.String(), "\n") > st.Features {
		t.Errorf("%d features written after cancelling at the 500th; output %d lines", st.Features, strings.Count(out.String(), "\n"))
	}
	settle(t, base)
	if read := in.n.Load(); read > 5000 {
		t.Errorf("the reader went on after the cancel: %d of %d features read", read, n)
	}
}

// TestRunWriterErrorStopsReader: a writer that fails (the client went away)
// ends the run with its error; the reader stops reading and every goroutine
// returns.
func TestRunWriterErrorStopsReader(t *testing.T) {
	base := runtime.NumGoroutine()
	const n = 100_000
	in := &countingReader{Reader: NewNDJSON(strings.NewReader(ndjsonPoints(n)))}
	nw, _ := NewWriter(io.Discard, "ndjson", nil)
	w := &failingWriter{Writer: nw, after: 100}
	st, err := Run(t.Context(), in, fakeLocate, w, Options{Workers: 2, Chunk: 16})
	if !errors.Is(err, errDiskFull) || st.Features != 100 {
		t.Fatalf("err = %v after %d features, want %v after 100", err, st.Features, errDiskFull)
	}
	settle(t, base)
	read := in.n.Load()
	// What is in flight when the writer fails: the chunks queued for the writer
	// and the workers, and the one being filled.
	if read > 100+16*(2*2+1+2+2+1) {
		t.Errorf("the reader went on after the writer failed: %d of %d features read", read, n)
	}
	time.Sleep(20 * time.Millisecond)
	if again := in.n.Load(); again != read {
		t.Errorf("still reading after Run returned: %d, then %d", read, again)
	}
}

// TestRunCancelWhileReading: a reader blocked on a source that sends nothing
// does not hold Run up once ctx is cancelled; it returns when its source is
// closed, without sending anything more.
func TestRunCancelWhileReading(t *testing.T) {
	base := runtime.NumGoroutine()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	var out strings.Builder
	w, _ := NewWriter(&out, "ndjson", nil)
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, NewNDJSON(pr), fakeLocate, w, Options{Workers: 2})
		done <- err
	}()
	if _, err := io.WriteString(pw, point(0)+"\n"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the reader now waits for a second line
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the cancel: it waits for the blocked reader")
	}
	pw.CloseWithError(errors.New("client gone"))
	settle(t, base)
}

// TestRunTrailingErrorNotInput: an input that breaks with an error that is not an
// *errcode.Error (a broken connection) ends the run with it, after the features
// before it, and without an error record for it.
func TestRunTrailingErrorNotInput(t *testing.T) {
	broken := errors.New("connection reset")
	in := io.MultiReader(strings.NewReader(ndjsonPoints(40)), &errReader{broken})
	var out strings.Builder
	w, _ := NewWriter(&out, "ndjson", nil)
	nop := func(context.Context, orb.Geometry) ([]zones.Hit, error) { return nil, nil }
	st, err := Run(t.Context(), NewNDJSON(in), nop, w, Options{Workers: 2, Chunk: 8})
	if !errors.Is(err, broken) || st.Features != 40 || st.Errors != 0 {
		t.Errorf("err %v, stats %+v; want the read error after 40 features", err, st)
	}
	var ie *errcode.Error
	if errors.As(err, &ie) || strings.Contains(out.String(), `"error"`) {
		t.Errorf("error record for a read error that is not the input's: %s", out.String())
	}
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

// TestRunChunksByWork: a chunk closes on the estimated work of its features, not
// only on their count, so that a small batch of polygons reaches every worker;
// points still go 256 to a chunk. Output order is the input's either way.
func TestRunChunksByWork(t *testing.T) {
	square := func(i int) string {
		x := 108 + float64(i)/1000
		return fmt.Sprintf(`{"type":"Feature","id":%d,"geometry":{"type":"Polygon","coordinates":[[[%g,34],[%g,34],[%g,34.001],[%g,34.001],[%g,34]]]}}`, i, x, x+0.001, x+0.001, x, x)
	}
	for _, tc := range []struct {
		name       string
		feature    func(int) string
		n, work    int
		wantChunks int
	}{
		// 16 + 5 vertices: 12 squares fill 256.
		{"squares", square, 60, 0, 5},
		{"squares, work 1", square, 7, 1, 7},
		{"points", point, 600, 0, 3}, // 256 + 256 + 88
		{"points, work 100", point, 600, 100, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in strings.Builder
			in.WriteString(`{"type":"FeatureCollection","features":[`)
			for i := range tc.n {
				if i > 0 {
					in.WriteByte(',')
				}
				in.WriteString(tc.feature(i))
			}
			in.WriteString("]}")
			var out bytes.Buffer
			w, _ := NewWriter(&out, "ndjson", nil)
			chunks := 0
			st, err := Run(t.Context(), NewCollection(strings.NewReader(in.String())), fakeLocate, w,
				Options{Workers: 2, Work: tc.work, Progress: func(int) { chunks++ }})
			if err != nil || st.Features != tc.n {
				t.Fatalf("%+v %v", st, err)
			}
			if chunks != tc.wantChunks {
				t.Errorf("%d chunks, want %d", chunks, tc.wantChunks)
			}
			for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if !strings.HasPrefix(line, fmt.Sprintf(`{"index":%d,`, i)) {
					t.Fatalf("record %d: %s", i, line)
				}
			}
		})
	}
}

// TestRunChunksGrow: the work that closes a chunk grows by Options.Work
// every growEvery features: a dozen squares a chunk at the start of a batch,
// twice that after growEvery, and Chunk (256) features once the bound passes
// what 256 squares weigh, in order all along.
func TestRunChunksGrow(t *testing.T) {
	const n = 24 * growEvery
	var in strings.Builder
	in.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			in.WriteByte(',')
		}
		x := 108 + float64(i%1000)/1000
		fmt.Fprintf(&in, `{"type":"Feature","id":%d,"geometry":{"type":"Polygon","coordinates":[[[%g,34],[%g,34],[%g,34.001],[%g,34.001],[%g,34]]]}}`, i, x, x+0.001, x+0.001, x, x)
	}
	in.WriteString("]}")
	var out bytes.Buffer
	w, _ := NewWriter(&out, "ndjson", nil)
	var ends []int
	none := func(context.Context, orb.Geometry) ([]zones.Hit, error) { return nil, nil }
	st, err := Run(t.Context(), NewCollection(strings.NewReader(in.String())), none, w,
		Options{Workers: 2, Progress: func(done int) { ends = append(ends, done) }})
	if err != nil || st.Features != n {
		t.Fatalf("%+v %v", st, err)
	}
	start, largest := 0, 0
	for k, end := range ends {
		size := end - start
		// 16 + 5 vertices a square: the bound in squares, rounded up.
		want := min(256, (DefaultWork*(1+(end-1)/growEvery)+20)/21)
		if size != want && k < len(ends)-1 {
			t.Fatalf("chunk %d (features %d to %d): %d features, want %d", k, start, end, size, want)
		}
		start, largest = end, max(largest, size)
	}
	if ends[0] != 13 || largest != 256 {
		t.Errorf("chunks of %d features first, %d at most", ends[0], largest)
	}
	for i, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, fmt.Sprintf(`{"index":%d,`, i)) {
			t.Fatalf("record %d: %s", i, line)
		}
	}
}

func TestCountPositions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`{"type":"Point","coordinates":[108,34]}`, 1},
		{`{"coordinates":[[ [1,2], [ -3,4],[5 ,6]]]}`, 3},
		{`{"properties":{"tags":["a","b"],"bbox":[1,2,3,4]},"coordinates":[]}`, 1},
		{`{}`, 0},
	} {
		if got := countPositions([]byte(tc.in)); got != tc.want {
			t.Errorf("countPositions(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// pointHits is what the locate functions of TestRunLocatePoint answer for a
// point: zero to three hits, by its index (i from 106+i/1000), each of its own zone.
func pointHits(p orb.Point) []zones.Hit {
	var hits []zones.Hit
	for _, z := range pointZones(p, nil) {
		hits = append(hits, testZones[z])
	}
	return hits
}

// testZones is the table of the zones pointHits names, by position: zone
// z{a}-{k} at 3a+k; one with an area and a length, and one whose names need
// escaping (JSON and CSV), to render as any hit.
var testZones = func() []zones.Hit {
	var t []zones.Hit
	for a := range 7 {
		for k := range 3 {
			t = append(t, zones.Hit{Layer: "l", ZoneID: fmt.Sprintf("z%d-%d", a, k), ZoneClass: "c"})
		}
	}
	t[3*6+2].OverlapAreaM2, t[3*6+2].OverlapLengthM = 12.5, 0.25
	t[3*5+1].ZoneID, t[3*5+1].ZoneClass = "z\"5,\n1", " 核心区"
	return t
}()

// pointZones appends to zs the positions in testZones of pointHits(p).
func pointZones(p orb.Point, zs []int32) []int32 {
	i := int((p[0]-106)*1000 + 0.5)
	for k := range i % 4 {
		zs = append(zs, int32(3*(i%7)+k))
	}
	return zs
}

// TestRunLocatePoint: with Options.LocatePoint, the point features go to it, the
// others to the LocateFunc, and the output is byte for byte the output of the
// LocateFunc alone, in every format, errors and panics included, over chunks
// whose hit buffers are reused.
func TestRunLocatePoint(t *testing.T) {
	var in strings.Builder
	const n = 2000
	for i := range n {
		switch {
		case i == 7:
			in.WriteString("{oops\n")
		case i%50 == 3:
			fmt.Fprintf(&in, `{"type":"Feature","id":%d,"geometry":{"type":"Polygon","coordinates":[[[106,33],[106.1,33],[106.1,33.1],[106,33]]]}}`+"\n", i)
		case i == 11:
			in.WriteString(`{"type":"Feature","geometry":{"type":"Point","coordinates":[10,10]}}` + "\n")
		default:
			in.WriteString(point(i) + "\n")
		}
	}
	fail := func(p orb.Point) error {
		switch i := int((p[0]-106)*1000 + 0.5); i {
		case 13:
			return errcode.New(errcode.InvalidGeometry, nil, "refused %d", i)
		case 17:
			return errors.New("boom")
		case 19:
			panic("locate bug")
		}
		return nil
	}
	var points, others atomic.Int64
	locate := func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
		p, ok := g.(orb.Point)
		if !ok {
			others.Add(1)
			return []zones.Hit{{Layer: "l", ZoneID: "poly", ZoneClass: "c", OverlapAreaM2: 12.5}}, nil
		}
		if err := fail(p); err != nil {
			return nil, err
		}
		return pointHits(p), nil
	}
	locatePoint := func(p orb.Point, dst []zones.Hit) ([]zones.Hit, error) {
		points.Add(1)
		if err := fail(p); err != nil {
			return dst, err
		}
		return append(dst, pointHits(p)...), nil
	}
	// LocatePoints answers the points LocatePoint fails with -1, and panics
	// for a group with the point 1000 in it.
	var batched atomic.Int64
	locatePoints := func(pts []orb.Point, dst []int32, ends []int) ([]int32, []int, []zones.Hit) {
		for _, p := range pts {
			switch i := int((p[0]-106)*1000 + 0.5); i {
			case 13, 17, 19:
				ends = append(ends, -1)
				continue
			case 1000:
				panic("locate points bug")
			}
			batched.Add(1)
			dst = pointZones(p, dst)
			ends = append(ends, len(dst))
		}
		return dst, ends, testZones
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			// Without LocatePoint; with it; with LocatePoints, each group of
			// a chunk rendered as it is located, over chunks of more than one
			// group.
			var outs [3]bytes.Buffer
			var stats [3]Stats
			for k, opts := range []Options{
				{Workers: 3, Chunk: 8},
				{Workers: 3, Chunk: 8, LocatePoint: locatePoint},
				{Workers: 3, Chunk: 3 * pointGroup / 2, LocatePoint: locatePoint, LocatePoints: locatePoints},
			} {
				w, err := NewWriter(&outs[k], format, nil)
				if err != nil {
					t.Fatal(err)
				}
				opts.OnError = func(int, error) {}
				stats[k], err = Run(t.Context(), NewNDJSON(strings.NewReader(in.String())), locate, w, opts)
				if err != nil {
					t.Fatal(err)
				}
			}
			if stats[0] != stats[1] || stats[0] != stats[2] || stats[0].Hits < n {
				t.Errorf("stats %+v with LocatePoint, %+v and LocatePoints, %+v without", stats[1], stats[2], stats[0])
			}
			sameOutput(t, outs[0].Bytes(), outs[1].Bytes(), "without LocatePoint", "with")
			sameOutput(t, outs[0].Bytes(), outs[2].Bytes(), "without LocatePoint", "with LocatePoints")
		})
	}
	// Each format's runs sent the points to LocatePoint, the polygons not;
	// with LocatePoints, LocatePoint took only its three refusals and the
	// points of the group it panicked for (pointGroup features at most).
	pts := n - n/50 - 2
	p, o, b := points.Load(), others.Load(), batched.Load()
	if again := p - 3*int64(pts); again < 3*(3+1) || again > 3*(3+pointGroup) || b < 3*int64(pts-3-pointGroup) || o != 3*3*(n/50) {
		t.Errorf("LocatePoint took %d points, LocatePoints %d, the LocateFunc %d others", p, b, o)
	}
}

// TestRunLocatePoints: with Options.LocatePoints, every point goes to it
// once, pointGroup points at most a call, none to LocatePoint, and the output
// is byte for byte the output without, in every format (the hits rendered
// from the table by zone position), with the same stats.
func TestRunLocatePoints(t *testing.T) {
	var in strings.Builder
	const n = 1000
	points := 0
	for i := range n {
		if i%40 == 5 {
			fmt.Fprintf(&in, `{"type":"Feature","id":%d,"geometry":{"type":"Polygon","coordinates":[[[106,33],[106.1,33],[106.1,33.1],[106,33]]]}}`+"\n", i)
			continue
		}
		in.WriteString(point(i) + "\n")
		points++
	}
	locate := func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
		if p, ok := g.(orb.Point); ok {
			return pointHits(p), nil
		}
		return []zones.Hit{{Layer: "l", ZoneID: "poly", ZoneClass: "c", OverlapAreaM2: 12.5}}, nil
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var located sync.Map
			var calls, large, batched, alone atomic.Int64
			locatePoints := func(pts []orb.Point, dst []int32, ends []int) ([]int32, []int, []zones.Hit) {
				calls.Add(1)
				if len(pts) > pointGroup {
					large.Add(1)
				}
				for _, p := range pts {
					if _, dup := located.LoadOrStore(p, true); dup {
						t.Errorf("point %v located twice", p)
					}
					batched.Add(1)
					dst = pointZones(p, dst)
					ends = append(ends, len(dst))
				}
				return dst, ends, testZones
			}
			var outs [2]bytes.Buffer
			var stats [2]Stats
			for k, pf := range []PointsFunc{nil, locatePoints} {
				locatePoint := func(p orb.Point, dst []zones.Hit) ([]zones.Hit, error) {
					if pf != nil {
						alone.Add(1)
					}
					return append(dst, pointHits(p)...), nil
				}
				w := writerTo(t, &outs[k], format, false)
				var err error
				if stats[k], err = Run(t.Context(), NewNDJSON(strings.NewReader(in.String())), locate, w,
					Options{Workers: 3, Chunk: 100, LocatePoint: locatePoint, LocatePoints: pf}); err != nil {
					t.Fatal(err)
				}
			}
			sameOutput(t, outs[0].Bytes(), outs[1].Bytes(), "without LocatePoints", "with")
			if stats[0] != stats[1] || stats[0].Hits < points {
				t.Errorf("stats %+v without LocatePoints, %+v with", stats[0], stats[1])
			}
			if !strings.Contains(outs[1].String(), "12.5") || !strings.Contains(outs[1].String(), "核心区") {
				t.Errorf("the zones with measures and to escape were not written: the test tests too little")
			}
			if batched.Load() != int64(points) || alone.Load() != 0 || large.Load() != 0 || calls.Load() < int64(points/pointGroup) {
				t.Errorf("%d points located by LocatePoints, %d by LocatePoint; %d calls to LocatePoints, %d of more than %d points",
					batched.Load(), alone.Load(), calls.Load(), large.Load(), pointGroup)
			}
		})
	}
}

// plainWriter hides a writer's renderer: Run then writes each result through
// Write, and the reader keeps its blocks.
type plainWriter struct{ Writer }

// writerTo returns a writer of format to out, behind a plainWriter when plain.
func writerTo(t *testing.T, out *bytes.Buffer, format string, plain bool) Writer {
	t.Helper()
	w, err := NewWriter(out, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plain {
		w = plainWriter{w}
	}
	return w
}

// TestRunRecyclesBlocks: reading a batch of many blocks into blocks it reuses
// once their records are written gives, in every format, the output of a run
// that reuses none, for a FeatureCollection and NDJSON whose features are of
// every length (some straddling two blocks), ids and properties echoed.
func TestRunRecyclesBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var feats []string
	for i := range 30000 {
		pad := strings.Repeat("x", rng.IntN(400))
		if i%997 == 0 {
			pad = strings.Repeat("y", 300_000)
		}
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"f%d","properties":{"pad":"%s","n":%d},"geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
			i, pad, i, 106+4*rng.Float64(), 33+5*rng.Float64()))
	}
	inputs := map[string]string{
		"collection": `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",\n") + "]}",
		"ndjson":     strings.Join(feats, "\n") + "\n",
	}
	locate := func(_ context.Context, g orb.Geometry) ([]zones.Hit, error) {
		return pointHits(g.(orb.Point)), nil
	}
	for kind, in := range inputs {
		for _, format := range Formats {
			t.Run(kind+"/"+format, func(t *testing.T) {
				var outs [2]bytes.Buffer
				var reused int
				for k := range outs {
					var r Reader
					var pool *blockPool
					if kind == "ndjson" {
						n := NewNDJSON(strings.NewReader(in))
						r, pool = n, &n.blocks
					} else {
						c := NewCollection(strings.NewReader(in))
						r, pool = c, &c.blocks
					}
					w, err := NewWriter(&outs[k], format, nil)
					if err != nil {
						t.Fatal(err)
					}
					if k == 1 {
						w = plainWriter{w}
					}
					r, err = Peek(Limit(r, 1_000_000))
					if err != nil {
						t.Fatal(err)
					}
					st, err := Run(t.Context(), r, locate, w, Options{Workers: 3, Chunk: 64})
					if err != nil || st.Features != len(feats) {
						t.Fatalf("%+v, %v", st, err)
					}
					if k == 0 {
						reused = pool.reused
					} else if pool.reused != 0 {
						t.Fatalf("%d blocks reused for a writer that is not a renderer", pool.reused)
					}
				}
				if reused < 5 {
					t.Fatalf("test too weak: %d blocks reused over %d bytes", reused, len(in))
				}
				sameOutput(t, outs[0].Bytes(), outs[1].Bytes(), "reusing blocks", "not")
			})
		}
	}
}

// TestRunHandsBlocksBack: a run that reads its input to its end hands its
// blocks to the runs after it, whose readers read into them (over what the
// last run left there, overwritten here with junk) and answer as with fresh
// blocks, in every format; a run that ends otherwise (over its feature limit),
// or whose writer is not a renderer, hands none back.
func TestRunHandsBlocksBack(t *testing.T) {
	drain := func() {
		for {
			select {
			case <-idleBlocks:
			default:
				return
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var feats []string
	for i := range 40000 {
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":%d,"properties":{"pad":"%s"},"geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
			i, strings.Repeat("p", rng.IntN(100)), 106+4*rng.Float64(), 33+5*rng.Float64()))
	}
	in := `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + "]}"
	locate := func(_ context.Context, g orb.Geometry) ([]zones.Hit, error) {
		return pointHits(g.(orb.Point)), nil
	}
	run := func(format string, plain bool, limit int) ([]byte, error) {
		var out bytes.Buffer
		w := writerTo(t, &out, format, plain)
		r, err := Peek(Limit(Open(strings.NewReader(in), "", 0), limit))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(t.Context(), r, locate, w, Options{Workers: 3, Chunk: 64})
		return out.Bytes(), err
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			drain()
			fresh, err := run(format, false, 0)
			if err != nil {
				t.Fatal(err)
			}
			n := len(idleBlocks)
			if n < 2 {
				t.Fatalf("%d blocks handed back by a run over %d bytes", n, len(in))
			}
			for range n {
				b := <-idleBlocks
				b = b[:cap(b)]
				for i := range b {
					b[i] = `{"type":"Feature","id":"junk"},]`[i%32]
				}
				idleBlocks <- b[:0]
			}
			again, err := run(format, false, 0)
			if err != nil {
				t.Fatal(err)
			}
			sameOutput(t, again, fresh, "reading into blocks handed back", "fresh blocks")
			for _, tc := range []struct {
				name  string
				plain bool
				limit int
			}{{"plain writer", true, 0}, {"over the limit", false, len(feats) - 1}} {
				drain()
				if _, err := run(format, tc.plain, tc.limit); (err != nil) != (tc.limit > 0) {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if len(idleBlocks) != 0 {
					t.Errorf("%s: %d blocks handed back", tc.name, len(idleBlocks))
				}
			}
		})
	}
}

// sameOutput fails the test where outputs a and b (of the runs named by ka
// and kb) first differ.
func sameOutput(t *testing.T, a, b []byte, ka, kb string) {
	t.Helper()
	if bytes.Equal(a, b) {
		return
	}
	i := 0
	for i < min(len(a), len(b)) && a[i] == b[i] {
		i++
	}
	t.Fatalf("outputs differ at byte %d: %.200q %s, %.200q %s", i, a[i:], ka, b[i:], kb)
}

// TestRunReusesSpares: runs one after the other, in every format, with chunks
// of other sizes before them (whose arrays and outputs the next runs take
// over, longer records in them), answer as a run that renders nothing in its
// workers does.
func TestRunReusesSpares(t *testing.T) {
	batchOf := func(n, pad int) string {
		var in strings.Builder
		for i := range n {
			fmt.Fprintf(&in, `{"type":"Feature","id":"%s%d","geometry":{"type":"Point","coordinates":[%.7f,33.5]}}`+"\n",
				strings.Repeat("p", pad), i, 106+float64(i%400)/100)
		}
		return in.String()
	}
	locate := func(_ context.Context, g orb.Geometry) ([]zones.Hit, error) {
		return pointHits(g.(orb.Point)), nil
	}
	locatePoint := func(p orb.Point, dst []zones.Hit) ([]zones.Hit, error) { return append(dst, pointHits(p)...), nil }
	run := func(in, format string, chunk int, plain bool) []byte {
		var out bytes.Buffer
		w := writerTo(t, &out, format, plain)
		if _, err := Run(t.Context(), NewNDJSON(strings.NewReader(in)), locate, w,
			Options{Workers: 2, Chunk: chunk, LocatePoint: locatePoint}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	long, short := batchOf(3000, 200), batchOf(2000, 0)
	for _, format := range Formats {
		for _, chunk := range []int{300, 5, 64} {
			run(long, format, 2*chunk+1, false)
			sameOutput(t, run(short, format, chunk, false), run(short, format, chunk, true), "after other runs", "plain")
		}
	}
}

// TestKeepSpares: what keepSpares keeps names no zone any more, and the
// channel is left empty.
func TestKeepSpares(t *testing.T) {
	free := make(chan spare, 2)
	hits := make([]zones.Hit, 3, 5)
	hits[0].ZoneID, hits[2].Layer = "a", "b"
	full := hits[:5]
	full[4].ZoneClass = "c"
	free <- spare{hits: hits}
	free <- spare{}
	keepSpares(free)
	if len(free) != 0 {
		t.Errorf("%d spares left in the channel", len(free))
	}
	for i, h := range full {
		if h != (zones.Hit{}) {
			t.Errorf("hit %d of a kept spare: %+v, want none", i, h)
		}
	}
}
