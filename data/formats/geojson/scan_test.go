package geojson

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	orbgeojson "github.com/paulmach/orb/geojson"
)

// scanSeeds are documents and geometries with what the scanner makes of them:
// read as a whole document by Read (doc), read as a geometry (geom: a
// feature's, or the batch reader's), or left to encoding/json (escapes, folded
// or repeated names, a "crs" or "features" member where Read decodes one,
// short or long positions, null, a leading zero, overflow, bad JSON in another
// member, collections).
var scanSeeds = []struct {
	text      string
	doc, geom bool
}{
	{`{"type":"Point","coordinates":[108.1,34.2]}`, true, true},
	{`{"coordinates":[108.5,34.25,12],"type":"Point"}`, true, true},
	{`{"type":"MultiPoint","coordinates":[[108,34],[109,35]]}`, true, true},
	{`{"type":"LineString","coordinates":[[108,34],[109,35],[110,36]]}`, true, true},
	{`{"type":"MultiLineString","coordinates":[[[108,34],[109,35]],[],[[1,2],[3,4]]]}`, true, true},
	{`{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]],[[108.01,34.01],[108.02,34.01],[108.02,34.02],[108.01,34.01]]]}`, true, true},
	{`{"type":"MultiPolygon","coordinates":[[[[108,34],[108.1,34],[108.1,34.1],[108,34]]],[],[[]]]}`, true, true},
	{` { "type" : "Polygon" , "bbox" : [1, 2, 3, 4] , "coordinates" : [ [ [ 1e1 , -2.5E-3 ] ] ] } `, true, true},
	{`{"type":"Polygon","coordinates":[]}`, true, true},
	{`{"type":"Point","coordinates":[1,2],"properties":{"a":[1,2]},"id":7,"geometry":null}`, true, true},
	{`{"type":"Point","coordinates":[1,2],"crs":{"type":"name","properties":{"name":"EPSG:4490"}}}`, false, true},
	{`{"type":"Point","coordinates":[1,2],"CRS":5}`, false, true},
	{`{"type":"Point","coordinates":[1,2],"features":5}`, false, true},
	{`{"type":"Polygon","coordinates":null}`, false, false},
	{`{"type":"Polygon","Coordinates":[[[1,2]]],"coordinates":[[[3,4]]]}`, false, false},
	{`{"type":"Point","coordinates":[1,2,3,4]}`, false, false},
	{`{"type":"Point","coordinates":[1]}`, false, false},
	{`{"type":"Point","coordinates":[1e400,2]}`, false, false},
	{`{"type":"Point","coordinates":[01,2]}`, false, false},
	{`{"type":"Point","coordinates":[1,2],"x":{"y":[1,,2]}}`, false, false},
	{`{"type":"Point","coordinates":[1,2]} x`, false, false},
	{`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`, false, false},
	{`{"type":"Point","coordinates":[1,2],"type":"Point"}`, false, false},
	{`{"t\u0079pe":"Point","coordinates":[1,2]}`, false, false},
}

// sameAsDecode fails t when the scanner reads b, as a whole document (Read's
// fast path) or as a geometry, but encoding/json reads it differently or not at
// all: Read's own path (decode, decodeGeometry) and orb's decoder, which the
// batch reader falls back to.
func sameAsDecode(t *testing.T, b []byte) (doc, geom bool) {
	t.Helper()
	if g, end, ok := scanGeometry(b, 0, docMember); ok && SkipSpace(b, end) == len(b) {
		doc = true
		c, err := decode(b)
		if err != nil {
			t.Fatalf("scanned the document %q, which decode refuses: %v", b, err)
		}
		if len(c.Features) != 1 || c.CRS != "" || !reflect.DeepEqual(c.Features[0].Geometry, g) {
			t.Fatalf("scanned the document %q as %#v, decode reads %#v (CRS %q)", b, g, c.Features, c.CRS)
		}
	}
	g, end, ok := ScanGeometry(b, 0)
	if !ok {
		return doc, false
	}
	if end > len(b) || end <= 0 {
		t.Fatalf("end %d outside %d bytes: %q", end, len(b), b)
	}
	og, err := orbgeojson.UnmarshalGeometry(b[:end])
	if err != nil {
		t.Fatalf("scanned %q, which orb's decoder refuses: %v", b[:end], err)
	}
	if !reflect.DeepEqual(g, og.Geometry()) {
		t.Fatalf("scanned %q as %#v, orb's decoder reads %#v", b[:end], g, og.Geometry())
	}
	if SkipSpace(b, end) == len(b) {
		geom = true
		var rg rawGeometry
		if err := json.Unmarshal(b, &rg); err != nil {
			t.Fatalf("scanned the geometry %q, which encoding/json refuses: %v", b, err)
		}
		want, err := decodeGeometry(rg, 0)
		if err != nil {
			t.Fatalf("scanned the geometry %q, which decodeGeometry refuses: %v", b, err)
		}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("scanned the geometry %q as %#v, decodeGeometry reads %#v", b, g, want)
		}
	}
	return doc, geom
}

