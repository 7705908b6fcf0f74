package data

import (
	"bytes"
	"encoding/json"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// CheckRequest is the JSON envelope of a check (DESIGN.md): project facts, the
// footprint, and options.
type CheckRequest struct {
	Project         zones.Project
	Footprint       zones.Footprint
	Buffer          zones.Buffer // the zero Buffer (the default) when not given
	Strict          bool
	IncludeGeometry bool
}

type rawRequest struct {
	Project         json.RawMessage `json:"project"`
	Footprint       json.RawMessage `json:"footprint"`
	CRS             string          `json:"crs"`
	BufferM         *float64        `json:"buffer_m"`
	Strict          bool            `json:"strict"`
	IncludeGeometry bool            `json:"include_geometry"`
}

// IsCheckRequest reports whether b looks like a check envelope (a JSON object with
// a "footprint" member) rather than a bare footprint file.
func IsCheckRequest(b []byte) bool {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var probe struct {
		Footprint json.RawMessage `json:"footprint"`
		Type      string          `json:"type"`
	}
	return json.Unmarshal(b, &probe) == nil && len(probe.Footprint) > 0 && probe.Type == ""
}

// ParseCheckRequest decodes the JSON envelope of a check.
func ParseCheckRequest(b []byte) (*CheckRequest, error) {
	var raw rawRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, errcode.New(errcode.BadRequest, nil, "check request: %v", err)
	}
	if len(raw.Footprint) == 0 || string(raw.Footprint) == "null" {
		return nil, errcode.New(errcode.EmptyGeometry, map[string]any{"field": "footprint"}, "check request: \"footprint\" is missing")
	}
	req := &CheckRequest{Strict: raw.Strict, IncludeGeometry: raw.IncludeGeometry}
	if raw.BufferM != nil {
		if *raw.BufferM < 0 || *raw.BufferM > 100000 {
			return nil, errcode.New(errcode.BadRequest, map[string]any{"field": "buffer_m"}, "buffer_m must be between 0 and 100000 metres, not %g", *raw.BufferM)
		}
		req.Buffer = zones.BufferOf(*raw.BufferM)
	}
	if len(raw.Project) > 0 && string(raw.Project) != "null" {
		p, err := DecodeProject(raw.Project)
		if err != nil {
			return nil, err
		}
		req.Project = p
	}
	fp, err := ReadFootprint(raw.Footprint, formats.Options{CRS: raw.CRS, Name: "footprint.geojson"})
	if err != nil {
		return nil, err
	}
	req.Footprint = fp
	return req, nil
}

// DecodeProject decodes and normalises project facts (industry code to its letter
// form); unknown fields and bad values are refused with invalid_project.
func DecodeProject(b []byte) (zones.Project, error) {
	var p zones.Project
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, errcode.New(errcode.InvalidProject, map[string]any{"field": "project"}, "project: %v", err)
	}
	return zones.NormalizeProject(p)
}

// ReadFootprint reads a footprint in any supported format, converts it to CGCS2000
// lon/lat, and joins its features into one geometry (a project of several parts
// is a collection).
func ReadFootprint(b []byte, opts formats.Options) (zones.Footprint, error) {
	c, err := formats.Read(b, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	return footprintOf(c, opts)
}

// ReadFootprintPath reads a footprint file on disk (shapefiles find their sidecars).
func ReadFootprintPath(path string, opts formats.Options) (zones.Footprint, error) {
	c, err := formats.ReadPath(path, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	return footprintOf(c, opts)
}

func footprintOf(c *vector.Collection, opts formats.Options) (zones.Footprint, error) {
	crs, warnings, err := formats.ToLonLat(c, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	var parts orb.Collection
	for _, f := range c.Features {
		if f.Geometry == nil {
			continue
		}
		parts = append(parts, f.Geometry)
	}
	if len(parts) == 0 {
		return zones.Footprint{}, errcode.New(errcode.EmptyGeometry, nil, "the footprint file has no geometry (%d features)", len(c.Features))
	}
	fp := zones.Footprint{CRS: crs, Warnings: append(append([]string{}, c.Warnings...), warnings...)}
	if len(parts) == 1 {
		fp.Geometry = parts[0]
	} else {
		fp.Geometry = parts
	}
	return fp, nil
}

// ProjectFromFile returns the project facts a footprint file carries in a
// top-level "project" member (the demo examples do), if any.
func ProjectFromFile(b []byte) (zones.Project, bool, error) {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if len(b) == 0 || b[0] != '{' {
		return zones.Project{}, false, nil
	}
	var probe struct {
		Project json.RawMessage `json:"project"`
	}
	if json.Unmarshal(b, &probe) != nil || len(probe.Project) == 0 || string(probe.Project) == "null" {
		return zones.Project{}, false, nil
	}
	p, err := DecodeProject(probe.Project)
	return p, err == nil, err
}
