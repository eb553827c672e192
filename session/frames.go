package session

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
)

// frameRef is what a frameId stands for at the current stop.
type frameRef struct {
	tid   int
	index int
}

// frameTable hands out frameIds for the current stop, and keeps the stacks
// unwound at this stop.
type frameTable struct {
	ids    stopIDs[frameRef]
	stacks map[int][]symbols.Frame // per thread, unwound at this stop
}

func (t *frameTable) reset() { t.ids.reset(); t.stacks = nil }

func (t *frameTable) add(ref frameRef) int { return t.ids.add(ref) }

// maxFrames bounds an unwind (deep or runaway recursion).
const maxFrames = 1024

// stack returns thread tid's call frames at this stop, unwinding once.
func (s *Session) stack(tid int) ([]symbols.Frame, error) {
	if frames, ok := s.frames.stacks[tid]; ok {
		return frames, nil
	}
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return nil, fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	frames, err := s.table.Unwind(arch.DwarfRegisters(&regs), s.proc, maxFrames)
	if len(frames) == 0 {
		if err == nil {
			err = errors.New("no frames")
		}
		return nil, fmt.Errorf("unwinding thread %d: %w", tid, err)
	}
	if err != nil {
		s.log.Debug("unwind stopped early", "tid", tid, "frames", len(frames), "err", err)
	}
	if s.frames.stacks == nil {
		s.frames.stacks = map[int][]symbols.Frame{}
	}
	s.frames.stacks[tid] = frames
	return frames, nil
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
	frames, err := s.stack(tid)
	if err != nil {
		return nil, 0, err
	}
	total := len(frames)
	startFrame = min(startFrame, total)
	end := total
	if levels > 0 {
		end = min(startFrame+levels, total)
	}
	out := make([]dap.StackFrame, 0, end-startFrame)
	for i := startFrame; i < end; i++ {
		out = append(out, s.dapFrame(&frames[i], s.frames.add(frameRef{tid: tid, index: i})))
	}
	return out, total, nil
}

// dapFrame describes one frame: the function's name (or the address and
// the image), the source position, and the PC for the disassembly view.
func (s *Session) dapFrame(f *symbols.Frame, id int) dap.StackFrame {
	out := dap.StackFrame{Id: id, InstructionPointerReference: fmt.Sprintf("%#x", f.PC)}
	switch {
	case f.Function != nil:
		out.Name = f.Function.Name
	case f.Image != nil:
		out.Name = fmt.Sprintf("%#x in %s", f.PC, filepath.Base(f.Image.Path))
	default:
		out.Name = fmt.Sprintf("%#x", f.PC)
	}
	if f.HasLocation {
		out.Source = s.clientSource(f.Location.File)
		out.Line = f.Location.Line
		out.Column = max(f.Location.Column, 1)
	} else {
		out.PresentationHint = "subtle"
	}
	return out
}
