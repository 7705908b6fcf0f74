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

// factLabels are the Chinese names of the project facts, by JSON field name: how a
// reviewer asks for them.
var factLabels = map[string]string{
	"name":                  "项目名称",
	"type":                  "项目类型",
	"industry":              "国民经济行业代码（GB/T 4754-2017）",
	"construction":          "建设性质（新建、扩建、改建或既有）",
	"discharges_pollutants": "是否排放污染物",
	"has_outfall":           "是否设置排污口",
	"high_energy":           "是否属于高耗能、高排放（两高）项目",
	"national_major":        "是否属于国家重大项目",
	"original_residents":    "是否为原住居民既有的生产生活活动",
	"approval_refs":         "不可避让论证意见及国务院或有关部门的批准文件",
	"in_industrial_park":    "是否位于依法设立的工业园区内",
	"park_planning_eia":     "所在园区规划环评审查意见文号（无则说明无）",
}

// FactLabel returns the Chinese name of a project fact (a JSON field name of
// Project, as RuleHit.Missing and Report.Missing name them); the name itself when
// it has none.
func FactLabel(fact string) string {
	if s, ok := factLabels[fact]; ok {
		return s
	}
	return fact
}

var typeLabels = map[string]string{
	"industrial":             "工业",
	"linear_infrastructure":  "线性基础设施",
	"mining":                 "矿产资源勘查开采",
	"tourism":                "旅游",
	"residential":            "居住",
	"agriculture":            "农业（种植、养殖、放牧）",
	"water_supply":           "供水",
	"research_monitoring":    "科研、调查监测",
	"ecological_restoration": "生态保护修复",
	"forestry":               "林业（抚育采伐、树种更新）",
	"defense":                "军事国防、边境设施",
	"disaster_prevention":    "防灾减灾救灾",
	"archaeology":            "考古、文物保护",
	"other":                  "其他",
}

// TypeLabel returns the Chinese name of a project type.
func TypeLabel(t string) string {
	if s, ok := typeLabels[t]; ok {
		return s
	}
	return t
}

var constructionLabels = map[string]string{"new": "新建", "expansion": "扩建", "reconstruction": "改建", "existing": "既有（维持现状）"}

var parkLabels = map[string]string{
	"inside":               "位于工业园区内",
	"outside":              "不在工业园区内",
	"no_planning_eia":      "位于未通过规划环评的工业园区内",
	"planning_eia":         "位于已通过规划环评的工业园区内",
	"industry_not_leading": "位于主导产业不包括本项目行业的工业园区内",
	"industry_leading":     "位于主导产业包括本项目行业的工业园区内",
}

var kindLabels = map[Kind]string{
	KindRedline: "生态保护红线", KindECU: "环境管控单元", KindQinling: "秦岭生态环境保护范围",
	KindNatureReserve: "自然保护区", KindNationalPark: "国家公园", KindWaterSource: "饮用水水源保护区",
	KindIndustrialPark: "工业园区", KindCustom: "自定义图层", KindAny: "所有相交区域", KindProject: "全项目",
}

// KindLabel returns the Chinese name of a layer kind (or of any / project).
func KindLabel(k Kind) string {
	if s, ok := kindLabels[k]; ok {
		return s
	}
	return string(k)
}

var classLabels = map[Kind]map[string]string{
	KindRedline:        {"redline": "生态保护红线"},
	KindECU:            {"priority": "优先保护单元", "key": "重点管控单元", "general": "一般管控单元"},
	KindQinling:        {"core": "核心保护区", "key": "重点保护区", "general": "一般保护区"},
	KindNatureReserve:  {"core": "核心区/核心保护区", "buffer": "缓冲区（旧三区）", "experimental": "实验区（旧三区）", "general_control": "一般控制区"},
	KindNationalPark:   {"core": "核心保护区", "general_control": "一般控制区"},
	KindWaterSource:    {"level1": "一级保护区", "level2": "二级保护区", "quasi": "准保护区"},
	KindIndustrialPark: {"national": "国家级", "provincial": "省级", "other": "其他"},
}

// ClassLabel returns the Chinese name of a canonical zone class of kind k.
func ClassLabel(k Kind, class string) string {
	if s, ok := classLabels[k][class]; ok {
		return s
	}
	return class
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
		add("建设性质为%s（未申报的按新建）", labels(c.Construction, func(s string) string { return constructionLabels[s] }))
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
			return strings.TrimPrefix(strings.TrimPrefix(FactLabel(s), "是否属于"), "是否")
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
