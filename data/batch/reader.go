// Package batch streams many features through a locate function: readers for NDJSON
// (one GeoJSON Feature per line) and GeoJSON FeatureCollections that hold one feature
// at a time, writers for the NDJSON, CSV and GeoJSON outputs of DESIGN.md, and Run,
// a bounded pipeline (reader → workers → writer in input order).
//
// Coordinates are taken as lon/lat (CGCS2000 ≈ WGS84). Readers decode Point
// geometries without a generic map; other geometries go through orb's decoder.
package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// Feature is one input feature of a batch.
type Feature struct {
	// Index is the 0-based position in the input.
	Index int
	// ID is the raw JSON of the feature's id: its "id" member, else properties.id;
	// nil when it has neither (written as null).
	ID json.RawMessage
	// Geometry in lon/lat; nil when Err is set.
	Geometry orb.Geometry
	// RawGeometry is the geometry's JSON as read, when the input was JSON.
	RawGeometry json.RawMessage
	// Properties is the feature's properties as a JSON object, members in the
	// order the source gives them (a ledger passes them through); nil when none.
	Properties json.RawMessage
	// Err says why the feature cannot be located; the batch goes on.
	Err *errcode.Error

	// lazy holds the feature's JSON when a reader in lazy mode left the decoding
	// to Run's workers; see Decode.
	lazy lazyFeature
	// point is the geometry of a point feature that a worker of Run decoded
	// without putting it in Geometry (an allocation a point): see decode.
	point   orb.Point
	isPoint bool
}

type lazyFeature struct {
	raw         []byte // a slice of the reader's block, which nothing writes to again
	maxVertices int
	line        int // NDJSON line number, 0 when not NDJSON
	positions   int // 1 + the positions counted in raw while finding its end; 0: not counted
	spans       pointSpans
}

// Decode finishes a feature read in lazy mode (a no-op otherwise).
func (f *Feature) Decode() { f.decode(true) }

// decode is Decode; with box false, a point spelled as parseFixed reads it
// is left in f.point (isPoint), and Geometry nil: for Run's workers when the
// writer renders the records, which never reads a geometry but its JSON.
func (f *Feature) decode(box bool) {
	lz := f.lazy
	if lz.raw == nil {
		return
	}
	if !box && lz.spans.point && parseSpans(f, lz.raw, f.Index, lz.spans, true) {
		return
	}
	*f = parseFeatureBox(lz.raw, f.Index, lz.maxVertices, true, box)
	if f.Err != nil && lz.line > 0 {
		if f.Err.Details == nil {
			f.Err.Details = map[string]any{}
		}
		f.Err.Details["line"] = lz.line
	}
}

// lazyReader is implemented by readers that can leave decoding to Run's workers.
type lazyReader interface {
	setLazy()
}

// Reader yields the features of a batch in input order. Next returns io.EOF at the
// end; any other error ends the batch (the stream is unreadable from there on).
type Reader interface {
	Next() (Feature, error)
}

// buffered is implemented by readers that can tell whether the next feature is
// already in memory; Run sends work on early when it is not, so that the first
// results leave while the client is still sending.
type buffered interface {
	Buffered() int
}

// DefaultMaxLine bounds one NDJSON line (and one FeatureCollection member).
const DefaultMaxLine = 64 << 20

// NDJSON reads one GeoJSON Feature per line (RFC 8142 record separators and blank
// lines are allowed). A line that is not a feature yields a Feature with Err.
type NDJSON struct {
	r           io.Reader
	buf         []byte
	pos         int
	seen        int   // bytes after pos already searched for a newline
	rerr        error // the read error that ended the input (io.EOF at its end)
	index       int
	line        int
	pending     error // a read error met after the last line, returned next
	lazy        bool
	blocks      blockPool
	MaxVertices int
	MaxLine     int
}

// NewNDJSON returns a reader of NDJSON features from r.
func NewNDJSON(r io.Reader) *NDJSON { return newNDJSON(r, newBlock()) }

// newNDJSON is NewNDJSON reading on from buf, r's first bytes.
func newNDJSON(r io.Reader, buf []byte) *NDJSON {
	return &NDJSON{r: r, buf: buf, MaxLine: DefaultMaxLine}
}

// Buffered returns the number of bytes read from the source but not yet consumed.
func (n *NDJSON) Buffered() int { return len(n.buf) - n.pos }

func (n *NDJSON) setLazy() { n.lazy = true }

