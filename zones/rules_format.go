package zones

import (
	"fmt"
	"strings"
)

// String renders the condition in the YAML key language, compactly, for listings:
// `type in [mining] and flags {has_outfall: true}`; "always" for the empty condition.
func (c Condition) String() string {
	var parts []string
	list := func(key string, vs []string) {
		if len(vs) > 0 {
			parts = append(parts, fmt.Sprintf("%s [%s]", key, strings.Join(vs, ", ")))
		}
	}
	list("type in", c.Type)
	list("type not in", c.TypeNot)
	list("industry in", c.Industry)
	list("industry not in", c.IndustryNot)
	if c.IndustryList != "" {
		parts = append(parts, "industry in list "+c.IndustryList)
	}
	if c.IndustryNotList != "" {
		parts = append(parts, "industry not in list "+c.IndustryNotList)
	}
	for _, k := range sortedKeys(c.Flags) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, c.Flags[k]))
	}
	list("unless", c.UnlessFlags)
	for _, k := range sortedKeys(c.ZoneAttr) {
		parts = append(parts, fmt.Sprintf("zone.%s in [%s]", k, strings.Join(c.ZoneAttr[k], ", ")))
	}
	if m := c.AlsoIntersects; m != nil {
		s := "also intersects " + string(m.Kind)
		if len(m.Classes) > 0 {
			s += " " + strings.Join(m.Classes, "|")
		}
		if len(m.Layers) > 0 {
			s += " (layers " + strings.Join(m.Layers, ", ") + ")"
		}
		parts = append(parts, s)
	}
	if c.Clauses != "" {
		parts = append(parts, "clauses "+c.Clauses)
	}
	if len(c.Any) > 0 {
		var alts []string
		for _, a := range c.Any {
			alts = append(alts, a.String())
		}
		parts = append(parts, "("+strings.Join(alts, " or ")+")")
	}
	if len(parts) == 0 {
		return "always"
	}
	return strings.Join(parts, " and ")
}
