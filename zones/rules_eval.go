package zones

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// tri is a three-valued truth: a condition on a missing fact is unknown.
type tri int8

const (
	no tri = iota
	unknown
	yes
)

// result is a condition's value with the facts whose absence made it unknown.
type result struct {
	v       tri
	missing []string
}

func (a result) and(b result) result {
	switch {
	case a.v == no || b.v == no:
		return result{v: no}
	case a.v == unknown || b.v == unknown:
		return result{v: unknown, missing: union(a.missing, b.missing)}
	}
	return result{v: yes}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func boolResult(b bool) result {
	if b {
		return result{v: yes}
	}
	return result{v: no}
}

func missingFact(name string) result { return result{v: unknown, missing: []string{name}} }

// facts are the project facts rules read, prepared once per evaluation.
type facts struct {
	p        Project
	industry string // letter form, "" when absent or invalid
	// highEnergy is the 两高 status and how it was found.
	highEnergy    tri
	highEnergyHow string
	lists         map[string][]string // normalised industry lists of the dataset
	// what the evaluation consulted, for the report's notes
	usedHighEnergy bool
	usedLists      map[string]bool
	notes          []string
}

func newFacts(p Project, ds *Dataset) *facts {
	f := &facts{p: p, lists: map[string][]string{}, usedLists: map[string]bool{}}
	if p.Industry != "" {
		if c, err := NormalizeIndustry(p.Industry); err == nil {
			f.industry = c
		} else {
			f.notes = append(f.notes, fmt.Sprintf("行业代码 %q 无效，按未提供处理：%v", p.Industry, err))
		}
	}
	switch {
	case p.HighEnergy != nil:
		f.highEnergy = boolResult(*p.HighEnergy).v
		if *p.HighEnergy {
			f.highEnergyHow = "两高：是（项目申报 high_energy=true）"
		} else {
			f.highEnergyHow = "两高：否（项目申报 high_energy=false）"
		}
	case f.industry == "":
		f.highEnergy = unknown
		f.highEnergyHow = "两高：未知（未申报 high_energy，也无行业代码可推定）"
	default:
		v, what := twoHigh(f.industry)
		f.highEnergy = v
		switch v {
		case yes:
			f.highEnergyHow = fmt.Sprintf("两高：是（未申报 high_energy，按行业代码 %s 推定：%s，环环评〔2021〕45号所列行业）", f.industry, what)
		case no:
			f.highEnergyHow = fmt.Sprintf("两高：否（未申报 high_energy，按行业代码 %s 推定：不属于两高行业代码表）", f.industry)
		default:
			f.highEnergyHow = fmt.Sprintf("两高：未知（未申报 high_energy，行业代码 %s 过粗，其下部分小类属两高行业）", f.industry)
		}
	}
	if ds != nil {
		for _, name := range sortedKeys(ds.IndustryLists) {
			list := ds.IndustryLists[name]
			var norm []string
			for _, c := range list {
				if n, err := NormalizeIndustry(c); err == nil {
					norm = append(norm, n)
				} else {
					f.notes = append(f.notes, fmt.Sprintf("产业清单 %s 中的代码 %q 无效，已忽略", name, c))
				}
			}
			f.lists[name] = norm
		}
	}
	return f
}

func (f *facts) flag(name string) (bool, bool) {
	var p *bool
	switch name {
	case "discharges_pollutants":
		p = f.p.DischargesPollutants
	case "has_outfall":
		p = f.p.HasOutfall
	case "national_major":
		p = f.p.NationalMajor
	case "high_energy":
		f.usedHighEnergy = true
		if f.highEnergy == unknown {
			return false, false
		}
		return f.highEnergy == yes, true
	}
	if p == nil {
		return false, false
	}
	return *p, true
}

// industryIn says whether the project's industry starts with one of prefixes.
func (f *facts) industryIn(prefixes []string) result {
	if f.industry == "" {
		return missingFact("industry")
	}
	coarse := false
	for _, p := range prefixes {
		if strings.HasPrefix(f.industry, p) {
			return result{v: yes}
		}
		if strings.HasPrefix(p, f.industry) {
			coarse = true
		}
	}
	if coarse {
		return missingFact("industry")
	}
	return result{v: no}
}

func (f *facts) list(name string) []string {
	if _, ok := f.lists[name]; !ok && !f.usedLists[name] {
		f.notes = append(f.notes, fmt.Sprintf("数据集未提供产业清单 %s，按空清单处理", name))
	}
	f.usedLists[name] = true
	return f.lists[name]
}

func not(r result) result {
	switch r.v {
	case yes:
		return result{v: no}
	case no:
		return result{v: yes}
	}
	return r
}

// evalCtx is the zone a condition is evaluated for; in is nil for a project-wide
// evaluation with no intersection.
type evalCtx struct {
	f   *facts
	r   *Report
	idx int
}

func (x evalCtx) in() *Intersection {
	if x.idx < 0 {
		return nil
	}
	return &x.r.Intersections[x.idx]
}

func (c Condition) eval(x evalCtx) result {
	res := result{v: yes}
	p := x.f.p
	if len(c.Type) > 0 {
		if p.Type == "" {
			res = res.and(missingFact("type"))
		} else {
			res = res.and(boolResult(slices.Contains(c.Type, p.Type)))
		}
	}
	if len(c.TypeNot) > 0 {
		if p.Type == "" {
			res = res.and(missingFact("type"))
		} else {
			res = res.and(boolResult(!slices.Contains(c.TypeNot, p.Type)))
		}
	}
	if len(c.Industry) > 0 {
		res = res.and(x.f.industryIn(c.Industry))
	}
	if len(c.IndustryNot) > 0 {
		res = res.and(not(x.f.industryIn(c.IndustryNot)))
	}
	if c.IndustryList != "" {
		res = res.and(x.f.industryIn(x.f.list(c.IndustryList)))
	}
	if c.IndustryNotList != "" {
		res = res.and(not(x.f.industryIn(x.f.list(c.IndustryNotList))))
	}
	for _, name := range sortedKeys(c.Flags) {
		v, ok := x.f.flag(name)
		if !ok {
			res = res.and(missingFact(name))
		} else {
			res = res.and(boolResult(v == c.Flags[name]))
		}
	}
	for _, name := range c.UnlessFlags {
		if v, ok := x.f.flag(name); ok && v {
			res = res.and(result{v: no})
		}
	}
	in := x.in()
	for _, name := range sortedKeys(c.ZoneAttr) {
		res = res.and(boolResult(in != nil && attrMatches(in, name, c.ZoneAttr[name])))
	}
	if c.Clauses != "" {
		has := in != nil && hasClauses(in.Clauses)
		res = res.and(boolResult(has == (c.Clauses == "present")))
	}
	if m := c.AlsoIntersects; m != nil {
		res = res.and(boolResult(in != nil && x.alsoIntersects(*m)))
	}
	if len(c.Any) > 0 {
		anyRes := result{v: no}
		for _, sub := range c.Any {
			s := sub.eval(x)
			switch {
			case s.v == yes:
				anyRes = result{v: yes}
			case s.v == unknown && anyRes.v != yes:
				anyRes = result{v: unknown, missing: union(anyRes.missing, s.missing)}
			}
		}
		res = res.and(anyRes)
	}
	return res
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func hasClauses(c *Clauses) bool {
	return c != nil && (strings.TrimSpace(c.SpatialLayout) != "" || strings.TrimSpace(c.PollutantEmission) != "" ||
		strings.TrimSpace(c.EnvironmentalRisk) != "" || strings.TrimSpace(c.ResourceEfficiency) != "")
}

func attrMatches(in *Intersection, name string, values []string) bool {
	v, ok := in.Attributes[name]
	if !ok && in.Zone != nil {
		v, ok = in.Zone.Attributes[name]
	}
	if !ok || v == nil {
		return false
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	for _, want := range values {
		if strings.EqualFold(s, strings.TrimSpace(want)) {
			return true
		}
	}
	return false
}

// alsoIntersects reports whether another intersection of the report matching m
// shares area (or length) with this one inside the footprint. Where either overlap
// geometry is missing (a report built without geometries) both zones touching the
// footprint is taken as sharing: the conservative reading.
func (x evalCtx) alsoIntersects(m ZoneMatch) bool {
	this := x.in()
	for j := range x.r.Intersections {
		if j == x.idx {
			continue
		}
		o := &x.r.Intersections[j]
		if !m.matches(o.Kind, o.ZoneClass, o.Layer) {
			continue
		}
		if this.Overlap == nil || o.Overlap == nil || overlapsShare(this.Overlap, o.Overlap) {
			return true
		}
	}
	return false
}

// Evaluate sets each intersection's verdict and rules, and the report's verdict,
// governing rule and notes, for the project p under rules rs with dataset ds (which
// may be nil; it supplies the industry lists). rs nil means ds.Rules.
//
// Every rule that applies to an intersection's layer kind, class and layer is
// evaluated: one whose condition holds fires with its verdict; one whose condition
// cannot be decided for a missing project fact fires as needs_info naming the facts
// (unless its verdict is no more severe than what already certainly fired for the
// zone — admissible rules never yield needs_info). A zone's verdict is the most severe rule that
// fired; no rule firing makes it admissible — a custom layer without rules is
// reported for information. Where layers overlap each is evaluated on its own and
// the strictest governs: the report's verdict is the most severe zone verdict, and
// its governing rule is the first rule with that verdict on the zone of highest
// kindRank among the zones with that verdict (special laws before ECU lists). Project-wide rules (kind any) apply to every intersection,
// and to the project itself when there is none. ECU clauses are copied from the zone
// when the checker has not done so.
func Evaluate(r *Report, p Project, rs *RuleSet, ds *Dataset) {
	if rs == nil && ds != nil {
		rs = ds.Rules
	}
	f := newFacts(p, ds)
	if r.Project == nil {
		pc := p
		if f.industry != "" {
			pc.Industry = f.industry
		}
		r.Project = &pc
	}
	r.Verdict = Admissible
	r.Governing = nil
	if rs == nil {
		for i := range r.Intersections {
			in := &r.Intersections[i]
			in.Verdict, in.Rules = NeedsInfo, []RuleHit{}
		}
		if len(r.Intersections) > 0 {
			r.Verdict = NeedsInfo
		}
		r.Notes = append(r.Notes, "未加载准入规则，各相交区域均需人工判定")
		sortIntersections(r.Intersections)
		return
	}
	for i := range r.Intersections {
		in := &r.Intersections[i]
		if in.Clauses == nil && in.Zone != nil && in.Zone.Clauses != nil {
			c := *in.Zone.Clauses
			in.Clauses = &c
		}
		in.Rules = fire(rs, evalCtx{f: f, r: r, idx: i}, in.Layer, in.Kind, in.ZoneClass)
		in.Verdict = Admissible
		for _, h := range in.Rules {
			in.Verdict = MoreSevere(in.Verdict, h.Verdict)
		}
	}
	sortIntersections(r.Intersections)
	gov := -1
	for i := range r.Intersections {
		in := &r.Intersections[i]
		r.Verdict = MoreSevere(r.Verdict, in.Verdict)
		if in.Verdict == r.Verdict && len(in.Rules) > 0 &&
			(gov < 0 || r.Intersections[gov].Verdict != r.Verdict || kindRank(in.Kind) < kindRank(r.Intersections[gov].Kind)) {
			gov = i
		}
	}
	if gov >= 0 && r.Intersections[gov].Verdict == r.Verdict && r.Verdict != Admissible {
		in := &r.Intersections[gov]
		for _, h := range in.Rules {
			if h.Verdict == in.Verdict {
				g := h
				g.Layer, g.ZoneID = in.Layer, in.ZoneID
				r.Governing = &g
				break
			}
		}
	}
	if len(r.Intersections) == 0 {
		for _, h := range fire(rs, evalCtx{f: f, r: r, idx: -1}, "", KindAny, "") {
			r.Notes = append(r.Notes, fmt.Sprintf("全项目规则 %s（%s）：%s", h.ID, h.Verdict, h.Text))
			if h.Verdict.Severity() > r.Verdict.Severity() {
				g := h
				r.Verdict, r.Governing = h.Verdict, &g
			}
		}
	}
	if f.usedHighEnergy {
		r.Notes = append(r.Notes, f.highEnergyHow)
	}
	r.Notes = append(r.Notes, f.notes...)
}

// fire evaluates the rules of rs that apply to one zone (or, with KindAny, the
// project-wide rules only) and returns the hits, most severe first.
func fire(rs *RuleSet, x evalCtx, layer string, kind Kind, class string) []RuleHit {
	hits := []RuleHit{}
	certain := Admissible
	for _, rule := range rs.rules {
		if kind == KindAny {
			if rule.Kind != KindAny {
				continue
			}
		} else if !rule.Applies(layer, kind, class) {
			continue
		}
		res := rule.When.eval(x)
		verified := rule.IsVerified()
		h := RuleHit{ID: rule.ID, Verdict: rule.Verdict, Text: rule.Text, Source: rule.Source, Verified: &verified}
		switch {
		case res.v == yes:
			certain = MoreSevere(certain, rule.Verdict)
		case res.v == unknown && rule.Verdict != Admissible:
			h.Verdict, h.Missing = NeedsInfo, res.missing
		default:
			continue
		}
		hits = append(hits, h)
	}
	// An undecided rule matters only if, had it fired, it would be more severe than
	// what is already certain: drop the others (nothing the missing facts could say
	// would change the zone's verdict through them).
	hits = slices.DeleteFunc(hits, func(h RuleHit) bool {
		if h.Missing == nil {
			return false
		}
		r, _ := rs.Rule(h.ID)
		return r.Verdict.Severity() <= certain.Severity()
	})
	slices.SortStableFunc(hits, func(a, b RuleHit) int { return b.Verdict.Severity() - a.Verdict.Severity() })
	return hits
}

// kindRank orders layer kinds for naming the governing rule among zones with the
// same (most severe) verdict: the special protection laws first (nature reserves
// and national parks, drinking-water sources, the red line, the Qinling), then a
// dataset's custom layers, then the ECU access lists, which restate them. Within a
// kind the larger overlap wins (intersection order).
func kindRank(k Kind) int {
	switch k {
	case KindNationalPark, KindNatureReserve:
		return 0
	case KindWaterSource:
		return 1
	case KindRedline:
		return 2
	case KindQinling:
		return 3
	case KindCustom:
		return 4
	case KindECU:
		return 5
	}
	return 6
}

// sortIntersections orders intersections as reports list them: most severe verdict
// first, then larger overlap area, then longer overlap, then more crossings and
// points, then layer and zone id.
func sortIntersections(ins []Intersection) {
	slices.SortStableFunc(ins, func(a, b Intersection) int {
		return cmp.Or(
			b.Verdict.Severity()-a.Verdict.Severity(),
			cmp.Compare(b.OverlapAreaM2, a.OverlapAreaM2),
			cmp.Compare(b.OverlapLengthM, a.OverlapLengthM),
			cmp.Compare(b.Crossings+b.PointsInside, a.Crossings+a.PointsInside),
			strings.Compare(a.Layer, b.Layer),
			strings.Compare(a.ZoneID, b.ZoneID),
		)
	})
}