// Next returns the next feature.
func (n *NDJSON) Next() (Feature, error) {
	var f Feature
	err := n.nextInto(&f)
	return f, err
}

// nextInto reads the next feature into out, which is zero.
func (n *NDJSON) nextInto(out *Feature) error {
	for {
		if n.pending != nil {
			*out = Feature{}
			return n.pending
		}
		line, err := n.readLine()
		if len(line) == 0 && err != nil {
			*out = Feature{}
			return err
		}
		n.line++
		line = bytes.TrimLeft(line, "\x1e")
		line = trimSpace(line)
		if len(line) == 0 {
			n.pending = err
			continue
		}
		if n.lazy {
			// No copy: fill never writes over what was handed out.
			// *out is zero: only what is not is written.
			out.Index = n.index
			out.lazy = lazyFeature{raw: line[:len(line):len(line)], maxVertices: n.MaxVertices, line: n.line}
			n.index++
			n.pending = err
			return nil
		}
		f := parseFeature(line, n.index, n.MaxVertices, false)
		if f.Err != nil {
			if f.Err.Details == nil {
				f.Err.Details = map[string]any{}
			}
			f.Err.Details["line"] = n.line
		}
		n.index++
		n.pending = err
		*out = f
		return nil
	}
}

// readLine returns the next line with its newline, if it has one, and io.EOF
// with the last line; in lazy mode the slice stays valid, else until the next
// call. A line cut by a read error is not returned.
func (n *NDJSON) readLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(n.buf[n.pos+n.seen:], '\n'); i >= 0 {
			end := n.pos + n.seen + i + 1
			line := n.buf[n.pos:end]
			n.pos, n.seen = end, 0
			return line, nil
		}
		n.seen = len(n.buf) - n.pos
		if n.rerr != nil {
			if !errors.Is(n.rerr, io.EOF) {
				return nil, n.rerr
			}
			line := n.buf[n.pos:]
			n.pos, n.seen = len(n.buf), 0
			return line, io.EOF
		}
		if err := n.fill(); err != nil {
			return nil, err
		}
	}
}

// fill reads more input after buf[pos:], the start of a line. In lazy mode the
// lines handed out are slices of buf: a full block's unread tail moves to a new
// block instead of down over them.
func (n *NDJSON) fill() error {
	if len(n.buf) == cap(n.buf) {
		partial := len(n.buf) - n.pos
		if n.MaxLine > 0 && partial > n.MaxLine {
			return &errcode.Error{Code: errcode.PayloadTooLarge,
				Message: fmt.Sprintf("line %d is longer than %d bytes", n.line+1, n.MaxLine),
				Details: map[string]any{"line": n.line + 1}}
		}
		size := cap(n.buf)
		if n.lazy || partial > size/2 {
			size = max(blockSize, 2*partial)
		}
		if n.lazy || size != cap(n.buf) {
			var nb []byte
			if n.lazy {
				nb = n.blocks.next(n.buf, partial, size)
			} else {
				nb = make([]byte, partial, size)
			}
			copy(nb, n.buf[n.pos:])
			n.buf = nb
		} else {
			n.buf = n.buf[:copy(n.buf, n.buf[n.pos:])]
		}
		n.pos = 0
	}
	k, err := n.r.Read(n.buf[len(n.buf):cap(n.buf)])
	n.buf = n.buf[:len(n.buf)+k]
	if err != nil {
		n.rerr = err
	}
	return nil
}

// Collection streams the features of one GeoJSON FeatureCollection, holding one
// feature's text at a time. Members after "features" are not read. A "crs" member
// before it must name lon/lat (EPSG:4326, EPSG:4490, CRS84).
type Collection struct {
	r           io.Reader
	buf         []byte
	pos         int
	eof         bool
	state       int // 0 before the features array, 1 in it, 2 done
	index       int
	lazy        bool
	blocks      blockPool
	MaxVertices int
	MaxLine     int
}

func (c *Collection) setLazy() { c.lazy = true }

// NewCollection returns a reader of the FeatureCollection in r.
func NewCollection(r io.Reader) *Collection { return newCollection(r, newBlock()) }

// newCollection is NewCollection reading on from buf, r's first bytes.
func newCollection(r io.Reader, buf []byte) *Collection {
	return &Collection{r: r, buf: buf, MaxLine: DefaultMaxLine}
}

