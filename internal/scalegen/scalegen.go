// Package scalegen makes a large dataset out of a small one for the scale
// benchmark (`make bench-scale`): every layer of the new dataset holds the
// original zones, untouched, plus N−1 copies moved to other places in China
// (Place says where), with ids and names made unique per copy and the manifest
// otherwise the same. A query in the original region therefore meets exactly the
// zones it met before, and its answers must not change; only the size of what is
// loaded does.
//
// Layers are read in any format redline reads (data/formats, converted to lon/lat)
// and written as GeoJSON: the original's coordinates and properties go through
// bit for bit (the shortest decimal that reads back as the same float64), so the
// 1× output answers exactly as the source dataset does, which a shapefile (GBK
// text columns, rings re-nested from their orientation) would not promise. One
// layer of the source is held at a time; the copies are streamed to disk.
package scalegen

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	yaml "go.yaml.in/yaml/v3"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/planar"
)

// Options steer Generate.
type Options struct {
	// N is the number of copies in all, the original included: 1 rewrites the
	// dataset as GeoJSON, 32 makes the 32×.
	N int
	// Margin is the clearance in degrees between the original's extent and any
	// copy's (0 means 0.5°, about 50 km: more than any buffer a query asks).
	Margin float64
	// KeepShape stretches a copy's longitudes by the ratio of the cosines of the
	// latitudes, so that shapes and areas in metres stay close to the original's.
	KeepShape bool
	// Interleave writes each layer feature by feature, each feature's N copies
	// together (the original's first), rather than copy by copy: neighbours in
	// the file are then a thousand kilometres apart, as in a file whose features
	// came in no spatial order.
	Interleave bool
}

// LayerSummary is what Generate wrote for one layer.
type LayerSummary struct {
	ID string `json:"id"`
	// File is the layer's GeoJSON file, relative to the output directory.
	File string `json:"file"`
	// Features and Vertices are the source layer's; the output holds N times as many.
	Features int `json:"features"`
	Vertices int `json:"vertices"`
}

// Summary is what Generate did; it is also written as scalegen.json beside the
// manifest.
type Summary struct {
	Source string         `json:"source"`
	N      int            `json:"n"`
	Layers []LayerSummary `json:"layers"`
	Plan   *Plan          `json:"plan"`
	// Overlapping counts the pairs of copies whose extents overlap (never the
	// original's): see Place.
	Overlapping int `json:"overlapping_pairs"`
}

// Suffix is what copy k (k ≥ 1) adds to the ids and names of the original's
// zones: "-c07" for the seventh of 32.
func Suffix(k, n int) string {
	if k == 0 {
		return ""
	}
	return fmt.Sprintf("-c%0*d", len(fmt.Sprint(n-1)), k)
}

