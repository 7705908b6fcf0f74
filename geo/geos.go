package geo

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	geos "github.com/twpayne/go-geos"

	"github.com/redline-gis/redline/planar"
)

// ErrGEOS is matched (errors.Is) by every failure inside GEOS: an exception it
// reported, a panic of go-geos, or a result it could not give.
var ErrGEOS = errors.New("geo: GEOS")

// Op names a GEOS operation, in errors and for the fault hook (fault.go).
type Op string

// The operations of this package that can fail inside GEOS.
const (
	OpReadWKB       Op = "read WKB"
	OpWriteWKB      Op = "write WKB"
	OpCopy          Op = "copy between contexts"
	OpIsEmpty       Op = "is empty"
	OpNumCoords     Op = "count coordinates"
	OpBound         Op = "bounds"
	OpValidity      Op = "validity"
	OpMakeValid     Op = "make valid"
	OpIntersection  Op = "intersection"
	OpUnion         Op = "union"
	OpDissolve      Op = "unary union"
	OpClipByRect    Op = "clip by rect"
	OpNearestPoints Op = "nearest points"
	OpPrepare       Op = "prepare"
	OpIntersects    Op = "intersects"
	OpCovers        Op = "covers"
	OpContains      Op = "contains"
	OpBuffer        Op = "buffer"
	OpDifference    Op = "difference"
	OpPrecision     Op = "snap to grid"
)

// Error is a failure inside GEOS during Op. It matches ErrGEOS, so a caller can
// tell a GEOS failure from bad input, and Op says which step could not be done
// (OpValidity: GEOS could not decide whether the geometry is valid).
type Error struct {
	Op  Op
	Err error
}

func (e *Error) Error() string   { return fmt.Sprintf("geo: GEOS %s: %v", e.Op, e.Err) }
func (e *Error) Unwrap() []error { return []error{ErrGEOS, e.Err} }

// FailedOp returns the operation of the GEOS failure in err's chain, or "" when
// err is not one.
func FailedOp(err error) Op {
	var e *Error
	if errors.As(err, &e) {
		return e.Op
	}
	return ""
}

// Context is a GEOS context. go-geos serialises every call on a context behind one
// mutex, so a Context is for one goroutine at a time: give each worker its own.
// Geometries made by a context must be destroyed (Destroy) when done; the C heap is
// invisible to Go's garbage collector.
//
// Every operation runs in its receiver's context (a Geom's, a Prepared's, or the
// Context's for Union, Repair and Subdivide) and its result belongs there. An
// operand of another context is first copied into the receiver's context (a WKB
// round trip that holds the operand's lock, then the receiver's, never both), for
// go-geos would otherwise read it without its context's lock while another
// goroutine may be using that context. The one exception is the operand of a
// prepared predicate, which go-geos locks itself (see Prepared).
type Context struct {
	c *geos.Context
	// fault, when set, is asked before every operation and makes it fail as a GEOS
	// exception would; only tests set it (fault.go).
	fault func(Op) error
	// prepares is set once the context holds a prepared geometry (see Prepared);
	// atomic, as goroutines that do not own the context read it.
	prepares atomic.Bool
}

// NewContext returns a new GEOS context.
func NewContext() *Context { return &Context{c: geos.NewContext()} }

// Geom is a GEOS geometry owned by a Context.
type Geom struct {
	ctx *Context
	g   *geos.Geom
}

// guard runs f in c, turning a go-geos panic into an *Error naming op. The fault
// hook panics inside it, so an injected failure takes the very path of a real one.
func (c *Context) guard(op Op, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				e = fmt.Errorf("%v", r)
			}
			err = &Error{Op: op, Err: e}
		}
	}()
	if c.fault != nil {
		if ferr := c.fault(op); ferr != nil {
			panic(ferr)
		}
	}
	return f()
}

// failed is the error of a GEOS call that returned no result.
func failed(op Op, why string) error { return &Error{Op: op, Err: errors.New(why)} }

