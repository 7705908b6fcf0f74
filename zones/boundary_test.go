package zones_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/zones"
)

// Metres to degrees near 34°N, for placing footprints a few metres from an edge;
// the expected distances are measured geodesically, not taken from these.
const (
	degLat = 1 / 110940.0
	degLon = 1 / 92390.0
)

// boundaryDataset: a red line RL (108.0–108.1 E, 34.0–34.1 N, with a hole) whose
// rule prohibits; a second red line RL2 overlapping RL's north edge deeply; an
// "info" layer without rules (zone I, east of RL); a river line W without rules;
// and a zone BIG with many vertices, so that a small MaxVertices cuts it into
// pieces whose cut edges run through its interior.
func boundaryDataset(t testing.TB, tol *float64) *zones.Dataset {
	t.Helper()
	redline := &zones.Layer{ID: "redline", Kind: zones.KindRedline, Title: "生态保护红线", Geom: zones.Polygonal}
	info := &zones.Layer{ID: "info", Kind: zones.KindCustom, Title: "info", Geom: zones.Polygonal}
	river := &zones.Layer{ID: "river", Kind: zones.KindCustom, Title: "river", Geom: zones.Lineal}
	add := func(l *zones.Layer, id string, g orb.Geometry) {
		l.Zones = append(l.Zones, &zones.Zone{ID: id, Name: "zone " + id, Class: "redline", Geometry: g, Layer: l})
	}
	add(redline, "RL", orb.Polygon{rect(108, 34, 108.1, 34.1), rect(108.04, 34.04, 108.06, 34.06)})
	add(redline, "RL2", orb.Polygon{rect(108.02, 34.08, 108.08, 34.3)})
	var big orb.Ring
	for i := 0; i <= 200; i++ {
		a := 2 * math.Pi * float64(i%200) / 200
		big = append(big, orb.Point{109 + 0.1*math.Cos(a), 34 + 0.1*math.Sin(a)})
	}
	add(redline, "BIG", orb.Polygon{big})
	info.Zones = append(info.Zones, &zones.Zone{ID: "I", Name: "zone I", Class: "x", Geometry: orb.Polygon{rect(107.5, 34, 107.9, 34.1)}, Layer: info})
	river.Zones = append(river.Zones, &zones.Zone{ID: "W", Name: "river W", Class: "x", Geometry: orb.LineString{{107.95, 33.5}, {107.95, 34.5}}, Layer: river})
	rs, err := zones.NewRuleSet([]zones.Rule{
		{ID: "rl", Kind: zones.KindRedline, Verdict: zones.Prohibited, Text: "红线内禁止", Source: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &zones.Dataset{Name: "boundary", Version: "1", Layers: []*zones.Layer{redline, info, river}, Rules: rs, BoundaryToleranceM: tol}
}

func boundaryOf(r *zones.Report, id string) *zones.NearBoundary {
	for i := range r.NearBoundary {
		if r.NearBoundary[i].ZoneID == id {
			return &r.NearBoundary[i]
		}
	}
	return nil
}

func fp(x float64) *float64 { return &x }

func TestBoundaryReview(t *testing.T) {
	east := func(m float64) float64 { return 108.1 + m*degLon } // m metres east of RL's east edge
	type nb struct {
		id       string
		dist     float64 // expected distance, metres (1e-3 relative + 1 cm)
		inside   bool
		changes  bool
		contains string // in the warning, when changes
	}
	cases := []struct {
		name    string
		g       orb.Geometry
		tol     *float64 // request
		dsTol   *float64 // manifest
		verdict zones.Verdict
		want    []nb // exactly these zones, in this order
		tolUsed float64
	}{
		{"point 3 m outside", orb.Point{east(3), 34.05}, nil, nil, zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{east(3), 34.05}, orb.Point{108.1, 34.05}), false, true, "仅 3.0 米"}}, 10},
		{"point 30 m outside", orb.Point{east(30), 34.05}, nil, nil, zones.Admissible, nil, 10},
		{"point 3 m inside", orb.Point{108 + 3*degLon, 34.05}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108 + 3*degLon, 34.05}, orb.Point{108, 34.05}), true, true, "内，距其边界仅 3.0 米"}}, 10},
		{"point 3 m inside a hole", orb.Point{108.05, 34.06 - 3*degLat}, nil, nil, zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{108.05, 34.06 - 3*degLat}, orb.Point{108.05, 34.06}), false, true, "仅 3.0 米"}}, 10},
		// Crossing the edge 90 m into the zone: a boundary drawn 10 m off leaves the
		// site in the zone all the same, so nothing to review.
		{"polygon crossing the edge", orb.Polygon{rect(107.999, 34.05, 108.001, 34.051)}, nil, nil, zones.Prohibited,
			[]nb{{"RL", 0, true, false, ""}}, 10},
		{"polygon crossing the edge 5 m into the zone", orb.Polygon{rect(107.999, 34.05, 108+5*degLon, 34.051)}, nil, nil, zones.Prohibited,
			[]nb{{"RL", 0, true, true, "跨越"}}, 10},
		{"polygon 3 m outside", orb.Polygon{rect(108-0.001, 34.05, 108-3*degLon, 34.051)}, nil, nil, zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{108 - 3*degLon, 34.05}, orb.Point{108, 34.05}), false, true, "仅 3.0 米"}}, 10},
		{"polygon inside, 3 m from the edge, 90 m deep", orb.Polygon{rect(108+3*degLon, 34.05, 108.001, 34.051)}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108 + 3*degLon, 34.05}, orb.Point{108, 34.05}), true, false, ""}}, 10},
		{"polygon inside, 3 to 8 m from the edge", orb.Polygon{rect(108+3*degLon, 34.05, 108+8*degLon, 34.051)}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108 + 3*degLon, 34.05}, orb.Point{108, 34.05}), true, true, "内"}}, 10},
		// Part in, part out, but no part crosses: the distance is the inner part's.
		{"multipolygon, one part 3 m inside, one far outside", orb.MultiPolygon{{rect(108+3*degLon, 34.05, 108+8*degLon, 34.051)}, {rect(108.5, 34.5, 108.501, 34.501)}}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108 + 3*degLon, 34.05}, orb.Point{108, 34.05}), true, true, "内"}}, 10},
		{"line, one part 3 m inside, one far outside", orb.MultiLineString{{{108 + 3*degLon, 34.02}, {108 + 3*degLon, 34.03}}, {{108.5, 34.5}, {108.6, 34.5}}}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108 + 3*degLon, 34.025}, orb.Point{108, 34.025}), true, true, "内"}}, 10},
		{"polygon deep inside", orb.Polygon{rect(108.01, 34.01, 108.02, 34.02)}, nil, nil, zones.Prohibited, nil, 10},
		{"line 3 m outside, along the edge", orb.LineString{{108 - 3*degLon, 34.02}, {108 - 3*degLon, 34.03}}, nil, nil, zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{108 - 3*degLon, 34.025}, orb.Point{108, 34.025}), false, true, "仅 3.0 米"}}, 10},
		{"line crossing the edge", orb.LineString{{107.999, 34.02}, {108.001, 34.02}}, nil, nil, zones.Prohibited,
			[]nb{{"RL", 0, true, false, ""}}, 10},
		{"line crossing the edge 5 m into the zone", orb.LineString{{107.999, 34.02}, {108 + 5*degLon, 34.02}}, nil, nil, zones.Prohibited,
			[]nb{{"RL", 0, true, true, "跨越"}}, 10},
		{"request tolerance reaches 30 m", orb.Point{east(30), 34.05}, fp(50), nil, zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{east(30), 34.05}, orb.Point{108.1, 34.05}), false, true, "仅 30.0 米"}}, 50},
		{"request tolerance 0 reviews nothing", orb.Point{east(3), 34.05}, fp(0), nil, zones.Admissible, nil, 0},
		{"manifest tolerance reaches 30 m", orb.Point{east(30), 34.05}, nil, fp(50), zones.Admissible,
			[]nb{{"RL", geo.Distance(orb.Point{east(30), 34.05}, orb.Point{108.1, 34.05}), false, true, "仅 30.0 米"}}, 50},
		{"request overrides the manifest", orb.Point{east(30), 34.05}, fp(10), fp(50), zones.Admissible, nil, 10},
		// RL2 covers the point deeply: leaving RL changes nothing, nor would entering it.
		{"inside another prohibiting zone", orb.Point{108.05, 34.1 - 3*degLat}, nil, nil, zones.Prohibited,
			[]nb{{"RL", geo.Distance(orb.Point{108.05, 34.1 - 3*degLat}, orb.Point{108.05, 34.1}), true, false, ""}}, 10},
		{"near a zone without rules", orb.Point{107.9 + 3*degLon, 34.05}, nil, nil, zones.Admissible,
			[]nb{{"I", geo.Distance(orb.Point{107.9 + 3*degLon, 34.05}, orb.Point{107.9, 34.05}), false, false, ""}}, 10},
		{"point 3 m from a river", orb.Point{107.95 + 3*degLon, 34.2}, nil, nil, zones.Admissible,
			[]nb{{"W", geo.Distance(orb.Point{107.95 + 3*degLon, 34.2}, orb.Point{107.95, 34.2}), false, false, ""}}, 10},
		{"line crossing a river", orb.LineString{{107.949, 34.2}, {107.951, 34.2}}, nil, nil, zones.Admissible,
			[]nb{{"W", 0, true, false, ""}}, 10},
		// The centre of BIG lies on the cuts of its pieces: they are no boundary.
		{"centre of a subdivided zone", orb.Point{109, 34}, nil, nil, zones.Prohibited, nil, 10},
		{"polygon over the cuts of a subdivided zone", orb.Polygon{rect(108.999, 33.999, 109.001, 34.001)}, nil, nil, zones.Prohibited, nil, 10},
	}
	for _, maxV := range []int{-1, 8} {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				idx, err := zones.NewIndex(boundaryDataset(t, tc.dsTol), zones.IndexOptions{MaxVertices: maxV})
				if err != nil {
					t.Fatal(err)
				}
				c := zones.NewCheckerFor(idx)
				r, err := c.Check(context.Background(), zones.Footprint{Geometry: tc.g}, zones.Project{Type: "industrial"},
					zones.CheckOptions{Buffer: zones.NoBuffer(), BoundaryToleranceM: tc.tol})
				if err != nil {
					t.Fatal(err)
				}
				if r.Verdict != tc.verdict {
					t.Errorf("verdict %s, want %s", r.Verdict, tc.verdict)
				}
				if r.BoundaryToleranceM != tc.tolUsed {
					t.Errorf("boundary_tolerance_m %v, want %v", r.BoundaryToleranceM, tc.tolUsed)
				}
				if r.NearBoundary == nil {
					t.Fatal("near_boundary is nil, want a list")
				}
				if len(r.NearBoundary) != len(tc.want) {
					t.Fatalf("near_boundary %+v, want %d zones", r.NearBoundary, len(tc.want))
				}
				review := false
				var warnings []string
				for _, w := range r.Footprint.Warnings {
					if strings.Contains(w, "边界复核") {
						warnings = append(warnings, w)
					}
				}
				for i, w := range tc.want {
					got := r.NearBoundary[i]
					if got.ZoneID != w.id || got.Inside != w.inside || got.ChangesVerdict != w.changes {
						t.Errorf("near_boundary[%d] = %s inside %v changes %v, want %s inside %v changes %v",
							i, got.ZoneID, got.Inside, got.ChangesVerdict, w.id, w.inside, w.changes)
					}
					if math.Abs(got.DistanceM-w.dist) > 1e-3*w.dist+0.01 {
						t.Errorf("%s: distance %.4f m, want %.4f m", w.id, got.DistanceM, w.dist)
					}
					if got.LayerTitle == "" || got.Zone == nil || got.Kind == "" {
						t.Errorf("%s: layer title, kind or zone missing: %+v", w.id, got)
					}
					if w.changes {
						review = true
						found := false
						for _, s := range warnings {
							found = found || (strings.Contains(s, "「zone "+w.id+"」") && strings.Contains(s, w.contains))
						}
						if !found {
							t.Errorf("%s: no warning with %q in %q", w.id, w.contains, warnings)
						}
					}
				}
				if r.BoundaryReview != review {
					t.Errorf("boundary_review %v, want %v", r.BoundaryReview, review)
				}
				if !review && len(warnings) > 0 {
					t.Errorf("boundary warnings without review: %q", warnings)
				}
				if len(r.Nearby) != 0 {
					t.Errorf("nearby %+v with no buffer", r.Nearby)
				}
			})
		}
	}
}

// A zone near the boundary is listed with the fields of a nearby zone, in the
// same order, then its side and whether it changes the verdict (the JSON contract).
func TestNearBoundaryJSON(t *testing.T) {
	n := zones.Nearby{Layer: "ws", LayerTitle: "水源", Kind: zones.KindWaterSource, ZoneID: "SY-1", ZoneName: "某水源",
		ZoneClass: "level1", DistanceM: 3.5, Zone: &zones.Zone{ID: "SY-1"}}
	const fields = `"layer":"ws","layer_title":"水源","kind":"water_source","zone_id":"SY-1","zone_name":"某水源","zone_class":"level1","distance_m":3.5`
	for _, tc := range []struct {
		v    any
		want string
	}{
		{n, `{` + fields + `}`},
		{zones.NearBoundary{Nearby: n, Inside: true, ChangesVerdict: true}, `{` + fields + `,"inside":true,"changes_verdict":true}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%T JSON\n got %s\nwant %s", tc.v, b, tc.want)
		}
	}
}
