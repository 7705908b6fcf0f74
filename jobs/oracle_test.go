package jobs

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/zones"
)

// TestLedgerAgainstPostGIS runs the oracle's footprints as a locate job on the
// Shaanxi layers and compares the ledger's areas (m², 亩, 公顷) and shares with
// what PostGIS computed (../shared/data/oracle/expected.json), and its zone
// names and classes with the dataset's.
func TestLedgerAgainstPostGIS(t *testing.T) {
	shared := oracle.SharedDir(t)
	ds, err := data.LoadDir(shared)
	if err != nil {
		t.Fatal(err)
	}
	c, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := oracle.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	input, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(t.Context(), Config{DSN: filepath.Join(t.TempDir(), "redline.db"), Chunk: 50,
		Checker: func() (Engine, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Stop(t.Context())
	j, err := m.Submit(t.Context(), Spec{Kind: KindLocate}, input, "footprints.geojson", "")
	if err != nil {
		t.Fatal(err)
	}
	j = watch(t, m, j.ID, nil)
	if j.State != StateDone {
		t.Fatalf("%+v", j)
	}
	var out bytes.Buffer
	if err := m.WriteResult(t.Context(), j, "csv", &out, nil); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, name := range append([]string{"id", "kind"}, ledger.Fixed...) {
		if _, ok := col[name]; !ok {
			t.Fatalf("ledger has no column %s: %v", name, recs[0])
		}
	}
	// The ledger's rows by footprint id and zone code.
	type row struct{ m2, mu, ha, share float64 }
	rows := map[[3]string]row{} // footprint id, layer id, zone code
	layerOf := map[string]string{}
	for _, l := range ds.Layers {
		layerOf[l.Title] = l.ID
	}
	names := ledger.NewNames(ds)
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	for _, r := range recs[1:] {
		if r[col["管控区编码"]] == "" {
			continue
		}
		layer := layerOf[r[col["图层"]]]
		key := [3]string{r[col["id"]], layer, r[col["管控区编码"]]}
		if _, dup := rows[key]; dup {
			t.Errorf("%v: two ledger rows", key)
		}
		rows[key] = row{num(r[col["重叠面积_平方米"]]), num(r[col["重叠面积_亩"]]), num(r[col["重叠面积_公顷"]]), num(r[col["占图斑比例"]])}
		// Names come from the dataset.
		if h := names.Hit(zones.Hit{Layer: layer, ZoneID: key[2]}); h.ZoneName != r[col["管控区名称"]] || h.LayerTitle == "" {
			t.Errorf("%v: zone name %q, dataset says %q", key, r[col["管控区名称"]], h.ZoneName)
		}
	}
	compared := 0
	worst := 0.0
	for _, f := range exp.Footprints {
		if f.Expect == "reject" || f.Kind != "polygon" {
			continue
		}
		for lid, l := range f.Result.Layers {
			for _, h := range l.Hits {
				if h.AreaGeodesicM2 == nil || *h.AreaGeodesicM2 <= 0 {
					continue
				}
				want := *h.AreaGeodesicM2
				got, ok := rows[[3]string{f.ID, lid, h.ID}]
				if !ok {
					t.Errorf("%s: PostGIS finds zone %s, the ledger has no row", f.ID, h.ID)
					continue
				}
				compared++
				tol := math.Max(oracle.AreaAbs, oracle.AreaRel*want)
				worst = math.Max(worst, math.Abs(got.m2-want)/want)
				if math.Abs(got.m2-want) > tol+5e-4 {
					t.Errorf("%s in %s: %.3f m², PostGIS %.3f", f.ID, h.ID, got.m2, want)
				}
				if math.Abs(got.mu-want*ledger.MuPerM2) > tol*ledger.MuPerM2+5e-5 {
					t.Errorf("%s in %s: %.4f 亩, PostGIS %.4f", f.ID, h.ID, got.mu, want*ledger.MuPerM2)
				}
				if math.Abs(got.ha-want/1e4) > tol/1e4+5e-5 {
					t.Errorf("%s in %s: %.4f 公顷, PostGIS %.4f", f.ID, h.ID, got.ha, want/1e4)
				}
				if fa := f.Result.Measure.AreaGeodesicM2; fa > 0 && math.Abs(got.share-want/fa) > 1e-4+5e-7 {
					t.Errorf("%s in %s: share %.6f, PostGIS %.6f", f.ID, h.ID, got.share, want/fa)
				}
			}
		}
	}
	if compared < 100 {
		t.Fatalf("only %d overlaps compared", compared)
	}
	t.Logf("%d ledger overlaps compared with PostGIS; worst relative area error %.2g", compared, worst)
}
