// Package intake turns what a caller sends into the engine's inputs, the same way
// for the command line and HTTP: a check envelope or a footprint file in any format
// with its option fields (multipart parts, query parameters, CLI flags) becomes a
// zones.Footprint in lon/lat, a zones.Project and zones.CheckOptions; a batch
// (FeatureCollection, NDJSON, or a file in any format) becomes a batch.Reader.
//
// It owns the envelope's members, the one list of option fields and how each is
// parsed, how options beside an envelope combine with it, where project facts come
// from (the envelope, a "project" field, the footprint file's own "project" member),
// and which batches stream. The transports only read their bytes and fields (a
// request body, a multipart form, a file or stdin) and render the answer; reading
// files named by a caller (--project @FILE) is the CLI's alone.
//
// Errors are *errcode.Error with the codes of DESIGN.md.
package intake

import (
	"flag"
	"slices"
	"strconv"
	"strings"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// Fields are option fields as text, by name ("buffer_m": "0"), as multipart parts,
// query parameters and CLI flags give them. A field that is absent (or empty) leaves
// the envelope's value, or the default.
type Fields map[string]string

// An Option is one field a caller may give beside a footprint or a batch.
type Option struct {
	// Name names the multipart part and the query parameter; the CLI flag is Name
	// with '-' for '_' (buffer_m → --buffer-m).
	Name string
	// Bool options take true or false; a CLI flag without a value means true.
	Bool bool
	// Default is what an absent field stands for, as text ("" for nothing).
	Default string
	// Usage is the CLI help, with the `NAME` of its value in back quotes.
	Usage string
}

// Flag is the option's CLI flag name.
func (o Option) Flag() string { return strings.ReplaceAll(o.Name, "_", "-") }

// The option fields. crs, encoding and dxf_layer steer reading, so a batch takes
// them too.
var (
	optProject  = Option{Name: "project", Usage: "project facts as `JSON` (the CLI also takes @FILE)"}
	optIndustry = Option{Name: "industry", Usage: "industry `CODE` (GB/T 4754-2017, e.g. C2511); overrides the project's"}
	optCRS      = Option{Name: "crs", Usage: "`CRS` of the coordinates when the input does not say (EPSG:4490, EPSG:4524, GCJ02, BD09, …); default: what the file says, else detected from the numbers (a streamed JSON batch: lon/lat)"}
	optBuffer   = Option{Name: "buffer_m", Default: strconv.Itoa(zones.DefaultBufferM), Usage: "report zones within `N` metres as nearby (0: none)"}
	optStrict   = Option{Name: "strict", Bool: true, Usage: "refuse invalid footprints instead of repairing them"}
	optGeometry = Option{Name: "include_geometry", Bool: true, Usage: "put overlap geometries into the JSON report"}
	optEncoding = Option{Name: "encoding", Usage: "text `ENCODING` of a shapefile's DBF without .cpg (e.g. gbk)"}
	optDXFLayer = Option{Name: "dxf_layer", Usage: "`LAYER` of a DXF drawing that holds the boundary (default: the layer named like 用地红线/红线/界址/用地/boundary holding closed shapes, else the only layer holding closed shapes)"}
	optBoundary = Option{Name: "boundary_tolerance_m", Usage: "list zones whose boundary lies within `N` metres of the footprint for boundary review (default: the dataset's, else 10; 0: none)"}
)

// CheckOptions lists the option fields of a check, in the order help shows them.
func CheckOptions() []Option {
	return []Option{optProject, optIndustry, optCRS, optBuffer, optBoundary, optStrict, optGeometry, optEncoding, optDXFLayer}
}

// BatchOptions lists the option fields of a batch (locate).
func BatchOptions() []Option { return []Option{optCRS, optEncoding, optDXFLayer} }

// FieldsOf takes the fields named in opts from values (a query string, or a
// multipart form's values), the first value of each; other names are left (a query
// also carries format and lang), and empty values count as absent.
func FieldsOf(values map[string][]string, opts []Option) Fields {
	f := Fields{}
	for _, o := range opts {
		if v := values[o.Name]; len(v) > 0 && v[0] != "" {
			f[o.Name] = v[0]
		}
	}
	return f
}

// Unknown refuses (bad_request) the first name in values that is neither one of
// opts nor one of also: a misspelt multipart part is a mistake to report, not to
// ignore.
func Unknown(values map[string][]string, opts []Option, also ...string) error {
	for k := range values {
		if !known(k, opts, also) {
			return errcode.New(errcode.BadRequest, map[string]any{"field": k}, "unknown field %q", k)
		}
	}
	return nil
}

// known says whether k names one of opts or is one of also (a few dozen at
// most: a search, not a map made for each request).
func known(k string, opts []Option, also []string) bool {
	return slices.ContainsFunc(opts, func(o Option) bool { return o.Name == k }) || slices.Contains(also, k)
}

// only refuses (bad_request) a field that is not one of opts.
func (f Fields) only(opts []Option) error {
	for k := range f {
		if !known(k, opts, nil) {
			return errcode.New(errcode.BadRequest, map[string]any{"field": k}, "unknown field %q", k)
		}
	}
	return nil
}

// AddFlags defines opts on fs as flags and returns the Fields they fill when
// parsed: a flag left off the command line is absent, so it overrides nothing.
func AddFlags(fs *flag.FlagSet, opts []Option) Fields {
	f := Fields{}
	for _, o := range opts {
		fs.Var(&flagValue{fields: f, opt: o}, o.Flag(), o.Usage)
	}
	return f
}

// flagValue is one option as a flag.Value, writing into its Fields.
type flagValue struct {
	fields Fields
	opt    Option
}

func (v *flagValue) String() string {
	if v == nil || v.fields == nil { // flag.PrintDefaults' zero value
		return ""
	}
	if s, ok := v.fields[v.opt.Name]; ok {
		return s
	}
	return v.opt.Default
}

func (v *flagValue) Set(s string) error {
	if v.opt.Bool {
		if _, err := strconv.ParseBool(s); err != nil {
			return err
		}
	}
	v.fields[v.opt.Name] = s
	return nil
}

// IsBoolFlag lets a bool option stand alone on the command line (--strict).
func (v *flagValue) IsBoolFlag() bool { return v.opt.Bool }
