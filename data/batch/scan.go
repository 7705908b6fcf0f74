package batch

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	gj "github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/planar"
)

// errIncomplete: the buffer ends inside the value being scanned.
var errIncomplete = errors.New("batch: unexpected end of input")

// errSyntax is a JSON syntax error the scanner can see.
type errSyntax struct {
	off int
	msg string
}

func (e *errSyntax) Error() string { return "offset " + strconv.Itoa(e.off) + ": " + e.msg }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString returns the index just past the string starting at b[i] == '"', and
// whether it holds escapes: package geojson's lexer (gj.ScanString), with this
// package's error for a string cut short.
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	end, escaped, ok := gj.ScanString(b, i)
	if !ok {
		return 0, false, errIncomplete
	}
	return end, escaped, nil
}

// skipValue returns the index just past the JSON value starting at b[i]. It matches
// brackets and strings without validating what lies between them: decoding the parts
// that matter validates those.
func skipValue(b []byte, i int) (int, error) {
	end, _, err := skipCounting(b, i)
	return end, err
}

// skipCounting is skipValue that also counts the positions it passes ("[" then
// a number), for the reader stage's estimate of a feature's work.
func skipCounting(b []byte, i int) (end, positions int, err error) {
	if i >= len(b) {
		return 0, 0, errIncomplete
	}
	switch c := b[i]; c {
	case '"':
		end, _, err := scanString(b, i)
		return end, 0, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch scanClass[b[j]] {
			case 0:
			case classQuote:
				// The string, inline: most are short names.
				for j++; j < len(b) && !stringStop[b[j]]; j++ {
				}
				if j < len(b) && b[j] == '\\' {
					end, _, err := scanString(b, j-1)
					if err != nil {
						return 0, 0, err
					}
					j = end - 1
				} else if j >= len(b) {
					return 0, 0, errIncomplete
				}
			case classOpenArray:
				if k := skipSpace(b, j+1); k < len(b) && (b[k] == '-' || b[k] >= '0' && b[k] <= '9') {
					positions++
				}
				depth++
			case classOpen:
				depth++
			default: // '}', ']'
				depth--
				if depth == 0 {
					return j + 1, positions, nil
				}
			}
		}
		return 0, 0, errIncomplete
	default:
		j := i
		for j < len(b) {
			c := b[j]
			if c == ',' || c == '}' || c == ']' || isSpace(c) {
				break
			}
			j++
		}
		if j == i {
			return 0, 0, &errSyntax{i, "unexpected " + strconv.QuoteRune(rune(c))}
		}
		if j == len(b) {
			// A bare literal at the very end may be complete (NDJSON line) or cut.
			return j, 0, errIncomplete
		}
		return j, 0, nil
	}
}

// skipFeature is skipCounting for a feature whose members come in the order
// GeoJSON writers without spaces give them (type Feature, maybe an id, maybe
// properties, then the geometry, last), found with fewer steps: the member
// names compared whole, a point's numbers passed over as runs of number bytes;
// the id, the properties and any other geometry are skipped as skipCounting
// skips them. ok is false for any other spelling (then skipCounting takes the
// feature), and when the input ends before the feature does.
func skipFeature(b []byte, i int) (end, positions int, ok bool) {
	end, positions, _, ok = skipFeatureSpans(b, i)
	return end, positions, ok
}

// pointSpans says where skipFeature found the parts of a point feature
// spelled as parseFixed reads it, relative to the feature's start:
// the ends of the id's and the properties' values (0: no such member). A
// worker then reads the feature without finding them again (parseSpans).
type pointSpans struct {
	idEnd, propsEnd int32
	point           bool // skipPoint took the geometry; the rest is unset otherwise
}

