package zones

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/paulmach/orb"
)

// TestAttributesRoundTrip: every kind of value the readers make comes back
// from the zone table with its type and value (nil and empty maps apart, an
// unknown type through gob), and equal short strings come back as one.
func TestAttributesRoundTrip(t *testing.T) {
	long := strings.Repeat("长", 40) // 120 bytes: above maxShared
	cases := []map[string]any{
		nil,
		{},
		{
			"nil": nil, "t": true, "f": false,
			"int": int(-7), "int64": int64(1 << 60), "float": 3.25, "negzero": math.Copysign(0, -1),
			"inf": math.Inf(1), "s": "水源地", "empty": "", "long": long,
			"bytes": []byte{0, 1, 255}, "strs": []string{"a", "", "一级"},
			"list": []any{1.5, "x", nil, []any{true}, map[string]any{"k": int64(2)}},
			"map":  map[string]any{"inner": map[string]any{"deep": "v"}, "n": 0.0},
			// No tag names these: gob carries them, as before version 5.
			"float32": float32(1.5), "uint8": uint8(200),
		},
	}
	var w tabWriter
	for _, m := range cases {
		if err := w.attrs(m); err != nil {
			t.Fatal(err)
		}
	}
	r := &tabReader{b: w.b}
	for i, want := range cases {
		got := r.attrs()
		if r.err != nil {
			t.Fatalf("case %d: %v", i, r.err)
		}
		if (got == nil) != (want == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: got %#v, want %#v", i, got, want)
		}
		// DeepEqual takes −0 for 0: the sign is the bits'.
		if z, ok := got["negzero"].(float64); ok && !math.Signbit(z) {
			t.Errorf("case %d: −0 read back as %v", i, z)
		}
	}
	if r.off != len(w.b) {
		t.Errorf("read %d of %d bytes", r.off, len(w.b))
	}

	// Two zones' equal values and keys share their bytes.
	var w2 tabWriter
	for range 2 {
		if err := w2.attrs(map[string]any{"级别": "一级", "long": long}); err != nil {
			t.Fatal(err)
		}
	}
	r = sharingReader(w2.b)
	a, b := r.attrs(), r.attrs()
	if r.err != nil {
		t.Fatal(r.err)
	}
	data := func(v any) *byte { return unsafe.StringData(v.(string)) }
	if data(a["级别"]) != data(b["级别"]) {
		t.Error("the two zones' value 一级 are two strings, want one")
	}
	for k := range a {
		for k2 := range b {
			if k == k2 && unsafe.StringData(k) != unsafe.StringData(k2) {
				t.Errorf("key %q: two strings, want one", k)
			}
		}
	}
	if data(a["long"]) == data(b["long"]) {
		t.Error("a value above maxShared was shared; want a copy each")
	}
}

