package jobs

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/ledger"
)

// TestJobRefusesPointLists: a parcel whose ring runs through 2,000 points in
// any order, which GEOS would take most of an hour to repair, is a parcel in
// error in a job of either kind, and the parcels around it are located and
// checked.
func TestJobRefusesPointLists(t *testing.T) {
	m := open(t, filepath.Join(t.TempDir(), "redline.db"), 100)
	defer m.Stop(t.Context())
	ring, _ := json.Marshal(orb.Polygon{patchgen.ScatteredRing(rand.New(rand.NewPCG(5, 13)), 2000,
		orb.Bound{Min: orb.Point{107.4, 33.48}, Max: orb.Point{107.5, 33.57}})})
	squares := bytes.SplitAfter(patchgen.Squares(2), []byte("\n"))
	input := bytes.Join([][]byte{squares[0], []byte(`{"type":"Feature","properties":{"图斑编号":"POINTS","HYDM":"C2511"},"geometry":{"type":"Polygon","coordinates":` +
		string(ring) + `}}` + "\n"), squares[1]}, nil)
	for _, spec := range []Spec{{Kind: KindLocate}, {Kind: KindCheck, Facts: map[string]string{"industry": "HYDM"}}} {
		t.Run(spec.Kind, func(t *testing.T) {
			j, err := m.Submit(t.Context(), spec, input, "parcels.ndjson", "")
			if err != nil {
				t.Fatal(err)
			}
			if j = watch(t, m, j.ID, nil); j.State != StateDone || j.Done != 3 {
				t.Fatalf("%+v", j)
			}
			err = m.Patches(t.Context(), j.ID, func(p *ledger.Patch) error {
				bad := p.Index == 1
				if bad != strings.Contains(p.Error, "crosses itself at least 2001 times") || (!bad && p.Error != "") {
					t.Errorf("parcel %d: error %q", p.Index, p.Error)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
