// Package coords reads a plain coordinate list as a person pastes it from a
// spreadsheet, a survey report or a chat: one point per line, "x,y", "x y" or tab
// separated (full-width ，too) — or a whole ring on one line, x1,y1,x2,y2,… —,
// an optional header line, optional point labels in a
// first column, optional Z in the last, and degrees written as decimals or as
// 108°54′12.5″. A blank line separates parts. A part whose last point repeats its
// first is a ring; rings inside another ring become its holes; an open part is a line.
// Everything read is one feature: the footprint.
//
// Numbers are kept in the order written: x first unless the header says latitude
// comes first (纬度/lat before 经度/lon). 奥维 (Ovital) prefixes mark the frame: a
// point written "g108.9,34.2" is GCJ-02, "b…" BD-09.
package coords

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/planar"
)

// maxPoints bounds what a pasted list may hold; more is a file, not a paste.
// maxRings bounds the parts, since nesting rings by containment is quadratic in
// their number.
const (
	maxPoints = 1_000_000
	maxRings  = 10_000
)

type point struct {
	xy    orb.Point
	label string
	line  int
}

// Read parses a coordinate list.
func Read(b []byte) (*vector.Collection, error) {
	text := strings.TrimPrefix(string(b), "\ufeff")
	text = strings.NewReplacer("，", ",", "；", ";", "\u3000", " ", "：", ":").Replace(text)
	lines := strings.Split(text, "\n")

	var (
		parts     [][]point
		cur       []point
		latFirst  bool
		sawHeader bool
		prefix    byte // 0, 'g' or 'b'
		droppedZ  bool
		n         int
	)
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, cur)
			cur = nil
		}
	}
	labelCol := integerLabels(lines)
	for i, raw := range lines {
		ln := i + 1
		s := strings.TrimSpace(raw)
		if s == "" {
			flush()
			continue
		}
		if strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
			continue
		}
		fields, pf := lineFields(s)
		nums, label, hasZ, ok := parseFields(fields, labelCol)
		if !ok {
			// A header: only before the first point, and it may tell the axis order.
			if n == 0 && !sawHeader && !containsDigitRun(s) || n == 0 && !sawHeader && looksLikeHeader(s) {
				sawHeader = true
				latFirst = headerLatFirst(s)
				continue
			}
			return nil, errcode.New(errcode.BadRequest, map[string]any{"line": ln},
				"coordinate list: line %d: expected x,y (optionally a label first and z last), found %q", ln, clipText(s))
		}
		if n > 0 && pf != prefix {
			return nil, errcode.New(errcode.BadRequest, map[string]any{"line": ln},
				"coordinate list: line %d: the 奥维 g/b frame prefix differs from the lines before", ln)
		}
		prefix = pf
		droppedZ = droppedZ || hasZ
		for _, xy := range nums {
			x, y := xy[0], xy[1]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
				return nil, errcode.New(errcode.InvalidCoordinates, map[string]any{"line": ln},
					"coordinate list: line %d: coordinate is not a finite number", ln)
			}
			if latFirst {
				x, y = y, x
			}
			cur = append(cur, point{xy: orb.Point{x, y}, label: label, line: ln})
			n++
		}
		if n > maxPoints {
			return nil, errcode.New(errcode.PayloadTooLarge, map[string]any{"line": ln},
				"coordinate list: more than %d points", maxPoints)
		}
	}
	flush()
	if n == 0 {
		return nil, errcode.New(errcode.EmptyGeometry, nil, "coordinate list: no coordinates found")
	}
	c := &vector.Collection{Format: "coords"}
	switch prefix {
	case 'g':
		c.CRS = "GCJ02"
		c.Warnings = append(c.Warnings, "points carry the 奥维 'g' prefix: taken as GCJ-02 (web-map) coordinates")
	case 'b':
		c.CRS = "BD09"
		c.Warnings = append(c.Warnings, "points carry the 奥维 'b' prefix: taken as BD-09 (Baidu) coordinates")
	}
	if latFirst {
		c.Warnings = append(c.Warnings, "the header puts latitude first: columns swapped to longitude,latitude")
	}
	if droppedZ {
		c.Warnings = append(c.Warnings, "a third number on each line was taken as height and dropped")
	}
	g, warns, err := assemble(parts)
	if err != nil {
		return nil, err
	}
	c.Warnings = append(c.Warnings, warns...)
	// Point labels (J1, J2 … of a survey) are kept in order, so a report or a
	// repair warning can be traced back to the list the user pasted.
	props := map[string]any{}
	var labels []string
	for _, p := range parts {
		for _, q := range p {
			if q.label != "" {
				labels = append(labels, q.label)
			}
		}
	}
	if len(labels) > 0 {
		props["point_labels"] = labels
	}
	c.Features = []vector.Feature{{Index: 0, Geometry: g, Properties: props}}
	return c, nil
}

