package zones

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// KindAny in a rule's kind makes it project-wide: it applies to every intersection,
// whatever its layer, and to the project itself when the footprint touches no zone.
const KindAny Kind = "any"

// Flag names that rule conditions may test (Condition.Flags, Condition.UnlessFlags).
// high_energy is the 两高 status: the project's flag when given, else derived from
// its industry code (see Evaluate).
var ruleFlags = []string{"discharges_pollutants", "has_outfall", "high_energy", "national_major"}

// ErrInvalidRule is wrapped by every error about a malformed rule.
var ErrInvalidRule = errors.New("zones: invalid rule")

// Rule is one admission rule: where it applies (kind, classes, layers), when it fires
// (a condition on the project and the zone), and what it says (verdict, clause text,
// legal source). Rules are data: the built-in set and a dataset's own files are YAML
// documents of these (data/rules/default.yaml documents the format).
type Rule struct {
	ID string `yaml:"id" json:"id"`
	// Kind is the layer kind the rule applies to, or KindAny.
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
	// Verified is false when the wording could not be checked against the primary
	// text. Absent means true.
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
	// Any: at least one of these conditions holds.
	Any []Condition `yaml:"any,omitempty" json:"any,omitempty"`
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

// RuleSet is an immutable, validated list of rules in force, in order. Order matters
// only for listing and for ties: of two rules with the same verdict on a zone, the
// earlier one is named first.
type RuleSet struct {
	rules []Rule
}

// NewRuleSet validates rules and returns them as a set. Industry prefixes are
// normalised to the letter form. Disabled rules are dropped. Ids must be unique.
func NewRuleSet(rules []Rule) (*RuleSet, error) {
	return (&RuleSet{}).Merge(rules)
}

// Merge returns a new set: rs with add merged in by id. A rule whose id is in rs
// replaces it in place; a disabled one removes it; others are appended.
func (rs *RuleSet) Merge(add []Rule) (*RuleSet, error) {
	var out []Rule
	if rs != nil {
		out = slices.Clone(rs.rules)
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
	return &RuleSet{rules: out}, nil
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
		for _, r := range rs.rules {
			if r.ID == id {
				return r, true
			}
		}
	}
	return Rule{}, false
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

func validateRule(r Rule) (Rule, error) {
	if !ruleIDPattern.MatchString(r.ID) {
		return r, fmt.Errorf("id must match %s", ruleIDPattern)
	}
	if r.Kind != KindAny && !r.Kind.Valid() {
		return r, fmt.Errorf("kind %q is not a layer kind or %q", r.Kind, KindAny)
	}
	for _, c := range r.Classes {
		if r.Kind == KindAny {
			return r, fmt.Errorf("kind %q takes no classes", KindAny)
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
	return c, nil
}

// Applies reports whether the rule is considered for a zone of this layer, kind and
// class.
func (r Rule) Applies(layer string, kind Kind, class string) bool {
	if r.Kind != KindAny && r.Kind != kind {
		return false
	}
	return (len(r.Classes) == 0 || slices.Contains(r.Classes, class)) &&
		(len(r.Layers) == 0 || slices.Contains(r.Layers, layer))
}
