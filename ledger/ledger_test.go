package ledger_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/internal/ledgertest"
	"github.com/redline-gis/redline/ledger"
)

// patches makes n patches: squares with Chinese attributes, every third in two
// zones, every fifth in none, every seventh an error.
func patches(n int) []*ledger.Patch {
	out := make([]*ledger.Patch, n)
	for i := range n {
		x, y := 108+float64(i%300)*0.001, 34+float64(i/300)*0.001
		geom := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
			x, y, x+0.0005, y, x+0.0005, y+0.0005, x, y+0.0005, x, y)
		p := &ledger.Patch{Index: i, Properties: json.RawMessage(fmt.Sprintf(`{"图斑编号":"TB%05d","变化类型":"新增建设用地","面积":%d}`, i, i)),
			Geometry: json.RawMessage(geom), AreaM2: 2500}
		switch {
		case i%7 == 0:
			p.Error = fmt.Sprintf("feature %d: 坐标无效", i)
		case i%5 == 0:
		default:
			p.Hits = append(p.Hits, ledger.Hit{Layer: "nr", LayerTitle: "自然保护区", ZoneID: fmt.Sprintf("NR%02d", i%4), ZoneName: fmt.Sprintf("秦岭第%d保护区", i%4),
				Class: "core", ClassZh: "核心区", OverlapM2: 1000 + float64(i%10)})
			if i%3 == 0 {
				p.Hits = append(p.Hits, ledger.Hit{Layer: "ecu", LayerTitle: "环境管控单元", ZoneID: "ZH01", ZoneName: "一般管控单元", Class: "general", ClassZh: "一般管控单元", ECU: "一般管控单元", OverlapM2: 2500})
			}
		}
		out[i] = p
	}
	return out
}

func write(t testing.TB, format string, ps []*ledger.Patch, attrs []string) []byte {
	var buf bytes.Buffer
	w, err := ledger.NewWriter(&buf, format, attrs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXRowsEqualCSV(t *testing.T) {
	ps := patches(500)
	var a ledger.Attributes
	for _, p := range ps {
		a.Add(p.Properties)
	}
	if want := []string{"图斑编号", "变化类型", "面积"}; !slices.Equal(a.Names, want) {
		t.Fatalf("attributes %v, want %v", a.Names, want)
	}
	records := ledgertest.CSV(t, write(t, "csv", ps, a.Names))
	wantRows := 0
	for _, p := range ps {
		wantRows += max(len(p.Hits), 1)
	}
	if len(records) != wantRows+1 {
		t.Fatalf("CSV has %d rows, want %d and the header", len(records), wantRows)
	}
	f := ledgertest.SameRows(t, write(t, "xlsx", ps, a.Names), records)
	rows, err := f.GetRows(ledger.SheetLedger, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// ledger.Patch 1 lies in zone NR01: 1001 m² = 1.5015 亩, 0.1001 公顷, share 0.4004.
	r := rows[2]
	if r[0] != "TB00001" || r[4] != "NR01" || r[5] != "秦岭第1保护区" || r[6] != "核心区" || r[8] != "1001" || r[9] != "1.5015" || r[10] != "0.1001" || r[11] != "0.4004" {
		t.Errorf("row of patch 1: %q", r)
	}
	dvs, err := f.GetDataValidations(ledger.SheetLedger)
	if err != nil || len(dvs) != 1 || !strings.Contains(dvs[0].Formula1, "待核查") || !strings.HasPrefix(dvs[0].Sqref, "Q2:") {
		t.Errorf("status drop-down: %+v (%v)", dvs, err)
	}
	sum, err := f.GetRows(ledger.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	// The zone with the most patches comes first in the by-zone table.
	var s ledger.Summary
	for _, p := range ps {
		s.Add(p)
	}
	top := s.ZonesByPatches()[0]
	found := false
	for i, row := range sum {
		if len(row) > 0 && strings.HasPrefix(row[0], "按管控区") {
			found = len(sum) > i+2 && sum[i+2][1] == top.ZoneID && sum[i+2][4] == fmt.Sprint(s.ByZone[top].Patches)
		}
	}
	if !found {
		t.Errorf("summary sheet does not list %v first: %q", top, sum)
	}
}

func TestShapefileReadsBack(t *testing.T) {
	ps := patches(50)
	attrs := []string{"图斑编号", "变化类型", "面积"}
	z := write(t, "shp", ps, attrs)
	c, err := shapefile.ReadZip(z, shapefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range ps {
		want += max(len(p.Hits), 1)
	}
	if len(c.Features) != want {
		t.Fatalf("%d features read back, want %d", len(c.Features), want)
	}
	if !strings.Contains(c.CRS, "China_2000") {
		t.Errorf("CRS %q, want the CGCS2000 .prj", c.CRS)
	}
	f := c.Features[1] // patch 1, in NR01
	// The 10-byte GBK names: 图斑编号 is 8 bytes, 重叠面积_平方米 is cut to 重叠面积_ (9).
	for k, v := range map[string]any{"图斑编号": "TB00001", "变化类型": "新增建设用地", "管控区名称": "秦岭第1保护区", "管控分类": "核心区", "重叠面积_": 1001.0} {
		if got := f.Properties[k]; got != v {
			t.Errorf("%s = %#v, want %#v (%v)", k, got, v, f.Properties)
		}
	}
	if f.Geometry == nil {
		t.Error("no geometry read back")
	}
}
