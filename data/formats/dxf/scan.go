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
func (s *scanner) float(handle string) (float64, error) {
	t := bytes.TrimSpace(s.val)
	v, err := strconv.ParseFloat(string(t), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, s.errorf(errcode.InvalidCoordinates, handle, "group %d: %q is not a finite number", s.code, clip(string(t), 40))
	}
	return v, nil
}

// int is the current value as an integer (flags, counts); some writers give
// them as "1.0".
func (s *scanner) int(handle string) (int, error) {
	t := bytes.TrimSpace(s.val)
	if n, err := strconv.Atoi(string(t)); err == nil {
		return n, nil
	}
	v, err := strconv.ParseFloat(string(t), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		return 0, s.errorf(errcode.BadRequest, handle, "group %d: %q is not an integer", s.code, clip(string(t), 40))
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
