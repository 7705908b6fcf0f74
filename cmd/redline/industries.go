package main

import (
	"fmt"
	"io"
)

func runIndustries(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "redline industries: not implemented yet")
	return 1
}
