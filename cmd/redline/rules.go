package main

import (
	"fmt"
	"io"
)

func runRules(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "redline rules: not implemented yet")
	return 1
}
