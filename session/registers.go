package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// vectorGroup is the child of the Registers scope that lists the x87 and
// vector registers (XSAVE state), kept apart so the scope stays short.
const vectorGroup = "Vector"

// registerVariables lists the Registers scope of a frame: the general
// purpose registers, rip (the frame's PC), eflags with its flags decoded,
// the segment selectors and fs_base/gs_base, then the Vector group. The
// innermost frame (and the calls inlined into it) shows the thread's
// registers; a caller's frame shows those that unwinding recovered (PC,
// stack pointer, callee-saved registers), since the others hold the
// callees' values.
func (s *Session) registerVariables(ref frameRef, filter string, start, count int) ([]dap.Variable, error) {
	if filter == "indexed" {
		return nil, nil
	}
	frames, err := s.stack(ref.tid)
	if err != nil {
		return nil, err
	}
	if ref.index >= len(frames) {
		return nil, fmt.Errorf("frame %d of thread %d is gone: ask for stackTrace again", ref.index, ref.tid)
	}
	f := &frames[ref.index]
	live := liveFrame(frames, ref.index)
	var regs tracer.Regs
	if live {
		if regs, err = s.proc.Regs(ref.tid); err != nil {
			return nil, fmt.Errorf("registers of thread %d: %w", ref.tid, err)
		}
	}
	var out []dap.Variable
	for _, reg := range arch.Registers() {
		if reg.Kind == arch.KindSyscall {
			continue
		}
		v := reg.Get(&regs)
		switch {
		case reg.Kind == arch.KindPC:
			v = f.PC
		case !live:
			if reg.DwarfNum == arch.NoDwarfNum || f.Regs == nil {
				continue
			}
			r := f.Regs.Reg(uint64(reg.DwarfNum))
			if r == nil {
				continue // not recovered in this frame
			}
			v = r.Uint64Val
		}
		dv := dap.Variable{Name: reg.Name, Value: reg.Format(v), EvaluateName: "$" + reg.Name}
		if !live {
			dv.PresentationHint = readOnly // see setRegister
		}
		switch reg.Name {
		case "rip", "rsp", "rbp":
			dv.MemoryReference = fmt.Sprintf("%#x", v)
		}
		out = append(out, dv)
	}
	if live {
		out = append(out, dap.Variable{
			Name:               vectorGroup,
			Value:              "x87, SSE and AVX registers",
			VariablesReference: s.handles.add(container{kind: listVector, frame: ref}),
			PresentationHint:   &dap.VariablePresentationHint{Kind: "virtual", Attributes: []string{"readOnly"}},
		})
	}
	return page(out, start, count), nil
}

// liveFrame reports whether frame index of frames runs on the thread's
// own registers: the innermost frame, and the frames of the calls inlined
// into it, which share its registers.
func liveFrame(frames []symbols.Frame, index int) bool {
	for _, f := range frames[:min(index, len(frames))] {
		if !f.Inlined {
			return false
		}
	}
	return true
}

// vectorVariables lists the Vector group: the x87 control registers,
// st0-st7 as floats, mxcsr, xmm0-15 and (with AVX) ymm0-15, each vector
// in hex followed by its float lanes.
func (s *Session) vectorVariables(ref frameRef, filter string, start, count int) ([]dap.Variable, error) {
	if filter == "indexed" {
		return nil, nil
	}
	area, err := s.proc.XState(ref.tid)
	if err != nil {
		return nil, fmt.Errorf("vector registers of thread %d: %w", ref.tid, err)
	}
	x, err := arch.DecodeXState(area)
	if err != nil {
		return nil, fmt.Errorf("vector registers of thread %d: %w", ref.tid, err)
	}
	regs := x.Registers()
	out := make([]dap.Variable, 0, len(regs))
	for _, r := range regs {
		value := r.Value
		if r.Detail != "" {
			value += " " + r.Detail
		}
		out = append(out, dap.Variable{Name: r.Name, Value: value, EvaluateName: "$" + r.Name, PresentationHint: readOnly})
	}
	return page(out, start, count), nil
}

// setRegister writes a general-purpose register of the innermost frame
// and returns it as it now reads.
func (s *Session) setRegister(ref frameRef, name, value string) (dap.Variable, error) {
	name = strings.TrimPrefix(name, "$")
	reg, ok := arch.LookupRegister(name)
	if !ok {
		return dap.Variable{}, fmt.Errorf("unknown register %q: set one of the registers the Registers scope lists", name)
	}
	frames, err := s.stack(ref.tid)
	if err != nil {
		return dap.Variable{}, err
	}
	if !liveFrame(frames, ref.index) {
		return dap.Variable{}, fmt.Errorf("the registers of a caller's frame cannot be set: select the innermost frame")
	}
	n, err := parseRegisterValue(value)
	if err != nil {
		return dap.Variable{}, fmt.Errorf("set %s to %q: %w", name, value, err)
	}
	regs, err := s.proc.Regs(ref.tid)
	if err != nil {
		return dap.Variable{}, fmt.Errorf("registers of thread %d: %w", ref.tid, err)
	}
	if err := arch.WriteRegister(&regs, reg.Name, n); err != nil {
		return dap.Variable{}, err
	}
	if err := s.proc.SetRegs(ref.tid, regs); err != nil {
		return dap.Variable{}, fmt.Errorf("set %s of thread %d: %w", reg.Name, ref.tid, err)
	}
	if regs, err = s.proc.Regs(ref.tid); err != nil {
		return dap.Variable{}, fmt.Errorf("registers of thread %d: %w", ref.tid, err)
	}
	// Unwinding and variables held in registers start from these values.
	delete(s.frames.stacks, ref.tid)
	if reg.Kind == arch.KindPC || reg.Name == "rsp" || reg.Name == "rbp" {
		s.invalidate("stacks", "variables")
	} else {
		s.invalidate("variables")
	}
	return dap.Variable{Name: reg.Name, Value: reg.Format(reg.Get(&regs)), EvaluateName: "$" + reg.Name}, nil
}

// parseRegisterValue reads a number as a C programmer writes it: decimal,
// 0x hex, 0 octal, 0b binary, negative in two's complement.
func parseRegisterValue(text string) (uint64, error) {
	text = strings.TrimSpace(text)
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		return uint64(n), nil
	}
	n, err := strconv.ParseUint(text, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("not a 64-bit integer: give a number such as 42, -1 or 0x401000")
	}
	return n, nil
}
