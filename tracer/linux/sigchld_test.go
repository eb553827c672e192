//go:build linux

package linux

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/dapproc/dapproc/tracer"
)

// TestStopsSendNoSIGCHLD: after a launch the runtime's SIGCHLD handler
// carries SA_NOCLDSTOP (the tracee's stops send no signal), and stops and
// the exit still reach us through wait4.
func TestStopsSendNoSIGCHLD(t *testing.T) {
	bin := buildC(t, "tracer_loop.c")
	p := launch(t, bin.path, "3")
	var act sigaction
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&act)), 8, 0, 0); e != 0 {
		t.Fatalf("rt_sigaction: %v", e)
	}
	if act.handler <= 1 {
		t.Fatalf("SIGCHLD handler %#x: the Go runtime's handler is gone", act.handler)
	}
	if act.flags&saNoCldStop == 0 {
		t.Fatalf("SIGCHLD flags %#x lack SA_NOCLDSTOP", act.flags)
	}
	addr := bin.symbol(t, p, "hot")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if ev := mustStop(t, tracer.StopBreakpoint, p.Continue); ev.Addr != addr {
			t.Fatalf("hit %d at %#x, want %#x", i, ev.Addr, addr)
		}
	}
	if err := p.ClearBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	ev := mustStop(t, tracer.StopExited, p.Continue)
	if !ev.Status.Exited || ev.Status.ExitCode != 0 {
		t.Fatalf("exit %+v, want code 0", ev.Status)
	}
}
