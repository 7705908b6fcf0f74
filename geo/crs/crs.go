// Package crs knows the coordinate reference systems redline meets in Chinese
// project and zoning files and converts them to CGCS2000 lon/lat (EPSG:4490): CGCS2000
// and WGS84 geographic, CGCS2000 Gauss-Krüger 3° and 6° zones (both EPSG series), and
// the GCJ-02 and BD-09 web-map frames. It is pure Go (no PROJ): the Transverse
// Mercator is Karney's 6th-order Krüger series, exact to nanometres in a zone.
//
// Axis order: every function here takes and returns x = east (longitude or easting)
// and y = north (latitude or northing), whatever order the EPSG definition states.
// EPSG:4490 is lat,lon in WKT2/GML and the Gauss-Krüger codes are northing,easting
// (X,Y in Chinese surveying); readers that meet those orders swap before calling.
//
// CGCS2000 and WGS84 are treated as the same frame: they differ by a few centimetres,
// below what a zoning boundary means. Xi'an 1980 and Beijing 1954 are refused
// (ErrUnsupported): converting them needs datum parameters files rarely carry.
package crs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind tells how a CRS's numbers are to be read.
type Kind int

// Kinds of CRS.
const (
	// Geographic: lon/lat degrees on CGCS2000 or WGS84.
	Geographic Kind = iota
	// Projected: Gauss-Krüger easting/northing in metres on CGCS2000.
	Projected
	// GCJ02: lon/lat degrees shifted by the GCJ-02 obfuscation.
	GCJ02
	// BD09: lon/lat degrees in Baidu's BD-09 frame.
	BD09
)

// CRS is a coordinate reference system redline can convert to EPSG:4490. The zero
// value is not a valid CRS; build one with Parse, FromPRJ, FromEPSG, GK3 or GK6.
type CRS struct {
	// Code is the canonical name: "EPSG:4490", "EPSG:4524", "GCJ02", "BD09".
	Code string
	// Name is a human-readable description for reports and warnings.
	Name string
	Kind Kind
	// EPSG is the EPSG code, 0 for GCJ02/BD09.
	EPSG int
	// TM is the projection of a Projected CRS.
	TM TM
	// Zone is the Gauss-Krüger zone number of a Projected CRS (3° zone n has its
	// central meridian at 3n°E, 6° zone n at 6n−3°E).
	Zone int
	// ZoneWidth is 3 or 6 for Gauss-Krüger CRSs.
	ZoneWidth int
	// Prefixed says the easting carries the zone number in front (zone·10⁶ + 500000).
	Prefixed bool
	// Datum is the zero value for CGCS2000 and WGS84; else the datum and its
	// transformation to CGCS2000.
	Datum Datum
}

// Error kinds of this package; test with errors.Is.
var (
	// ErrUnknown: the text names no CRS this package knows.
	ErrUnknown = errors.New("crs: unknown coordinate reference system")
	// ErrUnsupported: a CRS recognised but not convertible (Xi'an 1980, Beijing 1954, …).
	ErrUnsupported = errors.New("crs: unsupported coordinate reference system")
)

// Error is a refusal to parse or use a CRS, saying what was given and why.
type Error struct {
	Input  string // what was given (truncated)
	Reason string
	Err    error // ErrUnknown or ErrUnsupported
}

func (e *Error) Error() string {
	if e.Input == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Reason, e.Input)
}

func (e *Error) Unwrap() error { return e.Err }

func unknown(input, reason string) error {
	return &Error{Input: clip(input), Reason: reason, Err: ErrUnknown}
}

func unsupported(input, reason string) error {
	return &Error{Input: clip(input), Reason: reason, Err: ErrUnsupported}
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		return s[:77] + "…"
	}
	return s
}

// The CRSs that need no parameters are functions, not variables, so that no caller
// can change them for everyone.

// CGCS2000 is EPSG:4490, the target of every conversion.
func CGCS2000() CRS {
	return CRS{Code: "EPSG:4490", Name: "CGCS2000 (EPSG:4490)", Kind: Geographic, EPSG: 4490}
}

