//go:build !linux

package data

import "os"

// mapSnapshot: snapshots are mapped on Linux only; elsewhere they are read.
func mapSnapshot(*os.File, int) []byte { return nil }

func unmapSnapshot([]byte) {}

func releaseSnapshot([]byte) {}

func releasePart([]byte, []byte) {}
