package symbols

// A small ptrace driver for the unwinding and variable tests, standing in
// for tracer/linux (written in parallel): it starts a fixture, stops it at
// breakpoints or system calls, and hands out registers and memory. Every
// ptrace request and wait4 runs on one goroutine locked to its OS thread,
// the one that forked the fixture, because Linux accepts ptrace requests
// only from the tracing thread.

import (
	"bufio"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
	"golang.org/x/sys/unix"
)

// waitFlags: __WALL to see the threads of the fixture, __WNOTHREAD so that
// the tracer thread of one test never reaps the processes of another test
// running in parallel (nor the gdb another goroutine started): without it
// wait4 also reports children of the other threads of this process.
const waitFlags = unix.WALL | unix.WNOTHREAD

type tracee struct {
	t    testing.TB
	bin  string
	pid  int
	ops  chan func()
	mem  *os.File
	bps  map[uint64]byte // address -> original byte
	tid  int             // the thread of the last stop
	regs unix.PtraceRegs // its registers
}

// startTracee runs bin with args under ptrace, stopped at its first
// instruction. The process is killed when the test ends.
func startTracee(t testing.TB, bin string, args ...string) *tracee {
	t.Helper()
	p := &tracee{t: t, bin: bin, ops: make(chan func()), bps: map[uint64]byte{}}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		for f := range p.ops {
			f()
		}
	}()
	var err error
	p.do(func() {
		cmd := exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
		if err = cmd.Start(); err != nil {
			return
		}
		p.pid = cmd.Process.Pid
		var ws unix.WaitStatus
		if _, err = unix.Wait4(p.pid, &ws, waitFlags, nil); err != nil {
			return
		}
		if !ws.Stopped() || ws.StopSignal() != unix.SIGTRAP {
			err = fmt.Errorf("first stop of %s: wait status %#x", bin, ws)
			return
		}
		// TRACECLONE: follow threads; EXITKILL: never outlive the test;
		// TRACESYSGOOD: tell system-call stops from breakpoint traps.
		err = unix.PtraceSetOptions(p.pid, unix.PTRACE_O_TRACECLONE|unix.PTRACE_O_EXITKILL|unix.PTRACE_O_TRACESYSGOOD)
	})
	if err != nil {
		close(p.ops)
		t.Fatalf("start %s: %v", bin, err)
	}
	p.tid = p.pid
	p.mem, err = os.OpenFile(fmt.Sprintf("/proc/%d/mem", p.pid), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.mem.Close()
		p.do(func() {
			unix.Kill(p.pid, unix.SIGKILL)
			for {
				var ws unix.WaitStatus
				if _, err := unix.Wait4(-1, &ws, waitFlags, nil); err != nil {
					return // ECHILD: every thread reaped
				}
			}
		})
		close(p.ops)
	})
	return p
}

func (p *tracee) do(f func()) {
	done := make(chan struct{})
	p.ops <- func() { f(); close(done) }
	<-done
}

// ReadMemory implements MemoryReader through /proc/PID/mem. Like the
// tracer's, it shows the original bytes under breakpoints.
func (p *tracee) ReadMemory(addr uint64, buf []byte) (int, error) {
	n, err := p.mem.ReadAt(buf, int64(addr))
	for bp, orig := range p.bps {
		if bp >= addr && bp < addr+uint64(n) {
			buf[bp-addr] = orig
		}
	}
	return n, err
}

// WriteMemory implements MemoryWriter through /proc/PID/mem.
func (p *tracee) WriteMemory(addr uint64, data []byte) error {
	_, err := p.mem.WriteAt(data, int64(addr))
	return err
}

// breakAt sets a breakpoint at the first statement of file:line in the
// executable.
func (p *tracee) breakAt(file string, line int) uint64 {
	p.t.Helper()
	return p.breakAtAddr(lineAddress(p.t, p.bin, file, line) + p.exeBias())
}

// breakAtSymbol sets a breakpoint at the first instruction of the
// executable's function name (before its prologue).
func (p *tracee) breakAtSymbol(name string) uint64 {
	p.t.Helper()
	f, err := elf.Open(p.bin)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		p.t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == name && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			return p.breakAtAddr(s.Value + p.exeBias())
		}
	}
	p.t.Fatalf("%s has no function %s", p.bin, name)
	return 0
}

