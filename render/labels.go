package render

import (
	"strings"

	"github.com/redline-gis/redline/zones"
)

// text is one phrase of the report in both languages. Every phrase is written as a
// pair, so that neither language can lack a word the other has.
type text struct{ zh, en string }

func (t text) in(l Lang) string {
	if l == English {
		return t.en
	}
	return t.zh
}

// fact is a project fact the report shows: its field (the JSON name in
// zones.Project, which rules test and needs_info names), its label, and how its
// value reads.
type fact struct {
	field string
	label text
	value func(p zones.Project, l labels) string
}

// facts are the project facts of the report's project table, in the order shown.
// A fact added to zones.Project gets one line here, and this is the table to name
// a rule's missing facts from.
var facts = []fact{
	{"name", text{"项目名称", "Name"}, func(p zones.Project, l labels) string { return l.given(p.Name) }},
	{"type", text{"项目类型", "Type"}, func(p zones.Project, l labels) string { return l.given(l.projectType(p.Type)) }},
	{"industry", text{"行业（GB/T 4754-2017）", "Industry (GB/T 4754-2017)"}, industryValue},
	{"discharges_pollutants", text{"排放污染物", "discharges pollutants"}, flagValue(func(p zones.Project) *bool { return p.DischargesPollutants })},
	{"has_outfall", text{"设置排污口", "has an outfall"}, flagValue(func(p zones.Project) *bool { return p.HasOutfall })},
	{"high_energy", text{"两高项目", "high energy use / high emission (两高)"}, highEnergyValue},
	{"national_major", text{"国家重大项目", "national major project"}, flagValue(func(p zones.Project) *bool { return p.NationalMajor })},
}

// projectTypes name the values of zones.Project.Type (zones.ProjectTypes, and
// those DESIGN.md adds for issue 11, so that they read in both languages as soon
// as the domain accepts them).
var projectTypes = map[string]text{
	"industrial":             {"工业", "industrial"},
	"linear_infrastructure":  {"线性基础设施", "linear infrastructure"},
	"mining":                 {"采矿", "mining"},
	"tourism":                {"旅游", "tourism"},
	"residential":            {"居住（房地产）", "residential"},
	"agriculture":            {"农业", "agriculture"},
	"water_supply":           {"供水", "water supply"},
	"research_monitoring":    {"科研监测", "research / monitoring"},
	"ecological_restoration": {"生态修复", "ecological restoration"},
	"forestry":               {"林业", "forestry"},
	"defense":                {"国防（军事、边防）", "defence (military and border)"},
	"disaster_prevention":    {"防灾减灾", "disaster prevention"},
	"archaeology":            {"考古", "archaeology"},
	"other":                  {"其他", "other"},
}

var verdicts = map[zones.Verdict]text{
	zones.Prohibited:  {"禁止", "Prohibited"},
	zones.NeedsInfo:   {"需补充信息", "Needs information"},
	zones.Conditional: {"有条件准入", "Conditional"},
	zones.Admissible:  {"可准入", "Admissible"},
}

// kindIndustrialPark is the layer kind issue 11 adds (DESIGN.md); named here until
// zones declares it.
const kindIndustrialPark zones.Kind = "industrial_park"

var kinds = map[zones.Kind]text{
	zones.KindRedline:       {"生态保护红线", "Ecological protection red line"},
	zones.KindECU:           {"环境管控单元", "Environmental control unit"},
	zones.KindQinling:       {"秦岭保护区", "Qinling protection zone"},
	zones.KindNatureReserve: {"自然保护区", "Nature reserve"},
	zones.KindNationalPark:  {"国家公园", "National park"},
	zones.KindWaterSource:   {"饮用水水源保护区", "Drinking-water source protection zone"},
	kindIndustrialPark:      {"产业园区", "Industrial park"},
	zones.KindCustom:        {"自定义图层", "Custom layer"},
}

