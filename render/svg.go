package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"

	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// The map: lon/lat projected with a local equirectangular scale (x = Δlon·cos lat0,
// y = Δlat, in metres on a sphere of the GRS80 semi-major axis' meridian degree),
// fitted into a fixed viewport. Good to a few parts per thousand over a site-sized
// window, which is what a locator map needs; areas in the report are not taken
// from it.
const (
	svgWidth   = 720
	svgHeight  = 480
	svgMargin  = 36 // room for graticule labels (longitudes below)
	svgMarginL = 64 // room for latitude labels on the left
	mPerDegLat = 111320.0
)

type svgPath struct {
	D     string
	Class string
	Zone  string // layer/zone id, for zone elements
	Title string
}

type svgText struct {
	X, Y   float64
	Anchor string
	Text   string
}

type svgLine struct{ X1, Y1, X2, Y2 float64 }

type svgMap struct {
	Width, Height int
	Empty         bool
	Zones         []svgPath // one per intersection
	Nearby        []svgPath
	Overlaps      []svgPath
	Footprint     []svgPath
	Grid          []svgLine
	Labels        []svgText
	ScaleX        float64
	ScaleY        float64
	ScaleW        float64
	ScaleLabel    string
	NorthX        float64
	NorthY        float64
	Frame         svgLine // x1,y1 = top-left, x2,y2 = bottom-right of the map area
}

// projector maps lon/lat to viewport pixels.
type projector struct {
	lon0, lat0, k float64 // k: metres per degree of longitude at lat0
	scale         float64 // pixels per metre
	x0, y0        float64 // pixel of (lon0, lat0)
}

func (p projector) px(pt orb.Point) orb.Point {
	return orb.Point{p.x0 + (pt[0]-p.lon0)*p.k*p.scale, p.y0 - (pt[1]-p.lat0)*mPerDegLat*p.scale}
}

func (p projector) lonlat(x, y float64) orb.Point {
	return orb.Point{p.lon0 + (x-p.x0)/(p.k*p.scale), p.lat0 - (y-p.y0)/(mPerDegLat*p.scale)}
}

// window returns the lon/lat bound to draw: the footprint's (or, without geometry,
// the intersections' overlaps') bounds padded to show context and nearby zones.
func window(r *zones.Report) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	add := func(g orb.Geometry) {
		if g == nil {
			return
		}
		gb := g.Bound()
		if !ok {
			b, ok = gb, true
		} else {
			b = b.Union(gb)
		}
	}
	add(r.Geometry)
	if !ok {
		if fb := r.Footprint.Bounds; fb != [4]float64{} {
			b, ok = orb.Bound{Min: orb.Point{fb[0], fb[1]}, Max: orb.Point{fb[2], fb[3]}}, true
		}
	}
	if !ok {
		for _, in := range r.Intersections {
			add(in.Overlap)
		}
	}
	if !ok || math.IsNaN(b.Min[0]) {
		return b, false
	}
	lat0 := (b.Min[1] + b.Max[1]) / 2
	k := mPerDegLat * math.Cos(lat0*math.Pi/180)
	wm, hm := (b.Max[0]-b.Min[0])*k, (b.Max[1]-b.Min[1])*mPerDegLat
	pad := math.Max(0.2*math.Max(wm, hm), 250)
	if len(r.Nearby) > 0 {
		buf := r.BufferM
		if buf <= 0 {
			buf = zones.DefaultBufferM
		}
		pad = math.Max(pad, math.Min(buf, 3*math.Max(wm, hm)+500))
	}
	return orb.Bound{
		Min: orb.Point{b.Min[0] - pad/k, b.Min[1] - pad/mPerDegLat},
		Max: orb.Point{b.Max[0] + pad/k, b.Max[1] + pad/mPerDegLat},
	}, true
}