// Buffered returns the number of bytes read but not yet consumed.
func (c *Collection) Buffered() int { return len(c.buf) - c.pos }

// fill reads more input, keeping buf[pos:].
func (c *Collection) fill() error {
	if c.eof {
		return io.ErrUnexpectedEOF
	}
	if c.lazy {
		// Features handed to the workers are slices of buf: never write over
		// them. Once the block is full, the unread tail moves to a new one.
		if len(c.buf) == cap(c.buf) {
			if err := c.tooLong(len(c.buf) - c.pos); err != nil {
				return err
			}
			nb := c.blocks.next(c.buf, len(c.buf)-c.pos, max(blockSize, 2*(len(c.buf)-c.pos)))
			copy(nb, c.buf[c.pos:])
			c.buf, c.pos = nb, 0
		}
	} else {
		if c.pos > 0 {
			n := copy(c.buf, c.buf[c.pos:])
			c.buf = c.buf[:n]
			c.pos = 0
		}
		if len(c.buf) == cap(c.buf) {
			if err := c.tooLong(len(c.buf)); err != nil {
				return err
			}
			nb := make([]byte, len(c.buf), 2*cap(c.buf))
			copy(nb, c.buf)
			c.buf = nb
		}
	}
	n, err := c.r.Read(c.buf[len(c.buf):cap(c.buf)])
	c.buf = c.buf[:len(c.buf)+n]
	if errors.Is(err, io.EOF) {
		c.eof = true
		if n > 0 {
			return nil
		}
		return io.ErrUnexpectedEOF
	}
	return err
}

// tooLong refuses a feature of n bytes so far when it is over MaxLine.
func (c *Collection) tooLong(n int) error {
	if c.MaxLine > 0 && n > c.MaxLine {
		return &errcode.Error{Code: errcode.PayloadTooLarge,
			Message: fmt.Sprintf("feature %d is longer than %d bytes", c.index, c.MaxLine),
			Details: map[string]any{"feature": c.index}}
	}
	return nil
}

// blockSize is the size of the blocks a lazy Collection reads into.
const blockSize = 1 << 20

// blockPool numbers the blocks a lazy reader reads into and, once Run has said
// (recycle) that it hands them back, reuses those it has released: a block
// nothing refers to any more, rather than a new one zeroed for every megabyte
// of input. Blocks of another size than blockSize are left to the collector.
type blockPool struct {
	seq     int // the number of the block read into now; the reader's own
	recycle bool
	mu      sync.Mutex
	before  int // the blocks numbered below are released
	retired []numbered
	free    [][]byte
	reused  int // blocks handed out again, for the tests
}

type numbered struct {
	seq int
	b   []byte
}

// maxFreeBlocks bounds the blocks a pool keeps for reuse.
const maxFreeBlocks = 8