func (p *tracee) breakAtAddr(addr uint64) uint64 {
	p.t.Helper()
	var err error
	p.do(func() {
		var orig [1]byte
		if _, err = unix.PtracePeekData(p.pid, uintptr(addr), orig[:]); err != nil {
			return
		}
		p.bps[addr] = orig[0]
		_, err = unix.PtracePokeData(p.pid, uintptr(addr), []byte{0xcc})
	})
	if err != nil {
		p.t.Fatalf("breakpoint at %#x: %v", addr, err)
	}
	return addr
}

// step executes one instruction of the last stopped thread.
func (p *tracee) step() {
	p.t.Helper()
	var err error
	p.do(func() {
		orig, onBP := p.bps[p.regs.Rip]
		if onBP {
			unix.PtracePokeData(p.tid, uintptr(p.regs.Rip), []byte{orig})
		}
		if err = unix.PtraceSingleStep(p.tid); err != nil {
			return
		}
		var ws unix.WaitStatus
		if _, err = unix.Wait4(p.tid, &ws, waitFlags, nil); err != nil {
			return
		}
		if onBP {
			unix.PtracePokeData(p.tid, uintptr(p.regs.Rip), []byte{0xcc})
		}
		if !ws.Stopped() || ws.StopSignal() != unix.SIGTRAP {
			err = fmt.Errorf("single-step of tid %d: wait status %#x", p.tid, ws)
			return
		}
		err = unix.PtraceGetRegs(p.tid, &p.regs)
	})
	if err != nil {
		p.t.Fatal(err)
	}
}

// cont resumes the last stopped thread (stepping it off a breakpoint
// first) and waits until some thread hits a breakpoint. Other signals are
// passed on to the program.
func (p *tracee) cont() {
	p.t.Helper()
	p.resume(false, 0, 0)
}

// contToSyscall resumes the program until it enters system call nr.
func (p *tracee) contToSyscall(nr uint64) {
	p.t.Helper()
	p.resume(true, nr, 0)
}

// contToSignal resumes the program until signal sig is about to be
// delivered to it.
func (p *tracee) contToSignal(sig unix.Signal) {
	p.t.Helper()
	p.resume(false, 0, sig)
}

func (p *tracee) resume(syscalls bool, nr uint64, stopSig unix.Signal) {
	p.t.Helper()
	var err error
	p.do(func() { err = p.resumeOnTracer(syscalls, nr, stopSig) })
	if err != nil {
		p.t.Fatal(err)
	}
}

