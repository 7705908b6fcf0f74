// Package oracle reads the PostGIS expectations of ../shared/data/oracle and compares
// redline's reports with them, under the tolerances of DESIGN.md. It is used by
// tests only (the conformance test and the HTTP end-to-end test).
package oracle

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/zones"
)

// Expected is oracle/expected.json.
type Expected struct {
	Footprints []Footprint `json:"footprints"`
}

// Footprint is one oracle footprint with what PostGIS computed for it.
type Footprint struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"` // polygon, line, point, invalid
	Expect string `json:"expect"`
	Defect string `json:"defect"`
	Group  string `json:"group"`
	Result struct {
		Layers  map[string]Layer `json:"layers"`
		Measure struct {
			AreaGeodesicM2  float64 `json:"area_geodesic_m2"`
			LengthGeodesicM float64 `json:"length_geodesic_m"`
		} `json:"measure"`
	} `json:"result"`
}

// Layer is the oracle's answer for one layer.
type Layer struct {
	Hits []struct {
		ID              string   `json:"id"`
		AreaGeodesicM2  *float64 `json:"area_geodesic_m2"`
		AreaGKM2        *float64 `json:"area_gk_m2"`
		LengthGeodesicM *float64 `json:"length_geodesic_m"`
		Crossings       *int     `json:"crossings"`
	} `json:"hits"`
	Within5km []struct {
		ID            string  `json:"id"`
		DistGeodesicM float64 `json:"dist_geodesic_m"`
	} `json:"within_5km"`
}

// SharedDir finds ../shared/data from a package directory by walking up; it skips
// the test when absent, or fails it when CI is set (a conformance test must not
// pass silently in CI).
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for range 6 {
		cand := filepath.Join(dir, "..", "shared", "data")
		if st, err := os.Stat(filepath.Join(cand, "oracle", "expected.json")); err == nil && !st.IsDir() {
			return cand
		}
		dir = filepath.Dir(dir)
	}
	testenv.Missing(t, "../shared/data/oracle is not beside the repository: the conformance test cannot run")
	return ""
}

// Load reads expected.json from the shared data directory.
func Load(shared string) (*Expected, error) {
	b, err := os.ReadFile(filepath.Join(shared, "oracle", "expected.json"))
	if err != nil {
		return nil, err
	}
	var e Expected
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	return &e, nil
}

// Tolerances of DESIGN.md.
const (
	AreaRel, AreaAbs     = 1e-4, 1.0
	LengthRel, LengthAbs = 1e-5, 0.1
	DistRel, DistAbs     = 5e-3, 1.0
	// NearbyCut: the oracle's 5 km cut uses Gauss-Krüger distance; compare nearby
	// zones below this geodesic distance only.
	NearbyCut = 4990.0
)

func within(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= math.Max(abs, rel*math.Abs(want))
}

// Counts tallies what a comparison matched.
type Counts struct {
	Footprints, Hits, Areas, Lengths, Crossings, Points, Nearby int
	// Worst relative errors seen.
	WorstArea, WorstLength, WorstDist float64
	// WorstAreaGK: our Gauss-Krüger area (lon/lat overlap projected) against
	// PostGIS's (overlap computed in the GK plane).
	WorstAreaGK float64
}

func (c Counts) String() string {
	return fmt.Sprintf("%d footprints: %d intersections (%d areas, %d lengths, %d crossings, %d points), %d nearby; worst relative error: area %.2g, length %.2g, distance %.2g, GK area %.2g",
		c.Footprints, c.Hits, c.Areas, c.Lengths, c.Crossings, c.Points, c.Nearby, c.WorstArea, c.WorstLength, c.WorstDist, c.WorstAreaGK)
}

