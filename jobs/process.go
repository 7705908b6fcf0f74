package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/zones"
)

// Kinds of job.
const (
	KindLocate = "locate" // which zones each patch lies in: the inspection ledger
	KindCheck  = "check"  // each feature a parcel of a plan, checked with its facts
)

// Engine locates and checks on one loaded dataset: *zones.Checker.
type Engine interface {
	Check(ctx context.Context, fp zones.Footprint, p zones.Project, opts zones.CheckOptions) (*zones.Report, error)
	Locate(ctx context.Context, g orb.Geometry) ([]zones.Hit, error)
	Dataset() *zones.Dataset
}

// Spec says what a job does with its input.
type Spec struct {
	Kind string `json:"kind"`
	// Fields are the batch options: crs, encoding, dxf_layer.
	Fields intake.Fields `json:"fields,omitempty"`
	// Project is the plan's project facts (JSON, as POST /v1/check takes them),
	// the facts every parcel shares; nil for none.
	Project json.RawMessage `json:"project,omitempty"`
	// Facts map a project fact to the feature property that gives it per parcel:
	// {"industry": "HYDM", "type": "XMLX"}.
	Facts map[string]string `json:"facts,omitempty"`
	// Attributes are the names of the features' properties, first seen first: the
	// ledger's leading columns (filled in when the job is submitted).
	Attributes []string `json:"attributes,omitempty"`
	// MaxVertices bounds each feature (0: no bound).
	MaxVertices int `json:"max_vertices,omitempty"`
	// MaxFeatures bounds the features of the input at submission (0: no bound).
	MaxFeatures int `json:"-"`
}

// ParseFact parses "industry=HYDM" into the fact and the property naming it.
func ParseFact(s string) (fact, property string, err error) {
	fact, property, ok := strings.Cut(s, "=")
	fact, property = strings.TrimSpace(fact), strings.TrimSpace(property)
	if !ok || fact == "" || property == "" {
		return "", "", errcode.New(errcode.BadRequest, map[string]any{"field": "fact"},
			"fact %q: want FACT=PROPERTY, e.g. industry=HYDM", s)
	}
	if _, known := zones.FactOf(fact); !known && !boolFacts[fact] && fact != "park_planning_eia" {
		return "", "", errcode.New(errcode.BadRequest, map[string]any{"field": "fact", "fact": fact},
			"fact %q: not a project fact (industry, type, construction, discharges_pollutants, has_outfall, high_energy, national_major, …)", fact)
	}
	return fact, property, nil
}

// Validate checks a spec before a job is accepted.
func (s *Spec) Validate() error {
	switch s.Kind {
	case KindLocate, KindCheck:
	default:
		return errcode.New(errcode.BadRequest, map[string]any{"field": "kind"}, "kind must be locate or check, not %q", s.Kind)
	}
	if s.Kind == KindLocate && (len(s.Facts) > 0 || len(s.Project) > 0) {
		return errcode.New(errcode.BadRequest, map[string]any{"field": "kind"}, "project and fact are for kind check, not locate")
	}
	if len(s.Project) > 0 {
		if _, err := intake.DecodeProject(s.Project); err != nil {
			return err
		}
	}
	return nil
}

// project is the parcel's facts: the job's project with the mapped properties
// of the feature over it. A property's text says a yes/no fact as 是/否, true/false,
// 1/0 or Y/N.
func (s *Spec) project(props json.RawMessage) (zones.Project, error) {
	base := map[string]any{}
	if len(s.Project) > 0 {
		if err := json.Unmarshal(s.Project, &base); err != nil {
			return zones.Project{}, fmt.Errorf("project: %w", err)
		}
	}
	if len(s.Facts) > 0 {
		names := make([]string, 0, len(s.Facts))
		facts := make([]string, 0, len(s.Facts))
		for f, p := range s.Facts {
			facts, names = append(facts, f), append(names, p)
		}
		vals := ledger.AttributeValues(props, names)
		for i, f := range facts {
			v := strings.TrimSpace(vals[i])
			if v == "" {
				continue
			}
			if boolFacts[f] {
				b, err := yesNo(v)
				if err != nil {
					return zones.Project{}, errcode.New(errcode.InvalidProject, map[string]any{"field": names[i], "fact": f},
						"property %s (fact %s): %v", names[i], f, err)
				}
				base[f] = b
				continue
			}
			base[f] = v
		}
	}
	b, _ := json.Marshal(base)
	return intake.DecodeProject(b)
}

