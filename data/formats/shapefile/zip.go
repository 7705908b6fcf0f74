package shapefile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// ReadZip reads the shapefile in a .zip archive, possibly in a folder. Member names
// may be UTF-8 (flag bit 11) or GBK, as Chinese Windows writes them. An archive
// with several shapefiles gives the one named by opts.Layer, else the first with a
// warning. Refused: member names that climb out of the archive ("../", absolute
// paths) and no .shp (invalid_archive); more than opts.MaxUncompressed bytes once
// decompressed, or a member over RatioFloor compressed more than MaxRatio:1
// (payload_too_large).
func ReadZip(b []byte, opts Options) (*vector.Collection, error) {
	limit := opts.MaxUncompressed
	if limit <= 0 {
		limit = DefaultMaxUncompressed
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, nil, "not a readable zip archive: %v", err)
	}
	var total uint64
	groups := map[string]map[string]zipMember{} // lower-case dir/base -> lower-case ext -> member
	var order []string                          // .shp groups in archive order
	for i, f := range zr.File {
		name := zipName(f)
		d := map[string]any{"file": name, "member": i}
		if unsafeName(name) {
			return nil, errcode.New(errcode.InvalidArchive, d,
				"zip member %q has a path that leaves the archive (absolute or with ..): refused", name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		total += f.UncompressedSize64
		if total > uint64(limit) {
			return nil, errcode.New(errcode.PayloadTooLarge, d,
				"zip archive declares more than %d bytes once decompressed (at member %q): refused", limit, name)
		}
		if f.UncompressedSize64 > RatioFloor && f.UncompressedSize64 > MaxRatio*f.CompressedSize64 {
			return nil, errcode.New(errcode.PayloadTooLarge, d,
				"zip member %q is compressed %d bytes to %d, more than %d:1: refused as a zip bomb",
				name, f.UncompressedSize64, f.CompressedSize64, MaxRatio)
		}
		base := path.Base(name)
		if strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, "._") {
			continue // macOS resource forks
		}
		ext := strings.ToLower(path.Ext(base))
		key := strings.ToLower(strings.TrimSuffix(name, path.Ext(base)))
		if groups[key] == nil {
			groups[key] = map[string]zipMember{}
		}
		if _, dup := groups[key][ext]; !dup {
			groups[key][ext] = zipMember{f: f, name: name}
			if ext == ".shp" {
				order = append(order, key)
			}
		}
	}
	if len(order) == 0 {
		return nil, errcode.New(errcode.InvalidArchive, nil, "zip archive holds no shapefile (.shp)")
	}
	var warn string
	pick := order[0]
	if opts.Layer != "" {
		want := strings.ToLower(strings.TrimSuffix(opts.Layer, path.Ext(opts.Layer)))
		pick = ""
		for _, k := range order {
			if k == want || path.Base(k) == want {
				pick = k
				break
			}
		}
		if pick == "" {
			return nil, errcode.New(errcode.InvalidArchive, map[string]any{"layer": opts.Layer},
				"zip archive holds no shapefile named %q; it holds %s", opts.Layer, shpNames(groups, order))
		}
	} else if len(order) > 1 {
		warn = fmt.Sprintf("zip archive holds %d shapefiles (%s); read the first, %s",
			len(order), shpNames(groups, order), groups[pick][".shp"].name)
	}
	g := groups[pick]
	shpName := g[".shp"].name
	f := files{name: strings.TrimSuffix(shpName, path.Ext(shpName))}
	budget := limit
	read := func(ext string) ([]byte, bool, error) {
		m, ok := g[ext]
		if !ok {
			return nil, false, nil
		}
		data, err := readMember(m.f, m.name, &budget)
		return data, err == nil, err
	}
	var prj, cpg []byte
	for _, p := range []struct {
		ext string
		dst *[]byte
		has *bool
	}{{".shp", &f.shp, nil}, {".shx", &f.shx, &f.hasShx}, {".dbf", &f.dbf, &f.hasDbf}, {".prj", &prj, nil}, {".cpg", &cpg, nil}} {
		data, ok, err := read(p.ext)
		if err != nil {
			return nil, err
		}
		*p.dst = data
		if p.has != nil {
			*p.has = ok
		}
	}
	f.prj, f.cpg = decodeSidecar(prj), decodeSidecar(cpg)
	c, err := readChecked(f, opts)
	if err != nil {
		return nil, err
	}
	if warn != "" {
		c.Warnings = append([]string{warn}, c.Warnings...)
	}
	return c, nil
}

// readMember decompresses one member, never more than its declared size or the
// remaining budget. It inflates the raw data itself (stored and deflate, what
// shapefile zips use) so that a member inflating past its declared size is told
// apart from a corrupt one.
func readMember(f *zip.File, name string, budget *int64) ([]byte, error) {
	d := map[string]any{"file": name}
	if f.UncompressedSize64 > uint64(*budget) {
		return nil, errcode.New(errcode.PayloadTooLarge, d, "zip member %q is too large once decompressed", name)
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q cannot be read: %v", name, err)
	}
	var r io.Reader
	switch f.Method {
	case zip.Store:
		r = raw
	case zip.Deflate:
		fr := flate.NewReader(raw)
		defer fr.Close()
		r = fr
	default:
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q uses compression method %d; only stored and deflate are read", name, f.Method)
	}
	limit := int64(f.UncompressedSize64)
	buf := bytes.NewBuffer(make([]byte, 0, min(limit, 64<<20)))
	// Read one byte more than declared: a member that gives it lies about its size.
	n, err := io.Copy(buf, io.LimitReader(r, limit+1))
	if n > limit {
		return nil, errcode.New(errcode.PayloadTooLarge, d,
			"zip member %q decompresses to more than the %d bytes it declares: refused as a zip bomb", name, limit)
	}
	if err != nil || n < limit {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q is corrupt or truncated (%d of %d bytes): %v", name, n, limit, err)
	}
	if crc32.ChecksumIEEE(buf.Bytes()) != f.CRC32 {
		return nil, errcode.New(errcode.InvalidArchive, d, "zip member %q fails its checksum", name)
	}
	*budget -= n
	return buf.Bytes(), nil
}

// zipName decodes a member name: UTF-8 when flag bit 11 says so; otherwise UTF-8
// when the bytes are valid UTF-8, else GB18030 (GBK), as Chinese Windows writes.
// Backslashes (written by some Windows tools) become slashes.
func zipName(f *zip.File) string {
	raw := []byte(f.Name)
	var s string
	switch {
	case f.Flags&0x800 != 0 && utf8.Valid(raw):
		s = f.Name
	default:
		var ok bool
		if s, ok = decodeGuess(raw); !ok {
			s = strings.ToValidUTF8(f.Name, "\uFFFD")
		}
	}
	return strings.ReplaceAll(s, "\\", "/")
}

// unsafeName reports member names that would escape a folder they were unpacked in.
func unsafeName(name string) bool {
	if strings.HasPrefix(name, "/") || (len(name) >= 2 && name[1] == ':') {
		return true
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// zipMember is one archive member with its decoded, slash-separated name.
type zipMember struct {
	f    *zip.File
	name string
}

// shpNames lists the .shp members of an archive for messages.
func shpNames(groups map[string]map[string]zipMember, order []string) string {
	names := make([]string, 0, len(order))
	for _, k := range order {
		names = append(names, groups[k][".shp"].name)
	}
	return strings.Join(names, ", ")
}
