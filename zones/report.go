package zones

import (
	"cmp"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Verdict is what the law says of a project at a place.
type Verdict string

// Verdicts, most severe first (DESIGN.md).
const (
	Prohibited  Verdict = "prohibited"
	NeedsInfo   Verdict = "needs_info"
	Conditional Verdict = "conditional"
	Admissible  Verdict = "admissible"
)

// Severity orders verdicts: higher is more severe. Unknown verdicts rank lowest.
func (v Verdict) Severity() int {
	switch v {
	case Prohibited:
		return 4
	case NeedsInfo:
		return 3
	case Conditional:
		return 2
	case Admissible:
		return 1
	}
	return 0
}

// Valid reports whether v is one of the four verdicts.
func (v Verdict) Valid() bool { return v.Severity() > 0 }

// MoreSevere returns the more severe of a and b (a on a tie).
func MoreSevere(a, b Verdict) Verdict {
	if b.Severity() > a.Severity() {
		return b
	}
	return a
}

// Project holds the facts about a project that rules read. Every field is optional:
// a rule that needs a missing fact yields needs_info naming it (by its JSON name).
type Project struct {
	Name string `json:"name,omitempty"`
	// Industry is a GB/T 4754-2017 code at any level, normalised to the letter form
	// ("C2511") by NormalizeIndustry.
	Industry string `json:"industry,omitempty"`
	// Type is one of ProjectTypes.
	Type string `json:"type,omitempty"`
	// Construction is one of Constructions; absent means "new" (an EIA is filed for
	// new work), so only existing activities need to say so.
	Construction         string `json:"construction,omitempty"`
	DischargesPollutants *bool  `json:"discharges_pollutants,omitempty"`
	HasOutfall           *bool  `json:"has_outfall,omitempty"`
	HighEnergy           *bool  `json:"high_energy,omitempty"`
	NationalMajor        *bool  `json:"national_major,omitempty"`
	// OriginalResidents: the activity is 原住居民's existing living and production.
	OriginalResidents *bool `json:"original_residents,omitempty"`
	// ApprovalRefs name the documents approving a national major project's
	// unavoidable siting (不可避让论证意见, State Council or ministry approval).
	ApprovalRefs []string `json:"approval_refs,omitempty"`
	// InIndustrialPark and ParkPlanningEIA are declared facts, read only where the
	// dataset has no industrial_park layer. ParkPlanningEIA names the park plan's
	// planning-EIA review document; "" declares that the park has none.
	InIndustrialPark *bool   `json:"in_industrial_park,omitempty"`
	ParkPlanningEIA  *string `json:"park_planning_eia,omitempty"`
}

// IsZero reports whether no fact of p is given.
func (p Project) IsZero() bool {
	return p.Name == "" && p.Industry == "" && p.Type == "" && p.Construction == "" &&
		p.DischargesPollutants == nil && p.HasOutfall == nil && p.HighEnergy == nil && p.NationalMajor == nil &&
		p.OriginalResidents == nil && len(p.ApprovalRefs) == 0 && p.InIndustrialPark == nil && p.ParkPlanningEIA == nil
}

// ProjectTypes are the values of Project.Type.
var ProjectTypes = []string{"industrial", "linear_infrastructure", "mining", "tourism", "residential",
	"agriculture", "water_supply", "research_monitoring", "ecological_restoration", "forestry", "defense",
	"disaster_prevention", "archaeology", "other"}

// Constructions are the values of Project.Construction: new work, an expansion, a
// reconstruction in place (改建), or an existing activity carried on as it is.
var Constructions = []string{"new", "expansion", "reconstruction", "existing"}

// CheckOptions tune one check.
type CheckOptions struct {
	// Buffer is how far from the footprint zones it does not touch are reported
	// as nearby; the zero value is DefaultBufferM.
	Buffer Buffer
	// Strict refuses repairable footprints instead of repairing them.
	Strict bool
	// IncludeGeometry puts the overlap geometries into the report's JSON.
	IncludeGeometry bool
	// MaxVertices bounds the footprint's size; zero means no bound.
	MaxVertices int
	// BoundaryToleranceM is the boundary-review band in metres: zones whose
	// boundary lies this close to the footprint are listed in Report.NearBoundary.
	// nil means the dataset's (Dataset.BoundaryTolerance); 0 reviews no boundary.
	BoundaryToleranceM *float64
}

// DefaultBufferM is the nearby distance when none is given.
const DefaultBufferM = 1000

// Buffer is the nearby distance of a check. Callers say "0 m" to mean "no nearby
// zones", while an option left out means "the default": a bare number cannot hold
// both, so the zero Buffer is the default and BufferOf(0) — NoBuffer() — is none.
type Buffer struct {
	metres float64
	given  bool
}

// BufferOf is a buffer of m metres; 0 (or less, or NaN) reports no nearby zones.
func BufferOf(m float64) Buffer {
	if !(m > 0) {
		m = 0
	}
	return Buffer{metres: m, given: true}
}

// NoBuffer reports no nearby zones: BufferOf(0).
func NoBuffer() Buffer { return BufferOf(0) }

// Metres is the distance the buffer stands for: DefaultBufferM for the zero
// Buffer, 0 for NoBuffer.
func (b Buffer) Metres() float64 {
	if !b.given {
		return DefaultBufferM
	}
	return b.metres
}

// None reports whether no nearby zones are asked for.
func (b Buffer) None() bool { return b.Metres() == 0 }

// Report is the result of a check (DESIGN.md "the same report").
type Report struct {
	ReportID      string         `json:"report_id"`
	CreatedAt     time.Time      `json:"created_at"`
	Dataset       DatasetRef     `json:"dataset"`
	Project       *Project       `json:"project,omitempty"`
	Verdict       Verdict        `json:"verdict"`
	Governing     *RuleHit       `json:"governing_rule,omitempty"` // the rule that decides the overall verdict
	Footprint     FootprintInfo  `json:"footprint"`
	Intersections []Intersection `json:"intersections"`
	Nearby        []Nearby       `json:"nearby"`
	BufferM       float64        `json:"buffer_m"`
	// ProjectRules are the hits of project-wide rules (kind project): rules on the
	// project as a whole, such as siting in an industrial park. They count towards
	// the report's verdict like a zone's rules.
	ProjectRules []RuleHit `json:"project_rules,omitempty"`
	// Park says whether the footprint lies in an industrial park and which, from the
	// dataset's industrial_park layers or, without them, the project's declarations.
	Park *ParkStatus `json:"park,omitempty"`
	// Missing lists once every project fact whose absence left a rule undecided
	// where it matters for a verdict (the union of the rule hits' Missing).
	Missing []string `json:"missing,omitempty"`
	// Notes are remarks of the rule engine on the project as a whole (e.g. how the
	// 两高 status was derived).
	Notes []string `json:"notes,omitempty"`
	// NearBoundary lists every zone whose boundary lies within
	// BoundaryToleranceM of the footprint, intersected (Inside) or not: zones are
	// digitised from 1:10,000 maps and uncertain by metres there (边界复核).
	NearBoundary       []NearBoundary `json:"near_boundary"`
	BoundaryToleranceM float64        `json:"boundary_tolerance_m"`
	// BoundaryReview is true when a zone of NearBoundary would change the verdict
	// were the boundary a few metres elsewhere; a warning says which.
	BoundaryReview bool `json:"boundary_review"`

	// Geometry is the footprint as checked (lon/lat, repaired if it was). Not in JSON.
	Geometry orb.Geometry `json:"-"`

	// notesQuoted[i], where set, is Notes[i] quoted for JSON as the rule set
	// worded it once (a project rule's note): the writer uses it while
	// Notes[i] is still that note. An array, not a slice: a copy of the
	// report has its own, and the report holds no pointer into itself (which
	// would move every copy of a report to the heap).
	notesQuoted [8]*quotedNote
}

// quotedNote is a note and its JSON, [0] for an answer and [1] HTML escaped.
type quotedNote struct {
	note   string
	quoted [2]string
}

func newQuotedNote(note string) *quotedNote {
	return &quotedNote{note: note, quoted: [2]string{string(appendJSONString(nil, note, false)), string(appendJSONString(nil, note, true))}}
}

// addNote appends note to the report's notes, with its JSON when q has it.
func (r *Report) addNote(note string, q *quotedNote) {
	r.Notes = append(r.Notes, note)
	if i := len(r.Notes) - 1; i < len(r.notesQuoted) {
		r.notesQuoted[i] = q
	}
}

// DatasetRef names the dataset a report was computed on.
type DatasetRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// FootprintInfo describes the checked footprint.
type FootprintInfo struct {
	Type     string     `json:"type"` // Polygon, MultiPolygon, LineString, …, GeometryCollection
	AreaM2   float64    `json:"area_m2"`
	LengthM  float64    `json:"length_m"`
	AreaGKM2 float64    `json:"area_gk_m2,omitempty"`
	GKZone   int        `json:"gk_zone,omitempty"` // CGCS2000 3° zone of the footprint's centroid
	Points   int        `json:"points,omitempty"`
	Vertices int        `json:"vertices"`
	Bounds   [4]float64 `json:"bbox"` // min lon, min lat, max lon, max lat
	CRS      string     `json:"crs"`
	Repaired bool       `json:"repaired"`
	Warnings []string   `json:"warnings"`
}

// Intersection is one zone the footprint touches, as DESIGN.md counts it.
type Intersection struct {
	Layer           string         `json:"layer"`
	LayerTitle      string         `json:"layer_title,omitempty"`
	Kind            Kind           `json:"kind"`
	ZoneID          string         `json:"zone_id"`
	ZoneName        string         `json:"zone_name"`
	ZoneClass       string         `json:"zone_class"`
	OverlapAreaM2   float64        `json:"overlap_area_m2"`
	OverlapAreaGKM2 float64        `json:"overlap_area_gk_m2,omitempty"`
	OverlapLengthM  float64        `json:"overlap_length_m"`
	Crossings       int            `json:"crossings"`
	PointsInside    int            `json:"points_inside,omitempty"`
	FootprintShare  float64        `json:"footprint_share"`
	Verdict         Verdict        `json:"verdict"`
	Rules           []RuleHit      `json:"rules"`
	Clauses         *Clauses       `json:"clauses,omitempty"`
	Attributes      map[string]any `json:"attributes"`
	// Sites names the parts of a multi-site footprint (a FeatureCollection is one
	// project of several sites) that touch the zone: a Feature's properties.name,
	// else its id, else its index. Absent for a footprint of one site.
	Sites []string `json:"sites,omitempty"`
	// Geometry is the overlap, present in JSON only when asked for.
	Geometry *geojson.Geometry `json:"geometry"`

	// Overlap is the overlap geometry (lon/lat), kept for renderers. Not in JSON.
	Overlap orb.Geometry `json:"-"`
	// Zone is the zone itself. Not in JSON.
	Zone *Zone `json:"-"`
}

// Nearby is a zone not intersected but within the buffer.
type Nearby struct {
	Layer      string  `json:"layer"`
	LayerTitle string  `json:"layer_title,omitempty"`
	Kind       Kind    `json:"kind"`
	ZoneID     string  `json:"zone_id"`
	ZoneName   string  `json:"zone_name"`
	ZoneClass  string  `json:"zone_class"`
	DistanceM  float64 `json:"distance_m"`

	Zone *Zone `json:"-"`
}

// nearbyOf lists zone z at distance m (rounded to the millimetre).
func nearbyOf(z *Zone, m float64) Nearby {
	return Nearby{Layer: z.Layer.ID, LayerTitle: z.Layer.Title, Kind: z.Layer.Kind, ZoneID: z.ID, ZoneName: z.Name,
		ZoneClass: z.Class, DistanceM: round3(m), Zone: z}
}

// byDistance orders zones listed by distance: nearest first, then by layer (in
// the dataset's order, layerOrder) and zone id.
func byDistance(layerOrder map[string]int) func(a, b Nearby) int {
	return func(a, b Nearby) int {
		return cmp.Or(cmp.Compare(a.DistanceM, b.DistanceM), cmp.Compare(layerOrder[a.Layer], layerOrder[b.Layer]), cmp.Compare(a.ZoneID, b.ZoneID))
	}
}

// NearBoundary is a zone whose boundary lies within the boundary tolerance of
// the footprint. It says of the zone what Nearby says (the same JSON fields, in
// the same order), except that DistanceM is the geodesic distance from the
// footprint to the zone's boundary: 0 when the footprint crosses it.
type NearBoundary struct {
	Nearby
	// Inside is true when the footprint intersects the zone (DESIGN.md's rules).
	Inside bool `json:"inside"`
	// ChangesVerdict is true when the zone's rules would move the report's verdict
	// if the footprint were on the other side of this boundary.
	ChangesVerdict bool `json:"changes_verdict"`
}

// ParkStatus is the footprint's relation to industrial parks (园区).
type ParkStatus struct {
	// Source is "layer" (the dataset's industrial_park layers decide) or "declared"
	// (the dataset has none; the project's in_industrial_park and park_planning_eia
	// stand in).
	Source string `json:"source"`
	// Inside: the footprint lies in a park — parks cover at least ParkCoverShare of it.
	// Null when unknown (declared source, not declared).
	Inside *bool `json:"inside"`
	// Share of the footprint (area, else length, else points) inside parks; layer
	// source only.
	Share float64 `json:"share"`
	// Parks are the parks the footprint touches, largest share first; layer source.
	Parks []ParkHit `json:"parks,omitempty"`
	// PlanningEIA is the declared planning-EIA document; declared source only.
	PlanningEIA *string `json:"planning_eia,omitempty"`
}

// ParkHit is one park the footprint touches.
type ParkHit struct {
	Layer     string `json:"layer"`
	ZoneID    string `json:"zone_id"`
	ZoneName  string `json:"zone_name"`
	ZoneClass string `json:"zone_class"`
	// PlanningEIA is the park plan's planning-EIA review document; "" means none.
	PlanningEIA string `json:"planning_eia"`
	// Industries are the park's leading industries (GB/T 4754 prefixes).
	Industries []string `json:"industries,omitempty"`
	Share      float64  `json:"share"`
}

// RuleHit is a rule that fired for an intersection (or, in Report.ProjectRules, for
// the project as a whole).
type RuleHit struct {
	ID      string  `json:"id"`
	Verdict Verdict `json:"verdict"`
	Text    string  `json:"text"`
	Source  string  `json:"source"`
	// Missing names the project facts whose absence made the verdict needs_info.
	Missing []string `json:"missing,omitempty"`
	// Verified is false when the rule's wording could not be checked against the
	// primary legal text.
	Verified *bool `json:"verified,omitempty"`
	// Layer and ZoneID say where the rule fired, on Report.Governing.
	Layer  string `json:"layer,omitempty"`
	ZoneID string `json:"zone_id,omitempty"`

	// quoted is the rule's text and source as JSON strings, quoted once for its
	// rule set (a rule's text is most of a report's bytes); AppendJSON uses it
	// while Text and Source are still the rule's.
	quoted *quotedRule
}

// quotedRule holds a rule's text and source and their JSON quoting, plain and
// with HTML escaped (index 1).
type quotedRule struct {
	text, source   string
	qtext, qsource [2]string
}

func newQuotedRule(text, source string) quotedRule {
	q := quotedRule{text: text, source: source}
	for i, html := range []bool{false, true} {
		q.qtext[i] = string(appendJSONString(nil, text, html))
		q.qsource[i] = string(appendJSONString(nil, source, html))
	}
	return q
}
