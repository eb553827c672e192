package arch

import "strings"

// eflagsBits names the bits of eflags that gdb shows, in bit order (the
// order gdb prints them). IOPL (bits 12-13) is a two-bit field, not a flag,
// and gdb leaves it out too.
var eflagsBits = [...]struct {
	bit  uint
	name string
}{
	{0, "CF"},   // carry
	{2, "PF"},   // parity
	{4, "AF"},   // auxiliary carry
	{6, "ZF"},   // zero
	{7, "SF"},   // sign
	{8, "TF"},   // trap (single-step)
	{9, "IF"},   // interrupts enabled
	{10, "DF"},  // direction
	{11, "OF"},  // overflow
	{14, "NT"},  // nested task
	{16, "RF"},  // resume
	{17, "VM"},  // virtual-8086 mode
	{18, "AC"},  // alignment check
	{19, "VIF"}, // virtual interrupt
	{20, "VIP"}, // virtual interrupt pending
	{21, "ID"},  // CPUID available
}

// EflagsNames returns the names of the flags set in eflags, lowest bit
// first: CF PF AF ZF SF TF IF DF OF, then the system flags NT RF VM AC VIF
// VIP ID.
func EflagsNames(eflags uint64) []string {
	var names []string
	for _, f := range eflagsBits {
		if eflags&(1<<f.bit) != 0 {
			names = append(names, f.name)
		}
	}
	return names
}

// EflagsString formats eflags as gdb does: the set flags in bit order
// between brackets, "[ PF ZF IF ]" for 0x246, and "[ ]" when none is set.
func EflagsString(eflags uint64) string {
	var b strings.Builder
	b.WriteString("[ ")
	for _, name := range EflagsNames(eflags) {
		b.WriteString(name)
		b.WriteByte(' ')
	}
	b.WriteByte(']')
	return b.String()
}
