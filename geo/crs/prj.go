package crs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// wktNode is one KEYWORD[...] of a CRS WKT (WKT1 OGC/Esri or WKT2).
type wktNode struct {
	key  string
	args []wktArg
}

// wktArg is a quoted string, a bare token (number or enum), or a nested node.
type wktArg struct {
	text   string
	quoted bool
	node   *wktNode
}

const maxWKTDepth = 32

type wktParser struct {
	s string
	i int
}

func (p *wktParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *wktParser) errf(format string, args ...any) error {
	return unknown("", fmt.Sprintf("malformed CRS WKT at byte %d: %s", p.i, fmt.Sprintf(format, args...)))
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, p.errf("nested deeper than %d", maxWKTDepth)
	}
	p.ws()
	start := p.i
	for p.i < len(p.s) && (isWordByte(p.s[p.i])) {
		p.i++
	}
	if p.i == start {
		return nil, p.errf("keyword expected")
	}
	n := &wktNode{key: strings.ToUpper(p.s[start:p.i])}
	p.ws()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return nil, p.errf("'[' expected after %s", n.key)
	}
	closer := byte(']')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	for {
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.errf("unterminated %s", n.key)
		}
		c := p.s[p.i]
		switch {
		case c == closer && len(n.args) == 0:
			p.i++
			return n, nil
		case c == '"':
			p.i++
			var b strings.Builder
			for {
				if p.i >= len(p.s) {
					return nil, p.errf("unterminated string in %s", n.key)
				}
				if p.s[p.i] == '"' {
					if p.i+1 < len(p.s) && p.s[p.i+1] == '"' { // WKT2 escapes " as ""
						b.WriteByte('"')
						p.i += 2
						continue
					}
					p.i++
					break
				}
				b.WriteByte(p.s[p.i])
				p.i++
			}
			n.args = append(n.args, wktArg{text: b.String(), quoted: true})
		default:
			start := p.i
			for p.i < len(p.s) && (isWordByte(p.s[p.i]) || p.s[p.i] == '.' || p.s[p.i] == '-' || p.s[p.i] == '+') {
				p.i++
			}
			if p.i == start {
				return nil, p.errf("unexpected %q in %s", c, n.key)
			}
			tok := p.s[start:p.i]
			p.ws()
			if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '(') {
				p.i = start
				child, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.args = append(n.args, wktArg{node: child})
			} else {
				n.args = append(n.args, wktArg{text: tok})
			}
		}
		p.ws()
		if p.i >= len(p.s) {
			return nil, p.errf("unterminated %s", n.key)
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case closer:
			p.i++
			return n, nil
		default:
			return nil, p.errf("',' or %q expected in %s", closer, n.key)
		}
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// name is the first quoted argument.
func (n *wktNode) name() string {
	for _, a := range n.args {
		if a.quoted {
			return a.text
		}
	}
	return ""
}

// child returns the first direct child with one of the keys.
func (n *wktNode) child(keys ...string) *wktNode {
	for _, a := range n.args {
		if a.node == nil {
			continue
		}
		for _, k := range keys {
			if a.node.key == k {
				return a.node
			}
		}
	}
	return nil
}

// find returns the first node with one of the keys, depth first.
func (n *wktNode) find(keys ...string) *wktNode {
	if c := n.child(keys...); c != nil {
		return c
	}
	for _, a := range n.args {
		if a.node != nil {
			if c := a.node.find(keys...); c != nil {
				return c
			}
		}
	}
	return nil
}

// epsg returns the EPSG code in a direct AUTHORITY["EPSG","4524"] or ID["EPSG",4524].
func (n *wktNode) epsg() int {
	for _, a := range n.args {
		if a.node == nil || (a.node.key != "AUTHORITY" && a.node.key != "ID") || len(a.node.args) < 2 {
			continue
		}
		if !strings.EqualFold(a.node.args[0].text, "EPSG") {
			continue
		}
		if code, err := strconv.Atoi(strings.TrimSpace(a.node.args[1].text)); err == nil {
			return code
		}
	}
	return 0
}

