package vector

import (
	"testing"

	"github.com/paulmach/orb"
)

func sq(x, y, d float64) orb.Ring {
	return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
}

func TestNest(t *testing.T) {
	// A shell, a lake in it, an island in the lake, a separate field, and a ring
	// overlapping the shell's edge; listed in a muddled order and orientation.
	shell, lake, island, field := sq(0, 0, 10), sq(2, 2, 6), sq(4, 4, 2), sq(20, 0, 3)
	lake.Reverse()
	g, roles := Nest([]orb.Ring{island, field, lake, shell})
	mp, ok := g.(orb.MultiPolygon)
	if !ok || len(mp) != 3 {
		t.Fatalf("want 3 polygons (shell+lake, island, field), got %v", g)
	}
	want := []RingRole{Shell, Shell, Hole, Shell}
	for i, r := range roles {
		if r != want[i] {
			t.Errorf("ring %d: role %d, want %d", i, r, want[i])
		}
	}
	for _, p := range mp {
		if p[0].Equal(shell) && (len(p) != 2 || !p[1].Equal(lake)) {
			t.Errorf("the lake must be the shell's hole: %v", p)
		}
	}
	// A ring touching its shell from inside is still its hole.
	touching := orb.Ring{{0, 0}, {5, 2}, {5, 5}, {2, 5}, {0, 0}}
	g, roles = Nest([]orb.Ring{shell, touching})
	if p, ok := g.(orb.Polygon); !ok || len(p) != 2 || roles[1] != Hole {
		t.Errorf("touching hole: %v %v", g, roles)
	}
}