// next returns a block of n bytes and capacity size to read into after old.
func (p *blockPool) next(old []byte, n, size int) []byte {
	p.seq++
	if !p.recycle {
		return sizedBlock(n, size)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(old) == blockSize {
		p.retired = append(p.retired, numbered{p.seq - 1, old[:0]})
	}
	for len(p.retired) > 0 && p.retired[0].seq < p.before {
		if len(p.free) < maxFreeBlocks {
			p.free = append(p.free, p.retired[0].b)
		}
		p.retired = p.retired[1:]
	}
	if size == blockSize && len(p.free) > 0 {
		b := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.reused++
		return b[:n]
	}
	return sizedBlock(n, size)
}

// handBack gives the pool's blocks, and cur, the block read into now, to the
// readers of the runs to come (idleBlocks): Run calls it once nothing refers
// to any of them any more, and the reader reads no more into them.
func (p *blockPool) handBack(cur []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	putBlock(cur)
	for _, b := range p.free {
		putBlock(b)
	}
	for _, nb := range p.retired {
		putBlock(nb.b)
	}
	p.free, p.retired = nil, nil
}

// idleBlocks holds blocks of blockSize that finished runs handed back, for the
// readers of the next batches (requests): a fresh block is zeroed, and the
// kernel faults its pages in as the body is read into it. 100k points over
// HTTP: server CPU a request −7.3 % (16 alternate pairs, lower in 13), more
// than the faults perf counted (a few hundred over several requests) explain;
// the zeroing and the collections fresh blocks bring on are the likely rest,
// not measured apart. It is bounded: a burst of large batches leaves no more
// than maxIdleBlocks behind.
var idleBlocks = make(chan []byte, maxIdleBlocks)

// maxIdleBlocks bounds idleBlocks.
const maxIdleBlocks = 8

// newBlock returns an empty block of capacity blockSize, an idle one if any.
func newBlock() []byte {
	select {
	case b := <-idleBlocks:
		return b
	default:
		return make([]byte, 0, blockSize)
	}
}

// sizedBlock returns a block of n bytes and capacity size, an idle one when
// size is blockSize.
func sizedBlock(n, size int) []byte {
	if size == blockSize {
		return newBlock()[:n]
	}
	return make([]byte, n, size)
}

// putBlock makes b, which nothing refers to any more, idle (when it is of
// blockSize and there is room).
func putBlock(b []byte) {
	if cap(b) != blockSize {
		return
	}
	select {
	case idleBlocks <- b[:0]:
	default:
	}
}

// release says that nothing refers to the blocks numbered below before any
// more. Any goroutine may call it.
func (p *blockPool) release(before int) {
	p.mu.Lock()
	p.before = max(p.before, before)
	p.mu.Unlock()
}

// recycler is implemented by readers that can reuse their blocks (lazy mode):
// Run turns it on when the writer copies each record out (a renderer), and
// releases, as each chunk is written, the blocks before the one its last
// feature was read from: the features after it were read from that block or
// later ones.
//
// At the end of a run that read its input to the end and wrote every record,
// Run hands every block to the runs after it (handBack): the reader reads no
// more, and the records and items that referred to the blocks are written
// and cleared.
type recycler interface {
	setRecycle() bool // false: the reader cannot (a wrapper of one that cannot)
	block() int       // the block the last feature was read from; the reader's goroutine
	release(before int)
	handBack() // after the run; the reader is not read again
}

func (n *NDJSON) setRecycle() bool   { n.blocks.recycle = true; return true }
func (n *NDJSON) block() int         { return n.blocks.seq }
func (n *NDJSON) release(before int) { n.blocks.release(before) }
func (n *NDJSON) handBack() {
	n.blocks.handBack(n.buf)
	n.buf, n.pos, n.seen = nil, 0, 0
}

func (c *Collection) setRecycle() bool   { c.blocks.recycle = true; return true }
func (c *Collection) block() int         { return c.blocks.seq }
func (c *Collection) release(before int) { c.blocks.release(before) }
func (c *Collection) handBack() {
	c.blocks.handBack(c.buf)
	c.buf, c.pos = nil, 0
}

func (p *peeked) setRecycle() bool {
	r, ok := p.rest.(recycler)
	return ok && r.setRecycle()
}

func (p *peeked) block() int         { return p.rest.(recycler).block() }
func (p *peeked) release(before int) { p.rest.(recycler).release(before) }
func (p *peeked) handBack()          { p.rest.(recycler).handBack() }

func (l *limited) setRecycle() bool {
	r, ok := l.r.(recycler)
	return ok && r.setRecycle()
}

func (l *limited) block() int         { return l.r.(recycler).block() }
func (l *limited) release(before int) { l.r.(recycler).release(before) }
func (l *limited) handBack()          { l.r.(recycler).handBack() }

// scan runs f on buf[pos:], reading more while f reports errIncomplete.
func (c *Collection) scan(f func(b []byte) (int, error)) error {
	for {
		n, err := f(c.buf[c.pos:])
		if err == nil {
			c.pos += n
			return nil
		}
		if err := c.more(err); err != nil {
			return err
		}
	}
}

// more answers a step of scan that failed with err: nil once it has read
// more input for the step to try again (err was errIncomplete), else the
// error to return.
func (c *Collection) more(err error) error {
	if !errors.Is(err, errIncomplete) {
		return c.syntax(err)
	}
	if ferr := c.fill(); ferr != nil {
		if errors.Is(ferr, io.ErrUnexpectedEOF) {
			return c.syntax(errors.New("unexpected end of input"))
		}
		return ferr
	}
	return nil
}

func (c *Collection) syntax(err error) error {
	return &errcode.Error{Code: errcode.BadRequest,
		Message: fmt.Sprintf("FeatureCollection: malformed JSON near feature %d: %v", c.index, err),
		Details: map[string]any{"feature": c.index}}
}

// Next returns the next feature.
func (c *Collection) Next() (Feature, error) {
	var f Feature
	err := c.nextInto(&f)
	return f, err
}

// nextInto reads the next feature into f, which is zero.
func (c *Collection) nextInto(f *Feature) error {
	if c.state == 0 {
		if err := c.header(); err != nil {
			return err
		}
	}
	if c.state == 2 {
		return io.EOF
	}
	// scan's loop, with the member read by a method rather than a closure:
	// this runs once a feature, on the reader stage's one core.
	for {
		end, err := c.member(f, c.buf[c.pos:])
		if err == nil {
			c.pos += end
			break
		}
		if err := c.more(err); err != nil {
			*f = Feature{}
			return err
		}
	}
	if c.state == 2 {
		return io.EOF
	}
	c.index++
	return nil
}

// member reads the next member of the features array from b into f (zero),
// or its end, and returns the bytes it took: errIncomplete when b holds not
// all of it.
func (c *Collection) member(f *Feature, b []byte) (int, error) {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return 0, errIncomplete
	}
	switch b[i] {
	case ']':
		c.state = 2
		return i + 1, nil
	case ',':
		if c.index == 0 {
			return 0, &errSyntax{i, "unexpected ','"}
		}
		i = skipSpace(b, i+1)
	default:
		if c.index > 0 {
			return 0, &errSyntax{i, "expected ',' or ']'"}
		}
	}
	end, positions, spans, ok := skipFeatureSpans(b, i)
	if !ok {
		var err error
		if end, positions, err = skipCounting(b, i); err != nil {
			return 0, err
		}
	}
	if c.lazy {
		// No copy: fill never writes over what was handed out. *f is zero:
		// only what is not is written, not the whole feature again, and
		// field by field (a composite literal is built on the stack and
		// copied sixteen bytes a load over its narrower stores, which the
		// processor cannot forward: see parseSpans).
		f.Index = c.index
		l := &f.lazy
		l.raw, l.maxVertices, l.positions, l.spans = b[i:end:end], c.MaxVertices, positions+1, spans
	} else {
		*f = parseFeature(b[i:end], c.index, c.MaxVertices, false)
	}
	return end, nil
}

