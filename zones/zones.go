// Package zones is redline's domain: datasets of zoning layers, the spatial index of
// their zones, the checker that intersects a project footprint with them, the rules
// that turn intersections into verdicts, and the report.
//
// It does no I/O. Geometries are orb values in CGCS2000 lon/lat (EPSG:4490, treated
// as identical to WGS84 for coordinates); areas are ellipsoidal square metres on
// GRS80, lengths and distances ellipsoidal metres. A zone's boundary belongs to it.
package zones

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
)

// Kind is a layer kind: which body of law governs its zones.
type Kind string

// The layer kinds of DESIGN.md.
const (
	KindRedline       Kind = "redline"
	KindECU           Kind = "ecu"
	KindQinling       Kind = "qinling"
	KindNatureReserve Kind = "nature_reserve"
	KindNationalPark  Kind = "national_park"
	KindWaterSource   Kind = "water_source"
	// KindIndustrialPark: lawfully established industrial parks (园区). Their zones
	// carry the park's planning-EIA document and leading industries (Zone.Park).
	KindIndustrialPark Kind = "industrial_park"
	KindCustom         Kind = "custom"
)

// Kinds lists every kind, in the order reports and listings use.
var Kinds = []Kind{KindRedline, KindECU, KindQinling, KindNatureReserve, KindNationalPark, KindWaterSource,
	KindIndustrialPark, KindCustom}

var classesByKind = map[Kind][]string{
	KindRedline:       {"redline"},
	KindECU:           {"priority", "key", "general"},
	KindQinling:       {"core", "key", "general"},
	KindNatureReserve: {"core", "buffer", "experimental", "general_control"},
	KindNationalPark:  {"core", "general_control"},
	KindWaterSource:   {"level1", "level2", "quasi"},
	// 国家级 / 省级 / 其他 (e.g. city- or county-level parks)
	KindIndustrialPark: {"national", "provincial", "other"},
}

