package dxf

import (
	"bytes"
	"math"
	"strconv"

	"github.com/redline-gis/redline/errcode"
)

// This file reads the group-code/value pairs of an ASCII DXF one at a time, over
// the bytes as given: a value is a sub-slice of the input, so a pass over a 50 MB
// drawing allocates nothing per pair.

// scanner yields the pairs of b in order. A pair is two lines: the group code
// (an integer, possibly with leading spaces) and its value; lines end in LF or
// CRLF.
type scanner struct {
	b    []byte
	pos  int
	line int // lines consumed so far

	code     int
	val      []byte
	codeLine int // 1-based line of the current pair's code

	back bool // the current pair is to be yielded again
	err  error
}

func newScanner(b []byte) *scanner {
	// A UTF-8 byte-order mark before the first code is not part of it.
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return &scanner{b: b}
}

// readLine returns the next line without its line end, and false at the end of
// the input.
func (s *scanner) readLine() ([]byte, bool) {
	if s.pos >= len(s.b) {
		return nil, false
	}
	rest := s.b[s.pos:]
	i := bytes.IndexByte(rest, '\n')
	var ln []byte
	if i < 0 {
		ln, s.pos = rest, len(s.b)
	} else {
		ln, s.pos = rest[:i], s.pos+i+1
	}
	s.line++
	if n := len(ln); n > 0 && ln[n-1] == '\r' {
		ln = ln[:n-1]
	}
	return ln, true
}

// next advances to the next pair; false at the end of the input or on an error
// (s.err). Blank lines where a group code belongs are skipped: some writers end
// the file with one.
func (s *scanner) next() bool {
	if s.back {
		s.back = false
		return true
	}
	if s.err != nil {
		return false
	}
	var c []byte
	for {
		ln, ok := s.readLine()
		if !ok {
			return false
		}
		c = bytes.TrimSpace(ln)
		if len(c) > 0 {
			break
		}
	}
	s.codeLine = s.line
	code, ok := atoi(c)
	if !ok {
		s.err = s.errorf(errcode.BadRequest, "", "group code %q is not an integer (an ASCII DXF alternates group-code and value lines)", clip(string(c), 40))
		return false
	}
	v, ok := s.readLine()
	if !ok {
		s.err = s.errorf(errcode.BadRequest, "", "group code %d has no value line: the file ends early", code)
		return false
	}
	s.code, s.val = code, v
	return true
}

// unread makes the next call to next yield the current pair again.
func (s *scanner) unread() { s.back = true }

// atoi parses a group code: a small signed decimal integer.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 7 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// is reports whether the current value is word (group 0 and 2 names, compared
// without the spaces some writers pad them with).
func (s *scanner) is(word string) bool {
	return string(bytes.TrimSpace(s.val)) == word
}

// float is the current value as a finite number.
func (s *scanner) float(handle []byte) (float64, error) {
	t := bytes.TrimSpace(s.val)
	v, ok := parseFloat(t)
	if !ok {
		var err error
		v, err = strconv.ParseFloat(string(t), 64)
		ok = err == nil
	}
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, s.errorf(errcode.InvalidCoordinates, string(handle), "group %d: %q is not a finite number", s.code, clip(string(t), 40))
	}
	return v, nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat reads a plain decimal ("-123.456", "1.5E+3") without allocating,
// when the result is exact by Clinger's fast path (a mantissa below 2⁵³ times or
// over an exact power of ten); false sends the caller to strconv.
func parseFloat(b []byte) (float64, bool) {
	i, neg := 0, false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	seenDot := false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if digits >= 19 {
				return 0, false
			}
			if mant != 0 || c != '0' {
				digits++
			}
			mant = mant*10 + uint64(c-'0')
			if seenDot {
				frac++
			}
			continue
		case c == '.' && !seenDot:
			seenDot = true
			continue
		}
		break
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if exp > 1000 {
				return 0, false
			}
			exp = exp*10 + int(b[i]-'0')
		}
		if i == start {
			return 0, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) || i == 0 || mant >= 1<<53 {
		return 0, false
	}
	e := exp - frac
	v := float64(mant)
	switch {
	case e == 0:
	case e > 0 && e < len(pow10):
		v *= pow10[e]
	case e < 0 && -e < len(pow10):
		v /= pow10[-e]
	default:
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// int is the current value as an integer (flags, counts); some writers give
// them as "1.0".
func (s *scanner) int(handle []byte) (int, error) {
	t := bytes.TrimSpace(s.val)
	if n, ok := atoi(t); ok {
		return n, nil
	}
	v, err := strconv.ParseFloat(string(t), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		return 0, s.errorf(errcode.BadRequest, string(handle), "group %d: %q is not an integer", s.code, clip(string(t), 40))
	}
	return int(v), nil
}

// errorf is an error at the current pair's line, naming the entity handle when
// there is one.
func (s *scanner) errorf(code errcode.Code, handle, format string, args ...any) error {
	return lineError(code, s.codeLine, handle, format, args...)
}

func lineError(code errcode.Code, line int, handle, format string, args ...any) error {
	d := map[string]any{"line": line}
	where := "line " + strconv.Itoa(line)
	if handle != "" {
		d["handle"] = handle
		where += " (entity " + handle + ")"
	}
	e := errcode.New(code, d, format, args...)
	e.Message = "dxf: " + where + ": " + e.Message
	return e
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
