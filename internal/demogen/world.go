package demogen

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"

	"github.com/redline-gis/redline/planar"
)

// The fictional province 示范省 is laid out on a jittered grid of cells, each cell an
// environmental control unit, inside about 106.7–109.3°E, 33.0–34.6°N (CGCS2000), all
// west of 109.5°E, in Gauss-Krüger 3° zones 35 and 36. The other layers are placed in
// degrees at fixed centres; their outlines come from seeded noise.
const (
	gridNX, gridNY = 7, 5
	lon0, lat0     = 106.70, 33.00
	cellDX, cellDY = 0.37, 0.32
	edgeLevels     = 7    // 128 segments per cell side
	edgeRough      = 0.24 // midpoint displacement relative to the sub-chord
	edgeWidth      = 0.14 // rhombus half-width relative to the edge: half-angle 15.6°
	nodeJitter     = 0.15 // node displacement relative to the cell size: sides meet at > 43°
)

// rowSpan gives, per grid row from the south, the columns [from, to) in the province.
// Consecutive rows overlap, so the province is one polygon without holes or pinches.
func rowSpan(j int) [2]int {
	return [gridNY][2]int{{1, 6}, {0, 7}, {0, 7}, {0, 6}, {1, 5}}[j]
}

func inProvince(i, j int) bool {
	return j >= 0 && j < gridNY && i >= rowSpan(j)[0] && i < rowSpan(j)[1]
}

type grid struct {
	nodes [gridNX + 1][gridNY + 1]orb.Point
	h     map[[2]int][]orb.Point // edge from node (i,j) to (i+1,j)
	v     map[[2]int][]orb.Point // edge from node (i,j) to (i,j+1)
}

func newGrid() (*grid, error) {
	g := &grid{h: map[[2]int][]orb.Point{}, v: map[[2]int][]orb.Point{}}
	for i := 0; i <= gridNX; i++ {
		for j := 0; j <= gridNY; j++ {
			rng := newRNG(fmt.Sprintf("node/%d/%d", i, j))
			g.nodes[i][j] = pt(lon0+(float64(i)+nodeJitter*(rng.Float64()*2-1))*cellDX,
				lat0+(float64(j)+nodeJitter*(rng.Float64()*2-1))*cellDY)
		}
	}
	edge := func(kind string, i, j int, a, b orb.Point) ([]orb.Point, error) {
		for attempt := range 50 {
			rng := newRNG(fmt.Sprintf("edge/%s/%d/%d/%d", kind, i, j, attempt))
			e := fractalEdge(rng, a, b, edgeLevels, edgeRough, edgeWidth)
			if crossings([][]orb.Point{e}, false, false) == nil {
				return e, nil
			}
		}
		return nil, fmt.Errorf("edge %s %d %d: no simple draw", kind, i, j)
	}
	for i := 0; i <= gridNX; i++ {
		for j := 0; j <= gridNY; j++ {
			if i < gridNX && (inProvince(i, j) || inProvince(i, j-1)) {
				e, err := edge("h", i, j, g.nodes[i][j], g.nodes[i+1][j])
				if err != nil {
					return nil, err
				}
				g.h[[2]int{i, j}] = e
			}
			if j < gridNY && (inProvince(i, j) || inProvince(i-1, j)) {
				e, err := edge("v", i, j, g.nodes[i][j], g.nodes[i][j+1])
				if err != nil {
					return nil, err
				}
				g.v[[2]int{i, j}] = e
			}
		}
	}
	return g, nil
}

func appendPath(ring orb.Ring, path []orb.Point, reverse bool) orb.Ring {
	n := len(path)
	for k := range n {
		p := path[k]
		if reverse {
			p = path[n-1-k]
		}
		if len(ring) > 0 && ring[len(ring)-1] == p {
			continue
		}
		ring = append(ring, p)
	}
	return ring
}

// cell returns the counter-clockwise ring of cell (i,j).
func (g *grid) cell(i, j int) orb.Ring {
	var r orb.Ring
	r = appendPath(r, g.h[[2]int{i, j}], false)
	r = appendPath(r, g.v[[2]int{i + 1, j}], false)
	r = appendPath(r, g.h[[2]int{i, j + 1}], true)
	r = appendPath(r, g.v[[2]int{i, j}], true)
	return r
}

// outline returns the province boundary, walked counter-clockwise from the south-west.
func (g *grid) outline() orb.Ring { return g.outlineOf(inProvince) }

// outlineOf returns the boundary of a set of cells that is one polygon without holes
// (the cell sides with a member on one side only), walked counter-clockwise from the
// south-west corner of its first cell in row order.
func (g *grid) outlineOf(in func(i, j int) bool) orb.Ring {
	type side struct {
		path    []orb.Point
		reverse bool
	}
	next := map[orb.Point]side{}
	add := func(path []orb.Point, reverse bool) {
		start := path[0]
		if reverse {
			start = path[len(path)-1]
		}
		next[start] = side{path, reverse}
	}
	start, found := orb.Point{}, false
	for j := range gridNY {
		for i := range gridNX {
			if !in(i, j) {
				continue
			}
			if !found {
				start, found = g.nodes[i][j], true
			}
			if !in(i, j-1) {
				add(g.h[[2]int{i, j}], false)
			}
			if !in(i+1, j) {
				add(g.v[[2]int{i + 1, j}], false)
			}
			if !in(i, j+1) {
				add(g.h[[2]int{i, j + 1}], true)
			}
			if !in(i-1, j) {
				add(g.v[[2]int{i, j}], true)
			}
		}
	}
	var r orb.Ring
	p := start
	for {
		s := next[p]
		r = appendPath(r, s.path, s.reverse)
		p = r[len(r)-1]
		if p == start {
			return r
		}
	}
}

// zone is one feature of a polygon layer, kept for placing the example footprints.
type zone struct {
	layer, id, class string
	geom             orb.MultiPolygon
	bound            orb.Bound
}

// contains reports whether z covers p (its boundary included).
func (z zone) contains(p orb.Point) bool {
	return z.bound.Contains(p) && planar.MultiPolygonLocate(z.geom, p) != planar.Outside
}

// distance is the planar distance in degrees from p to the zone's boundary.
func (z zone) distance(p orb.Point) float64 {
	d := math.Inf(1)
	for _, poly := range z.geom {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				if math.Abs(r[k][0]-p[0]) > d+0.5 && math.Abs(r[k+1][0]-p[0]) > d+0.5 {
					continue
				}
				d = math.Min(d, orbplanar.DistanceFromSegment(r[k], r[k+1], p))
			}
		}
	}
	return d
}
