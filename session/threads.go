package session

import (
	"fmt"
	"slices"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/tracer"
)

// threadList is the last known set of threads, kept so that `threads` can
// be answered while the program runs.
type threadList struct {
	tids  []int          // ascending
	names map[int]string // comm at the last `threads` request while stopped
}

// update replaces the list with the process's threads and returns the ids
// that were not in it before.
func (l *threadList) update(p tracer.Process) (added []int) {
	tids := p.Threads()
	for _, tid := range tids {
		if _, ok := slices.BinarySearch(l.tids, tid); !ok {
			added = append(added, tid)
		}
	}
	l.tids = tids
	return added
}

// applyStop updates the list from a stop event's created and exited ids,
// without asking the tracer.
func (l *threadList) applyStop(ev *tracer.StopEvent) {
	if len(ev.ThreadsCreated) == 0 && len(ev.ThreadsExited) == 0 {
		return
	}
	for _, tid := range ev.ThreadsCreated {
		if i, ok := slices.BinarySearch(l.tids, tid); !ok {
			l.tids = slices.Insert(l.tids, i, tid)
		}
	}
	for _, tid := range ev.ThreadsExited {
		if i, ok := slices.BinarySearch(l.tids, tid); ok {
			l.tids = slices.Delete(l.tids, i, i+1)
		}
		delete(l.names, tid)
	}
}

func (l *threadList) has(tid int) bool {
	_, ok := slices.BinarySearch(l.tids, tid)
	return ok
}

// Threads answers the `threads` request: the live threads with their names
// while stopped, the last known list while running.
func (s *Session) Threads() ([]dap.Thread, error) {
	switch s.state {
	case Initializing:
		return []dap.Thread{}, nil
	case Configuring, Stopped:
		s.threads.tids = s.proc.Threads()
		if s.threads.names == nil {
			s.threads.names = map[int]string{}
		}
		for _, tid := range s.threads.tids {
			s.threads.names[tid] = s.proc.ThreadName(tid)
		}
	}
	out := make([]dap.Thread, 0, len(s.threads.tids))
	for _, tid := range s.threads.tids {
		name := s.threads.names[tid]
		if name == "" {
			name = fmt.Sprintf("thread %d", tid)
		}
		out = append(out, dap.Thread{Id: tid, Name: name})
	}
	return out, nil
}

// checkThread returns an error unless tid is a live thread.
func (s *Session) checkThread(tid int) error {
	if !s.threads.has(tid) {
		return ErrStaleHandle{"threadId", tid}
	}
	return nil
}
