package data

import (
	"encoding/binary"
	"os"
	"testing"
	"unsafe"
)

// For the tests of package data_test.
var (
	WholePages   = wholePages
	PresentPages = present
)

// TestReleasePart: of a part of a mapped file, the pages it covers whole are
// given back and no other; a part not within the mapping (before it, after it,
// empty) gives back nothing.
func TestReleasePart(t *testing.T) {
	page := os.Getpagesize()
	content := make([]byte, 16*page)
	for i := range content {
		content[i] = byte(i / page)
	}
	_, b := mapWritten(t, content)
	resident := func() (in []bool) {
		for i := range 16 {
			n, _ := present(t, b[i*page:(i+1)*page], page)
			in = append(in, n == 1)
		}
		return in
	}
	for i, in := range resident() {
		if !in {
			t.Fatalf("page %d not in memory after a populated map", i)
		}
	}
	other := make([]byte, 4*page)
	releasePart(b, other)                  // elsewhere
	releasePart(b, b[3*page:3*page])       // empty
	releasePart(b, b[2*page+1:4*page-1])   // no page whole
	releasePart(b, b[5*page-7:9*page+100]) // pages 5 to 8
	releasePart(b[8*page:], b[:page])      // before the mapping given
	releasePart(b[:10*page], b[9*page:11*page])
	want := []bool{true, true, true, true, true, false, false, false, false, true, true, true, true, true, true, true}
	for i, in := range resident() {
		if in != want[i] {
			t.Fatalf("page %d in memory: %v, want %v", i, in, want[i])
		}
	}
	// Given back, the pages read as the file.
	for i := 5 * page; i < 9*page; i++ {
		if b[i] != content[i] {
			t.Fatalf("byte %d read back as %d, the file has %d", i, b[i], content[i])
		}
	}
}

// wholePages is the part of b on the pages b covers whole.
func wholePages(b []byte, page int) []byte {
	if len(b) == 0 {
		return nil
	}
	at := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % uintptr(page))
	lo := 0
	if at != 0 {
		lo = page - at
	}
	if lo >= len(b) {
		return nil
	}
	b = b[lo:]
	return b[:len(b)/page*page]
}

// present counts the pages of b (on whole pages) that are in this process's
// page tables (/proc/self/pagemap, bit 63), of how many.
func present(t *testing.T, b []byte, page int) (n, of int) {
	t.Helper()
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	of = len(b) / page
	entries := make([]byte, 8*of)
	first := uintptr(unsafe.Pointer(unsafe.SliceData(b))) / uintptr(page)
	if _, err := f.ReadAt(entries, int64(first)*8); err != nil {
		t.Fatal(err)
	}
	for i := range of {
		if binary.LittleEndian.Uint64(entries[8*i:])>>63 == 1 {
			n++
		}
	}
	return n, of
}
