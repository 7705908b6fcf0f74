package geojson

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/paulmach/orb"
)

// The geometry scanner reads a GeoJSON geometry object straight into orb types in
// one pass over its text: no generic map, no []any, no intermediate [][]float64.
// It takes only what it can read exactly as encoding/json would read it — through
// orb's geojson.UnmarshalGeometry (the batch reader, data/batch) or through this
// package's Read — and says ok=false for anything else: escaped or case-folded
// member names, members given twice, positions of other than 2 or 3 numbers, null
// where an array belongs, numbers out of range, a GeometryCollection. The caller
// then falls back to its encoding/json decoder, which gives the answer and the
// error message (naming the feature, ring and vertex) it always gave. One scanner
// serves both readers; FuzzReadScanned holds it to both decoders' geometries,
// and data/batch's TestScanGeometrySharedData to orb's on the real layers.

// geometryKind returns the type the scanner reads named name (as a constant, not
// a copy of the input) and the nesting of arrays above its positions.
func geometryKind(name string) (typ string, depth int, ok bool) {
	switch name {
	case "Point":
		return "Point", 0, true
	case "MultiPoint":
		return "MultiPoint", 1, true
	case "LineString":
		return "LineString", 1, true
	case "MultiLineString":
		return "MultiLineString", 2, true
	case "Polygon":
		return "Polygon", 2, true
	case "MultiPolygon":
		return "MultiPolygon", 3, true
	}
	return "", 0, false
}

// coordScratch holds the positions and array boundaries of one geometry while
// it is scanned; the geometry is then built with one allocation for all its
// points. Reused through a pool: workers scan many geometries.
type coordScratch struct {
	pts   []orb.Point
	ends1 []int // len(pts) at the end of each innermost array of positions
	ends2 []int // len(ends1) at the end of each array of those
	ends3 []int // len(ends2) at the end of each array of those (MultiPolygon)
}

var scratchPool = sync.Pool{New: func() any { return new(coordScratch) }}

// ScanGeometry reads the geometry object starting at b[i] (after spaces) and
// returns it with the index just past the object. ok is false when the object is
// not one the scanner reads exactly as orb would (see above); end is then
// meaningless.
func ScanGeometry(b []byte, i int) (g orb.Geometry, end int, ok bool) {
	return scanGeometry(b, i, nil)
}

// scanGeometry is ScanGeometry that also turns away (ok false) a member whose
// name reject says a caller's own decoder reads differently.
func scanGeometry(b []byte, i int, reject func(name string) bool) (g orb.Geometry, end int, ok bool) {
	i = SkipSpace(b, i)
	if g, end, ok := scanPlain(b, i); ok {
		return g, end, true
	}
	return scanMembers(b, i, reject)
}

