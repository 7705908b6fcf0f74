package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/s2"
)

// Packed reports (SQLite, schema version 5).
//
// Why: a check's report is ~4–7 KB of JSON, most of it the rule texts the
// dataset repeats in every report. Stored as text it took a table leaf of its
// own and an overflow page, two of the ~5–6 pages a row cost in the WAL and
// again at the checkpoint. Compressed with s2 against a dictionary learnt
// from the first reports this process archived, it takes ~250–700 bytes: the
// row fits its leaf page with several others. s2 costs ~2 µs a report to
// compress and ~0.5 µs to expand (zstd at its fastest: 12–19 µs a report).
//
// The column report_packed holds, when set (report is then ”):
//
//	byte 0     1: an s2 block; 2: an s2 block made with a dictionary
//	uvarint    (2 only) the dictionary's id in report_dicts
//	4 bytes    CRC-32C (Castagnoli) of the report, little-endian
//	the rest   the s2 block of the report's JSON
//
// The CRC makes sure the bytes read back are the bytes saved: an s2 block has
// no checksum of its own. Rows saved before version 5 (and every row on
// PostgreSQL, see packReports) keep their report as text; reads take either.
const (
	packS2     = 1
	packS2Dict = 2
)

// Dictionaries: the first reports a process archives (dictSample bytes of
// them) become its dictionary, stored in report_dicts before the first row
// that uses it. Until then a process uses the last dictionary stored, if any,
// so that a restart packs well from its first report; one dictionary a start
// (≤ 32 KB) follows the dataset the service runs now.
const (
	dictSample = 32 << 10
	// minPack is the size under which a report is kept as text, maxPack the
	// size over which it is too: unpack refuses a block that claims more, so
	// that a damaged length cannot make it allocate gigabytes.
	minPack = 256
	maxPack = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// reportDict is a dictionary and its id in report_dicts.
type reportDict struct {
	id   int64
	dict *s2.Dict
}

// packer packs and unpacks the reports of one SQLite store.
type packer struct {
	// cur is the dictionary new reports are packed with; nil for none.
	cur atomic.Pointer[reportDict]
	// learnt is set once this process stored its own dictionary.
	learnt atomic.Bool

	mu sync.Mutex
	// sample gathers reports until it holds dictSample bytes; ready then
	// holds it for the writer, which stores the dictionary (installDict).
	sample []byte
	ready  []byte
	// hasReady is set while ready waits to be stored.
	hasReady atomic.Bool
	// dicts are the dictionaries read so far, by id.
	dicts map[int64]*s2.Dict
}

// pack returns the packed form of report, or nil to keep it as text.
func (p *packer) pack(report []byte) []byte {
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	out := p.packInto(bp, report)
	if out == nil {
		return nil
	}
	// A copy of its size: the row keeps it until the commit.
	return append([]byte(nil), out...)
}

// packInto packs report into *bp (grown as needed) and returns the packed
// form, in *bp's memory; nil to keep the report as text.
func (p *packer) packInto(bp *[]byte, report []byte) []byte {
	if len(report) < minPack || len(report) > maxPack {
		return nil
	}
	if !p.learnt.Load() {
		p.offer(report)
	}
	d := p.cur.Load()
	n := 1 + 4 + s2.MaxEncodedLen(len(report))
	if d != nil {
		n += binary.MaxVarintLen64
	}
	if cap(*bp) < n {
		*bp = make([]byte, 0, n)
	}
	out := (*bp)[:0]
	if d == nil {
		out = append(out, packS2)
	} else {
		out = binary.AppendUvarint(append(out, packS2Dict), uint64(d.id))
	}
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(report, castagnoli))
	var block []byte
	if d == nil {
		block = s2.Encode(out[len(out):cap(out)], report)
	} else {
		block = d.dict.Encode(out[len(out):cap(out)], report)
	}
	if len(out)+len(block) >= len(report) {
		return nil // nothing gained
	}
	return out[:len(out)+len(block)]
}

// packBuffers are pack's scratch buffers (a report's worst case, ~8 KB).
var packBuffers = sync.Pool{New: func() any { return new([]byte) }}

// offer adds report to the sample the dictionary is learnt from.
func (p *packer) offer(report []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready != nil || len(p.sample) >= dictSample {
		return
	}
	p.sample = append(p.sample, report...)
	if len(p.sample) >= dictSample {
		p.ready = p.sample[len(p.sample)-dictSample:]
		p.sample = nil
		p.hasReady.Store(true)
	}
}

