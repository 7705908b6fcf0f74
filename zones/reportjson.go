package zones

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
)

// AppendJSON appends the report as encoding/json would marshal it — byte for
// byte, compact, without a trailing newline — with <, > and & escaped when
// escapeHTML is set (json.Marshal) or kept (an Encoder with SetEscapeHTML(false)).
//
// Why not encoding/json: a report is mostly the same few kilobytes of Chinese rule
// texts, and reflection over it cost about as much CPU as a small check's
// geometry. The writer follows the struct tags of report.go field by field;
// TestAppendJSON compares it with encoding/json on thousands of reports with every
// field filled at random, so a field added to a report type without being added
// here fails the test. Values it does not know (an attribute holding a nested
// object, an overlap geometry) go through encoding/json, as they did.
//
// It fails where encoding/json fails: NaN and infinite numbers, times outside
// the years 0–9999.
func (r *Report) AppendJSON(dst []byte, escapeHTML bool) ([]byte, error) {
	e := jsonWriter{b: dst, html: escapeHTML}
	e.report(r)
	if e.err != nil {
		return dst, fmt.Errorf("zones: report %s as JSON: %w", r.ReportID, e.err)
	}
	return e.b, nil
}

// AppendArchiveJSON appends the report as the archive keeps it: as
// AppendJSON with escapeHTML set, every intersection with its overlap geometry
// (its Geometry, else one made from its Overlap), so that it renders later as
// it did, whatever the request asked. It appends to cuts the spans [start, end)
// of the returned slice that hold a geometry written from an Overlap alone —
// those the answer (AppendJSON) writes as null — for AnswerFromArchive.
func (r *Report) AppendArchiveJSON(dst []byte, cuts []int) ([]byte, []int, error) {
	e := jsonWriter{b: dst, html: true, archive: true, cuts: cuts}
	e.report(r)
	if e.err != nil {
		return dst, cuts, fmt.Errorf("zones: report %s as JSON: %w", r.ReportID, e.err)
	}
	return e.b, e.cuts, nil
}

// AnswerFromArchive turns b, a report's JSON as AppendArchiveJSON wrote it with
// its cuts, into the report's JSON as AppendJSON(…, false) writes it, in place:
// the cut geometries become null. The two differ in nothing else but the HTML
// escapes: where b holds an escaped <, > or & (or what looks like one), it
// returns b unchanged and false, and the answer must be written afresh.
//
// Why: a check that is archived wrote its report twice, which cost about as
// much CPU as the insert of its row.
func AnswerFromArchive(b []byte, cuts []int) ([]byte, bool) {
	if hasHTMLEscape(b) {
		return b, false
	}
	w, from := 0, 0
	for k := 0; k+1 < len(cuts); k += 2 {
		// Each cut shrinks (a geometry is never shorter than null): w never
		// passes from, and copy moves overlapping bytes correctly.
		w += copy(b[w:], b[from:cuts[k]])
		w += copy(b[w:], "null")
		from = cuts[k+1]
	}
	w += copy(b[w:], b[from:])
	return b[:w], true
}

// hasHTMLEscape reports whether b holds \u003c, \u003e or \u0026: the escapes
// of <, > and & that only HTML-escaped JSON writes (or, after an escaped
// backslash, the text of one, which is refused as well).
func hasHTMLEscape(b []byte) bool {
	for {
		i := bytes.Index(b, []byte(`\u00`))
		if i < 0 || i+6 > len(b) {
			return false
		}
		switch string(b[i+4 : i+6]) {
		case "3c", "3e", "26":
			return true
		}
		b = b[i+4:]
	}
}

// AppendProjectJSON appends p as json.Marshal writes it (HTML escaped), as
// AppendJSON writes a report's project: the archive's project column.
func AppendProjectJSON(dst []byte, p *Project) []byte {
	e := jsonWriter{b: dst, html: true}
	e.project(p)
	return e.b
}

