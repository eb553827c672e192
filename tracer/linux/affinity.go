//go:build linux

package linux

import (
	"bytes"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// followCPU makes the monitor's OS thread follow the CPU of the thread that
// last stopped (sched_setaffinity of our own thread only; the debuggee is
// never pinned). On a 2-CPU VM a ptrace round trip costs several times
// less when tracer and tracee share a CPU, because the wake-up does not
// cross CPUs. See the benchmarks for the measured effect.
var followCPU = false

// cpuOf reads the CPU thread tid last ran on: field 39 ("processor") of
// /proc/PID/task/TID/stat.
func cpuOf(pid, tid int, buf []byte) (int, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/stat")
	if err != nil {
		return 0, false
	}
	n, _ := f.Read(buf)
	f.Close()
	b := buf[:n]
	// The command name (field 2) may hold spaces and ')': count fields
	// after its closing parenthesis, which is field 3's predecessor.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	fields := bytes.Fields(b[i+1:])
	const processor = 39 - 3 // fields[0] is field 3
	if len(fields) <= processor {
		return 0, false
	}
	cpu, err := strconv.Atoi(string(fields[processor]))
	return cpu, err == nil
}

// follow moves the monitor's thread to the CPU that thread tid last ran on.
// Monitor only: the affinity it sets is the calling thread's.
func (p *Process) follow(tid int) {
	if !followCPU {
		return
	}
	cpu, ok := cpuOf(p.pid, tid, p.statBuf[:])
	if !ok || cpu == p.pinnedCPU {
		return
	}
	var set unix.CPUSet
	set.Set(cpu)
	if unix.SchedSetaffinity(0, &set) == nil {
		p.pinnedCPU = cpu
	}
}
