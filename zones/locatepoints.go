package zones

import (
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo/crs"
)

// groupLen is the most points locateGroup takes at once: their state lives on
// the stack, zeroed at every call (a batch's worker locates 64 points at a
// time: state for 256 was 21 KB to clear for each 64).
const groupLen = 64

// LocatePoints is LocatePoint for each point of pts in turn, the hits of all
// appended to dst as the positions of their zones in the dataset: the hit of
// a zone at position z is table[z], the table it returns (the same for every
// call; shared, not to be changed). ends gets, for each point, len(dst)
// after its hits, or -1 when the point is refused (LocatePoint then gives
// its error). A caller that renders the hits can keep what it made of a
// zone's hit by its position, and a hit costs four bytes to hand over rather
// than a copy of the Hit. It takes the points groupLen at a time and reads,
// for each, the memory that LocatePoint reads for it a step at a time over
// them all: the loads of one step are independent from point to point, so
// the processor has many cache misses in flight at once, where a lookup
// alone waits for each of its own in turn (the grid's cell, its entries, the
// pieces, their cells, ranks, edge lists and vertices: a chain of dependent
// misses). Each point's state is kept from step to step (its entries and
// sub-cell, the pieces' cells and rays) and the points are answered from it.
func (c *Checker) LocatePoints(pts []orb.Point, dst []int32, ends []int) (zs []int32, e []int, table []Hit) {
	for len(pts) > 0 {
		n := min(len(pts), groupLen)
		dst, ends, _ = c.locateGroup(pts[:n], dst, ends)
		pts = pts[n:]
	}
	return dst, ends, c.idx.points.hits
}

// Room in locateGroup for the zones its points may be in, and for the pieces
// their sub-cells send to the pieces' grids (Shaanxi: 3.2 entries a point,
// 0.49 visits). A point whose candidates do not fit is located alone, and a
// piece whose visit does not fit is tested on the spot.
const (
	groupCands  = 4 * groupLen
	groupVisits = 2 * groupLen
)

// groupCandsMax and groupVisitsMax are the room locateGroup uses, smaller in
// tests.
var (
	groupCandsMax  = groupCands
	groupVisitsMax = groupVisits
)

// A zone that a point of a group may be in: visit is the piece's visit, or
// candIn when its sub-cell answered inside.
type groupCand struct {
	ord   int32
	visit int16
}

const candIn = -1

// locateGroup is LocatePoints for at most groupLen points. The value it
// returns last has no meaning (it keeps the loads of the steps that only read
// ahead from being dropped).
func (c *Checker) locateGroup(pts []orb.Point, dst []int32, ends []int) ([]int32, []int, uint64) {
	g := &c.idx.points
	// The cells' entries and each point's sub-cell; refused points are
	// marked.
	var entries [groupLen][]uint64
	var shifts [groupLen]uint8
	var refused, alone uint64
	for k, p := range pts {
		if !crs.InChina(p[0], p[1]) {
			refused |= 1 << k
			continue
		}
		items, shift := g.candidates(p)
		entries[k], shifts[k] = items, uint8(shift)
	}
	// The first entry of each.
	var sink uint64
	for _, items := range entries[:len(pts)] {
		if len(items) > 0 {
			sink += items[0]
		}
	}
	// The zones of the entries that do not answer outside, and the pieces to
	// visit.
	var cands [groupCands]groupCand
	var first [groupLen + 1]int16
	var visits [groupVisits]groupVisit
	nc, nv := 0, 0
	for k, p := range pts {
		first[k] = int16(nc)
		items, shift := entries[k], shifts[k]
		if nc+len(items) > groupCandsMax {
			alone |= 1 << k
			continue
		}
		start := nc
		for _, e := range items {
			answer := uint8(e>>shift) & 3
			if answer == cellOutside {
				continue
			}
			r := &g.refs[uint32(e)]
			// Entries come in zone order: a zone already found inside is the
			// last one.
			if nc > start && cands[nc-1].ord == r.ord && cands[nc-1].visit == candIn {
				continue
			}
			switch {
			case answer == cellInside:
				cands[nc] = groupCand{ord: r.ord, visit: candIn}
			case nv < groupVisitsMax:
				visits[nv] = groupVisit{cg: r.cells, p: p}
				cands[nc] = groupCand{ord: r.ord, visit: int16(nv)}
				nv++
			case r.cells.covers(p):
				cands[nc] = groupCand{ord: r.ord, visit: candIn}
			default:
				continue
			}
			nc++
		}
	}
	first[len(pts)] = int16(nc)
	vs := visits[:nv]
	sink += readVisits(vs)
	// The exact tests.
	for i := range vs {
		if v := &vs[i]; v.exact {
			v.in = v.cg.exactRay(v.p, int(v.x), int(v.y), int(v.lo), int(v.hi), v.right, int(v.own), int(v.past), int(v.k))
		}
	}
	// The answers, in zone order.
	for k, p := range pts {
		switch {
		case refused>>k&1 != 0:
			ends = append(ends, -1)
			continue
		case alone>>k&1 != 0:
			// p is in China. Its own buffer: pointZones compares a zone
			// with the last one it holds, which may be another point's.
			var found [8]int32
			dst = append(dst, c.pointZones(p, found[:0])...)
			ends = append(ends, len(dst))
			continue
		}
		last := int32(-1)
		for _, cd := range cands[first[k]:first[k+1]] {
			if cd.ord != last && (cd.visit == candIn || vs[cd.visit].in) {
				dst = append(dst, cd.ord)
				last = cd.ord
			}
		}
		ends = append(ends, len(dst))
	}
	return dst, ends, sink
}

