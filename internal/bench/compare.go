package bench

import (
	"fmt"
	"math"
	"strings"

	"github.com/redline-gis/redline/internal/oracle"
)

// Agreement is how two answers to one job compare, zone by zone of every
// feature, under the conformance tolerances (internal/oracle: areas 1e-4 relative
// or 1 m², lengths 1e-5 or 0.1 m). A zone one side lists with a measure within
// tolerance of zero and the other does not list agrees: a touch is no overlap.
type Agreement struct {
	// Hits are the zones each side lists with a positive overlap (every zone, for
	// points).
	Ours, Theirs int
	// Differ lists (at most 10 of) the zones that disagree; Count counts them all.
	Differ []string
	Count  int
	// WorstArea is the largest relative area difference among zones both list
	// with areas above 1 m².
	WorstArea float64
}

func (a Agreement) OK() bool { return a.Count == 0 }

func (a Agreement) String() string {
	if a.OK() {
		return fmt.Sprintf("same: %s hits, worst area %.1g", Count(a.Ours), a.WorstArea)
	}
	return fmt.Sprintf("**%d differ** (%s hits here, %s in PostGIS)", a.Count, Count(a.Ours), Count(a.Theirs))
}

// Detail names the zones that differ.
func (a Agreement) Detail() string { return strings.Join(a.Differ, "; ") }

// Compare compares our records with PostGIS's (both indexed by feature); for
// points, the zones listed must be the same.
func Compare(ours, theirs []Record, points bool) Agreement {
	type key struct {
		index         int
		layer, zoneID string
	}
	var a Agreement
	collect := func(recs []Record) map[key]Hit {
		m := map[key]Hit{}
		for _, r := range recs {
			for _, h := range r.Hits {
				k := key{r.Index, h.Layer, h.ZoneID}
				prev := m[k]
				prev.AreaM2 += h.AreaM2
				prev.LengthM += h.LengthM
				m[k] = prev
			}
		}
		return m
	}
	om, tm := collect(ours), collect(theirs)
	positive := func(h Hit) bool { return points || h.AreaM2 > 0 || h.LengthM > 0 }
	for _, h := range om {
		if positive(h) {
			a.Ours++
		}
	}
	for _, h := range tm {
		if positive(h) {
			a.Theirs++
		}
	}
	differ := func(k key, why string) {
		a.Count++
		if len(a.Differ) < 10 {
			a.Differ = append(a.Differ, fmt.Sprintf("feature %d, layer %s, zone %s: %s", k.index, k.layer, k.zoneID, why))
		}
	}
	seen := map[key]bool{}
	for _, m := range []map[key]Hit{om, tm} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			o, inO := om[k]
			t, inT := tm[k]
			if points {
				if inO != inT {
					differ(k, fmt.Sprintf("listed here %v, in PostGIS %v", inO, inT))
				}
				continue
			}
			if !within(o.AreaM2, t.AreaM2, oracle.AreaRel, oracle.AreaAbs) {
				differ(k, fmt.Sprintf("area %.3f m² here, %.3f m² in PostGIS", o.AreaM2, t.AreaM2))
			} else if !within(o.LengthM, t.LengthM, oracle.LengthRel, oracle.LengthAbs) {
				differ(k, fmt.Sprintf("length %.3f m here, %.3f m in PostGIS", o.LengthM, t.LengthM))
			}
			if o.AreaM2 > oracle.AreaAbs && t.AreaM2 > oracle.AreaAbs {
				a.WorstArea = math.Max(a.WorstArea, math.Abs(o.AreaM2-t.AreaM2)/t.AreaM2)
			}
		}
	}
	return a
}

func within(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= math.Max(abs, rel*math.Abs(want))
}