// params collects PARAMETER["name", value] (WKT1 and WKT2) under n, keyed by a
// normalised name.
func (n *wktNode) params(out map[string]float64) {
	for _, a := range n.args {
		if a.node == nil {
			continue
		}
		if a.node.key == "PARAMETER" && len(a.node.args) >= 2 && a.node.args[0].quoted {
			if v, err := strconv.ParseFloat(a.node.args[1].text, 64); err == nil {
				out[normParam(a.node.args[0].text)] = v
			}
			continue
		}
		a.node.params(out)
	}
}

func normParam(s string) string {
	s = strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(s))
	switch s {
	case "central meridian", "longitude of natural origin", "longitude of origin", "longitude of center":
		return "lon0"
	case "latitude of origin", "latitude of natural origin", "latitude of center":
		return "lat0"
	case "false easting":
		return "fe"
	case "false northing":
		return "fn"
	case "scale factor", "scale factor at natural origin":
		return "k0"
	}
	return s
}

// FromPRJ reads a CRS from the WKT of a shapefile's .prj, a GeoPackage srs or a
// GeoJSON/GML declaration: OGC WKT1, Esri WKT1 and WKT2 (2015/2019). It trusts an
// EPSG AUTHORITY/ID on the top-level CRS, then the name
// ("CGCS2000_3_Degree_GK_Zone_36", "CGCS2000 / 3-degree Gauss-Kruger CM 108E"), then
// the datum and projection parameters (central meridian, false easting). Xi'an 1980
// and Beijing 1954 give ErrUnsupported, anything else unrecognised ErrUnknown.
//
// The CRS returned takes x = east, y = north, which is how shapefiles and
// GeoPackages store coordinates whatever axis order the WKT states.
func FromPRJ(wkt string) (CRS, error) {
	s := strings.TrimSpace(strings.TrimPrefix(wkt, "\ufeff"))
	if s == "" {
		return CRS{}, unknown("", "empty .prj / CRS WKT")
	}
	p := &wktParser{s: s}
	root, err := p.node(0)
	if err != nil {
		return CRS{}, err
	}
	// BOUNDCRS[SOURCECRS[...], TARGETCRS[...], ABRIDGEDTRANSFORMATION[...]] is
	// WKT2's form of TOWGS84: carry its parameters into the source's datum.
	if root.key == "BOUNDCRS" {
		if err := boundToWGS84(root, wkt); err != nil {
			return CRS{}, err
		}
	}
	// BOUNDCRS[SOURCECRS[...], TARGETCRS[...], ...] and COMPOUNDCRS: the horizontal
	// part is what we read.
	for root.key == "BOUNDCRS" || root.key == "SOURCECRS" || root.key == "COMPD_CS" || root.key == "COMPOUNDCRS" {
		next := root.child("SOURCECRS", "PROJCS", "PROJCRS", "PROJECTEDCRS", "GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS")
		if next == nil {
			return CRS{}, unknown(wkt, "no horizontal CRS in WKT")
		}
		root = next
	}
	switch root.key {
	case "PROJCS", "PROJCRS", "PROJECTEDCRS":
		return projFromWKT(root, wkt)
	case "GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS":
		return geogFromWKT(root, wkt)
	}
	return CRS{}, unknown(wkt, "not a horizontal CRS WKT ("+root.key+")")
}

// datumWords classifies a datum or CRS name.
func datumWords(s string) string {
	u := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "", "'", "").Replace(s))
	switch {
	case strings.Contains(u, "XIAN") || strings.Contains(u, "西安"):
		return "xian"
	case strings.Contains(u, "BEIJING") || strings.Contains(u, "北京"):
		return "beijing"
	case strings.Contains(u, "CGCS") || strings.Contains(u, "CHINA2000") || strings.Contains(u, "CHINAGEODETICCOORDINATESYSTEM2000") || strings.Contains(u, "2000国家"):
		return "cgcs2000"
	case strings.Contains(u, "WGS84") || strings.Contains(u, "WGS1984") || strings.Contains(u, "WORLDGEODETICSYSTEM1984"):
		return "wgs84"
	}
	return ""
}

