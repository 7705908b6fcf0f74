package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

func pb(b bool) *bool { return &b }

// z describes one intersection of a hand-built report.
type z struct {
	kind    zones.Kind
	class   string
	layer   string // default: the kind
	id      string // default: layer-class
	area    float64
	attrs   map[string]any
	clauses *zones.Clauses
	overlap orb.Geometry
}

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func buildReport(zs ...z) *zones.Report {
	r := &zones.Report{Intersections: []zones.Intersection{}}
	for i, s := range zs {
		layer := s.layer
		if layer == "" {
			layer = string(s.kind)
		}
		id := s.id
		if id == "" {
			id = fmt.Sprintf("%s-%s-%d", layer, s.class, i)
		}
		area := s.area
		if area == 0 {
			area = 1000
		}
		zone := &zones.Zone{ID: id, Name: id, Class: s.class, Attributes: s.attrs, Clauses: s.clauses}
		r.Intersections = append(r.Intersections, zones.Intersection{
			Layer: layer, Kind: s.kind, ZoneID: id, ZoneName: id, ZoneClass: s.class,
			OverlapAreaM2: area, Attributes: s.attrs, Overlap: s.overlap, Zone: zone,
		})
	}
	return r
}

// fired lists "id=verdict" of every rule hit in the report, sorted.
func fired(r *zones.Report) []string {
	out := []string{}
	for _, in := range r.Intersections {
		for _, h := range in.Rules {
			out = append(out, h.ID+"="+string(h.Verdict))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestDefaultRulesVerdicts(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	quietNo := pb(false) // high_energy:false keeps the project-wide 两高 rule out of the way
	clauses := &zones.Clauses{SpatialLayout: "禁止新建钢铁、水泥项目。", PollutantEmission: "严格执行特别排放限值。",
		EnvironmentalRisk: "建立环境风险应急预案。", ResourceEfficiency: "单位产品能耗达到先进水平。"}
	overlapA := square(108.90, 34.00, 108.92, 34.02)
	overlapB := square(108.91, 34.01, 108.93, 34.03) // shares area with A
	overlapC := square(108.95, 34.00, 108.96, 34.01) // apart from A
	lists := map[string][]string{
		"qinling_key_allowed":        {"A01", "7610", "N78"},
		"qinling_general_restricted": {"C2611", "H61"},
		"qinling_general_prohibited": {"B", "K70"},
	}
	cases := []struct {
		name      string
		zones     []z
		p         zones.Project
		lists     map[string][]string
		want      zones.Verdict
		governing string
		fired     []string
		missing   []string // of the governing rule
		note      string   // a substring of some note
	}{
		// 生态保护红线
		{name: "redline industrial", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline residential", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "residential", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline other type", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "other", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline research monitoring", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.limited_activity", fired: []string{"redline.limited_activity=conditional"}},
		{name: "redline linear infrastructure", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "linear_infrastructure", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.limited_activity", fired: []string{"redline.limited_activity=conditional"}},
		{name: "redline tourism", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.limited_activity", fired: []string{"redline.limited_activity=conditional"}},
		{name: "redline mining", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "mining", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.mining", fired: []string{"redline.mining=conditional"}},
		{name: "redline industrial national major", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "industrial", NationalMajor: pb(true), HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.national_major", fired: []string{"redline.national_major=conditional"}},
		{name: "redline industrial national major false", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{Type: "industrial", NationalMajor: pb(false), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline type missing", zones: []z{{kind: "redline", class: "redline"}},
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"type"},
			fired: []string{"redline.development=needs_info", "redline.limited_activity=needs_info", "redline.mining=needs_info",
				"redline.national_major=needs_info"}},
		{name: "redline inside reserve core (overlaps share area)",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapB}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core", // the special law names the governing rule on a tie
			fired:     []string{"nature_reserve.core=prohibited", "redline.limited_activity=conditional", "redline.reserve_core=prohibited"}},
		{name: "redline and reserve core apart inside the footprint",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapC}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core",
			fired:     []string{"nature_reserve.core=prohibited", "redline.limited_activity=conditional"}},
		{name: "redline and reserve core without geometries: conservative",
			zones: []z{{kind: "redline", class: "redline", area: 5000}, {kind: "nature_reserve", class: "core", area: 3000}},
			p:     zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core",
			fired:     []string{"nature_reserve.core=prohibited", "redline.limited_activity=conditional", "redline.reserve_core=prohibited"}},
		{name: "redline inside national park core",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "national_park", class: "core", area: 100, overlap: overlapA}},
			p: zones.Project{Type: "water_supply", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.core",
			fired:     []string{"national_park.core=prohibited", "redline.limited_activity=conditional", "redline.park_core=prohibited"}},

		// 自然保护区
		{name: "reserve core tourism", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core", fired: []string{"nature_reserve.core=prohibited"}},
		{name: "reserve core, nothing known", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{}, want: zones.Prohibited,
			governing: "nature_reserve.core", fired: []string{"nature_reserve.core=prohibited"}},
		{name: "reserve buffer research", zones: []z{{kind: "nature_reserve", class: "buffer"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.buffer", fired: []string{"nature_reserve.buffer=prohibited"}},
		{name: "reserve experimental tourism", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "tourism", Industry: "N78"}, want: zones.Conditional,
			governing: "nature_reserve.experimental", fired: []string{"nature_reserve.experimental=conditional"}},
		{name: "reserve experimental mining", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "mining", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.experimental_extractive",
			fired:     []string{"nature_reserve.experimental=conditional", "nature_reserve.experimental_extractive=prohibited"}},
		{name: "reserve experimental, quarry by industry code, type missing", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Industry: "1011"}, want: zones.Prohibited,
			governing: "nature_reserve.experimental_extractive",
			fired:     []string{"nature_reserve.experimental=conditional", "nature_reserve.experimental_extractive=prohibited"}},
		{name: "reserve 2026 general control tourism", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p: zones.Project{Type: "tourism", Industry: "N78"}, want: zones.Conditional,
			governing: "nature_reserve.general_control", fired: []string{"nature_reserve.general_control=conditional"}},
		{name: "reserve 2026 general control, type and industry missing", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "nature_reserve.experimental_extractive", missing: []string{"type", "industry"},
			fired: []string{"nature_reserve.experimental_extractive=needs_info", "nature_reserve.general_control=conditional"}},

		// 国家公园
		{name: "national park core", zones: []z{{kind: "national_park", class: "core"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.core", fired: []string{"national_park.core=prohibited"}},
		{name: "national park general control industrial", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.general_control_development", fired: []string{"national_park.general_control_development=prohibited"}},
		{name: "national park general control research", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.general_control", fired: []string{"national_park.general_control=conditional"}},
		{name: "national park general control type missing", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo, governing: "national_park.general_control_development",
			missing: []string{"type"},
			fired:   []string{"national_park.general_control=needs_info", "national_park.general_control_development=needs_info"}},

		// 饮用水水源保护区
		{name: "water level1 industrial", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "industrial", HasOutfall: pb(false), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "water_source.level1", fired: []string{"water_source.level1=prohibited"}},
		{name: "water level1 water supply", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "water_supply", HasOutfall: pb(false), HighEnergy: quietNo}, want: zones.Conditional,
			governing: "water_source.level1_supply", fired: []string{"water_source.level1_supply=conditional"}},
		{name: "water level1 water supply with outfall", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "water_supply", HasOutfall: pb(true), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "water_source.outfall", fired: []string{"water_source.level1_supply=conditional", "water_source.outfall=prohibited"}},
		{name: "water level2 discharging", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "water_source.level2_discharging", fired: []string{"water_source.level2_discharging=prohibited"}},
		{name: "water level2 not discharging", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "tourism", DischargesPollutants: pb(false), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.level2", fired: []string{"water_source.level2=conditional"}},
		{name: "water level2 discharge unknown", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "tourism", HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "water_source.level2_discharging", missing: []string{"discharges_pollutants"},
			fired: []string{"water_source.level2=needs_info", "water_source.level2_discharging=needs_info"}},
		{name: "water quasi", zones: []z{{kind: "water_source", class: "quasi"}},
			p:    zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.quasi", fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi outfall unknown", zones: []z{{kind: "water_source", class: "quasi"}},
			p:    zones.Project{Type: "industrial", DischargesPollutants: pb(false), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "water_source.outfall", missing: []string{"has_outfall"},
			fired: []string{"water_source.outfall=needs_info", "water_source.quasi=conditional"}},
		{name: "water quasi Dan river source, discharging",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "丹江"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"water_source.nsbd_load=conditional", "water_source.quasi=conditional"}},
		{name: "water quasi nsbd flag attribute, discharging",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"nsbd": true}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"water_source.nsbd_load=conditional", "water_source.quasi=conditional"}},
		{name: "water quasi Wei river (not a NSBD source)",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "渭河"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi", fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi Han river source, discharge unknown cannot raise the verdict",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "汉江"}}},
			p:     zones.Project{Type: "industrial", HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi Han river source, discharging, outfall unknown",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "汉江流域"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.outfall", missing: []string{"has_outfall"},
			fired: []string{"water_source.nsbd_load=conditional", "water_source.outfall=needs_info", "water_source.quasi=conditional"}},

		// 秦岭
		{name: "qinling core", zones: []z{{kind: "qinling", class: "core"}},
			p: zones.Project{Type: "tourism", Industry: "N78", HighEnergy: quietNo}, lists: lists, want: zones.Prohibited,
			governing: "qinling.core", fired: []string{"qinling.core=prohibited"}},
		{name: "qinling key, no list in dataset", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "tourism", Industry: "N78"}, want: zones.Prohibited,
			governing: "qinling.key_not_allowed", fired: []string{"qinling.key_not_allowed=prohibited"},
			note: "数据集未提供产业清单 qinling_key_allowed"},
		{name: "qinling key, industry on whitelist", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "agriculture", Industry: "0111"}, lists: lists, want: zones.Conditional,
			governing: "qinling.key_allowed", fired: []string{"qinling.key_allowed=conditional"}},
		{name: "qinling key, whitelist entry without letter", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "water_supply", Industry: "N7610"}, lists: lists, want: zones.Conditional,
			governing: "qinling.key_allowed", fired: []string{"qinling.key_allowed=conditional"}},
		{name: "qinling key, industry not on whitelist", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, lists: lists, want: zones.Prohibited,
			governing: "qinling.key_not_allowed", fired: []string{"qinling.key_not_allowed=prohibited"}},
		{name: "qinling key, industry missing", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "tourism", HighEnergy: quietNo}, lists: lists, want: zones.NeedsInfo,
			governing: "qinling.key_mining", missing: []string{"industry"},
			fired: []string{"qinling.key_allowed=needs_info", "qinling.key_mining=needs_info", "qinling.key_not_allowed=needs_info"}},
		{name: "qinling key, mining", zones: []z{{kind: "qinling", class: "key"}},
			p: zones.Project{Type: "mining", Industry: "B0810"}, lists: lists, want: zones.Prohibited,
			governing: "qinling.key_mining", fired: []string{"qinling.key_mining=prohibited", "qinling.key_not_allowed=prohibited"}},
		{name: "qinling general, prohibited list", zones: []z{{kind: "qinling", class: "general"}},
			p: zones.Project{Type: "residential", Industry: "K7010"}, lists: lists, want: zones.Prohibited,
			governing: "qinling.general_prohibited", fired: []string{"qinling.general_prohibited=prohibited"}},
		{name: "qinling general, restricted list", zones: []z{{kind: "qinling", class: "general"}},
			p: zones.Project{Type: "tourism", Industry: "H6110"}, lists: lists, want: zones.Conditional,
			governing: "qinling.general_restricted", fired: []string{"qinling.general_restricted=conditional"}},
		{name: "qinling general, on no list", zones: []z{{kind: "qinling", class: "general"}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, lists: lists, want: zones.Admissible,
			fired: []string{}},
		{name: "qinling general, code too coarse for the restricted list", zones: []z{{kind: "qinling", class: "general"}},
			p: zones.Project{Type: "industrial", Industry: "C26", HighEnergy: quietNo}, lists: lists, want: zones.NeedsInfo,
			governing: "qinling.general_restricted", missing: []string{"industry"},
			fired: []string{"qinling.general_restricted=needs_info"}},

		// 环境管控单元
		{name: "ecu priority", zones: []z{{kind: "ecu", class: "priority", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Conditional,
			governing: "ecu.priority", fired: []string{"ecu.priority=conditional"}},
		{name: "ecu key with clauses", zones: []z{{kind: "ecu", class: "key", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Conditional,
			governing: "ecu.key", fired: []string{"ecu.key=conditional"}},
		{name: "ecu general with clauses", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Admissible,
			fired: []string{"ecu.general=admissible"}},
		{name: "ecu general without clauses", zones: []z{{kind: "ecu", class: "general"}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.NeedsInfo,
			governing: "ecu.no_clauses", fired: []string{"ecu.no_clauses=needs_info"}},

		// 两高 (project-wide)
		{name: "two-high by flag on a custom layer", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", HighEnergy: pb(true)}, want: zones.Conditional,
			governing: "two_high", fired: []string{"two_high=conditional"}, note: "项目申报 high_energy=true"},
		{name: "two-high derived from refinery code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "2511"}, want: zones.Conditional,
			governing: "two_high", fired: []string{"two_high=conditional"}, note: "按行业代码 C2511 推定"},
		{name: "two-high derived from cement code, in an ECU key unit",
			zones: []z{{kind: "ecu", class: "key", clauses: clauses}},
			p:     zones.Project{Type: "industrial", Industry: "C3011"}, want: zones.Conditional,
			governing: "ecu.key", fired: []string{"ecu.key=conditional", "two_high=conditional"}},
		{name: "not two-high by code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Admissible,
			fired: []string{}, note: "不属于两高行业代码表"},
		{name: "two-high flag false overrides code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C2511", HighEnergy: pb(false)}, want: zones.Admissible,
			fired: []string{}, note: "high_energy=false"},
		{name: "two-high unknown: code too coarse", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C30"}, want: zones.NeedsInfo,
			governing: "two_high", missing: []string{"high_energy"}, fired: []string{"two_high=needs_info"}, note: "过粗"},
		{name: "two-high unknown: no flag, no industry", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial"}, want: zones.NeedsInfo,
			governing: "two_high", missing: []string{"high_energy"}, fired: []string{"two_high=needs_info"}},
		{name: "two-high with no zone touched", zones: nil,
			p: zones.Project{Type: "industrial", HighEnergy: pb(true)}, want: zones.Conditional,
			governing: "two_high", fired: []string{}, note: "全项目规则 two_high"},

		// custom layers and precedence
		{name: "custom layer without rules is informational", zones: []z{{kind: "custom", class: "basin"}},
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.Admissible, fired: []string{}},
		{name: "nothing touched", zones: nil, p: zones.Project{Type: "industrial", HighEnergy: quietNo},
			want: zones.Admissible, fired: []string{}},
		{name: "precedence: water level2 over ECU general",
			zones: []z{{kind: "ecu", class: "general", clauses: clauses, area: 9000}, {kind: "water_source", class: "level2", area: 10}},
			p:     zones.Project{Type: "industrial", Industry: "C1311", DischargesPollutants: pb(true), HasOutfall: pb(false)},
			want:  zones.Prohibited, governing: "water_source.level2_discharging",
			fired: []string{"ecu.general=admissible", "water_source.level2_discharging=prohibited"}},
		{name: "precedence: same verdict, the special law governs over a larger overlap",
			zones: []z{{kind: "water_source", class: "quasi", area: 10}, {kind: "redline", class: "redline", area: 9000}},
			p:     zones.Project{Type: "research_monitoring", DischargesPollutants: pb(false), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"redline.limited_activity=conditional", "water_source.quasi=conditional"}},
		{name: "precedence: same verdict, the red line governs over an ECU",
			zones: []z{{kind: "ecu", class: "priority", clauses: clauses, area: 9000}, {kind: "redline", class: "redline", area: 10}},
			p:     zones.Project{Type: "tourism", HighEnergy: quietNo},
			want:  zones.Conditional, governing: "redline.limited_activity",
			fired: []string{"ecu.priority=conditional", "redline.limited_activity=conditional"}},
		{name: "precedence: needs_info over conditional",
			zones: []z{{kind: "redline", class: "redline", area: 9000}, {kind: "water_source", class: "level2", area: 10}},
			p:     zones.Project{Type: "tourism", HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.level2_discharging", missing: []string{"discharges_pollutants"},
			fired: []string{"redline.limited_activity=conditional", "water_source.level2=needs_info", "water_source.level2_discharging=needs_info"}},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := buildReport(tc.zones...)
			ds := &zones.Dataset{Rules: rs, IndustryLists: tc.lists}
			zones.Evaluate(r, tc.p, nil, ds)
			if r.Verdict != tc.want {
				t.Errorf("verdict %s, want %s (fired %v)", r.Verdict, tc.want, fired(r))
			}
			if got := fired(r); !slices.Equal(got, tc.fired) {
				t.Errorf("fired %v\nwant  %v", got, tc.fired)
			}
			switch {
			case tc.governing == "" && r.Governing != nil:
				t.Errorf("governing %s, want none", r.Governing.ID)
			case tc.governing != "" && r.Governing == nil:
				t.Errorf("no governing rule, want %s", tc.governing)
			case tc.governing != "":
				if r.Governing.ID != tc.governing {
					t.Errorf("governing %s, want %s", r.Governing.ID, tc.governing)
				}
				if r.Governing.Verdict != r.Verdict {
					t.Errorf("governing verdict %s, report %s", r.Governing.Verdict, r.Verdict)
				}
				if len(tc.zones) > 0 && (r.Governing.Layer == "" || r.Governing.ZoneID == "") {
					t.Errorf("governing rule without layer/zone: %+v", r.Governing)
				}
				if !slices.Equal(r.Governing.Missing, tc.missing) {
					t.Errorf("missing %v, want %v", r.Governing.Missing, tc.missing)
				}
				if r.Governing.Source == "" || r.Governing.Text == "" {
					t.Errorf("governing rule without text or source")
				}
			}
			if tc.note != "" && !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("no note with %q in %q", tc.note, r.Notes)
			}
			for i := 1; i < len(r.Intersections); i++ {
				a, b := r.Intersections[i-1], r.Intersections[i]
				if a.Verdict.Severity() < b.Verdict.Severity() ||
					(a.Verdict == b.Verdict && a.OverlapAreaM2 < b.OverlapAreaM2) {
					t.Errorf("intersections not sorted: %s %v before %s %v", a.Verdict, a.OverlapAreaM2, b.Verdict, b.OverlapAreaM2)
				}
			}
		})
	}
}

func TestECUClausesCarriedVerbatim(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	c := &zones.Clauses{
		SpatialLayout:      "1.禁止新建、扩建《产业结构调整指导目录》中淘汰类项目；\n2.园区外不再新建化工项目。 ",
		PollutantEmission:  "执行《关中地区重点行业大气污染物排放标准》(DB61/941-2018)",
		EnvironmentalRisk:  "",
		ResourceEfficiency: "万元GDP能耗≤0.35tce & 水耗<20m³ <b>",
	}
	r := buildReport(z{kind: "ecu", class: "key", clauses: c})
	zones.Evaluate(r, zones.Project{Type: "industrial", Industry: "C1311"}, rs, nil)
	got := r.Intersections[0].Clauses
	if got == nil || *got != *c {
		t.Fatalf("clauses %+v, want %+v", got, c)
	}
	if got == c {
		t.Errorf("clauses share the zone's pointer; want a copy")
	}
}

func TestDefaultRulesWellFormed(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"redline.reserve_core", "redline.park_core", "redline.development", "redline.limited_activity",
		"redline.mining", "redline.national_major", "nature_reserve.core", "nature_reserve.buffer",
		"nature_reserve.experimental_extractive", "nature_reserve.experimental", "nature_reserve.general_control",
		"national_park.core", "national_park.general_control_development", "national_park.general_control",
		"water_source.outfall", "water_source.level1", "water_source.level1_supply", "water_source.level2_discharging",
		"water_source.level2", "water_source.quasi", "water_source.nsbd_load", "qinling.core", "qinling.key_mining",
		"qinling.key_not_allowed", "qinling.key_allowed", "qinling.general_prohibited", "qinling.general_restricted",
		"ecu.priority", "ecu.key", "ecu.general", "ecu.no_clauses", "two_high"}
	var ids []string
	for _, r := range rs.Rules() {
		ids = append(ids, r.ID)
		if !strings.ContainsAny(r.Source, "《〔") {
			t.Errorf("%s: source %q names no document", r.ID, r.Source)
		}
		if r.IsVerified() {
			t.Errorf("%s: marked verified, but no rule was checked against the official text", r.ID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("rule ids\n%v\nwant\n%v", ids, want)
	}
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRulesOverride(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "shaanxi.yaml", `
rules:
  - id: redline.limited_activity
    kind: redline
    when: {type: [research_monitoring]}
    verdict: conditional
    text: 省级覆盖：仅科研监测。
    source: 某省通知（测试）
  - id: redline.mining
    disabled: true
  - id: basins.wei
    kind: custom
    layers: [basins]
    classes: [basin]
    when:
      zone_attr: {name: [渭河]}
      industry: ["26"]
    verdict: conditional
    text: 渭河流域化工项目须入园。
    source: 某市规定（测试）
    verified: false
`)
	writeFile(t, dir, "more.json", `{"rules": [{"id": "x.one", "kind": "custom", "verdict": "needs_info", "text": "t", "source": "s"}]}`)
	rs, err := loadRules(onDisk(t, dir), []string{"shaanxi.yaml", "more.json"})
	if err != nil {
		t.Fatal(err)
	}
	def, _ := DefaultRules()
	if rs.Len() != def.Len()-1+2 {
		t.Errorf("len %d, want %d", rs.Len(), def.Len()+1)
	}
	if _, ok := rs.Rule("redline.mining"); ok {
		t.Errorf("disabled rule still in force")
	}
	r, _ := rs.Rule("redline.limited_activity")
	if r.Text != "省级覆盖：仅科研监测。" || !r.IsVerified() {
		t.Errorf("override not applied: %+v", r)
	}
	ids := []string{}
	for _, r := range rs.Rules() {
		ids = append(ids, r.ID)
	}
	if slices.Index(ids, "redline.limited_activity") != 3 || def.Rules()[3].ID != "redline.limited_activity" {
		t.Errorf("override moved: %v", ids)
	}
	if ids[len(ids)-2] != "basins.wei" || ids[len(ids)-1] != "x.one" {
		t.Errorf("added rules not appended in order: %v", ids[len(ids)-3:])
	}
	b, _ := rs.Rule("basins.wei")
	if !slices.Equal(b.When.Industry, []string{"C26"}) {
		t.Errorf("industry prefix not normalised: %v", b.When.Industry)
	}

	// A custom-layer rule fires on its layer only.
	rep := buildReport(z{kind: "custom", layer: "basins", class: "basin", attrs: map[string]any{"name": "渭河"}},
		z{kind: "custom", layer: "water", class: "basin", attrs: map[string]any{"name": "渭河"}})
	zones.Evaluate(rep, zones.Project{Industry: "C2611", HighEnergy: pb(false)}, rs, nil)
	got := fired(rep)
	if !slices.Contains(got, "basins.wei=conditional") || slices.Contains(got, "x.one=needs_info") == false {
		t.Errorf("fired %v", got)
	}
	for _, in := range rep.Intersections {
		if in.Layer == "water" && slices.ContainsFunc(in.Rules, func(h zones.RuleHit) bool { return h.ID == "basins.wei" }) {
			t.Errorf("layer rule fired on another layer")
		}
	}
}

func TestLoadRulesErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"unknown key", "rules:\n  - id: a\n    kind: redline\n    when: {typ: [industrial]}\n    verdict: prohibited\n    text: t\n    source: s\n", "typ"},
		{"bad verdict", "rules:\n  - id: a\n    kind: redline\n    verdict: forbidden\n    text: t\n    source: s\n", "verdict"},
		{"bad kind", "rules:\n  - id: a\n    kind: forest\n    verdict: prohibited\n    text: t\n    source: s\n", "kind"},
		{"bad class", "rules:\n  - id: a\n    kind: water_source\n    classes: [level3]\n    verdict: prohibited\n    text: t\n    source: s\n", "level3"},
		{"bad type", "rules:\n  - id: a\n    kind: redline\n    when: {type: [factory]}\n    verdict: prohibited\n    text: t\n    source: s\n", "factory"},
		{"bad flag", "rules:\n  - id: a\n    kind: redline\n    when: {flags: {polluting: true}}\n    verdict: prohibited\n    text: t\n    source: s\n", "polluting"},
		{"bad industry", "rules:\n  - id: a\n    kind: redline\n    when: {industry: [Z99]}\n    verdict: prohibited\n    text: t\n    source: s\n", "Z99"},
		{"no source", "rules:\n  - id: a\n    kind: redline\n    verdict: prohibited\n    text: t\n", "source"},
		{"duplicate id", "rules:\n  - {id: a, kind: redline, verdict: prohibited, text: t, source: s}\n  - {id: a, kind: redline, verdict: prohibited, text: t, source: s}\n", "twice"},
		{"bad id", "rules:\n  - {id: A B, kind: redline, verdict: prohibited, text: t, source: s}\n", "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "r.yaml", tc.text)
			_, err := loadRules(onDisk(t, dir), []string{"r.yaml"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one mentioning %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "r.yaml") {
				t.Errorf("err %v does not name the file", err)
			}
		})
	}
	if _, err := loadRules(onDisk(t, t.TempDir()), []string{"absent.yaml"}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestLoadIndustries(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ind.csv", "\ufeffcode,level,section,name,parent,remark\nC,1,C,制造业,,\n25,2,C,石油、煤炭及其他燃料加工业,C,\n251,3,C,精炼石油产品制造,25,x\n2511,4,C,原油加工及石油制品制造,251,\"a, b\"\n")
	got, err := loadIndustries(onDisk(t, dir), "ind.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []zones.Industry{{Code: "C", Level: 1, Section: "C", Name: "制造业"},
		{Code: "C25", Level: 2, Section: "C", Name: "石油、煤炭及其他燃料加工业", Parent: "C"},
		{Code: "C251", Level: 3, Section: "C", Name: "精炼石油产品制造", Parent: "C25"},
		{Code: "C2511", Level: 4, Section: "C", Name: "原油加工及石油制品制造", Parent: "C251"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v", got)
	}
	if got, err := loadIndustries(onDisk(t, dir), ""); got != nil || err != nil {
		t.Errorf("no file: %v %v", got, err)
	}
	writeFile(t, dir, "bad.csv", "code,level,section,name\nC,1,C,制造业\n")
	if _, err := loadIndustries(onDisk(t, dir), "bad.csv"); err == nil || !strings.Contains(err.Error(), "parent") {
		t.Errorf("missing column: %v", err)
	}
	writeFile(t, dir, "bad2.csv", "code,level,section,name,parent\n2511,3,C,x,251\n")
	if _, err := loadIndustries(onDisk(t, dir), "bad2.csv"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("level mismatch: %v", err)
	}
}

// TestLoadIndustriesShared reads the third-party table of ../shared (tests only).
func TestLoadIndustriesShared(t *testing.T) {
	path := "../../shared/data/industry/gbt4754_2017.csv"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skip(err)
	}
	table, err := loadIndustries(onDisk(t, "."), path)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[int]int{}
	for _, in := range table {
		levels[in.Level]++
	}
	if levels[1] != 20 || levels[2] != 97 || levels[4] < 1380 {
		t.Errorf("levels %v", levels)
	}
	// A 中类 without a row of its own (B061 has only 0610) is accepted via its child.
	if _, err := zones.ValidateIndustry("061", table); err != nil {
		t.Errorf("061: %v", err)
	}
	if _, err := zones.ValidateIndustry("C2518", table); err == nil {
		t.Errorf("C2518 accepted, but it is not in the table")
	}
	if err := zones.ValidateProjectFor(zones.Project{Industry: "4411"}, &zones.Dataset{Industries: table}); err != nil {
		t.Errorf("4411: %v", err)
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(defaultRulesYAML)
	f.Add([]byte(`{"rules": [{"id": "a", "kind": "custom", "verdict": "admissible", "text": "t", "source": "s", "when": {"any": [{"industry": ["25"]}]}}]}`))
	f.Add([]byte("rules:\n  - id: x\n    disabled: true\n"))
	f.Add([]byte("rules: [1, 2]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rules, err := ParseRules("fuzz", b)
		if err != nil {
			return
		}
		rs, err := zones.NewRuleSet(rules)
		if err != nil {
			if !errors.Is(err, zones.ErrInvalidRule) {
				t.Fatalf("error %v does not wrap ErrInvalidRule", err)
			}
			return
		}
		// Whatever validates must evaluate without panicking.
		r := buildReport(z{kind: "redline", class: "redline"}, z{kind: "custom", class: "x", attrs: map[string]any{"a": 1}})
		zones.Evaluate(r, zones.Project{Type: "industrial", Industry: "C25"}, rs, nil)
		if !r.Verdict.Valid() {
			t.Fatalf("verdict %q", r.Verdict)
		}
	})
}

func FuzzReadIndustries(f *testing.F) {
	f.Add("code,level,section,name,parent\nC,1,C,制造业,\n25,2,C,x,C\n")
	f.Add("code,level,section,name,parent,remark\n2511,4,C,x,251,\"a,b\"\n")
	f.Add("\ufeffcode\n")
	f.Fuzz(func(t *testing.T, s string) {
		table, err := ReadIndustries(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, in := range table {
			if c, err := zones.NormalizeIndustry(in.Code); err != nil || c != in.Code || in.Level < 1 || in.Level > 4 {
				t.Fatalf("row %+v: %v", in, err)
			}
		}
	})
}
