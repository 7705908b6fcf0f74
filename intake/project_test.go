package intake

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/redline-gis/redline/zones"
)

// TestScanProject holds the project scanner to encoding/json: on random
// project objects (members in any order and spacing, some given twice or in
// another case, strings with escapes, invalid UTF-8 or Chinese, nulls, lists,
// text after the object) whatever it reads is what encoding/json reads, and it
// reads the plain ones at all.
func TestScanProject(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 3))
	strs := []string{`""`, `"C2511"`, `"水泥厂"`, `"a\"b"`, `"\u00e9"`, "\"\xff\"", `"tab	in"`, `null`, `1`, `true`, `[]`}
	bools := []string{`true`, `false`, `null`, `"true"`, `0`}
	sp := []string{"", " ", "\n\t", "\r "}
	read := 0
	for n := range 20000 {
		var b strings.Builder
		b.WriteString(sp[rng.IntN(len(sp))] + "{")
		members := rng.IntN(5)
		for m := range members {
			if m > 0 {
				b.WriteString(sp[rng.IntN(len(sp))] + ",")
			}
			f := projectFields[rng.IntN(len(projectFields))]
			switch rng.IntN(20) {
			case 0:
				f = strings.ToUpper(f)
			case 1:
				f = "approval_refs"
			case 2:
				f = "size"
			}
			b.WriteString(sp[rng.IntN(len(sp))] + `"` + f + `"` + sp[rng.IntN(len(sp))] + ":" + sp[rng.IntN(len(sp))])
			isBool := projectField([]byte(f)) >= firstBoolField
			switch {
			case f == "approval_refs":
				b.WriteString(`["国函〔2020〕1号"]`)
			case isBool && rng.IntN(8) > 0:
				b.WriteString(bools[rng.IntN(2)])
			case isBool:
				b.WriteString(bools[rng.IntN(len(bools))])
			case rng.IntN(6) > 0:
				b.WriteString(strs[rng.IntN(3)])
			default:
				b.WriteString(strs[rng.IntN(len(strs))])
			}
		}
		b.WriteString(sp[rng.IntN(len(sp))] + "}")
		switch rng.IntN(30) {
		case 0:
			b.WriteString(" x")
		case 1:
			b.WriteString(`{}`)
		}
		in := []byte(b.String())
		got, ok := scanProject(in)
		if !ok {
			continue
		}
		read++
		var want zones.Project
		dec := json.NewDecoder(bytes.NewReader(in))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("%d: %q: scanned %+v, encoding/json refuses it: %v", n, in, got, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d: %q: scanned %+v, encoding/json %+v", n, in, got, want)
		}
	}
	t.Logf("%d of 20000 objects scanned", read)
	// The plain objects, many of the draws, are read by the scanner.
	if read < 2000 {
		t.Errorf("the scanner read %d of 20000 objects", read)
	}
	for _, s := range []string{`{"industry":"C2511"}`, ` { "name" : "水泥厂" , "high_energy":false } `, `{}`} {
		if _, ok := scanProject([]byte(s)); !ok {
			t.Errorf("%s: not scanned", s)
		}
	}
}
