package server

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

func TestParseProcNetAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0100007F:1F90", "127.0.0.1:8080"},
		{"0F02000A:0016", "10.0.2.15:22"},
		{"00000000000000000000000001000000:125F", "[::1]:4703"},
		{"0000000000000000FFFF00000100007F:1F90", "[::ffff:127.0.0.1]:8080"},
	} {
		got, err := parseProcNetAddr(tc.in)
		if err != nil || got.String() != tc.want {
			t.Errorf("parseProcNetAddr(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "0100007F", "0100007F:", "7F:1F90", "0100007G:1F90", "0100007F:10000"} {
		if got, err := parseProcNetAddr(bad); err == nil {
			t.Errorf("parseProcNetAddr(%q) = %v, want an error", bad, got)
		}
	}
}

// A table in the kernel's format: the client socket 127.0.0.1:40000 ->
// 127.0.0.1:4711 owned by uid 1234, and the server's side owned by 0.
const sampleTable = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1267 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1267 01 00000000:00000000 00:00000000 00000000  1234        0 1002 1 0 20 4 30 10 -1
   2: 0100007F:1267 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0 20 4 30 10 -1
`

func TestProcNetUIDFindsTheSocketByBothEnds(t *testing.T) {
	table := filepath.Join(t.TempDir(), "tcp")
	if err := os.WriteFile(table, []byte(sampleTable), 0o644); err != nil {
		t.Fatal(err)
	}
	client := netip.MustParseAddrPort("127.0.0.1:40000")
	server := netip.MustParseAddrPort("127.0.0.1:4711")
	for _, tc := range []struct {
		local, remote netip.AddrPort
		want          int
	}{
		{client, server, 1234},
		{server, client, 0},
		// An IPv4-mapped form of the same addresses is the same socket.
		{netip.MustParseAddrPort("[::ffff:127.0.0.1]:40000"), server, 1234},
	} {
		uid, err := procNetUID(tc.local, tc.remote, filepath.Join(t.TempDir(), "absent"), table)
		if err != nil || uid != tc.want {
			t.Errorf("procNetUID(%v, %v) = %d, %v; want %d", tc.local, tc.remote, uid, err, tc.want)
		}
	}
	other := netip.MustParseAddrPort("127.0.0.1:40001")
	if uid, err := procNetUID(other, server, table); !errors.Is(err, ErrPeerNotFound) {
		t.Errorf("procNetUID of an unknown socket = %d, %v; want ErrPeerNotFound", uid, err)
	}
}

// accepted returns both ends of a fresh connection to a listener on addr.
func accepted(t *testing.T, network, addr string) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, addr, err)
	}
	defer ln.Close()
	client, err = net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	return server, client
}

func TestPeerUIDOfRealConnections(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	for _, tc := range []struct{ network, addr string }{
		{"tcp4", "127.0.0.1:0"},
		{"tcp6", "[::1]:0"},
		{"unix", sock},
	} {
		t.Run(tc.network, func(t *testing.T) {
			server, _ := accepted(t, tc.network, tc.addr)
			uid, err := PeerUID(server)
			if err != nil || uid != os.Getuid() {
				t.Fatalf("PeerUID = %d, %v; want our uid %d", uid, err, os.Getuid())
			}
		})
	}
}
