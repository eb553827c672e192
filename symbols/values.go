package symbols

import (
	"debug/dwarf"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// Limits that keep one variable's text short and its reads small.
const (
	maxStringBytes   = 256     // bytes of a char * or char array shown
	maxSummaryItems  = 16      // array elements in a one-line summary
	maxValueBytes    = 1 << 20 // bytes read at once for one value
	maxPointerTarget = 1 << 16 // a pointee larger than this is not read for its summary
)

// Variable is a named value of the debuggee: a parameter, a local, a
// global, or a child of another variable (a field, an element, a pointee).
type Variable struct {
	// Name is the variable's name; a child is named by its field ("x"),
	// index ("[2]") or dereference ("*p").
	Name string
	// Type is the type as C spells it ("char *", "struct point").
	Type string
	// Value is the value as a C programmer expects it: "42", "3.5",
	// "0x7ffe1234 \"hello\"", "{...}". Empty when Unavailable is set.
	Value string
	// Addr is the address of the value in memory, 0 when it lives in a
	// register or is computed.
	Addr uint64
	// HasChildren says Children has something to list.
	HasChildren bool
	// Unavailable says why there is no value ("optimized out", "entry
	// value not available", "cannot read memory at 0x10").
	Unavailable string
	// Shadowed marks a local hidden by a variable of the same name in an
	// inner block.
	Shadowed bool

	typ  godwarf.Type
	data []byte // the value's bytes when it is not in memory
	tab  *Table
	im   *Image // the image whose DWARF describes typ

	referent *Variable // what a C++ reference is bound to
}

// newVariable reads and formats a value of type typ, in memory at addr
// (data == nil) or held in data.
func (t *Table) newVariable(im *Image, name string, typ godwarf.Type, addr uint64, data []byte, mem MemoryReader) *Variable {
	v := &Variable{Name: name, Type: im.typeName(typ), Addr: addr, typ: typ, data: data, tab: t, im: im}
	if data != nil {
		v.Addr = 0
	}
	if ref, ok := isReference(typ); ok && im != nil {
		v.formatReference(ref, mem)
		return v
	}
	v.Value, v.HasChildren, v.Unavailable = v.format(mem)
	return v
}

// formatReference shows a C++ reference as gdb does, "@0x7ffe10: 41": the
// address it is bound to, and the value there, whose children it has.
func (v *Variable) formatReference(ref *godwarf.UnsupportedType, mem MemoryReader) {
	amp := " &"
	if ref.Tag == dwarf.TagRvalueReferenceType {
		amp = " &&"
	}
	target, err := v.im.referenceTarget(ref)
	if err != nil {
		v.Unavailable = err.Error()
		return
	}
	v.Type = v.im.typeName(target) + amp
	b, err := v.bytes(mem, 8)
	if err != nil {
		v.Unavailable = err.Error()
		return
	}
	p := binary.LittleEndian.Uint64(b)
	v.referent = v.tab.newVariable(v.im, v.Name, target, p, nil, mem)
	if v.referent.Unavailable != "" {
		v.Value = fmt.Sprintf("@%#x: <%s>", p, v.referent.Unavailable)
		return
	}
	v.Value = fmt.Sprintf("@%#x: %s", p, v.referent.Value)
	v.HasChildren = v.referent.HasChildren
}

func unavailable(im *Image, name string, typ godwarf.Type, why string) *Variable {
	return &Variable{Name: name, Type: im.typeName(typ), Unavailable: why, typ: typ, im: im}
}

// bytes returns the first n bytes of the value.
func (v *Variable) bytes(mem MemoryReader, n int64) ([]byte, error) {
	if v.data != nil {
		if int64(len(v.data)) < n {
			return nil, fmt.Errorf("value has %d bytes, its type %d", len(v.data), n)
		}
		return v.data[:n], nil
	}
	if n > maxValueBytes {
		return nil, fmt.Errorf("value of %d bytes is too large to read", n)
	}
	buf := make([]byte, n)
	if _, err := mem.ReadMemory(v.Addr, buf); err != nil {
		return nil, fmt.Errorf("cannot read memory at %#x", v.Addr)
	}
	return buf, nil
}

// format computes the one-line value.
func (v *Variable) format(mem MemoryReader) (value string, hasChildren bool, why string) {
	rt := resolve(v.typ)
	switch t := rt.(type) {
	case *godwarf.StringType:
		return v.formatGoString(mem)
	case *godwarf.SliceType:
		return v.formatGoSlice(t, mem)
	case *godwarf.StructType:
		return "{...}", len(t.Field) > 0 || len(v.bases(t)) > 0, ""
	case *godwarf.ArrayType:
		return v.formatArray(t, mem)
	case *godwarf.VoidType:
		return "void", false, ""
	}
	size := rt.Size()
	b, err := v.bytes(mem, size)
	if err != nil {
		return "", false, err.Error()
	}
	switch t := rt.(type) {
	case *godwarf.PtrType:
		return v.formatPointer(t, binary.LittleEndian.Uint64(b), mem)
	case *godwarf.FuncType:
		return v.symbolic(v.Addr), false, ""
	}
	return formatScalar(rt, b), false, ""
}

// formatScalar formats the bytes of a base or enum type.
func formatScalar(t godwarf.Type, b []byte) string {
	switch t := t.(type) {
	case *godwarf.BoolType:
		if isZero(b) {
			return "false"
		}
		return "true"
	case *godwarf.CharType:
		c := int8(b[0])
		return fmt.Sprintf("%d %s", c, quoteChar(byte(c)))
	case *godwarf.UcharType:
		return fmt.Sprintf("%d %s", b[0], quoteChar(b[0]))
	case *godwarf.IntType:
		if t.BitSize > 0 {
			return strconv.FormatInt(signExtend(uintBits(b, t.BitOffset, t.BitSize), t.BitSize), 10)
		}
		return signed(b).String()
	case *godwarf.UintType:
		if t.BitSize > 0 {
			return strconv.FormatUint(uintBits(b, t.BitOffset, t.BitSize), 10)
		}
		return new(big.Int).SetBytes(reversed(b)).String()
	case *godwarf.FloatType:
		return formatFloat(b)
	case *godwarf.EnumType:
		n := signed(b).Int64()
		for _, e := range t.Val {
			if e.Val == n {
				return e.Name
			}
		}
		return strconv.FormatInt(n, 10)
	case *godwarf.ComplexType:
		h := len(b) / 2
		return formatFloat(b[:h]) + " + " + formatFloat(b[h:]) + "i"
	}
	// An unknown base type: its bytes, as gdb shows them.
	return fmt.Sprintf("%#x", new(big.Int).SetBytes(reversed(b)))
}

func formatFloat(b []byte) string {
	switch len(b) {
	case 4:
		return strconv.FormatFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 'g', -1, 32)
	case 8:
		return strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)), 'g', -1, 64)
	case 10, 12, 16:
		return strconv.FormatFloat(x87ToFloat64(b), 'g', -1, 64)
	}
	return fmt.Sprintf("<%d-byte float>", len(b))
}

