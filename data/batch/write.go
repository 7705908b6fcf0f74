package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// Result is a located feature: its hits, or the error that stopped it.
type Result struct {
	Feature
	Hits []zones.Hit
	// zs are the hits of a point located by Options.LocatePoints, as
	// positions in its table, when the Writer renders its records (then
	// Hits is nil): the worker's hitCache has the table.
	zs []int32
}

// Writer writes results in one of the output formats.
type Writer interface {
	// Write writes one result; results arrive in input order.
	Write(r *Result) error
	// Fail records an error that ended the batch before its end, as a last record.
	Fail(index int, err *errcode.Error) error
	// Close ends the document and flushes.
	Close() error
	// Flush sends what is buffered to the underlying writer.
	Flush() error
}

// Formats are the output formats, as named by ?format= and --format.
var Formats = []string{"ndjson", "csv", "geojson"}

// ContentType returns the media type of an output format.
func ContentType(format string) string {
	switch format {
	case "csv":
		return "text/csv; charset=utf-8"
	case "geojson":
		return "application/geo+json"
	}
	return "application/x-ndjson"
}

// NewWriter returns the writer for format ("ndjson", "csv", "geojson"). flush, if
// not nil, is called after each Flush (an http.Flusher's Flush).
func NewWriter(w io.Writer, format string, flush func()) (Writer, error) {
	bw := bufio.NewWriterSize(w, firstBuffer)
	base := bufWriter{bw: bw, dst: w, flush: flush}
	switch format {
	case "", "ndjson":
		return &ndjsonWriter{bufWriter: base}, nil
	case "csv":
		_, err := bw.WriteString(csvHeader)
		return &csvWriter{bufWriter: base}, err
	case "geojson":
		gw := &geojsonWriter{bufWriter: base}
		_, err := bw.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
		return gw, err
	}
	return nil, fmt.Errorf("batch: unknown output format %q (want ndjson, csv or geojson)", format)
}

// writeBuffer is what a writer gathers before it writes to its destination
// (unless it flushes first, while it waits for results): the records of 100k
// points are 27 MB of NDJSON, and over HTTP each write is a chunk and two
// system calls.
const writeBuffer = 256 << 10

// firstBuffer is what a writer gathers until its output outgrows it (then
// writeBuffer): most batches are small, and a buffer of writeBuffer bytes,
// allocated and zeroed for each, cost a 10-point /v1/locate 17 % of its CPU.
const firstBuffer = 16 << 10

type bufWriter struct {
	bw    *bufio.Writer
	dst   io.Writer // what bw writes to
	flush func()
	buf   []byte
	hc    *hitCache // for the records written one at a time
}

func (b *bufWriter) Flush() error {
	if err := b.bw.Flush(); err != nil {
		return err
	}
	if b.flush != nil {
		b.flush()
	}
	return nil
}

