package zones

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// KindAny in a rule's kind makes it apply to every intersection, whatever its layer,
// and to the project itself when the footprint touches no zone.
const KindAny Kind = "any"

// KindProject in a rule's kind makes it project-wide: it is evaluated once for the
// project as a whole (its facts and its relation to industrial parks), not per zone,
// and its hit goes to Report.ProjectRules. Such a rule reads no zone (zone_attr,
// clauses, also_intersects).
const KindProject Kind = "project"

// Flag names that rule conditions may test (Condition.Flags, Condition.UnlessFlags).
// high_energy is the 两高 status: the project's flag when given, else derived from
// its industry code (see Evaluate).
var ruleFlags = []string{"discharges_pollutants", "has_outfall", "high_energy", "national_major", "original_residents"}

// Values of Condition.Park.
var parkValues = []string{"inside", "outside", "no_planning_eia", "planning_eia", "industry_not_leading", "industry_leading"}

// ErrInvalidRule is wrapped by every error about a malformed rule.
var ErrInvalidRule = errors.New("zones: invalid rule")

// Rule is one admission rule: where it applies (kind, classes, layers), when it fires
// (a condition on the project and the zone), and what it says (verdict, clause text,
// legal source). Rules are data: the built-in set and a dataset's own files are YAML
// documents of these (data/rules/default.yaml documents the format).
type Rule struct {
	ID string `yaml:"id" json:"id"`
	// Kind is the layer kind the rule applies to, or KindAny, or KindProject.
	Kind Kind `yaml:"kind" json:"kind"`
	// Classes restricts the rule to these zone classes; empty means every class.
	Classes []string `yaml:"classes,omitempty" json:"classes,omitempty"`
	// Layers restricts the rule to these layer ids; empty means every layer of Kind.
	Layers []string `yaml:"layers,omitempty" json:"layers,omitempty"`
	// When is the condition; the zero Condition always holds.
	When    Condition `yaml:"when,omitempty" json:"when,omitzero"`
	Verdict Verdict   `yaml:"verdict" json:"verdict"`
	// Text is the clause in Chinese, as a reviewer would cite it.
	Text string `yaml:"text" json:"text"`
	// Source is the legal source: law or document, article, document number.
	Source string `yaml:"source" json:"source"`
	// Quote is the legal text the rule rests on, verbatim, with its article number
	// as it stands today; QuoteFrom says where it was read (a URL or a publication).
	Quote     string `yaml:"quote,omitempty" json:"quote,omitempty"`
	QuoteFrom string `yaml:"quote_from,omitempty" json:"quote_from,omitempty"`
	// Verified is false when the wording could not be checked against the primary
	// text. Absent means true. A rule marked verified must quote its text (Quote).
	Verified *bool `yaml:"verified,omitempty" json:"verified,omitempty"`
	// Disabled, in a dataset's rule file, removes the built-in rule with this id.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
	// Note is a maintainer's remark on how the rule reads its source; not in reports.
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
}

// IsVerified reports whether the rule's wording was checked against the primary text.
func (r Rule) IsVerified() bool { return r.Verified == nil || *r.Verified }

