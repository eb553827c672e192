package arch

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// trapState is what a fixture's registers hold at its first int3.
type trapState struct {
	regs   tracer.Regs
	xstate []byte
	code   []byte // MaxInstLen bytes at BreakpointAddr(rip)
}

// runToTrap runs binary to its first int3 and reads its registers, its
// XSAVE area and the code at the trap.
func runToTrap(t *testing.T, binary string) trapState {
	t.Helper()
	var st trapState
	withTracee(t, binary, func(m *miniTracer) (err error) {
		if err := m.cont(); err != nil {
			return err
		}
		if st.regs, err = m.regs(); err != nil {
			return err
		}
		if st.xstate, err = m.xstate(); err != nil {
			return err
		}
		st.code = make([]byte, MaxInstLen)
		_, err = m.ReadMemory(BreakpointAddr(st.regs.Rip), st.code)
		return err
	})
	return st
}

func cpuHasAVX(t *testing.T) bool {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(line, "flags") {
			return strings.Contains(line+" ", " avx ")
		}
	}
	return false
}

// fixtureYMM returns ymm register r as testdata/arch_xstate.c loads it.
func fixtureYMM(r int) [32]byte {
	var y [32]byte
	for i := range y {
		y[i] = byte(r*32 + i*7 + 1)
	}
	switch r {
	case 0:
		for i, f := range []float32{1.5, -2, 3.25, 1e10} {
			binary.LittleEndian.PutUint32(y[4*i:], math.Float32bits(f))
		}
	case 1:
		for i, f := range []float64{0.1, -1e300} {
			binary.LittleEndian.PutUint64(y[8*i:], math.Float64bits(f))
		}
	}
	return y
}

