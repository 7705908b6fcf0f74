package geojson

import (
	"math"
	"math/big"
	"math/bits"
)

// eiselLemire returns mant × 10^e10 (negated when neg) rounded to the nearest
// float64, ties to even, for the mantissa of a number of at most 19 digits
// (exact in a uint64), when it can tell the nearest for certain (ok); otherwise
// the caller reads the number another way. It is the Eisel–Lemire algorithm,
// which strconv itself runs for such a number after its exact path (both
// round correctly, so the bits agree): the mantissa, shifted up to its top
// bit, times a 128-bit truncation of 10^e10 gives the result's 54 leading
// bits in one or two 64×64-bit products, and says when the truncation could
// make them wrong (the product's low bits all ones) or a tie could be misread
// (all zeros). No division: the direct path divides.
func eiselLemire(mant uint64, e10 int, neg bool) (float64, bool) {
	if mant == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if e10 < lemireMinExp || e10 > lemireMaxExp {
		return 0, false
	}
	pow := &lemirePow10[e10-lemireMinExp]
	clz := bits.LeadingZeros64(mant)
	mant <<= uint(clz)
	// floor(log2(10) × e10) + 64 + bias, less the shift: the exponent of the
	// product's top bit, one less when it lands one place lower.
	exp2 := uint64(217706*e10>>16+64+1023) - uint64(clz)
	hi, lo := bits.Mul64(mant, pow[1])
	if hi&0x1FF == 0x1FF && lo+mant < mant {
		// The bits below the 54 kept are all ones, and the truncated part of
		// the power could carry into them: take it into account.
		yhi, ylo := bits.Mul64(mant, pow[0])
		mhi, mlo := hi, lo+yhi
		if mlo < lo {
			mhi++
		}
		if mhi&0x1FF == 0x1FF && mlo+1 == 0 && ylo+mant < mant {
			return 0, false
		}
		hi, lo = mhi, mlo
	}
	msb := hi >> 63
	m := hi >> (msb + 9)
	exp2 -= 1 ^ msb
	if lo == 0 && hi&0x1FF == 0 && m&3 == 1 {
		return 0, false // maybe exactly halfway: strconv decides
	}
	m += m & 1 // round the 54 bits to 53, half up (a tie was excluded above)
	m >>= 1
	if m>>53 > 0 {
		m >>= 1
		exp2++
	}
	if exp2-1 >= 0x7FF-1 {
		return 0, false // subnormal or out of range
	}
	b := exp2<<52 | m&(1<<52-1)
	if neg {
		b |= 1 << 63
	}
	return math.Float64frombits(b), true
}

// The exponents of ten eiselLemire takes: those numbers of JSON documents
// spell (coordinates have e10 from −19 to 0); any other goes to strconv.
const (
	lemireMinExp = -64
	lemireMaxExp = 64
)

// lemirePow10 holds 10^e for e from lemireMinExp to lemireMaxExp as its 128
// leading bits, truncated ({low, high} words, the top bit of high set).
var lemirePow10 = func() (t [lemireMaxExp - lemireMinExp + 1][2]uint64) {
	ten, low := big.NewInt(10), new(big.Int).SetUint64(math.MaxUint64)
	for e := lemireMinExp; e <= lemireMaxExp; e++ {
		v := new(big.Int).Exp(ten, big.NewInt(int64(max(e, -e))), nil)
		if e >= 0 {
			if n := v.BitLen(); n > 128 {
				v.Rsh(v, uint(n-128))
			} else {
				v.Lsh(v, uint(128-n))
			}
		} else {
			// 2^k / 10^-e, k such that the quotient has 128 bits: with
			// 2^(n-1) < 10^-e < 2^n, it lies strictly between 2^(k-n) and
			// 2^(k-n+1).
			k := v.BitLen() + 127
			v.Quo(new(big.Int).Lsh(big.NewInt(1), uint(k)), v)
		}
		t[e-lemireMinExp] = [2]uint64{new(big.Int).And(v, low).Uint64(), new(big.Int).Rsh(v, 64).Uint64()}
	}
	return t
}()