// lineFields splits a line and strips an 奥维 frame prefix (g/b) off the first number.
func lineFields(s string) ([]string, byte) {
	fields := splitFields(s)
	var pf byte
	if len(fields) > 0 && len(fields[0]) > 1 && (fields[0][0] == 'g' || fields[0][0] == 'G' || fields[0][0] == 'b' || fields[0][0] == 'B') && isNumberStart(fields[0][1]) {
		pf = fields[0][0] | 0x20
		fields[0] = fields[0][1:]
	}
	return fields, pf
}

// integerLabels decides for the whole list whether lines of three numbers are
// "label x y" rather than "x y z": the first column must be small integers on every
// such line, and either count up (1, 2, 3 …) or sit beside fractional coordinates.
// Deciding per line would read "109 34.3 501" as label 109 after "108.9 34.2 500".
func integerLabels(lines []string) bool {
	seen, increasing, fractional := 0, true, false
	prev := math.Inf(-1)
	for _, raw := range lines {
		s := strings.TrimSpace(raw)
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
			continue
		}
		fields, _ := lineFields(s)
		if len(fields) != 3 {
			continue
		}
		var v [3]float64
		for i, f := range fields {
			x, err := parseNumber(f)
			if err != nil {
				return false
			}
			v[i] = x
		}
		if !isPointNumber(fields[0], v[0]) {
			return false
		}
		seen++
		increasing = increasing && v[0] > prev
		prev = v[0]
		fractional = fractional || strings.ContainsAny(fields[1]+fields[2], ".°")
	}
	return seen > 0 && (increasing || fractional)
}

// splitFields splits on commas, semicolons, tabs and runs of spaces. Empty fields
// between two commas are kept out: "1,,2" is two numbers, as a person meant.
func splitFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '\t' || r == ' ' || r == '|'
	})
}

