package dxf

import (
	"bytes"
	"math"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

// This file parses the entities of the ENTITIES and BLOCKS sections into items:
// paths (with their arcs as bulges), points, block references. Entities redline
// does not draw (TEXT, DIMENSION, …) are read past and only counted.

// item is one entity as read, in the coordinates of its container (model space
// or a block).
type item struct {
	kind  string // the entity type: LWPOLYLINE, HATCH, …
	layer string
	hnd   []byte // the handle (group 5), in the input's bytes until an error needs it
	line  int

	ocs   affine // the entity's object coordinate system to its container's x, y
	paths []path
	point *orb.Point
	ins   *insert

	paper  bool // in paper space (group 67 = 1)
	capped bool // an ellipse or spline needed more points than allowed
	skip   bool // parsed but not drawable (a mesh)
}

// h is the entity's handle, for messages.
func (it *item) h() string { return string(it.hnd) }

// insert is a block reference (INSERT, or MINSERT with rows and columns).
type insert struct {
	block      string
	at         orb.Point
	sx, sy     float64
	rot        float64 // degrees
	cols, rows int
	dc, dr     float64 // column and row spacing
}

// block is a block definition.
type block struct {
	base  orb.Point
	items []item
}

// entityReader parses entities from a scanner; text decodes names, tol is the
// chord tolerance in drawing units (for ellipses and splines, which are densified
// where they are read).
type entityReader struct {
	s    *scanner
	text *text
	tol  float64
	// reuse: the items read are used and dropped before the next is read (model
	// space, not blocks), so polyline vertices go into one scratch slice.
	reuse   bool
	scratch []vtx
}

// common reads the groups every entity may carry; false when code is not one.
func (r *entityReader) common(it *item, n *[3]float64) (bool, error) {
	s := r.s
	switch s.code {
	case 5:
		it.hnd = bytes.TrimSpace(s.val)
	case 8:
		it.layer = r.text.decode(s.val)
	case 67:
		v, err := s.int(it.hnd)
		if err != nil {
			return true, err
		}
		it.paper = v == 1
	case 210, 220, 230:
		v, err := s.float(it.hnd)
		if err != nil {
			return true, err
		}
		n[(s.code-210)/10] = v
	default:
		return false, nil
	}
	return true, nil
}

// entity reads the entity whose type is the current group 0 value, up to (not
// including) the next group 0.
func (r *entityReader) entity(kind string) (item, error) {
	it := item{kind: kind, line: r.s.codeLine, ocs: identity}
	n := [3]float64{0, 0, 1}
	var err error
	switch kind {
	case "LWPOLYLINE":
		err = r.lwpolyline(&it, &n)
	case "POLYLINE":
		err = r.polyline(&it, &n)
	case "VERTEX":
		err = r.vertex(&it, &n)
	case "LINE":
		err = r.line(&it, &n)
	case "POINT":
		err = r.pointEntity(&it, &n)
	case "ARC", "CIRCLE":
		err = r.arc(&it, &n)
	case "ELLIPSE":
		err = r.ellipse(&it, &n)
	case "SPLINE":
		err = r.spline(&it, &n)
	case "HATCH":
		err = r.hatch(&it, &n)
	case "INSERT":
		err = r.insert(&it, &n)
	default:
		err = r.rest(&it, &n)
	}
	if err != nil {
		return it, err
	}
	if it.layer == "" {
		it.layer = "0"
	}
	return it, nil
}

// fields reads the groups of it: common ones, and the others through set, until
// the next group 0 or a group set refuses (false: left for the caller).
func (r *entityReader) fields(it *item, n *[3]float64, set func(code int) (bool, error)) error {
	s := r.s
	for s.next() {
		if s.code == 0 {
			s.unread()
			return nil
		}
		if ok, err := r.common(it, n); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		ok, err := set(s.code)
		if err != nil {
			return err
		}
		if !ok {
			s.unread()
			return nil
		}
	}
	return s.err
}

// rest skips an entity redline does not draw, keeping its layer for the counts.
func (r *entityReader) rest(it *item, n *[3]float64) error {
	return r.fields(it, n, func(int) (bool, error) { return true, nil })
}

// num reads the current value as a number into *to.
func (r *entityReader) num(it *item, to *float64) (bool, error) {
	v, err := r.s.float(it.hnd)
	if err != nil {
		return true, err
	}
	*to = v
	return true, nil
}

// coord reads the current group — the x (base, e.g. 10) or the y (base + 10) of a
// point — into p.
func (r *entityReader) coord(it *item, p *orb.Point, base int) (bool, error) {
	return r.num(it, &p[(r.s.code-base)/10])
}

func (r *entityReader) integer(it *item, to *int) (bool, error) {
	v, err := r.s.int(it.hnd)
	if err != nil {
		return true, err
	}
	*to = v
	return true, nil
}

// errorf is an error at the current pair naming the entity.
func (r *entityReader) errorf(it *item, code errcode.Code, format string, args ...any) error {
	return r.s.errorf(code, it.h(), it.kind+": "+format, args...)
}

func (r *entityReader) lwpolyline(it *item, n *[3]float64) error {
	var p path
	if r.reuse {
		p.v = r.scratch[:0]
		defer func() { r.scratch = p.v[:0] }()
	}
	var flags int
	var elev float64
	haveY := true
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10:
			if !haveY {
				return true, r.errorf(it, errcode.InvalidGeometry, "vertex %d has an x (group 10) but no y (group 20)", len(p.v)-1)
			}
			var x float64
			if ok, err := r.num(it, &x); err != nil {
				return ok, err
			}
			p.v = append(p.v, vtx{p: orb.Point{x, 0}})
			haveY = false
		case 20:
			if len(p.v) == 0 || haveY {
				return true, r.errorf(it, errcode.InvalidGeometry, "a y (group 20) without its x (group 10)")
			}
			haveY = true
			return r.num(it, &p.v[len(p.v)-1].p[1])
		case 42:
			if len(p.v) == 0 {
				return true, r.errorf(it, errcode.InvalidGeometry, "a bulge (group 42) before the first vertex")
			}
			return r.num(it, &p.v[len(p.v)-1].bulge)
		case 70:
			return r.integer(it, &flags)
		case 38:
			return r.num(it, &elev)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if !haveY {
		return lineError(errcode.InvalidGeometry, it.line, it.h(), "LWPOLYLINE: the last vertex has no y (group 20)")
	}
	p.closed = flags&1 != 0
	it.paths = []path{p}
	it.ocs = ocs(*n, elev)
	return nil
}

// polyline reads the POLYLINE header; its VERTEX entities follow and SEQEND ends
// it (the section reader joins them).
func (r *entityReader) polyline(it *item, n *[3]float64) error {
	var flags int
	var elev float64
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 70:
			return r.integer(it, &flags)
		case 30:
			return r.num(it, &elev)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	it.paths = []path{{closed: flags&1 != 0}}
	switch {
	case flags&(16|64) != 0: // polygon and polyface meshes are surfaces, not boundaries
		it.skip = true
	case flags&8 != 0: // a 3-D polyline: world coordinates, no bulges
	default:
		it.ocs = ocs(*n, elev)
	}
	return nil
}

// vertex reads a VERTEX into it.paths[0].v[0]; flags in it.kind's place are not
// needed: spline frame control points (flag 16) come back with skip set.
func (r *entityReader) vertex(it *item, n *[3]float64) error {
	var v vtx
	var flags int
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10, 20:
			return r.coord(it, &v.p, 10)
		case 42:
			return r.num(it, &v.bulge)
		case 70:
			return r.integer(it, &flags)
		}
		return true, nil
	})
	it.paths = []path{{v: []vtx{v}}}
	it.skip = flags&16 != 0 || flags&128 != 0 && flags&64 == 0
	return err
}