// TestScanSeeds: the scanner reads the plain forms as encoding/json does, and
// leaves the others to it.
func TestScanSeeds(t *testing.T) {
	for _, sd := range scanSeeds {
		doc, geom := sameAsDecode(t, []byte(sd.text))
		if doc != sd.doc || geom != sd.geom {
			t.Errorf("%s: scanned as document %v, as geometry %v; want %v, %v", sd.text, doc, geom, sd.doc, sd.geom)
		}
	}
}

// TestScanPlain: a geometry spelled as scanPlain reads one is the geometry
// the walk over its members reads, to the capacity of every part (each a full
// slice: appending to one never writes into the next), with the same end;
// the seeds and random shapes of every kind, with spaces or three numbers to
// a position now and then, which scanPlain leaves to the walk.
func TestScanPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	num := func() string {
		return strconv.FormatFloat(math.Round((73+rng.Float64()*60)*1e7)/1e7, 'f', -1, 64)
	}
	var arr func(depth int) string
	arr = func(depth int) string {
		if depth == 0 {
			if rng.IntN(50) == 0 {
				return "[" + num() + "," + num() + ",7]"
			}
			return "[" + num() + "," + num() + "]"
		}
		n := rng.IntN(4)
		if depth == 1 {
			n++
		}
		s := "["
		for k := range n {
			if k > 0 {
				s += ","
			}
			s += arr(depth - 1)
		}
		return s + "]"
	}
	var texts []string
	for _, sd := range scanSeeds {
		texts = append(texts, sd.text)
	}
	kinds := []string{"MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
	for range 3000 {
		typ := kinds[rng.IntN(len(kinds))]
		_, depth, _ := geometryKind(typ)
		text := `{"type":"` + typ + `","coordinates":` + arr(depth) + `}`
		if rng.IntN(20) == 0 {
			text = strings.Replace(text, ",", ", ", 1)
		}
		texts = append(texts, text+`}`)
	}
	plain := 0
	for _, text := range texts {
		b := []byte(text)
		g, end, ok := scanPlain(b, 0)
		if !ok {
			continue
		}
		plain++
		want, wantEnd, wantOK := scanMembers(b, 0, nil)
		if !wantOK || end != wantEnd || !reflect.DeepEqual(g, want) || fmt.Sprint(caps(g)) != fmt.Sprint(caps(want)) {
			t.Fatalf("%s: scanPlain %#v (caps %v) end %d, scanMembers %#v (caps %v) end %d %v", b, g, caps(g), end, want, caps(want), wantEnd, wantOK)
		}
		if g2, end2, ok2 := scanGeometry(b, 0, nil); !ok2 || end2 != end || !reflect.DeepEqual(g2, g) {
			t.Fatalf("%s: scanGeometry %#v end %d, scanPlain %#v end %d", b, g2, end2, g, end)
		}
	}
	if plain < len(texts)*3/4 {
		t.Fatalf("test too weak: scanPlain read %d of %d", plain, len(texts))
	}
}

// caps lists the capacities of g's parts, outermost first.
func caps(g orb.Geometry) []int {
	switch g := g.(type) {
	case orb.MultiPoint:
		return []int{cap(g)}
	case orb.LineString:
		return []int{cap(g)}
	case orb.MultiLineString:
		out := []int{cap(g)}
		for _, l := range g {
			out = append(out, cap(l))
		}
		return out
	case orb.Polygon:
		out := []int{cap(g)}
		for _, r := range g {
			out = append(out, cap(r))
		}
		return out
	case orb.MultiPolygon:
		out := []int{cap(g)}
		for _, p := range g {
			out = append(out, caps(p)...)
		}
		return out
	}
	return nil
}

