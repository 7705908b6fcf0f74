package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/demo"
	"github.com/redline-gis/redline/internal/testenv"
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
	share   float64 // footprint share; default 1
	attrs   map[string]any
	clauses *zones.Clauses
	park    *zones.Park
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
		share := s.share
		if share == 0 {
			share = 1
		}
		zone := &zones.Zone{ID: id, Name: id, Class: s.class, Attributes: s.attrs, Clauses: s.clauses, Park: s.park}
		r.Intersections = append(r.Intersections, zones.Intersection{
			Layer: layer, Kind: s.kind, ZoneID: id, ZoneName: id, ZoneClass: s.class,
			OverlapAreaM2: area, FootprintShare: share, Attributes: s.attrs, Overlap: s.overlap, Zone: zone,
		})
	}
	return r
}

// fired lists "id=verdict" of every rule hit in the report, zone and project rules,
// sorted.
func fired(r *zones.Report) []string {
	out := []string{}
	for _, in := range r.Intersections {
		for _, h := range in.Rules {
			out = append(out, h.ID+"="+string(h.Verdict))
		}
	}
	for _, h := range r.ProjectRules {
		out = append(out, h.ID+"="+string(h.Verdict))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func ps(s string) *string { return &s }

// allHits returns every rule hit of the report: zone and project rules.
func allHits(r *zones.Report) []zones.RuleHit {
	var out []zones.RuleHit
	for _, in := range r.Intersections {
		out = append(out, in.Rules...)
	}
	return append(out, r.ProjectRules...)
}

// verdictCase is one project against hand-built intersections under the default
// rules.
type verdictCase struct {
	name      string
	zones     []z
	p         zones.Project
	lists     map[string][]string
	parkLayer bool // the dataset has an industrial_park layer
	want      zones.Verdict
	governing string
	fired     []string
	missing   []string // of the governing rule
	note      string   // a substring of some note
	report    []string // Report.Missing, when set
}

func runVerdictCases(t *testing.T, cases []verdictCase) {
	t.Helper()
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := buildReport(tc.zones...)
			ds := &zones.Dataset{Rules: rs, IndustryLists: tc.lists}
			if tc.parkLayer {
				ds.Layers = []*zones.Layer{{ID: "parks", Kind: zones.KindIndustrialPark}}
			}
			zones.Evaluate(r, tc.p, nil, ds)
			if r.Verdict != tc.want {
				t.Errorf("verdict %s, want %s (fired %v)", r.Verdict, tc.want, fired(r))
			}
			if got := fired(r); !slices.Equal(got, tc.fired) {
				t.Errorf("fired %v\nwant  %v", got, tc.fired)
			}
			projectRule := r.Governing != nil && slices.ContainsFunc(r.ProjectRules, func(h zones.RuleHit) bool { return h.ID == r.Governing.ID })
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
				if len(tc.zones) > 0 && !projectRule && (r.Governing.Layer == "" || r.Governing.ZoneID == "") {
					t.Errorf("governing rule without layer/zone: %+v", r.Governing)
				}
				if !slices.Equal(r.Governing.Missing, tc.missing) {
					t.Errorf("missing %v, want %v", r.Governing.Missing, tc.missing)
				}
				if r.Governing.Source == "" || r.Governing.Text == "" {
					t.Errorf("governing rule without text or source")
				}
			}
			if tc.report != nil && !slices.Equal(r.Missing, tc.report) {
				t.Errorf("report missing %v, want %v", r.Missing, tc.report)
			}
			for _, h := range allHits(r) {
				for _, m := range h.Missing {
					if !slices.Contains(r.Missing, m) {
						t.Errorf("%s misses %s, which the report's missing list lacks", h.ID, m)
					}
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

// TestDefaultRulesVerdicts: the default rules on hand-built reports. The cases of
// issue 3 keep their inputs; where issue 11 re-read the law their verdicts follow it.
func TestDefaultRulesVerdicts(t *testing.T) {
	cases := defaultVerdictCases()
	if len(cases) < 150 {
		t.Fatalf("only %d cases", len(cases))
	}
	runVerdictCases(t, cases)
}

// TestDefaultRulesCoverage: every default rule fires in some case of
// TestDefaultRulesVerdicts, and every rule with a condition also applies without
// firing in another — a case on each side.
func TestDefaultRulesCoverage(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[string]int{}, map[string]int{}
	for _, tc := range defaultVerdictCases() {
		r := buildReport(tc.zones...)
		ds := &zones.Dataset{Rules: rs, IndustryLists: tc.lists}
		if tc.parkLayer {
			ds.Layers = []*zones.Layer{{ID: "parks", Kind: zones.KindIndustrialPark}}
		}
		zones.Evaluate(r, tc.p, nil, ds)
		hits := map[string]zones.RuleHit{}
		for _, h := range allHits(r) {
			hits[h.ID] = h
		}
		for _, rule := range rs.Rules() {
			applies := rule.Kind == zones.KindProject || (rule.Kind == zones.KindAny && len(r.Intersections) > 0)
			for _, in := range r.Intersections {
				applies = applies || rule.Applies(in.Layer, in.Kind, in.ZoneClass)
			}
			h, hit := hits[rule.ID]
			switch {
			case hit && h.Missing == nil:
				fires[rule.ID]++
			case !hit && applies:
				quiet[rule.ID]++
			}
		}
	}
	for _, rule := range rs.Rules() {
		if fires[rule.ID] == 0 {
			t.Errorf("%s: no case where it fires", rule.ID)
		}
		if rule.When.String() != "always" && quiet[rule.ID] == 0 {
			t.Errorf("%s: no case where it applies without firing", rule.ID)
		}
	}
}

func defaultVerdictCases() []verdictCase {
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
	rl := []z{{kind: "redline", class: "redline"}}
	redlineExceptions := []string{"redline.archaeology=needs_info", "redline.defense=needs_info", "redline.development=needs_info",
		"redline.disaster_prevention=needs_info", "redline.forestry=needs_info", "redline.linear_infrastructure=needs_info",
		"redline.mining=needs_info", "redline.monitoring=needs_info", "redline.restoration=needs_info", "redline.tourism=needs_info"}
	cases := []verdictCase{
		// 生态保护红线
		{name: "redline industrial", zones: rl,
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "redline.development=prohibited"}},
		{name: "redline residential", zones: rl,
			p: zones.Project{Type: "residential", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline other type", zones: rl,
			p: zones.Project{Type: "other", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "redline.development=prohibited"}},
		{name: "redline research monitoring", zones: rl,
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.monitoring", fired: []string{"redline.monitoring=conditional"}},
		{name: "redline linear infrastructure", zones: rl,
			p: zones.Project{Type: "linear_infrastructure", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.linear_infrastructure", fired: []string{"redline.linear_infrastructure=conditional"}},
		{name: "redline water supply", zones: rl,
			p: zones.Project{Type: "water_supply", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.linear_infrastructure", fired: []string{"redline.linear_infrastructure=conditional"}},
		// 142号 item 5 covers sightseeing, not every tourism business: the industry decides.
		{name: "redline tourism", zones: rl,
			p: zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"industry"},
			fired: []string{"redline.development=needs_info", "redline.tourism=needs_info"}},
		{name: "redline tourism boardwalk", zones: rl,
			p: zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.tourism", fired: []string{"redline.tourism=conditional"}},
		{name: "redline resort hotel", zones: rl,
			p: zones.Project{Type: "tourism", Industry: "H6110", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline tourism real estate", zones: rl,
			p: zones.Project{Type: "tourism", Industry: "K7010", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		// 142号 item 7: only survey, strategic minerals and existing rights.
		{name: "redline mining", zones: rl,
			p: zones.Project{Type: "mining", HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"industry"},
			fired: []string{"redline.development=needs_info", "redline.mining=needs_info"}},
		{name: "redline new limestone quarry", zones: rl,
			p: zones.Project{Type: "mining", Industry: "B1011", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline quarry on an existing mining right", zones: rl,
			p: zones.Project{Type: "mining", Industry: "B1011", Construction: "existing", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.mining", fired: []string{"redline.mining=conditional"}},
		{name: "redline quarry expansion", zones: rl,
			p: zones.Project{Type: "mining", Industry: "B1011", Construction: "expansion", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline uranium exploration", zones: rl,
			p: zones.Project{Type: "mining", Industry: "B0933", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.mining", fired: []string{"redline.mining=conditional"}},
		{name: "redline public-interest geological survey", zones: rl,
			p: zones.Project{Type: "mining", Industry: "M7474", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "redline.mining", fired: []string{"redline.mining=conditional"}},
		{name: "redline limestone industry but type industrial", zones: rl,
			p: zones.Project{Type: "industrial", Industry: "B0933", Construction: "existing", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		// 142号 item 2: residents' existing living and production only.
		{name: "redline residents' existing orchard", zones: rl,
			p:    zones.Project{Type: "agriculture", Industry: "A0151", OriginalResidents: pb(true), Construction: "existing", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.residents", fired: []string{"redline.residents=conditional"}},
		{name: "redline residents rebuild their house", zones: rl,
			p:    zones.Project{Type: "residential", OriginalResidents: pb(true), Construction: "reconstruction", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.residents", fired: []string{"redline.residents=conditional"}},
		{name: "redline residents' new orchard", zones: rl,
			p:    zones.Project{Type: "agriculture", Industry: "A0151", OriginalResidents: pb(true), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline company orchard", zones: rl,
			p:    zones.Project{Type: "agriculture", Industry: "A0151", OriginalResidents: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline company's existing orchard", zones: rl,
			p:    zones.Project{Type: "agriculture", Industry: "A0151", OriginalResidents: pb(false), Construction: "existing", HighEnergy: quietNo},
			want: zones.Prohibited, governing: "redline.development", fired: []string{"redline.development=prohibited"}},
		{name: "redline existing orchard, residents not said", zones: rl,
			p:    zones.Project{Type: "agriculture", Industry: "A0151", Construction: "existing", HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "redline.development", missing: []string{"original_residents"},
			fired: []string{"redline.development=needs_info", "redline.residents=needs_info"}},
		{name: "redline archaeology", zones: rl, p: zones.Project{Type: "archaeology", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.archaeology", fired: []string{"redline.archaeology=conditional"}},
		{name: "redline forestry", zones: rl, p: zones.Project{Type: "forestry", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.forestry", fired: []string{"redline.forestry=conditional"}},
		{name: "redline defence", zones: rl, p: zones.Project{Type: "defense", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.defense", fired: []string{"redline.defense=conditional"}},
		{name: "redline disaster prevention", zones: rl, p: zones.Project{Type: "disaster_prevention", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.disaster_prevention", fired: []string{"redline.disaster_prevention=conditional"}},
		{name: "redline ecological restoration", zones: rl, p: zones.Project{Type: "ecological_restoration", HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.restoration", fired: []string{"redline.restoration=conditional"}},
		// 国家重大项目: prohibited unless approved, never a self-declared pass.
		{name: "redline industrial national major", zones: rl,
			p: zones.Project{Type: "industrial", NationalMajor: pb(true), HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"approval_refs"},
			fired:  []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "redline.development=needs_info", "redline.national_major=needs_info"},
			report: []string{"approval_refs", "industry", "in_industrial_park"}},
		{name: "redline national major boiler works, no approval", zones: rl,
			p: zones.Project{Type: "industrial", Industry: "C3411", NationalMajor: pb(true), HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"approval_refs"}, fired: []string{"redline.development=needs_info", "redline.national_major=needs_info"},
			report: []string{"approval_refs"}},
		{name: "redline industrial national major with approvals", zones: rl,
			p:    zones.Project{Type: "industrial", Industry: "C3411", NationalMajor: pb(true), ApprovalRefs: []string{"国函〔2025〕12号"}, HighEnergy: quietNo},
			want: zones.Conditional, governing: "redline.national_major", fired: []string{"redline.national_major=conditional"}},
		// Approval documents without saying whether it is a national major project:
		// that is what decides, so it is asked.
		{name: "redline approvals without national major", zones: rl,
			p: zones.Project{Type: "industrial", Industry: "C3411", ApprovalRefs: []string{"某批复"}, HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"national_major"}, fired: []string{"redline.development=needs_info", "redline.national_major=needs_info"}},
		{name: "redline industrial national major false", zones: rl,
			p: zones.Project{Type: "industrial", NationalMajor: pb(false), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "redline.development", fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "redline.development=prohibited"}},
		{name: "redline type missing", zones: rl,
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "redline.development", missing: []string{"type", "industry"},
			fired: append([]string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}, redlineExceptions...)},
		{name: "redline inside reserve core (overlaps share area)",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapB}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities", // the special law names the governing rule on a tie
			fired:     []string{"nature_reserve.protection_activities=conditional", "redline.monitoring=conditional"}},
		{name: "redline inside reserve core (overlaps share area), tourism",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapB}},
			p: zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core",
			fired:     []string{"nature_reserve.core=prohibited", "redline.reserve_core=prohibited", "redline.tourism=conditional"}},
		{name: "redline and reserve core apart inside the footprint",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapC}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities",
			fired:     []string{"nature_reserve.protection_activities=conditional", "redline.monitoring=conditional"}},
		{name: "redline and reserve core apart inside the footprint, tourism",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "nature_reserve", class: "core", area: 3000, overlap: overlapC}},
			p: zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core",
			fired:     []string{"nature_reserve.core=prohibited", "redline.tourism=conditional"}},
		{name: "redline and reserve core without geometries: conservative",
			zones: []z{{kind: "redline", class: "redline", area: 5000}, {kind: "nature_reserve", class: "core", area: 3000}},
			p:     zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core",
			fired:     []string{"nature_reserve.core=prohibited", "redline.reserve_core=prohibited"}},
		{name: "redline inside reserve core, residents' existing farming",
			zones: []z{{kind: "redline", class: "redline", area: 5000}, {kind: "nature_reserve", class: "core", area: 3000}},
			p:     zones.Project{Type: "agriculture", Industry: "A0151", OriginalResidents: pb(true), Construction: "existing", HighEnergy: quietNo},
			want:  zones.Conditional, governing: "nature_reserve.residents",
			fired: []string{"nature_reserve.residents=conditional", "redline.residents=conditional"}},
		{name: "redline inside old-scheme reserve buffer, industrial",
			zones: []z{{kind: "redline", class: "redline", area: 5000}, {kind: "nature_reserve", class: "buffer", area: 3000}},
			p:     zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(false), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.buffer",
			fired:     []string{"nature_reserve.buffer=prohibited", "redline.development=prohibited", "redline.reserve_core=prohibited"}},
		{name: "redline inside national park core",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "national_park", class: "core", area: 100, overlap: overlapA}},
			p: zones.Project{Type: "water_supply", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.core",
			fired:     []string{"national_park.core=prohibited", "redline.linear_infrastructure=conditional", "redline.park_core=prohibited"}},
		{name: "redline inside national park core, border patrol",
			zones: []z{{kind: "redline", class: "redline", area: 5000, overlap: overlapA},
				{kind: "national_park", class: "core", area: 100, overlap: overlapA}},
			p: zones.Project{Type: "defense", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.protection_activities",
			fired:     []string{"national_park.protection_activities=conditional", "redline.defense=conditional"}},

		// 自然保护区
		// 国家特殊战略需要: prohibited unless approved.
		{name: "reserve core national major, no approval", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "linear_infrastructure", Industry: "G5310", NationalMajor: pb(true)}, want: zones.NeedsInfo,
			governing: "nature_reserve.core", missing: []string{"approval_refs"},
			fired: []string{"nature_reserve.core=needs_info", "nature_reserve.national_major=needs_info"}, report: []string{"approval_refs"}},
		{name: "reserve core national major, approved", zones: []z{{kind: "nature_reserve", class: "core"}},
			p:    zones.Project{Type: "linear_infrastructure", Industry: "G5310", NationalMajor: pb(true), ApprovalRefs: []string{"国函〔2025〕9号"}},
			want: zones.Conditional, governing: "nature_reserve.national_major", fired: []string{"nature_reserve.national_major=conditional"}},
		{name: "reserve experimental national major mine", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p:    zones.Project{Type: "mining", Industry: "B0911", NationalMajor: pb(true), ApprovalRefs: []string{"国函〔2025〕9号"}},
			want: zones.Prohibited, governing: "nature_reserve.experimental_extractive",
			fired: []string{"nature_reserve.experimental_extractive=prohibited", "nature_reserve.national_major=conditional"}},
		{name: "national park general control national major, no approval", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "industrial", Industry: "C3411", NationalMajor: pb(true)}, want: zones.NeedsInfo,
			governing: "national_park.general_control_development", missing: []string{"approval_refs"},
			fired: []string{"national_park.general_control_development=needs_info", "national_park.national_major=needs_info"}},
		{name: "national park general control national major pipeline needs no more", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "linear_infrastructure", Industry: "G5720", NationalMajor: pb(true)}, want: zones.Conditional,
			governing: "national_park.general_control", fired: []string{"national_park.general_control=conditional"}},
		{name: "national park core national major, approved", zones: []z{{kind: "national_park", class: "core"}},
			p:    zones.Project{Type: "industrial", Industry: "C3411", NationalMajor: pb(true), ApprovalRefs: []string{"国函〔2025〕9号"}},
			want: zones.Conditional, governing: "national_park.national_major", fired: []string{"national_park.national_major=conditional"}},
		{name: "redline inside reserve core, national major approved",
			zones: []z{{kind: "redline", class: "redline", area: 5000}, {kind: "nature_reserve", class: "core", area: 3000}},
			p:     zones.Project{Type: "industrial", Industry: "C3411", NationalMajor: pb(true), ApprovalRefs: []string{"国函〔2025〕9号"}},
			want:  zones.Conditional, governing: "nature_reserve.national_major",
			fired: []string{"nature_reserve.national_major=conditional", "redline.national_major=conditional"}},
		{name: "reserve core tourism", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "tourism", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.core", fired: []string{"nature_reserve.core=prohibited"}},
		// The 2026 regulation lists what the core allows, so the type decides.
		{name: "reserve core, nothing known", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{}, want: zones.NeedsInfo, governing: "nature_reserve.core", missing: []string{"type"},
			fired: []string{"nature_reserve.core=needs_info", "nature_reserve.protection_activities=needs_info",
				"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "two_high=needs_info"},
			report: []string{"type", "high_energy", "industry", "in_industrial_park"}},
		{name: "reserve core, other type", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "other", Industry: "O8111"}, want: zones.Prohibited,
			governing: "nature_reserve.core", fired: []string{"nature_reserve.core=prohibited"}},
		{name: "reserve core restoration", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "ecological_restoration"}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities", fired: []string{"nature_reserve.protection_activities=conditional"}},
		{name: "reserve core monitoring station, not asked about 两高", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "research_monitoring"}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities", fired: []string{"nature_reserve.protection_activities=conditional"}},
		{name: "reserve core residents' new field", zones: []z{{kind: "nature_reserve", class: "core"}},
			p: zones.Project{Type: "agriculture", OriginalResidents: pb(true)}, want: zones.Prohibited,
			governing: "nature_reserve.core", fired: []string{"nature_reserve.core=prohibited"}},
		{name: "reserve buffer research", zones: []z{{kind: "nature_reserve", class: "buffer"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities", fired: []string{"nature_reserve.protection_activities=conditional"}},
		{name: "reserve buffer tourism", zones: []z{{kind: "nature_reserve", class: "buffer"}},
			p: zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.buffer", fired: []string{"nature_reserve.buffer=prohibited"}},
		{name: "reserve experimental tourism", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "tourism", Industry: "N78"}, want: zones.Conditional,
			governing: "nature_reserve.experimental", fired: []string{"nature_reserve.experimental=conditional"}},
		{name: "reserve experimental hotel", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "tourism", Industry: "H6110"}, want: zones.Prohibited,
			governing: "nature_reserve.development", fired: []string{"nature_reserve.development=prohibited"}},
		{name: "reserve experimental mining", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "mining", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "nature_reserve.experimental_extractive",
			fired:     []string{"nature_reserve.development=prohibited", "nature_reserve.experimental_extractive=prohibited"}},
		{name: "reserve experimental, quarry by industry code, type missing", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Industry: "1011"}, want: zones.Prohibited,
			governing: "nature_reserve.experimental_extractive",
			fired:     []string{"nature_reserve.experimental_extractive=prohibited"}},
		// 禁止开发性、生产性建设活动: a discharging plastics plant.
		{name: "reserve experimental plastics plant", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p:    zones.Project{Type: "industrial", Industry: "C2927", DischargesPollutants: pb(true), InIndustrialPark: pb(false)},
			want: zones.Prohibited, governing: "nature_reserve.development", fired: []string{"nature_reserve.development=prohibited"}},
		{name: "reserve experimental research station", zones: []z{{kind: "nature_reserve", class: "experimental"}},
			p: zones.Project{Type: "research_monitoring", Industry: "M7461"}, want: zones.Conditional,
			governing: "nature_reserve.protection_activities", fired: []string{"nature_reserve.protection_activities=conditional"}},
		{name: "reserve 2026 general control tourism", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p: zones.Project{Type: "tourism", Industry: "N78"}, want: zones.Conditional,
			governing: "nature_reserve.general_control", fired: []string{"nature_reserve.general_control=conditional"}},
		{name: "reserve 2026 general control pipeline", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p: zones.Project{Type: "linear_infrastructure", Industry: "G5720"}, want: zones.Conditional,
			governing: "nature_reserve.general_control", fired: []string{"nature_reserve.general_control=conditional"}},
		{name: "reserve 2026 general control 两高 chemical plant", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p:    zones.Project{Type: "industrial", Industry: "C2614", InIndustrialPark: pb(true), ParkPlanningEIA: ps("陕环函〔2021〕1号")},
			want: zones.Prohibited, governing: "nature_reserve.development",
			fired: []string{"nature_reserve.development=prohibited", "park.planning_eia_linkage=conditional", "two_high=conditional"},
			note:  "按行业代码 C2614 推定"},
		{name: "reserve 2026 general control, type and industry missing", zones: []z{{kind: "nature_reserve", class: "general_control"}},
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "nature_reserve.experimental_extractive", missing: []string{"type", "industry"},
			fired: []string{"nature_reserve.development=needs_info", "nature_reserve.experimental_extractive=needs_info",
				"nature_reserve.general_control=needs_info", "nature_reserve.protection_activities=needs_info", "park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}},

		// 国家公园
		{name: "national park core", zones: []z{{kind: "national_park", class: "core"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.protection_activities", fired: []string{"national_park.protection_activities=conditional"}},
		{name: "national park core tourism", zones: []z{{kind: "national_park", class: "core"}},
			p: zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.core", fired: []string{"national_park.core=prohibited"}},
		{name: "national park general control industrial", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.general_control_development", fired: []string{"national_park.general_control_development=prohibited",
				"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}},
		{name: "national park general control research", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "research_monitoring", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.protection_activities", fired: []string{"national_park.protection_activities=conditional"}},
		{name: "national park general control strategic mineral exploration", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "mining", Industry: "M7472", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.general_control", fired: []string{"national_park.general_control=conditional"}},
		{name: "national park general control lithium", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "mining", Industry: "B0939", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.general_control", fired: []string{"national_park.general_control=conditional"}},
		{name: "national park general control quarry", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "mining", Industry: "B1011", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "national_park.general_control_development", fired: []string{"national_park.general_control_development=prohibited"}},
		{name: "national park general control restoration", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{Type: "ecological_restoration", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "national_park.protection_activities", fired: []string{"national_park.protection_activities=conditional"}},
		{name: "national park general control, residents' existing grazing", zones: []z{{kind: "national_park", class: "general_control"}},
			p:    zones.Project{Type: "agriculture", Industry: "A0311", OriginalResidents: pb(true), Construction: "existing", HighEnergy: quietNo},
			want: zones.Conditional, governing: "national_park.residents", fired: []string{"national_park.residents=conditional"}},
		{name: "national park core, residents' new grazing", zones: []z{{kind: "national_park", class: "core"}},
			p:    zones.Project{Type: "agriculture", Industry: "A0311", OriginalResidents: pb(true), Construction: "expansion", HighEnergy: quietNo},
			want: zones.Prohibited, governing: "national_park.core", fired: []string{"national_park.core=prohibited"}},
		{name: "national park general control type missing", zones: []z{{kind: "national_park", class: "general_control"}},
			p: zones.Project{HighEnergy: quietNo}, want: zones.NeedsInfo, governing: "national_park.general_control_development",
			missing: []string{"type", "industry"},
			fired: []string{"national_park.general_control=needs_info", "national_park.general_control_development=needs_info",
				"national_park.protection_activities=needs_info", "park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}},

		// 饮用水水源保护区
		{name: "water level1 industrial", zones: []z{{kind: "water_source", class: "level1"}},
			p:    zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "water_source.level1", fired: []string{"water_source.level1=prohibited"}},
		{name: "water level1 water supply", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "water_supply", HasOutfall: pb(false), HighEnergy: quietNo}, want: zones.Conditional,
			governing: "water_source.level1_supply", fired: []string{"water_source.level1_supply=conditional"}},
		// Art. 65 exempts projects for protecting the source.
		{name: "water level1 monitoring station", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "research_monitoring", HasOutfall: pb(false)}, want: zones.Conditional,
			governing: "water_source.level1_supply", fired: []string{"water_source.level1_supply=conditional"}},
		{name: "water level1 existing unrelated workshop", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "other", Construction: "existing", HasOutfall: pb(false), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "water_source.level1", fired: []string{"water_source.level1=prohibited"}},
		{name: "water level1 water supply with outfall", zones: []z{{kind: "water_source", class: "level1"}},
			p: zones.Project{Type: "water_supply", HasOutfall: pb(true), HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "water_source.outfall", fired: []string{"water_source.level1_supply=conditional", "water_source.outfall=prohibited"}},
		{name: "water level2 discharging", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true), DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "water_source.level2_discharging", fired: []string{"water_source.level2_discharging=prohibited"}},
		{name: "water level2 not discharging", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "tourism", DischargesPollutants: pb(false), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.level2", fired: []string{"water_source.level2=conditional"}},
		{name: "water level2 discharge unknown", zones: []z{{kind: "water_source", class: "level2"}},
			p:    zones.Project{Type: "tourism", HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "water_source.level2_discharging", missing: []string{"discharges_pollutants"},
			fired: []string{"water_source.level2=needs_info", "water_source.level2_discharging=needs_info"}},
		// Art. 67: the industry decides whether a plant pollutes water heavily.
		{name: "water quasi", zones: []z{{kind: "water_source", class: "quasi"}},
			p:    zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "water_source.quasi_heavy", missing: []string{"industry"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.quasi=conditional", "water_source.quasi_heavy=needs_info"}},
		{name: "water quasi chemical plant", zones: []z{{kind: "water_source", class: "quasi"}},
			p: zones.Project{Type: "industrial", Industry: "C2614", DischargesPollutants: pb(true), HasOutfall: pb(false),
				InIndustrialPark: pb(true), ParkPlanningEIA: ps("陕环函〔2021〕1号")},
			want: zones.Prohibited, governing: "water_source.quasi_heavy",
			fired: []string{"park.planning_eia_linkage=conditional", "two_high=conditional", "water_source.quasi=conditional",
				"water_source.quasi_heavy=prohibited"}},
		{name: "water quasi chemical plant reconstruction", zones: []z{{kind: "water_source", class: "quasi"}},
			p: zones.Project{Type: "industrial", Industry: "C2614", Construction: "reconstruction", DischargesPollutants: pb(true),
				HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.quasi", fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi food plant", zones: []z{{kind: "water_source", class: "quasi"}},
			p: zones.Project{Type: "industrial", Industry: "C1391", DischargesPollutants: pb(true), HasOutfall: pb(false),
				InIndustrialPark: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.quasi", fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi monitoring station is not asked its industry", zones: []z{{kind: "water_source", class: "quasi"}},
			p:    zones.Project{Type: "research_monitoring", HasOutfall: pb(false)},
			want: zones.Conditional, governing: "water_source.quasi", fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi outfall unknown", zones: []z{{kind: "water_source", class: "quasi"}},
			p:    zones.Project{Type: "industrial", DischargesPollutants: pb(false), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "water_source.outfall", missing: []string{"has_outfall"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.outfall=needs_info", "water_source.quasi=conditional",
				"water_source.quasi_heavy=needs_info"},
			report: []string{"has_outfall", "industry", "in_industrial_park"}},
		{name: "water quasi Dan river source, discharging",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "丹江"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.quasi_heavy", missing: []string{"industry"},
			fired: []string{"nsbd.source_area=conditional", "park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.quasi=conditional",
				"water_source.quasi_heavy=needs_info"}},
		{name: "water quasi Dan river source, discharging food plant",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "丹江"}}},
			p: zones.Project{Type: "industrial", Industry: "C1391", InIndustrialPark: pb(true), DischargesPollutants: pb(true),
				HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Conditional, governing: "water_source.quasi",
			fired: []string{"nsbd.source_area=conditional", "water_source.quasi=conditional"}},
		{name: "water quasi nsbd flag attribute, discharging",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"nsbd": true}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.quasi_heavy", missing: []string{"industry"},
			fired: []string{"nsbd.source_area=conditional", "park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.quasi=conditional",
				"water_source.quasi_heavy=needs_info"}},
		{name: "water quasi Wei river (not a NSBD source)",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "渭河"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.quasi_heavy", missing: []string{"industry"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.quasi=conditional", "water_source.quasi_heavy=needs_info"}},
		{name: "water quasi Han river source, discharge unknown cannot raise the verdict",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "汉江"}}},
			p:     zones.Project{Type: "industrial", Industry: "C1391", InIndustrialPark: pb(true), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"water_source.quasi=conditional"}},
		{name: "water quasi Han river source, discharging, outfall unknown",
			zones: []z{{kind: "water_source", class: "quasi", attrs: map[string]any{"basin": "汉江流域"}}},
			p:     zones.Project{Type: "industrial", DischargesPollutants: pb(true), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.outfall", missing: []string{"has_outfall"},
			fired: []string{"nsbd.source_area=conditional", "park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "water_source.outfall=needs_info",
				"water_source.quasi=conditional", "water_source.quasi_heavy=needs_info"}},
		// The 南水北调 source area is the basin, not only the drinking-water zones.
		{name: "Han basin on a control unit, discharging",
			zones: []z{{kind: "ecu", class: "general", clauses: clauses, attrs: map[string]any{"basin": "汉江"}}},
			p: zones.Project{Type: "industrial", Industry: "C1391", InIndustrialPark: pb(true), DischargesPollutants: pb(true),
				HighEnergy: quietNo},
			want: zones.Conditional, governing: "nsbd.source_area", fired: []string{"ecu.general=admissible", "nsbd.source_area=conditional"}},
		{name: "Han basin layer, not discharging",
			zones: []z{{kind: "custom", class: "basin", attrs: map[string]any{"basin": "汉江"}}},
			p:     zones.Project{Type: "industrial", Industry: "C1391", InIndustrialPark: pb(true), DischargesPollutants: pb(false), HighEnergy: quietNo},
			want:  zones.Admissible, fired: []string{}},

		// 秦岭
		{name: "qinling core", zones: []z{{kind: "qinling", class: "core"}},
			p: zones.Project{Type: "tourism", Industry: "N78", HighEnergy: quietNo}, lists: lists, want: zones.Prohibited,
			governing: "qinling.core", fired: []string{"qinling.core=prohibited"}},
		{name: "qinling core residents repair their house", zones: []z{{kind: "qinling", class: "core"}},
			p:    zones.Project{Type: "residential", OriginalResidents: pb(true), Construction: "reconstruction", HighEnergy: quietNo},
			want: zones.Conditional, governing: "qinling.core_allowed", fired: []string{"qinling.core_allowed=conditional"}},
		{name: "qinling core residents build anew", zones: []z{{kind: "qinling", class: "core"}},
			p:    zones.Project{Type: "residential", OriginalResidents: pb(true), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "qinling.core", fired: []string{"qinling.core=prohibited"}},
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
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, lists: lists, want: zones.Admissible,
			fired: []string{}},
		{name: "qinling general, code too coarse for the restricted list", zones: []z{{kind: "qinling", class: "general"}},
			p: zones.Project{Type: "industrial", Industry: "C26", HighEnergy: quietNo}, lists: lists, want: zones.NeedsInfo,
			governing: "qinling.general_restricted", missing: []string{"industry"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "qinling.general_restricted=needs_info"}},
		// The quarry ban north of the main ridge, where the dataset marks it.
		{name: "qinling north slope quarry", zones: []z{{kind: "qinling", class: "general", attrs: map[string]any{"quarry_ban": true}}},
			p: zones.Project{Type: "mining", Industry: "B1011"}, lists: map[string][]string{}, want: zones.Prohibited,
			governing: "qinling.quarry_ban", fired: []string{"qinling.quarry_ban=prohibited"}},
		{name: "qinling north slope by slope attribute", zones: []z{{kind: "qinling", class: "general", attrs: map[string]any{"slope": "北坡"}}},
			p: zones.Project{Type: "mining", Industry: "B1012"}, lists: map[string][]string{}, want: zones.Prohibited,
			governing: "qinling.quarry_ban", fired: []string{"qinling.quarry_ban=prohibited"}},
		{name: "qinling south slope quarry", zones: []z{{kind: "qinling", class: "general", attrs: map[string]any{"slope": "南坡"}}},
			p: zones.Project{Type: "mining", Industry: "B1011"}, lists: map[string][]string{}, want: zones.Admissible, fired: []string{}},
		{name: "qinling north slope, a clay pit is no quarry", zones: []z{{kind: "qinling", class: "general", attrs: map[string]any{"quarry_ban": "是"}}},
			p: zones.Project{Type: "mining", Industry: "B1019"}, lists: map[string][]string{}, want: zones.Admissible, fired: []string{}},
		{name: "qinling north slope, a trail is not asked its industry", zones: []z{{kind: "qinling", class: "general", attrs: map[string]any{"quarry_ban": "1"}}},
			p: zones.Project{Type: "tourism"}, lists: map[string][]string{}, want: zones.Admissible, fired: []string{}},

		// 环境管控单元
		{name: "ecu priority", zones: []z{{kind: "ecu", class: "priority", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, want: zones.Conditional,
			governing: "ecu.priority", fired: []string{"ecu.priority=conditional"}},
		{name: "ecu key with clauses", zones: []z{{kind: "ecu", class: "key", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, want: zones.Conditional,
			governing: "ecu.key", fired: []string{"ecu.key=conditional"}},
		{name: "ecu general with clauses", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.NeedsInfo,
			governing: "ecu.industry_outside_park", missing: []string{"in_industrial_park"},
			fired: []string{"ecu.general=admissible", "ecu.industry_outside_park=needs_info"}},
		{name: "ecu general with clauses, factory in a park (declared)", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, want: zones.Admissible,
			fired: []string{"ecu.general=admissible"}, note: "申报位于依法设立的工业园区内"},
		{name: "ecu general, factory outside parks (declared)", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(false)}, want: zones.Conditional,
			governing: "ecu.industry_outside_park", fired: []string{"ecu.general=admissible", "ecu.industry_outside_park=conditional"}},
		{name: "ecu general, warehouse outside parks", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			p: zones.Project{Type: "other", Industry: "G5920", HighEnergy: quietNo}, want: zones.Admissible,
			fired: []string{"ecu.general=admissible"}},
		{name: "ecu general, factory outside the park layer", zones: []z{{kind: "ecu", class: "general", clauses: clauses}},
			parkLayer: true, p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, want: zones.Conditional,
			governing: "ecu.industry_outside_park", fired: []string{"ecu.general=admissible", "ecu.industry_outside_park=conditional"},
			note: "园区覆盖 0%"},
		{name: "ecu key, factory outside parks", zones: []z{{kind: "ecu", class: "key", clauses: clauses, area: 2000},
			{kind: "industrial_park", class: "provincial", share: 0.6, area: 1000, park: &zones.Park{PlanningEIA: "陕环函〔2020〕5号"}}},
			parkLayer: true, p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Conditional,
			governing: "ecu.key", fired: []string{"ecu.industry_outside_park=conditional", "ecu.key=conditional"},
			note: "未完全位于园区内"},
		{name: "ecu priority, factory outside parks is the unit's own matter", zones: []z{{kind: "ecu", class: "priority", clauses: clauses}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(false)}, want: zones.Conditional,
			governing: "ecu.priority", fired: []string{"ecu.priority=conditional"}},
		{name: "ecu key without clauses", zones: []z{{kind: "ecu", class: "key"}},
			p: zones.Project{Type: "other", Industry: "G5920", HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "ecu.no_clauses", fired: []string{"ecu.no_clauses=needs_info"}},
		{name: "ecu general without clauses", zones: []z{{kind: "ecu", class: "general"}},
			p: zones.Project{Type: "industrial", Industry: "C1311", InIndustrialPark: pb(true)}, want: zones.NeedsInfo,
			governing: "ecu.no_clauses", fired: []string{"ecu.no_clauses=needs_info"}},

		// 两高 (every zone)
		{name: "two-high by flag on a custom layer", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", HighEnergy: pb(true)}, want: zones.NeedsInfo,
			governing: "park.outside", missing: []string{"industry", "in_industrial_park"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "two_high=conditional"}, note: "项目申报 high_energy=true"},
		{name: "two-high by flag, with industry, in a park", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C3011", HighEnergy: pb(true), InIndustrialPark: pb(true)}, want: zones.Conditional,
			governing: "two_high", fired: []string{"two_high=conditional"}, note: "项目申报 high_energy=true"},
		{name: "two-high derived from refinery code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "2511"}, want: zones.NeedsInfo,
			governing: "park.outside", missing: []string{"in_industrial_park"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "two_high=conditional"}, note: "按行业代码 C2511 推定"},
		{name: "two-high derived from cement code, in an ECU key unit",
			zones: []z{{kind: "ecu", class: "key", clauses: clauses}},
			p:     zones.Project{Type: "industrial", Industry: "C3011"}, want: zones.Conditional,
			governing: "ecu.key", fired: []string{"ecu.key=conditional", "two_high=conditional"}},
		{name: "not two-high by code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C1311"}, want: zones.Admissible,
			fired: []string{}, note: "不属于两高行业代码表"},
		{name: "two-high flag false overrides code", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C2511", HighEnergy: pb(false)}, want: zones.NeedsInfo,
			governing: "park.outside", missing: []string{"in_industrial_park"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}, note: "high_energy=false"},
		{name: "two-high unknown: code too coarse", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial", Industry: "C30"}, want: zones.NeedsInfo,
			governing: "two_high", missing: []string{"high_energy"}, fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "two_high=needs_info"},
			note: "过粗"},
		{name: "two-high unknown: no flag, no industry", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "industrial"}, want: zones.NeedsInfo,
			governing: "two_high", missing: []string{"high_energy"}, fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info", "two_high=needs_info"},
			report: []string{"high_energy", "industry", "in_industrial_park"}},
		{name: "two-high: a monitoring station is not asked", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "research_monitoring"}, want: zones.Admissible, fired: []string{}},
		{name: "two-high with no zone touched", zones: nil,
			p: zones.Project{Type: "industrial", HighEnergy: pb(true)}, want: zones.NeedsInfo,
			governing: "park.outside", missing: []string{"industry", "in_industrial_park"}, fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"},
			note: "全项目规则 two_high"},
		{name: "two-high with no zone touched, in a park", zones: nil,
			p: zones.Project{Type: "industrial", Industry: "C3011", HighEnergy: pb(true), InIndustrialPark: pb(true)}, want: zones.Conditional,
			governing: "two_high", fired: []string{}, note: "全项目规则 two_high"},

		// 环环评〔2021〕45号: 石化、化工、焦化、有色金属冶炼、平板玻璃 in parks
		{name: "chemical plant outside parks (layer)", zones: []z{{kind: "custom", class: "unit"}}, parkLayer: true,
			p: zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "park.outside", fired: []string{"park.outside=prohibited"}},
		{name: "chemical plant half in a park", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "national", share: 0.5, park: &zones.Park{PlanningEIA: "环审〔2019〕1号", Industries: []string{"C26"}}}},
			p:     zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "park.outside", fired: []string{"park.outside=prohibited"}, note: "园区覆盖 50%"},
		{name: "chemical plant in a park with planning EIA and leading chemicals", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "national", park: &zones.Park{PlanningEIA: "环审〔2019〕1号", Industries: []string{"C26", "C27"}}}},
			p:     zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "park.planning_eia_linkage", fired: []string{"park.planning_eia_linkage=conditional"}, note: "环审〔2019〕1号"},
		{name: "chemical plant in a park without planning EIA", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "other", park: &zones.Park{Industries: []string{"C26"}}}},
			p:     zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "park.no_planning_eia", fired: []string{"park.no_planning_eia=prohibited"}, note: "无规划环评"},
		{name: "chemical plant in a park whose leading industries are others", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "provincial", park: &zones.Park{PlanningEIA: "陕环函〔2020〕5号", Industries: []string{"C39", "C13"}}}},
			p:     zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "park.industry_not_leading",
			fired:     []string{"park.industry_not_leading=conditional", "park.planning_eia_linkage=conditional"}},
		{name: "chemical plant in a park that lists no leading industries", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "provincial", park: &zones.Park{PlanningEIA: "陕环函〔2020〕5号"}}},
			p:     zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "park.planning_eia_linkage", fired: []string{"park.planning_eia_linkage=conditional"}},
		{name: "chemical plant across two parks of one layer", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "national", id: "p1", share: 0.6, overlap: overlapA,
				park: &zones.Park{PlanningEIA: "环审〔2019〕1号", Industries: []string{"C26"}}},
				{kind: "industrial_park", class: "national", id: "p2", share: 0.4, overlap: overlapC,
					park: &zones.Park{PlanningEIA: "环审〔2019〕2号", Industries: []string{"C2614"}}}},
			p: zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Conditional,
			governing: "park.planning_eia_linkage", fired: []string{"park.planning_eia_linkage=conditional"}},
		{name: "chemical plant across two overlapping parks counts the larger only", parkLayer: true,
			zones: []z{{kind: "industrial_park", class: "national", id: "p1", share: 0.6, overlap: overlapA,
				park: &zones.Park{PlanningEIA: "环审〔2019〕1号"}},
				{kind: "industrial_park", class: "national", id: "p2", share: 0.4, overlap: overlapB,
					park: &zones.Park{PlanningEIA: "环审〔2019〕2号"}}},
			p: zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "park.outside", fired: []string{"park.outside=prohibited"}, note: "园区覆盖 60%"},
		{name: "chemical plant expansion outside parks (declared)", zones: []z{{kind: "custom", class: "unit"}},
			p:    zones.Project{Type: "industrial", Industry: "C2614", Construction: "expansion", InIndustrialPark: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "park.outside", fired: []string{"park.outside=prohibited"}},
		{name: "chemical plant reconstruction outside parks", zones: []z{{kind: "custom", class: "unit"}},
			p:    zones.Project{Type: "industrial", Industry: "C2614", Construction: "reconstruction", InIndustrialPark: pb(false), HighEnergy: quietNo},
			want: zones.Admissible, fired: []string{}},
		{name: "chemical plant in a declared park without planning EIA", zones: []z{{kind: "custom", class: "unit"}},
			p:    zones.Project{Type: "industrial", Industry: "C2614", InIndustrialPark: pb(true), ParkPlanningEIA: ps(""), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "park.no_planning_eia", fired: []string{"park.no_planning_eia=prohibited"},
			note: "园区规划环评：无"},
		{name: "chemical plant in a declared park, planning EIA not said", zones: []z{{kind: "custom", class: "unit"}},
			p:    zones.Project{Type: "industrial", Industry: "C2614", InIndustrialPark: pb(true), HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "park.no_planning_eia", missing: []string{"park_planning_eia"},
			fired: []string{"park.no_planning_eia=needs_info", "park.planning_eia_linkage=needs_info"}},
		{name: "declared park facts give way to the layer", zones: []z{{kind: "custom", class: "unit"}}, parkLayer: true,
			p:    zones.Project{Type: "industrial", Industry: "C2614", InIndustrialPark: pb(true), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "park.outside", fired: []string{"park.outside=prohibited"}, note: "未采用"},
		{name: "glass works (平板玻璃) outside parks", zones: []z{{kind: "custom", class: "unit"}}, parkLayer: true,
			p: zones.Project{Type: "industrial", Industry: "C3041", HighEnergy: quietNo}, want: zones.Prohibited,
			governing: "park.outside", fired: []string{"park.outside=prohibited"}},
		{name: "daily glassware is no flat glass", zones: []z{{kind: "custom", class: "unit"}}, parkLayer: true,
			p: zones.Project{Type: "industrial", Industry: "C3054", HighEnergy: quietNo}, want: zones.Admissible, fired: []string{}},
		{name: "a research institute of chemistry is not asked about parks", zones: []z{{kind: "custom", class: "unit"}},
			p: zones.Project{Type: "research_monitoring", Industry: "C2614"}, want: zones.Admissible, fired: []string{}},

		// custom layers and precedence
		{name: "custom layer without rules is informational", zones: []z{{kind: "custom", class: "basin"}},
			p: zones.Project{Type: "industrial", HighEnergy: quietNo}, want: zones.NeedsInfo,
			governing: "park.outside", missing: []string{"industry", "in_industrial_park"}, fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}},
		{name: "custom layer without rules is informational, facts given", zones: []z{{kind: "custom", class: "basin"}},
			p: zones.Project{Type: "other", Industry: "G5920", HighEnergy: quietNo}, want: zones.Admissible, fired: []string{}},
		{name: "nothing touched", zones: nil, p: zones.Project{Type: "industrial", HighEnergy: quietNo},
			want: zones.NeedsInfo, governing: "park.outside", missing: []string{"industry", "in_industrial_park"},
			fired: []string{"park.no_planning_eia=needs_info", "park.outside=needs_info", "park.planning_eia_linkage=needs_info"}},
		{name: "nothing touched, facts given", zones: nil, p: zones.Project{Type: "industrial", Industry: "C1311", HighEnergy: quietNo},
			want: zones.Admissible, fired: []string{}},
		{name: "precedence: water level2 over ECU general",
			zones: []z{{kind: "ecu", class: "general", clauses: clauses, area: 9000}, {kind: "water_source", class: "level2", area: 10}},
			p:     zones.Project{Type: "industrial", Industry: "C1311", DischargesPollutants: pb(true), HasOutfall: pb(false)},
			want:  zones.Prohibited, governing: "water_source.level2_discharging",
			fired:  []string{"ecu.general=admissible", "ecu.industry_outside_park=needs_info", "water_source.level2_discharging=prohibited"},
			report: []string{"in_industrial_park"}},
		{name: "precedence: same verdict, the special law governs over a larger overlap",
			zones: []z{{kind: "water_source", class: "quasi", area: 10}, {kind: "redline", class: "redline", area: 9000}},
			p:     zones.Project{Type: "research_monitoring", DischargesPollutants: pb(false), HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.Conditional, governing: "water_source.quasi",
			fired: []string{"redline.monitoring=conditional", "water_source.quasi=conditional"}},
		{name: "precedence: same verdict, the red line governs over an ECU",
			zones: []z{{kind: "ecu", class: "priority", clauses: clauses, area: 9000}, {kind: "redline", class: "redline", area: 10}},
			p:     zones.Project{Type: "tourism", HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "redline.development", missing: []string{"industry"},
			fired: []string{"ecu.priority=conditional", "redline.development=needs_info", "redline.tourism=needs_info"}},
		{name: "precedence: same verdict, the red line governs over an ECU, industry given",
			zones: []z{{kind: "ecu", class: "priority", clauses: clauses, area: 9000}, {kind: "redline", class: "redline", area: 10}},
			p:     zones.Project{Type: "tourism", Industry: "N7869", HighEnergy: quietNo},
			want:  zones.Conditional, governing: "redline.tourism",
			fired: []string{"ecu.priority=conditional", "redline.tourism=conditional"}},
		{name: "precedence: same verdict, the special law governs over a project rule",
			zones: []z{{kind: "redline", class: "redline", area: 10}}, parkLayer: true,
			p:    zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: quietNo},
			want: zones.Prohibited, governing: "redline.development",
			fired: []string{"park.outside=prohibited", "redline.development=prohibited"}},
		{name: "precedence: needs_info over conditional",
			zones: []z{{kind: "redline", class: "redline", area: 9000}, {kind: "water_source", class: "level2", area: 10}},
			p:     zones.Project{Type: "tourism", HasOutfall: pb(false), HighEnergy: quietNo},
			want:  zones.NeedsInfo, governing: "water_source.level2_discharging", missing: []string{"discharges_pollutants"},
			fired: []string{"redline.development=needs_info", "redline.tourism=needs_info", "water_source.level2=needs_info",
				"water_source.level2_discharging=needs_info"},
			report: []string{"industry", "discharges_pollutants"}},
		// needs_info does not hide a prohibited elsewhere; the facts are listed once.
		{name: "prohibited elsewhere governs over needs_info",
			zones: []z{{kind: "nature_reserve", class: "core", area: 10}, {kind: "water_source", class: "level2", area: 9000},
				{kind: "water_source", class: "level2", id: "w2", area: 8000}},
			p:    zones.Project{Type: "tourism", Industry: "N7869", HasOutfall: pb(false), HighEnergy: quietNo},
			want: zones.Prohibited, governing: "nature_reserve.core",
			fired:  []string{"nature_reserve.core=prohibited", "water_source.level2=needs_info", "water_source.level2_discharging=needs_info"},
			report: []string{"discharges_pollutants"}},
	}
	return cases
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
	want := []string{"redline.reserve_core", "redline.park_core", "redline.development", "redline.monitoring",
		"redline.disaster_prevention", "redline.defense", "redline.residents", "redline.archaeology", "redline.forestry",
		"redline.tourism", "redline.linear_infrastructure", "redline.mining", "redline.restoration", "redline.national_major",
		"nature_reserve.core", "nature_reserve.buffer", "nature_reserve.protection_activities", "nature_reserve.residents",
		"nature_reserve.national_major", "nature_reserve.experimental_extractive", "nature_reserve.development", "nature_reserve.experimental",
		"nature_reserve.general_control", "national_park.core", "national_park.protection_activities", "national_park.residents",
		"national_park.national_major", "national_park.general_control_development", "national_park.general_control", "water_source.outfall",
		"water_source.level1", "water_source.level1_supply", "water_source.level2_discharging", "water_source.level2",
		"water_source.quasi_heavy", "water_source.quasi", "nsbd.source_area", "qinling.core", "qinling.core_allowed",
		"qinling.key_mining", "qinling.quarry_ban", "qinling.key_not_allowed", "qinling.key_allowed",
		"qinling.general_prohibited", "qinling.general_restricted", "ecu.priority", "ecu.key", "ecu.general",
		"ecu.industry_outside_park", "ecu.no_clauses", "two_high", "park.outside", "park.no_planning_eia",
		"park.industry_not_leading", "park.planning_eia_linkage"}
	article := regexp.MustCompile(`第[一二三四五六七八九十百零]+[条條]|^[0-9]+\.|（[一二三四五六七八九十]+）|^[一二三四五六七八九十]+、`)
	var ids []string
	verified := 0
	for _, r := range rs.Rules() {
		ids = append(ids, r.ID)
		if !strings.ContainsAny(r.Source, "《〔") {
			t.Errorf("%s: source %q names no document", r.ID, r.Source)
		}
		if r.Verified == nil {
			t.Errorf("%s: a built-in rule says whether it was verified", r.ID)
		}
		if !r.IsVerified() {
			continue
		}
		verified++
		// A verified rule quotes the text it was checked against, with its article or
		// item, and says where that text was read.
		if !article.MatchString(r.Quote) {
			t.Errorf("%s: verified, but its quote names no article or item: %q", r.ID, r.Quote)
		}
		if r.QuoteFrom == "" {
			t.Errorf("%s: verified, but quote_from is empty", r.ID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("rule ids\n%v\nwant\n%v", ids, want)
	}
	if verified == 0 || verified == len(ids) {
		t.Errorf("%d of %d rules verified", verified, len(ids))
	}
	for name, list := range map[string]string{"water_heavy_polluting": "C26", "park_required": "C3041", "strategic_minerals": "B0933"} {
		if !slices.Contains(rs.IndustryLists()[name], list) {
			t.Errorf("default industry list %s lacks %s: %v", name, list, rs.IndustryLists()[name])
		}
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
  - id: redline.monitoring
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
	r, _ := rs.Rule("redline.monitoring")
	if r.Text != "省级覆盖：仅科研监测。" || !r.IsVerified() {
		t.Errorf("override not applied: %+v", r)
	}
	ids := []string{}
	for _, r := range rs.Rules() {
		ids = append(ids, r.ID)
	}
	if slices.Index(ids, "redline.monitoring") != 3 || def.Rules()[3].ID != "redline.monitoring" {
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
		testenv.Missing(t, "the shared industry table is absent: "+err.Error())
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
		if _, err := ParseRuleFile("fuzz", b); err != nil {
			return
		}
		// The path a rule file takes at load: its rules, then its industry lists.
		rs, err := mergeRuleFile(nil, "fuzz", b)
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

// TestDemoExamplesVerdicts runs every example of the demo dataset with its own
// project facts and checks the verdict it was built to show (data/demo/examples).
func TestDemoExamplesVerdicts(t *testing.T) {
	ds, err := LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	checker, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		verdict   zones.Verdict
		governing string
	}{
		"factory_in_redline":                {zones.Prohibited, "redline.development"},
		"warehouse_general_ecu":             {zones.Admissible, ""},
		"bowtie_general_ecu":                {zones.Admissible, ""},
		"orchard_qinling_key":               {zones.Conditional, "qinling.key_allowed"},
		"hotel_qinling_key":                 {zones.Prohibited, "qinling.key_not_allowed"},
		"quarry_qinling_general":            {zones.Prohibited, "qinling.general_prohibited"},
		"intake_water_level1":               {zones.Conditional, "water_source.level1_supply"},
		"plant_han_quasi":                   {zones.Conditional, "water_source.quasi"},
		"outfall_water_level2":              {zones.Prohibited, "water_source.outfall"},
		"monitoring_point":                  {zones.NeedsInfo, "water_source.outfall"},
		"pipeline_crossing_river":           {zones.Conditional, "redline.linear_infrastructure"},
		"multi_site_tourism":                {zones.Conditional, "national_park.general_control"},
		"research_station_reserve":          {zones.Conditional, "nature_reserve.protection_activities"},
		"trail_reserve_core":                {zones.Prohibited, "nature_reserve.core"},
		"boardwalk_reserve_general_control": {zones.Conditional, "nature_reserve.general_control"},
	}
	entries, err := fs.Glob(demo.FS, "examples/*.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d examples, %d expected verdicts", len(entries), len(want))
	}
	for _, path := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "examples/"), ".geojson")
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expected verdict for %s", name)
			}
			b, err := demo.FS.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Project zones.Project `json:"project"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			var geom orb.Collection
			if fc, err := geojson.UnmarshalFeatureCollection(b); err == nil && len(fc.Features) > 0 {
				for _, f := range fc.Features {
					geom = append(geom, f.Geometry)
				}
			} else if f, err := geojson.UnmarshalFeature(b); err == nil {
				geom = append(geom, f.Geometry)
			} else {
				t.Fatalf("%s: neither a FeatureCollection nor a Feature", path)
			}
			var g orb.Geometry = geom
			if len(geom) == 1 {
				g = geom[0]
			}
			r, err := checker.Check(context.Background(), zones.Footprint{Geometry: g}, doc.Project, zones.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if r.Governing != nil {
				got = r.Governing.ID
			}
			if r.Verdict != w.verdict || got != w.governing {
				t.Errorf("verdict %s governed by %q, want %s by %q (missing %v)", r.Verdict, got, w.verdict, w.governing, r.Missing)
			}
			// The bow-tie is admitted repaired and disclosed, within the bounds
			// put on repairs (zones/footprint.go).
			if name == "bowtie_general_ecu" && (!r.Footprint.Repaired || len(r.Footprint.Warnings) == 0) {
				t.Errorf("the bow-tie is not repaired and disclosed: %+v", r.Footprint)
			}
		})
	}
}

// TestIndustrialParkLayer loads a dataset with an industrial_park layer through the
// manifest contract (park_fields) and checks footprints in, across and outside its
// parks: the share, the park named in the report, and the verdicts of 45号 and of the
// control unit's clause on industry outside parks.
func TestIndustrialParkLayer(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "dataset.yaml", `
name: parks
version: "1"
crs: EPSG:4490
boundary_tolerance_m: 5
layers:
  - id: ecu
    kind: ecu
    file: ecu.geojson
    id_field: BM
    class: general
  - id: parks
    kind: industrial_park
    title: 工业园区
    file: parks.geojson
    id_field: YQBM
    name_field: YQMC
    class_field: YQJB
    class_map: {"国家级": national, "省级": provincial, "其他": other}
    park_fields: {planning_eia: GHHPWH, industries: ZDCY}
`)
	writeFile(t, dir, "ecu.geojson", `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"BM":"ZH1","KJBJYS":"工业项目原则上进入工业集聚区。"},
  "geometry":{"type":"Polygon","coordinates":[[[107.9,33.9],[108.2,33.9],[108.2,34.2],[107.9,34.2],[107.9,33.9]]]}}]}`)
	writeFile(t, dir, "parks.geojson", `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"YQBM":"P1","YQMC":"示范化工园区","YQJB":"国家级","GHHPWH":"环审〔2019〕1号","ZDCY":"C26、C27"},
  "geometry":{"type":"Polygon","coordinates":[[[108.0,34.0],[108.02,34.0],[108.02,34.02],[108.0,34.02],[108.0,34.0]]]}},
 {"type":"Feature","properties":{"YQBM":"P2","YQMC":"示范食品产业园","YQJB":"其他","GHHPWH":"","ZDCY":"C13 C14"},
  "geometry":{"type":"Polygon","coordinates":[[[108.03,34.0],[108.05,34.0],[108.05,34.02],[108.03,34.02],[108.03,34.0]]]}}]}`)
	ds, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p1 := ds.Layer("parks").Zones[0]
	if p1.Class != "national" || p1.Park == nil || p1.Park.PlanningEIA != "环审〔2019〕1号" || !slices.Equal(p1.Park.Industries, []string{"C26", "C27"}) {
		t.Fatalf("park P1 %+v %+v", p1, p1.Park)
	}
	if p2 := ds.Layer("parks").Zones[1]; p2.Park.PlanningEIA != "" || !slices.Equal(p2.Park.Industries, []string{"C13", "C14"}) {
		t.Fatalf("park P2 %+v", p2.Park)
	}
	checker, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	chem := zones.Project{Type: "industrial", Industry: "C2614", HighEnergy: pb(false)}
	factory := zones.Project{Type: "industrial", Industry: "C1311", HighEnergy: pb(false)}
	cases := []struct {
		name      string
		g         orb.Geometry
		p         zones.Project
		want      zones.Verdict
		governing string
		inside    bool
		share     float64
		park      string
	}{
		{"chemical plant inside the chemical park", square(108.005, 34.005, 108.01, 34.01), chem, zones.Conditional, "park.planning_eia_linkage", true, 1, "示范化工园区"},
		{"chemical plant across the park boundary", square(108.015, 34.005, 108.025, 34.01), chem, zones.Prohibited, "park.outside", false, 0.5, "示范化工园区"},
		{"chemical plant in a park without planning EIA", square(108.035, 34.005, 108.04, 34.01), chem, zones.Prohibited, "park.no_planning_eia", true, 1, "示范食品产业园"},
		{"chemical plant outside parks", square(108.1, 34.1, 108.105, 34.105), chem, zones.Prohibited, "park.outside", false, 0, ""},
		{"factory outside parks", square(108.1, 34.1, 108.105, 34.105), factory, zones.Conditional, "ecu.industry_outside_park", false, 0, ""},
		{"factory in a park", orb.Point{108.01, 34.01}, factory, zones.Admissible, "", true, 1, "示范化工园区"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := checker.Check(context.Background(), zones.Footprint{Geometry: tc.g}, tc.p, zones.CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			gov := ""
			if r.Governing != nil {
				gov = r.Governing.ID
			}
			if r.Verdict != tc.want || gov != tc.governing {
				t.Errorf("verdict %s by %q, want %s by %q (notes %v)", r.Verdict, gov, tc.want, tc.governing, r.Notes)
			}
			if r.Park == nil || r.Park.Source != "layer" || r.Park.Inside == nil || *r.Park.Inside != tc.inside ||
				math.Abs(r.Park.Share-tc.share) > 1e-3 {
				t.Fatalf("park %+v", r.Park)
			}
			if tc.park != "" && (len(r.Park.Parks) == 0 || r.Park.Parks[0].ZoneName != tc.park) {
				t.Errorf("parks %+v, want %s first", r.Park.Parks, tc.park)
			}
		})
	}
}

func TestManifestParkFieldsErrors(t *testing.T) {
	layer := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ID":"P1","JB":"其他","ZDCY":"化工"},
  "geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34.1],[108,34]]]}}]}`
	cases := []struct{ name, manifest, want string }{
		{"leading industry not a code", `{"name":"t","layers":[{"id":"p","kind":"industrial_park","file":"p.geojson","id_field":"ID",
		  "class":"other","park_fields":{"industries":"ZDCY"}}]}`, "ZDCY"},
		{"park fields on an ECU layer", `{"name":"t","layers":[{"id":"p","kind":"ecu","file":"p.geojson","id_field":"ID",
		  "class":"general","park_fields":{"industries":"ZDCY"}}]}`, "industrial_park layers only"},
		{"unknown park field", `{"name":"t","layers":[{"id":"p","kind":"industrial_park","file":"p.geojson","id_field":"ID",
		  "class":"other","park_fields":{"leader":"X"}}]}`, "leader"},
		{"bad park class", `{"name":"t","layers":[{"id":"p","kind":"industrial_park","file":"p.geojson","id_field":"ID",
		  "class":"municipal"}]}`, "municipal"},
		{"negative boundary tolerance", `{"name":"t","boundary_tolerance_m":-1,"layers":[{"id":"p","kind":"industrial_park","file":"p.geojson",
		  "id_field":"ID","class":"other"}]}`, "boundary_tolerance_m"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "dataset.yaml", tc.manifest)
			writeFile(t, dir, "p.geojson", layer)
			_, err := LoadDir(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	m, err := ParseManifest([]byte(`{"name":"t","boundary_tolerance_m":7.5,"layers":[{"id":"p","kind":"industrial_park","file":"p.geojson","class":"other"}]}`))
	if err != nil || m.BoundaryToleranceM == nil || *m.BoundaryToleranceM != 7.5 {
		t.Errorf("boundary_tolerance_m: %v %v", m, err)
	}
}