func buildMap(r *zones.Report, l labels) svgMap {
	m := svgMap{Width: svgWidth, Height: svgHeight}
	win, ok := window(r)
	if !ok {
		m.Empty = true
		return m
	}
	lat0 := (win.Min[1] + win.Max[1]) / 2
	p := projector{lon0: win.Min[0], lat0: win.Min[1], k: mPerDegLat * math.Cos(lat0*math.Pi/180)}
	wm, hm := (win.Max[0]-win.Min[0])*p.k, (win.Max[1]-win.Min[1])*mPerDegLat
	aw, ah := float64(svgWidth-svgMarginL-svgMargin), float64(svgHeight-2*svgMargin)
	p.scale = math.Min(aw/wm, ah/hm)
	// centre the window in the map area, then widen the window to the whole area
	p.x0 = svgMarginL + (aw-wm*p.scale)/2
	p.y0 = svgMargin + ah - (ah-hm*p.scale)/2
	tl, br := p.lonlat(svgMarginL, svgMargin), p.lonlat(svgMarginL+aw, svgMargin+ah)
	win = orb.Bound{Min: orb.Point{tl[0], br[1]}, Max: orb.Point{br[0], tl[1]}}
	m.Frame = svgLine{svgMarginL, svgMargin, svgMarginL + aw, svgMargin + ah}

	draw := func(g orb.Geometry) (string, bool) { return pathData(g, win, p) }
	// Least severe first, so that the most severe zones are drawn on top.
	for i := len(r.Intersections) - 1; i >= 0; i-- {
		in := r.Intersections[i]
		class := "zone v-" + string(in.Verdict)
		d, line := "", false
		if in.Zone != nil && in.Zone.Geometry != nil {
			d, line = draw(in.Zone.Geometry)
		}
		if d == "" {
			d, line = draw(in.Overlap)
		}
		if line {
			class += " line"
		}
		m.Zones = append(m.Zones, svgPath{D: d, Class: class, Zone: in.Layer + "/" + in.ZoneID,
			Title: fmt.Sprintf("%s %s（%s）%s", in.ZoneID, in.ZoneName, l.class(in.Kind, in.ZoneClass), l.verdict(in.Verdict))})
		if od, oline := draw(in.Overlap); od != "" {
			c := "overlap"
			if oline {
				c += " line"
			}
			m.Overlaps = append(m.Overlaps, svgPath{D: od, Class: c})
		}
	}
	for _, n := range r.Nearby {
		if n.Zone == nil {
			continue
		}
		if d, line := draw(n.Zone.Geometry); d != "" {
			c := "nearby"
			if line {
				c += " line"
			}
			m.Nearby = append(m.Nearby, svgPath{D: d, Class: c, Title: fmt.Sprintf("%s %s %.0f m", n.ZoneID, n.ZoneName, n.DistanceM)})
		}
	}
	if d, line := draw(r.Geometry); d != "" {
		c := "footprint"
		if line {
			c += " line"
		}
		m.Footprint = append(m.Footprint, svgPath{D: d, Class: c})
	}
	// Sites too small to see at this scale get a ring around them.
	for _, b := range partBounds(r.Geometry) {
		lo, hi := p.px(b.Min), p.px(b.Max)
		if hi[0]-lo[0] < 8 && lo[1]-hi[1] < 8 {
			c := p.px(b.Center())
			m.Footprint = append(m.Footprint, svgPath{Class: "footprint marker",
				D: fmt.Sprintf("M%.1f %.1f m-8 0 a8 8 0 1 0 16 0 a8 8 0 1 0 -16 0", c[0], c[1])})
		}
	}
	graticule(&m, win, p)
	// scale bar: a round length near a quarter of the map width
	target := (aw / p.scale) / 4
	step := math.Pow(10, math.Floor(math.Log10(target)))
	length := step
	for _, f := range []float64{2, 5, 10} {
		if f*step <= target {
			length = f * step
		}
	}
	m.ScaleW, m.ScaleX, m.ScaleY = length*p.scale, svgMarginL+10, svgMargin+ah-14
	if length >= 1000 {
		m.ScaleLabel = strconv.FormatFloat(length/1000, 'f', -1, 64) + " km"
	} else {
		m.ScaleLabel = strconv.FormatFloat(length, 'f', -1, 64) + " m"
	}
	m.NorthX, m.NorthY = svgMarginL+aw-24, svgMargin+34
	return m
}