// scanMembers is scanGeometry for any spelling: a walk over the members.
func scanMembers(b []byte, i int, reject func(name string) bool) (g orb.Geometry, end int, ok bool) {
	if i >= len(b) || b[i] != '{' {
		return nil, 0, false
	}
	i = SkipSpace(b, i+1)
	typ := ""
	depth := -1
	coords := -1 // offset of the coordinates value when it came before the type
	// A point needs no scratch: most batches are points.
	var pt orb.Point
	var s *coordScratch
	defer func() {
		if s != nil {
			scratchPool.Put(s)
		}
	}()
	read := func(v int) (int, bool) {
		if depth == 0 {
			p, end, ok := scanPosition(b, v)
			pt = p
			return end, ok
		}
		if s == nil {
			s = scratchPool.Get().(*coordScratch)
			s.reset()
		}
		return s.nested(b, v, depth)
	}
	parsed := false
	if i < len(b) && b[i] == '}' {
		return nil, 0, false
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, 0, false
		}
		nend, escaped, err := scanString(b, i)
		if err != nil || escaped {
			return nil, 0, false
		}
		name := unsafe.String(unsafe.SliceData(b[i+1:]), nend-i-2)
		if !plainName(name) {
			return nil, 0, false
		}
		v := SkipSpace(b, nend)
		if v >= len(b) || b[v] != ':' {
			return nil, 0, false
		}
		v = SkipSpace(b, v+1)
		var vend int
		switch name {
		case "type":
			if typ != "" {
				return nil, 0, false
			}
			e, esc, err := scanString(b, v)
			if v >= len(b) || b[v] != '"' || err != nil || esc {
				return nil, 0, false
			}
			t, d, known := geometryKind(unsafe.String(unsafe.SliceData(b[v+1:]), e-v-2))
			if !known {
				return nil, 0, false
			}
			typ, depth, vend = t, d, e
			if coords >= 0 {
				if _, ok := read(coords); !ok {
					return nil, 0, false
				}
				parsed = true
			}
		case "coordinates":
			if coords >= 0 || parsed {
				return nil, 0, false
			}
			if depth >= 0 {
				e, ok := read(v)
				if !ok {
					return nil, 0, false
				}
				parsed, vend = true, e
			} else {
				// Type not yet known: find the end now, read the positions then.
				e, err := skipValue(b, v)
				if err != nil {
					return nil, 0, false
				}
				coords, vend = v, e
			}
		default:
			// encoding/json matches member names without regard to case, and
			// validates every member.
			if strings.EqualFold(name, "type") || strings.EqualFold(name, "coordinates") || strings.EqualFold(name, "geometries") ||
				reject != nil && reject(name) {
				return nil, 0, false
			}
			e, err := skipValue(b, v)
			if err != nil || !json.Valid(b[v:e]) {
				return nil, 0, false
			}
			vend = e
		}
		i = SkipSpace(b, vend)
		if i >= len(b) {
			return nil, 0, false
		}
		if b[i] == '}' {
			i++
			break
		}
		if b[i] != ',' {
			return nil, 0, false
		}
		i = SkipSpace(b, i+1)
	}
	if !parsed {
		return nil, 0, false
	}
	if depth == 0 {
		return pt, i, true
	}
	return s.build(typ), i, true
}

// plainHead starts a geometry object as writers without spaces spell it
// (GDAL, PostGIS, encoding/json, ours): its type first, then its coordinates.
const plainHead = `{"type":"`

// scanPlain is scanGeometry for a geometry of arrays of positions (not a
// point) spelled {"type":"Polygon","coordinates":[…]} without a space, its
// positions of two numbers: the same geometry and end as scanMembers, read
// without the walk over member names (its closure and deferred call) nor
// spaces to skip. ok is false for any other spelling, which scanMembers then
// reads. 100k 0.01 km² squares over HTTP spent about a tenth of the server's
// CPU reading their geometries.
func scanPlain(b []byte, i int) (orb.Geometry, int, bool) {
	if !hasPrefix(b, i, plainHead) {
		return nil, 0, false
	}
	t := i + len(plainHead)
	q := t
	for q < len(b) && q-t < len("MultiLineString") && b[q] != '"' {
		q++
	}
	if q >= len(b) || b[q] != '"' {
		return nil, 0, false
	}
	typ, depth, known := geometryKind(unsafe.String(unsafe.SliceData(b[t:]), q-t))
	if !known || depth == 0 || !hasPrefix(b, q+1, `,"coordinates":`) {
		return nil, 0, false
	}
	s := scratchPool.Get().(*coordScratch)
	s.reset()
	end, ok := s.plain(b, q+1+len(`,"coordinates":`), depth)
	if !ok || end >= len(b) || b[end] != '}' {
		scratchPool.Put(s)
		return nil, 0, false
	}
	g := s.build(typ)
	scratchPool.Put(s)
	return g, end + 1, true
}

// hasPrefix reports whether b[i:] starts with s.
func hasPrefix(b []byte, i int, s string) bool {
	return len(b)-i >= len(s) && string(b[i:i+len(s)]) == s
}

// plain is nested for an array without spaces whose positions are of two
// numbers (depth 1 to 3): what nested records for it, or false.
func (s *coordScratch) plain(b []byte, i, depth int) (int, bool) {
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	i++
	if i < len(b) && b[i] == ']' {
		i++
	} else {
		for {
			var end int
			if depth == 1 {
				p, e, ok := plainPosition(b, i)
				if !ok {
					return 0, false
				}
				s.pts = append(s.pts, p)
				end = e
			} else {
				e, ok := s.plain(b, i, depth-1)
				if !ok {
					return 0, false
				}
				end = e
			}
			if end >= len(b) {
				return 0, false
			}
			if b[end] == ']' {
				i = end + 1
				break
			}
			if b[end] != ',' {
				return 0, false
			}
			i = end + 1
		}
	}
	s.end(depth)
	return i, true
}

