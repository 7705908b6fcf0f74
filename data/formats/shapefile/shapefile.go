// Package shapefile reads Esri shapefiles (.shp with its .shx, .dbf and optional
// .prj and .cpg), loose or in a .zip, into vector features.
//
// It assumes nothing about the coordinates: they are returned as stored, in the
// CRS of the .prj (passed on as "PRJ:" + its WKT in Collection.CRS, "" without one).
// Z and M values are dropped, with a warning. Polygon rings are assembled by
// containment rather than by trusting their orientation; rings are kept as read
// (orientation and self-intersections are normalised and repaired later, in geo).
//
// Write makes 2-D shapefiles (UTF-8 DBF, shells clockwise), for round-trip tests
// and exports.
//
// Record numbers in messages and in InputError.Details["record"] are 0-based, like
// GDAL's FID and vector.Feature.Index.
//
// Every length and count in the files is checked against the bytes that are really
// there, so a truncated or lying file gives an error, never a panic or an
// allocation larger than a small multiple of the input.
package shapefile

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// Options steer reading.
type Options struct {
	// Encoding is the DBF text encoding to use when neither a .cpg file nor the
	// DBF's language driver id (LDID) says ("GBK", "UTF-8", "CP936", …). "" detects.
	Encoding string
	// Polygonize takes a PolyLine whose parts are all closed rings as the polygon
	// they bound (dataset layers with `polygonize: true`).
	Polygonize bool
	// ClosedLineAsPolygon does the same for footprints, where a boundary drawn in
	// CAD often arrives as a closed line; each such record gets a warning.
	ClosedLineAsPolygon bool
	// Layer picks the shapefile in a .zip that holds several: its base name without
	// extension, or its path inside the archive, compared case-insensitively.
	// "" reads the first one, with a warning naming the others.
	Layer string
	// MaxUncompressed bounds the bytes ReadZip decompresses in total; zero means
	// DefaultMaxUncompressed.
	MaxUncompressed int64
}

// Limits that ReadZip applies against zip bombs.
const (
	// DefaultMaxUncompressed is the total decompressed size ReadZip accepts.
	DefaultMaxUncompressed int64 = 256 << 20
	// MaxRatio is the largest compression ratio accepted for a member larger than
	// RatioFloor once decompressed. Shapefiles compress by 2–10×; 100× is a bomb.
	MaxRatio = 100
	// RatioFloor is the decompressed size under which the ratio is not checked.
	RatioFloor = 1 << 20
)

// Format is the vector.Collection.Format of what this package reads.
const Format = "shapefile"

// ReadFiles reads a shapefile from the contents of its parts. shp, shx and dbf are
// required; prj and cpg are the texts of the .prj and .cpg files, "" when absent.
func ReadFiles(shp, shx, dbf []byte, prj, cpg string, opts Options) (*vector.Collection, error) {
	return read(files{shp: shp, shx: shx, dbf: dbf, prj: prj, cpg: cpg}, opts)
}

// files are the parts of one shapefile; name is its base name for messages.
type files struct {
	name          string
	shp, shx, dbf []byte
	prj, cpg      string
	hasShx        bool
	hasDbf        bool
}

// fileName names one part in messages: "rivers.shp", or ".shp" without a name.
func (f *files) fileName(ext string) string { return f.name + ext }

// ReadPath reads the shapefile at p on disk, as ReadFS does.
func ReadPath(p string, opts Options) (*vector.Collection, error) {
	return ReadFS(os.DirFS(filepath.Dir(p)), filepath.Base(p), opts)
}

// ReadFS reads the shapefile name of fsys (a .shp, or a .zip holding one),
// finding its sidecar files beside it whatever the case of their extensions.
func ReadFS(fsys fs.FS, name string, opts Options) (*vector.Collection, error) {
	ext := strings.ToLower(path.Ext(name))
	if ext == ".zip" {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("shapefile: %w", err)
		}
		return ReadZip(b, opts)
	}
	dir := path.Dir(name)
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("shapefile: %w", err)
	}
	found := map[string]string{} // lower-case extension -> name
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.EqualFold(strings.TrimSuffix(n, path.Ext(n)), base) {
			continue
		}
		x := strings.ToLower(path.Ext(n))
		// Prefer the exact spelling when two files differ only in case.
		if _, ok := found[x]; !ok || n == base+path.Ext(n) {
			found[x] = path.Join(dir, n)
		}
	}
	f := files{name: base}
	if _, ok := found[".shp"]; !ok {
		// The file system's own error names the file as it knows it (on disk: its
		// path).
		if _, err := fs.Stat(fsys, name); err != nil {
			return nil, fmt.Errorf("shapefile: %w", err)
		}
		return nil, fmt.Errorf("shapefile: no %s.shp in %s: %w", base, dir, fs.ErrNotExist)
	}
	load := func(x string) ([]byte, bool, error) {
		n, ok := found[x]
		if !ok {
			return nil, false, nil
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, false, fmt.Errorf("shapefile: %w", err)
		}
		return b, true, nil
	}
	var prj, cpg []byte
	for _, part := range []struct {
		ext string
		dst *[]byte
		has *bool
	}{{".shp", &f.shp, nil}, {".shx", &f.shx, &f.hasShx}, {".dbf", &f.dbf, &f.hasDbf}, {".prj", &prj, nil}, {".cpg", &cpg, nil}} {
		b, ok, err := load(part.ext)
		if err != nil {
			return nil, err
		}
		*part.dst = b
		if part.has != nil {
			*part.has = ok
		}
	}
	f.prj, f.cpg = decodeSidecar(prj), decodeSidecar(cpg)
	return readChecked(f, opts)
}

