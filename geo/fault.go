package geo

import (
	"fmt"
	"slices"
)

// This file is the fault hook, for tests only: production code never calls it.
// GEOS fails rarely and unpredictably (an exception on a degenerate input, a
// go-geos panic), so the paths that handle its failures cannot be reached with
// real inputs on demand; a failing context reaches them.

// NewFailingContext returns a context whose operations named in ops fail every
// time, as if GEOS had raised an exception inside them: the failure is raised
// inside the same recover guard that catches a real one, so the caller sees the
// *Error (with that Op) a real failure gives. Other operations work normally.
// It is meant for tests of callers (that a footprint whose validity GEOS cannot
// decide is refused, that a failed clip fails the load), never for production.
func NewFailingContext(ops ...Op) *Context {
	c := NewContext()
	c.fault = failOn(ops)
	return c
}

func failOn(ops []Op) func(Op) error {
	return func(op Op) error {
		if slices.Contains(ops, op) {
			return fmt.Errorf("injected failure in %s (test fault hook)", op)
		}
		return nil
	}
}