func refuseDatum(kind, wkt string) error {
	switch kind {
	case "xian":
		return unsupported(wkt, refuseText("Xi'an 1980", "IAU76"))
	case "beijing":
		return unsupported(wkt, refuseText("Beijing 1954", "krass"))
	}
	return nil
}

func geogDatum(g *wktNode) string {
	if g == nil {
		return ""
	}
	if code := g.epsg(); code == 4490 {
		return "cgcs2000"
	} else if code == 4326 {
		return "wgs84"
	} else if code == 4610 {
		return "xian"
	} else if code == 4214 {
		return "beijing"
	}
	// A refused datum named anywhere (CRS name or datum name) wins: better to refuse
	// a contradictory file than to shift it by the ~100 m between the datums.
	byName := datumWords(g.name())
	if byName == "xian" || byName == "beijing" {
		return byName
	}
	if d := g.find("DATUM", "TRF", "GEODETICDATUM", "ENSEMBLE"); d != nil {
		if k := datumWords(d.name()); k != "" {
			return k
		}
	}
	return byName
}

func geogFromWKT(root *wktNode, wkt string) (CRS, error) {
	if d, ok, err := datumShift(root, wkt); err != nil {
		return CRS{}, err
	} else if ok {
		return geographicCRS(d), nil
	}
	if code := root.epsg(); code != 0 {
		if c, err := FromEPSG(code); err == nil || root.key != "GEODCRS" {
			return c, err
		}
	}
	switch k := geogDatum(root); k {
	case "cgcs2000":
		return CGCS2000(), nil
	case "wgs84":
		return WGS84(), nil
	case "xian", "beijing":
		return CRS{}, refuseDatum(k, wkt)
	}
	return CRS{}, unknown(wkt, "unknown geographic CRS (neither CGCS2000 nor WGS 84)")
}

func projFromWKT(root *wktNode, wkt string) (CRS, error) {
	base := root.child("GEOGCS", "BASEGEOGCRS", "BASEGEODCRS", "GEOGCRS")
	// A datum with its TOWGS84 parameters is usable whatever it is called.
	if d, ok, err := datumShift(base, wkt); err != nil {
		return CRS{}, err
	} else if ok {
		tm, err := tmParams(root, wkt)
		if err != nil {
			return CRS{}, err
		}
		return ShiftedTM(tm, d), nil
	}
	if code := root.epsg(); code != 0 {
		c, err := FromEPSG(code)
		if err == nil || errors.Is(err, ErrUnsupported) {
			return c, err
		}
		// An EPSG code we do not list: fall through to the name and parameters.
	}
	datum := geogDatum(base)
	if datum == "" {
		datum = datumWords(root.name())
	}
	if refused := refuseDatum(datum, wkt); refused != nil {
		return CRS{}, refused
	}
	if k := datumWords(root.name()); k == "xian" || k == "beijing" {
		return CRS{}, refuseDatum(k, wkt)
	}
	if datum != "cgcs2000" && datum != "wgs84" {
		return CRS{}, unknown(wkt, "projected CRS on an unknown datum (only CGCS2000 Gauss-Krüger is read)")
	}
	if c, ok := parseGKName(root.name()); ok {
		return c, nil
	}
	tm, err := tmParams(root, wkt)
	if err != nil {
		return CRS{}, err
	}
	lon0, k0, fe, fn := tm.Lon0, tm.K0, tm.FE, tm.FN
	if k0 == 1 && fn == 0 && lon0 == math.Trunc(lon0) {
		cm := int(lon0)
		switch {
		case cm%3 == 0 && fe == 500000:
			if c, err := GK3(cm/3, false); err == nil {
				return c, nil
			}
		case cm%3 == 0 && fe == float64(cm/3)*1e6+500000:
			if c, err := GK3(cm/3, true); err == nil {
				return c, nil
			}
		}
		if (cm+3)%6 == 0 {
			z := (cm + 3) / 6
			switch fe {
			case 500000:
				if c, err := GK6(z, false); err == nil {
					return c, nil
				}
			case float64(z)*1e6 + 500000:
				if c, err := GK6(z, true); err == nil {
					return c, nil
				}
			}
		}
	}
	if k0 == 0.9996 && fe == 500000 && fn == 0 && lon0 == math.Trunc(lon0) && (int(lon0)+183)%6 == 0 {
		if c, err := UTM((int(lon0) + 183) / 6); err == nil {
			return c, nil
		}
	}
	// Any other Transverse Mercator on CGCS2000 (a local central meridian, as city
	// surveys use) is still exact to convert; it gets a PROJ-style code.
	return CustomTM(tm), nil
}

