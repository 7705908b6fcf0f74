package zones

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/planar"
)

// DefaultMaxVertices bounds the size of an index piece (DESIGN.md: ~256).
const DefaultMaxVertices = 256

// IndexOptions tune how zones are cut and indexed.
type IndexOptions struct {
	// MaxVertices per piece; 0 means DefaultMaxVertices, negative means do not
	// subdivide (for benchmarks that compare the two).
	MaxVertices int
	// Contexts is the number of GEOS contexts the prepared pieces are spread over;
	// 0 means GOMAXPROCS.
	Contexts int
}

// piece is a part of one zone, small enough that a footprint near it costs little.
type piece struct {
	zone  *Zone
	geom  orb.Geometry // polygonal or lineal, lon/lat
	bound orb.Bound
	wkb   []byte // geom as WKB, to rebuild it cheaply in a worker's context
	prep  *geo.Prepared
	area  bool      // polygonal
	cells *cellGrid // point lookups; polygonal pieces only
}

// Index holds every zone of a dataset cut into prepared pieces in an R-tree.
// It is immutable after NewIndex and safe for concurrent use.
type Index struct {
	ds       *Dataset
	tree     rtree.RTreeG[*piece]
	pieces   []*piece
	contexts []*geo.Context // own the prepared pieces; kept alive with the index
	order    map[*Zone]int  // position of each zone in the dataset (layer order, then zone order)
	stats    IndexStats
	byLayer  map[string]IndexStats
}

// IndexStats counts what NewIndex made of a dataset's zones (or of one layer's).
type IndexStats struct {
	Zones    int `json:"zones"`
	Vertices int `json:"vertices"` // of the zones as loaded (repaired, parts merged), before subdivision
	Pieces   int `json:"pieces"`   // subdivided, prepared parts in the R-tree
	Cells    int `json:"cells"`    // point-lookup grid cells over the polygonal pieces
}

func (s *IndexStats) add(o IndexStats) {
	s.Zones += o.Zones
	s.Vertices += o.Vertices
	s.Pieces += o.Pieces
	s.Cells += o.Cells
}

// NewIndex subdivides and prepares every zone of ds. Zones must be valid (the
// loader repairs them).
func NewIndex(ds *Dataset, opts IndexOptions) (*Index, error) {
	maxV := opts.MaxVertices
	if maxV == 0 {
		maxV = DefaultMaxVertices
	}
	n := opts.Contexts
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	idx := &Index{ds: ds, contexts: make([]*geo.Context, n), order: map[*Zone]int{}}
	for i := range idx.contexts {
		idx.contexts[i] = geo.NewContext()
	}
	type job struct {
		li, zi int
		z      *Zone
	}
	var zonesList []job
	for li, l := range ds.Layers {
		for zi, z := range l.Zones {
			idx.order[z] = len(zonesList)
			zonesList = append(zonesList, job{li, zi, z})
		}
	}
	// Each worker subdivides and prepares with its own context, so the pieces end
	// up spread over the contexts.
	results := make([][]*piece, len(zonesList))
	errs := make([]error, len(zonesList))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(ctx *geo.Context) {
			defer wg.Done()
			for i := range next {
				results[i], errs[i] = makePieces(ctx, zonesList[i].z, maxV)
			}
		}(idx.contexts[w])
	}
	for i := range zonesList {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			j := zonesList[i]
			return nil, &FeatureError{Layer: ds.Layers[j.li].ID, Index: j.zi, ID: j.z.ID, Err: err}
		}
	}
	idx.byLayer = map[string]IndexStats{}
	for i, ps := range results {
		st := IndexStats{Zones: 1, Vertices: planar.NumVertices(zonesList[i].z.Geometry), Pieces: len(ps)}
		for _, p := range ps {
			idx.pieces = append(idx.pieces, p)
			idx.tree.Insert(p.bound.Min, p.bound.Max, p)
			if p.cells != nil {
				st.Cells += len(p.cells.cells)
			}
		}
		// The counts are the index's own: the dataset, shared with every reader,
		// is not written to.
		id := ds.Layers[zonesList[i].li].ID
		l := idx.byLayer[id]
		l.add(st)
		idx.byLayer[id] = l
		idx.stats.add(st)
	}
	return idx, nil
}

func makePieces(ctx *geo.Context, z *Zone, maxV int) ([]*piece, error) {
	var parts []orb.Geometry
	if maxV < 0 {
		parts = []orb.Geometry{z.Geometry}
	} else {
		var err error
		if parts, err = ctx.Subdivide(z.Geometry, maxV); err != nil {
			return nil, fmt.Errorf("subdivide: %w", err)
		}
	}
	area := z.Layer == nil || z.Layer.Geom != Lineal
	out := make([]*piece, 0, len(parts))
	for _, g := range parts {
		b, err := geo.WKB(g)
		if err != nil {
			return nil, err
		}
		prep, err := ctx.Prepare(g)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		p := &piece{zone: z, geom: g, bound: g.Bound(), wkb: b, prep: prep, area: area}
		if area {
			p.cells = newCellGrid(g)
		}
		out = append(out, p)
	}
	return out, nil
}

// Dataset returns the indexed dataset.
func (idx *Index) Dataset() *Dataset { return idx.ds }

// Pieces returns the number of pieces in the index.
func (idx *Index) Pieces() int { return len(idx.pieces) }

// Stats counts the zones of the whole dataset and what indexing made of them.
func (idx *Index) Stats() IndexStats { return idx.stats }

// LayerStats counts the zones of the layer with the given id and what indexing
// made of them; zero for a layer the dataset does not have.
func (idx *Index) LayerStats(id string) IndexStats { return idx.byLayer[id] }

// Summary is the dataset's load summary with the index's counts (vertices,
// pieces) filled in: what `redline layers` and GET /v1/layers print.
func (idx *Index) Summary() LoadSummary {
	s := idx.ds.Summary
	s.Vertices, s.Pieces = idx.stats.Vertices, idx.stats.Pieces
	return s
}

// search calls f for every piece whose bbox meets b.
func (idx *Index) search(b orb.Bound, f func(p *piece) bool) {
	idx.tree.Search(b.Min, b.Max, func(_, _ [2]float64, p *piece) bool { return f(p) })
}

// Intersecting returns the zones of the layer whose geometry meets the closed
// rectangle b (lon/lat; boundary included), in the layer's order: the R-tree
// picks the pieces near b, each piece is tested exactly.
func (idx *Index) Intersecting(layer string, b orb.Bound) []*Zone {
	found := map[*Zone]bool{}
	idx.search(b, func(p *piece) bool {
		if p.zone.Layer != nil && p.zone.Layer.ID == layer && !found[p.zone] && planar.MeetsBound(p.geom, b) {
			found[p.zone] = true
		}
		return true
	})
	out := make([]*Zone, 0, len(found))
	for z := range found {
		out = append(out, z)
	}
	slices.SortFunc(out, func(a, b *Zone) int { return idx.order[a] - idx.order[b] })
	return out
}