// TestScanNumber: the direct path and strconv's agree, at the edges of the
// direct path too.
func TestScanNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "108.1234567", "-33.5", "9007199254740991", "9007199254740993", "1e22", "1e23",
		"1.5e-22", "123456789012345678", "1234567890123456789", "12345678901234567890", "0.1", "0.30000000000000004",
		"4.35e-7", "1E+2", "2.2250738585072014e-308", "1e-400", "1.7976931348623157e308"} {
		x, end, ok := ScanNumber([]byte(s), 0)
		want, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || end != len(s) || x != want || math.Signbit(x) != math.Signbit(want) || !isNumber([]byte(s)) {
			t.Errorf("ScanNumber(%s) = %v, %d, %v; strconv %v, %v", s, x, end, ok, want, err)
		}
	}
	for _, s := range []string{"", "-", "+1", ".5", "1.", "1e", "1e+", "NaN", "1e400"} {
		if _, end, ok := ScanNumber([]byte(s), 0); ok && end == len(s) {
			t.Errorf("ScanNumber(%q) accepted", s)
		}
	}
}

// FuzzReadScanned: what the scanner reads, as a document or as a geometry,
// encoding/json (Read's path and orb's) reads the same; the scanner never panics.
func FuzzReadScanned(f *testing.F) {
	for _, sd := range scanSeeds {
		f.Add([]byte(sd.text))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsDecode(t, b)
	})
}

// TestReadFeatureScanned: a feature's geometry read by the scanner is the one
// encoding/json reads, with the feature's id and properties.
func TestReadFeatureScanned(t *testing.T) {
	b := []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"n":1},` +
		`"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}}]}`)
	c, err := Read(b)
	if err != nil {
		t.Fatal(err)
	}
	var rg rawGeometry
	json.Unmarshal([]byte(`{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}`), &rg)
	want, _ := decodeGeometry(rg, 0)
	f := c.Features[0]
	if !reflect.DeepEqual(f.Geometry, want) || f.ID != "a" || f.Properties["n"] != 1.0 {
		t.Errorf("read %#v, want geometry %#v, id a, n 1", f, want)
	}
}

