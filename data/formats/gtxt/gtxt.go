// Package gtxt reads the 国土 TXT boundary-point files (界址点坐标交换格式) in which
// land and planning authorities exchange parcel boundaries:
//
//	[属性描述]
//	坐标系=2000国家大地坐标系
//	几度分带=3
//	投影类型=高斯克吕格
//	计量单位=米
//	带号=36
//	精度=0.001
//	转换参数=,,,,,,
//	[地块坐标]
//	5,0.1000,001,厂区,面,,工业用地,0601,@
//	J1,1,3790000.000,36500000.000
//	…
//
// Each record line (ending in "@": 界址点数 JZDS, 地块面积 DKMJ in hectares, 地块编号
// DKBH, 地块名称 DKMC, 记录图形属性 JLTXSX, 图幅号 TFH, 地块用途 DKYT, 地类编码 DLBM, …)
// starts a parcel; the vertex lines after it are 点号,圈号,X,Y with X the northing and
// Y the (usually zone-prefixed) easting. 圈号 1 is the outer ring, 2 and up are holes;
// rings are nevertheless nested by containment, since files number them loosely.
//
// Each parcel becomes one feature (Polygon or MultiPolygon; LineString for a 线
// record, points for 点) with x = easting and
// y = northing — the reader swaps the surveyors' X,Y into GIS order — and the
// header gives the CRS (EPSG:4513+ for 3° zones with prefixed eastings, the
// central-meridian series without). Files in 1980西安坐标系 or 1954北京坐标系 get the
// EPSG code of their grid (EPSG:2360 for Xi'an 1980 zone 36, …), which geo/crs
// refuses unless the caller declares the CRS with datum parameters; the header's
// 转换参数 are not applied, since the format does not say their convention. Text may
// be UTF-8 (with or without BOM) or GBK/GB18030; line endings CRLF or LF.
package gtxt

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/planar"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Format is the vector.Collection.Format of this reader.
const Format = "gtxt"

// maxRings bounds the rings of one parcel: nesting them by containment is
// quadratic in their number, and a real parcel has a handful.
const maxRings = 10_000

// Section markers (files from Windows tools carry them GBK-encoded).
const (
	markAttr   = "[属性描述]"
	markCoords = "[地块坐标]"
)

// Sniff reports whether b looks like a 国土 TXT file: a line of its first 4 KiB is
// a section marker, in UTF-8 or GBK. (A marker inside other text, say a GeoJSON
// property, does not count.)
func Sniff(b []byte) bool {
	if len(b) > 4096 {
		b = b[:4096]
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var marks [][]byte
	for _, m := range []string{markAttr, markCoords} {
		marks = append(marks, []byte(m))
		if g, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(m)); err == nil {
			marks = append(marks, g)
		}
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		for _, m := range marks {
			if bytes.Equal(line, m) {
				return true
			}
		}
	}
	return false
}

// header is the [属性描述] section.
type header struct {
	datum     string // 坐标系 as written
	width     int    // 几度分带: 3 or 6, 0 when absent
	zone      int    // 带号, 0 when absent
	zoneLine  int
	datumLine int
	unit      string // 计量单位
	unitLine  int
	params    string // 转换参数
	fields    map[string]string
}

type vertex struct {
	label string
	ring  int // 圈号
	x, y  float64
	line  int
}

type parcel struct {
	props    map[string]any
	id       string
	jzds     int
	line     int
	vertices []vertex
}

