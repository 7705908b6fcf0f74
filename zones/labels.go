package zones

import "strings"

// The one table of names a person reads for the domain's codes: project facts,
// project types, constructions, layer kinds and canonical classes, in Chinese and
// English. The rule documentation (Describe, docs/rules.md), the HTML report
// (package render) and the web form (package api) all name things from here, so a
// fact added to Project gets its words once.

// Label is a name in both report languages.
type Label struct{ Zh, En string }

// Fact is a project fact as people read it: its Project field (the JSON name that
// rules test and needs_info names), its name, and how a reviewer asks for it when
// it is missing.
type Fact struct {
	Field string
	Label Label
	Ask   Label
}

// Facts are the fields of Project, in the order a report shows them.
var Facts = []Fact{
	{"name", Label{"项目名称", "Name"},
		Label{"请提供项目名称。", "Give the project's name."}},
	{"type", Label{"项目类型", "Project type"},
		Label{"请说明项目类型（如工业、采矿、旅游、生态保护修复、科研监测等）。", "Say what kind of project it is (industrial, mining, tourism, ecological restoration, monitoring, …)."}},
	{"industry", Label{"国民经济行业代码（GB/T 4754-2017）", "Industry (GB/T 4754-2017)"},
		Label{"请提供项目的国民经济行业代码（GB/T 4754-2017，细化到小类，如 C2614）。", "Give the project's GB/T 4754-2017 industry code, down to the class (e.g. C2614)."}},
	{"construction", Label{"建设性质（新建、扩建、改建或既有）", "Construction (new, expansion, reconstruction or existing)"},
		Label{"请说明建设性质：新建、扩建、改建，或为维持现状的既有活动。", "Say whether the project is new work, an expansion, a reconstruction, or an existing activity carried on as it is."}},
	{"discharges_pollutants", Label{"是否排放污染物", "Discharges pollutants"},
		Label{"请说明项目建设和运行中是否排放污染物（废水、废气、固体废物等）。", "Say whether the project discharges pollutants (wastewater, emissions, solid waste) in construction or operation."}},
	{"has_outfall", Label{"是否设置排污口", "Has an outfall"},
		Label{"请说明项目是否设置入河排污口。", "Say whether the project sets up an outfall into a river or lake."}},
	{"high_energy", Label{"是否属于高耗能、高排放（两高）项目", "High energy use, high emission project (两高)"},
		Label{"请说明项目是否属于高耗能、高排放（两高）项目，或提供细化到小类的行业代码以便判定。", "Say whether the project is a high energy use, high emission (两高) project, or give its industry class so that it can be derived."}},
	{"national_major", Label{"是否属于国家重大项目", "National major project"},
		Label{"请说明项目是否属于国家重大项目（党中央、国务院批准或规划确定的项目）。", "Say whether the project is a national major project (approved or planned by the central government)."}},
	{"original_residents", Label{"是否为原住居民既有的生产生活活动", "Original residents' existing living and production"},
		Label{"请说明该活动是否为原住居民在现有规模内的既有生产生活活动（不扩大现有建设用地和耕地规模）。", "Say whether the activity is the original residents' existing living and production, kept within its present extent."}},
	{"approval_refs", Label{"不可避让论证意见及国务院或有关部门的批准文件", "Approvals of the unavoidable siting"},
		Label{"请提供国家重大项目不可避让论证及批准文件（文号）。", "Give the documents (with their numbers) that approve the national major project's unavoidable siting."}},
	{"in_industrial_park", Label{"是否位于依法设立的工业园区内", "In a lawfully established industrial park"},
		Label{"请说明项目是否位于依法设立的工业园区（产业集聚区）内。", "Say whether the project lies in a lawfully established industrial park."}},
	{"park_planning_eia", Label{"所在园区规划环评审查意见文号（无则说明无）", "The park plan's planning-EIA review document"},
		Label{"请提供所在园区规划环评审查意见的文号；园区未开展规划环评的，请说明“无”。", "Give the number of the park plan's planning-EIA review opinion, or say that there is none."}},
}

// Noun is the fact's name as a sentence names it: a flag's name asks
// (是否设置排污口), its noun states (设置排污口). The English names already state.
func (f Fact) Noun() Label {
	return Label{strings.TrimPrefix(strings.TrimPrefix(f.Label.Zh, "是否属于"), "是否"), f.Label.En}
}

// FactOf returns the fact of a Project JSON field name.
func FactOf(field string) (Fact, bool) {
	for _, f := range Facts {
		if f.Field == field {
			return f, true
		}
	}
	return Fact{}, false
}

// FactLabel returns the Chinese name of a project fact (a JSON field name of
// Project, as RuleHit.Missing and Report.Missing name them); the name itself when
// it has none.
func FactLabel(field string) string {
	if f, ok := FactOf(field); ok {
		return f.Label.Zh
	}
	return field
}

