package zones

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
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
			f := newFacts(tc.p, nil, &Dataset{IndustryLists: tc.lists})
			got := c.eval(evalCtx{f: f, r: rep, idx: 0})
			if got.v != tc.want || !slices.Equal(got.missing, tc.missing) {
				t.Errorf("got %d %v, want %d %v", got.v, got.missing, tc.want, tc.missing)
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
