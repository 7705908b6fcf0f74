package demogen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/planar"
)

const committed = "../../data/demo"

// TestCommittedFilesReproduced regenerates the dataset into a temporary directory and
// compares it with data/demo byte for byte, both ways: no file differs, none is
// missing, none is stale.
func TestCommittedFilesReproduced(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	gen := listFiles(t, dir)
	com := listFiles(t, committed)
	com = slices.DeleteFunc(com, func(p string) bool { return p == "demo.go" })
	if !slices.Equal(gen, com) {
		t.Fatalf("generated files %v\ncommitted files %v\nrun: go run ./cmd/demogen -out data/demo", gen, com)
	}
	for _, p := range gen {
		a, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(committed, p))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			t.Errorf("%s differs at byte %d (generated %d bytes, committed %d); run: go run ./cmd/demogen -out data/demo", p, i, len(a), len(b))
		}
	}
}

func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// manifestLayer is what the tests need of dataset.yaml. The manifest is read with a
// few regular expressions (the module has no YAML package); its JSON-string values
// decode with encoding/json.
type manifestLayer struct {
	id, kind, file, idField, nameField, classField, class string
	classMap                                              map[string]string
}

func readManifest(t *testing.T) []manifestLayer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(committed, "dataset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ls []manifestLayer
	field := regexp.MustCompile(`^\s+(?:- )?(\w+): (.*)$`)
	inLayers := false
	for _, line := range strings.Split(string(b), "\n") {
		if line == "layers:" {
			inLayers = true
			continue
		}
		m := field.FindStringSubmatch(line)
		if !inLayers || m == nil {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "- ") {
			ls = append(ls, manifestLayer{})
		}
		l := &ls[len(ls)-1]
		k, v := m[1], m[2]
		switch k {
		case "id":
			l.id = v
		case "kind":
			l.kind = v
		case "file":
			l.file = v
		case "id_field":
			l.idField = v
		case "name_field":
			l.nameField = v
		case "class_field":
			l.classField = v
		case "class":
			l.class = v
		case "class_map":
			l.classMap = map[string]string{}
			body := strings.TrimSuffix(strings.TrimPrefix(v, "{"), "}")
			for _, kv := range strings.Split(body, ", ") {
				raw, canon, _ := strings.Cut(kv, ": ")
				var key string
				if err := json.Unmarshal([]byte(raw), &key); err != nil {
					t.Fatalf("class_map key %s: %v", raw, err)
				}
				l.classMap[key] = canon
			}
		}
	}
	return ls
}

func readLayer(t *testing.T, file string) *geojson.FeatureCollection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(committed, file))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return fc
}

func vertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += vertices(p)
		}
	case orb.LineString:
		n = len(g)
	case orb.MultiLineString:
		for _, l := range g {
			n += len(l)
		}
	case orb.Point:
		n = 1
	}
	return n
}

