package shapefile

import "testing"

func TestGBKFieldNamesUnique(t *testing.T) {
	used := map[string]bool{}
	seen := map[string]bool{}
	for _, n := range []string{"重叠面积_平方米", "重叠面积_亩", "重叠面积_公顷", "ABCDEFGHIJKL", "ABCDEFGHIJXY", "图斑编号"} {
		b, err := gbkFieldName(n, used)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 10 || seen[string(b)] {
			t.Errorf("%s → %q: longer than 10 bytes or not unique", n, b)
		}
		seen[string(b)] = true
	}
}
