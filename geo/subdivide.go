package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"
	"github.com/redline-gis/redline/planar"
)

// lossTolerance is the share of a geometry's planar measure that its pieces may
// miss: cut points are rounded to float64, which moves areas by ~1e-15 of a piece.
const lossTolerance = 1e-9

// linePad is how far (degrees, ~0.1 mm) the rectangles that cut a line reach past
// its box and across the cut, so that no stretch of it lies on their edges.
const linePad = 1e-9

// Subdivide cuts g into pieces of at most maxVertices vertices each by recursive
// halving of the bounding box along its longer side with ClipByRect (the approach of
// PostGIS's ST_Subdivide), in c. Pieces of a polygon share their cut edges exactly;
// pieces of a line overlap by ~0.1 mm at the cuts.
//
// Parts of dimension lower than g's that clipping produces along the cuts (a
// polygon touching a cut leaves a line or point in the half beyond it) are dropped;
// nothing else is. A GEOS failure is an error, and so is a subdivision that leaves
// no piece or whose pieces miss part of g: their planar area (length for lines) must
// add up to g's, so a half that came back empty when it should not have cannot
// leave a hole in the index unnoticed.
func (c *Context) Subdivide(g orb.Geometry, maxVertices int) ([]orb.Geometry, error) {
	if maxVertices < 8 {
		maxVertices = 8
	}
	d := planar.DimArea
	switch g.(type) {
	case orb.LineString, orb.MultiLineString:
		d = planar.DimLine
	}
	root, err := c.FromOrb(g)
	if err != nil {
		return nil, err
	}
	var out []orb.Geometry
	var rec func(gg *Geom, depth int) error
	rec = func(gg *Geom, depth int) error {
		defer gg.Destroy()
		empty, err := gg.IsEmpty()
		if err != nil {
			return err
		}
		if empty {
			return nil // if it should not be, the measure below tells
		}
		n, err := gg.NumCoords()
		if err != nil {
			return err
		}
		if n <= maxVertices || depth >= 40 {
			o, err := gg.Orb()
			if err != nil {
				return err
			}
			if part := planar.Extract(o, d); part != nil {
				out = append(out, part)
			}
			return nil
		}
		b, err := gg.Bound()
		if err != nil {
			return err
		}
		// ClipByRect takes a line lying along the rectangle's edge as outside it
		// and drops it, so for lines the halves reach past the box and overlap
		// across the cut by linePad: a stretch along the cut is then in both
		// halves (the overlay dissolves a zone's pieces, so twice costs nothing).
		// Polygons lose no area on an edge and must share their cuts exactly.
		pad := 0.0
		if d == planar.DimLine {
			pad = linePad
			b = b.Pad(pad)
		}
		var halves [2]orb.Bound
		if b.Max[0]-b.Min[0] >= b.Max[1]-b.Min[1] {
			mid := (b.Min[0] + b.Max[0]) / 2
			halves[0] = orb.Bound{Min: b.Min, Max: orb.Point{mid + pad, b.Max[1]}}
			halves[1] = orb.Bound{Min: orb.Point{mid - pad, b.Min[1]}, Max: b.Max}
		} else {
			mid := (b.Min[1] + b.Max[1]) / 2
			halves[0] = orb.Bound{Min: b.Min, Max: orb.Point{b.Max[0], mid + pad}}
			halves[1] = orb.Bound{Min: orb.Point{b.Min[0], mid - pad}, Max: b.Max}
		}
		for _, h := range halves {
			part, err := gg.ClipByRect(h)
			if err != nil {
				return err
			}
			if err := rec(part, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(root, 0); err != nil {
		return nil, err
	}
	if err := conserved(g, d, out); err != nil {
		return nil, err
	}
	return out, nil
}

// conserved checks that pieces, cut from g, leave none of g's parts of dimension d
// out: at least one piece, and as much planar area (length) as g.
func conserved(g orb.Geometry, d planar.Dim, pieces []orb.Geometry) error {
	if len(pieces) == 0 {
		return fmt.Errorf("geo: subdivide %s: no piece of dimension %d left", g.GeoJSONType(), d)
	}
	whole, sum := measure(g, d), 0.0
	for _, p := range pieces {
		sum += measure(p, d)
	}
	if sum < whole*(1-lossTolerance) {
		what := "area"
		if d == planar.DimLine {
			what = "length"
		}
		return fmt.Errorf("geo: subdivide %s: the %d pieces miss %.3g of its planar %s (%.12g of %.12g): a clip lost part of it",
			g.GeoJSONType(), len(pieces), (whole-sum)/whole, what, sum, whole)
	}
	return nil
}

// measure is the planar area (d = DimArea) or length (DimLine) of g's parts of
// dimension d, in g's coordinates.
func measure(g orb.Geometry, d planar.Dim) float64 {
	if d == planar.DimLine {
		return orbplanar.Length(planar.Extract(g, d))
	}
	return orbplanar.Area(planar.Extract(g, d))
}
