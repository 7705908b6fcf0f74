package zones

import (
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo/crs"
)

// LocatePoints is LocatePoint for each point of pts in turn, the hits of all
// appended to dst: ends gets, for each point, len(dst) after its hits, or -1
// when the point is refused (LocatePoint then gives its error). It takes the
// points warmLen at a time, a step at a time over them all as WarmPoints
// does, so that their cache misses overlap, and keeps each point's state from
// step to step (its entries and sub-cell, the pieces' cells and rays) instead
// of warming and then finding it all again one point at a time.
func (c *Checker) LocatePoints(pts []orb.Point, dst []Hit, ends []int) ([]Hit, []int) {
	for len(pts) > 0 {
		n := min(len(pts), warmLen)
		dst, ends, _ = c.locateGroup(pts[:n], dst, ends)
		pts = pts[n:]
	}
	return dst, ends
}

// Room in locateGroup for the zones its points may be in, and for the pieces
// their sub-cells send to the pieces' grids (Shaanxi: 3.2 entries a point,
// 0.49 visits). A point whose candidates do not fit is located alone, and a
// piece whose visit does not fit is tested on the spot.
const (
	groupCands  = 4 * warmLen
	groupVisits = 2 * warmLen
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

// locateGroup is LocatePoints for at most warmLen points. The value it
// returns last has no meaning (it keeps the loads of the steps that only read
// ahead from being dropped).
func (c *Checker) locateGroup(pts []orb.Point, dst []Hit, ends []int) ([]Hit, []int, uint64) {
	g := &c.idx.points
	// The cells' entries and each point's sub-cell; refused points are
	// marked.
	var entries [warmLen][]uint64
	var shifts [warmLen]uint8
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
	var first [warmLen + 1]int16
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
			var found [8]int32
			for _, ord := range c.pointZones(p, found[:0]) {
				dst = append(dst, g.hits[ord])
			}
			ends = append(ends, len(dst))
			continue
		}
		last := int32(-1)
		for _, cd := range cands[first[k]:first[k+1]] {
			if cd.ord != last && (cd.visit == candIn || vs[cd.visit].in) {
				dst = append(dst, g.hits[cd.ord])
				last = cd.ord
			}
		}
		ends = append(ends, len(dst))
	}
	return dst, ends, sink
}