// skipFeatureSpans is skipFeature, with the spans of a point feature.
func skipFeatureSpans(b []byte, i int) (end, positions int, sp pointSpans, ok bool) {
	start := i
	if !hasLongPrefix(b, i, featureHead) {
		return 0, 0, sp, false
	}
	i += len(featureHead)
	if hasPrefix(b, i, `"id":`) {
		v := i + len(`"id":`)
		// A number: the literal skipCounting ends at the comma.
		e, n := numberRun(b, v), 0
		if e == v || e >= len(b) || b[e] != ',' {
			e, n, ok = skipMember(b, v)
			if !ok || e >= len(b) || b[e] != ',' {
				return 0, 0, sp, false
			}
		}
		i, positions = e+1, n
		sp.idEnd = int32(e - start)
	}
	if hasLongPrefix(b, i, propertiesHead) {
		v := i + len(propertiesHead)
		if v >= len(b) || b[v] != '{' {
			return 0, 0, sp, false
		}
		e, n := v+2, 0
		if !hasPrefix(b, v, "{},") {
			e, n, ok = skipMember(b, v)
			if !ok || e >= len(b) || b[e] != ',' {
				return 0, 0, sp, false
			}
		}
		i, positions = e+1, positions+n
		sp.propsEnd = int32(e - start)
	}
	if !hasLongPrefix(b, i, geometryHead) {
		return 0, 0, sp, false
	}
	v := i + len(geometryHead)
	if end, ok := skipPoint(b, v); ok {
		sp.point = end-start <= math.MaxInt32
		return end, positions + 1, sp, true
	}
	e, n, ok := skipMember(b, v)
	if !ok || e >= len(b) || b[e] != '}' {
		return 0, 0, pointSpans{}, false
	}
	return e + 1, positions + n, pointSpans{}, true
}

// skipMember is skipCounting for a member's value at b[v], when the scan of
// the whole feature would end it at the same place: a string, an object, an
// array, or a literal of number bytes and letters (skipCounting ends a bare
// literal at a comma or bracket, and a quote in it would start a string for
// the scan of the whole).
func skipMember(b []byte, v int) (end, positions int, ok bool) {
	end, positions, err := skipCounting(b, v)
	if err != nil {
		return 0, 0, false
	}
	if c := b[v]; c != '"' && c != '{' && c != '[' {
		for _, c := range b[v:end] {
			if !numberByte[c] && (c < 'a' || c > 'z') {
				return 0, 0, false
			}
		}
	}
	return end, positions, true
}

// skipPoint passes over a point spelled as pointHead starts it, with the
// brace that closes the feature after it; ok is false for any other spelling.
func skipPoint(b []byte, i int) (end int, ok bool) {
	if !hasLongPrefix(b, i, pointHead) {
		return 0, false
	}
	i += len(pointHead)
	// skipCounting counts a position where a number starts after '[': a run
	// that starts otherwise (a '+') is not one, and the feature is left to it.
	if i >= len(b) || b[i] != '-' && (b[i] < '0' || b[i] > '9') {
		return 0, false
	}
	for k := range 2 {
		j := numberRun(b, i)
		if j == i || j >= len(b) || b[j] != ",]"[k] {
			return 0, false
		}
		i = j + 1
	}
	if !hasPrefix(b, i, "}}") {
		return 0, false
	}
	return i + 2, true
}

// numberRun returns the index of the first byte at or after i that is not a
// numberByte (len(b) if none). Runs of '-', '.' and digits pass eight at a
// time while eight remain: the reader stage passes over every point's
// coordinates with it.
func numberRun(b []byte, i int) int {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	for {
		for ; i+8 <= len(b); i += 8 {
			w := binary.LittleEndian.Uint64(b[i:])
			// The high bit of each byte outside '-' to '9' (ASCII: adding
			// to a byte under 0x80 carries out of none), or '/' (exact:
			// no carry crosses a byte).
			slash := w ^ '/'*ones
			slash = ^((slash&lows + lows) | slash) & highs
			out := ((w+(0x80-'-')*ones)&^(w+(0x7F-'9')*ones)&^w)&highs ^ highs | slash
			if out != 0 {
				i += bits.TrailingZeros64(out) >> 3
				break
			}
		}
		// The run ends at what ends a coordinate, mostly.
		if i < len(b) && (b[i] == ',' || b[i] == ']') {
			return i
		}
		// A byte outside the range, or fewer than eight left: one at a
		// time up to the next '-' to '9' byte, or the run's end.
		for i < len(b) && numberByte[b[i]] && (b[i] < '-' || b[i] > '9') {
			i++
		}
		if i >= len(b) || !numberByte[b[i]] {
			return i
		}
		if i+8 > len(b) {
			for i < len(b) && numberByte[b[i]] {
				i++
			}
			return i
		}
	}
}

// numberByte marks the bytes a JSON number is spelled with.
var numberByte = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'-': true, '+': true, '.': true, 'e': true, 'E': true}

// The boundary scan's byte classes, one table load a byte: it runs in the
// reader stage, one goroutine ahead of all the workers, over every byte.
const (
	classQuote = 1 + iota
	classOpenArray
	classOpen
	classClose
)