// classes name the canonical classes of each kind (zones.Kind.Classes); a custom
// layer's classes are the dataset's own words and show as they are.
var classes = map[zones.Kind]map[string]text{
	zones.KindRedline:       {"redline": {"生态保护红线", "red line"}},
	zones.KindECU:           {"priority": {"优先保护单元", "priority protection"}, "key": {"重点管控单元", "key control"}, "general": {"一般管控单元", "general control"}},
	zones.KindQinling:       {"core": {"核心保护区", "core protection"}, "key": {"重点保护区", "key protection"}, "general": {"一般保护区", "general protection"}},
	zones.KindNatureReserve: {"core": {"核心区（核心保护区）", "core"}, "buffer": {"缓冲区", "buffer"}, "experimental": {"实验区", "experimental"}, "general_control": {"一般控制区", "general control"}},
	zones.KindNationalPark:  {"core": {"核心保护区", "core protection"}, "general_control": {"一般控制区", "general control"}},
	zones.KindWaterSource:   {"level1": {"一级保护区", "level 1"}, "level2": {"二级保护区", "level 2"}, "quasi": {"准保护区", "quasi-protection"}},
	kindIndustrialPark:      {"national": {"国家级园区", "national"}, "provincial": {"省级园区", "provincial"}, "other": {"其他园区", "other"}},
}

// labels are the fixed words of the HTML report in one language, as the template
// reads them.
type labels struct {
	lang Lang
	Lang, Title, Project, Verdict, Governing, Map, Intersections, ZoneCode, ZoneName, Layer, Class,
	OverlapM2, OverlapHa, Share, ZoneVerdict, Rules, Source, Unverified, Missing, Clauses, Nearby,
	Distance, Dataset, Version, ReportID, Created, Footprint, Area, Length, CRS, Repaired, Warnings,
	NoMap, Yes, No, Unknown, FootprintLegend, OverlapLegend, NearbyLegend, Disclaimer, Field, Value,
	NoIntersections, Derived, AreaFormat string
	SpatialLayout, PollutantEmission, EnvironmentalRisk, ResourceEfficiency string
}

func labelsFor(lang Lang) labels {
	if lang != English {
		lang = Chinese
	}
	t := func(zh, en string) string { return text{zh, en}.in(lang) }
	return labels{
		lang:            lang,
		Lang:            t("zh-CN", "en"),
		Title:           t("生态环境分区管控符合性分析报告", "Ecological zoning conflict report"),
		Project:         t("项目信息", "Project"),
		Verdict:         t("总体结论", "Overall verdict"),
		Governing:       t("决定性规则", "Governing rule"),
		Map:             t("位置图", "Map"),
		Intersections:   t("涉及管控区域", "Zones touched"),
		ZoneCode:        t("区域编码", "Zone code"),
		ZoneName:        t("区域名称", "Zone name"),
		Layer:           t("图层", "Layer"),
		Class:           t("类别", "Class"),
		OverlapM2:       t("重叠面积（m²）", "Overlap (m²)"),
		OverlapHa:       t("重叠面积（公顷）", "Overlap (ha)"),
		Share:           t("占项目比例", "Share of footprint"),
		ZoneVerdict:     t("结论", "Verdict"),
		Rules:           t("适用规则及法律依据", "Rules and legal sources"),
		Source:          t("依据", "Source"),
		Unverified:      t("条文未经官方文本核对", "wording not checked against the official text"),
		Missing:         t("缺少信息", "missing facts"),
		Clauses:         t("生态环境准入清单条款（原文）", "Access-list clauses (verbatim)"),
		Nearby:          t("周边区域（未相交）", "Zones nearby (not touched)"),
		Distance:        t("距离（m）", "Distance (m)"),
		Dataset:         t("数据集", "Dataset"),
		Version:         t("版本", "version"),
		ReportID:        t("报告编号", "Report id"),
		Created:         t("生成时间", "Created"),
		Footprint:       t("项目范围", "Footprint"),
		Area:            t("面积", "Area"),
		AreaFormat:      t("%s m²（%s 公顷）", "%s m² (%s ha)"),
		Length:          t("长度", "Length"),
		CRS:             t("输入坐标系", "Input CRS"),
		Repaired:        t("已修复", "repaired"),
		Warnings:        t("警告", "Warnings"),
		NoMap:           t("无可绘制的几何。", "No geometry to draw."),
		Yes:             t("是", "yes"),
		No:              t("否", "no"),
		Unknown:         t("未提供", "not given"),
		FootprintLegend: t("项目范围", "footprint"),
		OverlapLegend:   t("重叠部分", "overlap"),
		NearbyLegend:    t("周边区域", "nearby zone"),
		Field:           t("项目", "Field"),
		Value:           t("内容", "Value"),
		Derived:         t("（按行业代码推定）", " (derived from the industry code)"),
		NoIntersections: t("项目范围未涉及数据集中的任何管控区域。", "The footprint touches no zone of the dataset."),
		Disclaimer: t("本报告由 redline 依据下列数据集自动分析生成，供初步筛查参考，不替代主管部门的审查意见。",
			"Screening result computed by redline from the dataset named below. It does not replace the competent authority's review."),
		SpatialLayout:      t("空间布局约束", "Spatial layout"),
		PollutantEmission:  t("污染物排放管控", "Pollutant emission"),
		EnvironmentalRisk:  t("环境风险防控", "Environmental risk"),
		ResourceEfficiency: t("资源利用效率", "Resource efficiency"),
	}
}

