package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"unsafe"
)

// The redo log (SQLite only): a file beside the database, <db>-redo, where a
// save is acknowledged once its row is there and fsynced; the rows go into
// SQLite afterwards (see logged.go). Its layout:
//
//	header (redoHeaderSize bytes, at offset 0):
//	  8 bytes   magic "RLREDO\r\n"
//	  4 bytes   version (1), little-endian as everything here
//	  8 bytes   salt: random, new at every round
//	  8 bytes   the sequence number of the round's first record
//	  4 bytes   CRC-32C of the 28 bytes before it
//	records, one after another from redoHeaderSize:
//	  4 bytes   payload length
//	  4 bytes   CRC-32C of salt, sequence and payload
//	  8 bytes   sequence number (the round's first, then each one more)
//	  payload   the row's values (appendRecordRow; see the tags below)
//
// A round ends when the file is reused from its start with a new salt (see
// logger): records of an earlier round then fail their CRC, since it covers
// the salt, and a reader stops at the first record that fails it or breaks
// the sequence — the end of what the round wrote, or a torn last write.
const (
	redoMagic      = "RLREDO\r\n"
	redoVersion    = 1
	redoHeaderSize = 32
	redoRecordHead = 16
	// maxRedoPayload bounds a record's claimed length, so that a damaged length
	// cannot make a reader allocate gigabytes (an input is limited far below).
	maxRedoPayload = 1 << 30
)

// redoRound is a round's header.
type redoRound struct {
	salt, start uint64
}

// newRound returns a round with a fresh salt starting at sequence start.
func newRound(start uint64) redoRound {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	return redoRound{salt: binary.LittleEndian.Uint64(b[:]), start: start}
}

// header is the round's header bytes.
func (r redoRound) header() []byte {
	b := make([]byte, 0, redoHeaderSize)
	b = append(b, redoMagic...)
	b = binary.LittleEndian.AppendUint32(b, redoVersion)
	b = binary.LittleEndian.AppendUint64(b, r.salt)
	b = binary.LittleEndian.AppendUint64(b, r.start)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// errNoRound means the log holds no round to replay: an empty file, or a
// header whose CRC fails (torn while a new round began, which the logger does
// only once every record before is in SQLite).
var errNoRound = errors.New("no round")

// parseHeader reads a round's header; errNoRound when there is none to read,
// another error when the file is not a redo log of ours.
func parseHeader(b []byte) (redoRound, error) {
	if len(b) < redoHeaderSize {
		return redoRound{}, errNoRound
	}
	if string(b[:8]) != redoMagic {
		if allZero(b[:redoHeaderSize]) {
			return redoRound{}, errNoRound
		}
		return redoRound{}, errors.New("offset 0: not a redline redo log (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != redoVersion {
		return redoRound{}, fmt.Errorf("offset 8: redo log version %d, this program knows %d", v, redoVersion)
	}
	if crc32.Checksum(b[:28], castagnoli) != binary.LittleEndian.Uint32(b[28:]) {
		return redoRound{}, errNoRound
	}
	return redoRound{salt: binary.LittleEndian.Uint64(b[12:]), start: binary.LittleEndian.Uint64(b[20:])}, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// recordCRC is a record's CRC: of the salt, the sequence number and the payload.
func recordCRC(salt, seq uint64, payload []byte) uint32 {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], salt)
	binary.LittleEndian.PutUint64(b[8:], seq)
	return crc32.Update(crc32.Checksum(b[:], castagnoli), castagnoli, payload)
}

// appendRecord appends the record of payload with sequence number seq.
func appendRecord(b []byte, r redoRound, seq uint64, payload []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(payload)))
	b = binary.LittleEndian.AppendUint32(b, recordCRC(r.salt, seq, payload))
	b = binary.LittleEndian.AppendUint64(b, seq)
	return append(b, payload...)
}

// redoRecord is a record read back: its sequence number and the row's values.
type redoRecord struct {
	seq  uint64
	args []any
}

// readRound reads the records of the round whose header starts b: those with
// the round's salt and consecutive sequence numbers, up to the first that is
// not (the end of the round, a torn write, a record of an earlier round). A
// record that passes its CRC but whose payload does not decode is damage the
// CRC cannot explain: an error naming its offset.
func readRound(b []byte) (redoRound, []redoRecord, error) {
	r, err := parseHeader(b)
	if err != nil {
		return r, nil, err
	}
	var recs []redoRecord
	seq := r.start
	for off := redoHeaderSize; len(b)-off >= redoRecordHead; {
		n := binary.LittleEndian.Uint32(b[off:])
		sum := binary.LittleEndian.Uint32(b[off+4:])
		if binary.LittleEndian.Uint64(b[off+8:]) != seq || n > maxRedoPayload || uint64(n) > uint64(len(b)-off-redoRecordHead) {
			break
		}
		payload := b[off+redoRecordHead : off+redoRecordHead+int(n)]
		if recordCRC(r.salt, seq, payload) != sum {
			break
		}
		args, err := decodeRow(payload)
		if err != nil {
			return r, recs, fmt.Errorf("record %d at offset %d: %w", seq, off, err)
		}
		if len(args) == insertColumns-1 {
			// Logged before schema 8: without input_key.
			h, _ := args[2].(string)
			args = append(args, InputKey(h))
		}
		recs = append(recs, redoRecord{seq: seq, args: args})
		off += redoRecordHead + int(n)
		seq++
	}
	return r, recs, nil
}

// A row's values in a record's payload: a uvarint count, then each value as a
// tag byte and its bytes.
const (
	tagNull    = 0
	tagInt     = 1 // zigzag varint
	tagFloat   = 2 // 8 bytes, IEEE 754 bits
	tagString  = 3 // uvarint length, bytes
	tagBytes   = 4 // uvarint length, bytes
	maxRowVals = 64
)