// TestLayers checks the committed layer files against the manifest and the dataset
// contract: one layer of each kind, every class mapped to a canonical class of its
// kind and every one of them used, ids unique, valid polygons (RFC 7946 orientation),
// lines without self-crossings, thousands of vertices, holes and multipolygons.
func TestLayers(t *testing.T) {
	canonical := map[string][]string{
		"redline":         {"redline"},
		"ecu":             {"priority", "key", "general"},
		"qinling":         {"core", "key", "general"},
		"nature_reserve":  {"core", "buffer", "experimental", "general_control"},
		"national_park":   {"core", "general_control"},
		"water_source":    {"level1", "level2", "quasi"},
		"industrial_park": {"national", "provincial", "other"},
	}
	ls := readManifest(t)
	var kinds []string
	for _, l := range ls {
		kinds = append(kinds, l.kind)
	}
	slices.Sort(kinds)
	want := []string{"custom", "ecu", "industrial_park", "national_park", "nature_reserve", "qinling", "redline", "water_source"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	for _, l := range ls {
		t.Run(l.id, func(t *testing.T) {
			fc := readLayer(t, l.file)
			ids := map[string]bool{}
			used := map[string]bool{}
			total, holes, multis := 0, 0, 0
			for i, f := range fc.Features {
				id, _ := f.Properties[l.idField].(string)
				name, _ := f.Properties[l.nameField].(string)
				if id == "" || name == "" || ids[id] {
					t.Errorf("feature %d: id %q name %q (empty or repeated id)", i, id, name)
				}
				ids[id] = true
				class := l.class
				if l.classField != "" {
					raw, _ := f.Properties[l.classField].(string)
					var ok bool
					if class, ok = l.classMap[raw]; !ok {
						t.Errorf("feature %s: class %q not in class_map", id, raw)
					}
				}
				used[class] = true
				total += vertices(f.Geometry)
				switch g := f.Geometry.(type) {
				case orb.Polygon, orb.MultiPolygon:
					mp := asMulti(g)
					if err := checkPolygons(mp); err != nil {
						t.Errorf("feature %s: %v", id, err)
					}
					if len(mp) > 1 {
						multis++
					}
					for _, p := range mp {
						holes += len(p) - 1
					}
				case orb.LineString:
					if err := crossings([][]orb.Point{g}, false, false); err != nil {
						t.Errorf("feature %s: %v", id, err)
					}
				case orb.MultiLineString:
					for _, ls := range g {
						if err := crossings([][]orb.Point{ls}, false, false); err != nil {
							t.Errorf("feature %s: %v", id, err)
						}
					}
					multis++
				default:
					t.Errorf("feature %s: geometry %T", id, g)
				}
			}
			if c, ok := canonical[l.kind]; ok {
				for _, class := range c {
					if !used[class] {
						t.Errorf("no %s zone", class)
					}
				}
			}
			if total < 2000 {
				t.Errorf("%d vertices, want thousands", total)
			}
			if l.kind != "custom" && l.kind != "ecu" && holes == 0 {
				t.Errorf("no hole")
			}
			if (l.kind == "redline" || l.kind == "qinling" || l.kind == "national_park" || l.kind == "ecu" || l.kind == "custom") && multis == 0 {
				t.Errorf("no multi-part feature")
			}
			t.Logf("%d features, %d vertices, %d holes, %d multi-part", len(fc.Features), total, holes, multis)
		})
	}
}

// TestNumbers checks that every coordinate has at most 7 decimals and no exponent.
func TestNumbers(t *testing.T) {
	bad := regexp.MustCompile(`[\[,]-?\d+\.\d{8,}|\d[eE][-+]?\d`)
	for _, p := range listFiles(t, committed) {
		if !strings.HasSuffix(p, ".geojson") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(committed, p))
		if err != nil {
			t.Fatal(err)
		}
		if m := bad.Find(b); m != nil {
			t.Errorf("%s: number %s", p, m)
		}
	}
}

// TestECUPartition checks that the control units tile the province: every directed
// edge of a unit's rings is matched by the same edge reversed in another unit, except
// the province boundary, which forms a single counter-clockwise ring; no two distinct
// edges cross; and the areas add up to the province's.
func TestECUPartition(t *testing.T) {
	fc := readLayer(t, "ecu.geojson")
	if n := len(fc.Features); n < 20 || n > 40 {
		t.Errorf("%d units, want 20 to 40", n)
	}
	type seg [2]orb.Point
	count := map[seg]int{}
	sum := 0.0
	for _, f := range fc.Features {
		for _, p := range asMulti(f.Geometry) {
			for _, r := range p {
				sum += planar.SignedArea(r)
				for k := 0; k+1 < len(r); k++ {
					count[seg{r[k], r[k+1]}]++
				}
			}
		}
	}
	var boundary []seg
	var unique [][]orb.Point
	for s, n := range count {
		if n != 1 {
			t.Fatalf("edge %v used %d times in one direction", s, n)
		}
		if count[seg{s[1], s[0]}] == 0 {
			boundary = append(boundary, s)
		}
		if count[seg{s[1], s[0]}] == 0 || lessPt(s[0], s[1]) {
			unique = append(unique, []orb.Point{s[0], s[1]})
		}
	}
	// Edges as two-point paths: they may share end points, nothing else.
	slices.SortFunc(unique, func(a, b []orb.Point) int { return cmpPt(a[0], b[0])*2 + cmpPt(a[1], b[1]) })
	if err := crossings(unique, false, true); err != nil {
		t.Fatalf("unit edges cross: %v", err)
	}
	// The boundary edges chain into one ring.
	next := map[orb.Point]orb.Point{}
	for _, s := range boundary {
		if _, dup := next[s[0]]; dup {
			t.Fatalf("boundary branches at %v", s[0])
		}
		next[s[0]] = s[1]
	}
	start := boundary[0][0]
	ring := orb.Ring{start}
	for p := next[start]; p != start; p = next[p] {
		ring = append(ring, p)
		if len(ring) > len(boundary) {
			t.Fatal("boundary does not close")
		}
	}
	ring = append(ring, start)
	if len(ring) != len(boundary)+1 {
		t.Fatalf("boundary ring has %d of %d edges: more than one outline", len(ring)-1, len(boundary))
	}
	prov := planar.SignedArea(ring)
	if prov <= 0 {
		t.Fatal("province boundary is not counter-clockwise")
	}
	if d := (sum - prov) / prov; d > 1e-9 || d < -1e-9 {
		t.Errorf("units add up to %v, province %v (relative %v)", sum, prov, d)
	}
	if err := checkPolygons(orb.MultiPolygon{{ring}}); err != nil {
		t.Errorf("province outline: %v", err)
	}
	t.Logf("%d units, province outline %d vertices", len(fc.Features), len(ring))
}

