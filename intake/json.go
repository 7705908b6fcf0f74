package intake

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/redline-gis/redline/errcode"
)

// checkJSONText refuses a JSON document that readers would take in silently but
// differently: text that is not UTF-8 (RFC 8259; encoding/json would turn it into
// U+FFFD, and a project name or site name into replacement characters), and
// objects with a member given twice (encoding/json keeps the last, other parsers
// the first: two readers of one archived input would see two footprints). A
// document that is not well-formed is left to its reader, which says where.
func checkJSONText(b []byte) error {
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.UndecodableText, map[string]any{"line": line, "offset": off},
			"JSON text is not UTF-8 (line %d, byte %d): save the file as UTF-8", line, off)
	}
	if key, off, ok := duplicateKey(b); ok {
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return errcode.New(errcode.BadRequest, map[string]any{"line": line, "offset": off, "field": key},
			"JSON object has the member %q twice (line %d, byte %d): give each member once", key, line, off)
	}
	return nil
}

// duplicateKey finds the first member name given twice in one object of b, and
// its byte offset. It scans the text once without building values; a document
// that is not well-formed may end the scan early (ok false).
func duplicateKey(b []byte) (key string, off int, ok bool) {
	// A stack of the open containers: an object's set of names, nil for an array.
	var stack []map[string]bool
	expectKey := false // inside an object, before a member name
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{':
			stack = append(stack, map[string]bool{})
			expectKey = true
		case '[':
			stack = append(stack, nil)
			expectKey = false
		case '}', ']':
			if len(stack) == 0 {
				return "", 0, false
			}
			stack = stack[:len(stack)-1]
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
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
			name := string(b[start+1 : i])
			if escaped {
				// "\u0074ype" is "type": compare names as decoded.
				u, err := strconv.Unquote(strings.ReplaceAll(string(b[start:i+1]), `\/`, "/"))
				if err != nil {
					return "", 0, false
				}
				name = u
			}
			seen := stack[len(stack)-1]
			if seen[name] {
				return name, start, true
			}
			seen[name] = true
		}
	}
	return "", 0, false
}
