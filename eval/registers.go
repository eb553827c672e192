package eval

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/tracer"
)

// gdb's names for the standard registers: $pc, $sp and $fp are the whole
// rip, rsp and rbp (arch's "sp" is the 16-bit part of rsp).
var standardRegisters = map[string]string{"pc": "rip", "sp": "rsp", "fp": "rbp"}

var (
	typeCodePointer = pointerTo(&godwarf.FuncType{CommonType: godwarf.CommonType{ByteSize: 1}, ReturnType: typeVoid})
	typeDataPointer = pointerTo(typeVoid)
)

// registerValue reads $name in ctx: a general register or a part of one
// (long, int, short or signed char by width; rip is a code pointer, rsp
// and rbp are void *), or a vector or x87 register.
func registerValue(ctx Context, name string) (Value, error) {
	lower := strings.ToLower(name)
	if full, ok := standardRegisters[lower]; ok {
		lower = full
	}
	if v, ok, err := vectorRegister(ctx, lower); ok {
		return v, err
	}
	regs, err := ctx.Registers()
	if err != nil {
		return Value{}, err
	}
	u, width, err := arch.ReadRegister(regs, lower)
	if err != nil {
		return Value{}, err
	}
	if fr, ok := ctx.(FrameRegisters); ok {
		if full := fullRegister(lower); !fr.RegisterKnown(full) {
			return Value{}, fmt.Errorf("$%s is not known in this frame: only the innermost frame has every register", lower)
		}
	}
	var t godwarf.Type
	switch {
	case lower == "rip":
		t = typeCodePointer
	case lower == "rsp" || lower == "rbp":
		t = typeDataPointer
	case width == 64:
		t = typeLong
	case width == 32:
		t = typeInt
	case width == 16:
		t = typeShort
	default:
		t = typeSChar
	}
	v := fromScalar(scalar{k: kindUnsigned, u: u}, t, nil)
	v.Register = lower
	return v, nil
}

var fullRegisters struct {
	sync.Mutex
	m map[string]arch.Register
}

// fullRegister returns the 64-bit register a name is part of (eax is part
// of rax), found by setting each register in turn.
func fullRegister(name string) arch.Register {
	fullRegisters.Lock()
	defer fullRegisters.Unlock()
	if fullRegisters.m == nil {
		fullRegisters.m = map[string]arch.Register{}
	}
	if r, ok := fullRegisters.m[name]; ok {
		return r
	}
	for _, r := range arch.Registers() {
		var regs tracer.Regs
		r.Set(&regs, ^uint64(0))
		if v, _, err := arch.ReadRegister(&regs, name); err == nil && v != 0 {
			fullRegisters.m[name] = r
			return r
		}
	}
	return arch.Register{}
}

// vectorRegister reads $xmmN, $ymmN (as gdb's unions of lanes) and $stN
// (a long double); ok is false for other names.
func vectorRegister(ctx Context, name string) (v Value, ok bool, err error) {
	var prefix string
	for _, p := range []string{"xmm", "ymm", "st"} {
		if strings.HasPrefix(name, p) {
			prefix = p
		}
	}
	if prefix == "" {
		return Value{}, false, nil
	}
	n, err := strconv.Atoi(name[len(prefix):])
	if err != nil || n < 0 || n > 15 || prefix == "st" && n > 7 {
		return Value{}, false, nil
	}
	vr, isVec := ctx.(VectorRegisters)
	if !isVec {
		return Value{}, true, fmt.Errorf("$%s is not available here", name)
	}
	if fr, ok := ctx.(FrameRegisters); ok && !fr.RegisterKnown(arch.Register{}) {
		return Value{}, true, fmt.Errorf("$%s is not known in this frame: only the innermost frame has every register", name)
	}
	xs, err := vr.XState()
	if err != nil {
		return Value{}, true, err
	}
	switch prefix {
	case "xmm":
		return Value{Type: vectorUnion(16), Data: append([]byte(nil), xs.XMM[n][:]...), Register: name}, true, nil
	case "ymm":
		if !xs.HasAVX {
			return Value{}, true, fmt.Errorf("$%s: this processor or kernel has no AVX state", name)
		}
		y := xs.YMM(n)
		return Value{Type: vectorUnion(32), Data: y[:], Register: name}, true, nil
	}
	data := make([]byte, 16)
	copy(data, xs.ST[n][:])
	return Value{Type: typeLongDouble, Data: data, Register: name}, true, nil
}

// vectorUnion is the type gdb gives a vector register of size bytes: a
// union of its lanes seen as floats, doubles and integers of each width.
func vectorUnion(size int64) godwarf.Type {
	lanes := []struct {
		name string
		t    godwarf.Type
	}{
		{"v4_float", typeFloat}, {"v2_double", typeDouble},
		{"v16_int8", typeSChar}, {"v8_int16", typeShort}, {"v4_int32", typeInt}, {"v2_int64", typeLong},
	}
	u := &godwarf.StructType{CommonType: godwarf.CommonType{ByteSize: size, Name: fmt.Sprintf("vec%d", size*8)}, StructName: fmt.Sprintf("vec%d", size*8), Kind: "union"}
	for _, l := range lanes {
		scale := size / 16
		n := (size / l.t.Size())
		name := l.name
		if scale > 1 {
			// v8_float, v4_double... for ymm
			name = fmt.Sprintf("v%d_%s", n, strings.SplitN(l.name, "_", 2)[1])
		}
		u.Field = append(u.Field, &godwarf.StructField{Name: name, Type: arrayOf(l.t, n), ByteSize: size})
	}
	if size == 16 {
		u.Field = append(u.Field, &godwarf.StructField{Name: "uint128", Type: typeUInt128, ByteSize: 16})
	}
	return u
}