// jsonWriter appends JSON to b; the first error sticks and stops nothing (the
// bytes are thrown away).
type jsonWriter struct {
	b    []byte
	html bool
	err  error

	// archive writes an intersection's overlap where it has no Geometry, and
	// notes its span in cuts (AppendArchiveJSON).
	archive bool
	cuts    []int
}

func (e *jsonWriter) raw(s string) { e.b = append(e.b, s...) }

// key writes `,"name":` (or without the comma at the start of an object). Every
// name in report.go is plain ASCII that needs no escaping.
func (e *jsonWriter) key(name string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, name...)
	e.b = append(e.b, '"', ':')
}

func (e *jsonWriter) str(s string) { e.b = appendJSONString(e.b, s, e.html) }

func (e *jsonWriter) boolean(v bool) {
	if v {
		e.raw("true")
	} else {
		e.raw("false")
	}
}

func (e *jsonWriter) integer(v int) { e.b = strconv.AppendInt(e.b, int64(v), 10) }

// float writes f as encoding/json does (ES6 number formatting).
func (e *jsonWriter) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if e.err == nil {
			e.err = fmt.Errorf("unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
		}
		e.raw("null")
		return
	}
	// Measures to the millimetre first, then coordinates to seven decimals.
	if b, ok := appendDecimal(e.b, f, 3); ok {
		e.b = b
		return
	}
	if b, ok := appendDecimal(e.b, f, 7); ok {
		e.b = b
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json cleans it.
		n := len(e.b)
		if n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

// appendDecimal appends f as strconv.AppendFloat(dst, f, 'f', -1, 64) does
// when f is the double nearest to n/10^d for a whole n, |n| < 1e15: most of a
// report's numbers are measures rounded to the millimetre (round3, d = 3),
// small integers, or coordinates given to seven decimals. The decimal n/10^d
// then has at most 15 significant digits, and every other decimal of as few
// digits lies at least 1e-15 of it away, farther than f's neighbouring
// doubles (2.2e-16): n/10^d is f's shortest form, written here without the
// search for it. ok is false for any other f, for zero (whose sign
// AppendFloat keeps), and below 1e-6, which encoding/json writes with an
// exponent.
func appendDecimal(dst []byte, f float64, d int) ([]byte, bool) {
	scale := decimalScales[d]
	if abs := math.Abs(f); !(abs >= 1e-6 && abs*scale < 1e15) {
		return dst, false
	}
	n := int64(math.Round(f * scale))
	if float64(n)/scale != f {
		return dst, false
	}
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	unit := int64(scale)
	dst = strconv.AppendInt(dst, n/unit, 10)
	frac := n % unit
	if frac == 0 {
		return dst, true
	}
	for frac%10 == 0 {
		frac /= 10
		d--
	}
	var digits [16]byte
	i := len(digits)
	for ; d > 0; d-- {
		i--
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	i--
	digits[i] = '.'
	return append(dst, digits[i:]...), true
}

// decimalScales are the powers of ten appendDecimal takes (exact doubles).
var decimalScales = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7}

func (e *jsonWriter) time(t time.Time) {
	e.b = append(e.b, '"')
	n0 := len(e.b)
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	// The checks of time.Time.MarshalJSON: not every Go time is RFC 3339.
	switch {
	case e.b[n0+len("9999")] != '-':
		e.fail(errors.New("Time.MarshalJSON: year outside of range [0,9999]"))
	case e.b[len(e.b)-1] != 'Z':
		c := e.b[len(e.b)-len("Z07:00")]
		h := e.b[len(e.b)-len("07:00"):]
		if ('0' <= c && c <= '9') || 10*(h[0]-'0')+(h[1]-'0') >= 24 {
			e.fail(errors.New("Time.MarshalJSON: timezone hour outside of range [0,23]"))
		}
	}
	e.b = append(e.b, '"')
}

func (e *jsonWriter) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *jsonWriter) strings(ss []string) { jsonList(e, ss, e.str) }

