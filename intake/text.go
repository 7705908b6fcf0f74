package intake

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redline-gis/redline/errcode"
)

// jsonText learns, in one pass over a JSON text as its bytes arrive, everything
// the check path used to learn in four: the positions it holds (LimitPositions:
// refused once over the vertex limit, as they arrive), whether it is UTF-8 and
// gives no member twice (checkJSONText), whether it is well-formed JSON at all,
// and the top-level object's members (what decodeEnvelope decoded into a map).
// Each byte goes once through four small state machines; nothing is decoded but
// member names.
type jsonText struct {
	buf []byte // every byte fed so far
	// base is the offset of the text proper: after a UTF-8 BOM and spaces.
	// Offsets in messages count from it, as checkJSONText's did.
	base    int
	started bool

	// positions, as LimitPositions counts them
	pc positionCounter

	// UTF-8
	need    int  // continuation bytes still due
	lo, hi  byte // the range of the next one
	lead    int  // offset of the sequence's first byte
	badUTF8 int  // offset of the first byte that is not UTF-8, or -1

	// syntax
	state   uint8
	invalid bool
	stack   []frame
	strAt   int  // offset of the opening quote of the string being read
	strKey  bool // it is a member name
	strEsc  bool // it has escapes
	hexLeft int
	lit     string
	numEnd  bool // the number read so far is complete as it stands

	// member names given twice: the first one found
	dupKey    string
	dupOff    int
	dupFound  bool
	dupFailed bool // a name that does not unquote: no more are compared (as duplicateKey)

	// the top-level object's members
	members []member
	pending int // index in members of the one whose value is being read, or -1

	// The first containers and members, in the text's own allocation: a check
	// envelope nests a few deep and has a few members.
	stackBuf   [8]frame
	membersBuf [4]member
	namesBuf   [namesDepths * namesRoom]nameRef
}

type member struct {
	name       string
	start, end int
}

// frame is an open object or array; an object keeps its member names as
// offsets of the text (or decoded, when escaped) to find one given twice.
type frame struct {
	object bool
	names  []nameRef
	set    map[string]bool
}

type nameRef struct {
	start, end int    // the raw name, without quotes, when not escaped
	decoded    string // the name, when escaped
	escaped    bool
}

const (
	stTop     uint8 = iota // before the top-level value
	stValue                // a value is due
	stObjOpen              // after '{': a name or '}'
	stObjName              // after ',' in an object: a name
	stColon                // after a name
	stArrOpen              // after '[': a value or ']'
	stAfter                // after a value
	stString
	stEscape
	stHex
	stLiteral
	stMinus    // number: after '-'
	stZero     // number: a leading 0
	stInt      // number: integer digits
	stDot      // number: after '.'
	stFrac     // number: fraction digits
	stExp      // number: after e or E
	stExpSign  // number: after the exponent's sign
	stExpDigit // number: exponent digits
	stEnd      // the top-level value is complete: spaces only
)

func newJSONText(maxPositions int) *jsonText {
	t := new(jsonText)
	t.init(maxPositions)
	return t
}

// init readies t, zero, for a text.
func (t *jsonText) init(maxPositions int) {
	t.badUTF8, t.pending = -1, -1
	t.stack, t.members = t.stackBuf[:0], t.membersBuf[:0]
	if maxPositions > 0 {
		t.pc.max = maxPositions + PositionSlack
	}
}

// bodyTexts hold the scans of ReadJSONBody, released (zero) by
// Scanned.Release: a scan is ~1.8 KB, most of it room for member names, for a
// check body of a few hundred bytes.
var bodyTexts = sync.Pool{New: func() any { return new(jsonText) }}

// feed scans p, the next bytes of the text, and keeps them. The error is the
// position limit's: the text is refused.
func (t *jsonText) feed(p []byte) error {
	from := len(t.buf)
	t.buf = append(t.buf, p...)
	return t.scan(from)
}

