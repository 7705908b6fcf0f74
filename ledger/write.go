package ledger

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/geo/crs"
)

func unmarshalGeometry(raw json.RawMessage) (orb.Geometry, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Errorf("ledger: geometry: %w", err)
	}
	return g.Geometry(), nil
}

// csvWriter writes UTF-8 with a BOM: Excel takes a CSV without one for the
// local code page and garbles Chinese.
type csvWriter struct {
	bw    *bufio.Writer
	cw    *csv.Writer
	attrs []string
	rec   []string
}

func newCSV(w io.Writer, attrs []string) (*csvWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("\uFEFF")
	c := &csvWriter{bw: bw, cw: csv.NewWriter(bw), attrs: attrs}
	if err := c.cw.Write(Header(attrs)); err != nil {
		return nil, fmt.Errorf("ledger: csv header: %w", err)
	}
	return c, nil
}

func (c *csvWriter) Write(p *Patch) error {
	for _, r := range Rows(p, c.attrs) {
		c.rec = c.rec[:0]
		for _, v := range r {
			c.rec = append(c.rec, Text(v))
		}
		if err := c.cw.Write(c.rec); err != nil {
			return fmt.Errorf("ledger: csv, feature %d: %w", p.Index, err)
		}
	}
	return nil
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("ledger: csv: %w", err)
	}
	return c.bw.Flush()
}

// Summary counts patches and areas by layer and class, and by zone.
type Summary struct {
	ByClass map[ClassKey]*Tally
	ByZone  map[ZoneKey]*Tally
	Patches int
	Errors  int
	NoZone  int
}

// ClassKey is a layer title and a class.
type ClassKey struct{ Layer, Class string }

// ZoneKey is a zone of a layer.
type ZoneKey struct{ Layer, ZoneID, ZoneName, Class string }

// Tally is a count of patches and their overlap area.
type Tally struct {
	Patches int
	AreaM2  float64
}

// Add counts p.
func (s *Summary) Add(p *Patch) {
	if s.ByClass == nil {
		s.ByClass, s.ByZone = map[ClassKey]*Tally{}, map[ZoneKey]*Tally{}
	}
	s.Patches++
	switch {
	case p.Error != "":
		s.Errors++
	case len(p.Hits) == 0:
		s.NoZone++
	}
	seen := map[ClassKey]bool{}
	for _, h := range p.Hits {
		ck := ClassKey{h.LayerTitle, h.ClassZh}
		t := s.ByClass[ck]
		if t == nil {
			t = &Tally{}
			s.ByClass[ck] = t
		}
		if !seen[ck] {
			seen[ck] = true
			t.Patches++
		}
		t.AreaM2 += h.OverlapM2
		zk := ZoneKey{h.LayerTitle, h.ZoneID, h.ZoneName, h.ClassZh}
		z := s.ByZone[zk]
		if z == nil {
			z = &Tally{}
			s.ByZone[zk] = z
		}
		z.Patches++
		z.AreaM2 += h.OverlapM2
	}
}

// ZonesByPatches lists the zones, most patches first (then larger area, then code).
func (s *Summary) ZonesByPatches() []ZoneKey {
	keys := make([]ZoneKey, 0, len(s.ByZone))
	for k := range s.ByZone {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ZoneKey) int {
		ta, tb := s.ByZone[a], s.ByZone[b]
		return cmp.Or(cmp.Compare(tb.Patches, ta.Patches), cmp.Compare(tb.AreaM2, ta.AreaM2),
			cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.ZoneID, b.ZoneID))
	})
	return keys
}

// Classes lists the layer/class pairs in order.
func (s *Summary) Classes() []ClassKey {
	keys := make([]ClassKey, 0, len(s.ByClass))
	for k := range s.ByClass {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ClassKey) int { return cmp.Or(cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.Class, b.Class)) })
	return keys
}

// Sheet names of the XLSX.
const (
	SheetLedger  = "台账"
	SheetSummary = "汇总"
)

// xlsxWriter streams the ledger sheet row by row (excelize's StreamWriter keeps
// rows in a temporary file past a small buffer, so memory does not grow with
// them), then writes the summary sheet and the whole package at Close.
type xlsxWriter struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	attrs []string
	row   int
	sum   Summary
	cells []any
}

func newXLSX(w io.Writer, attrs []string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SheetLedger); err != nil {
		return nil, fmt.Errorf("ledger: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetLedger)
	if err != nil {
		return nil, fmt.Errorf("ledger: xlsx: %w", err)
	}
	x := &xlsxWriter{out: w, f: f, sw: sw, attrs: attrs, row: 1}
	hdr := Header(attrs)
	cells := make([]any, len(hdr))
	for i, h := range hdr {
		cells[i] = h
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("ledger: xlsx: %w", err)
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, fmt.Errorf("ledger: xlsx header: %w", err)
	}
	// The status column's drop-down list: the statuses an inspection team works through.
	col, _ := excelize.ColumnNumberToName(len(hdr))
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(col + "2:" + col + "1048576")
	if err := dv.SetDropList(Statuses); err != nil {
		return nil, fmt.Errorf("ledger: xlsx status list: %w", err)
	}
	if err := f.AddDataValidation(SheetLedger, dv); err != nil {
		return nil, fmt.Errorf("ledger: xlsx status list: %w", err)
	}
	return x, nil
}

func (x *xlsxWriter) Write(p *Patch) error {
	x.sum.Add(p)
	for _, r := range Rows(p, x.attrs) {
		x.row++
		cell, _ := excelize.CoordinatesToCellName(1, x.row)
		x.cells = x.cells[:0]
		for _, v := range r {
			if v == nil {
				v = excelize.Cell{}
			}
			x.cells = append(x.cells, v)
		}
		if err := x.sw.SetRow(cell, x.cells); err != nil {
			return fmt.Errorf("ledger: xlsx, feature %d: %w", p.Index, err)
		}
	}
	return nil
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("ledger: xlsx: %w", err)
	}
	if err := x.summary(); err != nil {
		return fmt.Errorf("ledger: xlsx summary: %w", err)
	}
	if _, err := x.f.WriteTo(x.out); err != nil {
		return fmt.Errorf("ledger: xlsx: %w", err)
	}
	return nil
}

