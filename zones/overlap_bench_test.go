package zones_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

// BenchmarkLocateOverlapShaanxi: the overlap measures of Checker.Locate in one
// goroutine, without HTTP or the batch pipeline around them: the 206 accepted
// oracle footprints (polygons, lines and points; api's
// BenchmarkLocateFootprints206 end to end), and 10k of the 100 m squares of
// api's BenchmarkLocateSquares100k; CPU per op.
func BenchmarkLocateOverlapShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	c := zones.NewCheckerFor(idx)
	raw, err := os.ReadFile(filepath.Join(oracle.SharedDir(b), "oracle", "footprints.geojson"))
	if err != nil {
		b.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		b.Fatal(err)
	}
	var footprints []orb.Geometry
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			footprints = append(footprints, f.Geometry)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	squares := make([]orb.Geometry, 10_000)
	for i := range squares {
		x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
		dx, dy := 100/(111320*math.Cos(y*math.Pi/180)), 100/111320.0
		squares[i] = orb.Polygon{{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}}
	}
	for _, bc := range []struct {
		name string
		gs   []orb.Geometry
	}{{"footprints206", footprints}, {"squares10k", squares}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			hits := 0
			t0 := processCPU()
			for b.Loop() {
				for _, g := range bc.gs {
					h, err := c.Locate(ctx, g)
					if err != nil {
						b.Fatal(err)
					}
					hits += len(h)
				}
			}
			if hits == 0 {
				b.Fatal("no hit")
			}
			b.ReportMetric(float64(processCPU()-t0)/float64(b.N), "cpu-ns/op")
		})
	}
}