func isNumberStart(c byte) bool { return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' }

// parseFields reads [label] x y [z], or x1 y1 x2 y2 … (an even number of at least
// four numbers, as web tools paste a whole ring on one line). A label is a
// non-numeric first field, the first of four when it is a point number, or the first
// of three when integerLabels said so for the list.
func parseFields(fields []string, labelCol bool) (pts [][2]float64, label string, hasZ bool, ok bool) {
	if len(fields) < 2 {
		return nil, "", false, false
	}
	vals := make([]float64, len(fields))
	numeric := make([]bool, len(fields))
	all := true
	for i, f := range fields {
		v, err := parseNumber(f)
		vals[i], numeric[i] = v, err == nil
		all = all && numeric[i]
	}
	if all && len(fields) >= 4 && len(fields)%2 == 0 && !(len(fields) == 4 && isPointNumber(fields[0], vals[0])) {
		for i := 0; i < len(vals); i += 2 {
			pts = append(pts, [2]float64{vals[i], vals[i+1]})
		}
		return pts, "", false, true
	}
	if len(fields) > 4 {
		return nil, "", false, false
	}
	start := 0
	switch {
	case !numeric[0] && len(fields) >= 3:
		start = 1
	case len(fields) == 4:
		start = 1 // label x y z
	case len(fields) == 3 && labelCol:
		start = 1
	}
	label = ""
	if start == 1 {
		label = fields[0]
	}
	rest := vals[start:]
	for _, ok := range numeric[start:] {
		if !ok {
			return nil, "", false, false
		}
	}
	if len(rest) < 2 || len(rest) > 3 {
		return nil, "", false, false
	}
	return [][2]float64{{rest[0], rest[1]}}, label, len(rest) == 3, true
}

// isPointNumber: a short integer like "1", "12", "J3" is a point number, not a
// coordinate (coordinates of China are never small integers both ways).
func isPointNumber(f string, v float64) bool {
	return !strings.ContainsAny(f, ".eE°") && v >= 0 && v < 10000 && v == math.Trunc(v)
}

// parseNumber reads a decimal or a DMS angle (108°54′12.5″E, 34°12'30"N, 108d54m12s).
func parseNumber(f string) (float64, error) {
	if v, err := strconv.ParseFloat(f, 64); err == nil {
		return v, nil
	}
	s := strings.TrimSpace(f)
	sign := 1.0
	if s != "" {
		switch s[len(s)-1] {
		case 'W', 'w', 'S', 's':
			sign = -1
			s = s[:len(s)-1]
		case 'E', 'e', 'N', 'n':
			s = s[:len(s)-1]
		}
	}
	s = strings.TrimRightFunc(s, func(r rune) bool { return r == '东' || r == '北' || r == '经' || r == '纬' })
	if !strings.ContainsAny(s, "°度d") {
		return 0, fmt.Errorf("not a number: %q", f)
	}
	// Split at the degree, minute and second marks.
	var parts []string
	cur := strings.Builder{}
	for _, r := range s {
		switch r {
		case '°', '度', 'd', '′', '\'', '分', 'm', '″', '"', '秒':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			if !unicode.IsDigit(r) && r != '.' && r != '-' && r != '+' {
				return 0, fmt.Errorf("not a number: %q", f)
			}
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		parts = append(parts, cur.String())
	}
	if len(parts) == 0 || len(parts) > 3 {
		return 0, fmt.Errorf("not a number: %q", f)
	}
	if strings.HasPrefix(parts[0], "-") {
		sign = -sign
	}
	v := 0.0
	for i, p := range parts {
		p = strings.TrimLeft(p, "+-")
		if p == "" {
			continue
		}
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || (i > 0 && x >= 60) {
			return 0, fmt.Errorf("not a number: %q", f)
		}
		v += x / math.Pow(60, float64(i))
	}
	return sign * v, nil
}

func containsDigitRun(s string) bool {
	run := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			run++
			if run >= 2 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// looksLikeHeader: words a header names its columns with.
func looksLikeHeader(s string) bool {
	u := strings.ToLower(s)
	for _, w := range []string{"lon", "lat", "经度", "纬度", "x", "y", "点号", "序号", "name", "id", "east", "north"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

func headerLatFirst(s string) bool {
	u := strings.ToLower(s)
	lat := firstIndex(u, "纬度", "lat", "北纬", "northing")
	lon := firstIndex(u, "经度", "lon", "lng", "东经", "easting")
	return lat >= 0 && lon >= 0 && lat < lon
}

func firstIndex(s string, words ...string) int {
	best := -1
	for _, w := range words {
		if i := strings.Index(s, w); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

func clipText(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// assemble turns the parts into one geometry: closed parts are rings (holes by
// containment), open parts lines, a single lone point a point.
func assemble(parts [][]point) (orb.Geometry, []string, error) {
	var rings []orb.Ring
	var ringLines []int
	var lines []orb.LineString
	var pts []orb.Point
	var warns []string
	for _, p := range parts {
		xy := make([]orb.Point, len(p))
		for i, q := range p {
			xy[i] = q.xy
		}
		switch {
		case len(xy) == 1:
			pts = append(pts, xy[0])
		case len(xy) >= 4 && xy[0] == xy[len(xy)-1]:
			rings = append(rings, orb.Ring(xy))
			ringLines = append(ringLines, p[0].line)
		case len(xy) >= 2 && xy[0] == xy[len(xy)-1]:
			return nil, nil, errcode.New(errcode.InvalidGeometry, map[string]any{"line": p[0].line},
				"coordinate list: the ring starting at line %d has only %d distinct points", p[0].line, len(xy)-1)
		default:
			if len(xy) >= 3 {
				warns = append(warns, fmt.Sprintf("the points from line %d on are not closed (the last differs from the first), so they were taken as a line; repeat the first point at the end to make an area", p[0].line))
			}
			lines = append(lines, orb.LineString(xy))
		}
	}
	if len(rings) > maxRings {
		return nil, nil, errcode.New(errcode.PayloadTooLarge, nil, "coordinate list: %d rings, more than the %d a list may hold", len(rings), maxRings)
	}
	var geoms []orb.Geometry
	if len(rings) > 0 {
		geoms = append(geoms, Polygons(rings))
	}
	switch len(lines) {
	case 0:
	case 1:
		geoms = append(geoms, lines[0])
	default:
		geoms = append(geoms, orb.MultiLineString(lines))
	}
	switch len(pts) {
	case 0:
	case 1:
		geoms = append(geoms, pts[0])
	default:
		geoms = append(geoms, orb.MultiPoint(pts))
	}
	if len(geoms) == 1 {
		return geoms[0], warns, nil
	}
	return orb.Collection(geoms), warns, nil
}

// Polygons nests closed rings by containment into a Polygon or MultiPolygon,
// trusting no orientation (planar.Nest).
func Polygons(rings []orb.Ring) orb.Geometry {
	mp, _ := planar.Nest(rings, planar.AnyOrientation)
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}
