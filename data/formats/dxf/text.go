package dxf

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// This file decodes the names a drawing carries (layers, blocks): drawings up to
// AutoCAD 2004 (AC1018) store text in the code page $DWGCODEPAGE names — ANSI_936
// (GBK) for Chinese AutoCAD and CASS — and those from 2007 (AC1021) on store UTF-8;
// either may hold \U+XXXX escapes, and old ones \M+NXXXX multi-byte escapes.

// text decodes names: valid UTF-8 as UTF-8, else by the code page (GBK when
// none is declared). Decoded names are cached: a drawing repeats a handful of
// layer names over and over.
type text struct {
	enc   encoding.Encoding // nil: UTF-8, else the code page
	guess bool              // no code page was declared: UTF-8 when valid, else GBK
	cache map[string]string
	// used names the encoding actually applied to some non-ASCII name, for the
	// warning ("" while every name was ASCII or UTF-8).
	used string
	name string // the code page as declared
}

// codePages are the $DWGCODEPAGE values read, by their encoding.
var codePages = map[string]encoding.Encoding{
	"ANSI_936":  simplifiedchinese.GB18030, // GBK; GB18030 decodes its superset
	"GB2312":    simplifiedchinese.GB18030,
	"ANSI_950":  traditionalchinese.Big5,
	"BIG5":      traditionalchinese.Big5,
	"ANSI_932":  japanese.ShiftJIS,
	"ANSI_949":  korean.EUCKR,
	"ANSI_1250": charmap.Windows1250,
	"ANSI_1251": charmap.Windows1251,
	"ANSI_1252": charmap.Windows1252,
	"ISO8859-1": charmap.ISO8859_1,
}

func newText() *text { return &text{guess: true, cache: map[string]string{}} }

// setCodePage applies $DWGCODEPAGE (drawings before AC1021); it returns false
// for a code page not read, leaving names to be guessed.
func (t *text) setCodePage(cp string) bool {
	t.name = cp
	e, ok := codePages[strings.ToUpper(strings.TrimSpace(cp))]
	if !ok {
		return strings.EqualFold(cp, "UTF-8") || strings.EqualFold(cp, "UTF8")
	}
	t.enc, t.guess = e, false
	return true
}

// setUTF8 marks a drawing of AC1021 or later: UTF-8 text.
func (t *text) setUTF8() { t.enc, t.guess = nil, false }

// decode returns b as a UTF-8 string.
func (t *text) decode(b []byte) string {
	if s, ok := t.cache[string(b)]; ok {
		return s
	}
	s := t.convert(b)
	if len(t.cache) < 10_000 {
		t.cache[string(b)] = s
	}
	return s
}

func (t *text) convert(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	var s string
	switch {
	case ascii:
		s = string(b)
	case utf8.Valid(b):
		// Chinese GBK text is almost never valid UTF-8, and some writers put UTF-8
		// in drawings whose $DWGCODEPAGE says otherwise.
		s = string(b)
	case t.enc == nil && !t.guess:
		s = strings.ToValidUTF8(string(b), "\ufffd")
	default:
		e := t.enc
		if e == nil {
			e = simplifiedchinese.GB18030
			t.used = "GBK (no $DWGCODEPAGE, and the names are not UTF-8)"
		} else if t.used == "" {
			t.used = t.name
		}
		out, err := e.NewDecoder().Bytes(b)
		if err != nil {
			s = strings.ToValidUTF8(string(b), "\ufffd")
		} else {
			s = string(out)
		}
	}
	if strings.Contains(s, `\U+`) || strings.Contains(s, `\u+`) || strings.Contains(s, `\M+`) || strings.Contains(s, `\m+`) {
		s = unescape(s)
	}
	return strings.TrimSpace(s)
}

// unescape replaces \U+XXXX (a Unicode code point) and \M+NXXXX (two bytes of
// code page N: 1 Shift-JIS, 2 Big5, 3 Korean, 5 GB2312) by the characters they
// stand for; anything else is left as written.
func unescape(s string) string {
	var out strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+7 <= len(s) && (s[i+1] == 'U' || s[i+1] == 'u') && s[i+2] == '+' {
			if v, err := strconv.ParseUint(s[i+3:i+7], 16, 32); err == nil {
				out.WriteRune(rune(v))
				i += 7
				continue
			}
		}
		if s[i] == '\\' && i+8 <= len(s) && (s[i+1] == 'M' || s[i+1] == 'm') && s[i+2] == '+' {
			if v, err := strconv.ParseUint(s[i+4:i+8], 16, 16); err == nil {
				var e encoding.Encoding
				switch s[i+3] {
				case '1':
					e = japanese.ShiftJIS
				case '2':
					e = traditionalchinese.Big5
				case '3':
					e = korean.EUCKR
				case '5':
					e = simplifiedchinese.GB18030
				}
				if e != nil {
					if r, err := e.NewDecoder().Bytes([]byte{byte(v >> 8), byte(v)}); err == nil && utf8.Valid(r) {
						out.Write(r)
						i += 8
						continue
					}
				}
			}
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}
