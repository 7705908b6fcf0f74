//go:build !linux

package api

import (
	"net"
	"syscall"
)

// rawConnOf returns nil: rawWrite and rawRead are for Linux.
func rawConnOf(net.Conn) syscall.RawConn { return nil }

func (c *gatherConn) rawWrite(p []byte) (int, error) { return c.Conn.Write(p) }

func (c *gatherConn) rawRead(p []byte) (int, error) { return c.Conn.Read(p) }

// rawOp is empty: no raw system calls outside Linux.
type rawOp struct{}

func (c *gatherConn) bindRaw() {}
