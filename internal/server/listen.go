// Package server accepts DAP connections for `dapproc --listen`: it sets up
// the TCP or Unix-socket listener with the safety rules of the command line
// (loopback only unless allowed, socket mode 0600) and runs one session per
// connection, refusing connections from other users.
//
// Concurrency: Serve runs the accept loop on the caller's goroutine and each
// session on a goroutine of its own; it returns once the listener is closed
// and every session has ended.
package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
)

// Announcement starts the line that dapproc prints on stdout once it
// listens, followed by the address (so that a client that started it on
// port 0 can find the port).
const Announcement = "dapproc listening at: "

// RemoteWarning is logged when --allow-remote opens a non-loopback address.
const RemoteWarning = "listening on a non-loopback address: DAP connections are neither " +
	"authenticated nor encrypted, and whoever connects can run any program as this user"

// Listen opens the listener that spec names: "unix:/path/to/socket" for a
// Unix socket (created with mode 0600), otherwise a TCP "host:port". A TCP
// address that is not loopback is refused unless allowRemote is set; remote
// reports whether the address is one other machines can reach, so the
// caller can warn.
func Listen(spec string, allowRemote bool) (ln net.Listener, remote bool, err error) {
	if path, ok := strings.CutPrefix(spec, "unix:"); ok {
		ln, err := listenUnix(path)
		return ln, false, err
	}
	host, _, err := net.SplitHostPort(spec)
	if err != nil {
		return nil, false, fmt.Errorf("--listen %q: want host:port (127.0.0.1:4711) or unix:/path: %w", spec, err)
	}
	loopback, err := isLoopbackHost(host)
	if err != nil {
		return nil, false, fmt.Errorf("--listen %q: %w", spec, err)
	}
	if !loopback && !allowRemote {
		return nil, false, fmt.Errorf("--listen %q is not a loopback address: DAP connections are "+
			"neither authenticated nor encrypted; listen on 127.0.0.1 (and tunnel over ssh), "+
			"or pass --allow-remote to accept the risk", spec)
	}
	ln, err = net.Listen("tcp", spec)
	if err != nil {
		return nil, false, fmt.Errorf("--listen %q: %w", spec, err)
	}
	return ln, !loopback, nil
}

// isLoopbackHost says whether every address host stands for is loopback. The
// empty host (all interfaces) is not.
func isLoopbackHost(host string) (bool, error) {
	if host == "" {
		return false, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().IsLoopback(), nil
	}
	addrs, err := net.LookupHost(host)
	if err != nil {
		return false, err
	}
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a)
		if err != nil || !ip.Unmap().IsLoopback() {
			return false, nil
		}
	}
	return len(addrs) > 0, nil
}

// listenUnix creates a Unix socket at path that only this user may connect
// to. A stale socket file left by a dead server is replaced; a live one is
// not.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("--listen unix:%s: the file exists and is not a socket; choose another path", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("--listen unix:%s: another server is listening there; choose another path", path)
		} else if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("--listen unix:%s: checking the existing socket: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("--listen unix:%s: removing the stale socket: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("--listen unix:%s: %w", path, err)
	}
	// bind(2) creates the file with the umask's mode; tighten it at once.
	// A connection made in between still meets the peer check in Serve.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("--listen unix:%s: %w", path, err)
	}
	return ln, nil
}
