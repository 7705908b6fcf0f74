package shapefile

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/redline-gis/redline/data/vector"
)

// Field is a column of a table written by a Stream: text as C(254), numbers as
// N(19,3), the widths Chinese GIS software expects of a ledger.
type Field struct {
	Name    string
	Numeric bool
}

// Stream writes a shapefile of many records without holding them: the .shp, .shx
// and .dbf grow in temporary files and their headers are written at Close, when
// the counts and the extent are known. Text (values and field names) is written
// as GBK and declared so in the .cpg, as Chinese desktop GIS expects; a field name
// is cut to the DBF's 10 bytes at a character boundary and made unique.
type Stream struct {
	fields   []Field
	names    [][]byte
	prj      string
	files    [3]*os.File // shp, shx, dbf
	bufs     [3]*bufio.Writer
	offset   int // .shp length so far, bytes
	records  int
	fileType uint32
	bound    orb.Bound
	rec      []byte
}

const (
	streamTextLen = 254
	streamNumLen  = 19
	streamNumDec  = 3
)

// NewStream starts a shapefile with the given fields in a temporary directory
// (os.TempDir when dir is ""). prj is the .prj text.
func NewStream(dir string, fields []Field, prj string) (*Stream, error) {
	s := &Stream{fields: fields, prj: prj,
		bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	used := map[string]bool{}
	for _, f := range fields {
		n, err := gbkFieldName(f.Name, used)
		if err != nil {
			return nil, err
		}
		s.names = append(s.names, n)
	}
	for i, ext := range []string{"shp", "shx", "dbf"} {
		f, err := os.CreateTemp(dir, "redline-*."+ext)
		if err != nil {
			s.remove()
			return nil, fmt.Errorf("shapefile: temporary .%s: %w", ext, err)
		}
		s.files[i] = f
		s.bufs[i] = bufio.NewWriterSize(f, 64<<10)
	}
	// Headers are rewritten at Close; reserve their room now.
	s.bufs[0].Write(make([]byte, headerLen))
	s.bufs[1].Write(make([]byte, headerLen))
	s.bufs[2].Write(make([]byte, 32+32*len(fields)+1))
	s.offset = headerLen
	return s, nil
}

// gbkFieldName is name in GBK cut to 10 bytes, unique among used.
func gbkFieldName(name string, used map[string]bool) ([]byte, error) {
	base := cutGBK(string(gbkLossy(name, '_')), 10)
	if base == "" {
		base = "FIELD"
	}
	n := base
	for i := 1; used[n]; i++ {
		suffix := "_" + strconv.Itoa(i)
		n = cutGBK(base, 10-len(suffix)) + suffix
	}
	used[n] = true
	return []byte(n), nil
}

// cutGBK cuts GBK text to at most n bytes without splitting a character.
func cutGBK(s string, n int) string {
	i := 0
	for i < len(s) {
		w := 1
		if s[i] >= 0x81 {
			w = 2
		}
		if i+w > n {
			break
		}
		i += w
	}
	return s[:i]
}

// Write adds a record: its geometry (nil for a Null shape; one family per file, as
// in Write) and one value per field, text for text fields and float64 (or nil for
// none) for numeric ones.
func (s *Stream) Write(g orb.Geometry, values []any) error {
	if len(values) != len(s.fields) {
		return fmt.Errorf("shapefile: record %d has %d values for %d fields", s.records, len(values), len(s.fields))
	}
	t, err := shapeTypeOf(g)
	if err != nil {
		return fmt.Errorf("shapefile: record %d: %w", s.records, err)
	}
	if t != typeNull {
		if s.fileType != typeNull && s.fileType != t {
			return fmt.Errorf("shapefile: record %d is a %s in a file of %s: one shape type per file", s.records, typeName(t), typeName(s.fileType))
		}
		s.fileType = t
		s.bound = s.bound.Union(g.Bound())
	}
	// One record through the in-memory encoder: its content follows the file
	// header and the record header.
	shp, _ := encodeShapes(t, []vector.Feature{{Geometry: g}})
	content := shp[headerLen+8:]
	rec := binary.BigEndian.AppendUint32(s.rec[:0], uint32(s.records+1))
	rec = binary.BigEndian.AppendUint32(rec, uint32(len(content)/2))
	s.bufs[0].Write(rec)
	s.bufs[0].Write(content)
	var idx [8]byte
	binary.BigEndian.PutUint32(idx[:], uint32(s.offset/2))
	binary.BigEndian.PutUint32(idx[4:], uint32(len(content)/2))
	s.bufs[1].Write(idx[:])
	s.offset += 8 + len(content)

	row := append(s.rec[:0], ' ')
	for i, f := range s.fields {
		if f.Numeric {
			var txt string
			switch v := values[i].(type) {
			case nil:
			case float64:
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					txt = strconv.FormatFloat(v, 'f', streamNumDec, 64)
				}
			default:
				return fmt.Errorf("shapefile: record %d, field %s: %T is not a number", s.records, f.Name, v)
			}
			if len(txt) > streamNumLen {
				return fmt.Errorf("shapefile: record %d, field %s: %s does not fit N(%d,%d)", s.records, f.Name, txt, streamNumLen, streamNumDec)
			}
			for range streamNumLen - len(txt) {
				row = append(row, ' ')
			}
			row = append(row, txt...)
			continue
		}
		txt, _ := values[i].(string)
		// A character GBK lacks becomes '?': written as GB18030 it would not read
		// back as GBK.
		b := []byte(cutGBK(string(gbkLossy(txt, '?')), streamTextLen))
		row = append(row, b...)
		for range streamTextLen - len(b) {
			row = append(row, ' ')
		}
	}
	s.bufs[2].Write(row)
	s.rec = row[:0]
	s.records++
	return nil
}

