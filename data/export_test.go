package data

import "time"

// SetSettleTime sets how long before a start the sources must have been last
// changed for the start to write its key memo, and returns a function that
// puts the old value back.
func SetSettleTime(d time.Duration) (restore func()) {
	old := settleTime
	settleTime = d
	return func() { settleTime = old }
}

// MemoPath is the key memo beside the snapshot at p.
func MemoPath(p string) string { return memoPath(p) }
