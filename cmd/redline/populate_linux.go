package main

import (
	"os"
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14): fault the range in,
// writable, as writing to each page would.
const madvPopulateWrite = 23

// populate has the kernel fault in the whole pages of b at once; false when
// it cannot (an older kernel), and the caller writes to them instead.
func populate(b []byte) bool {
	page := uintptr(os.Getpagesize())
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start, end := (p+page-1)&^(page-1), (p+uintptr(len(b)))&^(page-1)
	if end <= start {
		return false
	}
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvPopulateWrite)
	return errno == 0
}