// takeSample returns the sample once it is complete, once.
func (p *packer) takeSample() []byte {
	if p.learnt.Load() {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.ready
	p.ready = nil
	p.hasReady.Store(false)
	return s
}

// installDict stores the dictionary learnt from the sample, if one is ready,
// and packs the reports saved from now on with it. The writer calls it before
// a group's transaction: a row using the dictionary is committed after it in
// the WAL, so an fsync that covers the row covers the dictionary too. exec runs
// on the writer's connection (or the pool when it has none).
//
// With the redo log a row is acknowledged before SQLite has it, and the log
// holds the row, not the dictionary: the save that completes the sample
// stores the dictionary itself, on the pool, whose commits fsync, before any
// row is packed with it (saveLogged).
func (s *Store) installDict(ctx context.Context, exec func(ctx context.Context, q string, args ...any) (sql.Result, error)) {
	p := &s.packer
	sample := p.takeSample()
	if sample == nil {
		return
	}
	p.learnt.Store(true) // one try a process: a failure leaves the last dictionary
	d := s2.MakeDict(sample, nil)
	if d == nil {
		return
	}
	res, err := exec(ctx, `INSERT INTO report_dicts (dict) VALUES (?)`, d.Bytes())
	if err != nil {
		return
	}
	id, err := res.LastInsertId()
	if err != nil {
		return
	}
	p.remember(id, d)
	p.cur.Store(&reportDict{id: id, dict: d})
}

// remember caches a dictionary read or made.
func (p *packer) remember(id int64, d *s2.Dict) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dicts == nil {
		p.dicts = map[int64]*s2.Dict{}
	}
	p.dicts[id] = d
}

// loadLastDict makes the last dictionary stored the one new reports are packed
// with until this process learns its own.
func (s *Store) loadLastDict(ctx context.Context) error {
	var id int64
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, dict FROM report_dicts ORDER BY id DESC LIMIT 1`).Scan(&id, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the last report dictionary: %w", err)
	}
	d := s2.NewDict(b)
	if d == nil {
		return fmt.Errorf("report dictionary %d is not a valid s2 dictionary", id)
	}
	s.packer.remember(id, d)
	s.packer.cur.Store(&reportDict{id: id, dict: d})
	return nil
}

// dict returns the dictionary with the given id, read from report_dicts the
// first time.
func (s *Store) dict(ctx context.Context, id int64) (*s2.Dict, error) {
	p := &s.packer
	p.mu.Lock()
	d := p.dicts[id]
	p.mu.Unlock()
	if d != nil {
		return d, nil
	}
	var b []byte
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT dict FROM report_dicts WHERE id = ?`), id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("dictionary %d is not in report_dicts", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read dictionary %d: %w", id, classify(err))
	}
	if d = s2.NewDict(b); d == nil {
		return nil, fmt.Errorf("dictionary %d is not a valid s2 dictionary", id)
	}
	p.remember(id, d)
	return d, nil
}

// unpack returns the report's JSON from its packed form.
func (s *Store) unpack(ctx context.Context, packed []byte) ([]byte, error) {
	if len(packed) < 5 {
		return nil, fmt.Errorf("packed report of %d bytes is too short", len(packed))
	}
	var d *s2.Dict
	rest := packed[1:]
	switch packed[0] {
	case packS2:
	case packS2Dict:
		id, n := binary.Uvarint(rest)
		if n <= 0 || id > 1<<62 {
			return nil, errors.New("packed report: bad dictionary id")
		}
		rest = rest[n:]
		var err error
		if d, err = s.dict(ctx, int64(id)); err != nil {
			return nil, fmt.Errorf("packed report: %w", err)
		}
	default:
		return nil, fmt.Errorf("packed report: unknown format %d", packed[0])
	}
	if len(rest) < 4 {
		return nil, errors.New("packed report: no checksum")
	}
	sum, block := binary.LittleEndian.Uint32(rest), rest[4:]
	n, err := s2.DecodedLen(block)
	if err != nil {
		return nil, fmt.Errorf("packed report: %w", err)
	}
	if n > maxPack {
		return nil, fmt.Errorf("packed report: claims %d bytes, more than a packed report holds (%d)", n, maxPack)
	}
	var out []byte
	if d == nil {
		out, err = s2.Decode(nil, block)
	} else {
		out, err = d.Decode(nil, block)
	}
	if err != nil {
		return nil, fmt.Errorf("packed report: %w", err)
	}
	if crc32.Checksum(out, castagnoli) != sum {
		return nil, errors.New("packed report: checksum mismatch")
	}
	return out, nil
}
