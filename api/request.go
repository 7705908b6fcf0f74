package api

import (
	"encoding/json"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// isEnvelope reports whether b is a check envelope rather than a bare footprint.
func isEnvelope(b []byte) bool { return data.IsCheckRequest(b) }

// parseEnvelope decodes a check envelope (DESIGN.md) into in.
func (in *checkInput) parseEnvelope(b []byte) error {
	req, err := data.ParseCheckRequest(b)
	if err != nil {
		return err
	}
	var env struct {
		Footprint json.RawMessage `json:"footprint"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return errcode.New(errcode.BadRequest, nil, "check request: %v", err)
	}
	in.footprint, in.project = req.Footprint, req.Project
	in.opts = zones.CheckOptions{Buffer: req.Buffer, Strict: req.Strict, IncludeGeometry: req.IncludeGeometry}
	in.raw, in.rawType = env.Footprint, "application/geo+json"
	return nil
}

// decodeProject decodes project facts, refusing unknown fields and bad values with
// invalid_project.
func decodeProject(b []byte) (zones.Project, error) {
	p, err := data.DecodeProject(b)
	if err != nil {
		return p, asInput(err, errcode.InvalidProject)
	}
	return p, nil
}

// projectInFile returns the project facts a footprint file carries, if any.
func projectInFile(b []byte) (zones.Project, bool, error) {
	p, ok, err := data.ProjectFromFile(b)
	if err != nil {
		return p, ok, asInput(err, errcode.InvalidProject)
	}
	return p, ok, nil
}

// readFootprint reads a footprint file in any supported format, in lon/lat.
func readFootprint(b []byte, opts formats.Options) (zones.Footprint, error) {
	return data.ReadFootprint(b, opts)
}