// Condition is a conjunction: every part that is set must hold. Each part is true,
// false or unknown (a project fact it reads is missing); a rule whose condition is
// unknown yields needs_info naming the missing facts. There is no expression
// language: these fields are all there is.
type Condition struct {
	// Type: the project type is one of these. TypeNot: it is none of these.
	Type    []string `yaml:"type,omitempty" json:"type,omitempty"`
	TypeNot []string `yaml:"type_not,omitempty" json:"type_not,omitempty"`
	// Industry: the project's industry code (letter form) starts with one of these
	// prefixes. IndustryNot: with none of them. A project code coarser than a prefix
	// ("C25" against "C2511") cannot be decided and counts as missing industry.
	Industry    []string `yaml:"industry,omitempty" json:"industry,omitempty"`
	IndustryNot []string `yaml:"industry_not,omitempty" json:"industry_not,omitempty"`
	// IndustryList / IndustryNotList: like Industry / IndustryNot with the prefixes of
	// the dataset's industry_lists entry of that name (empty when the dataset has none,
	// which the report notes).
	IndustryList    string `yaml:"industry_list,omitempty" json:"industry_list,omitempty"`
	IndustryNotList string `yaml:"industry_not_list,omitempty" json:"industry_not_list,omitempty"`
	// Flags: each named flag has this value (a missing flag is a missing fact).
	Flags map[string]bool `yaml:"flags,omitempty" json:"flags,omitempty"`
	// UnlessFlags: none of these flags is true (a missing flag counts as false).
	UnlessFlags []string `yaml:"unless_flags,omitempty" json:"unless_flags,omitempty"`
	// ZoneAttr: the zone's attribute of each name equals one of the listed values
	// (compared as trimmed text; true/false for booleans). A zone without the
	// attribute does not match.
	ZoneAttr map[string][]string `yaml:"zone_attr,omitempty" json:"zone_attr,omitempty"`
	// AlsoIntersects: the report has another intersection matching this whose overlap
	// with the footprint shares area (or length, for lines) with this one's.
	AlsoIntersects *ZoneMatch `yaml:"also_intersects,omitempty" json:"also_intersects,omitempty"`
	// Clauses: "present" — the zone carries access-list clauses (ECU); "absent" — it
	// carries none.
	Clauses string `yaml:"clauses,omitempty" json:"clauses,omitempty"`
	// Construction: the project's construction (new when not given) is one of these.
	Construction []string `yaml:"construction,omitempty" json:"construction,omitempty"`
	// Approval: "present" — the project names approval documents (approval_refs);
	// unknown when it names none but declares itself a national major project (the
	// approval is the missing fact), false otherwise. "absent" — it names none.
	Approval string `yaml:"approval,omitempty" json:"approval,omitempty"`
	// Park: the footprint's relation to industrial parks — "inside" or "outside" a
	// park; "no_planning_eia" / "planning_eia": inside a park whose plan has no / has
	// passed planning EIA; "industry_not_leading" / "industry_leading": inside a park
	// whose leading industries do not include / include the project's industry. From
	// the dataset's industrial_park layers, else from the project's declarations.
	Park string `yaml:"park,omitempty" json:"park,omitempty"`
	// UnlessRules: none of these rules (by id) holds for this zone — an exception
	// list. A named rule counts only where it applies (kind, class, layer) and is in
	// force; one that cannot be decided leaves this condition undecided.
	UnlessRules []string `yaml:"unless_rules,omitempty" json:"unless_rules,omitempty"`
	// Any: at least one of these conditions holds.
	Any []Condition `yaml:"any,omitempty" json:"any,omitempty"`

	// Flags and ZoneAttr as eval reads them, in name order, the attribute
	// values trimmed: made by validateCondition (compile), so that a check
	// walks no map and sorts no keys for each zone and rule.
	flagTests []flagTest
	attrTests []attrTest
}

// flagTest is one of Condition.Flags: the flag and the value it must have.
type flagTest struct {
	name string
	want bool
}

// attrTest is one of Condition.ZoneAttr: the attribute and its values, trimmed.
type attrTest struct {
	name   string
	values []string
}

// compile sets c's flagTests and attrTests from its Flags and ZoneAttr (none
// for none, so that a condition without them stays the zero value).
func (c *Condition) compile() {
	c.flagTests, c.attrTests = nil, nil
	for _, name := range sortedKeys(c.Flags) {
		c.flagTests = append(c.flagTests, flagTest{name, c.Flags[name]})
	}
	for _, name := range sortedKeys(c.ZoneAttr) {
		values := make([]string, len(c.ZoneAttr[name]))
		for i, v := range c.ZoneAttr[name] {
			values[i] = strings.TrimSpace(v)
		}
		c.attrTests = append(c.attrTests, attrTest{name, values})
	}
}

