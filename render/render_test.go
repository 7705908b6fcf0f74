package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func bptr(b bool) *bool { return &b }

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// sampleReport is a hand-built report near Xi'an: a footprint touching a red line,
// a water-source level-2 zone and an ECU key unit, with one zone nearby.
func sampleReport() *zones.Report {
	fp := rect(108.940, 34.240, 108.960, 34.255)
	redline := &zones.Zone{ID: "HX6101-001", Name: "秦岭北麓水源涵养红线", Class: "redline",
		Geometry: orb.Polygon{{{108.930, 34.230}, {108.950, 34.230}, {108.950, 34.250}, {108.935, 34.262}, {108.930, 34.230}}}}
	water := &zones.Zone{ID: "SY-02", Name: "黑河水源二级保护区", Class: "level2", Geometry: rect(108.955, 34.235, 108.975, 34.250)}
	clauses := &zones.Clauses{SpatialLayout: "禁止新建<钢铁>、水泥 & 平板玻璃项目；\n园区外不得新建化工项目。",
		PollutantEmission: "执行特别排放限值。", EnvironmentalRisk: "", ResourceEfficiency: "单位GDP能耗下降 ≥ 3%。"}
	ecu := &zones.Zone{ID: "ZH61011620001", Name: "长安区重点管控单元", Class: "key", Clauses: clauses,
		Geometry: rect(108.900, 34.200, 109.000, 34.300)}
	near := &zones.Zone{ID: "NR-9", Name: "牛背梁自然保护区实验区", Class: "experimental", Geometry: rect(108.965, 34.258, 108.975, 34.265)}
	f := false
	r := &zones.Report{
		ReportID:  "r-0001",
		CreatedAt: time.Date(2026, 11, 28, 4, 5, 6, 0, time.UTC),
		Dataset:   zones.DatasetRef{Name: "shaanxi-demo", Version: "2026.1"},
		Project: &zones.Project{Name: "某水泥粉磨站 <扩建>", Industry: "3011", Type: "industrial",
			DischargesPollutants: bptr(true), HasOutfall: &f},
		Footprint: zones.FootprintInfo{Type: "Polygon", AreaM2: 3071234.5, CRS: "EPSG:4490", Warnings: []string{"ring 1 repaired"}},
		Intersections: []zones.Intersection{
			{Layer: "ecu", LayerTitle: "环境管控单元", Kind: zones.KindECU, ZoneID: ecu.ID, ZoneName: ecu.Name, ZoneClass: "key",
				OverlapAreaM2: 3071234.5, FootprintShare: 1, Clauses: clauses, Overlap: fp, Zone: ecu},
			{Layer: "redline", Kind: zones.KindRedline, ZoneID: redline.ID, ZoneName: redline.Name, ZoneClass: "redline",
				OverlapAreaM2: 1500000.25, FootprintShare: 0.4884, Overlap: rect(108.940, 34.240, 108.950, 34.250), Zone: redline},
			{Layer: "water", Kind: zones.KindWaterSource, ZoneID: water.ID, ZoneName: water.Name, ZoneClass: "level2",
				OverlapAreaM2: 460000, FootprintShare: 0.1498, Overlap: rect(108.955, 34.240, 108.960, 34.250), Zone: water,
				Attributes: map[string]any{"basin": "渭河"}},
		},
		Nearby:   []zones.Nearby{{Layer: "reserve", Kind: zones.KindNatureReserve, ZoneID: near.ID, ZoneName: near.Name, ZoneClass: "experimental", DistanceM: 412.3, Zone: near}},
		BufferM:  1000,
		Geometry: fp,
	}
	rs, err := zones.NewRuleSet([]zones.Rule{
		{ID: "redline.development", Kind: zones.KindRedline, When: zones.Condition{Type: []string{"industrial"}},
			Verdict: zones.Prohibited, Text: "生态保护红线内严格禁止开发性、生产性建设活动。", Source: "自然资发〔2022〕142号", Verified: &f},
		{ID: "water_source.level2_discharging", Kind: zones.KindWaterSource, Classes: []string{"level2"},
			When: zones.Condition{Flags: map[string]bool{"discharges_pollutants": true}}, Verdict: zones.Prohibited,
			Text: "禁止在饮用水水源二级保护区内新建、改建、扩建排放污染物的建设项目。", Source: "《中华人民共和国水污染防治法》第六十六条"},
		{ID: "ecu.key", Kind: zones.KindECU, Classes: []string{"key"}, Verdict: zones.Conditional,
			Text: "重点管控单元：须逐条符合准入清单。", Source: "《关于加强生态环境分区管控的意见》"},
		{ID: "two_high", Kind: zones.KindAny, When: zones.Condition{Flags: map[string]bool{"high_energy": true}},
			Verdict: zones.Conditional, Text: "两高项目须落实区域削减。", Source: "环环评〔2021〕45号"},
	})
	if err != nil {
		panic(err)
	}
	zones.Evaluate(r, *r.Project, rs, nil)
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run Render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./render -run Render -update to accept):\n%s", name, firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + al[i] + "\nwant: " + bl[i]
		}
	}
	return "lengths differ"
}

// eachToken checks the page is well-formed (as XML, which our markup keeps to)
// and hands each token to f.
func eachToken(t *testing.T, page []byte, f func(xml.Token)) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		f(tok)
	}
}

// parseXML checks the page is well-formed and returns the SVG elements with a
// data-zone attribute.
func parseXML(t *testing.T, page []byte) (zonePaths []string, svgs int) {
	t.Helper()
	inSVG := 0
	eachToken(t, page, func(tok xml.Token) {
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "svg" {
				inSVG++
				svgs++
			}
			for _, a := range el.Attr {
				if a.Name.Local == "data-zone" && inSVG > 0 {
					zonePaths = append(zonePaths, a.Value)
				}
			}
		case xml.EndElement:
			if el.Name.Local == "svg" {
				inSVG--
			}
		}
	})
	return zonePaths, svgs
}

