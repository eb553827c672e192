//go:build linux

package linux

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Attach stops every thread of the running process pid, including threads
// born while attaching, and takes control of it. The process survives the
// tracer (no PTRACE_O_EXITKILL); Detach lets it go.
func Attach(pid int) (*Process, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("attach: invalid process id %d", pid)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
		return nil, fmt.Errorf("attach %d: no such process", pid)
	}
	p := newProcess(false)
	p.pid = pid
	err := p.start(func() error {
		if err := p.attachAll(); err != nil {
			p.detachQuietly()
			return err
		}
		p.publish()
		p.setExe()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// attachAll attaches every thread in /proc/PID/task, waits until each has
// stopped, and rescans until a scan finds no thread it does not know: a
// thread created between a scan and its parent's stop is caught by the next
// one. Monitor only.
func (p *Process) attachAll() error {
	r := &run{stopping: true}
	for {
		tids, err := taskIDs(p.pid)
		if err != nil {
			return fmt.Errorf("attach %d: no such process", p.pid)
		}
		fresh := 0
		for _, tid := range tids {
			if p.threads[tid] != nil {
				continue
			}
			if err := ptrace(unix.PTRACE_ATTACH, tid, 0, 0); err != nil {
				if errors.Is(err, syscall.ESRCH) && tid != p.pid {
					continue // the thread exited since the scan
				}
				return attachError(p.pid, err)
			}
			t := p.newThread(tid, stateStopping)
			t.newborn = true // its first stop is the kernel's attach SIGSTOP
			fresh++
		}
		if fresh == 0 {
			break
		}
		if err := p.wait(r); err != nil {
			return fmt.Errorf("attach %d: %w", p.pid, err)
		}
		if r.exited != nil {
			return fmt.Errorf("attach %d: the process %s while attaching", p.pid, r.exited)
		}
	}
	for _, t := range p.threads {
		if err := ptrace(unix.PTRACE_SETOPTIONS, t.tid, 0, traceOptions); err != nil {
			return fmt.Errorf("attach %d: %w", p.pid, err)
		}
	}
	// A signal that arrived while attaching is reported by the first
	// Continue, like any stop held back.
	if r.first != nil {
		t := p.threads[r.first.Tid]
		if t != nil {
			t.pending = r.first
			p.queue = append([]int{t.tid}, p.queue...)
		}
	}
	p.created = nil
	return nil
}

// attachError explains why PTRACE_ATTACH failed.
func attachError(pid int, err error) error {
	switch {
	case errors.Is(err, syscall.ESRCH):
		return fmt.Errorf("attach %d: no such process", pid)
	case errors.Is(err, syscall.EPERM):
		if tracer, ok := statusField(pid, "TracerPid:"); ok && tracer != 0 {
			// TracerPid names the tracing thread; name its process.
			if tgid, ok := statusField(tracer, "Tgid:"); ok {
				tracer = tgid
			}
			return fmt.Errorf("attach %d: already traced by process %d (%s): detach that debugger first: %w",
				pid, tracer, commOf(tracer), err)
		}
		yama := "Yama is not enabled (no /proc/sys/kernel/yama/ptrace_scope), so ordinary permissions apply"
		if b, rerr := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope"); rerr == nil {
			yama = "the kernel's Yama ptrace_scope is " + strings.TrimSpace(string(b)) +
				" (/proc/sys/kernel/yama/ptrace_scope: 0 lets a user trace its own processes, 1 only its descendants, 2 only CAP_SYS_PTRACE, 3 nobody)"
		}
		return fmt.Errorf("attach %d: permission denied: %s; attach as the process's owner, or give dapproc "+
			"CAP_SYS_PTRACE (run it as root, or setcap cap_sys_ptrace+ep): %w", pid, yama, err)
	}
	return fmt.Errorf("attach %d: %w", pid, err)
}

// statusField reads a numeric field ("TracerPid:") from /proc/PID/status.
func statusField(pid int, field string) (int, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return n, err == nil
		}
	}
	return 0, false
}

func commOf(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// taskIDs lists the thread ids in /proc/PID/task.
func taskIDs(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, err
	}
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}
