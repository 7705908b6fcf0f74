//go:build !linux

package data

import "io/fs"

// stampOf: no key memo here (change times are read on Linux only); every start
// hashes the sources.
func stampOf(fs.FileInfo) (fileStamp, bool) { return fileStamp{}, false }
