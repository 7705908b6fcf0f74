package render

import (
	"regexp"
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

// from names a zones label in the report's language.
func from(z zones.Label) text { return text{z.Zh, z.En} }

// factValues say how each project fact's value reads; the facts themselves, their
// names and the questions that ask for them are zones.Facts.
var factValues = map[string]func(p zones.Project, l labels) string{
	"name":                  func(p zones.Project, l labels) string { return l.given(p.Name) },
	"type":                  func(p zones.Project, l labels) string { return l.given(l.projectType(p.Type)) },
	"industry":              industryValue,
	"construction":          constructionValue,
	"discharges_pollutants": flagValue(func(p zones.Project) *bool { return p.DischargesPollutants }),
	"has_outfall":           flagValue(func(p zones.Project) *bool { return p.HasOutfall }),
	"high_energy":           highEnergyValue,
	"national_major":        flagValue(func(p zones.Project) *bool { return p.NationalMajor }),
	"original_residents":    flagValue(func(p zones.Project) *bool { return p.OriginalResidents }),
	"approval_refs": func(p zones.Project, l labels) string {
		return l.given(strings.Join(p.ApprovalRefs, l.ListSep))
	},
	"in_industrial_park": flagValue(func(p zones.Project) *bool { return p.InIndustrialPark }),
	"park_planning_eia": func(p zones.Project, l labels) string {
		return l.document(p.ParkPlanningEIA)
	},
}

var verdicts = map[zones.Verdict]text{
	zones.Prohibited:  {"禁止", "Prohibited"},
	zones.NeedsInfo:   {"需补充信息", "Needs information"},
	zones.Conditional: {"有条件准入", "Conditional"},
	zones.Admissible:  {"可准入", "Admissible"},
}

// labels are the fixed words of the HTML report in one language, as the template
// reads them.
type labels struct {
	lang Lang
	Lang, Title, Project, Verdict, Governing, Map, Intersections, ZoneCode, ZoneName, Layer, Class,
	Extent, Share, ZoneVerdict, Rules, Source, Unverified, Clauses, Nearby,
	Distance, Dataset, Version, ReportID, Created, Footprint, Area, Length, CRS, Repaired, Warnings,
	NoMap, Yes, No, Unknown, FootprintLegend, OverlapLegend, NearbyLegend, Disclaimer, Field, Value,
	NoIntersections, Derived, AreaFormat string
	SpatialLayout, PollutantEmission, EnvironmentalRisk, ResourceEfficiency string
	// formats of the extent of a footprint or an overlap
	GeomKind, Polygonal, Lineal, Puntal, Mixed, PointsCount, PointsFormat, PointsInside, Crossings string
	// needs_info: what to supply, once for the report
	ToSupply, ToSupplyIntro, MissingRef, UnlessApproved, UnlessApprovedNote string
	ProjectRules, Sites, Notes, ListSep, NewByDefault, None                 string
	Park, ParkSource, ParkFromLayer, ParkDeclared, ParkInside, ParkShare, ParkName, ParkLevel,
	ParkEIA, ParkIndustries, ParkLeading, ParkNone, NotListed string
	Boundary, BoundaryIntro, BoundaryDistance, BoundarySide, Inside, Outside, ChangesVerdict, BoundaryNotice string
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
		Extent:          t("涉及范围", "Overlap"),
		Share:           t("占项目比例", "Share of footprint"),
		ZoneVerdict:     t("结论", "Verdict"),
		Rules:           t("适用规则及法律依据", "Rules and legal sources"),
		Source:          t("依据", "Source"),
		Unverified:      t("条文未经官方文本核对", "wording not checked against the official text"),
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

		GeomKind:     t("几何类型", "Geometry"),
		Polygonal:    t("面（用地范围）", "area (polygon)"),
		Lineal:       t("线（线性工程）", "line"),
		Puntal:       t("点位", "points"),
		Mixed:        t("面、线、点混合", "mixed areas, lines and points"),
		PointsCount:  t("点位数", "Points"),
		PointsFormat: t("%d 个", "%d"),
		PointsInside: t("%d 个点位在区内", "%d points inside"),
		Crossings:    t("穿越 %d 次", "crosses %d times"),

		ToSupply:      t("需补充的信息", "Information to supply"),
		ToSupplyIntro: t("缺少下列信息，相关规则无法判定。请补充后重新核查：", "Some rules could not be decided without these facts. Supply them and check again:"),
		MissingRef:    t("待补充信息（见“需补充的信息”第 %s 项）", "needs information (items %s of “Information to supply”)"),
		UnlessApproved: t("未经批准即禁止",
			"Prohibited unless approved"),
		UnlessApprovedNote: t("国家重大项目：除经不可避让论证并依法批准外禁止。须提供不可避让论证意见及国务院或有关部门的批准文件（文号），并核对其范围与本选址一致。",
			"National major project: prohibited unless its unavoidable siting was assessed and lawfully approved. Give the assessment and the State Council's or ministry's approval (document numbers), and check that they cover this site."),
		ProjectRules: t("全项目规则", "Project-wide rules"),
		Sites:        t("涉及地块", "Sites"),
		Notes:        t("说明", "Notes (in Chinese)"),
		ListSep:      t("；", "; "),
		NewByDefault: t("未提供（按新建）", "not given (read as new)"),
		None:         t("无", "none"),

		Park:           t("工业园区", "Industrial park"),
		ParkSource:     t("判定依据", "Decided from"),
		ParkFromLayer:  t("数据集工业园区图层", "the dataset's industrial park layers"),
		ParkDeclared:   t("项目申报（数据集无工业园区图层）", "the project's declaration (the dataset has no industrial park layer)"),
		ParkInside:     t("位于园区内", "In a park"),
		ParkShare:      t("园区覆盖项目比例", "Share of the footprint in parks"),
		ParkName:       t("园区名称", "Park"),
		ParkLevel:      t("级别", "Level"),
		ParkEIA:        t("规划环评审查文号", "Planning-EIA review"),
		ParkIndustries: t("主导产业", "Leading industries"),
		ParkLeading:    t("主导产业含本项目行业", "Includes the project's industry"),
		ParkNone:       t("项目用地不在数据集所列工业园区内。", "The footprint lies in no park of the dataset."),
		NotListed:      t("未列", "not listed"),

		Boundary:         t("边界复核", "Boundary review"),
		BoundaryIntro:    t("下列区域的边界距项目范围不足 %s m（管控区边界按 1:10,000 比例尺数字化，位置误差可达数米）：", "These zones' boundaries lie within %s m of the footprint (zones digitised from 1:10,000 maps are uncertain by metres):"),
		BoundaryDistance: t("距边界（m）", "To boundary (m)"),
		BoundarySide:     t("项目位于区域", "Footprint"),
		Inside:           t("内", "inside"),
		Outside:          t("外", "outside"),
		ChangesVerdict:   t("影响结论", "Changes the verdict"),
		BoundaryNotice: t("须进行边界复核：项目范围距下列管控区边界不足 %s m，边界位置的误差可能改变本报告结论。请以实测界址或主管部门核定的边界复核后再作判断。",
			"Boundary review needed: the footprint lies within %s m of the boundaries below, and an error of a few metres there could change this report's verdict. Check against surveyed or officially confirmed boundaries before relying on it."),
	}
}