// header reads up to the opening bracket of "features".
func (c *Collection) header() error {
	if err := c.scan(func(b []byte) (int, error) {
		i := skipSpace(b, 0)
		if i >= len(b) {
			return 0, errIncomplete
		}
		if b[i] != '{' {
			return 0, &errSyntax{i, "a FeatureCollection must be a JSON object"}
		}
		return i + 1, nil
	}); err != nil {
		return err
	}
	first := true
	for c.state == 0 {
		var name string
		var value []byte
		_ = name
		err := c.scan(func(b []byte) (int, error) {
			i := skipSpace(b, 0)
			if i >= len(b) {
				return 0, errIncomplete
			}
			if !first {
				if b[i] == '}' {
					return 0, &errSyntax{i, "no \"features\" member"}
				}
				if b[i] != ',' {
					return 0, &errSyntax{i, "expected ','"}
				}
				i = skipSpace(b, i+1)
			}
			n, v, err := key(b, i)
			if err != nil {
				return 0, err
			}
			name = string(n)
			if name == "features" {
				if v >= len(b) {
					return 0, errIncomplete
				}
				if b[v] != '[' {
					return 0, &errSyntax{v, "\"features\" must be an array"}
				}
				return v + 1, nil
			}
			end, err := skipValue(b, v)
			if err != nil {
				return 0, err
			}
			value = append(value[:0], b[v:end]...)
			return end, nil
		})
		if err != nil {
			return err
		}
		first = false
		switch name {
		case "features":
			c.state = 1
		case "type":
			if s, _ := stringValue(value); s != "FeatureCollection" {
				return &errcode.Error{Code: errcode.BadRequest,
					Message: fmt.Sprintf("expected a FeatureCollection, got type %s", value)}
			}
		case "crs":
			if err := lonLatCRS(value); err != nil {
				return err
			}
		}
	}
	return nil
}

// lonLatCRS accepts an old-style GeoJSON "crs" member only when it names lon/lat.
func lonLatCRS(v []byte) error {
	s := string(v)
	for _, ok := range []string{"CRS84", "4326", "4490", "CRS:84"} {
		if strings.Contains(s, ok) {
			return nil
		}
	}
	return &errcode.Error{Code: errcode.UnsupportedCRS,
		Message: fmt.Sprintf("the FeatureCollection's crs %s is not lon/lat; batch JSON input must be in EPSG:4490/4326 lon/lat (upload the file as multipart for other coordinate systems)", s),
		Details: map[string]any{"field": "crs"}}
}

