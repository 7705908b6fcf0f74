package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/zones"
)

func writeDataset(t *testing.T, manifest string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dataset.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ECU features in the shape real files have: numeric class codes, Chinese text,
// numeric ids, a clockwise shell, a "crs" member, a bow-tie to repair, and two
// records of one zone.
const ecuLayer = `{"type":"FeatureCollection",
 "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},
 "features":[
 {"type":"Feature","id":1,"properties":{"HJZHGKDYBM":"ZH61010210001","HJZHGKDYMC":"优先保护单元一","ZHGKDYFL":1,"KJBJYS":"禁止新建工业项目。","PWWPFGK":"不得新增排污口。","HJFXFK":"防范风险。","ZYKFXLYQ":"节约用水。"},
  "geometry":{"type":"Polygon","coordinates":[[[108,34],[108,34.1],[108.1,34.1],[108.1,34],[108,34]]]}},
 {"type":"Feature","id":"2","properties":{"HJZHGKDYBM":"ZH61010220002","HJZHGKDYMC":"重点管控单元二","ZHGKDYFL":"2"},
  "geometry":{"type":"Polygon","coordinates":[[[108.1,34],[108.2,34.1],[108.2,34],[108.1,34.1],[108.1,34]]]}},
 {"type":"Feature","properties":{"HJZHGKDYBM":"ZH61010230003","HJZHGKDYMC":"一般管控单元三","ZHGKDYFL":"3"},
  "geometry":{"type":"Polygon","coordinates":[[[108.3,34],[108.4,34],[108.4,34.1],[108.3,34.1],[108.3,34]]]}},
 {"type":"Feature","properties":{"HJZHGKDYBM":"ZH61010230003","HJZHGKDYMC":"一般管控单元三","ZHGKDYFL":"3"},
  "geometry":{"type":"Polygon","coordinates":[[[108.5,34],[108.6,34],[108.6,34.1],[108.5,34.1],[108.5,34]]]}}
 ]}`

func TestLoadManifestJSONSyntax(t *testing.T) {
	dir := writeDataset(t, `{"name":"t","version":"1","crs":"EPSG:4490","layers":[
	  {"id":"ecu","kind":"ecu","title":"管控单元","file":"ecu.geojson","id_field":"HJZHGKDYBM","name_field":"HJZHGKDYMC",
	   "class_field":"ZHGKDYFL","class_map":{"1":"priority","2":"key","3":"general"}}]}`,
		map[string]string{"ecu.geojson": ecuLayer})
	ds, err := data.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := ds.Layer("ecu")
	if l == nil || len(l.Zones) != 3 {
		t.Fatalf("layer: %+v", l)
	}
	z := l.Zones[0]
	if z.ID != "ZH61010210001" || z.Name != "优先保护单元一" || z.Class != "priority" {
		t.Errorf("zone 0: %s %s %s", z.ID, z.Name, z.Class)
	}
	if z.Clauses == nil || z.Clauses.SpatialLayout != "禁止新建工业项目。" || z.Clauses.ResourceEfficiency != "节约用水。" {
		t.Errorf("clauses: %+v", z.Clauses)
	}
	if ds.Summary.Repaired != 1 || !strings.Contains(ds.Summary.Repairs[0], "ZH61010220002") {
		t.Errorf("the bow-tie must be repaired and named: %+v", ds.Summary)
	}
	// Two records with one id are two parts of one zone.
	if mp, ok := l.Zones[2].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
		t.Errorf("merged zone: %T", l.Zones[2].Geometry)
	}
}