// Sentinel errors.
var (
	ErrUnknownKind  = errors.New("zones: unknown layer kind")
	ErrUnknownClass = errors.New("zones: unknown zone class")
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Classes returns the canonical classes of kind k; nil for custom (any class).
func (k Kind) Classes() []string { return classesByKind[k] }

// ValidClass reports whether class is canonical for kind k. Custom layers accept any
// non-empty class.
func (k Kind) ValidClass(class string) bool {
	if k == KindCustom {
		return class != ""
	}
	return slices.Contains(classesByKind[k], class)
}

// Dataset is a loaded, immutable set of layers with the rules in force for it:
// once the loader returns it, it is shared by every check and nothing writes to
// it (the index keeps what it computes, and its counts, in itself).
type Dataset struct {
	Name    string
	Version string
	Layers  []*Layer
	// Rules in force: the built-in set with the dataset's own files merged in.
	Rules *RuleSet
	// IndustryLists are named lists of GB/T 4754 code prefixes (letter form) that rules
	// refer to, e.g. "qinling_key_allowed".
	IndustryLists map[string][]string
	// Industries is the dataset's full GB/T 4754 table, when it names one.
	Industries []Industry
	// Summary says what loading did: counts, repairs, time.
	Summary LoadSummary
	// BoundaryToleranceM is the boundary-review band in metres (the manifest's
	// boundary_tolerance_m); nil means DefaultBoundaryToleranceM.
	BoundaryToleranceM *float64

	// IndustryLists normalised, with a note per code dropped: computed once, at
	// the first check, by industryLists.
	listsOnce sync.Once
	lists     map[string][]string
	listNotes []string
}

// industryLists returns IndustryLists with every code in the letter form and a
// note for each code that is not a GB/T 4754 code (dropped), the same for every
// check of the dataset.
func (d *Dataset) industryLists() (map[string][]string, []string) {
	d.listsOnce.Do(func() {
		d.lists = make(map[string][]string, len(d.IndustryLists))
		for _, name := range sortedKeys(d.IndustryLists) {
			var norm []string
			for _, c := range d.IndustryLists[name] {
				if n, err := NormalizeIndustry(c); err == nil {
					norm = append(norm, n)
				} else {
					d.listNotes = append(d.listNotes, fmt.Sprintf("产业清单 %s 中的代码 %q 无效，已忽略", name, c))
				}
			}
			d.lists[name] = norm
		}
	})
	return d.lists, d.listNotes
}

// DefaultBoundaryToleranceM is the boundary-review band when neither the dataset
// nor the check sets one: zones digitised from 1:10,000 maps are uncertain by
// metres (0.5 mm on the map is 5 m).
const DefaultBoundaryToleranceM = 10

// BoundaryTolerance is the dataset's boundary-review band in metres.
func (d *Dataset) BoundaryTolerance() float64 {
	if d == nil || d.BoundaryToleranceM == nil {
		return DefaultBoundaryToleranceM
	}
	return *d.BoundaryToleranceM
}

// Layer returns the layer with the given id, or nil.
func (d *Dataset) Layer(id string) *Layer {
	for _, l := range d.Layers {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// LoadSummary is what loading a dataset did. Vertices and Pieces are the
// index's counts: the loader leaves them zero, Index.Summary fills them in.
type LoadSummary struct {
	Layers   int           `json:"layers"`
	Zones    int           `json:"zones"`
	Vertices int           `json:"vertices"`
	Repaired int           `json:"repaired"` // source features made valid at load
	Pieces   int           `json:"pieces"`   // subdivided index pieces
	Duration time.Duration `json:"-"`
	// Repairs names each repaired feature (layer, index, id, defect).
	Repairs []string `json:"repairs,omitempty"`
}

// GeomType says whether a layer holds areas or lines.
type GeomType string

// Layer geometry types.
const (
	Polygonal GeomType = "polygon"
	Lineal    GeomType = "line"
)

// Layer is one zoning layer: zones of one kind.
type Layer struct {
	ID     string
	Kind   Kind
	Title  string
	Source string // the file it came from, as the manifest names it
	Zones  []*Zone
	// Geom is Polygonal or Lineal; a layer does not mix them.
	Geom GeomType
}

// Zone is one feature of a layer.
type Zone struct {
	ID    string
	Name  string
	Class string
	// Attributes are the source properties, as the loaders read them. Read
	// them through Attrs: a zone read from a snapshot leaves them there until
	// something asks.
	Attributes map[string]any
	// Clauses are the access-list clauses of an ECU; nil for other kinds.
	Clauses *Clauses
	// Park is what an industrial park's zone says of the park; nil for other kinds.
	Park *Park
	// Geometry is valid: orb.Polygon or orb.MultiPolygon for polygonal layers,
	// orb.LineString or orb.MultiLineString for lineal ones.
	Geometry orb.Geometry
	// Layer is the layer the zone belongs to.
	Layer *Layer

	// json is the zone's members as a report writes them, quoted on first use.
	json atomic.Pointer[zoneJSON]
	// chunks bound its ring edges a run at a time (ringChunks), made on first use.
	chunks atomic.Pointer[[][]orb.Bound]
	// bound is Geometry's box: read with the zone from a snapshot, else made on
	// first use (Bound).
	bound atomic.Pointer[orb.Bound]
	// attrsAt is the zone's attributes in the snapshot it was read from,
	// attrs what Attrs read of them; nil for a zone a loader made.
	attrsAt []byte
	attrs   atomic.Pointer[map[string]any]
}

// Attrs returns the zone's source properties (Attributes). A zone read from a
// snapshot reads them from it on first use: at start, the snapshot's
// attribute table is only checked, not made into maps — for a dataset of
// many small zones that was a third of the time to ready and of the memory
// a zone holds. Every caller gets the same map; nothing may change it.
func (z *Zone) Attrs() map[string]any {
	if z.attrsAt == nil {
		return z.Attributes
	}
	if m := z.attrs.Load(); m != nil {
		return *m
	}
	r := tabReader{b: z.attrsAt} // checked when the snapshot was read
	m := r.attrs()
	if !z.attrs.CompareAndSwap(nil, &m) {
		return *z.attrs.Load() // another call's: the same map for everyone
	}
	return m
}

// Bound returns the box of the zone's geometry (the zero box when it has none).
// A zone read from a snapshot has it without reading its coordinates, whose
// pages are left out of memory until a check or an export reads them.
func (z *Zone) Bound() orb.Bound {
	if b := z.bound.Load(); b != nil {
		return *b
	}
	var b orb.Bound
	if z.Geometry != nil {
		b = z.Geometry.Bound()
	}
	z.bound.Store(&b)
	return b
}

// Clauses are the four dimensions of an environmental control unit's access list
// (生态环境准入清单), carried verbatim.
type Clauses struct {
	SpatialLayout      string `json:"spatial_layout"`      // 空间布局约束
	PollutantEmission  string `json:"pollutant_emission"`  // 污染物排放管控
	EnvironmentalRisk  string `json:"environmental_risk"`  // 环境风险防控
	ResourceEfficiency string `json:"resource_efficiency"` // 资源利用效率
}

// Park is an industrial park's planning-EIA status and leading industries, as the
// dataset gives them (manifest park_fields).
type Park struct {
	// PlanningEIA names the review document of the park plan's planning EIA
	// (规划环评审查意见); "" means the park has none.
	PlanningEIA string `json:"planning_eia"`
	// Industries are the leading industries (主导产业): GB/T 4754 code prefixes in
	// letter form; empty when the dataset does not say.
	Industries []string `json:"industries,omitempty"`
}

// Industry is one row of a GB/T 4754-2017 table.
type Industry struct {
	Code    string `json:"code"`    // letter form: "C", "C25", "C251", "C2511"
	Level   int    `json:"level"`   // 1 门类 .. 4 小类
	Section string `json:"section"` // the letter
	Name    string `json:"name"`
	Parent  string `json:"parent,omitempty"`
}

// FeatureError is a problem with one source feature of a layer.
type FeatureError struct {
	Layer string
	Index int    // 0-based feature index in the source
	ID    string // the feature's id, when known
	Field string // the attribute concerned, when one is
	Err   error
}

func (e *FeatureError) Error() string {
	s := fmt.Sprintf("layer %q feature %d", e.Layer, e.Index)
	if e.ID != "" {
		s += fmt.Sprintf(" (id %q)", e.ID)
	}
	if e.Field != "" {
		s += fmt.Sprintf(" field %q", e.Field)
	}
	return s + ": " + e.Err.Error()
}

func (e *FeatureError) Unwrap() error { return e.Err }
