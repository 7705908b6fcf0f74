package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// LocateFunc locates one geometry: zones.Checker.Locate.
type LocateFunc func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error)

// PointFunc locates one point as LocateFunc does, appending its hits to dst:
// zones.Checker.LocatePoint.
type PointFunc func(pt orb.Point, dst []zones.Hit) ([]zones.Hit, error)

// PointsFunc locates points as a PointFunc does each in turn, appending the
// hits of all to dst as positions in table (the hit at position z is
// table[z]; the table is the same for every call of one Run), and to ends,
// for each point, len(dst) after its hits, or -1 when the point gets an
// error (which the PointFunc then gives): zones.Checker.LocatePoints. A
// renderer keeps the JSON of a position's hit, made once, and a hit costs
// four bytes to hand over rather than a copy of the Hit.
type PointsFunc func(pts []orb.Point, dst []int32, ends []int) (zs []int32, e []int, table []zones.Hit)

// Options tune Run.
type Options struct {
	// Workers locating in parallel; 0 means GOMAXPROCS.
	Workers int
	// Chunk is the most features handed to a worker at once; 0 means 256. A chunk is
	// sent on early when the reader has nothing more buffered, or when the work
	// its features are estimated to take reaches Work.
	Chunk int
	// Work bounds the estimated work of a chunk, in units of one point located
	// (see workOf); 0 means DefaultWork. It is what spreads a small batch of
	// polygons over the workers: 206 footprints are 206 points' worth of features
	// but hundreds of times their work. The bound grows by Work for every
	// growEvery features read.
	Work int
	// Progress, if set, is called from the writing goroutine after each chunk with
	// the number of features written so far.
	Progress func(done int)
	// LocatePoint, if set, locates the point features instead of the LocateFunc,
	// with the same answers: their hits go to a buffer of the chunk, reused from
	// chunk to chunk, rather than to memory allocated for each point. A Writer
	// must then not keep a Result's Hits after its Write returns (copy them).
	LocatePoint PointFunc
	// LocatePoints, if set with LocatePoint, locates the points of a few dozen
	// features at once, decoded, in place of LocatePoint
	// (zones.Checker.LocatePoints: it reads what their lookups read a step at
	// a time over them all, with many cache misses in flight at once). A point
	// it answers with an error, and every point of a group for which it
	// panics, is located again by LocatePoint.
	LocatePoints PointsFunc
	// OnError, if set, is called for each locate error that is not an
	// *errcode.Error (a bug in the checker, or a panic); the feature gets an
	// "internal" error record. It is called from the workers, possibly at the same
	// time.
	OnError func(index int, err error)
}

// Stats counts what a run did.
type Stats struct {
	Features int // results written
	Errors   int // of which error records
	Hits     int
}

