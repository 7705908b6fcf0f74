package zones

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ParkCoverShare is how much of a footprint industrial parks must cover for it to lie
// in a park: 99.9% of its area (of its length for lines; every point for points).
// The 0.1% left over absorbs digitising noise where a site is drawn along a park
// boundary from another survey — a 1 m sliver along 100 m of a 10 ha site — while a
// site that really reaches out of the park (a building, a yard) does not count as
// inside. The share is reported either way.
const ParkCoverShare = 0.999

// parkFacts are the footprint's relation to industrial parks, found once per
// evaluation from the report's industrial_park intersections (when the dataset has
// such a layer) or the project's declarations.
type parkFacts struct {
	status    *ParkStatus // nil: no park layer and nothing declared
	fromLayer bool
	inside    tri
	planning  tri        // the park (every park covering the site) has a planning EIA
	leading   [][]string // leading industries of the covering parks that list them
	notes     []string
}

func newParkFacts(r *Report, p Project, ds *Dataset) parkFacts {
	var pf parkFacts
	if ds != nil {
		pf.fromLayer = slices.ContainsFunc(ds.Layers, func(l *Layer) bool { return l.Kind == KindIndustrialPark })
	}
	var ins []*Intersection
	for i := range r.Intersections {
		if in := &r.Intersections[i]; in.Kind == KindIndustrialPark {
			ins = append(ins, in)
			pf.fromLayer = true
		}
	}
	if !pf.fromLayer {
		pf.inside, pf.planning = unknown, unknown
		if p.InIndustrialPark != nil {
			pf.inside = boolResult(*p.InIndustrialPark).v
		}
		if p.ParkPlanningEIA != nil {
			pf.planning = boolResult(strings.TrimSpace(*p.ParkPlanningEIA) != "").v
		}
		if p.InIndustrialPark != nil || p.ParkPlanningEIA != nil {
			pf.status = &ParkStatus{Source: "declared", Inside: p.InIndustrialPark, PlanningEIA: p.ParkPlanningEIA}
		}
		return pf
	}
	if p.InIndustrialPark != nil || p.ParkPlanningEIA != nil {
		pf.notes = append(pf.notes, "数据集含工业园区图层，园区位置与规划环评以图层为准，项目申报的 in_industrial_park、park_planning_eia 未采用")
	}
	st := &ParkStatus{Source: "layer", Parks: []ParkHit{}}
	for _, in := range ins {
		h := ParkHit{Layer: in.Layer, ZoneID: in.ZoneID, ZoneName: in.ZoneName, ZoneClass: in.ZoneClass, Share: in.FootprintShare}
		if in.Zone != nil && in.Zone.Park != nil {
			h.PlanningEIA = in.Zone.Park.PlanningEIA
			h.Industries = slices.Clone(in.Zone.Park.Industries)
		}
		st.Parks = append(st.Parks, h)
	}
	slices.SortStableFunc(st.Parks, func(a, b ParkHit) int {
		return cmp.Or(cmp.Compare(b.Share, a.Share), strings.Compare(a.Layer, b.Layer), strings.Compare(a.ZoneID, b.ZoneID))
	})
	st.Share = coveredShare(ins)
	inside := st.Share >= ParkCoverShare
	st.Inside = &inside
	pf.status = st
	pf.inside = boolResult(inside).v
	pf.planning = no
	if inside {
		pf.planning = yes
		for _, h := range st.Parks {
			if strings.TrimSpace(h.PlanningEIA) == "" {
				pf.planning = no
			}
			if len(h.Industries) > 0 {
				pf.leading = append(pf.leading, h.Industries)
			}
		}
	}
	return pf
}

// coveredShare is the share of the footprint inside the parks ins. Parks of one
// layer do not overlap, and their shares add up; where two overlaps share area (or
// where that cannot be told, without geometries) only the largest single share is
// counted — never more than is certainly covered.
func coveredShare(ins []*Intersection) float64 {
	sum, largest := 0.0, 0.0
	disjoint := true
	for i, a := range ins {
		sum += a.FootprintShare
		largest = math.Max(largest, a.FootprintShare)
		for _, b := range ins[i+1:] {
			if a.Overlap == nil || b.Overlap == nil || overlapsShare(a.Overlap, b.Overlap) {
				disjoint = false
			}
		}
	}
	if !disjoint {
		return largest
	}
	return math.Min(sum, 1)
}

