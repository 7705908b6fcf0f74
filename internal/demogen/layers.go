package demogen

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// prop is one attribute; properties are written in the order given.
type prop struct {
	key   string
	value any // string, int or bool
}

type feature struct {
	props []prop
	geom  orb.Geometry
}

// layer is one layer of the dataset and its manifest entry.
type layer struct {
	id, kind, title, file string
	idField, nameField    string
	classField, class     string
	classMap              [][2]string // raw value -> canonical class, in manifest order
	clauseFields          bool
	parkFields            bool // industrial parks: planning EIA and leading industries
	features              []feature
}

// world is the whole generated province.
type world struct {
	grid       *grid
	province   orb.Polygon
	layers     []layer
	zones      []zone // polygon zones of every layer but ecu, for placing examples
	ecu        []zone
	rivers     map[string]river
	hanRiver   orb.LineString
	riverLines []linePiece      // every river line in short pieces, for keeping examples off them
	redline5   orb.MultiPolygon // the red line the pipeline example crosses
	redline3   orb.MultiPolygon // the red line the factory example straddles
	water      map[string]waterSource
}

type linePiece struct {
	points []orb.Point
	bound  orb.Bound
}

type waterSource struct {
	r         river
	lo, hi    [3]int // index ranges of level1, level2, quasi
	w         [3][]float64
	level1Mid int
}

func (w *world) addZones(l *layer) {
	for _, f := range l.features {
		mp := asMulti(f.geom)
		if mp == nil {
			continue
		}
		id, class := "", l.class
		for _, p := range f.props {
			if p.key == l.idField {
				id = p.value.(string)
			}
			if p.key == l.classField {
				raw := p.value.(string)
				for _, m := range l.classMap {
					if m[0] == raw {
						class = m[1]
					}
				}
			}
		}
		z := zone{layer: l.id, id: id, class: class, geom: mp, bound: mp.Bound()}
		if l.kind == "ecu" {
			w.ecu = append(w.ecu, z)
		} else {
			w.zones = append(w.zones, z)
		}
	}
}

// blob is a noisy ellipse: a ring of 2^levels vertices.
func blob(key string, c orb.Point, ax, ay, rot float64, levels int, amp float64) orb.Ring {
	return ellipse(c, ax, ay, rot, 1, radialProfile(newRNG(key), levels, amp))
}

// nested returns rings sharing centre and angles, with scales in decreasing order, like
// contour lines: a shared profile gives them one overall form, each adds detail of its
// own (amplitude own). Each lies strictly inside the one before: every radius is
// smaller at every angle (checked), and the rings are star-shaped about the centre.
func nested(key string, c orb.Point, ax, ay, rot, bend float64, levels int, amp, own float64, scales ...float64) ([]orb.Ring, error) {
	shared := radialProfile(newRNG(key), levels, amp)
	profs := make([][]float64, len(scales))
	for k := range scales {
		d := periodicNoise(newRNG(fmt.Sprintf("%s/%d", key, k)), levels, 0.7, own)
		profs[k] = make([]float64, len(shared))
		for i := range shared {
			profs[k][i] = shared[i] + d[i]
		}
	}
	for k := 1; k < len(scales); k++ {
		for i := range profs[k] {
			if scales[k]*profs[k][i] >= scales[k-1]*profs[k-1][i]*0.97 {
				return nil, fmt.Errorf("%s: ring %d not inside ring %d at %d", key, k, k-1, i)
			}
		}
	}
	rings := make([]orb.Ring, len(scales))
	for k, s := range scales {
		rings[k] = ellipse(c, ax, ay, rot, s, profs[k], bend)
	}
	return rings, nil
}

func polyWithHoles(shell orb.Ring, holes ...orb.Ring) orb.Polygon {
	p := orb.Polygon{shell}
	for _, h := range holes {
		p = append(p, reversed(h))
	}
	return p
}

