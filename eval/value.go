package eval

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// Value is a typed value: in the program's memory at Addr (read only when
// its contents are needed), or held in Data (a register, a computed
// result, a variable that lives in registers).
type Value struct {
	// Type is the value's type as declared (typedefs kept).
	Type godwarf.Type
	// Image is the image whose DWARF describes Type, nil for builtin
	// types.
	Image *symbols.Image
	// InMemory says the value lives at Addr: it can be assigned to and
	// its address taken.
	InMemory bool
	Addr     uint64
	// Data holds the value's bytes: always for a value not in memory,
	// and once read for one in memory.
	Data []byte
	// Register names the register the value is, for assignment.
	Register string

	// A bit field: its bits within the holderSize bytes at Addr or in
	// Data.
	bitOffset, bitSize, holderSize int64
}

// InMemoryValue is a value of type typ at addr.
func InMemoryValue(typ godwarf.Type, im *symbols.Image, addr uint64) Value {
	return Value{Type: typ, Image: im, InMemory: true, Addr: addr}
}

// DataValue is a value of type typ held in data.
func DataValue(typ godwarf.Type, im *symbols.Image, data []byte) Value {
	return Value{Type: typ, Image: im, Data: data}
}

// Context is what an expression is evaluated against: one frame of a
// stopped program. Optional abilities are separate interfaces a Context
// may also implement: Writer (assignment), VectorRegisters ($xmm0...),
// FrameRegisters (registers of an outer frame), TypeFinder (casts to
// struct and typedef types).
type Context interface {
	// Lookup returns the variable called name: a parameter or local of
	// the frame, else a global. The error says when there is none.
	Lookup(name string) (Value, error)
	// Registers returns the frame's registers.
	Registers() (*tracer.Regs, error)
	// ReadMemory reads the program's memory, as tracer.Process does.
	ReadMemory(addr uint64, buf []byte) (int, error)
}

// Writer lets an expression assign to variables and registers. Only the
// repl context has one: hover and watch never write.
type Writer interface {
	WriteMemory(addr uint64, data []byte) error
	// WriteRegister sets the register called name (as arch.WriteRegister
	// names them) in the frame's thread.
	WriteRegister(name string, v uint64) error
}

// VectorRegisters gives the extended register state ($xmm0, $ymm0,
// $st0).
type VectorRegisters interface {
	XState() (*arch.XState, error)
}

// FrameRegisters tells which registers are known in the frame: in an
// outer frame only those the unwinder recovered (the PC, the stack
// pointer, the callee-saved registers). A Context without it knows all.
type FrameRegisters interface {
	RegisterKnown(r arch.Register) bool
}

// TypeFinder finds a type the program defines: a struct, union or enum by
// tag ("point" for struct point), or a typedef by name.
type TypeFinder interface {
	FindType(tag, name string) (godwarf.Type, *symbols.Image, error)
}

// maxLoad bounds the bytes read for one value.
const maxLoad = 1 << 20

// load returns the value's bytes, reading them from memory once.
func (v *Value) load(ctx Context) ([]byte, error) {
	if v.Data != nil {
		return v.Data, nil
	}
	if !v.InMemory {
		return nil, fmt.Errorf("value of type %s has no contents", typeString(v))
	}
	size := sizeOf(v.Type)
	if v.bitSize > 0 {
		size = v.holderSize
	}
	if size > maxLoad {
		return nil, fmt.Errorf("value of %d bytes is too large to read", size)
	}
	if size <= 0 {
		return nil, fmt.Errorf("value of type %s has no size", typeString(v))
	}
	buf := make([]byte, size)
	if n, err := ctx.ReadMemory(v.Addr, buf); err != nil || n != len(buf) {
		return nil, fmt.Errorf("cannot read memory at %#x", v.Addr)
	}
	v.Data = buf
	return buf, nil
}

// typeString spells the value's type as C does.
func typeString(v *Value) string {
	return symbols.TypeName(v.Image, v.Type)
}

// scalar is a value arithmetic can use: an integer (its bits in u,
// sign-extended for a signed type), a float, or a pointer (the address in
// u).
type scalar struct {
	typ godwarf.Type // resolved
	k   kind
	u   uint64
	f   float64
}