func (r *entityReader) line(it *item, n *[3]float64) error {
	var a, b orb.Point
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10, 20:
			return r.coord(it, &a, 10)
		case 11, 21:
			return r.coord(it, &b, 11)
		}
		return true, nil
	})
	it.paths = []path{{v: []vtx{{p: a}, {p: b}}}}
	return err // LINE is in world coordinates: its extrusion only gives thickness
}

func (r *entityReader) pointEntity(it *item, n *[3]float64) error {
	var p orb.Point
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10, 20:
			return r.coord(it, &p, 10)
		}
		return true, nil
	})
	it.point = &p
	return err
}

// arc reads ARC and CIRCLE: centre and radius in the object coordinate system,
// ARC's angles in degrees, counter-clockwise.
func (r *entityReader) arc(it *item, n *[3]float64) error {
	var c orb.Point
	var z, rad, a0, a1 float64
	a1 = 360
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10, 20:
			return r.coord(it, &c, 10)
		case 30:
			return r.num(it, &z)
		case 40:
			return r.num(it, &rad)
		case 50:
			return r.num(it, &a0)
		case 51:
			return r.num(it, &a1)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if !(rad > 0) {
		return lineError(errcode.InvalidGeometry, it.line, it.h(), "%s: radius %g is not positive", it.kind, rad)
	}
	it.ocs = ocs(*n, z)
	if it.kind == "CIRCLE" {
		it.paths = []path{{v: []vtx{{p: orb.Point{c[0] + rad, c[1]}, bulge: 1}, {p: orb.Point{c[0] - rad, c[1]}, bulge: 1}}, closed: true}}
		return nil
	}
	s := ccwSweep(a0*math.Pi/180, a1*math.Pi/180)
	it.paths = []path{{v: arcPath(nil, c, rad, a0*math.Pi/180, s)}}
	return nil
}

