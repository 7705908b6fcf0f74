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
	list("construction in", c.Construction)
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
	if c.Approval != "" {
		parts = append(parts, "approval "+c.Approval)
	}
	if c.Park != "" {
		parts = append(parts, "park "+c.Park)
	}
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
	list("unless rules", c.UnlessRules)
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

var parkLabels = map[string]string{
	"inside":               "位于工业园区内",
	"outside":              "不在工业园区内",
	"no_planning_eia":      "位于未通过规划环评的工业园区内",
	"planning_eia":         "位于已通过规划环评的工业园区内",
	"industry_not_leading": "位于主导产业不包括本项目行业的工业园区内",
	"industry_leading":     "位于主导产业包括本项目行业的工业园区内",
}

func labels(vs []string, f func(string) string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = f(v)
	}
	return strings.Join(out, "、")
}

// Describe renders the condition in Chinese words, for the rule documentation: what
// must hold of the project and the zone for the rule to fire.
func (c Condition) Describe() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	quoted := func(t string) string { return "「" + TypeLabel(t) + "」" }
	if len(c.Type) > 0 {
		add("项目类型为%s", labels(c.Type, quoted))
	}
	if len(c.TypeNot) > 0 {
		add("项目类型不是%s", labels(c.TypeNot, quoted))
	}
	if len(c.Construction) > 0 {
		add("建设性质为%s（未申报的按新建）", labels(c.Construction, func(s string) string { return constructionLabels[s].Zh }))
	}
	if len(c.Industry) > 0 {
		add("行业代码属于 %s", strings.Join(c.Industry, "、"))
	}
	if len(c.IndustryNot) > 0 {
		add("行业代码不属于 %s", strings.Join(c.IndustryNot, "、"))
	}
	if c.IndustryList != "" {
		add("行业代码列于产业清单 %s", c.IndustryList)
	}
	if c.IndustryNotList != "" {
		add("行业代码未列于产业清单 %s", c.IndustryNotList)
	}
	for _, k := range sortedKeys(c.Flags) {
		add("%s：%s", FactLabel(k), map[bool]string{true: "是", false: "否"}[c.Flags[k]])
	}
	if len(c.UnlessFlags) > 0 {
		add("并非%s（未申报的视为否）", labels(c.UnlessFlags, func(s string) string {
			if f, ok := FactOf(s); ok {
				return f.Noun().Zh
			}
			return s
		}))
	}
	switch c.Approval {
	case "present":
		add("已提供%s（国家重大项目未提供的需补充）", FactLabel("approval_refs"))
	case "absent":
		add("未提供%s", FactLabel("approval_refs"))
	}
	if c.Park != "" {
		add("%s", parkLabels[c.Park])
	}
	for _, k := range sortedKeys(c.ZoneAttr) {
		add("区域属性 %s 为 %s", k, strings.Join(c.ZoneAttr[k], "、"))
	}
	if m := c.AlsoIntersects; m != nil {
		what := "另一相交区域"
		if m.Kind != "" && m.Kind != KindAny {
			what = KindLabel(m.Kind)
		}
		if len(m.Classes) > 0 {
			what += labels(m.Classes, func(s string) string { return ClassLabel(m.Kind, s) })
		}
		if len(m.Layers) > 0 {
			what += "（图层 " + strings.Join(m.Layers, "、") + "）"
		}
		add("用地范围内与%s重叠", what)
	}
	switch c.Clauses {
	case "present":
		add("单元附有生态环境准入清单条款")
	case "absent":
		add("数据集未提供单元准入清单条款")
	}
	if len(c.UnlessRules) > 0 {
		add("不属于规则 %s 所列情形", strings.Join(c.UnlessRules, "、"))
	}
	if len(c.Any) > 0 {
		var alts []string
		for _, a := range c.Any {
			alts = append(alts, a.Describe())
		}
		add("满足下列之一：%s", "（"+strings.Join(alts, "）或（")+"）")
	}
	if len(parts) == 0 {
		return "无条件"
	}
	return strings.Join(parts, "，且")
}
