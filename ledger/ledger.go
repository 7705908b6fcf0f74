// Package ledger writes the inspection ledger (台账): one row per patch × zone it
// lies in, the patch's own attributes first, then the zone (layer title, code,
// name, class in Chinese, ECU category), the overlap in m², 亩 and 公顷, its share
// of the patch, the verdict of a plan check, and an empty 核查状态 column the team
// fills in. Formats: XLSX (streamed, with a summary sheet and a drop-down list of
// statuses), CSV (UTF-8 with a BOM, for Excel), GeoJSON and a zipped shapefile
// (GBK). A patch in no zone has one row with the zone columns empty.
//
// Areas are ellipsoidal (CGCS2000), as the checker measures them.
package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/zones"
)

// Patch is one located (or checked) input feature with what the ledger says of it.
type Patch struct {
	Index int `json:"index"`
	// ID is the feature's id as JSON; nil when it has none.
	ID json.RawMessage `json:"id,omitempty"`
	// Properties are the feature's own attributes, a JSON object in source order.
	Properties json.RawMessage `json:"properties,omitempty"`
	// Geometry is the patch in lon/lat, for GeoJSON and shapefile output.
	Geometry json.RawMessage `json:"geometry,omitempty"`
	AreaM2   float64         `json:"area_m2"`
	Hits     []Hit           `json:"hits"`
	// Verdict and Rule are a plan check's verdict for the parcel and the id of the
	// rule that governs it; "" for a locate.
	Verdict string `json:"verdict,omitempty"`
	Rule    string `json:"rule,omitempty"`
	// Error says why the patch could not be located or checked.
	Error string `json:"error,omitempty"`
}

// Hit is one zone a patch lies in, named for people.
type Hit struct {
	Layer      string  `json:"layer"`
	LayerTitle string  `json:"layer_title"`
	Kind       string  `json:"kind"`
	ZoneID     string  `json:"zone_id"`
	ZoneName   string  `json:"zone_name"`
	Class      string  `json:"class"`
	ClassZh    string  `json:"class_zh"`
	ECU        string  `json:"ecu_category,omitempty"`
	OverlapM2  float64 `json:"overlap_m2"`
	// OverlapMu (亩), OverlapHa (公顷) and Share (of the patch, 0..1) are the
	// ledger's columns, in the JSON records too; see Patch.Measure.
	OverlapMu float64 `json:"overlap_mu"`
	OverlapHa float64 `json:"overlap_ha"`
	Share     float64 `json:"share"`
	Verdict   string  `json:"verdict,omitempty"`
}

// Measure fills each hit's 亩, 公顷 and share from its m² and the patch's area,
// rounded as the ledger's columns are.
func (p *Patch) Measure() {
	for i := range p.Hits {
		h := &p.Hits[i]
		h.OverlapM2 = round(h.OverlapM2, 3)
		h.OverlapMu = round(h.OverlapM2*MuPerM2, 4)
		h.OverlapHa = round(h.OverlapM2/1e4, 4)
		h.Share = 0
		if p.AreaM2 > 0 {
			h.Share = round(h.OverlapM2/p.AreaM2, 6)
		}
	}
}

// Names turns the checker's hits into ledger hits with the names of the zones.
type Names struct {
	zones map[[2]string]*zones.Zone
}

// NewNames indexes the zones of ds by layer and id.
func NewNames(ds *zones.Dataset) *Names {
	n := &Names{zones: map[[2]string]*zones.Zone{}}
	for _, l := range ds.Layers {
		for _, z := range l.Zones {
			n.zones[[2]string{l.ID, z.ID}] = z
		}
	}
	return n
}

// Hit names one checker hit.
func (n *Names) Hit(h zones.Hit) Hit {
	out := Hit{Layer: h.Layer, ZoneID: h.ZoneID, Class: h.ZoneClass, OverlapM2: h.OverlapAreaM2}
	if z := n.zones[[2]string{h.Layer, h.ZoneID}]; z != nil {
		out.ZoneName = z.Name
		out.LayerTitle = z.Layer.Title
		out.Kind = string(z.Layer.Kind)
		out.ClassZh = zones.ClassLabel(z.Layer.Kind, h.ZoneClass)
		if z.Layer.Kind == zones.KindECU {
			out.ECU = out.ClassZh
		}
	}
	return out
}

// Statuses are the values of the 核查状态 column's drop-down list.
var Statuses = []string{"待核查", "已核查", "问题属实", "已整改", "整改中", "不属实", "其他"}

// Fixed are the ledger's own columns, after the patch's attributes.
var Fixed = []string{"图层", "管控区编码", "管控区名称", "管控分类", "管控单元类别",
	"重叠面积_平方米", "重叠面积_亩", "重叠面积_公顷", "占图斑比例", "核查结论", "适用规则", "错误", "要素序号", "核查状态"}