// plainString reports whether s is ASCII that JSON takes as it is (no control
// character, quote or backslash), eight bytes at a time: the layer, zone and
// class names of every hit written are.
func plainString(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		q, bs := w^('"'*ones), w^('\\'*ones)
		// A byte of 0x80 or more, one under 0x20, a quote or a backslash.
		if w&highs != 0 || ((w-0x20*ones)|(q-ones)|(bs-ones))&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendIndex appends i in decimal, as strconv.AppendInt does, writing the
// digits straight into b. strconv formats into an array of its own and then
// copies it into b: the copy reads back bytes just stored, and so waits for
// the stores before them, among them the record's first bytes in a line of
// the chunk's output that is not in the cache yet. 100k points over HTTP
// (perf on the server process, 100 requests a profile): that copy of five or
// six bytes took 2.6–7.6 % of the server's samples; appendIndex takes
// 1.1–1.3 %.
func appendIndex(b []byte, i int) []byte {
	if i < 0 {
		return strconv.AppendInt(b, int64(i), 10)
	}
	n := 1
	for v := i; v >= 10; v /= 10 {
		n++
	}
	l := len(b)
	if cap(b)-l < n {
		b = slices.Grow(b, n)
	}
	b = b[:l+n]
	d := b[l:]
	u := uint(i)
	for u >= 100 {
		q := u / 100
		r := 2 * (u - 100*q)
		d[n-1], d[n-2] = digitPairs[r+1], digitPairs[r]
		n -= 2
		u = q
	}
	if u >= 10 {
		d[1], d[0] = digitPairs[2*u+1], digitPairs[2*u]
	} else {
		d[0] = byte('0' + u)
	}
	return b
}

// digitPairs spells 00 to 99.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendID writes the raw id, or null.
func appendID(b []byte, id json.RawMessage) []byte {
	if id == nil {
		return append(b, "null"...)
	}
	return append(b, id...)
}

// appendHits writes hits as a JSON array; hc, if not nil, keeps the part of a
// hit's object that names its zone, which repeats from feature to feature,
// and the whole object of a hit with neither area nor length (a point's).
func appendHits(b []byte, hits []zones.Hit, hc *hitCache) []byte {
	b = append(b, '[')
	for i := range hits {
		h := &hits[i]
		if hc != nil {
			// The entry's bytes start with the comma that goes before any
			// hit but the first.
			e := hc.entry(h)
			frag := e.frag[1-min(i, 1):]
			if math.Float64bits(h.OverlapAreaM2)|math.Float64bits(h.OverlapLengthM) == 0 {
				b = append(b, frag...)
				continue
			}
			b = append(b, frag[:len(frag)-len(zeroTail)]...)
		} else {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendZone(b, h)
		}
		b = appendMeasures(b, h)
	}
	return append(b, ']')
}

// appendMeasures ends a hit's object after appendZone's bytes: its area's
// value, its length and the brace.
func appendMeasures(b []byte, h *zones.Hit) []byte {
	b = appendFloat(b, h.OverlapAreaM2)
	b = append(b, `,"overlap_length_m":`...)
	b = appendFloat(b, h.OverlapLengthM)
	return append(b, '}')
}

// appendZoneHits is appendHits for the hits of a point located by
// Options.LocatePoints, given as positions in hc's table: each hit's object
// is made once (hc.zone) and then copied whole.
func appendZoneHits(b []byte, zs []int32, hc *hitCache) []byte {
	b = append(b, '[')
	for i, z := range zs {
		// The object's bytes start with the comma that goes before any hit
		// but the first.
		b = append(b, hc.zone(z)[1-min(i, 1):]...)
	}
	return append(b, ']')
}

// appendResultHits writes r's hits as a JSON array.
func appendResultHits(b []byte, r *Result, hc *hitCache) []byte {
	if r.zs != nil {
		return appendZoneHits(b, r.zs, hc)
	}
	return appendHits(b, r.Hits, hc)
}

// zeroTail ends the object of a hit with neither area nor length (+0 both),
// after appendZone's bytes: as appendFloat writes them.
const zeroTail = `0,"overlap_length_m":0}`

// appendZone writes the start of a hit's object, up to its area's value.
func appendZone(b []byte, h *zones.Hit) []byte {
	b = append(b, `{"layer":`...)
	b = appendString(b, h.Layer)
	b = append(b, `,"zone_id":`...)
	b = appendString(b, h.ZoneID)
	b = append(b, `,"zone_class":`...)
	b = appendString(b, h.ZoneClass)
	return append(b, `,"overlap_area_m2":`...)
}

// hitCache holds the rendered start of the hit objects of the zones written
// (appendZone's bytes), so that a hit of a zone seen before is one append and
// its two numbers, or one append for a point's: 100k points hit a few hundred
// zones. Open addressing on the addresses of the zone id's and the layer's
// bytes, which the hits of one zone share (the checker hands out its zone's
// strings; zones of two layers may share an id's bytes: strconv's small
// numbers); entries compare by value, so a hit whose strings are copies is
// still right, only not cached as well. Emptied when three quarters full.
// One per goroutine.
type hitCache struct {
	entries [hitCacheSize]hitCacheEntry
	n       int // entries filled
	// table is the table of hits by zone position of Options.LocatePoints,
	// and byZone[z] the object of table[z]'s hit after a comma, made at its
	// first use (nil before). Kept from run to run (hitCaches) while the
	// table is the same: a hit's object is then made once for the dataset,
	// and a small batch does not allocate a slice of every zone.
	table  []zones.Hit
	byZone [][]byte
}

// hitCaches keeps the workers' hitCaches from run to run. A dataset replaced
// stays alive for a pooled cache's table and entries no longer than the pool
// keeps it: two collections (the runtime collects at least every two
// minutes).
var hitCaches = sync.Pool{New: func() any { return new(hitCache) }}

// setTable makes t hc's table of hits by zone position (nil: unchanged, as
// after a PointsFunc that panicked).
func (hc *hitCache) setTable(t []zones.Hit) {
	if t == nil || len(t) == len(hc.table) && &t[0] == &hc.table[0] {
		return
	}
	hc.table, hc.byZone = t, make([][]byte, len(t))
}

// zone returns the object of the hit at position z of hc's table after a
// comma, as appendHits writes it.
func (hc *hitCache) zone(z int32) []byte {
	if f := hc.byZone[z]; f != nil {
		return f
	}
	h := &hc.table[z]
	f := appendMeasures(appendZone([]byte{','}, h), h)
	hc.byZone[z] = f
	return f
}

const (
	hitCacheBits = 10
	hitCacheSize = 1 << hitCacheBits
)

type hitCacheEntry struct {
	layer, zoneID, class string
	// frag is a comma, appendZone's bytes, then zeroTail.
	frag []byte
}

// entry returns the entry of h's zone, filled.
func (hc *hitCache) entry(h *zones.Hit) *hitCacheEntry {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(h.ZoneID))))
	q := uint64(uintptr(unsafe.Pointer(unsafe.StringData(h.Layer))))
	i := (p + q<<1) * 0x9E3779B97F4A7C15 >> (64 - hitCacheBits)
	for {
		e := &hc.entries[i]
		if e.frag == nil {
			if hc.n >= hitCacheSize*3/4 {
				hc.entries, hc.n = [hitCacheSize]hitCacheEntry{}, 0
				return hc.entry(h)
			}
			frag := appendZone([]byte{','}, h)
			*e = hitCacheEntry{layer: h.Layer, zoneID: h.ZoneID, class: h.ZoneClass, frag: append(frag, zeroTail...)}
			hc.n++
			return e
		}
		if sameString(e.zoneID, h.ZoneID) && sameString(e.layer, h.Layer) && sameString(e.class, h.ZoneClass) {
			return e
		}
		i = (i + 1) % hitCacheSize
	}
}

