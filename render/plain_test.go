package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/zones"
)

// pageText returns the text a reader sees: character data outside <style>, and
// the SVG's titles and labels with it.
func pageText(t *testing.T, page []byte) string {
	t.Helper()
	var sb strings.Builder
	inStyle := false
	eachToken(t, page, func(tok xml.Token) {
		switch el := tok.(type) {
		case xml.StartElement:
			inStyle = el.Name.Local == "style"
		case xml.EndElement:
			inStyle = false
		case xml.CharData:
			if !inStyle {
				sb.Write(el)
				sb.WriteByte('\n')
			}
		}
	})
	return sb.String()
}

// rawNames are the words of the JSON and rule contracts no Chinese reader should
// meet: every field of zones.Project, every key of a rule condition, and the
// verdict codes.
func rawNames() map[string]bool {
	names := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeOf(zones.Project{}), reflect.TypeOf(zones.Condition{})} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			for _, tag := range []string{f.Tag.Get("json"), f.Tag.Get("yaml")} {
				if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
					names[name] = true
				}
			}
		}
	}
	for _, v := range []zones.Verdict{zones.Prohibited, zones.NeedsInfo, zones.Conditional, zones.Admissible} {
		names[string(v)] = true
	}
	return names
}

// identifier is a word of code: a rule id (redline.national_major) is one token,
// a field name standing alone (national_major) another.
var identifier = regexp.MustCompile(`[A-Za-z0-9_.]+`)

func assertNoRawNames(t *testing.T, text string) {
	t.Helper()
	raw := rawNames()
	for _, must := range []string{"has_outfall", "approval_refs", "park_planning_eia", "type", "unless_rules", "needs_info"} {
		if !raw[must] {
			t.Fatalf("the raw names lack %q: %v", must, raw)
		}
	}
	for _, tok := range identifier.FindAllString(text, -1) {
		if raw[tok] {
			i := strings.Index(text, tok)
			t.Errorf("raw name %q in the page: …%s…", tok, text[max(0, i-60):min(len(text), i+60)])
		}
	}
}

// needsInfoReport is a national major industrial project, declared without its approvals,
// over a red line, a water-source level-2 zone and a general ECU unit, checked
// with the built-in rules: needs_info, with facts missing on several zones.
func needsInfoReport(t *testing.T) *zones.Report {
	t.Helper()
	rs, err := data.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	fp := rect(108.940, 34.240, 108.960, 34.255)
	r := &zones.Report{ReportID: "r-ni", CreatedAt: time.Date(2026, 3, 20, 1, 0, 0, 0, time.UTC),
		Dataset:   zones.DatasetRef{Name: "t", Version: "1"},
		Footprint: zones.FootprintInfo{Type: "Polygon", AreaM2: 2500000, CRS: "EPSG:4490"},
		Intersections: []zones.Intersection{
			{Layer: "redline", LayerTitle: "生态保护红线", Kind: zones.KindRedline, ZoneID: "HX-1", ZoneName: "秦岭水源涵养红线",
				ZoneClass: "redline", OverlapAreaM2: 1000000, FootprintShare: 0.4, Overlap: rect(108.940, 34.240, 108.950, 34.250)},
			{Layer: "water", LayerTitle: "饮用水水源保护区", Kind: zones.KindWaterSource, ZoneID: "SY-2", ZoneName: "黑河二级保护区",
				ZoneClass: "level2", OverlapAreaM2: 500000, FootprintShare: 0.2, Overlap: rect(108.955, 34.240, 108.960, 34.250)},
			{Layer: "ecu", LayerTitle: "环境管控单元", Kind: zones.KindECU, ZoneID: "ZH-3", ZoneName: "长安区一般管控单元",
				ZoneClass: "general", OverlapAreaM2: 2500000, FootprintShare: 1, Overlap: fp},
		},
		Nearby:   []zones.Nearby{},
		Geometry: fp,
	}
	p := zones.Project{Name: "某国家重大工程", Type: "industrial", NationalMajor: bptr(true)}
	zones.Evaluate(r, p, rs, nil)
	if r.Verdict != zones.NeedsInfo || len(r.Missing) < 2 {
		t.Fatalf("want a needs_info report with missing facts, got %s missing %v", r.Verdict, r.Missing)
	}
	return r
}