// Read parses a 国土 TXT file.
func Read(b []byte) (*vector.Collection, error) {
	text, enc, err := decode(b)
	if err != nil {
		return nil, err
	}
	c := &vector.Collection{Format: Format}
	if enc != "" {
		c.Warnings = append(c.Warnings, "text decoded as "+enc)
	}
	h := header{fields: map[string]string{}}
	var parcels []*parcel
	section := ""
	lines := strings.Split(text, "\n")
	for i, raw := range lines {
		ln := i + 1
		s := strings.TrimSpace(strings.TrimRight(raw, "\r"))
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = strings.TrimSpace(s[1 : len(s)-1])
			continue
		}
		switch section {
		case "属性描述":
			k, v, ok := strings.Cut(s, "=")
			if !ok {
				k, v, ok = strings.Cut(s, "：")
			}
			if !ok {
				continue // free text in the header carries nothing we use
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			h.fields[k] = v
			switch k {
			case "坐标系":
				h.datum, h.datumLine = v, ln
			case "几度分带":
				h.width, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(v, "度"), "°"))
			case "带号":
				h.zone, _ = strconv.Atoi(v)
				h.zoneLine = ln
			case "计量单位":
				h.unit, h.unitLine = v, ln
			case "转换参数":
				h.params = v
			}
		case "地块坐标":
			// Some tools leave a comma or spaces after the closing "@".
			if strings.HasSuffix(strings.TrimRight(s, ", \t"), "@") {
				s = strings.TrimRight(s, ", \t")
				p, err := parseRecord(s, ln, len(parcels))
				if err != nil {
					return nil, err
				}
				parcels = append(parcels, p)
				continue
			}
			if len(parcels) == 0 {
				return nil, lineErr(errcode.BadRequest, ln, -1, "a vertex line before the first parcel record (a record line ends with '@')")
			}
			v, err := parseVertex(s, ln, len(parcels)-1)
			if err != nil {
				return nil, err
			}
			p := parcels[len(parcels)-1]
			p.vertices = append(p.vertices, v)
		default:
			if section == "" {
				return nil, lineErr(errcode.BadRequest, ln, -1, "text before the [属性描述] / [地块坐标] sections")
			}
			// Unknown sections are skipped: later versions of the format add some.
		}
	}
	if len(parcels) == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "gtxt: no parcel in the [地块坐标] section")
	}

	geographic := true
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range parcels {
		for _, v := range p.vertices {
			if math.Abs(v.x) > 90 || math.Abs(v.y) > 180 {
				geographic = false
			}
			minX, maxX = math.Min(minX, v.x), math.Max(maxX, v.x)
			minY, maxY = math.Min(minY, v.y), math.Max(maxY, v.y)
		}
	}
	// The format puts the northing (X) first. A file whose X column holds
	// zone-prefixed eastings and whose Y column holds northings was written in GIS
	// order by mistake: swap it back, and say so.
	if minX >= 13e6 && maxX < 46e6 && math.Floor(minX/1e6) == math.Floor(maxX/1e6) && minY >= 3e5 && maxY <= 6.1e6 {
		for _, p := range parcels {
			for i := range p.vertices {
				p.vertices[i].x, p.vertices[i].y = p.vertices[i].y, p.vertices[i].x
			}
		}
		c.Warnings = append(c.Warnings, "the X column holds zone-prefixed eastings and Y the northings (GIS order, not the format's): read them swapped")
	}
	cr, warns, err := h.crs(parcels, geographic)
	if err != nil {
		return nil, err
	}
	c.CRS = cr
	c.Warnings = append(c.Warnings, warns...)

	for i, p := range parcels {
		g, warns, err := p.geometry(i)
		if err != nil {
			return nil, err
		}
		c.Warnings = append(c.Warnings, warns...)
		c.Features = append(c.Features, vector.Feature{Index: i, ID: p.id, Geometry: g, Properties: p.props})
	}
	return c, nil
}

func lineErr(code errcode.Code, line, parcel int, format string, args ...any) error {
	d := map[string]any{"line": line}
	if parcel >= 0 {
		d["feature"] = parcel
	}
	return errcode.New(code, d, "gtxt: line %d: %s", line, fmt.Sprintf(format, args...))
}

// decode returns the text as UTF-8 and the name of the encoding when it was not
// UTF-8. GB18030 is a superset of GBK and GB2312, so it decodes all three.
func decode(b []byte) (string, string, error) {
	if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		b = b[3:]
	}
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return "", "", errcode.New(errcode.UndecodableText, nil, "gtxt: UTF-16 text; save the file as UTF-8 or GBK")
	}
	if utf8.Valid(b) {
		return string(b), "", nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		line := 1
		if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
			line += bytes.Count(out[:i], []byte("\n"))
		}
		return "", "", errcode.New(errcode.UndecodableText, map[string]any{"line": line},
			"gtxt: line %d: text is neither UTF-8 nor GBK/GB18030", line)
	}
	return string(out), "GBK/GB18030", nil
}

