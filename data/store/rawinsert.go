package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/bits"
)

// The inserter's statements run on its connection's driver connection
// (sql.Conn.Raw), not through database/sql. Why: for every statement run,
// database/sql made a new slice of its arguments as driver values — 1,408 of
// them for 64 rows, 56 KB, too large for the allocator's caches — and checked
// each; that was ~9 % of the inserter's CPU (BenchmarkInsertBatch's profile),
// a twentieth of a row's. insertRaw converts the arguments as database/sql
// does (driver.DefaultParameterConverter: modernc's driver checks none
// itself) into a buffer it keeps, and runs the statements database/sql would
// have, in a transaction begun and ended on the same connection. Its rows
// carry their bucket of input keys (insertBucketed).

// rawConn is what insertRaw needs of a driver connection.
type rawConn interface {
	driver.ConnBeginTx
	driver.ConnPrepareContext
}

// rawInserts are the inserter's statements on its driver connection: [k]
// inserts 2^k rows (insertQuery). nv is their arguments' buffer.
type rawInserts struct {
	stmts [maxChunkLog + 1]driver.Stmt
	nv    []driver.NamedValue
}

// errNoRaw means the driver connection is not one insertRaw can use.
var errNoRaw = errors.New("the driver connection cannot run the inserts itself")

// insertRaw inserts the rows in one transaction on the inserter's connection,
// with as few statements as insertGroup. It returns errNoRaw, having done
// nothing, when the connection's driver does not offer what it needs.
func (s *Store) insertRaw(ctx context.Context, rows []*pendingRow) error {
	return s.conn.Raw(func(dc any) error {
		c, ok := dc.(rawConn)
		if !ok {
			return errNoRaw
		}
		tx, err := c.BeginTx(ctx, driver.TxOptions{})
		if err != nil {
			return err
		}
		if err := s.execRaw(ctx, c, rows); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// execRaw runs the inserts of rows on c, in its transaction.
func (s *Store) execRaw(ctx context.Context, c rawConn, rows []*pendingRow) error {
	r := &s.raw
	defer func() { clear(r.nv) }() // keep no reference to the rows' bytes
	for i := 0; i < len(rows); {
		k := min(bits.Len(uint(len(rows)-i))-1, maxChunkLog)
		n := 1 << k
		if r.stmts[k] == nil {
			st, err := c.PrepareContext(ctx, s.insertRows(insertBucketed, k))
			if err != nil {
				return fmt.Errorf("prepare the insert of %d rows: %w", n, err)
			}
			r.stmts[k] = st
		}
		st, ok := r.stmts[k].(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("prepare the insert of %d rows: %w", n, errNoRaw)
		}
		nv := r.nv[:0]
		for _, row := range rows[i : i+n] {
			for j, a := range row.args {
				v, err := driver.DefaultParameterConverter.ConvertValue(a)
				if err != nil {
					return fmt.Errorf("insert report %s: argument %d: %w", row.id, j+1, err)
				}
				nv = append(nv, driver.NamedValue{Ordinal: len(nv) + 1, Value: v})
			}
			nv = append(nv, driver.NamedValue{Ordinal: len(nv) + 1, Value: s.lg.nextBucket()})
		}
		r.nv = nv
		if _, err := st.ExecContext(ctx, nv); err != nil {
			return err
		}
		i += n
	}
	return nil
}

// closeRaw closes the inserter's statements, before its connection closes.
func (s *Store) closeRaw() {
	s.conn.Raw(func(any) error {
		for k, st := range s.raw.stmts {
			if st != nil {
				st.Close()
				s.raw.stmts[k] = nil
			}
		}
		return nil
	})
}