// resumeOnTracer must run on the tracer goroutine.
func (p *tracee) resumeOnTracer(syscalls bool, nr uint64, stopSig unix.Signal) error {
	restart := func(tid, sig int) error {
		if syscalls {
			return unix.PtraceSyscall(tid, sig)
		}
		return unix.PtraceCont(tid, sig)
	}
	if orig, ok := p.bps[p.regs.Rip]; ok && p.tid != 0 {
		// Step over our breakpoint: restore the byte, single-step, re-insert.
		unix.PtracePokeData(p.tid, uintptr(p.regs.Rip), []byte{orig})
		if err := unix.PtraceSingleStep(p.tid); err != nil {
			return fmt.Errorf("ptrace(PTRACE_SINGLESTEP) tid %d: %w", p.tid, err)
		}
		var ws unix.WaitStatus
		if _, err := unix.Wait4(p.tid, &ws, waitFlags, nil); err != nil {
			return err
		}
		unix.PtracePokeData(p.tid, uintptr(p.regs.Rip), []byte{0xcc})
	}
	if err := restart(p.tid, 0); err != nil {
		return fmt.Errorf("resume tid %d: %w", p.tid, err)
	}
	for {
		var ws unix.WaitStatus
		tid, err := unix.Wait4(-1, &ws, waitFlags, nil)
		if err != nil {
			return fmt.Errorf("wait4: %w", err)
		}
		switch {
		case ws.Exited() || ws.Signaled():
			if tid == p.pid {
				return fmt.Errorf("process %d ended (wait status %#x) before the expected stop", p.pid, ws)
			}
			continue
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		switch {
		case sig == unix.SIGTRAP|0x80: // system-call stop (TRACESYSGOOD)
			var regs unix.PtraceRegs
			if err := unix.PtraceGetRegs(tid, &regs); err != nil {
				return err
			}
			if regs.Orig_rax == nr {
				p.tid, p.regs = tid, regs
				return nil
			}
			sig = 0
		case sig == unix.SIGTRAP && ws.TrapCause() > 0: // clone, exec events
			sig = 0
		case sig == unix.SIGTRAP:
			var regs unix.PtraceRegs
			if err := unix.PtraceGetRegs(tid, &regs); err != nil {
				return err
			}
			if _, ok := p.bps[regs.Rip-1]; ok {
				regs.Rip-- // the trap reports the address after int3
				if err := unix.PtraceSetRegs(tid, &regs); err != nil {
					return err
				}
				p.tid, p.regs = tid, regs
				return nil
			}
			sig = 0
		case sig == unix.SIGSTOP:
			sig = 0 // a new thread's first stop
		case sig == stopSig:
			p.tid = tid
			return unix.PtraceGetRegs(tid, &p.regs)
		}
		if err := restart(tid, int(sig)); err != nil && err != unix.ESRCH {
			return fmt.Errorf("resume tid %d: %w", tid, err)
		}
	}
}

// dwarfRegs returns the registers of the last stop as the unwinder takes
// them.
func (p *tracee) dwarfRegs() *op.DwarfRegisters {
	r := p.regs
	vals := map[uint64]uint64{
		regnum.AMD64_Rax: r.Rax, regnum.AMD64_Rdx: r.Rdx, regnum.AMD64_Rcx: r.Rcx, regnum.AMD64_Rbx: r.Rbx,
		regnum.AMD64_Rsi: r.Rsi, regnum.AMD64_Rdi: r.Rdi, regnum.AMD64_Rbp: r.Rbp, regnum.AMD64_Rsp: r.Rsp,
		regnum.AMD64_R8: r.R8, regnum.AMD64_R9: r.R9, regnum.AMD64_R10: r.R10, regnum.AMD64_R11: r.R11,
		regnum.AMD64_R12: r.R12, regnum.AMD64_R13: r.R13, regnum.AMD64_R14: r.R14, regnum.AMD64_R15: r.R15,
		regnum.AMD64_Rip: r.Rip, regnum.AMD64_Rflags: r.Eflags, regnum.AMD64_Fs_base: r.Fs_base,
	}
	regs := op.NewDwarfRegisters(0, nil, binary.LittleEndian, regnum.AMD64_Rip, regnum.AMD64_Rsp, regnum.AMD64_Rbp, 0)
	for n, v := range vals {
		regs.AddReg(n, op.DwarfRegisterFromUint64(v))
	}
	return regs
}

// table opens every ELF file mapped into the process with its load bias.
func (p *tracee) table() *Table {
	p.t.Helper()
	maps, err := ReadMaps(p.pid)
	if err != nil {
		p.t.Fatal(err)
	}
	tab := NewTable()
	added, _, err := tab.Sync(maps)
	if err != nil {
		p.t.Fatal(err)
	}
	p.t.Cleanup(func() {
		for _, im := range added {
			im.Close()
		}
	})
	return tab
}

func (p *tracee) exeBias() uint64 {
	p.t.Helper()
	start, ok := p.fileMappings()[p.bin]
	if !ok {
		p.t.Fatalf("%s is not mapped in process %d", p.bin, p.pid)
	}
	f, err := elf.Open(p.bin)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	return start - firstLoadPage(f)
}

// fileMappings returns each mapped file's lowest address mapped at file
// offset 0.
func (p *tracee) fileMappings() map[string]uint64 {
	p.t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", p.pid))
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasPrefix(fields[5], "/") || fields[2] != "00000000" {
			continue
		}
		lo, _ := strconv.ParseUint(strings.Split(fields[0], "-")[0], 16, 64)
		if old, ok := out[fields[5]]; !ok || lo < old {
			out[fields[5]] = lo
		}
	}
	return out
}

func firstLoadPage(f *elf.File) uint64 {
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_LOAD {
			return prog.Vaddr &^ 0xfff
		}
	}
	return 0
}

// lineAddress returns the lowest link-time address where a statement of
// file:line begins, from the DWARF line table of bin.
func lineAddress(t testing.TB, bin, file string, line int) uint64 {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Fatal(err)
	}
	var best uint64
	found := false
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagCompileUnit {
			r.SkipChildren()
			continue
		}
		lr, err := d.LineReader(e)
		if err != nil || lr == nil {
			continue
		}
		var le dwarf.LineEntry
		for lr.Next(&le) == nil {
			if le.IsStmt && le.Line == line && le.File != nil && filepath.Base(le.File.Name) == file && (!found || le.Address < best) {
				best, found = le.Address, true
			}
		}
		r.SkipChildren()
	}
	if !found {
		t.Fatalf("%s has no statement at %s:%d", bin, file, line)
	}
	return best
}