// Generate reads the dataset src (a directory with dataset.yaml or dataset.json,
// or the manifest itself) and writes into out (created if need be) a dataset whose
// every layer holds its zones N times: the original, then the copies in the order
// of the plan. out must not be src's directory.
func Generate(src, out string, opts Options) (*Summary, error) {
	if opts.N < 1 {
		return nil, fmt.Errorf("scalegen: %d copies: at least 1 (the original)", opts.N)
	}
	if opts.Margin == 0 {
		opts.Margin = 0.5
	}
	manifestPath, err := manifestOf(src)
	if err != nil {
		return nil, err
	}
	srcDir := filepath.Dir(manifestPath)
	if same, _ := sameDir(srcDir, out); same {
		return nil, fmt.Errorf("scalegen: the output %s is the source dataset's directory", out)
	}
	b, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	m, err := data.ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("scalegen: %s: %w", manifestPath, err)
	}
	sum := &Summary{Source: manifestPath, N: opts.N}

	// First pass: the extent of every layer, one layer in memory at a time.
	var extent orb.Bound
	first := true
	for _, spec := range m.Layers {
		coll, err := readLayer(srcDir, m, spec)
		if err != nil {
			return nil, err
		}
		ls := LayerSummary{ID: spec.ID, File: spec.ID + ".geojson", Features: len(coll.Features)}
		for _, f := range coll.Features {
			if f.Geometry == nil {
				continue
			}
			ls.Vertices += planar.NumVertices(f.Geometry)
			if first {
				extent, first = f.Geometry.Bound(), false
			} else {
				extent = extent.Union(f.Geometry.Bound())
			}
		}
		sum.Layers = append(sum.Layers, ls)
	}
	if first {
		return nil, fmt.Errorf("scalegen: %s: no layer has a geometry", manifestPath)
	}
	if sum.Plan, err = Place(extent, opts.N, opts.Margin, opts.KeepShape); err != nil {
		return nil, err
	}
	sum.Overlapping = sum.Plan.Overlaps()

	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	// Second pass: each layer read again and written N times over.
	outM := *m
	outM.CRS = "EPSG:4490"
	outM.Layers = make([]data.LayerSpec, len(m.Layers))
	for i, spec := range m.Layers {
		coll, err := readLayer(srcDir, m, spec)
		if err != nil {
			return nil, err
		}
		if err := writeLayer(filepath.Join(out, sum.Layers[i].File), spec, coll, sum.Plan, opts.Interleave); err != nil {
			return nil, fmt.Errorf("scalegen: layer %q: %w", spec.ID, err)
		}
		spec.File, spec.CRS, spec.Table, spec.Encoding, spec.Polygonize = sum.Layers[i].File, "", "", "", false
		outM.Layers[i] = spec
	}
	if err := copyAux(srcDir, out, &outM); err != nil {
		return nil, err
	}
	yb, err := yaml.Marshal(&outM)
	if err != nil {
		return nil, fmt.Errorf("scalegen: manifest: %w", err)
	}
	order := "the original zones, then %d copies elsewhere in China"
	if opts.Interleave {
		order = "each zone followed by its %d copies elsewhere in China"
	}
	head := fmt.Sprintf("# %d× %s, written by scalegen (see scalegen.json): "+order+".\n", opts.N, m.Name, opts.N-1)
	if err := os.WriteFile(filepath.Join(out, "dataset.yaml"), append([]byte(head), yb...), 0o644); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	jb, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("scalegen: summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "scalegen.json"), append(jb, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("scalegen: %w", err)
	}
	return sum, nil
}

// manifestOf is the manifest of the dataset src, as data.LoadDir finds it.
func manifestOf(src string) (string, error) {
	st, err := os.Stat(src)
	if err != nil {
		return "", fmt.Errorf("scalegen: dataset %w", err)
	}
	if !st.IsDir() {
		return src, nil
	}
	for _, name := range []string{"dataset.yaml", "dataset.json"} {
		if p := filepath.Join(src, name); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("scalegen: %s holds no dataset.yaml", src)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// resolve is the path on disk of a file the manifest in dir names.
func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, filepath.FromSlash(p))
}

// readLayer reads a layer's file as the dataset loader does: any format, the
// layer's or the manifest's CRS when the file says none, converted to lon/lat.
func readLayer(dir string, m *data.Manifest, spec data.LayerSpec) (*vector.Collection, error) {
	opts := formats.Options{Name: spec.File, Encoding: spec.Encoding, Polygonize: spec.Polygonize, Layer: spec.Table}
	coll, err := formats.ReadPath(resolve(dir, spec.File), opts)
	if err != nil {
		return nil, fmt.Errorf("scalegen: layer %q file %s: %w", spec.ID, spec.File, err)
	}
	if coll.CRS == "" {
		opts.CRS = spec.CRS
		if opts.CRS == "" {
			opts.CRS = m.CRS
		}
	}
	if _, _, err := formats.ToLonLat(coll, opts); err != nil {
		return nil, fmt.Errorf("scalegen: layer %q file %s: %w", spec.ID, spec.File, err)
	}
	return coll, nil
}

// copyAux copies the rule files and the industry table next to the new manifest,
// so that the output is a dataset on its own.
func copyAux(srcDir, out string, m *data.Manifest) error {
	used := map[string]bool{}
	cp := func(p string) (string, error) {
		name := filepath.Base(p)
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%d-%s", i, filepath.Base(p))
		}
		used[name] = true
		b, err := os.ReadFile(resolve(srcDir, p))
		if err != nil {
			return "", fmt.Errorf("scalegen: %w", err)
		}
		return name, os.WriteFile(filepath.Join(out, name), b, 0o644)
	}
	m.Rules = append([]string(nil), m.Rules...)
	for i, r := range m.Rules {
		n, err := cp(r)
		if err != nil {
			return err
		}
		m.Rules[i] = n
	}
	if m.Industries != "" {
		n, err := cp(m.Industries)
		if err != nil {
			return err
		}
		m.Industries = n
	}
	return nil
}