func (l labels) verdict(v zones.Verdict) string {
	if t, ok := verdicts[v]; ok {
		return t.in(l.lang)
	}
	return string(v)
}

// named is the name of a code in the report's language, or the code itself when
// zones has none (a dataset's own class, a value newer than the table).
func (l labels) named(z zones.Label, ok bool, raw string) string {
	if !ok {
		return raw
	}
	return from(z).in(l.lang)
}

func (l labels) kind(k zones.Kind) string {
	z, ok := zones.KindName(k)
	return l.named(z, ok, string(k))
}

func (l labels) projectType(t string) string {
	z, ok := zones.TypeName(t)
	return l.named(z, ok, t)
}

func (l labels) class(k zones.Kind, class string) string {
	z, ok := zones.ClassName(k, class)
	return l.named(z, ok, class)
}

// fact is the name of a project fact, and ask the question that asks for it.
func (l labels) fact(field string) string {
	f, ok := zones.FactOf(field)
	return l.named(f.Label, ok, field)
}

func (l labels) ask(field string) string {
	f, ok := zones.FactOf(field)
	return l.named(f.Ask, ok, field)
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

// constructionValue names the construction; absent reads as new, as the rules
// read it.
func constructionValue(p zones.Project, l labels) string {
	if p.Construction == "" {
		return l.NewByDefault
	}
	z, ok := zones.ConstructionName(p.Construction)
	return l.named(z, ok, p.Construction)
}

// document is a declared document number: not given, none ("" declared), or it.
func (l labels) document(s *string) string {
	switch {
	case s == nil:
		return l.Unknown
	case strings.TrimSpace(*s) == "":
		return l.None
	}
	return *s
}

// plainWords is a token of the report's own vocabulary — a project fact, as
// `fact` or `fact=true`, or a verdict — standing alone in a note or warning (rule
// ids like redline.national_major are one token and stay as they are).
var plainWords = regexp.MustCompile(`[A-Za-z0-9_.]+(=(true|false))?`)

// plain puts the report's own words of a note into the report's language: the
// rule engine's notes name facts by their fields (high_energy=true) and verdicts by
// their codes, which no reviewer should have to read.
func (l labels) plain(s string) string {
	return plainWords.ReplaceAllStringFunc(s, func(tok string) string {
		name, val, hasVal := strings.Cut(tok, "=")
		if f, ok := zones.FactOf(name); ok {
			// a flag's name asks (是否设置排污口); in a sentence it names
			fact := from(f.Noun()).in(l.lang)
			if !hasVal {
				return fact
			}
			b := val == "true"
			return fact + map[Lang]string{Chinese: "：", English: ": "}[l.lang] + l.flag(&b)
		}
		if v := zones.Verdict(tok); v.Valid() {
			return l.verdict(v)
		}
		return tok
	})
}