var scanClass = [256]uint8{'"': classQuote, '[': classOpenArray, '{': classOpen, ']': classClose, '}': classClose}

// stringStop marks the bytes that end a run of plain string bytes.
var stringStop = [256]bool{'"': true, '\\': true}

// key reads an object member name at b[i] (a string) and the colon after it; it
// returns the name (a slice of b unless it had escapes) and the index of the value.
func key(b []byte, i int) ([]byte, int, error) {
	if i >= len(b) {
		return nil, 0, errIncomplete
	}
	if b[i] != '"' {
		return nil, 0, &errSyntax{i, "expected a member name"}
	}
	end, escaped, err := scanString(b, i)
	if err != nil {
		return nil, 0, err
	}
	name := b[i+1 : end-1]
	if escaped {
		var s string
		if err := json.Unmarshal(b[i:end], &s); err != nil {
			return nil, 0, &errSyntax{i, "bad member name"}
		}
		name = []byte(s)
	}
	j := skipSpace(b, end)
	if j >= len(b) {
		return nil, 0, errIncomplete
	}
	if b[j] != ':' {
		return nil, 0, &errSyntax{j, "expected ':'"}
	}
	return name, skipSpace(b, j+1), nil
}

// members calls fn for each member of the object at b[i] with the value's span; it
// returns the index just past the object.
func members(b []byte, i int, fn func(name, v []byte) error) (int, error) {
	return membersScan(b, i, nil, fn)
}

// membersScan is members with a reader of values: scan, if set, may read the
// value of a member at b[v] itself and return the index past it (ok), which saves
// a second pass over it; it must return the same end as skipValue would.
func membersScan(b []byte, i int, scan func(name []byte, v int) (end int, ok bool), fn func(name, v []byte) error) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, errIncomplete
	}
	if b[i] != '{' {
		return 0, &errSyntax{i, "expected an object"}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		name, v, err := key(b, i)
		if err != nil {
			return 0, err
		}
		end, scanned := 0, false
		if scan != nil {
			end, scanned = scan(name, v)
		}
		if !scanned {
			end, err = skipValue(b, v)
			if err != nil && !(errors.Is(err, errIncomplete) && end > 0) {
				return 0, err
			}
		}
		if err := fn(name, b[v:end]); err != nil {
			return 0, err
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return 0, errIncomplete
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, &errSyntax{i, "expected ',' or '}'"}
		}
	}
}

