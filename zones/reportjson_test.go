package zones

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// reference is what encoding/json writes for r: the bytes AppendJSON must match.
func reference(t *testing.T, r *Report, html bool) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// TestAppendJSON fills every field of thousands of reports at random (nil, empty
// and full slices, maps and pointers; strings with escapes, HTML, invalid UTF-8,
// U+2028; floats at encoding/json's exponent cut-offs) and compares AppendJSON
// with encoding/json, with and without HTML escaping.
func TestAppendJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 5))
	f := filler{rng: rng}
	for i := range 4000 {
		var r Report
		f.fill(reflect.ValueOf(&r).Elem(), 0)
		for _, html := range []bool{false, true} {
			want, err := reference(t, &r, html)
			if err != nil {
				t.Fatalf("report %d: encoding/json: %v", i, err)
			}
			got, err := r.AppendJSON([]byte("prefix"), html)
			if err != nil {
				t.Fatalf("report %d html=%v: %v", i, html, err)
			}
			if !bytes.HasPrefix(got, []byte("prefix")) {
				t.Fatalf("report %d: AppendJSON lost what it was appending to", i)
			}
			if got = got[len("prefix"):]; !bytes.Equal(got, want) {
				t.Fatalf("report %d html=%v differs from encoding/json at byte %d:\n got %s\nwant %s",
					i, html, firstDiff(got, want), got, want)
			}
		}
	}
}

// TestAppendJSONFails: what encoding/json refuses, AppendJSON refuses too.
func TestAppendJSONFails(t *testing.T) {
	cases := map[string]func(r *Report){
		"NaN buffer":        func(r *Report) { r.BufferM = math.NaN() },
		"infinite area":     func(r *Report) { r.Footprint.AreaM2 = math.Inf(1) },
		"NaN attribute":     func(r *Report) { r.Intersections[0].Attributes["x"] = math.NaN() },
		"year 10000":        func(r *Report) { r.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"negative year":     func(r *Report) { r.CreatedAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zone offset 24h":   func(r *Report) { r.CreatedAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 24*3600)) },
		"unencodable value": func(r *Report) { r.Intersections[0].Attributes["x"] = make(chan int) },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			r := &Report{CreatedAt: time.Now(), Intersections: []Intersection{{Attributes: map[string]any{}}}}
			spoil(r)
			if _, err := reference(t, r, false); err == nil {
				t.Fatal("encoding/json accepts it: the case tests nothing")
			}
			if b, err := r.AppendJSON(nil, false); err == nil {
				t.Fatalf("AppendJSON wrote %s without an error", b)
			}
		})
	}
}

