// Package tiles cuts the zones of a loaded dataset into Mapbox Vector Tiles for
// the web map: the zones of one layer that meet a tile, clipped to it with a
// margin, simplified to about one screen pixel at the tile's zoom and kept valid.
// Tiles are cached by dataset generation, so a reload never serves old zones.
package tiles

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"

	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

const (
	// Extent is the tile's coordinate range (the MVT default).
	Extent = 4096
	// Buffer is the margin, in tile units, each tile carries beyond its edge so
	// that fills and strokes of neighbouring tiles meet without seams.
	Buffer = 64
	// MaxZoom is the deepest zoom served: 1 tile unit is then well under a
	// centimetre, finer than any zoning survey.
	MaxZoom = 22
	// pixel is one screen pixel in tile units for a 512-pixel tile, as MapLibre
	// draws vector tiles: simplification drops what no one could see.
	pixel = Extent / 512
)

// ErrBadTile says a z/x/y does not name a tile; the message says which part.
var ErrBadTile = errors.New("tiles: bad tile address")

// Parse reads the z/x/y of a tile URL: z in 0..MaxZoom, x and y in 0..2^z-1.
func Parse(zs, xs, ys string) (maptile.Tile, error) {
	z, err := strconv.ParseUint(zs, 10, 8)
	if err != nil || z > MaxZoom {
		return maptile.Tile{}, fmt.Errorf("%w: zoom %q is not a whole number from 0 to %d", ErrBadTile, zs, MaxZoom)
	}
	n := uint64(1) << z
	x, err := strconv.ParseUint(xs, 10, 32)
	if err != nil || x >= n {
		return maptile.Tile{}, fmt.Errorf("%w: x %q is not a whole number from 0 to %d at zoom %d", ErrBadTile, xs, n-1, z)
	}
	y, err := strconv.ParseUint(ys, 10, 32)
	if err != nil || y >= n {
		return maptile.Tile{}, fmt.Errorf("%w: y %q is not a whole number from 0 to %d at zoom %d", ErrBadTile, ys, n-1, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// Tiler makes tiles and keeps the recent ones. It is safe for concurrent use.
type Tiler struct {
	cache *lru
	// ctxs holds GEOS contexts for the validity checks: one per goroutine at a
	// time, as a context is not safe for concurrent use.
	ctxs sync.Pool
}

// New returns a Tiler caching up to maxBytes of gzipped tiles (0: no cache).
func New(maxBytes int64) *Tiler {
	return &Tiler{cache: newLRU(maxBytes), ctxs: sync.Pool{New: func() any { return geo.NewContext() }}}
}

// Tile returns the gzipped tile t of layer ly from idx. gen names the dataset in
// service (its version and when it was loaded): tiles of another generation are
// never served from the cache, so a reload shows its zones at once.
func (tl *Tiler) Tile(gen string, idx *zones.Index, ly *zones.Layer, t maptile.Tile) ([]byte, error) {
	key := gen + "\x00" + ly.ID + "\x00" + strconv.Itoa(int(t.Z)) + "/" + strconv.Itoa(int(t.X)) + "/" + strconv.Itoa(int(t.Y))
	if b, ok := tl.cache.get(key); ok {
		return b, nil
	}
	layer, err := tl.layer(idx, ly, t)
	if err != nil {
		return nil, err
	}
	b, err := mvt.MarshalGzipped(mvt.Layers{layer})
	if err != nil {
		return nil, fmt.Errorf("tiles: encode layer %s tile %d/%d/%d: %w", ly.ID, t.Z, t.X, t.Y, err)
	}
	tl.cache.put(key, b)
	return b, nil
}

// CacheStats reports the cache's size: tiles held and their bytes.
func (tl *Tiler) CacheStats() (tiles int, bytes int64) { return tl.cache.stats() }

// Purge empties the cache (after a reload, the old generation's tiles are dead
// weight; they would age out, this frees them at once).
func (tl *Tiler) Purge() { tl.cache.purge() }

// layer builds the MVT layer (named after ly.ID) of tile t, in tile units.
func (tl *Tiler) layer(idx *zones.Index, ly *zones.Layer, t maptile.Tile) (*mvt.Layer, error) {
	b := t.Bound()
	// The margin in degrees: Mercator keeps meridians and parallels straight, so
	// clipping in lon/lat to a slightly larger box clips to the tile's margin.
	dx := (b.Max[0] - b.Min[0]) * Buffer / Extent
	dy := (b.Max[1] - b.Min[1]) * Buffer / Extent
	wide := orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
	box := orb.Bound{Min: orb.Point{-Buffer, -Buffer}, Max: orb.Point{Extent + Buffer, Extent + Buffer}}

	proj := toTile(t)
	gctx := tl.ctxs.Get().(*geo.Context)
	defer tl.ctxs.Put(gctx)

	fc := geojson.NewFeatureCollection()
	for _, z := range idx.Intersecting(ly.ID, wide) {
		if z.Geometry == nil {
			continue
		}
		g := clip.Geometry(wide, orb.Clone(z.Geometry))
		if g == nil {
			continue
		}
		g = project.Geometry(g, proj)
		g = clip.Geometry(box, g)
		if g == nil {
			continue
		}
		g, err := clean(gctx, g, ly.Geom)
		if err != nil {
			return nil, fmt.Errorf("tiles: layer %s zone %s tile %d/%d/%d: %w", ly.ID, z.ID, t.Z, t.X, t.Y, err)
		}
		if g == nil {
			continue // smaller than a pixel here
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{
			"zone_id":  z.ID,
			"name":     z.Name,
			"class":    z.Class,
			"class_zh": zones.ClassLabel(ly.Kind, z.Class),
			"layer":    ly.ID,
		}
		fc.Append(f)
	}
	l := mvt.NewLayer(ly.ID, fc)
	l.Extent = Extent
	return l, nil
}

// toTile maps lon/lat to the tile's units (Web Mercator, y down), unrounded.
func toTile(t maptile.Tile) orb.Projection {
	n := math.Exp2(float64(t.Z)) * Extent
	x0, y0 := float64(t.X)*Extent, float64(t.Y)*Extent
	return func(p orb.Point) orb.Point {
		lat := max(-85.05112878, min(85.05112878, p[1]))
		x := (p[0] + 180) / 360 * n
		s := math.Sin(lat * math.Pi / 180)
		y := (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
		return orb.Point{x - x0, y - y0}
	}
}

// clean simplifies g (tile units) to about a pixel and snaps it to the integer
// grid the tile stores. Areas are kept valid through both (GEOS snap-rounding:
// simplifying and rounding can make a ring cross or touch itself, which
// renderers fill wrongly) and oriented as MVT wants: exterior rings positive by
// the surveyor's formula in tile coordinates, holes negative. nil: nothing left.
func clean(gctx *geo.Context, g orb.Geometry, kind zones.GeomType) (orb.Geometry, error) {
	g = simplify.DouglasPeucker(pixel).Simplify(g)
	if kind == zones.Lineal {
		var out orb.MultiLineString
		for _, ls := range planar.Lines(g) {
			if s := snapLine(ls); len(s) >= 2 {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	polys := planar.Polygons(g)
	if len(polys) == 0 {
		return nil, nil
	}
	fixed, err := gctx.SnapValid(orb.MultiPolygon(polys), 1)
	if err != nil {
		return nil, fmt.Errorf("make the simplified zone valid: %w", err)
	}
	out := planar.Polygons(fixed)
	if len(out) == 0 {
		// Smaller than a pixel: a zone too small to see at this zoom is still
		// there, so it is kept as a pixel-sized square where it lies, valid by
		// construction, rather than vanish from the map.
		b := orb.MultiPolygon(polys).Bound().Center()
		x, y := math.Round(b[0]), math.Round(b[1])
		return orb.MultiPolygon{{{{x, y}, {x, y + pixel}, {x + pixel, y + pixel}, {x + pixel, y}, {x, y}}}}, nil
	}
	for _, p := range out {
		for i, r := range p {
			if a := ringArea(r); (i == 0) != (a > 0) {
				r.Reverse()
			}
		}
	}
	return orb.MultiPolygon(out), nil
}

// snapLine rounds ls to whole tile units, dropping repeated points.
func snapLine(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, 0, len(ls))
	for _, p := range ls {
		q := orb.Point{math.Round(p[0]), math.Round(p[1])}
		if len(out) == 0 || out[len(out)-1] != q {
			out = append(out, q)
		}
	}
	return out
}

// ringArea is twice the signed area of r by the surveyor's formula.
func ringArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}
