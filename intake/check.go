package intake

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// Check is a check ready for the engine.
type Check struct {
	Footprint zones.Footprint
	Project   zones.Project
	Options   zones.CheckOptions
	// Input is the footprint as received — the file, or the envelope's "footprint"
	// member — with its file name and media type, for the archive. InputType is
	// set for an envelope's footprint (GeoJSON); for a file the transport knows it.
	Input     []byte
	InputName string
	InputType string
}

// MaxBuffer bounds buffer_m: a nearby search wider than a county is a mistake.
const MaxBuffer = 100000

// MaxBoundaryTolerance bounds boundary_tolerance_m: the band is for the metres a
// 1:10,000 map is uncertain by, and a wider one reads a whole zone's rings.
const MaxBoundaryTolerance = 1000

// settings gathers a check's options from the envelope, then the fields.
type settings struct {
	project  zones.Project
	industry string
	crs      string
	encoding string
	dxfLayer string
	opts     zones.CheckOptions
}

// formats is how the settings steer reading a file named name.
func (s *settings) formats(name string) formats.Options {
	return formats.Options{Name: name, CRS: s.crs, Encoding: s.encoding, DXFLayer: s.dxfLayer}
}

// Read decodes a check from b: a check envelope (a JSON object with a "footprint"
// member and no "type", DESIGN.md), or a footprint file in any supported format,
// named name (for format detection and messages). fields are the options given
// beside it; they take precedence over the envelope's members. The project facts
// are, by precedence, the "industry" field over the "project" field over the
// envelope's "project" (or, for a file, its own top-level "project" member, as
// the demo examples carry).
func Read(b []byte, name string, fields Fields) (*Check, error) {
	return read(b, nil, name, fields)
}

// ReadScanned is Read for a body read by ReadJSONBody: the pass that read it
// also checked and split it, and it is not scanned again.
func ReadScanned(s *Scanned, name string, fields Fields) (*Check, error) {
	return read(s.text.buf, s.text, name, fields)
}

func read(b []byte, scan *jsonText, name string, fields Fields) (*Check, error) {
	env, isEnvelope, err := decodeEnvelope(b, scan)
	if err != nil {
		return nil, err
	}
	var s settings
	if isEnvelope {
		if err := env.apply(&s); err != nil {
			return nil, err
		}
	} else if len(env.project) > 0 {
		if s.project, err = DecodeProject(env.project); err != nil {
			return nil, err
		}
	}
	if err := fields.apply(&s); err != nil {
		return nil, err
	}
	c := &Check{Project: s.project, Options: s.opts}
	fopts := s.formats(name)
	if isEnvelope {
		// The file name helps nothing but messages: the member is GeoJSON.
		fopts.Name = "footprint.geojson"
		c.Input, c.InputType = env.footprint, "application/geo+json"
	} else {
		c.Input, c.InputName = b, name
	}
	col, err := formats.Read(c.Input, fopts)
	if err != nil {
		return nil, err
	}
	if c.Footprint, err = footprintOf(col, fopts); err != nil {
		return nil, err
	}
	return c, nil
}

// ReadPath reads a check from a file on disk, as Read does; a shapefile's .shp is
// read in place with its sidecars (.shx, .dbf, .prj, .cpg), and carries no
// envelope or project. Errors name the file.
func ReadPath(path string, fields Fields) (*Check, error) {
	if !strings.EqualFold(filepath.Ext(path), ".shp") {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return Read(b, filepath.Base(path), fields)
	}
	var s settings
	if err := fields.apply(&s); err != nil {
		return nil, err
	}
	fopts := s.formats(filepath.Base(path))
	col, err := formats.ReadPath(path, fopts)
	if err != nil {
		return nil, err
	}
	fp, err := footprintOf(col, fopts)
	if err != nil {
		return nil, err
	}
	return &Check{Footprint: fp, Project: s.project, Options: s.opts, InputName: fopts.Name}, nil
}

// Validate checks the project facts against the dataset the check will run on (a
// deep industry code against its industry table): invalid_project.
func (c *Check) Validate(ds *zones.Dataset) error {
	return asInvalidProject(zones.ValidateProjectFor(c.Project, ds), "project")
}

// envelope is a JSON object's top-level members, decoded once: the members of a
// check envelope, or the "project" a footprint file carries.
type envelope struct {
	project, footprint json.RawMessage
	members            objectMembers // the scan's: the envelope is read before it is released
}

