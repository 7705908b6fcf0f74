package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
)

// ErrUnavailable is in the chain of errors met because the archive cannot be
// reached (refused, reset or timed-out connections, a server shutting down): a
// state that passes, answered 503 so that clients retry and load balancers look
// elsewhere. database/sql reconnects by itself once the server is back.
var ErrUnavailable = errors.New("store: the report archive is unavailable")

// ErrFull is in the chain of errors met because the archive's disk (or its size
// limit) is full: the row was not written and nothing written before is harmed
// (SQLite and PostgreSQL roll the transaction back).
var ErrFull = errors.New("store: the report archive is full")

// SQLite result codes (sqlite3.h); extended codes carry them in the low byte.
const (
	sqliteFull   = 13
	sqliteIOErr  = 10
	sqliteCantOp = 14
)

// classify puts ErrUnavailable or ErrFull in err's chain when err is one of them.
func classify(err error) error {
	switch {
	case err == nil, errors.Is(err, ErrUnavailable), errors.Is(err, ErrFull):
		return err
	case isFull(err):
		return fmt.Errorf("%w: %w", ErrFull, err)
	case isUnavailable(err):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func isFull(err error) bool {
	var se *msqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteFull {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "53100" || pe.Code == "53400") { // disk_full, configuration_limit_exceeded
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device")
}

func isUnavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01–57P03: shutting down, cannot
		// connect now.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		// The file went away or cannot be opened (a volume unmounted).
		c := se.Code() & 0xff
		return c == sqliteCantOp || c == sqliteIOErr
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "conn closed")
}
