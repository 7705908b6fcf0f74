package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/zones"
)

// referenceCheck is checkJSONText as it was, in two passes of its own.
func referenceCheck(b []byte) error {
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.UndecodableText, map[string]any{"line": line, "offset": off},
			"JSON text is not UTF-8 (line %d, byte %d): save the file as UTF-8", line, off)
	}
	if key, off, ok := duplicateKey(b); ok {
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.BadRequest, map[string]any{"line": line, "offset": off, "field": key},
			"JSON object has the member %q twice (line %d, byte %d): give each member once", key, line, off)
	}
	return nil
}

// positionsOf counts b's positions with LimitPositions' reader.
func positionsOf(b []byte) int {
	p := &positionLimit{r: bytes.NewReader(b)}
	io.Copy(io.Discard, p)
	return p.n
}

// sameAsBefore fails t when the one pass over b learns other than the passes
// it replaces: encoding/json's validity and map of members, utf8.Valid and
// duplicateKey's errors, LimitPositions' count — fed whole or a byte at a time.
func sameAsBefore(t *testing.T, b []byte) {
	t.Helper()
	sc := scanJSON(b)
	if !bytes.HasPrefix(b, []byte(bom)) {
		if valid := json.Valid(b); valid == sc.invalid {
			t.Fatalf("%q: well-formed %v, encoding/json says %v", b, !sc.invalid, valid)
		}
	}
	if got, want := fmt.Sprint(sc.textError()), fmt.Sprint(referenceCheck(b[sc.base:])); got != want && sc.base == 0 {
		t.Fatalf("%q: text error %s, want %s", b, got, want)
	}
	if got, want := sc.pc.n, positionsOf(b); got != want {
		t.Fatalf("%q: %d positions, LimitPositions counts %d", b, got, want)
	}
	// Members are only used of a UTF-8 text without a member given twice.
	if m, ok := sc.object(); ok && !sc.dupFound && sc.badUTF8 < 0 {
		var want map[string]json.RawMessage
		if err := json.Unmarshal(b[sc.base:], &want); err != nil {
			t.Fatalf("%q: members read from a text encoding/json refuses: %v", b, err)
		}
		for _, mb := range m.members {
			if _, ok := want[mb.name]; !ok {
				t.Fatalf("%q: members %v, encoding/json %q", b, m.members, want)
			}
		}
		for k, v := range want {
			if !m.has(k) || !bytes.Equal(m.get(k), v) {
				t.Fatalf("%q: member %q is %q, encoding/json %q", b, k, m.get(k), v)
			}
		}
	}
	// A byte at a time, and in reads of one size with the length unknown, told
	// right, or told wrong either way (the buffer is grown, or left part empty).
	for _, read := range []struct {
		r    io.Reader
		size int64
	}{
		{iotest.OneByteReader(bytes.NewReader(b)), -1},
		{iotest.HalfReader(bytes.NewReader(b)), int64(len(b))},
		{bytes.NewReader(b), int64(len(b) / 2)},
		{bytes.NewReader(b), int64(2*len(b) + 3)},
	} {
		s, err := ReadJSONBody(read.r, 0, read.size)
		if err != nil {
			t.Fatal(err)
		}
		st := s.text
		if !bytes.Equal(s.Bytes(), b) || st.invalid != sc.invalid || st.badUTF8 != sc.badUTF8 || st.pc.n != sc.pc.n || st.dupFound != sc.dupFound ||
			st.dupKey != sc.dupKey || st.dupOff != sc.dupOff || st.base != sc.base || !reflect.DeepEqual(st.members, sc.members) {
			t.Fatalf("%q: read in parts (size %d) %+v, whole %+v", b, read.size, st, sc)
		}
		s.Release() // the next read's scan is likely this one, reused
	}
}

var textSeeds = []string{
	`{"project":{"industry":"C2511"},"footprint":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]},"buffer_m":500,"strict":true}`,
	"\xef\xbb\xbf \n{\"a\":1}\n ",
	`{"a":1,"a":2}`, `{"\u0061":1,"a":2}`, `{"a\/b":1,"a/b":2}`, `{"x":{"c":1,"c":2}}`, `{"\ud800":1,"b":1,"b":2}`,
	`{"a":1 "b":2,"a":3}`, `{"a":1,"b`, `[1,2,[3,4]]`, `-0.5e+10`, `"x"`, `{"a":tru}`, `{"a":01}`, `{"a":1.}`,
	"{\"n\":\"\xb9\xa4\"}", "{\"n\":\"\xe0\x80\"}", "{\"n\":\"\xed\xa0\x80\"}", "{\"n\":\"\xf4\x90\x80\x80\"}", "{\"n\":\"\xe4\xb8\"",
	"{\"a\":\"\t\"}", `{"a":"\x"}`, `{"a":"\u12G4"}`, `{} {}`, `{}x`, ` `, ``, `{"a":[[ 1, 2],[+3,.4]]}`,
	`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"厂区"},"geometry":{"type":"Point","coordinates":[108.1,34.2]}}]}`,
}

