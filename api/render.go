package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/zones"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// reportTemplate is parsed once; templates are constant, so a parse error is a
// programming mistake caught by every test.
var reportTemplate = template.Must(template.New("report.html.tmpl").
	Funcs(template.FuncMap{"sub": func(a, b float64) float64 { return a - b }}).
	ParseFS(templateFS, "templates/report.html.tmpl"))

// chinaTime is UTC+8, the time reports show (no tzdata needed).
var chinaTime = time.FixedZone("UTC+8", 8*3600)

type htmlView struct {
	L          labels
	R          *zones.Report
	Verdict    string
	VerdictTxt string
	Governing  *ruleView
	Facts      [][2]string
	Footprint  [][2]string
	Map        svgMap
	Rows       []rowView
	Nearby     []nearbyView
	Created    string
	Legend     [][2]string // verdict, its label
}

type rowView struct {
	N                          int
	Code, Name, Layer, Kind    string
	Class, Verdict, VerdictTxt string
	AreaM2, AreaHa, LengthM    string
	Share                      string
	Rules                      []ruleView
	Clauses                    [][2]string
}

type ruleView struct {
	ID, Verdict, VerdictTxt, Text, Source, Missing string
	Unverified                                     bool
	Where                                          string
}

type nearbyView struct {
	Code, Name, Layer, Class, Distance string
}

// RenderHTML writes the printable report page for r in lang ("zh" default, "en"):
// project facts, the overall verdict, an SVG map, the table of zones touched with
// their rules, clauses and legal sources, nearby zones, dataset, report id and time.
// All text from the report is escaped (html/template).
func RenderHTML(w io.Writer, r *zones.Report, lang string) error {
	if r == nil {
		return fmt.Errorf("api: render html: no report")
	}
	l := labelsFor(lang)
	v := htmlView{L: l, R: r, Verdict: string(r.Verdict), VerdictTxt: l.Verdicts[r.Verdict], Map: buildMap(r, l)}
	for _, vd := range []zones.Verdict{zones.Prohibited, zones.NeedsInfo, zones.Conditional, zones.Admissible} {
		v.Legend = append(v.Legend, [2]string{string(vd), l.Verdicts[vd]})
	}
	if !r.CreatedAt.IsZero() {
		v.Created = r.CreatedAt.In(chinaTime).Format("2006-01-02 15:04:05 (UTC+08:00)")
	}
	if r.Governing != nil {
		g := ruleViewOf(*r.Governing, l)
		g.Where = r.Governing.Layer
		if r.Governing.ZoneID != "" {
			g.Where += " / " + r.Governing.ZoneID
		}
		v.Governing = &g
	}
	v.Facts = projectFacts(r.Project, l)
	fp := r.Footprint
	if fp.AreaM2 > 0 {
		v.Footprint = append(v.Footprint, [2]string{l.Area, fmt.Sprintf("%s m²（%s 公顷）", num(fp.AreaM2, 1), num(fp.AreaM2/1e4, 4))})
		if l.Lang == "en" {
			v.Footprint[len(v.Footprint)-1][1] = fmt.Sprintf("%s m² (%s ha)", num(fp.AreaM2, 1), num(fp.AreaM2/1e4, 4))
		}
	}
	if fp.LengthM > 0 {
		v.Footprint = append(v.Footprint, [2]string{l.Length, num(fp.LengthM, 1) + " m"})
	}
	if fp.CRS != "" {
		crs := fp.CRS
		if fp.Repaired {
			crs += "；" + l.Repaired
		}
		v.Footprint = append(v.Footprint, [2]string{l.CRS, crs})
	}
	for _, w := range fp.Warnings {
		v.Footprint = append(v.Footprint, [2]string{l.Warnings, w})
	}
	for i, in := range r.Intersections {
		row := rowView{N: i + 1, Code: in.ZoneID, Name: in.ZoneName, Layer: in.Layer, Kind: l.kind(in.Kind),
			Class: l.class(in.Kind, in.ZoneClass), Verdict: string(in.Verdict), VerdictTxt: l.Verdicts[in.Verdict],
			Share: num(in.FootprintShare*100, 2) + " %"}
		if in.LayerTitle != "" {
			row.Layer = in.LayerTitle
		}
		if in.OverlapAreaM2 > 0 || in.OverlapLengthM == 0 {
			row.AreaM2, row.AreaHa = num(in.OverlapAreaM2, 1), num(in.OverlapAreaM2/1e4, 4)
		}
		if in.OverlapLengthM > 0 {
			row.LengthM = num(in.OverlapLengthM, 1)
		}
		for _, h := range in.Rules {
			row.Rules = append(row.Rules, ruleViewOf(h, l))
		}
		if c := in.Clauses; c != nil {
			for _, kv := range [][2]string{{l.SpatialLayout, c.SpatialLayout}, {l.PollutantEmission, c.PollutantEmission},
				{l.EnvironmentalRisk, c.EnvironmentalRisk}, {l.ResourceEfficiency, c.ResourceEfficiency}} {
				if strings.TrimSpace(kv[1]) != "" {
					row.Clauses = append(row.Clauses, kv)
				}
			}
		}
		v.Rows = append(v.Rows, row)
	}
	for _, n := range r.Nearby {
		v.Nearby = append(v.Nearby, nearbyView{Code: n.ZoneID, Name: n.ZoneName, Layer: n.Layer,
			Class: l.class(n.Kind, n.ZoneClass), Distance: num(n.DistanceM, 1)})
	}
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("api: render html: %w", err)
	}
	return nil
}

