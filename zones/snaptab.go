package zones

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"math"
	"slices"
)

// The snapshot's zone and piece tables (version 5). Until version 4 the gob
// header held every zone (its names, attributes, clauses, sizes and box) and
// every piece: gob read the whole header into a copy, decoded each
// attribute map by reflection, and sent each value's type by name. At 200,000
// small zones that header was 67 MB and took 1.6–2.1 s of a 2.2–2.9 s open.
// The tables are plain bytes instead, written and read in one pass by the
// code below: lengths and counts as uvarints, floats as 8 little-endian
// bytes, attribute values behind a one-byte tag. The decoder shares equal
// attribute keys and short string values between zones (one string each).

// Attribute value tags.
const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt     // int, as a varint
	tagInt64   // int64, as a varint
	tagFloat64 // 8 bytes
	tagString
	tagList    // []any: a count, then the values
	tagMap     // map[string]any: a count, then key and value pairs, keys sorted
	tagBytes   // []byte
	tagStrings // []string
	tagGob     // any other type: its gob encoding (as gob sent it before version 5)
)

// maxAttrDepth bounds the nesting of lists and maps a decoder follows.
const maxAttrDepth = 64

// tabWriter appends a table's bytes.
type tabWriter struct{ b []byte }

func (w *tabWriter) uvarint(v int) { w.b = binary.AppendUvarint(w.b, uint64(v)) }
func (w *tabWriter) f64(v float64) { w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v)) }
func (w *tabWriter) str(s string)  { w.uvarint(len(s)); w.b = append(w.b, s...) }

// strs writes a count and the strings.
func (w *tabWriter) strs(ss []string) {
	w.uvarint(len(ss))
	for _, s := range ss {
		w.str(s)
	}
}
func (w *tabWriter) bound(b [4]float64) {
	for _, v := range b {
		w.f64(v)
	}
}

func (w *tabWriter) flag(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// attrs writes an attribute map; nil and empty stay apart.
func (w *tabWriter) attrs(m map[string]any) error {
	if m == nil {
		w.b = append(w.b, tagNil)
		return nil
	}
	return w.value(m)
}

// value writes one attribute value behind its tag.
func (w *tabWriter) value(v any) error {
	switch v := v.(type) {
	case nil:
		w.b = append(w.b, tagNil)
	case bool:
		if v {
			w.b = append(w.b, tagTrue)
		} else {
			w.b = append(w.b, tagFalse)
		}
	case int:
		w.b = append(w.b, tagInt)
		w.b = binary.AppendVarint(w.b, int64(v))
	case int64:
		w.b = append(w.b, tagInt64)
		w.b = binary.AppendVarint(w.b, v)
	case float64:
		w.b = append(w.b, tagFloat64)
		w.f64(v)
	case string:
		w.b = append(w.b, tagString)
		w.str(v)
	case []byte:
		w.b = append(w.b, tagBytes)
		w.str(string(v))
	case []string:
		w.b = append(w.b, tagStrings)
		w.strs(v)
	case []any:
		w.b = append(w.b, tagList)
		w.uvarint(len(v))
		for _, e := range v {
			if err := w.value(e); err != nil {
				return err
			}
		}
	case map[string]any:
		w.b = append(w.b, tagMap)
		w.uvarint(len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			w.str(k)
			if err := w.value(v[k]); err != nil {
				return err
			}
		}
	default:
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(&gobValue{V: v}); err != nil {
			return fmt.Errorf("attribute value of type %T: %w", v, err)
		}
		w.b = append(w.b, tagGob)
		w.str(b.String())
	}
	return nil
}

// gobValue carries an attribute value of a type the tags do not name.
type gobValue struct{ V any }

// tabReader reads a table; the first error sticks, and every read after it
// gives zero values.
type tabReader struct {
	b   []byte
	off int
	err error
	// cache shares equal keys and short values between zones (shared).
	cache *[sharedSlots]string
	seed  maphash.Seed
	// walk: the attribute readers check what they pass over and make nothing
	// (skipAttrs); needGob then says that a value is gob's, which only its
	// decoding checks.
	walk, needGob bool
}

// sharingReader is a reader of b whose shared strings are shared
// (tabReader.shared); a tabReader made otherwise copies each.
func sharingReader(b []byte) *tabReader {
	return &tabReader{b: b, cache: new([sharedSlots]string), seed: maphash.MakeSeed()}
}

func (r *tabReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("table byte %d: %s", r.off, fmt.Sprintf(format, args...))
	}
}

func (r *tabReader) uvarint() uint64 { return readVarint(r, binary.Uvarint, "uvarint") }
func (r *tabReader) varint() int64   { return readVarint(r, binary.Varint, "varint") }

// readVarint reads a number with dec (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](r *tabReader, dec func([]byte) (T, int), what string) T {
	if r.err != nil {
		return 0
	}
	v, n := dec(r.b[r.off:])
	if n <= 0 {
		r.fail("bad %s", what)
		return 0
	}
	r.off += n
	return v
}

// count reads a non-negative count of at most limit.
func (r *tabReader) count(limit int) int {
	v := r.uvarint()
	if v > uint64(limit) {
		r.fail("count %d above %d", v, limit)
		return 0
	}
	return int(v)
}

