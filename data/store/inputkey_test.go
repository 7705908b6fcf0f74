package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestInputKey: InputKey reads the first 16 hex digits of a hash, whatever the
// hash; a row saved keeps it, one archived before schema 8 has none; List by
// input_hash finds exactly the rows of that hash, old and new, not those that
// share its key, in a migrated archive and in a new one.
func TestInputKey(t *testing.T) {
	for hash, want := range map[string]int64{
		"0000000000000001" + strings.Repeat("f", 48): 1,
		"7fffffffffffffff":                           1<<63 - 1,
		"ffffffffffffffff":                           -1,
		"8000000000000000ab":                         -1 << 63,
		"ab":                                         -0x55 << 56, // 0xab00…: negative
		"":                                           0,
		"0000000000000zz1":                           0xff1,
		"000000000000000A":                           0xf,
	} {
		if got := InputKey(hash); got != want {
			t.Errorf("InputKey(%q) = %#x, want %#x", hash, got, want)
		}
	}
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	hashes := []string{"ab", "", "ABCDEF0123456789ff", "zz", "0123456789abcdef00", "0123456789abcdef01", "ffff0000ffff0000ffff"}
	for i := range 20 {
		sum := sha256.Sum256([]byte(fmt.Sprint("input ", i)))
		hashes = append(hashes, hex.EncodeToString(sum[:]))
	}
	var rows []*Record
	for i, h := range hashes {
		r := listRecord(fmt.Sprintf("r%02d", i), "admissible", "", "", "2024.1", at.Add(time.Duration(i)*time.Second), 108.9, 34.2)
		r.InputHash = h
		rows = append(rows, r)
	}
	old := oldArchive(t, 7, rows...)
	s, err := Open(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fresh, err := Open(t.Context(), filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, r := range rows {
		if err := fresh.Save(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		// The migrated archive gets a row of each hash after its old one.
		again := *r
		again.ID = "n" + r.ID[1:]
		again.CreatedAt = r.CreatedAt.Add(time.Hour)
		if err := s.Save(t.Context(), &again); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Count(t.Context()); err != nil { // the inserter caught up
		t.Fatal(err)
	}
	keys := map[string]int{}
	q, err := s.db.QueryContext(t.Context(), `SELECT id, input_hash, input_key FROM reports`)
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var id, h string
		var k sql.NullInt64
		if err := q.Scan(&id, &h, &k); err != nil {
			t.Fatal(err)
		}
		switch {
		case id[0] == 'r' && k.Valid:
			t.Errorf("%s, archived before schema 8: input_key %d", id, k.Int64)
		case id[0] == 'n' && (!k.Valid || k.Int64 != InputKey(h)):
			t.Errorf("%s: input_key %v, want %d", id, k, InputKey(h))
		}
		keys[id[:1]]++
	}
	if err := q.Err(); err != nil || keys["r"] != len(hashes) || keys["n"] != len(hashes) {
		t.Fatalf("rows %v, %v", keys, err)
	}
	q.Close()
	for _, st := range []*Store{s, fresh} {
		for i, h := range hashes {
			if h == "" {
				continue // not a filter
			}
			want := []string{rows[i].ID}
			if st == s {
				want = []string{"n" + rows[i].ID[1:], rows[i].ID} // newest first
			}
			page, err := st.List(t.Context(), Filter{InputHash: h})
			var got []string
			for _, m := range page.Reports {
				got = append(got, m.ID)
			}
			if err != nil || page.Total != int64(len(want)) || !slices.Equal(got, want) {
				t.Errorf("List input_hash=%q: %v (total %d), %v; want %v", h, got, page.Total, err, want)
			}
		}
		// A hash of a key some rows have, but of no row.
		if page, err := st.List(t.Context(), Filter{InputHash: "0123456789abcdef02"}); err != nil || page.Total != 0 {
			t.Errorf("List by a hash no row has: %+v, %v", page, err)
		}
	}
}

// TestLoggedReplaysSchema7Records: the records a store of schema 7 logged
// (without input_key) are replayed with their key, and found by input hash.
func TestLoggedReplaysSchema7Records(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old-log.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	r := newRound(1)
	log := r.header()
	var recs []*Record
	for i := range 5 {
		rec := loggedRecord(rng, fmt.Sprintf("o%02d", i), i)
		args := insertArgs(rec)
		if len(args) != insertColumns {
			t.Fatalf("%d values in a row, want %d", len(args), insertColumns)
		}
		p, err := encodeRow(nil, args[:insertColumns-1])
		if err != nil {
			t.Fatal(err)
		}
		log = appendRecord(log, r, uint64(1+i), p)
		recs = append(recs, rec)
	}
	if err := os.WriteFile(path+"-redo", log, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, want := range recs {
		got, err := s.Get(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, want)
		page, err := s.List(ctx, Filter{InputHash: want.InputHash})
		if err != nil || page.Total != 1 || page.Reports[0].ID != want.ID {
			t.Errorf("List input_hash of %s: %+v, %v", want.ID, page, err)
		}
	}
}

// TestInsertColumns: insertColumns, kept by hand, is the number of columns
// insertReport names, of its placeholders, and of the values a row has;
// insertBucketed, made from it by replacing text, names one column more,
// input_bucket last, with a placeholder more.
func TestInsertColumns(t *testing.T) {
	columns := func(q string) (names []string, marks int) {
		start, end := strings.Index(q, "("), strings.Index(q, ")")
		for n := range strings.SplitSeq(q[start+1:end], ",") {
			names = append(names, strings.TrimSpace(n))
		}
		return names, strings.Count(q, "?")
	}
	names, marks := columns(insertReport)
	row := rowOf(&Record{ID: "x", Report: []byte("{}")}, "", nil)
	if len(names) != insertColumns || marks != insertColumns || len(row) != insertColumns {
		t.Errorf("insertColumns %d: %d columns named, %d placeholders, %d values in a row", insertColumns, len(names), marks, len(row))
	}
	bucketed, bmarks := columns(insertBucketed)
	if len(bucketed) != insertColumns+1 || bmarks != insertColumns+1 || !slices.Equal(bucketed[:insertColumns], names) ||
		bucketed[insertColumns] != "input_bucket" {
		t.Errorf("insertBucketed: columns %q, %d placeholders; want insertReport's and input_bucket, %d", bucketed, bmarks, insertColumns+1)
	}
}

// TestInputBuckets: the redo log's inserter puts its rows' input keys in
// buckets of bucketRows rows, counted up in the order the rows were logged,
// and a store opened again goes on filling the last one; List by input hash
// finds exactly the rows of a hash across buckets, with those archived at
// schema 8 (a key, no bucket) and before (neither), in an archive migrated
// from schema 8.
func TestInputBuckets(t *testing.T) {
	ctx := t.Context()
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	rec := func(id string, i int) *Record {
		r := listRecord(id, "admissible", "", "", "2024.1", at.Add(time.Duration(i)*time.Second), 108.9, 34.2)
		sum := sha256.Sum256([]byte(fmt.Sprint("input ", i%7)))
		r.InputHash = hex.EncodeToString(sum[:])
		return r
	}
	var all []*Record
	for i := range 5 {
		all = append(all, rec(fmt.Sprintf("o%02d", i), i))
	}
	path := oldArchive(t, 8, all...)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	// The indexes migrations 6 to 8 made (oldArchive runs their DDL only).
	for _, q := range slices.Concat(sqliteListIndexes, sqliteClusteredIndexes, sqliteInputKey) {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range all[:4] { // o04 stays as archived before schema 8
		if _, err := db.Exec(`UPDATE reports SET input_key = ? WHERE id = ?`, InputKey(r.InputHash), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	const perBucket, perStart = 4, 11
	var logged []string
	for start := range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if s.lg == nil {
			t.Fatal("no redo log")
		}
		s.lg.bucketRows = perBucket
		for i := range perStart {
			r := rec(fmt.Sprintf("n%d%02d", start, i), 10+start*perStart+i)
			if err := s.Save(ctx, r); err != nil {
				t.Fatal(err)
			}
			all, logged = append(all, r), append(logged, r.ID)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var def string
	if err := s.db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'reports_input_key'`).Scan(&def); err != nil ||
		!strings.Contains(def, "input_bucket IS NULL") {
		t.Errorf("reports_input_key after the migration: %q, %v", def, err)
	}
	rows, err := s.db.Query(`SELECT id, input_bucket FROM reports ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for rows.Next() {
		var id string
		var b sql.NullInt64
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		if id[0] == 'o' {
			if b.Valid {
				t.Errorf("%s, archived before schema 9: bucket %d", id, b.Int64)
			}
			continue
		}
		// The n-th row logged is in bucket n/perBucket, across the restart.
		if n >= len(logged) || id != logged[n] || !b.Valid || b.Int64 != int64(n/perBucket) {
			t.Errorf("row %d logged: %s in bucket %v, want %s in %d", n, id, b, logged[min(n, len(logged)-1)], n/perBucket)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != len(logged) {
		t.Fatalf("%d rows logged read back, want %d: %v", n, len(logged), err)
	}
	rows.Close()
	for h := range 7 {
		hash := rec("", h).InputHash
		var want []string
		for _, r := range slices.SortedFunc(slices.Values(all), func(a, b *Record) int { return b.CreatedAt.Compare(a.CreatedAt) }) {
			if r.InputHash == hash {
				want = append(want, r.ID) // newest first, as List
			}
		}
		page, err := s.List(ctx, Filter{InputHash: hash})
		var got []string
		for _, m := range page.Reports {
			got = append(got, m.ID)
		}
		if err != nil || page.Total != int64(len(want)) || !slices.Equal(got, want) {
			t.Errorf("List input_hash of input %d: %v (total %d), %v; want %v", h, got, page.Total, err, want)
		}
	}
	if page, err := s.List(ctx, Filter{InputHash: strings.Repeat("0", 64)}); err != nil || page.Total != 0 {
		t.Errorf("List by a hash no row has: %+v, %v", page, err)
	}
}
