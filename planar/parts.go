// Package planar is redline's pure-Go geometry on plain coordinates: walking the
// parts and vertices of an orb geometry, point location (RingLocate and its
// polygon forms), ring nesting (Nest, for every reader that groups rings), and the
// segment predicates (Orient, SegmentsMeet, SegmentsCross, Backtracks), and a
// bounded count of a polygon's self-crossings (SelfCrossings). Nothing
// here knows a CRS or an ellipsoid: the functions compute in the plane of whatever
// coordinates they are given (lon/lat degrees or projected metres), which is what
// containment and nesting need. It needs no cgo, so readers and generators use it
// without linking GEOS; exact overlay lives in package geo.
//
// Boundary rule: a point within Tolerance (1e-14 of the coordinates' magnitude) of
// an edge is on it, so the location of a vertex computed twice does not depend on
// rounding; Location says Inside, Boundary or Outside, and each caller decides
// what the boundary means for it. The validity predicates (SegmentsMeet,
// Backtracks) are exact on float64, as GEOS's validity check is.
package planar

import "github.com/paulmach/orb"

// Dim selects which parts of a geometry to keep.
type Dim int

// Dimensions of parts.
const (
	DimPoint Dim = 0
	DimLine  Dim = 1
	DimArea  Dim = 2
)

// Extract returns the parts of g of dimension d, flattened into a Multi* (or the
// single part): orb.MultiPolygon/Polygon, orb.MultiLineString/LineString,
// orb.MultiPoint/Point; nil when there are none.
func Extract(g orb.Geometry, d Dim) orb.Geometry {
	var polys orb.MultiPolygon
	var lines orb.MultiLineString
	var points orb.MultiPoint
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Polygon:
			if len(g) > 0 {
				polys = append(polys, g)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				walk(p)
			}
		case orb.LineString:
			if len(g) > 0 {
				lines = append(lines, g)
			}
		case orb.MultiLineString:
			for _, l := range g {
				walk(l)
			}
		case orb.Point:
			points = append(points, g)
		case orb.MultiPoint:
			points = append(points, g...)
		case orb.Collection:
			for _, c := range g {
				walk(c)
			}
		case orb.Ring:
			polys = append(polys, orb.Polygon{g})
		case orb.Bound:
			polys = append(polys, g.ToPolygon())
		}
	}
	walk(g)
	switch d {
	case DimArea:
		switch len(polys) {
		case 0:
			return nil
		case 1:
			return polys[0]
		}
		return polys
	case DimLine:
		switch len(lines) {
		case 0:
			return nil
		case 1:
			return lines[0]
		}
		return lines
	default:
		switch len(points) {
		case 0:
			return nil
		case 1:
			return points[0]
		}
		return points
	}
}

// Polygons returns the non-empty polygons of g, through multi-geometries and
// collections.
func Polygons(g orb.Geometry) []orb.Polygon {
	if a := Extract(g, DimArea); a != nil {
		if p, ok := a.(orb.Polygon); ok {
			return []orb.Polygon{p}
		}
		return a.(orb.MultiPolygon)
	}
	return nil
}

// Lines returns the non-empty line strings of g, through multi-geometries and
// collections.
func Lines(g orb.Geometry) []orb.LineString {
	if l := Extract(g, DimLine); l != nil {
		if ls, ok := l.(orb.LineString); ok {
			return []orb.LineString{ls}
		}
		return l.(orb.MultiLineString)
	}
	return nil
}

// NumVertices counts the vertices of g.
func NumVertices(g orb.Geometry) int {
	n := 0
	EachPoint(g, func(orb.Point) { n++ })
	return n
}

// EachPoint calls f for every vertex of g, through multi-geometries and
// collections, in order. The parts of a multi-geometry or polygon are walked
// here, not passed to EachPoint again: as an orb.Geometry each would be
// allocated (a batch's reader checks every polygon it reads with it).
func EachPoint(g orb.Geometry, f func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		f(g)
	case orb.MultiPoint:
		for _, p := range g {
			f(p)
		}
	case orb.LineString:
		for _, p := range g {
			f(p)
		}
	case orb.Ring:
		for _, p := range g {
			f(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			for _, p := range l {
				f(p)
			}
		}
	case orb.Polygon:
		for _, r := range g {
			for _, p := range r {
				f(p)
			}
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			for _, r := range pg {
				for _, p := range r {
					f(p)
				}
			}
		}
	case orb.Collection:
		for _, c := range g {
			EachPoint(c, f)
		}
	}
}

// Points returns the points of g, through multi-geometries and collections.
func Points(g orb.Geometry) []orb.Point {
	switch p := Extract(g, DimPoint).(type) {
	case orb.Point:
		return []orb.Point{p}
	case orb.MultiPoint:
		return p
	}
	return nil
}
