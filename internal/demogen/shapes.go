package demogen

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// Seed is the fixed seed of every pseudo-random stream of the generator. Changing it
// changes every committed file.
const Seed uint64 = 20261128

// newRNG returns a PCG stream of its own for the object named key, so that adding or
// reordering objects does not disturb the shapes of the others.
func newRNG(key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(Seed, h.Sum64()))
}

// r7 rounds a coordinate to 7 decimals (about 1 cm), the precision written out.
// Every vertex is rounded when it is made, so the checks see what the files hold and
// shared boundaries are identical vertex for vertex.
func r7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

func pt(x, y float64) orb.Point { return orb.Point{r7(x), r7(y)} }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// fractalEdge returns a polyline from a to b (both included) of 2^levels segments made
// by midpoint displacement (each midpoint moved perpendicular to its sub-chord by up to
// rough times the sub-chord's length). Every vertex is confined to the rhombus whose
// diagonal is ab and whose half-width at the middle is w·|ab|: two such edges meeting at
// a node at an angle above 2·atan(2w) cannot cross, and edges farther apart than their
// rhombi cannot either. Self-intersection within the edge is not excluded here; the
// caller checks and draws again.
func fractalEdge(rng *rand.Rand, a, b orb.Point, levels int, rough, w float64) []orb.Point {
	n := 1 << levels
	ts := make([]float64, n+1) // along the chord, 0 at a, 1 at b
	ss := make([]float64, n+1) // across the chord, in units of |ab|, left positive
	ts[n] = 1
	for step := n; step > 1; step /= 2 {
		for i := 0; i < n; i += step {
			j, m := i+step, i+step/2
			dt, ds := ts[j]-ts[i], ss[j]-ss[i]
			l := math.Hypot(dt, ds)
			d := (rng.Float64()*2 - 1) * rough * l
			tm := clamp((ts[i]+ts[j])/2-ds/l*d, 0, 1)
			lim := w * (1 - math.Abs(2*tm-1))
			ts[m] = tm
			ss[m] = clamp((ss[i]+ss[j])/2+dt/l*d, -lim, lim)
		}
	}
	dx, dy := b[0]-a[0], b[1]-a[1]
	out := make([]orb.Point, n+1)
	for i := range out {
		out[i] = pt(a[0]+ts[i]*dx-ss[i]*dy, a[1]+ts[i]*dy+ss[i]*dx)
	}
	out[0], out[n] = a, b
	return out
}

// noise1 returns n+1 values of a fractal (midpoint-displacement) curve over an open
// interval, scaled so that its largest magnitude is exactly amp. h in (0,1) is the
// roughness: each level's displacement is h times the previous one.
func noise1(rng *rand.Rand, levels int, h, amp float64) []float64 {
	n := 1 << levels
	v := make([]float64, n+1)
	v[0], v[n] = rng.Float64()*2-1, rng.Float64()*2-1
	s := 1.0
	for step := n; step > 1; step /= 2 {
		for i := 0; i < n; i += step {
			v[i+step/2] = (v[i]+v[i+step])/2 + (rng.Float64()*2-1)*s
		}
		s *= h
	}
	return scaleTo(v, amp)
}

// periodicNoise is noise1 on a circle: n values, the last neighbouring the first.
func periodicNoise(rng *rand.Rand, levels int, h, amp float64) []float64 {
	n := 1 << levels
	v := make([]float64, n+1)
	s := 1.0
	for step := n; step > 1; step /= 2 {
		for i := 0; i < n; i += step {
			v[i+step/2] = (v[i]+v[i+step])/2 + (rng.Float64()*2-1)*s
		}
		v[n] = v[0]
		s *= h
	}
	return scaleTo(v[:n], amp)
}

func scaleTo(v []float64, amp float64) []float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	if m == 0 {
		return v
	}
	for i := range v {
		v[i] *= amp / m
	}
	return v
}