// graticule adds lon/lat lines at a round step and their labels.
func graticule(m *svgMap, win orb.Bound, p projector) {
	span := win.Max[0] - win.Min[0]
	steps := []float64{0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if span/s <= 5 {
			step = s
			break
		}
	}
	dec := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	for v := math.Ceil(win.Min[0]/step) * step; v <= win.Max[0]; v += step {
		a, b := p.px(orb.Point{v, win.Min[1]}), p.px(orb.Point{v, win.Max[1]})
		m.Grid = append(m.Grid, svgLine{a[0], b[1], a[0], a[1]})
		m.Labels = append(m.Labels, svgText{X: a[0], Y: a[1] + 14, Anchor: "middle",
			Text: strconv.FormatFloat(v, 'f', dec, 64) + "°E"})
	}
	for v := math.Ceil(win.Min[1]/step) * step; v <= win.Max[1]; v += step {
		a, b := p.px(orb.Point{win.Min[0], v}), p.px(orb.Point{win.Max[0], v})
		m.Grid = append(m.Grid, svgLine{a[0], a[1], b[0], a[1]})
		m.Labels = append(m.Labels, svgText{X: a[0] - 4, Y: a[1] + 4, Anchor: "end",
			Text: strconv.FormatFloat(v, 'f', dec, 64) + "°N"})
	}
}

// pathData clips g to win, projects it, drops detail under half a pixel and returns
// SVG path data, and whether it is lineal (to be stroked, not filled).
func pathData(g orb.Geometry, win orb.Bound, p projector) (string, bool) {
	if g == nil {
		return "", false
	}
	g = clip.Geometry(win, orb.Clone(g))
	if g == nil {
		return "", false
	}
	var sb strings.Builder
	path := func(pts []orb.Point, closed bool) {
		ls := make(orb.LineString, 0, len(pts))
		for _, pt := range pts {
			ls = append(ls, p.px(pt))
		}
		if len(ls) > 3 {
			ls = simplify.DouglasPeucker(0.5).LineString(ls)
		}
		if len(ls) < 2 {
			return
		}
		for i, pt := range ls {
			if i == 0 {
				sb.WriteString("M")
			} else {
				sb.WriteString(" L")
			}
			fmt.Fprintf(&sb, "%.1f %.1f", pt[0], pt[1])
		}
		if closed {
			sb.WriteString(" Z ")
		} else {
			sb.WriteString(" ")
		}
	}
	for _, pg := range planar.Polygons(g) {
		for _, r := range pg {
			if len(r) >= 4 {
				path(r, true)
			}
		}
	}
	lines := planar.Lines(g)
	for _, ls := range lines {
		path(ls, false)
	}
	planar.EachPoint(planar.Extract(g, planar.DimPoint), func(pt orb.Point) {
		q := p.px(pt)
		fmt.Fprintf(&sb, "M%.1f %.1f m-4 0 a4 4 0 1 0 8 0 a4 4 0 1 0 -8 0 ", q[0], q[1])
	})
	return strings.TrimSpace(sb.String()), len(lines) > 0
}

// partBounds returns the bounds of each areal and lineal part of g; points are
// drawn as circles already.
func partBounds(g orb.Geometry) []orb.Bound {
	var out []orb.Bound
	for _, pg := range planar.Polygons(g) {
		out = append(out, pg.Bound())
	}
	for _, ls := range planar.Lines(g) {
		out = append(out, ls.Bound())
	}
	return out
}
