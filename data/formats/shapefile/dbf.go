package shapefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/redline-gis/redline/errcode"
)

// dbfField is one field descriptor.
type dbfField struct {
	name   string
	raw    []byte // name as stored, for detection
	typ    byte
	off    int // offset in the record, after the deletion flag
	length int
	dec    int
	skip   bool // memo and unknown types: not read
}

// dbfTable is a parsed .dbf: header, fields and the records' bytes.
type dbfTable struct {
	file   string
	n      int
	recLen int
	data   []byte // records, n*recLen bytes
	fields []dbfField
	text   *textDecoder
	w      *warnings
}

// readDBF parses the header and fields of a .dbf and settles its text encoding:
// the .cpg, else the LDID byte, else the caller's encoding, else detection.
func readDBF(b []byte, file, cpg, optEncoding string, w *warnings) (*dbfTable, error) {
	bad := func(format string, args ...any) error {
		return errcode.New(errcode.BadRequest, map[string]any{"file": file}, "%s: %s", file, fmt.Sprintf(format, args...))
	}
	if len(b) < 32 {
		return nil, bad("%d bytes, shorter than the 32-byte dBASE header: not a .dbf or truncated", len(b))
	}
	if b[0]&0x07 == 4 { // dBASE 7: 48-byte field descriptors, never written for shapefiles by GDAL or ArcGIS
		return nil, bad("dBASE 7 tables (version byte 0x%02X) are not read; save the attributes as dBASE III or IV", b[0])
	}
	n := int64(binary.LittleEndian.Uint32(b[4:]))
	hdrLen := int(binary.LittleEndian.Uint16(b[8:]))
	recLen := int(binary.LittleEndian.Uint16(b[10:]))
	ldid := b[29]
	if hdrLen < 33 || hdrLen > len(b) {
		return nil, bad("header length %d does not fit the %d-byte file", hdrLen, len(b))
	}
	if recLen < 1 {
		return nil, bad("record length %d", recLen)
	}
	t := &dbfTable{file: file, recLen: recLen, w: w}
	off := 1 // after the deletion flag
	for p := 32; p+32 <= hdrLen && b[p] != 0x0D; p += 32 {
		d := b[p : p+32]
		raw := d[:11]
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		f := dbfField{raw: bytes.TrimSpace(raw), typ: d[11], off: off, length: int(d[16]), dec: int(d[17])}
		off += f.length
		switch f.typ {
		case 'C', 'N', 'F', 'L', 'D':
		case 'I', '+':
			f.skip = f.length != 4
		case 'O':
			f.skip = f.length != 8
		default: // M, G, B, P memos (in a .dbt/.fpt we do not read), and unknown types
			f.skip = true
		}
		t.fields = append(t.fields, f)
	}
	if off > recLen {
		return nil, bad("fields take %d bytes but the header says records are %d bytes", off, recLen)
	}
	avail := int64(len(b)-hdrLen) / int64(recLen)
	if n > avail {
		return nil, errcode.New(errcode.BadRequest, map[string]any{"file": file, "record": int(avail)},
			"%s: header declares %d records but the file ends in record %d: truncated", file, n, avail)
	}
	t.n = int(n)
	t.data = b[hdrLen : hdrLen+t.n*recLen]

	c, how, err := t.chooseCodec(cpg, optEncoding, ldid)
	if err != nil {
		return nil, err
	}
	t.text = newTextDecoder(c)
	if how != "" {
		w.addf("%s: text read as %s (%s)", file, c.name, how)
	}
	var skipped []string
	seen := map[string]int{}
	for i := range t.fields {
		f := &t.fields[i]
		s, ok := t.text.decode(f.raw)
		if !ok {
			return nil, errcode.New(errcode.UndecodableText, map[string]any{"file": file, "field": i},
				"%s: the name of field %d is not valid %s", file, i, c.name)
		}
		if s == "" {
			s = fmt.Sprintf("field_%d", i+1)
		}
		if k := seen[s]; k > 0 {
			seen[s] = k + 1
			s = fmt.Sprintf("%s_%d", s, k+1)
		} else {
			seen[s] = 1
		}
		f.name = s
		if f.skip {
			skipped = append(skipped, fmt.Sprintf("%s (%c)", s, f.typ))
		}
	}
	if len(skipped) > 0 {
		w.addf("%s: fields not read (memo or unsupported type): %s", file, strings.Join(skipped, ", "))
	}
	return t, nil
}