// radialProfile returns n = 2^levels relative radii in [1-amp, 1+amp] around a circle:
// a few low harmonics for the overall form plus fractal detail.
func radialProfile(rng *rand.Rand, levels int, amp float64) []float64 {
	n := 1 << levels
	detail := periodicNoise(rng, levels, 0.7, amp*0.3)
	const harmonics = 10
	var a, ph [harmonics + 1]float64
	sum := 0.0
	for k := 2; k <= harmonics; k++ {
		a[k] = (0.3 + 0.7*rng.Float64()) / math.Pow(float64(k), 0.8)
		ph[k] = rng.Float64() * 2 * math.Pi
		sum += a[k]
	}
	r := make([]float64, n)
	for i := range r {
		th := 2 * math.Pi * float64(i) / float64(n)
		h := 0.0
		for k := 2; k <= harmonics; k++ {
			h += a[k] * math.Sin(float64(k)*th+ph[k])
		}
		r[i] = 1 + h/sum*amp*0.7 + detail[i]
	}
	return r
}

// ellipse places a closed counter-clockwise ring: the profile's radii (times scale) on
// an ellipse of semi-axes ax, ay (degrees) rotated by rot radians about c. Rings of the
// same frame and profile length share their angles, so where every radius of one is
// smaller than the other's at the same index, the first lies inside the second (each is
// star-shaped about c, and each sector's triangle contains the smaller one).
//
// bend arches the shape: a point at x along the major axis moves by bend·(x/ax)² across
// it, a shear that keeps vertical order, so nesting survives (and is checked).
func ellipse(c orb.Point, ax, ay, rot, scale float64, prof []float64, bend ...float64) orb.Ring {
	n := len(prof)
	sr, cr := math.Sincos(rot)
	b := 0.0
	if len(bend) > 0 {
		b = bend[0]
	}
	ring := make(orb.Ring, n+1)
	for i, r := range prof {
		th := 2 * math.Pi * float64(i) / float64(n)
		s, co := math.Sincos(th)
		x, y := scale*r*ax*co, scale*r*ay*s
		y += b * (x / ax) * (x / ax)
		ring[i] = pt(c[0]+x*cr-y*sr, c[1]+x*sr+y*cr)
	}
	ring[n] = ring[0]
	return ring
}

// reversed returns a copy of r running the other way.
func reversed(r orb.Ring) orb.Ring {
	out := r.Clone()
	out.Reverse()
	return out
}

// frame is a local (u along, v across to the left) frame in degrees, for river-bound
// shapes.
type frame struct {
	o      orb.Point
	ux, uy float64 // unit direction of u
}

func (f frame) at(u, v float64) orb.Point {
	return pt(f.o[0]+u*f.ux-v*f.uy, f.o[1]+u*f.uy+v*f.ux)
}

// river is a meandering centre line v = c[i] at u = u0 + i·du in a frame.
type river struct {
	f  frame
	u0 float64
	du float64
	c  []float64
}

func newRiver(rng *rand.Rand, f frame, u0, length, du, meander float64) river {
	n := int(math.Round(length / du))
	levels := 1
	for 1<<levels < n {
		levels++
	}
	det := noise1(rng, levels, 0.6, meander*0.35)
	var a, wl, ph [4]float64
	for k := range a {
		a[k] = meander * (0.5 + 0.5*rng.Float64()) / float64(k+1)
		wl[k] = length / (1.5 + 2.2*float64(k) + rng.Float64())
		ph[k] = rng.Float64() * 2 * math.Pi
	}
	c := make([]float64, n+1)
	for i := range c {
		u := float64(i) * du
		for k := range a {
			c[i] += a[k] * math.Sin(2*math.Pi*u/wl[k]+ph[k])
		}
		c[i] = c[i]*0.65 + det[i]
	}
	return river{f: f, u0: u0, du: du, c: c}
}

func (r river) line() orb.LineString {
	ls := make(orb.LineString, len(r.c))
	for i, v := range r.c {
		ls[i] = r.f.at(r.u0+float64(i)*r.du, v)
	}
	return ls
}

// band returns the counter-clockwise ring of the points within w[i] of the centre line
// for i in [i0, i1]: the lower bank downstream, then the upper bank back. Bands with
// index ranges strictly inside one another and smaller widths nest (the banks are
// graphs over u sampled at the same u values).
func (r river) band(i0, i1 int, w []float64) orb.Ring {
	var ring orb.Ring
	for i := i0; i <= i1; i++ {
		ring = append(ring, r.f.at(r.u0+float64(i)*r.du, r.c[i]-w[i]))
	}
	for i := i1; i >= i0; i-- {
		ring = append(ring, r.f.at(r.u0+float64(i)*r.du, r.c[i]+w[i]))
	}
	return append(ring, ring[0])
}
