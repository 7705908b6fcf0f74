package render

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redline-gis/redline/zones"
)

//go:embed templates/report.html.tmpl templates/plan.html.tmpl
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
	Warnings   []string
	Notes      []string
	// ToSupply are the questions for the report's missing facts, once each.
	ToSupply []string
	// UnlessApproved: a national major project meets a zone that prohibits
	// everything else, and its approvals are missing.
	UnlessApproved bool
	ProjectRules   []ruleView
	Park           *parkView
	Boundary       *boundaryView
	Map            svgMap
	Rows           []rowView
	HasSites       bool
	HasShare       bool
	Nearby         []nearbyView
	Created        string
	Legend         [][2]string // verdict, its label
}

type rowView struct {
	N                          int
	Code, Name, Layer, Kind    string
	Class, Verdict, VerdictTxt string
	// Extent says how much of the footprint the zone holds, by dimension: area in
	// m² and ha, length in m and crossings, points inside.
	Extent  []string
	Share   string
	Sites   string
	Rules   []ruleView
	Clauses [][2]string
}

type ruleView struct {
	L                                     labels
	ID, Verdict, VerdictTxt, Text, Source string
	// Missing points at the report's list of facts to supply.
	Missing        string
	UnlessApproved bool
	Unverified     bool
	Where          string
}

type nearbyView struct {
	Code, Name, Layer, Class, Distance string
}

type parkView struct {
	Rows  [][2]string
	Parks []parkRow
	None  bool // the layers decide and no park touches the footprint
}

type parkRow struct {
	Name, Code, Level, EIA, Industries, Leading, Share string
}

type boundaryView struct {
	Intro  string
	Notice string // set when boundary_review is true
	Rows   []boundaryRow
}

type boundaryRow struct {
	Code, Name, Layer, Class, Distance, Side, Changes string
	ChangesVerdict                                    bool
}

// HTML writes the printable report page for r in lang: project facts, the overall
// verdict with what to supply when facts are missing, an SVG map, the table of
// zones touched with their rules, clauses and legal sources, project-wide rules,
// the industrial park status, boundary review, nearby zones, dataset, report id
// and time. All text from the report is escaped (html/template). No field name or
// code of the JSON reaches the page: facts, types, kinds, classes and verdicts
// read in the report's language (zones' label table).
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
	for _, f := range r.Missing {
		v.ToSupply = append(v.ToSupply, l.ask(f))
	}
	rule := func(h zones.RuleHit) ruleView {
		rv := ruleViewOf(h, r.Missing, l)
		v.UnlessApproved = v.UnlessApproved || rv.UnlessApproved
		return rv
	}
	if r.Governing != nil {
		g := rule(*r.Governing)
		g.Where = r.Governing.Layer
		if r.Governing.ZoneID != "" {
			g.Where += " / " + r.Governing.ZoneID
		}
		v.Governing = &g
	}
	for _, n := range r.Notes {
		v.Notes = append(v.Notes, l.plain(n))
	}
	p := zones.Project{}
	if r.Project != nil {
		p = *r.Project
	}
	for _, f := range zones.Facts {
		if value, ok := factValues[f.Field]; ok {
			v.Facts = append(v.Facts, [2]string{l.fact(f.Field), value(p, l)})
		}
	}
	fp := r.Footprint
	v.Footprint, v.HasShare = footprintRows(fp, l), fp.AreaM2 > 0 || fp.LengthM > 0
	v.Warnings = fp.Warnings
	for i, in := range r.Intersections {
		row := rowView{N: i + 1, Code: in.ZoneID, Name: in.ZoneName, Layer: layerName(in.Layer, in.LayerTitle), Kind: l.kind(in.Kind),
			Class: l.class(in.Kind, in.ZoneClass), Verdict: string(in.Verdict), VerdictTxt: l.verdict(in.Verdict),
			Extent: extent(in, l), Sites: strings.Join(in.Sites, "、")}
		if v.HasShare {
			row.Share = num(in.FootprintShare*100, 2) + " %"
		}
		v.HasSites = v.HasSites || len(in.Sites) > 0
		for _, h := range in.Rules {
			row.Rules = append(row.Rules, rule(h))
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
	for _, h := range r.ProjectRules {
		v.ProjectRules = append(v.ProjectRules, rule(h))
	}
	v.Park = parkViewOf(r.Park, p, l)
	v.Boundary = boundaryViewOf(r, l)
	for _, n := range r.Nearby {
		v.Nearby = append(v.Nearby, nearbyView{Code: n.ZoneID, Name: n.ZoneName, Layer: layerName(n.Layer, n.LayerTitle),
			Class: l.class(n.Kind, n.ZoneClass), Distance: num(n.DistanceM, 1)})
	}
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("render: html: %w", err)
	}
	return nil
}

// footprintRows describe the footprint by what it is: a point footprint has no
// area (and its overlaps no share), a line its length, a polygon its area.
func footprintRows(fp zones.FootprintInfo, l labels) [][2]string {
	var rows [][2]string
	if kind := geomKind(fp.Type, l); kind != "" {
		rows = append(rows, [2]string{l.GeomKind, kind})
	}
	if fp.AreaM2 > 0 {
		rows = append(rows, [2]string{l.Area, fmt.Sprintf(l.AreaFormat, num(fp.AreaM2, 1), num(fp.AreaM2/1e4, 4))})
	}
	if fp.LengthM > 0 {
		rows = append(rows, [2]string{l.Length, num(fp.LengthM, 1) + " m"})
	}
	if fp.Points > 0 {
		rows = append(rows, [2]string{l.PointsCount, fmt.Sprintf(l.PointsFormat, fp.Points)})
	}
	if fp.CRS != "" {
		crs := fp.CRS
		if fp.Repaired {
			crs += "；" + l.Repaired
		}
		rows = append(rows, [2]string{l.CRS, crs})
	}
	return rows
}