func cmpPt(a, b orb.Point) int {
	switch {
	case a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]):
		return -1
	case a == b:
		return 0
	}
	return 1
}

func lessPt(a, b orb.Point) bool { return cmpPt(a, b) < 0 }

// TestNesting checks the banded layers: each inner zone's shells are exactly the holes
// of the zone around it, vertex for vertex, so the bands are disjoint and nest.
func TestNesting(t *testing.T) {
	cases := []struct {
		file, field string
		chain       [][]string // from the outermost: zone ids whose shells are the next one's holes
	}{
		{"qinling.geojson", "QLBM", [][]string{{"QL61-YB-01", "QL61-ZD-01", "QL61-HX-01"}}},
		{"nature_reserve.geojson", "GNQBM", [][]string{
			{"ZRBHQ610001-SY", "ZRBHQ610001-HC", "ZRBHQ610001-HX"},
			{"ZRBHQ610002-YB", "ZRBHQ610002-HX"},
		}},
		{"national_park.geojson", "GNQBM", [][]string{{"GJGY6101-YB", "GJGY6101-HX"}}},
		{"water_source.geojson", "BHQBM", [][]string{
			{"SY610001-ZB", "SY610001-EJ", "SY610001-YJ"},
			{"SY610002-ZB", "SY610002-EJ", "SY610002-YJ"},
		}},
	}
	for _, c := range cases {
		fc := readLayer(t, c.file)
		byID := map[string]orb.MultiPolygon{}
		for _, f := range fc.Features {
			byID[f.Properties[c.field].(string)] = asMulti(f.Geometry)
		}
		for _, chain := range c.chain {
			for k := 0; k+1 < len(chain); k++ {
				outer, inner := byID[chain[k]], byID[chain[k+1]]
				if outer == nil || inner == nil {
					t.Fatalf("%s: missing %v", c.file, chain)
				}
				var holes, shells []string
				for _, p := range outer {
					for _, h := range p[1:] {
						holes = append(holes, fmt.Sprint(reversed(h)))
					}
				}
				for _, p := range inner {
					shells = append(shells, fmt.Sprint(p[0]))
				}
				slices.Sort(holes)
				slices.Sort(shells)
				if !slices.Equal(holes, shells) {
					t.Errorf("%s: holes of %s are not the shells of %s", c.file, chain[k], chain[k+1])
				}
			}
		}
	}
}

// TestExampleProjects: every example carries a project envelope in its "project"
// member, equal to its sibling NAME.project.json, with the fields of DESIGN.md only.
func TestExampleProjects(t *testing.T) {
	fields := []string{"name", "industry", "type", "discharges_pollutants", "has_outfall", "high_energy", "national_major"}
	types := []string{"industrial", "linear_infrastructure", "mining", "tourism", "residential", "agriculture", "water_supply", "research_monitoring", "other"}
	examples := 0
	for _, p := range listFiles(t, committed) {
		name, ok := strings.CutSuffix(p, ".geojson")
		if !ok || !strings.HasPrefix(p, "examples/") {
			continue
		}
		examples++
		b, err := os.ReadFile(filepath.Join(committed, p))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Project map[string]any `json:"project"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		b, err = os.ReadFile(filepath.Join(committed, name+".project.json"))
		if err != nil {
			t.Fatal(err)
		}
		var sibling map[string]any
		if err := json.Unmarshal(b, &sibling); err != nil {
			t.Fatalf("%s.project.json: %v", name, err)
		}
		if fmt.Sprint(doc.Project) != fmt.Sprint(sibling) {
			t.Errorf("%s: project member %v, sibling %v", p, doc.Project, sibling)
		}
		for k := range doc.Project {
			if !slices.Contains(fields, k) {
				t.Errorf("%s: project field %q", p, k)
			}
		}
		if typ, _ := doc.Project["type"].(string); !slices.Contains(types, typ) {
			t.Errorf("%s: project type %q", p, typ)
		}
		if doc.Project["name"] == nil {
			t.Errorf("%s: project without a name", p)
		}
	}
	if examples < 8 {
		t.Errorf("%d examples, want at least 8", examples)
	}
}
