package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/bench"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

func TestParseFeature(t *testing.T) {
	for _, c := range []struct {
		name   string
		in     string
		id     string // raw JSON, "" for nil
		geom   orb.Geometry
		code   errcode.Code
		hasRaw bool
	}{
		{"point", `{"type":"Feature","id":"a1","properties":{},"geometry":{"type":"Point","coordinates":[108.5,34.25]}}`, `"a1"`, orb.Point{108.5, 34.25}, "", true},
		{"point members reordered, z dropped", `{"geometry":{"coordinates":[108.5, 34.25, 400],"type":"Point"},"type":"Feature","id":7}`, `7`, orb.Point{108.5, 34.25}, "", true},
		{"properties id", `{"type":"Feature","properties":{"name":"x","nested":{"id":"no"},"id":"p-3"},"geometry":{"type":"Point","coordinates":[108,34]}}`, `"p-3"`, orb.Point{108, 34}, "", true},
		{"null id falls back", `{"type":"Feature","id":null,"properties":{"id":12},"geometry":{"type":"Point","coordinates":[108,34]}}`, `12`, orb.Point{108, 34}, "", true},
		{"no id", `{"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[108,34]}}`, ``, orb.Point{108, 34}, "", true},
		{"escaped keys and strings", `{"type":"Feature","id":"\u4e2d\"","properties":{"n":"a}b]"},"geometry":{"type":"Point","coordinates":[108,34]}}`, `"\u4e2d\""`, orb.Point{108, 34}, "", true},
		{"polygon", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[108,34],[108.01,34],[108.01,34.01],[108,34]]]}}`, ``,
			orb.Polygon{{{108, 34}, {108.01, 34}, {108.01, 34.01}, {108, 34}}}, "", true},
		{"bare geometry", `{"type":"Point","coordinates":[108,34]}`, ``, orb.Point{108, 34}, "", true},
		{"null geometry", `{"type":"Feature","id":"n","geometry":null}`, `"n"`, nil, errcode.EmptyGeometry, false},
		{"missing geometry", `{"type":"Feature","id":"n"}`, `"n"`, nil, errcode.EmptyGeometry, false},
		{"latitude out of range", `{"type":"Feature","geometry":{"type":"Point","coordinates":[34,108]}}`, ``, nil, errcode.InvalidCoordinates, true},
		{"empty polygon", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}`, ``, nil, errcode.EmptyGeometry, true},
		// The coordinate policy of geo/crs, as check applies it.
		{"outside China", `{"type":"Feature","geometry":{"type":"Point","coordinates":[2.35,48.85]}}`, ``, nil, errcode.InvalidCoordinates, true},
		{"projected metres", `{"type":"Feature","geometry":{"type":"Point","coordinates":[500000,3800000]}}`, ``, nil, errcode.UnknownCRS, true},
		{"projected metres in a polygon", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[500000,3800000],[500100,3800000],[500100,3800100],[500000,3800000]]]}}`, ``, nil, errcode.UnknownCRS, true},
		// JSON has no NaN: the fast point path must not take what ParseFloat takes.
		{"NaN is not JSON", `{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,34]}}`, ``, nil, errcode.BadRequest, true},
		{"Infinity is not JSON", `{"type":"Feature","geometry":{"type":"Point","coordinates":[108,Infinity]}}`, ``, nil, errcode.BadRequest, true},
		{"hex is not JSON", `{"type":"Feature","geometry":{"type":"Point","coordinates":[0x6c,34]}}`, ``, nil, errcode.BadRequest, true},
		{"geometry collection", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[108,34]}]}}`, ``,
			orb.Collection{orb.Point{108, 34}}, "", true},
		{"empty geometry collection", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}`, ``, nil, errcode.EmptyGeometry, true},
		{"not a feature", `{"type":"FeatureCollection","features":[]}`, ``, nil, errcode.BadRequest, false},
		{"no type", `{"geometry":{"type":"Point","coordinates":[108,34]}}`, ``, nil, errcode.BadRequest, false},
		{"malformed", `{"type":"Feature","geometry":{"type":"Point","coordinates":[108,34]`, ``, nil, errcode.BadRequest, false},
		{"bad coordinates", `{"type":"Feature","geometry":{"type":"Point","coordinates":["a",34]}}`, ``, nil, errcode.BadRequest, true},
		{"not an object", `[1,2]`, ``, nil, errcode.BadRequest, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := parseFeature([]byte(c.in), 3, 0, false)
			if f.Index != 3 {
				t.Errorf("Index = %d", f.Index)
			}
			if string(f.ID) != c.id {
				t.Errorf("ID = %s, want %s", f.ID, c.id)
			}
			if c.code != "" {
				if f.Err == nil || f.Err.Code != c.code {
					t.Fatalf("Err = %v, want code %s", f.Err, c.code)
				}
				if f.Err.Details["feature"] != 3 {
					t.Errorf("Err.Details = %v, want feature 3", f.Err.Details)
				}
				return
			}
			if f.Err != nil {
				t.Fatalf("Err = %v", f.Err)
			}
			if !orb.Equal(f.Geometry, c.geom) {
				t.Errorf("Geometry = %v, want %v", f.Geometry, c.geom)
			}
			if c.hasRaw && !json.Valid(f.RawGeometry) {
				t.Errorf("RawGeometry %q is not JSON", f.RawGeometry)
			}
		})
	}
}

func TestVertexLimit(t *testing.T) {
	in := `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[108,34],[108.1,34],[108.2,34]]}}`
	if f := parseFeature([]byte(in), 0, 3, false); f.Err != nil {
		t.Fatalf("3 vertices with limit 3: %v", f.Err)
	}
	if f := parseFeature([]byte(in), 0, 2, false); f.Err == nil || f.Err.Code != errcode.PayloadTooLarge {
		t.Fatalf("3 vertices with limit 2: %v", f.Err)
	}
}

func point(i int) string {
	return fmt.Sprintf(`{"type":"Feature","id":"f%d","properties":{"k":"v"},"geometry":{"type":"Point","coordinates":[%g,%g]}}`,
		i, 106+float64(i)*0.001, 33+float64(i)*0.001)
}

func readAll(t *testing.T, r Reader) ([]Feature, error) {
	t.Helper()
	var out []Feature
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
}

func TestNDJSON(t *testing.T) {
	in := "\n" + point(0) + "\r\n\n\x1e" + point(1) + "\nnot json\n" + point(3) // no final newline
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(in),
		"one byte": iotest.OneByteReader(strings.NewReader(in)),
	} {
		t.Run(name, func(t *testing.T) {
			fs, err := readAll(t, NewNDJSON(r))
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != 4 {
				t.Fatalf("got %d features, want 4", len(fs))
			}
			for i, f := range fs {
				if f.Index != i {
					t.Errorf("feature %d has Index %d", i, f.Index)
				}
			}
			if fs[2].Err == nil || fs[2].Err.Code != errcode.BadRequest || fs[2].Err.Details["line"] != 5 {
				t.Errorf("bad line: %+v", fs[2].Err)
			}
			if string(fs[3].ID) != `"f3"` || fs[3].Err != nil {
				t.Errorf("last line: %+v", fs[3])
			}
		})
	}
}

func TestNDJSONLongLine(t *testing.T) {
	long := `{"type":"Feature","properties":{"pad":"` + strings.Repeat("x", 3<<20) + `"},"geometry":{"type":"Point","coordinates":[108,34]}}`
	fs, err := readAll(t, NewNDJSON(strings.NewReader(long+"\n"+point(1)+"\n")))
	if err != nil || len(fs) != 2 || fs[0].Err != nil || fs[1].Err != nil {
		t.Fatalf("long line: %d features, err %v", len(fs), err)
	}
	r := NewNDJSON(strings.NewReader(long + "\n"))
	r.MaxLine = 1 << 20
	_, err = readAll(t, r)
	var ie *errcode.Error
	if !errors.As(err, &ie) || ie.Code != errcode.PayloadTooLarge {
		t.Fatalf("line over MaxLine: err %v, want payload_too_large", err)
	}
}

func collection(n int, before, after string) string {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection",` + before + `"features":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",\n ")
		}
		b.WriteString(point(i))
	}
	b.WriteString("]" + after + "}")
	return b.String()
}

func TestCollection(t *testing.T) {
	for _, c := range []struct {
		name    string
		in      string
		n       int
		errCode errcode.Code
	}{
		{"plain", collection(5, "", ""), 5, ""},
		{"members around", collection(5, `"name":"x","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"bbox":[1,2,3,4],`, `,"extra":{"a":[1,2]}`), 5, ""},
		{"empty", collection(0, "", ""), 0, ""},
		{"spaces", " \n{ \"features\" : [ " + point(0) + " , " + point(1) + " ] }", 2, ""},
		{"projected crs", collection(2, `"crs":{"type":"name","properties":{"name":"EPSG:4524"}},`, ""), 0, errcode.UnsupportedCRS},
		{"wrong type", `{"type":"Feature","features":[]}`, 0, errcode.BadRequest},
		{"not an object", `[1]`, 0, errcode.BadRequest},
		{"no features", `{"type":"FeatureCollection"}`, 0, errcode.BadRequest},
		{"truncated", collection(3, "", "")[:200], 1, errcode.BadRequest},
		{"garbage between", `{"features":[` + point(0) + ` x ` + point(1) + `]}`, 1, errcode.BadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			for name, r := range map[string]io.Reader{
				"whole":    strings.NewReader(c.in),
				"one byte": iotest.OneByteReader(strings.NewReader(c.in)),
			} {
				fs, err := readAll(t, NewCollection(r))
				if len(fs) != c.n {
					t.Errorf("%s: %d features, want %d", name, len(fs), c.n)
				}
				for i, f := range fs {
					if f.Err != nil || string(f.ID) != fmt.Sprintf(`"f%d"`, i) || f.Index != i {
						t.Errorf("%s: feature %d = %+v", name, i, f)
					}
				}
				var ie *errcode.Error
				if c.errCode == "" && err != nil {
					t.Errorf("%s: err %v", name, err)
				}
				if c.errCode != "" && (!errors.As(err, &ie) || ie.Code != c.errCode) {
					t.Errorf("%s: err %v, want code %s", name, err, c.errCode)
				}
			}
		})
	}
}