func geomKind(typ string, l labels) string {
	switch typ {
	case "Polygon", "MultiPolygon":
		return l.Polygonal
	case "LineString", "MultiLineString":
		return l.Lineal
	case "Point", "MultiPoint":
		return l.Puntal
	case "GeometryCollection":
		return l.Mixed
	}
	return ""
}

// extent is how much of the footprint a zone holds: area for areal parts, length
// and the number of times a line crosses the zone's boundary (a pipeline over a
// river) for lineal parts, points inside for points.
func extent(in zones.Intersection, l labels) []string {
	var out []string
	if in.OverlapAreaM2 > 0 {
		out = append(out, fmt.Sprintf(l.AreaFormat, num(in.OverlapAreaM2, 1), num(in.OverlapAreaM2/1e4, 4)))
	}
	if in.OverlapLengthM > 0 {
		out = append(out, num(in.OverlapLengthM, 1)+" m")
	}
	if in.Crossings > 0 {
		out = append(out, fmt.Sprintf(l.Crossings, in.Crossings))
	}
	if in.PointsInside > 0 {
		out = append(out, fmt.Sprintf(l.PointsInside, in.PointsInside))
	}
	if len(out) == 0 {
		out = append(out, "—")
	}
	return out
}

func ruleViewOf(h zones.RuleHit, missing []string, l labels) ruleView {
	rv := ruleView{L: l, ID: h.ID, Verdict: string(h.Verdict), VerdictTxt: l.verdict(h.Verdict), Text: h.Text, Source: h.Source,
		Unverified: h.Verified != nil && !*h.Verified}
	if len(h.Missing) > 0 {
		var refs []string
		for _, f := range h.Missing {
			if i := slices.Index(missing, f); i >= 0 {
				refs = append(refs, strconv.Itoa(i+1))
			} else {
				refs = append(refs, l.fact(f)) // a hit whose fact the report does not list
			}
		}
		rv.Missing = fmt.Sprintf(l.MissingRef, strings.Join(refs, "、"))
	}
	// The rules give a national major project's approvals as the one fact that
	// lifts a prohibition (approval: present, DESIGN.md): a hit undecided for
	// want of them is "prohibited unless approved".
	rv.UnlessApproved = h.Verdict == zones.NeedsInfo && slices.Contains(h.Missing, "approval_refs")
	return rv
}

// parkViewOf shows the footprint's relation to industrial parks: the layers'
// parks with their level, planning-EIA document and leading industries, or the
// project's declaration.
func parkViewOf(st *zones.ParkStatus, p zones.Project, l labels) *parkView {
	if st == nil {
		return nil
	}
	pv := &parkView{}
	inside := l.flag(st.Inside)
	if st.Source == "declared" {
		pv.Rows = append(pv.Rows, [2]string{l.ParkSource, l.ParkDeclared}, [2]string{l.ParkInside, inside},
			[2]string{l.ParkEIA, l.document(st.PlanningEIA)})
		return pv
	}
	pv.Rows = append(pv.Rows, [2]string{l.ParkSource, l.ParkFromLayer}, [2]string{l.ParkInside, inside},
		[2]string{l.ParkShare, num(st.Share*100, 2) + " %"})
	pv.None = len(st.Parks) == 0
	industry, _ := zones.NormalizeIndustry(p.Industry)
	for _, h := range st.Parks {
		row := parkRow{Name: h.ZoneName, Code: h.ZoneID, Level: l.class(zones.KindIndustrialPark, h.ZoneClass),
			EIA: h.PlanningEIA, Industries: strings.Join(h.Industries, "、"), Share: num(h.Share*100, 2) + " %"}
		if strings.TrimSpace(row.EIA) == "" {
			row.EIA = l.None
		}
		switch {
		case len(h.Industries) == 0:
			row.Industries, row.Leading = l.NotListed, "—"
		case industry == "":
			row.Leading = l.Unknown
		default:
			leading := slices.ContainsFunc(h.Industries, func(pre string) bool {
				n, err := zones.NormalizeIndustry(pre)
				return err == nil && strings.HasPrefix(industry, n)
			})
			row.Leading = l.flag(&leading)
		}
		pv.Parks = append(pv.Parks, row)
	}
	return pv
}

// boundaryViewOf lists the zones whose boundary lies within the tolerance of the
// footprint, and the notice when one of them could change the verdict.
func boundaryViewOf(r *zones.Report, l labels) *boundaryView {
	if len(r.NearBoundary) == 0 && !r.BoundaryReview {
		return nil
	}
	tol := num(r.BoundaryToleranceM, 1)
	bv := &boundaryView{Intro: fmt.Sprintf(l.BoundaryIntro, tol)}
	if r.BoundaryReview {
		bv.Notice = fmt.Sprintf(l.BoundaryNotice, tol)
	}
	for _, n := range r.NearBoundary {
		row := boundaryRow{Code: n.ZoneID, Name: n.ZoneName, Layer: layerName(n.Layer, n.LayerTitle), Class: l.class(n.Kind, n.ZoneClass),
			Distance: num(n.DistanceM, 1), Side: l.Outside, Changes: l.flag(&n.ChangesVerdict),
			ChangesVerdict: n.ChangesVerdict}
		if n.Inside {
			row.Side = l.Inside
		}
		bv.Rows = append(bv.Rows, row)
	}
	return bv
}

// layerName is how the page names a layer: its title, else its id.
func layerName(id, title string) string {
	if title != "" {
		return title
	}
	return id
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
