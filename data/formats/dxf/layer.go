package dxf

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// This file chooses the layer, joins the open pieces of the chosen layer into
// rings, and writes the collection with what was assumed.

// snap is how close, in metres, two end points must be to join: CAD object snaps
// put them within nanometres, hand-drawn ones within a millimetre.
const snap = 0.001

// maxRings bounds the closed shapes of the chosen layer (data/formats nests them
// by containment).
const maxRings = 10_000

// chained is what joining a layer's open pieces gave.
type chained struct {
	rings []orb.Ring
	left  int // pieces that close no ring
}

// chain joins g's open pieces end to end into rings (once).
func (g *layerGeom) chained() *chained {
	if g.chain == nil {
		g.chain = chain(g.open)
	}
	return g.chain
}

// rings counts the closed shapes of an accepted layer, joined pieces included.
func (p *pass) rings(layer string) int {
	g := p.geom[layer]
	if g == nil {
		return 0
	}
	return len(g.rings) + len(g.chained().rings)
}

// choose picks the layer: the one named, else the best-named layer holding closed
// shapes, else the only layer holding closed shapes — unless a layer named like a
// red line holds lines or points and no closed shape, which is then read as it is
// (a route drawn on 用地红线 is the site, not the frame around it). why says which
// rule chose the layer; lines says its lines or points may stand for the site.
func (p *pass) choose(want string) (layer, why string, lines bool, err error) {
	if want != "" {
		found := ""
		for _, l := range p.order {
			if l == want {
				return l, "named by dxf_layer", true, nil
			}
			if sameLayer(l, want) && found == "" {
				found = l
			}
		}
		if found != "" {
			return found, "named by dxf_layer", true, nil
		}
		return "", "", false, errcode.New(errcode.BadRequest, map[string]any{"field": "dxf_layer", "layer": want},
			"dxf: the drawing has no layer %q (dxf_layer); its layers hold: %s", want, p.inventory())
	}
	// best is the best-named layer for which has says yes: ok false when there is
	// none, an error when two are equally good.
	best := func(has func(l string) bool) (string, int, bool, error) {
		rank := -1
		var cands []string
		for _, l := range p.order {
			r := nameRank(l)
			if r < 0 || !has(l) {
				continue
			}
			switch {
			case rank < 0 || r < rank:
				rank, cands = r, []string{l}
			case r == rank:
				cands = append(cands, l)
			}
		}
		switch len(cands) {
		case 0:
			return "", 0, false, nil
		case 1:
			return cands[0], rank, true, nil
		}
		return "", 0, false, errcode.New(errcode.BadRequest, map[string]any{"field": "dxf_layer", "layers": cands},
			"dxf: layers %s could each be the red line: name one with dxf_layer (--dxf-layer); the drawing's layers hold: %s",
			quoteAll(cands), p.inventory())
	}
	if l, rank, ok, err := best(func(l string) bool { return p.rings(l) > 0 }); err != nil || ok {
		return l, fmt.Sprintf("its name says %s", layerWords[rank]), false, err
	}
	drawn := func(l string) bool { g := p.geom[l]; return g != nil && (len(g.open) > 0 || len(g.points) > 0) }
	if l, rank, ok, err := best(drawn); err != nil || ok {
		return l, fmt.Sprintf("its name says %s", layerWords[rank]), true, err
	}
	var closed []string
	for _, l := range p.order {
		if p.stats[l].nRings > 0 {
			closed = append(closed, l)
		}
	}
	switch len(closed) {
	case 1:
		return closed[0], "the only layer holding closed shapes", false, nil
	case 0:
		return "", "", false, errcode.New(errcode.EmptyGeometry, nil,
			"dxf: no closed shape (closed polyline, circle, hatch, or lines and arcs closing a ring on a layer named like 用地红线) in the drawing; it holds: %s", p.inventory())
	}
	return "", "", false, errcode.New(errcode.BadRequest, map[string]any{"field": "dxf_layer", "layers": closed},
		"dxf: no layer is named like a red line (用地红线, 红线, 界址, 用地, boundary) and %d layers hold closed shapes: name the boundary's layer with dxf_layer (--dxf-layer); the drawing's layers hold: %s",
		len(closed), p.inventory())
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// collection writes the chosen layer as one feature, with the warnings; lines
// says that, without closed shapes, its lines or points stand for the site.
func (p *pass) collection(layer, why string, lines bool) (*vector.Collection, error) {
	g := p.geom[layer]
	if g == nil {
		g = &layerGeom{}
	}
	st := p.stats[layer]
	ch := g.chained()
	rings := append(append([]orb.Ring{}, g.rings...), ch.rings...)
	tooMany := func() error {
		return errcode.New(errcode.PayloadTooLarge, map[string]any{"layer": layer},
			"dxf: layer %q holds %d closed shapes, more than %d", layer, len(rings), maxRings)
	}
	if len(rings) > 2*maxRings { // before the quadratic search for repeats
		return nil, tooMany()
	}
	rings, dups := dedupe(rings, p.tol)
	// A circle smaller than the tolerance, a polyline of two vertices closed on
	// itself, lines drawn back and forth over each other bound nothing (and
	// data/formats would leave a ring of three points a line).
	tiny := 0
	kept := rings[:0]
	for _, r := range rings {
		if len(r) < 4 || ringArea(r) < snap*snap {
			tiny++
			continue
		}
		kept = append(kept, r)
	}
	rings = kept
	c := &vector.Collection{Format: Format}
	warn := func(format string, args ...any) {
		c.Warnings = append(c.Warnings, "DXF: "+fmt.Sprintf(format, args...))
	}
	if len(rings) > maxRings {
		return nil, tooMany()
	}
	var geom orb.Geometry
	switch {
	case len(rings) > 0:
		ml := make(orb.MultiLineString, len(rings))
		for i, r := range rings {
			ml[i] = orb.LineString(r)
		}
		geom = ml
	case lines && len(g.open) > 0:
		ml := orb.MultiLineString(g.open)
		geom = ml
		if len(ml) == 1 {
			geom = ml[0]
		}
		warn("layer %q holds no closed shape: its %d lines are read as lines", layer, len(ml))
	case lines && len(g.points) > 0:
		geom = orb.MultiPoint(g.points)
		if len(g.points) == 1 {
			geom = g.points[0]
		}
		warn("layer %q holds no closed shape or line: its %d points are read as points", layer, len(g.points))
	default:
		return nil, errcode.New(errcode.EmptyGeometry, map[string]any{"layer": layer},
			"dxf: layer %q (%s) holds no closed shape; the drawing's layers hold: %s", layer, why, p.inventory())
	}
	desc := "nothing"
	if st != nil {
		desc = st.describe()
	}
	warn("the boundary was read from layer %q (%s), which holds %s", layer, why, desc)
	if len(ch.rings) > 0 {
		warn("%d rings on layer %q were joined from lines, arcs and open polylines meeting end to end", len(ch.rings), layer)
	}
	var others []string
	for _, l := range p.order {
		if l != layer && p.stats[l].nRings > 0 {
			others = append(others, fmt.Sprintf("%q (%d)", l, p.stats[l].nRings))
		}
	}
	if len(others) > 0 {
		warn("other layers holding closed shapes were not read: %s", strings.Join(others, ", "))
	}
	c.Warnings = append(c.Warnings, "DXF: "+p.units)
	if p.arcs || p.capped {
		s := fmt.Sprintf("arcs were replaced by chords within %g m of them", p.tol)
		if p.capped {
			s += fmt.Sprintf("; some arcs or ellipses needed more than %d chords and are coarser", maxArcSegments)
		}
		warn("%s", s)
	}
	if st != nil && st.counts["SPLINE"] > 0 {
		warn("splines on layer %q were sampled at %d points per control point, not to the chord tolerance", layer, splineSamples)
	}
	if p.text.used != "" {
		warn("names were decoded as %s", p.text.used)
	}
	if len(rings) > 0 && ch.left > 0 {
		warn("%d lines or arcs on layer %q close no ring and were not read", ch.left, layer)
	}
	if tiny > 0 {
		warn("%d closed shapes on layer %q bound no area (under 1 mm², or fewer than three distinct vertices once densified) and were not read", tiny, layer)
	}
	if dups > 0 {
		warn("%d closed shapes on layer %q repeat another one (a hatch over its boundary line?) and were counted once", dups, layer)
	}
	if len(rings) > 0 && len(g.points) > 0 {
		warn("%d points on layer %q were not read", len(g.points), layer)
	}
	for name, n := range p.missing {
		warn("%d references to the undefined block %q were skipped", n, name)
	}
	if p.paper > 0 {
		warn("%d entities in paper space were not read", p.paper)
	}
	c.Features = []vector.Feature{{Index: 0, ID: layer, Geometry: geom, Properties: map[string]any{"layer": layer}}}
	return c, nil
}

// chain joins open pieces whose end points meet (within snap) into closed rings;
// a piece may be walked either way. At a junction of more than two pieces the
// first unused one is taken.
func chain(pieces []orb.LineString) *chained {
	out := &chained{}
	if len(pieces) == 0 {
		return out
	}
	type key struct{ x, y int64 }
	cell := func(p orb.Point) key {
		return key{int64(math.Floor(p[0] / snap)), int64(math.Floor(p[1] / snap))}
	}
	type end struct {
		piece int
		last  bool
	}
	grid := map[key][]end{}
	for i, pc := range pieces {
		for _, e := range []end{{i, false}, {i, true}} {
			p := pc[0]
			if e.last {
				p = pc[len(pc)-1]
			}
			k := cell(p)
			grid[k] = append(grid[k], e)
		}
	}
	used := make([]bool, len(pieces))
	// near finds an unused piece with an end within snap of p. Used ends are
	// dropped from the grid as they are met, and a crowd of ends around one point
	// is searched no further than maxScan: a drawing cannot make this quadratic.
	const maxScan = 64
	near := func(p orb.Point) (end, bool) {
		k := cell(p)
		scanned := 0
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				kk := key{k.x + dx, k.y + dy}
				ends := grid[kk]
				for j := 0; j < len(ends); {
					e := ends[j]
					if used[e.piece] {
						ends[j] = ends[len(ends)-1]
						ends = ends[:len(ends)-1]
						grid[kk] = ends
						continue
					}
					j++
					if scanned++; scanned > maxScan {
						return end{}, false
					}
					pc := pieces[e.piece]
					q := pc[0]
					if e.last {
						q = pc[len(pc)-1]
					}
					if math.Hypot(q[0]-p[0], q[1]-p[1]) <= snap {
						return e, true
					}
				}
			}
		}
		return end{}, false
	}
	for i := range pieces {
		if used[i] {
			continue
		}
		used[i] = true
		ring := append(orb.Ring{}, pieces[i]...)
		n := 1
		closed := false
		for {
			head, tail := ring[0], ring[len(ring)-1]
			if len(ring) >= 4 && math.Hypot(tail[0]-head[0], tail[1]-head[1]) <= snap {
				ring[len(ring)-1] = head
				closed = true
				break
			}
			e, ok := near(tail)
			if !ok {
				break
			}
			used[e.piece] = true
			n++
			pc := pieces[e.piece]
			if e.last {
				for j := len(pc) - 2; j >= 0; j-- {
					ring = append(ring, pc[j])
				}
			} else {
				ring = append(ring, pc[1:]...)
			}
		}
		if closed {
			out.rings = append(out.rings, ring)
		} else {
			out.left += n
		}
	}
	return out
}

