package batch

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/planar"
)

// sameAsOrb fails t when the scanner reads b (ok) but orb's decoder, which sits on
// encoding/json, reads it differently or not at all.
func sameAsOrb(t *testing.T, b []byte) (scanned bool) {
	t.Helper()
	g, end, ok := scanGeometry(b, 0)
	if !ok {
		return false
	}
	if end > len(b) || end <= 0 {
		t.Fatalf("end %d outside %d bytes: %q", end, len(b), b)
	}
	og, err := geojson.UnmarshalGeometry(b[:end])
	if err != nil {
		t.Fatalf("scanned %q, which encoding/json refuses: %v", b[:end], err)
	}
	if !reflect.DeepEqual(g, og.Geometry()) {
		t.Fatalf("scanned %q as %#v, encoding/json reads %#v", b[:end], g, og.Geometry())
	}
	return true
}

var geometrySeeds = []string{
	`{"type":"Point","coordinates":[108,34]}`,
	`{"coordinates":[108.5,34.25,12],"type":"Point"}`,
	`{"type":"MultiPoint","coordinates":[[108,34],[109,35]]}`,
	`{"type":"LineString","coordinates":[[108,34],[109,35],[110,36]]}`,
	`{"type":"MultiLineString","coordinates":[[[108,34],[109,35]],[],[[1,2],[3,4]]]}`,
	`{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]],[[108.01,34.01],[108.02,34.01],[108.02,34.02],[108.01,34.01]]]}`,
	`{"type":"MultiPolygon","coordinates":[[[[108,34],[108.1,34],[108.1,34.1],[108,34]]],[],[[]]]}`,
	` { "type" : "Polygon" , "bbox" : [1, 2, 3, 4] , "coordinates" : [ [ [ 1e1 , -2.5E-3 ] ] ] } `,
	`{"type":"Polygon","coordinates":[]}`,
	`{"type":"Polygon","coordinates":null}`,
	`{"type":"Polygon","Coordinates":[[[1,2]]],"coordinates":[[[3,4]]]}`,
	`{"type":"Point","coordinates":[1,2,3,4]}`,
	`{"type":"Point","coordinates":[1]}`,
	`{"type":"Point","coordinates":[1e400,2]}`,
	`{"type":"Point","coordinates":[01,2]}`,
	`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`,
	`{"type":"Point","coordinates":[1,2],"x":{"y":[1,,2]}}`,
	`{"type":"Point","coordinates":[1,2],"type":"Point"}`,
	`{"t\u0079pe":"Point","coordinates":[1,2]}`,
}

// FuzzScanGeometry: what the geometry scanner reads, encoding/json (through orb)
// reads the same; the scanner never panics.
func FuzzScanGeometry(f *testing.F) {
	for _, s := range geometrySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsOrb(t, b)
	})
}

// TestScanGeometrySeeds: the scanner reads the plain forms and turns away what
// only orb's decoder can answer (and say what is wrong with).
func TestScanGeometrySeeds(t *testing.T) {
	want := map[string]bool{
		geometrySeeds[0]: true, geometrySeeds[1]: true, geometrySeeds[2]: true, geometrySeeds[3]: true,
		geometrySeeds[4]: true, geometrySeeds[5]: true, geometrySeeds[6]: true, geometrySeeds[7]: true,
		geometrySeeds[8]: true,
	}
	for _, s := range geometrySeeds {
		if got := sameAsOrb(t, []byte(s)); got != want[s] {
			t.Errorf("scanned %v, want %v: %s", got, want[s], s)
		}
	}
}