func TestSniffAndOpen(t *testing.T) {
	nd := point(0) + "\n" + point(1) + "\n"
	fc := collection(2, "", "")
	fcPretty := "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n" + point(0) + "]}"
	fcFeaturesFirst := `{"features":[` + point(0) + `,` + point(1) + `],"type":"FeatureCollection"}`
	for _, c := range []struct {
		in, media, want string
	}{
		{nd, "application/json", "ndjson"},
		{nd, "application/x-ndjson", "ndjson"},
		{fc, "application/json", "collection"},
		{fc, "application/geo+json", "collection"},
		{fcPretty, "application/json", "collection"},
		{fcFeaturesFirst, "application/json", "collection"},
	} {
		r := Open(strings.NewReader(c.in), c.media, 0)
		got := "ndjson"
		if _, ok := r.(*Collection); ok {
			got = "collection"
		}
		if got != c.want {
			t.Errorf("Open(%.30q, %s) = %s, want %s", c.in, c.media, got, c.want)
		}
		fs, err := readAll(t, r)
		if err != nil || len(fs) == 0 {
			t.Errorf("Open(%.30q): %d features, %v", c.in, len(fs), err)
		}
	}
}

// fakeLocate: a point east of 108.05 hits zone "east"; latitude 33.013 is a checker
// error; everything sleeps a little at random so that workers finish out of order.
func fakeLocate(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
	time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
	p, ok := g.(orb.Point)
	if !ok {
		return nil, errcode.New(errcode.InvalidGeometry, nil, "only points here")
	}
	if p[1] == 33.013 {
		return nil, errors.New("boom")
	}
	if p[1] == 33.017 {
		panic("locate bug")
	}
	if p[0] > 106.05 {
		return []zones.Hit{{Layer: "l", ZoneID: "east", ZoneClass: "c", OverlapAreaM2: 0}}, nil
	}
	return nil, nil
}

