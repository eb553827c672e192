package session

import (
	"debug/elf"
	"fmt"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
)

// maxDisassemble bounds the instructions of one disassemble answer.
const maxDisassemble = 10000

// unknownInstruction is the text of an entry outside readable memory, as
// the DAP specification suggests for padding.
const unknownInstruction = "??"

// Disassemble answers `disassemble`: count instructions, starting
// instOffset instructions after (or, negative, before) the instruction at
// memoryReference+offset. Going backwards, instruction boundaries come from
// decoding forward from the start of the function (or symbol) before the
// address, since x86 code cannot be decoded backwards. Entries outside
// readable memory are padded with "??". Each instruction has its bytes
// (never dapproc's int3), its GNU text with branch targets as <func+off>
// when resolveSymbols is set, the function's name at its first instruction,
// and the source line where the line changes.
func (s *Session) Disassemble(ref string, offset, instOffset, count int, resolveSymbols bool) ([]dap.DisassembledInstruction, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	addr, err := parseMemoryReference(ref, offset)
	if err != nil {
		return nil, err
	}
	if count <= 0 {
		return []dap.DisassembledInstruction{}, nil
	}
	if count > maxDisassemble || instOffset > maxDisassemble*10 || instOffset < -maxDisassemble*10 {
		return nil, fmt.Errorf("disassemble of %d instructions at instructionOffset %d: ask for at most %d at a time, at most %d away", count, instOffset, maxDisassemble, maxDisassemble*10)
	}
	var insts []arch.Inst
	if instOffset < 0 {
		insts = s.instructionsBefore(addr, -instOffset)
		if len(insts) > count {
			insts = insts[:count]
		}
		if len(insts) < count {
			insts = append(insts, s.instructionsFrom(addr, count-len(insts))...)
		}
	} else {
		insts = s.instructionsFrom(addr, instOffset+count)[instOffset:]
	}
	return s.describeInstructions(insts, resolveSymbols), nil
}

// instructionsFrom decodes n instructions from addr; an unreadable byte
// becomes one "??" entry.
func (s *Session) instructionsFrom(addr uint64, n int) []arch.Inst {
	out := make([]arch.Inst, 0, n)
	for len(out) < n {
		code := make([]byte, min((n-len(out))*arch.MaxInstLen, 64<<10))
		got, _ := s.proc.ReadMemory(addr, code)
		if got == 0 {
			// The rest of the page is as unreadable: pad it without
			// asking again byte by byte.
			for rest := pageSize - addr%pageSize; rest > 0 && len(out) < n; rest-- {
				out = append(out, unreadableInst(addr))
				addr++
			}
			continue
		}
		memoryEnds := got < len(code)
		off := 0
		for off < got && len(out) < n {
			// Near the end of a full buffer, read again rather than cut
			// an instruction in two; where memory ends, decode what is
			// there (a cut instruction shows as bad bytes).
			if !memoryEnds && got-off < arch.MaxInstLen {
				break
			}
			inst, _ := arch.Decode(code[off:got], addr+uint64(off))
			out = append(out, inst)
			off += max(inst.Len, 1)
		}
		addr += uint64(off)
	}
	return out
}

// unreadableInst is a one-byte placeholder for memory that cannot be read.
func unreadableInst(addr uint64) arch.Inst { return arch.Inst{PC: addr, Len: 1, Kind: arch.InstBad} }

