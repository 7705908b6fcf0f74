package formats

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/redline-gis/redline/data/formats/dxf"
	"github.com/redline-gis/redline/data/formats/gtxt"
	"github.com/redline-gis/redline/data/formats/wkt"
	"github.com/redline-gis/redline/errcode"
)

// This file tells which format a byte stream is in; read.go hands it to the
// format's reader. Nothing here looks at coordinates.

// kind is a format as sniff tells it.
type kind int

const (
	kindGeoJSON kind = iota + 1
	kindZip          // a shapefile zip or a KMZ: readZip tells them apart by their members
	kindGPKG
	kindGTXT
	kindKML
	kindWKT
	kindWKTCSV // a CSV table with a WKT column
	kindCoords // a pasted coordinate list: what text is when it is nothing else
	kindDXF    // an ASCII DXF drawing
)

// Magic numbers of binary formats.
const (
	zipMagic    = "PK\x03\x04"
	zipEmpty    = "PK\x05\x06" // the end record of an archive without members
	sqliteMagic = "SQLite format 3\x00"
	shpMagic    = "\x00\x00\x27\x0a" // file code 9994, big-endian
)

// sniff tells the format of b (UTF-8 or GBK text, or binary; UTF-16 text is
// converted before) named name ("" when unknown): by content first (zip, SQLite,
// a DXF's first SECTION, JSON, XML, the 国土 TXT section markers, WKT keywords, a
// CSV header naming a WKT column), then by the name's extension, else text is a
// coordinate list. Binary DXF and DWG are refused. What
// redline cannot read is an *errcode.Error saying what to send instead.
func sniff(b []byte, name string) (kind, error) {
	ext := extOf(name)
	switch {
	case len(b) == 0:
		return 0, errcode.New(errcode.EmptyGeometry, fileDetails(name), "the file is empty")
	case bytes.HasPrefix(b, []byte(zipMagic)) || bytes.HasPrefix(b, []byte(zipEmpty)):
		return kindZip, nil
	case bytes.HasPrefix(b, []byte(sqliteMagic)):
		return kindGPKG, nil
	case bytes.HasPrefix(b, []byte(shpMagic)) || ext == ".shp" || ext == ".shx" || ext == ".dbf":
		return 0, errcode.New(errcode.InvalidArchive, fileDetails(name),
			"a .shp, .shx or .dbf alone cannot be read: send the shapefile as one .zip holding .shp, .shx, .dbf (and .prj, .cpg)")
	}
	text := trimText(b)
	switch {
	case bytes.HasPrefix(b, []byte(dxf.BinarySentinel)):
		return 0, errcode.New(errcode.UnsupportedMedia, fileDetails(name),
			"a binary DXF is not read: save the drawing as ASCII DXF (AutoCAD: SAVEAS, DXF, without the binary option)")
	case ext == ".dwg" || bytes.HasPrefix(b, []byte("AC10")):
		return 0, errcode.New(errcode.UnsupportedMedia, fileDetails(name),
			"DWG drawings are not read: save the drawing as ASCII DXF (or export the boundary as a shapefile, a 国土 TXT 界址点 file or GeoJSON)")
	case !jsonStart(text) && dxf.Sniff(text) || ext == ".dxf" && isText(b):
		return kindDXF, nil
	}
	switch {
	case len(text) > 0 && text[0] == '{':
		return kindGeoJSON, nil
	case gtxt.Sniff(b):
		return kindGTXT, nil
	case len(text) > 0 && text[0] == '[':
		return kindGeoJSON, nil
	case len(text) > 0 && text[0] == '<':
		head := text[:min(len(text), 4096)]
		if bytes.Contains(head, []byte("<kml")) || bytes.Contains(head, []byte(":kml")) || ext == ".kml" || isOvital(ext) {
			return kindKML, nil
		}
		return 0, errcode.New(errcode.UnsupportedMedia, fileDetails(name),
			"XML that is not KML (GML, GPX and others are not read): convert it to GeoJSON, KML or a shapefile")
	case looksWKT(text):
		return kindWKT, nil
	case wkt.SniffCSV(text):
		return kindWKTCSV, nil
	}
	switch ext {
	case ".geojson", ".json":
		return kindGeoJSON, nil
	case ".kml", ".ovkml":
		return kindKML, nil
	case ".gpkg":
		return kindGPKG, nil
	case ".wkt":
		return kindWKT, nil
	}
	if bytes.HasPrefix(b, []byte("%PDF-")) {
		// Text enough to pass for a coordinate list, which would then complain of
		// its second line: say what it is instead.
		return 0, errcode.New(errcode.UnsupportedMedia, fileDetails(name),
			"a PDF document is not read: export the boundary as GeoJSON, a shapefile .zip, KML or a 国土 TXT 界址点 file")
	}
	if !isText(b) {
		return 0, errcode.New(errcode.UnsupportedMedia, fileDetails(name),
			"not a format redline reads (GeoJSON, shapefile .zip, GeoPackage, KML/KMZ, 国土 TXT, DXF, WKT, coordinate list)")
	}
	return kindCoords, nil
}