func TestLoadErrorsNameWhatAndWhere(t *testing.T) {
	layer := `layers: [{id: ecu, kind: ecu, file: ecu.geojson, id_field: HJZHGKDYBM, class_field: ZHGKDYFL, class_map: {"1": priority, "2": key}}]`
	cases := []struct {
		name, manifest string
		want           []string
	}{
		{"unmapped class", "name: t\n" + layer, []string{`layer "ecu"`, "feature 2", "ZH61010230003", `"3"`, "ZHGKDYFL"}},
		{"unknown kind", "name: t\nlayers: [{id: a, kind: reserve, file: ecu.geojson, class: x}]", []string{"unknown kind", `"reserve"`}},
		{"bad class in class_map", "name: t\nlayers: [{id: a, kind: qinling, file: ecu.geojson, class_field: X, class_map: {\"核心\": centre}}]", []string{"centre", "qinling"}},
		{"typo in a field", "name: t\nlayers: [{id: a, kind: custom, file: ecu.geojson, clas: x}]", []string{"clas"}},
		{"missing file", "name: t\nlayers: [{id: a, kind: custom, file: nothing.geojson, class: x}]", []string{"nothing.geojson"}},
		{"bad layer id", "name: t\nlayers: [{id: A-1, kind: custom, file: ecu.geojson, class: x}]", []string{"A-1", "[a-z0-9_]+"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDataset(t, strings.ReplaceAll(tc.manifest, `\n`, "\n"), map[string]string{"ecu.geojson": ecuLayer})
			_, err := data.LoadDir(dir)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
	// A class error is a FeatureError with the index and field.
	dir := writeDataset(t, "name: t\n"+layer, map[string]string{"ecu.geojson": ecuLayer})
	_, err := data.LoadDir(dir)
	var fe *zones.FeatureError
	if !errors.As(err, &fe) || fe.Index != 2 || fe.Field != "ZHGKDYFL" {
		t.Errorf("want a FeatureError for feature 2, field ZHGKDYFL: %#v", err)
	}
}

// TestLoadSharedData: the conformance dataset loads, its 5 self-intersecting DataV
// counties are repaired and counted.
func TestLoadSharedData(t *testing.T) {
	shared := oracle.SharedDir(t)
	ds, err := data.LoadDir(shared)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Summary.Repaired != 5 {
		t.Errorf("%d features repaired, want the 5 invalid DataV counties: %v", ds.Summary.Repaired, ds.Summary.Repairs)
	}
	for _, id := range []string{"610630", "610726", "610802", "611023", "611026"} {
		found := false
		for _, r := range ds.Summary.Repairs {
			found = found || strings.Contains(r, id)
		}
		if !found {
			t.Errorf("repair of %s not reported", id)
		}
	}
	want := map[string]int{"county_amap": 107, "county_datav": 107, "basins": 8, "water": 7, "rivers": 200}
	for id, n := range want {
		if l := ds.Layer(id); l == nil || len(l.Zones) != n {
			t.Errorf("layer %s: want %d zones", id, n)
		}
	}
	if ds.Layer("rivers").Geom != zones.Lineal || ds.Layer("water").Geom != zones.Polygonal {
		t.Error("geometry kinds of layers")
	}
}

// fsDataset is a dataset as a file system: a shapefile layer (sidecars with an
// upper-case extension among them), a GeoJSON layer outside the manifest's
// folder, a rule file and an industry table. The manifest's CRS is projected:
// only the shapefile's .prj (longitude/latitude) makes its layer load.
func fsDataset(t *testing.T) fstest.MapFS {
	t.Helper()
	sq := func(x, y float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x, y + 0.1}, {x + 0.1, y + 0.1}, {x + 0.1, y}, {x, y}}}
	}
	shp, err := shapefile.Write([]vector.Feature{
		{Index: 0, Geometry: sq(108, 34), Properties: map[string]any{"BM": "NR01", "MC": "示范保护区", "GNQ": "核心区"}},
		{Index: 1, Geometry: sq(108.2, 34), Properties: map[string]any{"BM": "NR02", "MC": "示范保护区", "GNQ": "缓冲区"}},
	}, `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`)
	if err != nil {
		t.Fatal(err)
	}
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	return fstest.MapFS{
		"sets/demo/dataset.yaml": file(`name: fs-test
version: "1"
crs: EPSG:4524
rules: [rules/local.yaml]
industries: ../common/industries.csv
layers:
  - {id: reserve, kind: nature_reserve, title: 自然保护区, file: layers/reserve.shp, id_field: BM, name_field: MC,
     class_field: GNQ, class_map: {"核心区": core, "缓冲区": buffer}}
  - {id: basins, kind: custom, file: ../common/basins.geojson, crs: EPSG:4490, id_field: id, class: basin}
`),
		"sets/demo/layers/reserve.shp": {Data: shp.SHP},
		"sets/demo/layers/reserve.shx": {Data: shp.SHX},
		"sets/demo/layers/reserve.DBF": {Data: shp.DBF},
		"sets/demo/layers/reserve.prj": file(shp.PRJ),
		"sets/demo/layers/reserve.cpg": file(shp.CPG),
		"sets/demo/rules/local.yaml": file(`rules:
  - {id: local.basin, kind: custom, layers: [basins], verdict: conditional, text: 流域内须论证（测试）。, source: 测试}
  - {id: redline.mining, disabled: true}
`),
		"sets/common/industries.csv": file("code,level,section,name,parent\nC,1,C,制造业,\n26,2,C,化学原料和化学制品制造业,C\n"),
		"sets/common/basins.geojson": file(`{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"id":"B1"},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.5,34],[108.5,34.5],[108,34.5],[108,34]]]}}]}`),
	}
}

