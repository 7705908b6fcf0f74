package geo

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/redline-gis/redline/planar"
	geos "github.com/twpayne/go-geos"
)

// ErrGEOS wraps every failure inside GEOS: an exception it reported or a panic of
// go-geos, turned into an error at this boundary.
var ErrGEOS = errors.New("geo: GEOS")

// Context is a GEOS context. go-geos serialises every call on a context behind one
// mutex, so a Context is for one goroutine at a time: give each worker its own.
// Geometries made by a context must be destroyed (Destroy) when done; the C heap is
// invisible to Go's garbage collector.
type Context struct {
	c *geos.Context
}

// NewContext returns a new GEOS context.
func NewContext() *Context { return &Context{c: geos.NewContext()} }

// Geom is a GEOS geometry owned by a Context.
type Geom struct {
	g *geos.Geom
}

// guard runs f, turning a go-geos panic into an error naming op.
func guard(op string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrGEOS, op, r)
		}
	}()
	return f()
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
	err := guard("read WKB", func() error {
		g, err := c.c.NewGeomFromWKB(b)
		if err != nil {
			return fmt.Errorf("%w: read WKB: %v", ErrGEOS, err)
		}
		out = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{g: out}, nil
}

// WKB encodes g as WKB (2-D, little endian).
func WKB(g orb.Geometry) ([]byte, error) { return wkb.Marshal(g) }

// Orb returns g as an orb geometry.
func (g *Geom) Orb() (orb.Geometry, error) {
	var b []byte
	if err := guard("write WKB", func() error { b = g.g.ToWKB(); return nil }); err != nil {
		return nil, err
	}
	o, err := wkb.Unmarshal(b)
	if err != nil {
		// orb cannot read some empty geometries GEOS writes (POINT EMPTY as NaN).
		if g.IsEmpty() {
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

// IsEmpty reports whether g is empty.
func (g *Geom) IsEmpty() bool {
	e := true
	_ = guard("is empty", func() error { e = g.g.IsEmpty(); return nil })
	return e
}

// NumCoords returns the number of coordinates of g.
func (g *Geom) NumCoords() int { return g.g.NumCoordinates() }

// Bound returns g's bounding box.
func (g *Geom) Bound() orb.Bound {
	b := g.g.Bounds()
	return orb.Bound{Min: orb.Point{b.MinX, b.MinY}, Max: orb.Point{b.MaxX, b.MaxY}}
}

// IsValid reports whether g is valid (OGC), and if not why and where, as GEOS says
// it: "Self-intersection[108.54 33.11]".
func (g *Geom) IsValid() (bool, string) {
	ok, reason := true, ""
	_ = guard("validity", func() error {
		ok = g.g.IsValid()
		if !ok {
			reason = g.g.IsValidReason()
		}
		return nil
	})
	return ok, reason
}

// Intersection returns a ∩ b, computed in c. b may belong to another context
// that no other goroutine is using.
func (c *Context) Intersection(a, b *Geom) (*Geom, error) {
	var out *geos.Geom
	err := guard("intersection", func() error {
		out = a.g.Intersection(b.g)
		if out == nil {
			return fmt.Errorf("%w: intersection failed (invalid input?)", ErrGEOS)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{g: out}, nil
}

// Union dissolves the geometries gs (all of c) into one. gs are left intact.
func (c *Context) Union(gs []*Geom) (*Geom, error) {
	if len(gs) == 1 {
		var out *geos.Geom
		err := guard("clone", func() error { out = gs[0].g.Clone(); return nil })
		return &Geom{g: out}, err
	}
	var out *geos.Geom
	err := guard("union", func() error {
		clones := make([]*geos.Geom, len(gs))
		for i, g := range gs {
			clones[i] = g.g.Clone()
		}
		coll := c.c.NewCollection(geos.TypeIDGeometryCollection, clones)
		defer func() {
			coll.Destroy() // frees the clones' C memory too
			for _, cl := range clones {
				cl.Destroy() // clears the wrappers, so no finalizer is left to run
			}
		}()
		out = coll.UnaryUnion()
		if out == nil {
			return fmt.Errorf("%w: union failed", ErrGEOS)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{g: out}, nil
}

// Dissolve returns the union of g's parts with themselves (GEOS UnaryUnion):
// overlaps merged, lines noded where they cross.
func (c *Context) Dissolve(g *Geom) (*Geom, error) {
	var out *geos.Geom
	err := guard("unary union", func() error {
		out = g.g.UnaryUnion()
		if out == nil {
			return fmt.Errorf("%w: union failed", ErrGEOS)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{g: out}, nil
}

// ClipByRect returns the part of g inside the rectangle b (GEOS's fast rectangle
// clipping, not a general overlay). Parts along the rectangle's edges may come
// back as lower-dimensional pieces.
func (g *Geom) ClipByRect(b orb.Bound) (*Geom, error) {
	var out *geos.Geom
	err := guard("clip by rect", func() error {
		out = g.g.ClipByRect(b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		if out == nil {
			return fmt.Errorf("%w: clip failed", ErrGEOS)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Geom{g: out}, nil
}

// NearestPoints returns the closest points of a and b (planar, in their coordinates).
func (c *Context) NearestPoints(a, b *Geom) (orb.Point, orb.Point, error) {
	var pa, pb orb.Point
	err := guard("nearest points", func() error {
		pts := a.g.NearestPoints(b.g)
		if len(pts) != 2 {
			return fmt.Errorf("%w: nearest points of empty geometry", ErrGEOS)
		}
		pa, pb = orb.Point{pts[0][0], pts[0][1]}, orb.Point{pts[1][0], pts[1][1]}
		return nil
	})
	return pa, pb, err
}

// Prepared is a prepared GEOS geometry for repeated predicate tests. Its methods
// lock its context, so one Prepared may be shared by goroutines; spread many of them
// over several contexts to keep workers from queueing on one mutex.
type Prepared struct {
	g  *geos.Geom
	pg *geos.PrepGeom
}

// Prepare makes a prepared geometry of g in c.
func (c *Context) Prepare(g orb.Geometry) (*Prepared, error) {
	gg, err := c.FromOrb(g)
	if err != nil {
		return nil, err
	}
	var pg *geos.PrepGeom
	if err := guard("prepare", func() error { pg = gg.g.Prepare(); return nil }); err != nil {
		gg.Destroy()
		return nil, err
	}
	return &Prepared{g: gg.g, pg: pg}, nil
}

// Intersects reports whether p and g share any point (touching counts).
func (p *Prepared) Intersects(g *Geom) (bool, error) {
	var ok bool
	err := guard("intersects", func() error { ok = p.pg.Intersects(g.g); return nil })
	return ok, err
}

// Covers reports whether no point of g lies outside p (p's boundary included).
func (p *Prepared) Covers(g *Geom) (bool, error) {
	var ok bool
	err := guard("covers", func() error { ok = p.pg.Covers(g.g); return nil })
	return ok, err
}

// Contains reports whether g lies in p and touches its interior.
func (p *Prepared) Contains(g *Geom) (bool, error) {
	var ok bool
	err := guard("contains", func() error { ok = p.pg.Contains(g.g); return nil })
	return ok, err
}

// Destroy frees p's C memory.
func (p *Prepared) Destroy() {
	if p != nil && p.pg != nil {
		p.pg.Destroy()
		p.g.Destroy()
		p.pg, p.g = nil, nil
	}
}

// Repair returns a valid version of g keeping the parts of dimension d, using GEOS
// MakeValid (the "linework" method, as PostGIS's ST_MakeValid) followed by the
// extraction of those parts (ST_CollectionExtract). valid is true when g was valid
// already (then g is returned unchanged), and reason says what was wrong otherwise.
func (c *Context) Repair(g orb.Geometry, d planar.Dim) (out orb.Geometry, valid bool, reason string, err error) {
	gg, err := c.FromOrb(g)
	if err != nil {
		return nil, false, "", err
	}
	defer gg.Destroy()
	ok, why := gg.IsValid()
	if ok {
		return g, true, "", nil
	}
	var fixed *geos.Geom
	err = guard("make valid", func() error {
		fixed = gg.g.MakeValid()
		if fixed == nil {
			return fmt.Errorf("%w: make valid failed", ErrGEOS)
		}
		return nil
	})
	if err != nil {
		return nil, false, why, err
	}
	fg := &Geom{g: fixed}
	defer fg.Destroy()
	o, err := fg.Orb()
	if err != nil {
		return nil, false, why, err
	}
	return planar.Extract(o, d), false, why, nil
}

// Subdivide cuts g into pieces of at most maxVertices vertices each by recursive
// halving of the bounding box along its longer side with ClipByRect (the approach of
// PostGIS's ST_Subdivide). Pieces of a polygon share their cut edges exactly. Parts
// of dimension lower than g's that clipping may produce along the cuts are dropped.
func (c *Context) Subdivide(g orb.Geometry, maxVertices int) ([]orb.Geometry, error) {
	if maxVertices < 8 {
		maxVertices = 8
	}
	d := planar.DimArea
	switch g.(type) {
	case orb.LineString, orb.MultiLineString:
		d = planar.DimLine
	}
	root, err := c.FromOrb(g)
	if err != nil {
		return nil, err
	}
	var out []orb.Geometry
	var rec func(gg *Geom, depth int) error
	rec = func(gg *Geom, depth int) error {
		defer gg.Destroy()
		if gg.IsEmpty() {
			return nil
		}
		if gg.NumCoords() <= maxVertices || depth >= 40 {
			o, err := gg.Orb()
			if err != nil {
				return err
			}
			if part := planar.Extract(o, d); part != nil {
				out = append(out, part)
			}
			return nil
		}
		b := gg.Bound()
		var halves [2]orb.Bound
		if b.Max[0]-b.Min[0] >= b.Max[1]-b.Min[1] {
			mid := (b.Min[0] + b.Max[0]) / 2
			halves[0] = orb.Bound{Min: b.Min, Max: orb.Point{mid, b.Max[1]}}
			halves[1] = orb.Bound{Min: orb.Point{mid, b.Min[1]}, Max: b.Max}
		} else {
			mid := (b.Min[1] + b.Max[1]) / 2
			halves[0] = orb.Bound{Min: b.Min, Max: orb.Point{b.Max[0], mid}}
			halves[1] = orb.Bound{Min: orb.Point{b.Min[0], mid}, Max: b.Max}
		}
		for _, h := range halves {
			var part *geos.Geom
			err := guard("clip by rect", func() error {
				part = gg.g.ClipByRect(h.Min[0], h.Min[1], h.Max[0], h.Max[1])
				if part == nil {
					return fmt.Errorf("%w: clip failed", ErrGEOS)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if err := rec(&Geom{g: part}, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(root, 0); err != nil {
		return nil, err
	}
	return out, nil
}
