package data_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/redline-gis/redline/internal/oracle"
)

// benchScale is how many times the benchmarks replicate the Shaanxi layers:
// $REDLINE_BENCH_SCALE, 1 when unset. A quick stand-in for `make bench-scale`'s
// generator, kept in test code so that the benchmarks can run at 1× and 32×.
func benchScale(tb testing.TB) int {
	s := os.Getenv("REDLINE_BENCH_SCALE")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > len(replicaShifts)+1 {
		tb.Fatalf("REDLINE_BENCH_SCALE=%q: want 1..%d", s, len(replicaShifts)+1)
	}
	return n
}

// replicaShifts are the offsets (degrees) of the copies. The layers span
// 102.55–113.57°E, 29.58–41.89°N; every shift keeps them within China's
// coordinates (73–136°E, 3–54°N) and off that box, so that the benchmarks'
// footprints and points, all in Shaanxi, get the same answers at every scale.
// Copies may overlap one another, as zones of a layer may.
var replicaShifts = func() [][2]float64 {
	var out [][2]float64
	for _, dy := range []float64{0, -16, 8, -24, -8} {
		for _, dx := range []float64{-28, 12, -20, 20, -12, 16, -24, -16} {
			out = append(out, [2]float64{dx, dy})
		}
	}
	return out
}()

// sharedData returns the Shaanxi dataset directory replicated n times (n = 1: the
// directory itself): the original layers unchanged and n-1 shifted copies with
// ids suffixed "~k", in a temporary directory with the same manifest.
func sharedData(tb testing.TB, n int) string {
	tb.Helper()
	shared := oracle.SharedDir(tb)
	if n <= 1 {
		return shared
	}
	dir := tb.TempDir()
	manifest, err := os.ReadFile(filepath.Join(shared, "dataset.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var m struct {
		Layers []struct {
			File string `json:"file"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		tb.Fatalf("dataset.yaml of %s (JSON syntax expected): %v", shared, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dataset.yaml"), manifest, 0o644); err != nil {
		tb.Fatal(err)
	}
	for _, l := range m.Layers {
		raw, err := os.ReadFile(filepath.Join(shared, l.File))
		if err != nil {
			tb.Fatal(err)
		}
		var fc map[string]any
		if err := json.Unmarshal(raw, &fc); err != nil {
			tb.Fatalf("%s: %v", l.File, err)
		}
		orig, _ := fc["features"].([]any)
		feats := append([]any{}, orig...)
		for k := 1; k < n; k++ {
			sh := replicaShifts[k-1]
			for _, f := range orig {
				cp := shifted(f, sh).(map[string]any)
				if props, ok := cp["properties"].(map[string]any); ok {
					props["id"] = fmt.Sprintf("%v~%d", props["id"], k)
				}
				feats = append(feats, cp)
			}
		}
		fc["features"] = feats
		out, err := json.Marshal(fc)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, l.File), out, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// shifted deep-copies a decoded GeoJSON value, moving every coordinate pair
// (under "coordinates") by sh.
func shifted(v any, sh [2]float64) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if k == "coordinates" {
				out[k] = shiftCoords(x, sh)
			} else {
				out[k] = shifted(x, sh)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = shifted(x, sh)
		}
		return out
	}
	return v
}

func shiftCoords(v any, sh [2]float64) any {
	a, ok := v.([]any)
	if !ok {
		return v
	}
	if len(a) >= 2 {
		if x, ok := a[0].(float64); ok {
			y, _ := a[1].(float64)
			return []any{x + sh[0], y + sh[1]}
		}
	}
	out := make([]any, len(a))
	for i, x := range a {
		out[i] = shiftCoords(x, sh)
	}
	return out
}
