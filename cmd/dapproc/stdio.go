package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// serveStdio serves one session on stdin and stdout.
func serveStdio(ctx context.Context, log *slog.Logger, session sessionFunc) error {
	out, err := takeStdout()
	if err != nil {
		return err
	}
	defer out.Close()
	log.Info("serving DAP on stdio")
	return session(ctx, stdioConn{os.Stdin, out}, log)
}

// stdioConn is the DAP stream of stdio mode: requests from stdin, messages
// to the stdout it took over. Its SyscallConn (stdout's) tells the adapter
// that writes land in a kernel pipe buffer and need no writer goroutine.
type stdioConn struct {
	in  io.Reader
	out *os.File
}

func (c stdioConn) Read(b []byte) (int, error)  { return c.in.Read(b) }
func (c stdioConn) Write(b []byte) (int, error) { return c.out.Write(b) }

// SyscallConn returns stdout's raw connection.
func (c stdioConn) SyscallConn() (syscall.RawConn, error) { return c.out.SyscallConn() }

// takeStdout moves the DAP stream off file descriptor 1 and points 1 at
// stderr. In stdio mode stdout is the DAP stream and a single stray byte
// (a print left in some library, a debuggee that inherited fd 1) would break
// the client's framing; after this, such writes land in stderr instead.
func takeStdout() (*os.File, error) {
	fd, err := unix.FcntlInt(1, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, fmt.Errorf("duplicating stdout: %w", err)
	}
	if err := unix.Dup3(2, 1, 0); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("pointing stdout at stderr: %w", err)
	}
	return os.NewFile(uintptr(fd), "dap-stdout"), nil
}