// compiled reports whether c's tests are those of its Flags and ZoneAttr
// (compile ran since they were set, as far as their sizes tell).
func (c *Condition) compiled() bool {
	return len(c.flagTests) == len(c.Flags) && len(c.attrTests) == len(c.ZoneAttr)
}

// ZoneMatch selects intersections by kind, classes and layer ids (empty: any).
type ZoneMatch struct {
	Kind    Kind     `yaml:"kind,omitempty" json:"kind,omitempty"`
	Classes []string `yaml:"classes,omitempty" json:"classes,omitempty"`
	Layers  []string `yaml:"layers,omitempty" json:"layers,omitempty"`
}

func (m ZoneMatch) matches(kind Kind, class, layer string) bool {
	return (m.Kind == "" || m.Kind == KindAny || m.Kind == kind) &&
		(len(m.Classes) == 0 || slices.Contains(m.Classes, class)) &&
		(len(m.Layers) == 0 || slices.Contains(m.Layers, layer))
}

// RuleSet is an immutable, validated list of rules in force, in order, with the
// default industry lists the rules name (a dataset's industry_lists of the same name
// replace them). Order matters only for listing and for ties: of two rules with the
// same verdict on a zone, the earlier one is named first.
type RuleSet struct {
	rules []Rule
	byID  map[string]int // index into rules
	lists map[string][]string
	// What a check asks of the rules, worked out once for the set (newRuleSet)
	// rather than for each zone of each check: the rules each evaluation context
	// considers, in order — a layer kind's own and the kind-any rules (byKind;
	// anyKind for a kind no rule names), the project rules, the kind-any rules —
	// and each rule's verified flag, which every hit of the rule points to.
	byKind   map[Kind][]int
	anyKind  []int
	project  []int
	verified []bool
	// notes[i] words the report's note on a hit of project rule i with its own
	// verdict (0) or as needs_info (1): the same text for every check.
	notes [][2]*quotedNote
	// quoted[i] is rule i's text and source quoted for JSON, which its hits
	// point to.
	quoted []quotedRule
}

func newRuleSet(rules []Rule, lists map[string][]string) *RuleSet {
	rs := &RuleSet{rules: rules, byID: make(map[string]int, len(rules)), lists: lists,
		byKind: map[Kind][]int{}, verified: make([]bool, len(rules)), notes: make([][2]*quotedNote, len(rules)),
		quoted: make([]quotedRule, len(rules))}
	for i, r := range rules {
		rs.byID[r.ID] = i
		rs.verified[i] = r.IsVerified()
		rs.quoted[i] = newQuotedRule(r.Text, r.Source)
		if r.Kind == KindProject {
			rs.notes[i] = [2]*quotedNote{newQuotedNote(projectNote(RuleHit{ID: r.ID, Verdict: r.Verdict, Text: r.Text})),
				newQuotedNote(projectNote(RuleHit{ID: r.ID, Verdict: NeedsInfo, Text: r.Text}))}
		}
		switch r.Kind {
		case KindProject:
			rs.project = append(rs.project, i)
		case KindAny:
			rs.anyKind = append(rs.anyKind, i)
		default:
			rs.byKind[r.Kind] = nil
		}
	}
	for k := range rs.byKind {
		var l []int
		for i, r := range rules {
			if r.Kind == k || r.Kind == KindAny {
				l = append(l, i)
			}
		}
		rs.byKind[k] = l
	}
	return rs
}

// projectNote is the report's note on a hit of a project-wide rule.
func projectNote(h RuleHit) string {
	return fmt.Sprintf("全项目规则 %s（%s）：%s", h.ID, h.Verdict, h.Text)
}