// Run reads every feature from r, locates it with locate on opts.Workers goroutines,
// and writes the results to w in input order. At most about 3×Workers chunks are in
// memory at once. A bad feature gives an error record and the batch goes on; an error
// that makes the rest of the input unreadable is written as a last error record
// (when it is an *errcode.Error) and returned. Run closes w on success.
//
// Three stages, each owning its state, pass chunks of consecutive features over
// channels: the reader (the only caller of r.Next) sends each chunk to the writer,
// to fix the order, and to a worker; the workers locate the items of a chunk and
// mark it done; the writer (this goroutine, the only user of w) writes the chunks
// as they come done, in order. The reader's end travels in its last chunk.
// Cancelling ctx, or a failing writer, stops every stage: Run returns once the
// workers have; a reader blocked in r.Next returns when its source does (the
// caller closes it: the HTTP server closes request bodies), and sends nothing more.
func Run(ctx context.Context, r Reader, locate LocateFunc, w Writer, opts Options) (Stats, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	size := opts.Chunk
	if size <= 0 {
		size = 256
	}
	work := opts.Work
	if work <= 0 {
		work = DefaultWork
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Decoding features is left to the workers, so that it uses every core.
	if lr, ok := r.(lazyReader); ok {
		lr.setLazy()
	}
	// Records are rendered by the workers when the writer allows it: the
	// writing stage, one goroutine, then only copies bytes, and what a
	// written record was read from can be read into again.
	rend, _ := w.(renderer)
	var rec recycler
	if rc, ok := r.(recycler); ok && rend != nil && rc.setRecycle() {
		rec = rc
	}
	// Two chunks queued for each worker, not one: the reader runs in bursts
	// when it gets a core (see locateChunks), and a deeper queue carries the
	// workers over the gaps (over HTTP, 100k points: a lower median wall in
	// 10 of 12 interleaved pairs).
	rd := &readStage{r: r, size: size, budget: work, rec: rec,
		order: make(chan *chunk, 3*workers+1),
		work:  make(chan *chunk, 2*workers),
		free:  make(chan spare, 3*workers+2),
		done:  make(chan struct{}),
	}
	go rd.run(ctx)
	var wg sync.WaitGroup
	// A renderer reads no geometry but its JSON: points stay out of Geometry.
	loc := locator{locate: locate, point: opts.LocatePoint, points: opts.LocatePoints, onError: opts.OnError, box: rend == nil}
	for range workers {
		wg.Go(func() { locateChunks(ctx, rd.work, loc, rend) })
	}
	wr := &writeStage{w: w, rend: rend, rec: rec, progress: opts.Progress, free: rd.free}
	st, err := wr.run(ctx, rd.order)
	if err == nil {
		<-rd.done // it has sent its last chunk: it is returning
	}
	cancel()
	wg.Wait()
	keepSpares(rd.free)
	if err == nil && rec != nil {
		// The reader read to the end and has returned, the workers have,
		// and every chunk was written: its records copied out of the
		// blocks, its items cleared. Nothing refers to the blocks.
		rec.handBack()
	}
	return st, err
}

// DefaultWork is the estimated work of a chunk when Options.Work is 0: about 256
// points, or a few polygons (a fraction of a millisecond on one core).
const DefaultWork = 256

// growEvery is how many features of a batch raise the work that closes a
// chunk by Options.Work again: the first chunks of any batch are small, to
// spread a few heavy features over the workers and answer soon, and a large
// batch of small polygons then goes in chunks of up to Options.Chunk
// features rather than a dozen (100k 0.01 km² squares were 7,692 chunks, each
// two channel sends, a wake-up of the writer and a yield of its worker:
// with a locate that answers from a table, 256 → 4,096 work a chunk took
// the pipeline's CPU from about 96–118 to 77 ms).
const growEvery = 1024

// polygonWork is the estimated work of locating a footprint that is not a point,
// beside one unit per vertex: preparing it and overlaying it with GEOS cost tens
// of point lookups even for a small square.
const polygonWork = 16

// work estimates the cost of locating f, in points located: a point is 1; any
// other geometry polygonWork plus its vertices. A feature still in its JSON text
// (lazy) is estimated from the text, counting its positions ("[" before a
// number) without parsing them: the reader stage must stay cheap.
func (f *Feature) work() int {
	n := 0
	switch {
	case f.lazy.positions > 0:
		n = f.lazy.positions - 1
	case f.lazy.raw != nil:
		n = countPositions(f.lazy.raw)
	case f.Geometry != nil:
		if _, ok := f.Geometry.(orb.Point); ok {
			return 1
		}
		n = planar.NumVertices(f.Geometry)
	default:
		return 1 // an error record
	}
	if n <= 1 {
		return 1
	}
	return polygonWork + n
}

// countPositions counts the JSON positions in b: "[" followed (after spaces)
// by a number. A numeric array among the properties counts too; it is an
// estimate.
func countPositions(b []byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, '[')
		if i < 0 {
			return n
		}
		b = b[i+1:]
		j := 0
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j < len(b) && (b[j] == '-' || b[j] >= '0' && b[j] <= '9') {
			n++
		}
	}
}

// chunk is a run of consecutive features: filled by the reader, located by one
// worker, written by the writer.
type chunk struct {
	items []Result
	hits  []zones.Hit   // the point items' hits (Options.LocatePoint)
	zs    []int32       // the point items' zone positions (Options.LocatePoints)
	done  chan struct{} // closed once the items are located
	// out holds the records of the first rendered items, when the writer is a
	// renderer; renderErr is why rendering stopped before the end.
	out       []byte
	rendered  int
	renderErr error
	// block is the reader's block its last item was read from (recycler).
	block int
	// The reader's last chunk says why reading stopped: err is nil at the end of
	// the input; next is the index a feature after the last one read would have.
	last bool
	err  error
	next int
}

// readStage is the reading stage.
type readStage struct {
	r      Reader
	rec    recycler // r, when it reuses its blocks
	size   int
	budget int           // estimated work that closes a chunk
	order  chan *chunk   // to the writer, in input order; closed when reading stops
	work   chan *chunk   // to the workers; closed when reading stops
	free   chan spare    // arrays the writer is done with, to reuse
	done   chan struct{} // closed when run returns
}