// extOf is the lower-case extension of a file name, which may be a Windows path.
func extOf(name string) string {
	return strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
}

// isOvital: 奥维 exports, KML in GCJ-02 whatever they declare.
func isOvital(ext string) bool { return ext == ".ovkml" || ext == ".ovkmz" }

// trimText is b without a UTF-8 byte-order mark and leading white space.
// jsonStart: text opens a JSON object or array, which no DXF group-code line
// does (dxf.Sniff would only build the error that says so, for every check).
func jsonStart(text []byte) bool { return len(text) > 0 && (text[0] == '{' || text[0] == '[') }

func trimText(b []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\ufeff")), " \t\r\n")
}

// fromUTF16 converts text with a UTF-16 byte-order mark to UTF-8.
func fromUTF16(b []byte) ([]byte, bool) {
	if len(b) < 2 || !(b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return nil, false
	}
	u, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	if err != nil {
		return nil, false
	}
	return u, true
}

// looksWKT: the text starts with a WKT type keyword, or an EWKT SRID prefix.
func looksWKT(text []byte) bool {
	head := strings.ToUpper(string(text[:min(len(text), 32)]))
	if strings.HasPrefix(head, "SRID=") {
		return true
	}
	for _, k := range []string{"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"} {
		if strings.HasPrefix(head, k) {
			rest := strings.TrimLeft(head[len(k):], " ZM")
			if rest == "" || rest[0] == '(' || strings.HasPrefix(rest, "EMPTY") {
				return true
			}
		}
	}
	return false
}

// isText: UTF-8, or GBK-looking bytes without NULs.
func isText(b []byte) bool {
	head := b[:min(len(b), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if utf8.Valid(head) {
		return true
	}
	// GBK text: non-ASCII bytes come in lead/trail pairs 0x81–0xFE, 0x40–0xFE.
	for i := 0; i < len(head); i++ {
		c := head[i]
		if c < 0x80 {
			continue
		}
		if c < 0x81 || c == 0xFF || i+1 >= len(head) {
			return i+1 >= len(head) // a pair cut at the 8 KiB boundary is fine
		}
		if t := head[i+1]; t < 0x40 || t == 0x7F || t == 0xFF {
			return false
		}
		i++
	}
	return true
}

// hasCoordinateLine: some line holds two numbers, so a coordinate-list error is
// about a coordinate list and not about some other text.
func hasCoordinateLine(text []byte) bool {
	for _, ln := range bytes.Split(text, []byte("\n")) {
		n := 0
		for _, f := range bytes.FieldsFunc(ln, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' || r == '，' }) {
			if len(f) > 0 && (f[0] >= '0' && f[0] <= '9' || f[0] == '-' || f[0] == '.') {
				n++
			}
		}
		if n >= 2 {
			return true
		}
	}
	return false
}
