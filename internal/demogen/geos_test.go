package demogen

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twpayne/go-geos"
)

// The tests in this file check the committed files with GEOS, independently of the
// generator's own planar checks.

type geosFeature struct {
	props map[string]any
	geom  *geos.Geom
}

func readGEOS(t *testing.T, c *geos.Context, file string) []geosFeature {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(committed, file))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type       string
		Properties map[string]any
		Geometry   json.RawMessage
		Features   []struct {
			Properties map[string]any
			Geometry   json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if fc.Type == "Feature" {
		fc.Features = append(fc.Features, struct {
			Properties map[string]any
			Geometry   json.RawMessage
		}{fc.Properties, fc.Geometry})
	}
	var out []geosFeature
	for i, f := range fc.Features {
		g, err := c.NewGeomFromGeoJSON(string(f.Geometry))
		if err != nil {
			t.Fatalf("%s feature %d: %v", file, i, err)
		}
		out = append(out, geosFeature{f.Properties, g})
	}
	return out
}

func isPolygonal(g *geos.Geom) bool {
	return g.TypeID() == geos.TypeIDPolygon || g.TypeID() == geos.TypeIDMultiPolygon
}

func TestGEOSValid(t *testing.T) {
	c := geos.NewContext()
	for _, l := range readManifest(t) {
		for i, f := range readGEOS(t, c, l.file) {
			if !f.geom.IsValid() {
				t.Errorf("%s feature %d (%v): %s", l.id, i, f.props[l.idField], f.geom.IsValidReason())
			}
			if !isPolygonal(f.geom) && !f.geom.IsSimple() {
				t.Errorf("%s feature %d (%v): line not simple", l.id, i, f.props[l.idField])
			}
		}
	}
	for _, p := range listFiles(t, committed) {
		if !strings.HasPrefix(p, "examples/") || !strings.HasSuffix(p, ".geojson") {
			continue
		}
		bowtie := strings.Contains(p, "bowtie")
		for i, f := range readGEOS(t, c, p) {
			if f.geom.IsValid() == bowtie {
				t.Errorf("%s feature %d: valid = %v, want %v (%s)", p, i, !bowtie, bowtie, f.geom.IsValidReason())
			}
		}
	}
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// TestGEOSPartition: the units' union is one polygon without holes whose area is the
// sum of the units' areas, no two units overlap, and every other zone lies inside it.
func TestGEOSPartition(t *testing.T) {
	c := geos.NewContext()
	units := readGEOS(t, c, "ecu.geojson")
	var gs []*geos.Geom
	sum := 0.0
	for _, u := range units {
		gs = append(gs, u.geom.Clone())
		sum += u.geom.Area()
	}
	union := c.NewCollection(geos.TypeIDGeometryCollection, gs).UnaryUnion()
	if union.TypeID() != geos.TypeIDPolygon || union.NumInteriorRings() != 0 {
		t.Errorf("union of units is a %s with %d holes, want one polygon without holes", union.Type(), union.NumInteriorRings())
	}
	if d := relDiff(sum, union.Area()); d > 1e-9 {
		t.Errorf("units add up to %v, their union is %v (relative %v)", sum, union.Area(), d)
	}
	for i := range units {
		for j := i + 1; j < len(units); j++ {
			if !units[i].geom.Intersects(units[j].geom) {
				continue
			}
			if a := units[i].geom.Intersection(units[j].geom).Area(); a != 0 {
				t.Errorf("units %v and %v overlap by %v", units[i].props["HJZHGKDYBM"], units[j].props["HJZHGKDYBM"], a)
			}
		}
	}
	for _, l := range readManifest(t) {
		if l.kind == "ecu" || l.kind == "custom" {
			continue
		}
		for _, f := range readGEOS(t, c, l.file) {
			if !union.Contains(f.geom) {
				t.Errorf("%s %v not inside the province", l.id, f.props[l.idField])
			}
		}
	}
}

// TestGEOSBands: zones of one banded layer do not overlap, and together they fill the
// outermost band's outline.
func TestGEOSBands(t *testing.T) {
	c := geos.NewContext()
	cases := []struct {
		file, field, outer string
		members            []string
	}{
		{"qinling.geojson", "QLBM", "QL61-YB-01", []string{"QL61-YB-01", "QL61-ZD-01", "QL61-HX-01"}},
		{"nature_reserve.geojson", "GNQBM", "ZRBHQ610001-SY", []string{"ZRBHQ610001-SY", "ZRBHQ610001-HC", "ZRBHQ610001-HX"}},
		{"nature_reserve.geojson", "GNQBM", "ZRBHQ610002-YB", []string{"ZRBHQ610002-YB", "ZRBHQ610002-HX"}},
		{"national_park.geojson", "GNQBM", "GJGY6101-YB", []string{"GJGY6101-YB", "GJGY6101-HX"}},
		{"water_source.geojson", "BHQBM", "SY610001-ZB", []string{"SY610001-ZB", "SY610001-EJ", "SY610001-YJ"}},
		{"water_source.geojson", "BHQBM", "SY610002-ZB", []string{"SY610002-ZB", "SY610002-EJ", "SY610002-YJ"}},
	}
	for _, tc := range cases {
		byID := map[string]*geos.Geom{}
		for _, f := range readGEOS(t, c, tc.file) {
			byID[f.props[tc.field].(string)] = f.geom
		}
		sum := 0.0
		for i, a := range tc.members {
			sum += byID[a].Area()
			for _, b := range tc.members[i+1:] {
				if x := byID[a].Intersection(byID[b]).Area(); x != 0 {
					t.Errorf("%s: %s and %s overlap by %v", tc.file, a, b, x)
				}
			}
		}
		outline := c.NewPolygon([][][]float64{byID[tc.outer].ExteriorRing().CoordSeq().ToCoords()})
		if d := relDiff(sum, outline.Area()); d > 1e-9 {
			t.Errorf("%s: bands of %s add up to %v, its outline is %v", tc.file, tc.outer, sum, outline.Area())
		}
	}
}

// TestGEOSExamples checks which zones (other than control units) each example footprint
// touches — overlap of positive area for polygons, any contact for lines and points —
// against the design of each example.
func TestGEOSExamples(t *testing.T) {
	c := geos.NewContext()
	type zoneGeom struct {
		key  string // layer/class
		id   string
		geom *geos.Geom
	}
	var zones []zoneGeom
	var units []zoneGeom
	for _, l := range readManifest(t) {
		for _, f := range readGEOS(t, c, l.file) {
			class := l.class
			if l.classField != "" {
				class = l.classMap[f.props[l.classField].(string)]
			}
			z := zoneGeom{l.id + "/" + class, f.props[l.idField].(string), f.geom}
			if l.kind == "ecu" {
				units = append(units, z)
			} else {
				zones = append(zones, z)
			}
		}
	}
	want := map[string][][]string{ // per feature: the layer/class keys touched; then the ECU classes
		"factory_in_redline":                {{"redline/redline"}},
		"warehouse_general_ecu":             {{}},
		"bowtie_general_ecu":                {{}},
		"orchard_qinling_key":               {{"qinling/key"}},
		"hotel_qinling_key":                 {{"qinling/key"}},
		"quarry_qinling_general":            {{"qinling/general"}},
		"intake_water_level1":               {{"water_source/level1"}},
		"monitoring_point":                  {{"qinling/general", "water_source/level2"}},
		"plant_han_quasi":                   {{"water_source/quasi"}},
		"outfall_water_level2":              {{"qinling/general", "water_source/level2"}},
		"pipeline_crossing_river":           {{"redline/redline", "river/river"}},
		"multi_site_tourism":                {{"national_park/general_control", "qinling/general"}, {"qinling/general"}, {}},
		"research_station_reserve":          {{"nature_reserve/experimental", "qinling/key"}},
		"trail_reserve_core":                {{"nature_reserve/core", "qinling/key", "redline/redline"}},
		"boardwalk_reserve_general_control": {{"nature_reserve/general_control"}},
	}
	wantECU := map[string][]string{"warehouse_general_ecu": {"ecu/general"}, "bowtie_general_ecu": {"ecu/general"}}
	for name, sites := range want {
		feats := readGEOS(t, c, "examples/"+name+".geojson")
		if len(feats) != len(sites) {
			t.Errorf("%s: %d features, want %d", name, len(feats), len(sites))
			continue
		}
		for i, f := range feats {
			g := f.geom
			if !g.IsValid() {
				g = g.MakeValid()
			}
			touched := func(zs []zoneGeom) []string {
				var got []string
				for _, z := range zs {
					if !g.Intersects(z.geom) {
						continue
					}
					if isPolygonal(g) && isPolygonal(z.geom) && g.Intersection(z.geom).Area() == 0 {
						continue
					}
					if !slices.Contains(got, z.key) {
						got = append(got, z.key)
					}
				}
				slices.Sort(got)
				return got
			}
			if got := touched(zones); !slices.Equal(got, sites[i]) {
				t.Errorf("%s feature %d touches %v, want %v", name, i, got, sites[i])
			}
			if w, ok := wantECU[name]; ok {
				if got := touched(units); !slices.Equal(got, w) {
					t.Errorf("%s feature %d in units %v, want %v", name, i, got, w)
				}
			}
		}
	}
	if len(want) != len(listExamples(t)) {
		t.Errorf("%d examples checked, %d present", len(want), len(listExamples(t)))
	}
}

func listExamples(t *testing.T) []string {
	var out []string
	for _, p := range listFiles(t, committed) {
		if strings.HasPrefix(p, "examples/") && strings.HasSuffix(p, ".geojson") {
			out = append(out, p)
		}
	}
	return out
}
