package ledger

import (
	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo"
)

// FromResult is the ledger patch of a located batch feature.
func FromResult(r *batch.Result, names *Names) *Patch {
	p := &Patch{Index: r.Index, ID: r.ID, Properties: r.Properties, Geometry: r.RawGeometry}
	if r.Err != nil {
		p.Error = r.Err.Error()
		return p
	}
	if r.Geometry != nil {
		p.AreaM2 = geo.Area(r.Geometry)
		if p.Geometry == nil {
			p.Geometry = marshalGeometry(r.Geometry)
		}
	}
	p.Hits = make([]Hit, len(r.Hits))
	for i, h := range r.Hits {
		p.Hits[i] = names.Hit(h)
	}
	p.Measure()
	return p
}

// BatchWriter adapts a ledger Writer to data/batch's Run.
type BatchWriter struct {
	W     Writer
	Names *Names
}

// Write writes the ledger rows of one result.
func (b *BatchWriter) Write(r *batch.Result) error { return b.W.Write(FromResult(r, b.Names)) }

// Fail records the error that ended the batch as a last patch without zones.
func (b *BatchWriter) Fail(index int, err *errcode.Error) error {
	return b.W.Write(&Patch{Index: index, Error: err.Error()})
}

// Close finishes the ledger.
func (b *BatchWriter) Close() error { return b.W.Close() }

// Flush does nothing: a ledger is written whole.
func (b *BatchWriter) Flush() error { return nil }
