package zones

import (
	"encoding/binary"
	"math"

	"github.com/paulmach/orb"
)

// shape is a piece's geometry in flat, pointer-free form: its vertices as x, y
// pairs one after the other, and its rings (the lines, for a lineal piece) as
// the offsets, in vertices, where each ends. A ring whose entry has shellBit set
// starts a new polygon. The slices are windows on the index's shared arrays
// (Index.store), so the garbage collector has no pointers to follow inside them
// and a piece costs 16 bytes a vertex.
type shape struct {
	xy    []float64
	rings []uint32
	// multi: the piece was a MultiPolygon or MultiLineString (even with one part),
	// so that geom gives back the very geometry it was made from.
	multi  bool
	lineal bool
}

const shellBit = 1 << 31

// shapeOf flattens a polygonal or lineal geometry.
func shapeOf(g orb.Geometry) shape {
	var s shape
	ring := func(pts []orb.Point, shell bool) {
		for _, p := range pts {
			s.xy = append(s.xy, p[0], p[1])
		}
		end := uint32(len(s.xy) / 2)
		if shell {
			end |= shellBit
		}
		s.rings = append(s.rings, end)
	}
	poly := func(p orb.Polygon) {
		for i, r := range p {
			ring(r, i == 0)
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		poly(g)
	case orb.MultiPolygon:
		s.multi = true
		for _, p := range g {
			poly(p)
		}
	case orb.LineString:
		s.lineal = true
		ring(g, true)
	case orb.MultiLineString:
		s.lineal, s.multi = true, true
		for _, l := range g {
			ring(l, true)
		}
	}
	return s
}

// numVertices is the number of vertices of the shape.
func (s *shape) numVertices() int { return len(s.xy) / 2 }

func (s *shape) pt(i int) orb.Point { return orb.Point{s.xy[2*i], s.xy[2*i+1]} }

// ringSpan returns ring k's first vertex and end (exclusive), and whether it
// starts a polygon.
func (s *shape) ringSpan(k int) (start, end int, shell bool) {
	if k > 0 {
		start = int(s.rings[k-1] &^ shellBit)
	}
	return start, int(s.rings[k] &^ shellBit), s.rings[k]&shellBit != 0
}

// closed reports whether every ring ends at its first vertex.
func (s *shape) closed() bool {
	for k := range s.rings {
		a, b, _ := s.ringSpan(k)
		if b-a < 2 || s.xy[2*a] != s.xy[2*b-2] || s.xy[2*a+1] != s.xy[2*b-1] {
			return false
		}
	}
	return true
}

// forEdges calls f with the index of the first vertex of every edge (edge i
// runs from vertex i to vertex i+1), skipping edges of no length; f returns
// false to stop.
func (s *shape) forEdges(f func(i int) bool) {
	for k := range s.rings {
		a, b, _ := s.ringSpan(k)
		for i := a; i+1 < b; i++ {
			if s.xy[2*i] == s.xy[2*i+2] && s.xy[2*i+1] == s.xy[2*i+3] {
				continue
			}
			if !f(i) {
				return
			}
		}
	}
}

// linesApart reports whether the lines of a lineal shape keep clear of the box
// b: no segment's box, nor a lone vertex, meets it (closed boxes, compared
// exactly). A line has no interior, so it then shares no point with anything
// in b.
func (s *shape) linesApart(b orb.Bound) bool {
	for k := range s.rings {
		a, e, _ := s.ringSpan(k)
		if e-a == 1 && b.Contains(s.pt(a)) {
			return false
		}
		for i := a; i+1 < e; i++ {
			ax, ay, bx, by := s.edge(i)
			if max(ax, bx) < b.Min[0] || min(ax, bx) > b.Max[0] || max(ay, by) < b.Min[1] || min(ay, by) > b.Max[1] {
				continue
			}
			return false
		}
	}
	return true
}

// edge returns the end points of edge i.
func (s *shape) edge(i int) (ax, ay, bx, by float64) {
	return s.xy[2*i], s.xy[2*i+1], s.xy[2*i+2], s.xy[2*i+3]
}

// geom materialises the shape as the orb geometry it was made from (a new
// copy the caller may change).
func (s *shape) geom() orb.Geometry {
	return s.build(func(a, e int) []orb.Point {
		out := make([]orb.Point, e-a)
		for i := range out {
			out[i] = s.pt(a + i)
		}
		return out
	})
}

// build makes the orb geometry of the shape with the points pts gives for the
// vertices [a, e) of each ring.
func (s *shape) build(pts func(a, e int) []orb.Point) orb.Geometry {
	ring := func(k int) []orb.Point {
		a, e, _ := s.ringSpan(k)
		return pts(a, e)
	}
	if s.lineal {
		var ml orb.MultiLineString
		for k := range s.rings {
			ml = append(ml, orb.LineString(ring(k)))
		}
		if !s.multi && len(ml) == 1 {
			return ml[0]
		}
		return ml
	}
	var mp orb.MultiPolygon
	for k := range s.rings {
		_, _, shell := s.ringSpan(k)
		if shell || len(mp) == 0 {
			mp = append(mp, orb.Polygon{})
		}
		mp[len(mp)-1] = append(mp[len(mp)-1], orb.Ring(ring(k)))
	}
	if !s.multi && len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// WKB geometry types.
const (
	wkbLineString      = 2
	wkbPolygon         = 3
	wkbMultiLineString = 5
	wkbMultiPolygon    = 6
)

// appendWKB appends the shape as little-endian 2-D WKB: what geo.Context.FromWKB
// reads, without going through orb.
func (s *shape) appendWKB(b []byte) []byte {
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	head := func(t uint32) { b = append(b, 1); u32(t) }
	coords := func(k int) {
		a, e, _ := s.ringSpan(k)
		u32(uint32(e - a))
		for _, v := range s.xy[2*a : 2*e] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	if s.lineal {
		if s.multi || len(s.rings) != 1 {
			head(wkbMultiLineString)
			u32(uint32(len(s.rings)))
			for k := range s.rings {
				head(wkbLineString)
				coords(k)
			}
			return b
		}
		head(wkbLineString)
		coords(0)
		return b
	}
	// Polygons: runs of rings, each starting at a shell.
	var starts []int
	for k := range s.rings {
		if _, _, shell := s.ringSpan(k); shell || k == 0 {
			starts = append(starts, k)
		}
	}
	starts = append(starts, len(s.rings))
	poly := func(i int) {
		head(wkbPolygon)
		u32(uint32(starts[i+1] - starts[i]))
		for k := starts[i]; k < starts[i+1]; k++ {
			coords(k)
		}
	}
	if s.multi || len(starts) != 2 {
		head(wkbMultiPolygon)
		u32(uint32(len(starts) - 1))
		for i := 0; i+1 < len(starts); i++ {
			poly(i)
		}
		return b
	}
	poly(0)
	return b
}
