package render

import (
	"fmt"
	"io"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/zones"
)

// geoFeature is one GeoJSON Feature; a nil geometry is written as null.
type geoFeature struct {
	Type       string            `json:"type"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
}

func geometryOf(g orb.Geometry) *geojson.Geometry {
	if g == nil {
		return nil
	}
	return geojson.NewGeometry(g)
}

// GeoJSON writes r as a GeoJSON FeatureCollection (lon/lat, EPSG:4490): the
// footprint (properties.role "footprint", with the report's verdict, governing
// rule, project, dataset and nearby zones) and each overlap geometry (role
// "overlap", with the intersection's fields, rules and clauses). A feature whose
// geometry the report does not carry has geometry null.
func GeoJSON(w io.Writer, r *zones.Report) error {
	if r == nil {
		return fmt.Errorf("render: geojson: no report")
	}
	fc := struct {
		Type     string       `json:"type"`
		Features []geoFeature `json:"features"`
	}{Type: "FeatureCollection", Features: []geoFeature{}}
	created := ""
	if !r.CreatedAt.IsZero() {
		created = r.CreatedAt.Format(time.RFC3339)
	}
	fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: geometryOf(r.Geometry), Properties: map[string]any{
		"role": "footprint", "report_id": r.ReportID, "created_at": created, "dataset": r.Dataset,
		"verdict": r.Verdict, "governing_rule": r.Governing, "project": r.Project,
		"area_m2": r.Footprint.AreaM2, "length_m": r.Footprint.LengthM, "repaired": r.Footprint.Repaired,
		"warnings": nonNil(r.Footprint.Warnings), "notes": nonNil(r.Notes), "nearby": nonNilNearby(r.Nearby),
	}})
	for _, in := range r.Intersections {
		g := in.Geometry
		if in.Overlap != nil {
			g = geometryOf(in.Overlap)
		}
		rules := in.Rules
		if rules == nil {
			rules = []zones.RuleHit{}
		}
		props := map[string]any{
			"role": "overlap", "layer": in.Layer, "kind": in.Kind, "zone_id": in.ZoneID, "zone_name": in.ZoneName,
			"zone_class": in.ZoneClass, "overlap_area_m2": in.OverlapAreaM2, "overlap_length_m": in.OverlapLengthM,
			"crossings": in.Crossings, "footprint_share": in.FootprintShare, "verdict": in.Verdict, "rules": rules,
		}
		if in.Clauses != nil {
			props["clauses"] = in.Clauses
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: g, Properties: props})
	}
	return encodeJSON(w, fc, false, "geojson")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilNearby(s []zones.Nearby) []zones.Nearby {
	if s == nil {
		return []zones.Nearby{}
	}
	return s
}
