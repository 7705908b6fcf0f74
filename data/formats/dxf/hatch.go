package dxf

import (
	"errors"
	"math"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

// This file reads HATCH boundary paths and evaluates splines (SPLINE entities and
// spline edges of hatch boundaries).

// maxHatchPaths bounds the boundary paths of one hatch, and maxPathItems the
// vertices or edges of one path, before memory is given to them.
const (
	maxHatchPaths = 100_000
	maxPathItems  = 10_000_000
)

// hatch reads a HATCH: its elevation and extrusion, then 91 boundary paths, each
// a polyline path (flag 2: vertices with optional bulges) or a list of edges
// (lines, circular arcs, elliptic arcs, splines). What follows the paths (pattern
// definition, seed points) is read past.
func (r *entityReader) hatch(it *item, n *[3]float64) error {
	s := r.s
	var z float64
	for s.next() {
		if s.code == 0 {
			s.unread()
			break
		}
		if ok, err := r.common(it, n); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		switch s.code {
		case 30:
			if _, err := r.num(it, &z); err != nil {
				return err
			}
		case 91:
			var count int
			if _, err := r.integer(it, &count); err != nil {
				return err
			}
			if count < 0 || count > maxHatchPaths {
				return r.errorf(it, errcode.InvalidGeometry, "%d boundary paths", count)
			}
			for i := 0; i < count; i++ {
				p, err := r.hatchPath(it, i)
				if err != nil {
					return err
				}
				if len(p.v) > 0 {
					it.paths = append(it.paths, p)
				}
			}
			if err := r.rest(it, n); err != nil {
				return err
			}
			it.ocs = ocs(*n, z)
			return nil
		}
	}
	if s.err != nil {
		return s.err
	}
	it.ocs = ocs(*n, z)
	return nil
}

// next reads the next pair and requires it to be group code, inside hatch path i.
func (r *entityReader) want(it *item, i int, code int) error {
	s := r.s
	if !s.next() {
		if s.err != nil {
			return s.err
		}
		return lineError(errcode.InvalidGeometry, s.line, it.h(), "HATCH: boundary path %d: the file ends inside it", i)
	}
	if s.code != code {
		return r.errorf(it, errcode.InvalidGeometry, "boundary path %d: group %d where group %d belongs", i, s.code, code)
	}
	return nil
}

// hatchPath reads boundary path i, from its group 92 to its source-object
// handles; the path comes back closed.
func (r *entityReader) hatchPath(it *item, i int) (path, error) {
	s := r.s
	if err := r.want(it, i, 92); err != nil {
		return path{}, err
	}
	var flags int
	if _, err := r.integer(it, &flags); err != nil {
		return path{}, err
	}
	p := path{closed: true}
	if flags&2 != 0 {
		// Polyline path: 72 has-bulge, 73 closed, 93 count, then 10/20 (42).
		count := -1
		for s.next() {
			switch s.code {
			case 72, 73:
				continue
			case 93:
				if _, err := r.integer(it, &count); err != nil {
					return p, err
				}
				if count < 0 || count > maxPathItems {
					return p, r.errorf(it, errcode.InvalidGeometry, "boundary path %d: %d vertices", i, count)
				}
				p.v = make([]vtx, 0, min(count, 1<<16))
				continue
			case 10:
				if len(p.v) == count {
					break
				}
				var x float64
				if _, err := r.num(it, &x); err != nil {
					return p, err
				}
				p.v = append(p.v, vtx{p: orb.Point{x, math.NaN()}})
				continue
			case 20:
				if len(p.v) == 0 {
					break
				}
				if _, err := r.num(it, &p.v[len(p.v)-1].p[1]); err != nil {
					return p, err
				}
				continue
			case 42:
				if len(p.v) == 0 {
					break
				}
				if _, err := r.num(it, &p.v[len(p.v)-1].bulge); err != nil {
					return p, err
				}
				continue
			}
			s.unread()
			break
		}
		for j, v := range p.v {
			if math.IsNaN(v.p[1]) {
				return p, lineError(errcode.InvalidGeometry, s.codeLine, it.h(), "HATCH: boundary path %d: vertex %d has no y (group 20)", i, j)
			}
		}
		return p, r.sources(it)
	}
	if err := r.want(it, i, 93); err != nil {
		return p, err
	}
	var edges int
	if _, err := r.integer(it, &edges); err != nil {
		return p, err
	}
	if edges < 0 || edges > maxPathItems {
		return p, r.errorf(it, errcode.InvalidGeometry, "boundary path %d: %d edges", i, edges)
	}
	var pts []orb.Point // flat points, for elliptic and spline edges
	for e := 0; e < edges; e++ {
		if err := r.want(it, i, 72); err != nil {
			return p, err
		}
		var typ int
		if _, err := r.integer(it, &typ); err != nil {
			return p, err
		}
		switch typ {
		case 1: // line
			f, err := r.edgeFields(it, 10, 20, 11, 21)
			if err != nil {
				return p, err
			}
			p.v = appendPoint(p.v, orb.Point{f[10], f[20]}, 0)
			p.v = appendPoint(p.v, orb.Point{f[11], f[21]}, 0)
		case 2: // circular arc
			f, err := r.edgeFields(it, 10, 20, 40, 50, 51, 73)
			if err != nil {
				return p, err
			}
			if !(f[40] > 0) {
				return p, r.errorf(it, errcode.InvalidGeometry, "boundary path %d, edge %d: arc radius %g", i, e, f[40])
			}
			a0, a1 := f[50]*math.Pi/180, f[51]*math.Pi/180
			sweep := ccwSweep(a0, a1)
			if f[73] == 0 {
				// A clockwise arc: DXF stores the angles of its mirror image, so the
				// arc runs from −a0 clockwise by the same sweep.
				a0, sweep = -a0, -sweep
			}
			var arc []vtx
			arc = arcPath(arc, orb.Point{f[10], f[20]}, f[40], a0, sweep)
			for _, v := range arc {
				p.v = appendPoint(p.v, v.p, v.bulge)
			}
		case 3: // elliptic arc
			f, err := r.edgeFields(it, 10, 20, 11, 21, 40, 50, 51, 73)
			if err != nil {
				return p, err
			}
			m := orb.Point{f[11], f[21]}
			if m == (orb.Point{}) || !(f[40] > 0) {
				return p, r.errorf(it, errcode.InvalidGeometry, "boundary path %d, edge %d: not an ellipse", i, e)
			}
			minor := orb.Point{-m[1] * f[40], m[0] * f[40]}
			t0, t1 := f[50]*math.Pi/180, f[51]*math.Pi/180
			sweep := ccwSweep(t0, t1)
			if f[73] == 0 {
				t0, sweep = -t0, -sweep
			}
			var c bool
			pts, c = ellipsePoints(pts[:0], orb.Point{f[10], f[20]}, m, minor, t0, sweep, r.tol)
			it.capped = it.capped || c
			for _, q := range pts {
				p.v = appendPoint(p.v, q, 0)
			}
		case 4: // spline
			q, err := r.splineEdge(it, i, e)
			if err != nil {
				return p, err
			}
			for _, pt := range q {
				p.v = appendPoint(p.v, pt, 0)
			}
		default:
			return p, r.errorf(it, errcode.InvalidGeometry, "boundary path %d, edge %d: unknown edge type %d", i, e, typ)
		}
	}
	// The last edge ends where the first begins: drop the repeated vertex.
	if n := len(p.v); n > 1 && p.v[n-1].p == p.v[0].p {
		p.v = p.v[:n-1]
	}
	return p, r.sources(it)
}

// appendPoint appends a vertex unless it repeats the last one (edges share their
// end points), keeping the bulge of the arc that starts there.
func appendPoint(v []vtx, p orb.Point, bulge float64) []vtx {
	if n := len(v); n > 0 && v[n-1].p == p {
		if bulge != 0 {
			v[n-1].bulge = bulge
		}
		return v
	}
	return append(v, vtx{p: p, bulge: bulge})
}

// edgeFields reads the groups of one edge, in any order, each at most once; it
// stops at the first group not among codes.
func (r *entityReader) edgeFields(it *item, codes ...int) (map[int]float64, error) {
	s := r.s
	f := make(map[int]float64, len(codes))
	for s.next() {
		known := false
		for _, c := range codes {
			if c == s.code {
				known = true
			}
		}
		if _, seen := f[s.code]; !known || seen {
			s.unread()
			return f, nil
		}
		var v float64
		if _, err := r.num(it, &v); err != nil {
			return nil, err
		}
		f[s.code] = v
	}
	return f, s.err
}

// sources reads past a path's source-object handles (97 count, 330 handles).
func (r *entityReader) sources(it *item) error {
	s := r.s
	for s.next() {
		if s.code != 97 && s.code != 330 {
			s.unread()
			return nil
		}
	}
	return s.err
}

// splineEdge reads a spline edge of a hatch boundary: 94 degree, 73 rational,
// 74 periodic, 95 knots, 96 control points, 40 knots, 10/20 control points, 42
// weights, then optionally 97 fit points 11/21 and 12/22, 13/23 tangents.
func (r *entityReader) splineEdge(it *item, i, e int) ([]orb.Point, error) {
	s := r.s
	var sp bspline
	var fit []orb.Point
	var w []float64
	nfit := -1
	for s.next() {
		switch s.code {
		case 94:
			if _, err := r.integer(it, &sp.degree); err != nil {
				return nil, err
			}
			continue
		case 73, 74, 95, 96, 12, 22, 13, 23:
			continue
		case 40:
			var k float64
			if _, err := r.num(it, &k); err != nil {
				return nil, err
			}
			sp.knots = append(sp.knots, k)
			continue
		case 42:
			var k float64
			if _, err := r.num(it, &k); err != nil {
				return nil, err
			}
			w = append(w, k)
			continue
		case 10, 20:
			if s.code == 10 {
				sp.ctrl = append(sp.ctrl, orb.Point{})
			} else if len(sp.ctrl) == 0 {
				break
			}
			if _, err := r.num(it, &sp.ctrl[len(sp.ctrl)-1][(s.code-10)/10]); err != nil {
				return nil, err
			}
			continue
		case 97:
			if nfit >= 0 {
				break // the path's source-object count
			}
			if _, err := r.integer(it, &nfit); err != nil {
				return nil, err
			}
			continue
		case 11, 21:
			if s.code == 11 {
				fit = append(fit, orb.Point{})
			} else if len(fit) == 0 {
				break
			}
			if _, err := r.num(it, &fit[len(fit)-1][(s.code-11)/10]); err != nil {
				return nil, err
			}
			continue
		}
		s.unread()
		break
	}
	if s.err != nil {
		return nil, s.err
	}
	if len(w) == len(sp.ctrl) {
		sp.weights = w
	}
	pts, err := sp.points(fit)
	if err != nil {
		return nil, r.errorf(it, errcode.InvalidGeometry, "boundary path %d, edge %d: spline: %v", i, e, err)
	}
	return pts, nil
}

// bspline is a (possibly rational) B-spline.
type bspline struct {
	degree  int
	knots   []float64
	ctrl    []orb.Point
	weights []float64
}

// splineSamples is how many points a spline gets per control point (a spline is
// sampled, not densified to the chord tolerance), and maxSplinePoints the most.
const (
	splineSamples   = 16
	maxSplinePoints = 65536
)

// points evaluates the spline at evenly spaced parameters by de Boor's algorithm;
// without usable control points the fit points (through which the curve passes)
// stand for it.
func (sp bspline) points(fit []orb.Point) ([]orb.Point, error) {
	p, n := sp.degree, len(sp.ctrl)
	if p < 1 || p > 11 || n < p+1 || len(sp.knots) != n+p+1 {
		if len(fit) >= 2 {
			return fit, nil
		}
		if n >= 2 && p <= 1 {
			return sp.ctrl, nil
		}
		return nil, errors.New("neither control points with their knots nor fit points")
	}
	for k := 1; k < len(sp.knots); k++ {
		if !(sp.knots[k] >= sp.knots[k-1]) {
			return nil, errors.New("knots decrease")
		}
	}
	u0, u1 := sp.knots[p], sp.knots[n]
	if !(u1 > u0) {
		return nil, errors.New("the knots span no parameter range")
	}
	count := min(max(n*splineSamples, 2), maxSplinePoints)
	out := make([]orb.Point, 0, count+1)
	d := make([][3]float64, p+1)
	for i := 0; i <= count; i++ {
		u := u0 + (u1-u0)*float64(i)/float64(count)
		k := p
		for k < n-1 && u >= sp.knots[k+1] {
			k++
		}
		for j := 0; j <= p; j++ {
			c := sp.ctrl[j+k-p]
			w := 1.0
			if sp.weights != nil {
				w = sp.weights[j+k-p]
			}
			d[j] = [3]float64{c[0] * w, c[1] * w, w}
		}
		for rr := 1; rr <= p; rr++ {
			for j := p; j >= rr; j-- {
				den := sp.knots[j+1+k-rr] - sp.knots[j+k-p]
				a := 0.0
				if den != 0 {
					a = (u - sp.knots[j+k-p]) / den
				}
				for q := 0; q < 3; q++ {
					d[j][q] = (1-a)*d[j-1][q] + a*d[j][q]
				}
			}
		}
		if d[p][2] == 0 || math.IsNaN(d[p][0]) || math.IsNaN(d[p][1]) {
			return nil, errors.New("a weight of zero")
		}
		out = append(out, orb.Point{d[p][0] / d[p][2], d[p][1] / d[p][2]})
	}
	return out, nil
}
