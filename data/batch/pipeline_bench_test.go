package batch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// BenchmarkRunPointsPipeline: what Run spends on 100k points besides locating
// them — reading, parsing, rendering NDJSON — with the points spelled as `make
// bench-postgis` sends them (shortest decimals, an id, empty properties) and a
// PointFunc that answers two hits of a hundred zones of two layers from a
// table, as a checker would with its own strings.
func BenchmarkRunPointsPipeline(b *testing.B) {
	var table [][2]zones.Hit
	for k := range 100 {
		table = append(table, [2]zones.Hit{
			{Layer: "county_datav", ZoneID: strconv.Itoa(610100 + k), ZoneClass: "unit"},
			{Layer: "basins", ZoneID: "HH-" + strconv.Itoa(k), ZoneClass: "basin"},
		})
	}
	locatePoint := func(pt orb.Point, dst []zones.Hit) ([]zones.Hit, error) {
		h := &table[int(pt[0]*1e6)%len(table)]
		return append(dst, h[0], h[1]), nil
	}
	nop := func(context.Context, orb.Geometry) ([]zones.Hit, error) { return nil, nil }
	body := postgisPoints(100_000)
	b.SetBytes(int64(len(body)))
	t0 := proccpu.Now()
	for b.Loop() {
		w, _ := NewWriter(io.Discard, "ndjson", nil)
		st, err := Run(context.Background(), NewCollection(bytes.NewReader(body)), nop, w, Options{LocatePoint: locatePoint})
		if err != nil || st.Features != 100_000 || st.Hits != 200_000 {
			b.Fatal(st, err)
		}
	}
	reportCPU(b, t0)
}

// postgisPoints is a FeatureCollection of n points in Shaanxi spelled as `make
// bench-postgis` sends them: shortest decimals, an id, empty properties.
func postgisPoints(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	var in bytes.Buffer
	in.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			in.WriteString(",\n")
		}
		fmt.Fprintf(&in, `{"type":"Feature","id":%d,"properties":{},"geometry":{"type":"Point","coordinates":[%s,%s]}}`,
			i, strconv.FormatFloat(105.5+5*rng.Float64(), 'f', -1, 64), strconv.FormatFloat(31.7+8*rng.Float64(), 'f', -1, 64))
	}
	in.WriteString("]}")
	return in.Bytes()
}

// BenchmarkSkipPointFeatures: the reader stage's boundary scan alone
// (skipFeature) over postgisPoints.
func BenchmarkSkipPointFeatures(b *testing.B) {
	benchSkip(b, postgisPoints(100_000), func(in []byte, i int) (int, bool) {
		end, _, ok := skipFeature(in, i)
		return end, ok
	})
}

// BenchmarkRunSquaresPipeline: what Run spends on 100k 0.01 km² squares
// besides locating them — reading, decoding the polygons, rendering NDJSON —
// spelled as `make bench-postgis` sends them (an id, empty properties, the
// five corners rounded to 1e-7°), with a LocateFunc that answers one or two
// hits with areas from a table (rounded to mm², as the checker rounds them), a
// new slice each, as a checker would.
func BenchmarkRunSquaresPipeline(b *testing.B) {
	var table [][]zones.Hit
	for k := range 100 {
		table = append(table, []zones.Hit{
			{Layer: "county_datav", ZoneID: strconv.Itoa(610100 + k), ZoneClass: "unit", OverlapAreaM2: 9816.134 + float64(k)},
			{Layer: "basins", ZoneID: "HH-" + strconv.Itoa(k), ZoneClass: "basin", OverlapAreaM2: math.Round(3571.4285714*float64(k+1)) / 1000},
		})
	}
	locate := func(_ context.Context, g orb.Geometry) ([]zones.Hit, error) {
		p := g.(orb.Polygon)
		h := table[int(p[0][0][0]*1e6)%len(table)]
		return append([]zones.Hit(nil), h[:1+int(p[0][0][1]*1e6)%2]...), nil
	}
	body := postgisSquares(100_000)
	b.SetBytes(int64(len(body)))
	t0 := proccpu.Now()
	for b.Loop() {
		w, _ := NewWriter(io.Discard, "ndjson", nil)
		st, err := Run(context.Background(), NewCollection(bytes.NewReader(body)), locate, w, Options{})
		if err != nil || st.Features != 100_000 || st.Errors != 0 {
			b.Fatal(st, err)
		}
	}
	reportCPU(b, t0)
}

// postgisSquares is a FeatureCollection of n squares of about 100 m in
// Shaanxi spelled as `make bench-postgis` sends them: an id, empty
// properties, corners rounded to 1e-7° in shortest decimals.
func postgisSquares(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	r := func(v float64) string { return strconv.FormatFloat(math.Round(v*1e7)/1e7, 'f', -1, 64) }
	var in bytes.Buffer
	in.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			in.WriteString(",\n")
		}
		x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
		x0, y0, x1, y1 := r(x), r(y), r(x+0.0011), r(y+0.0009)
		fmt.Fprintf(&in, `{"type":"Feature","id":%d,"properties":{},"geometry":{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}}`,
			i, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	}
	in.WriteString("]}")
	return in.Bytes()
}

// squareFeatures are the n features of postgisSquares(n), each its JSON.
func squareFeatures(n int) [][]byte {
	body := postgisSquares(n)
	var out [][]byte
	i := bytes.IndexByte(body, '[') + 1
	for body[i] != ']' {
		end, err := skipValue(body, i)
		if err != nil {
			panic(err)
		}
		out = append(out, body[i:end])
		i = skipSpace(body, end)
		if body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return out
}

// BenchmarkDecodeSquares: a worker's decoding of one 0.01 km² square (see
// postgisSquares) read lazily, as Run's workers decode them.
func BenchmarkDecodeSquares(b *testing.B) {
	fs := squareFeatures(10_000)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		f := Feature{Index: k, lazy: lazyFeature{raw: fs[k%len(fs)]}}
		f.decode(false)
		if f.Err != nil || f.Geometry == nil {
			b.Fatal(f.Err)
		}
		k++
	}
}

// BenchmarkReadDecodePoints: the reader stage's reading of postgisPoints
// lazily (Collection.member) and the workers' decoding of each point from
// the spans it found (parseSpans), on one goroutine, a chunk of features at a
// time as Run passes them: one op a whole body.
func BenchmarkReadDecodePoints(b *testing.B) {
	body := postgisPoints(100_000)
	fs := make([]Feature, 1024)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		c := NewCollection(bytes.NewReader(body))
		c.setLazy()
		n := 0
		for done := false; !done; {
			clear(fs)
			k := 0
			for ; k < len(fs); k++ {
				if err := c.nextInto(&fs[k]); err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					done = true
					break
				}
			}
			for i := range fs[:k] {
				fs[i].decode(false)
				if !fs[i].isPoint || fs[i].Err != nil {
					b.Fatal(fs[i].Err)
				}
			}
			n += k
		}
		if n != 100_000 {
			b.Fatal(n)
		}
	}
}