func (x *xlsxWriter) summary() error {
	if _, err := x.f.NewSheet(SheetSummary); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	row := 0
	put := func(v ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, v)
	}
	s := &x.sum
	if err := put("图斑数", s.Patches, "未落入管控区", s.NoZone, "错误", s.Errors); err != nil {
		return err
	}
	put()
	put("按图层与分类")
	put("图层", "管控分类", "图斑数", "重叠面积_平方米", "重叠面积_亩", "重叠面积_公顷")
	for _, k := range s.Classes() {
		t := s.ByClass[k]
		if err := put(k.Layer, k.Class, t.Patches, round(t.AreaM2, 3), round(t.AreaM2*MuPerM2, 4), round(t.AreaM2/1e4, 4)); err != nil {
			return err
		}
	}
	put()
	put("按管控区（图斑数从多到少）")
	put("图层", "管控区编码", "管控区名称", "管控分类", "图斑数", "重叠面积_平方米", "重叠面积_亩", "重叠面积_公顷")
	for _, k := range s.ZonesByPatches() {
		t := s.ByZone[k]
		if err := put(k.Layer, k.ZoneID, k.ZoneName, k.Class, t.Patches, round(t.AreaM2, 3), round(t.AreaM2*MuPerM2, 4), round(t.AreaM2/1e4, 4)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// geojsonWriter writes a FeatureCollection: one feature per ledger row, the
// patch's geometry with the row's columns as properties.
type geojsonWriter struct {
	bw    *bufio.Writer
	attrs []string
	hdr   []string
	n     int
}

func newGeoJSON(w io.Writer, attrs []string) *geojsonWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	return &geojsonWriter{bw: bw, attrs: attrs, hdr: Header(attrs)}
}

func (g *geojsonWriter) Write(p *Patch) error {
	geom := p.Geometry
	if len(geom) == 0 {
		geom = json.RawMessage("null")
	}
	for _, r := range Rows(p, g.attrs) {
		if g.n > 0 {
			g.bw.WriteString(",\n")
		}
		g.n++
		g.bw.WriteString(`{"type":"Feature","geometry":`)
		g.bw.Write(geom)
		g.bw.WriteString(`,"properties":{`)
		for i, v := range r {
			if i > 0 {
				g.bw.WriteByte(',')
			}
			k, _ := json.Marshal(g.hdr[i])
			g.bw.Write(k)
			g.bw.WriteByte(':')
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("ledger: geojson, feature %d, %s: %w", p.Index, g.hdr[i], err)
			}
			g.bw.Write(b)
		}
		g.bw.WriteString("}}")
	}
	return nil
}

func (g *geojsonWriter) Close() error {
	g.bw.WriteString("\n]}\n")
	return g.bw.Flush()
}

// shpWriter writes a zipped shapefile with a GBK DBF, the patches' polygons and
// a CGCS2000 .prj.
type shpWriter struct {
	out   io.Writer
	st    *shapefile.Stream
	attrs []string
	vals  []any
}

// ledgerName is the shapefile's name inside the zip.
const ledgerName = "ledger"

func newSHP(w io.Writer, attrs []string) (*shpWriter, error) {
	hdr := Header(attrs)
	fields := make([]shapefile.Field, len(hdr))
	for i, h := range hdr {
		fields[i] = shapefile.Field{Name: h, Numeric: i >= len(attrs) && numeric[h]}
	}
	st, err := shapefile.NewStream("", fields, crs.CGCS2000WKT)
	if err != nil {
		return nil, fmt.Errorf("ledger: shapefile: %w", err)
	}
	return &shpWriter{out: w, st: st, attrs: attrs}, nil
}

func (s *shpWriter) Write(p *Patch) error {
	g, err := geometry(p.Geometry)
	if err != nil {
		return fmt.Errorf("ledger: shapefile, feature %d: %w", p.Index, err)
	}
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, nil:
	default:
		// A ledger of patches is polygons: other shapes go in without geometry.
		g = nil
	}
	for _, r := range Rows(p, s.attrs) {
		if err := s.st.Write(g, r); err != nil {
			return fmt.Errorf("ledger: feature %d: %w", p.Index, err)
		}
	}
	return nil
}

func (s *shpWriter) Close() error { return s.st.Close(s.out, ledgerName) }

func marshalGeometry(g orb.Geometry) json.RawMessage {
	b, err := json.Marshal(geojson.NewGeometry(g))
	if err != nil {
		return nil
	}
	return b
}