func geometry(mp orb.MultiPolygon) orb.Geometry {
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// build makes the whole province. It fails if any check fails, so a change of
// parameters that breaks validity cannot be written out.
func build() (*world, error) {
	g, err := newGrid()
	if err != nil {
		return nil, err
	}
	w := &world{grid: g, province: orb.Polygon{g.outline()}, rivers: map[string]river{}, water: map[string]waterSource{}}
	if err := checkPolygons(orb.MultiPolygon{w.province}); err != nil {
		return nil, fmt.Errorf("province: %w", err)
	}
	steps := []func() (layer, error){w.redlines, w.qinling, w.natureReserve, w.nationalPark, w.waterSources, w.riverLayer}
	var ls []layer
	for _, step := range steps {
		l, err := step()
		if err != nil {
			return nil, err
		}
		if err := w.checkLayer(&l); err != nil {
			return nil, err
		}
		w.addZones(&l)
		ls = append(ls, l)
	}
	ecu, err := w.ecuLayer()
	if err != nil {
		return nil, err
	}
	if err := w.checkLayer(&ecu); err != nil {
		return nil, err
	}
	w.addZones(&ecu)
	w.layers = append([]layer{ecu}, ls...)
	// Parks last, and not among the zones examples are placed by (see parkLayer).
	parks, err := w.parkLayer()
	if err != nil {
		return nil, err
	}
	if err := w.checkLayer(&parks); err != nil {
		return nil, err
	}
	w.layers = append(w.layers, parks)
	return w, nil
}

// checkLayer checks every polygon of a layer for validity and containment in the
// province, and every line for simplicity.
func (w *world) checkLayer(l *layer) error {
	prov := orb.MultiPolygon{w.province}
	for k, f := range l.features {
		switch gm := f.geom.(type) {
		case orb.Polygon, orb.MultiPolygon:
			mp := asMulti(gm)
			if err := checkPolygons(mp); err != nil {
				return fmt.Errorf("layer %s feature %d: %w", l.id, k, err)
			}
			if l.kind != "ecu" {
				if err := checkInside(orb.MultiPolygon(mp), prov); err != nil {
					return fmt.Errorf("layer %s feature %d not inside the province: %w", l.id, k, err)
				}
			}
		case orb.LineString:
			if err := crossings([][]orb.Point{gm}, false, false); err != nil {
				return fmt.Errorf("layer %s feature %d: %w", l.id, k, err)
			}
		case orb.MultiLineString:
			for _, ls := range gm {
				if err := crossings([][]orb.Point{ls}, false, false); err != nil {
					return fmt.Errorf("layer %s feature %d: %w", l.id, k, err)
				}
			}
		}
	}
	return nil
}

func (w *world) redlines() (layer, error) {
	l := layer{id: "redline", kind: "redline", title: "生态保护红线", file: "redline.geojson",
		idField: "HXBM", nameField: "HXMC", class: "redline"}
	type part struct {
		c          orb.Point
		ax, ay, rt float64
		holes      []float64 // hole scales, each hole a smaller ring about an offset centre
	}
	specs := []struct {
		id, name, kind string
		parts          []part
	}{
		{"HX6100001", "秦岭北麓水源涵养生态保护红线", "水源涵养", []part{
			{c: orb.Point{107.45, 34.42}, ax: 0.16, ay: 0.065, rt: 0.15},
			{c: orb.Point{107.86, 34.44}, ax: 0.11, ay: 0.055, rt: -0.2},
		}},
		{"HX6100002", "示范山自然保护区生物多样性维护生态保护红线", "生物多样性维护", []part{
			{c: orb.Point{108.30, 34.02}, ax: 0.12, ay: 0.075, rt: 0.1},
		}},
		{"HX6100003", "岚河源水土保持生态保护红线", "水土保持", []part{
			{c: orb.Point{107.30, 33.52}, ax: 0.14, ay: 0.07, rt: 0.05, holes: []float64{0.3}},
		}},
		{"HX6100004", "东部丘陵水土保持生态保护红线", "水土保持", []part{
			{c: orb.Point{109.02, 33.50}, ax: 0.08, ay: 0.05, rt: 0.3, holes: []float64{0.28}},
			{c: orb.Point{109.00, 33.71}, ax: 0.06, ay: 0.04, rt: -0.1},
			{c: orb.Point{109.04, 33.86}, ax: 0.05, ay: 0.035, rt: 0.4},
		}},
		{"HX6100005", "汉北浅山生物多样性维护生态保护红线", "生物多样性维护", []part{
			{c: orb.Point{107.95, 33.52}, ax: 0.10, ay: 0.05, rt: -0.1},
		}},
		{"HX6100006", "秦巴山地水源涵养生态保护红线", "水源涵养", []part{
			{c: orb.Point{108.30, 33.13}, ax: 0.22, ay: 0.06, rt: 0.05, holes: []float64{0.25, 0.2}},
		}},
	}
	for _, s := range specs {
		var mp orb.MultiPolygon
		for pi, p := range s.parts {
			key := fmt.Sprintf("redline/%s/%d", s.id, pi)
			shell := blob(key, p.c, p.ax, p.ay, p.rt, 10, 0.4)
			poly := orb.Polygon{shell}
			for hi, hs := range p.holes {
				// Holes: small blobs at centres spread along the major axis, well inside
				// the shell (checked below).
				off := (float64(hi) - float64(len(p.holes)-1)/2) * 0.9 * p.ax
				hc := orb.Point{p.c[0] + off*math.Cos(p.rt), p.c[1] + off*math.Sin(p.rt)}
				h := blob(fmt.Sprintf("%s/hole/%d", key, hi), hc, hs*p.ax, hs*p.ay*1.2, p.rt+0.7, 8, 0.12)
				poly = append(poly, reversed(h))
			}
			mp = append(mp, poly)
		}
		if s.id == "HX6100005" {
			w.redline5 = mp
		}
		if s.id == "HX6100003" {
			w.redline3 = mp
		}
		l.features = append(l.features, feature{props: []prop{
			{"HXBM", s.id}, {"HXMC", s.name}, {"HXLX", s.kind}, {"JB", "省级"}, {"PZWH", "示政函〔2023〕18号"},
		}, geom: geometry(mp)})
	}
	return l, nil
}

func (w *world) qinling() (layer, error) {
	l := layer{id: "qinling", kind: "qinling", title: "秦岭生态环境保护范围分区", file: "qinling.geojson",
		idField: "QLBM", nameField: "QLMC", classField: "GKFQ",
		classMap: [][2]string{{"核心保护区", "core"}, {"重点保护区", "key"}, {"一般保护区", "general"}}}
	c := orb.Point{107.90, 33.92}
	rings, err := nested("qinling/bands", c, 0.84, 0.25, -0.03, 0.05, 11, 0.28, 0.06, 1, 0.6)
	if err != nil {
		return l, err
	}
	cores := []orb.Ring{
		blob("qinling/core/0", orb.Point{107.70, 33.94}, 0.12, 0.055, 0.05, 10, 0.25),
		blob("qinling/core/1", orb.Point{108.12, 33.90}, 0.11, 0.05, -0.1, 10, 0.25),
	}
	coreMP := orb.MultiPolygon{{cores[0]}, {cores[1]}}
	if err := checkInside(coreMP, orb.MultiPolygon{{rings[1]}}); err != nil {
		return l, fmt.Errorf("qinling core not inside key: %w", err)
	}
	l.features = []feature{
		{props: []prop{{"QLBM", "QL61-HX-01"}, {"QLMC", "秦岭核心保护区（示范段）"}, {"GKFQ", "核心保护区"}, {"HBFW", "海拔2000米以上及主梁两侧各1000米"}},
			geom: coreMP},
		{props: []prop{{"QLBM", "QL61-ZD-01"}, {"QLMC", "秦岭重点保护区（示范段）"}, {"GKFQ", "重点保护区"}, {"HBFW", "海拔1500米至2000米"}},
			geom: polyWithHoles(rings[1], cores...)},
		{props: []prop{{"QLBM", "QL61-YB-01"}, {"QLMC", "秦岭一般保护区（示范段）"}, {"GKFQ", "一般保护区"}, {"HBFW", "秦岭范围内其他区域"}},
			geom: polyWithHoles(rings[0], rings[1])},
	}
	return l, nil
}

func (w *world) natureReserve() (layer, error) {
	l := layer{id: "nature_reserve", kind: "nature_reserve", title: "自然保护区", file: "nature_reserve.geojson",
		idField: "GNQBM", nameField: "ZRBHDMC", classField: "GNFQ",
		classMap: [][2]string{{"核心区", "core"}, {"缓冲区", "buffer"}, {"实验区", "experimental"},
			{"核心保护区", "core"}, {"一般控制区", "general_control"}}}
	// A national reserve still zoned in the old three-zone scheme, and a provincial one
	// already zoned in the two-zone scheme of the 2026 regulations.
	rings, err := nested("reserve/bands", orb.Point{108.30, 34.02}, 0.15, 0.09, 0.1, 0, 10, 0.3, 0.06, 1, 0.62, 0.32)
	if err != nil {
		return l, err
	}
	rings2, err := nested("reserve2/bands", orb.Point{106.98, 34.17}, 0.085, 0.055, -0.3, 0, 10, 0.3, 0.06, 1, 0.5)
	if err != nil {
		return l, err
	}
	mk := func(code, name, level, kind, scheme, id, zone string, geom orb.Geometry) feature {
		return feature{props: []prop{{"GNQBM", id}, {"ZRBHDBM", code}, {"ZRBHDMC", name}, {"JB", level}, {"LX", kind},
			{"FQFA", scheme}, {"GNFQ", zone}}, geom: geom}
	}
	const (
		c1, n1 = "ZRBHQ610001", "示范山国家级自然保护区"
		c2, n2 = "ZRBHQ610002", "西岭湿地省级自然保护区"
	)
	l.features = []feature{
		mk(c1, n1, "国家级", "森林生态系统类型", "三区", c1+"-HX", "核心区", orb.Polygon{rings[2]}),
		mk(c1, n1, "国家级", "森林生态系统类型", "三区", c1+"-HC", "缓冲区", polyWithHoles(rings[1], rings[2])),
		mk(c1, n1, "国家级", "森林生态系统类型", "三区", c1+"-SY", "实验区", polyWithHoles(rings[0], rings[1])),
		mk(c2, n2, "省级", "内陆湿地类型", "两区", c2+"-HX", "核心保护区", orb.Polygon{rings2[1]}),
		mk(c2, n2, "省级", "内陆湿地类型", "两区", c2+"-YB", "一般控制区", polyWithHoles(rings2[0], rings2[1])),
	}
	return l, nil
}

func (w *world) nationalPark() (layer, error) {
	l := layer{id: "national_park", kind: "national_park", title: "国家公园", file: "national_park.geojson",
		idField: "GNQBM", nameField: "GJGYMC", classField: "GKFQ",
		classMap: [][2]string{{"核心保护区", "core"}, {"一般控制区", "general_control"}}}
	outer := blob("park/general", orb.Point{107.35, 33.88}, 0.26, 0.16, 0.05, 11, 0.18)
	cores := []orb.Ring{
		blob("park/core/0", orb.Point{107.26, 33.90}, 0.065, 0.05, 0.2, 10, 0.25),
		blob("park/core/1", orb.Point{107.45, 33.85}, 0.06, 0.045, -0.2, 10, 0.25),
	}
	coreMP := orb.MultiPolygon{{cores[0]}, {cores[1]}}
	if err := checkInside(coreMP, orb.MultiPolygon{{outer}}); err != nil {
		return l, fmt.Errorf("park core not inside: %w", err)
	}
	common := []prop{{"GJGYBM", "GJGY6101"}, {"GJGYMC", "示范岭国家公园"}}
	mk := func(id, zone string, geom orb.Geometry) feature {
		props := append([]prop{{"GNQBM", id}}, common...)
		return feature{props: append(props, prop{"GKFQ", zone}), geom: geom}
	}
	l.features = []feature{
		mk("GJGY6101-HX", "核心保护区", coreMP),
		mk("GJGY6101-YB", "一般控制区", polyWithHoles(outer, cores...)),
	}
	return l, nil
}

// newWaterSource lays level1, level2 and quasi bands along a river: level1 from i0 to
// i1 with a reservoir bulge, level2 reaching up and downstream of it, quasi farther.
func newWaterSource(key string, r river, i0, i1, up2, down2, up3, down3 int, base float64) waterSource {
	n := len(r.c)
	levels := 1
	for 1<<levels < n {
		levels++
	}
	n1 := noise1(newRNG(key+"/w1"), levels, 0.65, 0.35)
	n2 := noise1(newRNG(key+"/w2"), levels, 0.65, 0.4)
	n3 := noise1(newRNG(key+"/w3"), levels, 0.65, 0.4)
	mid := (i0 + i1) / 2
	var ws waterSource
	ws.r = r
	ws.level1Mid = mid
	for k := range ws.w {
		ws.w[k] = make([]float64, n)
	}
	for i := range n {
		t := float64(i-mid) / float64(i1-i0)
		res := 2.2 * base * math.Exp(-t*t*18) // the reservoir
		ws.w[0][i] = base*(1+n1[i]) + res
		ws.w[1][i] = ws.w[0][i] + 2*base*(1+n2[i])
		ws.w[2][i] = ws.w[1][i] + 3.5*base*(1+n3[i])
	}
	ws.lo = [3]int{i0, i0 - up2, i0 - up2 - up3}
	ws.hi = [3]int{i1, i1 + down2, i1 + down2 + down3}
	return ws
}

func (ws waterSource) rings() [3]orb.Ring {
	var out [3]orb.Ring
	for k := range out {
		out[k] = ws.r.band(ws.lo[k], ws.hi[k], ws.w[k])
	}
	return out
}

func (w *world) waterSources() (layer, error) {
	l := layer{id: "water_source", kind: "water_source", title: "饮用水水源保护区", file: "water_source.geojson",
		idField: "BHQBM", nameField: "SYDMC", classField: "BHQJB",
		classMap: [][2]string{{"一级保护区", "level1"}, {"二级保护区", "level2"}, {"准保护区", "quasi"}}}
	han := newRiver(newRNG("river/han"), frame{o: orb.Point{106.62, 33.37}, ux: 1}, 0, 2.76, 0.001, 0.035)
	w.rivers["han"] = han
	shimen := newRiver(newRNG("river/shimen"), frame{o: orb.Point{108.74, 33.58}, ux: -math.Sin(0.08), uy: math.Cos(0.08)}, 0, 0.74, 0.0008, 0.012)
	w.rivers["shimen"] = shimen
	// Han: upstream is west (small u). Shimen flows north: upstream is south.
	wa := newWaterSource("water/han", han, 1900, 2000, 120, 30, 160, 25, 0.0035)
	wb := newWaterSource("water/shimen", shimen, 560, 640, 110, 35, 130, 25, 0.0025)
	w.water["han"], w.water["shimen"] = wa, wb
	levels := [3]string{"一级保护区", "二级保护区", "准保护区"}
	suffix := [3]string{"YJ", "EJ", "ZB"}
	add := func(ws waterSource, code, name, river string, extra []prop) {
		rs := ws.rings()
		for k := range rs {
			var poly orb.Polygon
			if k == 0 {
				poly = orb.Polygon{rs[0]}
			} else {
				poly = polyWithHoles(rs[k], rs[k-1])
			}
			props := []prop{{"BHQBM", code + "-" + suffix[k]}, {"SYDBM", code}, {"SYDMC", name},
				{"SYDLX", "河流型"}, {"SZMC", river}, {"BHQJB", levels[k]}}
			l.features = append(l.features, feature{props: append(props, extra...), geom: poly})
		}
	}
	add(wa, "SY610001", "汉江示范段饮用水水源地", "汉江",
		[]prop{{"basin", "汉江"}, {"nsbd", "南水北调中线工程水源区"}})
	add(wb, "SY610002", "石门河水库饮用水水源地", "石门河",
		[]prop{{"basin", "渭河"}, {"nsbd", ""}})
	return l, nil
}

func (w *world) riverLayer() (layer, error) {
	l := layer{id: "river", kind: "custom", title: "河流", file: "river.geojson",
		idField: "HLBM", nameField: "HLMC", class: "river"}
	han := w.rivers["han"].line()
	w.hanRiver = han
	shimen := w.rivers["shimen"]
	main := shimen.line()
	// A tributary joining the Shimen from the east, a fractal line ending on a vertex
	// of the main stem. As in hydrographic data, the stem is split at the confluence,
	// so the parts meet only at their ends and the MultiLineString is simple.
	conf := main[300]
	src := pt(conf[0]+0.16, conf[1]-0.05)
	var trib []orb.Point
	for attempt := range 50 {
		trib = fractalEdge(newRNG(fmt.Sprintf("river/shimen/trib/%d", attempt)), src, conf, 9, 0.18, 0.12)
		if crossings([][]orb.Point{trib}, false, false) == nil && crossings([][]orb.Point{trib, main[:301], main[300:]}, false, true) == nil {
			break
		}
		trib = nil
	}
	if trib == nil {
		return l, fmt.Errorf("river tributary: no simple draw")
	}
	for _, line := range [][]orb.Point{han, main, trib} {
		for k := 0; k+1 < len(line); k += 64 {
			piece := orb.MultiPoint(line[k:min(k+65, len(line))])
			w.riverLines = append(w.riverLines, linePiece{piece, piece.Bound()})
		}
	}
	l.features = []feature{
		{props: []prop{{"HLBM", "HJ-0001"}, {"HLMC", "汉江"}, {"LY", "长江流域"}, {"basin", "汉江"}, {"DJ", "一级支流"}}, geom: han},
		{props: []prop{{"HLBM", "SMH-0001"}, {"HLMC", "石门河"}, {"LY", "黄河流域"}, {"basin", "渭河"}, {"DJ", "二级支流"}},
			geom: orb.MultiLineString{main[:301], main[300:], orb.LineString(trib)}},
	}
	return l, nil
}