// projectNote is the note on h, a hit of one of the set's project rules, as
// worded (and quoted for JSON) once for the set when it can be; q is nil
// when it cannot.
func (rs *RuleSet) projectNote(h RuleHit) (note string, q *quotedNote) {
	if i, ok := rs.byID[h.ID]; ok && rs.rules[i].Kind == KindProject && h.Text == rs.rules[i].Text {
		switch h.Verdict {
		case rs.rules[i].Verdict:
			q = rs.notes[i][0]
		case NeedsInfo:
			q = rs.notes[i][1]
		}
		if q != nil {
			return q.note, q
		}
	}
	return projectNote(h), nil
}

// candidates returns the indexes, in order, of the rules that may apply in a
// context of kind k (a layer kind, KindProject or KindAny); x.applies decides.
func (rs *RuleSet) candidates(k Kind) []int {
	switch k {
	case KindProject:
		return rs.project
	case KindAny:
		return rs.anyKind
	}
	if l, ok := rs.byKind[k]; ok {
		return l
	}
	return rs.anyKind
}

// NewRuleSet validates rules and returns them as a set. Industry prefixes are
// normalised to the letter form. Disabled rules are dropped. Ids must be unique.
func NewRuleSet(rules []Rule) (*RuleSet, error) {
	return (&RuleSet{}).Merge(rules)
}

// Merge returns a new set: rs with add merged in by id. A rule whose id is in rs
// replaces it in place; a disabled one removes it; others are appended. A rule's
// unless_rules may name rules not in force (they are no exception then), but the
// exceptions must not refer to each other in a cycle.
func (rs *RuleSet) Merge(add []Rule) (*RuleSet, error) {
	var out []Rule
	var lists map[string][]string
	if rs != nil {
		out = slices.Clone(rs.rules)
		lists = rs.lists
	}
	seen := map[string]bool{}
	for i, r := range add {
		if seen[r.ID] {
			return nil, fmt.Errorf("%w: rule %d: id %q given twice", ErrInvalidRule, i, r.ID)
		}
		seen[r.ID] = true
		at := slices.IndexFunc(out, func(o Rule) bool { return o.ID == r.ID })
		if r.Disabled {
			if r.ID == "" {
				return nil, fmt.Errorf("%w: rule %d: disabled rule without id", ErrInvalidRule, i)
			}
			if at >= 0 {
				out = slices.Delete(out, at, at+1)
			}
			continue
		}
		nr, err := validateRule(r)
		if err != nil {
			return nil, fmt.Errorf("%w: rule %d (%q): %v", ErrInvalidRule, i, r.ID, err)
		}
		if at >= 0 {
			out[at] = nr
		} else {
			out = append(out, nr)
		}
	}
	if err := checkExceptionCycles(out); err != nil {
		return nil, err
	}
	return newRuleSet(out, lists), nil
}

