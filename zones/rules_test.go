package zones

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
)

func bp(b bool) *bool { return &b }

func sq(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestConditionEval(t *testing.T) {
	in := Intersection{Layer: "l", Kind: KindCustom, ZoneClass: "c",
		Attributes: map[string]any{"basin": " 汉江 ", "nsbd": true, "n": 3}}
	rep := &Report{Intersections: []Intersection{in}}
	p := Project{Type: "industrial", Industry: "C2511", DischargesPollutants: bp(true)}
	cases := []struct {
		name    string
		c       Condition
		p       Project
		lists   map[string][]string
		want    tri
		missing []string
	}{
		{name: "empty", want: yes},
		{name: "type in", c: Condition{Type: []string{"mining", "industrial"}}, p: p, want: yes},
		{name: "type not in", c: Condition{Type: []string{"mining"}}, p: p, want: no},
		{name: "type missing", c: Condition{Type: []string{"mining"}}, want: unknown, missing: []string{"type"}},
		{name: "type_not", c: Condition{TypeNot: []string{"water_supply"}}, p: p, want: yes},
		{name: "industry prefix", c: Condition{Industry: []string{"C25"}}, p: p, want: yes},
		{name: "industry section", c: Condition{Industry: []string{"C"}}, p: p, want: yes},
		{name: "industry other", c: Condition{Industry: []string{"C26", "B"}}, p: p, want: no},
		{name: "industry coarse", c: Condition{Industry: []string{"C2511"}}, p: Project{Industry: "C25"}, want: unknown, missing: []string{"industry"}},
		{name: "industry_not", c: Condition{IndustryNot: []string{"C26"}}, p: p, want: yes},
		{name: "industry missing", c: Condition{IndustryNot: []string{"C26"}}, want: unknown, missing: []string{"industry"}},
		{name: "industry invalid counts as missing", c: Condition{Industry: []string{"C26"}}, p: Project{Industry: "ZZ"}, want: unknown, missing: []string{"industry"}},
		{name: "list", c: Condition{IndustryList: "l"}, p: p, lists: map[string][]string{"l": {"251"}}, want: yes},
		{name: "list undefined is empty", c: Condition{IndustryList: "l"}, p: p, want: no},
		{name: "not list undefined", c: Condition{IndustryNotList: "l"}, p: p, want: yes},
		{name: "flag true", c: Condition{Flags: map[string]bool{"discharges_pollutants": true}}, p: p, want: yes},
		{name: "flag false", c: Condition{Flags: map[string]bool{"discharges_pollutants": false}}, p: p, want: no},
		{name: "flags missing", c: Condition{Flags: map[string]bool{"has_outfall": true, "national_major": false}}, p: p,
			want: unknown, missing: []string{"has_outfall", "national_major"}},
		{name: "high_energy derived", c: Condition{Flags: map[string]bool{"high_energy": true}}, p: p, want: yes},
		{name: "unless flag absent", c: Condition{UnlessFlags: []string{"national_major"}}, p: p, want: yes},
		{name: "unless flag true", c: Condition{UnlessFlags: []string{"national_major"}}, p: Project{NationalMajor: bp(true)}, want: no},
		{name: "zone attr trimmed", c: Condition{ZoneAttr: map[string][]string{"basin": {"丹江", "汉江"}}}, want: yes},
		{name: "zone attr value trimmed", c: Condition{ZoneAttr: map[string][]string{"basin": {" 汉江\t"}}}, want: yes},
		{name: "zone attrs: every one must match", c: Condition{ZoneAttr: map[string][]string{"nsbd": {"true"}, "basin": {"丹江"}, "n": {"3"}}}, want: no},
		{name: "zone attr bool", c: Condition{ZoneAttr: map[string][]string{"nsbd": {"TRUE"}}}, want: yes},
		{name: "zone attr number", c: Condition{ZoneAttr: map[string][]string{"n": {"3"}}}, want: yes},
		{name: "zone attr absent", c: Condition{ZoneAttr: map[string][]string{"river": {"汉江"}}}, want: no},
		{name: "clauses absent", c: Condition{Clauses: "absent"}, want: yes},
		{name: "clauses present", c: Condition{Clauses: "present"}, want: no},
		{name: "and: false wins over unknown", c: Condition{Type: []string{"mining"}, Flags: map[string]bool{"has_outfall": true}}, p: p, want: no},
		{name: "any: one yes", c: Condition{Any: []Condition{{Type: []string{"mining"}}, {Industry: []string{"C25"}}}}, p: p, want: yes},
		{name: "any: all no", c: Condition{Any: []Condition{{Type: []string{"mining"}}, {Industry: []string{"B"}}}}, p: p, want: no},
		{name: "any: no and unknown", c: Condition{Any: []Condition{{Type: []string{"mining"}}, {Industry: []string{"B"}}}},
			p: Project{Type: "tourism"}, want: unknown, missing: []string{"industry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := validateCondition(tc.c, "when")
			if err != nil {
				t.Fatal(err)
			}
			if !c.compiled() || len(c.flagTests) != len(tc.c.Flags) || len(c.attrTests) != len(tc.c.ZoneAttr) {
				t.Fatalf("validated condition not compiled: %d flag tests, %d attribute tests", len(c.flagTests), len(c.attrTests))
			}
			f := newFacts(tc.p, nil, &Dataset{IndustryLists: tc.lists})
			got := c.eval(evalCtx{f: f, r: rep, idx: 0})
			if got.v != tc.want || !slices.Equal(got.missing.names(), tc.missing) {
				t.Errorf("got %d %v, want %d %v", got.v, got.missing.names(), tc.want, tc.missing)
			}
			// A condition never validated (not compiled) reads the same.
			if len(tc.c.Industry)+len(tc.c.IndustryNot) == 0 {
				raw := tc.c
				if got := raw.eval(evalCtx{f: f, r: rep, idx: 0}); got.v != tc.want || !slices.Equal(got.missing.names(), tc.missing) {
					t.Errorf("not compiled: got %d %v, want %d %v", got.v, got.missing.names(), tc.want, tc.missing)
				}
			}
		})
	}
}

func TestOverlapsShare(t *testing.T) {
	a := sq(0, 0, 2, 2)
	withHole := orb.Polygon{sq(0, 0, 4, 4)[0], orb.Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}
	cases := []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		{"crossing squares", a, sq(1, 1, 3, 3), true},
		{"identical", a, sq(0, 0, 2, 2), true},
		{"inside", a, sq(0.5, 0.5, 1, 1), true},
		{"contains", sq(0.5, 0.5, 1, 1), a, true},
		{"sharing an edge only", a, sq(2, 0, 4, 2), false},
		{"touching at a corner", a, sq(2, 2, 3, 3), false},
		{"apart", a, sq(5, 5, 6, 6), false},
		{"cross shape (no vertex inside)", sq(0, 1, 3, 2), sq(1, 0, 2, 3), true},
		{"in the hole", withHole, sq(1.5, 1.5, 2.5, 2.5), false},
		{"over the hole's edge", withHole, sq(0.5, 0.5, 1.5, 1.5), true},
		{"multipolygon", orb.MultiPolygon{sq(10, 10, 11, 11), a}, sq(1, 1, 3, 3), true},
		{"collinear lines overlap", orb.LineString{{0, 0}, {2, 0}}, orb.LineString{{1, 0}, {3, 0}}, true},
		{"lines cross at a point", orb.LineString{{0, 0}, {2, 2}}, orb.LineString{{0, 2}, {2, 0}}, false},
		{"line through polygon", orb.LineString{{-1, 1}, {3, 1}}, a, true},
		{"line along polygon edge", orb.LineString{{0, 0}, {2, 0}}, a, false},
		{"point in polygon", orb.Point{1, 1}, a, true},
		{"point outside", orb.Point{5, 1}, a, false},
		{"collection", orb.Collection{orb.Point{9, 9}, sq(1, 1, 3, 3)}, a, true},
	}
	for _, tc := range cases {
		if got := overlapsShare(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if got := overlapsShare(tc.b, tc.a); got != tc.want {
			t.Errorf("%s (swapped): %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testRules(t *testing.T) *RuleSet {
	t.Helper()
	rs, err := NewRuleSet([]Rule{
		{ID: "w.l1", Kind: KindWaterSource, Classes: []string{"level1"}, Verdict: Prohibited, Text: "一级", Source: "s"},
		{ID: "w.l2", Kind: KindWaterSource, Classes: []string{"level2"}, When: Condition{Flags: map[string]bool{"discharges_pollutants": false}},
			Verdict: Conditional, Text: "二级", Source: "s", Verified: bp(false)},
		{ID: "c.x", Kind: KindCustom, Layers: []string{"x"}, Verdict: Conditional, Text: "x", Source: "s"},
		{ID: "all", Kind: KindAny, When: Condition{Type: []string{"mining"}}, Verdict: Conditional, Text: "采矿", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestEvaluate(t *testing.T) {
	rs := testRules(t)
	r := &Report{Intersections: []Intersection{
		{Layer: "y", Kind: KindCustom, ZoneID: "y1", ZoneClass: "a", OverlapAreaM2: 50},
		{Layer: "x", Kind: KindCustom, ZoneID: "x1", ZoneClass: "a", OverlapAreaM2: 10},
		{Layer: "w", Kind: KindWaterSource, ZoneID: "w2", ZoneClass: "level2", OverlapAreaM2: 100},
		{Layer: "w", Kind: KindWaterSource, ZoneID: "w1", ZoneClass: "level1", OverlapAreaM2: 1},
		{Layer: "z", Kind: KindCustom, ZoneID: "z1", ZoneClass: "a", OverlapLengthM: 7},
		{Layer: "z", Kind: KindCustom, ZoneID: "z0", ZoneClass: "a", OverlapLengthM: 9},
	}}
	Evaluate(r, Project{Type: "tourism"}, rs, nil)
	var order []string
	for _, in := range r.Intersections {
		order = append(order, in.ZoneID+":"+string(in.Verdict))
	}
	want := []string{"w1:prohibited", "w2:needs_info", "x1:conditional", "y1:admissible", "z0:admissible", "z1:admissible"}
	if !slices.Equal(order, want) {
		t.Errorf("order %v\nwant  %v", order, want)
	}
	if r.Verdict != Prohibited || r.Governing == nil || r.Governing.ID != "w.l1" || r.Governing.ZoneID != "w1" || r.Governing.Layer != "w" {
		t.Errorf("verdict %s governing %+v", r.Verdict, r.Governing)
	}
	w2 := r.Intersections[1]
	if len(w2.Rules) != 1 || !slices.Equal(w2.Rules[0].Missing, []string{"discharges_pollutants"}) ||
		w2.Rules[0].Verified == nil || *w2.Rules[0].Verified {
		t.Errorf("w2 rules %+v", w2.Rules)
	}
	if r.Intersections[3].Rules == nil || len(r.Intersections[3].Rules) != 0 {
		t.Errorf("admissible zone rules %#v, want empty non-nil", r.Intersections[3].Rules)
	}
	if r.Project == nil || r.Project.Type != "tourism" {
		t.Errorf("project not recorded")
	}
}

func TestEvaluateGoverningLargestOfKind(t *testing.T) {
	rs := testRules(t)
	r := &Report{Intersections: []Intersection{
		{Layer: "w", Kind: KindWaterSource, ZoneID: "small", ZoneClass: "level1", OverlapAreaM2: 5},
		{Layer: "w", Kind: KindWaterSource, ZoneID: "big", ZoneClass: "level1", OverlapAreaM2: 500},
		{Layer: "x", Kind: KindCustom, ZoneID: "c", ZoneClass: "a", OverlapAreaM2: 5000},
	}}
	Evaluate(r, Project{Type: "tourism"}, rs, nil)
	if r.Governing == nil || r.Governing.ZoneID != "big" || r.Intersections[0].ZoneID != "big" {
		t.Errorf("governing %+v, first %s", r.Governing, r.Intersections[0].ZoneID)
	}
}

func TestEvaluateNoIntersections(t *testing.T) {
	rs := testRules(t)
	r := &Report{}
	Evaluate(r, Project{Type: "mining"}, rs, nil)
	if r.Verdict != Conditional || r.Governing == nil || r.Governing.ID != "all" || r.Governing.Layer != "" {
		t.Errorf("verdict %s governing %+v", r.Verdict, r.Governing)
	}
	r = &Report{}
	Evaluate(r, Project{Type: "tourism"}, rs, nil)
	if r.Verdict != Admissible || r.Governing != nil {
		t.Errorf("verdict %s governing %+v", r.Verdict, r.Governing)
	}
}

func TestEvaluateWithoutRules(t *testing.T) {
	r := &Report{Intersections: []Intersection{{Layer: "w", Kind: KindWaterSource, ZoneClass: "level1"}}}
	Evaluate(r, Project{}, nil, nil)
	if r.Verdict != NeedsInfo || r.Intersections[0].Verdict != NeedsInfo || len(r.Notes) == 0 {
		t.Errorf("no rule set: %s %v", r.Verdict, r.Notes)
	}
}

func TestRuleSetMerge(t *testing.T) {
	rs := testRules(t)
	m, err := rs.Merge([]Rule{
		{ID: "w.l1", Kind: KindWaterSource, Classes: []string{"level1"}, Verdict: Conditional, Text: "改", Source: "s2"},
		{ID: "c.x", Disabled: true},
		{ID: "new", Kind: KindCustom, Verdict: NeedsInfo, Text: "n", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range m.Rules() {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"w.l1", "w.l2", "all", "new"}) {
		t.Errorf("ids %v", ids)
	}
	if r, _ := m.Rule("w.l1"); r.Verdict != Conditional {
		t.Errorf("not replaced")
	}
	if r, _ := rs.Rule("w.l1"); r.Verdict != Prohibited {
		t.Errorf("merge changed the original set")
	}
	bad := []Rule{
		{ID: "a", Kind: KindAny, Classes: []string{"x"}, Verdict: Prohibited, Text: "t", Source: "s"},
		{ID: "a", Kind: KindRedline, Verdict: "maybe", Text: "t", Source: "s"},
		{ID: "a", Kind: KindRedline, Verdict: Prohibited, Source: "s"},
		{ID: "a", Kind: KindRedline, Verdict: Prohibited, Text: "t", Source: "s", When: Condition{Clauses: "some"}},
		{ID: "a", Kind: KindRedline, Verdict: Prohibited, Text: "t", Source: "s",
			When: Condition{Any: []Condition{{UnlessFlags: []string{"rich"}}}}},
		{ID: "a", Kind: KindRedline, Verdict: Prohibited, Text: "t", Source: "s",
			When: Condition{AlsoIntersects: &ZoneMatch{Kind: KindNatureReserve, Classes: []string{"level1"}}}},
	}
	for i, r := range bad {
		if _, err := NewRuleSet([]Rule{r}); !errors.Is(err, ErrInvalidRule) {
			t.Errorf("bad rule %d: %v", i, err)
		}
	}
}

func TestConditionString(t *testing.T) {
	c := Condition{Type: []string{"mining"}, Flags: map[string]bool{"has_outfall": true, "discharges_pollutants": false},
		UnlessFlags: []string{"national_major"}, AlsoIntersects: &ZoneMatch{Kind: KindNatureReserve, Classes: []string{"core"}},
		Any: []Condition{{IndustryList: "l"}, {ZoneAttr: map[string][]string{"basin": {"汉江"}}}}}
	want := "type in [mining] and discharges_pollutants=false and has_outfall=true and unless [national_major] and " +
		"also intersects nature_reserve core and (industry in list l or zone.basin in [汉江])"
	if got := c.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Condition{}).String(); got != "always" {
		t.Errorf("empty: %s", got)
	}
	// A flag's name asks (是否…); the exception names it as a noun.
	unless := Condition{UnlessFlags: []string{"national_major", "has_outfall"}}
	if got, want := unless.Describe(), "并非国家重大项目、设置排污口（未申报的视为否）"; got != want {
		t.Errorf("Describe: got %s, want %s", got, want)
	}
}

func ExampleEvaluate() {
	rs, _ := NewRuleSet([]Rule{{
		ID: "water_source.level2_discharging", Kind: KindWaterSource, Classes: []string{"level2"},
		When:    Condition{Flags: map[string]bool{"discharges_pollutants": true}},
		Verdict: Prohibited, Text: "禁止在饮用水水源二级保护区内新建、改建、扩建排放污染物的建设项目。",
		Source: "《中华人民共和国水污染防治法》第六十六条",
	}})
	r := &Report{Intersections: []Intersection{
		{Layer: "water", Kind: KindWaterSource, ZoneID: "SY-02", ZoneClass: "level2", OverlapAreaM2: 1200},
	}}
	Evaluate(r, Project{Type: "industrial"}, rs, nil)
	fmt.Println(r.Verdict, r.Governing.ID, r.Governing.Missing)

	yes := true
	Evaluate(r, Project{Type: "industrial", DischargesPollutants: &yes}, rs, nil)
	fmt.Println(r.Verdict, r.Governing.ID, r.Governing.ZoneID)
	// Output:
	// needs_info water_source.level2_discharging [discharges_pollutants]
	// prohibited water_source.level2_discharging SY-02
}

func sp(s string) *string { return &s }

// TestConditionEvalFacts covers the keys of issue 11, each on both sides, and the
// short-circuit: a false key decides a conjunction without asking for the facts the
// other keys read.
func TestConditionEvalFacts(t *testing.T) {
	rs, err := NewRuleSet([]Rule{
		{ID: "ex.monitor", Kind: KindRedline, When: Condition{Type: []string{"research_monitoring"}}, Verdict: Conditional, Text: "t", Source: "s"},
		{ID: "ex.residents", Kind: KindRedline, When: Condition{Type: []string{"agriculture"}, Flags: map[string]bool{"original_residents": true}},
			Verdict: Conditional, Text: "t", Source: "s"},
		{ID: "ex.other_kind", Kind: KindWaterSource, When: Condition{Type: []string{"industrial"}}, Verdict: Conditional, Text: "t", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	parkZone := func(share float64, park *Park) Intersection {
		return Intersection{Layer: "parks", Kind: KindIndustrialPark, ZoneID: "p", ZoneClass: "national", FootprintShare: share,
			Zone: &Zone{ID: "p", Park: park}}
	}
	redline := Intersection{Layer: "redline", Kind: KindRedline, ZoneClass: "redline"}
	chem := Project{Type: "industrial", Industry: "C2614"}
	cases := []struct {
		name    string
		c       Condition
		p       Project
		parks   []Intersection // intersections of kind industrial_park; a park layer when not nil
		want    tri
		missing []string
	}{
		{name: "construction absent is new", c: Condition{Construction: []string{"new"}}, want: yes},
		{name: "construction absent is not existing", c: Condition{Construction: []string{"existing"}}, want: no},
		{name: "construction existing", c: Condition{Construction: []string{"existing", "reconstruction"}}, p: Project{Construction: "existing"}, want: yes},
		{name: "construction expansion is not new", c: Condition{Construction: []string{"new"}}, p: Project{Construction: "expansion"}, want: no},
		{name: "original residents true", c: Condition{Flags: map[string]bool{"original_residents": true}}, p: Project{OriginalResidents: bp(true)}, want: yes},
		{name: "original residents false", c: Condition{Flags: map[string]bool{"original_residents": true}}, p: Project{OriginalResidents: bp(false)}, want: no},
		{name: "original residents missing", c: Condition{Flags: map[string]bool{"original_residents": true}}, want: unknown, missing: []string{"original_residents"}},
		{name: "approval present", c: Condition{Approval: "present"}, p: Project{ApprovalRefs: []string{"国函〔2025〕1号"}}, want: yes},
		{name: "approval missing for a national major project", c: Condition{Approval: "present"}, p: Project{NationalMajor: bp(true)},
			want: unknown, missing: []string{"approval_refs"}},
		{name: "approval not asked of other projects", c: Condition{Approval: "present"}, p: Project{NationalMajor: bp(false)}, want: no},
		{name: "approval not asked when national major is not said", c: Condition{Approval: "present"}, want: no},
		{name: "approval absent", c: Condition{Approval: "absent"}, want: yes},
		{name: "approval absent, refs given", c: Condition{Approval: "absent"}, p: Project{ApprovalRefs: []string{"x"}}, want: no},
		{name: "national major and approval: nothing asked but national major", c: Condition{Flags: map[string]bool{"national_major": true}, Approval: "present"},
			want: no},

		// declared park facts (no park layer)
		{name: "park outside, declared", c: Condition{Park: "outside"}, p: Project{InIndustrialPark: bp(false)}, want: yes},
		{name: "park outside, declared inside", c: Condition{Park: "outside"}, p: Project{InIndustrialPark: bp(true)}, want: no},
		{name: "park outside, not declared", c: Condition{Park: "outside"}, want: unknown, missing: []string{"in_industrial_park"}},
		{name: "park no planning EIA, declared none", c: Condition{Park: "no_planning_eia"}, p: Project{InIndustrialPark: bp(true), ParkPlanningEIA: sp("")}, want: yes},
		{name: "park no planning EIA, declared one", c: Condition{Park: "no_planning_eia"}, p: Project{InIndustrialPark: bp(true), ParkPlanningEIA: sp("环审〔2019〕1号")}, want: no},
		{name: "park planning EIA not said", c: Condition{Park: "no_planning_eia"}, p: Project{InIndustrialPark: bp(true)},
			want: unknown, missing: []string{"park_planning_eia"}},
		{name: "park planning EIA asked only once inside is known", c: Condition{Park: "no_planning_eia"}, want: unknown, missing: []string{"in_industrial_park"}},
		{name: "park planning EIA outside a park", c: Condition{Park: "planning_eia"}, p: Project{InIndustrialPark: bp(false)}, want: no},
		{name: "leading industries cannot be declared", c: Condition{Park: "industry_not_leading"}, p: Project{Industry: "C2614", InIndustrialPark: bp(true)}, want: no},

		// the park layer decides
		{name: "park layer, none touched", c: Condition{Park: "outside"}, p: Project{InIndustrialPark: bp(true)}, parks: []Intersection{}, want: yes},
		{name: "park layer, covered", c: Condition{Park: "inside"}, parks: []Intersection{parkZone(1, &Park{})}, want: yes},
		{name: "park layer, 99.9% covered is inside", c: Condition{Park: "inside"}, parks: []Intersection{parkZone(0.999, &Park{})}, want: yes},
		{name: "park layer, 99.8% covered is outside", c: Condition{Park: "outside"}, parks: []Intersection{parkZone(0.998, &Park{})}, want: yes},
		{name: "park layer, no planning EIA", c: Condition{Park: "no_planning_eia"}, parks: []Intersection{parkZone(1, &Park{})}, want: yes},
		{name: "park layer, planning EIA", c: Condition{Park: "planning_eia"}, parks: []Intersection{parkZone(1, &Park{PlanningEIA: "环审〔2019〕1号"})}, want: yes},
		{name: "park layer, industry leading", c: Condition{Park: "industry_leading"}, p: chem,
			parks: []Intersection{parkZone(1, &Park{Industries: []string{"C26"}})}, want: yes},
		{name: "park layer, industry not leading", c: Condition{Park: "industry_not_leading"}, p: chem,
			parks: []Intersection{parkZone(1, &Park{Industries: []string{"C13"}})}, want: yes},
		{name: "park layer, industry not leading, leading", c: Condition{Park: "industry_not_leading"}, p: chem,
			parks: []Intersection{parkZone(1, &Park{Industries: []string{"C261"}})}, want: no},
		{name: "park layer, industry missing", c: Condition{Park: "industry_not_leading"},
			parks: []Intersection{parkZone(1, &Park{Industries: []string{"C13"}})}, want: unknown, missing: []string{"industry"}},
		{name: "park layer, no leading industries listed", c: Condition{Park: "industry_not_leading"}, p: chem,
			parks: []Intersection{parkZone(1, &Park{})}, want: no},

		// exception lists
		{name: "unless rules: an exception holds", c: Condition{UnlessRules: []string{"ex.monitor", "ex.residents"}}, p: Project{Type: "research_monitoring"}, want: no},
		{name: "unless rules: none holds", c: Condition{UnlessRules: []string{"ex.monitor", "ex.residents"}}, p: Project{Type: "industrial"}, want: yes},
		{name: "unless rules: undecided", c: Condition{UnlessRules: []string{"ex.monitor", "ex.residents"}}, p: Project{Type: "agriculture"},
			want: unknown, missing: []string{"original_residents"}},
		{name: "unless rules: a rule of another kind is no exception here", c: Condition{UnlessRules: []string{"ex.other_kind"}}, p: Project{Type: "industrial"}, want: yes},
		{name: "unless rules: a rule not in force is no exception", c: Condition{UnlessRules: []string{"ex.gone"}}, p: Project{Type: "industrial"}, want: yes},

		// short-circuit: the false key decides, nothing is asked
		{name: "false type key hides missing flags", c: Condition{Type: []string{"industrial"}, Flags: map[string]bool{"high_energy": true, "has_outfall": true}},
			p: Project{Type: "research_monitoring"}, want: no},
		{name: "false construction key hides a missing industry", c: Condition{Construction: []string{"new"}, Industry: []string{"C26"}},
			p: Project{Construction: "existing"}, want: no},
		{name: "true alternative decides any", c: Condition{Any: []Condition{{Flags: map[string]bool{"has_outfall": true}}, {Type: []string{"mining"}}}},
			p: Project{Type: "mining"}, want: yes},
		{name: "empty list needs no industry", c: Condition{IndustryList: "nothing"}, want: no},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := validateCondition(tc.c, "when")
			if err != nil {
				t.Fatal(err)
			}
			rep := &Report{Intersections: append([]Intersection{redline}, tc.parks...)}
			ds := &Dataset{}
			if tc.parks != nil {
				ds.Layers = []*Layer{{ID: "parks", Kind: KindIndustrialPark}}
			}
			f := newFacts(tc.p, rs, ds)
			f.park = newParkFacts(rep, tc.p, ds)
			got := c.eval(evalCtx{f: f, r: rep, rs: rs, idx: 0, layer: "redline", kind: KindRedline, class: "redline"})
			if got.v != tc.want || !slices.Equal(got.missing.names(), tc.missing) {
				t.Errorf("got %d %v, want %d %v", got.v, got.missing.names(), tc.want, tc.missing)
			}
			if got.v == no && len(got.missing.names()) > 0 {
				t.Errorf("a false condition asks for %v", got.missing.names())
			}
		})
	}
}

func TestCoveredShare(t *testing.T) {
	a, b, c := sq(0, 0, 2, 2), sq(1, 1, 3, 3), sq(5, 5, 6, 6)
	in := func(share float64, g orb.Geometry) *Intersection {
		return &Intersection{FootprintShare: share, Overlap: g}
	}
	cases := []struct {
		name string
		ins  []*Intersection
		want float64
	}{
		{"none", nil, 0},
		{"one", []*Intersection{in(0.7, a)}, 0.7},
		{"disjoint parks add up", []*Intersection{in(0.6, a), in(0.4, c)}, 1},
		{"overlapping parks: the larger only", []*Intersection{in(0.6, a), in(0.5, b)}, 0.6},
		{"without geometries: the larger only", []*Intersection{in(0.6, nil), in(0.4, nil)}, 0.6},
	}
	for _, tc := range cases {
		if got := coveredShare(tc.ins); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseIndustryList(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"C26, 2710，C39、13;14；A01 N78\tC26", []string{"C26", "C2710", "C39", "C13", "C14", "A01", "N78"}, false},
		{"化工", nil, true},
		{"C26 Z99", nil, true},
	}
	for _, tc := range cases {
		got, err := ParseIndustryList(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v %v, want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestValidateProjectFacts(t *testing.T) {
	cases := []struct {
		p     Project
		field string
	}{
		{Project{Type: "ecological_restoration", Construction: "existing", ApprovalRefs: []string{"国函〔2025〕1号"}}, ""},
		{Project{Type: "defense"}, ""},
		{Project{Type: "factory"}, "type"},
		{Project{Construction: "rebuild"}, "construction"},
		{Project{ApprovalRefs: []string{"ok", "  "}}, "approval_refs"},
	}
	for _, tc := range cases {
		err := ValidateProject(tc.p)
		var e *errcode.Error
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%+v: %v", tc.p, err)
		case tc.field != "" && (!errors.As(err, &e) || e.Code != errcode.InvalidProject || e.Details["field"] != tc.field):
			t.Errorf("%+v: %v, want invalid_project on %s", tc.p, err, tc.field)
		}
	}
	if !(Project{}).IsZero() || (Project{ApprovalRefs: []string{"x"}}).IsZero() || (Project{ParkPlanningEIA: sp("")}).IsZero() {
		t.Errorf("IsZero")
	}
}

func TestRuleSetValidatesIssue11Keys(t *testing.T) {
	ok := func(id string, when Condition) Rule {
		return Rule{ID: id, Kind: KindRedline, When: when, Verdict: Prohibited, Text: "t", Source: "s"}
	}
	bad := []Rule{
		{ID: "a", Kind: KindProject, Classes: []string{"x"}, Verdict: Prohibited, Text: "t", Source: "s"},
		{ID: "a", Kind: KindProject, Layers: []string{"x"}, Verdict: Prohibited, Text: "t", Source: "s"},
		{ID: "a", Kind: KindProject, When: Condition{Any: []Condition{{ZoneAttr: map[string][]string{"a": {"b"}}}}}, Verdict: Prohibited, Text: "t", Source: "s"},
		{ID: "a", Kind: KindProject, When: Condition{Clauses: "present"}, Verdict: Prohibited, Text: "t", Source: "s"},
		ok("a", Condition{Construction: []string{"rebuilt"}}),
		ok("a", Condition{Approval: "maybe"}),
		ok("a", Condition{Park: "near"}),
		ok("a", Condition{UnlessRules: []string{"Not An Id"}}),
		ok("a", Condition{Flags: map[string]bool{"in_industrial_park": true}}),
		{ID: "a", Kind: KindRedline, Verdict: Prohibited, Text: "t", Source: "s", Verified: bp(true)},
	}
	for i, r := range bad {
		if _, err := NewRuleSet([]Rule{r}); !errors.Is(err, ErrInvalidRule) {
			t.Errorf("bad rule %d: %v", i, err)
		}
	}
	// Exceptions must not refer to each other in a cycle, also through a merge.
	if _, err := NewRuleSet([]Rule{ok("a", Condition{UnlessRules: []string{"b"}}), ok("b", Condition{UnlessRules: []string{"a"}})}); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("cycle: %v", err)
	}
	rs, err := NewRuleSet([]Rule{ok("a", Condition{UnlessRules: []string{"b"}}), ok("b", Condition{Type: []string{"mining"}})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Merge([]Rule{ok("b", Condition{UnlessRules: []string{"a"}})}); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("cycle through a merge: %v", err)
	}
	if _, err := rs.Merge([]Rule{{ID: "b", Disabled: true}}); err != nil {
		t.Errorf("disabling a named exception: %v", err)
	}
	good := Rule{ID: "q", Kind: KindProject, When: Condition{Park: "outside", Construction: []string{"new"}}, Verdict: Prohibited,
		Text: "t", Source: "s", Quote: "第一条 ……", Verified: bp(true)}
	if _, err := NewRuleSet([]Rule{good}); err != nil {
		t.Errorf("project rule: %v", err)
	}
	if _, err := rs.WithIndustryLists(map[string][]string{"l": {"26", "Z9"}}); !errors.Is(err, ErrInvalidRule) {
		t.Errorf("bad industry list: %v", err)
	}
	withLists, err := rs.WithIndustryLists(map[string][]string{"l": {"26", "B1011"}})
	if err != nil || !slices.Equal(withLists.IndustryLists()["l"], []string{"C26", "B1011"}) || len(rs.IndustryLists()) != 0 {
		t.Errorf("lists %v %v", withLists.IndustryLists(), err)
	}
}

// TestEvaluateProjectRules: project rules count once for the report, govern when
// nothing on a zone is as severe, and their missing facts join the report's list.
func TestEvaluateProjectRules(t *testing.T) {
	rs, err := NewRuleSet([]Rule{
		{ID: "park.outside", Kind: KindProject, When: Condition{Industry: []string{"C26"}, Park: "outside"}, Verdict: Prohibited, Text: "入园", Source: "s"},
		{ID: "w.l2", Kind: KindWaterSource, Classes: []string{"level2"}, When: Condition{Flags: map[string]bool{"discharges_pollutants": true}},
			Verdict: Prohibited, Text: "二级", Source: "s"},
		{ID: "w.l2ok", Kind: KindWaterSource, Classes: []string{"level2"}, When: Condition{Flags: map[string]bool{"discharges_pollutants": false}},
			Verdict: Conditional, Text: "二级", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	water := func() []Intersection {
		return []Intersection{
			{Layer: "w", Kind: KindWaterSource, ZoneID: "a", ZoneClass: "level2", OverlapAreaM2: 10},
			{Layer: "w", Kind: KindWaterSource, ZoneID: "b", ZoneClass: "level2", OverlapAreaM2: 5},
		}
	}
	// Outside the park (declared) with the discharge unknown: the project rule governs.
	r := &Report{Intersections: water()}
	Evaluate(r, Project{Industry: "C2614", InIndustrialPark: bp(false)}, rs, nil)
	if r.Verdict != Prohibited || r.Governing == nil || r.Governing.ID != "park.outside" || r.Governing.Layer != "" ||
		len(r.ProjectRules) != 1 || !slices.Equal(r.Missing, []string{"discharges_pollutants"}) {
		t.Errorf("verdict %s governing %+v project %+v missing %v", r.Verdict, r.Governing, r.ProjectRules, r.Missing)
	}
	if r.Park == nil || r.Park.Source != "declared" || r.Park.Inside == nil || *r.Park.Inside {
		t.Errorf("park %+v", r.Park)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "全项目规则 park.outside") }) {
		t.Errorf("notes %v", r.Notes)
	}
	// Nothing known about the park: one needs_info, the facts listed once.
	r = &Report{Intersections: water()}
	Evaluate(r, Project{Industry: "C2614"}, rs, nil)
	if r.Verdict != NeedsInfo || !slices.Equal(r.Missing, []string{"discharges_pollutants", "in_industrial_park"}) || r.Park != nil {
		t.Errorf("verdict %s missing %v park %+v", r.Verdict, r.Missing, r.Park)
	}
	// A zone that prohibits governs over a project rule that prohibits too.
	r = &Report{Intersections: water()}
	Evaluate(r, Project{Industry: "C2614", InIndustrialPark: bp(false), DischargesPollutants: bp(true)}, rs, nil)
	if r.Verdict != Prohibited || r.Governing.ID != "w.l2" || r.Governing.ZoneID != "a" || len(r.Missing) != 0 {
		t.Errorf("verdict %s governing %+v missing %v", r.Verdict, r.Governing, r.Missing)
	}
	// No zone touched: project rules still apply.
	r = &Report{}
	Evaluate(r, Project{Industry: "C2614", InIndustrialPark: bp(false)}, rs, nil)
	if r.Verdict != Prohibited || r.Governing == nil || r.Governing.ID != "park.outside" {
		t.Errorf("no zone: verdict %s governing %+v", r.Verdict, r.Governing)
	}
	// The park layer: share and names in the report.
	ds := &Dataset{Rules: rs, Layers: []*Layer{{ID: "parks", Kind: KindIndustrialPark}}}
	r = &Report{Intersections: []Intersection{{Layer: "parks", Kind: KindIndustrialPark, ZoneID: "P1", ZoneName: "示范化工园", ZoneClass: "provincial",
		FootprintShare: 0.25, OverlapAreaM2: 250, Zone: &Zone{ID: "P1", Park: &Park{PlanningEIA: "陕环函〔2020〕5号", Industries: []string{"C26"}}}}}}
	Evaluate(r, Project{Industry: "C2614"}, nil, ds)
	if r.Verdict != Prohibited || r.Park == nil || r.Park.Source != "layer" || *r.Park.Inside || r.Park.Share != 0.25 ||
		len(r.Park.Parks) != 1 || r.Park.Parks[0].ZoneName != "示范化工园" || r.Park.Parks[0].PlanningEIA != "陕环函〔2020〕5号" {
		t.Errorf("layer: verdict %s park %+v", r.Verdict, r.Park)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool {
		return strings.Contains(n, "示范化工园") && strings.Contains(n, "覆盖 25%")
	}) {
		t.Errorf("notes %v", r.Notes)
	}
}
