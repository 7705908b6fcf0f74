package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"
)

// variedReport is a report's JSON like a check's (~3–7 KB): one to three
// intersections, each with one of a few rule texts and its own overlap
// geometry, so that reports share their texts and differ in their numbers.
func variedReport(rng *rand.Rand, id string) json.RawMessage {
	texts := []string{
		strings.Repeat("新建、改建、扩建高耗能、高排放项目须符合生态环境保护法律法规；", 3),
		strings.Repeat("生态保护红线内，自然保护地核心保护区原则上禁止人为活动；", 4),
		strings.Repeat("一般控制区内严格限制开发性、生产性建设活动 (restricted) ", 5),
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"report_id":%q,"verdict":"needs_info","intersections":[`, id)
	for i := range 1 + rng.IntN(3) {
		if i > 0 {
			b.WriteByte(',')
		}
		x, y := 106+4*rng.Float64(), 33+5*rng.Float64()
		fmt.Fprintf(&b, `{"layer":"l%d","zone_id":"Z%d","overlap_area_m2":%.1f,"rules":[{"id":"r%d","text":%q}],"geometry":{"type":"Polygon","coordinates":[[`,
			i, rng.IntN(1000), 1e4*rng.Float64(), i, texts[rng.IntN(len(texts))])
		for k := range 5 {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `[%.7f,%.7f]`, x+0.001*rng.Float64(), y+0.001*rng.Float64())
		}
		b.WriteString(`]]}}`)
	}
	b.WriteString(`],"notes":["两高：是（按行业代码 C2511 推定）"]}`)
	return json.RawMessage(b.String())
}

// packedForm returns the stored columns of a report: its text and the packed
// bytes' format (0 for NULL).
func packedForm(t *testing.T, s *Store, id string) (text string, format byte, dict int64) {
	t.Helper()
	// With the redo log the row reaches the table after its save returned.
	if err := s.caughtUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	var packed []byte
	if err := s.db.QueryRow(s.rebind(`SELECT report, report_packed FROM reports WHERE id = ?`), id).Scan(&text, &packed); err != nil {
		t.Fatal(err)
	}
	if packed == nil {
		return text, 0, 0
	}
	if packed[0] == packS2Dict {
		v, _ := binary.Uvarint(packed[1:])
		dict = int64(v)
	}
	return text, packed[0], dict
}

// TestPackedReports: SQLite packs a report, first without a dictionary, then
// with the one learnt from the first reports, stored before a row uses it; a
// report reads back byte for byte either way, after a reopen too, which packs
// with the last dictionary from its first save. A short report stays text.
// PostgreSQL keeps every report as text.
func TestPackedReports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "packed.db")
	for name, open := range map[string]func(t *testing.T) *Store{
		// Closed by the test, which opens it again.
		"sqlite": func(t *testing.T) *Store {
			s, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": openTestPG,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := open(t)
			rng := rand.New(rand.NewPCG(5, 12))
			want := map[string]json.RawMessage{}
			var ids []string
			save := func(s *Store, id string, report json.RawMessage) {
				t.Helper()
				rec := record(id, "in "+id, "needs_info", time.Now())
				rec.Report = report
				if err := s.Save(ctx, rec); err != nil {
					t.Fatal(err)
				}
				want[id], ids = report, append(ids, id)
			}
			total := 0
			for i := 0; total < 3*dictSample; i++ {
				r := variedReport(rng, fmt.Sprintf("a%03d", i))
				total += len(r)
				save(s, fmt.Sprintf("a%03d", i), r)
			}
			save(s, "short", json.RawMessage(`{"report_id":"short","verdict":"admissible"}`))
			check := func(s *Store) {
				t.Helper()
				for _, id := range ids {
					got, err := s.Get(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got.Report, want[id]) {
						t.Fatalf("report %s read back differs:\n got %.200s\nwant %.200s", id, got.Report, want[id])
					}
				}
			}
			check(s)
			forms := map[byte]int{}
			dicts := map[int64]bool{}
			packedBytes, rawBytes := 0, 0
			for _, id := range ids {
				text, format, dict := packedForm(t, s, id)
				forms[format]++
				if format != 0 {
					dicts[dict] = true
					if text != "" {
						t.Errorf("report %s: packed, and its text kept too", id)
					}
					var n int
					s.db.QueryRow(`SELECT length(report_packed) FROM reports WHERE id = ?`, id).Scan(&n)
					packedBytes, rawBytes = packedBytes+n, rawBytes+len(want[id])
				} else if text != string(want[id]) {
					t.Errorf("report %s: text %.100q", id, text)
				}
			}
			if s.Kind() == "postgres" {
				if forms[0] != len(ids) {
					t.Errorf("PostgreSQL packed reports: %v", forms)
				}
				return
			}
			if _, f, _ := packedForm(t, s, "short"); f != 0 {
				t.Errorf("a short report was packed (format %d)", f)
			}
			if forms[packS2] == 0 || forms[packS2Dict] == 0 || forms[0] != 1 {
				t.Errorf("forms = %v; want reports packed without, then with a dictionary, the short one as text", forms)
			}
			if len(dicts) != 2 { // 0 for none, and the one learnt
				t.Errorf("dictionaries used: %v", dicts)
			}
			if packedBytes*3 > rawBytes {
				t.Errorf("packed %d bytes of reports into %d", rawBytes, packedBytes)
			}
			var stored int
			if err := s.db.QueryRow(`SELECT COUNT(*) FROM report_dicts`).Scan(&stored); err != nil || stored != 1 {
				t.Errorf("report_dicts holds %d, %v; want 1", stored, err)
			}

			// Reopened: the last dictionary packs from the first save on.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s2, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			check(s2)
			save(s2, "b000", variedReport(rng, "b000"))
			if _, f, d := packedForm(t, s2, "b000"); f != packS2Dict || !dicts[d] {
				t.Errorf("after a reopen: format %d, dictionary %d; want the last one", f, d)
			}
			check(s2)
		})
	}
}

// TestPackedOldArchive: an archive made by schema version 4 (its reports as
// text) opens at version 5; its reports read back as they were, beside the
// packed ones saved after, and its lists still answer.
func TestPackedOldArchive(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	old := record("old", "old input", "prohibited", time.Now().Add(-time.Hour))
	old.Report = variedReport(rng, "old")
	s, err := Open(t.Context(), oldArchive(t, 4, old))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`SELECT version FROM redline_schema`).Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("schema version = %d, %v; want %d", v, err, len(migrations))
	}
	fresh := record("new", "new input", "admissible", time.Now())
	fresh.Report = variedReport(rng, "new")
	if err := s.Save(t.Context(), fresh); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Record{old, fresh} {
		got, err := s.Get(t.Context(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Report, r.Report) || !bytes.Equal(got.Input, r.Input) {
			t.Errorf("report %s read back differs", r.ID)
		}
	}
	if _, f, _ := packedForm(t, s, "old"); f != 0 {
		t.Errorf("the old row was rewritten (format %d)", f)
	}
	if _, f, _ := packedForm(t, s, "new"); f != packS2 {
		t.Errorf("the new row: format %d, want %d", f, packS2)
	}
	page, err := s.List(t.Context(), Filter{InputHash: old.InputHash})
	if err != nil || page.Total != 1 || page.Reports[0].ID != "old" {
		t.Errorf("List by the old input's hash = %+v, %v", page, err)
	}
}

// TestUnpackErrors: a packed report that is damaged, of an unknown format or
// names a dictionary the archive lacks is an error naming what is wrong, never
// other bytes.
func TestUnpackErrors(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	report := variedReport(rand.New(rand.NewPCG(1, 2)), "x")
	good := s.packer.pack(report)
	if good == nil || good[0] != packS2 {
		t.Fatalf("pack = %v", good)
	}
	if got, err := s.unpack(t.Context(), good); err != nil || !bytes.Equal(got, report) {
		t.Fatalf("unpack(pack) = %v; differs: %v", err, !bytes.Equal(got, report))
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-3] ^= 0x20
	sum := bytes.Clone(good)
	sum[2] ^= 1
	for _, tc := range []struct {
		name, packed, want string
	}{
		{"empty", "", "too short"},
		{"unknown format", "\x07" + string(good[1:]), "unknown format 7"},
		{"checksum", string(sum), "checksum mismatch"},
		{"damaged block", string(flipped), "packed report"},
		{"truncated", string(good[:len(good)/2]), "packed report"},
		{"missing dictionary", "\x02\x2a" + string(good[1:]), "dictionary 42 is not in report_dicts"},
		{"absurd length", "\x01" + string(good[1:5]) + "\xff\xff\xff\xff\x0f", "more than a packed report holds"},
		{"bad dictionary id", "\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01abcd", "bad dictionary id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.unpack(t.Context(), []byte(tc.packed))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("unpack = %d bytes, %v; want an error with %q", len(got), err, tc.want)
			}
		})
	}
}

// FuzzPack: any text of packable size packs and unpacks to itself, with and
// without a dictionary; any bytes read as a packed report give the report or an
// error, never a panic.
func FuzzPack(f *testing.F) {
	s, err := Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	rng := rand.New(rand.NewPCG(3, 4))
	sample := variedReport(rng, "sample")
	for len(sample) < dictSample {
		sample = append(sample, variedReport(rng, "sample")...)
	}
	dict := s2.MakeDict(sample, nil)
	report := variedReport(rng, "seed")
	f.Add([]byte(report))
	f.Add(s.packer.pack(report))
	f.Add([]byte(`{"a":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s.unpack(t.Context(), b) // must not panic
		s.packer.cur.Store(nil)
		for _, d := range []*reportDict{nil, {id: 7, dict: dict}} {
			s.packer.cur.Store(d)
			if d != nil {
				s.packer.remember(d.id, d.dict)
			}
			packed := s.packer.pack(b)
			if packed == nil {
				continue
			}
			got, err := s.unpack(t.Context(), packed)
			if err != nil || !bytes.Equal(got, b) {
				t.Fatalf("unpack(pack(%d bytes)) = %d bytes, %v", len(b), len(got), err)
			}
		}
	})
}