// ellipse reads an ELLIPSE (world coordinates: centre, major axis end relative to
// it, minor/major ratio, start and end parameters in radians) and densifies it.
func (r *entityReader) ellipse(it *item, n *[3]float64) error {
	var c, m orb.Point
	ratio, t0, t1 := 1.0, 0.0, 2*math.Pi
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 10, 20:
			return r.coord(it, &c, 10)
		case 11, 21:
			return r.coord(it, &m, 11)
		case 40:
			return r.num(it, &ratio)
		case 41:
			return r.num(it, &t0)
		case 42:
			return r.num(it, &t1)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if m == (orb.Point{}) || !(ratio > 0 && ratio <= 1) {
		return lineError(errcode.InvalidGeometry, it.line, it.h(), "ELLIPSE: major axis (%g, %g) or ratio %g is not an ellipse", m[0], m[1], ratio)
	}
	// The minor axis is the extrusion direction crossed with the major axis.
	nv := unit(*n)
	mn := cross(nv, [3]float64{m[0], m[1], 0})
	minor := orb.Point{mn[0] * ratio, mn[1] * ratio}
	sweep := ccwSweep(t0, t1)
	pts, capped := ellipsePoints(nil, c, m, minor, t0, sweep, r.tol)
	it.capped = capped
	it.paths = []path{flat(pts, sweep >= 2*math.Pi-1e-9)}
	return nil
}

// flat is a path of straight segments through pts; a closed path drops the
// repeated last point.
func flat(pts []orb.Point, closed bool) path {
	if closed && len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	v := make([]vtx, len(pts))
	for i, p := range pts {
		v[i].p = p
	}
	return path{v: v, closed: closed}
}

