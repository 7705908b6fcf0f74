package main

import (
	"fmt"
	"io"
)

func runLocate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "redline locate: not implemented yet")
	return 1
}
