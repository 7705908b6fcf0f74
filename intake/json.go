package intake

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/redline-gis/redline/errcode"
)

// checkJSONText refuses a JSON document that readers would take in silently but
// differently: text that is not UTF-8 (RFC 8259; encoding/json would turn it into
// U+FFFD, and a project name or site name into replacement characters), and
// objects with a member given twice (encoding/json keeps the last, other parsers
// the first: two readers of one archived input would see two footprints). A
// document that is not well-formed is left to its reader, which says where.
// decodeEnvelope learns the same in its one pass (jsonText.textError).
func checkJSONText(b []byte) error { return scanJSON(b).textError() }

// duplicateKey finds the first member name given twice in one object of b, and
// its byte offset. It scans the text once without building values; a document
// that is not well-formed may end the scan early (ok false).
func duplicateKey(b []byte) (key string, off int, ok bool) {
	// The open containers; an object keeps its member names (slices of b, or
	// decoded when escaped), an array none. Objects have few members: a linear
	// search beats a map, and the slices are reused as containers close.
	type container struct {
		object bool
		names  [][]byte
		set    map[string]bool // past manyNames members: no quadratic search
	}
	const manyNames = 32
	var stack []container
	push := func(object bool) {
		if len(stack) < cap(stack) {
			stack = stack[:len(stack)+1]
			top := &stack[len(stack)-1]
			top.object, top.names, top.set = object, top.names[:0], nil
			return
		}
		stack = append(stack, container{object: object})
	}
	expectKey := false // inside an object, before a member name
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{':
			push(true)
			expectKey = true
		case '[':
			push(false)
			expectKey = false
		case '}', ']':
			if len(stack) == 0 {
				return "", 0, false
			}
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			start := i
			i++
			escaped := false
			for ; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					escaped = true
					i++
				}
			}
			if i >= len(b) {
				return "", 0, false
			}
			if !expectKey {
				continue
			}
			expectKey = false
			name := b[start+1 : i]
			if escaped {
				// "\u0074ype" is "type": compare names as decoded.
				u, err := strconv.Unquote(strings.ReplaceAll(string(b[start:i+1]), `\/`, "/"))
				if err != nil {
					return "", 0, false
				}
				name = []byte(u)
			}
			top := &stack[len(stack)-1]
			if top.set != nil {
				if top.set[string(name)] {
					return string(name), start, true
				}
				top.set[string(name)] = true
				continue
			}
			for _, n := range top.names {
				if bytes.Equal(n, name) {
					return string(name), start, true
				}
			}
			top.names = append(top.names, name)
			if len(top.names) > manyNames {
				top.set = make(map[string]bool, 2*manyNames)
				for _, n := range top.names {
					top.set[string(n)] = true
				}
			}
		}
	}
	return "", 0, false
}

// PositionSlack is how many positions beyond the vertex limit LimitPositions
// lets through: a bbox or a numeric array among properties also looks like a
// position, and the exact count is the checker's.
const PositionSlack = 1024

// LimitPositions passes r through, counting the JSON positions ("[" then a
// number) as they arrive, and fails with payload_too_large once there are more
// than max+PositionSlack: a footprint of millions of vertices is refused as
// it streams in, before anything is parsed or held for it. Input that does not
// start as JSON ({ or [) is passed through uncounted.
func LimitPositions(r io.Reader, max int) io.Reader {
	if max <= 0 {
		return r
	}
	return &positionLimit{r: r, positionCounter: positionCounter{max: max + PositionSlack}}
}

type positionLimit struct {
	r io.Reader
	positionCounter
}

// positionCounter counts JSON positions a byte at a time: LimitPositions and
// the one pass of ReadJSONBody count alike.
type positionCounter struct {
	max   int // 0: no bound
	n     int
	state int
}

const (
	posStart   = iota // before the first non-space byte
	posOff            // not JSON: count nothing
	posJSON           // in JSON, not after a bracket
	posBracket        // after "[", and maybe spaces
)

// step counts c; the error is the bound's.
func (p *positionCounter) step(c byte) error {
	switch p.state {
	case posStart:
		switch c {
		case ' ', '\t', '\r', '\n', 0xef, 0xbb, 0xbf: // spaces, a UTF-8 BOM
		case '{':
			p.state = posJSON
		case '[':
			p.state = posBracket
		default:
			p.state = posOff
		}
	case posJSON:
		if c == '[' {
			p.state = posBracket
		}
	case posBracket:
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
			p.n++
			if p.max > 0 && p.n > p.max {
				return errcode.New(errcode.PayloadTooLarge, map[string]any{"limit": p.max - PositionSlack},
					"the footprint has more than %d positions, above the vertex limit of %d: refused as it arrived",
					p.max, p.max-PositionSlack)
			}
			p.state = posJSON
		case c == '[':
		default:
			p.state = posJSON
		}
	}
	return nil
}

func (p *positionLimit) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	for _, c := range b[:n] {
		if p.state == posOff {
			break
		}
		if cerr := p.step(c); cerr != nil {
			return 0, cerr
		}
	}
	return n, err
}
