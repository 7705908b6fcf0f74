package scalegen

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/paulmach/orb"
)

// PatchOptions steer Patches.
type PatchOptions struct {
	// N is the number of zones.
	N int
	// Sides is each zone's number of corners (0 means 12).
	Sides int
	// Seed makes the places and sizes; the same seed writes the same bytes.
	Seed uint64
}

// PatchSummary is what Patches wrote.
type PatchSummary struct {
	Zones int `json:"zones"`
	// Vertices counts every ring position, the closing one included.
	Vertices int    `json:"vertices"`
	File     string `json:"file"`
}

// Patches writes into out (created if need be) a dataset of one drinking-water
// source layer holding opts.N small zones scattered over mainland China: the
// many-small-zones shape of a nation's red-line patches and water-source zones,
// where what a zone costs whatever its size (its record, attributes, piece and
// index entries) outweighs its vertices, which the replicated Shaanxi layers
// (386 vertices a zone on average) do not show.
//
// Each zone is a ring of opts.Sides corners 80–400 m from its centre (a 一级
// zone's size), the centre drawn uniformly over the mainland outline; its
// properties are the six an inventory of water sources carries: id, name,
// county, level (一级, 二级 or 准保护区: the layer's class, by class_map),
// approval date and area.
func Patches(out string, opts PatchOptions) (*PatchSummary, error) {
	if opts.N < 1 {
		return nil, fmt.Errorf("scalegen: %d patches: at least 1", opts.N)
	}
	sides := opts.Sides
	if sides == 0 {
		sides = 12
	}
	if sides < 3 {
		return nil, fmt.Errorf("scalegen: %d sides: at least 3", sides)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	const file = "water_src.geojson"
	manifest := `name: patches
version: n` + strconv.Itoa(opts.N) + `-s` + strconv.FormatUint(opts.Seed, 10) + `
crs: EPSG:4490
layers:
  - id: water_src
    kind: water_source
    title: 饮用水水源保护区
    file: ` + file + `
    id_field: id
    name_field: name
    class_field: level
    class_map: {一级: level1, 二级: level2, 准保护区: quasi}
`
	if err := os.WriteFile(filepath.Join(out, "dataset.yaml"), []byte(manifest), 0o644); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	f, err := os.Create(filepath.Join(out, file))
	if err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rnd := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))
	levels := [...]string{"一级", "二级", "准保护区"}
	var b []byte
	ring := make(orb.Ring, sides+1)
	w.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range opts.N {
		var c orb.Point
		for {
			c = orb.Point{ChinaBox.Min[0] + rnd.Float64()*(ChinaBox.Max[0]-ChinaBox.Min[0]),
				ChinaBox.Min[1] + rnd.Float64()*(ChinaBox.Max[1]-ChinaBox.Min[1])}
			if onLand(c) {
				break
			}
		}
		// Metres to degrees at the centre's latitude (a sphere is enough here).
		const mPerDeg = math.Pi * 6371008.8 / 180
		radius := 80 + 320*rnd.Float64()
		dy := radius / mPerDeg
		dx := dy / math.Cos(c[1]*math.Pi/180)
		turn := rnd.Float64() * 2 * math.Pi
		for k := range sides {
			a := turn + 2*math.Pi*float64(k)/float64(sides)
			r := 0.85 + 0.3*rnd.Float64() // a little uneven, never crossing itself
			ring[k] = orb.Point{round7(c[0] + r*dx*math.Cos(a)), round7(c[1] + r*dy*math.Sin(a))}
		}
		ring[sides] = ring[0]
		props := map[string]any{
			"id":       fmt.Sprintf("W%07d", i),
			"name":     fmt.Sprintf("水源保护区%d", i),
			"county":   fmt.Sprintf("县%d", rnd.IntN(2800)),
			"level":    levels[rnd.IntN(len(levels))],
			"approved": fmt.Sprintf("%d-%02d-01", 2015+rnd.IntN(10), 1+rnd.IntN(12)),
			"area_km2": math.Round(math.Pi*radius*radius/1e6*1e4) / 1e4,
		}
		if i > 0 {
			b = append(b[:0], ',', '\n')
		} else {
			b = append(b[:0], '\n')
		}
		if b, err = appendFeature(b, "", props, orb.Polygon{ring}, func(p orb.Point) orb.Point { return p }); err != nil {
			return nil, fmt.Errorf("scalegen: patch %d: %w", i, err)
		}
		if _, err := w.Write(b); err != nil {
			return nil, fmt.Errorf("scalegen: %w", err)
		}
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	return &PatchSummary{Zones: opts.N, Vertices: opts.N * (sides + 1), File: file}, nil
}

// round7 rounds a coordinate to 7 decimals (~1 cm), as survey files give them.
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }
