package zones_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestMeasureInGoAgreesWithGEOS: on the real layers, the overlap areas Locate
// measures in Go (measurePieces: cell grids and clipArea) agree with the GEOS
// path within 1e-9 relative (or the area function's own rounding, for slivers)
// for 100 m to 2 km squares (some with a hole, some with a second part) placed
// across Shaanxi, on the pieces' vertices (the
// zones' corners and the subdivision's cut lines, where the corner of a square
// sits exactly on a vertex and GEOS must decide) and just off them; and the Go
// path answers most of those that cross a zone's edge, across the subdivision's
// cut lines too; and so do the lengths of lineal zones (rivers) inside the
// squares, and of lines inside polygonal zones.
func TestMeasureInGoAgreesWithGEOS(t *testing.T) {
	_, idx := sharedIndex(t)
	c := zones.NewCheckerFor(idx)
	verts := idx.PieceVertices()
	rng := rand.New(rand.NewPCG(5, 77))
	var inGo, partialInGo, multiInGo, linesInGo, linesHoled, linesAcross, toGEOS, rounded, holed, twoParts int
	worst := 0.0
	for i := range 12000 {
		var x, y float64
		switch i % 3 {
		case 0:
			x, y = 106+4*rng.Float64(), 33+5*rng.Float64()
		case 1: // a corner on a vertex
			v := verts[rng.IntN(len(verts))]
			x, y = v[0], v[1]
		default: // near a vertex
			v := verts[rng.IntN(len(verts))]
			x, y = v[0]+0.0005*rng.NormFloat64(), v[1]+0.0005*rng.NormFloat64()
		}
		side := 100 * math.Pow(20, rng.Float64())
		dy := side / 111320
		dx := side / (111320 * math.Cos(y*math.Pi/180))
		var sq orb.Geometry = orb.Polygon{{{x, y}, {x + dx, y}, {x + dx, y + dy}, {x, y + dy}, {x, y}}}
		switch {
		case i%7 == 6: // a line of a few vertices instead, across the square
			var l orb.LineString
			for k := range 2 + i%5 {
				l = append(l, orb.Point{x + dx*rng.Float64()*float64(k+1)/2, y + dy*rng.Float64()*float64(k+1)/2})
			}
			sq = l
		case i%5 == 3: // with a hole
			hx, hy := x+dx/3, y+dy/3
			sq = append(sq.(orb.Polygon), orb.Ring{{hx, hy}, {hx, hy + dy/3}, {hx + dx/3, hy + dy/3}, {hx + dx/3, hy}, {hx, hy}})
			holed++
		case i%5 == 4: // and a second square beside it
			ex := x + 1.5*dx
			sq = orb.MultiPolygon{sq.(orb.Polygon), {{{ex, y}, {ex + dx/2, y}, {ex + dx/2, y + dy/2}, {ex, y + dy/2}, {ex, y}}}}
			twoParts++
		}
		pairs, err := c.MeasureBothWays(sq)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			if !p.GoOK {
				toGEOS++
				continue
			}
			inGo++
			d := math.Abs(p.Go - p.GEOS)
			if p.Line {
				if d > 1e-9*p.GEOS+1e-9 {
					t.Fatalf("line %v, zone %s: Go %.12g m, GEOS %.12g m", sq, p.Zone, p.Go, p.GEOS)
				}
				if p.GEOS > 0 && p.GEOS < p.Whole*(1-1e-9) {
					linesAcross++
				}
				continue
			}
			if p.Lineal {
				// Lengths add up segment by segment, each as GEOS's.
				if d > 1e-9*p.GEOS {
					t.Fatalf("square %v, lineal zone %s: Go %.12g m, GEOS %.12g m", sq, p.Zone, p.Go, p.GEOS)
				}
				if p.GEOS > 0 {
					linesInGo++
					if _, one := sq.(orb.Polygon); !one || len(sq.(orb.Polygon)) > 1 {
						linesHoled++ // a footprint of a hole or of two parts
					}
				}
				continue
			}
			// The area function's own rounding for a ring of this size
			// started elsewhere (see areaRounding in clip_test.go).
			floor := 1e-15 * side * y * 110574
			if d > math.Max(1e-9*p.GEOS, floor) {
				t.Fatalf("square %v, zone %s: Go %.12g m², GEOS %.12g m²", sq, p.Zone, p.Go, p.GEOS)
			}
			if p.GEOS > 0 {
				worst = math.Max(worst, d/p.GEOS)
			}
			if p.GEOS > 0 && p.GEOS < p.Whole*(1-1e-9) {
				partialInGo++
				if p.Pieces > 1 {
					multiInGo++
				}
			}
			if math.Round(p.Go*1000) != math.Round(p.GEOS*1000) {
				rounded++
			}
		}
	}
	t.Logf("%d squares with a hole, %d in two parts; %d lines partly in a zone measured in Go", holed, twoParts, linesAcross)
	t.Logf("%d overlaps measured in Go (%d partial, %d of them across several pieces; %d lengths of lineal zones), %d left to GEOS; worst relative difference of areas %.3g; %d differ in the third decimal",
		inGo, partialInGo, multiInGo, linesInGo, toGEOS, worst, rounded)
	t.Logf("%d of the lengths of lineal zones in footprints of a hole or of two parts", linesHoled)
	if partialInGo < 2000 || multiInGo < 200 || linesInGo < 100 || linesHoled < 30 || linesAcross < 100 || toGEOS < 100 {
		t.Fatalf("test too weak: %d overlaps measured in Go (%d partial), %d left to GEOS", inGo, partialInGo, toGEOS)
	}
}
