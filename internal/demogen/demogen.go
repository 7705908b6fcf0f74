// Package demogen generates redline's demo dataset: a fictional province, 示范省, with
// one layer of every zone kind (environmental control units, ecological protection red
// lines, Qinling zones, a nature reserve, a national park, drinking-water sources, and
// rivers), a dataset.yaml in the form of DESIGN.md, and example footprints.
//
// Output is deterministic: fixed-seed PCG streams keyed by object name, coordinates
// rounded to 7 decimals (CGCS2000 lon/lat, EPSG:4490), no map iteration in output, one
// feature per line. Polygons are valid by construction (see shapes.go) and checked
// before anything is returned (see check.go): simple rings, counter-clockwise shells,
// clockwise holes inside their shells, disjoint parts, every zone inside the province,
// and the control units a partition of the province.
package demogen

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is one generated file, Path relative to the dataset directory, slash-separated.
type File struct {
	Path string
	Data []byte
}

// Industry lists of the Qinling rules (GB/T 4754-2017 prefixes, letter form), in the
// manner of Shaanxi's 秦岭 industry catalogues but written for the demo.
func industryLists() [][2]any {
	return [][2]any{
		{"qinling_key_allowed", []string{"A01", "A02", "A03", "A05", "D4610", "M7461", "N77", "N7810", "N7850", "N7862"}},
		{"qinling_general_restricted", []string{"C13", "C14", "C15", "C20", "C27", "C29", "C33", "D4413", "H61", "N786"}},
		{"qinling_general_prohibited", []string{"B06", "B07", "B08", "B09", "B10", "C2511", "C26", "C30", "C31", "C32", "D4411", "K7010"}},
	}
}

// Build generates every file of the dataset, in a fixed order.
func Build() ([]File, error) {
	w, err := build()
	if err != nil {
		return nil, fmt.Errorf("demogen: %w", err)
	}
	files := []File{
		{Path: "README.md", Data: readme(w.layers)},
		{Path: "dataset.yaml", Data: manifest(w.layers, industryLists())},
	}
	for _, l := range w.layers {
		files = append(files, File{Path: l.file, Data: layerFile(l)})
	}
	ex, err := w.examples()
	if err != nil {
		return nil, fmt.Errorf("demogen: examples: %w", err)
	}
	for _, e := range ex {
		files = append(files, e.files()...)
	}
	files = append(files, File{Path: "examples/README.md", Data: examplesReadme(ex)})
	return files, nil
}

// Write generates the dataset into dir, creating it as needed and overwriting the
// files it generates; other files in dir are left alone.
func Write(dir string) error {
	files, err := Build()
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
