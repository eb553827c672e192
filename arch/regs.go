package arch

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/dapproc/dapproc/tracer"
	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// RegisterKind groups the registers the way a register view shows them.
type RegisterKind int

// The kinds of general-purpose registers.
const (
	// KindGeneral: rax ... r15.
	KindGeneral RegisterKind = iota + 1
	// KindPC: rip.
	KindPC
	// KindFlags: eflags.
	KindFlags
	// KindSegment: the selectors cs ss ds es fs gs.
	KindSegment
	// KindSegmentBase: fs_base and gs_base (thread-local storage bases).
	KindSegmentBase
	// KindSyscall: orig_rax, the system call number the kernel keeps for
	// a thread stopped in or after a system call (-1 otherwise).
	KindSyscall
)

// NoDwarfNum is the DwarfNum of a register that the System V ABI gives no
// DWARF number (orig_rax).
const NoDwarfNum = -1

// Register describes one 64-bit register of tracer.Regs.
type Register struct {
	// Name is gdb's lower-case name ("rax", "eflags", "fs_base").
	Name string
	// DwarfNum is the register's DWARF number (regnum.AMD64_*), or
	// NoDwarfNum.
	DwarfNum int
	Kind     RegisterKind
	field    func(*tracer.Regs) *uint64
}

// Get returns the register's value in r.
func (reg Register) Get(r *tracer.Regs) uint64 { return *reg.field(r) }

// Set stores v into the register in r.
func (reg Register) Set(r *tracer.Regs, v uint64) { *reg.field(r) = v }

// Format returns the register's value v as a register view shows it: hex,
// and for eflags the set flags too ("0x246 [ PF ZF IF ]").
func (reg Register) Format(v uint64) string {
	if reg.Kind == KindFlags {
		return fmt.Sprintf("%#x %s", v, EflagsString(v))
	}
	return fmt.Sprintf("%#x", v)
}

// registers is in the order of gdb's "info registers".
var registers = [...]Register{
	{"rax", regnum.AMD64_Rax, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rax }},
	{"rbx", regnum.AMD64_Rbx, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rbx }},
	{"rcx", regnum.AMD64_Rcx, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rcx }},
	{"rdx", regnum.AMD64_Rdx, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rdx }},
	{"rsi", regnum.AMD64_Rsi, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rsi }},
	{"rdi", regnum.AMD64_Rdi, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rdi }},
	{"rbp", regnum.AMD64_Rbp, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rbp }},
	{"rsp", regnum.AMD64_Rsp, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.Rsp }},
	{"r8", regnum.AMD64_R8, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R8 }},
	{"r9", regnum.AMD64_R9, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R9 }},
	{"r10", regnum.AMD64_R10, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R10 }},
	{"r11", regnum.AMD64_R11, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R11 }},
	{"r12", regnum.AMD64_R12, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R12 }},
	{"r13", regnum.AMD64_R13, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R13 }},
	{"r14", regnum.AMD64_R14, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R14 }},
	{"r15", regnum.AMD64_R15, KindGeneral, func(r *tracer.Regs) *uint64 { return &r.R15 }},
	{"rip", regnum.AMD64_Rip, KindPC, func(r *tracer.Regs) *uint64 { return &r.Rip }},
	{"eflags", regnum.AMD64_Rflags, KindFlags, func(r *tracer.Regs) *uint64 { return &r.Eflags }},
	{"cs", regnum.AMD64_Cs, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Cs }},
	{"ss", regnum.AMD64_Ss, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Ss }},
	{"ds", regnum.AMD64_Ds, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Ds }},
	{"es", regnum.AMD64_Es, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Es }},
	{"fs", regnum.AMD64_Fs, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Fs }},
	{"gs", regnum.AMD64_Gs, KindSegment, func(r *tracer.Regs) *uint64 { return &r.Gs }},
	{"fs_base", regnum.AMD64_Fs_base, KindSegmentBase, func(r *tracer.Regs) *uint64 { return &r.FsBase }},
	{"gs_base", regnum.AMD64_Gs_base, KindSegmentBase, func(r *tracer.Regs) *uint64 { return &r.GsBase }},
	{"orig_rax", NoDwarfNum, KindSyscall, func(r *tracer.Regs) *uint64 { return &r.OrigRax }},
}

// Registers returns every 64-bit register of tracer.Regs, in the order of
// gdb's "info registers": rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip eflags
// cs ss ds es fs gs fs_base gs_base, then orig_rax.
func Registers() []Register {
	out := registers
	return out[:]
}

// subRegister is a named part of a 64-bit register: eax, ax, al, ah, r8d...
type subRegister struct {
	full  int // index into registers
	shift uint
	bits  int
}

var registerNames = buildRegisterNames()

