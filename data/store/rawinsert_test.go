package store

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// TestInsertRawAsSQL: the inserter's statements on its driver connection
// (insertRaw) store what database/sql's did: the same values with the same
// SQLite types, in batches of every chunk size, for rows made by rowOf (whose
// high_energy is an int, which database/sql converted) and for logged rows
// (decodeRowView's views); and a duplicate fails the batch, which
// insertLogged then inserts row by row, keeping the archived row.
func TestInsertRawAsSQL(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "raw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	yes, no := true, false
	n := 0
	mk := func(prefix string, i int) *Record {
		rec := record(fmt.Sprintf("%s%04d", prefix, i), fmt.Sprintf("input %d", i), []string{"admissible", "prohibited", "needs_info"}[i%3],
			time.UnixMicro(int64(1e15+i)))
		rec.Report = []byte(`{"n":` + fmt.Sprint(i) + `,"text":"` + strings.Repeat("须符合生态环境保护法律法规；", 1+i%30) + `"}`)
		f := FactsOf(rec.Project, rec.Report, rec.Footprint)
		switch i % 3 {
		case 0:
			f.HighEnergy = &yes
			f.Bound = &orb.Bound{Min: orb.Point{108 + float64(i)/100, 34}, Max: orb.Point{109, 35.5}}
		case 1:
			f.HighEnergy = &no
		}
		rec.Facts = &f
		return rec
	}
	for _, size := range []int{1, 13, 1 << maxChunkLog, 1<<maxChunkLog + 13} {
		var viaSQL []*pendingSave
		var raw, logged []*pendingRow
		for range size {
			n++
			a, b, c := mk("a", n), mk("b", n), mk("c", n)
			viaSQL = append(viaSQL, &pendingSave{id: a.ID, args: s.rowArgs(a), err: make(chan error, 1)})
			raw = append(raw, &pendingRow{id: b.ID, args: s.rowArgs(b)})
			f := c.facts()
			payload := appendRecordRow(nil, c, &f, s.packer.pack(c.Report))
			args, err := decodeRowView(payload)
			if err != nil {
				t.Fatal(err)
			}
			logged = append(logged, &pendingRow{id: c.ID, args: args})
		}
		s.commit(viaSQL) // database/sql, on the pool
		for _, p := range viaSQL {
			if err := <-p.err; err != nil {
				t.Fatal(err)
			}
		}
		for _, batch := range [][]*pendingRow{raw, logged} {
			if err := s.insertRaw(ctx, batch); err != nil {
				t.Fatalf("%d rows: %v", size, err)
			}
		}
	}
	cols := strings.Fields(`created_at_us input_hash input input_name input_type project dataset_name dataset_version verdict
		report footprint project_name industry governing_rule min_lon min_lat max_lon max_lat high_energy report_packed input_key`)
	var q strings.Builder
	q.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "%s, typeof(%s)", c, c)
	}
	q.WriteString(" FROM reports WHERE id = ?")
	read := func(id string) []any {
		vals := make([]any, 2*len(cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := s.db.QueryRowContext(ctx, q.String(), id).Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return vals
	}
	for i := 1; i <= n; i++ {
		want := read(fmt.Sprintf("a%04d", i))
		for _, p := range []string{"b", "c"} {
			if got := read(fmt.Sprintf("%s%04d", p, i)); !reflect.DeepEqual(got, want) {
				t.Errorf("row %s%04d: %v\nwant (database/sql's) %v", p, i, got, want)
			}
		}
	}
	// A batch that fails on an archived id is inserted again row by row:
	// the archived row stays, the others go in.
	d, again := mk("d", 1), mk("b", 2)
	again.Input = []byte("again")
	if err := s.insertLogged([]*pendingRow{{id: d.ID, args: s.rowArgs(d)}, {id: again.ID, args: s.rowArgs(again)}}); err != nil {
		t.Fatal(err)
	}
	if got, want := read("b0002"), read("a0002"); !reflect.DeepEqual(got, want) {
		t.Errorf("the archived row was replaced: %v", got)
	}
	if got, want := read("d0001"), read("a0001"); !reflect.DeepEqual(got, want) {
		t.Errorf("row d0001: %v\nwant %v", got, want)
	}
}