// TestLoadFS: a dataset in a file system uses every file its manifest names — the
// shapefile with its sidecars, the rules, the industry table — and loads from
// disk into the same Dataset.
func TestLoadFS(t *testing.T) {
	fsys := fsDataset(t)
	ds, err := data.LoadFS(fsys, "sets/demo/dataset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := ds.Layer("reserve")
	if l == nil || len(l.Zones) != 2 || l.Geom != zones.Polygonal {
		t.Fatalf("shapefile layer: %+v", l)
	}
	if z := l.Zones[1]; z.ID != "NR02" || z.Name != "示范保护区" || z.Class != "buffer" || !orb.Equal(z.Geometry.Bound(), orb.Bound{Min: orb.Point{108.2, 34}, Max: orb.Point{108.3, 34.1}}) {
		t.Errorf("zone from the .dbf and .shp: %+v %v", z, z.Geometry.Bound())
	}
	if b := ds.Layer("basins"); b == nil || len(b.Zones) != 1 || b.Zones[0].ID != "B1" {
		t.Errorf("layer outside the manifest's folder: %+v", b)
	}
	if r, ok := ds.Rules.Rule("local.basin"); !ok || r.Text != "流域内须论证（测试）。" {
		t.Errorf("the dataset's rule file is not in force: %+v", r)
	}
	if _, ok := ds.Rules.Rule("redline.mining"); ok {
		t.Error("a rule the dataset disables is still in force")
	}
	if len(ds.Industries) != 2 || ds.Industries[1].Code != "C26" || ds.Industries[1].Parent != "C" {
		t.Errorf("industry table: %+v", ds.Industries)
	}

	// The same files on disk load into the same Dataset.
	dir := t.TempDir()
	for name, f := range fsys {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disk, err := data.LoadDir(filepath.Join(dir, "sets", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	ds.Summary.Duration, disk.Summary.Duration = 0, 0
	if !reflect.DeepEqual(ds, disk) {
		t.Errorf("from disk:\n%+v\nfrom the fs.FS:\n%+v", disk, ds)
	}

	// Without its .prj the shapefile is taken in the manifest's projected CRS,
	// which its numbers contradict: the .prj was read.
	delete(fsys, "sets/demo/layers/reserve.prj")
	if _, err := data.LoadFS(fsys, "sets/demo/dataset.yaml"); err == nil || !strings.Contains(err.Error(), "reserve") {
		t.Errorf("without the .prj: %v", err)
	}
}

// TestLoadFSPathLeavesFS: a manifest path may leave its folder but not the file
// system; the error names the path.
func TestLoadFSPathLeavesFS(t *testing.T) {
	fsys := fsDataset(t)
	fsys["sets/demo/dataset.yaml"] = &fstest.MapFile{Data: []byte(
		"name: t\nlayers: [{id: a, kind: custom, file: ../../../outside.geojson, class: x}]\n")}
	_, err := data.LoadFS(fsys, "sets/demo/dataset.yaml")
	if err == nil || !strings.Contains(err.Error(), "../../../outside.geojson") || !strings.Contains(err.Error(), "leaves") {
		t.Errorf("err %v", err)
	}
}

// TestLoadLayerErrorNamesFileOnce: a layer file that does not parse is named once,
// with the reader's reason.
func TestLoadLayerErrorNamesFileOnce(t *testing.T) {
	dir := writeDataset(t, "name: t\nlayers: [{id: a, kind: custom, file: x.geojson, class: x}]", map[string]string{"x.geojson": `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"id":"1"},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1]]]}}]}`})
	_, err := data.LoadDir(dir)
	if err == nil || strings.Count(err.Error(), "x.geojson") != 1 || !strings.Contains(err.Error(), `layer "a"`) || !strings.Contains(err.Error(), "vertex 1") {
		t.Errorf("err %v", err)
	}
}