// tmParams reads the Transverse Mercator of a projected CRS WKT: WKT1
// PROJECTION["Transverse_Mercator"|"Gauss_Kruger"] or WKT2 METHOD["Transverse
// Mercator"], with its PARAMETERs, in metres.
func tmParams(root *wktNode, wkt string) (TM, error) {
	method := ""
	if m := root.find("PROJECTION", "METHOD"); m != nil {
		method = strings.ToUpper(strings.NewReplacer("_", "", " ", "", "-", "").Replace(m.name()))
	}
	if method != "TRANSVERSEMERCATOR" && method != "GAUSSKRUGER" && method != "GAUSSKRÜGER" {
		return TM{}, unknown(wkt, fmt.Sprintf("projection method %q is not Transverse Mercator / Gauss-Krüger", method))
	}
	if u := root.child("UNIT", "LENGTHUNIT"); u != nil {
		if len(u.args) >= 2 {
			if f, err := strconv.ParseFloat(u.args[1].text, 64); err == nil && math.Abs(f-1) > 1e-12 {
				return TM{}, unknown(wkt, fmt.Sprintf("linear unit %q is not the metre", u.name()))
			}
		}
	}
	ps := map[string]float64{}
	root.params(ps)
	lon0, ok := ps["lon0"]
	if !ok {
		return TM{}, unknown(wkt, "Transverse Mercator without a central meridian")
	}
	k0, ok := ps["k0"]
	if !ok {
		k0 = 1
	}
	fe, fn, lat0 := ps["fe"], ps["fn"], ps["lat0"]
	if lat0 != 0 {
		return TM{}, unknown(wkt, "Transverse Mercator with a latitude of origin other than 0")
	}
	if k0 <= 0 || math.IsNaN(lon0+k0+fe+fn) || math.IsInf(lon0+k0+fe+fn, 0) || math.Abs(lon0) > 180 {
		return TM{}, unknown(wkt, "unusable Transverse Mercator parameters")
	}
	return TM{Lon0: lon0, K0: k0, FE: fe, FN: fn}, nil
}

