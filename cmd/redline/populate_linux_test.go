package main

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// resident counts the pages of b in memory (mincore).
func resident(t *testing.T, b []byte) int {
	t.Helper()
	page := os.Getpagesize()
	vec := make([]byte, (len(b)+page-1)/page)
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n
}

// TestPopulate: fresh anonymous memory is not resident; once populate says
// it did, every page is, and reads as zeros.
func TestPopulate(t *testing.T) {
	const size = 8 << 20
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(b)
	pages := size / os.Getpagesize()
	if n := resident(t, b); n != 0 {
		t.Fatalf("%d of %d pages resident before", n, pages)
	}
	if !populate(b) {
		t.Fatal("populate: the kernel refused MADV_POPULATE_WRITE (Linux 5.14 or later has it)")
	}
	if n := resident(t, b); n != pages {
		t.Fatalf("%d of %d pages resident after populate", n, pages)
	}
	for i := 0; i < size; i += 4096 {
		if b[i] != 0 {
			t.Fatalf("byte %d is %d, want 0", i, b[i])
		}
	}
	if populate(b[1:2]) {
		t.Error("populate of less than a whole page: true, want false")
	}
}
