package dxf

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/paulmach/orb"
)

// largeDrawing is a drawing of about size bytes: a red line among decoys — lines
// of 道路, texts of 标注, closed frames of 图框, open polylines of 等高线 with
// many vertices, a block of 植被 symbols inserted over and over.
func largeDrawing(tb testing.TB, size int) []byte {
	d := newDrawing()
	d.block("TREE", orb.Point{0, 0}, func() {
		d.circle("植被", orb.Point{0, 0}, 1)
		d.line("0", orb.Point{-1, 0}, orb.Point{1, 0})
	})
	d.lwpolyline("用地红线", square(36500000, 3800000, 500), []float64{0, 0.2, 0, -0.2}, true)
	for i := 0; d.entities.Len() < size; i++ {
		x := 36500000 + float64(i%1000)
		y := 3800000 + float64(i/1000)
		switch i % 5 {
		case 0:
			d.line("道路", orb.Point{x, y}, orb.Point{x + 10, y + 3})
		case 1:
			d.text("标注", fmt.Sprintf("J%d", i), orb.Point{x, y})
		case 2:
			d.lwpolyline("图框", square(x, y, 5), nil, true)
		case 3:
			pts := make([]orb.Point, 40)
			for j := range pts {
				pts[j] = orb.Point{x + float64(j), y + float64(j%3)}
			}
			d.lwpolyline("等高线", pts, nil, false)
		case 4:
			d.insert("植被", "TREE", orb.Point{x, y}, 1, 1, float64(i%360), 1, 1, 0, 0)
		}
	}
	return d.bytes(tb)
}

// TestLargeDrawingMemory reads a 50 MB drawing of decoys and requires the reading
// to allocate, all told, less than a quarter of the drawing's own size
// (short-lived garbage included; a token list or a string per number costs
// several times the drawing): pairs are read in place, model-space polylines share
// one vertex buffer, and only the candidate layer's geometry and every layer's
// counts are kept.
func TestLargeDrawingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB drawing")
	}
	b := largeDrawing(t, 50<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := Read(b, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if c.Features[0].ID != "用地红线" {
		t.Fatalf("layer %q", c.Features[0].ID)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d MB drawing: %.2f MB allocated in %d allocations", len(b)>>20, float64(alloc)/(1<<20), after.Mallocs-before.Mallocs)
	if alloc > uint64(len(b))/4 {
		t.Errorf("reading a %d-byte drawing allocated %d bytes, more than a quarter of its size", len(b), alloc)
	}
}

func BenchmarkRead50MB(b *testing.B) {
	in := largeDrawing(b, 50<<20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
