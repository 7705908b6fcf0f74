package geo

import (
	"github.com/paulmach/orb"
	geos "github.com/twpayne/go-geos"
)

// Prepared is a prepared GEOS geometry for repeated predicate tests. Its methods
// lock its context, so one Prepared may be shared by goroutines; spread many of them
// over several contexts to keep workers from queueing on one mutex.
//
// A predicate runs in p's context. Its operand may belong to another context: go-geos
// then locks p's context and the operand's, in that order, so two goroutines that
// test across the same two contexts in opposite directions could each hold one lock
// and wait for the other. To rule that out, an operand from a context that itself
// holds prepared geometries is copied into p's context first; operands from contexts
// that prepare nothing (the checker's workers) are used in place, as the design
// wants: footprints in the workers, prepared zone pieces in the index's contexts.
type Prepared struct {
	ctx *Context
	g   *geos.Geom
	pg  *geos.PrepGeom
}

// Prepare makes a prepared geometry of g in c.
func (c *Context) Prepare(g orb.Geometry) (*Prepared, error) {
	gg, err := c.FromOrb(g)
	if err != nil {
		return nil, err
	}
	return c.prepare(gg)
}

// PrepareWKB makes a prepared geometry in c from WKB.
func (c *Context) PrepareWKB(b []byte) (*Prepared, error) {
	gg, err := c.FromWKB(b)
	if err != nil {
		return nil, err
	}
	return c.prepare(gg)
}

// prepare prepares gg, which the result then owns.
func (c *Context) prepare(gg *Geom) (*Prepared, error) {
	var pg *geos.PrepGeom
	if err := c.guard(OpPrepare, func() error { pg = gg.g.Prepare(); return nil }); err != nil {
		gg.Destroy()
		return nil, err
	}
	c.prepares.Store(true)
	return &Prepared{ctx: c, g: gg.g, pg: pg}, nil
}

// Geom returns the geometry p was prepared from, for other operations in p's
// context. It belongs to p: Destroy p, not it.
func (p *Prepared) Geom() *Geom { return &Geom{ctx: p.ctx, g: p.g} }

// test runs the predicate f of p on g under op, following the operand rule above.
func (p *Prepared) test(op Op, g *Geom, f func(*geos.PrepGeom, *geos.Geom) bool) (bool, error) {
	og := g.g
	if g.ctx != p.ctx && g.ctx.prepares.Load() {
		cp, err := p.ctx.copyOf(g)
		if err != nil {
			return false, err
		}
		defer cp.Destroy()
		og = cp
	}
	var ok bool
	err := p.ctx.guard(op, func() error { ok = f(p.pg, og); return nil })
	return ok, err
}

// Intersects reports whether p and g share any point (touching counts).
func (p *Prepared) Intersects(g *Geom) (bool, error) {
	return p.test(OpIntersects, g, (*geos.PrepGeom).Intersects)
}

// Covers reports whether no point of g lies outside p (p's boundary included).
func (p *Prepared) Covers(g *Geom) (bool, error) {
	return p.test(OpCovers, g, (*geos.PrepGeom).Covers)
}

// Contains reports whether g lies in p and touches its interior.
func (p *Prepared) Contains(g *Geom) (bool, error) {
	return p.test(OpContains, g, (*geos.PrepGeom).Contains)
}

// Destroy frees p's C memory.
func (p *Prepared) Destroy() {
	if p != nil && p.pg != nil {
		p.pg.Destroy()
		p.g.Destroy()
		p.pg, p.g = nil, nil
	}
}
