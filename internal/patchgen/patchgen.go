// Package patchgen makes batches of remote-sensing patches for tests and
// benchmarks: small squares on a grid over the demo province, with the
// attributes an inspection team's patches carry.
package patchgen

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Squares is n patches of ~50 m × 50 m on a grid over the demo province
// (106.8–109.2°E, 33.0–34.6°N) as NDJSON, each with 图斑编号, 变化类型 and an
// industry code HYDM.
func Squares(n int) []byte {
	var b bytes.Buffer
	side := int(math.Ceil(math.Sqrt(float64(n))))
	codes := []string{"C2927", "C2511", "A0111", "D4610"}
	for i := range n {
		x, y := 106.8+float64(i%side)*2.4/float64(side), 33.0+float64(i/side)*1.6/float64(side)
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"图斑编号":"TB%06d","变化类型":"新增建设用地","HYDM":"%s"},"geometry":{"type":"Polygon","coordinates":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}`+"\n",
			i, codes[i%len(codes)], x, y, x+0.0005, y, x+0.0005, y+0.0005, x, y+0.0005, x, y)
	}
	return b.Bytes()
}

// ScatteredRing is a closed ring through n points drawn uniformly in box, in
// the order drawn: a survey's list of points sent as a boundary, which crosses
// itself of the order of n² times (the footprints whose repair redline
// bounds).
func ScatteredRing(rnd *rand.Rand, n int, box orb.Bound) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for range n {
		r = append(r, orb.Point{
			box.Min[0] + (box.Max[0]-box.Min[0])*rnd.Float64(),
			box.Min[1] + (box.Max[1]-box.Min[1])*rnd.Float64(),
		})
	}
	return append(r, r[0])
}