// spline reads a SPLINE: degree, knots, control points (with weights when
// rational) or, without them, fit points; it is evaluated at evenly spaced
// parameters (spline samples, a stated limitation).
func (r *entityReader) spline(it *item, n *[3]float64) error {
	var sp bspline
	var flags int
	var fit []orb.Point
	var w []float64
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 70:
			return r.integer(it, &flags)
		case 71:
			return r.integer(it, &sp.degree)
		case 40:
			var k float64
			ok, err := r.num(it, &k)
			sp.knots = append(sp.knots, k)
			return ok, err
		case 41:
			var k float64
			ok, err := r.num(it, &k)
			w = append(w, k)
			return ok, err
		case 10:
			sp.ctrl = append(sp.ctrl, orb.Point{})
			return r.num(it, &sp.ctrl[len(sp.ctrl)-1][0])
		case 20:
			if len(sp.ctrl) == 0 {
				return true, r.errorf(it, errcode.InvalidGeometry, "a y (group 20) without its x (group 10)")
			}
			return r.num(it, &sp.ctrl[len(sp.ctrl)-1][1])
		case 11:
			fit = append(fit, orb.Point{})
			return r.num(it, &fit[len(fit)-1][0])
		case 21:
			if len(fit) == 0 {
				return true, r.errorf(it, errcode.InvalidGeometry, "a y (group 21) without its x (group 11)")
			}
			return r.num(it, &fit[len(fit)-1][1])
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if len(w) == len(sp.ctrl) {
		sp.weights = w
	}
	pts, err := sp.points(fit)
	if err != nil {
		return lineError(errcode.InvalidGeometry, it.line, it.h(), "SPLINE: %v", err)
	}
	closed := flags&1 != 0 || len(pts) >= 4 && pts[0] == pts[len(pts)-1]
	it.paths = []path{flat(pts, closed)} // control and fit points are world coordinates
	return nil
}

func (r *entityReader) insert(it *item, n *[3]float64) error {
	ins := &insert{sx: 1, sy: 1, cols: 1, rows: 1}
	var z float64
	err := r.fields(it, n, func(code int) (bool, error) {
		switch code {
		case 2:
			ins.block = r.text.decode(r.s.val)
		case 10, 20:
			return r.coord(it, &ins.at, 10)
		case 30:
			return r.num(it, &z)
		case 41:
			return r.num(it, &ins.sx)
		case 42:
			return r.num(it, &ins.sy)
		case 50:
			return r.num(it, &ins.rot)
		case 70:
			return r.integer(it, &ins.cols)
		case 71:
			return r.integer(it, &ins.rows)
		case 44:
			return r.num(it, &ins.dc)
		case 45:
			return r.num(it, &ins.dr)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	ins.cols, ins.rows = max(ins.cols, 1), max(ins.rows, 1)
	if ins.cols*ins.rows > maxInsertCells || ins.cols > maxInsertCells || ins.rows > maxInsertCells {
		return lineError(errcode.PayloadTooLarge, it.line, it.h(), "INSERT: %d×%d copies of block %q, more than %d", ins.rows, ins.cols, ins.block, maxInsertCells)
	}
	it.ins = ins
	it.ocs = ocs(*n, z)
	return nil
}

// maxInsertCells bounds a MINSERT's rows × columns.
const maxInsertCells = 10_000

// transform is the map from the block's coordinates to the insert's container
// for the copy in column c and row r: less the block's base point, scaled, moved
// by the grid spacing, rotated, moved to the insertion point, then through the
// insert's object coordinate system.
func (ins *insert) transform(base orb.Point, c, r int, o affine) affine {
	t := affine{a: 1, e: 1, c: -base[0], f: -base[1]}
	t = t.then(affine{a: ins.sx, e: ins.sy})
	t = t.then(affine{a: 1, e: 1, c: float64(c) * ins.dc, f: float64(r) * ins.dr})
	sin, cos := math.Sincos(ins.rot * math.Pi / 180)
	t = t.then(affine{a: cos, b: -sin, d: sin, e: cos})
	t = t.then(affine{a: 1, e: 1, c: ins.at[0], f: ins.at[1]})
	return t.then(o)
}
