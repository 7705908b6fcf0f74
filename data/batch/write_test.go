package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// csvReference is the CSV writer as it was, on encoding/csv: the new one must
// write the same bytes.
func csvReference(results []*Result) []byte {
	var out bytes.Buffer
	cw := csv.NewWriter(&out)
	cw.Write([]string{"index", "id", "layer", "zone_id", "zone_class", "overlap_area_m2", "overlap_length_m", "error"})
	for _, r := range results {
		row := make([]string, 8)
		row[0] = strconv.Itoa(r.Index)
		if r.ID != nil {
			if s, ok := stringValue(r.ID); ok {
				row[1] = s
			} else {
				row[1] = string(r.ID)
			}
		}
		switch {
		case r.Err != nil:
			row[7] = string(r.Err.Code) + ": " + r.Err.Message
			cw.Write(row)
		case len(r.Hits) == 0:
			cw.Write(row)
		default:
			for _, h := range r.Hits {
				row[2], row[3], row[4] = h.Layer, h.ZoneID, h.ZoneClass
				row[5] = string(appendFloat(nil, h.OverlapAreaM2))
				row[6] = string(appendFloat(nil, h.OverlapLengthM))
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return out.Bytes()
}

func writeCSV(t *testing.T, results []*Result) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(&out, "csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestCSVWriterAsEncodingCSV: the CSV writer writes what encoding/csv wrote, for
// awkward text (quotes, commas, line ends, leading spaces of any script, \., bad
// UTF-8) and for the names and codes of the real layers in ../shared/data.
func TestCSVWriterAsEncodingCSV(t *testing.T) {
	awkward := []string{"", "plain", `a"b`, "a,b", "a\nb", "a\r\nb", "\rx", " lead", "\tlead", "\u3000全角", "trail ", `\.`, `\.x`,
		"\xff\xfe", "生态保护红线", `"`, ",", "x\u2028y", "\u00a0nbsp", "\u0085nel"}
	var results []*Result
	for i, s := range awkward {
		id, _ := json.Marshal(s)
		results = append(results,
			&Result{Feature: Feature{Index: i, ID: id}, Hits: []zones.Hit{{Layer: s, ZoneID: s + "1", ZoneClass: s, OverlapAreaM2: 1.5e-7 * float64(i), OverlapLengthM: float64(i) * 1e21}}},
			&Result{Feature: Feature{Index: i, ID: json.RawMessage(strconv.Itoa(-i))}},
			&Result{Feature: Feature{Index: i, Err: &errcode.Error{Code: errcode.InvalidCoordinates, Message: s + " at feature " + strconv.Itoa(i)}}},
			&Result{Feature: Feature{Index: i, ID: json.RawMessage(`"esc\"aped\u4e2d"`)}, Hits: []zones.Hit{{Layer: "a", ZoneID: s}, {Layer: s, ZoneID: "b", OverlapAreaM2: 123456.789}}},
		)
	}
	if got, want := writeCSV(t, results), csvReference(results); !bytes.Equal(got, want) {
		t.Errorf("awkward text:\n got %q\nwant %q", got, want)
	}

	files := sharedGeoJSON(t, "the CSV writer cannot be compared on real names")
	if files == nil {
		return
	}
	results = results[:0]
	for p, raw := range files {
		var fc struct {
			Features []struct {
				ID         json.RawMessage `json:"id"`
				Properties map[string]any  `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(raw, &fc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for i, f := range fc.Features {
			r := &Result{Feature: Feature{Index: i, ID: f.ID}}
			for k, v := range f.Properties {
				r.Hits = append(r.Hits, zones.Hit{Layer: filepath.Base(p), ZoneID: k, ZoneClass: fmt.Sprint(v), OverlapAreaM2: float64(len(k)) / 3})
			}
			results = append(results, r)
		}
	}
	got, want := writeCSV(t, results), csvReference(results)
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("real names: outputs part at byte %d:\n got %q\nwant %q", i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
	}
	t.Logf("%d rows of real names written alike (%d bytes)", bytes.Count(got, []byte{'\n'}), len(got))
}

// TestPlainString: the eight-bytes-at-a-time test for strings JSON takes as they
// are agrees with a byte loop, for random strings of plain ASCII with now and
// then a quote, backslash, control, DEL or UTF-8 byte, at every length to 40.
func TestPlainString(t *testing.T) {
	loop := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return false
			}
		}
		return true
	}
	rng := rand.New(rand.NewPCG(2, 11))
	odd := []byte{'"', '\\', 0, 0x1f, 0x20, 0x7f, 0x80, 0xe4, 0xff, '!', '#', '[', ']'}
	plain, not := 0, 0
	for range 300000 {
		b := make([]byte, rng.IntN(41))
		for k := range b {
			b[k] = byte(0x21 + rng.IntN(0x5e))
			if rng.IntN(30) == 0 {
				b[k] = odd[rng.IntN(len(odd))]
			}
		}
		s := string(b)
		if got, want := plainString(s), loop(s); got != want {
			t.Fatalf("plainString(%q) = %v, want %v", s, got, want)
		}
		if loop(s) {
			plain++
		} else {
			not++
		}
	}
	if plain < 1000 || not < 1000 {
		t.Fatalf("test too weak: %d plain, %d not", plain, not)
	}
}

// TestHitCache: hits written through the zone cache are the bytes
// encoding/json writes, for zones whose strings are shared, copied (same
// text, other bytes), alike but for one field, or need escaping, more zones
// than the cache has entries, in any order.
func TestHitCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	var zs []zones.Hit
	for i := range 3 * hitCacheSize {
		zs = append(zs, zones.Hit{Layer: "ecu", ZoneID: fmt.Sprintf("Z%d", i), ZoneClass: "priority"})
	}
	zs = append(zs,
		zones.Hit{Layer: "red\"line", ZoneID: "a\\b", ZoneClass: "核心区\n"},
		zones.Hit{Layer: "redline", ZoneID: "Z1", ZoneClass: "priority"},
		zones.Hit{Layer: "ecu", ZoneID: "Z1", ZoneClass: "general"},
		zones.Hit{Layer: "ecu", ZoneID: "Z\xff", ZoneClass: ""},
	)
	hc := new(hitCache)
	for range 5000 {
		hits := make([]zones.Hit, rng.IntN(4))
		for i := range hits {
			h := zs[rng.IntN(len(zs))]
			if rng.IntN(3) == 0 {
				h.ZoneID = string([]byte(h.ZoneID)) // the same text elsewhere
			}
			if rng.IntN(2) == 0 {
				h.OverlapAreaM2, h.OverlapLengthM = rng.Float64()*1e6, rng.Float64()
			}
			hits[i] = h
		}
		want, err := json.Marshal(hits)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendHits(nil, hits, hc); !bytes.Equal(got, want) {
			t.Fatalf("cached:\n%s\nwant\n%s", got, want)
		}
		if got := appendHits(nil, hits, nil); !bytes.Equal(got, want) {
			t.Fatalf("uncached:\n%s\nwant\n%s", got, want)
		}
	}
}

// TestZoneHits: hits given as positions in a table are the bytes
// encoding/json writes for the table's hits, with measures or without,
// escaped or not, in any order and repeated; a hitCache given another table
// (a dataset replaced between runs) writes the new table's hits, and one
// given none (a PointsFunc that panicked) keeps its table.
func TestZoneHits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var a, b []zones.Hit
	for i := range 50 {
		a = append(a, zones.Hit{Layer: "ecu", ZoneID: fmt.Sprintf("Z%d", i), ZoneClass: "priority"})
		b = append(b, zones.Hit{Layer: "rivers", ZoneID: fmt.Sprintf("R%d", i), ZoneClass: "buffer"})
	}
	a[7] = zones.Hit{Layer: "red\"line", ZoneID: "a\\b", ZoneClass: "核心区\n"}
	a[9].OverlapAreaM2, a[9].OverlapLengthM = 1234.5, 0.125
	hc := hitCaches.Get().(*hitCache)
	for k, table := range [][]zones.Hit{a, b, nil, a} {
		hc.setTable(table)
		if table == nil {
			table = b
		}
		for range 200 {
			zs := make([]int32, rng.IntN(4))
			hits := make([]zones.Hit, len(zs))
			for i := range zs {
				zs[i] = int32(rng.IntN(len(table)))
				hits[i] = table[zs[i]]
			}
			want, err := json.Marshal(hits)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendZoneHits(nil, zs, hc); !bytes.Equal(got, want) {
				t.Fatalf("table %d: %v:\n%s\nwant\n%s", k, zs, got, want)
			}
		}
	}
	hitCaches.Put(hc)
}

// bufOf is the buffered writer under a Writer of NewWriter.
func bufOf(t *testing.T, w Writer) *bufWriter {
	switch w := w.(type) {
	case *ndjsonWriter:
		return &w.bufWriter
	case *csvWriter:
		return &w.bufWriter
	case *geojsonWriter:
		return &w.bufWriter
	}
	t.Fatalf("%T is not a writer of NewWriter", w)
	return nil
}

// countingWriter counts the writes it is given.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// TestWriterGrowsItsBuffer: a writer starts with a small buffer and moves to
// one of writeBuffer bytes when its records outgrow it, writing the same
// bytes as one that had the large buffer from the start, whether its records
// come one at a time or rendered in runs, and in as few writes once grown.
func TestWriterGrowsItsBuffer(t *testing.T) {
	hit := zones.Hit{Layer: "county", ZoneID: "610102", ZoneClass: "unit"}
	results := func(n int) []*Result {
		var rs []*Result
		for i := range n {
			r := &Result{Feature: Feature{Index: i, ID: json.RawMessage(strconv.Itoa(i))}, Hits: []zones.Hit{hit, hit}}
			if i%7 == 3 {
				// A record larger than the first buffer by itself.
				r.ID = json.RawMessage(strconv.Quote(string(bytes.Repeat([]byte("x"), firstBuffer+100))))
			}
			rs = append(rs, r)
		}
		return rs
	}
	for _, format := range Formats {
		for _, n := range []int{3, 2000} {
			for _, runs := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/runs=%v", format, n, runs), func(t *testing.T) {
					var got, want countingWriter
					gw, err := NewWriter(&got, format, nil)
					if err != nil {
						t.Fatal(err)
					}
					ww, _ := NewWriter(&want, format, nil)
					bufOf(t, ww).bw.Flush()
					bufOf(t, ww).bw = bufio.NewWriterSize(&want, writeBuffer)
					for _, w := range []Writer{gw, ww} {
						rs := results(n)
						if runs {
							// As Run's workers render them: 64 records a run.
							rend := w.(renderer)
							for i := 0; i < len(rs); i += 64 {
								var out []byte
								k := 0
								for _, r := range rs[i:min(len(rs), i+64)] {
									out, _ = rend.appendRecord(out, r, nil)
									k++
								}
								if err := rend.writeRendered(out, k); err != nil {
									t.Fatal(err)
								}
							}
						} else {
							for _, r := range rs {
								if err := w.Write(r); err != nil {
									t.Fatal(err)
								}
							}
						}
						if err := w.Close(); err != nil {
							t.Fatal(err)
						}
					}
					if !bytes.Equal(got.Bytes(), want.Bytes()) {
						t.Fatalf("%d bytes written, %d with the large buffer throughout", got.Len(), want.Len())
					}
					size := bufOf(t, gw).bw.Size()
					switch {
					case n == 3 && size != firstBuffer:
						t.Errorf("a small output grew the buffer to %d bytes", size)
					case n > 3 && size != writeBuffer:
						t.Errorf("a large output left the buffer at %d bytes", size)
					case n > 3 && got.writes > want.writes+2:
						t.Errorf("%d writes, %d with the large buffer throughout", got.writes, want.writes)
					}
				})
			}
		}
	}
}

// TestAppendIndex: appendIndex spells every index as strconv does, after what
// the buffer holds, whether or not it has room.
func TestAppendIndex(t *testing.T) {
	values := []int{0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 65535, 99999, 100000, 123456789, math.MaxInt, -1, -10, -123, math.MinInt}
	for p := 1; p < 1e18; p *= 10 {
		values = append(values, p-1, p, p+1, 2*p+7)
	}
	for _, v := range values {
		want := strconv.AppendInt([]byte(`{"index":`), int64(v), 10)
		for _, room := range []int{0, 1, 5, 32} {
			b := append(make([]byte, 0, len(`{"index":`)+room), `{"index":`...)
			if got := appendIndex(b, v); string(got) != string(want) {
				t.Errorf("appendIndex(%d) with room %d = %q, want %q", v, room, got, want)
			}
		}
	}
}

// TestChunkReserve: reserve makes room for the records expected after what the
// chunk's output holds, keeps it, and leaves the buffer alone when the size
// of a record is not known or the room asked for is absurd.
func TestChunkReserve(t *testing.T) {
	c := &chunk{out: append(make([]byte, 0, 4), "abc"...)}
	c.reserve(10, 0)
	if cap(c.out) != 4 {
		t.Errorf("perRecord 0: cap %d, want 4 (untouched)", cap(c.out))
	}
	c.reserve(math.MaxInt/2, 3)
	if cap(c.out) != 4 {
		t.Errorf("overflowing room: cap %d, want 4 (untouched)", cap(c.out))
	}
	c.reserve(100, 200)
	if string(c.out) != "abc" || cap(c.out)-len(c.out) < 100*200 {
		t.Errorf("after reserve: %q, room %d, want abc and at least %d", c.out, cap(c.out)-len(c.out), 100*200)
	}
	before := cap(c.out)
	c.reserve(10, 200)
	if cap(c.out) != before {
		t.Errorf("room enough: cap %d, want %d (untouched)", cap(c.out), before)
	}
}
