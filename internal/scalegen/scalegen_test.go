package scalegen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/scalegen"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

func TestPlace(t *testing.T) {
	shaanxi := orb.Bound{Min: orb.Point{102.5505719, 29.5763844}, Max: orb.Point{113.570641, 41.8877008}}
	for _, tc := range []struct {
		name      string
		src       orb.Bound
		n         int
		keepShape bool
		disjoint  bool // the copies fit without overlapping one another
	}{
		{"one degree, 32 copies", orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{109, 35}}, 32, true, true},
		{"one degree, plain translation", orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{109, 35}}, 32, false, true},
		{"Shaanxi's five layers, 32×", shaanxi, 32, true, false},
		{"the original only", shaanxi, 1, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := scalegen.Place(tc.src, tc.n, 0.5, tc.keepShape)
			if err != nil {
				t.Fatal(err)
			}
			if len(pl.Copies) != tc.n {
				t.Fatalf("%d copies, want %d", len(pl.Copies), tc.n)
			}
			again, _ := scalegen.Place(tc.src, tc.n, 0.5, tc.keepShape)
			if !reflect.DeepEqual(pl, again) {
				t.Error("two plans of the same dataset differ")
			}
			if c := pl.Copies[0]; c.DX != 0 || c.DY != 0 || c.ScaleX != 1 || pl.Apply(&c, orb.Point{108.1234567891, 34.1}) != (orb.Point{108.1234567891, 34.1}) {
				t.Errorf("the original moves: %+v", c)
			}
			clear := tc.src.Pad(0.5)
			for _, c := range pl.Copies[1:] {
				// The corners of the source, moved, are the copy's box.
				lo, hi := pl.Apply(&c, tc.src.Min), pl.Apply(&c, tc.src.Max)
				if !scalegen.ChinaBox.Contains(lo) || !scalegen.ChinaBox.Contains(hi) {
					t.Errorf("copy %d lies at %v–%v, outside China's box", c.Index, lo, hi)
				}
				if (orb.Bound{Min: lo, Max: hi}).Intersects(clear) {
					t.Errorf("copy %d at %v–%v comes within 0.5° of the original %v", c.Index, lo, hi, tc.src)
				}
				if !tc.keepShape && c.ScaleX != 1 {
					t.Errorf("copy %d is stretched %v without keepShape", c.Index, c.ScaleX)
				}
				if tc.keepShape {
					want := math.Cos(tc.src.Center()[1]*math.Pi/180) / math.Cos((tc.src.Center()[1]+c.DY)*math.Pi/180)
					if math.Abs(c.ScaleX-want) > 1e-12 {
						t.Errorf("copy %d stretched %v, want %v", c.Index, c.ScaleX, want)
					}
				}
			}
			if got := pl.Overlaps(); tc.disjoint && got != 0 {
				t.Errorf("%d pairs of copies overlap where they fit apart", got)
			}
		})
	}
}

func TestPlaceRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  orb.Bound
		n    int
		want string
	}{
		{"no copy", orb.Bound{Min: orb.Point{108, 34}, Max: orb.Point{109, 35}}, 0, "at least 1"},
		{"outside China", orb.Bound{Min: orb.Point{8, 34}, Max: orb.Point{9, 35}}, 2, "not inside"},
		{"more than China holds", orb.Bound{Min: orb.Point{95, 25}, Max: orb.Point{125, 45}}, 2, "room for 0 copies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scalegen.Place(tc.src, tc.n, 0.5, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestPlaceOnLand checks every copy's centre against China's real provinces
// (../shared/data/formats/bou2_4p.shp), not the coarse outline Place uses.
func TestPlaceOnLand(t *testing.T) {
	shared := oracle.SharedDir(t)
	coll, err := formats.ReadPath(filepath.Join(shared, "formats", "bou2_4p.shp"), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	onLand := func(p orb.Point) bool {
		for _, f := range coll.Features {
			for _, poly := range planar.Polygons(f.Geometry) {
				if planar.PolygonLocate(poly, p) != planar.Outside {
					return true
				}
			}
		}
		return false
	}
	for _, src := range []orb.Bound{
		{Min: orb.Point{102.5505719, 29.5763844}, Max: orb.Point{113.570641, 41.8877008}},
		{Min: orb.Point{108, 34}, Max: orb.Point{109, 35}},
	} {
		pl, err := scalegen.Place(src, 64, 0.5, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range pl.Copies[1:] {
			if at := c.Bound.Center(); !onLand(at) {
				t.Errorf("copy %d of %v is centred at %v, not in a province of China", c.Index, src, at)
			}
		}
	}
}

// writeFiles writes a dataset of name → content into a temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestGenerate replicates a small dataset: the ids of a field, of the GeoJSON id
// member and of properties.id, two records of one zone, a polygon with a hole,
// lines, a rule file.
func TestGenerate(t *testing.T) {
	src := writeFiles(t, map[string]string{
		"dataset.yaml": `name: small
version: "1"
crs: EPSG:4490
rules: [extra.yaml]
layers:
  - {id: parks, kind: custom, class: unit, file: parks.geojson, id_field: CODE, name_field: NAME}
  - {id: lakes, kind: custom, class: water, file: lakes.geojson}
  - {id: rivers, kind: custom, class: river, file: rivers.geojson, name_field: name}
`,
		"extra.yaml": "rules: []\n",
		"parks.geojson": `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"CODE":"P1","NAME":"甲","n":7},"geometry":{"type":"Polygon","coordinates":[[[108.0,34.0],[108.4,34.0],[108.4,34.4],[108.0,34.4],[108.0,34.0]],[[108.1,34.1],[108.1,34.2],[108.2,34.2],[108.2,34.1],[108.1,34.1]]]}},
 {"type":"Feature","properties":{"CODE":"P2","NAME":"乙"},"geometry":{"type":"MultiPolygon","coordinates":[[[[108.5,34.0],[108.6,34.0],[108.6,34.1],[108.5,34.0]]]]}},
 {"type":"Feature","properties":{"CODE":"P2","NAME":"乙"},"geometry":{"type":"Polygon","coordinates":[[[108.7,34.0],[108.8,34.0],[108.8,34.1],[108.7,34.0]]]}}]}`,
		"lakes.geojson": `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"L1","properties":{},"geometry":{"type":"Polygon","coordinates":[[[108.3,34.5],[108.35,34.5],[108.35,34.55],[108.3,34.5]]]}},
 {"type":"Feature","properties":{"id":"L2"},"geometry":{"type":"Polygon","coordinates":[[[108.123456789012,34.6],[108.2,34.6],[108.2,34.7],[108.123456789012,34.6]]]}}]}`,
		"rivers.geojson": `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":7,"properties":{"name":"河"},"geometry":{"type":"LineString","coordinates":[[108.0,34.8],[108.9,34.9]]}}]}`,
	})
	const n = 5
	orig, err := data.LoadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	for _, interleave := range []bool{false, true} {
		out = filepath.Join(t.TempDir(), fmt.Sprintf("x5-%v", interleave))
		sum, err := scalegen.Generate(src, out, scalegen.Options{N: n, KeepShape: true, Interleave: interleave})
		if err != nil {
			t.Fatal(err)
		}
		if sum.N != n || len(sum.Plan.Copies) != n || sum.Overlapping != 0 {
			t.Errorf("summary: %d×, %d copies, %d overlapping", sum.N, len(sum.Plan.Copies), sum.Overlapping)
		}
		big, err := data.LoadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		if big.Name != orig.Name || big.Version != orig.Version || len(big.Layers) != len(orig.Layers) {
			t.Fatalf("dataset %s %s with %d layers, want %s %s with %d", big.Name, big.Version, len(big.Layers), orig.Name, orig.Version, len(orig.Layers))
		}
		for li, l := range big.Layers {
			ol := orig.Layers[li]
			if l.ID != ol.ID || l.Kind != ol.Kind || l.Title != ol.Title || l.Geom != ol.Geom {
				t.Errorf("layer %d is %s/%s/%s, want %s/%s/%s", li, l.ID, l.Kind, l.Geom, ol.ID, ol.Kind, ol.Geom)
			}
			if len(l.Zones) != n*len(ol.Zones) {
				t.Errorf("layer %s: %d zones, want %d × %d", l.ID, len(l.Zones), n, len(ol.Zones))
				continue
			}
			seen := map[string]bool{}
			for zi, z := range l.Zones {
				if seen[z.ID] {
					t.Errorf("layer %s: zone id %s twice", l.ID, z.ID)
				}
				seen[z.ID] = true
				// copy by copy, or each zone's copies together
				o, k := ol.Zones[zi%len(ol.Zones)], zi/len(ol.Zones)
				if interleave {
					o, k = ol.Zones[zi/n], zi%n
				}
				sfx := scalegen.Suffix(k, n)
				if z.ID != o.ID+sfx || z.Class != o.Class {
					t.Errorf("interleave %v: layer %s zone %d: id %s class %s, want %s%s %s", interleave, l.ID, zi, z.ID, z.Class, o.ID, sfx, o.Class)
				}
				if o.Name != "" && z.Name != o.Name+sfx {
					t.Errorf("layer %s zone %s: name %q, want %q", l.ID, z.ID, z.Name, o.Name+sfx)
				}
				if planar.NumVertices(z.Geometry) != planar.NumVertices(o.Geometry) {
					t.Errorf("layer %s zone %s: %d vertices, want %d", l.ID, z.ID, planar.NumVertices(z.Geometry), planar.NumVertices(o.Geometry))
				}
				if k == 0 && !reflect.DeepEqual(z.Geometry, o.Geometry) {
					t.Errorf("layer %s zone %s: the original's geometry changed", l.ID, z.ID)
				}
				planar.EachPoint(z.Geometry, func(p orb.Point) {
					if !scalegen.ChinaBox.Contains(p) {
						t.Errorf("layer %s zone %s: vertex %v outside China's box", l.ID, z.ID, p)
					}
				})
				if k > 0 && z.Geometry.Bound().Intersects(sum.Plan.Source.Pad(0.5)) {
					t.Errorf("layer %s zone %s (copy %d) lies near the original", l.ID, z.ID, k)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(out, "extra.yaml")); err != nil {
		t.Errorf("the rule file was not copied: %v", err)
	}
	if _, err := scalegen.Generate(src, src, scalegen.Options{N: 2}); err == nil {
		t.Error("writing over the source dataset was not refused")
	}
}

// TestGenerateClash refuses a copy whose suffixed id is an id of the original.
func TestGenerateClash(t *testing.T) {
	src := writeFiles(t, map[string]string{
		"dataset.yaml": "name: clash\nlayers:\n  - {id: a, kind: custom, class: x, file: a.geojson}\n",
		"a.geojson": `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"Z","properties":{},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}},
 {"type":"Feature","id":"Z-c1","properties":{},"geometry":{"type":"Polygon","coordinates":[[[108.2,34],[108.3,34],[108.3,34.1],[108.2,34]]]}}]}`,
	})
	_, err := scalegen.Generate(src, filepath.Join(t.TempDir(), "out"), scalegen.Options{N: 2})
	if err == nil || !strings.Contains(err.Error(), `"Z-c1" is an id of the original`) {
		t.Fatalf("error %v, want the clash named", err)
	}
}

// TestSharedAnswersUnchanged replicates the five Shaanxi layers and checks that
// footprints and points in Shaanxi get the same answers from the source, its 1×
// rewrite and the N× dataset.
func TestSharedAnswersUnchanged(t *testing.T) {
	shared := oracle.SharedDir(t)
	const n = 4
	dir := t.TempDir()
	load := func(path string) (*zones.Dataset, *zones.Checker) {
		start := time.Now()
		ds, err := data.LoadDir(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := zones.NewChecker(ds)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d zones in %s", path, ds.Summary.Zones, time.Since(start).Round(time.Millisecond))
		return ds, c
	}
	for _, k := range []int{1, n} {
		if _, err := scalegen.Generate(shared, filepath.Join(dir, fmt.Sprint(k)), scalegen.Options{N: k, KeepShape: true}); err != nil {
			t.Fatal(err)
		}
	}
	srcDS, src := load(shared)
	oneDS, one := load(filepath.Join(dir, "1"))
	bigDS, big := load(filepath.Join(dir, fmt.Sprint(n)))
	for li, l := range srcDS.Layers {
		if len(oneDS.Layers[li].Zones) != len(l.Zones) || len(bigDS.Layers[li].Zones) != n*len(l.Zones) {
			t.Errorf("layer %s: %d zones, 1×: %d, %d×: %d", l.ID, len(l.Zones), len(oneDS.Layers[li].Zones), n, len(bigDS.Layers[li].Zones))
		}
	}

	b, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	report := func(c *zones.Checker, g orb.Geometry) string {
		r, err := c.Check(context.Background(), zones.Footprint{Geometry: g}, zones.Project{}, zones.CheckOptions{Buffer: zones.BufferOf(5000)})
		if err != nil {
			return "error: " + err.Error()
		}
		r.ReportID, r.CreatedAt = "", time.Time{}
		j, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(j)
	}
	checked, hits := 0, 0
	for i, f := range fc.Features {
		if i%5 != 0 {
			continue // a fifth of them: every kind, at a fifth of the time
		}
		want := report(src, f.Geometry)
		for name, c := range map[string]*zones.Checker{"1×": one, fmt.Sprintf("%d×", n): big} {
			if got := report(c, f.Geometry); got != want {
				t.Errorf("footprint %s on the %s dataset:\n got %s\nwant %s", f.ID, name, got, want)
			}
		}
		checked++
		hits += strings.Count(want, `"zone_id"`)
	}
	x := uint64(88172645463325252)
	next := func() float64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return float64(x%1_000_000) / 1e6
	}
	for range 2000 {
		p := orb.Point{106 + 4*next(), 33 + 5*next()}
		want, err := src.Locate(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]*zones.Checker{"1×": one, fmt.Sprintf("%d×", n): big} {
			if got, err := c.Locate(context.Background(), p); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("point %v on the %s dataset: %v %v, want %v", p, name, got, err, want)
			}
		}
		hits += len(want)
	}
	if checked < 40 || hits < 2000 {
		t.Fatalf("only %d footprints and %d hits compared", checked, hits)
	}
	t.Logf("%d footprints and 2000 points, %d hits: the same on the source, 1× and %d×", checked, hits, n)
}

func TestPatches(t *testing.T) {
	dir := t.TempDir()
	sum, err := scalegen.Patches(dir, scalegen.PatchOptions{N: 600, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Zones != 600 || sum.Vertices != 600*13 {
		t.Fatalf("summary %+v, want 600 zones of 13 positions", sum)
	}
	ds, err := data.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Layers) != 1 || ds.Layers[0].Kind != zones.KindWaterSource {
		t.Fatalf("layers %+v, want one water-source layer", ds.Layers)
	}
	zs := ds.Layers[0].Zones
	if len(zs) != 600 {
		t.Fatalf("%d zones loaded, want 600", len(zs))
	}
	classes := map[string]int{}
	ids := map[string]bool{}
	for i, z := range zs {
		classes[z.Class]++
		ids[z.ID] = true
		p, ok := z.Geometry.(orb.Polygon)
		if !ok || len(p) != 1 || len(p[0]) != 13 {
			t.Fatalf("zone %d: %T %v, want one ring of 13 positions", i, z.Geometry, z.Geometry)
		}
		b := p.Bound()
		if !scalegen.ChinaBox.Contains(b.Min) || !scalegen.ChinaBox.Contains(b.Max) {
			t.Fatalf("zone %d at %v: outside China's box", i, b)
		}
		// 80–400 m from the centre, ±15 %: an area between ~0.01 and ~0.7 km².
		if a := geo.Area(p) / 1e6; a < 0.01 || a > 0.7 {
			t.Fatalf("zone %d: %.4f km², want a small patch", i, a)
		}
		if len(z.Attributes) != 6 {
			t.Fatalf("zone %d: attributes %v, want six", i, z.Attributes)
		}
	}
	if len(ids) != 600 || len(classes) != 3 {
		t.Fatalf("%d distinct ids, classes %v: want 600 and all three levels", len(ids), classes)
	}
	// The same seed writes the same bytes; another seed other places.
	again, other := t.TempDir(), t.TempDir()
	if _, err := scalegen.Patches(again, scalegen.PatchOptions{N: 600, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := scalegen.Patches(other, scalegen.PatchOptions{N: 600, Seed: 8}); err != nil {
		t.Fatal(err)
	}
	read := func(d string) string {
		b, err := os.ReadFile(filepath.Join(d, sum.File))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if read(dir) != read(again) || read(dir) == read(other) {
		t.Fatal("a seed must decide the dataset: the same seed the same bytes, another other ones")
	}
	if _, err := scalegen.Patches(t.TempDir(), scalegen.PatchOptions{N: 0}); err == nil {
		t.Fatal("0 patches: no error")
	}
}
