package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/formats/coords"
	"github.com/redline-gis/redline/data/formats/dxf"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/formats/gpkg"
	"github.com/redline-gis/redline/data/formats/gtxt"
	"github.com/redline-gis/redline/data/formats/kml"
	"github.com/redline-gis/redline/data/formats/shapefile"
	"github.com/redline-gis/redline/data/formats/wkt"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// This file reads: bytes (Read), files in a file system (ReadFS) or on disk
// (ReadPath), handing each to the reader that sniff.go chose. The features come
// out in the source's coordinates; formats.go takes them to lon/lat.

// Options steer reading.
type Options struct {
	// Name is the file name (used for detection by extension); may be "".
	Name string
	// CRS is a declared CRS that overrides what the source says ("EPSG:4524",
	// "GCJ02", "BD09", …); "" detects. Reading ignores it: it is for ToLonLat and
	// Resolve.
	CRS string
	// Encoding is the DBF text encoding when neither .cpg nor LDID says.
	Encoding string
	// Polygonize takes closed boundary lines as the polygons they bound (layers),
	// in every format: a line, or a multi-line whose parts are all closed.
	Polygonize bool
	// ClosedLineAsPolygon does the same for footprints (boundaries drawn in CAD),
	// with a warning per feature.
	ClosedLineAsPolygon bool
	// Layer picks the GeoPackage table, or the shapefile in a zip holding several;
	// "" takes the first.
	Layer string
	// MaxUncompressed bounds what a zip (shapefile zip, KMZ) may inflate to; zero
	// means the readers' defaults (256 MiB shapefile, 200 MiB KMZ).
	MaxUncompressed int64
	// DXFLayer names the layer of a DXF drawing that holds the boundary; ""
	// chooses one (see data/formats/dxf).
	DXFLayer string
}

func (opts Options) dxf() dxf.Options { return dxf.Options{Layer: opts.DXFLayer} }

func (opts Options) shapefile() shapefile.Options {
	return shapefile.Options{Encoding: opts.Encoding, Polygonize: opts.Polygonize,
		ClosedLineAsPolygon: opts.ClosedLineAsPolygon, Layer: opts.Layer, MaxUncompressed: opts.MaxUncompressed}
}

func (opts Options) kml() kml.Options {
	return kml.Options{Ovital: isOvital(extOf(opts.Name)), MaxUncompressed: opts.MaxUncompressed}
}

// Read parses b in whatever supported format it is (sniff says how it tells). A
// CSV table with a WKT column (ogr2ogr -lco GEOMETRY=AS_WKT, QGIS) gives one
// feature per row. Text saved as UTF-16 ("Unicode" in Windows Notepad) is
// converted first. A format redline does not read is refused with
// unsupported_media_type. Errors carry the file name (Options.Name) in their
// message and Details["file"].
func Read(b []byte, opts Options) (*vector.Collection, error) {
	c, err := read(b, opts)
	if err == nil {
		polygonize(c, opts)
	}
	if err != nil && opts.Name != "" {
		var ie *errcode.Error
		if errors.As(err, &ie) {
			if ie.Details == nil {
				ie.Details = map[string]any{}
			}
			if _, ok := ie.Details["file"]; !ok {
				ie.Details["file"] = opts.Name
			}
			if !strings.HasPrefix(ie.Message, opts.Name) {
				ie.Message = opts.Name + ": " + ie.Message
			}
		}
	}
	return c, err
}

// Read's post-processing: closed lines taken as areas when asked (the shapefile
// reader does this itself, with the same options), and always for a DXF drawing,
// whose reader gives the closed shapes of the boundary's layer as closed lines.
func polygonize(c *vector.Collection, opts Options) {
	if c == nil || c.Format == shapefile.Format {
		return
	}
	isDXF := c.Format == dxf.Format
	if !(opts.Polygonize || opts.ClosedLineAsPolygon || isDXF) {
		return
	}
	closed := func(ls orb.LineString) bool { return len(ls) >= 4 && ls[0] == ls[len(ls)-1] }
	for i := range c.Features {
		f := &c.Features[i]
		var rings []orb.Ring
		switch g := f.Geometry.(type) {
		case orb.LineString:
			if closed(g) {
				rings = []orb.Ring{orb.Ring(g)}
			}
		case orb.MultiLineString:
			for _, ls := range g {
				if !closed(ls) {
					rings = nil
					break
				}
				rings = append(rings, orb.Ring(ls))
			}
		}
		if len(rings) == 0 || len(rings) > 10_000 {
			continue
		}
		f.Geometry = coords.Polygons(rings)
		if opts.ClosedLineAsPolygon && !isDXF {
			c.Warnings = append(c.Warnings, fmt.Sprintf("feature %d: a closed line was taken as the area it bounds", f.Index))
		}
	}
}

