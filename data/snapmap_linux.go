package data

import (
	"os"
	"syscall"
	"unsafe"
)

// mapSnapshot maps the first size bytes of f read-only, or returns nil when it
// cannot. The mapping is populated at once from the page cache: faulting 269 MB
// (32×) into fresh memory by reading it took ten times as long here. Nothing
// writes into a decoded index (its geometries are cloned before anything maps
// them in place); a write would fault rather than change what is served. (A
// writable private mapping would not do: populating it copies every page.)
func mapSnapshot(f *os.File, size int) []byte {
	b, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil
	}
	return b
}

// unmapSnapshot unmaps a mapping nothing was decoded from.
func unmapSnapshot(b []byte) { _ = syscall.Munmap(b) }

// releaseSnapshot gives back the pages of a mapping whose index is no longer
// referenced. It does not unmap: a zone or geometry still held somewhere would
// read its pages again from the file (the mapping keeps the file it was made
// from, even renamed over), where after an unmap it would fault.
func releaseSnapshot(b []byte) { _ = syscall.Madvise(b, syscall.MADV_DONTNEED) }

// releasePart gives back the pages of the mapping b that lie wholly within
// part, a slice of b (Index.SeldomRead): they were read into memory when the
// snapshot was mapped and summed, and are read again from the file (the page
// cache, while it holds them) when something uses them.
func releasePart(b, part []byte) {
	if len(part) == 0 || len(b) == 0 {
		return
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(part))) - base
	hi := lo + uintptr(len(part))
	if lo >= uintptr(len(b)) || hi > uintptr(len(b)) {
		return // part is not within b (one that starts before b wraps lo past len(b))
	}
	page := uintptr(os.Getpagesize())
	lo = (lo + page - 1) &^ (page - 1) // the mapping starts on a page
	hi &^= page - 1
	if lo < hi {
		_ = syscall.Madvise(b[lo:hi], syscall.MADV_DONTNEED)
	}
}