// run reads chunks until the input ends, fails, or ctx is cancelled. A chunk is
// sent on early, before it is full, when the source has nothing more buffered,
// so that the first results leave while the client is still sending.
func (rd *readStage) run(ctx context.Context) {
	defer close(rd.done)
	defer close(rd.work)
	defer close(rd.order)
	src := flatten(rd.r)
	c := rd.newChunk()
	next := 0
	load := 0 // estimated work of c
	for {
		// The feature is read into its place in the chunk, which is zero
		// (newChunk): the readers write only what is not.
		n := len(c.items)
		if n < cap(c.items) {
			c.items = c.items[:n+1]
		} else {
			c.items = append(c.items, Result{})
		}
		it := &c.items[n]
		if err := src.next(&it.Feature); err != nil {
			c.items[n] = Result{} // the next chunk may reuse the array
			c.items = c.items[:n]
			c.last, c.next = true, next
			if !errors.Is(err, io.EOF) {
				c.err = err
			}
			rd.send(ctx, c)
			return
		}
		load += it.work()
		next = it.Index + 1
		if len(c.items) == rd.size || load >= rd.budget*(1+next/growEvery) || src.drained() {
			if !rd.send(ctx, c) {
				return
			}
			c = rd.newChunk()
			load = 0
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// source is the reader stage's view of its Reader: the streaming reader under
// the wrappers the server puts around it (Peek's first feature, Limit's
// count), called directly rather than through a call a wrapper for every
// feature. Any other Reader is read through intoOf.
type source struct {
	first *peeked  // whose first feature is still to come
	lim   *limited // the count of features, when Limit wrapped the reader
	coll  *Collection
	nd    *NDJSON
	into  func(*Feature) error // when the reader is neither
	buf   buffered             // nil when it cannot tell
}

// flatten finds what source reads from r: peeked, then limited, then a
// Collection or NDJSON reader; where r is wrapped otherwise, it is read as it is.
func flatten(r Reader) source {
	var s source
	if p, ok := r.(*peeked); ok {
		if !p.used {
			s.first = p
		}
		r = p.rest
	}
	if l, ok := r.(*limited); ok {
		s.lim, r = l, l.r
	}
	switch r := r.(type) {
	case *Collection:
		s.coll = r
	case *NDJSON:
		s.nd = r
	default:
		s.into = intoOf(r)
	}
	s.buf, _ = r.(buffered)
	return s
}

// next reads the next feature into f, which is zero, as the wrapped reader's
// Next would return it.
func (s *source) next(f *Feature) error {
	if s.first != nil {
		p := s.first
		s.first = nil
		return p.nextInto(f)
	}
	var err error
	switch {
	case s.coll != nil:
		err = s.coll.nextInto(f)
	case s.nd != nil:
		err = s.nd.nextInto(f)
	default:
		err = s.into(f)
	}
	if err != nil || s.lim == nil {
		return err
	}
	return s.lim.count(f)
}

// drained reports whether the reader has no more input in memory (false when
// it cannot tell).
func (s *source) drained() bool { return s.buf != nil && s.buf.Buffered() == 0 }

// spare is what a written chunk leaves to reuse.
type spare struct {
	items []Result
	hits  []zones.Hit
	zs    []int32
	out   []byte
}

// newChunk reuses an item array the writer gave back, or one a run before
// left: they are large, and zeroing fresh ones costs more than reusing them.
func (rd *readStage) newChunk() *chunk {
	select {
	case sp := <-rd.free:
		return sp.chunk()
	default:
	}
	if sp, ok := spares.Get().(*spare); ok {
		return sp.chunk()
	}
	return &chunk{items: make([]Result, 0, rd.size), done: make(chan struct{})}
}

func (sp *spare) chunk() *chunk {
	return &chunk{items: sp.items[:0], hits: sp.hits[:0], zs: sp.zs[:0], out: sp.out[:0], done: make(chan struct{})}
}

// spares holds what the chunks of finished runs left, for the next runs: a
// run's first chunks, a dozen or so, otherwise each allocate and zero their
// items, and grow their hits and output, every request.
var spares sync.Pool // of *spare

// keepSpares hands what the writer gave back and the reader did not take to
// the next runs, without the zones their hits name (a dataset replaced since
// stays alive no longer for them). The items were cleared when written.
func keepSpares(free chan spare) {
	for {
		select {
		case sp := <-free:
			clear(sp.hits[:cap(sp.hits)])
			spares.Put(&sp)
		default:
			return
		}
	}
}

// send hands c to the writer, then to a worker; false when ctx ended first.
func (rd *readStage) send(ctx context.Context, c *chunk) bool {
	if rd.rec != nil {
		c.block = rd.rec.block()
	}
	select {
	case rd.order <- c:
	case <-ctx.Done():
		return false
	}
	if len(c.items) == 0 {
		close(c.done)
		return true
	}
	select {
	case rd.work <- c:
	case <-ctx.Done():
		return false
	}
	return true
}

// locateChunks is a worker: it locates the items of the chunks it receives until
// the reader stops or ctx is cancelled.
func locateChunks(ctx context.Context, work <-chan *chunk, loc locator, rend renderer) {
	var hc *hitCache // taken at the worker's first chunk: a worker of a small batch may have none
	defer func() {
		if hc != nil {
			hitCaches.Put(hc)
		}
	}()
	var pts []orb.Point
	var ends []int
	perRecord := 0 // bytes a record rendered in the worker's last chunk, on average
	for {
		var c *chunk
		select {
		case c = <-work:
		case <-ctx.Done():
			return
		}
		if c == nil {
			return // closed: the reader has stopped
		}
		if rend != nil && hc == nil {
			hc = hitCaches.Get().(*hitCache)
		}
		// A worker that locates points a group at a time renders each group
		// as soon as it is located, while what its lookups read, then its
		// hits and ids, are in the nearest caches; any other takes the chunk
		// as one group.
		grouped := loc.points != nil && loc.point != nil
		group := len(c.items)
		if grouped {
			group = pointGroup
		}
		out0 := len(c.out)
		c.rendered = 0
		if rend != nil {
			c.reserve(len(c.items), perRecord)
		}
		for i := 0; i < len(c.items); i += group {
			items := c.items[i:min(len(c.items), i+group)]
			if !grouped {
				for j := range items {
					loc.item(ctx, c, &items[j])
				}
			} else {
				pts = loc.decodePoints(items, pts[:0])
				var table []zones.Hit
				ends, table = loc.items(ctx, c, items, pts, ends[:0])
				if hc != nil {
					hc.setTable(table)
				}
			}
			if rend != nil && ctx.Err() == nil {
				c.renderItems(rend, hc, items)
			}
		}
		if rend != nil && ctx.Err() != nil {
			// None rendered once ctx ends: those items are never written.
			c.out, c.rendered, c.renderErr = c.out[:out0], 0, nil
		}
		if c.rendered > 0 {
			perRecord = (len(c.out) - out0) / c.rendered
		}
		close(c.done)
		// Give the reader and the writer their turn between chunks. Closing
		// done readies the writer, and taking the chunk readied the reader
		// if it waited to send; as long as chunks are queued, the worker would
		// otherwise run on until the scheduler preempts it (10 ms), both
		// workers holding both cores while the reader, the one stage that
		// cannot run in parallel, waits for one, and then the workers wait
		// for it. Measured over HTTP (100k points, 2 cores): workers waited for
		// chunks 34 → 13 ms a request, median wall −9 %.
		runtime.Gosched()
	}
}

// reserve makes room in c.out for n records of about perRecord bytes each
// (none when perRecord is 0: not known yet), and an eighth more: a chunk's
// records are appended a few at a time, and growing the buffer as they come
// copied it again and again in each new chunk (its first of a request and
// any whose reused buffer is too small).
func (c *chunk) reserve(n, perRecord int) {
	const most = 64 << 20 // beyond it, let append find out
	need := n * perRecord
	if perRecord <= 0 || need > most || need/perRecord != n {
		return
	}
	need += need / 8
	if cap(c.out)-len(c.out) < need {
		c.out = slices.Grow(c.out, need)
	}
}

// renderItems appends the records of items, the next of c's, to c.out, up to
// the first that cannot be rendered (none after it).
func (c *chunk) renderItems(rend renderer, hc *hitCache, items []Result) {
	for i := range items {
		if c.renderErr != nil {
			return
		}
		out, err := rend.appendRecord(c.out, &items[i], hc)
		c.out = out
		if err != nil {
			c.renderErr = err
			return
		}
		c.rendered++
	}
}

// locator is what the workers locate with: Run's LocateFunc and Options.
type locator struct {
	locate  LocateFunc
	point   PointFunc
	points  PointsFunc
	onError func(int, error)
	// box: decode points into Feature.Geometry (see Feature.decode), when
	// the writer does not render. Only a point left out of Geometry (isPoint)
	// goes to the PointsFunc: its hits stay zone positions (Result.zs),
	// rendered from the PointsFunc's table.
	box bool
}

// pointGroup is the most features a worker decodes and locates at once
// (Options.LocatePoints), then renders while what their lookups read is still
// in the nearest caches. Measured when the points' memory was read ahead
// (warmed) before locating them one by one: over HTTP (100k points, 2 cores,
// 6 rounds) server CPU fell 4.2 % warming a chunk (256) at once, 5.9 % by 32,
// 6.5 % by 64.
const pointGroup = 64

// decodePoints decodes the features of items, and appends their points to
// pts.
func (l locator) decodePoints(items []Result, pts []orb.Point) []orb.Point {
	for i := range items {
		it := &items[i]
		it.decode(l.box)
		if it.Err == nil && it.isPoint {
			pts = append(pts, it.point)
		}
	}
	return pts
}

// items locates the decoded items, whose points are pts, the points at once
// (locator.points) and the others, and the points it answers with an error,
// one by one (item). ends is a buffer for the points' ends, returned with
// the table of the points' zone positions.
func (l locator) items(ctx context.Context, c *chunk, items []Result, pts []orb.Point, ends []int) ([]int, []zones.Hit) {
	n := len(c.zs)
	var table []zones.Hit
	c.zs, ends, table = safeLocatePoints(l.points, pts, c.zs, ends)
	if len(ends) != len(pts) {
		// It panicked: every point one by one.
		c.zs, ends = c.zs[:n], ends[:0]
	}
	k := 0
	for j := range items {
		it := &items[j]
		if it.Err != nil || !it.isPoint || k == len(ends) {
			l.item(ctx, c, it)
			continue
		}
		end := ends[k]
		k++
		if end < 0 {
			l.item(ctx, c, it)
			continue
		}
		it.Hits = nil // as Locate answers a point in no zone, and zs
		if end > n {
			it.zs = c.zs[n:end:end]
			n = end
		}
	}
	return ends, table
}

// item decodes and locates one feature of c, recording the error that stops it.
// Items left alone because ctx ended are never written.
func (l locator) item(ctx context.Context, c *chunk, it *Result) {
	it.decode(l.box)
	if it.Err != nil || ctx.Err() != nil {
		return
	}
	var hits []zones.Hit
	var err error
	pt, isPoint := it.point, it.isPoint
	if !isPoint {
		pt, isPoint = it.Geometry.(orb.Point)
	}
	if isPoint && l.point != nil {
		n := len(c.hits)
		c.hits, err = safeLocatePoint(l.point, pt, c.hits)
		// A full slice: the next point's hits go after it in the buffer.
		hits = c.hits[n:len(c.hits):len(c.hits)]
		if len(hits) == 0 {
			hits = nil // as Locate answers a point in no zone
		}
	} else {
		g := it.Geometry
		if it.isPoint {
			g = pt
		}
		hits, err = safeLocate(ctx, l.locate, g)
	}
	if err != nil {
		var ie *errcode.Error
		switch {
		case errors.As(err, &ie):
			it.Err = ie
		case ctx.Err() != nil:
		default:
			if l.onError != nil {
				l.onError(it.Index, err)
			}
			it.Err = &errcode.Error{Code: "internal",
				Message: fmt.Sprintf("feature %d could not be located: internal error", it.Index),
				Details: map[string]any{"feature": it.Index}}
		}
	}
	it.Hits = hits
}

// writeStage is the writing stage.
type writeStage struct {
	w        Writer
	dirty    bool      // written since the last flush
	flushed  time.Time // the last flush
	timer    *time.Timer
	rend     renderer // w, when the workers render its records
	rec      recycler // the reader, when it reuses its blocks
	progress func(done int)
	free     chan<- spare
	st       Stats
}

// run writes the chunks of order as they come done, in order, until the
// reader's last chunk, and closes w. It returns at the first error, or when ctx
// ends.
func (wr *writeStage) run(ctx context.Context, order <-chan *chunk) (Stats, error) {
	for {
		c, err := wr.next(ctx, order)
		if err != nil {
			return wr.st, err
		}
		if err := wr.write(c); err != nil {
			return wr.st, err
		}
		if c.last {
			return wr.st, wr.end(c)
		}
	}
}

// next waits for the next chunk in order to be located, sending what was written
// before while it waits.
func (wr *writeStage) next(ctx context.Context, order <-chan *chunk) (*chunk, error) {
	var c *chunk
	select {
	case c = <-order:
	default:
		for received := false; !received; {
			tick, err := wr.idle()
			if err != nil {
				return nil, err
			}
			select {
			case c = <-order:
				received = true
			case <-tick:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	if c == nil {
		// Closed before the last chunk: the reader stopped because ctx ended.
		return nil, ctx.Err()
	}
	select {
	case <-c.done:
	default:
		for done := false; !done; {
			tick, err := wr.idle()
			if err != nil {
				return nil, err
			}
			select {
			case <-c.done:
				done = true
			case <-tick:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	// Workers skip the items of a cancelled run: none of them may be written.
	return c, ctx.Err()
}

// flushEvery bounds how often the writer sends what it has while it waits:
// sending after every chunk of a few polygons would be a system call each.
const flushEvery = 5 * time.Millisecond

// idle is called when the writer is about to wait: what was written goes out
// now if nothing went out for flushEvery, else when the returned channel fires
// (nil when nothing is waiting to go out).
func (wr *writeStage) idle() (<-chan time.Time, error) {
	if !wr.dirty {
		return nil, nil
	}
	if since := time.Since(wr.flushed); since < flushEvery {
		if wr.timer == nil {
			wr.timer = time.NewTimer(flushEvery - since)
		} else {
			wr.timer.Reset(flushEvery - since)
		}
		return wr.timer.C, nil
	}
	if err := wr.w.Flush(); err != nil {
		return nil, err
	}
	wr.dirty, wr.flushed = false, time.Now()
	return nil, nil
}

func (wr *writeStage) write(c *chunk) error {
	if len(c.items) == 0 {
		return nil
	}
	n := len(c.items)
	if wr.rend != nil {
		if err := wr.rend.writeRendered(c.out, c.rendered); err != nil {
			return err
		}
		n = c.rendered
	}
	for i := range n {
		it := &c.items[i]
		if wr.rend == nil {
			if err := wr.w.Write(it); err != nil {
				return err
			}
		}
		wr.st.Features++
		wr.st.Hits += len(it.Hits) + len(it.zs)
		if it.Err != nil {
			wr.st.Errors++
		}
	}
	if wr.rend != nil && c.renderErr != nil {
		return c.renderErr
	}
	wr.dirty = true
	clear(c.items) // drop geometry and hits early
	if wr.rec != nil {
		// Nothing written refers to the blocks before the chunk's last one.
		wr.rec.release(c.block)
	}
	select {
	case wr.free <- spare{c.items, c.hits, c.zs, c.out}:
	default:
	}
	if wr.progress != nil {
		wr.progress(wr.st.Features)
	}
	return nil
}

// end closes w after the last chunk, first writing the error that ended the
// input, if any, as a last record, and returns that error.
func (wr *writeStage) end(last *chunk) error {
	if last.err != nil {
		var ie *errcode.Error
		if errors.As(last.err, &ie) {
			if err := wr.w.Fail(last.next, ie); err != nil {
				return err
			}
			wr.st.Errors++
		}
	}
	if err := wr.w.Close(); err != nil {
		return err
	}
	return last.err
}

// safeLocate turns a panic of the locate function into an error: a worker
// goroutine has no HTTP server above it to recover, and one bad feature must
// not bring the process down.
func safeLocate(ctx context.Context, locate LocateFunc, g orb.Geometry) (hits []zones.Hit, err error) {
	defer func() {
		if v := recover(); v != nil {
			hits, err = nil, fmt.Errorf("batch: locate panicked: %v", v)
		}
	}()
	return locate(ctx, g)
}

// safeLocatePoints is safeLocate for a PointsFunc; on a panic dst and ends are
// returned as they were.
func safeLocatePoints(locate PointsFunc, pts []orb.Point, dst []int32, ends []int) (zs []int32, e []int, table []zones.Hit) {
	defer func() {
		if v := recover(); v != nil {
			zs, e, table = dst, ends, nil
		}
	}()
	return locate(pts, dst, ends)
}

// safeLocatePoint is safeLocate for a PointFunc; on a panic dst is returned as
// it was.
func safeLocatePoint(locate PointFunc, pt orb.Point, dst []zones.Hit) (hits []zones.Hit, err error) {
	defer func() {
		if v := recover(); v != nil {
			hits, err = dst, fmt.Errorf("batch: locate panicked: %v", v)
		}
	}()
	return locate(pt, dst)
}