// end records the end of an array nested depth deep above its positions.
func (s *coordScratch) end(depth int) {
	switch depth {
	case 1:
		s.ends1 = append(s.ends1, len(s.pts))
	case 2:
		s.ends2 = append(s.ends2, len(s.ends1))
	case 3:
		s.ends3 = append(s.ends3, len(s.ends2))
	}
}

// plainPosition is scanPosition for [x,y] without spaces, or false.
func plainPosition(b []byte, i int) (orb.Point, int, bool) {
	if i >= len(b) || b[i] != '[' {
		return orb.Point{}, 0, false
	}
	x, j, ok := ScanNumber(b, i+1)
	if !ok || j >= len(b) || b[j] != ',' {
		return orb.Point{}, 0, false
	}
	y, j, ok := ScanNumber(b, j+1)
	if !ok || j >= len(b) || b[j] != ']' {
		return orb.Point{}, 0, false
	}
	return orb.Point{x, y}, j + 1, true
}

// plainName: a member name without control characters (which JSON refuses in a
// string; escapes were turned away before).
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return false
		}
	}
	return true
}

func (s *coordScratch) reset() {
	s.pts, s.ends1, s.ends2, s.ends3 = s.pts[:0], s.ends1[:0], s.ends2[:0], s.ends3[:0]
}

// nested reads an array nested depth deep above its positions (0: a position)
// at b[i], recording positions and boundaries; it returns the index past it.
func (s *coordScratch) nested(b []byte, i, depth int) (int, bool) {
	if depth == 0 {
		p, end, ok := scanPosition(b, i)
		if !ok {
			return 0, false
		}
		s.pts = append(s.pts, p)
		return end, true
	}
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		i++
	} else {
		for {
			end, ok := s.nested(b, i, depth-1)
			if !ok {
				return 0, false
			}
			i = SkipSpace(b, end)
			if i >= len(b) {
				return 0, false
			}
			if b[i] == ']' {
				i++
				break
			}
			if b[i] != ',' {
				return 0, false
			}
			i = SkipSpace(b, i+1)
		}
	}
	s.end(depth)
	return i, true
}

// scanPosition reads [x, y] or [x, y, z] at b[i] (z dropped, as orb.Point's
// array decoding drops it).
func scanPosition(b []byte, i int) (orb.Point, int, bool) {
	if i >= len(b) || b[i] != '[' {
		return orb.Point{}, 0, false
	}
	var p orb.Point
	n := 0
	i++
	for {
		i = SkipSpace(b, i)
		if n == 3 {
			return orb.Point{}, 0, false
		}
		x, j, ok := ScanNumber(b, i)
		if !ok {
			return orb.Point{}, 0, false
		}
		if n < 2 {
			p[n] = x
		}
		n++
		j = SkipSpace(b, j)
		if j >= len(b) {
			return orb.Point{}, 0, false
		}
		switch b[j] {
		case ']':
			if n < 2 {
				return orb.Point{}, 0, false
			}
			return p, j + 1, true
		case ',':
			i = j + 1
		default:
			return orb.Point{}, 0, false
		}
	}
}

// ScanNumber reads the JSON number at b[i] (RFC 8259's grammar, nothing else:
// no NaN, no '+', no hex) and returns it with the index past it, bit for bit
// as strconv.ParseFloat reads it. A decimal spelled as coordinates are is
// read by scanDecimal. Any other number of at most 19 digits whose value is
// below 2^53 times a power of ten up to 22 is computed directly, which rounds
// correctly (both factors are exact: one rounding, as strconv's own exact
// path does it); any other of at most 19 digits by eiselLemire where it can
// round it with certainty, and the rest by strconv.ParseFloat. ok is false for
// what is not a number or overflows.
func ScanNumber(b []byte, i int) (float64, int, bool) {
	if x, end, ok := scanDecimal(b, i); ok {
		return x, end, true
	}
	n, ok := lexNumber(b, i)
	if !ok {
		return 0, 0, false
	}
	e10 := n.exp - n.frac
	if n.digits <= 19 && n.mant < 1<<53 && e10 >= -22 && e10 <= 22 {
		x := float64(n.mant)
		if e10 < 0 {
			x /= pow10[-e10]
		} else {
			x *= pow10[e10]
		}
		if n.neg {
			x = -x
		}
		return x, n.end, true
	}
	if n.digits <= 19 {
		if x, sure := eiselLemire(n.mant, e10, n.neg); sure {
			return x, n.end, true
		}
	}
	x, err := strconv.ParseFloat(unsafe.String(&b[i], n.end-i), 64)
	return x, n.end, err == nil
}