func BenchmarkReadPolygon(b *testing.B) {
	doc := []byte(`{"type":"Polygon","coordinates":[[[108.9501234,34.2501234],[108.9511234,34.2501234],[108.9511234,34.2511234],[108.9501234,34.2511234],[108.9501234,34.2501234]]]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePolygon is BenchmarkReadPolygon through encoding/json, for comparison.
func BenchmarkDecodePolygon(b *testing.B) {
	doc := []byte(`{"type":"Polygon","coordinates":[[[108.9501234,34.2501234],[108.9511234,34.2501234],[108.9511234,34.2511234],[108.9501234,34.2511234],[108.9501234,34.2501234]]]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScanNumberMatchesStrconv: numbers of 17 to 19 digits with a fraction (the
// shortest spelling of most float64 coordinates), which scanNumber rounds itself
// when it can be sure, read as the same float64 as strconv.ParseFloat gives, bit
// for bit: random coordinates spelled shortest, random digit strings, and
// decimals within a few units of the last digit of the midpoint between two
// neighbouring float64s, and the midpoints themselves where a decimal spells them
// (the hardest to round).
func TestScanNumberMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	var inputs []string
	for range 300000 {
		x := rng.Float64() * math.Pow(10, float64(rng.IntN(12)-4))
		inputs = append(inputs, strconv.FormatFloat(x, 'g', -1, 64), "-"+strconv.FormatFloat(x, 'f', -1, 64))
		digits := make([]byte, 17+rng.IntN(3))
		for k := range digits {
			digits[k] = byte('0' + rng.IntN(10))
		}
		digits[0] = byte('1' + rng.IntN(9))
		dot := 1 + rng.IntN(len(digits)-1)
		inputs = append(inputs, string(digits[:dot])+"."+string(digits[dot:]))
		// A midpoint between x and the next float64, to 19 significant
		// digits, nudged by a few units of its last.
		y := 1 + rng.Float64()*999
		mid := new(big.Float).SetPrec(200).Add(new(big.Float).SetFloat64(y), new(big.Float).SetFloat64(math.Nextafter(y, 2000)))
		mid.Quo(mid, big.NewFloat(2))
		s := mid.Text('f', 19-len(strconv.Itoa(int(y))))
		last := s[len(s)-1] - '0'
		if d := int(last) + rng.IntN(5) - 2; d >= 0 && d <= 9 {
			s = s[:len(s)-1] + string(byte('0'+d))
		}
		inputs = append(inputs, s)
		// Exact ties: halfway between two float64s one apart (2^52 to 2^53)
		// and two apart (2^53 to 2^54), which round to the even one.
		k := uint64(1)<<52 + rng.Uint64N(1<<52)
		inputs = append(inputs, strconv.FormatUint(k, 10)+".5", strconv.FormatUint(2*k+1, 10)+".0")
	}
	own := 0
	for _, in := range inputs {
		want, err := strconv.ParseFloat(in, 64)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, end, ok := ScanNumber([]byte(in), 0)
		if !ok || end != len(in) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: %v (end %d, ok %v), strconv %v", in, got, end, ok, want)
		}
		n, _ := lexNumber([]byte(in), 0)
		if n.digits <= 19 && !(n.mant < 1<<53 && n.exp-n.frac >= -22 && n.exp-n.frac <= 22) {
			if _, sure := eiselLemire(n.mant, n.exp-n.frac, n.neg); sure {
				own++
			}
		}
	}
	t.Logf("%d numbers, %d rounded by eiselLemire beyond the direct path", len(inputs), own)
	if own < len(inputs)/4 {
		t.Fatalf("test too weak: eiselLemire rounded %d of %d", own, len(inputs))
	}
}

// TestEightDigits: eight bytes read at once give the number a digit at a time
// does, and anything but eight digits is refused.
func TestEightDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 200000 {
		b := []byte(fmt.Sprintf("%08d", rng.IntN(100000000)))
		if rng.IntN(4) == 0 {
			b[rng.IntN(8)] = byte(rng.IntN(256))
		}
		want, ok := uint64(0), true
		for _, c := range b {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			want = want*10 + uint64(c-'0')
		}
		got, gok := eightDigits(b)
		if gok != ok || ok && got != want {
			t.Fatalf("eightDigits(%q) = %d %v, want %d %v", b, got, gok, want, ok)
		}
	}
}

// TestLeadingDigits: the digits eight bytes start with, read at once, are
// the number and the count a digit at a time gives, whatever follows them
// (bytes that borrow or carry in the arithmetic included).
func TestLeadingDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for k := range 400000 {
		b := make([]byte, 8)
		n := k % 9
		for i := range b {
			if i < n {
				b[i] = byte('0' + rng.IntN(10))
			} else {
				b[i] = byte(rng.IntN(256))
			}
		}
		if n < 8 && rng.IntN(2) == 0 {
			const stops = "\x00/:,]\xff\xfa e"
			b[n] = stops[rng.IntN(len(stops))]
		}
		want, wantN := uint64(0), 0
		for _, c := range b {
			if c < '0' || c > '9' {
				break
			}
			want = want*10 + uint64(c-'0')
			wantN++
		}
		got, gotN := leadingDigits(b)
		if got != want || gotN != wantN {
			t.Fatalf("leadingDigits(%q) = %d, %d; want %d, %d", b, got, gotN, want, wantN)
		}
	}
}

// TestIsNumber: the lexer takes RFC 8259 numbers whole and nothing else.
func TestIsNumber(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"0", true}, {"-0", true}, {"108.5", true}, {"-1.5e-3", true}, {"1E+9", true}, {"34", true},
		{"", false}, {"-", false}, {"+1", false}, {"01", false}, {"1.", false}, {".5", false}, {"1e", false},
		{"NaN", false}, {"Infinity", false}, {"-Inf", false}, {"0x1p3", false}, {"1_000", false},
	} {
		if got := isNumber([]byte(tc.in)); got != tc.ok {
			t.Errorf("isNumber(%q) = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

// isNumber reports whether b is a number as RFC 8259 spells it, whole.
func isNumber(b []byte) bool {
	n, ok := lexNumber(b, 0)
	return ok && n.end == len(b)
}
