package geojson

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestLemirePow10: the table holds the 128 leading bits of each power of ten,
// truncated, as a 256-bit computation gives them.
func TestLemirePow10(t *testing.T) {
	for e := lemireMinExp; e <= lemireMaxExp; e++ {
		// 10^e × 2^s for the s that puts its top bit at 2^127, floored.
		f := new(big.Float).SetPrec(2048).SetInt64(1)
		ten := new(big.Float).SetPrec(2048).SetInt64(10)
		for range max(e, -e) {
			if e > 0 {
				f.Mul(f, ten)
			} else {
				f.Quo(f, ten)
			}
		}
		s := 127 - (f.MantExp(nil) - 1)
		f.SetMantExp(f, s)
		want, _ := f.Int(nil)
		got := new(big.Int).Lsh(new(big.Int).SetUint64(lemirePow10[e-lemireMinExp][1]), 64)
		got.Or(got, new(big.Int).SetUint64(lemirePow10[e-lemireMinExp][0]))
		if got.Cmp(want) != 0 {
			t.Fatalf("10^%d: %x, want %x", e, got, want)
		}
	}
}

// TestEiselLemire: whatever eiselLemire rounds is strconv's float64, bit for
// bit, and it rounds nearly everything in its range: random mantissas of 1 to
// 19 digits at every exponent of the table, the shortest spellings of random
// float64s, and mantissas next to ties.
func TestEiselLemire(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	sure, tried := 0, 0
	check := func(mant uint64, e10 int, neg bool) bool {
		s := strconv.FormatUint(mant, 10) + "e" + strconv.Itoa(e10)
		if neg {
			s = "-" + s
		}
		want, err := strconv.ParseFloat(s, 64)
		got, ok := eiselLemire(mant, e10, neg)
		if !ok {
			return false
		}
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: %v (%#x), strconv %v (%#x) %v", s, got, math.Float64bits(got), want, math.Float64bits(want), err)
		}
		return true
	}
	// Ties and their neighbours are where it may leave the answer to
	// strconv; elsewhere it must nearly always round.
	count := func(ok bool) {
		tried++
		if ok {
			sure++
		}
	}
	for range 400000 {
		digits := 1 + rng.IntN(19)
		mant := rng.Uint64N(uint64(math.Pow10(digits-1))*9) + uint64(math.Pow10(digits-1))
		count(check(mant, lemireMinExp+rng.IntN(lemireMaxExp-lemireMinExp+1), rng.IntN(2) == 0))
		// A float64's shortest digits, as most coordinates are spelled.
		x := math.Float64frombits(rng.Uint64N(0x7FF0000000000000))
		d := strconv.FormatFloat(x, 'e', -1, 64)
		mantissa := d[:strings.IndexByte(d, 'e')]
		m, frac := uint64(0), 0
		dot := false
		for _, c := range []byte(mantissa) {
			switch {
			case c == '.':
				dot = true
			case c >= '0' && c <= '9':
				m = m*10 + uint64(c-'0')
				if dot {
					frac++
				}
			}
		}
		e, _ := strconv.Atoi(d[len(mantissa)+1:])
		if e-frac >= lemireMinExp && e-frac <= lemireMaxExp {
			count(check(m, e-frac, false))
		}
		// Next to a tie: 2k+1 halves of a unit of the last place, × 2^j.
		k := uint64(1)<<52 + rng.Uint64N(1<<52)
		for _, m := range []uint64{2*k + 1, 2 * k, 2*k + 2} {
			j := rng.IntN(10)
			if m<<j>>j == m && m<<j < 1e19 {
				check(m<<j, 0, false)
			}
		}
		check(k*10+5, -1, false)
	}
	if got, ok := eiselLemire(0, 5, true); !ok || math.Float64bits(got) != 1<<63 {
		t.Fatalf("-0e5: %v %v", got, ok)
	}
	t.Logf("%d of %d rounded", sure, tried)
	if sure < tried*99/100 {
		t.Fatalf("eiselLemire was sure of only %d of %d", sure, tried)
	}
}

// FuzzScanNumber: ScanNumber reads any spelling JSON allows as strconv does,
// bit for bit, ends where the number ends, and refuses what JSON does not
// allow as a number.
func FuzzScanNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "108.12345678901234", "34.123456789012345", "1e22", "1e23", "-1.5E-7",
		"9007199254740993", "12345678901234567890", "0.000000000000000000001", "2.2250738585072011e-308",
		"4.9e-324", "1.7976931348623157e308", "1e400", "01", "1.", "-", "1e+", ".5", "5e-999999"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, end, ok := ScanNumber(b, 0)
		if !isJSONNumber(b) {
			if ok && end == len(b) {
				t.Fatalf("%q: read whole as %v", b, got)
			}
			return
		}
		want, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			if ok {
				t.Fatalf("%q: %v, strconv: %v", b, got, err)
			}
			return
		}
		if !ok || end != len(b) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: %v (%#x) end %d ok %v, strconv %v (%#x)", b, got, math.Float64bits(got), end, ok, want, math.Float64bits(want))
		}
	})
}