func TestRenderHTML(t *testing.T) {
	for _, lang := range []Lang{Chinese, English} {
		t.Run(string(lang), func(t *testing.T) {
			r := sampleReport()
			var buf bytes.Buffer
			if err := HTML(&buf, r, lang); err != nil {
				t.Fatal(err)
			}
			page := buf.Bytes()
			golden(t, "report_"+string(lang)+".html", page)
			paths, svgs := parseXML(t, page)
			if svgs != 1 {
				t.Errorf("%d svg elements", svgs)
			}
			if len(paths) != len(r.Intersections) {
				t.Errorf("svg has %d zone elements, want %d: %v", len(paths), len(r.Intersections), paths)
			}
			for _, in := range r.Intersections {
				if !bytes.Contains(page, []byte(`data-zone="`+in.Layer+"/"+in.ZoneID+`"`)) {
					t.Errorf("zone %s not drawn", in.ZoneID)
				}
				if !bytes.Contains(page, []byte(`class="zone v-`+string(in.Verdict))) {
					t.Errorf("zone %s not coloured by verdict %s", in.ZoneID, in.Verdict)
				}
			}
			s := string(page)
			for _, want := range []string{"r-0001", "shaanxi-demo", "2026.1", "HX6101-001", "ZH61011620001",
				"3,071,234.5", "307.123", "48.84 %", "NR-9", "412.3", "自然资发〔2022〕142号", "2026-11-28 12:05:06",
				"禁止新建&lt;钢铁&gt;、水泥 &amp; 平板玻璃项目；\n园区外不得新建化工项目。", "某水泥粉磨站 &lt;扩建&gt;",
				"north-arrow", "scale-bar", "°E", "°N", `class="overlap"`, `class="footprint"`, `class="nearby"`} {
				if !strings.Contains(s, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(s, "<钢铁>") || strings.Contains(s, "<扩建>") {
				t.Errorf("report text not escaped")
			}
			zh := map[Lang]string{Chinese: "禁止", English: "Prohibited"}[lang]
			if !strings.Contains(s, `<span class="verdict big v-prohibited">`+zh+`</span>`) {
				t.Errorf("overall verdict %q not shown", zh)
			}
			if lang == Chinese && !strings.Contains(s, "二级保护区") {
				t.Errorf("class not in Chinese")
			}
		})
	}
}

func TestRenderHTMLWithoutGeometry(t *testing.T) {
	r := &zones.Report{ReportID: "x", Verdict: zones.Admissible, Intersections: []zones.Intersection{}}
	var buf bytes.Buffer
	if err := HTML(&buf, r, ""); err != nil {
		t.Fatal(err)
	}
	if _, svgs := parseXML(t, buf.Bytes()); svgs != 0 {
		t.Errorf("svg drawn without geometry")
	}
	if !strings.Contains(buf.String(), "未涉及") {
		t.Errorf("no 'nothing touched' sentence")
	}
}

func TestRenderHTMLLineFootprint(t *testing.T) {
	ls := orb.LineString{{108.90, 34.20}, {108.95, 34.26}}
	z := &zones.Zone{ID: "w1", Class: "level1", Geometry: rect(108.92, 34.22, 108.93, 34.24)}
	r := &zones.Report{ReportID: "l", Verdict: zones.Prohibited, Geometry: ls,
		Intersections: []zones.Intersection{{Layer: "w", Kind: zones.KindWaterSource, ZoneID: "w1", ZoneClass: "level1",
			OverlapLengthM: 1234.5, Verdict: zones.Prohibited, Overlap: orb.LineString{{108.9217, 34.2260}, {108.93, 34.236}}, Zone: z}}}
	var buf bytes.Buffer
	if err := HTML(&buf, r, Chinese); err != nil {
		t.Fatal(err)
	}
	paths, _ := parseXML(t, buf.Bytes())
	if len(paths) != 1 || !strings.Contains(buf.String(), `class="footprint line"`) || !strings.Contains(buf.String(), "1,234.5 m") {
		t.Errorf("line footprint: %v", paths)
	}
}

func TestRenderGeoJSON(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := GeoJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.geojson", buf.Bytes())
	var fc struct {
		Type     string
		Features []struct {
			Type     string
			Geometry *struct {
				Type        string
				Coordinates json.RawMessage
			}
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 1+len(r.Intersections) {
		t.Fatalf("type %s, %d features", fc.Type, len(fc.Features))
	}
	if f := fc.Features[0]; f.Properties["role"] != "footprint" || f.Geometry == nil || f.Geometry.Type != "Polygon" ||
		f.Properties["verdict"] != "prohibited" {
		t.Errorf("footprint feature %+v", f.Properties)
	}
	for i, f := range fc.Features[1:] {
		in := r.Intersections[i]
		if f.Properties["role"] != "overlap" || f.Properties["zone_id"] != in.ZoneID || f.Geometry == nil ||
			f.Properties["verdict"] != string(in.Verdict) || f.Properties["overlap_area_m2"] != in.OverlapAreaM2 {
			t.Errorf("overlap feature %d: %+v", i, f.Properties)
		}
	}
	for _, f := range fc.Features[1:] {
		_, has := f.Properties["clauses"]
		if isECU := f.Properties["kind"] == "ecu"; has != isECU {
			t.Errorf("%v: clauses present %v", f.Properties["zone_id"], has)
		}
	}
}
