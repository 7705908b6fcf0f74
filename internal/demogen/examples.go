package demogen

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// example is one example footprint with its project facts and the verdict issue 3's
// rules are meant to give it.
type example struct {
	name    string // file name without extension
	title   string
	intent  string // intended verdict and why
	project []prop
	feats   []feature
	bare    bool // write a bare Feature instead of a FeatureCollection
}

func project(name, industry, typ string, flags ...bool) []prop {
	p := []prop{{"name", name}}
	if industry != "" {
		p = append(p, prop{"industry", industry})
	}
	if typ != "" {
		p = append(p, prop{"type", typ})
	}
	for i, k := range []string{"discharges_pollutants", "has_outfall", "high_energy", "national_major"} {
		if i < len(flags) {
			p = append(p, prop{k, flags[i]})
		}
	}
	return p
}

// near reports whether some boundary of z passes within m (degrees) of p.
func (z zone) near(p orb.Point, m float64) bool {
	for _, poly := range z.geom {
		for _, r := range poly {
			if segsNear(r, p, m) {
				return true
			}
		}
	}
	return false
}

func segsNear(ps []orb.Point, p orb.Point, m float64) bool {
	for k := 0; k+1 < len(ps); k++ {
		a, b := ps[k], ps[k+1]
		if (a[0] < p[0]-m && b[0] < p[0]-m) || (a[0] > p[0]+m && b[0] > p[0]+m) ||
			(a[1] < p[1]-m && b[1] < p[1]-m) || (a[1] > p[1]+m && b[1] > p[1]+m) {
			continue
		}
		if distSeg(a, b, p) < m {
			return true
		}
	}
	return false
}

func distSeg(a, b, p orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := clamp(((p[0]-a[0])*dx+(p[1]-a[1])*dy)/(dx*dx+dy*dy), 0, 1)
	return math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1])
}

// site returns the sorted "layer/class" of the non-ECU zones covering p, and the class
// of the unit covering it.
func (w *world) site(p orb.Point) (zones []string, ecu string) {
	for _, z := range w.zones {
		if z.contains(p) {
			zones = append(zones, z.layer+"/"+z.class)
		}
	}
	for _, z := range w.ecu {
		if z.contains(p) {
			ecu = z.class
		}
	}
	slices.Sort(zones)
	return zones, ecu
}

// clear reports whether no zone boundary, unit boundary or river passes within m of p.
func (w *world) clear(p orb.Point, m float64) bool {
	for _, zs := range [][]zone{w.zones, w.ecu} {
		for _, z := range zs {
			if z.bound.Pad(m).Contains(p) && z.near(p, m) {
				return false
			}
		}
	}
	for _, r := range w.riverLines {
		if r.bound.Pad(m).Contains(p) && segsNear(r.points, p, m) {
			return false
		}
	}
	return true
}

// find scans the province's bounding box from the south-west, row by row, for the
// first point of the given zones (exactly; "" for none) and ECU class ("" for any),
// at least m from every boundary, and farther than 0.08° from the points in avoid.
func (w *world) find(want, ecuClass string, m float64, avoid ...orb.Point) (orb.Point, error) {
	return w.findFunc(func(zs []string, ecu string) bool {
		return strings.Join(zs, ",") == want && (ecuClass == "" || ecu == ecuClass)
	}, m, avoid...)
}

// findFunc is find with a predicate on the zones and the unit class.
func (w *world) findFunc(ok func(zones []string, ecu string) bool, m float64, avoid ...orb.Point) (orb.Point, error) {
	b := w.province.Bound()
	const step = 0.011
	for y := b.Min[1] + step; y < b.Max[1]; y += step {
	scan:
		for x := b.Min[0] + step; x < b.Max[0]; x += step {
			p := pt(x, y)
			for _, a := range avoid {
				if math.Hypot(a[0]-p[0], a[1]-p[1]) < 0.08 {
					continue scan
				}
			}
			zs, ecu := w.site(p)
			if ecu == "" || !ok(zs, ecu) || !w.clear(p, m) {
				continue
			}
			return p, nil
		}
	}
	return orb.Point{}, fmt.Errorf("no place found")
}