func TestXStateOfLiveProcess(t *testing.T) {
	if !cpuHasAVX(t) {
		t.Skip("the CPU has no AVX; the fixture loads ymm registers")
	}
	st := runToTrap(t, fixture.C(t, "arch_xstate.c"))

	// The trap is the fixture's int3, one byte before the reported PC.
	if inst, err := Decode(st.code, BreakpointAddr(st.regs.Rip)); err != nil || inst.GNU(nil) != "int3" {
		t.Errorf("instruction at BreakpointAddr(rip %#x) = %q, %v; want int3", st.regs.Rip, inst.GNU(nil), err)
	}

	x, err := DecodeXState(st.xstate)
	if err != nil {
		t.Fatal(err)
	}
	if !x.HasAVX || x.XStateBV&7 != 7 {
		t.Fatalf("HasAVX %v XSTATE_BV %#x (area %d bytes); want AVX with x87, SSE and AVX live", x.HasAVX, x.XStateBV, len(st.xstate))
	}
	for r := range 16 {
		want := fixtureYMM(r)
		if got := x.YMM(r); got != want {
			t.Errorf("ymm%d = % x\nwant   % x", r, got, want)
		}
		if !bytes.Equal(x.XMM[r][:], want[:16]) {
			t.Errorf("xmm%d = % x; want % x", r, x.XMM[r], want[:16])
		}
	}
	if x.MXCSR != 0x9fc0 {
		t.Errorf("mxcsr = %#x; want 0x9fc0", x.MXCSR)
	}
	// fninit then three loads: TOP went 0 -> 7 -> 6 -> 5.
	if x.FCW != 0x37f || x.FSW != 0x2800 || x.Top() != 5 || x.FTW != 0xe0 || x.FullTagWord() != 0x3ff {
		t.Errorf("fcw %#x fsw %#x top %d ftw %#x full tag %#x; want 0x37f 0x2800 5 0xe0 0x3ff",
			x.FCW, x.FSW, x.Top(), x.FTW, x.FullTagWord())
	}
	for i, want := range []string{"-2.5", "3.1415926535897932385", "1"} {
		if got := Float80Text(x.ST[i]); got != want {
			t.Errorf("st%d = %s; want %s", i, got, want)
		}
	}

	byName := map[string]ExtRegister{}
	for _, reg := range x.Registers() {
		byName[reg.Name] = reg
	}
	// want: the Value, and a part of the Detail ("" for none).
	for name, want := range map[string][2]string{
		"st0":   {"-2.5", "0xc000a000000000000000"},
		"st1":   {"3.1415926535897932385", "0x4000c90fdaa22168c235"},
		"st2":   {"1", "0x3fff8000000000000000"},
		"mxcsr": {"0x9fc0", "[ DAZ IM DM ZM OM UM PM FZ ]"},
		"fcw":   {"0x37f", ""},
		"fsw":   {"0x2800", "TOP 5"},
		"ftw":   {"0x3ff", ""},
		// float32 1e10 3.25 -2 1.5, most significant first.
		"xmm0": {"0x501502f940500000c00000003fc00000", "f32 [1.5 -2 3.25 1e+10] f64 ["},
		// float64 -1e300 0.1.
		"xmm1": {"0xfe37e43c8800759c3fb999999999999a", "f64 [0.1 -1e+300]"},
		"ymm2": {"0x1a130c05fef7f0e9e2dbd4cdc6bfb8b1aaa39c958e8780797" + "26b645d564f4841", ""},
	} {
		reg, ok := byName[name]
		if !ok {
			t.Errorf("Registers() has no %s", name)
			continue
		}
		if reg.Value != want[0] || !strings.Contains(reg.Detail, want[1]) {
			t.Errorf("%s = %q (%q); want %q (containing %q)", name, reg.Value, reg.Detail, want[0], want[1])
		}
	}
	if n := len(x.Registers()); n != 6+8+1+16+16 {
		t.Errorf("Registers() gave %d registers; want 47", n)
	}

	// The same stop's general-purpose registers, through the register table.
	for name, want := range map[string]uint64{
		"rax": 0x1122334455667788, "eax": 0x55667788, "ah": 0x77, "r12": 0xfedcba9876543210,
		"r13d": 0x89abcdef, "r13": 0x0123456789abcdef,
	} {
		if got, _, err := ReadRegister(&st.regs, name); err != nil || got != want {
			t.Errorf("live %s = %#x, %v; want %#x", name, got, err, want)
		}
	}
	if got := EflagsString(st.regs.Eflags); got != "[ PF ZF IF ]" {
		t.Errorf("live eflags %#x = %s; want [ PF ZF IF ] after cmp of equal values", st.regs.Eflags, got)
	}
	if st.regs.Cs != 0x33 || st.regs.Ss != 0x2b {
		t.Errorf("cs %#x ss %#x; want the x86-64 Linux user selectors 0x33 and 0x2b", st.regs.Cs, st.regs.Ss)
	}

	dr := DwarfRegisters(&st.regs)
	AddXStateToDwarf(dr, x)
	if dr.PC() != st.regs.Rip || dr.Uint64Val(regnum.AMD64_R12) != 0xfedcba9876543210 {
		t.Errorf("DWARF pc %#x r12 %#x", dr.PC(), dr.Uint64Val(regnum.AMD64_R12))
	}
	want1 := fixtureYMM(1)
	if got := dr.Bytes(regnum.AMD64_XMM0 + 1); !bytes.Equal(got, want1[:16]) {
		t.Errorf("DWARF xmm1 = % x; want % x", got, want1[:16])
	}
	if got := math.Float64frombits(binary.LittleEndian.Uint64(dr.Bytes(regnum.AMD64_XMM0 + 1))); got != 0.1 {
		t.Errorf("DWARF xmm1 as double = %v; want 0.1", got)
	}
	if got := dr.Bytes(regnum.AMD64_ST0 + 1); !bytes.Equal(got, x.ST[1][:]) {
		t.Errorf("DWARF st1 = % x; want % x", got, x.ST[1])
	}
	if dr.Uint64Val(regnum.AMD64_MXCSR) != 0x9fc0 || dr.Uint64Val(regnum.AMD64_CW) != 0x37f {
		t.Errorf("DWARF mxcsr %#x cw %#x", dr.Uint64Val(regnum.AMD64_MXCSR), dr.Uint64Val(regnum.AMD64_CW))
	}
}

// float80 builds an x87 value from its sign-and-exponent word and mantissa.
func float80(se uint16, mant uint64) [10]byte {
	var v [10]byte
	binary.LittleEndian.PutUint64(v[:], mant)
	binary.LittleEndian.PutUint16(v[8:], se)
	return v
}

func TestFloat80Text(t *testing.T) {
	for _, tc := range []struct {
		se   uint16
		mant uint64
		want string
	}{
		{0x3fff, 1 << 63, "1"},
		{0xbfff, 1 << 63, "-1"},
		{0x4000, 0xc90fdaa22168c235, "3.1415926535897932385"},
		{0x4000, 0xa000000000000000, "2.5"}, // 1.25 * 2^1
		{0x3ffb, 0xcccccccccccccccd, "0.1"}, // 0.1 rounded to 64 bits
		{0x0000, 0, "0"},
		{0x8000, 0, "-0"},
		{0x7fff, 1 << 63, "inf"},
		{0xffff, 1 << 63, "-inf"},
		{0x7fff, 0xc000000000000000, "nan"},
		{0xffff, 0xc000000000000000, "-nan"},
		{0x0000, 1, "3.6451995318824746025e-4951"}, // smallest denormal, 2^-16445
		{0x7ffe, ^uint64(0), "1.189731495357231765e+4932"},
		{0x3fff, 0x4000000000000000, "<invalid float>"}, // unnormal: integer bit clear
	} {
		if got := Float80Text(float80(tc.se, tc.mant)); got != tc.want {
			t.Errorf("Float80Text(%#04x %#016x) = %s; want %s", tc.se, tc.mant, got, tc.want)
		}
	}
}