// chooseCodec settles the text encoding. how is "" when the file or the caller
// declared it, else says how it was guessed.
func (t *dbfTable) chooseCodec(cpg, optEncoding string, ldid byte) (codec, string, error) {
	if s := strings.TrimSpace(cpg); s != "" {
		if c, ok := lookupCodec(s); ok {
			return c, "", nil
		}
		t.w.addf("%s: .cpg names an encoding this reader does not know (%q); ignored", t.file, s)
	}
	if c, ok := codecForLDID(ldid); ok {
		return c, "", nil
	}
	if s := strings.TrimSpace(optEncoding); s != "" {
		if c, ok := lookupCodec(s); ok {
			return c, "", nil
		}
		return codec{}, "", errcode.New(errcode.BadRequest, map[string]any{"file": t.file, "encoding": s},
			"%s: unknown text encoding %q (try GBK or UTF-8)", t.file, s)
	}
	// Detection: valid UTF-8 is UTF-8; otherwise valid GB18030 beats mojibake.
	var utf8OK, allASCII = true, true
	t.eachText(func(rec, field int, b []byte) bool {
		if !isASCII(b) {
			allASCII = false
			if !validUTF8(b) {
				utf8OK = false
				return false
			}
		}
		return true
	})
	if allASCII {
		return codecUTF8, "", nil
	}
	why := fmt.Sprintf("no .cpg, LDID 0x%02X", ldid)
	if utf8OK {
		return codecUTF8, "guessed: " + why + ", and the bytes are valid UTF-8", nil
	}
	gb := newTextDecoder(codecGB18030)
	var failRec, failField = -1, -1
	t.eachText(func(rec, field int, b []byte) bool {
		if _, ok, _ := decodeField(gb, b); !ok {
			failRec, failField = rec, field
			return false
		}
		return true
	})
	if failField >= 0 {
		d := map[string]any{"file": t.file, "field": t.fieldLabel(failField)}
		where := "a field name"
		if failRec >= 0 {
			d["record"] = failRec
			where = fmt.Sprintf("record %d", failRec)
		}
		return codec{}, "", errcode.New(errcode.UndecodableText, d,
			"%s: text is neither UTF-8 nor GBK/GB18030 (%s, field %s) and neither a .cpg nor the LDID byte says what it is: give the encoding",
			t.file, where, t.fieldLabel(failField))
	}
	return codecGB18030, "guessed: " + why + ", the bytes are not UTF-8 but valid GB18030/GBK", nil
}

// validUTF8 is utf8.Valid allowing one character cut at the end of the field.
func validUTF8(b []byte) bool {
	_, ok, _ := decodeField(newTextDecoder(codecUTF8), b)
	return ok
}

// fieldLabel names field i by its raw name (decoding may not be settled yet).
func (t *dbfTable) fieldLabel(i int) string {
	if t.fields[i].name != "" {
		return t.fields[i].name
	}
	if s, ok := decodeGuess(t.fields[i].raw); ok && s != "" {
		return s
	}
	return fmt.Sprintf("#%d", i)
}

// eachText calls fn with every field name (rec -1) and the trimmed bytes of every
// character field of every record, until fn returns false.
func (t *dbfTable) eachText(fn func(rec, field int, b []byte) bool) {
	for i, f := range t.fields {
		if !fn(-1, i, f.raw) {
			return
		}
	}
	for r := range t.n {
		rec := t.data[r*t.recLen : (r+1)*t.recLen]
		for i, f := range t.fields {
			if f.typ != 'C' || f.skip {
				continue
			}
			if !fn(r, i, trimText(rec[f.off:f.off+f.length])) {
				return
			}
		}
	}
}

