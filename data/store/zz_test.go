package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestZZFrames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	report := benchReport("r")
	facts := FactsOf(nil, report, nil)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 1000 {
				var idb [12]byte
				for i := range idb {
					idb[i] = byte(rng.Uint32())
				}
				x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
				in := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%.7f,%.7f],[%.7f,%.7f]]]}`, x, y, x+0.001, y)
				rec := record(hex.EncodeToString(idb[:]), in, "needs_info", time.Now())
				rec.Report = report
				f := facts
				f.Bound = &orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + 0.001, y + 0.001}}
				rec.Facts = &f
				if err := s.Save(t.Context(), rec); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	wal, _ := os.ReadFile(path + "-wal")
	ps := 4096
	names := map[int]string{}
	rows, err := s.db.Query(`SELECT pageno, name FROM dbstat`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p int
		var n string
		rows.Scan(&p, &n)
		names[p] = n
	}
	rows.Close()
	count := map[string]int{}
	frames, commits := 0, 0
	var lastSalt uint32
	for off := 32; off+24+ps <= len(wal); off += 24 + ps {
		h := wal[off:]
		salt := binary.BigEndian.Uint32(h[8:])
		if frames == 0 {
			lastSalt = salt
		}
		if salt != lastSalt {
			break
		}
		pg := int(binary.BigEndian.Uint32(h[0:]))
		frames++
		if binary.BigEndian.Uint32(h[4:]) != 0 {
			commits++
		}
		count[names[pg]]++
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return count[keys[i]] > count[keys[j]] })
	t.Logf("stats %+v; WAL: %d frames, %d commits", st, frames, commits)
	for _, k := range keys {
		t.Logf("%-30s %6d frames  %.2f/commit", k, count[k], float64(count[k])/float64(max(1, commits)))
	}
	s.Close()
}
