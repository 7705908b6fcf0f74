package store

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The tests' reference encoder of a row's payload: the logged path writes
// payloads with appendRecordRow, straight from a Record; these write one from
// any row's values, for the tests that make records of their own and check
// appendRecordRow against it (TestAppendRecordRow).

// encodeRow appends the payload of a row's values (those rowOf makes: nil,
// int, int64, float64, string, []byte).
func encodeRow(b []byte, args []any) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(args)))
	for i, a := range args {
		switch v := a.(type) {
		case nil:
			b = append(b, tagNull)
		case int:
			b = binary.AppendVarint(append(b, tagInt), int64(v))
		case int64:
			b = binary.AppendVarint(append(b, tagInt), v)
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v))
		case string:
			b = append(binary.AppendUvarint(append(b, tagString), uint64(len(v))), v...)
		case []byte:
			b = append(binary.AppendUvarint(append(b, tagBytes), uint64(len(v))), v...)
		default:
			return nil, fmt.Errorf("value %d: type %T has no redo log encoding", i, a)
		}
	}
	return b, nil
}

// rowSize bounds the length of encodeRow's payload for args: its buffer,
// made once (the report is packed by then, a quarter of its text).
func rowSize(args []any) int {
	n := binary.MaxVarintLen64
	for _, a := range args {
		n += 1 + binary.MaxVarintLen64
		switch v := a.(type) {
		case string:
			n += len(v)
		case []byte:
			n += len(v)
		}
	}
	return n
}
