package zones

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"

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
	// Contexts is the number of GEOS contexts (and goroutines) that cut the zones
	// at load; 0 means GOMAXPROCS. No GEOS geometry outlives NewIndex: a check
	// makes those it needs in its own context, from the pieces' shapes.
	Contexts int
}

// piece is a part of one zone, small enough that a footprint near it costs little.
type piece struct {
	zone  *Zone
	ord   int32 // the zone's position in the dataset (layer order, then zone order)
	area  bool  // polygonal
	bound orb.Bound
	shape shape
	cells *cellGrid // point lookups; polygonal pieces only
}

// geom materialises the piece as an orb geometry (a new copy).
func (p *piece) geom() orb.Geometry { return p.shape.geom() }

// Index holds every zone of a dataset cut into pieces in an R-tree. It is
// immutable after NewIndex and safe for concurrent use.
//
// It holds no GEOS memory and few pointers: the pieces' vertices and cell grids
// live in a handful of flat arrays (store) that the pieces window into, so the
// garbage collector has little to mark however large the dataset.
type Index struct {
	ds   *Dataset
	tree rtree.RTreeG[*piece]
	// lineCells lists the pieces the point grid does not (lines; polygons
	// without a cell grid) by cell, lines the few whose box is too large for
	// it: with the point grid, what a small box's search needs (near).
	lineCells lineGrid
	lines     rtree.RTreeG[*piece]
	points    pointGrid // the polygonal pieces, for point lookups
	pieces    []piece
	store     store
	stats     IndexStats
	byLayer   map[string]IndexStats
	// seldom are the parts of the snapshot buffer the index was read from
	// that are read seldom or never after the read (SeldomRead); nil for an
	// index NewIndex built.
	seldom [][]byte
}

// SeldomRead returns the parts of the buffer DecodeSnapshot read the index from
// that are read seldom or never once it is read, in this order: the header,
// decoded into the dataset's zones and attributes (never read again); the zones' own
// geometries (as many coordinates as the pieces have), which a check reads
// only for the few zones whose boundary it follows (the pieces answer the
// rest), and exports and map tiles for the zones they draw. The caller may give
// their pages back to the system, to be read again from the file when used
// (data.Open does, for a mapped snapshot). Nil for an index NewIndex built.
func (idx *Index) SeldomRead() [][]byte { return idx.seldom }

// store is the index's shared, pointer-free arrays.
type store struct {
	xy    []float64
	rings []uint32
	words []uint64
	rank  []uint16
	start []uint16
	edges []uint16
}

// IndexStats counts what NewIndex made of a dataset's zones (or of one layer's).
type IndexStats struct {
	Zones    int `json:"zones"`
	Vertices int `json:"vertices"` // of the zones as loaded (repaired, parts merged), before subdivision
	Pieces   int `json:"pieces"`   // subdivided parts in the R-tree
	Cells    int `json:"cells"`    // point-lookup grid cells over the polygonal pieces
}

func (s *IndexStats) add(o IndexStats) {
	s.Zones += o.Zones
	s.Vertices += o.Vertices
	s.Pieces += o.Pieces
	s.Cells += o.Cells
}

// NewIndex subdivides every zone of ds and builds the pieces' cell grids. Zones
// must be valid (the loader repairs them).
func NewIndex(ds *Dataset, opts IndexOptions) (*Index, error) {
	maxV := opts.MaxVertices
	if maxV == 0 {
		maxV = DefaultMaxVertices
	}
	n := opts.Contexts
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	type job struct {
		li, zi int
		z      *Zone
	}
	var zonesList []job
	for li, l := range ds.Layers {
		for zi, z := range l.Zones {
			if z.Layer == nil { // a dataset built by hand (tests) may not link its zones; a zone is its layer's
				z.Layer = l
			}
			zonesList = append(zonesList, job{li, zi, z})
		}
	}
	results := make([][]piece, len(zonesList))
	errs := make([]error, len(zonesList))
	var wg sync.WaitGroup
	next := make(chan int)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := geo.NewContext()
			for i := range next {
				results[i], errs[i] = makePieces(ctx, zonesList[i].z, maxV)
			}
		}()
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
	idx := &Index{ds: ds}
	var layers []string
	var stats []IndexStats
	total := 0
	for i, ps := range results {
		for k := range ps {
			ps[k].ord = int32(i)
		}
		total += len(ps)
		layers = append(layers, ds.Layers[zonesList[i].li].ID)
		stats = append(stats, IndexStats{Zones: 1, Vertices: planar.NumVertices(zonesList[i].z.Geometry)})
	}
	zs := make([]*Zone, len(zonesList))
	for i, j := range zonesList {
		zs[i] = j.z
	}
	all := make([]piece, 0, total)
	for _, i := range placement(zs) {
		all = append(all, results[i]...)
		results[i] = nil
	}
	idx.adopt(all)
	idx.count(layers, stats)
	return idx, nil
}