// TestScanGeometrySharedData: every geometry of the real layers and the oracle
// footprints in ../shared/data is read by the scanner, as encoding/json reads it.
func TestScanGeometrySharedData(t *testing.T) {
	files := sharedGeoJSON(t, "the scanner cannot be held to encoding/json on real data")
	n, vertices := 0, 0
	for p, raw := range files {
		var fc struct {
			Features []struct {
				Geometry json.RawMessage `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(raw, &fc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for i, f := range fc.Features {
			if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
				continue
			}
			if !sameAsOrb(t, f.Geometry) {
				t.Errorf("%s: feature %d: the scanner left the geometry to orb", filepath.Base(p), i)
				continue
			}
			g, _, _ := scanGeometry(f.Geometry, 0)
			vertices += planar.NumVertices(g)
			n++
		}
	}
	t.Logf("%d geometries, %d vertices from %d files read alike", n, vertices, len(files))
}

// sharedGeoJSON reads the GeoJSON files of ../shared/data (the layers and the
// oracle footprints), by path; without them the test fails under CI, else skips
// saying why.
func sharedGeoJSON(t *testing.T, why string) map[string][]byte {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	files, _ := filepath.Glob(filepath.Join(dir, "*.geojson"))
	more, _ := filepath.Glob(filepath.Join(dir, "oracle", "*.geojson"))
	files = append(files, more...)
	if len(files) == 0 {
		testenv.Missing(t, "../shared/data has no GeoJSON files: "+why)
		return nil
	}
	out := make(map[string][]byte, len(files))
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = raw
	}
	return out
}

// TestScanNumber: the direct path and strconv's agree, at the edges of the
// direct path too.
func TestScanNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "108.1234567", "-33.5", "9007199254740991", "9007199254740993", "1e22", "1e23",
		"1.5e-22", "123456789012345678", "1234567890123456789", "12345678901234567890", "0.1", "0.30000000000000004",
		"4.35e-7", "1E+2", "2.2250738585072014e-308", "1e-400", "1.7976931348623157e308"} {
		x, end, ok := scanNumber([]byte(s), 0)
		want, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || end != len(s) || x != want || math.Signbit(x) != math.Signbit(want) {
			t.Errorf("scanNumber(%s) = %v, %d, %v; strconv %v, %v", s, x, end, ok, want, err)
		}
	}
	for _, s := range []string{"", "-", "+1", ".5", "1.", "1e", "1e+", "NaN", "1e400"} {
		if _, end, ok := scanNumber([]byte(s), 0); ok && end == len(s) {
			t.Errorf("scanNumber(%q) accepted", s)
		}
	}
}

// TestScanNumberMatchesStrconv: numbers of 17 to 19 digits with a fraction (the
// shortest spelling of most float64 coordinates), which scanNumber rounds itself
// when it can be sure, read as the same float64 as strconv.ParseFloat gives, bit
// for bit: random coordinates spelled shortest, random digit strings, and
// decimals within a few units of the last digit of the midpoint between two
// neighbouring float64s, and the midpoints themselves where a decimal spells them
// (the hardest to round).
func TestScanNumberMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	var inputs []string
	for range 300000 {
		x := rng.Float64() * math.Pow(10, float64(rng.IntN(12)-4))
		inputs = append(inputs, strconv.FormatFloat(x, 'g', -1, 64), "-"+strconv.FormatFloat(x, 'f', -1, 64))
		digits := make([]byte, 17+rng.IntN(3))
		for k := range digits {
			digits[k] = byte('0' + rng.IntN(10))
		}
		digits[0] = byte('1' + rng.IntN(9))
		dot := 1 + rng.IntN(len(digits)-1)
		inputs = append(inputs, string(digits[:dot])+"."+string(digits[dot:]))
		// A midpoint between x and the next float64, to 19 significant
		// digits, nudged by a few units of its last.
		y := 1 + rng.Float64()*999
		mid := new(big.Float).SetPrec(200).Add(new(big.Float).SetFloat64(y), new(big.Float).SetFloat64(math.Nextafter(y, 2000)))
		mid.Quo(mid, big.NewFloat(2))
		s := mid.Text('f', 19-len(strconv.Itoa(int(y))))
		last := s[len(s)-1] - '0'
		if d := int(last) + rng.IntN(5) - 2; d >= 0 && d <= 9 {
			s = s[:len(s)-1] + string(byte('0'+d))
		}
		inputs = append(inputs, s)
		// Exact ties: halfway between two float64s one apart (2^52 to 2^53)
		// and two apart (2^53 to 2^54), which round to the even one.
		k := uint64(1)<<52 + rng.Uint64N(1<<52)
		inputs = append(inputs, strconv.FormatUint(k, 10)+".5", strconv.FormatUint(2*k+1, 10)+".0")
	}
	own := 0
	for _, in := range inputs {
		want, err := strconv.ParseFloat(in, 64)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, end, ok := scanNumber([]byte(in), 0)
		if !ok || end != len(in) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: %v (end %d, ok %v), strconv %v", in, got, end, ok, want)
		}
		n, _ := lexNumber([]byte(in), 0)
		if n.digits <= 19 && n.mant >= 1<<53 && n.mant < 1<<62 && n.exp-n.frac < 0 && n.exp-n.frac >= -22 {
			if _, sure := divDigits(n.mant, n.frac-n.exp); sure {
				own++
			}
		}
	}
	t.Logf("%d numbers, %d rounded by divDigits", len(inputs), own)
	if own < len(inputs)/4 {
		t.Fatalf("test too weak: divDigits rounded %d of %d", own, len(inputs))
	}
}

// TestEightDigits: eight bytes read at once give the number a digit at a time
// does, and anything but eight digits is refused.
func TestEightDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 200000 {
		b := []byte(fmt.Sprintf("%08d", rng.IntN(100000000)))
		if rng.IntN(4) == 0 {
			b[rng.IntN(8)] = byte(rng.IntN(256))
		}
		want, ok := uint64(0), true
		for _, c := range b {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			want = want*10 + uint64(c-'0')
		}
		got, gok := eightDigits(b)
		if gok != ok || ok && got != want {
			t.Fatalf("eightDigits(%q) = %d %v, want %d %v", b, got, gok, want, ok)
		}
	}
}