func buildRegisterNames() map[string]subRegister {
	m := make(map[string]subRegister)
	index := map[string]int{}
	for i, reg := range registers {
		m[reg.Name] = subRegister{i, 0, 64}
		index[reg.Name] = i
	}
	// Aliases gdb accepts for the whole register.
	m["pc"] = m["rip"]
	m["rflags"] = m["eflags"]
	for _, legacy := range []string{"ax", "bx", "cx", "dx"} {
		full := index["r"+legacy]
		m["e"+legacy] = subRegister{full, 0, 32}
		m[legacy] = subRegister{full, 0, 16}
		m[legacy[:1]+"l"] = subRegister{full, 0, 8}
		m[legacy[:1]+"h"] = subRegister{full, 8, 8}
	}
	for _, legacy := range []string{"si", "di", "bp", "sp"} {
		full := index["r"+legacy]
		m["e"+legacy] = subRegister{full, 0, 32}
		m[legacy] = subRegister{full, 0, 16}
		m[legacy+"l"] = subRegister{full, 0, 8}
	}
	for n := 8; n <= 15; n++ {
		full := index[fmt.Sprintf("r%d", n)]
		m[fmt.Sprintf("r%dd", n)] = subRegister{full, 0, 32}
		m[fmt.Sprintf("r%dw", n)] = subRegister{full, 0, 16}
		m[fmt.Sprintf("r%db", n)] = subRegister{full, 0, 8}
		m[fmt.Sprintf("r%dl", n)] = subRegister{full, 0, 8} // gdb's name for r8b
	}
	return m
}

func lookupSubRegister(name string) (subRegister, error) {
	key := strings.ToLower(strings.TrimPrefix(name, "$"))
	sub, ok := registerNames[key]
	if !ok {
		return subRegister{}, fmt.Errorf("unknown register %q: use an x86-64 name such as rax, eax, al, r8d, rip, eflags, fs_base", name)
	}
	return sub, nil
}

// LookupRegister returns the 64-bit register called name (case-insensitive,
// an optional leading "$" as in gdb, "pc" and "rflags" accepted as aliases).
// Parts of registers (eax, al) are not Registers: use ReadRegister.
func LookupRegister(name string) (Register, bool) {
	sub, err := lookupSubRegister(name)
	if err != nil || sub.bits != 64 {
		return Register{}, false
	}
	return registers[sub.full], true
}

// ReadRegister returns the value of the register called name in r, and its
// width in bits. Besides the 64-bit registers it knows their parts as the
// instruction set names them: eax ax al ah, esi si sil, r8d r8w r8b (and
// gdb's r8l), and so on. Names are case-insensitive, with an optional "$".
func ReadRegister(r *tracer.Regs, name string) (value uint64, bits int, err error) {
	sub, err := lookupSubRegister(name)
	if err != nil {
		return 0, 0, err
	}
	v := registers[sub.full].Get(r) >> sub.shift
	if sub.bits < 64 {
		v &= 1<<sub.bits - 1
	}
	return v, sub.bits, nil
}

// WriteRegister stores v into the register called name in r (names as for
// ReadRegister). Writing a part of a register changes only that part, as
// gdb does: writing eax keeps the upper half of rax, unlike a 32-bit mov
// on the processor, which would clear it. A value too wide for the register
// is an error rather than silently truncated; a negative value (as a
// two's-complement uint64) is accepted when it fits the signed range.
func WriteRegister(r *tracer.Regs, name string, v uint64) error {
	sub, err := lookupSubRegister(name)
	if err != nil {
		return err
	}
	reg := registers[sub.full]
	if sub.bits == 64 {
		reg.Set(r, v)
		return nil
	}
	mask := uint64(1)<<sub.bits - 1
	// A negative value is accepted in two's complement: -1 fits in al.
	negativeFits := int64(v) < 0 && int64(v) >= -int64(1)<<(sub.bits-1)
	if v > mask && !negativeFits {
		return fmt.Errorf("value %#x does not fit in the %d-bit register %s", v, sub.bits, name)
	}
	old := reg.Get(r)
	reg.Set(r, old&^(mask<<sub.shift)|(v&mask)<<sub.shift)
	return nil
}

// dwarfRegisterCount covers every DWARF number of tracer.Regs (the highest
// is gs_base).
const dwarfRegisterCount = regnum.AMD64_Gs_base + 1

// DwarfRegisters returns r as delve's DWARF register set, for the call-frame
// unwinder and DWARF location expressions: every register of r that has a
// DWARF number, with PCRegNum, SPRegNum and BPRegNum set to rip, rsp and
// rbp, little-endian, and StaticBase zero (the caller sets it to the load
// bias of the module it evaluates for). Vector and x87 registers can be
// added with AddXStateToDwarf.
func DwarfRegisters(r *tracer.Regs) *op.DwarfRegisters {
	regs := make([]*op.DwarfRegister, dwarfRegisterCount)
	for _, reg := range registers {
		if reg.DwarfNum != NoDwarfNum {
			regs[reg.DwarfNum] = op.DwarfRegisterFromUint64(reg.Get(r))
		}
	}
	return op.NewDwarfRegisters(0, regs, binary.LittleEndian, regnum.AMD64_Rip, regnum.AMD64_Rsp, regnum.AMD64_Rbp, 0)
}