// checkExceptionCycles refuses rules whose unless_rules lead back to themselves.
func checkExceptionCycles(rules []Rule) error {
	byID := map[string]*Rule{}
	for i := range rules {
		byID[rules[i].ID] = &rules[i]
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(id string, path []string) error
	visit = func(id string, path []string) error {
		r := byID[id]
		if r == nil {
			return nil
		}
		switch state[id] {
		case open:
			return fmt.Errorf("%w: unless_rules form a cycle: %s", ErrInvalidRule, strings.Join(append(path, id), " -> "))
		case done:
			return nil
		}
		state[id] = open
		for _, ref := range r.When.exceptionRefs() {
			if err := visit(ref, append(path, id)); err != nil {
				return err
			}
		}
		state[id] = done
		return nil
	}
	for _, r := range rules {
		if err := visit(r.ID, nil); err != nil {
			return err
		}
	}
	return nil
}

// exceptionRefs returns the rule ids c's unless_rules name, its alternatives' too.
func (c Condition) exceptionRefs() []string {
	out := slices.Clone(c.UnlessRules)
	for _, a := range c.Any {
		out = append(out, a.exceptionRefs()...)
	}
	return out
}

// WithIndustryLists returns a new set with lists added to its default industry
// lists (replacing lists of the same name). Codes are normalised to the letter form;
// one that is not a GB/T 4754 code is an error naming the list.
func (rs *RuleSet) WithIndustryLists(lists map[string][]string) (*RuleSet, error) {
	out := newRuleSet(nil, map[string][]string{})
	if rs != nil {
		out = newRuleSet(rs.rules, map[string][]string{})
		maps.Copy(out.lists, rs.lists)
	}
	for _, name := range sortedKeys(lists) {
		norm := make([]string, 0, len(lists[name]))
		for _, c := range lists[name] {
			n, err := NormalizeIndustry(c)
			if err != nil {
				return nil, fmt.Errorf("%w: industry list %s: %v", ErrInvalidRule, name, err)
			}
			norm = append(norm, n)
		}
		out.lists[name] = norm
	}
	return out, nil
}

// IndustryLists returns the set's default industry lists (letter form), by name.
func (rs *RuleSet) IndustryLists() map[string][]string {
	out := map[string][]string{}
	if rs != nil {
		for k, v := range rs.lists {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// Rules returns the rules in force, in order.
func (rs *RuleSet) Rules() []Rule {
	if rs == nil {
		return nil
	}
	return slices.Clone(rs.rules)
}

// Len returns the number of rules in force.
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return len(rs.rules)
}

// Rule returns the rule with the given id.
func (rs *RuleSet) Rule(id string) (Rule, bool) {
	if rs != nil {
		if i, ok := rs.byID[id]; ok {
			return rs.rules[i], true
		}
	}
	return Rule{}, false
}

// rule returns the rule with this id in place, or nil: Rule without the copy,
// for the evaluation's inner loops.
func (rs *RuleSet) rule(id string) *Rule {
	if rs != nil {
		if i, ok := rs.byID[id]; ok {
			return &rs.rules[i]
		}
	}
	return nil
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

func validateRule(r Rule) (Rule, error) {
	if !ruleIDPattern.MatchString(r.ID) {
		return r, fmt.Errorf("id must match %s", ruleIDPattern)
	}
	if r.Kind != KindAny && r.Kind != KindProject && !r.Kind.Valid() {
		return r, fmt.Errorf("kind %q is not a layer kind, %q or %q", r.Kind, KindAny, KindProject)
	}
	if r.Kind == KindProject && len(r.Layers) > 0 {
		return r, fmt.Errorf("kind %q takes no layers", KindProject)
	}
	if r.Kind == KindProject && r.When.readsZone() {
		return r, fmt.Errorf("kind %q reads no zone: zone_attr, clauses and also_intersects are not allowed", KindProject)
	}
	for _, c := range r.Classes {
		if r.Kind == KindAny || r.Kind == KindProject {
			return r, fmt.Errorf("kind %q takes no classes", r.Kind)
		}
		if !r.Kind.ValidClass(c) {
			return r, fmt.Errorf("class %q is not a class of kind %s (%s)", c, r.Kind, strings.Join(r.Kind.Classes(), ", "))
		}
	}
	if !r.Verdict.Valid() {
		return r, fmt.Errorf("verdict %q is not one of prohibited, needs_info, conditional, admissible", r.Verdict)
	}
	if strings.TrimSpace(r.Text) == "" {
		return r, errors.New("text is empty")
	}
	if strings.TrimSpace(r.Source) == "" {
		return r, errors.New("source is empty")
	}
	if r.Verified != nil && *r.Verified && strings.TrimSpace(r.Quote) == "" {
		return r, errors.New("verified: true without a quote of the text it was checked against")
	}
	r.Classes = slices.Clone(r.Classes)
	r.Layers = slices.Clone(r.Layers)
	c, err := validateCondition(r.When, "when")
	r.When = c
	return r, err
}

func validateCondition(c Condition, path string) (Condition, error) {
	for _, list := range [][]string{c.Type, c.TypeNot} {
		for _, t := range list {
			if !slices.Contains(ProjectTypes, t) {
				return c, fmt.Errorf("%s: project type %q is not one of %s", path, t, strings.Join(ProjectTypes, ", "))
			}
		}
	}
	norm := func(list []string) ([]string, error) {
		out := make([]string, 0, len(list))
		for _, p := range list {
			n, err := NormalizeIndustry(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			out = append(out, n)
		}
		return out, nil
	}
	var err error
	if c.Industry, err = norm(c.Industry); err != nil {
		return c, err
	}
	if c.IndustryNot, err = norm(c.IndustryNot); err != nil {
		return c, err
	}
	for name := range c.Flags {
		if !slices.Contains(ruleFlags, name) {
			return c, fmt.Errorf("%s: flag %q is not one of %s", path, name, strings.Join(ruleFlags, ", "))
		}
	}
	for _, name := range c.UnlessFlags {
		if !slices.Contains(ruleFlags, name) {
			return c, fmt.Errorf("%s: flag %q is not one of %s", path, name, strings.Join(ruleFlags, ", "))
		}
	}
	if c.Clauses != "" && c.Clauses != "present" && c.Clauses != "absent" {
		return c, fmt.Errorf("%s: clauses %q is not present or absent", path, c.Clauses)
	}
	for _, v := range c.Construction {
		if !slices.Contains(Constructions, v) {
			return c, fmt.Errorf("%s: construction %q is not one of %s", path, v, strings.Join(Constructions, ", "))
		}
	}
	if c.Approval != "" && c.Approval != "present" && c.Approval != "absent" {
		return c, fmt.Errorf("%s: approval %q is not present or absent", path, c.Approval)
	}
	if c.Park != "" && !slices.Contains(parkValues, c.Park) {
		return c, fmt.Errorf("%s: park %q is not one of %s", path, c.Park, strings.Join(parkValues, ", "))
	}
	for _, id := range c.UnlessRules {
		if !ruleIDPattern.MatchString(id) {
			return c, fmt.Errorf("%s: unless_rules: %q is not a rule id", path, id)
		}
	}
	if m := c.AlsoIntersects; m != nil {
		if m.Kind != "" && m.Kind != KindAny && !m.Kind.Valid() {
			return c, fmt.Errorf("%s.also_intersects: kind %q is not a layer kind", path, m.Kind)
		}
		for _, cl := range m.Classes {
			if m.Kind != "" && m.Kind != KindAny && !m.Kind.ValidClass(cl) {
				return c, fmt.Errorf("%s.also_intersects: class %q is not a class of kind %s", path, cl, m.Kind)
			}
		}
	}
	anys := make([]Condition, 0, len(c.Any))
	for i, sub := range c.Any {
		s, err := validateCondition(sub, fmt.Sprintf("%s.any[%d]", path, i))
		if err != nil {
			return c, err
		}
		anys = append(anys, s)
	}
	if len(anys) > 0 {
		c.Any = anys
	}
	c.compile()
	return c, nil
}

// readsZone reports whether c reads the zone it is evaluated for.
func (c Condition) readsZone() bool {
	if len(c.ZoneAttr) > 0 || c.Clauses != "" || c.AlsoIntersects != nil {
		return true
	}
	return slices.ContainsFunc(c.Any, Condition.readsZone)
}

// Applies reports whether the rule is considered for a zone of this layer, kind and
// class. Project rules apply to no zone.
func (r Rule) Applies(layer string, kind Kind, class string) bool {
	if r.Kind == KindProject || (r.Kind != KindAny && r.Kind != kind) {
		return false
	}
	return (len(r.Classes) == 0 || slices.Contains(r.Classes, class)) &&
		(len(r.Layers) == 0 || slices.Contains(r.Layers, layer))
}