// The members of a check envelope (DESIGN.md).
var envelopeMembers = map[string]bool{
	"project": true, "footprint": true, "crs": true, "buffer_m": true, "strict": true, "include_geometry": true,
	"boundary_tolerance_m": true,
}

// decodeEnvelope reads b's top-level members when b is a JSON object, and says
// whether it is a check envelope: a "footprint" member and no "type" (a GeoJSON
// object always has one). Anything else is a footprint file, left to its reader.
// scan, if not nil, is the pass that read b (ReadJSONBody); else b is scanned
// here, once: UTF-8, members given twice, syntax and the members together.
func decodeEnvelope(b []byte, scan *jsonText) (envelope, bool, error) {
	t := trimmed(b)
	if len(t) == 0 || t[0] != '{' {
		return envelope{}, false, nil
	}
	sc := scan.of(t)
	if err := sc.textError(); err != nil {
		return envelope{}, false, err
	}
	m, ok := sc.object()
	if !ok {
		return envelope{}, false, nil // malformed: its reader says where
	}
	env := envelope{project: present(m.get("project")), footprint: m.get("footprint"), members: m}
	if env.footprint == nil || m.has("type") {
		return env, false, nil
	}
	for _, mb := range m.members {
		if k := mb.name; !envelopeMembers[k] {
			return env, true, errcode.New(errcode.BadRequest, map[string]any{"field": k}, "check request: unknown member %q", k)
		}
	}
	if present(env.footprint) == nil {
		return env, true, errcode.New(errcode.EmptyGeometry, map[string]any{"field": "footprint"}, "check request: \"footprint\" is missing")
	}
	return env, true, nil
}

// present is v unless it is null (a member given as null is a member not given).
func present(v json.RawMessage) json.RawMessage {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return v
}

// apply sets the envelope's members on s.
func (e envelope) apply(s *settings) error {
	bad := func(field string, err error) error {
		return errcode.New(errcode.BadRequest, map[string]any{"field": field}, "check request: %s: %v", field, err)
	}
	if e.project != nil {
		p, err := DecodeProject(e.project)
		if err != nil {
			return err
		}
		s.project = p
	}
	if v := present(e.members.get("crs")); v != nil {
		if err := json.Unmarshal(v, &s.crs); err != nil {
			return bad("crs", err)
		}
	}
	for _, f := range distances {
		if v := present(e.members.get(f.name)); v != nil {
			var m float64
			if err := json.Unmarshal(v, &m); err != nil {
				return bad(f.name, err)
			}
			if err := f.set(s, m, string(v)); err != nil {
				return err
			}
		}
	}
	for _, f := range []struct {
		name string
		to   *bool
	}{{"strict", &s.opts.Strict}, {"include_geometry", &s.opts.IncludeGeometry}} {
		if v := present(e.members.get(f.name)); v != nil {
			if err := json.Unmarshal(v, f.to); err != nil {
				return bad(f.name, err)
			}
		}
	}
	return nil
}

// apply sets the fields on s, over what the envelope set.
func (f Fields) apply(s *settings) error {
	if err := f.only(CheckOptions()); err != nil {
		return err
	}
	if v := strings.TrimSpace(f["project"]); v != "" {
		p, err := DecodeProject([]byte(v))
		if err != nil {
			return err
		}
		s.project = p
	}
	if v := f["industry"]; v != "" {
		code, err := zones.NormalizeIndustry(v)
		if err != nil {
			return asInvalidProject(err, "industry")
		}
		s.project.Industry = code
	}
	if v := f["crs"]; v != "" {
		s.crs = v
	}
	if v := f["encoding"]; v != "" {
		s.encoding = v
	}
	if v := f["dxf_layer"]; v != "" {
		s.dxfLayer = v
	}
	for _, d := range distances {
		if v := f[d.name]; v != "" {
			m, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				m = math.NaN() // refused by set, with the value as given
			}
			if err := d.set(s, m, strconv.Quote(v)); err != nil {
				return err
			}
		}
	}
	for _, b := range []struct {
		name string
		to   *bool
	}{{"strict", &s.opts.Strict}, {"include_geometry", &s.opts.IncludeGeometry}} {
		if v := f[b.name]; v != "" {
			bv, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return errcode.New(errcode.BadRequest, map[string]any{"field": b.name}, "%s must be true or false, not %q", b.name, v)
			}
			*b.to = bv
		}
	}
	return nil
}

// distance is an option given in metres: its name, and how a value sets it on
// the settings (given is the value as written, for the message).
type distance struct {
	name string
	set  func(s *settings, m float64, given string) error
}

