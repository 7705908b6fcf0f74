package scalegen

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// ChinaBox is the box every copy lies in: 73–135°E, 18–53°N.
var ChinaBox = orb.Bound{Min: orb.Point{73, 18}, Max: orb.Point{135, 53}}

// mainland is a coarse outline of mainland China (about 150 km accurate), enough
// to keep a copy's centre on land rather than over the sea or a neighbour: the
// place decides nothing else, and no zone is tested against it.
var mainland = orb.Ring{
	{73.5, 39.5}, {75.5, 36.8}, {77.8, 35.5}, {78.3, 34.5}, {78.8, 33.0}, {78.4, 32.5},
	{79.0, 31.0}, {81.1, 30.0}, {83.0, 29.3}, {85.0, 28.5}, {86.0, 28.1}, {88.0, 27.9},
	{88.9, 27.3}, {89.5, 28.1}, {91.6, 27.9}, {93.0, 28.0}, {95.0, 29.2}, {96.1, 29.4},
	{97.3, 28.3}, {98.3, 27.5}, {98.7, 25.9}, {97.7, 24.8}, {97.5, 24.0}, {98.9, 23.2},
	{99.5, 22.1}, {100.2, 21.5}, {101.8, 21.15}, {101.7, 22.4}, {102.2, 22.4}, {103.9, 22.5},
	{105.3, 23.3}, {106.7, 22.6}, {108.0, 21.5}, {109.7, 21.5}, {110.2, 20.3}, {110.5, 21.3},
	{111.5, 21.6}, {113.0, 22.1}, {114.3, 22.3}, {115.5, 22.7}, {116.8, 23.3}, {117.9, 24.2},
	{119.0, 25.0}, {119.6, 25.8}, {119.9, 26.7}, {120.6, 27.6}, {121.5, 28.5}, {121.9, 29.7},
	{121.0, 30.3}, {121.9, 30.9}, {121.0, 32.5}, {120.4, 33.5}, {119.3, 34.8}, {120.3, 36.0},
	{121.0, 36.6}, {122.7, 37.4}, {121.0, 37.8}, {119.5, 37.2}, {118.9, 38.0}, {117.7, 38.6},
	{118.5, 39.1}, {119.5, 39.8}, {121.0, 40.8}, {122.2, 40.5}, {121.2, 38.8}, {122.2, 39.4},
	{124.3, 39.9}, {125.0, 40.5}, {126.0, 41.0}, {127.0, 41.7}, {128.3, 41.6}, {129.0, 42.2},
	{130.6, 42.3}, {131.2, 42.9}, {131.0, 44.0}, {131.3, 44.9}, {133.1, 45.1}, {133.9, 46.2},
	{134.2, 47.2}, {134.7, 48.3}, {132.0, 47.7}, {130.9, 47.9}, {130.6, 48.8}, {129.5, 49.4},
	{127.6, 49.8}, {127.5, 50.5}, {126.0, 52.8}, {123.4, 53.5}, {121.0, 53.3}, {120.0, 52.6},
	{119.2, 50.3}, {117.6, 49.6}, {116.2, 49.9}, {115.5, 48.2}, {118.0, 47.1}, {119.8, 46.6},
	{117.4, 46.4}, {116.0, 45.4}, {113.5, 44.8}, {111.8, 43.6}, {111.0, 42.6}, {108.0, 42.4},
	{105.0, 41.6}, {101.8, 42.5}, {100.0, 42.6}, {96.4, 42.7}, {95.3, 44.2}, {93.5, 44.9},
	{90.9, 45.3}, {91.0, 46.6}, {90.0, 47.9}, {88.0, 48.6}, {87.8, 49.2}, {86.8, 49.1},
	{85.5, 48.0}, {83.0, 47.2}, {82.3, 45.5}, {80.1, 45.0}, {80.5, 44.0}, {80.2, 42.2},
	{79.5, 42.0}, {77.0, 41.0}, {76.0, 40.4}, {74.8, 40.4}, {73.5, 39.5},
}

// onLand says whether p and the points a degree around it lie in the mainland
// outline: the degree absorbs the outline's coarseness.
func onLand(p orb.Point) bool {
	for _, d := range [][2]float64{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		if planar.RingLocate(mainland, orb.Point{p[0] + d[0], p[1] + d[1]}) != planar.Inside {
			return false
		}
	}
	return true
}

// Copy is where copy Index of the dataset goes: its centre moves by (DX, DY)
// degrees and its longitudes stretch by ScaleX about the centre.
type Copy struct {
	Index  int        `json:"index"`
	DX     float64    `json:"dx"`
	DY     float64    `json:"dy"`
	ScaleX float64    `json:"scale_x"`
	Bound  orb.Bound  `json:"-"`
	BBox   [4]float64 `json:"bbox"`
}

// Plan places the copies of a dataset whose extent is Source.
type Plan struct {
	Source orb.Bound `json:"-"`
	// SourceBBox is Source as [west, south, east, north].
	SourceBBox [4]float64 `json:"source_bbox"`
	// Copies[0] is the original (no move); the others are the copies.
	Copies []Copy `json:"copies"`
	center orb.Point
}

