package arch

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// Offsets in the XSAVE area, in the standard (non-compacted) format that the
// kernel's NT_X86_XSTATE regset always uses, whatever format the CPU saves
// in. The first 512 bytes are the legacy FXSAVE region (Intel SDM vol. 1,
// 10.5.1), then the 64-byte XSAVE header, then the AVX component at its
// architectural offset 576.
const (
	xsaveFCW       = 0
	xsaveFSW       = 2
	xsaveFTW       = 4 // abridged: one bit per physical register
	xsaveFOP       = 6
	xsaveFIP       = 8
	xsaveFDP       = 16
	xsaveMXCSR     = 24
	xsaveMXCSRMask = 28
	xsaveST        = 32 // ST(i) at 32+16*i, 10 bytes used of 16
	xsaveXMM       = 160
	// The kernel stores struct _fpx_sw_bytes in the software-available
	// bytes 464-511: magic1, extended_size, xfeatures (which components
	// the area can hold), xstate_size.
	xsaveSWMagic     = 464
	xsaveSWXFeatures = 472
	fpxSWMagic1      = 0x46505853 // "FPXS"
	xsaveHeader      = 512        // XSTATE_BV, then XCOMP_BV
	xsaveYMMHigh     = 576        // upper 128 bits of ymm0-15, 16 bytes each
	xsaveLegacySize  = xsaveHeader
	xsaveAVXEnd      = xsaveYMMHigh + 16*16
)

// XSAVE state-component bits, as in XSTATE_BV and XCR0.
const (
	xfeatureX87 = 1 << 0
	xfeatureSSE = 1 << 1
	xfeatureAVX = 1 << 2
)

// x87 control word after FNINIT: every exception masked, 64-bit precision,
// round to nearest. The state an x87 component in its init state has.
const fcwInit = 0x37f

// XState is a thread's x87, SSE and AVX register state, decoded from the
// XSAVE area that tracer.Process.XState returns.
type XState struct {
	// FCW, FSW and FOP are the x87 control word, status word and last
	// opcode. FSW bits 11-13 hold TOP, the physical register that is
	// ST(0).
	FCW, FSW, FOP uint16
	// FTW is the abridged tag byte of FXSAVE: bit i is set when physical
	// register i holds a value. FullTagWord gives the classic 16-bit form.
	FTW uint8
	// FIP and FDP are the last x87 instruction and operand addresses.
	FIP, FDP uint64
	// MXCSR is the SSE control and status register; MXCSRMask the bits
	// the CPU supports.
	MXCSR, MXCSRMask uint32
	// ST holds ST(0)...ST(7) in stack order (not physical order), each
	// an 80-bit extended-precision value, little-endian.
	ST [8][10]byte
	// XMM holds xmm0-xmm15, little-endian.
	XMM [16][16]byte
	// YMMHigh holds the upper 128 bits of ymm0-ymm15; zero when the AVX
	// state is in its init state (XSTATE_BV bit 2 clear).
	YMMHigh [16][16]byte
	// XStateBV is the XSAVE header's XSTATE_BV: the components whose
	// state is not the init state.
	XStateBV uint64
	// HasAVX reports that the thread has AVX state (CPU and kernel support
	// it and the area holds it), so the ymm registers exist.
	HasAVX bool
}

// DecodeXState decodes an NT_X86_XSTATE area. It needs at least the
// 512-byte legacy region; the XSAVE header and the AVX component are used
// when the area is long enough to hold them. Components that XSTATE_BV
// marks as in their init state read as that state (zeros, FCW 0x37f),
// whatever bytes the area holds there.
func DecodeXState(area []byte) (*XState, error) {
	if len(area) < xsaveLegacySize {
		return nil, fmt.Errorf("XSAVE area is %d bytes, need at least %d", len(area), xsaveLegacySize)
	}
	le := binary.LittleEndian
	x := &XState{
		FCW: le.Uint16(area[xsaveFCW:]), FSW: le.Uint16(area[xsaveFSW:]), FTW: area[xsaveFTW],
		FOP: le.Uint16(area[xsaveFOP:]), FIP: le.Uint64(area[xsaveFIP:]), FDP: le.Uint64(area[xsaveFDP:]),
		MXCSR: le.Uint32(area[xsaveMXCSR:]), MXCSRMask: le.Uint32(area[xsaveMXCSRMask:]),
	}
	for i := range x.ST {
		copy(x.ST[i][:], area[xsaveST+16*i:])
	}
	for i := range x.XMM {
		copy(x.XMM[i][:], area[xsaveXMM+16*i:])
	}
	// An area of only the legacy region (FXSAVE, no XSAVE header) holds
	// x87 and SSE state as they are.
	x.XStateBV = xfeatureX87 | xfeatureSSE
	if len(area) >= xsaveHeader+8 {
		x.XStateBV = le.Uint64(area[xsaveHeader:])
	}
	if x.XStateBV&xfeatureX87 == 0 {
		x.FCW, x.FSW, x.FTW, x.FOP, x.FIP, x.FDP = fcwInit, 0, 0, 0, 0, 0
		x.ST = [8][10]byte{}
	}
	if x.XStateBV&xfeatureSSE == 0 {
		x.XMM = [16][16]byte{}
	}
	// The kernel announces the components the area can hold in its
	// software bytes; without them, trust the size.
	xfeatures := uint64(0)
	if le.Uint32(area[xsaveSWMagic:]) == fpxSWMagic1 {
		xfeatures = le.Uint64(area[xsaveSWXFeatures:])
	} else if len(area) >= xsaveAVXEnd {
		xfeatures = xfeatureAVX
	}
	x.HasAVX = xfeatures&xfeatureAVX != 0 && len(area) >= xsaveAVXEnd
	if x.HasAVX && x.XStateBV&xfeatureAVX != 0 {
		for i := range x.YMMHigh {
			copy(x.YMMHigh[i][:], area[xsaveYMMHigh+16*i:])
		}
	}
	return x, nil
}