// scan scans buf[from:].
func (t *jsonText) scan(from int) error {
	buf := t.buf
	for o := from; o < len(buf); o++ {
		c := buf[o]
		// Most bytes are ASCII inside a string or a number, where only a "["
		// (a position to count) or the end of the run changes anything.
		if c < 0x80 && c != '[' && t.need == 0 && t.pc.state != posBracket {
			switch t.state {
			case stString:
				if c >= 0x20 && c != '"' && c != '\\' {
					continue
				}
			case stInt, stFrac, stExpDigit:
				if c >= '0' && c <= '9' {
					continue
				}
			}
		}
		if t.badUTF8 < 0 && (c >= 0x80 || t.need > 0) {
			t.utf8(c, o)
		}
		if t.pc.state != posOff && (t.pc.state != posJSON || c == '[') {
			if err := t.pc.step(c); err != nil {
				return err
			}
		}
		if !t.invalid {
			t.syntax(c, o)
		}
	}
	return nil
}

// end finishes the scan at the end of the text.
func (t *jsonText) end() {
	if t.badUTF8 < 0 && t.need > 0 {
		t.badUTF8 = t.lead
	}
	if !t.started && t.bomCut() {
		t.base = 0 // a BOM cut short: no BOM
	}
	if t.invalid {
		return
	}
	switch t.state {
	case stZero, stInt, stFrac, stExpDigit:
		if len(t.stack) == 0 {
			return // a bare number
		}
	case stEnd:
		return
	case stAfter:
		if len(t.stack) == 0 {
			return
		}
	}
	t.invalid = true
}