// items reads the count of a list whose every item takes a byte at least: at
// most the bytes left after the count.
func (r *tabReader) items() int {
	v := r.uvarint()
	if left := len(r.b) - r.off; v > uint64(left) {
		r.fail("count %d above the %d bytes left", v, left)
		return 0
	}
	return int(v)
}

// int32 reads a uvarint that fits an int32.
func (r *tabReader) int32() int32 { return int32(r.count(math.MaxInt32)) }

func (r *tabReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.fail("ends early")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *tabReader) flag() bool { return r.byte() != 0 }

func (r *tabReader) f64() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b)-r.off < 8 {
		r.fail("ends early")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return v
}

func (r *tabReader) bound() (b [4]float64) {
	for i := range b {
		b[i] = r.f64()
	}
	return b
}

// raw reads a length and that many bytes, in place.
func (r *tabReader) raw() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.fail("%d bytes of %d left", n, len(r.b)-r.off)
		return nil
	}
	b := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return b
}

// str reads a string (a copy).
func (r *tabReader) str() string { return string(r.raw()) }

// shared reads a string; with a cache (sharingReader), a short one equal to
// one read recently is that string (attribute keys, classes, the values many
// zones share), through a small direct-mapped cache: a map of every value read
// would hold each zone's unique names too, and cost more to grow than it saves.
func (r *tabReader) shared() string {
	b := r.raw()
	if len(b) > maxShared || r.cache == nil {
		return string(b)
	}
	slot := &r.cache[maphash.Bytes(r.seed, b)%sharedSlots]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

// strings reads what tabWriter.strs wrote (an empty list, not nil, for none).
func (r *tabReader) strings() []string {
	out := make([]string, r.items())
	for i := range out {
		out[i] = r.shared()
	}
	return out
}

// maxShared and sharedSlots size tabReader.shared's cache.
const (
	maxShared   = 64
	sharedSlots = 1024
)

// skipAttrs passes over what tabWriter.attrs wrote, checking it as attrs
// does but making nothing; it says whether a value is gob's, which only
// decoding it checks.
func (r *tabReader) skipAttrs() (needGob bool) {
	r.walk, r.needGob = true, false
	r.attrs()
	r.walk = false
	return r.needGob
}

// attrs reads what tabWriter.attrs wrote.
func (r *tabReader) attrs() map[string]any {
	if r.err != nil {
		return nil
	}
	switch tag := r.byte(); tag {
	case tagNil:
		return nil
	case tagMap:
		return r.mapValue(0)
	default:
		r.fail("attributes of tag %d", tag)
		return nil
	}
}

func (r *tabReader) mapValue(depth int) map[string]any {
	n := r.items()
	if r.walk {
		for range n {
			r.raw()
			r.value(depth + 1)
		}
		return nil
	}
	m := make(map[string]any, n)
	for range n {
		if r.err != nil {
			return nil
		}
		k := r.shared()
		m[k] = r.value(depth + 1)
	}
	return m
}

// value reads one tagged attribute value.
func (r *tabReader) value(depth int) any {
	if depth > maxAttrDepth {
		r.fail("attribute values nested deeper than %d", maxAttrDepth)
		return nil
	}
	tag := r.byte()
	if r.walk {
		r.skip(tag, depth)
		return nil
	}
	switch tag {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		v := r.varint()
		if v != int64(int(v)) {
			r.fail("int %d out of range", v)
		}
		return int(v)
	case tagInt64:
		return r.varint()
	case tagFloat64:
		return r.f64()
	case tagString:
		return r.shared()
	case tagBytes:
		return bytes.Clone(r.raw())
	case tagStrings:
		return r.strings()
	case tagList:
		n := r.items()
		out := make([]any, n)
		for i := range out {
			out[i] = r.value(depth + 1)
		}
		return out
	case tagMap:
		return r.mapValue(depth)
	case tagGob:
		var g gobValue
		if err := gob.NewDecoder(bytes.NewReader(r.raw())).Decode(&g); err != nil && r.err == nil {
			r.fail("attribute value: %v", err)
		}
		return g.V
	default:
		r.fail("attribute value of tag %d", tag)
		return nil
	}
}

// skip passes over a value of tag, checking what value checks (but a gob
// value's encoding: needGob).
func (r *tabReader) skip(tag byte, depth int) {
	switch tag {
	case tagNil, tagFalse, tagTrue:
	case tagInt:
		if v := r.varint(); v != int64(int(v)) {
			r.fail("int %d out of range", v)
		}
	case tagInt64:
		r.varint()
	case tagFloat64:
		r.f64()
	case tagString, tagBytes:
		r.raw()
	case tagStrings:
		for range r.items() {
			r.raw()
		}
	case tagList:
		for range r.items() {
			r.value(depth + 1)
		}
	case tagMap:
		r.mapValue(depth)
	case tagGob:
		r.raw()
		r.needGob = true
	default:
		r.fail("attribute value of tag %d", tag)
	}
}

// errTable is a table that does not end where its records do.
var errTable = errors.New("bytes left after the last record")