// WGS84 is EPSG:4326, taken as identical to CGCS2000.
func WGS84() CRS {
	return CRS{Code: "EPSG:4326", Name: "WGS 84 (EPSG:4326)", Kind: Geographic, EPSG: 4326}
}

// GCJ02CRS is the GCJ-02 web-map frame.
func GCJ02CRS() CRS { return CRS{Code: "GCJ02", Name: "GCJ-02 (Chinese web-map frame)", Kind: GCJ02} }

// BD09CRS is Baidu's BD-09 frame.
func BD09CRS() CRS { return CRS{Code: "BD09", Name: "BD-09 (Baidu web-map frame)", Kind: BD09} }

// GKZone3 returns the CGCS2000 3° Gauss-Krüger zone holding lon: the zone whose
// central meridian 3n° is nearest (zone 36 for 106.5 ≤ lon < 109.5).
func GKZone3(lon float64) int { return int(math.Floor(lon/3 + 0.5)) }

// GKZone6 returns the 6° Gauss-Krüger zone holding lon (zone 19 for 108 ≤ lon < 114,
// central meridian 111°).
func GKZone6(lon float64) int { return int(math.Floor(lon/6)) + 1 }

// GK3 returns the CGCS2000 3° Gauss-Krüger CRS of a zone (25–45, CM 75°–135°E).
// With prefixed, the easting carries the zone number (EPSG:4513–4533); without, the
// false easting is 500 000 m (the "CM" series EPSG:4534–4554).
func GK3(zone int, prefixed bool) (CRS, error) {
	if zone < 25 || zone > 45 {
		return CRS{}, unknown(strconv.Itoa(zone), "CGCS2000 3° Gauss-Krüger zones run from 25 to 45 (75°E–135°E)")
	}
	cm := 3 * zone
	c := CRS{Kind: Projected, Zone: zone, ZoneWidth: 3, Prefixed: prefixed,
		TM: TM{Lon0: float64(cm), K0: 1, FE: 500000}}
	if prefixed {
		c.EPSG = 4513 + zone - 25
		c.TM.FE += float64(zone) * 1e6
		c.Name = fmt.Sprintf("CGCS2000 3° Gauss-Krüger zone %d (EPSG:%d)", zone, c.EPSG)
	} else {
		c.EPSG = 4534 + zone - 25
		c.Name = fmt.Sprintf("CGCS2000 3° Gauss-Krüger CM %d°E (EPSG:%d)", cm, c.EPSG)
	}
	c.Code = "EPSG:" + strconv.Itoa(c.EPSG)
	return c, nil
}

// GK6 returns the CGCS2000 6° Gauss-Krüger CRS of a zone (13–23, CM 75°–135°E):
// EPSG:4491–4501 with the zone-prefixed easting, EPSG:4502–4512 without.
func GK6(zone int, prefixed bool) (CRS, error) {
	if zone < 13 || zone > 23 {
		return CRS{}, unknown(strconv.Itoa(zone), "CGCS2000 6° Gauss-Krüger zones run from 13 to 23 (72°E–138°E)")
	}
	cm := 6*zone - 3
	c := CRS{Kind: Projected, Zone: zone, ZoneWidth: 6, Prefixed: prefixed,
		TM: TM{Lon0: float64(cm), K0: 1, FE: 500000}}
	if prefixed {
		c.EPSG = 4491 + zone - 13
		c.TM.FE += float64(zone) * 1e6
		c.Name = fmt.Sprintf("CGCS2000 6° Gauss-Krüger zone %d (EPSG:%d)", zone, c.EPSG)
	} else {
		c.EPSG = 4502 + zone - 13
		c.Name = fmt.Sprintf("CGCS2000 6° Gauss-Krüger CM %d°E (EPSG:%d)", cm, c.EPSG)
	}
	c.Code = "EPSG:" + strconv.Itoa(c.EPSG)
	return c, nil
}

// UTM returns WGS 84 / UTM zone n north (EPSG:32600+n), which drone and GPS
// surveys deliver; WGS 84 is taken as CGCS2000, as everywhere here.
func UTM(zone int) (CRS, error) {
	if zone < 1 || zone > 60 {
		return CRS{}, unknown(strconv.Itoa(zone), "UTM zones run from 1 to 60")
	}
	code := 32600 + zone
	return CRS{Code: "EPSG:" + strconv.Itoa(code), Name: fmt.Sprintf("WGS 84 / UTM zone %dN (EPSG:%d)", zone, code),
		Kind: Projected, EPSG: code, Zone: zone, ZoneWidth: 6,
		TM: TM{Lon0: float64(6*zone - 183), K0: 0.9996, FE: 500000}}, nil
}