// utf8 validates c at offset o, as utf8.Valid would the whole text.
func (t *jsonText) utf8(c byte, o int) {
	if t.need > 0 {
		if c < t.lo || c > t.hi {
			t.badUTF8 = t.lead
			return
		}
		t.need--
		t.lo, t.hi = 0x80, 0xbf
		return
	}
	t.lead = o
	switch {
	case c < 0x80:
	case c >= 0xc2 && c <= 0xdf:
		t.need, t.lo, t.hi = 1, 0x80, 0xbf
	case c == 0xe0:
		t.need, t.lo, t.hi = 2, 0xa0, 0xbf
	case c == 0xed:
		t.need, t.lo, t.hi = 2, 0x80, 0x9f
	case c >= 0xe1 && c <= 0xef:
		t.need, t.lo, t.hi = 2, 0x80, 0xbf
	case c == 0xf0:
		t.need, t.lo, t.hi = 3, 0x90, 0xbf
	case c >= 0xf1 && c <= 0xf3:
		t.need, t.lo, t.hi = 3, 0x80, 0xbf
	case c == 0xf4:
		t.need, t.lo, t.hi = 3, 0x80, 0x8f
	default:
		t.badUTF8 = o
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// syntax steps the JSON grammar over c at offset o.
func (t *jsonText) syntax(c byte, o int) {
	switch t.state {
	case stTop:
		if !t.started {
			// A BOM, then spaces, may come first (decodeEnvelope trims them).
			if o < len(bom) && t.base == o && string(t.buf[:o+1]) == bom[:o+1] || isJSONSpace(c) {
				t.base = o + 1
				return
			}
			t.started = true
			if t.bomCut() {
				t.invalid, t.base = true, 0 // a BOM cut short: no BOM
				return
			}
		}
		t.value(c, o)
	case stValue:
		if !isJSONSpace(c) {
			t.value(c, o)
		}
	case stObjOpen, stObjName:
		switch {
		case isJSONSpace(c):
		case c == '"':
			t.strAt, t.strKey, t.strEsc, t.state = o, true, false, stString
		case c == '}' && t.state == stObjOpen:
			t.close(o + 1)
		default:
			t.invalid = true
		}
	case stColon:
		switch {
		case isJSONSpace(c):
		case c == ':':
			t.state = stValue
		default:
			t.invalid = true
		}
	case stArrOpen:
		switch {
		case isJSONSpace(c):
		case c == ']':
			t.close(o + 1)
		default:
			t.value(c, o)
		}
	case stAfter:
		t.after(c, o)
	case stEnd:
		if !isJSONSpace(c) {
			t.invalid = true
		}
	case stString:
		switch {
		case c == '"':
			t.endString(o)
		case c == '\\':
			t.strEsc, t.state = true, stEscape
		case c < 0x20:
			t.invalid = true
		}
	case stEscape:
		switch c {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			t.state = stString
		case 'u':
			t.hexLeft, t.state = 4, stHex
		default:
			t.invalid = true
		}
	case stHex:
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			t.invalid = true
			return
		}
		if t.hexLeft--; t.hexLeft == 0 {
			t.state = stString
		}
	case stLiteral:
		if c != t.lit[0] {
			t.invalid = true
			return
		}
		if t.lit = t.lit[1:]; t.lit == "" {
			t.valueDone(o + 1)
		}
	default:
		t.number(c, o)
	}
}

// value starts the value whose first byte is c.
func (t *jsonText) value(c byte, o int) {
	if len(t.stack) == 1 && t.pending >= 0 {
		t.members[t.pending].start = o
	}
	switch {
	case c == '{':
		t.push(true)
		t.state = stObjOpen
	case c == '[':
		t.push(false)
		t.state = stArrOpen
	case c == '"':
		t.strAt, t.strKey, t.strEsc, t.state = o, false, false, stString
	case c == '-':
		t.state = stMinus
	case c == '0':
		t.state = stZero
	case c >= '1' && c <= '9':
		t.state = stInt
	case c == 't':
		t.lit, t.state = "rue", stLiteral
	case c == 'f':
		t.lit, t.state = "alse", stLiteral
	case c == 'n':
		t.lit, t.state = "ull", stLiteral
	default:
		t.invalid = true
	}
}

// number steps a number's grammar; a byte that cannot continue it ends it,
// when it may end there, and is then read as what follows the value.
func (t *jsonText) number(c byte, o int) {
	digit := c >= '0' && c <= '9'
	switch t.state {
	case stMinus:
		switch {
		case c == '0':
			t.state = stZero
		case digit:
			t.state = stInt
		default:
			t.invalid = true
		}
		return
	case stZero, stInt:
		switch {
		case digit && t.state == stInt:
			return
		case c == '.':
			t.state = stDot
			return
		case c == 'e' || c == 'E':
			t.state = stExp
			return
		}
	case stDot:
		if digit {
			t.state = stFrac
		} else {
			t.invalid = true
		}
		return
	case stFrac:
		switch {
		case digit:
			return
		case c == 'e' || c == 'E':
			t.state = stExp
			return
		}
	case stExp:
		switch {
		case c == '+' || c == '-':
			t.state = stExpSign
		case digit:
			t.state = stExpDigit
		default:
			t.invalid = true
		}
		return
	case stExpSign:
		if digit {
			t.state = stExpDigit
		} else {
			t.invalid = true
		}
		return
	case stExpDigit:
		if digit {
			return
		}
	}
	// The number ended before c.
	t.valueDone(o)
	if !t.invalid {
		t.after(c, o)
	}
}

// after reads c after a value.
func (t *jsonText) after(c byte, o int) {
	if isJSONSpace(c) {
		return
	}
	if len(t.stack) == 0 {
		t.invalid = true
		return
	}
	top := &t.stack[len(t.stack)-1]
	switch {
	case c == ',' && top.object:
		t.state = stObjName
	case c == ',':
		t.state = stValue
	case c == '}' && top.object, c == ']' && !top.object:
		t.close(o + 1)
	default:
		t.invalid = true
	}
}

func (t *jsonText) push(object bool) {
	if len(t.stack) < cap(t.stack) {
		t.stack = t.stack[:len(t.stack)+1]
		top := &t.stack[len(t.stack)-1]
		top.object, top.names, top.set = object, top.names[:0], nil
		return
	}
	t.stack = append(t.stack, frame{object: object})
}

// close ends the innermost container; end is the offset past its bracket.
func (t *jsonText) close(end int) {
	t.stack = t.stack[:len(t.stack)-1]
	t.valueDone(end)
}

// valueDone: a value ended just before end.
func (t *jsonText) valueDone(end int) {
	t.state = stAfter
	if len(t.stack) == 0 {
		t.state = stEnd
		return
	}
	if len(t.stack) == 1 && t.pending >= 0 {
		t.members[t.pending].end = end
		t.pending = -1
	}
}

// endString ends the string whose closing quote is at o.
func (t *jsonText) endString(o int) {
	if !t.strKey {
		t.valueDone(o + 1)
		return
	}
	t.state = stColon
	ref := nameRef{start: t.strAt + 1, end: o, escaped: t.strEsc}
	if ref.escaped {
		// "\u0074ype" is "type": names compare as decoded.
		u, err := strconv.Unquote(strings.ReplaceAll(string(t.buf[t.strAt:o+1]), `\/`, "/"))
		if err != nil {
			t.dupFailed = true
		}
		ref.decoded = u
	}
	if len(t.stack) == 1 {
		name := t.nameOf(ref)
		if ref.escaped {
			// As encoding/json decodes it (a lone surrogate is U+FFFD); into
			// a variable of its own, so that name does not move to the heap
			// for every member.
			dec := name
			json.Unmarshal(t.buf[t.strAt:o+1], &dec)
			name = dec
		}
		t.members = append(t.members, member{name: name})
		t.pending = len(t.members) - 1
	}
	if t.dupFound || t.dupFailed {
		return
	}
	top := &t.stack[len(t.stack)-1]
	name := t.nameBytes(ref)
	if top.set != nil {
		if top.set[string(name)] {
			t.dupKey, t.dupOff, t.dupFound = string(name), t.strAt, true
			return
		}
		top.set[string(name)] = true
		return
	}
	for _, n := range top.names {
		if bytes.Equal(t.nameBytes(n), name) {
			t.dupKey, t.dupOff, t.dupFound = string(name), t.strAt, true
			return
		}
	}
	if top.names == nil {
		// Room for an object's usual members at once, in the text's own
		// allocation for the first depths (an envelope, its footprint and
		// project); the frame keeps it for the objects that open at its depth
		// later.
		if d := len(t.stack) - 1; d < namesDepths {
			top.names = t.namesBuf[d*namesRoom : d*namesRoom : (d+1)*namesRoom]
		} else {
			top.names = make([]nameRef, 0, namesRoom)
		}
	}
	top.names = append(top.names, ref)
	if len(top.names) > manyNames {
		top.set = make(map[string]bool, 2*manyNames)
		for _, n := range top.names {
			top.set[string(t.nameBytes(n))] = true
		}
	}
}

// The names of the objects at the first namesDepths depths are kept in the
// text's allocation, namesRoom of each before their list grows.
const (
	namesDepths = 3
	namesRoom   = 8
)

// manyNames: past this many members, an object's names go into a set, not a
// list searched from the start.
const manyNames = 32

func (t *jsonText) nameBytes(n nameRef) []byte {
	if n.escaped {
		return []byte(n.decoded)
	}
	return t.buf[n.start:n.end]
}

func (t *jsonText) nameOf(n nameRef) string {
	if n.escaped {
		return n.decoded
	}
	b := t.buf[n.start:n.end]
	if name, ok := memberNames[string(b)]; ok {
		return name // no string made for the name of each member of each check
	}
	return string(b)
}

// memberNames are the top-level member names of a check envelope
// (envelopeMembers) and of a GeoJSON object, as strings made once.
var memberNames = func() map[string]string {
	m := map[string]string{}
	for name := range envelopeMembers {
		m[name] = name
	}
	for _, name := range []string{"type", "features", "geometry", "geometries", "coordinates", "properties", "id", "name"} {
		m[name] = name
	}
	return m
}()

// textError is checkJSONText's answer: not UTF-8, then a member given twice.
// A text that is not well-formed is still searched for a member given twice
// the way checkJSONText searched it (its reader says what else is wrong).
func (t *jsonText) textError() error {
	b := t.buf[t.base:]
	if t.badUTF8 >= 0 {
		off := t.badUTF8 - t.base
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.UndecodableText, map[string]any{"line": line, "offset": off},
			"JSON text is not UTF-8 (line %d, byte %d): save the file as UTF-8", line, off)
	}
	key, off, ok := t.dupKey, t.dupOff-t.base, t.dupFound
	if t.invalid {
		key, off, ok = duplicateKey(bytes.TrimRight(b, " \t\r\n"))
	}
	if ok {
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.BadRequest, map[string]any{"line": line, "offset": off, "field": key},
			"JSON object has the member %q twice (line %d, byte %d): give each member once", key, line, off)
	}
	return nil
}