// lookup names key from table, or shows the key itself when the table lacks it
// (a dataset's own class, a value newer than this table).
func lookup[K comparable](table map[K]text, key K, l Lang, raw string) string {
	if t, ok := table[key]; ok {
		return t.in(l)
	}
	return raw
}

func (l labels) verdict(v zones.Verdict) string { return lookup(verdicts, v, l.lang, string(v)) }
func (l labels) kind(k zones.Kind) string       { return lookup(kinds, k, l.lang, string(k)) }
func (l labels) projectType(t string) string    { return lookup(projectTypes, t, l.lang, t) }
func (l labels) class(k zones.Kind, class string) string {
	return lookup(classes[k], class, l.lang, class)
}

// given is s, or the word for a fact not given.
func (l labels) given(s string) string {
	if s == "" {
		return l.Unknown
	}
	return s
}

func (l labels) flag(b *bool) string {
	switch {
	case b == nil:
		return l.Unknown
	case *b:
		return l.Yes
	}
	return l.No
}

func flagValue(get func(zones.Project) *bool) func(zones.Project, labels) string {
	return func(p zones.Project, l labels) string { return l.flag(get(p)) }
}

// industryValue shows the code in letter form with the names of its section and
// division, when the code is well formed.
func industryValue(p zones.Project, l labels) string {
	c, err := zones.NormalizeIndustry(p.Industry)
	if err != nil {
		return l.given(p.Industry)
	}
	var names []string
	if n := zones.IndustryName(c[:1], nil); n != "" {
		names = append(names, c[:1]+" "+n)
	}
	if len(c) >= 3 {
		if n := zones.IndustryName(c[:3], nil); n != "" {
			names = append(names, c[:3]+" "+n)
		}
	}
	if len(names) > 0 {
		c += "（" + strings.Join(names, " › ") + "）"
	}
	return c
}

// highEnergyValue shows the 两高 flag, or when it is absent what the industry code
// says.
func highEnergyValue(p zones.Project, l labels) string {
	if p.HighEnergy != nil {
		return l.flag(p.HighEnergy)
	}
	v, known, _ := zones.HighEnergy(p)
	switch {
	case !known:
		return l.Unknown
	case v:
		return l.Unknown + " → " + l.Yes + l.Derived
	}
	return l.Unknown + " → " + l.No + l.Derived
}