// FuzzJSONText: the one pass over a check body learns what the passes it
// replaces learnt, whole or fed a byte at a time.
func FuzzJSONText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return // a byte at a time is slow; the grammar does not need more
		}
		sameAsBefore(t, b)
	})
}

func TestJSONTextSeeds(t *testing.T) {
	for _, s := range textSeeds {
		sameAsBefore(t, []byte(s))
	}
	sameAsBefore(t, []byte(manyMembers(100, "m17")))
	sameAsBefore(t, []byte(manyMembers(100, "")))
}

// TestJSONTextSharedData: the JSON files of ../shared/data, each as a body.
func TestJSONTextSharedData(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "*.geojson"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "oracle", "*.json*"))
	files = append(files, more...)
	if len(files) == 0 {
		testenv.Missing(t, "../shared/data has no JSON files: the one pass cannot be held to the old passes on real data")
		return
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := scanJSON(b)
		if sc.invalid || sc.textError() != nil || referenceCheck(b) != nil || sc.pc.n != positionsOf(b) {
			t.Errorf("%s: invalid %v, %v / %v, %d positions against %d", p, sc.invalid, sc.textError(), referenceCheck(b), sc.pc.n, positionsOf(b))
		}
		m, ok := sc.object()
		var want map[string]json.RawMessage
		if !ok || json.Unmarshal(b, &want) != nil || len(m.members) != len(want) {
			t.Errorf("%s: members %d, encoding/json %d", p, len(m.members), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(m.get(k), v) {
				t.Errorf("%s: member %q differs", p, k)
			}
		}
	}
}

// BenchmarkEnvelopeText: what the check path learns of an envelope before
// reading its footprint (a 20,000-vertex polygon): "passes" as it was
// (LimitPositions, utf8.Valid, duplicateKey, encoding/json into a map), "one"
// as it is (ReadJSONBody).
func BenchmarkEnvelopeText(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"project":{"name":"厂区","industry":"C2511"},"buffer_m":500,"footprint":{"type":"Feature","properties":{"name":"一期"},"geometry":{"type":"Polygon","coordinates":[[`)
	for i := range 20000 {
		fmt.Fprintf(&sb, "[%.7f,%.7f],", 108+float64(i%200)/1000, 34+float64(i/200)/1000)
	}
	sb.WriteString("[108,34]]]}}}")
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	b.Run("passes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t, err := io.ReadAll(LimitPositions(bytes.NewReader(doc), 1e6))
			if err != nil || referenceCheck(t) != nil {
				b.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(t, &m); err != nil || len(m) != 3 {
				b.Fatal(err)
			}
		}
	})
	b.Run("one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := ReadJSONBody(bytes.NewReader(doc), 1e6, int64(len(doc)))
			if err != nil {
				b.Fatal(err)
			}
			if m, ok := s.text.object(); !ok || s.text.textError() != nil || len(m.members) != 3 {
				b.Fatal("not an envelope")
			}
		}
	})
}

// TestScannedRelease: a check read from a scanned body keeps its input and
// footprint once the scan is released and reused for another body.
func TestScannedRelease(t *testing.T) {
	read := func(body string) *Check {
		s, err := ReadJSONBody(strings.NewReader(body), 0, int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := ReadScanned(s, "", nil)
		s.Release()
		s.Release() // twice is harmless
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := read(`{"project":{"industry":"C2511"},"footprint":{"type":"Point","coordinates":[108.3,33.7]},"buffer_m":500}`)
	for range 3 {
		b := read(`{"footprint":{"type":"LineString","coordinates":[[108,34],[108.1,34.1]]},"strict":true,"project":{"type":"mining"}}`)
		if string(b.Input) != `{"type":"LineString","coordinates":[[108,34],[108.1,34.1]]}` || !b.Options.Strict || b.Project.Type != "mining" {
			t.Fatalf("second check %+v", b)
		}
	}
	if string(a.Input) != `{"type":"Point","coordinates":[108.3,33.7]}` || a.Project.Industry != "C2511" ||
		a.Options.Buffer != zones.BufferOf(500) || a.Footprint.Geometry != (orb.Point{108.3, 33.7}) {
		t.Errorf("first check changed: %+v", a)
	}
}
