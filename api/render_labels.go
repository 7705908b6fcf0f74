package api

import "github.com/redline-gis/redline/zones"

// labels are the fixed words of the HTML report in one language.
type labels struct {
	Lang, Title, Project, Name, Type, Industry, Flags, Verdict, Governing, Map, Intersections,
	Zone, ZoneCode, ZoneName, Layer, Class, OverlapM2, OverlapHa, OverlapM, Share, ZoneVerdict,
	Rules, Rule, Source, Unverified, Missing, Clauses, Nearby, Distance, Notes, Dataset, Version,
	ReportID, Created, Footprint, Area, Length, CRS, Repaired, Warnings, None, NoMap, Yes, No,
	Unknown, Legend, FootprintLegend, OverlapLegend, NearbyLegend, Disclaimer, Field, Value,
	NoIntersections, Derived string
	SpatialLayout, PollutantEmission, EnvironmentalRisk, ResourceEfficiency string
	FlagNames                                                               map[string]string
	Verdicts                                                                map[zones.Verdict]string
	Types                                                                   map[string]string
	Kinds                                                                   map[zones.Kind]string
	Classes                                                                 map[zones.Kind]map[string]string
}

func labelsFor(lang string) labels {
	if lang == "en" {
		return labels{
			Lang: "en", Title: "Ecological zoning conflict report", Project: "Project", Name: "Name", Type: "Type",
			Industry: "Industry (GB/T 4754-2017)", Flags: "Declared facts", Verdict: "Overall verdict",
			Governing: "Governing rule", Map: "Map", Intersections: "Zones touched", Zone: "Zone",
			ZoneCode: "Zone code", ZoneName: "Zone name", Layer: "Layer", Class: "Class",
			OverlapM2: "Overlap (m²)", OverlapHa: "Overlap (ha)", OverlapM: "Overlap (m)", Share: "Share of footprint",
			ZoneVerdict: "Verdict", Rules: "Rules and legal sources", Rule: "Rule", Source: "Source",
			Unverified: "wording not checked against the official text", Missing: "missing facts",
			Clauses: "Access-list clauses (verbatim)", Nearby: "Zones nearby (not touched)", Distance: "Distance (m)",
			Notes: "Notes", Dataset: "Dataset", Version: "version", ReportID: "Report id", Created: "Created",
			Footprint: "Footprint", Area: "Area", Length: "Length", CRS: "Input CRS", Repaired: "repaired",
			Warnings: "Warnings", None: "none", NoMap: "No geometry to draw.", Yes: "yes", No: "no", Unknown: "not given",
			Legend: "Legend", FootprintLegend: "footprint", OverlapLegend: "overlap", NearbyLegend: "nearby zone",
			Field: "Field", Value: "Value", Derived: " (derived from the industry code)", NoIntersections: "The footprint touches no zone of the dataset.",
			Disclaimer:    "Screening result computed by redline from the dataset named below. It does not replace the competent authority's review.",
			SpatialLayout: "Spatial layout", PollutantEmission: "Pollutant emission", EnvironmentalRisk: "Environmental risk",
			ResourceEfficiency: "Resource efficiency",
			FlagNames: map[string]string{"discharges_pollutants": "discharges pollutants", "has_outfall": "has an outfall",
				"high_energy": "high energy use / high emission (两高)", "national_major": "national major project"},
			Verdicts: map[zones.Verdict]string{zones.Prohibited: "Prohibited", zones.NeedsInfo: "Needs information",
				zones.Conditional: "Conditional", zones.Admissible: "Admissible"},
			Types: map[string]string{"industrial": "industrial", "linear_infrastructure": "linear infrastructure",
				"mining": "mining", "tourism": "tourism", "residential": "residential", "agriculture": "agriculture",
				"water_supply": "water supply", "research_monitoring": "research / monitoring", "other": "other"},
			Kinds: map[zones.Kind]string{zones.KindRedline: "Ecological protection red line", zones.KindECU: "Environmental control unit",
				zones.KindQinling: "Qinling protection zone", zones.KindNatureReserve: "Nature reserve",
				zones.KindNationalPark: "National park", zones.KindWaterSource: "Drinking-water source protection zone",
				zones.KindCustom: "Custom layer"},
			Classes: map[zones.Kind]map[string]string{
				zones.KindRedline:       {"redline": "red line"},
				zones.KindECU:           {"priority": "priority protection", "key": "key control", "general": "general control"},
				zones.KindQinling:       {"core": "core protection", "key": "key protection", "general": "general protection"},
				zones.KindNatureReserve: {"core": "core", "buffer": "buffer", "experimental": "experimental", "general_control": "general control"},
				zones.KindNationalPark:  {"core": "core protection", "general_control": "general control"},
				zones.KindWaterSource:   {"level1": "level 1", "level2": "level 2", "quasi": "quasi-protection"},
			},
		}
	}
	return labels{
		Lang: "zh-CN", Title: "生态环境分区管控符合性分析报告", Project: "项目信息", Name: "项目名称", Type: "项目类型",
		Industry: "行业（GB/T 4754-2017）", Flags: "申报事项", Verdict: "总体结论", Governing: "决定性规则",
		Map: "位置图", Intersections: "涉及管控区域", Zone: "区域", ZoneCode: "区域编码", ZoneName: "区域名称",
		Layer: "图层", Class: "类别", OverlapM2: "重叠面积（m²）", OverlapHa: "重叠面积（公顷）", OverlapM: "重叠长度（m）",
		Share: "占项目比例", ZoneVerdict: "结论", Rules: "适用规则及法律依据", Rule: "规则", Source: "依据",
		Unverified: "条文未经官方文本核对", Missing: "缺少信息", Clauses: "生态环境准入清单条款（原文）",
		Nearby: "周边区域（未相交）", Distance: "距离（m）", Notes: "说明", Dataset: "数据集", Version: "版本",
		ReportID: "报告编号", Created: "生成时间", Footprint: "项目范围", Area: "面积", Length: "长度", CRS: "输入坐标系",
		Repaired: "已修复", Warnings: "警告", None: "无", NoMap: "无可绘制的几何。", Yes: "是", No: "否", Unknown: "未提供",
		Legend: "图例", FootprintLegend: "项目范围", OverlapLegend: "重叠部分", NearbyLegend: "周边区域",
		Field: "项目", Value: "内容", Derived: "（按行业代码推定）", NoIntersections: "项目范围未涉及数据集中的任何管控区域。",
		Disclaimer:    "本报告由 redline 依据下列数据集自动分析生成，供初步筛查参考，不替代主管部门的审查意见。",
		SpatialLayout: "空间布局约束", PollutantEmission: "污染物排放管控", EnvironmentalRisk: "环境风险防控",
		ResourceEfficiency: "资源利用效率",
		FlagNames: map[string]string{"discharges_pollutants": "排放污染物", "has_outfall": "设置排污口",
			"high_energy": "两高项目", "national_major": "国家重大项目"},
		Verdicts: map[zones.Verdict]string{zones.Prohibited: "禁止", zones.NeedsInfo: "需补充信息",
			zones.Conditional: "有条件准入", zones.Admissible: "可准入"},
		Types: map[string]string{"industrial": "工业", "linear_infrastructure": "线性基础设施", "mining": "采矿",
			"tourism": "旅游", "residential": "居住（房地产）", "agriculture": "农业", "water_supply": "供水",
			"research_monitoring": "科研监测", "other": "其他"},
		Kinds: map[zones.Kind]string{zones.KindRedline: "生态保护红线", zones.KindECU: "环境管控单元",
			zones.KindQinling: "秦岭保护区", zones.KindNatureReserve: "自然保护区", zones.KindNationalPark: "国家公园",
			zones.KindWaterSource: "饮用水水源保护区", zones.KindCustom: "自定义图层"},
		Classes: map[zones.Kind]map[string]string{
			zones.KindRedline:       {"redline": "生态保护红线"},
			zones.KindECU:           {"priority": "优先保护单元", "key": "重点管控单元", "general": "一般管控单元"},
			zones.KindQinling:       {"core": "核心保护区", "key": "重点保护区", "general": "一般保护区"},
			zones.KindNatureReserve: {"core": "核心区（核心保护区）", "buffer": "缓冲区", "experimental": "实验区", "general_control": "一般控制区"},
			zones.KindNationalPark:  {"core": "核心保护区", "general_control": "一般控制区"},
			zones.KindWaterSource:   {"level1": "一级保护区", "level2": "二级保护区", "quasi": "准保护区"},
		},
	}
}

func (l labels) class(k zones.Kind, class string) string {
	if s, ok := l.Classes[k][class]; ok {
		return s
	}
	return class
}

func (l labels) kind(k zones.Kind) string {
	if s, ok := l.Kinds[k]; ok {
		return s
	}
	return string(k)
}
