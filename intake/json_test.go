package intake

import (
	"fmt"
	"strings"
	"testing"

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