// recordField names the i-th (0-based) field of a parcel record, as the national
// format does; fields past the eighth are F9, F10, ….
func recordField(i int) string {
	names := [...]string{"JZDS", "DKMJ", "DKBH", "DKMC", "JLTXSX", "TFH", "DKYT", "DLBM"}
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("F%d", i+1)
}

func parseRecord(s string, ln, index int) (*parcel, error) {
	s = strings.TrimSuffix(s, "@")
	s = strings.NewReplacer("，", ",").Replace(s)
	fields := strings.Split(s, ",")
	if len(fields) > 0 && strings.TrimSpace(fields[len(fields)-1]) == "" {
		fields = fields[:len(fields)-1]
	}
	p := &parcel{props: map[string]any{}, line: ln}
	for i, f := range fields {
		f = strings.TrimSpace(f)
		name := recordField(i)
		switch name {
		case "JZDS":
			n, err := strconv.Atoi(f)
			if err != nil && f != "" {
				return nil, lineErr(errcode.BadRequest, ln, index, "field JZDS (界址点数) %q is not a count", f)
			}
			p.jzds = n
			p.props[name] = n
		case "DKMJ":
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				p.props[name] = v
			} else {
				p.props[name] = f
			}
		default:
			p.props[name] = f
		}
	}
	if v, ok := p.props["DKBH"].(string); ok {
		p.id = v
	}
	return p, nil
}

func parseVertex(s string, ln, parcel int) (vertex, error) {
	s = strings.NewReplacer("，", ",").Replace(s)
	f := strings.Split(s, ",")
	if len(f) < 4 {
		return vertex{}, lineErr(errcode.BadRequest, ln, parcel, "vertex line needs 点号,圈号,X,Y; found %d fields", len(f))
	}
	ring, err := strconv.Atoi(strings.TrimSpace(f[1]))
	if err != nil || ring < 0 {
		return vertex{}, lineErr(errcode.BadRequest, ln, parcel, "field 圈号 (ring number) %q is not a number", strings.TrimSpace(f[1]))
	}
	x, errX := strconv.ParseFloat(strings.TrimSpace(f[2]), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(f[3]), 64)
	if errX != nil || errY != nil {
		return vertex{}, lineErr(errcode.BadRequest, ln, parcel, "X,Y %q,%q are not numbers", strings.TrimSpace(f[2]), strings.TrimSpace(f[3]))
	}
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return vertex{}, lineErr(errcode.InvalidCoordinates, ln, parcel, "X,Y are not finite numbers")
	}
	return vertex{label: strings.TrimSpace(f[0]), ring: ring, x: x, y: y, line: ln}, nil
}

