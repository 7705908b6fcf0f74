package zones_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// shaanxiSquares are 1024 squares of 100 m across Shaanxi, api's check
// benchmarks' footprints.
func shaanxiSquares() []orb.Polygon {
	rng := rand.New(rand.NewPCG(4, 2))
	out := make([]orb.Polygon, 1024)
	for i := range out {
		x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
		dy := 100 / 111320.0
		dx := 100 / (111320 * math.Cos(y*math.Pi/180))
		out[i] = orb.Polygon{{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}}
	}
	return out
}

// shaanxiReports are the checker's reports on shaanxiSquares for p.
func shaanxiReports(b *testing.B, idx *zones.Index, p zones.Project) []*zones.Report {
	c := zones.NewCheckerFor(idx)
	var reps []*zones.Report
	for _, sq := range shaanxiSquares() {
		r, err := c.Check(context.Background(), zones.Footprint{Geometry: sq}, p, zones.CheckOptions{})
		if err != nil {
			b.Fatal(err)
		}
		reps = append(reps, r)
	}
	return reps
}

// BenchmarkEvaluateShaanxi: the rules of a small check (Evaluate) on the
// reports of shaanxiSquares for a C2511 project, each a fresh copy of the
// checker's report before its evaluation; CPU and allocations a report (the
// copy's one allocation included).
func BenchmarkEvaluateShaanxi(b *testing.B) {
	ds, idx := sharedIndex(b)
	p := zones.Project{Industry: "C2511"}
	reps := shaanxiReports(b, idx, p)
	b.ReportAllocs()
	i := 0
	t0 := proccpu.Now()
	for b.Loop() {
		r := reps[i%len(reps)]
		cp := *r
		cp.Intersections = slices.Clone(r.Intersections)
		cp.Governing, cp.ProjectRules, cp.Park, cp.Missing, cp.Notes, cp.Project = nil, nil, nil, nil, nil, nil
		zones.Evaluate(&cp, p, nil, ds)
		i++
	}
	// The process's CPU, which a busy machine's wall clock does not show.
	b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkAppendJSONShaanxi: the JSON answer (AppendJSON) of the checker's
// reports on shaanxiSquares for a C2511 project, a check's report step.
func BenchmarkAppendJSONShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	p := zones.Project{Industry: "C2511"}
	reps := shaanxiReports(b, idx, p)
	b.ReportAllocs()
	buf := make([]byte, 0, 64<<10)
	i := 0
	t0 := proccpu.Now()
	for b.Loop() {
		var err error
		if buf, err = reps[i%len(reps)].AppendJSON(buf[:0], false); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op")
}
