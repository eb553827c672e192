package server

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrPeerNotFound is returned when the kernel's socket tables hold no socket
// at the connection's other end (it may have closed already).
var ErrPeerNotFound = errors.New("peer socket not found in /proc/net/tcp or /proc/net/tcp6")

// PeerUID returns the user id owning the other end of conn, which must be a
// Unix socket connection or a TCP connection whose peer is on this machine.
func PeerUID(conn net.Conn) (int, error) {
	switch c := conn.(type) {
	case *net.UnixConn:
		return unixPeerUID(c)
	case *net.TCPConn:
		local, err1 := netip.ParseAddrPort(c.LocalAddr().String())
		remote, err2 := netip.ParseAddrPort(c.RemoteAddr().String())
		if err := errors.Join(err1, err2); err != nil {
			return -1, fmt.Errorf("peer uid: %w", err)
		}
		// The peer's socket is the one whose local end is our remote end
		// and whose remote end is our local end.
		return procNetUID(remote, local, "/proc/net/tcp", "/proc/net/tcp6")
	default:
		return -1, fmt.Errorf("peer uid: unsupported connection type %T", conn)
	}
}

// unixPeerUID asks the kernel for the credentials the peer had when it
// connected (SO_PEERCRED).
func unixPeerUID(c *net.UnixConn) (int, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("peer uid: %w", err)
	}
	var cred *unix.Ucred
	var credErr error
	err = raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err = errors.Join(err, credErr); err != nil {
		return -1, fmt.Errorf("peer uid: getsockopt(SO_PEERCRED): %w", err)
	}
	return int(cred.Uid), nil
}

// procNetUID finds the socket with the given local and remote addresses in
// the kernel's socket tables (files in the /proc/net/tcp format) and returns
// the uid that owns it. An IPv4 peer may appear in tcp6 as an IPv4-mapped
// address, so both tables are searched.
func procNetUID(local, remote netip.AddrPort, tables ...string) (int, error) {
	for _, table := range tables {
		uid, err := findInTable(table, local, remote)
		if err == nil {
			return uid, nil
		}
		if !errors.Is(err, ErrPeerNotFound) {
			return -1, err
		}
	}
	return -1, fmt.Errorf("socket %v -> %v: %w", local, remote, ErrPeerNotFound)
}

func findInTable(path string, local, remote netip.AddrPort) (int, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return -1, ErrPeerNotFound // no IPv6 in this kernel
	}
	if err != nil {
		return -1, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header line
	for sc.Scan() {
		// "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ..."
		fields := strings.Fields(sc.Text())
		if len(fields) < 8 {
			continue
		}
		l, err1 := parseProcNetAddr(fields[1])
		r, err2 := parseProcNetAddr(fields[2])
		if err := errors.Join(err1, err2); err != nil {
			return -1, fmt.Errorf("%s: %w", path, err)
		}
		if sameAddrPort(l, local) && sameAddrPort(r, remote) {
			uid, err := strconv.Atoi(fields[7])
			if err != nil {
				return -1, fmt.Errorf("%s: uid %q: %w", path, fields[7], err)
			}
			return uid, nil
		}
	}
	if err := sc.Err(); err != nil {
		return -1, fmt.Errorf("reading %s: %w", path, err)
	}
	return -1, ErrPeerNotFound
}

func sameAddrPort(a, b netip.AddrPort) bool {
	return a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
}

// parseProcNetAddr decodes "0100007F:1F90" (127.0.0.1:8080). The kernel
// prints the address as 32-bit words in host byte order (%08X of each word
// as it lies in memory), and the port as a plain hex number.
func parseProcNetAddr(s string) (netip.AddrPort, error) {
	addrHex, portHex, ok := strings.Cut(s, ":")
	if !ok || (len(addrHex) != 8 && len(addrHex) != 32) {
		return netip.AddrPort{}, fmt.Errorf("malformed socket address %q", s)
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("malformed port in %q: %w", s, err)
	}
	words, err := hex.DecodeString(addrHex)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("malformed address in %q: %w", s, err)
	}
	ip := make([]byte, len(words))
	for i := 0; i < len(words); i += 4 {
		binary.NativeEndian.PutUint32(ip[i:], binary.BigEndian.Uint32(words[i:]))
	}
	addr, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(addr, uint16(port)), nil
}
