package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
)

// Handler runs one session on conn and returns when it is over. ctx is
// cancelled when the server shuts down. Serve closes conn afterwards.
type Handler func(ctx context.Context, conn net.Conn)

// Serve accepts connections on ln and runs handle for each on its own
// goroutine, until ctx is cancelled (which also cancels the sessions) or
// accepting fails. A connection from a local user other than ours is closed
// unanswered. Serve closes ln and returns once every session has ended; the
// error is nil after a cancellation.
func Serve(ctx context.Context, ln net.Listener, log *slog.Logger, handle Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var sessions sync.WaitGroup
	defer sessions.Wait()

	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer ln.Close()

	uid := os.Getuid()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accepting DAP connections on %v: %w", ln.Addr(), err)
		}
		log := log.With("peer", conn.RemoteAddr().String())
		if err := checkPeer(conn, uid); err != nil {
			log.Warn("refusing connection", "err", err)
			conn.Close()
			continue
		}
		log.Info("session started")
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			defer conn.Close()
			handle(ctx, conn)
			log.Info("session ended")
		}()
	}
}

// errOtherUser reports a local peer owned by another user.
var errOtherUser = errors.New("connection from another user")

// checkPeer accepts a connection from our own user, or from another machine
// (possible only when the server was allowed to listen remotely). Connections
// from other users of this machine are refused: whoever speaks DAP to us
// runs programs as us.
func checkPeer(conn net.Conn, uid int) error {
	if tcp, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		if ap, ok := netip.AddrFromSlice(tcp.IP); ok && !ap.Unmap().IsLoopback() && !isLocalAddr(ap.Unmap()) {
			return nil
		}
	}
	peer, err := PeerUID(conn)
	if err != nil {
		return err
	}
	if peer != uid {
		return fmt.Errorf("%w: peer uid %d, ours %d", errOtherUser, peer, uid)
	}
	return nil
}

// isLocalAddr says whether addr belongs to one of this machine's interfaces,
// so that a local user connecting to our non-loopback address is still
// checked.
func isLocalAddr(addr netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return true // cannot tell: check the peer, which refuses if unknown
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Unmap() == addr {
				return true
			}
		}
	}
	return false
}