func TestRunOrderAndErrors(t *testing.T) {
	var in strings.Builder
	const n = 3000
	for i := range n {
		if i == 7 {
			in.WriteString("{oops\n")
			continue
		}
		in.WriteString(point(i) + "\n")
	}
	var internal []int
	var mu sync.Mutex
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			w, err := NewWriter(&out, format, nil)
			if err != nil {
				t.Fatal(err)
			}
			internal = internal[:0]
			st, err := Run(t.Context(), NewNDJSON(strings.NewReader(in.String())), fakeLocate, w,
				Options{Workers: 4, Chunk: 16, OnError: func(i int, err error) { mu.Lock(); internal = append(internal, i); mu.Unlock() }})
			if err != nil {
				t.Fatal(err)
			}
			if st.Features != n || st.Errors != 3 || st.Hits != n-51 {
				t.Errorf("stats %+v, want %d features, 3 errors, %d hits", st, n, n-51)
			}
			if len(internal) != 2 || internal[0]+internal[1] != 13+17 {
				t.Errorf("OnError got %v, want 13 and 17", internal)
			}
			switch format {
			case "ndjson":
				sc := bufio.NewScanner(&out)
				i := 0
				for sc.Scan() {
					var rec struct {
						Index int             `json:"index"`
						ID    json.RawMessage `json:"id"`
						Hits  []zones.Hit     `json:"hits"`
						Error *struct{ Code string }
					}
					if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
						t.Fatalf("line %d: %v: %s", i, err, sc.Bytes())
					}
					if rec.Index != i {
						t.Fatalf("line %d has index %d", i, rec.Index)
					}
					switch {
					case i == 7:
						if rec.Error == nil || rec.Error.Code != "bad_request" || string(rec.ID) != "null" {
							t.Errorf("line 7: %s", sc.Bytes())
						}
					case i == 13 || i == 17:
						if rec.Error == nil || rec.Error.Code != "internal" {
							t.Errorf("line 13: %s", sc.Bytes())
						}
					case string(rec.ID) != fmt.Sprintf(`"f%d"`, i):
						t.Errorf("line %d: id %s", i, rec.ID)
					case (i > 50) != (len(rec.Hits) == 1):
						t.Errorf("line %d: hits %v", i, rec.Hits)
					}
					i++
				}
				if i != n {
					t.Errorf("%d lines, want %d", i, n)
				}
			case "csv":
				rows, err := csv.NewReader(&out).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(rows[0], ",") != "index,id,layer,zone_id,zone_class,overlap_area_m2,overlap_length_m,error" {
					t.Errorf("header %v", rows[0])
				}
				if len(rows) != n+1 {
					t.Errorf("%d rows, want %d", len(rows), n+1)
				}
				if r := rows[8]; r[0] != "7" || r[1] != "" || !strings.HasPrefix(r[7], "bad_request: ") {
					t.Errorf("row for 7: %v", r)
				}
				if r := rows[101]; r[0] != "100" || r[1] != "f100" || r[3] != "east" || r[5] != "0" || r[7] != "" {
					t.Errorf("row for 100: %v", r)
				}
			case "geojson":
				var fc struct {
					Features []struct {
						ID         json.RawMessage `json:"id"`
						Geometry   json.RawMessage `json:"geometry"`
						Properties struct {
							Index int         `json:"index"`
							Hits  []zones.Hit `json:"hits"`
						} `json:"properties"`
					} `json:"features"`
				}
				if err := json.Unmarshal(out.Bytes(), &fc); err != nil {
					t.Fatal(err)
				}
				if len(fc.Features) != n || fc.Features[100].Properties.Index != 100 || len(fc.Features[100].Properties.Hits) != 1 {
					t.Errorf("geojson: %d features", len(fc.Features))
				}
				if !strings.Contains(string(fc.Features[100].Geometry), `"Point"`) {
					t.Errorf("geometry not echoed: %s", fc.Features[100].Geometry)
				}
			}
		})
	}
}

