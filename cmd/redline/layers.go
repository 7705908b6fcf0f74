package main

import (
	"fmt"
	"io"
)

func runLayers(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "redline layers: not implemented yet")
	return 1
}