// gkByCM returns the unprefixed CGCS2000 Gauss-Krüger CRS of the given zone
// width (3 or 6) whose central meridian is cm, if there is one.
func gkByCM(width, cm int) (CRS, bool) {
	var c CRS
	var err error
	switch {
	case width == 3 && cm%3 == 0:
		c, err = GK3(cm/3, false)
	case width == 6 && (cm+3)%6 == 0:
		c, err = GK6((cm+3)/6, false)
	default:
		return CRS{}, false
	}
	return c, err == nil
}

// FromEPSG returns the CRS of an EPSG code.
func FromEPSG(code int) (CRS, error) {
	switch {
	case code == 4490 || code == 4480:
		// 4480 is CGCS2000's geographic 3D form: its lon/lat are 4490's.
		return CGCS2000(), nil
	case code == 4326 || code == 4979:
		return WGS84(), nil
	case code >= 4491 && code <= 4501:
		return GK6(code-4491+13, true)
	case code >= 4502 && code <= 4512:
		return GK6(code-4502+13, false)
	case code >= 4513 && code <= 4533:
		return GK3(code-4513+25, true)
	case code >= 4534 && code <= 4554:
		return GK3(code-4534+25, false)
	case code >= 32601 && code <= 32660:
		return UTM(code - 32600)
	case code == 4610 || (code >= 2327 && code <= 2390):
		return CRS{}, unsupported("EPSG:"+strconv.Itoa(code), refuseText("Xi'an 1980", "IAU76"))
	case code == 4214 || (code >= 2401 && code <= 2442) || (code >= 21413 && code <= 21483):
		return CRS{}, unsupported("EPSG:"+strconv.Itoa(code), refuseText("Beijing 1954", "krass"))
	case code == 3857 || code == 900913:
		return CRS{}, unsupported("EPSG:"+strconv.Itoa(code), "Web Mercator coordinates are not accepted; give lon/lat (EPSG:4490 or EPSG:4326)")
	}
	return CRS{}, unknown("EPSG:"+strconv.Itoa(code), "unknown coordinate reference system")
}

// Parse reads a CRS name as users and files give it: "EPSG:4490", "4490",
// "urn:ogc:def:crs:EPSG::4490", "http://www.opengis.net/def/crs/EPSG/0/4490",
// "CRS84" (and its URN), "CGCS2000", "WGS84", "GCJ02"/"GCJ-02", "BD09"/"BD-09", and
// "CGCS2000 3 degree zone 36" / "CGCS2000 3 degree CM 108" forms. A WKT string is
// passed on to FromPRJ.
func Parse(s string) (CRS, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return CRS{}, unknown(s, "empty coordinate reference system")
	}
	if strings.ContainsAny(t, "[(") {
		return FromPRJ(t)
	}
	if strings.HasPrefix(t, "+proj=") {
		return parseProj4(t)
	}
	u := strings.ToUpper(t)
	switch strings.NewReplacer("-", "", "_", "", " ", "").Replace(u) {
	case "CRS84", "CRS:84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84", "OGC:CRS84",
		"HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84", "WGS84", "WGS1984":
		return WGS84(), nil
	case "CGCS2000", "CGCS", "CHINAGEODETICCOORDINATESYSTEM2000", "2000国家大地坐标系", "国家2000":
		return CGCS2000(), nil
	case "GCJ02", "GCJ", "MARS", "火星坐标", "GCJ02坐标":
		return GCJ02CRS(), nil
	case "BD09", "BD09LL", "BAIDU", "百度坐标":
		return BD09CRS(), nil
	}
	for _, p := range []string{"URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/",
		"HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/", "EPSG::", "EPSG:", "EPSG"} {
		if strings.HasPrefix(u, p) {
			u = strings.TrimPrefix(u, p)
			// "urn:ogc:def:crs:EPSG:6.6:4490" carries a version before the code.
			if i := strings.LastIndexByte(u, ':'); i >= 0 {
				u = u[i+1:]
			}
			break
		}
	}
	if code, err := strconv.Atoi(strings.TrimSpace(u)); err == nil {
		return FromEPSG(code)
	}
	if c, ok := parseGKName(t); ok {
		return c, nil
	}
	if c, ok := parseChineseGK(t); ok {
		return c, nil
	}
	if c, err := fromNameWords(t); err != nil || c.Code != "" {
		return c, err
	}
	return CRS{}, unknown(s, "unknown coordinate reference system")
}

