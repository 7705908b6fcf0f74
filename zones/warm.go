package zones

import (
	"github.com/paulmach/orb"
)

// warmLen is the most points warm takes at once: their state lives on the
// stack, zeroed at every call (a batch's worker warms 64 points at a time:
// state for 256 was 21 KB to clear for each 64).
const warmLen = 64

// WarmPoints reads, for each point of pts, the memory that LocatePoint reads
// for it, a step at a time over all the points: the loads of one step are
// independent from point to point, so the processor has many cache misses in
// flight at once, where a lookup alone waits for each of its own in turn (the
// grid's cell, its entries, the pieces, their cells, ranks, edge lists and
// vertices: a chain of dependent misses). LocatePoints takes the same steps
// and keeps what they find for the lookups. It changes nothing; the value
// returned has no meaning (it keeps the loads from being dropped).
func (c *Checker) WarmPoints(pts []orb.Point) uint64 {
	var sink uint64
	for len(pts) > 0 {
		n := min(len(pts), warmLen)
		sink ^= c.idx.points.warm(pts[:n])
		pts = pts[n:]
	}
	return sink
}

// warm is WarmPoints for at most warmLen points.
func (g *pointGrid) warm(pts []orb.Point) uint64 {
	if g.start == nil {
		return 0
	}
	var sink uint64
	// The cells' entries, found as candidates finds them (the cells' starts
	// read), and the shift of each point's sub-cell.
	var entries [warmLen][]uint64
	var shifts [warmLen]uint8
	for k, p := range pts {
		items, shift := g.candidates(p)
		entries[k], shifts[k] = items, uint8(shift)
	}
	// The first entry of each.
	for _, items := range entries[:len(pts)] {
		if len(items) > 0 {
			sink += items[0]
		}
	}
	// The pieces of the entries that do not answer outside, and the pieces'
	// grids to visit.
	var visits [groupVisits]groupVisit
	nv := 0
	for k, p := range pts {
		shift := shifts[k]
		for _, e := range entries[k] {
			switch uint8(e>>shift) & 3 {
			case cellInside:
				sink += uint64(g.refs[uint32(e)].ord)
			case cellBoundary:
				if nv < len(visits) {
					visits[nv] = groupVisit{cg: g.refs[uint32(e)].cells, p: p}
					nv++
				}
			}
		}
	}
	return sink + readVisits(visits[:nv])
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