func read(b []byte, opts Options) (*vector.Collection, error) {
	if u, ok := fromUTF16(b); ok {
		b = u
	}
	k, err := sniff(b, opts.Name)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindZip:
		return readZip(b, opts)
	case kindGPKG:
		return gpkg.Read(b, opts.Layer)
	case kindGeoJSON:
		return geojson.Read(b)
	case kindGTXT:
		return gtxt.Read(b)
	case kindKML:
		return kml.Read(b, opts.kml())
	case kindWKT:
		return wkt.Read(b)
	case kindWKTCSV:
		return wkt.ReadCSV(b)
	case kindDXF:
		return dxf.Read(b, opts.dxf())
	}
	c, err := coords.Read(b)
	if err != nil && !hasCoordinateLine(trimText(b)) {
		return nil, errcode.New(errcode.UnsupportedMedia, fileDetails(opts.Name),
			"not a format redline reads (GeoJSON, shapefile .zip, GeoPackage, KML/KMZ, 国土 TXT, DXF, WKT, coordinate list): %v", err)
	}
	return c, err
}

func fileDetails(name string) map[string]any {
	if name == "" {
		return nil
	}
	return map[string]any{"file": name}
}

// readZip tells a KMZ from a shapefile zip by its members.
func readZip(b []byte, opts Options) (*vector.Collection, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, fileDetails(opts.Name), "not a readable zip archive: %v", err)
	}
	names := make([]string, len(zr.File))
	for i, f := range zr.File {
		names[i] = f.Name
	}
	if kml.IsKMZ(names) {
		return kml.ReadKMZ(b, opts.kml())
	}
	if f := zippedDXF(zr.File); f != nil {
		return readZippedDXF(f, opts)
	}
	return shapefile.ReadZip(b, opts.shapefile())
}

// zippedDXF is the one .dxf member of an archive that holds no shapefile and no
// other drawing; nil otherwise.
func zippedDXF(files []*zip.File) *zip.File {
	var found *zip.File
	for _, f := range files {
		base := path.Base(f.Name)
		if strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			continue
		}
		switch strings.ToLower(path.Ext(base)) {
		case ".shp":
			return nil
		case ".dxf":
			if found != nil {
				return nil // several drawings: the shapefile reader's error lists the archive
			}
			found = f
		}
	}
	return found
}

// readZippedDXF inflates a zipped drawing within the archive limits (the
// shapefile zip's size and ratio bounds) and reads it.
func readZippedDXF(f *zip.File, opts Options) (*vector.Collection, error) {
	limit := opts.MaxUncompressed
	if limit <= 0 {
		limit = shapefile.DefaultMaxUncompressed
	}
	d := map[string]any{"member": f.Name}
	if f.UncompressedSize64 > uint64(limit) ||
		f.UncompressedSize64 > shapefile.RatioFloor && f.UncompressedSize64 > shapefile.MaxRatio*f.CompressedSize64 {
		return nil, errcode.New(errcode.PayloadTooLarge, d, "zip member %q declares %d bytes once decompressed (%d compressed): refused", f.Name, f.UncompressedSize64, f.CompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q: %v", f.Name, err)
	}
	if uint64(len(b)) > f.UncompressedSize64 {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q inflates past its declared size: refused", f.Name)
	}
	opts.Name = path.Base(f.Name)
	return read(b, opts)
}

// ReadFS reads the file name (slash-separated, as fs.FS names files) of fsys: a
// dataset's layer from disk or from the binary (data.LoadFS), or a file given on
// the command line (ReadPath). A .shp is read with its sidecars (.shx, .dbf, .prj,
// .cpg) from the same folder; a .gpkg is opened where it lies when fsys gives
// files on disk (os.DirFS, DirFS), else through a temporary copy, since SQLite
// reads files; anything else is read whole and passed to Read. opts.Name
// defaults to the base name.
func ReadFS(fsys fs.FS, name string, opts Options) (*vector.Collection, error) {
	if opts.Name == "" {
		opts.Name = path.Base(name)
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".shp":
		return shapefile.ReadFS(fsys, name, opts.shapefile())
	case ".gpkg":
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err // a *fs.PathError, naming the file
		}
		if osf, ok := f.(*os.File); ok {
			f.Close()
			return gpkg.ReadPath(osf.Name(), opts.Layer)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return Read(b, opts)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err // a *fs.PathError, naming the file
	}
	return Read(b, opts)
}

// ReadPath reads the file at p on disk, as ReadFS does.
func ReadPath(p string, opts Options) (*vector.Collection, error) {
	return ReadFS(DirFS(filepath.Dir(p)), filepath.Base(p), opts)
}

// DirFS is os.DirFS(dir), except that its errors name files by their path on disk
// (dir joined with the name), as os.Open's do: a message read far from the call
// (a dataset that failed to load) then still says where the file is.
func DirFS(dir string) fs.FS { return dirFS{fsys: os.DirFS(dir), dir: dir} }

// dirFS keeps the interfaces of os.DirFS that readers use: ReadDir for shapefile
// sidecars, ReadFile, Stat, and *os.File from Open (for GeoPackages in place).
type dirFS struct {
	fsys fs.FS
	dir  string
}

func (d dirFS) Open(name string) (fs.File, error) {
	f, err := d.fsys.Open(name)
	return f, d.onDisk(err)
}

func (d dirFS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(d.fsys, name)
	return b, d.onDisk(err)
}

func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	e, err := fs.ReadDir(d.fsys, name)
	return e, d.onDisk(err)
}

func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(d.fsys, name)
	return fi, d.onDisk(err)
}

func (d dirFS) onDisk(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && !filepath.IsAbs(pe.Path) {
		pe.Path = filepath.Join(d.dir, filepath.FromSlash(pe.Path))
	}
	return err
}