// TestRunTrailingError: a FeatureCollection broken in the middle gives the results
// before the break, then an error record, and Run returns the error.
func TestRunTrailingError(t *testing.T) {
	in := collection(10, "", "")
	in = in[:len(in)/2]
	var out bytes.Buffer
	w, _ := NewWriter(&out, "ndjson", nil)
	st, err := Run(t.Context(), NewCollection(strings.NewReader(in)), fakeLocate, w, Options{Workers: 2, Chunk: 2})
	if err == nil {
		t.Fatal("no error for a truncated collection")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if st.Features != len(lines)-1 || !strings.Contains(last, `"code":"bad_request"`) || !strings.Contains(last, fmt.Sprintf(`"index":%d`, st.Features)) {
		t.Errorf("stats %+v, output:\n%s", st, out.String())
	}
}

// TestRunStreams: with NDJSON coming through a pipe, the answer for the first line
// arrives before the second line is sent.
func TestRunStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	w, _ := NewWriter(outW, "ndjson", nil)
	done := make(chan error, 1)
	go func() {
		_, err := Run(t.Context(), NewNDJSON(inR), fakeLocate, w, Options{Workers: 2})
		outW.CloseWithError(err)
		done <- err
	}()
	out := bufio.NewReader(outR)
	for i := range 3 {
		if _, err := io.WriteString(inW, point(i)+"\n"); err != nil {
			t.Fatal(err)
		}
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(line, fmt.Sprintf(`{"index":%d,`, i)) {
			t.Fatalf("line %d: %s", i, line)
		}
	}
	inW.Close()
	if rest, _ := io.ReadAll(out); len(rest) != 0 {
		t.Errorf("unexpected output after close: %s", rest)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRunCancel: cancelling stops the run and returns the context's error.
func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	slow := func(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	w, _ := NewWriter(io.Discard, "ndjson", nil)
	_, err := Run(ctx, NewNDJSON(strings.NewReader(point(0)+"\n"+point(1)+"\n")), slow, w, Options{Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "tab\tnl\nctl\x01", "中文 zone", "bad\xffutf8", "\u2028", "\b\f<a&b>"} {
		got := appendString(nil, s)
		var enc bytes.Buffer
		e := json.NewEncoder(&enc)
		e.SetEscapeHTML(false)
		if err := e.Encode(s); err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimSuffix(enc.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, encoding/json (no HTML escapes) %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("appendString(%q) = %s: %v", s, got, err)
			continue
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if back != want {
			t.Errorf("appendString(%q) round trip = %q", s, back)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 1.5, 1234567.891, 1e-7, 1e22, -3} {
		got := appendFloat(nil, f)
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Errorf("appendFloat(%g) = %s, want %s", f, got, want)
		}
	}
}

// TestAppendFloatMillis: numbers rounded to three decimals as the checker
// rounds areas and lengths (and their neighbours, which are not), of every
// magnitude up to and past 1e9 where the shortcut ends, are written as
// encoding/json writes them.
func TestAppendFloatMillis(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	round3 := func(x float64) float64 { return math.Round(x*1000) / 1000 }
	fs := []float64{0.001, 0.0005, 0.01, 0.1, 0.5, 1, 10, 12.5, 100.25, 999.999, 1000, 9816.134,
		999999999.999, 999999999.9995, 1e9, 1e9 + 0.001, 4503599627.370497, 1e-6, 9.999e-7, 0.0014999999}
	for range 500000 {
		x := round3(math.Pow(10, rng.Float64()*13-4))
		fs = append(fs, x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)), round3(float64(rng.IntN(1000))/1000))
	}
	fast := 0
	for _, f := range fs {
		got := appendFloat(nil, f)
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", f, got, want)
		}
		if n := math.Round(f * 1000); f > 0 && f < 1e9 && n/1000 == f {
			fast++
		}
	}
	if fast < len(fs)/3 {
		t.Fatalf("test too weak: %d of %d took the shortcut", fast, len(fs))
	}
}

// BenchmarkAppendArea: areas as the checker rounds them (to mm²), written.
func BenchmarkAppendArea(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	fs := make([]float64, 1024)
	for i := range fs {
		fs[i] = math.Round(rng.Float64()*1e7) / 1000
	}
	var buf []byte
	for b.Loop() {
		buf = buf[:0]
		for _, f := range fs {
			buf = appendFloat(buf, f)
		}
	}
}

func points(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"type":"Feature","id":%d,"properties":{"id":"%d","src":"s"},"geometry":{"type":"Point","coordinates":[%.7f,%.7f]}}`,
			i, i, 106+4*rng.Float64(), 33+5*rng.Float64())
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkReadPoints reads a 100k-point FeatureCollection (~13 MB).
func BenchmarkReadPoints(b *testing.B) {
	in := points(100000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	t0 := proccpu.Now()
	for b.Loop() {
		r := NewCollection(bytes.NewReader(in))
		n := 0
		for {
			_, err := r.Next()
			if err != nil {
				break
			}
			n++
		}
		if n != 100000 {
			b.Fatal(n)
		}
	}
	reportCPU(b, t0)
}

// BenchmarkReadPointsStdlib: the same with encoding/json into structs, for comparison.
func BenchmarkReadPointsStdlib(b *testing.B) {
	in := points(100000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var fc struct {
			Features []struct {
				ID       json.RawMessage `json:"id"`
				Geometry struct {
					Type        string    `json:"type"`
					Coordinates []float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(in, &fc); err != nil || len(fc.Features) != 100000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunPoints: the pipeline alone (read, decode, write NDJSON) for 100k
// points with a locate that does nothing.
func BenchmarkRunPoints(b *testing.B) {
	in := points(100000)
	nop := func(context.Context, orb.Geometry) ([]zones.Hit, error) { return nil, nil }
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	t0 := proccpu.Now()
	for b.Loop() {
		w, _ := NewWriter(io.Discard, "ndjson", nil)
		st, err := Run(context.Background(), NewCollection(bytes.NewReader(in)), nop, w, Options{})
		if err != nil || st.Features != 100000 {
			b.Fatal(st, err)
		}
	}
	reportCPU(b, t0)
}

// TestLimit: a batch over the feature limit answers the features up to it, then
// ends with a payload_too_large record naming the limit; at or under it, all.
func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		name         string
		features     int
		limit        int
		wantFeatures int
		wantErr      bool
	}{
		{"under", 5, 10, 5, false},
		{"at", 10, 10, 10, false},
		{"over", 11, 10, 10, true},
		{"no limit", 50, 0, 50, false},
	} {
		// Peeked, as the server does: the reader stage reads the features
		// under both wrappers itself (source).
		for _, peek := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/peek=%v", tc.name, peek), func(t *testing.T) {
				testLimit(t, tc.features, tc.limit, tc.wantFeatures, tc.wantErr, peek)
			})
		}
	}
}

func testLimit(t *testing.T, features, limit, wantFeatures int, wantErr, peek bool) {
	var in strings.Builder
	for i := range features {
		fmt.Fprintf(&in, `{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[108.1,34.1]}}`+"\n", i)
	}
	var out bytes.Buffer
	w, _ := NewWriter(&out, "ndjson", nil)
	r := Limit(NewNDJSON(strings.NewReader(in.String())), limit)
	if peek {
		var err error
		if r, err = Peek(r); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Run(t.Context(), r, fakeLocate, w, Options{Workers: 2, Chunk: 3})
	if (err != nil) != wantErr || errcode.Of(err) != map[bool]errcode.Code{true: errcode.PayloadTooLarge}[wantErr] {
		t.Fatalf("err %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if wantErr {
		if last := lines[len(lines)-1]; !strings.Contains(last, `"code":"payload_too_large"`) || !strings.Contains(last, fmt.Sprintf(`"index":%d`, limit)) {
			t.Errorf("last record %s", last)
		}
		lines = lines[:len(lines)-1]
	}
	if len(lines) != wantFeatures || st.Features != len(lines) {
		t.Errorf("%d records, stats %+v", len(lines), st)
	}
	for i, l := range lines {
		if want := fmt.Sprintf(`"id":%d,`, i); !strings.Contains(l, want) {
			t.Fatalf("record %d: %s, want %s", i, l, want)
		}
	}
}

// BenchmarkSkipFeatures: the reader stage's boundary scan alone over the
// features of a 100k-point collection.
func BenchmarkSkipFeatures(b *testing.B) {
	benchSkip(b, points(100000), func(in []byte, i int) (int, bool) {
		end, _, err := skipCounting(in, i)
		return end, err == nil
	})
}

// benchSkip times skip passing over each of the 100k features of the
// collection in.
func benchSkip(b *testing.B, in []byte, skip func(in []byte, i int) (end int, ok bool)) {
	start := bytes.IndexByte(in, '[') + 1
	b.SetBytes(int64(len(in)))
	t0 := proccpu.Now()
	for b.Loop() {
		n := 0
		for i := start; in[i] != ']'; n++ {
			end, ok := skip(in, i)
			if !ok {
				b.Fatal(i)
			}
			i = skipSpace(in, end)
			if in[i] == ',' {
				i = skipSpace(in, i+1)
			}
		}
		if n != 100000 {
			b.Fatal(n)
		}
	}
	reportCPU(b, t0)
}

// BenchmarkRunPointsShaanxi: the pipeline with the real point lookup, in
// process (no HTTP, no client): the 100k points of `make bench-postgis`, its
// body byte for byte, located against the shared layers and written as
// NDJSON, as /v1/locate runs them (Checker.LocatePoints for the points). The
// CPU an op is the server's share of the end-to-end job.
func BenchmarkRunPointsShaanxi(b *testing.B) { benchRunPointsShaanxi(b, 100_000) }

// BenchmarkRunPointsShaanxiSmall: RunPointsShaanxi for a batch of ten of its
// points, as a client locating a few sites sends them: what a run costs
// besides its points (the stages, their buffers and caches) shows.
func BenchmarkRunPointsShaanxiSmall(b *testing.B) { benchRunPointsShaanxi(b, 10) }

// benchRunPointsShaanxi runs the n points of bench.Jobs through Run, as
// /v1/locate does.
func benchRunPointsShaanxi(b *testing.B, n int) {
	shared := oracle.SharedDir(b)
	ds, err := data.LoadDir(shared)
	if err != nil {
		b.Fatal(err)
	}
	c, err := zones.NewChecker(ds)
	if err != nil {
		b.Fatal(err)
	}
	jobs, err := bench.Jobs(shared, n)
	if err != nil {
		b.Fatal(err)
	}
	i := slices.IndexFunc(jobs, func(j bench.Job) bool { return j.Points })
	in := jobs[i].Body
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	t0 := proccpu.Now()
	for b.Loop() {
		w, _ := NewWriter(io.Discard, "ndjson", nil)
		st, err := Run(context.Background(), NewCollection(bytes.NewReader(in)), c.Locate, w, Options{LocatePoint: c.LocatePoint, LocatePoints: c.LocatePoints})
		if err != nil || st.Features != n || n >= 1000 && st.Hits == 0 {
			b.Fatal(st, err)
		}
	}
	reportCPU(b, t0)
}

func reportCPU(b *testing.B, t0 time.Duration) {
	b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op")
}

// TestCollectionMalformedOneByte: a FeatureCollection read a byte at a time
// (each feature incomplete many times over before it is whole) gives the
// features before a fault, then an error naming the feature where it is: a
// body cut short, or a member not followed by ',' or ']'.
func TestCollectionMalformedOneByte(t *testing.T) {
	pt := `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[108.9,34.2]}}`
	for _, tc := range []struct{ body, want string }{
		{`{"type":"FeatureCollection","features":[` + pt + `,` + pt[:40], "near feature 1: unexpected end of input"},
		{`{"type":"FeatureCollection","features":[` + pt + ` ` + pt + `]}`, "near feature 1: offset 1: expected ',' or ']'"},
	} {
		for _, lazy := range []bool{false, true} {
			c := NewCollection(iotest.OneByteReader(strings.NewReader(tc.body)))
			if lazy {
				c.setLazy()
			}
			f, err := c.Next()
			if err != nil || f.Index != 0 {
				t.Fatalf("lazy %v: first feature %d, %v", lazy, f.Index, err)
			}
			_, err = c.Next()
			var e *errcode.Error
			if !errors.As(err, &e) || e.Code != errcode.BadRequest || e.Details["feature"] != 1 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("lazy %v: second Next: %v, want a bad request with %q", lazy, err, tc.want)
			}
		}
	}
}
