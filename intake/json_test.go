package intake

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/redline-gis/redline/errcode"
)

func TestCheckJSONText(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		code     errcode.Code
		field    string
	}{
		{"plain", `{"type":"Point","coordinates":[108,34]}`, "", ""},
		{"same name in sibling objects", `{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}`, "", ""},
		{"name as a value", `{"type":"type","x":"type"}`, "", ""},
		{"duplicate at the top", `{"type":"Point","coordinates":[1,2],"type":"Polygon"}`, errcode.BadRequest, "type"},
		{"duplicate nested", `{"a":[{"b":{"c":1,"c":2}}]}`, errcode.BadRequest, "c"},
		{"duplicate by escape", `{"type":1,"\u0074ype":2}`, errcode.BadRequest, "type"},
		{"escaped quote in a name", `{"a\"b":1,"a\"b":2}`, errcode.BadRequest, `a"b`},
		{"escaped slash in a name", `{"a\/b":1,"a/b":2}`, errcode.BadRequest, "a/b"},
		{"many members, one twice", manyMembers(5000, "m17"), errcode.BadRequest, "m17"},
		{"many members, none twice", manyMembers(5000, ""), "", ""},
		{"not UTF-8", "{\"name\":\"\xb9\xa4\"}", errcode.UndecodableText, ""},
		{"malformed is left to the reader", `{"a":1,"b`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkJSONText([]byte(tc.in))
			e, _ := errcode.As(err)
			if got := errcode.Of(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if tc.field != "" && e.Details["field"] != tc.field {
				t.Errorf("field %v, want %s", e.Details["field"], tc.field)
			}
		})
	}
}

func BenchmarkDuplicateKey(b *testing.B) {
	doc := []byte(`{"type":"FeatureCollection","features":[`)
	for i := range 10000 {
		if i > 0 {
			doc = append(doc, ',')
		}
		doc = append(doc, `{"type":"Feature","properties":{"name":"厂区","id":1},"geometry":{"type":"Point","coordinates":[108.1,34.2]}}`...)
	}
	doc = append(doc, "]}"...)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		duplicateKey(doc)
	}
}

// manyMembers is an object of n members m0…, then dup again when not "".
func manyMembers(n int, dup string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"m%d":%d,`, i, i)
	}
	if dup != "" {
		fmt.Fprintf(&b, `%q:0,`, dup)
	}
	b.WriteString(`"end":0}`)
	return b.String()
}

func TestLimitPositions(t *testing.T) {
	ring := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"type":"Polygon","bbox":[1,2,3,4],"coordinates":[[`)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "[ %d.5,-33.5]", i)
		}
		b.WriteString("]]}")
		return b.String()
	}
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want errcode.Code
	}{
		{"under the limit", ring(100), 100, ""},
		{"within the slack", ring(100 + PositionSlack - 1), 100, ""},
		{"over the limit", ring(101 + PositionSlack), 100, errcode.PayloadTooLarge},
		{"not JSON is not counted", "POINT(1 2)\n" + strings.Repeat("[1,2]", 5000), 10, ""},
		{"a BOM, then JSON", "\xef\xbb\xbf" + ring(2000), 10, errcode.PayloadTooLarge},
		{"no limit", ring(5000), 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One byte a read: the count must carry across reads.
			_, err := io.ReadAll(LimitPositions(iotest.OneByteReader(strings.NewReader(tc.in)), tc.max))
			if got := errcode.Of(err); got != tc.want {
				t.Errorf("code %q, want %q (%v)", got, tc.want, err)
			}
		})
	}
}