// parseGKName reads free-form Gauss-Krüger names: "CGCS2000 3 degree zone 36",
// "CGCS2000_3_Degree_GK_Zone_36", "CGCS2000 / 3-degree Gauss-Kruger CM 108E",
// "CGCS2000 6 degree zone 19", and the names Esri and EPSG give the 6° series without
// saying so: "CGCS2000_GK_CM_111E", "CGCS2000 / Gauss-Kruger zone 19".
func parseGKName(s string) (CRS, bool) {
	u := strings.ToUpper(s)
	if !strings.Contains(u, "2000") {
		return CRS{}, false
	}
	width := 0
	switch {
	case strings.Contains(u, "3_DEGREE") || strings.Contains(u, "3-DEGREE") || strings.Contains(u, "3 DEGREE") || strings.Contains(u, "3度"):
		width = 3
	case strings.Contains(u, "6_DEGREE") || strings.Contains(u, "6-DEGREE") || strings.Contains(u, "6 DEGREE") || strings.Contains(u, "6度"):
		width = 6
	case strings.Contains(u, "_GK_") || strings.Contains(u, "GAUSS-KRUGER") || strings.Contains(u, "GAUSS KRUGER"):
		width = 6
	default:
		return CRS{}, false
	}
	num := func(after string) (int, bool) {
		i := strings.LastIndex(u, after)
		if i < 0 {
			return 0, false
		}
		rest := strings.TrimLeft(u[i+len(after):], " _-:")
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(rest[:j])
		return n, err == nil
	}
	if z, ok := num("ZONE"); ok {
		var c CRS
		var err error
		if width == 3 {
			c, err = GK3(z, true)
		} else {
			c, err = GK6(z, true)
		}
		return c, err == nil
	}
	if cm, ok := num("CM"); ok {
		return gkByCM(width, cm)
	}
	return CRS{}, false
}

// parseChineseGK reads the names Chinese users type: "CGCS2000 3度带 36带",
// "2000国家大地坐标系 3度分带 第36带", "国家2000 3度 中央经线108", "CGCS2000 6度带 19带".
// A zone number gives the prefixed series, a central meridian the CM series.
func parseChineseGK(s string) (CRS, bool) {
	u := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if !strings.Contains(u, "2000") || strings.Contains(u, "西安") || strings.Contains(u, "北京") {
		return CRS{}, false
	}
	width := 0
	switch {
	case strings.Contains(u, "3度") || strings.Contains(u, "三度"):
		width = 3
	case strings.Contains(u, "6度") || strings.Contains(u, "六度"):
		width = 6
	default:
		return CRS{}, false
	}
	// digitsBefore/After find the number next to a marker.
	digitsBefore := func(marker string) (int, bool) {
		for i := strings.LastIndex(u, marker); i > 0; i = strings.LastIndex(u[:i], marker) {
			j := i
			for j > 0 && u[j-1] >= '0' && u[j-1] <= '9' {
				j--
			}
			if j < i {
				if n, err := strconv.Atoi(u[j:i]); err == nil && n >= 10 {
					return n, true
				}
			}
		}
		return 0, false
	}
	for _, m := range []string{"中央经线", "中央子午线", "CM"} {
		if i := strings.Index(u, m); i >= 0 {
			rest := strings.TrimLeft(u[i+len(m):], "=:：")
			j := 0
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if cm, err := strconv.Atoi(rest[:j]); err == nil {
				return gkByCM(width, cm)
			}
		}
	}
	if z, ok := digitsBefore("带"); ok {
		var c CRS
		var err error
		if width == 3 {
			c, err = GK3(z, true)
		} else {
			c, err = GK6(z, true)
		}
		return c, err == nil
	}
	return CRS{}, false
}

