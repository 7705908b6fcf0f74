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

// result is a condition's value with the facts whose absence made it unknown, and
// the derived facts (uses) that decided it, for the report's notes: "high_energy"
// (how the 两高 status was found) and "list:NAME" (an industry list the dataset does
// not define). A false part of a conjunction decides it alone: the unknowns and uses
// of the other parts are dropped, so a fact a rule never needs is never asked for.
type result struct {
	v       tri
	missing factSet
	uses    []string
}

func (a result) and(b result) result {
	switch {
	case a.v == no && b.v == no:
		return result{v: no, uses: union(a.uses, b.uses)}
	case a.v == no:
		return result{v: no, uses: a.uses}
	case b.v == no:
		return result{v: no, uses: b.uses}
	case a.v == unknown || b.v == unknown:
		return result{v: unknown, missing: a.missing.union(b.missing), uses: union(a.uses, b.uses)}
	}
	return result{v: yes, uses: union(a.uses, b.uses)}
}

// factSet is a list of missing facts, in the order they were found, each once:
// a value, so that combining the results of a condition's parts (for each
// zone and rule of every check) allocates nothing. Facts are named by their
// index in factNames.
type factSet struct {
	n   uint8
	ids [maxFacts]uint8
	// other holds names outside factNames, after the others: none unless a
	// condition that was never validated names a flag of its own.
	other []string
}

const maxFacts = 16

// factNames are the facts a condition may find missing: the project's type,
// industry and approval references, the park facts, and the rule flags.
var factNames = func() []string {
	names := []string{"type", "industry", "approval_refs", "in_industrial_park", "park_planning_eia"}
	for _, f := range ruleFlags {
		if !slices.Contains(names, f) {
			names = append(names, f)
		}
	}
	if len(names) > maxFacts {
		panic("zones: more facts than a factSet holds") // a wiring mistake, met at start-up
	}
	return names
}()

// factOf returns the one-fact set of name: one of factNames (the rules' flags
// are validated against ruleFlags; the other names are the evaluator's own).
func factOf(name string) factSet {
	i := slices.Index(factNames, name)
	if i < 0 {
		return factSet{other: []string{name}}
	}
	return factSet{n: 1, ids: [maxFacts]uint8{uint8(i)}}
}

// union is a with the facts of b it lacks appended, in b's order.
func (a factSet) union(b factSet) factSet {
	for _, id := range b.ids[:b.n] {
		if !slices.Contains(a.ids[:a.n], id) {
			a.ids[a.n] = id
			a.n++
		}
	}
	a.other = union(a.other, b.other)
	return a
}

// names returns the facts' names, nil for none.
func (a factSet) names() []string {
	if a.n == 0 && len(a.other) == 0 {
		return nil
	}
	out := make([]string, a.n, int(a.n)+len(a.other))
	for i, id := range a.ids[:a.n] {
		out[i] = factNames[id]
	}
	return append(out, a.other...)
}

// or is the disjunction: a true part decides it alone (De Morgan on and).
func (a result) or(b result) result { return not(not(a).and(not(b))) }

func not(r result) result {
	switch r.v {
	case yes:
		r.v = no
	case no:
		r.v = yes
	}
	return r
}