// groupVisit is a piece that a point's sub-cell sends to the piece's grid.
type groupVisit struct {
	cg               *cellGrid
	p                orb.Point
	x, y             int32 // the point's cell in cg
	lo, hi, own, k   int32 // its ray, as cg.ray finds it
	past, from, end  int32 // the edges of its exact test are cg.edges[from:end]
	right, exact, in bool  // in: the answer; exact: the exact test decides it
}

// readVisits takes the steps of the visits vs that follow the pieces to their
// grids, each step over them all: the grids, their words and ranks at the
// points, the cells' answers (in) or the rays of their exact tests (exact),
// the edge lists and the edges' vertices of those rays. It leaves the exact
// tests to the caller.
func readVisits(vs []groupVisit) uint64 {
	var sink uint64
	// The grids themselves.
	for i := range vs {
		sink += uint64(vs[i].cg.nx)
	}
	// Their words and ranks at the point.
	for i := range vs {
		v := &vs[i]
		cg := v.cg
		if v.p[0] < cg.bound.Min[0] || v.p[0] > cg.bound.Max[0] || v.p[1] < cg.bound.Min[1] || v.p[1] > cg.bound.Max[1] {
			continue
		}
		x, y := cg.cell(v.p)
		v.x, v.y = int32(x), int32(y)
		j := y*cg.nx + x
		sink += cg.words[j>>5] + uint64(cg.rank[j>>5])
		v.exact = true
	}
	// The cells' answers, and for a boundary cell the ray of its exact test
	// and the edges it reads: those listed for the boundary cells of the
	// ray, one run of cg.edges.
	for i := range vs {
		v := &vs[i]
		if !v.exact {
			continue
		}
		cg := v.cg
		switch cg.at(int(v.y)*cg.nx + int(v.x)) {
		case cellInside:
			v.in, v.exact = true, false
			continue
		case cellOutside:
			v.exact = false
			continue
		}
		if cg.start == nil {
			v.in, v.exact = cg.exact(v.p), false
			continue
		}
		lo, hi, right, own, past, k := cg.ray(int(v.x), int(v.y))
		v.lo, v.hi, v.right, v.own, v.past, v.k = int32(lo), int32(hi), right, int32(own), int32(past), int32(k)
		v.from, v.end = int32(cg.start[k]), int32(cg.start[cg.rankOf(hi)])
	}
	// The edge lists.
	for i := range vs {
		if v := &vs[i]; v.exact && v.from < v.end {
			sink += uint64(v.cg.edges[v.from])
		}
	}
	// The edges' vertices.
	for i := range vs {
		v := &vs[i]
		if !v.exact {
			continue
		}
		for _, ei := range v.cg.edges[v.from:v.end] {
			sink += uint64(int64(v.cg.xy[2*int(ei)+1]))
		}
	}
	return sink
}
