package data_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

// oracleData loads the five Shaanxi layers of ../shared/data into a checker, with
// the oracle's expectations and footprints (skipping without them).
func oracleData(tb testing.TB) (*zones.Checker, *oracle.Expected, *vector.Collection) {
	tb.Helper()
	shared := oracle.SharedDir(tb)
	ds, err := data.LoadDir(shared)
	if err != nil {
		tb.Fatal(err)
	}
	checker, err := zones.NewChecker(ds)
	if err != nil {
		tb.Fatal(err)
	}
	exp, err := oracle.Load(shared)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.Read(b)
	if err != nil {
		tb.Fatal(err)
	}
	return checker, exp, fc
}

// TestConformance checks every oracle footprint against the five Shaanxi layers and
// compares with what PostGIS computed (../shared/data/oracle/expected.json).
func TestConformance(t *testing.T) {
	checker, exp, fc := oracleData(t)
	byID := map[string]int{}
	for i, f := range fc.Features {
		byID[f.ID] = i
	}
	var counts oracle.Counts
	rejected, repaired, mismatches := 0, 0, 0
	for i := range exp.Footprints {
		ef := &exp.Footprints[i]
		fi, ok := byID[ef.ID]
		if !ok {
			t.Fatalf("footprint %s of expected.json is not in footprints.geojson", ef.ID)
		}
		fp := zones.Footprint{Geometry: fc.Features[fi].Geometry}
		rep, err := checker.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: zones.BufferOf(5000)})
		if ef.Expect == "reject" {
			switch {
			case err != nil:
				rejected++
				t.Logf("%s (%s) refused: %v", ef.ID, ef.Defect, err)
			case rep.Footprint.Repaired && len(rep.Footprint.Warnings) > 0:
				repaired++
				t.Logf("%s (%s) repaired: %s", ef.ID, ef.Defect, rep.Footprint.Warnings[0])
			default:
				t.Errorf("%s (%s) was accepted silently", ef.ID, ef.Defect)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", ef.ID, err)
			continue
		}
		for _, m := range oracle.Compare(ef, rep, &counts) {
			mismatches++
			t.Error(m)
		}
	}
	t.Logf("conformance: %s; %d mismatches; defective footprints: %d refused, %d repaired with a warning", counts, mismatches, rejected, repaired)
	if counts.Footprints < 200 {
		t.Errorf("only %d accepted footprints compared", counts.Footprints)
	}
}

// TestConformanceFromSnapshot: the oracle footprints get byte-identical reports
// (and locate answers) from the Shaanxi layers loaded from their sources and
// from the snapshot written by that load.
func TestConformanceFromSnapshot(t *testing.T) {
	_, _, fc := oracleData(t)
	shared := oracle.SharedDir(t)
	snap := filepath.Join(t.TempDir(), "shaanxi.snap")
	fresh, info, err := data.Open(shared, snap, zones.IndexOptions{})
	if err != nil || !info.Written {
		t.Fatalf("fresh load: %+v %v", info, err)
	}
	again, info, err := data.Open(shared, snap, zones.IndexOptions{})
	if err != nil || !info.FromSnapshot {
		t.Fatalf("from the snapshot: %+v %v", info, err)
	}
	var fps []zones.Footprint
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			fps = append(fps, zones.Footprint{Geometry: f.Geometry})
		}
	}
	if len(fps) < 200 {
		t.Fatalf("%d accepted footprints", len(fps))
	}
	if a, b := reports(t, fresh, fps), reports(t, again, fps); !bytes.Equal(a, b) {
		t.Fatalf("reports differ from the snapshot:\n%s", firstDiff(a, b))
	}
}
