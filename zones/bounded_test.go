package zones_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// scatteredRing runs through n points scattered over about 8 km of zone A of
// testDataset, in the order drawn: a list of points sent as a boundary.
func scatteredRing(n int, seed uint64) orb.Ring {
	return patchgen.ScatteredRing(rand.New(rand.NewPCG(seed, 9)), n, orb.Bound{Min: orb.Point{108.005, 34.005}, Max: orb.Point{108.035, 34.035}})
}

// circleRing is a simple ring of n vertices inside zone A, clear of its hole.
func circleRing(n int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		r = append(r, orb.Point{108.02 + 0.015*math.Cos(a), 34.02 + 0.015*math.Sin(a)})
	}
	return append(r, r[0])
}

// crossingCombs are two valid polygons of teeth teeth each in zone A, one the
// other turned a quarter: they cross 4·teeth² times.
func crossingCombs(teeth int) (a, b orb.Ring) {
	w := 0.03 / float64(teeth)
	for i := range teeth {
		x := 108.005 + float64(i)*w
		a = append(a, orb.Point{x, 34.005}, orb.Point{x, 34.035}, orb.Point{x + w/2, 34.035}, orb.Point{x + w/2, 34.005})
	}
	a = append(a, orb.Point{108.035, 34.005}, orb.Point{108.035, 34.002}, orb.Point{108.005, 34.002}, orb.Point{108.005, 34.005})
	for _, p := range a {
		b = append(b, orb.Point{108.005 + (p[1] - 34.005), 34.005 + (p[0] - 108.005)})
	}
	return a, b
}

// bowtied swaps two neighbouring vertices of r: one crossing.
func bowtied(r orb.Ring) orb.Ring {
	r = append(orb.Ring{}, r...)
	i := len(r) / 2
	r[i], r[i+1] = r[i+1], r[i]
	return r
}