// dedupe drops rings that repeat an earlier one — the same box within tol and the
// same area within what densifying their arcs differently could change — and
// says how many it dropped. A hatch is usually drawn over its boundary polyline.
// Kept rings are found again by the corner of their box on a grid of that
// tolerance, so many rings cost no more than a few.
func dedupe(rings []orb.Ring, tol float64) ([]orb.Ring, int) {
	type sum struct {
		b           orb.Bound
		area, perim float64
	}
	eps := math.Max(2*tol, snap)
	type key struct{ x, y int64 }
	cell := func(p orb.Point) key { return key{int64(math.Floor(p[0] / eps)), int64(math.Floor(p[1] / eps))} }
	kept := map[key][]sum{}
	out := rings[:0:0]
	dups := 0
next:
	for _, r := range rings {
		l := 0.0
		for j := 0; j+1 < len(r); j++ {
			l += math.Hypot(r[j+1][0]-r[j][0], r[j+1][1]-r[j][1])
		}
		x := sum{b: r.Bound(), area: ringArea(r), perim: l}
		k := cell(x.b.Min)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, y := range kept[key{k.x + dx, k.y + dy}] {
					if math.Abs(x.b.Min[0]-y.b.Min[0]) <= eps && math.Abs(x.b.Min[1]-y.b.Min[1]) <= eps &&
						math.Abs(x.b.Max[0]-y.b.Max[0]) <= eps && math.Abs(x.b.Max[1]-y.b.Max[1]) <= eps &&
						math.Abs(x.area-y.area) <= tol*math.Max(x.perim, y.perim)+eps*eps {
						dups++
						continue next
					}
				}
			}
		}
		kept[k] = append(kept[k], x)
		out = append(out, r)
	}
	return out, dups
}

// ringArea is the unsigned planar area of r, computed about its first vertex for
// precision with Gauss-Krüger eastings of eight digits.
func ringArea(r orb.Ring) float64 {
	a := 0.0
	for j := 0; j+1 < len(r); j++ {
		a += (r[j][0]-r[0][0])*(r[j+1][1]-r[0][1]) - (r[j+1][0]-r[0][0])*(r[j][1]-r[0][1])
	}
	return math.Abs(a) / 2
}