var typeLabels = map[string]Label{
	"industrial":             {"工业", "industrial"},
	"linear_infrastructure":  {"线性基础设施", "linear infrastructure"},
	"mining":                 {"矿产资源勘查开采", "mineral exploration and mining"},
	"tourism":                {"旅游", "tourism"},
	"residential":            {"居住", "residential"},
	"agriculture":            {"农业（种植、养殖、放牧）", "agriculture (farming, husbandry, grazing)"},
	"water_supply":           {"供水", "water supply"},
	"research_monitoring":    {"科研、调查监测", "research, survey and monitoring"},
	"ecological_restoration": {"生态保护修复", "ecological restoration"},
	"forestry":               {"林业（抚育采伐、树种更新）", "forestry (tending, felling, regeneration)"},
	"defense":                {"军事国防、边境设施", "defence and border facilities"},
	"disaster_prevention":    {"防灾减灾救灾", "disaster prevention and relief"},
	"archaeology":            {"考古、文物保护", "archaeology and heritage protection"},
	"other":                  {"其他", "other"},
}

// TypeName returns the name of a project type (ProjectTypes).
func TypeName(t string) (Label, bool) {
	l, ok := typeLabels[t]
	return l, ok
}

// TypeLabel returns the Chinese name of a project type.
func TypeLabel(t string) string { return zhOr(typeLabels[t], t) }

var constructionLabels = map[string]Label{
	"new":            {"新建", "new"},
	"expansion":      {"扩建", "expansion"},
	"reconstruction": {"改建", "reconstruction"},
	"existing":       {"既有（维持现状）", "existing (carried on as it is)"},
}

// ConstructionName returns the name of a construction (Constructions).
func ConstructionName(c string) (Label, bool) {
	l, ok := constructionLabels[c]
	return l, ok
}

var kindLabels = map[Kind]Label{
	KindRedline:        {"生态保护红线", "Ecological protection red line"},
	KindECU:            {"环境管控单元", "Environmental control unit"},
	KindQinling:        {"秦岭生态环境保护范围", "Qinling protection area"},
	KindNatureReserve:  {"自然保护区", "Nature reserve"},
	KindNationalPark:   {"国家公园", "National park"},
	KindWaterSource:    {"饮用水水源保护区", "Drinking-water source protection zone"},
	KindIndustrialPark: {"工业园区", "Industrial park"},
	KindCustom:         {"自定义图层", "Custom layer"},
	KindAny:            {"所有相交区域", "every zone touched"},
	KindProject:        {"全项目", "the whole project"},
}

// KindName returns the name of a layer kind (or of any / project).
func KindName(k Kind) (Label, bool) {
	l, ok := kindLabels[k]
	return l, ok
}

// KindLabel returns the Chinese name of a layer kind (or of any / project).
func KindLabel(k Kind) string { return zhOr(kindLabels[k], string(k)) }

// classLabels name the canonical classes of each kind (Kind.Classes); a custom
// layer's classes are the dataset's own words.
var classLabels = map[Kind]map[string]Label{
	KindRedline: {"redline": {"生态保护红线", "red line"}},
	KindECU: {"priority": {"优先保护单元", "priority protection"}, "key": {"重点管控单元", "key control"},
		"general": {"一般管控单元", "general control"}},
	KindQinling: {"core": {"核心保护区", "core protection"}, "key": {"重点保护区", "key protection"},
		"general": {"一般保护区", "general protection"}},
	KindNatureReserve: {"core": {"核心区/核心保护区", "core"}, "buffer": {"缓冲区（旧三区）", "buffer (three-zone scheme)"},
		"experimental": {"实验区（旧三区）", "experimental (three-zone scheme)"}, "general_control": {"一般控制区", "general control"}},
	KindNationalPark:   {"core": {"核心保护区", "core protection"}, "general_control": {"一般控制区", "general control"}},
	KindWaterSource:    {"level1": {"一级保护区", "level 1"}, "level2": {"二级保护区", "level 2"}, "quasi": {"准保护区", "quasi-protection"}},
	KindIndustrialPark: {"national": {"国家级", "national"}, "provincial": {"省级", "provincial"}, "other": {"其他", "other"}},
}

// ClassName returns the name of a canonical zone class of kind k.
func ClassName(k Kind, class string) (Label, bool) {
	l, ok := classLabels[k][class]
	return l, ok
}

// ClassLabel returns the Chinese name of a canonical zone class of kind k.
func ClassLabel(k Kind, class string) string { return zhOr(classLabels[k][class], class) }

// zhOr is l's Chinese, or raw when l is unset (a code newer than the table, a
// dataset's own class).
func zhOr(l Label, raw string) string {
	if l.Zh == "" {
		return raw
	}
	return l.Zh
}