// square is a slightly irregular quadrilateral of half-size h (degrees of latitude)
// about c, counter-clockwise.
func square(c orb.Point, h float64) orb.Polygon {
	k := 1 / math.Cos(c[1]*math.Pi/180) // make it about square on the ground
	return orb.Polygon{{
		pt(c[0]-h*k, c[1]-h), pt(c[0]+h*k*1.1, c[1]-h*0.9), pt(c[0]+h*k, c[1]+h*1.05),
		pt(c[0]-h*k*0.95, c[1]+h), pt(c[0]-h*k, c[1]-h),
	}}
}

func site(name string, g orb.Geometry) feature {
	return feature{props: []prop{{"name", name}}, geom: g}
}

func (w *world) examples() ([]example, error) {
	var ex []example
	var firstErr error
	must := func(p orb.Point, err error) orb.Point {
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return p
	}

	// The east tip of the red line HX6100003: half the factory inside, half outside.
	tip := w.redline3[0][0][0]
	ex = append(ex, example{
		name: "factory_in_redline", title: "示范塑料制品厂新建项目",
		intent:  "prohibited: an industrial plant partly inside an ecological protection red line (development and production construction prohibited)",
		project: project("示范塑料制品厂新建项目", "C2927", "industrial", true, false, false, false),
		feats:   []feature{site("厂区", square(tip, 0.0035))},
	})

	wh := must(w.find("", "general", 0.02))
	ex = append(ex, example{
		name: "warehouse_general_ecu", title: "示范物流园通用仓储项目",
		intent:  "admissible: wholly inside a general-control ECU, no protected zone, all project facts given, not 两高",
		project: project("示范物流园通用仓储项目", "G5920", "other", false, false, false, false),
		feats:   []feature{site("仓储区", square(wh, 0.0025))},
	})

	bt := must(w.find("", "general", 0.02, wh))
	k := 1 / math.Cos(bt[1]*math.Pi/180)
	h := 0.0015
	ex = append(ex, example{
		name: "bowtie_general_ecu", title: "示范汽车维修站项目（界址点顺序错误）",
		intent:  "admissible after repair: a self-intersecting (bow-tie) footprint in a general-control ECU; repaired with MakeValid and disclosed (refused with --strict)",
		project: project("示范汽车维修站项目", "O8111", "other", false, false, false, false),
		feats: []feature{site("站区", orb.Polygon{{
			pt(bt[0]-h*k, bt[1]-h), pt(bt[0]+h*k, bt[1]+h), pt(bt[0]+h*k, bt[1]-h), pt(bt[0]-h*k, bt[1]+h), pt(bt[0]-h*k, bt[1]-h),
		}})},
	})

	orch := must(w.find("qinling/key", "", 0.01))
	ex = append(ex, example{
		name: "orchard_qinling_key", title: "示范苹果标准化种植基地",
		intent:  "not prohibited by Qinling: in the Qinling key zone with industry A0151, on the dataset's qinling_key_allowed list (A01); the ECU it lies in decides between conditional and admissible",
		project: project("示范苹果标准化种植基地", "A0151", "agriculture", false, false, false, false),
		feats:   []feature{site("种植区", square(orch, 0.004))},
	})
	hotel := must(w.find("qinling/key", "", 0.01, orch))
	ex = append(ex, example{
		name: "hotel_qinling_key", title: "示范山庄度假酒店项目",
		intent:  "prohibited: a hotel (H6110) in the Qinling key zone, not on the qinling_key_allowed list",
		project: project("示范山庄度假酒店项目", "H6110", "tourism", true, false, false, false),
		feats:   []feature{site("酒店", square(hotel, 0.003))},
	})

	quarry := must(w.find("qinling/general", "", 0.01))
	ex = append(ex, example{
		name: "quarry_qinling_general", title: "示范石灰岩矿开采项目",
		intent:  "prohibited: limestone quarrying (B1011) in the Qinling general zone, on the qinling_general_prohibited list (B10)",
		project: project("示范石灰岩矿开采项目", "B1011", "mining", true, false, false, false),
		feats:   []feature{site("采区", square(quarry, 0.004))},
	})

	han := w.water["han"]
	mid := han.level1Mid
	var i int
	intake := han.r.f.at(han.r.u0+float64(mid)*han.r.du, han.r.c[mid]+0.6*han.w[0][mid])
	ex = append(ex, example{
		name: "intake_water_level1", title: "汉江示范段取水泵站项目",
		intent:  "conditional: a water-supply intake (D4610) in a level-1 drinking-water source zone of the Han (basin 汉江, South-to-North middle route) source — level 1 allows water-supply works only",
		project: project("汉江示范段取水泵站项目", "D4610", "water_supply", false, false, false, false),
		feats:   []feature{site("泵站", square(intake, 0.0008))},
	})

	i = han.lo[1] - 40 // upstream of level 2: quasi only
	plant := han.r.f.at(han.r.u0+float64(i)*han.r.du, han.r.c[i]+0.6*han.w[2][i])
	ex = append(ex, example{
		name: "plant_han_quasi", title: "示范魔芋精深加工项目",
		intent:  "conditional: a food plant (C1391) that discharges pollutants, in the quasi zone of the Han (basin 汉江) source — quasi-zone rule, and the South-to-North source rule on load increase",
		project: project("示范魔芋精深加工项目", "C1391", "industrial", true, false, false, false),
		feats:   []feature{site("厂区", square(plant, 0.0012))},
	})

	shimen := w.water["shimen"]
	i = shimen.lo[0] - 20
	outfall := shimen.r.f.at(shimen.r.u0+float64(i)*shimen.r.du, shimen.r.c[i]+0.5*shimen.w[1][i])
	ex = append(ex, example{
		name: "outfall_water_level2", title: "石门河镇污水处理厂入河排污口",
		intent:  "prohibited: an outfall (has_outfall) in a level-2 drinking-water source zone (basin 渭河, not a South-to-North source), also in the Qinling general zone — outfalls are prohibited at every level",
		project: project("石门河镇污水处理厂入河排污口设置项目", "D4620", "other", true, true, false, false),
		feats:   []feature{site("排污口", square(outfall, 0.0004))},
	})

	i = shimen.lo[0] - 50
	mon := shimen.r.f.at(shimen.r.u0+float64(i)*shimen.r.du, shimen.r.c[i]-0.5*shimen.w[1][i])
	ex = append(ex, example{
		name: "monitoring_point", title: "石门河水质自动监测站", bare: true,
		intent:  "needs_info: a point in a level-2 drinking-water source zone, also in the Qinling general zone, with neither industry nor discharges_pollutants (level 2 depends on the one, Qinling general on the other)",
		project: project("石门河水质自动监测站", "", "research_monitoring"),
		feats:   []feature{site("监测站", mon)},
	})

	line := orb.LineString{pt(107.93, 33.20), pt(107.935, 33.28), pt(107.952, 33.40), pt(107.948, 33.50), pt(107.96, 33.59)}
	if err := crossings([][]orb.Point{line}, false, false); err != nil {
		return nil, err
	}
	if !crossesAny(line, w.hanRiver) || !crossesAny(line, w.redline5[0][0]) {
		return nil, fmt.Errorf("pipeline misses the river or the red line")
	}
	ex = append(ex, example{
		name: "pipeline_crossing_river", title: "示范天然气输气管道工程",
		intent:  "conditional: a buried gas pipeline (G5720, linear infrastructure) crossing the Han river and the red line HX6100005 — red-line linear infrastructure that cannot avoid it is a listed limited activity",
		project: project("示范天然气输气管道工程", "G5720", "linear_infrastructure", false, false, false, false),
		feats:   []feature{site("管线", line)},
	})

	np := must(w.find("national_park/general_control,qinling/general", "", 0.008))
	qg := must(w.find("qinling/general", "", 0.008, quarry))
	gen := must(w.find("", "general", 0.01, wh, bt))
	ex = append(ex, example{
		name: "multi_site_tourism", title: "示范岭生态旅游配套设施项目（三处）",
		intent:  "conditional: three sites — visitor centre in the national park's general-control zone (also Qinling general), a viewpoint in the Qinling general zone, a car park in a general-control ECU; tourism N7869",
		project: project("示范岭生态旅游配套设施项目", "N7869", "tourism", false, false, false, false),
		feats: []feature{
			site("游客服务中心", square(np, 0.002)),
			site("观景平台", square(qg, 0.0015)),
			site("停车场", square(gen, 0.0025)),
		},
	})

	rs := must(w.find("nature_reserve/experimental,qinling/key", "", 0.005))
	ex = append(ex, example{
		name: "research_station_reserve", title: "示范山保护区生态定位观测站",
		intent:  "conditional: an ecological observation station (M7461, research_monitoring) in the nature reserve's experimental zone, also in the Qinling key zone",
		project: project("示范山保护区生态定位观测站", "M7461", "research_monitoring", false, false, false, false),
		feats:   []feature{site("观测站", square(rs, 0.0015))},
	})
	trail := must(w.findFunc(func(zs []string, _ string) bool {
		return slices.Contains(zs, "nature_reserve/core") && slices.Contains(zs, "redline/redline")
	}, 0.003))
	ex = append(ex, example{
		name: "trail_reserve_core", title: "示范山登山步道及观景台项目",
		intent:  "prohibited: a hiking trail and viewpoint (N7869, tourism) in the core zone of a nature reserve that is also ecological protection red line — human activity prohibited in principle",
		project: project("示范山登山步道及观景台项目", "N7869", "tourism", false, false, false, false),
		feats:   []feature{site("观景台", square(trail, 0.001))},
	})

	wet := must(w.findFunc(func(zs []string, _ string) bool {
		return slices.Equal(zs, []string{"nature_reserve/general_control"})
	}, 0.003))
	ex = append(ex, example{
		name: "boardwalk_reserve_general_control", title: "西岭湿地科普栈道项目",
		intent:  "conditional: a boardwalk for nature education (N7711, tourism) in the general-control zone of a reserve zoned under the 2026 two-zone scheme",
		project: project("西岭湿地科普栈道项目", "N7711", "tourism", false, false, false, false),
		feats:   []feature{site("栈道及科普馆", square(wet, 0.0012))},
	})
	return ex, firstErr
}