// sameAsEncoded fails the test unless AppendJSON writes r as encoding/json
// does, with and without HTML escaped.
func sameAsEncoded(t *testing.T, r *Report, what string) {
	t.Helper()
	for _, html := range []bool{false, true} {
		want, err := reference(t, r, html)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.AppendJSON(nil, html)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s, html=%v: differs from encoding/json at byte %d (%v):\n got %s\nwant %s", what, html, firstDiff(got, want), err, got, want)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// filler sets values at random, with the edge cases of JSON encoding weighted in.
type filler struct {
	rng *rand.Rand
	// noHTML keeps <, > and & out of the strings.
	noHTML bool
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	geometryType = reflect.TypeFor[*geojson.Geometry]()
	anyMapType   = reflect.TypeFor[map[string]any]()
)

var tricky = []string{
	"", "a", "HH-7", "生态保护红线", "<script>&amp;</script>", "a\u2028b\u2029c", "\x00\x01\x1f", "\t\n\r\b\f",
	`"quoted" \back\slash/`, "\x7f", "é", "😀 emoji", "\xff\xfe", "bad \xe4\xb8 cut", "\xed\xa0\x80 surrogate",
	"\xe0\x80\x80 overlong", "\xef\xbf\xbd replacement", "\xe2\x80\xa7 just below", "\xc3", "（两高）须符合；不符合要求的依法不予审批。",
	"\xf0\x9f\x98", "\xe2\x82\xac€", "mixed 中<文>&\u2028", "\u00a0nbsp",
}

var trickyFloats = []float64{0, math.Copysign(0, -1), 1, -1, 1e-7, 1e-6, 9.99999e-7, 1e21, 9.99999e20, 1e20,
	123.456, 0.1, 605801.724, 5e-324, math.MaxFloat64, -2.5e-8, 1e-9, 0.428323369, 1e100, -1e21}

func (f *filler) str() string {
	s := f.anyStr()
	if f.noHTML {
		s = strings.NewReplacer("<", "(", ">", ")", "&", "+").Replace(s)
	}
	return s
}

func (f *filler) anyStr() string {
	if f.rng.IntN(4) == 0 {
		b := make([]byte, f.rng.IntN(12))
		for i := range b {
			b[i] = byte(f.rng.IntN(256))
		}
		return string(b)
	}
	return tricky[f.rng.IntN(len(tricky))]
}

func (f *filler) float() float64 {
	if f.rng.IntN(2) == 0 {
		return trickyFloats[f.rng.IntN(len(trickyFloats))]
	}
	return (f.rng.Float64() - 0.5) * math.Pow(10, float64(f.rng.IntN(40)-20))
}

func (f *filler) value(depth int) any {
	switch f.rng.IntN(10) {
	case 0:
		return nil
	case 1:
		return f.rng.IntN(2) == 0
	case 2:
		return f.rng.IntN(2000) - 1000
	case 3:
		return int64(f.rng.Uint64())
	case 4, 5:
		return f.float()
	case 6:
		if depth < 2 {
			return []any{f.value(depth + 1), f.str()}
		}
	case 7:
		if depth < 2 {
			return map[string]any{f.str(): f.value(depth + 1), "k": f.str()}
		}
	case 8:
		return json.Number("12.50")
	}
	return f.str()
}

func (f *filler) fill(v reflect.Value, depth int) {
	switch {
	case v.Type() == timeType:
		zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("odd", -(5*3600 + 30*60 + 17))}
		v.Set(reflect.ValueOf(time.Unix(f.rng.Int64N(1<<34)-1<<33, f.rng.Int64N(1e9)).In(zones[f.rng.IntN(len(zones))])))
		return
	case v.Type() == geometryType:
		if f.rng.IntN(2) == 0 {
			g := orb.Polygon{{{108.1, 34.2}, {108.2, 34.2}, {108.2, 34.3 + f.rng.Float64()}, {108.1, 34.2}}}
			v.Set(reflect.ValueOf(geojson.NewGeometry(g)))
		}
		return
	case v.Type() == anyMapType:
		switch f.rng.IntN(4) {
		case 0: // nil
		case 1:
			v.Set(reflect.ValueOf(map[string]any{}))
		default:
			m := map[string]any{}
			for range f.rng.IntN(20) {
				m[f.str()] = f.value(0)
			}
			v.Set(reflect.ValueOf(m))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.str())
	case reflect.Float64:
		v.SetFloat(f.float())
	case reflect.Int:
		if f.rng.IntN(3) > 0 {
			v.SetInt(int64(f.rng.IntN(100000) - 50000))
		}
	case reflect.Bool:
		v.SetBool(f.rng.IntN(2) == 0)
	case reflect.Pointer:
		if depth < 4 && f.rng.IntN(3) > 0 {
			p := reflect.New(v.Type().Elem())
			f.fill(p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.Slice:
		switch n := f.rng.IntN(5); {
		case n == 0: // nil
		case depth >= 4 || n == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				f.fill(s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() || strings.HasPrefix(sf.Tag.Get("json"), "-") {
				continue
			}
			f.fill(v.Field(i), depth+1)
		}
	case reflect.Interface:
		// orb.Geometry and *Zone fields are not in JSON (skipped above).
	default:
		panic("filler: no case for " + v.Type().String())
	}
}

// TestAppendJSONQuotedRules: a hit's text and source, quoted once for the rule
// set, are written as encoding/json writes them, with and without HTML escaped;
// a hit whose text or source was changed after it fired is quoted afresh.
func TestAppendJSONQuotedRules(t *testing.T) {
	var rules []Rule
	for i, s := range tricky {
		src := tricky[(i+5)%len(tricky)]
		if strings.TrimSpace(s) == "" || strings.TrimSpace(src) == "" {
			continue
		}
		rules = append(rules, Rule{ID: fmt.Sprintf("q.%d", i), Kind: KindProject, Verdict: Prohibited, Text: s, Source: src})
	}
	rs, err := NewRuleSet(rules)
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	Evaluate(&r, Project{}, rs, nil)
	if len(r.ProjectRules) != len(rules) || r.Governing == nil {
		t.Fatalf("%d project hits of %d rules, governing %v", len(r.ProjectRules), len(rules), r.Governing)
	}
	check := func(what string) { t.Helper(); sameAsEncoded(t, &r, what) }
	check("as fired")
	// Each project hit's note is written from the rule set's quoted one, up
	// to the report's room for them (the notes past it, written afresh, are
	// checked above too).
	quoted := 0
	for i, note := range r.Notes {
		if i < len(r.notesQuoted) {
			if q := r.notesQuoted[i]; q != nil && q.note == note {
				quoted++
			}
		}
	}
	if want := min(len(rules), len(r.notesQuoted)); quoted != want || len(rules) <= len(r.notesQuoted) {
		t.Fatalf("%d of %d project notes quoted once for the set (want %d, and more notes than room)", quoted, len(rules), want)
	}
	// A copy evaluated again (as verdictIf does) leaves the original's notes
	// as they were written.
	cp := r
	cp.Notes, cp.ProjectRules = []string{"first"}, nil
	Evaluate(&cp, Project{}, rs, nil)
	check("after a copy's evaluation")
	if cp.Notes[0] != "first" || len(cp.Notes) != len(r.Notes)+1 {
		t.Fatalf("the copy's notes: %q", cp.Notes)
	}
	sameAsEncoded(t, &cp, "a copy with a note of its own first")
	r.Notes[0] += " <changed>"
	r.Notes[len(r.Notes)-1] = "\u2028" + r.Notes[len(r.Notes)-1]
	r.Notes = append(r.Notes[1:], r.Notes[0])
	for i := range r.ProjectRules {
		if r.ProjectRules[i].quoted == nil {
			t.Fatalf("hit %s has no quoted text", r.ProjectRules[i].ID)
		}
		r.ProjectRules[i].Text += " <changed>"
		r.ProjectRules[i].Source = "\u2028" + r.ProjectRules[i].Source
	}
	check("changed after firing")
}

// TestAppendJSONQuotedZones: a zone's names and attributes, quoted once for the
// zone, are written as encoding/json writes the entries that list it (answers
// and archive, first use and after), and an entry changed after it was made —
// a name, the attributes map replaced or edited in a copy — is written afresh.
func TestAppendJSONQuotedZones(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	f := filler{rng: rng}
	var r Report
	for i := range 60 {
		l := &Layer{ID: tricky[i%len(tricky)], Title: tricky[(i+3)%len(tricky)], Kind: Kind(tricky[(i+7)%len(tricky)])}
		z := &Zone{ID: f.str(), Name: tricky[(i+11)%len(tricky)], Class: f.str(), Layer: l}
		if i%5 != 0 {
			z.Attributes = map[string]any{tricky[i%len(tricky)]: tricky[(i+1)%len(tricky)], "n": float64(i) / 7, "b": i%2 == 0,
				"nested": map[string]any{"<k>": []any{1.5, "&"}}}
		}
		attrs := z.Attributes
		if attrs == nil {
			attrs = map[string]any{}
		}
		r.Intersections = append(r.Intersections, Intersection{Layer: l.ID, LayerTitle: l.Title, Kind: l.Kind, ZoneID: z.ID,
			ZoneName: z.Name, ZoneClass: z.Class, Attributes: attrs, Rules: []RuleHit{}, Zone: z})
		r.Nearby = append(r.Nearby, nearbyOf(z, float64(i)))
		r.NearBoundary = append(r.NearBoundary, NearBoundary{Nearby: nearbyOf(z, 1)})
	}
	check := func(what string) {
		t.Helper()
		for range 2 { // the first write quotes the zones, the second reads them
			sameAsEncoded(t, &r, what)
		}
	}
	check("as listed")
	for i := range r.Intersections {
		if r.Intersections[i].Zone.json.Load() == nil {
			t.Fatalf("zone %d was not quoted", i)
		}
	}
	for i := range r.Intersections {
		in, nb := &r.Intersections[i], &r.Nearby[i]
		switch i % 4 {
		case 0:
			in.ZoneName += "<changed>"
			nb.LayerTitle = ""
		case 1:
			attrs := map[string]any{"changed": "\u2028"}
			for k, v := range in.Attributes {
				attrs[k] = v
			}
			in.Attributes = attrs
			nb.Kind += "&"
		case 2:
			in.Layer, nb.ZoneClass = "other", "other"
		}
	}
	check("changed after listing")

	// An attribute that encoding/json refuses fails the report whether quoted or not.
	z := r.Intersections[1].Zone
	z.json.Store(nil)
	z.Attributes["x"] = math.NaN()
	r.Intersections[1].Attributes = z.Attributes
	for range 2 {
		if b, err := r.AppendJSON(nil, false); err == nil {
			t.Fatalf("a NaN attribute written without an error: %s", b)
		}
	}
}

// TestAnswerFromArchive: for thousands of reports filled at random, with
// overlaps of every kind on some intersections and geometries on others,
// AppendArchiveJSON writes what encoding/json writes for the report with every
// overlap as its geometry, HTML escaped (what the archive kept before), and
// AnswerFromArchive turns that into what encoding/json writes for the report
// itself without HTML escaping (the answer), or says it cannot where the two
// differ by an HTML escape.
func TestAnswerFromArchive(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 21))
	overlaps := []orb.Geometry{
		orb.Point{108.25, 34.5},
		orb.Polygon{{{108.1, 34.2}, {108.2, 34.2}, {108.2, 34.3}, {108.1, 34.2}}},
		orb.MultiPolygon{{{{108.1, 34.2}, {108.2, 34.2}, {108.2, 34.3}, {108.1, 34.2}}}, {{{109, 35}, {109.1, 35}, {109, 35.1}, {109, 35}}}},
		orb.LineString{{108.1, 34.2}, {108.3, 34.4}},
		orb.MultiPoint{{108.1, 34.2}, {108.3, 34.4}},
		orb.Ring{{108.1, 34.2}, {108.2, 34.2}, {108.2, 34.3}, {108.1, 34.2}},
		orb.Collection{orb.Polygon{{{108.1, 34.2}, {108.2, 34.2}, {108.2, 34.3}, {108.1, 34.2}}}, orb.LineString{{108.1, 34.2}, {108.3, 34.4}}, orb.Point{108.5, 34.5}},
	}
	var derived, fresh, cut int
	for i := range 4000 {
		f := filler{rng: rng, noHTML: i%4 != 0}
		var r Report
		f.fill(reflect.ValueOf(&r).Elem(), 0)
		for k := range r.Intersections {
			if rng.IntN(4) > 0 {
				r.Intersections[k].Overlap = overlaps[rng.IntN(len(overlaps))]
			}
		}
		// The archive as it was written before: a copy of the report with
		// every overlap as its geometry, through encoding/json.
		stored := r
		stored.Intersections = slices.Clone(r.Intersections)
		for k := range stored.Intersections {
			if in := &stored.Intersections[k]; in.Geometry == nil && in.Overlap != nil {
				in.Geometry = geojson.NewGeometry(in.Overlap)
			}
		}
		wantArchive, err := reference(t, &stored, true)
		if err != nil {
			t.Fatalf("report %d: encoding/json: %v", i, err)
		}
		wantAnswer, err := reference(t, &r, false)
		if err != nil {
			t.Fatalf("report %d: encoding/json: %v", i, err)
		}
		got, cuts, err := r.AppendArchiveJSON([]byte("prefix"), []int{-1})
		if err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
		if !bytes.HasPrefix(got, []byte("prefix")) || len(cuts) == 0 || cuts[0] != -1 || len(cuts)%2 != 1 {
			t.Fatalf("report %d: AppendArchiveJSON lost what it was appending to (cuts %v)", i, cuts)
		}
		if !bytes.Equal(got[len("prefix"):], wantArchive) {
			t.Fatalf("report %d: archive differs from encoding/json at byte %d:\n got %s\nwant %s",
				i, firstDiff(got[len("prefix"):], wantArchive), got[len("prefix"):], wantArchive)
		}
		cut += len(cuts) / 2
		answer, ok := AnswerFromArchive(got, cuts[1:])
		if !ok {
			if html, _ := reference(t, &r, true); bytes.Equal(html, wantAnswer) {
				t.Fatalf("report %d: refused, but no HTML is escaped in it: %s", i, got)
			}
			fresh++
			continue
		}
		derived++
		if !bytes.HasPrefix(answer, []byte("prefix")) || !bytes.Equal(answer[len("prefix"):], wantAnswer) {
			t.Fatalf("report %d: answer differs from encoding/json at byte %d:\n got %s\nwant %s",
				i, firstDiff(answer[len("prefix"):], wantAnswer), answer, wantAnswer)
		}
	}
	// Both ways taken, and geometries cut, many times.
	if derived < 1000 || fresh < 100 || cut < 1000 {
		t.Fatalf("derived %d answers, wrote %d afresh, cut %d geometries: the reports are not varied enough", derived, fresh, cut)
	}
	t.Logf("derived %d answers, wrote %d afresh, cut %d geometries", derived, fresh, cut)
}

// TestAppendProjectJSON: a project, filled at random, is written as json.Marshal
// writes it.
func TestAppendProjectJSON(t *testing.T) {
	f := filler{rng: rand.New(rand.NewPCG(3, 33))}
	for i := range 2000 {
		var p Project
		f.fill(reflect.ValueOf(&p).Elem(), 0)
		want, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendProjectJSON([]byte("x"), &p); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("project %d: got %s, want %s", i, got, want)
		}
	}
}

// TestAppendDecimal: wherever appendDecimal writes a number it writes what
// strconv.AppendFloat's shortest 'f' form does, over thousandths near zero,
// measures rounded to the millimetre and coordinates to seven decimals at
// every magnitude it takes, whole numbers, and doubles of any kind (most of
// which it leaves to AppendFloat).
func TestAppendDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	took := map[int]int{}
	check := func(f float64) {
		for _, d := range []int{0, 3, 7} {
			got, ok := appendDecimal(nil, f, d)
			if !ok {
				continue
			}
			took[d]++
			if want := strconv.AppendFloat(nil, f, 'f', -1, 64); string(got) != string(want) {
				t.Fatalf("appendDecimal(%v, %d) = %s, AppendFloat %s", f, d, got, want)
			}
		}
	}
	for n := int64(-300000); n <= 300000; n++ {
		check(float64(n) / 1000)
		check(float64(n) / 1e7)
	}
	for range 200000 {
		m := math.Pow(10, float64(rng.IntN(16)-3))
		check(round3((rng.Float64() - 0.5) * m))
		check(math.Round((rng.Float64()-0.5)*m*1e7) / 1e7)
		check(float64(rng.Int64N(1e15)-5e14) / 1000)
		check(float64(rng.Int64N(1e15)-5e14) / 1e7)
		check(math.Round((rng.Float64() - 0.5) * m))
		check((rng.Float64() - 0.5) * m)
		check(math.Float64frombits(rng.Uint64()))
	}
	for _, f := range append(trickyFloats, 1e12, -1e12, 999999999999.999, 99999999.9999999, 1e8, 0.001, -0.001, 0.1, 0.2, 0.3,
		1.005, 2.675, 1e-7, 109.2798399, 35.4490791, 0.0000001, 1e15, 1e14) {
		check(f)
	}
	if _, ok := appendDecimal(nil, math.Copysign(0, -1), 3); ok {
		t.Error("-0 taken: AppendFloat writes its sign")
	}
	if _, ok := appendDecimal(nil, 1e-7, 7); ok {
		t.Error("1e-7 taken: encoding/json writes it with an exponent")
	}
	if took[3] < 500000 || took[7] < 500000 || took[0] < 100000 {
		t.Errorf("too few numbers written: %v", took)
	}
}

// BenchmarkJSONFloat writes a report's kind of numbers (measures to the
// millimetre, shares, counts, zeros, coordinates): "float" as the report
// writer does, "shortest" with strconv.AppendFloat alone.
func BenchmarkJSONFloat(b *testing.B) {
	nums := []float64{9978.592, 9981.914, 0, 1, 36, 5, 109.2798399, 35.4490791, 493.823, 1000, 10, 0.812345678, 9974.8}
	b.Run("float", func(b *testing.B) {
		e := &jsonWriter{b: make([]byte, 0, 512)}
		for b.Loop() {
			e.b = e.b[:0]
			for _, f := range nums {
				e.float(f)
			}
		}
	})
	b.Run("shortest", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		for b.Loop() {
			buf = buf[:0]
			for _, f := range nums {
				buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
			}
		}
	})
}