// Slice yields features already read by a format reader (multipart uploads).
type Slice struct {
	features    []vector.Feature
	i           int
	MaxVertices int
}

// NewSlice returns a reader over c's features (lon/lat).
func NewSlice(c *vector.Collection) *Slice { return &Slice{features: c.Features} }

// Next returns the next feature.
func (s *Slice) Next() (Feature, error) {
	if s.i >= len(s.features) {
		return Feature{}, io.EOF
	}
	vf := s.features[s.i]
	s.features[s.i] = vector.Feature{} // let it go once handed on
	f := Feature{Index: s.i}
	s.i++
	if vf.ID != "" {
		f.ID, _ = json.Marshal(vf.ID)
	}
	if len(vf.Properties) > 0 {
		f.Properties, _ = json.Marshal(vf.Properties)
	}
	if vf.Geometry == nil {
		f.Err = errcode.New(errcode.EmptyGeometry, map[string]any{"feature": f.Index}, "feature %d has no geometry", f.Index)
		return f, nil
	}
	if ierr := checkGeometry(vf.Geometry, f.Index, s.MaxVertices); ierr != nil {
		f.Err = ierr
		return f, nil
	}
	f.Geometry = vf.Geometry
	return f, nil
}

// Sniff tells an NDJSON stream from a FeatureCollection by the first bytes: a
// FeatureCollection's outer object names its type before its first feature ends.
// It returns "collection" or "ndjson".
func Sniff(head []byte) string {
	i := skipSpace(head, 0)
	if i < len(head) && head[i] == '\x1e' {
		return "ndjson"
	}
	if i < len(head) && head[i] != '{' {
		return "collection" // which will say what is wrong with it
	}
	nl := bytes.IndexByte(head[i:], '\n')
	first := head[i:]
	if nl >= 0 {
		first = head[i : i+nl]
	}
	// One complete object on the first line followed by more lines: NDJSON, unless
	// that object is itself the collection.
	if bytes.Contains(first, []byte(`"FeatureCollection"`)) || bytes.Contains(first, []byte(`"features"`)) {
		return "collection"
	}
	if end, err := skipValue(first, skipSpace(first, 0)); err == nil && end > 0 {
		return "ndjson"
	}
	return "collection"
}

// Open returns the reader for a JSON batch body: NDJSON when mediaType says so
// (application/x-ndjson, application/geo+json-seq, application/jsonl), else sniffed.
func Open(r io.Reader, mediaType string, maxVertices int) Reader {
	switch mediaType {
	case "application/x-ndjson", "application/ndjson", "application/geo+json-seq", "application/jsonl", "application/x-jsonlines":
		n := NewNDJSON(r)
		n.MaxVertices = maxVertices
		return n
	}
	// Look at what has arrived, reading more only while the first line is
	// incomplete: a client streaming NDJSON may wait for answers after one line.
	// What is read lands in the reader's first block, where its features are
	// read from: no buffer of its own to allocate and copy out of for every
	// body.
	head := sniffHead(r, newBlock())
	if Sniff(head) == "ndjson" {
		n := newNDJSON(r, head)
		n.MaxVertices = maxVertices
		return n
	}
	c := newCollection(r, head)
	c.MaxVertices = maxVertices
	return c
}

// sniffHead reads the start of r into buf (empty, with room for more than
// 64 KiB) until a line ends or 64 KiB have arrived, as a bufio.Reader of
// buf's capacity peeking at r would: each read stops once bytes or an error
// come (a hundred reads of nothing are an error), and a read error ends the
// sniffing but is not kept: the reader meets it again when it reads on.
func sniffHead(r io.Reader, buf []byte) []byte {
	var rerr error
	fill := func() {
		for range maxEmptyReads {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err != nil {
				rerr = err
				return
			}
			if n > 0 {
				return
			}
		}
		rerr = io.ErrNoProgress
	}
	// Peek(n): true when n bytes are there.
	peek := func(n int) bool {
		for len(buf) < n && len(buf) < cap(buf) && rerr == nil {
			fill()
		}
		return len(buf) >= n
	}
	if peek(1) {
		for bytes.IndexByte(buf, '\n') < 0 && len(buf) < 64<<10 && peek(len(buf)+1) {
		}
	}
	return buf
}

