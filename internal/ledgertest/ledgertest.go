// Package ledgertest reads ledgers back for tests: the CSV's records and the
// XLSX's rows, and checks that they agree.
package ledgertest

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/redline-gis/redline/ledger"
)

// CSV returns the records of a ledger CSV, failing without its BOM.
func CSV(t testing.TB, b []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatal("the CSV has no BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// SameRows opens an XLSX ledger with excelize and fails unless its ledger
// sheet's rows equal the CSV's records (raw cell values; trailing empty cells,
// which excelize leaves out, ignored). It returns the open file.
func SameRows(t testing.TB, xlsx []byte, records [][]string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rows, err := f.GetRows(ledger.SheetLedger, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(records) {
		t.Fatalf("XLSX has %d rows, CSV %d", len(rows), len(records))
	}
	for i := range rows {
		want := records[i]
		for len(want) > 0 && want[len(want)-1] == "" {
			want = want[:len(want)-1]
		}
		if !slices.Equal(rows[i], want) {
			t.Fatalf("row %d: XLSX %q, CSV %q", i, rows[i], want)
		}
	}
	return f
}
