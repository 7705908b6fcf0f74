package main

import (
	"fmt"
	"io"
)

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "redline serve: not implemented yet")
	return 1
}
