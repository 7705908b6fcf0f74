package dxf

import (
	"math"

	"github.com/paulmach/orb"
)

// This file is the plane geometry of a drawing: paths of vertices with bulges
// (every circular arc of DXF — LWPOLYLINE and POLYLINE bulges, ARC, CIRCLE, HATCH
// arc edges — is held as one), the affine transforms of blocks and object
// coordinate systems, and the densification of arcs to a chord tolerance.

// vtx is a path vertex; bulge is the tangent of a quarter of the included angle
// of the arc to the next vertex (0: a straight segment, > 0: counter-clockwise).
type vtx struct {
	p     orb.Point
	bulge float64
}

// path is a polyline with arcs in the coordinates of its entity (block or model
// space, after the object coordinate system).
type path struct {
	v      []vtx
	closed bool
}

// affine maps (x, y) to (a·x + b·y + c, d·x + e·y + f).
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, e: 1}

func (t affine) apply(p orb.Point) orb.Point {
	return orb.Point{t.a*p[0] + t.b*p[1] + t.c, t.d*p[0] + t.e*p[1] + t.f}
}

// then is t followed by u.
func (t affine) then(u affine) affine {
	return affine{
		a: u.a*t.a + u.b*t.d, b: u.a*t.b + u.b*t.e, c: u.a*t.c + u.b*t.f + u.c,
		d: u.d*t.a + u.e*t.d, e: u.d*t.b + u.e*t.e, f: u.d*t.c + u.e*t.f + u.f,
	}
}

func (t affine) det() float64 { return t.a*t.e - t.b*t.d }

// similarity reports whether t keeps circles circles (rotation, uniform scale,
// mirror, translation), and its scale.
func (t affine) similarity() (float64, bool) {
	sx, sy := math.Hypot(t.a, t.d), math.Hypot(t.b, t.e)
	dot := t.a*t.b + t.d*t.e
	ok := math.Abs(sx-sy) <= 1e-12*math.Max(sx, sy) && math.Abs(dot) <= 1e-12*sx*sy
	return (sx + sy) / 2, ok
}

// maxScale is the largest factor by which t stretches a length.
func (t affine) maxScale() float64 {
	// The largest singular value of [[a b] [d e]].
	p := t.a*t.a + t.b*t.b + t.d*t.d + t.e*t.e
	q := t.det()
	return math.Sqrt((p + math.Sqrt(math.Max(0, p*p-4*q*q))) / 2)
}

func finiteAffine(t affine) bool {
	for _, v := range [...]float64{t.a, t.b, t.c, t.d, t.e, t.f} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// ocs is the map from an entity's object coordinate system (normal n, elevation z)
// to world x, y, by AutoCAD's arbitrary axis algorithm; world z is dropped.
// n = (0, 0, 1) is the identity and (0, 0, -1) mirrors x.
func ocs(n [3]float64, z float64) affine {
	l := math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2])
	if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) {
		return identity
	}
	az := [3]float64{n[0] / l, n[1] / l, n[2] / l}
	if az[0] == 0 && az[1] == 0 && az[2] == 1 {
		return affine{a: 1, e: 1, f: 0}
	}
	var ax [3]float64
	if math.Abs(az[0]) < 1.0/64 && math.Abs(az[1]) < 1.0/64 {
		ax = cross([3]float64{0, 1, 0}, az)
	} else {
		ax = cross([3]float64{0, 0, 1}, az)
	}
	ax = unit(ax)
	ay := unit(cross(az, ax))
	return affine{a: ax[0], b: ay[0], c: z * az[0], d: ax[1], e: ay[1], f: z * az[1]}
}

func cross(u, v [3]float64) [3]float64 {
	return [3]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]}
}

func unit(u [3]float64) [3]float64 {
	l := math.Sqrt(u[0]*u[0] + u[1]*u[1] + u[2]*u[2])
	if l == 0 {
		return u
	}
	return [3]float64{u[0] / l, u[1] / l, u[2] / l}
}

// maxArcSegments bounds the chords of one arc: past it the chords are longer than
// the tolerance asks (a warning says so).
const maxArcSegments = 4096

// arcSegments is the number of chords that keep an arc of radius r and included
// angle theta within tol of the true curve (the sagitta r(1 − cos(Δ/2)) ≤ tol),
// and whether maxArcSegments capped it.
func arcSegments(r, theta, tol float64) (int, bool) {
	theta = math.Abs(theta)
	if r <= tol || theta == 0 {
		return 1, false
	}
	step := 2 * math.Acos(1-tol/r)
	n := math.Ceil(theta / step)
	if !(n <= maxArcSegments) { // NaN too
		return maxArcSegments, true
	}
	return max(1, int(n)), false
}

