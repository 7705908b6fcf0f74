// Command demogen writes redline's demo dataset (a fictional province) into a
// directory: `go run ./cmd/demogen -out data/demo`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/redline-gis/redline/internal/demogen"
)

func main() {
	out := flag.String("out", "data/demo", "directory to write the dataset into")
	flag.Parse()
	if err := demogen.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "demogen:", err)
		os.Exit(1)
	}
}