func (e *jsonWriter) boolPtr(v *bool) {
	if v == nil {
		e.raw("null")
		return
	}
	e.boolean(*v)
}

// value writes a value of a map[string]any: the kinds a dataset's attributes
// hold directly, anything else through encoding/json.
func (e *jsonWriter) value(v any) {
	switch v := v.(type) {
	case nil:
		e.raw("null")
	case string:
		e.str(v)
	case float64:
		e.float(v)
	case bool:
		e.boolean(v)
	case int:
		e.integer(v)
	case int64:
		e.b = strconv.AppendInt(e.b, v, 10)
	default:
		e.marshal(v)
	}
}

// marshal writes v with encoding/json under the same HTML escaping: the bytes
// encoding/json writes for v nested in a report.
func (e *jsonWriter) marshal(v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(e.html)
	if err := enc.Encode(v); err != nil {
		e.fail(err)
		e.raw("null")
		return
	}
	e.b = append(e.b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...)
}

// object writes a map with its keys sorted, as encoding/json does.
func (e *jsonWriter) object(m map[string]any) {
	if m == nil {
		e.raw("null")
		return
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(k)
		e.b = append(e.b, ':')
		e.value(m[k])
	}
	e.b = append(e.b, '}')
}

func (e *jsonWriter) report(r *Report) {
	e.b = append(e.b, '{')
	e.key("report_id", true)
	e.str(r.ReportID)
	e.key("created_at", false)
	e.time(r.CreatedAt)
	e.key("dataset", false)
	e.raw(`{"name":`)
	e.str(r.Dataset.Name)
	e.raw(`,"version":`)
	e.str(r.Dataset.Version)
	e.b = append(e.b, '}')
	if r.Project != nil {
		e.key("project", false)
		e.project(r.Project)
	}
	e.key("verdict", false)
	e.str(string(r.Verdict))
	if r.Governing != nil {
		e.key("governing_rule", false)
		e.ruleHit(r.Governing)
	}
	e.key("footprint", false)
	e.footprint(&r.Footprint)
	e.key("intersections", false)
	if r.Intersections == nil {
		e.raw("null")
	} else {
		e.b = append(e.b, '[')
		for i := range r.Intersections {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.intersection(&r.Intersections[i])
		}
		e.b = append(e.b, ']')
	}
	e.key("nearby", false)
	if r.Nearby == nil {
		e.raw("null")
	} else {
		e.b = append(e.b, '[')
		for i := range r.Nearby {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, '{')
			e.nearbyFields(&r.Nearby[i])
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.key("buffer_m", false)
	e.float(r.BufferM)
	if len(r.ProjectRules) > 0 {
		e.key("project_rules", false)
		e.ruleHits(r.ProjectRules)
	}
	if r.Park != nil {
		e.key("park", false)
		e.park(r.Park)
	}
	if len(r.Missing) > 0 {
		e.key("missing", false)
		e.strings(r.Missing)
	}
	if len(r.Notes) > 0 {
		e.key("notes", false)
		e.notes(r)
	}
	e.key("near_boundary", false)
	if r.NearBoundary == nil {
		e.raw("null")
	} else {
		e.b = append(e.b, '[')
		for i := range r.NearBoundary {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			nb := &r.NearBoundary[i]
			e.b = append(e.b, '{')
			e.nearbyFields(&nb.Nearby)
			e.key("inside", false)
			e.boolean(nb.Inside)
			e.key("changes_verdict", false)
			e.boolean(nb.ChangesVerdict)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.key("boundary_tolerance_m", false)
	e.float(r.BoundaryToleranceM)
	e.key("boundary_review", false)
	e.boolean(r.BoundaryReview)
	e.b = append(e.b, '}')
}

func (e *jsonWriter) project(p *Project) {
	e.b = append(e.b, '{')
	first := true
	optStr := func(name, v string) {
		if v != "" {
			e.key(name, first)
			first = false
			e.str(v)
		}
	}
	optBool := func(name string, v *bool) {
		if v != nil {
			e.key(name, first)
			first = false
			e.boolean(*v)
		}
	}
	optStr("name", p.Name)
	optStr("industry", p.Industry)
	optStr("type", p.Type)
	optStr("construction", p.Construction)
	optBool("discharges_pollutants", p.DischargesPollutants)
	optBool("has_outfall", p.HasOutfall)
	optBool("high_energy", p.HighEnergy)
	optBool("national_major", p.NationalMajor)
	optBool("original_residents", p.OriginalResidents)
	if len(p.ApprovalRefs) > 0 {
		e.key("approval_refs", first)
		first = false
		e.strings(p.ApprovalRefs)
	}
	optBool("in_industrial_park", p.InIndustrialPark)
	if p.ParkPlanningEIA != nil {
		e.key("park_planning_eia", first)
		e.str(*p.ParkPlanningEIA)
	}
	e.b = append(e.b, '}')
}

// notes writes r.Notes, each quoted once for the rule set where it can be
// (Report.notesQuoted).
func (e *jsonWriter) notes(r *Report) {
	e.b = append(e.b, '[')
	for i, s := range r.Notes {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		if i < len(r.notesQuoted) {
			if q := r.notesQuoted[i]; q != nil && q.note == s {
				e.raw(q.quoted[e.htmlIndex()])
				continue
			}
		}
		e.str(s)
	}
	e.b = append(e.b, ']')
}

func (e *jsonWriter) ruleHits(hs []RuleHit) {
	if hs == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i := range hs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.ruleHit(&hs[i])
	}
	e.b = append(e.b, ']')
}

func (e *jsonWriter) ruleHit(h *RuleHit) {
	e.raw(`{"id":`)
	e.str(h.ID)
	e.raw(`,"verdict":`)
	e.str(string(h.Verdict))
	e.raw(`,"text":`)
	html := 0
	if e.html {
		html = 1
	}
	if q := h.quoted; q != nil && q.text == h.Text {
		e.raw(q.qtext[html])
	} else {
		e.str(h.Text)
	}
	e.raw(`,"source":`)
	if q := h.quoted; q != nil && q.source == h.Source {
		e.raw(q.qsource[html])
	} else {
		e.str(h.Source)
	}
	if len(h.Missing) > 0 {
		e.raw(`,"missing":`)
		e.strings(h.Missing)
	}
	if h.Verified != nil {
		e.raw(`,"verified":`)
		e.boolean(*h.Verified)
	}
	if h.Layer != "" {
		e.raw(`,"layer":`)
		e.str(h.Layer)
	}
	if h.ZoneID != "" {
		e.raw(`,"zone_id":`)
		e.str(h.ZoneID)
	}
	e.b = append(e.b, '}')
}

func (e *jsonWriter) footprint(f *FootprintInfo) {
	e.raw(`{"type":`)
	e.str(f.Type)
	e.raw(`,"area_m2":`)
	e.float(f.AreaM2)
	e.raw(`,"length_m":`)
	e.float(f.LengthM)
	if f.AreaGKM2 != 0 {
		e.raw(`,"area_gk_m2":`)
		e.float(f.AreaGKM2)
	}
	if f.GKZone != 0 {
		e.raw(`,"gk_zone":`)
		e.integer(f.GKZone)
	}
	if f.Points != 0 {
		e.raw(`,"points":`)
		e.integer(f.Points)
	}
	e.raw(`,"vertices":`)
	e.integer(f.Vertices)
	e.raw(`,"bbox":[`)
	for i, v := range f.Bounds {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.float(v)
	}
	e.raw(`],"crs":`)
	e.str(f.CRS)
	e.raw(`,"repaired":`)
	e.boolean(f.Repaired)
	e.raw(`,"warnings":`)
	e.strings(f.Warnings)
	e.b = append(e.b, '}')
}

// zoneJSON is what a report writes of a zone, quoted once per zone, [0] for an
// answer and [1] HTML escaped (the archive): head the members from "layer" to
// "zone_class" (nearbyFields'), attrs the attributes object ("" where writing
// it failed: the failure is the report's to meet).
type zoneJSON struct {
	head, attrs [2]string
}

// quotedJSON returns z's quoted members, made on first use.
func (z *Zone) quotedJSON() *zoneJSON {
	if q := z.json.Load(); q != nil {
		return q
	}
	q := &zoneJSON{}
	for html := range 2 {
		e := jsonWriter{html: html == 1}
		e.zoneHead(z.Layer.ID, z.Layer.Title, z.Layer.Kind, z.ID, z.Name, z.Class)
		q.head[html] = string(e.b)
		e = jsonWriter{html: html == 1}
		if e.object(z.Attrs()); e.err == nil {
			q.attrs[html] = string(e.b)
		}
	}
	z.json.Store(q)
	return q
}

// zoneQuoted returns the quoted members of z when a report's entry lists z as
// z is: same names (the attributes are the quoted ones only where the entry
// holds the zone's own map: sameMap).
func zoneQuoted(z *Zone, layer, title string, kind Kind, id, name, class string) *zoneJSON {
	if z == nil || z.Layer == nil || z.Layer.ID != layer || z.Layer.Title != title || z.Layer.Kind != kind ||
		z.ID != id || z.Name != name || z.Class != class {
		return nil
	}
	return z.quotedJSON()
}

// sameMap reports whether a and b are one map (not merely equal ones).
func sameMap(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func (e *jsonWriter) htmlIndex() int {
	if e.html {
		return 1
	}
	return 0
}

// zoneHead writes the members a zone's entries start with, "layer" to
// "zone_class".
func (e *jsonWriter) zoneHead(layer, title string, kind Kind, id, name, class string) {
	e.raw(`"layer":`)
	e.str(layer)
	if title != "" {
		e.raw(`,"layer_title":`)
		e.str(title)
	}
	e.raw(`,"kind":`)
	e.str(string(kind))
	e.raw(`,"zone_id":`)
	e.str(id)
	e.raw(`,"zone_name":`)
	e.str(name)
	e.raw(`,"zone_class":`)
	e.str(class)
}

func (e *jsonWriter) intersection(in *Intersection) {
	e.b = append(e.b, '{')
	zq := zoneQuoted(in.Zone, in.Layer, in.LayerTitle, in.Kind, in.ZoneID, in.ZoneName, in.ZoneClass)
	if zq != nil {
		e.raw(zq.head[e.htmlIndex()])
	} else {
		e.zoneHead(in.Layer, in.LayerTitle, in.Kind, in.ZoneID, in.ZoneName, in.ZoneClass)
	}
	e.raw(`,"overlap_area_m2":`)
	e.float(in.OverlapAreaM2)
	if in.OverlapAreaGKM2 != 0 {
		e.raw(`,"overlap_area_gk_m2":`)
		e.float(in.OverlapAreaGKM2)
	}
	e.raw(`,"overlap_length_m":`)
	e.float(in.OverlapLengthM)
	e.raw(`,"crossings":`)
	e.integer(in.Crossings)
	if in.PointsInside != 0 {
		e.raw(`,"points_inside":`)
		e.integer(in.PointsInside)
	}
	e.raw(`,"footprint_share":`)
	e.float(in.FootprintShare)
	e.raw(`,"verdict":`)
	e.str(string(in.Verdict))
	e.raw(`,"rules":`)
	e.ruleHits(in.Rules)
	if c := in.Clauses; c != nil {
		e.raw(`,"clauses":{"spatial_layout":`)
		e.str(c.SpatialLayout)
		e.raw(`,"pollutant_emission":`)
		e.str(c.PollutantEmission)
		e.raw(`,"environmental_risk":`)
		e.str(c.EnvironmentalRisk)
		e.raw(`,"resource_efficiency":`)
		e.str(c.ResourceEfficiency)
		e.b = append(e.b, '}')
	}
	e.raw(`,"attributes":`)
	if zq != nil && zq.attrs[e.htmlIndex()] != "" && sameMap(in.Attributes, in.Zone.Attributes) {
		e.raw(zq.attrs[e.htmlIndex()])
	} else {
		e.object(in.Attributes)
	}
	if len(in.Sites) > 0 {
		e.raw(`,"sites":`)
		e.strings(in.Sites)
	}
	e.raw(`,"geometry":`)
	switch {
	case in.Geometry != nil:
		e.geometry(in.Geometry)
	case e.archive && in.Overlap != nil:
		start := len(e.b)
		e.geometry(geojson.NewGeometry(in.Overlap))
		e.cuts = append(e.cuts, start, len(e.b))
	default:
		e.raw("null")
	}
	e.b = append(e.b, '}')
}

// nearbyFields writes the members of a Nearby without the braces: NearBoundary
// embeds them.
func (e *jsonWriter) nearbyFields(n *Nearby) {
	if zq := zoneQuoted(n.Zone, n.Layer, n.LayerTitle, n.Kind, n.ZoneID, n.ZoneName, n.ZoneClass); zq != nil {
		e.raw(zq.head[e.htmlIndex()])
	} else {
		e.zoneHead(n.Layer, n.LayerTitle, n.Kind, n.ZoneID, n.ZoneName, n.ZoneClass)
	}
	e.raw(`,"distance_m":`)
	e.float(n.DistanceM)
}

func (e *jsonWriter) park(p *ParkStatus) {
	e.raw(`{"source":`)
	e.str(p.Source)
	e.raw(`,"inside":`)
	e.boolPtr(p.Inside)
	e.raw(`,"share":`)
	e.float(p.Share)
	if len(p.Parks) > 0 {
		e.raw(`,"parks":[`)
		for i := range p.Parks {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			h := &p.Parks[i]
			e.raw(`{"layer":`)
			e.str(h.Layer)
			e.raw(`,"zone_id":`)
			e.str(h.ZoneID)
			e.raw(`,"zone_name":`)
			e.str(h.ZoneName)
			e.raw(`,"zone_class":`)
			e.str(h.ZoneClass)
			e.raw(`,"planning_eia":`)
			e.str(h.PlanningEIA)
			if len(h.Industries) > 0 {
				e.raw(`,"industries":`)
				e.strings(h.Industries)
			}
			e.raw(`,"share":`)
			e.float(h.Share)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	if p.PlanningEIA != nil {
		e.raw(`,"planning_eia":`)
		e.str(*p.PlanningEIA)
	}
	e.b = append(e.b, '}')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s quoted as encoding/json's Encoder with
// SetEscapeHTML(false) writes it: the batch writers' strings (their records are
// not for HTML, and appendJSONString is the one quoter of both).
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s, false) }

// appendJSONString quotes s as encoding/json does: control characters, the
// quote and the backslash escaped (and <, >, & when html is set), invalid UTF-8
// as \ufffd, U+2028 and U+2029 escaped. Most of a report's text is Chinese, three
// bytes a character: those are recognised without decoding.
func appendJSONString(dst []byte, s string, html bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonPlain[b] || (!html && (b == '<' || b == '>' || b == '&')) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		// A well-formed three-byte sequence that is neither a surrogate (ED A0–BF)
		// nor overlong (E0 80–9F) nor U+2028/U+2029 (E2 80 A8/A9) passes as it is.
		if i+2 < len(s) && b >= 0xE1 && b <= 0xEF && b != 0xED && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			!(b == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9)) {
			i += 3
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonPlain marks the ASCII bytes a JSON string holds as they are even when
// HTML is escaped: printable, not the quote, the backslash, <, > or &.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range `"\<>&` {
		t[b] = false
	}
	return t
}()
