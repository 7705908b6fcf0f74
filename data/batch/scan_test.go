package batch

import (
	"math/rand/v2"
	"testing"
)

// TestNumberRun: the run of number bytes found eight at a time ends where a
// byte at a time it does, over bytes of every value, mostly number bytes.
func TestNumberRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	alphabet := []byte("0123456789+-.eE,]/")
	for range 200000 {
		b := make([]byte, rng.IntN(40))
		for k := range b {
			if rng.IntN(8) == 0 {
				b[k] = byte(rng.IntN(256))
			} else {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		i := rng.IntN(len(b) + 1)
		want := i
		for want < len(b) && numberByte[b[want]] {
			want++
		}
		if got := numberRun(b, i); got != want {
			t.Fatalf("numberRun(%q, %d) = %d, want %d", b, i, got, want)
		}
	}
}

// TestHasLongPrefix: the heads compared eight bytes at a time match as
// hasPrefix matches them, at every length of input and with any one byte
// changed.
func TestHasLongPrefix(t *testing.T) {
	for _, head := range []string{featureHead, propertiesHead, geometryHead, pointHead} {
		for _, pad := range []string{"", "x", `{"id":1}`} {
			b := []byte(pad + head + "tail")
			for n := range len(b) + 1 {
				for k := -1; k < n; k++ {
					c := append([]byte(nil), b[:n]...)
					if k >= 0 {
						c[k] ^= 0x20
					}
					if got, want := hasLongPrefix(c, len(pad), head), hasPrefix(c, len(pad), head); got != want {
						t.Fatalf("hasLongPrefix(%q, %d, %q) = %v, want %v", c, len(pad), head, got, want)
					}
				}
			}
		}
	}
}