// numeric marks the Fixed columns that hold numbers.
var numeric = map[string]bool{"重叠面积_平方米": true, "重叠面积_亩": true, "重叠面积_公顷": true, "占图斑比例": true, "要素序号": true}

// MuPerM2 is 亩 per square metre: 1 亩 = 10000/15 m².
const MuPerM2 = 0.0015

// Header is the ledger's columns: attrs (the patches' attribute names) then Fixed.
func Header(attrs []string) []string {
	return append(append([]string(nil), attrs...), Fixed...)
}

// Row is one line of the ledger: texts for the attribute and text columns,
// float64 for the numeric ones, nil for empty cells.
type Row []any

// Rows are the ledger lines of p: one per hit, or one with empty zone columns.
func Rows(p *Patch, attrs []string) []Row {
	vals := AttributeValues(p.Properties, attrs)
	base := func() Row {
		r := make(Row, 0, len(attrs)+len(Fixed))
		for _, v := range vals {
			r = append(r, v)
		}
		return r
	}
	tail := func(r Row) Row {
		return append(r, p.Verdict, p.Rule, p.Error, float64(p.Index), "")
	}
	if len(p.Hits) == 0 {
		r := base()
		r = append(r, "", "", "", "", "", nil, nil, nil, nil)
		return []Row{tail(r)}
	}
	rows := make([]Row, 0, len(p.Hits))
	for _, h := range p.Hits {
		r := base()
		var share any
		if p.AreaM2 > 0 {
			share = round(h.OverlapM2/p.AreaM2, 6)
		}
		r = append(r, h.LayerTitle, h.ZoneID, h.ZoneName, h.ClassZh, h.ECU,
			round(h.OverlapM2, 3), round(h.OverlapM2*MuPerM2, 4), round(h.OverlapM2/1e4, 4), share)
		// The parcel's verdict and governing rule on each of its rows: a ledger is
		// filtered by column, and a row must say how its parcel fared.
		r = append(r, p.Verdict, p.Rule, p.Error, float64(p.Index), "")
		rows = append(rows, r)
	}
	return rows
}

func round(v float64, digits int) float64 {
	m := math.Pow10(digits)
	return math.Round(v*m) / m
}

// Text is how a cell reads in CSV and as the XLSX's raw value.
func Text(v any) string { return geojson.ValueString(v) }

// AttributeNames returns the member names of a properties object in order.
func AttributeNames(props json.RawMessage) []string {
	var names []string
	eachMember(props, func(k string, _ json.RawMessage) { names = append(names, k) })
	return names
}

// Attributes gathers attribute names over many patches, first seen first.
type Attributes struct {
	Names []string
	seen  map[string]bool
}

// Add notes the names of one patch's properties.
func (a *Attributes) Add(props json.RawMessage) {
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	eachMember(props, func(k string, _ json.RawMessage) {
		if !a.seen[k] {
			a.seen[k] = true
			a.Names = append(a.Names, k)
		}
	})
}

// AttributeValues returns the text of each named attribute ("" when absent):
// strings as they are, other values as their JSON.
func AttributeValues(props json.RawMessage, names []string) []string {
	out := make([]string, len(names))
	if len(props) == 0 {
		return out
	}
	pos := make(map[string]int, len(names))
	for i, n := range names {
		pos[n] = i
	}
	eachMember(props, func(k string, v json.RawMessage) {
		i, ok := pos[k]
		if !ok {
			return
		}
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			out[i] = s
		} else if string(v) != "null" {
			out[i] = string(v)
		}
	})
	return out
}

// eachMember calls f for each member of a JSON object, in order.
func eachMember(obj json.RawMessage, f func(k string, v json.RawMessage)) {
	if len(obj) == 0 {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return
		}
		f(k, v)
	}
}

// Formats are the ledger's output formats.
var Formats = []string{"xlsx", "csv", "geojson", "shp"}

// ContentType is the media type of a ledger format.
func ContentType(format string) string {
	switch format {
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		return "text/csv; charset=utf-8"
	case "geojson":
		return "application/geo+json"
	case "shp":
		return "application/zip"
	}
	return "application/octet-stream"
}

// Writer writes a ledger patch by patch.
type Writer interface {
	Write(p *Patch) error
	// Close finishes the document (the XLSX's summary sheet, the shapefile's zip).
	Close() error
}

// NewWriter returns the writer of format on w for patches with the attribute
// names attrs.
func NewWriter(w io.Writer, format string, attrs []string) (Writer, error) {
	switch format {
	case "xlsx":
		return newXLSX(w, attrs)
	case "csv":
		return newCSV(w, attrs)
	case "geojson":
		return newGeoJSON(w, attrs), nil
	case "shp":
		return newSHP(w, attrs)
	}
	return nil, fmt.Errorf("ledger: unknown format %q (want xlsx, csv, geojson or shp)", format)
}

// geometry decodes a patch's GeoJSON geometry; nil when it has none.
func geometry(raw json.RawMessage) (orb.Geometry, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return unmarshalGeometry(raw)
}
