package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/internal/ledgertest"
	"github.com/redline-gis/redline/internal/patchgen"
)

// TestLocateLedgerFormats: `redline locate` writes the same ledger as CSV and
// XLSX, and as a zipped shapefile that our reader reads back with its Chinese.
func TestLocateLedgerFormats(t *testing.T) {
	file := filepath.Join(t.TempDir(), "图斑.ndjson")
	if err := os.WriteFile(file, patchgen.Squares(400), 0o644); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, args := range [][]string{{"--format", "csv", "--ledger"}, {"--format", "xlsx"}, {"--format", "shp"}} {
		var o, e bytes.Buffer
		if code := runLocate(append(args, "--progress", "never", file), nil, &o, &e); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, e.String())
		}
		out[args[1]] = o.Bytes()
	}
	records := ledgertest.CSV(t, out["csv"])
	ledgertest.SameRows(t, out["xlsx"], records)
	if h := records[0]; h[0] != "图斑编号" || h[1] != "变化类型" || h[2] != "HYDM" || h[3] != "图层" || h[len(h)-1] != "核查状态" {
		t.Errorf("header %q", h)
	}
	c, err := shapefile.ReadZip(out["shp"], shapefile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Features) != len(records)-1 {
		t.Fatalf("%d shapefile records, %d CSV rows", len(c.Features), len(records)-1)
	}
	named := 0
	for i, f := range c.Features {
		if f.Properties["图斑编号"] != records[i+1][0] || f.Properties["变化类型"] != "新增建设用地" {
			t.Fatalf("record %d: %v, CSV %q", i, f.Properties, records[i+1])
		}
		// A blank text field reads back as no value.
		if zone, _ := f.Properties["管控区名称"].(string); zone != records[i+1][5] {
			t.Fatalf("record %d: zone %v, CSV %q", i, f.Properties["管控区名称"], records[i+1][5])
		}
		if strings.ContainsRune(records[i+1][5], '县') {
			named++
		}
	}
	if named == 0 {
		t.Error("no Chinese zone name came back")
	}
	// A ledger reads its input twice: not from standard input.
	var o, e bytes.Buffer
	if code := runLocate([]string{"--format", "xlsx", "-"}, strings.NewReader(""), &o, &e); code != 2 {
		t.Errorf("xlsx from stdin: exit %d", code)
	}
}

// TestCheckPerFeature: each feature a parcel, its industry from an attribute.
func TestCheckPerFeature(t *testing.T) {
	file := filepath.Join(t.TempDir(), "规划.ndjson")
	if err := os.WriteFile(file, patchgen.Squares(200), 0o644); err != nil {
		t.Fatal(err)
	}
	var o, e bytes.Buffer
	code := runCheck([]string{"--per-feature", "--fact", "industry=HYDM", "--project", `{"type":"industrial","discharges_pollutants":true,"has_outfall":false}`,
		"--progress", "never", "--format", "csv", file}, nil, &o, &e)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e.String())
	}
	records := ledgertest.CSV(t, o.Bytes())
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	verdicts := map[string]bool{}
	for _, r := range records[1:] {
		v := r[col["核查结论"]]
		if v == "" {
			t.Fatalf("a parcel without a verdict: %q", r)
		}
		if v != "admissible" && r[col["适用规则"]] == "" {
			t.Errorf("%s without its governing rule: %q", v, r)
		}
		verdicts[v] = true
	}
	if len(verdicts) < 2 || !strings.Contains(e.String(), "200 parcels") {
		t.Errorf("verdicts %v; %s", verdicts, e.String())
	}
	o.Reset()
	e.Reset()
	if code := runCheck([]string{"--per-feature", "--fact", "colour=X", file}, nil, &o, &e); code != 2 {
		t.Errorf("an unknown fact: exit %d", code)
	}
	if code := runCheck([]string{"--fact", "industry=X", file}, nil, &o, &e); code != 2 {
		t.Errorf("--fact without --per-feature: exit %d", code)
	}
	o.Reset()
	if code := runCheck([]string{"--per-feature", "--progress", "never", "--format", "html", file}, nil, &o, &e); code != 0 || !strings.Contains(o.String(), "规划地块核查汇总") {
		t.Errorf("html: exit %d, %.200s", code, o.String())
	}
}