// crs decides the CRS from the header and the eastings.
func (h header) crs(parcels []*parcel, geographic bool) (string, []string, error) {
	var warns []string
	d := strings.ReplaceAll(h.datum, " ", "")
	u := strings.ToUpper(d)
	datum := "cgcs2000"
	switch {
	case d == "":
	case strings.Contains(d, "西安") || strings.Contains(u, "XIAN"):
		datum = "xian"
	case strings.Contains(d, "北京") || strings.Contains(u, "BEIJING"):
		datum = "beijing"
	case strings.Contains(d, "2000") || strings.Contains(u, "CGCS") || strings.Contains(u, "WGS"):
	default:
		return "", nil, lineErr(errcode.UnknownCRS, h.datumLine, -1, "unknown 坐标系 %q (expected 2000国家大地坐标系)", h.datum)
	}
	if datum != "cgcs2000" {
		// Not refused here: the caller may declare the CRS with its datum parameters.
		// The EPSG code returned is refused by geo/crs unless they do.
		w := fmt.Sprintf("line %d: 坐标系=%s needs a datum transformation to CGCS2000", h.datumLine, h.datum)
		if strings.Trim(h.params, ", ") != "" {
			w += "; the 转换参数 in the header are not applied (their convention is not stated): declare the CRS with +towgs84 to use them"
		}
		warns = append(warns, w)
	}
	if geographic {
		code := map[string]string{"cgcs2000": "EPSG:4490", "xian": "EPSG:4610", "beijing": "EPSG:4214"}[datum]
		return code, append(warns, "coordinates are degrees: read as latitude (X), longitude (Y)"), nil
	}
	if h.unit != "" && h.unit != "米" && !strings.EqualFold(h.unit, "m") && !strings.EqualFold(h.unit, "metre") && !strings.EqualFold(h.unit, "meter") {
		return "", nil, lineErr(errcode.UnsupportedCRS, h.unitLine, -1, "计量单位 %q: only metres are read", h.unit)
	}
	if d == "" {
		warns = append(warns, "the header names no 坐标系: CGCS2000 assumed for the Gauss-Krüger numbers")
	}
	// The eastings (Y) tell whether they carry the zone prefix.
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range parcels {
		for _, v := range p.vertices {
			minY, maxY = math.Min(minY, v.y), math.Max(maxY, v.y)
		}
	}
	if math.IsInf(minY, 0) {
		return "", nil, nil
	}
	prefixed := minY >= 1e6
	zone, width := h.zone, h.width
	if prefixed {
		pz := int(math.Floor(minY / 1e6))
		if int(math.Floor(maxY/1e6)) != pz {
			return "", nil, errcode.New(errcode.InvalidCoordinates, nil, "gtxt: eastings (Y) span zone prefixes %d to %d", pz, int(math.Floor(maxY/1e6)))
		}
		if zone != 0 && zone != pz {
			return "", nil, lineErr(errcode.InvalidCoordinates, h.zoneLine, -1, "带号=%d but the eastings (Y) carry the zone prefix %d", zone, pz)
		}
		zone = pz
	}
	if zone == 0 {
		// No zone anywhere: leave the CRS to the caller (who may declare one);
		// detection refuses such numbers rather than guess the central meridian.
		return "", append(warns, "the header gives no 带号 and the eastings carry no zone prefix: the zone is unknown"), nil
	}
	if zone > 45 && zone%3 == 0 && !prefixed && width != 6 {
		// Some tools write the central meridian (108) where the zone (36) belongs.
		warns = append(warns, fmt.Sprintf("带号=%d read as the central meridian %d°E", zone, zone))
		zone /= 3
		width = 3
	}
	if width == 0 {
		width = 3
		if zone >= 13 && zone <= 23 {
			width = 6
		}
	}
	code, ok := gkCode(datum, width, zone, prefixed)
	if !ok {
		return "", nil, lineErr(errcode.UnknownCRS, h.zoneLine, -1, "带号=%d (几度分带=%d) is not a Gauss-Krüger zone of China", zone, width)
	}
	return code, warns, nil
}

// gkCode is the EPSG code of a Gauss-Krüger grid of China by datum, zone width,
// zone and whether eastings carry the zone prefix (EPSG's CGCS2000, Xi'an 1980 and
// Beijing 1954 series).
func gkCode(datum string, width, zone int, prefixed bool) (string, bool) {
	type series struct{ prefixed, cm int }
	var s series
	var first, last int
	switch width {
	case 3:
		first, last = 25, 45
		s = map[string]series{"cgcs2000": {4513, 4534}, "xian": {2349, 2370}, "beijing": {2401, 2422}}[datum]
	case 6:
		first, last = 13, 23
		s = map[string]series{"cgcs2000": {4491, 4502}, "xian": {2327, 2338}, "beijing": {21413, 21453}}[datum]
	default:
		return "", false
	}
	if zone < first || zone > last || s.prefixed == 0 {
		return "", false
	}
	base := s.cm
	if prefixed {
		base = s.prefixed
	}
	return fmt.Sprintf("EPSG:%d", base+zone-first), true
}