// fromNameWords recognises datum names that are refused: it returns an error for
// Xi'an 1980 and Beijing 1954, the zero CRS and nil when s names neither.
func fromNameWords(s string) (CRS, error) {
	u := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "", "'", "").Replace(s))
	switch {
	case strings.Contains(u, "XIAN1980") || strings.Contains(u, "XIAN80") || strings.Contains(u, "西安80") || strings.Contains(u, "1980西安") || strings.Contains(u, "西安1980"):
		return CRS{}, unsupported(s, refuseText("Xi'an 1980", "IAU76"))
	case strings.Contains(u, "BEIJING1954") || strings.Contains(u, "BEIJING54") || strings.Contains(u, "北京54") || strings.Contains(u, "1954北京") || strings.Contains(u, "北京1954"):
		return CRS{}, unsupported(s, refuseText("Beijing 1954", "krass"))
	}
	return CRS{}, nil
}

// ToLonLat converts x = east, y = north in this CRS to CGCS2000 lon/lat degrees.
func (c CRS) ToLonLat(x, y float64) (lon, lat float64) {
	switch c.Kind {
	case Projected:
		lon, lat := c.TM.Inverse(x, y)
		return c.Datum.toCGCS(lon, lat)
	case GCJ02:
		return GCJ02ToWGS84(x, y)
	case BD09:
		return BD09ToWGS84(x, y)
	}
	return c.Datum.toCGCS(x, y)
}

// FromLonLat converts CGCS2000 lon/lat degrees to x = east, y = north in this CRS.
func (c CRS) FromLonLat(lon, lat float64) (x, y float64) {
	switch c.Kind {
	case Projected:
		return c.TM.Forward(c.Datum.fromCGCS(lon, lat))
	case GCJ02:
		return WGS84ToGCJ02(lon, lat)
	case BD09:
		return WGS84ToBD09(lon, lat)
	}
	return c.Datum.fromCGCS(lon, lat)
}

// IsZero reports whether c is the zero value (no CRS).
func (c CRS) IsZero() bool { return c.Code == "" }

func (c CRS) String() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Code
}

// parseProj4 reads the PROJ strings this package writes (so that a Code always
// parses back) and the ones a user gives for a frame with datum parameters:
//
//	+proj=tmerc +lat_0=0 +lon_0=108 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m
//	+proj=tmerc +lon_0=111 +x_0=500000 +ellps=IAG_1975 +towgs84=dx,dy,dz,rx,ry,rz,ds
//	+proj=longlat +ellps=krass +towgs84=…
//
// A datum other than CGCS2000/WGS84 is accepted only with +towgs84.
func parseProj4(s string) (CRS, error) {
	kv := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "+"), "=")
		kv[k] = v
	}
	num := func(k string, def float64) (float64, error) {
		v, ok := kv[k]
		if !ok {
			return def, nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
			err = fmt.Errorf("%s is not finite", k)
		}
		return x, err
	}
	// The ellipsoid.
	var el Ellipsoid
	switch {
	case kv["ellps"] != "":
		e, ok := ellipsoidByName(kv["ellps"])
		if !ok {
			return CRS{}, unknown(s, "unknown ellipsoid +ellps="+kv["ellps"]+" (GRS80, WGS84, krass, IAG_1975 are known)")
		}
		el = e
	case kv["a"] != "":
		a, err1 := num("a", 0)
		rf, err2 := num("rf", 0)
		if kv["f"] != "" {
			f, err := num("f", 0)
			rf, err2 = 1/f, err
		}
		if err1 != nil || err2 != nil || a < 6.3e6 || a > 6.4e6 || rf < 250 || rf > 350 {
			return CRS{}, unknown(s, "unreadable or implausible ellipsoid +a/+rf")
		}
		el = Ellipsoid{a, 1 / rf}
	case kv["datum"] == "WGS84":
		el, _ = ellipsoidByName("WGS84")
	default:
		return CRS{}, unknown(s, "PROJ string without +ellps")
	}
	var d Datum
	if tw, ok := kv["towgs84"]; ok {
		t, ok := parseToWGS84(tw)
		if !ok {
			return CRS{}, unknown(s, "+towgs84 must be 3 or 7 numbers of plausible size (dx,dy,dz m; rx,ry,rz arc-seconds; ds ppm)")
		}
		if t != ([7]float64{}) || !nearGRS80(el) {
			d = Datum{Ellps: el, ToWGS84: t}
		}
	} else if !nearGRS80(el) {
		return CRS{}, unsupported(s, "a datum other than CGCS2000/WGS84 needs its transformation: add +towgs84=dx,dy,dz,rx,ry,rz,ds (position-vector convention, as PROJ)")
	}
	switch kv["proj"] {
	case "longlat", "latlong":
		if !d.Shifted() {
			return CGCS2000(), nil
		}
		return geographicCRS(d), nil
	case "tmerc":
	default:
		return CRS{}, unknown(s, "PROJ projection other than tmerc/longlat")
	}
	if u, ok := kv["units"]; ok && u != "m" {
		return CRS{}, unknown(s, "PROJ units other than metres")
	}
	var tm TM
	var errs [5]error
	var lat0 float64
	tm.Lon0, errs[0] = num("lon_0", 0)
	tm.K0, errs[1] = num("k", 1)
	if _, ok := kv["k_0"]; ok {
		tm.K0, errs[1] = num("k_0", 1)
	}
	tm.FE, errs[2] = num("x_0", 0)
	tm.FN, errs[3] = num("y_0", 0)
	lat0, errs[4] = num("lat_0", 0)
	if err := errors.Join(errs[:]...); err != nil || lat0 != 0 || tm.K0 <= 0 || math.Abs(tm.Lon0) > 180 {
		return CRS{}, unknown(s, "unreadable tmerc parameters")
	}
	return tmCRS(tm, d), nil
}