// maxEmptyReads is how many reads of nothing in a row sniffHead takes before
// giving up, as bufio's.
const maxEmptyReads = 100

// marshalGeometry writes g as GeoJSON (for features that came without JSON).
func marshalGeometry(g orb.Geometry) (json.RawMessage, error) {
	if g == nil {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(geojson.NewGeometry(g))
}

// Peek reads the first feature of r, so that a caller can refuse input that is not
// a batch at all before answering, and returns a reader that yields it again, then
// the rest. The error is the first feature's fatal error, if any (not io.EOF).
func Peek(r Reader) (Reader, error) {
	f, err := r.Next()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	p := &peeked{first: f, firstErr: err, rest: r}
	p.into = intoOf(r)
	p.buf, _ = r.(buffered)
	return p, nil
}

type peeked struct {
	first    Feature
	firstErr error
	used     bool
	rest     Reader
	// rest's abilities, asserted once rather than at every feature.
	into func(*Feature) error
	buf  buffered
}

func (p *peeked) Next() (Feature, error) {
	if !p.used {
		p.used = true
		f := p.first
		p.first = Feature{}
		return f, p.firstErr
	}
	return p.rest.Next()
}

func (p *peeked) nextInto(f *Feature) error {
	if !p.used {
		p.used = true
		*f, p.first = p.first, Feature{} // its JSON is in a block Run may reuse
		return p.firstErr
	}
	return p.into(f)
}

func (p *peeked) Buffered() int {
	if p.buf != nil {
		return p.buf.Buffered()
	}
	return 1
}

func (p *peeked) setLazy() {
	if l, ok := p.rest.(lazyReader); ok {
		l.setLazy()
	}
}

// Limit ends the batch r after max features with a payload_too_large error (the
// batch's last record): an operator's bound on the work one request may ask for.
// max <= 0 means no bound.
func Limit(r Reader, max int) Reader {
	if max <= 0 {
		return r
	}
	l := &limited{r: r, max: max}
	l.into = intoOf(r)
	l.buf, _ = r.(buffered)
	return l
}

type limited struct {
	r      Reader
	max, n int
	// r's abilities, asserted once rather than at every feature.
	into func(*Feature) error
	buf  buffered
}

func (l *limited) Next() (Feature, error) {
	f, err := l.r.Next()
	if err != nil {
		return f, err
	}
	// A batch of exactly max features ends with EOF above; one more is refused.
	if l.n >= l.max {
		return Feature{}, errcode.New(errcode.PayloadTooLarge, map[string]any{"feature": l.n, "limit": l.max},
			"the batch has more than the limit of %d features; feature %d and after were not read", l.max, l.n)
	}
	l.n++
	return f, nil
}

func (l *limited) nextInto(f *Feature) error {
	if err := l.into(f); err != nil {
		return err
	}
	return l.count(f)
}

// count counts f, just read from the wrapped reader, or refuses it when it is
// one over the limit.
func (l *limited) count(f *Feature) error {
	if l.n >= l.max {
		*f = Feature{}
		return errcode.New(errcode.PayloadTooLarge, map[string]any{"feature": l.n, "limit": l.max},
			"the batch has more than the limit of %d features; feature %d and after were not read", l.max, l.n)
	}
	l.n++
	return nil
}

// intoReader is implemented by readers that can write the next feature where
// the caller keeps it (an item of the reader stage's chunk): a feature is some
// 150 bytes, which returning it by value copies at every reader wrapped in another.
// f is zero when nextInto is called (the reader stage's items are): a reader
// writes only the fields it sets.
type intoReader interface {
	nextInto(f *Feature) error
}

// intoOf returns what reads r's next feature into f, as r.Next would return it:
// r's nextInto where it has one. A reader stage or a wrapper takes it once,
// not at every feature (an interface assertion a feature and a wrapper).
func intoOf(r Reader) func(f *Feature) error {
	if ir, ok := r.(intoReader); ok {
		return ir.nextInto
	}
	return func(f *Feature) error {
		var err error
		*f, err = r.Next()
		return err
	}
}

// setLazy and Buffered pass the wrapped reader's abilities on to Run.
func (l *limited) setLazy() {
	if lr, ok := l.r.(lazyReader); ok {
		lr.setLazy()
	}
}

func (l *limited) Buffered() int {
	if l.buf != nil {
		return l.buf.Buffered()
	}
	return 1 // unknown: Run fills chunks, as it does for such a reader
}