// eval is the value of a condition's park key.
func (pf *parkFacts) eval(key string, f *facts) result {
	inside := triResult(pf.inside, "in_industrial_park")
	switch key {
	case "inside":
		return inside
	case "outside":
		return not(inside)
	case "industry_leading", "industry_not_leading":
		if !pf.fromLayer {
			return result{v: no} // declared park facts name no leading industries
		}
	}
	if inside.v != yes {
		// Whether the park has a planning EIA, or which industries lead it, matters
		// only once the site is known to lie in a park: ask for that first.
		return inside
	}
	switch key {
	case "no_planning_eia":
		return inside.and(not(triResult(pf.planning, "park_planning_eia")))
	case "planning_eia":
		return inside.and(triResult(pf.planning, "park_planning_eia"))
	case "industry_leading":
		return inside.and(pf.leadingResult(f))
	case "industry_not_leading":
		lead := pf.leadingResult(f)
		if lead.v == no && len(pf.leading) == 0 {
			return result{v: no} // nothing to compare with: no claim either way
		}
		return inside.and(not(lead))
	}
	return result{v: no}
}

// leadingResult says whether the project's industry is among the leading industries
// of every park covering the site that lists them. With no list to compare with
// (declared park facts, or parks without leading industries) it is false, so that
// neither industry_leading nor industry_not_leading holds.
func (pf *parkFacts) leadingResult(f *facts) result {
	if len(pf.leading) == 0 {
		return result{v: no}
	}
	out := result{v: yes}
	for _, list := range pf.leading {
		out = out.and(f.industryIn(list))
	}
	return out
}

// note says, in Chinese, where the footprint lies relative to parks.
func (pf *parkFacts) note() string {
	st := pf.status
	if st.Source == "declared" {
		where := "未申报是否位于园区"
		if st.Inside != nil {
			where = map[bool]string{true: "申报位于依法设立的工业园区内", false: "申报不在工业园区内"}[*st.Inside]
		}
		if st.Inside != nil && !*st.Inside {
			return "园区（数据集无工业园区图层，按项目申报）：" + where
		}
		eia := "未申报园区规划环评"
		if st.PlanningEIA != nil {
			eia = "园区规划环评：无"
			if s := strings.TrimSpace(*st.PlanningEIA); s != "" {
				eia = "园区规划环评审查意见：" + s
			}
		}
		return fmt.Sprintf("园区（数据集无工业园区图层，按项目申报）：%s；%s", where, eia)
	}
	if len(st.Parks) == 0 {
		return "园区：项目用地不在数据集所列工业园区内（园区覆盖 0%）"
	}
	var parts []string
	for _, h := range st.Parks {
		eia := "无规划环评"
		if s := strings.TrimSpace(h.PlanningEIA); s != "" {
			eia = "规划环评审查意见 " + s
		}
		ind := "主导产业未列"
		if len(h.Industries) > 0 {
			ind = "主导产业 " + strings.Join(h.Industries, "、")
		}
		parts = append(parts, fmt.Sprintf("%s（%s，%s；%s；%s；覆盖 %s）", h.ZoneName, h.ZoneID, ClassLabel(KindIndustrialPark, h.ZoneClass), eia, ind, percent(h.Share)))
	}
	where := "位于园区内"
	if !*st.Inside {
		where = fmt.Sprintf("未完全位于园区内（须覆盖 %s 以上）", percent(ParkCoverShare))
	}
	return fmt.Sprintf("园区：项目用地%s，园区覆盖 %s：%s", where, percent(st.Share), strings.Join(parts, "；"))
}

func percent(x float64) string {
	s := fmt.Sprintf("%.1f", x*100)
	if x < 1 && s == "100.0" {
		s = "99.9"
	}
	return strings.TrimSuffix(s, ".0") + "%"
}