// scanDecimal is ScanNumber for the spelling of most coordinates: up to
// three digits, a point, more digits, 19 in all at most, and no exponent,
// read with the mantissa in a register and rounded by eiselLemire (or, where
// it cannot be sure, directly); ok is false for any other spelling, and when
// neither can round it.
func scanDecimal(b []byte, i int) (float64, int, bool) {
	j := i
	neg := j < len(b) && b[j] == '-'
	if neg {
		j++
	}
	var mant uint64
	k := j
	for k < len(b) && k-j < 4 && b[k] >= '0' && b[k] <= '9' {
		mant = mant*10 + uint64(b[k]-'0')
		k++
	}
	if k == j || k >= len(b) || b[k] != '.' || (b[j] == '0' && k-j > 1) {
		return 0, 0, false
	}
	digits := k - j
	k++
	f := k
	for k+8 <= len(b) && digits+k-f+8 <= 19 {
		v, ok := eightDigits(b[k : k+8])
		if !ok {
			break
		}
		mant = mant*100000000 + v
		k += 8
	}
	if k+8 <= len(b) {
		// Fewer than eight digits left (most coordinates end with one to
		// seven), read at once rather than one by one.
		v, n := leadingDigits(b[k : k+8])
		mant = mant*pow10u[n] + v
		k += n
	}
	for k < len(b) && b[k] >= '0' && b[k] <= '9' {
		mant = mant*10 + uint64(b[k]-'0')
		k++
	}
	frac := k - f
	if frac == 0 || digits+frac > 19 || k < len(b) && (b[k] == 'e' || b[k] == 'E') {
		return 0, 0, false
	}
	if x, ok := eiselLemire(mant, -frac, neg); ok {
		return x, k, true
	}
	// Where the product of the mantissa and the truncated power of ten sits
	// too near a tie to tell (an exact value like 46.0 or 930.5 does), the
	// direct path rounds once if both factors are exact.
	if mant >= 1<<53 || frac > 22 {
		return 0, 0, false
	}
	x := float64(mant) / pow10[frac]
	if neg {
		x = -x
	}
	return x, k, true
}

// number is a JSON number as lexNumber reads it: its digits (the first 19 in
// mant), how many of them follow the point, and its exponent.
type number struct {
	mant              uint64
	digits, frac, exp int
	neg               bool
	end               int
}

// lexNumber reads the JSON number at b[i] by RFC 8259's grammar; ok is false
// when none starts there.
func lexNumber(b []byte, i int) (n number, ok bool) {
	n.neg = i < len(b) && b[i] == '-'
	if n.neg {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			n.mant = n.mant*10 + uint64(b[i]-'0')
			n.digits++
		}
	default:
		return n, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		// Eight digits at a time while there are (the mantissa wraps past 19
		// digits as it does a digit at a time: such a number goes to strconv).
		for ; i+8 <= len(b); i += 8 {
			v, ok := eightDigits(b[i : i+8])
			if !ok {
				break
			}
			n.mant = n.mant*100000000 + v
			n.digits += 8
			n.frac += 8
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			n.mant = n.mant*10 + uint64(b[i]-'0')
			n.digits++
			n.frac++
		}
		if i == d {
			return n, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := i < len(b) && b[i] == '-'
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			i++
		}
		d := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if n.exp < 10000 {
				n.exp = n.exp*10 + int(b[i]-'0')
			}
		}
		if i == d {
			return n, false
		}
		if eneg {
			n.exp = -n.exp
		}
	}
	n.end = i
	return n, true
}

