package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// bufioHead is how Open sniffed before it read into the reader's first
// block: through a bufio.Reader of 1 MiB, which the reader then read out of.
func bufioHead(r io.Reader) ([]byte, io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := br.Peek(1)
	for err == nil {
		head, _ = br.Peek(br.Buffered())
		if bytes.IndexByte(head, '\n') >= 0 || len(head) >= 64<<10 {
			break
		}
		_, err = br.Peek(len(head) + 1)
	}
	head, _ = br.Peek(br.Buffered())
	return append([]byte(nil), head...), io.MultiReader(bytes.NewReader(head), r)
}

// chunked returns its bytes a few at a time, with a read of nothing now and
// then, and its error with the last bytes.
type chunked struct {
	b   []byte
	n   int
	err error
	k   int
}

func (c *chunked) Read(p []byte) (int, error) {
	c.k++
	if c.k%3 == 0 {
		return 0, nil
	}
	n := copy(p, c.b[:min(len(c.b), c.n)])
	c.b = c.b[n:]
	if len(c.b) == 0 {
		return n, c.err
	}
	return n, nil
}

// TestSniffHeadAsBufio: the bytes Open sniffs are those a bufio.Reader
// peeking the same way saw, however the source hands them out, and the
// reader then reads the same features and errors as from the whole text.
func TestSniffHeadAsBufio(t *testing.T) {
	long := strings.Repeat(" ", 70<<10)
	bodies := []string{
		"",
		"\n",
		point(0),
		point(0) + "\n" + point(1) + "\n",
		`{"type":"FeatureCollection","features":[` + point(0) + "," + point(1) + "]}",
		`{"type":"FeatureCollection",` + "\n" + `"features":[` + point(0) + "]}",
		long + point(0) + "\n" + point(1),
		`{"type":"FeatureCollection","features":[` + long + point(0) + "]}",
		"not json at all",
	}
	fail := errors.New("connection reset")
	for bi, body := range bodies {
		sources := map[string]func() io.Reader{
			"whole":    func() io.Reader { return strings.NewReader(body) },
			"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
			"data+EOF": func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) },
			"chunks":   func() io.Reader { return &chunked{b: []byte(body), n: 5000, err: io.EOF} },
			"failing":  func() io.Reader { return &chunked{b: []byte(body), n: 3000, err: fail} },
		}
		for name, src := range sources {
			t.Run(fmt.Sprintf("%d/%s", bi, name), func(t *testing.T) {
				want, _ := bufioHead(src())
				got := sniffHead(src(), make([]byte, 0, blockSize))
				if !bytes.Equal(got, want) {
					t.Fatalf("sniffed %d bytes %.40q, bufio %d bytes %.40q", len(got), got, len(want), want)
				}
				_, rest := bufioHead(src())
				wantFs, wantErr := readAll(t, oldOpen(rest, Sniff(want)))
				gotFs, gotErr := readAll(t, Open(src(), "application/json", 0))
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || len(gotFs) != len(wantFs) {
					t.Fatalf("Open read %d features, %v; before %d, %v", len(gotFs), gotErr, len(wantFs), wantErr)
				}
				for i := range gotFs {
					if g, w := fmt.Sprint(gotFs[i]), fmt.Sprint(wantFs[i]); g != w {
						t.Fatalf("feature %d: %s, before %s", i, g, w)
					}
				}
			})
		}
	}
}

// oldOpen is the reader Open made after sniffing, reading rest (the sniffed
// bytes, then the source).
func oldOpen(rest io.Reader, kind string) Reader {
	if kind == "ndjson" {
		return NewNDJSON(rest)
	}
	return NewCollection(rest)
}

// TestOpenAllocatesOneBlock: a small body costs Open one block of the
// reader's (1 MiB), not a sniffing buffer as well.
func TestOpenAllocatesOneBlock(t *testing.T) {
	body := []byte(`{"type":"FeatureCollection","features":[` + point(0) + "]}")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 10
	for range runs {
		if _, err := readAll(t, Open(bytes.NewReader(body), "application/json", 0)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > blockSize+blockSize/4 {
		t.Errorf("Open and a one-point read allocate %d bytes, want little more than one block (%d)", per, blockSize)
	}
}