// instructionsBefore returns the n instructions that end at addr, found by
// decoding forward from earlier function starts; what lies before all
// known code is padded with "??" entries.
func (s *Session) instructionsBefore(addr uint64, n int) []arch.Inst {
	var out []arch.Inst // in reverse order: nearest first
	anchor := addr
	for len(out) < n {
		start, ok := s.syncPoint(anchor)
		if !ok {
			break
		}
		block := s.decodeBetween(start, anchor)
		if len(block) == 0 {
			break
		}
		for i := len(block) - 1; i >= 0 && len(out) < n; i-- {
			out = append(out, block[i])
		}
		anchor = start
	}
	for len(out) < n && anchor > 0 {
		anchor--
		out = append(out, unreadableInst(anchor))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// maxSymbolGap bounds how far back syncPoint looks for a function start.
const maxSymbolGap = 16 << 10

// syncPoint returns an instruction boundary before anchor from which
// decoding forward reaches anchor: the nearer of the start of the section
// holding anchor-1 (where objdump starts its sweep) and the start of the
// function holding anchor-1, or of the function before the alignment
// padding or unnamed code that holds it (decoded on from there, as objdump
// does). In memory no image describes, it is a point a few instructions
// back from which decoding lands exactly on anchor.
func (s *Session) syncPoint(anchor uint64) (uint64, bool) {
	if anchor == 0 {
		return 0, false
	}
	start, found := s.sectionStart(anchor - 1)
	const padding = 64 // alignment fill between functions is shorter
	// Byte by byte over the padding, then in growing strides over code
	// that no symbol covers, such as a library's static functions when
	// only .dynsym is left.
	for back := uint64(1); back <= maxSymbolGap && back <= anchor && (!found || anchor-back >= start); back += max(1, back/padding*16) {
		if fn, ok := s.table.FunctionAt(anchor - back); ok && fn.Entry < anchor {
			if !found || fn.Entry > start {
				start, found = fn.Entry, true
			}
			break
		}
	}
	if found && anchor-start <= maxDecodeBack {
		return start, true
	}
	var probe [1]byte
	if anchor < padding {
		return 0, false
	}
	if n, _ := s.proc.ReadMemory(anchor-1, probe[:]); n == 0 {
		return 0, false
	}
	// x86 decoding resynchronises within a few instructions: try starting
	// points at growing distances until one decodes exactly onto anchor.
	for back := uint64(padding); back > 0; back-- {
		insts := s.decodeBetween(anchor-back, anchor)
		if len(insts) > 0 {
			last := insts[len(insts)-1]
			if last.PC+uint64(last.Len) == anchor && last.Kind != arch.InstBad {
				return anchor - back, true
			}
		}
	}
	return 0, false
}

// maxDecodeBack bounds how much code is decoded to find the instructions
// before an address.
const maxDecodeBack = 1 << 20

// sectionStart returns the run-time start of the executable ELF section
// that holds addr.
func (s *Session) sectionStart(addr uint64) (uint64, bool) {
	im := s.table.ImageAt(addr)
	if im == nil || im.ELF() == nil {
		return 0, false
	}
	link := addr - im.Bias
	for _, sec := range im.ELF().Sections {
		if sec.Flags&elf.SHF_EXECINSTR != 0 && link >= sec.Addr && link < sec.Addr+sec.Size {
			return sec.Addr + im.Bias, true
		}
	}
	return 0, false
}

// decodeBetween decodes the instructions from start up to end; the last
// one may run past end when start was not on a boundary leading to it.
func (s *Session) decodeBetween(start, end uint64) []arch.Inst {
	if end <= start || end-start > maxDecodeBack {
		return nil
	}
	code := make([]byte, end-start+arch.MaxInstLen)
	got, _ := s.proc.ReadMemory(start, code)
	if got < int(end-start) {
		return nil
	}
	code = code[:got]
	var out []arch.Inst
	for off := 0; uint64(off) < end-start; {
		inst, _ := arch.Decode(code[off:], start+uint64(off))
		out = append(out, inst)
		off += max(inst.Len, 1)
	}
	return out
}

// describeInstructions turns decoded instructions into the DAP form.
func (s *Session) describeInstructions(insts []arch.Inst, resolveSymbols bool) []dap.DisassembledInstruction {
	names := &symbolizer{table: s.table}
	var sym arch.SymbolLookup
	if resolveSymbols {
		sym = names.lookup
	}
	out := make([]dap.DisassembledInstruction, 0, len(insts))
	var last symbols.Location
	for _, inst := range insts {
		d := dap.DisassembledInstruction{Address: fmt.Sprintf("%#x", inst.PC)}
		if inst.Kind == arch.InstBad && inst.Bytes == nil {
			d.Instruction = unknownInstruction
			last = symbols.Location{}
			out = append(out, d)
			continue
		}
		d.InstructionBytes = hexBytes(inst.Bytes)
		d.Instruction = inst.GNU(sym)
		if name, start := names.lookup(inst.PC); start == inst.PC {
			d.Symbol = name
		}
		if loc, ok := s.table.LocationAt(inst.PC); ok && (loc.File != last.File || loc.Line != last.Line) {
			d.Location = s.clientSource(loc.File)
			d.Line = loc.Line
			if loc.Column > 0 {
				d.Column = loc.Column
			}
			last = loc
		}
		out = append(out, d)
	}
	return out
}

// symbolizer names code addresses for one disassemble answer, as objdump
// does: functions, and PLT stubs as "strlen@plt".
type symbolizer struct {
	table *symbols.Table
	plt   map[*symbols.Image]map[uint64]string
}

// maxPLTEntry is the largest PLT stub (16 bytes; .plt.got without IBT
// has 8).
const maxPLTEntry = 16

// lookup is an arch.SymbolLookup.
func (z *symbolizer) lookup(addr uint64) (string, uint64) {
	im := z.table.ImageAt(addr)
	if im == nil {
		return "", 0
	}
	if z.plt == nil {
		z.plt = map[*symbols.Image]map[uint64]string{}
	}
	stubs, ok := z.plt[im]
	if !ok {
		stubs = im.PLTStubs()
		z.plt[im] = stubs
	}
	for back := uint64(0); back < maxPLTEntry && back <= addr && len(stubs) > 0; back++ {
		if name, ok := stubs[addr-back]; ok {
			return name, addr - back
		}
	}
	fn, ok := z.table.FunctionAt(addr)
	if !ok || !sameSection(im, fn.Entry, addr) {
		// A symbol without a size is taken to reach the next one, which
		// can stretch _init over the PLT or _fini over read-only data:
		// objdump would not name those addresses after it.
		return "", 0
	}
	return fn.Name, fn.Entry
}

// sameSection reports whether two run-time addresses of im lie in the
// same allocated ELF section.
func sameSection(im *symbols.Image, a, b uint64) bool {
	if a == b {
		return true
	}
	la, lb := a-im.Bias, b-im.Bias
	for _, sec := range im.ELF().Sections {
		if sec.Flags&elf.SHF_ALLOC == 0 || sec.Size == 0 {
			continue
		}
		inA := la >= sec.Addr && la < sec.Addr+sec.Size
		inB := lb >= sec.Addr && lb < sec.Addr+sec.Size
		if inA || inB {
			return inA && inB
		}
	}
	return false
}

// hexBytes writes an instruction's bytes as objdump does: "48 89 e5".
func hexBytes(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}