// TestTableReaderTruncated: every prefix of a zone table, and a table with a
// byte changed anywhere, reads as an error or as values, never a panic; a
// count larger than the bytes left, an unknown tag and nesting beyond
// maxAttrDepth are errors.
func TestTableReaderTruncated(t *testing.T) {
	var w tabWriter
	z := &Zone{ID: "a", Name: "名", Class: "water", Attributes: map[string]any{"k": []any{1.0, "v", map[string]any{"x": true}}},
		Clauses: &Clauses{SpatialLayout: "禁止"}, Park: &Park{PlanningEIA: "陕环批复", Industries: []string{"C25"}}}
	s := shapeOf(z.Geometry)
	if err := writeZone(&w, z, &s); err != nil {
		t.Fatal(err)
	}
	full := w.b
	r := &tabReader{b: full}
	rec := readZone(r)
	if r.err != nil || r.off != len(full) {
		t.Fatalf("whole record: %v, read %d of %d", r.err, r.off, len(full))
	}
	if got := rec.zone; got.ID != z.ID || got.Name != z.Name || !reflect.DeepEqual(got.Attrs(), z.Attributes) ||
		*got.Clauses != *z.Clauses || !reflect.DeepEqual(got.Park, z.Park) {
		t.Errorf("read back %+v, want %+v", got, z)
	}
	for n := range len(full) {
		r := &tabReader{b: full[:n]}
		readZone(r)
		if r.err == nil {
			t.Errorf("%d of %d bytes read without an error", n, len(full))
		}
	}
	for i := range full {
		b := bytes.Clone(full)
		b[i] ^= 0xff
		r := &tabReader{b: b} // an error or other values; not a panic
		if rec := readZone(r); r.err == nil {
			rec.zone.Attrs()
		}
	}

	for name, b := range map[string][]byte{
		"count":   {tagMap, 200, 1},
		"tag":     {tagMap, 1, 1, 'k', 99},
		"nesting": append(append([]byte{tagMap, 1, 1, 'k'}, bytes.Repeat([]byte{tagList, 1}, maxAttrDepth+2)...), tagNil),
	} {
		r := &tabReader{b: b}
		r.attrs()
		if r.err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
	// A count is held to the bytes after it: two items in one byte are
	// refused before any is read (or a list made for them).
	r = &tabReader{b: []byte{tagMap, 1, 1, 'k', tagList, 2, tagNil}}
	r.attrs()
	if r.err == nil || !strings.Contains(r.err.Error(), "count 2 above the 1 bytes left") {
		t.Errorf("a list of 2 in 1 byte: %v", r.err)
	}
}

// FuzzSnapshotTables: no bytes make the zone or piece reader panic, and
// attributes that read back write again as the same bytes, twice over.
func FuzzSnapshotTables(f *testing.F) {
	var w tabWriter
	if err := w.attrs(map[string]any{"k": []any{1.0, "v", nil}, "n": int64(3), "m": map[string]any{"b": true}, "s": []string{"一级"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(w.b)
	z := &Zone{ID: "a", Name: "名", Attributes: map[string]any{"x": 1}, Park: &Park{Industries: []string{"C"}}}
	s := shapeOf(z.Geometry)
	var zw tabWriter
	if err := writeZone(&zw, z, &s); err != nil {
		f.Fatal(err)
	}
	f.Add(zw.b)
	f.Fuzz(func(t *testing.T, b []byte) {
		readZone(&tabReader{b: b}).zone.Attrs() // read later, from the bytes checked
		readPiece(&tabReader{b: b})
		r := &tabReader{b: b}
		m := r.attrs()
		// The check at start (skipAttrs) passes what attrs reads, to the
		// same byte, and fails what it fails (but gob's values: needGob).
		walk := &tabReader{b: b}
		if needGob := walk.skipAttrs(); !needGob && ((walk.err == nil) != (r.err == nil) || walk.off != r.off) {
			t.Fatalf("attrs: %v at byte %d; skipAttrs: %v at byte %d", r.err, r.off, walk.err, walk.off)
		}
		if r.err != nil {
			return
		}
		var w1, w2 tabWriter
		if err := w1.attrs(m); err != nil {
			t.Fatalf("%#v read, not written: %v", m, err)
		}
		r2 := &tabReader{b: w1.b}
		m2 := r2.attrs()
		if r2.err != nil || r2.off != len(w1.b) {
			t.Fatalf("written %x, read back with %v at byte %d", w1.b, r2.err, r2.off)
		}
		if err := w2.attrs(m2); err != nil || !bytes.Equal(w1.b, w2.b) {
			t.Fatalf("written %x, then %x (%v)", w1.b, w2.b, err)
		}
	})
}

// TestAttrsLazy: a zone read from a snapshot has its attributes made on first
// use, not at start (but gob's, which only decoding checks); every call, from
// any goroutine, gets the one map; a zone a loader made answers its own.
func TestAttrsLazy(t *testing.T) {
	sq := func(x float64) orb.Polygon {
		return orb.Polygon{{{x, 34}, {x + 0.01, 34}, {x + 0.01, 34.01}, {x, 34.01}, {x, 34}}}
	}
	want := []map[string]any{
		{"级别": "一级", "n": int64(3), "list": []any{1.5, "x"}},
		nil,
		{},
		{"f32": float32(2.5)}, // gob's
	}
	l := &Layer{ID: "w", Kind: KindWaterSource}
	for i, a := range want {
		l.Zones = append(l.Zones, &Zone{ID: fmt.Sprint(i), Class: "level1", Attributes: a, Geometry: sq(108 + float64(i)/10), Layer: l})
	}
	if got := l.Zones[0].Attrs(); !reflect.DeepEqual(got, want[0]) {
		t.Fatalf("a loader's zone: %v, want its Attributes", got)
	}
	idx, err := NewIndex(&Dataset{Layers: []*Layer{l}}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := EncodeSnapshot(&snap, idx); err != nil {
		t.Fatal(err)
	}
	reread, err := DecodeSnapshot(snap.Bytes(), &Dataset{})
	if err != nil {
		t.Fatal(err)
	}
	zs := reread.Dataset().Layers[0].Zones
	for i, z := range zs {
		if eager := i == 3; (z.Attributes != nil) != eager || (z.attrs.Load() != nil) {
			t.Errorf("zone %d: made at start %v (%v), want %v", i, z.Attributes != nil, z.attrs.Load(), eager)
		}
	}
	for i, z := range zs {
		var wg sync.WaitGroup
		got := make([]map[string]any, 8)
		for k := range got {
			wg.Go(func() { got[k] = z.Attrs() })
		}
		wg.Wait()
		if (got[0] == nil) != (want[i] == nil) || !reflect.DeepEqual(got[0], want[i]) {
			t.Errorf("zone %d: %#v, want %#v", i, got[0], want[i])
		}
		for k := range got {
			if reflect.ValueOf(got[k]).UnsafePointer() != reflect.ValueOf(got[0]).UnsafePointer() {
				t.Errorf("zone %d: call %d got another map", i, k)
			}
		}
	}
}