// nearGRS80: WGS84's ellipsoid differs from GRS80 by 0.1 mm; both are "ours".
func nearGRS80(el Ellipsoid) bool {
	return math.Abs(el.A-GRS80A) < 1e-3 && math.Abs(el.F-GRS80F) < 1e-11
}

// CustomTM is a Transverse Mercator on CGCS2000 that is not one of the EPSG
// Gauss-Krüger zones (city surveys use local central meridians). Its Code is a PROJ
// string, which Parse reads back.
func CustomTM(tm TM) CRS { return tmCRS(tm, Datum{}) }

// ShiftedTM is a Transverse Mercator grid on another datum (Xi'an 1980, Beijing
// 1954, …) with its transformation to CGCS2000.
func ShiftedTM(tm TM, d Datum) CRS { return tmCRS(tm, d) }

func tmCRS(tm TM, d Datum) CRS {
	tm.Ellps = d.Ellps
	code := fmt.Sprintf("+proj=tmerc +lat_0=0 +lon_0=%s +k=%s +x_0=%s +y_0=%s %s +units=m",
		ftoa(tm.Lon0), ftoa(tm.k0()), ftoa(tm.FE), ftoa(tm.FN), d.proj4())
	name := "CGCS2000 Transverse Mercator " + code
	if d.Shifted() {
		name = "Transverse Mercator with datum transformation " + code
	}
	return CRS{Code: code, Name: name, Kind: Projected, TM: tm, Datum: d}
}

// geographicCRS is lon/lat on another datum with its transformation.
func geographicCRS(d Datum) CRS {
	code := "+proj=longlat " + d.proj4() + " +no_defs"
	return CRS{Code: code, Name: "longitude/latitude with datum transformation " + code, Kind: Geographic, Datum: d}
}

// refuseText explains why a datum is refused and how to get past it.
func refuseText(datum, ellps string) string {
	return datum + " coordinates cannot be converted without the datum transformation parameters: convert them to CGCS2000 " +
		"(EPSG:4490 or a CGCS2000 Gauss-Krüger zone) first, or declare the CRS as a PROJ string with the 7 parameters, e.g. " +
		"\"+proj=tmerc +lon_0=108 +x_0=500000 +ellps=" + ellps + " +towgs84=dx,dy,dz,rx,ry,rz,ds\" (position-vector convention)"
}
