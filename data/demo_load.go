package data

import (
	"github.com/redline-gis/redline/data/demo"
	"github.com/redline-gis/redline/zones"
)

// LoadDemo loads the demo dataset embedded in the binary (示范省, data/demo).
func LoadDemo() (*zones.Dataset, error) {
	return LoadFS(demo.FS, "dataset.yaml")
}