// object returns the top-level object's members, in the text's order, when
// the text is a well-formed JSON object (no member given twice: textError);
// ok is false otherwise. They are the scan's: read them before it is
// released.
func (t *jsonText) object() (objectMembers, bool) {
	if t.invalid || t.base >= len(t.buf) || t.buf[t.base] != '{' {
		return objectMembers{}, false
	}
	return objectMembers{buf: t.buf, members: t.members}, true
}

// objectMembers are the top-level members of a JSON object: a few, found by
// name in a list rather than a map made for each text.
type objectMembers struct {
	buf     []byte
	members []member
}

// get returns the member name's value, nil when there is none; the last
// one's, as encoding/json reads it, when a name given twice went unnoticed
// (a name that does not unquote stops the comparing: dupFailed).
func (o objectMembers) get(name string) json.RawMessage {
	for i := len(o.members) - 1; i >= 0; i-- {
		if mb := o.members[i]; mb.name == name {
			return o.buf[mb.start:mb.end:mb.end]
		}
	}
	return nil
}

// has says whether the object has a member name.
func (o objectMembers) has(name string) bool {
	for _, mb := range o.members {
		if mb.name == name {
			return true
		}
	}
	return false
}

// ReadJSONBody reads r whole, learning in the same pass what the check needs
// of a JSON text (scanJSON); a text with more than maxPositions positions
// (beyond PositionSlack; 0: no bound) is refused as it arrives. size is the
// body's length when known (Content-Length), else -1: the text is read into
// one buffer of that size, grown only past it. Hand the result to ReadScanned.
func ReadJSONBody(r io.Reader, maxPositions int, size int64) (*Scanned, error) {
	t := bodyTexts.Get().(*jsonText)
	t.init(maxPositions)
	if size >= 0 {
		// One more byte, so that the read that sees the end needs no room; a
		// length claimed but not sent reserves at most maxSizedBody.
		t.buf = make([]byte, 0, min(size+1, maxSizedBody))
	}
	for {
		if len(t.buf) == cap(t.buf) {
			t.buf = slices.Grow(t.buf, 512)
		}
		// Read in place: the text is kept whole anyway (the archive keeps it).
		from := len(t.buf)
		n, err := r.Read(t.buf[from:cap(t.buf)])
		if n > 0 {
			t.buf = t.buf[:from+n]
			if serr := t.scan(from); serr != nil {
				return nil, serr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	t.end()
	return &Scanned{text: t}, nil
}

// maxSizedBody bounds the buffer made up front for a body of announced length.
const maxSizedBody = 1 << 20

// Scanned is a request body read by ReadJSONBody.
type Scanned struct{ text *jsonText }

// Bytes returns the body.
func (s *Scanned) Bytes() []byte { return s.text.buf }

// Release gives the scan back for another body's once ReadScanned is done
// with it; s is not used again. The body (Bytes) and what ReadScanned
// returned keep nothing of the scan and stay the caller's.
func (s *Scanned) Release() {
	t := s.text
	if t == nil {
		return
	}
	s.text = nil
	*t = jsonText{} // nothing of this body's stays reachable from the pool
	bodyTexts.Put(t)
}

// scanJSON scans b, a text already in memory, in one pass, in place (no
// position bound).
func scanJSON(b []byte) *jsonText {
	t := newJSONText(0)
	t.buf = b
	t.scan(0)
	t.end()
	return t
}

const bom = "\xef\xbb\xbf"

// bomCut: the text starts with part of a BOM only (the part was skipped as if
// it were one).
func (t *jsonText) bomCut() bool {
	return len(t.buf) > 0 && t.buf[0] == bom[0] && !bytes.HasPrefix(t.buf, []byte(bom))
}

// trimmed is the text as decodeEnvelope sees it: without a BOM and spaces
// (Unicode's, as bytes.TrimSpace trims them) at either end.
func trimmed(b []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(b, []byte(bom)))
}

// of returns the scan of b as decodeEnvelope needs it: the scan t of the
// whole body when the body's trimmed text is what t scanned (a BOM and ASCII
// spaces around it), else a scan of the trimmed text (Unicode spaces around
// it: a rare body, scanned again).
func (t *jsonText) of(text []byte) *jsonText {
	if t != nil && len(text) > 0 && len(t.buf) > 0 && &text[0] == &t.buf[min(t.base, len(t.buf)-1)] &&
		len(bytes.TrimRight(t.buf[t.base:], " \t\r\n")) == len(text) {
		return t
	}
	return scanJSON(text)
}
