package batch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

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
	t0 := processCPU()
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