func union(a, b []string) []string {
	if len(b) == 0 {
		// Nothing to add: a as it is (nil stays nil). Nothing changes a result's
		// lists in place, so sharing them is safe, and saves a copy per condition.
		return a
	}
	if len(a) == 0 {
		return b // likewise (b's names are distinct: each list is built by union)
	}
	if len(a) > 0 && !slices.ContainsFunc(b, func(s string) bool { return !slices.Contains(a, s) }) {
		return a // b adds nothing (the same fact missing twice): no copy
	}
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// appendNew appends to dst, a list of the report's own, the names of b it lacks.
func appendNew(dst, b []string) []string {
	for _, s := range b {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

func boolResult(b bool) result {
	if b {
		return result{v: yes}
	}
	return result{v: no}
}

// missingFact is the result of a condition on a fact the project does not give.
func missingFact(name string) result { return result{v: unknown, missing: factOf(name)} }

// highEnergyUses is the uses of a result that read the 两高 status, shared
// (results never change their lists in place, see union).
var highEnergyUses = []string{"high_energy"}

// triResult turns a known-or-not fact into a result; missing names the fact.
func triResult(t tri, missing string) result {
	if t == unknown {
		return missingFact(missing)
	}
	return boolResult(t == yes)
}

// facts are the project facts rules read, prepared once per evaluation.
type facts struct {
	p        Project
	industry string // letter form, "" when absent or invalid
	// highEnergy is the 两高 status; highEnergyHow says how it was found (worded
	// only when a rule read it), from twoHigh's entry when the industry code decided.
	highEnergy tri
	twoHigh    *twoHighIndustry
	rules      *RuleSet            // for its industry lists
	dsLists    map[string][]string // the dataset's lists, normalised; they replace the rules' of the same name
	park       parkFacts
	// what the evaluation consulted, for the report's notes (a few names)
	used  []string
	notes []string
	// named lists the names of the sets of missing facts met so far: the hits
	// of one report that miss the same facts share one list.
	named []namedSet
	// Room for used and named in the facts' own allocation: an evaluation
	// consults a fact or two.
	usedRoom  [4]string
	namedRoom [2]namedSet
	// hitRoom is what is left of the block of hits (hits).
	hitRoom []RuleHit
}

type namedSet struct {
	set   factSet
	names []string
}

// use notes that the evaluation consulted u.
func (f *facts) use(u string) {
	if !slices.Contains(f.used, u) {
		f.used = append(f.used, u)
	}
}

// hits returns an empty list with room for n hits, carved from a block the
// evaluation's zones share (one allocation, not one a zone); the list's
// capacity is n, so that nothing appended to it reaches another's.
func (f *facts) hits(n int) []RuleHit {
	if len(f.hitRoom) < n {
		f.hitRoom = make([]RuleHit, max(n, 4))
	}
	h := f.hitRoom[:0:n]
	f.hitRoom = f.hitRoom[n:]
	return h
}

// namesOf returns the names of s, the same list for the same facts within an
// evaluation (nothing changes a hit's list in place), and for one fact the
// same list in every evaluation.
func (f *facts) namesOf(s factSet) []string {
	if len(s.other) > 0 {
		return s.names()
	}
	if s.n == 1 {
		return oneFact[s.ids[0]]
	}
	for _, nm := range f.named {
		if nm.set.n == s.n && nm.set.ids == s.ids {
			return nm.names
		}
	}
	names := s.names()
	f.named = append(f.named, namedSet{set: s, names: names})
	return names
}

// oneFact holds the one-name list of each fact (full: an append to one
// copies it), the Missing of most undecided rules.
var oneFact = func() [][]string {
	out := make([][]string, len(factNames))
	for i, name := range factNames {
		out[i] = []string{name}
	}
	return out
}()

func newFacts(p Project, rs *RuleSet, ds *Dataset) *facts {
	f := &facts{p: p, rules: rs}
	f.used, f.named = f.usedRoom[:0], f.namedRoom[:0]
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
	case f.industry == "":
		f.highEnergy = unknown
	default:
		f.highEnergy, f.twoHigh = twoHigh(f.industry)
	}
	if ds != nil {
		var notes []string
		f.dsLists, notes = ds.industryLists()
		f.notes = append(f.notes, notes...)
	}
	return f
}

// highEnergyHow says, in Chinese, how the 两高 status was found.
func (f *facts) highEnergyHow() string {
	// Joined rather than formatted (one note in each check, and Sprintf cost
	// more than the rest of it).
	switch {
	case f.p.HighEnergy != nil:
		if *f.p.HighEnergy {
			return "两高：是（项目申报 high_energy=true）"
		}
		return "两高：否（项目申报 high_energy=false）"
	case f.industry == "":
		return "两高：未知（未申报 high_energy，也无行业代码可推定）"
	}
	switch f.highEnergy {
	case yes:
		t := f.twoHigh
		return "两高：是（未申报 high_energy，按行业代码 " + f.industry + " 推定：" + t.Industry + "（" + t.Prefix + " " + t.Name + "），环环评〔2021〕45号所列行业）"
	case no:
		return "两高：否（未申报 high_energy，按行业代码 " + f.industry + " 推定：不属于两高行业代码表）"
	}
	return "两高：未知（未申报 high_energy，行业代码 " + f.industry + " 过粗，其下部分小类属两高行业）"
}

// list returns the named industry list: the dataset's, else the rules'.
func (f *facts) list(name string) ([]string, bool) {
	if l, ok := f.dsLists[name]; ok {
		return l, true
	}
	if f.rules == nil {
		return nil, false
	}
	l, ok := f.rules.lists[name]
	return l, ok
}

// flag returns a flag's result. high_energy records that the 两高 status was read.
func (f *facts) flag(name string) result {
	var p *bool
	switch name {
	case "discharges_pollutants":
		p = f.p.DischargesPollutants
	case "has_outfall":
		p = f.p.HasOutfall
	case "national_major":
		p = f.p.NationalMajor
	case "original_residents":
		p = f.p.OriginalResidents
	case "high_energy":
		r := triResult(f.highEnergy, "high_energy")
		r.uses = highEnergyUses
		return r
	}
	if p == nil {
		return missingFact(name)
	}
	return boolResult(*p)
}

// industryIn says whether the project's industry starts with one of prefixes.
func (f *facts) industryIn(prefixes []string) result {
	if len(prefixes) == 0 {
		return result{v: no} // nothing starts with a prefix of an empty list
	}
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

// industryInList is industryIn with a named list; a list neither the rules nor the
// dataset define is empty, which the report notes.
func (f *facts) industryInList(name string) result {
	list, ok := f.list(name)
	r := f.industryIn(list)
	if !ok {
		r.uses = []string{"list:" + name}
	}
	return r
}

// construction is the project's construction, "new" when not given.
func (f *facts) construction() string {
	if f.p.Construction == "" {
		return "new"
	}
	return f.p.Construction
}

// evalCtx is what a condition is evaluated for: one intersection of the report
// (idx), or the project as a whole (idx -1, kind KindProject — or KindAny for the
// project-wide evaluation of kind-any rules when the footprint touches no zone).
type evalCtx struct {
	f     *facts
	r     *Report
	rs    *RuleSet
	idx   int
	layer string
	kind  Kind
	class string
}

func (x evalCtx) in() *Intersection {
	if x.idx < 0 {
		return nil
	}
	return &x.r.Intersections[x.idx]
}

// eval reads c in place (a condition is some 300 bytes: no copy for each zone
// and rule).
func (c *Condition) eval(x evalCtx) result {
	res := result{v: yes}
	p := &x.f.p // the project in place
	typeIn := func(list []string, want bool) result {
		if p.Type == "" {
			return missingFact("type")
		}
		return boolResult(slices.Contains(list, p.Type) == want)
	}
	if len(c.Type) > 0 {
		res = res.and(typeIn(c.Type, true))
	}
	if len(c.TypeNot) > 0 {
		res = res.and(typeIn(c.TypeNot, false))
	}
	if len(c.Construction) > 0 {
		res = res.and(boolResult(slices.Contains(c.Construction, x.f.construction())))
	}
	if len(c.Industry) > 0 {
		res = res.and(x.f.industryIn(c.Industry))
	}
	if len(c.IndustryNot) > 0 {
		res = res.and(not(x.f.industryIn(c.IndustryNot)))
	}
	if c.IndustryList != "" {
		res = res.and(x.f.industryInList(c.IndustryList))
	}
	if c.IndustryNotList != "" {
		res = res.and(not(x.f.industryInList(c.IndustryNotList)))
	}
	if !c.compiled() {
		// A condition validateCondition did not make (none in a rule set):
		// its tests made here, once for this evaluation.
		cc := *c
		cc.compile()
		c = &cc
	}
	for _, t := range c.flagTests {
		fl := x.f.flag(t.name)
		if fl.v != unknown && !t.want {
			fl = not(fl)
		}
		res = res.and(fl)
	}
	for _, name := range c.UnlessFlags {
		if fl := x.f.flag(name); fl.v == yes {
			res = res.and(result{v: no, uses: fl.uses})
		}
	}
	switch c.Approval {
	case "present":
		switch {
		case len(p.ApprovalRefs) > 0:
			res = res.and(result{v: yes})
		case p.NationalMajor != nil && *p.NationalMajor:
			res = res.and(missingFact("approval_refs"))
		default:
			res = res.and(result{v: no})
		}
	case "absent":
		res = res.and(boolResult(len(p.ApprovalRefs) == 0))
	}
	if c.Park != "" {
		res = res.and(x.f.park.eval(c.Park, x.f))
	}
	in := x.in()
	for _, t := range c.attrTests {
		res = res.and(boolResult(in != nil && attrMatches(in, t.name, t.values)))
	}
	if c.Clauses != "" {
		has := in != nil && hasClauses(in.Clauses)
		res = res.and(boolResult(has == (c.Clauses == "present")))
	}
	if m := c.AlsoIntersects; m != nil {
		res = res.and(boolResult(in != nil && x.alsoIntersects(*m)))
	}
	if len(c.UnlessRules) > 0 {
		res = res.and(not(x.anyException(c.UnlessRules)))
	}
	if len(c.Any) > 0 {
		anyRes := result{v: no}
		for i := range c.Any {
			anyRes = anyRes.or(c.Any[i].eval(x))
		}
		res = res.and(anyRes)
	}
	return res
}

// anyException says whether one of the rules ids holds here: a rule counts only
// where it applies and is in force.
func (x evalCtx) anyException(ids []string) result {
	out := result{v: no}
	for _, id := range ids {
		r := x.rs.rule(id)
		if r == nil || !x.applies(r) {
			continue
		}
		out = out.or(r.When.eval(x))
	}
	return out
}

// applies reports whether rule r is evaluated in this context.
func (x evalCtx) applies(r *Rule) bool {
	switch x.kind {
	case KindProject:
		return r.Kind == KindProject
	case KindAny:
		return r.Kind == KindAny
	}
	return r.Applies(x.layer, x.kind, x.class)
}

// sortedKeys returns m's keys in order.
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

// attrMatches says whether the zone's attribute name equals one of values
// (trimmed: attrTest's), as trimmed text, case aside.
func attrMatches(in *Intersection, name string, values []string) bool {
	v, ok := in.Attributes[name]
	if !ok && in.Zone != nil {
		v, ok = in.Zone.Attrs()[name]
	}
	if !ok || v == nil {
		return false
	}
	var s string
	if str, ok := v.(string); ok {
		s = strings.TrimSpace(str) // most attributes: no formatting
	} else {
		s = strings.TrimSpace(fmt.Sprint(v))
	}
	for _, want := range values {
		if strings.EqualFold(s, want) {
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

// Evaluate sets each intersection's verdict and rules, the project-wide rules, and
// the report's verdict, governing rule, park status, missing facts and notes, for
// the project p under rules rs with dataset ds (which may be nil; it supplies the
// industry lists and says whether industrial parks are a layer). rs nil means
// ds.Rules.
//
// Every rule that applies to an intersection's layer kind, class and layer is
// evaluated: one whose condition holds fires with its verdict; one whose condition
// cannot be decided for a missing project fact fires as needs_info naming the facts
// (unless its verdict is no more severe than what already certainly fired for the
// zone — admissible rules never yield needs_info). A zone's verdict is the most
// severe rule that fired; no rule firing makes it admissible — a custom layer
// without rules is reported for information. Project rules (kind project) are
// evaluated once the same way, into Report.ProjectRules. Where layers overlap each
// is evaluated on its own and the strictest governs: the report's verdict is the
// most severe zone or project verdict, and its governing rule is the first rule with
// that verdict on the zone of highest kindRank among those with that verdict (special
// laws before project rules before ECU lists). Kind-any rules apply to every
// intersection, and to the project itself when there is none. ECU clauses are copied
// from the zone when the checker has not done so. Report.Missing lists once the
// facts of every needs_info hit kept. It leaves the intersections in report order
// (SortIntersections).
func Evaluate(r *Report, p Project, rs *RuleSet, ds *Dataset) {
	if rs == nil && ds != nil {
		rs = ds.Rules
	}
	f := newFacts(p, rs, ds)
	if r.Project == nil {
		pc := p
		if f.industry != "" {
			pc.Industry = f.industry
		}
		r.Project = &pc
	}
	r.Verdict = Admissible
	r.Governing = nil
	r.ProjectRules = nil
	r.Missing = nil
	if rs == nil {
		for i := range r.Intersections {
			in := &r.Intersections[i]
			in.Verdict, in.Rules = NeedsInfo, []RuleHit{}
		}
		if len(r.Intersections) > 0 {
			r.Verdict = NeedsInfo
		}
		r.Notes = append(r.Notes, "未加载准入规则，各相交区域均需人工判定")
		SortIntersections(r.Intersections)
		return
	}
	f.park = newParkFacts(r, p, ds)
	r.Park = f.park.status
	for i := range r.Intersections {
		in := &r.Intersections[i]
		if in.Clauses == nil && in.Zone != nil && in.Zone.Clauses != nil {
			c := *in.Zone.Clauses
			in.Clauses = &c
		}
		in.Rules = fire(rs, evalCtx{f: f, r: r, rs: rs, idx: i, layer: in.Layer, kind: in.Kind, class: in.ZoneClass})
		in.Verdict = Admissible
		for _, h := range in.Rules {
			in.Verdict = MoreSevere(in.Verdict, h.Verdict)
		}
	}
	SortIntersections(r.Intersections)
	if hits := fire(rs, evalCtx{f: f, r: r, rs: rs, idx: -1, kind: KindProject}); len(hits) > 0 {
		r.ProjectRules = hits
	}
	projectVerdict := Admissible
	for _, h := range r.ProjectRules {
		projectVerdict = MoreSevere(projectVerdict, h.Verdict)
	}
	r.Verdict = projectVerdict
	gov, govRank := -1, kindRank(KindProject)
	for i := range r.Intersections {
		in := &r.Intersections[i]
		switch {
		case in.Verdict.Severity() > r.Verdict.Severity():
			r.Verdict, gov, govRank = in.Verdict, i, kindRank(in.Kind)
		case in.Verdict == r.Verdict && len(in.Rules) > 0 && kindRank(in.Kind) < govRank:
			gov, govRank = i, kindRank(in.Kind)
		}
	}
	switch {
	case r.Verdict == Admissible:
	case gov >= 0:
		in := &r.Intersections[gov]
		for _, h := range in.Rules {
			if h.Verdict == in.Verdict {
				g := h
				g.Layer, g.ZoneID = in.Layer, in.ZoneID
				r.Governing = &g
				break
			}
		}
	default:
		for _, h := range r.ProjectRules {
			if h.Verdict == r.Verdict {
				g := h
				r.Governing = &g
				break
			}
		}
	}
	if len(r.Intersections) == 0 {
		for _, h := range fire(rs, evalCtx{f: f, r: r, rs: rs, idx: -1, kind: KindAny}) {
			r.Notes = append(r.Notes, projectNote(h))
			if h.Verdict.Severity() > r.Verdict.Severity() {
				g := h
				r.Verdict, r.Governing = h.Verdict, &g
			}
			r.Missing = appendNew(r.Missing, h.Missing)
		}
	}
	// Room for the notes to come at once (a project rule's each, the 两高 and
	// park notes, the facts' own), and none made when none come.
	if extra := len(r.ProjectRules) + len(f.used) + len(f.notes) + len(f.park.notes); extra > 0 {
		if r.Park != nil {
			extra++
		}
		r.Notes = slices.Grow(r.Notes, extra)
	}
	for _, h := range r.ProjectRules {
		r.addNote(rs.projectNote(h))
	}
	for _, in := range r.Intersections {
		for _, h := range in.Rules {
			r.Missing = appendNew(r.Missing, h.Missing)
		}
	}
	for _, h := range r.ProjectRules {
		r.Missing = appendNew(r.Missing, h.Missing)
	}
	if slices.Contains(f.used, "high_energy") {
		r.Notes = append(r.Notes, f.highEnergyHow())
	}
	if r.Park != nil {
		r.Notes = append(r.Notes, f.park.note())
	}
	var lists []string // the lists the dataset lacks, in name order
	for _, name := range f.used {
		if list, ok := strings.CutPrefix(name, "list:"); ok {
			lists = append(lists, list)
		}
	}
	slices.Sort(lists)
	for _, list := range lists {
		r.Notes = append(r.Notes, fmt.Sprintf("数据集未提供产业清单 %s，按空清单处理", list))
	}
	r.Notes = append(r.Notes, f.notes...)
	r.Notes = append(r.Notes, f.park.notes...)
}

// fire evaluates the rules of rs that apply in x (one zone, the project rules, or
// the kind-any rules) and returns the hits, most severe first.
func fire(rs *RuleSet, x evalCtx) []RuleHit {
	certain := Admissible
	// A zone meets a few rules: their hits wait on the stack until the kept ones
	// are copied out, with the facts they miss as a set until then.
	type candidate struct {
		h         RuleHit
		undecided bool
		missing   factSet
		uses      []string
		// rule is the rule's own verdict (h's is needs_info when undecided).
		rule Verdict
	}
	var buf [8]candidate
	cands := buf[:0]
	for _, i := range rs.candidates(x.kind) {
		rule := &rs.rules[i] // rules are large: no copy for each zone and rule
		if !x.applies(rule) {
			continue
		}
		res := rule.When.eval(x)
		// The set's flag, shared by every hit of the rule: nothing writes through it.
		c := candidate{h: RuleHit{ID: rule.ID, Verdict: rule.Verdict, Text: rule.Text, Source: rule.Source, Verified: &rs.verified[i],
			quoted: &rs.quoted[i]}, uses: res.uses, rule: rule.Verdict}
		switch {
		case res.v == yes:
			certain = MoreSevere(certain, rule.Verdict)
		case res.v == unknown && rule.Verdict != Admissible:
			c.h.Verdict, c.undecided, c.missing = NeedsInfo, true, res.missing
		default:
			// A rule that did not fire may still have been decided by a derived
			// fact (a code not among the 两高 industries): the notes say how.
			for _, u := range res.uses {
				x.f.use(u)
			}
			continue
		}
		cands = append(cands, c)
	}
	// An undecided rule matters only if, had it fired, it would be more severe than
	// what is already certain: drop the others (nothing the missing facts could say
	// would change the zone's verdict through them).
	dropped := func(c *candidate) bool {
		return c.undecided && c.rule.Severity() <= certain.Severity()
	}
	n := 0
	for i := range cands {
		if !dropped(&cands[i]) {
			n++
		}
	}
	if n == 0 {
		return []RuleHit{}
	}
	// Most severe first; among undecided rules, those that would prohibit first, so
	// that "prohibited unless …" leads the needs_info of a zone. Sorted before
	// the dropped are left out, which keeps the order of the others (stable).
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(b.h.Verdict.Severity()-a.h.Verdict.Severity(), b.rule.Severity()-a.rule.Severity())
	})
	kept := x.f.hits(n)
	for i := range cands {
		c := &cands[i]
		if dropped(c) {
			continue
		}
		if c.undecided {
			c.h.Missing = x.f.namesOf(c.missing)
		}
		kept = append(kept, c.h)
		for _, u := range c.uses {
			x.f.use(u)
		}
	}
	return kept
}

// kindRank orders layer kinds for naming the governing rule among zones with the
// same (most severe) verdict: the special protection laws first (nature reserves
// and national parks, drinking-water sources, the red line, the Qinling), then a
// dataset's custom layers, then the project-wide rules, then the ECU access lists,
// which restate them, and the industrial parks. Within a kind the larger overlap
// wins (intersection order).
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
	case KindProject:
		return 5
	case KindECU:
		return 6
	}
	return 7
}

// verdictIf returns the verdict r would have for p under ds's rules were its
// intersections what edit makes of (a copy of) them: Evaluate on a copy of r,
// which is left as it is. Boundary review asks it of a zone a few metres away
// (added) or a few metres in (removed).
func verdictIf(r *Report, p Project, ds *Dataset, edit func([]Intersection) []Intersection) Verdict {
	cp := *r
	cp.Intersections = edit(slices.Clone(r.Intersections))
	cp.Governing, cp.ProjectRules, cp.Park, cp.Missing, cp.Notes = nil, nil, nil, nil, nil
	Evaluate(&cp, p, nil, ds)
	return cp.Verdict
}