// decodeField decodes a text value. A multi-byte character cut short at the end
// of the field (writers truncate at a byte count) is dropped rather than failing
// the value; cut says so. Only an incomplete trailing character is dropped, never
// a complete one, so a wrong encoding is not hidden.
func decodeField(d *textDecoder, b []byte) (s string, ok, cut bool) {
	if s, ok := d.decode(b); ok {
		return s, true, false
	}
	if n := incompleteTail(d.c, b); n > 0 {
		if s, ok := d.decode(b[:len(b)-n]); ok {
			return s, true, true
		}
	}
	return "", false, false
}

// incompleteTail gives the length of an incomplete character at the end of b,
// 0 when there is none.
func incompleteTail(c codec, b []byte) int {
	if c.enc == nil { // UTF-8: a lead byte whose sequence is cut off
		for n := 1; n <= 3 && n <= len(b); n++ {
			if x := b[len(b)-n]; x >= 0xC0 {
				if !utf8.FullRune(b[len(b)-n:]) {
					return n
				}
				return 0
			} else if x < 0x80 {
				return 0
			}
		}
		return 0
	}
	// Double-byte codes: a lone lead byte; GB18030 also a cut four-byte sequence
	// (lead, digit, lead).
	n := len(b)
	switch {
	case n >= 1 && b[n-1] >= 0x81:
		return 1
	case n >= 2 && b[n-2] >= 0x81 && b[n-1] >= 0x30 && b[n-1] <= 0x39:
		return 2
	case n >= 3 && b[n-3] >= 0x81 && b[n-2] >= 0x30 && b[n-2] <= 0x39 && b[n-1] >= 0x81:
		return 3
	}
	return 0
}

func trimText(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimSpace(b)
}

func (t *dbfTable) deleted(i int) bool { return t.data[i*t.recLen] == '*' }

// record decodes record i's attributes.
func (t *dbfTable) record(i int) (map[string]any, error) {
	rec := t.data[i*t.recLen : (i+1)*t.recLen]
	props := make(map[string]any, len(t.fields))
	for fi := range t.fields {
		f := &t.fields[fi]
		if f.skip {
			continue
		}
		v := rec[f.off : f.off+f.length]
		switch f.typ {
		case 'C':
			s, ok, cut := decodeField(t.text, trimText(v))
			if cut {
				t.w.cut = append(t.w.cut, fmt.Sprintf("record %d field %s", i, f.name))
			}
			if !ok {
				return nil, errcode.New(errcode.UndecodableText,
					map[string]any{"file": t.file, "record": i, "field": f.name},
					"%s, record %d, field %s: text is not valid %s", t.file, i, f.name, t.text.c.name)
			}
			if s == "" {
				props[f.name] = nil // blank, as GDAL reads it
			} else {
				props[f.name] = s
			}
		case 'N', 'F':
			props[f.name] = t.number(i, f, v)
		case 'L':
			props[f.name] = nil
			if l := bytes.TrimSpace(v); len(l) > 0 {
				switch l[0] {
				case 'T', 't', 'Y', 'y':
					props[f.name] = true
				case 'F', 'f', 'N', 'n':
					props[f.name] = false
				}
			}
		case 'D':
			s := string(trimText(v))
			switch {
			case s == "" || strings.Trim(s, "0") == "":
				props[f.name] = nil
			case len(s) == 8 && isDigits(s):
				props[f.name] = s[:4] + "-" + s[4:6] + "-" + s[6:]
			default:
				props[f.name] = s
			}
		case 'I', '+':
			props[f.name] = int64(int32(binary.LittleEndian.Uint32(v)))
		case 'O':
			props[f.name] = math.Float64frombits(binary.LittleEndian.Uint64(v))
		}
	}
	return props, nil
}

// number parses an N or F value: blank (or the '*' overflow fill) is nil; an
// integer field gives int64, others float64.
func (t *dbfTable) number(rec int, f *dbfField, v []byte) any {
	s := string(trimText(v))
	if s == "" || strings.Trim(s, "*") == "" {
		return nil
	}
	if f.dec == 0 && f.typ == 'N' {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		t.w.badNum = append(t.w.badNum, fmt.Sprintf("record %d field %s %q", rec, f.name, s))
		return nil
	}
	return x
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