// syntheticArea returns an XSAVE area of n bytes with every legacy,
// header and AVX byte set to a pattern, and the given XSTATE_BV.
func syntheticArea(n int, xstateBV uint64) []byte {
	area := make([]byte, n)
	for i := range area {
		area[i] = byte(i*13 + 5)
	}
	if n > xsaveHeader+8 {
		binary.LittleEndian.PutUint64(area[xsaveHeader:], xstateBV)
	}
	if n >= xsaveAVXEnd {
		binary.LittleEndian.PutUint32(area[xsaveSWMagic:], fpxSWMagic1)
		binary.LittleEndian.PutUint64(area[xsaveSWXFeatures:], xfeatureX87|xfeatureSSE|xfeatureAVX)
	}
	return area
}

func TestDecodeXStateInitComponents(t *testing.T) {
	if _, err := DecodeXState(make([]byte, 511)); err == nil {
		t.Error("DecodeXState of 511 bytes succeeded; want an error")
	}

	area := syntheticArea(1024, 7)
	all, err := DecodeXState(area)
	if err != nil {
		t.Fatal(err)
	}
	if !all.HasAVX || all.YMMHigh[3][0] != area[576+48] || all.XMM[0][0] != area[160] || all.FCW != binary.LittleEndian.Uint16(area) {
		t.Errorf("live components misread: HasAVX %v ymmh3[0] %#x xmm0[0] %#x fcw %#x", all.HasAVX, all.YMMHigh[3][0], all.XMM[0][0], all.FCW)
	}

	// XSTATE_BV 0: every component in its init state, whatever the bytes.
	x, err := DecodeXState(syntheticArea(1024, 0))
	if err != nil {
		t.Fatal(err)
	}
	if x.FCW != 0x37f || x.FSW != 0 || x.FTW != 0 || x.ST != [8][10]byte{} || x.XMM != [16][16]byte{} || x.YMMHigh != [16][16]byte{} {
		t.Errorf("init state not applied: fcw %#x fsw %#x ftw %#x st0 % x xmm0 % x ymmh0 % x", x.FCW, x.FSW, x.FTW, x.ST[0], x.XMM[0], x.YMMHigh[0])
	}
	if x.FullTagWord() != 0xffff {
		t.Errorf("full tag word of an empty x87 stack = %#x; want 0xffff", x.FullTagWord())
	}
	if !x.HasAVX {
		t.Error("HasAVX false for an area whose xfeatures include AVX")
	}

	// The legacy region alone (FXSAVE format): no AVX, no ymm registers.
	area = syntheticArea(512, 0)
	legacy, err := DecodeXState(area)
	if err != nil {
		t.Fatal(err)
	}
	if legacy.HasAVX || legacy.XMM[0][0] != area[160] || legacy.XMM[0][0] == 0 {
		t.Errorf("legacy area: HasAVX %v xmm0[0] %#x", legacy.HasAVX, legacy.XMM[0][0])
	}
	for _, reg := range legacy.Registers() {
		if strings.HasPrefix(reg.Name, "ymm") {
			t.Errorf("legacy area lists %s", reg.Name)
		}
	}
}

func TestFullTagWordClassifies(t *testing.T) {
	// TOP 6: ST(0) is physical 6, ST(1) physical 7. Physical 6 holds 0
	// (tag 01), physical 7 infinity (tag 10); the rest are empty (11).
	x := &XState{FSW: 6 << 11, FTW: 0xc0}
	x.ST[0] = float80(0, 0)
	x.ST[1] = float80(0x7fff, 1<<63)
	if got, want := x.FullTagWord(), uint16(0x9fff); got != want {
		t.Errorf("FullTagWord = %#x; want %#x", got, want)
	}
	x.ST[1] = float80(0x3fff, 1<<63) // 1.0 is valid: tag 00
	if got, want := x.FullTagWord(), uint16(0x1fff); got != want {
		t.Errorf("FullTagWord = %#x; want %#x", got, want)
	}
}

func TestMXCSRFlags(t *testing.T) {
	for v, want := range map[uint32]string{
		0x1f80: "[ IM DM ZM OM UM PM ]",
		0x9fc0: "[ DAZ IM DM ZM OM UM PM FZ ]",
		0xffff: "[ IE DE ZE OE UE PE DAZ IM DM ZM OM UM PM FZ ]",
		0x6000: "[ ]", // rounding control only
	} {
		if got := MXCSRFlags(v); got != want {
			t.Errorf("MXCSRFlags(%#x) = %q; want %q", v, got, want)
		}
	}
}
