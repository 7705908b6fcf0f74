package intake

import (
	"io"
	"path"
	"strings"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo/crs"
)

// The media types of a JSON batch, and the ones that say NDJSON.
var (
	jsonBatchTypes = map[string]bool{
		"": true, "application/json": true, "application/geo+json": true, "text/json": true,
	}
	ndjsonTypes = map[string]bool{
		"application/x-ndjson": true, "application/ndjson": true, "application/geo+json-seq": true,
		"application/jsonl": true, "application/x-jsonlines": true,
	}
	ndjsonExts = map[string]bool{".ndjson": true, ".jsonl": true, ".geojsonl": true, ".geojsons": true}
)

func ndjson(name, mediaType string) bool {
	return ndjsonTypes[mediaType] || ndjsonExts[strings.ToLower(path.Ext(name))]
}

// Streams reports whether a batch named name ("" or "-" when it has none) of
// media type mediaType ("" when unknown) is streamed — read as it arrives, one
// feature at a time, in lon/lat — rather than read whole by its format's reader:
// NDJSON always; a GeoJSON FeatureCollection unless a crs is declared (its reader
// converts). The choice does not change the answer, only the memory it takes.
func Streams(name, mediaType string, fields Fields) bool {
	if ndjson(name, mediaType) {
		return true
	}
	if fields["crs"] != "" {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".geojson", ".json":
		return true
	case "":
		// A named file without extension and without a JSON media type may be
		// anything: its reader tells from the content.
		return (name == "" || name == "-" || mediaType != "") && jsonBatchTypes[mediaType]
	}
	return false
}

// OpenBatch returns the features of a batch read from r, named name ("" or "-"
// when it has none) with media type mediaType, with the option fields (crs,
// encoding, dxf_layer) beside it: streamed when Streams says so, else read whole
// in any supported format and converted to lon/lat. maxVertices bounds each feature (0:
// no bound); a feature beyond it, or with bad coordinates, gets an error record and
// the batch goes on.
func OpenBatch(r io.Reader, name, mediaType string, fields Fields, maxVertices int) (batch.Reader, error) {
	if err := fields.only(BatchOptions()); err != nil {
		return nil, err
	}
	if Streams(name, mediaType, fields) {
		if ndjson(name, mediaType) {
			if err := streamCRS(fields["crs"]); err != nil {
				return nil, err
			}
			mediaType = "application/x-ndjson"
		}
		return batch.Open(r, mediaType, maxVertices), nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return whole(name, fields, maxVertices, func(opts formats.Options) (*vector.Collection, error) { return formats.Read(b, opts) })
}

// OpenBatchPath reads a batch file on disk whole (a .shp with its sidecars, a
// .gpkg in place) and converts it to lon/lat; for files that stream, open them and
// call OpenBatch.
func OpenBatchPath(p string, fields Fields, maxVertices int) (batch.Reader, error) {
	if err := fields.only(BatchOptions()); err != nil {
		return nil, err
	}
	return whole(p, fields, maxVertices, func(opts formats.Options) (*vector.Collection, error) { return formats.ReadPath(p, opts) })
}

// whole reads a batch named name whole with read, and converts it to lon/lat.
func whole(name string, fields Fields, maxVertices int, read func(formats.Options) (*vector.Collection, error)) (batch.Reader, error) {
	if name == "-" {
		name = ""
	}
	opts := formats.Options{Name: name, CRS: fields["crs"], Encoding: fields["encoding"], DXFLayer: fields["dxf_layer"]}
	c, err := read(opts)
	if err != nil {
		return nil, err
	}
	if _, _, err := formats.ToLonLat(c, opts); err != nil {
		return nil, err
	}
	s := batch.NewSlice(c)
	s.MaxVertices = maxVertices
	return s, nil
}

// streamCRS refuses a declared crs an NDJSON stream cannot honour: the stream is
// read as lon/lat, one line at a time, with no reader to convert it.
func streamCRS(name string) error {
	if name == "" {
		return nil
	}
	c, err := formats.ParseCRS(name)
	if err != nil {
		return err
	}
	if c.Kind != crs.Geographic || c.Datum.Shifted() {
		return errcode.New(errcode.UnsupportedCRS, map[string]any{"field": "crs"},
			"NDJSON batches are read as CGCS2000/WGS84 longitude/latitude, not %s: send the batch as a FeatureCollection or a file in another format for crs to apply", c)
	}
	return nil
}