// x87ToFloat64 converts an x87 80-bit extended value (long double), which
// has an explicit integer bit, to the nearest float64.
func x87ToFloat64(b []byte) float64 {
	mant := binary.LittleEndian.Uint64(b[:8])
	se := binary.LittleEndian.Uint16(b[8:10])
	sign := 1.0
	if se&0x8000 != 0 {
		sign = -1
	}
	exp := int(se & 0x7fff)
	switch {
	case exp == 0 && mant == 0:
		return math.Copysign(0, sign)
	case exp == 0x7fff:
		if mant<<1 == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(float64(mant), exp-16383-63)
}

// formatPointer shows the address; a char pointer adds its string, a
// function pointer the function it points to.
func (v *Variable) formatPointer(t *godwarf.PtrType, p uint64, mem MemoryReader) (string, bool, string) {
	if p == 0 {
		return "0x0", false, ""
	}
	target := resolve(t.Type)
	switch target.(type) {
	case *godwarf.CharType, *godwarf.UcharType:
		s, err := quotedCString(mem, p, maxStringBytes)
		if err != nil {
			return fmt.Sprintf("%#x <error: cannot read memory at %#x>", p, p), false, ""
		}
		return fmt.Sprintf("%#x %s", p, s), true, ""
	case *godwarf.FuncType:
		return v.symbolic(p), false, ""
	case *godwarf.VoidType:
		return fmt.Sprintf("%#x", p), false, ""
	}
	return fmt.Sprintf("%#x", p), true, ""
}

// symbolic shows a code address with the function it belongs to:
// "0x401136 <add>", "0x401140 <add+10>".
func (v *Variable) symbolic(p uint64) string {
	if f, ok := v.tab.FunctionAt(p); ok && f.Name != "" {
		if p == f.Entry {
			return fmt.Sprintf("%#x <%s>", p, f.Name)
		}
		return fmt.Sprintf("%#x <%s+%d>", p, f.Name, p-f.Entry)
	}
	return fmt.Sprintf("%#x", p)
}

// formatArray shows a char array as a string and a short array of scalars
// as "{1, 2, 3}"; anything else as "{...}".
func (v *Variable) formatArray(t *godwarf.ArrayType, mem MemoryReader) (string, bool, string) {
	if t.Count <= 0 {
		return "{}", false, ""
	}
	elem := resolve(t.Type)
	esize := elem.Size()
	switch elem.(type) {
	case *godwarf.CharType, *godwarf.UcharType:
		n := min(t.Count, maxStringBytes)
		b, err := v.bytes(mem, n)
		if err != nil {
			return "", false, err.Error()
		}
		if i := strings.IndexByte(string(b), 0); i >= 0 {
			b = b[:i]
		} else if t.Count > n {
			return quoteC(b) + "...", true, ""
		}
		return quoteC(b), true, ""
	case *godwarf.IntType, *godwarf.UintType, *godwarf.FloatType, *godwarf.BoolType, *godwarf.EnumType:
		n := min(t.Count, maxSummaryItems)
		b, err := v.bytes(mem, n*esize)
		if err != nil {
			return "", false, err.Error()
		}
		items := make([]string, n)
		for i := range items {
			items[i] = formatScalar(elem, b[int64(i)*esize:int64(i+1)*esize])
		}
		s := strings.Join(items, ", ")
		if t.Count > n {
			s += ", ..."
		}
		return "{" + s + "}", true, ""
	}
	return "{...}", true, ""
}

// goSliceHeader reads a Go slice's array pointer, length and capacity.
func (v *Variable) goSliceHeader(mem MemoryReader) (p, n, c uint64, err error) {
	b, err := v.bytes(mem, 24)
	if err != nil {
		return 0, 0, 0, err
	}
	return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:]), nil
}

func (v *Variable) formatGoSlice(t *godwarf.SliceType, mem MemoryReader) (string, bool, string) {
	_, n, c, err := v.goSliceHeader(mem)
	if err != nil {
		return "", false, err.Error()
	}
	return fmt.Sprintf("%s len: %d, cap: %d", v.im.typeName(t), n, c), n > 0, ""
}

func (v *Variable) formatGoString(mem MemoryReader) (string, bool, string) {
	b, err := v.bytes(mem, 16)
	if err != nil {
		return "", false, err.Error()
	}
	p, n := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
	shown := min(n, maxStringBytes)
	s := make([]byte, shown)
	if shown > 0 {
		if _, err := mem.ReadMemory(p, s); err != nil {
			return "", false, fmt.Sprintf("cannot read memory at %#x", p)
		}
	}
	out := quoteC(s)
	if n > shown {
		out += "..."
	}
	return out, false, ""
}