// wrap makes a Geom of c from a result of GEOS, or the error of op when there is none.
func (c *Context) wrap(op Op, f func() *geos.Geom) (*Geom, error) {
	var out *geos.Geom
	err := c.guard(op, func() error {
		out = f()
		if out == nil {
			return failed(op, "no result (invalid input?)")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{ctx: c, g: out}, nil
}

// FromOrb makes a GEOS geometry of g (through WKB: one cgo call).
func (c *Context) FromOrb(g orb.Geometry) (*Geom, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("geo: encode %s: %w", g.GeoJSONType(), err)
	}
	return c.FromWKB(b)
}

// FromWKB makes a GEOS geometry from WKB (GEOS's reader, safe on untrusted input).
func (c *Context) FromWKB(b []byte) (*Geom, error) {
	var out *geos.Geom
	err := c.guard(OpReadWKB, func() error {
		g, err := c.c.NewGeomFromWKB(b)
		if err != nil {
			return &Error{Op: OpReadWKB, Err: err}
		}
		out = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{ctx: c, g: out}, nil
}

// own returns other's GEOS geometry usable in g's context: other's own when it is
// of that context, else a copy made there, which done destroys.
func (g *Geom) own(other *Geom) (og *geos.Geom, done func(), err error) {
	if other.ctx == g.ctx {
		return other.g, func() {}, nil
	}
	cp, err := g.ctx.copyOf(other)
	if err != nil {
		return nil, nil, err
	}
	return cp, cp.Destroy, nil
}

// copyOf copies g (of any context) into c.
func (c *Context) copyOf(g *Geom) (*geos.Geom, error) {
	var out *geos.Geom
	// go-geos's Context.Clone goes through WKB when the contexts differ, locking
	// g's context to write and c's to read, one after the other.
	err := c.guard(OpCopy, func() error { out = c.c.Clone(g.g); return nil })
	return out, err
}

// Orb returns g as an orb geometry.
func (g *Geom) Orb() (orb.Geometry, error) {
	var b []byte
	if err := g.ctx.guard(OpWriteWKB, func() error { b = g.g.ToWKB(); return nil }); err != nil {
		return nil, err
	}
	o, err := wkb.Unmarshal(b)
	if err != nil {
		// orb cannot read some empty geometries GEOS writes (POINT EMPTY as NaN).
		if empty, eerr := g.IsEmpty(); eerr == nil && empty {
			return orb.Collection{}, nil
		}
		return nil, fmt.Errorf("geo: decode GEOS WKB: %w", err)
	}
	return o, nil
}

// Destroy frees g's C memory. g must not be used afterwards. Nil-safe.
func (g *Geom) Destroy() {
	if g != nil && g.g != nil {
		g.g.Destroy()
		g.g = nil
	}
}

// IsEmpty reports whether g is empty; an error when GEOS cannot tell.
func (g *Geom) IsEmpty() (bool, error) {
	var e bool
	err := g.ctx.guard(OpIsEmpty, func() error { e = g.g.IsEmpty(); return nil })
	return e, err
}

// NumCoords returns the number of coordinates of g.
func (g *Geom) NumCoords() (int, error) {
	var n int
	err := g.ctx.guard(OpNumCoords, func() error { n = g.g.NumCoordinates(); return nil })
	return n, err
}

// Bound returns g's bounding box.
func (g *Geom) Bound() (orb.Bound, error) {
	var b *geos.Box2D
	if err := g.ctx.guard(OpBound, func() error { b = g.g.Bounds(); return nil }); err != nil {
		return orb.Bound{}, err
	}
	return orb.Bound{Min: orb.Point{b.MinX, b.MinY}, Max: orb.Point{b.MaxX, b.MaxY}}, nil
}

// IsValid reports whether g is valid (OGC), and if not why and where, as GEOS says
// it: "Self-intersection[108.54 33.11]". An error (Op OpValidity) means GEOS could
// not decide: the answer is then neither valid nor invalid, and the caller must
// not take the geometry as valid.
func (g *Geom) IsValid() (valid bool, reason string, err error) {
	err = g.ctx.guard(OpValidity, func() error {
		valid = g.g.IsValid()
		if !valid {
			reason = g.g.IsValidReason()
		}
		return nil
	})
	if err != nil {
		return false, "", err
	}
	return valid, reason, nil
}

// Intersection returns g ∩ other, computed in g's context; other may belong to
// another context (then it is copied, see Context).
func (g *Geom) Intersection(other *Geom) (*Geom, error) {
	og, done, err := g.own(other)
	if err != nil {
		return nil, err
	}
	defer done()
	return g.ctx.wrap(OpIntersection, func() *geos.Geom { return g.g.Intersection(og) })
}

// Difference returns g − other, computed in g's context; other may belong to
// another context.
func (g *Geom) Difference(other *Geom) (*Geom, error) {
	og, done, err := g.own(other)
	if err != nil {
		return nil, err
	}
	defer done()
	return g.ctx.wrap(OpDifference, func() *geos.Geom { return g.g.Difference(og) })
}

// Buffer returns the points within width of g (planar, in g's units; a negative
// width erodes areas), with 8 segments a quarter circle.
func (g *Geom) Buffer(width float64) (*Geom, error) {
	return g.ctx.wrap(OpBuffer, func() *geos.Geom { return g.g.Buffer(width, 8) })
}

// Dissolve returns the union of g's parts with themselves (GEOS UnaryUnion):
// overlaps merged, lines noded where they cross.
func (g *Geom) Dissolve() (*Geom, error) {
	return g.ctx.wrap(OpDissolve, g.g.UnaryUnion)
}

// ClipByRect returns the part of g inside the rectangle b (GEOS's fast rectangle
// clipping, not a general overlay). Parts along the rectangle's edges may come
// back as lower-dimensional pieces.
func (g *Geom) ClipByRect(b orb.Bound) (*Geom, error) {
	return g.ctx.wrap(OpClipByRect, func() *geos.Geom {
		return g.g.ClipByRect(b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	})
}

// NearestPoints returns the closest points of g and other (planar, in their
// coordinates), computed in g's context; other may belong to another context.
func (g *Geom) NearestPoints(other *Geom) (orb.Point, orb.Point, error) {
	og, done, err := g.own(other)
	if err != nil {
		return orb.Point{}, orb.Point{}, err
	}
	defer done()
	var pa, pb orb.Point
	err = g.ctx.guard(OpNearestPoints, func() error {
		pts := g.g.NearestPoints(og)
		if len(pts) != 2 {
			return failed(OpNearestPoints, "no nearest points (empty geometry?)")
		}
		pa, pb = orb.Point{pts[0][0], pts[0][1]}, orb.Point{pts[1][0], pts[1][1]}
		return nil
	})
	return pa, pb, err
}

// Union dissolves the geometries gs into one, in c; gs may belong to any context
// and are left intact.
func (c *Context) Union(gs []*Geom) (*Geom, error) {
	if len(gs) == 1 {
		return c.wrap(OpCopy, func() *geos.Geom { return c.c.Clone(gs[0].g) })
	}
	return c.wrap(OpUnion, func() *geos.Geom {
		var coll *geos.Geom
		clones := make([]*geos.Geom, 0, len(gs))
		defer func() {
			// The collection owns the clones once made: destroying it frees their C
			// memory, and destroying them afterwards only clears the wrappers (so no
			// finalizer is left to run). Before that, a failure frees them here.
			coll.Destroy()
			for _, cl := range clones {
				cl.Destroy()
			}
		}()
		for _, g := range gs {
			clones = append(clones, c.c.Clone(g.g))
		}
		coll = c.c.NewCollection(geos.TypeIDGeometryCollection, clones)
		return coll.UnaryUnion()
	})
}

// Repair returns a valid version of g keeping the parts of dimension d, using GEOS
// MakeValid (the "linework" method, as PostGIS's ST_MakeValid) followed by the
// extraction of those parts (ST_CollectionExtract). valid is true when g was valid
// already (then g is returned unchanged), and reason says what was wrong otherwise.
// An error with Op OpValidity means GEOS could not decide whether g is valid;
// OpMakeValid, that g is invalid (reason) and GEOS could not repair it.
func (c *Context) Repair(g orb.Geometry, d planar.Dim) (out orb.Geometry, valid bool, reason string, err error) {
	return c.RepairIf(g, d, nil)
}

// RepairIf is Repair asking admit, when g is invalid, whether to go on and
// repair it: an error of admit is returned as it is, with reason, and GEOS does
// no more. The cost of MakeValid grows with g's vertices and crossings and no
// deadline can stop it, so a caller bounds what it lets through; nil admits
// all.
func (c *Context) RepairIf(g orb.Geometry, d planar.Dim, admit func(reason string) error) (out orb.Geometry, valid bool, reason string, err error) {
	gg, err := c.FromOrb(g)
	if err != nil {
		return nil, false, "", err
	}
	defer gg.Destroy()
	ok, why, err := gg.IsValid()
	if err != nil {
		return nil, false, "", err
	}
	if ok {
		return g, true, "", nil
	}
	if admit != nil {
		if err := admit(why); err != nil {
			return nil, false, why, err
		}
	}
	fg, err := c.wrap(OpMakeValid, gg.g.MakeValid)
	if err != nil {
		return nil, false, why, err
	}
	defer fg.Destroy()
	o, err := fg.Orb()
	if err != nil {
		return nil, false, why, err
	}
	return planar.Extract(o, d), false, why, nil
}

// SnapValid returns the areas of g made valid and snapped to a grid of size
// grid, still valid: GEOS's precision reduction (snap-rounding) after MakeValid,
// so that a ring simplified or rounded onto itself ends up cut into valid pieces
// rather than self-touching. The vector tiles use it with grid 1, the tile unit.
// Parts that collapse below the grid are dropped; nil when nothing is left.
func (c *Context) SnapValid(g orb.Geometry, grid float64) (orb.Geometry, error) {
	fixed, _, _, err := c.Repair(g, planar.DimArea)
	if err != nil {
		return nil, err
	}
	if fixed == nil {
		return nil, nil
	}
	gg, err := c.FromOrb(fixed)
	if err != nil {
		return nil, err
	}
	defer gg.Destroy()
	sg, err := c.wrap(OpPrecision, func() *geos.Geom { return gg.g.SetPrecision(grid, geos.PrecisionRuleValidOutput) })
	if err != nil {
		return nil, err
	}
	defer sg.Destroy()
	o, err := sg.Orb()
	if err != nil {
		return nil, err
	}
	return planar.Extract(o, planar.DimArea), nil
}
