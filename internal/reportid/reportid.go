// Package reportid names reports. An id is 24 lowercase hex digits: the first 10
// are the time it was made, in 1/256 s since the Unix epoch (40 bits: until
// 2106), the last 14 come from crypto/rand (56 bits).
//
// Why the time first: the archive indexes reports by id, and ids made in the
// order the reports are saved land at the right edge of that index, where each
// group commit writes one page for all its rows, instead of one page a row at
// random places (see data/store). Why still 56 random bits: an id is all it
// takes to read an archived report, so it must not be guessed; knowing when a
// report was made to the 1/256 s still leaves 2^56 ids to try.
package reportid

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Len is the length of an id.
const Len = 24

// tickBits is the width of the time prefix; ticksPerSecond its resolution.
const (
	tickBits       = 40
	ticksPerSecond = 256
)

// New returns a fresh id made now.
func New() string { return At(time.Now()) }

// At returns a fresh id made at t: its time prefix is t's (clamped to 0 before
// 1970), its rest random.
func At(t time.Time) string {
	var b [Len / 2]byte
	tick := uint64(max(0, Ticks(t)))
	for i := 4; i >= 0; i-- {
		b[i] = byte(tick)
		tick >>= 8
	}
	rand.Read(b[5:]) // never fails (crypto/rand panics rather)
	return hex.EncodeToString(b[:])
}

// Ticks is t in 1/256 s since the Unix epoch, the count an id's prefix holds
// (modulo 2^40).
func Ticks(t time.Time) int64 {
	return (t.Unix()*ticksPerSecond + int64(t.Nanosecond())*ticksPerSecond/1e9) & (1<<tickBits - 1)
}
