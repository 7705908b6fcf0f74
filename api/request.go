package api

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/zones"
)

// envelope is the JSON form of a check (DESIGN.md "redline check and POST /v1/check").
type envelope struct {
	Project         json.RawMessage `json:"project"`
	Footprint       json.RawMessage `json:"footprint"`
	CRS             string          `json:"crs"`
	BufferM         *float64        `json:"buffer_m"`
	Strict          bool            `json:"strict"`
	IncludeGeometry bool            `json:"include_geometry"`
}

// isEnvelope reports whether b is a check envelope (an object with "footprint" and
// no "type") rather than a bare GeoJSON footprint.
func isEnvelope(b []byte) bool {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var probe struct {
		Footprint json.RawMessage `json:"footprint"`
		Type      json.RawMessage `json:"type"`
	}
	return json.Unmarshal(b, &probe) == nil && len(probe.Footprint) > 0 && probe.Type == nil
}

// parseEnvelope decodes a check envelope into in.
func (in *checkInput) parseEnvelope(b []byte) error {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return zones.Inputf(zones.CodeBadRequest, nil, "check request: %v", err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return zones.Inputf(zones.CodeBadRequest, nil, "check request: more than one JSON value in the body")
	}
	if len(env.Footprint) == 0 || string(env.Footprint) == "null" {
		return zones.Inputf(zones.CodeEmptyGeometry, map[string]any{"field": "footprint"}, "check request: \"footprint\" is missing")
	}
	if env.BufferM != nil {
		f := *env.BufferM
		if f < 0 || f > 100000 {
			return zones.Inputf(zones.CodeBadRequest, map[string]any{"field": "buffer_m"}, "buffer_m must be between 0 and 100000 metres, not %g", f)
		}
		if f == 0 {
			f = -1 // explicitly none
		}
		in.opts.BufferM = f
	}
	in.opts.Strict, in.opts.IncludeGeometry = env.Strict, env.IncludeGeometry
	if len(env.Project) > 0 && string(env.Project) != "null" {
		p, err := decodeProject(env.Project)
		if err != nil {
			return err
		}
		in.project = p
	}
	fp, err := readFootprint(env.Footprint, formats.Options{CRS: env.CRS, Name: "footprint.geojson"})
	if err != nil {
		return err
	}
	in.footprint = fp
	in.raw, in.rawType = env.Footprint, "application/geo+json"
	return nil
}

// decodeProject decodes project facts; unknown fields and bad values are refused
// with invalid_project, and the industry code is normalised to its letter form.
func decodeProject(b []byte) (zones.Project, error) {
	var p zones.Project
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, zones.Inputf(zones.CodeInvalidProject, map[string]any{"field": "project"}, "project: %v", err)
	}
	p, err := zones.NormalizeProject(p)
	if err != nil {
		return p, asInput(err, zones.CodeInvalidProject)
	}
	return p, nil
}

// projectInFile returns the project facts a GeoJSON footprint file carries in a
// top-level "project" member, if any.
func projectInFile(b []byte) (zones.Project, bool, error) {
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
	p, err := decodeProject(probe.Project)
	return p, err == nil, err
}

// readFootprint reads a footprint file in any supported format, converts it to
// lon/lat, and joins its features into one geometry.
func readFootprint(b []byte, opts formats.Options) (zones.Footprint, error) {
	c, err := formats.Read(b, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	crs, warnings, err := formats.ToLonLat(c, opts)
	if err != nil {
		return zones.Footprint{}, err
	}
	var parts orb.Collection
	for _, f := range c.Features {
		if f.Geometry != nil {
			parts = append(parts, f.Geometry)
		}
	}
	if len(parts) == 0 {
		return zones.Footprint{}, zones.Inputf(zones.CodeEmptyGeometry, nil, "the footprint has no geometry (%d features)", len(c.Features))
	}
	fp := zones.Footprint{CRS: crs, Warnings: append(append([]string{}, c.Warnings...), warnings...)}
	if len(parts) == 1 {
		fp.Geometry = parts[0]
	} else {
		fp.Geometry = parts
	}
	return fp, nil
}