// bulgeArc appends to out the interior vertices of the arc from p to q with the
// given bulge, densified to tol, all on the true circle. capped says the arc
// needed more than maxArcSegments chords.
func bulgeArc(out []orb.Point, p, q orb.Point, bulge, tol float64) ([]orb.Point, bool) {
	dx, dy := q[0]-p[0], q[1]-p[1]
	c := math.Hypot(dx, dy)
	if c == 0 || bulge == 0 || math.IsNaN(bulge) || math.IsInf(bulge, 0) {
		return out, false
	}
	theta := 4 * math.Atan(bulge) // included angle, signed (> 0 counter-clockwise)
	r := c * (1 + bulge*bulge) / (4 * math.Abs(bulge))
	// The centre lies on the chord's perpendicular bisector, at distance
	// r − sagitta from it, on the left of p→q for a counter-clockwise arc of
	// less than half a turn.
	s := c / 2 * bulge // signed sagitta
	h := r - math.Abs(s)
	mx, my := (p[0]+q[0])/2, (q[1]+p[1])/2
	nx, ny := -dy/c, dx/c // left normal
	sign := 1.0
	if bulge < 0 {
		sign = -1
	}
	cx, cy := mx+sign*h*nx, my+sign*h*ny
	// For a bulge above 1 (more than half a turn) the centre is on the other side:
	// h computed from |s| > r is negative, which the formula above handles.
	a0 := math.Atan2(p[1]-cy, p[0]-cx)
	n, capped := arcSegments(r, theta, tol)
	for i := 1; i < n; i++ {
		a := a0 + theta*float64(i)/float64(n)
		out = append(out, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return out, capped
}

// arcBulge is the bulge of an arc of included angle theta (radians, signed).
func arcBulge(theta float64) float64 { return math.Tan(theta / 4) }

// arcPath appends a circular arc (centre c, radius r, from angle a0 to a1 in
// radians, counter-clockwise when ccw) to v as vertices with bulges: half a turn
// at most per vertex, so the bulges stay within ±1.
func arcPath(v []vtx, c orb.Point, r, a0, sweep float64) []vtx {
	n := int(math.Ceil(math.Abs(sweep) / math.Pi))
	if n < 1 {
		n = 1
	}
	if n > 4 { // sweeps past two turns are drawing errors: two turns draw it all
		n = 4
	}
	step := sweep / float64(n)
	for i := 0; i < n; i++ {
		a := a0 + step*float64(i)
		v = append(v, vtx{p: orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}, bulge: arcBulge(step)})
	}
	a := a0 + sweep
	return append(v, vtx{p: orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}})
}

// ccwSweep is the counter-clockwise sweep from a0 to a1 (radians), in (0, 2π]; a
// full turn when they coincide.
func ccwSweep(a0, a1 float64) float64 {
	s := math.Mod(a1-a0, 2*math.Pi)
	if s <= 1e-12 {
		s += 2 * math.Pi
	}
	return s
}

// ellipsePoints appends the points of an elliptic arc: centre c, major axis
// vector m, minor axis vector n, from parameter t0 over sweep (radians). The
// ellipse is the image of the unit circle under [m n], which stretches lengths by
// at most |m|: chords of the parameter that keep a circle of radius |m| within tol
// keep the ellipse within it too.
func ellipsePoints(out []orb.Point, c, m, n orb.Point, t0, sweep, tol float64) ([]orb.Point, bool) {
	ra := math.Max(math.Hypot(m[0], m[1]), math.Hypot(n[0], n[1]))
	k, capped := arcSegments(ra, sweep, tol)
	for i := 0; i <= k; i++ {
		t := t0 + sweep*float64(i)/float64(k)
		out = append(out, orb.Point{c[0] + m[0]*math.Cos(t) + n[0]*math.Sin(t), c[1] + m[1]*math.Cos(t) + n[1]*math.Sin(t)})
	}
	return out, capped
}

// flatten returns the points of p under t, its arcs densified to tol (in t's
// output units): exactly, on the true circle, when t is a similarity; else in
// p's own coordinates with the tolerance divided by t's largest stretch, then
// mapped. capped says some arc hit maxArcSegments.
func flatten(p path, t affine, tol float64, out []orb.Point) ([]orb.Point, bool) {
	capped := false
	_, sim := t.similarity()
	mirror := t.det() < 0
	localTol := tol
	if !sim {
		localTol = tol / math.Max(t.maxScale(), 1e-300)
	}
	n := len(p.v)
	for i := 0; i < n; i++ {
		v := p.v[i]
		out = append(out, t.apply(v.p))
		if v.bulge == 0 || (i == n-1 && !p.closed) {
			continue
		}
		q := p.v[(i+1)%n].p
		var c bool
		if sim {
			b := v.bulge
			if mirror {
				b = -b
			}
			out, c = bulgeArc(out, t.apply(v.p), t.apply(q), b, tol)
		} else {
			start := len(out)
			out, c = bulgeArc(out, v.p, q, v.bulge, localTol)
			for j := start; j < len(out); j++ {
				out[j] = t.apply(out[j])
			}
		}
		capped = capped || c
	}
	return out, capped
}
