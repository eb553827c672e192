package session

import (
	"fmt"

	"github.com/google/go-dap"
)

// frameRef is what a frameId stands for at the current stop.
type frameRef struct {
	tid   int
	index int
}

// frameTable hands out frameIds for the current stop. Ids keep growing
// across stops, so an id from an earlier stop is recognised as stale
// instead of naming some other frame.
type frameTable struct {
	next int
	refs map[int]frameRef
}

func (t *frameTable) reset() { t.refs = nil }

func (t *frameTable) add(ref frameRef) int {
	if t.refs == nil {
		t.refs = map[int]frameRef{}
	}
	if t.next == 0 {
		t.next = 1000
	}
	id := t.next
	t.next++
	t.refs[id] = ref
	return id
}

// StackTrace answers `stackTrace` for thread tid: levels frames from
// startFrame (levels 0 means all), and the total count.
func (s *Session) StackTrace(tid, startFrame, levels int) ([]dap.StackFrame, int, error) {
	if err := s.needStopped(); err != nil {
		return nil, 0, err
	}
	if err := s.checkThread(tid); err != nil {
		return nil, 0, err
	}
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return nil, 0, fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	// TODO(symbols): unwind with Table.Unwind once symbols/unwind.go lands.
	pcs := []uint64{regs.PC()}
	total := len(pcs)
	if startFrame > total {
		startFrame = total
	}
	end := total
	if levels > 0 && startFrame+levels < end {
		end = startFrame + levels
	}
	out := make([]dap.StackFrame, 0, end-startFrame)
	for i := startFrame; i < end; i++ {
		pc := pcs[i]
		out = append(out, dap.StackFrame{
			Id:                          s.frames.add(frameRef{tid: tid, index: i}),
			Name:                        fmt.Sprintf("%#x", pc),
			InstructionPointerReference: fmt.Sprintf("%#x", pc),
			PresentationHint:            "subtle",
		})
	}
	return out, total, nil
}