// YMM returns ymm register i (0-15): xmm i in the low 16 bytes, the AVX
// upper half in the high 16, little-endian.
func (x *XState) YMM(i int) [32]byte {
	var y [32]byte
	copy(y[:16], x.XMM[i][:])
	copy(y[16:], x.YMMHigh[i][:])
	return y
}

// Top returns TOP, the physical x87 register that is ST(0).
func (x *XState) Top() int { return int(x.FSW>>11) & 7 }

// FullTagWord returns the classic 16-bit x87 tag word that FSAVE stores
// and gdb shows as ftag: two bits per physical register, 00 valid, 01
// zero, 10 special (NaN, infinity, denormal, unsupported), 11 empty,
// derived from the abridged tag and the register contents as the
// processor would.
func (x *XState) FullTagWord() uint16 {
	var tw uint16
	for phys := range 8 {
		tag := uint16(3) // empty
		if x.FTW&(1<<phys) != 0 {
			tag = x87Tag(x.ST[(phys-x.Top())&7])
		}
		tw |= tag << (2 * phys)
	}
	return tw
}

func x87Tag(v [10]byte) uint16 {
	mant := binary.LittleEndian.Uint64(v[:8])
	exp := binary.LittleEndian.Uint16(v[8:]) & 0x7fff
	switch {
	case exp == 0x7fff:
		return 2
	case exp == 0 && mant == 0:
		return 1
	case exp == 0 || mant>>63 == 0:
		return 2 // denormal, or unnormal (integer bit clear)
	}
	return 0
}

// Float80Text formats an 80-bit x87 extended-precision value (10 bytes,
// little-endian) as the shortest decimal that reads back to the same
// value: "1", "3.1415926535897932385", "-2.5", "1e+4000", "inf", "-nan".
// An unnormal (integer bit clear with a nonzero exponent, which the
// processor refuses) reads as "<invalid float>".
func Float80Text(v [10]byte) string {
	mant := binary.LittleEndian.Uint64(v[:8])
	se := binary.LittleEndian.Uint16(v[8:])
	neg, exp := se&0x8000 != 0, int(se&0x7fff)
	sign := ""
	if neg {
		sign = "-"
	}
	switch {
	case exp == 0x7fff && mant<<1 == 0:
		return sign + "inf"
	case exp == 0x7fff:
		return sign + "nan"
	case exp != 0 && mant>>63 == 0:
		return "<invalid float>"
	case exp == 0:
		exp = 1 // denormal: no implicit scaling beyond the minimum
	}
	if mant == 0 {
		return sign + "0"
	}
	// value = mant * 2^(exp - 16383 - 63), exact in a big.Float of the
	// mantissa's 64-bit precision, so Text('g', -1) gives the shortest
	// decimal that identifies the 80-bit value.
	f := new(big.Float).SetPrec(64).SetUint64(mant)
	f.SetMantExp(f, exp-16383-63)
	if neg {
		f.Neg(f)
	}
	return f.Text('g', -1)
}

// MXCSRFlags names the flags set in mxcsr as gdb does, lowest bit first:
// the exception flags IE DE ZE OE UE PE, DAZ, the masks IM DM ZM OM UM PM,
// and FZ. The rounding control (bits 13-14) is a field, not a flag.
func MXCSRFlags(mxcsr uint32) string {
	names := [...]struct {
		bit  uint
		name string
	}{{0, "IE"}, {1, "DE"}, {2, "ZE"}, {3, "OE"}, {4, "UE"}, {5, "PE"}, {6, "DAZ"},
		{7, "IM"}, {8, "DM"}, {9, "ZM"}, {10, "OM"}, {11, "UM"}, {12, "PM"}, {15, "FZ"}}
	var b strings.Builder
	b.WriteString("[ ")
	for _, n := range names {
		if mxcsr&(1<<n.bit) != 0 {
			b.WriteString(n.name + " ")
		}
	}
	b.WriteByte(']')
	return b.String()
}