// distances are the options given in metres: one table, not closures on the
// settings of each check.
var distances = [...]distance{
	{"buffer_m", func(s *settings, m float64, given string) (err error) {
		s.opts.Buffer, err = bufferOf(m, given)
		return err
	}},
	{"boundary_tolerance_m", func(s *settings, m float64, given string) (err error) {
		s.opts.BoundaryToleranceM, err = toleranceOf(m, given)
		return err
	}},
}

// metresIn refuses (bad_request) m for field name unless it lies in [0, limit].
func metresIn(name string, m float64, limit int, given string) error {
	if !(m >= 0 && m <= float64(limit)) {
		return errcode.New(errcode.BadRequest, map[string]any{"field": name},
			"%s must be a number of metres between 0 and %d, not %s", name, limit, given)
	}
	return nil
}

// bufferOf is the buffer of m metres as a caller means it: 0 is none.
func bufferOf(m float64, given string) (zones.Buffer, error) {
	if err := metresIn("buffer_m", m, MaxBuffer, given); err != nil {
		return zones.Buffer{}, err
	}
	return zones.BufferOf(m), nil
}

// toleranceOf is the boundary-review band of m metres as a caller means it: 0
// reviews no boundary.
func toleranceOf(m float64, given string) (*float64, error) {
	if err := metresIn("boundary_tolerance_m", m, MaxBoundaryTolerance, given); err != nil {
		return nil, err
	}
	return &m, nil
}

// DecodeProject decodes and normalises project facts (the industry code to its
// letter form); unknown fields and bad values are refused with invalid_project.
func DecodeProject(b []byte) (zones.Project, error) {
	if p, ok := scanProject(b); ok {
		p, err := zones.NormalizeProject(p)
		return p, asInvalidProject(err, "project")
	}
	var p zones.Project
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, errcode.New(errcode.InvalidProject, map[string]any{"field": "project"}, "project: %v", err)
	}
	p, err := zones.NormalizeProject(p)
	return p, asInvalidProject(err, "project")
}

// asInvalidProject gives a project error without a code the one it stands for.
func asInvalidProject(err error, field string) error {
	if err == nil {
		return nil
	}
	if _, ok := errcode.As(err); ok {
		return err
	}
	return &errcode.Error{Code: errcode.InvalidProject, Message: err.Error(), Details: map[string]any{"field": field}, Err: err}
}

// footprintOf converts a read collection to lon/lat and joins its features into
// one geometry: a project of several sites is a collection, each feature with a
// geometry a site named by siteName.
func footprintOf(c *vector.Collection, opts formats.Options) (zones.Footprint, error) {
	crs, warnings, err := formats.ToLonLat(c, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	var one orb.Geometry
	n := 0
	for _, f := range c.Features {
		if f.Geometry != nil {
			one = f.Geometry
			n++
		}
	}
	if n == 0 {
		return zones.Footprint{}, errcode.New(errcode.EmptyGeometry, nil, "the footprint file has no geometry (%d features)", len(c.Features))
	}
	fp := zones.Footprint{CRS: crs, Warnings: append(append([]string{}, c.Warnings...), warnings...)}
	if n == 1 {
		fp.Geometry = one // one site, unnamed: no list of parts or sites made
		return fp, nil
	}
	parts := make(orb.Collection, 0, n)
	sites := make([]zones.Site, 0, n)
	for _, f := range c.Features {
		if f.Geometry != nil {
			parts = append(parts, f.Geometry)
			sites = append(sites, zones.Site{Name: siteName(f), Geometry: f.Geometry})
		}
	}
	fp.Geometry, fp.Sites = parts, sites
	return fp, nil
}

// siteNameFields are the properties that name a site, by precedence: GeoJSON's
// and KML's name (a Placemark's <name> is read into it), then the names Chinese
// files use — 国土 TXT parcels' 地块名称 (DKMC), and shapefile fields so called.
var siteNameFields = []string{"name", "名称", "地块名称", "DKMC", "项目名称", "XMMC"}

// siteName names a site: its name property (siteNameFields, the field names in any
// case), else its id, else its 0-based index in the file.
func siteName(f vector.Feature) string {
	keys := slices.Sorted(maps.Keys(f.Properties)) // "Name" before "name": one answer
	for _, field := range siteNameFields {
		for _, k := range keys {
			if !strings.EqualFold(k, field) {
				continue
			}
			if s := strings.TrimSpace(geojson.ValueString(f.Properties[k])); s != "" {
				return s
			}
		}
	}
	if f.ID != "" {
		return f.ID
	}
	return strconv.Itoa(f.Index)
}
