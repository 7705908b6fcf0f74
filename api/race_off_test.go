//go:build !race

package api

// raceBuild is true when the tests run under -race.
const raceBuild = false