// zoneKeys says where a feature's zone id and name are, as the loader reads them
// (data.makeZone): the id field, else the feature's id (GeoJSON "id", else
// properties.id); the name field.
type zoneKeys struct{ idProp, nameProp string }

func keysOf(spec data.LayerSpec, props map[string]any) zoneKeys {
	k := zoneKeys{idProp: propKey(props, spec.IDField), nameProp: propKey(props, spec.NameField)}
	if spec.IDField == "" {
		k.idProp = propKey(props, "id")
	}
	return k
}

// propKey is the property key matching name as the loader matches it (exactly,
// else ignoring case and surrounding space); "" when none does.
func propKey(props map[string]any, name string) string {
	if name == "" {
		return ""
	}
	if _, ok := props[name]; ok {
		return name
	}
	for k := range props {
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return k
		}
	}
	return ""
}

// zoneID is the id the loader gives f.
func zoneID(f *vector.Feature, k zoneKeys, spec data.LayerSpec) string {
	if k.idProp != "" && (spec.IDField != "" || f.ID == "") {
		return geojson.ValueString(f.Properties[k.idProp])
	}
	return f.ID
}

// writeLayer writes coll N times over as a GeoJSON FeatureCollection at path:
// copy after copy, or with interleave feature by feature (each feature's
// copies together).
func writeLayer(path string, spec data.LayerSpec, coll *vector.Collection, pl *Plan, interleave bool) (err error) {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(file, 1<<20)
	n := len(pl.Copies)
	// A copy's ids must not be ids of the original: "610102-c07" could be one.
	ids := map[string]bool{}
	for i := range coll.Features {
		f := &coll.Features[i]
		ids[zoneID(f, keysOf(spec, f.Properties), spec)] = true
	}
	if _, err := io.WriteString(w, `{"type":"FeatureCollection","features":[`); err != nil {
		return err
	}
	var buf []byte
	sep := "\n"
	write := func(ci, i int) error {
		c := &pl.Copies[ci]
		sfx := Suffix(c.Index, n)
		f := &coll.Features[i]
		k := keysOf(spec, f.Properties)
		id, props := f.ID, f.Properties
		if sfx != "" {
			if zid := zoneID(f, k, spec); ids[zid+sfx] {
				return fmt.Errorf("feature %d: copy %d's id %q is an id of the original", f.Index, c.Index, zid+sfx)
			}
			if id != "" {
				id += sfx
			}
			props = make(map[string]any, len(f.Properties))
			for key, v := range f.Properties {
				props[key] = v
			}
			if k.idProp != "" {
				props[k.idProp] = geojson.ValueString(props[k.idProp]) + sfx
			}
			if k.nameProp != "" {
				props[k.nameProp] = geojson.ValueString(props[k.nameProp]) + sfx
			}
		}
		var err error
		buf, err = appendFeature(buf[:0], id, props, f.Geometry, func(p orb.Point) orb.Point { return pl.Apply(c, p) })
		if err != nil {
			return fmt.Errorf("feature %d (copy %d): %w", f.Index, c.Index, err)
		}
		w.WriteString(sep)
		if _, err := w.Write(buf); err != nil {
			return err
		}
		sep = ",\n"
		return nil
	}
	if interleave { // feature by feature
		for i := range coll.Features {
			for ci := range n {
				if err := write(ci, i); err != nil {
					return err
				}
			}
		}
	} else { // copy by copy
		for ci := range n {
			for i := range coll.Features {
				if err := write(ci, i); err != nil {
					return err
				}
			}
		}
	}
	if _, err := io.WriteString(w, "\n]}\n"); err != nil {
		return err
	}
	return w.Flush()
}

// errGeometry marks a geometry type GeoJSON output does not take.
var errGeometry = errors.New("scalegen: geometry type not written")
