package zones_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// oracleFootprints returns the geometries of the accepted oracle footprints.
func oracleFootprints(t testing.TB) []orb.Geometry {
	raw, err := os.ReadFile(filepath.Join(oracle.SharedDir(t), "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	var gs []orb.Geometry
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			gs = append(gs, f.Geometry)
		}
	}
	return gs
}

// TestLocateScratchReused: Locate's pooled working memory leaves nothing of one
// footprint in the next: the oracle footprints located by four goroutines at
// once, each in its own order, give what they give one at a time.
func TestLocateScratchReused(t *testing.T) {
	_, idx := sharedIndex(t)
	c := zones.NewCheckerFor(idx)
	gs := oracleFootprints(t)
	ctx := context.Background()
	want := make([][]zones.Hit, len(gs))
	hits := 0
	for i, g := range gs {
		h, err := c.Locate(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = h
		hits += len(h)
	}
	if hits < len(gs) {
		t.Fatalf("%d hits for %d footprints", hits, len(gs))
	}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for k := range gs {
				i := (k*(2*w+1) + w) % len(gs)
				h, err := c.Locate(ctx, gs[i])
				if err == nil && !slices.Equal(h, want[i]) {
					err = fmt.Errorf("footprint %d: %v, alone %v", i, h, want[i])
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLocateOverlapShaanxi: the overlap measures of Checker.Locate in one
// goroutine, without HTTP or the batch pipeline around them: the 206 accepted
// oracle footprints (polygons, lines and points; api's
// BenchmarkLocateFootprints206 end to end), and 10k of the 100 m squares of
// api's BenchmarkLocateSquares100k; CPU per op.
func BenchmarkLocateOverlapShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	c := zones.NewCheckerFor(idx)
	footprints := oracleFootprints(b)
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
			t0 := proccpu.Now()
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
			b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N), "cpu-ns/op")
		})
	}
}
