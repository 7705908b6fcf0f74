package render

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

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

// HTML writes the printable report page for r in lang: project facts, the overall
// verdict, an SVG map, the table of zones touched with their rules, clauses and
// legal sources, nearby zones, dataset, report id and time. All text from the
// report is escaped (html/template).
func HTML(w io.Writer, r *zones.Report, lang Lang) error {
	if r == nil {
		return fmt.Errorf("render: html: no report")
	}
	l := labelsFor(lang)
	v := htmlView{L: l, R: r, Verdict: string(r.Verdict), VerdictTxt: l.verdict(r.Verdict), Map: buildMap(r, l)}
	for _, vd := range []zones.Verdict{zones.Prohibited, zones.NeedsInfo, zones.Conditional, zones.Admissible} {
		v.Legend = append(v.Legend, [2]string{string(vd), l.verdict(vd)})
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
	p := zones.Project{}
	if r.Project != nil {
		p = *r.Project
	}
	for _, f := range facts {
		v.Facts = append(v.Facts, [2]string{f.label.in(l.lang), f.value(p, l)})
	}
	fp := r.Footprint
	if fp.AreaM2 > 0 {
		v.Footprint = append(v.Footprint, [2]string{l.Area, fmt.Sprintf(l.AreaFormat, num(fp.AreaM2, 1), num(fp.AreaM2/1e4, 4))})
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
			Class: l.class(in.Kind, in.ZoneClass), Verdict: string(in.Verdict), VerdictTxt: l.verdict(in.Verdict),
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
		return fmt.Errorf("render: html: %w", err)
	}
	return nil
}

func ruleViewOf(h zones.RuleHit, l labels) ruleView {
	return ruleView{ID: h.ID, Verdict: string(h.Verdict), VerdictTxt: l.verdict(h.Verdict), Text: h.Text, Source: h.Source,
		Missing: strings.Join(h.Missing, ", "), Unverified: h.Verified != nil && !*h.Verified}
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