func crossesAny(a, b []orb.Point) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsMeet(a[i], a[i+1], b[j], b[j+1]) {
				return true
			}
		}
	}
	return false
}

func (e example) files() []File {
	var b bytes.Buffer
	if e.bare {
		f := e.feats[0]
		b.WriteString(`{"type":"Feature","project":`)
		writeProps(&b, e.project)
		b.WriteString(`,"properties":`)
		writeProps(&b, f.props)
		b.WriteString(`,"geometry":`)
		writeGeometry(&b, f.geom)
		b.WriteString("}\n")
	} else {
		b.Write(featureCollection([]prop{{"name", e.name}, {"project", e.project}}, e.feats))
	}
	var pj bytes.Buffer
	writeProps(&pj, e.project)
	pj.WriteByte('\n')
	return []File{
		{Path: "examples/" + e.name + ".geojson", Data: b.Bytes()},
		{Path: "examples/" + e.name + ".project.json", Data: pj.Bytes()},
	}
}

func examplesReadme(ex []example) []byte {
	var b bytes.Buffer
	b.WriteString("# Example footprints for the demo province\n\n")
	b.WriteString("Generated by `go run ./cmd/demogen -out data/demo`; do not edit. Each `NAME.geojson` carries\n")
	b.WriteString("its project facts in a `project` member; `NAME.project.json` holds the same facts for\n")
	b.WriteString("`redline check --project @NAME.project.json NAME.geojson`. The intended verdicts assume\n")
	b.WriteString("the default rules of issue 3 and the dataset's `industry_lists`.\n\n")
	b.WriteString("| file | project | industry | intended verdict |\n|---|---|---|---|\n")
	for _, e := range ex {
		ind := "—"
		for _, p := range e.project {
			if p.key == "industry" {
				ind = p.value.(string)
			}
		}
		fmt.Fprintf(&b, "| `%s.geojson` | %s | %s | %s |\n", e.name, e.title, ind, e.intent)
	}
	return b.Bytes()
}