// Apply moves p of the original to copy c. The original is never moved: its
// coordinates stay bit for bit what they were.
func (pl *Plan) Apply(c *Copy, p orb.Point) orb.Point {
	if c.Index == 0 {
		return p
	}
	x := pl.center[0] + c.DX + (p[0]-pl.center[0])*c.ScaleX
	y := p[1] + c.DY
	// 1e-7° (1 cm): a translation on the sources' own grid (6–7 decimals) stays
	// exact, and the files stay short.
	return orb.Point{math.Round(x*1e7) / 1e7, math.Round(y*1e7) / 1e7}
}

// Place plans n copies in all (the original included) of a dataset whose extent is
// src. Each copy's centre lies on land in China (the mainland outline above) and
// its whole extent inside ChinaBox, at least margin degrees clear of src, so that a
// query in the original region meets the original zones only. keepShape stretches
// a copy's longitudes by cos(lat of src's centre)/cos(lat of its own centre), so
// that shapes and areas in metres stay close to the original's.
//
// Among the candidate centres (every 0.25°), copies are picked one by one as far as
// possible from the original and the copies already placed (the smallest distance,
// in units of the source's width and height, made largest; ties go to the first
// candidate in a fixed order), so the result is deterministic and spreads the
// copies as evenly as the room allows. Copies are disjoint when they fit; a large
// source cannot fit: Shaanxi's five layers span 11°×12.3° (135 square degrees),
// and 31 such boxes need about four times China's land, so its copies overlap one
// another (never the original). Overlaps() says how many pairs do.
func Place(src orb.Bound, n int, margin float64, keepShape bool) (*Plan, error) {
	if n < 1 {
		return nil, fmt.Errorf("scalegen: %d copies: at least 1 (the original)", n)
	}
	if !ChinaBox.Contains(src.Min) || !ChinaBox.Contains(src.Max) {
		return nil, fmt.Errorf("scalegen: the dataset's extent %v is not inside 73–135°E, 18–53°N", bboxOf(src))
	}
	w, h := src.Max[0]-src.Min[0], src.Max[1]-src.Min[1]
	pl := &Plan{Source: src, SourceBBox: bboxOf(src), center: src.Center()}
	pl.Copies = append(pl.Copies, Copy{Index: 0, ScaleX: 1, Bound: src, BBox: bboxOf(src)})
	if n == 1 {
		return pl, nil
	}
	clear := src.Pad(margin)
	type cand struct {
		at    orb.Point
		scale float64
		bound orb.Bound
		dist  float64 // to the nearest placed box, in source widths/heights
	}
	var cands []cand
	const step = 0.25
	for y := ChinaBox.Min[1]; y <= ChinaBox.Max[1]; y += step {
		for x := ChinaBox.Min[0]; x <= ChinaBox.Max[0]; x += step {
			at := orb.Point{x, y}
			if !onLand(at) {
				continue
			}
			s := 1.0
			if keepShape {
				s = math.Cos(pl.center[1]*math.Pi/180) / math.Cos(y*math.Pi/180)
			}
			half := orb.Point{w * s / 2, h / 2}
			b := orb.Bound{Min: orb.Point{x - half[0], y - half[1]}, Max: orb.Point{x + half[0], y + half[1]}}
			if !ChinaBox.Contains(b.Min) || !ChinaBox.Contains(b.Max) || b.Intersects(clear) {
				continue
			}
			cands = append(cands, cand{at: at, scale: s, bound: b, dist: spread(at, pl.center, w, h)})
		}
	}
	if len(cands) < n-1 {
		return nil, fmt.Errorf("scalegen: room for %d copies of a %.2f°×%.2f° dataset in China clear of the original, not %d", len(cands), w, h, n-1)
	}
	for k := 1; k < n; k++ {
		best := 0
		for i := range cands {
			if cands[i].dist > cands[best].dist {
				best = i
			}
		}
		c := cands[best]
		pl.Copies = append(pl.Copies, Copy{Index: k,
			DX: c.at[0] - pl.center[0], DY: c.at[1] - pl.center[1], ScaleX: c.scale, Bound: c.bound, BBox: bboxOf(c.bound)})
		for i := range cands {
			cands[i].dist = math.Min(cands[i].dist, spread(cands[i].at, c.at, w, h))
		}
	}
	return pl, nil
}

// spread is how far apart two centres are in units of the source's size: at 1 or
// more, boxes of that size centred there do not overlap.
func spread(a, b orb.Point, w, h float64) float64 {
	return math.Max(math.Abs(a[0]-b[0])/w, math.Abs(a[1]-b[1])/h)
}

// Overlaps counts the pairs of copies whose extents overlap.
func (pl *Plan) Overlaps() int {
	n := 0
	for i := range pl.Copies {
		for j := i + 1; j < len(pl.Copies); j++ {
			if overlap(pl.Copies[i].Bound, pl.Copies[j].Bound) {
				n++
			}
		}
	}
	return n
}

// overlap says whether two boxes share more than a boundary.
func overlap(a, b orb.Bound) bool {
	return a.Min[0] < b.Max[0] && b.Min[0] < a.Max[0] && a.Min[1] < b.Max[1] && b.Min[1] < a.Max[1]
}

func bboxOf(b orb.Bound) [4]float64 { return [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} }