// TestCheckBoundsRepair: a footprint GEOS could not validate or repair in
// bounded time is refused before GEOS sees it — a ring of points in any order
// (in a check, strict or not, in a part or a hole, and in Locate), a comb of
// slivers, an invalid polygon of very many vertices — and in milliseconds,
// where the repair of the 2,000 points would have taken most of an hour. A
// bow-tie and a ring of hundreds of crossings are repaired as before.
func TestCheckBoundsRepair(t *testing.T) {
	c := newChecker(t, 0)
	points := orb.Polygon{scatteredRing(2000, 1)}
	shell := rect(108.001, 34.001, 108.039, 34.039)
	var comb orb.Ring
	for i := range 5000 {
		x := 108.001 + float64(i)*2e-8
		comb = append(comb, orb.Point{x, 34.001}, orb.Point{x + 0.03 + 5e-9, 34.031})
	}
	x := comb[len(comb)-1][0] + 1e-8
	comb = append(comb, orb.Point{x, 34.001}, orb.Point{x, 34.0005}, orb.Point{108.001, 34.0005}, orb.Point{108.001, 34.001})

	refusals := []struct {
		name    string
		g       orb.Geometry
		opts    zones.CheckOptions
		code    errcode.Code
		details map[string]any
		says    []string
	}{
		{"2,000 points in any order", points, zones.CheckOptions{}, errcode.InvalidGeometry,
			map[string]any{"part": 0, "ring": 0, "crossings": 2001, "limit": 2000},
			[]string{"footprint polygon 0 crosses itself at least 2001 times (most in ring 0)", "more than the 2000 crossings redline repairs", "list of points rather than a boundary traced in order"}},
		{"the same, strict", points, zones.CheckOptions{Strict: true}, errcode.InvalidGeometry,
			map[string]any{"part": 0, "crossings": 2001}, []string{"list of points"}},
		{"the points as a hole", orb.Polygon{shell, scatteredRing(2000, 2)}, zones.CheckOptions{}, errcode.InvalidGeometry,
			map[string]any{"part": 0, "ring": 1}, []string{"most in ring 1"}},
		{"the points as the second part", orb.MultiPolygon{{rect(108.05, 34.05, 108.06, 34.06)}, {scatteredRing(2000, 3)}}, zones.CheckOptions{}, errcode.InvalidGeometry,
			map[string]any{"part": 1, "ring": 0}, []string{"footprint polygon 1 crosses itself"}},
		{"a comb of 5,000 slivers", orb.Polygon{comb}, zones.CheckOptions{}, errcode.PayloadTooLarge,
			map[string]any{"part": 0, "edges": len(comb) - 1}, []string{"too many edges lying close together"}},
		{"an invalid polygon of 60,000 vertices", orb.Polygon{bowtied(circleRing(60000))}, zones.CheckOptions{}, errcode.InvalidGeometry,
			map[string]any{"part": 0, "vertices": 60001, "limit": 50000}, []string{"more than the 50000 redline repairs", "self-intersection"}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{}, tc.opts)
			el := time.Since(start)
			e, ok := errcode.As(err)
			if !ok || e.Code != tc.code {
				t.Fatalf("error %v, want code %s", err, tc.code)
			}
			for k, v := range tc.details {
				if e.Details[k] != v {
					t.Errorf("details[%s] = %v, want %v (%v)", k, e.Details[k], v, e.Details)
				}
			}
			for _, s := range tc.says {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q does not say %q", e.Message, s)
				}
			}
			if el > 2*time.Second {
				t.Errorf("refused after %v", el)
			}
		})
	}
	// Parts dissolved: each valid, crossing the other 4·teeth² times.
	comb1, comb2 := crossingCombs(100)
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		says string
	}{
		{"two polygon combs crossing 40,000 times", orb.MultiPolygon{{comb1}, {comb2}}, "polygon parts cross each other at least 30001 times"},
		{"two line combs crossing 40,000 times", orb.MultiLineString{orb.LineString(comb1), orb.LineString(comb2)}, "line parts cross each other at least 30001 times"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{}, zones.CheckOptions{})
			if e, ok := errcode.As(err); !ok || e.Code != errcode.InvalidGeometry || !strings.Contains(e.Message, tc.says) || e.Details["limit"] != 30000 {
				t.Errorf("error %v, want invalid_geometry saying %q", err, tc.says)
			}
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("refused after %v", el)
			}
		})
	}
	t.Run("locate", func(t *testing.T) {
		if _, err := c.Locate(context.Background(), points); errcode.Of(err) != errcode.InvalidGeometry {
			t.Errorf("Locate: %v", err)
		}
	})

	// Repaired as before.
	fewer := orb.Polygon{scatteredRing(60, 4)}
	k := planar.SelfCrossings(fewer, math.MaxInt, 0).N
	if k < 100 || k > 2000 {
		t.Fatalf("the 60 points cross %d times: not the case meant", k)
	}
	for _, tc := range []struct {
		name string
		g    orb.Geometry
	}{
		{"bow-tie", orb.Polygon{{{108.01, 34.01}, {108.02, 34.02}, {108.02, 34.01}, {108.01, 34.02}, {108.01, 34.01}}}},
		{"60 points in any order", fewer},
		{"a bow-tie in 40,000 vertices", orb.Polygon{bowtied(circleRing(40000))}},
		{"a valid polygon of 60,000 vertices", orb.Polygon{circleRing(60000)}},
		{"two polygon combs crossing 2,500 times", func() orb.Geometry { a, b := crossingCombs(25); return orb.MultiPolygon{{a}, {b}} }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{}, zones.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			valid := tc.name == "a valid polygon of 60,000 vertices" || strings.HasPrefix(tc.name, "two polygon combs")
			if r.Footprint.Repaired == valid || r.Footprint.AreaM2 <= 0 {
				t.Errorf("repaired %v, area %v m², warnings %v", r.Footprint.Repaired, r.Footprint.AreaM2, r.Footprint.Warnings)
			}
		})
	}
}