// boundToWGS84 turns the ABRIDGEDTRANSFORMATION of a BOUNDCRS to WGS 84 (or
// CGCS2000) into a TOWGS84 node of the source CRS's geodetic CRS, in PROJ's units
// and position-vector convention, for datumShift to read.
func boundToWGS84(root *wktNode, wkt string) error {
	tr := root.child("ABRIDGEDTRANSFORMATION")
	src := root.child("SOURCECRS")
	tgt := root.child("TARGETCRS")
	if tr == nil || src == nil {
		return nil
	}
	if tgt != nil {
		target := ""
		for _, a := range tgt.args {
			if a.node != nil {
				target = geogDatum(a.node)
			}
		}
		if target != "wgs84" && target != "cgcs2000" {
			return unknown(wkt, "BOUNDCRS to a datum other than WGS 84 / CGCS2000")
		}
	}
	method := ""
	if m := tr.child("METHOD"); m != nil {
		method = strings.ToUpper(m.name())
	}
	var t [7]float64
	for _, a := range tr.args {
		p := a.node
		if p == nil || p.key != "PARAMETER" || len(p.args) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(p.args[1].text, 64)
		if err != nil {
			return unknown(wkt, "unreadable transformation parameter "+p.name())
		}
		unit := 0.0
		if u := p.child("ANGLEUNIT", "SCALEUNIT", "LENGTHUNIT", "UNIT"); u != nil && len(u.args) >= 2 {
			unit, _ = strconv.ParseFloat(u.args[1].text, 64)
		}
		name := strings.ToLower(p.name())
		i := -1
		for k, n := range []string{"x-axis translation", "y-axis translation", "z-axis translation", "x-axis rotation", "y-axis rotation", "z-axis rotation", "scale difference"} {
			if name == n {
				i = k
			}
		}
		switch {
		case i < 0:
			continue
		case i >= 3 && i <= 5 && unit > 0:
			v = v * unit / arcsec // to arc-seconds
		case i == 6 && unit > 0:
			v = v * unit / 1e-6 // to ppm
		case i == 6 && math.Abs(v-1) < 0.01:
			v = (v - 1) * 1e6 // a bare ratio, as GDAL writes it
		}
		t[i] = v
	}
	if strings.Contains(method, "COORDINATE FRAME") {
		t[3], t[4], t[5] = -t[3], -t[4], -t[5]
	} else if !strings.Contains(method, "POSITION VECTOR") && !strings.Contains(method, "GEOCENTRIC TRANSLATION") {
		return unknown(wkt, "datum transformation method "+method+" (Position Vector, Coordinate Frame or Geocentric translations are read)")
	}
	// The geodetic CRS of the source: itself, or the base of a projected CRS.
	var g *wktNode
	for _, a := range src.args {
		if a.node == nil {
			continue
		}
		switch a.node.key {
		case "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS", "GEOGCS":
			g = a.node
		default:
			g = a.node.child("BASEGEOGCRS", "BASEGEODCRS", "GEOGCS")
		}
	}
	if g == nil {
		return unknown(wkt, "BOUNDCRS without a geodetic source CRS")
	}
	args := make([]wktArg, 7)
	for i, v := range t {
		args[i] = wktArg{text: ftoa(v)}
	}
	g.args = append(g.args, wktArg{node: &wktNode{key: "TOWGS84", args: args}})
	return nil
}

// datumShift reads DATUM[…, SPHEROID["name", a, rf], TOWGS84[dx,dy,dz,rx,ry,rz,ds]]
// of a WKT1 geographic CRS. ok is false when there is no TOWGS84 or it is all zero
// on GRS80/WGS84 (no shift at all).
func datumShift(g *wktNode, wkt string) (Datum, bool, error) {
	if g == nil {
		return Datum{}, false, nil
	}
	t := g.find("TOWGS84")
	if t == nil {
		return Datum{}, false, nil
	}
	nums := make([]string, 0, 7)
	for _, a := range t.args {
		nums = append(nums, a.text)
	}
	tw, ok := parseToWGS84(strings.Join(nums, ","))
	if !ok {
		return Datum{}, false, unknown(wkt, "TOWGS84 must hold 3 or 7 numbers of plausible size")
	}
	sp := g.find("SPHEROID", "ELLIPSOID")
	if sp == nil || len(sp.args) < 3 {
		return Datum{}, false, unknown(wkt, "datum with TOWGS84 but no SPHEROID")
	}
	a, err1 := strconv.ParseFloat(sp.args[1].text, 64)
	rf, err2 := strconv.ParseFloat(sp.args[2].text, 64)
	if err1 != nil || err2 != nil || a < 6.3e6 || a > 6.4e6 || rf < 250 || rf > 350 {
		return Datum{}, false, unknown(wkt, "implausible SPHEROID")
	}
	el := Ellipsoid{a, 1 / rf}
	if tw == ([7]float64{}) && nearGRS80(el) {
		return Datum{}, false, nil
	}
	return Datum{Ellps: el, ToWGS84: tw}, true, nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