func TestHTMLNeedsInfoInPlainChinese(t *testing.T) {
	r := needsInfoReport(t)
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	text := pageText(t, buf.Bytes())
	assertNoRawNames(t, text)
	// What to supply: each missing fact asked once, in the reviewer's words.
	for _, f := range r.Missing {
		ask := labelsFor(Chinese).ask(f)
		if ask == f {
			t.Errorf("no question for %q", f)
		}
		if n := strings.Count(text, ask); n != 1 {
			t.Errorf("question for %q appears %d times, want once: %s", f, n, ask)
		}
	}
	if !strings.Contains(text, "请提供国家重大项目不可避让论证及批准文件（文号）") {
		t.Errorf("approvals not asked for (missing %v)", r.Missing)
	}
	if !strings.Contains(text, "需补充的信息") || !strings.Contains(page, `<ol class="to-supply">`) {
		t.Error("no list of what to supply")
	}
	// Prohibited unless approved, at the top and on the rule.
	if n := strings.Count(text, "未经批准即禁止"); n < 2 {
		t.Errorf("'prohibited unless approved' shown %d times, want the notice and the rule", n)
	}
	if !strings.Contains(text, "除经不可避让论证并依法批准外禁止") {
		t.Error("the notice does not say what approval lifts the prohibition")
	}
	// Rules point at the list instead of repeating the facts.
	if !strings.Contains(text, "见“需补充的信息”第 ") {
		t.Error("rules do not point at the list of what to supply")
	}
	for _, want := range []string{"是否属于国家重大项目", "建设性质（新建、扩建、改建或既有）", "未提供（按新建）", "工业", "生态保护红线"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHTMLNeedsInfoEnglish(t *testing.T) {
	r := needsInfoReport(t)
	var buf bytes.Buffer
	if err := HTML(&buf, r, English); err != nil {
		t.Fatal(err)
	}
	text := pageText(t, buf.Bytes())
	for _, want := range []string{"Information to supply", "Prohibited unless approved",
		"Give the documents (with their numbers) that approve the national major project's unavoidable siting."} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestHTMLNoRawNamesWithEveryFact: a project giving every fact, with notes and
// project rules that name facts by field, still reads in words.
func TestHTMLNoRawNamesWithEveryFact(t *testing.T) {
	eia := ""
	r := &zones.Report{ReportID: "r-all", Verdict: zones.Conditional,
		Project: &zones.Project{Name: "某化工厂", Industry: "C2614", Type: "industrial", Construction: "expansion",
			DischargesPollutants: bptr(true), HasOutfall: bptr(false), HighEnergy: bptr(true), NationalMajor: bptr(false),
			OriginalResidents: bptr(false), ApprovalRefs: []string{"国函〔2025〕1号"}, InIndustrialPark: bptr(true), ParkPlanningEIA: &eia},
		Footprint:     zones.FootprintInfo{Type: "Polygon", AreaM2: 1000},
		Intersections: []zones.Intersection{},
		ProjectRules:  []zones.RuleHit{{ID: "park.no_planning_eia", Verdict: zones.Prohibited, Text: "园区未开展规划环评。", Source: "环环评〔2021〕45号"}},
		Park:          &zones.ParkStatus{Source: "declared", Inside: bptr(true), PlanningEIA: &eia},
		Notes: []string{"两高：是（项目申报 high_energy=true）", "全项目规则 park.no_planning_eia（prohibited）：园区未开展规划环评。",
			"未申报 in_industrial_park"},
	}
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	text := pageText(t, buf.Bytes())
	assertNoRawNames(t, text)
	for _, want := range []string{"扩建", "国函〔2025〕1号", "两高：是（项目申报 高耗能、高排放（两高）项目：是）",
		"全项目规则 park.no_planning_eia（禁止）", "未申报 位于依法设立的工业园区内", "项目申报（数据集无工业园区图层）"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// park_planning_eia "" declares that there is none: 无, not 未提供.
	if !regexp.MustCompile(`所在园区规划环评审查意见文号（无则说明无）\s*无`).MatchString(text) {
		t.Error("a declared absent planning EIA does not read 无")
	}
}

func TestPlain(t *testing.T) {
	zh, en := labelsFor(Chinese), labelsFor(English)
	for _, c := range []struct {
		l       labels
		in, out string
	}{
		{zh, "项目申报 high_energy=false", "项目申报 高耗能、高排放（两高）项目：否"},
		{zh, "规则 redline.national_major（needs_info）", "规则 redline.national_major（需补充信息）"},
		{zh, "未申报 has_outfall", "未申报 设置排污口"},
		{zh, "EPSG:4490 ring 1", "EPSG:4490 ring 1"},
		{en, "项目申报 high_energy=true", "项目申报 High energy use, high emission project (两高): yes"},
		{en, "(prohibited)", "(Prohibited)"},
	} {
		if got := c.l.plain(c.in); got != c.out {
			t.Errorf("plain(%q) = %q, want %q", c.in, got, c.out)
		}
	}
}

func TestHTMLPointFootprint(t *testing.T) {
	pts := orb.MultiPoint{{108.941, 34.241}, {108.942, 34.242}, {108.970, 34.270}}
	z := &zones.Zone{ID: "HX-1", Class: "redline", Geometry: rect(108.93, 34.23, 108.95, 34.25)}
	r := &zones.Report{ReportID: "pt", Verdict: zones.Prohibited, Geometry: pts,
		Footprint: zones.FootprintInfo{Type: "MultiPoint", Points: 3, CRS: "EPSG:4490"},
		Intersections: []zones.Intersection{{Layer: "rl", LayerTitle: "生态保护红线", Kind: zones.KindRedline, ZoneID: "HX-1", ZoneName: "红线",
			ZoneClass: "redline", PointsInside: 2, FootprintShare: 2.0 / 3, Verdict: zones.Prohibited, Zone: z,
			Overlap: orb.MultiPoint{{108.941, 34.241}, {108.942, 34.242}}}}}
	for _, lang := range []Lang{Chinese, English} {
		var buf bytes.Buffer
		if err := HTML(&buf, r, lang); err != nil {
			t.Fatal(err)
		}
		text := pageText(t, buf.Bytes())
		l := labelsFor(lang)
		for _, absent := range []string{"m²", "公顷", "ha)", l.Share, l.Area, "66.67"} {
			if strings.Contains(text, absent) {
				t.Errorf("%s: a point footprint shows %q", lang, absent)
			}
		}
		for _, want := range []string{l.Puntal, fmt.Sprintf(l.PointsInside, 2), fmt.Sprintf(l.PointsFormat, 3)} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: page lacks %q", lang, want)
			}
		}
	}
}

func TestHTMLLineCrossings(t *testing.T) {
	pipe := orb.LineString{{108.90, 34.20}, {108.95, 34.26}}
	river := &zones.Zone{ID: "HE-1", Class: "level1", Geometry: rect(108.92, 34.22, 108.93, 34.24)}
	r := &zones.Report{ReportID: "ln", Verdict: zones.Conditional, Geometry: pipe,
		Footprint: zones.FootprintInfo{Type: "LineString", LengthM: 8000},
		Intersections: []zones.Intersection{{Layer: "w", LayerTitle: "饮用水水源保护区", Kind: zones.KindWaterSource, ZoneID: "HE-1",
			ZoneName: "黑河一级保护区", ZoneClass: "level1", OverlapLengthM: 1234.5, Crossings: 2, FootprintShare: 0.1543,
			Verdict: zones.Conditional, Zone: river, Overlap: orb.LineString{{108.9217, 34.2260}, {108.93, 34.236}}}}}
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	text := pageText(t, buf.Bytes())
	for _, want := range []string{"线（线性工程）", "8,000.0 m", "1,234.5 m", "穿越 2 次", "15.43 %"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(text, "m²") || strings.Contains(text, "公顷") {
		t.Error("a line footprint shows an area")
	}
	buf.Reset()
	if err := HTML(&buf, r, English); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "crosses 2 times") {
		t.Error("English: crossings not shown")
	}
}

// fullReport is a hand-built report with everything issue 11 added: a project of
// two sites, park layers, project-wide rules, and zones near the boundary, one
// of which would change the verdict.
func fullReport() *zones.Report {
	fp := orb.MultiPolygon{rect(108.940, 34.240, 108.950, 34.250), rect(108.960, 34.240, 108.962, 34.242)}
	rl := &zones.Zone{ID: "HX-1", Name: "秦岭水源涵养红线", Class: "redline", Geometry: rect(108.930, 34.230, 108.945, 34.260)}
	return &zones.Report{ReportID: "r-full", CreatedAt: time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC),
		Dataset: zones.DatasetRef{Name: "t", Version: "2"},
		Project: &zones.Project{Name: "某化工项目", Industry: "C2614", Type: "industrial", Construction: "new", HighEnergy: bptr(true)},
		Verdict: zones.Prohibited, Governing: &zones.RuleHit{ID: "redline.development", Verdict: zones.Prohibited,
			Text: "生态保护红线内严格禁止开发性、生产性建设活动。", Source: "自然资发〔2022〕142号", Layer: "rl", ZoneID: "HX-1"},
		Footprint: zones.FootprintInfo{Type: "MultiPolygon", AreaM2: 96000, CRS: "EPSG:4490"},
		Intersections: []zones.Intersection{
			{Layer: "rl", LayerTitle: "陕西省生态保护红线", Kind: zones.KindRedline, ZoneID: "HX-1", ZoneName: rl.Name, ZoneClass: "redline",
				OverlapAreaM2: 46000, FootprintShare: 0.479, Verdict: zones.Prohibited, Sites: []string{"厂区"},
				Rules:   []zones.RuleHit{{ID: "redline.development", Verdict: zones.Prohibited, Text: "生态保护红线内严格禁止开发性、生产性建设活动。", Source: "自然资发〔2022〕142号"}},
				Overlap: rect(108.940, 34.240, 108.945, 34.250), Zone: rl},
			{Layer: "park", LayerTitle: "工业园区", Kind: zones.KindIndustrialPark, ZoneID: "YQ-1", ZoneName: "渭南高新区", ZoneClass: "provincial",
				OverlapAreaM2: 40000, FootprintShare: 0.4167, Verdict: zones.Admissible, Sites: []string{"厂区", "取水口"}, Rules: []zones.RuleHit{}},
		},
		ProjectRules: []zones.RuleHit{{ID: "park.industry_not_leading", Verdict: zones.Conditional,
			Text: "园区主导产业不含本项目行业。", Source: "环环评〔2021〕45号"}},
		Park: &zones.ParkStatus{Source: "layer", Inside: bptr(false), Share: 0.4167, Parks: []zones.ParkHit{
			{Layer: "park", ZoneID: "YQ-1", ZoneName: "渭南高新区", ZoneClass: "provincial", PlanningEIA: "陕环函〔2020〕12号",
				Industries: []string{"C39", "C27"}, Share: 0.4167},
			{Layer: "park", ZoneID: "YQ-2", ZoneName: "临渭工业集中区", ZoneClass: "other", Share: 0.001}}},
		Nearby: []zones.Nearby{{Layer: "nr", LayerTitle: "自然保护区", Kind: zones.KindNatureReserve, ZoneID: "NR-1",
			ZoneName: "某自然保护区", ZoneClass: "general_control", DistanceM: 350}},
		BufferM: 1000,
		NearBoundary: []zones.NearBoundary{
			{Nearby: zones.Nearby{Layer: "ws", LayerTitle: "饮用水水源保护区", Kind: zones.KindWaterSource, ZoneID: "SY-1", ZoneName: "某水源一级保护区",
				ZoneClass: "level1", DistanceM: 3}, Inside: false, ChangesVerdict: true},
			{Nearby: zones.Nearby{Layer: "rl", LayerTitle: "陕西省生态保护红线", Kind: zones.KindRedline, ZoneID: "HX-1", ZoneName: rl.Name,
				ZoneClass: "redline", DistanceM: 0}, Inside: true, ChangesVerdict: false},
		},
		BoundaryToleranceM: 10,
		BoundaryReview:     true,
		Geometry:           fp,
	}
}

func TestRenderHTMLFull(t *testing.T) {
	for _, lang := range []Lang{Chinese, English} {
		t.Run(string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := HTML(&buf, fullReport(), lang); err != nil {
				t.Fatal(err)
			}
			golden(t, "report_full_"+string(lang)+".html", buf.Bytes())
			text := pageText(t, buf.Bytes())
			if lang == Chinese {
				assertNoRawNames(t, text)
			}
			l := labelsFor(lang)
			want := map[Lang][]string{
				Chinese: {"涉及地块", "厂区、取水口", "全项目规则", "园区主导产业不含本项目行业。", "工业园区", "渭南高新区", "省级",
					"陕环函〔2020〕12号", "C39、C27", "41.67 %", "临渭工业集中区", "未列", "边界复核", "须进行边界复核",
					"距边界（m）", "某水源一级保护区", "3.0", "陕西省生态保护红线", "自然保护区", "数据集工业园区图层"},
				English: {"Sites", "厂区、取水口", "Project-wide rules", "Industrial park", "provincial", "Boundary review needed",
					"To boundary (m)", "outside", "inside", "not listed", "the dataset's industrial park layers"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			page := buf.String()
			// The boundary rows: outside and changing the verdict, inside and not.
			rows := regexp.MustCompile(`<tr( class="changes")?><td>(SY-1|HX-1)</td>.*?</tr>`).FindAllStringSubmatch(page, -1)
			if len(rows) != 2 {
				t.Fatalf("boundary rows %v", rows)
			}
			for _, r := range rows {
				side, changes := l.Outside, l.Yes
				if r[2] == "HX-1" {
					side, changes = l.Inside, l.No
				}
				if (r[1] != "") != (r[2] == "SY-1") || !strings.Contains(r[0], "<td>"+side+"</td><td>"+changes+"</td>") {
					t.Errorf("boundary row %s", r[0])
				}
			}
			// C2614 is under neither C39 nor C27.
			if !regexp.MustCompile(`<td>渭南高新区</td><td>YQ-1</td><td>[^<]+</td><td>陕环函〔2020〕12号</td><td>C39、C27</td><td>` + l.No + `</td>`).MatchString(page) {
				t.Error("park row does not say the leading industries exclude the project's")
			}
			if !regexp.MustCompile(`<td>临渭工业集中区</td><td>YQ-2</td><td>[^<]+</td><td>` + l.None + `</td>`).MatchString(page) {
				t.Error("a park without planning EIA does not read none")
			}
		})
	}
}

func TestHTMLBoundaryWithoutReview(t *testing.T) {
	r := fullReport()
	r.BoundaryReview = false
	r.NearBoundary[0].ChangesVerdict = false
	for _, lang := range []Lang{Chinese, English} {
		var buf bytes.Buffer
		if err := HTML(&buf, r, lang); err != nil {
			t.Fatal(err)
		}
		l := labelsFor(lang)
		notice := strings.SplitN(l.BoundaryNotice, "%", 2)[0]
		if strings.Contains(buf.String(), notice) {
			t.Errorf("%s: review notice without boundary_review", lang)
		}
		if !strings.Contains(buf.String(), "<h2>"+l.Boundary+"</h2>") || !strings.Contains(pageText(t, buf.Bytes()), fmt.Sprintf(l.BoundaryIntro, "10.0")) {
			t.Errorf("%s: near_boundary section missing", lang)
		}
	}
	r.NearBoundary = nil
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "边界复核") {
		t.Error("boundary section without zones near a boundary")
	}
}

func TestHTMLParkLeadingIndustry(t *testing.T) {
	r := fullReport()
	r.Project.Industry = "C2710" // under the park's C27
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<td>C39、C27</td><td>是</td>") {
		t.Error("the park's leading industries include C2710 but the page does not say so")
	}
	r.Project.Industry = ""
	buf.Reset()
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<td>C39、C27</td><td>未提供</td>") {
		t.Error("without an industry, whether the park leads it is not given")
	}
}