// placement is the order in which the zones' pieces are laid out in the index's
// arrays: by the Hilbert key of the zone's box's centre (planar.HilbertKey), so
// that the zones near each other on the ground are near each other in memory,
// whatever the order of the features in the source files; each zone's pieces
// stay together, in their order. A query reads the pieces of the zones around
// it: a dataset whose files interleave distant places (one feature here, the
// next a thousand kilometres away) put its pieces among those of every other
// place, and a query over one province read memory spread over the whole
// dataset (100k squares over a 32× dataset with its features shuffled: 4–9 %
// slower than with them in order). The zones keep their positions (ord):
// answers are in dataset order, as before.
func placement(zs []*Zone) []int {
	keys := make([]uint64, len(zs))
	order := make([]int, len(zs))
	for i, z := range zs {
		order[i] = i
		if g := z.Geometry; g != nil {
			keys[i] = planar.HilbertKey(g.Bound().Center())
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	return order
}

// adopt moves the pieces' shapes and grids into the index's shared arrays and
// builds the R-tree.
func (idx *Index) adopt(ps []piece) {
	var st store
	for i := range ps {
		p := &ps[i]
		st.xy = append(st.xy, p.shape.xy...)
		st.rings = append(st.rings, p.shape.rings...)
		if cg := p.cells; cg != nil {
			st.words = append(st.words, cg.words...)
			st.rank = append(st.rank, cg.rank...)
			st.start = append(st.start, cg.start...)
			st.edges = append(st.edges, cg.edges...)
		}
	}
	var o offsets
	for i := range ps {
		p := &ps[i]
		var nw, ns, ne int
		if cg := p.cells; cg != nil {
			nw, ns, ne = len(cg.words), len(cg.start), len(cg.edges)
		}
		o.window(&st, p, len(p.shape.xy), len(p.shape.rings), nw, ns, ne)
	}
	idx.pieces, idx.store = ps, st
	idx.plant()
	idx.points = newPointGrid(idx.pieces)
	idx.plantLines()
}

// plant builds the R-tree of the pieces.
func (idx *Index) plant() {
	for i := range idx.pieces {
		p := &idx.pieces[i]
		idx.tree.Insert(p.bound.Min, p.bound.Max, p)
	}
}

// plantLines lists the pieces the point grid does not in the line grid, and
// those too wide for it in the R-tree of lines; after the point grid.
func (idx *Index) plantLines() {
	idx.lineCells = newLineGrid(&idx.points, idx.pieces, func(i int) {
		p := &idx.pieces[i]
		idx.lines.Insert(p.bound.Min, p.bound.Max, p)
	})
}

// offsets walks the shared arrays while pieces are laid out in them one after
// the other.
type offsets struct{ xy, rings, words, start, edges int }

// window points p's shape (and grid, if it has one) at the next stretch of the
// shared arrays: nxy coordinates, nrings rings, nw words of cells (and as many
// ranks), ns edge-list starts (none: the grid keeps no index) and ne edges.
func (o *offsets) window(st *store, p *piece, nxy, nrings, nw, ns, ne int) {
	p.shape.xy = st.xy[o.xy : o.xy+nxy : o.xy+nxy]
	p.shape.rings = st.rings[o.rings : o.rings+nrings : o.rings+nrings]
	o.xy += nxy
	o.rings += nrings
	cg := p.cells
	if cg == nil {
		return
	}
	cg.s, cg.xy = &p.shape, p.shape.xy
	cg.closed = p.shape.closed()
	cg.words = st.words[o.words : o.words+nw : o.words+nw]
	cg.rank = st.rank[o.words : o.words+nw : o.words+nw]
	cg.start, cg.edges = nil, nil
	if ns > 0 {
		cg.start = st.start[o.start : o.start+ns : o.start+ns]
		cg.edges = st.edges[o.edges : o.edges+ne : o.edges+ne]
	}
	o.words += nw
	o.start += ns
	o.edges += ne
}

// count sums the pieces by zone and layer; layers[i] and zones[i] are the layer
// and the counts of the zone at position i (pieces are filled in from the index).
func (idx *Index) count(layers []string, zones []IndexStats) {
	for _, p := range idx.pieces {
		zones[p.ord].Pieces++
		if p.cells != nil {
			zones[p.ord].Cells += p.cells.numCells()
		}
	}
	// The counts are the index's own: the dataset, shared with every reader, is
	// not written to.
	idx.byLayer = map[string]IndexStats{}
	idx.stats = IndexStats{}
	for i, st := range zones {
		l := idx.byLayer[layers[i]]
		l.add(st)
		idx.byLayer[layers[i]] = l
		idx.stats.add(st)
	}
}

func makePieces(ctx *geo.Context, z *Zone, maxV int) ([]piece, error) {
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
	out := make([]piece, 0, len(parts))
	for _, g := range parts {
		p := piece{zone: z, bound: g.Bound(), shape: shapeOf(g), area: area}
		if area && !p.shape.lineal {
			p.cells = buildGrid(&p.shape, p.bound)
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

// maxNearCells is the most point-grid cells near looks through; a box that
// covers more goes to the R-tree.
const maxNearCells = 4

// nearByGrid: near looks small boxes up in the point grid (false in tests
// that hold it to the R-tree).
var nearByGrid = true

// near appends to found, in no set order, every piece that may meet the
// closed box b: a superset of those whose shape meets it, within those whose
// box does. For a box of a few point-grid cells (a 100 m square's one) the
// polygonal pieces come from the grid's cells, which list the pieces whose
// shape meets them (as classified when the grid was made, on cells widened
// past their rounding: a point of b lies in the cell that rounding gives it,
// between b's corners' cells, and a piece that covers it is listed there),
// and the rest from the line grid's cells, which list the pieces whose box
// meets them (a point of both boxes lies in a cell between the corners' cells
// of each), or from the R-tree of the few too wide for it: a lookup whose
// cost does not grow with the dataset, where the R-tree's walk went one level
// deeper at 32× (~140 → ~185 ns a square). Larger boxes search the R-tree of
// all pieces.
func (idx *Index) near(b orb.Bound, found []*piece) []*piece {
	g := &idx.points
	if g.start != nil && nearByGrid {
		x0, y0 := g.cell(b.Min)
		x1, y1 := g.cell(b.Max)
		if n := (x1 - x0 + 1) * (y1 - y0 + 1); n <= maxNearCells {
			from := len(found)
			found = listedIn(found, idx.pieces, g.start, g.items, g.nx, x0, y0, x1, y1, b)
			lx0, ly0 := lineCell(x0, y0)
			lx1, ly1 := lineCell(x1, y1)
			lg := &idx.lineCells
			found = listedIn(found, idx.pieces, lg.start, lg.items, lg.nx, lx0, ly0, lx1, ly1, b)
			if n > 1 { // a piece listed in two of the cells is found twice
				mine := found[from:]
				slices.SortFunc(mine, byPlace)
				found = found[:from+len(slices.Compact(mine))]
			}
			if idx.lines.Len() > 0 {
				idx.lines.Search(b.Min, b.Max, func(_, _ [2]float64, p *piece) bool {
					found = append(found, p)
					return true
				})
			}
			return found
		}
	}
	idx.tree.Search(b.Min, b.Max, func(_, _ [2]float64, p *piece) bool {
		found = append(found, p)
		return true
	})
	return found
}

// listedIn appends to found the pieces of the cells x0…x1, y0…y1 of a grid
// (nx cells a row; cell i's pieces are items[start[i]:start[i+1]], each its
// position in pieces in the low 32 bits) whose box meets b.
func listedIn[E uint32 | uint64](found []*piece, pieces []piece, start []uint32, items []E, nx, x0, y0, x1, y1 int, b orb.Bound) []*piece {
	for y := y0; y <= y1; y++ {
		i := y * nx
		for _, e := range items[start[i+x0]:start[i+x1+1]] {
			if p := &pieces[uint32(e)]; p.bound.Intersects(b) {
				found = append(found, p)
			}
		}
	}
	return found
}

// byPlace orders pieces of one index by their place in its pieces (a zone's
// pieces lie together, in their order).
func byPlace(a, b *piece) int {
	return cmp.Compare(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)))
}

// Intersecting returns the zones of the layer whose geometry meets the closed
// rectangle b (lon/lat; boundary included), in the layer's order: the R-tree
// picks the pieces near b, each piece is tested exactly.
func (idx *Index) Intersecting(layer string, b orb.Bound) []*Zone {
	var found []*piece
	seen := map[*Zone]bool{}
	idx.search(b, func(p *piece) bool {
		// A piece whose box lies in b meets it; only others are materialised to test.
		if p.zone.Layer != nil && p.zone.Layer.ID == layer && !seen[p.zone] &&
			((b.Contains(p.bound.Min) && b.Contains(p.bound.Max)) || planar.MeetsBound(p.geom(), b)) {
			seen[p.zone] = true
			found = append(found, p)
		}
		return true
	})
	slices.SortFunc(found, func(a, b *piece) int { return int(a.ord) - int(b.ord) })
	out := make([]*Zone, len(found))
	for i, p := range found {
		out[i] = p.zone
	}
	return out
}
