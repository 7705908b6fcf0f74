package zones

import (
	"slices"
	"strings"
	"testing"
)

// TestDatasetIndustryLists: the dataset's lists are normalised once and replace
// the rules' of the same name; an invalid code is dropped with a note in every
// check, not only the first.
func TestDatasetIndustryLists(t *testing.T) {
	rs, err := (*RuleSet)(nil).WithIndustryLists(map[string][]string{"l": {"C30"}, "r": {"C31"}})
	if err != nil {
		t.Fatal(err)
	}
	ds := &Dataset{IndustryLists: map[string][]string{"l": {"26", "Z9"}}}
	for i := range 2 {
		f := newFacts(Project{}, rs, ds)
		if l, ok := f.list("l"); !ok || !slices.Equal(l, []string{"C26"}) {
			t.Errorf("check %d: list l = %v, %v; want the dataset's [C26]", i, l, ok)
		}
		if l, ok := f.list("r"); !ok || !slices.Equal(l, []string{"C31"}) {
			t.Errorf("check %d: list r = %v, %v; want the rules' [C31]", i, l, ok)
		}
		if _, ok := f.list("none"); ok {
			t.Errorf("check %d: an undefined list is found", i)
		}
		if len(f.notes) != 1 || !strings.Contains(f.notes[0], `"Z9"`) {
			t.Errorf("check %d: notes %q, want one about Z9", i, f.notes)
		}
	}
}