func ruleViewOf(h zones.RuleHit, l labels) ruleView {
	return ruleView{ID: h.ID, Verdict: string(h.Verdict), VerdictTxt: l.Verdicts[h.Verdict], Text: h.Text, Source: h.Source,
		Missing: strings.Join(h.Missing, ", "), Unverified: h.Verified != nil && !*h.Verified}
}

func projectFacts(p *zones.Project, l labels) [][2]string {
	if p == nil {
		p = &zones.Project{}
	}
	or := func(s string) string {
		if s == "" {
			return l.Unknown
		}
		return s
	}
	typ := p.Type
	if t, ok := l.Types[p.Type]; ok {
		typ = t
	}
	ind := p.Industry
	if c, err := zones.NormalizeIndustry(p.Industry); err == nil {
		ind = c
		var names []string
		if n := zones.IndustryName(c[:1], nil); n != "" {
			names = append(names, c[:1]+" "+n)
		}
		if len(c) >= 3 {
			if n := zones.IndustryName(c[:3], nil); n != "" {
				names = append(names, c[:3]+" "+n)
			}
		}
		if len(names) > 0 {
			ind += "（" + strings.Join(names, " › ") + "）"
		}
	}
	flag := func(b *bool) string {
		switch {
		case b == nil:
			return l.Unknown
		case *b:
			return l.Yes
		}
		return l.No
	}
	return [][2]string{
		{l.Name, or(p.Name)},
		{l.Type, or(typ)},
		{l.Industry, or(ind)},
		{l.FlagNames["discharges_pollutants"], flag(p.DischargesPollutants)},
		{l.FlagNames["has_outfall"], flag(p.HasOutfall)},
		{l.FlagNames["high_energy"], highEnergy(*p, l)},
		{l.FlagNames["national_major"], flag(p.NationalMajor)},
	}
}

// highEnergy shows the 两高 flag, or when it is absent what the industry code says.
func highEnergy(p zones.Project, l labels) string {
	if p.HighEnergy != nil {
		if *p.HighEnergy {
			return l.Yes
		}
		return l.No
	}
	v, known, _ := zones.HighEnergy(p)
	switch {
	case !known:
		return l.Unknown
	case v:
		return l.Unknown + " → " + l.Yes + l.Derived
	}
	return l.Unknown + " → " + l.No + l.Derived
}

// num formats x with at most dec decimals and thousands separators.
func num(x float64, dec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', dec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if x < 0 && s != strconv.FormatFloat(0, 'f', dec, 64) {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

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

// RenderGeoJSON writes r as a GeoJSON FeatureCollection (lon/lat, EPSG:4490): the
// footprint (properties.role "footprint", with the report's verdict, governing
// rule, project, dataset and nearby zones) and each overlap geometry (role
// "overlap", with the intersection's fields, rules and clauses). A feature whose
// geometry the report does not carry has geometry null.
func RenderGeoJSON(w io.Writer, r *zones.Report) error {
	if r == nil {
		return fmt.Errorf("api: render geojson: no report")
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
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fc); err != nil {
		return fmt.Errorf("api: render geojson: %w", err)
	}
	return nil
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