// sameString is a == b, without reading the bytes of strings that share them
// (a zone's hits do: the checker hands out its zone's strings).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

func appendError(b []byte, e *errcode.Error) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, string(e.Code))
	b = append(b, `,"message":`...)
	b = appendString(b, e.Message)
	if len(e.Details) > 0 {
		if d, err := json.Marshal(e.Details); err == nil {
			b = append(b, `,"details":`...)
			b = append(b, d...)
		}
	}
	return append(b, '}')
}

// appendFloat writes f as encoding/json would.
func appendFloat(b []byte, f float64) []byte {
	if math.Float64bits(f) == 0 {
		// +0, every point hit's area and length: not worth strconv's time.
		return append(b, '0')
	}
	if f > 0 && f < 1e9 {
		// The checker rounds areas and lengths to 3 decimals (zones' round3):
		// such a number is the double nearest n/1000, and below 1e9 (doubles
		// 1.2e-7 apart at most) no other decimal of as few digits is as near,
		// so its shortest spelling, strconv's, is n/1000's digits, the
		// fraction's trailing zeros dropped.
		if n := math.Round(f * 1000); n/1000 == f {
			return appendMillis(b, uint64(n))
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendMillis writes n/1000 in decimal, the fraction's trailing zeros (and
// a fraction of none, with its point) left out.
func appendMillis(b []byte, n uint64) []byte {
	b = appendIndex(b, int(n/1000))
	frac := n % 1000
	if frac == 0 {
		return b
	}
	d := [4]byte{'.', byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	k := 4
	for d[k-1] == '0' {
		k--
	}
	return append(b, d[:k]...)
}

// appendString writes s as a JSON string as encoding/json's Encoder with
// SetEscapeHTML(false) does (invalid UTF-8 becomes U+FFFD): layer, zone and
// class names are mostly plain ASCII, taken whole.
func appendString(b []byte, s string) []byte {
	if plainString(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return zones.AppendJSONString(b, s)
}

// renderer is implemented by writers whose records do not depend on what was
// written before them: Run's workers append a chunk's records into one buffer,
// in parallel, and the writing stage only sends the buffers out in order.
type renderer interface {
	// appendRecord appends r's record to b, with hc's zones (nil: none).
	appendRecord(b []byte, r *Result, hc *hitCache) ([]byte, error)
	// writeRendered writes n records appended by appendRecord.
	writeRendered(b []byte, n int) error
}

// write renders r's record into the writer's buffer and writes it.
func (b *bufWriter) write(rd renderer, r *Result) error {
	if b.hc == nil {
		b.hc = new(hitCache)
	}
	out, err := rd.appendRecord(b.buf[:0], r, b.hc)
	b.buf = out
	if err != nil {
		return err
	}
	return rd.writeRendered(out, 1)
}

func (b *bufWriter) writeRendered(out []byte, _ int) error {
	if err := b.room(len(out)); err != nil {
		return err
	}
	_, err := b.bw.Write(out)
	return err
}

// room moves to a buffer of writeBuffer bytes, sending what the first one
// holds, when n more bytes do not fit in the first one.
func (b *bufWriter) room(n int) error {
	if b.bw.Size() >= writeBuffer || n <= b.bw.Available() {
		return nil
	}
	if err := b.bw.Flush(); err != nil {
		return err
	}
	b.bw = bufio.NewWriterSize(b.dst, writeBuffer)
	return nil
}

type ndjsonWriter struct{ bufWriter }

func (w *ndjsonWriter) Write(r *Result) error { return w.write(w, r) }

func (w *ndjsonWriter) appendRecord(b []byte, r *Result, hc *hitCache) ([]byte, error) {
	b = append(b, `{"index":`...)
	b = appendIndex(b, r.Index)
	b = append(b, `,"id":`...)
	b = appendID(b, r.ID)
	if r.Err != nil {
		b = append(b, `,"error":`...)
		b = appendError(b, r.Err)
	} else {
		b = append(b, `,"hits":`...)
		b = appendResultHits(b, r, hc)
	}
	return append(b, '}', '\n'), nil
}

func (w *ndjsonWriter) Fail(index int, e *errcode.Error) error {
	return w.Write(&Result{Feature: Feature{Index: index, Err: e}})
}

func (w *ndjsonWriter) Close() error { return w.Flush() }

// csvHeader is the CSV output's first row.
const csvHeader = "index,id,layer,zone_id,zone_class,overlap_area_m2,overlap_length_m,error\n"

// csvWriter writes rows as encoding/csv's Writer (comma, LF) would, appending
// into one reused buffer: no []string or strings per row.
type csvWriter struct {
	bufWriter
}

func (w *csvWriter) Write(r *Result) error { return w.write(w, r) }

func (w *csvWriter) appendRecord(b []byte, r *Result, hc *hitCache) ([]byte, error) {
	start := len(b)
	// index,id, — the start of every row of the feature.
	b = appendIndex(b, r.Index)
	b = append(b, ',')
	b = appendCSVID(b, r.ID)
	b = append(b, ',')
	head := b[start:len(b):len(b)]
	switch {
	case r.Err != nil:
		b = append(b, ",,,,,"...)
		msg := make([]byte, 0, len(r.Err.Code)+2+len(r.Err.Message))
		msg = append(append(append(msg, r.Err.Code...), ": "...), r.Err.Message...)
		b = appendCSVField(b, msg)
		b = append(b, '\n')
	case len(r.Hits) == 0 && len(r.zs) == 0:
		b = append(b, ",,,,,\n"...)
	default:
		for i := range r.Hits {
			b = appendCSVHit(b, head, i, &r.Hits[i])
		}
		for i, z := range r.zs {
			b = appendCSVHit(b, head, i, &hc.table[z])
		}
	}
	return b, nil
}

// appendCSVHit writes the row of a feature's hit h, its i-th; head is what
// starts each row of the feature but the first, already written.
func appendCSVHit(b, head []byte, i int, h *zones.Hit) []byte {
	if i > 0 {
		b = append(b, head...)
	}
	b = appendCSVField(b, h.Layer)
	b = append(b, ',')
	b = appendCSVField(b, h.ZoneID)
	b = append(b, ',')
	b = appendCSVField(b, h.ZoneClass)
	b = append(b, ',')
	b = appendFloat(b, h.OverlapAreaM2)
	b = append(b, ',')
	b = appendFloat(b, h.OverlapLengthM)
	return append(b, ",\n"...)
}

// appendCSVID writes a string id without its quotes, a number as is, null as "".
func appendCSVID(b []byte, id json.RawMessage) []byte {
	switch {
	case id == nil:
		return b
	case id[0] != '"':
		return appendCSVField(b, []byte(id))
	}
	if raw := id[1 : len(id)-1]; bytes.IndexByte(raw, '\\') < 0 {
		return appendCSVField(b, []byte(raw))
	}
	s, _ := stringValue(id)
	return appendCSVField(b, s)
}

// appendCSVField writes one field as encoding/csv's Writer does: quoted when it
// holds a comma, a quote, CR or LF, is \., or starts with a space (Unicode's);
// quotes doubled inside.
func appendCSVField[S string | []byte](b []byte, f S) []byte {
	if !csvNeedsQuotes(f) {
		return append(b, f...)
	}
	b = append(b, '"')
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, f[i])
		}
	}
	return append(b, '"')
}

func csvNeedsQuotes[S string | []byte](f S) bool {
	if len(f) == 0 {
		return false
	}
	if string(f) == `\.` {
		return true
	}
	for i := 0; i < len(f); i++ {
		if c := f[i]; c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(string(f[:min(len(f), utf8.UTFMax)]))
	return unicode.IsSpace(r)
}

func (w *csvWriter) Fail(index int, e *errcode.Error) error {
	return w.Write(&Result{Feature: Feature{Index: index, Err: e}})
}

func (w *csvWriter) Close() error { return w.Flush() }

type geojsonWriter struct {
	bufWriter
	n int
}

func (w *geojsonWriter) Write(r *Result) error { return w.write(w, r) }

// appendRecord appends r's Feature after the ",\n" that separates it from the
// one before; writeRendered leaves out the first feature's.
func (w *geojsonWriter) appendRecord(b []byte, r *Result, hc *hitCache) ([]byte, error) {
	start := len(b)
	b = append(b, ",\n"...)
	b = append(b, `{"type":"Feature",`...)
	if r.ID != nil {
		b = append(b, `"id":`...)
		b = append(b, r.ID...)
		b = append(b, ',')
	}
	b = append(b, `"geometry":`...)
	switch {
	case r.RawGeometry != nil:
		b = append(b, r.RawGeometry...)
	case r.Geometry != nil:
		g, err := marshalGeometry(r.Geometry)
		if err != nil {
			return b[:start], fmt.Errorf("batch: feature %d: write geometry: %w", r.Index, err)
		}
		b = append(b, g...)
	default:
		b = append(b, "null"...)
	}
	b = append(b, `,"properties":{"index":`...)
	b = appendIndex(b, r.Index)
	b = append(b, `,"id":`...)
	b = appendID(b, r.ID)
	if r.Err != nil {
		b = append(b, `,"error":`...)
		b = appendError(b, r.Err)
	} else {
		b = append(b, `,"hits":`...)
		b = appendResultHits(b, r, hc)
	}
	return append(b, "}}"...), nil
}

func (w *geojsonWriter) writeRendered(b []byte, n int) error {
	if w.n == 0 && len(b) >= 2 {
		b = b[2:]
	}
	w.n += n
	if err := w.room(len(b)); err != nil {
		return err
	}
	_, err := w.bw.Write(b)
	return err
}

func (w *geojsonWriter) Fail(index int, e *errcode.Error) error {
	return w.Write(&Result{Feature: Feature{Index: index, Err: e}})
}

func (w *geojsonWriter) Close() error {
	if _, err := w.bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return w.Flush()
}