// gbkLossy encodes s as GBK with repl for the characters GBK lacks.
func gbkLossy(s string, repl byte) []byte {
	enc := simplifiedchinese.GBK.NewEncoder()
	out := make([]byte, 0, len(s))
	for _, r := range s {
		c, err := enc.String(string(r))
		if err != nil {
			out = append(out, repl)
			continue
		}
		out = append(out, c...)
	}
	return out
}

// Close writes the headers and packs name.shp, .shx, .dbf, .prj and .cpg (GBK)
// into a zip on w, then removes the temporary files.
func (s *Stream) Close(w io.Writer, name string) error {
	defer s.remove()
	for i, b := range s.bufs {
		if i == 2 {
			b.WriteByte(0x1A)
		}
		if err := b.Flush(); err != nil {
			return fmt.Errorf("shapefile: write temporary file: %w", err)
		}
	}
	if math.IsInf(s.bound.Min[0], 0) {
		s.bound = orb.Bound{}
	}
	le := binary.LittleEndian
	header := func(length int) []byte {
		h := make([]byte, headerLen)
		binary.BigEndian.PutUint32(h, fileCode)
		binary.BigEndian.PutUint32(h[24:], uint32(length/2))
		le.PutUint32(h[28:], 1000)
		le.PutUint32(h[32:], s.fileType)
		for k, v := range []float64{s.bound.Min[0], s.bound.Min[1], s.bound.Max[0], s.bound.Max[1]} {
			le.PutUint64(h[36+8*k:], math.Float64bits(v))
		}
		return h
	}
	if _, err := s.files[0].WriteAt(header(s.offset), 0); err != nil {
		return fmt.Errorf("shapefile: .shp header: %w", err)
	}
	if _, err := s.files[1].WriteAt(header(headerLen+8*s.records), 0); err != nil {
		return fmt.Errorf("shapefile: .shx header: %w", err)
	}
	if _, err := s.files[2].WriteAt(s.dbfHeader(), 0); err != nil {
		return fmt.Errorf("shapefile: .dbf header: %w", err)
	}
	zw := zip.NewWriter(w)
	for i, ext := range []string{".shp", ".shx", ".dbf"} {
		if _, err := s.files[i].Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("shapefile: %w", err)
		}
		zf, err := zw.Create(name + ext)
		if err != nil {
			return fmt.Errorf("shapefile: zip %s: %w", ext, err)
		}
		if _, err := io.Copy(zf, s.files[i]); err != nil {
			return fmt.Errorf("shapefile: zip %s: %w", ext, err)
		}
	}
	for _, p := range [][2]string{{".prj", s.prj}, {".cpg", "GBK"}} {
		if p[1] == "" {
			continue
		}
		zf, err := zw.Create(name + p[0])
		if err != nil {
			return fmt.Errorf("shapefile: zip %s: %w", p[0], err)
		}
		if _, err := io.WriteString(zf, p[1]); err != nil {
			return fmt.Errorf("shapefile: zip %s: %w", p[0], err)
		}
	}
	return zw.Close()
}

func (s *Stream) dbfHeader() []byte {
	le := binary.LittleEndian
	hl := 32 + 32*len(s.fields) + 1
	rl := 1
	for _, f := range s.fields {
		if f.Numeric {
			rl += streamNumLen
		} else {
			rl += streamTextLen
		}
	}
	h := make([]byte, hl)
	h[0] = 3
	h[1], h[2], h[3] = 126, 1, 1
	le.PutUint32(h[4:], uint32(s.records))
	le.PutUint16(h[8:], uint16(hl))
	le.PutUint16(h[10:], uint16(rl))
	h[29] = 0x4D // LDID 936: GBK, for readers that ignore the .cpg
	for i, f := range s.fields {
		d := h[32+32*i:]
		copy(d[:11], s.names[i])
		if f.Numeric {
			d[11], d[16], d[17] = 'N', streamNumLen, streamNumDec
		} else {
			d[11], d[16] = 'C', streamTextLen
		}
	}
	h[hl-1] = 0x0D
	return h
}

// remove deletes the temporary files.
func (s *Stream) remove() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
}