// toScalar reads a scalar: arrays decay to a pointer to their first
// element, functions to their address.
func toScalar(ctx Context, v *Value) (scalar, error) {
	rt := resolve(v.Type)
	k := kindOf(rt)
	switch k {
	case kindArray:
		if !v.InMemory {
			return scalar{}, fmt.Errorf("the array is not in memory, so it has no address")
		}
		return scalar{typ: pointerTo(rt.(*godwarf.ArrayType).Type), k: kindPointer, u: v.Addr}, nil
	case kindOther:
		if _, ok := rt.(*godwarf.FuncType); ok && v.InMemory {
			return scalar{typ: pointerTo(v.Type), k: kindPointer, u: v.Addr}, nil
		}
		return scalar{}, fmt.Errorf("%s is not a number or a pointer", typeString(v))
	}
	b, err := v.load(ctx)
	if err != nil {
		return scalar{}, err
	}
	if v.bitSize > 0 {
		u := bits(b, v.bitOffset, v.bitSize)
		if k == kindSigned && v.bitSize < 64 && u&(1<<(v.bitSize-1)) != 0 {
			u |= ^uint64(0) << v.bitSize
		}
		return scalar{typ: rt, k: k, u: u}, nil
	}
	size := rt.Size()
	if int64(len(b)) < size {
		return scalar{}, fmt.Errorf("value has %d bytes, its type %d", len(b), size)
	}
	if k == kindFloat {
		f, ok := symbols.FloatFromBytes(b[:size])
		if !ok {
			return scalar{}, fmt.Errorf("unsupported %d-byte floating-point type", size)
		}
		return scalar{typ: rt, k: k, f: f}, nil
	}
	if size > 8 {
		return scalar{}, fmt.Errorf("arithmetic on %d-byte integers (%s) is not supported", size, typeString(v))
	}
	var word [8]byte
	copy(word[:], b[:size])
	u := binary.LittleEndian.Uint64(word[:])
	if k == kindSigned && size < 8 && u&(1<<(8*size-1)) != 0 {
		u |= ^uint64(0) << (8 * size)
	}
	return scalar{typ: rt, k: k, u: u}, nil
}

// bits returns size bits of b from bit off, least significant first.
func bits(b []byte, off, size int64) uint64 {
	var u uint64
	for i := range size {
		bit := off + i
		if bit/8 < int64(len(b)) && b[bit/8]&(1<<(bit%8)) != 0 {
			u |= 1 << i
		}
	}
	return u
}

// fromScalar makes a value of type t (resolved, arithmetic or pointer)
// from s, converting as a C cast does.
func fromScalar(s scalar, t godwarf.Type, im *symbols.Image) Value {
	rt := resolve(t)
	size := rt.Size()
	k := kindOf(rt)
	buf := make([]byte, max(size, 8))
	switch k {
	case kindFloat:
		f := s.f
		if s.k != kindFloat {
			f = s.toFloat()
		}
		switch size {
		case 4:
			binary.LittleEndian.PutUint32(buf, math.Float32bits(float32(f)))
		case 8:
			binary.LittleEndian.PutUint64(buf, math.Float64bits(f))
		default:
			return Value{Type: t, Image: im, Data: symbols.FloatToBytes(f, size)}
		}
	default:
		u := s.u
		if s.k == kindFloat {
			u = floatToInt(s.f, k == kindUnsigned)
		}
		if _, ok := rt.(*godwarf.BoolType); ok && u != 0 {
			u = 1
		}
		binary.LittleEndian.PutUint64(buf, u)
	}
	return Value{Type: t, Image: im, Data: buf[:size]}
}

func (s scalar) toFloat() float64 {
	switch s.k {
	case kindFloat:
		return s.f
	case kindSigned:
		return float64(int64(s.u))
	}
	return float64(s.u)
}

// floatToInt truncates toward zero as C does (out-of-range values are
// undefined in C; they saturate here).
func floatToInt(f float64, unsigned bool) uint64 {
	switch {
	case math.IsNaN(f):
		return 0
	case unsigned && f >= 0:
		if f >= 1<<64 {
			return math.MaxUint64
		}
		return uint64(f)
	case f >= 1<<63:
		return math.MaxInt64
	case f < -(1 << 63):
		return 1 << 63
	}
	return uint64(int64(f))
}

// truthy reports whether a value is non-zero, as a C condition tests it.
func truthy(ctx Context, v *Value) (bool, error) {
	s, err := toScalar(ctx, v)
	if err != nil {
		return false, fmt.Errorf("cannot test %s as a condition: %w", typeString(v), err)
	}
	if s.k == kindFloat {
		return s.f != 0, nil
	}
	return s.u != 0, nil
}

// intValue is an int (or long, when it does not fit) holding n.
func intValue(n int64) Value {
	t := godwarf.Type(typeInt)
	if n != int64(int32(n)) {
		t = typeLong
	}
	return fromScalar(scalar{k: kindSigned, u: uint64(n)}, t, nil)
}

// boolInt is the int 1 or 0 that C's comparisons and logical operators
// give.
func boolInt(b bool) Value {
	if b {
		return intValue(1)
	}
	return intValue(0)
}

// Materialize returns the value ready to be shown: a bit field becomes a
// plain value of its type, held in Data; any other value is returned as it
// is (a value in memory is read by whoever shows it).
func (v Value) Materialize(ctx Context) (Value, error) {
	if v.bitSize > 0 {
		s, err := toScalar(ctx, &v)
		if err != nil {
			return v, err
		}
		return fromScalar(s, v.Type, v.Image), nil
	}
	return v, nil
}

// Address returns the address a value designates for commands that take
// one (the repl's x): a pointer's target, an array's or function's own
// address, or an integer taken as an address.
func Address(ctx Context, v Value) (uint64, error) {
	s, err := toScalar(ctx, &v)
	if err != nil {
		return 0, err
	}
	if s.k != kindPointer && !isInteger(s.k) {
		return 0, fmt.Errorf("%s is not an address: use a pointer, an array or an integer", typeString(&v))
	}
	return s.u, nil
}