// geometry builds a parcel's polygon(s): rings split where 圈号 changes or a ring
// closes, then nested by containment.
func (p *parcel) geometry(index int) (orb.Geometry, []string, error) {
	var warns []string
	if len(p.vertices) == 0 {
		return nil, nil, lineErr(errcode.EmptyGeometry, p.line, index, "parcel %q has no vertex lines", p.id)
	}
	if p.jzds != 0 && p.jzds != len(p.vertices) {
		warns = append(warns, fmt.Sprintf("parcel %d (%s, line %d): 界址点数 says %d points, the file has %d", index, p.id, p.line, p.jzds, len(p.vertices)))
	}
	// 记录图形属性 says whether the record is an area (面, the usual), a line (线) or
	// points (点).
	switch kind, _ := p.props["JLTXSX"].(string); kind {
	case "线":
		return p.lines(index)
	case "点":
		mp := make(orb.MultiPoint, len(p.vertices))
		for i, v := range p.vertices {
			mp[i] = orb.Point{v.y, v.x}
		}
		if len(mp) == 1 {
			return mp[0], warns, nil
		}
		return mp, warns, nil
	}
	type ringT struct {
		num  int
		line int
		pts  orb.Ring
	}
	var rings []ringT
	var cur *ringT
	for _, v := range p.vertices {
		pt := orb.Point{v.y, v.x} // Y easting, X northing → x east, y north
		if cur == nil || cur.num != v.ring || (len(cur.pts) >= 4 && cur.pts[0] == cur.pts[len(cur.pts)-1]) {
			rings = append(rings, ringT{num: v.ring, line: v.line})
			cur = &rings[len(rings)-1]
		}
		cur.pts = append(cur.pts, pt)
	}
	var closed []orb.Ring
	var nums []int
	for _, r := range rings {
		pts := r.pts
		if pts[0] != pts[len(pts)-1] {
			pts = append(pts, pts[0])
			if len(pts) >= 4 {
				warns = append(warns, fmt.Sprintf("parcel %d (%s): ring 圈号=%d starting at line %d does not repeat its first point; closed it", index, p.id, r.num, r.line))
			}
		}
		if len(pts) < 4 {
			return nil, nil, lineErr(errcode.InvalidGeometry, r.line, index, "ring %d of parcel %q has %d distinct points; a ring needs at least 3", r.num, p.id, len(pts)-1)
		}
		closed = append(closed, pts)
		nums = append(nums, r.num)
	}
	if len(closed) > maxRings {
		return nil, nil, lineErr(errcode.PayloadTooLarge, p.line, index, "parcel %q has %d rings, more than %d", p.id, len(closed), maxRings)
	}
	g, w := nest(closed, nums, index, p.id)
	return g, append(warns, w...), nil
}

// lines builds a 线 record: one line per 圈号 run.
func (p *parcel) lines(index int) (orb.Geometry, []string, error) {
	var ml orb.MultiLineString
	var starts []int
	num := -1
	for _, v := range p.vertices {
		if len(ml) == 0 || v.ring != num {
			ml = append(ml, nil)
			starts = append(starts, v.line)
			num = v.ring
		}
		ml[len(ml)-1] = append(ml[len(ml)-1], orb.Point{v.y, v.x})
	}
	for i, ls := range ml {
		if len(ls) < 2 {
			return nil, nil, lineErr(errcode.InvalidGeometry, starts[i], index, "line %d of parcel %q has only one point", i+1, p.id)
		}
	}
	if len(ml) == 1 {
		return ml[0], nil, nil
	}
	return ml, nil, nil
}

// nest nests a parcel's rings by containment, trusting no orientation
// (planar.Nest), and says where the result differs from what the 圈号 numbers
// claim.
func nest(rings []orb.Ring, nums []int, index int, id string) (orb.Geometry, []string) {
	mp, roles := planar.Nest(rings, planar.AnyOrientation)
	var warns []string
	for i, role := range roles {
		switch {
		case role == planar.Shell && nums[i] >= 2:
			warns = append(warns, fmt.Sprintf("parcel %d (%s): ring 圈号=%d lies in no other ring, so it was taken as a separate area, not a hole", index, id, nums[i]))
		case role == planar.Stray:
			warns = append(warns, fmt.Sprintf("parcel %d (%s): ring 圈号=%d overlaps other rings; kept as a separate area", index, id, nums[i]))
		}
	}
	if len(mp) == 1 {
		return mp[0], warns
	}
	return mp, warns
}