// boolFacts are the yes/no facts of zones.Project.
var boolFacts = map[string]bool{"discharges_pollutants": true, "has_outfall": true, "high_energy": true,
	"national_major": true, "original_residents": true, "in_industrial_park": true}

func yesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "是", "true", "t", "yes", "y", "1":
		return true, nil
	case "否", "false", "f", "no", "n", "0":
		return false, nil
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return v != "0", nil
	}
	return false, fmt.Errorf("%q is not yes or no (是/否, true/false, 1/0)", v)
}

// Process works the features of rd from index from on, in chunks of size
// features located or checked on workers goroutines, and hands each chunk's
// patches, in input order, to commit. A commit error stops it. The same code
// runs a job's chunks and `redline check --per-feature`.
func Process(ctx context.Context, c Engine, spec *Spec, rd batch.Reader, from, size, workers int, commit func([]*ledger.Patch) error) error {
	names := ledger.NewNames(c.Dataset())
	size, workers = max(size, 1), max(workers, 1)
	feats := make([]batch.Feature, 0, size)
	for {
		feats = feats[:0]
		var readErr error
		for len(feats) < size {
			f, err := rd.Next()
			if err != nil {
				readErr = err
				break
			}
			if f.Index < from {
				continue
			}
			feats = append(feats, f)
		}
		if len(feats) > 0 {
			patches := make([]*ledger.Patch, len(feats))
			var wg sync.WaitGroup
			next := make(chan int)
			for range min(workers, len(feats)) {
				wg.Go(func() {
					for i := range next {
						patches[i] = work(ctx, c, spec, names, &feats[i])
					}
				})
			}
			for i := range feats {
				next <- i
			}
			close(next)
			wg.Wait()
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := commit(patches); err != nil {
				return err
			}
		}
		if readErr != nil {
			if errors.Is(readErr, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading feature %d: %w", from+len(feats), readErr)
		}
	}
}

// work locates or checks one feature.
func work(ctx context.Context, c Engine, spec *Spec, names *ledger.Names, f *batch.Feature) (p *ledger.Patch) {
	f.Decode()
	defer func() {
		if r := recover(); r != nil {
			p = &ledger.Patch{Index: f.Index, ID: f.ID, Properties: f.Properties, Error: fmt.Sprintf("internal: %v", r)}
		}
	}()
	if f.Err != nil || spec.Kind != KindCheck {
		res := batch.Result{Feature: *f}
		if f.Err == nil {
			hits, err := c.Locate(ctx, f.Geometry)
			if err != nil {
				res.Err = asFeatureError(f.Index, err)
			}
			res.Hits = hits
		}
		return ledger.FromResult(&res, names)
	}
	p = &ledger.Patch{Index: f.Index, ID: f.ID, Properties: f.Properties, Geometry: f.RawGeometry}
	proj, err := spec.project(f.Properties)
	if err != nil {
		p.Error = fmt.Sprintf("feature %d: %v", f.Index, err)
		return p
	}
	rep, err := c.Check(ctx, zones.Footprint{Geometry: f.Geometry, CRS: "EPSG:4490"}, proj,
		zones.CheckOptions{Buffer: zones.NoBuffer(), MaxVertices: spec.MaxVertices})
	if err != nil {
		p.Error = asFeatureError(f.Index, err).Error()
		return p
	}
	if p.Geometry == nil {
		p = ledger.FromResult(&batch.Result{Feature: *f}, names)
		p.Hits = nil
	}
	p.AreaM2 = rep.Footprint.AreaM2
	p.Verdict = string(rep.Verdict)
	if rep.Governing != nil {
		p.Rule = rep.Governing.ID
	}
	for _, in := range rep.Intersections {
		h := names.Hit(zones.Hit{Layer: in.Layer, ZoneID: in.ZoneID, ZoneClass: in.ZoneClass, OverlapAreaM2: in.OverlapAreaM2})
		h.Verdict = string(in.Verdict)
		p.Hits = append(p.Hits, h)
	}
	p.Measure()
	return p
}

// asFeatureError names the feature in an error.
func asFeatureError(index int, err error) *errcode.Error {
	var e *errcode.Error
	if errors.As(err, &e) {
		if !strings.Contains(e.Message, "feature") {
			e = &errcode.Error{Code: e.Code, Message: fmt.Sprintf("feature %d: %s", index, e.Message), Details: e.Details}
		}
		return e
	}
	return &errcode.Error{Code: errcode.Internal, Message: fmt.Sprintf("feature %d: %v", index, err)}
}