// read is ReadFiles: parts given as nil are missing.
func read(f files, opts Options) (*vector.Collection, error) {
	f.hasShx, f.hasDbf = f.shx != nil, f.dbf != nil
	return readChecked(f, opts)
}

func readChecked(f files, opts Options) (*vector.Collection, error) {
	for _, p := range []struct {
		ext string
		ok  bool
	}{{".shx", f.hasShx}, {".dbf", f.hasDbf}} {
		if !p.ok {
			return nil, errcode.New(errcode.InvalidArchive, map[string]any{"file": f.fileName(p.ext)},
				"shapefile %s has no %s beside it: a shapefile needs its .shp, .shx and .dbf",
				f.fileName(".shp"), f.fileName(p.ext))
		}
	}
	c := &vector.Collection{Format: Format}
	if wkt := strings.TrimSpace(f.prj); wkt != "" {
		c.CRS = "PRJ:" + wkt
	}
	w := &warnings{}
	table, err := readDBF(f.dbf, f.fileName(".dbf"), f.cpg, opts.Encoding, w)
	if err != nil {
		return nil, err
	}
	geoms, err := readShapes(f.shp, f.shx, f.fileName(".shp"), f.fileName(".shx"), opts, w)
	if err != nil {
		return nil, err
	}
	if len(geoms) != table.n {
		w.addf("%s has %d records but %s has %d: records without attributes get none",
			f.fileName(".shp"), len(geoms), f.fileName(".dbf"), table.n)
	}
	c.Features = make([]vector.Feature, 0, len(geoms))
	for i, g := range geoms {
		if g == nil {
			continue // null or empty shape, already warned about
		}
		var props map[string]any
		if i < table.n {
			if table.deleted(i) {
				w.deleted = append(w.deleted, i)
				continue
			}
			props, err = table.record(i)
			if err != nil {
				return nil, err
			}
		} else {
			props = map[string]any{}
		}
		c.Features = append(c.Features, vector.Feature{Index: i, Geometry: g, Properties: props})
	}
	c.Warnings = w.list()
	return c, nil
}

// decodeSidecar turns a .prj or .cpg file into text: UTF-8 (a BOM removed), or
// GB18030 when the bytes are not UTF-8.
func decodeSidecar(b []byte) string {
	b = trimBOM(b)
	if s, ok := decodeGuess(b); ok {
		return s
	}
	return string(b)
}

// warnings gathers remarks, folding per-record ones into one line each.
type warnings struct {
	msgs     []string
	null     []int // records with a null or empty shape
	deleted  []int // records marked deleted in the .dbf
	closed   []int // closed lines taken as polygons, with a warning
	dropped  []int // degenerate rings or parts dropped
	badNum   []string
	cut      []string // text values whose last character was cut by the field width
	zDropped string
}

func (w *warnings) addf(format string, args ...any) {
	w.msgs = append(w.msgs, fmt.Sprintf(format, args...))
}

func (w *warnings) list() []string {
	out := append([]string(nil), w.msgs...)
	if w.zDropped != "" {
		out = append(out, w.zDropped)
	}
	if len(w.null) > 0 {
		out = append(out, "null or empty shapes skipped: "+records(w.null))
	}
	if len(w.deleted) > 0 {
		out = append(out, "records marked deleted in the .dbf skipped: "+records(w.deleted))
	}
	if len(w.dropped) > 0 {
		out = append(out, "degenerate rings or parts (too few points) dropped: "+records(w.dropped))
	}
	if len(w.closed) > 0 {
		out = append(out, "closed boundary line taken as the polygon it bounds: "+records(w.closed))
	}
	if len(w.badNum) > 0 {
		out = append(out, "unreadable numbers taken as empty: "+first10(w.badNum))
	}
	if len(w.cut) > 0 {
		out = append(out, "text cut mid-character by the field width, the partial character dropped: "+first10(w.cut))
	}
	return out
}

func first10(s []string) string {
	out := strings.Join(s[:min(len(s), 10)], "; ")
	if len(s) > 10 {
		out += fmt.Sprintf(" (and %d more)", len(s)-10)
	}
	return out
}

// records lists record numbers, at most ten of them.
func records(rs []int) string {
	var sb strings.Builder
	if len(rs) == 1 {
		sb.WriteString("record ")
	} else {
		sb.WriteString("records ")
	}
	for i, r := range rs {
		if i == 10 {
			fmt.Fprintf(&sb, " (and %d more)", len(rs)-10)
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprint(&sb, r)
	}
	return sb.String()
}