// Compare checks a report for footprint f and returns the mismatches (empty when
// it agrees with PostGIS), adding what matched to c.
func Compare(f *Footprint, r *zones.Report, c *Counts) []string {
	var bad []string
	badf := func(format string, args ...any) { bad = append(bad, f.ID+": "+fmt.Sprintf(format, args...)) }
	c.Footprints++
	layers := make([]string, 0, len(f.Result.Layers))
	for id := range f.Result.Layers {
		layers = append(layers, id)
	}
	sort.Strings(layers)
	for _, lid := range layers {
		ol := f.Result.Layers[lid]
		ours := map[string]zones.Intersection{}
		for _, in := range r.Intersections {
			if in.Layer == lid {
				ours[in.ZoneID] = in
			}
		}
		oracleHit := map[string]bool{}
		for _, h := range ol.Hits {
			oracleHit[h.ID] = true
			counted := f.Kind == "point" ||
				(h.AreaGeodesicM2 != nil && *h.AreaGeodesicM2 > 0) ||
				(h.LengthGeodesicM != nil && *h.LengthGeodesicM > 0) ||
				(h.Crossings != nil && *h.Crossings > 0)
			in, ok := ours[h.ID]
			if !counted {
				if ok {
					badf("layer %s: we count zone %s as intersected, PostGIS finds it touching only", lid, h.ID)
				}
				continue
			}
			if !ok {
				badf("layer %s: PostGIS intersects zone %s, we do not", lid, h.ID)
				continue
			}
			c.Hits++
			switch {
			case h.AreaGeodesicM2 != nil:
				c.Areas++
				c.WorstArea = math.Max(c.WorstArea, relErr(in.OverlapAreaM2, *h.AreaGeodesicM2))
				if h.AreaGKM2 != nil {
					c.WorstAreaGK = math.Max(c.WorstAreaGK, relErr(in.OverlapAreaGKM2, *h.AreaGKM2))
					// The planes differ in where edges run (straight in lon/lat vs in GK),
					// so GK areas agree less closely than geodesic ones: 1e-3.
					if !within(in.OverlapAreaGKM2, *h.AreaGKM2, 1e-3, AreaAbs) {
						badf("layer %s zone %s: GK area %.3f m², PostGIS %.3f m²", lid, h.ID, in.OverlapAreaGKM2, *h.AreaGKM2)
					}
				}
				if !within(in.OverlapAreaM2, *h.AreaGeodesicM2, AreaRel, AreaAbs) {
					badf("layer %s zone %s: area %.3f m², PostGIS %.3f m²", lid, h.ID, in.OverlapAreaM2, *h.AreaGeodesicM2)
				}
			case h.LengthGeodesicM != nil:
				c.Lengths++
				c.WorstLength = math.Max(c.WorstLength, relErr(in.OverlapLengthM, *h.LengthGeodesicM))
				if !within(in.OverlapLengthM, *h.LengthGeodesicM, LengthRel, LengthAbs) {
					badf("layer %s zone %s: length %.3f m, PostGIS %.3f m", lid, h.ID, in.OverlapLengthM, *h.LengthGeodesicM)
				}
			case h.Crossings != nil:
				c.Crossings++
				if in.Crossings != *h.Crossings {
					badf("layer %s zone %s: %d crossings, PostGIS %d", lid, h.ID, in.Crossings, *h.Crossings)
				}
			default:
				c.Points++
			}
		}
		for id := range ours {
			if !oracleHit[id] {
				badf("layer %s: we intersect zone %s, PostGIS does not", lid, id)
			}
		}
		// Nearby: the oracle's within_5km minus its hits, below the cut.
		wantNear := map[string]float64{}
		for _, w := range ol.Within5km {
			if !oracleHit[w.ID] && w.DistGeodesicM < NearbyCut {
				wantNear[w.ID] = w.DistGeodesicM
			}
		}
		gotNear := map[string]float64{}
		for _, n := range r.Nearby {
			if n.Layer == lid && !oracleHit[n.ZoneID] {
				gotNear[n.ZoneID] = n.DistanceM
			}
		}
		for id, want := range wantNear {
			got, ok := gotNear[id]
			if !ok {
				badf("layer %s: zone %s is %.3f m away for PostGIS, not nearby for us", lid, id, want)
				continue
			}
			c.Nearby++
			c.WorstDist = math.Max(c.WorstDist, relErr(got, want))
			if !within(got, want, DistRel, DistAbs) {
				badf("layer %s zone %s: distance %.3f m, PostGIS %.3f m", lid, id, got, want)
			}
		}
		for id, got := range gotNear {
			if _, ok := wantNear[id]; !ok && got < NearbyCut-DistRel*NearbyCut {
				badf("layer %s: zone %s nearby at %.3f m for us, not within 5 km for PostGIS", lid, id, got)
			}
		}
	}
	return bad
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}