// eightDigits reads eight ASCII digits as a number, all at once (SWAR); ok is
// false unless all eight are digits.
func eightDigits(b []byte) (uint64, bool) {
	w := binary.LittleEndian.Uint64(b)
	// Every byte 0x30–0x39: its high nibble 3, and adding 6 keeps it 3.
	if w&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 || (w+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 {
		return 0, false
	}
	return digitsValue(w - 0x3030303030303030), true
}

// leadingDigits reads the ASCII digits that b (eight bytes) starts with, n of
// them, as a number, all at once: the bytes from the first that is not a
// digit on are shifted out, and the digits' value is that of eight digits
// with 8-n zeros before them.
func leadingDigits(b []byte) (v uint64, n int) {
	w := binary.LittleEndian.Uint64(b)
	// A byte is a digit when its high nibble is 3 and adding 6 keeps it 3;
	// a carry of the addition or a borrow of the subtraction below crosses
	// only from a byte that is not a digit into the one after it, beyond n.
	notDigit := (w&0xF0F0F0F0F0F0F0F0 ^ 0x3030303030303030) | ((w+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 ^ 0x3030303030303030)
	n = bits.TrailingZeros64(notDigit) >> 3
	if n == 0 {
		return 0, 0
	}
	return digitsValue((w - 0x3030303030303030) << (64 - 8*n)), n
}

// digitsValue is the number eight digit values make, one a byte, the first
// (most significant) in the lowest byte.
func digitsValue(w uint64) uint64 {
	w = w*10 + w>>8 // pairs of digits, first digit most significant (little endian)
	return ((w&0x000000FF000000FF)*(100+(1000000<<32)) + (w>>16&0x000000FF000000FF)*(1+(10000<<32))) >> 32
}

// pow10u holds 10^n for the digits leadingDigits reads (0 to 8).
var pow10u = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// build makes the geometry of type typ from the scanned positions: one array
// for all points, each ring or line a full slice of it (appending to one never
// writes into the next).
func (s *coordScratch) build(typ string) orb.Geometry {
	all := make([]orb.Point, len(s.pts))
	copy(all, s.pts)
	switch typ {
	case "MultiPoint":
		return orb.MultiPoint(all)
	case "LineString":
		return orb.LineString(all)
	case "MultiLineString":
		return orb.MultiLineString(split[orb.LineString](all, s.ends1))
	case "Polygon":
		return orb.Polygon(split[orb.Ring](all, s.ends1))
	}
	// MultiPolygon: ends2 splits the rings into polygons.
	rings := split[orb.Ring](all, s.ends1)
	out := make(orb.MultiPolygon, len(s.ends2))
	start := 0
	for k, end := range s.ends2 {
		out[k] = orb.Polygon(rings[start:end:end])
		start = end
	}
	return out
}

// split cuts all at ends into full slices.
func split[T ~[]orb.Point](all []orb.Point, ends []int) []T {
	out := make([]T, len(ends))
	start := 0
	for k, end := range ends {
		out[k] = T(all[start:end:end])
		start = end
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace returns the index of the first byte at or after i that is not JSON
// white space (len(b) if none); intake's project scanner uses it too.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// errIncomplete: the text ends inside the value being scanned.
var errIncomplete = errors.New("geojson: unexpected end of input")

// scanString is ScanString with this package's error for a string cut short.
func scanString(b []byte, i int) (end int, escaped bool, err error) {
	end, escaped, ok := ScanString(b, i)
	if !ok {
		return 0, false, errIncomplete
	}
	return end, escaped, nil
}

// ScanString returns the index just past the JSON string starting at b[i] == '"',
// and whether it holds escapes; ok is false when b ends inside it. It does not
// validate the escapes: decoding the string does. The batch reader's lexer
// (data/batch) uses it too, with its own error for a string cut short.
func ScanString(b []byte, i int) (end int, escaped, ok bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, escaped, true
		case '\\':
			escaped = true
			j++
		}
	}
	return 0, false, false
}

// skipValue returns the index just past the JSON value starting at b[i]. It matches
// brackets and strings without validating what lies between them (the scanner
// validates what it skips with json.Valid).
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errIncomplete
	}
	switch c := b[i]; c {
	case '"':
		end, _, err := scanString(b, i)
		return end, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := scanString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errIncomplete
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j]) {
			j++
		}
		if j == i {
			return 0, errors.New("geojson: unexpected " + strconv.QuoteRune(rune(c)))
		}
		return j, nil
	}
}