// ExtRegister is one register of the extended state, ready to show.
type ExtRegister struct {
	// Name is gdb's name, except fcw/fsw/ftw for gdb's fctrl/fstat/ftag.
	Name string
	// Bytes is the raw value, little-endian.
	Bytes []byte
	// Value is the main display text: the decimal value for st0-st7, hex
	// ("0x37f", "0x000102...1f" most significant byte first) otherwise.
	Value string
	// Detail is a second view: the raw hex of an st register, the
	// vector as float32 and float64 lanes, the mxcsr flags; or "".
	Detail string
}

// Registers returns the extended registers in the order a register view
// shows them: fcw fsw ftw fop fip fdp, st0-st7, mxcsr, xmm0-xmm15, then
// ymm0-ymm15 when HasAVX. st<i> is ST(i), the stack order the program sees.
func (x *XState) Registers() []ExtRegister {
	regs := make([]ExtRegister, 0, 48)
	word := func(name string, v uint64, size int, detail string) {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, v)
		regs = append(regs, ExtRegister{Name: name, Bytes: b[:size], Value: fmt.Sprintf("%#x", v), Detail: detail})
	}
	word("fcw", uint64(x.FCW), 2, "")
	word("fsw", uint64(x.FSW), 2, fmt.Sprintf("TOP %d", x.Top()))
	word("ftw", uint64(x.FullTagWord()), 2, "")
	word("fop", uint64(x.FOP), 2, "")
	word("fip", x.FIP, 8, "")
	word("fdp", x.FDP, 8, "")
	for i, st := range x.ST {
		regs = append(regs, ExtRegister{Name: fmt.Sprintf("st%d", i), Bytes: append([]byte(nil), st[:]...),
			Value: Float80Text(st), Detail: hexValue(st[:])})
	}
	word("mxcsr", uint64(x.MXCSR), 4, MXCSRFlags(x.MXCSR))
	for i, v := range x.XMM {
		regs = append(regs, vectorRegister(fmt.Sprintf("xmm%d", i), v[:]))
	}
	if x.HasAVX {
		for i := range x.XMM {
			y := x.YMM(i)
			regs = append(regs, vectorRegister(fmt.Sprintf("ymm%d", i), y[:]))
		}
	}
	return regs
}

func vectorRegister(name string, v []byte) ExtRegister {
	return ExtRegister{Name: name, Bytes: append([]byte(nil), v...), Value: hexValue(v), Detail: floatLanes(v)}
}

// hexValue writes a little-endian value as one hex number, most
// significant byte first, keeping leading zeros so the width shows.
func hexValue(le []byte) string {
	be := make([]byte, len(le))
	for i, b := range le {
		be[len(le)-1-i] = b
	}
	return "0x" + hex.EncodeToString(be)
}

// floatLanes shows a vector as float32 and float64 lanes, lowest first:
// "f32 [1.5 -2 3.25 1e+10] f64 [-2.0000004731118679 1e+10]".
func floatLanes(v []byte) string {
	var b strings.Builder
	b.WriteString("f32 [")
	for i := 0; i+4 <= len(v); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(v[i:]))), 'g', -1, 32))
	}
	b.WriteString("] f64 [")
	for i := 0; i+8 <= len(v); i += 8 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(v[i:])), 'g', -1, 64))
	}
	b.WriteByte(']')
	return b.String()
}

// AddXStateToDwarf adds the vector and x87 registers of x to dr under
// their DWARF numbers (xmm0-15, st0-7, mxcsr, fcw, fsw), so location
// expressions that name them (a double in xmm0 at -O2) can be evaluated.
func AddXStateToDwarf(dr *op.DwarfRegisters, x *XState) {
	for i, v := range x.XMM {
		dr.AddReg(uint64(regnum.AMD64_XMM0+i), op.DwarfRegisterFromBytes(append([]byte(nil), v[:]...)))
	}
	for i, st := range x.ST {
		dr.AddReg(uint64(regnum.AMD64_ST0+i), op.DwarfRegisterFromBytes(append([]byte(nil), st[:]...)))
	}
	dr.AddReg(regnum.AMD64_MXCSR, op.DwarfRegisterFromUint64(uint64(x.MXCSR)))
	dr.AddReg(regnum.AMD64_CW, op.DwarfRegisterFromUint64(uint64(x.FCW)))
	dr.AddReg(regnum.AMD64_SW, op.DwarfRegisterFromUint64(uint64(x.FSW)))
}
