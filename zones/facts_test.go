package zones

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFactSetAsUnion: a factSet gathers missing facts as the lists it replaced
// did (union of []string): in the order found, each once; a name outside
// factNames is kept too.
func TestFactSetAsUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var set factSet
		var list []string
		for range rng.IntN(6) {
			var part factSet
			var partList []string
			for range 1 + rng.IntN(3) {
				name := factNames[rng.IntN(len(factNames))]
				part = part.union(factOf(name))
				partList = union(partList, []string{name})
			}
			set, list = set.union(part), union(list, partList)
		}
		if got := set.names(); !slices.Equal(got, list) || (got == nil) != (list == nil) {
			t.Fatalf("factSet %v, lists %v", got, list)
		}
	}
	got := factOf("industry").union(factOf("not_a_fact")).union(factOf("type")).names()
	if want := []string{"industry", "type", "not_a_fact"}; !slices.Equal(got, want) {
		t.Errorf("with a name outside factNames: %v, want %v", got, want)
	}
}