// stringValue decodes a JSON string span.
func stringValue(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	for _, c := range v[1 : len(v)-1] {
		if c == '\\' {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(v[1 : len(v)-1]), true
}

// typeName returns the "type" member's value, without allocating for the usual ones.
func typeName(v []byte) string {
	switch string(v) {
	case `"Feature"`:
		return "Feature"
	case `"Point"`:
		return "Point"
	}
	s, _ := stringValue(v)
	return s
}

func isNull(v []byte) bool { return len(v) == 4 && string(v) == "null" }

var geometryTypes = map[string]bool{
	"Point": true, "MultiPoint": true, "LineString": true, "MultiLineString": true,
	"Polygon": true, "MultiPolygon": true, "GeometryCollection": true,
}

// parseFeature decodes one GeoJSON Feature (or bare geometry) from b. Problems with
// the feature go into f.Err; the returned error is for syntax that leaves no feature.
// ID and RawGeometry are copies unless stable says b is never written again.
func parseFeature(b []byte, index int, maxVertices int, stable bool) Feature {
	return parseFeatureBox(b, index, maxVertices, stable, true)
}

// parseFeatureBox is parseFeature; with box false, a point feature spelled as
// parseFixed reads it is left in f.point (isPoint), and Geometry nil (see
// Feature.decode).
func parseFeatureBox(b []byte, index int, maxVertices int, stable, box bool) Feature {
	f, pt, kind := parseFixed(b, index, maxVertices, stable)
	switch kind {
	case fixedPoint:
		if box {
			f.Geometry = pt
		} else {
			f.point, f.isPoint = pt, true
		}
		return f
	case fixedShape:
		return f
	}
	return parseMembers(b, index, maxVertices, stable)
}

// parseMembers is parseFeature for any spelling: a walk over the members.
func parseMembers(b []byte, index int, maxVertices int, stable bool) Feature {
	f := Feature{Index: index}
	var typ string
	var id, propID, props, geom []byte
	hasGeom := false
	// The geometry is read where it stands, in the same pass that finds its end.
	var scanned orb.Geometry
	propsScanned := false // the last "properties" was read by scanValue
	propMember := func(name, pv []byte) error {
		if string(name) == "id" {
			propID = pv
		}
		return nil
	}
	scanValue := func(name []byte, v int) (int, bool) {
		switch string(name) {
		case "geometry":
			if p, end, ok := scanPoint(b, v); ok {
				scanned = p
				return end, true
			}
			g, end, ok := scanGeometry(b, v)
			if !ok {
				scanned = nil
				return 0, false
			}
			scanned = g
			return end, true
		case "properties":
			// Its members are read in the pass that finds its end; on an
			// error the second pass below words it as it always did.
			propsScanned = false
			if v >= len(b) || b[v] != '{' {
				return 0, false
			}
			end, err := members(b, v, propMember)
			if err != nil {
				return 0, false
			}
			props, propsScanned = b[v:end], true
			return end, true
		}
		return 0, false
	}
	_, err := membersScan(b, 0, scanValue, func(name, v []byte) error {
		switch string(name) {
		case "type":
			typ = typeName(v)
		case "id":
			id = v
		case "properties":
			if !propsScanned && len(v) > 0 && v[0] == '{' {
				props = v
				if _, err := members(v, 0, propMember); err != nil {
					return err
				}
			}
		case "geometry":
			geom, hasGeom = v, true
		}
		return nil
	})
	if err != nil {
		f.Err = errcode.New(errcode.BadRequest, map[string]any{"feature": index},
			"feature %d: malformed JSON: %v", index, err)
		return f
	}
	switch {
	case typ == "Feature":
	case geometryTypes[typ]:
		// A bare geometry stands for a feature without id or properties.
		geom, hasGeom, scanned = b, true, nil
	case typ == "":
		f.Err = errcode.New(errcode.BadRequest, map[string]any{"feature": index},
			"feature %d: no \"type\" member", index)
		return f
	default:
		f.Err = errcode.New(errcode.BadRequest, map[string]any{"feature": index},
			"feature %d: type %q is not a Feature", index, typ)
		return f
	}
	f.setIdentity(id, propID, props, stable)
	if !hasGeom || isNull(geom) {
		f.Err = errcode.New(errcode.EmptyGeometry, map[string]any{"feature": index},
			"feature %d has no geometry", index)
		return f
	}
	f.RawGeometry = keep(trimSpace(geom), stable)
	g := scanned
	if g == nil {
		var ierr *errcode.Error
		if g, ierr = decodeGeometry(f.RawGeometry, index); ierr != nil {
			f.Err = ierr
			return f
		}
	}
	if ierr := checkGeometry(g, index, maxVertices); ierr != nil {
		f.Err = ierr
		return f
	}
	f.Geometry = g
	return f
}

// Most batches of points spell each feature as GeoJSON writers without spaces
// do (PostGIS, GDAL, ours): a type, maybe an id, maybe properties, then a point.
const (
	featureHead    = `{"type":"Feature",`
	propertiesHead = `"properties":`
	geometryHead   = `"geometry":`
)

// The kinds of feature parseFixed reads.
const (
	fixedNone  = iota // not spelled as parseFixed reads a feature: parseMembers reads it
	fixedPoint        // a point, returned apart from the feature
	fixedShape        // any other geometry, in the feature
)

// parseFixed is parseFeature for a feature spelled exactly
// {"type":"Feature","id":…,"properties":{…},"geometry":{…}} (id, properties
// or both may be left out), with the same result, read in one pass without
// the walk over member names. A point spelled {"type":"Point","coordinates":[x,y]}
// (fixedPoint) is returned apart, f.Geometry left nil: the caller boxes it,
// or not. Any other geometry the scanner reads (gj.ScanGeometry) is the
// feature's, or its refusal f.Err (fixedShape). It gives fixedNone for any
// other spelling, for a point parseFeature would refuse, and for a geometry
// the scanner does not read: parseMembers then reads the feature (and words
// the refusal of it) itself.
func parseFixed(b []byte, index, maxVertices int, stable bool) (f Feature, pt orb.Point, kind int) {
	if !hasPrefix(b, 0, featureHead) {
		return Feature{}, orb.Point{}, fixedNone
	}
	i := len(featureHead)
	var id, propID, props []byte
	if hasPrefix(b, i, `"id":`) {
		v := i + len(`"id":`)
		end, err := skipValue(b, v)
		if err != nil || end >= len(b) || b[end] != ',' {
			return Feature{}, orb.Point{}, fixedNone
		}
		id, i = b[v:end], end+1
	}
	if hasPrefix(b, i, propertiesHead) {
		v := i + len(propertiesHead)
		if v >= len(b) || b[v] != '{' {
			return Feature{}, orb.Point{}, fixedNone
		}
		end, err := members(b, v, func(name, pv []byte) error {
			if string(name) == "id" {
				propID = pv
			}
			return nil
		})
		if err != nil || end >= len(b) || b[end] != ',' {
			return Feature{}, orb.Point{}, fixedNone
		}
		props, i = b[v:end], end+1
	}
	if !hasPrefix(b, i, geometryHead) {
		return Feature{}, orb.Point{}, fixedNone
	}
	v := i + len(geometryHead)
	if pt, end, ok := scanPoint(b, v); ok {
		// checkGeometry's test for one vertex, which no vertex limit refuses.
		if end >= len(b) || b[end] != '}' || !crs.InChina(pt[0], pt[1]) {
			return Feature{}, orb.Point{}, fixedNone
		}
		f = Feature{Index: index, RawGeometry: keep(b[v:end], stable)}
		f.setIdentity(id, propID, props, stable)
		return f, pt, fixedPoint
	}
	// As parseMembers reads it: scanPoint failed, and the scanner's
	// geometry, with its end, is the member's.
	g, end, ok := scanGeometry(b, v)
	if !ok || end >= len(b) || b[end] != '}' {
		return Feature{}, orb.Point{}, fixedNone
	}
	f = Feature{Index: index, RawGeometry: keep(b[v:end], stable)}
	f.setIdentity(id, propID, props, stable)
	if ierr := checkGeometry(g, index, maxVertices); ierr != nil {
		f.Err = ierr
		return f, orb.Point{}, fixedShape
	}
	f.Geometry = g
	return f, orb.Point{}, fixedShape
}

// parseSpans is parseFixed for a point feature b whose spans skipFeature
// found (sp.point): the same result into f, without testing the member names
// again or passing over the id; ok is false where parsePointFeature's would
// be, and then f is untouched. The properties' members are read as
// parseFixed reads them (for an id among them), unless they are {}.
func parseSpans(f *Feature, b []byte, index int, sp pointSpans, stable bool) bool {
	i := len(featureHead)
	var id, propID, props []byte
	if sp.idEnd > 0 {
		id, i = b[i+len(`"id":`):sp.idEnd], int(sp.idEnd)+1
	}
	if sp.propsEnd > 0 {
		v := i + len(propertiesHead)
		props, i = b[v:sp.propsEnd], int(sp.propsEnd)+1
		if len(props) != 2 {
			end, err := members(b, v, func(name, pv []byte) error {
				if string(name) == "id" {
					propID = pv
				}
				return nil
			})
			if err != nil || end != int(sp.propsEnd) {
				return false
			}
		}
	}
	// skipPoint found pointHead, a run of number bytes ending at a comma,
	// another ending at ']', and "}}" to end b: the numbers must be just
	// those runs.
	v := i + len(geometryHead)
	x, j, ok := scanNumber(b, v+len(pointHead))
	if !ok || j >= len(b) || b[j] != ',' {
		return false
	}
	y, j, ok := scanNumber(b, j+1)
	if !ok || j != len(b)-3 {
		return false
	}
	if !crs.InChina(x, y) {
		return false
	}
	// Cleared in place, then its fields set: a composite literal is built
	// on the stack and copied, sixteen bytes a load over its narrower
	// stores, which the processor cannot forward (a stall at each: the copy
	// took two thirds of parseSpans' samples serving 100k points).
	*f = Feature{}
	f.Index, f.RawGeometry, f.point, f.isPoint = index, keep(b[v:len(b)-1], stable), orb.Point{x, y}, true
	f.setIdentity(id, propID, props, stable)
	return true
}

// keep returns v, or a copy of it unless stable says v is never written again.
func keep(v []byte, stable bool) json.RawMessage {
	if stable {
		return v
	}
	return append(json.RawMessage(nil), v...)
}

// setIdentity sets f's ID from the id member, else properties.id (whichever is
// a valid id first), and its Properties.
func (f *Feature) setIdentity(id, propID, props []byte, stable bool) {
	switch {
	case id != nil && validID(id):
		f.ID = keep(id, stable)
	case propID != nil && validID(propID):
		f.ID = keep(propID, stable)
	}
	if props != nil {
		f.Properties = keep(props, stable)
	}
}

// hasPrefix reports whether b[i:] starts with s.
func hasPrefix(b []byte, i int, s string) bool {
	return len(b)-i >= len(s) && string(b[i:i+len(s)]) == s
}

// hasLongPrefix is hasPrefix for a constant s of 8 bytes or more (the heads
// of a feature, its members and a point), compared eight bytes at a time,
// the last eight overlapping the ones before: the compiler calls memequal to
// compare such strings.
func hasLongPrefix(b []byte, i int, s string) bool {
	if len(b)-i < len(s) {
		return false
	}
	p := b[i : i+len(s)]
	for k := 0; k < len(s)-8; k += 8 {
		if binary.LittleEndian.Uint64(p[k:]) != binary.LittleEndian.Uint64([]byte(s[k:k+8])) {
			return false
		}
	}
	return binary.LittleEndian.Uint64(p[len(p)-8:]) == binary.LittleEndian.Uint64([]byte(s[len(s)-8:]))
}

// pointHead is how most batches of points spell a point's geometry before its
// coordinates (GeoJSON writers without spaces: PostGIS, GDAL, ours).
const pointHead = `{"type":"Point","coordinates":[`

// scanPoint reads the geometry at b[v] when it is spelled exactly
// {"type":"Point","coordinates":[x,y]}: what the scanner (scanGeometry) reads
// from it, with the same number reader, without its walk over member names.
// ok is false for any other spelling, which scanGeometry then reads.
func scanPoint(b []byte, v int) (orb.Point, int, bool) {
	if !hasPrefix(b, v, pointHead) {
		return orb.Point{}, 0, false
	}
	x, i, ok := scanNumber(b, v+len(pointHead))
	if !ok || i >= len(b) || b[i] != ',' {
		return orb.Point{}, 0, false
	}
	y, i, ok := scanNumber(b, i+1)
	if !ok || i+1 >= len(b) || b[i] != ']' || b[i+1] != '}' {
		return orb.Point{}, 0, false
	}
	return orb.Point{x, y}, i + 2, true
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// validID: the id member is a string or a number (RFC 7946); null counts as absent.
func validID(v []byte) bool {
	if len(v) == 0 || isNull(v) {
		return false
	}
	c := v[0]
	return c == '"' || c == '-' || (c >= '0' && c <= '9')
}

// decodeGeometry reads a GeoJSON geometry: with the scanner (geometry.go) when it
// can, else with orb's decoder, whose errors are the messages.
func decodeGeometry(v []byte, index int) (orb.Geometry, *errcode.Error) {
	if g, end, ok := scanGeometry(v, 0); ok && skipSpace(v, end) == len(v) {
		return g, nil
	}
	g, err := geojson.UnmarshalGeometry(v)
	if err != nil || g == nil || (g.Coordinates == nil && g.Type != "GeometryCollection") {
		msg := "unreadable geometry"
		if err != nil {
			msg = err.Error()
		}
		return nil, errcode.New(errcode.BadRequest, map[string]any{"feature": index},
			"feature %d: geometry: %s", index, msg)
	}
	// A GeometryCollection holds its members apart from Coordinates; an empty one
	// is an empty geometry, as it is to check.
	return g.Geometry(), nil
}

// checkGeometry refuses coordinates that are not a place in China (the policy of
// geo/crs, as check and the readers apply it), empty geometries, and more than
// maxVertices vertices (0: no bound).
func checkGeometry(g orb.Geometry, index, maxVertices int) *errcode.Error {
	n := 0
	var bad *errcode.Error
	visit := func(p orb.Point) {
		n++
		if bad == nil {
			bad = crs.CheckLonLat(p[0], p[1], crs.Where{}.Feature(index).Vertex(n-1))
		}
	}
	planar.EachPoint(g, visit)
	if bad != nil {
		return bad
	}
	if n == 0 {
		return errcode.New(errcode.EmptyGeometry, map[string]any{"feature": index},
			"feature %d: empty geometry", index)
	}
	if maxVertices > 0 && n > maxVertices {
		return errcode.New(errcode.PayloadTooLarge, map[string]any{"feature": index, "vertices": n, "limit": maxVertices},
			"feature %d has %d vertices, more than the limit of %d", index, n, maxVertices)
	}
	return nil
}
