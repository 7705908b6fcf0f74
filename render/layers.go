package render

import (
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// Layer is a layer as listed by `redline layers --json`, GET /v1/layers and
// GET /v1/layers/{layer}.
type Layer struct {
	ID       string         `json:"id"`
	Kind     zones.Kind     `json:"kind"`
	Title    string         `json:"title"`
	Source   string         `json:"source"`
	Geometry zones.GeomType `json:"geometry"`
	Zones    int            `json:"zones"`
	Classes  map[string]int `json:"classes"` // zones per class
	// Vertices counts the vertices of the layer's zones as loaded, before the
	// index cuts them into pieces.
	Vertices int `json:"vertices"`
	// Dataset names the dataset the layer belongs to.
	Dataset zones.DatasetRef `json:"dataset"`
}

// LayerOf lists layer l of dataset ds. The vertex count comes from idx, the
// index built on ds, when there is one (it counted them once, at load); without
// one it is counted here.
func LayerOf(ds *zones.Dataset, idx *zones.Index, l *zones.Layer) Layer {
	li := Layer{ID: l.ID, Kind: l.Kind, Title: l.Title, Source: l.Source, Geometry: l.Geom, Zones: len(l.Zones),
		Classes: map[string]int{}, Dataset: zones.DatasetRef{Name: ds.Name, Version: ds.Version}}
	for _, z := range l.Zones {
		li.Classes[z.Class]++
		if idx == nil {
			li.Vertices += planar.NumVertices(z.Geometry)
		}
	}
	if idx != nil {
		li.Vertices = idx.LayerStats(l.ID).Vertices
	}
	return li
}

// Layers lists every layer of ds, in the dataset's order (idx as for LayerOf);
// never nil, so that an empty dataset lists as [].
func Layers(ds *zones.Dataset, idx *zones.Index) []Layer {
	out := make([]Layer, 0, len(ds.Layers))
	for _, l := range ds.Layers {
		out = append(out, LayerOf(ds, idx, l))
	}
	return out
}