// A row's payload is its value count (uvarint), then each value: a tag and
// the value as the tags above say. encodeRow (redo_enc_test.go) writes one
// from any row's values; the tests check appendRecordRow against it.

// appendRecordRow appends the payload of rec's row as rowOf makes it, with
// facts f and the report packed (its text when packed is nil), without making
// the row's values first: on the logged path the values the
// inserter binds are read back from the payload (decodeRowView), so the row's
// bytes are copied once, from the caller's into the payload, and each value
// is boxed once (TestAppendRecordRow checks the two agree).
func appendRecordRow(b []byte, rec *Record, f *Facts, packed []byte) []byte {
	str := func(b []byte, v string) []byte {
		return append(binary.AppendUvarint(append(b, tagString), uint64(len(v))), v...)
	}
	byt := func(b []byte, tag byte, v []byte) []byte {
		return append(binary.AppendUvarint(append(b, tag), uint64(len(v))), v...)
	}
	float := func(b []byte, v float64) []byte {
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v))
	}
	b = binary.AppendUvarint(b, insertColumns)
	b = str(b, rec.ID)
	b = binary.AppendVarint(append(b, tagInt), rec.CreatedAt.UnixMicro())
	b = str(b, rec.InputHash)
	b = byt(b, tagBytes, rec.Input)
	b = str(b, rec.InputName)
	b = str(b, rec.InputType)
	if len(rec.Project) == 0 {
		b = str(b, "{}")
	} else {
		b = byt(b, tagString, rec.Project)
	}
	b = str(b, rec.DatasetName)
	b = str(b, rec.DatasetVersion)
	b = str(b, rec.Verdict)
	if packed == nil {
		b = byt(b, tagString, rec.Report)
	} else {
		b = str(b, "")
	}
	b = byt(b, tagString, rec.Footprint)
	b = str(b, f.ProjectName)
	b = str(b, f.Industry)
	b = str(b, f.GoverningRule)
	if f.Bound == nil {
		b = append(b, tagNull, tagNull, tagNull, tagNull)
	} else {
		b = float(float(float(float(b, f.Bound.Min[0]), f.Bound.Min[1]), f.Bound.Max[0]), f.Bound.Max[1])
	}
	switch {
	case f.HighEnergy == nil:
		b = append(b, tagNull)
	case *f.HighEnergy:
		b = binary.AppendVarint(append(b, tagInt), 1)
	default:
		b = binary.AppendVarint(append(b, tagInt), 0)
	}
	if packed == nil {
		b = append(b, tagNull)
	} else {
		b = byt(b, tagBytes, packed)
	}
	return binary.AppendVarint(append(b, tagInt), InputKey(rec.InputHash))
}

// recordRowSize bounds the length of appendRecordRow's payload.
func recordRowSize(rec *Record, f *Facts, packed []byte) int {
	report := len(packed)
	if packed == nil {
		report = len(rec.Report)
	}
	return (insertColumns+1)*(1+binary.MaxVarintLen64) + report + len(rec.ID) + len(rec.InputHash) + len(rec.Input) +
		len(rec.InputName) + len(rec.InputType) + max(len(rec.Project), 2) + len(rec.DatasetName) +
		len(rec.DatasetVersion) + len(rec.Verdict) + len(rec.Footprint) +
		len(f.ProjectName) + len(f.Industry) + len(f.GoverningRule)
}

// decodeRow reads a payload back into the row's values (integers as int64).
// Bad bytes are an error naming their offset in the payload.
func decodeRow(b []byte) ([]any, error) { return readRow(b, false) }

// decodeRowView is decodeRow whose strings and byte slices are b's memory, not
// copies: b must not change while they are in use.
func decodeRowView(b []byte) ([]any, error) { return readRow(b, true) }

func readRow(b []byte, view bool) ([]any, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > maxRowVals {
		return nil, fmt.Errorf("offset 0: bad value count")
	}
	args := make([]any, 0, n)
	off := k
	for i := range int(n) {
		if off >= len(b) {
			return nil, fmt.Errorf("offset %d: value %d of %d missing", off, i, n)
		}
		tag := b[off]
		off++
		switch tag {
		case tagNull:
			args = append(args, nil)
		case tagInt:
			v, k := binary.Varint(b[off:])
			if k <= 0 {
				return nil, fmt.Errorf("offset %d: value %d: bad integer", off, i)
			}
			args = append(args, v)
			off += k
		case tagFloat:
			if len(b)-off < 8 {
				return nil, fmt.Errorf("offset %d: value %d: float cut short", off, i)
			}
			args = append(args, math.Float64frombits(binary.LittleEndian.Uint64(b[off:])))
			off += 8
		case tagString, tagBytes:
			l, k := binary.Uvarint(b[off:])
			if k <= 0 || l > uint64(len(b)-off-k) {
				return nil, fmt.Errorf("offset %d: value %d: bad length", off, i)
			}
			v := b[off+k : off+k+int(l) : off+k+int(l)]
			switch {
			case tag == tagString && view:
				args = append(args, unsafe.String(unsafe.SliceData(v), len(v)))
			case tag == tagString:
				args = append(args, string(v))
			case view:
				args = append(args, v)
			default:
				args = append(args, append([]byte{}, v...))
			}
			off += k + int(l)
		default:
			return nil, fmt.Errorf("offset %d: value %d: unknown type tag %d", off-1, i, tag)
		}
	}
	if off != len(b) {
		return nil, fmt.Errorf("offset %d: %d bytes after the last value", off, len(b)-off)
	}
	return args, nil
}

// readRedoFile reads the whole log file.
func readRedoFile(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}
