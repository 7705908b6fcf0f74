package batch

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// BenchmarkRenderPoints: the workers' rendering alone — the NDJSON records of
// 100k located points (ids as in the input, one or two hits of a hundred
// zones of two layers, shared strings as a checker hands out), 64 at a time
// into the output of chunks of 256, whose buffers come round again as the
// writer gives them back (ten in flight, as over HTTP); CPU-ns an op.
func BenchmarkRenderPoints(b *testing.B) {
	const n, chunkSize, inFlight = 100_000, 256, 10
	var table [][]zones.Hit
	for k := range 100 {
		table = append(table, []zones.Hit{
			{Layer: "county_datav", ZoneID: strconv.Itoa(610100 + k), ZoneClass: "unit"},
			{Layer: "basins", ZoneID: "HH-" + strconv.Itoa(k), ZoneClass: "basin"},
		})
	}
	items := make([]Result, n)
	for i := range items {
		items[i].Index = i
		items[i].ID = json.RawMessage(strconv.Itoa(i))
		items[i].Hits = table[i*7%len(table)][:1+i%2]
	}
	w, _ := NewWriter(nil, "ndjson", nil)
	rend := w.(renderer)
	hc := new(hitCache)
	var spares [inFlight][]byte
	total := 0
	t0 := proccpu.Now()
	for b.Loop() {
		total = 0
		for k, i := 0, 0; i < n; k, i = k+1, i+chunkSize {
			c := &chunk{out: spares[k%inFlight][:0]}
			part := items[i:min(n, i+chunkSize)]
			for j := 0; j < len(part); j += pointGroup {
				c.renderItems(rend, hc, part[j:min(len(part), j+pointGroup)])
			}
			spares[k%inFlight] = c.out
			total += len(c.out)
		}
	}
	reportCPU(b, t0)
	b.ReportMetric(float64(total)/n, "bytes/record")
}