// isJSONNumber is RFC 8259's number grammar, written out apart from lexNumber.
func isJSONNumber(b []byte) bool {
	i := 0
	digits := func() int {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if i >= len(b) || b[i] < '1' || b[i] > '9' || digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// BenchmarkScanNumber: coordinates in Shaanxi spelled shortest (16 or 17
// digits), as most batches of points send them.
func BenchmarkScanNumber(b *testing.B) {
	benchScanNumbers(b, func(x float64) float64 { return x }, `]}},{"type":"Feature"`)
}

// BenchmarkScanNumberRounded: coordinates in Shaanxi rounded to 1e-7° (seven
// decimals or fewer), as `make bench-postgis` sends its squares' corners.
func BenchmarkScanNumberRounded(b *testing.B) {
	benchScanNumbers(b, func(x float64) float64 { return math.Round(x*1e7) / 1e7 }, `],[108.1234567,34.1234567]`)
}

// benchScanNumbers reads 1024 pairs of coordinates in Shaanxi, made by round
// and spelled shortest, the second followed by tail.
func benchScanNumbers(b *testing.B, round func(float64) float64, tail string) {
	rng := rand.New(rand.NewPCG(1, 2))
	var nums [][]byte
	for range 1024 {
		x := strconv.FormatFloat(round(105.5+rng.Float64()*5), 'f', -1, 64)
		y := strconv.FormatFloat(round(31.7+rng.Float64()*8), 'f', -1, 64) + tail
		nums = append(nums, []byte(x+","+y), []byte(y))
	}
	b.SetBytes(int64(len(nums)))
	for b.Loop() {
		for _, n := range nums {
			if _, _, ok := ScanNumber(n, 0); !ok {
				b.Fatal(string(n))
			}
		}
	}
}

// TestScanDecimal: numbers spelled as coordinates are — up to three digits, a
// point, 1 to 20 digits, either sign, followed by what follows a coordinate
// or by an exponent — read by ScanNumber as strconv reads them, bit for bit,
// ending where the number ends; and scanDecimal takes nearly all that have
// at most 19 digits and no exponent.
func TestScanDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 7))
	taken, eligible := 0, 0
	for range 300000 {
		var s []byte
		if rng.IntN(2) == 0 {
			s = append(s, '-')
		}
		whole := rng.IntN(4)
		for k := range whole + 1 {
			if k == 0 && whole > 0 {
				s = append(s, byte('1'+rng.IntN(9)))
			} else {
				s = append(s, byte('0'+rng.IntN(10)))
			}
		}
		s = append(s, '.')
		frac := 1 + rng.IntN(20)
		for range frac {
			s = append(s, byte('0'+rng.IntN(10)))
		}
		n := len(s)
		// Long tails as in a ring, where eight bytes follow a short fraction.
		tail := []string{",", "]", "]}}", "", "e5", "E-3", "x", ",34.25],[108.5", "]]]},{\"type\"", "e-7,1]"}[rng.IntN(10)]
		in := append(s, tail...)
		num := string(s)
		if len(tail) > 1 && (tail[0] == 'e' || tail[0] == 'E') {
			exp, _, _ := strings.Cut(tail, ",")
			num, n = string(s)+exp, len(s)+len(exp)
		}
		want, err := strconv.ParseFloat(num, 64)
		if err != nil {
			t.Fatalf("%s: %v", num, err)
		}
		got, end, ok := ScanNumber(in, 0)
		if !ok || end != n || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: %v (%#x) end %d ok %v, strconv %v (%#x) end %d", in, got, math.Float64bits(got), end, ok, want, math.Float64bits(want), n)
		}
		if whole+1+frac <= 19 && num == string(s) {
			eligible++
			if x, end, ok := scanDecimal(in, 0); ok {
				taken++
				if end != n || math.Float64bits(x) != math.Float64bits(want) {
					t.Fatalf("scanDecimal(%q) = %v end %d", in, x, end)
				}
			}
		}
	}
	t.Logf("scanDecimal read %d of %d", taken, eligible)
	if taken < eligible*99/100 {
		t.Fatalf("scanDecimal read only %d of %d", taken, eligible)
	}
}
