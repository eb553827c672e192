package symbols

import (
	"debug/dwarf"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

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

// Children lists count children of the variable from index start: the
// fields of a struct or union, the elements of an array, the target of a
// pointer (one child). count < 0 means all.
func (v *Variable) Children(mem MemoryReader, start, count int) ([]*Variable, error) {
	if v.Unavailable != "" {
		return nil, nil
	}
	if v.referent != nil {
		return v.referent.Children(mem, start, count)
	}
	var out []*Variable
	each := func(n int, child func(i int) *Variable) {
		end := n
		if count >= 0 {
			end = min(n, start+count)
		}
		for i := max(start, 0); i < end; i++ {
			out = append(out, child(i))
		}
	}
	switch t := resolve(v.typ).(type) {
	case *godwarf.StringType:
		return nil, nil
	case *godwarf.SliceType:
		p, n, _, err := v.goSliceHeader(mem)
		if err != nil {
			return nil, err
		}
		esize := t.ElemType.Size()
		each(int(min(n, maxValueBytes)), func(i int) *Variable {
			return v.tab.newVariable(v.im, fmt.Sprintf("[%d]", i), t.ElemType, p+uint64(i)*uint64(esize), nil, mem)
		})
	case *godwarf.StructType:
		// Base class subobjects first, named as gdb names them ("<Shape>").
		bases := v.bases(t)
		each(len(bases)+len(t.Field), func(i int) *Variable {
			if i < len(bases) {
				return v.part("<"+v.im.typeName(bases[i].typ)+">", bases[i].typ, bases[i].offset, mem)
			}
			return v.field(t, t.Field[i-len(bases)], mem)
		})
	case *godwarf.ArrayType:
		each(int(max(t.Count, 0)), func(i int) *Variable {
			return v.part(fmt.Sprintf("[%d]", i), t.Type, int64(i)*t.Type.Size(), mem)
		})
	case *godwarf.PtrType:
		b, err := v.bytes(mem, 8)
		if err != nil {
			return nil, err
		}
		p := binary.LittleEndian.Uint64(b)
		target := resolve(t.Type)
		if p == 0 || target.Size() > maxPointerTarget {
			return nil, nil
		}
		switch target.(type) {
		case *godwarf.VoidType, *godwarf.FuncType:
			return nil, nil
		}
		each(1, func(int) *Variable { return v.tab.newVariable(v.im, "*"+v.Name, t.Type, p, nil, mem) })
	}
	return out, nil
}

func (v *Variable) bases(t *godwarf.StructType) []baseClass {
	if v.im == nil || t.Kind == "union" {
		return nil
	}
	return v.im.baseClasses(t.Offset)
}

// part is the child of type typ at byte offset off of the value.
func (v *Variable) part(name string, typ godwarf.Type, off int64, mem MemoryReader) *Variable {
	if v.data != nil {
		size := typ.Size()
		if off+size > int64(len(v.data)) {
			return unavailable(v.im, name, typ, "optimized out")
		}
		return v.tab.newVariable(v.im, name, typ, 0, v.data[off:off+size], mem)
	}
	return v.tab.newVariable(v.im, name, typ, v.Addr+uint64(off), nil, mem)
}

// field is one field of a struct; a bit field is extracted from the bytes
// that hold it.
func (v *Variable) field(st *godwarf.StructType, f *godwarf.StructField, mem MemoryReader) *Variable {
	if f.BitSize == 0 {
		return v.part(f.Name, f.Type, f.ByteOffset, mem)
	}
	// The field's first bit counted from bit 0 of the struct, least
	// significant first: DWARF 4+ says so directly (data_bit_offset);
	// DWARF 2/3 count bit_offset from the most significant bit of a
	// byte_size storage unit at the member location.
	pos, ok := int64(0), false
	if v.im != nil {
		pos, ok = v.im.dataBitOffsets(st.Offset)[f.Name]
	}
	if !ok {
		unit := f.ByteSize
		if unit == 0 {
			unit = f.Type.Size()
		}
		pos = f.ByteOffset*8 + unit*8 - f.BitOffset - f.BitSize
	}
	first, last := pos/8, (pos+f.BitSize+7)/8
	holder := &godwarf.ArrayType{CommonType: godwarf.CommonType{ByteSize: last - first}, Type: &godwarf.UintType{}, Count: last - first}
	raw := v.part(f.Name, holder, first, mem)
	if raw.Unavailable != "" {
		return unavailable(v.im, f.Name, f.Type, raw.Unavailable)
	}
	b, err := raw.bytes(mem, last-first)
	if err != nil {
		return unavailable(v.im, f.Name, f.Type, err.Error())
	}
	bits := uintBits(b, pos%8, f.BitSize)
	val := strconv.FormatUint(bits, 10)
	switch rt := resolve(f.Type).(type) {
	case *godwarf.IntType:
		val = strconv.FormatInt(signExtend(bits, f.BitSize), 10)
	case *godwarf.EnumType, *godwarf.BoolType:
		var word [8]byte
		binary.LittleEndian.PutUint64(word[:], bits)
		val = formatScalar(rt, word[:max(rt.Size(), 1)])
	}
	return &Variable{Name: f.Name, Type: v.im.typeName(f.Type), Value: val, typ: f.Type, tab: v.tab, im: v.im}
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

// quotedCString reads a NUL-terminated string of at most limit bytes and
// quotes it, with "..." when it goes on.
func quotedCString(mem MemoryReader, p uint64, limit int) (string, error) {
	buf := make([]byte, limit)
	n, err := mem.ReadMemory(p, buf)
	if n == 0 && err != nil {
		return "", err
	}
	buf = buf[:n]
	if i := strings.IndexByte(string(buf), 0); i >= 0 {
		return quoteC(buf[:i]), nil
	}
	return quoteC(buf) + "...", nil
}

// quoteC quotes bytes as a C string literal: printable text and valid
// UTF-8 as is, the usual escapes, other bytes in octal.
func quoteC(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r >= 0x80 && r != utf8.RuneError {
			s.Write(b[:n])
			b = b[n:]
			continue
		}
		s.WriteString(escapeByte(b[0], '"'))
		b = b[1:]
	}
	s.WriteByte('"')
	return s.String()
}

func quoteChar(c byte) string { return "'" + escapeByte(c, '\'') + "'" }

func escapeByte(c, quote byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	case '\r':
		return `\r`
	case 0:
		return `\0`
	case '\\':
		return `\\`
	case quote:
		return `\` + string(quote)
	}
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf(`\%03o`, c)
	}
	return string(c)
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func reversed(b []byte) []byte {
	r := make([]byte, len(b))
	for i, c := range b {
		r[len(b)-1-i] = c
	}
	return r
}

// signed reads a little-endian two's-complement integer of any width.
func signed(b []byte) *big.Int {
	n := new(big.Int).SetBytes(reversed(b))
	if len(b) > 0 && b[len(b)-1]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// uintBits extracts size bits at bit offset off (DWARF 4 data_bit_offset
// order: from the least significant bit on little-endian machines).
func uintBits(b []byte, off, size int64) uint64 {
	var word uint64
	for i := len(b) - 1; i >= 0 && i < 8; i-- {
		word = word<<8 | uint64(b[i])
	}
	word >>= uint(off)
	if size < 64 {
		word &= 1<<uint(size) - 1
	}
	return word
}

func signExtend(v uint64, bits int64) int64 {
	shift := 64 - uint(bits)
	return int64(v<<shift) >> shift
}

// MemoryWriter writes the debuggee's memory, as tracer.Process.WriteMemory
// does.
type MemoryWriter interface {
	WriteMemory(addr uint64, data []byte) error
}

// SetValue parses text as a value of the variable's type and writes it
// over the variable in memory, then reads the variable back: Value shows
// what the program now sees. It takes what a C programmer types: "42",
// "-1", "0x1f", "'a'", "2.5", "true", an enumerator name, an address for a
// pointer. Only scalars held in memory can be set; a variable held in a
// register, a bit field, or a struct says so in the error.
func (v *Variable) SetValue(mem interface {
	MemoryReader
	MemoryWriter
}, text string) error {
	if v.Addr == 0 || v.data != nil {
		return fmt.Errorf("%s is not in memory (it lives in a register or was computed): it cannot be set", v.Name)
	}
	rt := resolve(v.typ)
	b, err := encodeScalar(rt, strings.TrimSpace(text))
	if err != nil {
		return fmt.Errorf("set %s (%s) to %q: %w", v.Name, v.Type, text, err)
	}
	if err := mem.WriteMemory(v.Addr, b); err != nil {
		return fmt.Errorf("set %s: write %d bytes at %#x: %w", v.Name, len(b), v.Addr, err)
	}
	fresh := v.tab.newVariable(v.im, v.Name, v.typ, v.Addr, nil, mem)
	v.Value, v.HasChildren, v.Unavailable = fresh.Value, fresh.HasChildren, fresh.Unavailable
	return nil
}

// encodeScalar lays text out as the bytes of a value of type t.
func encodeScalar(t godwarf.Type, text string) ([]byte, error) {
	size := t.Size()
	out := make([]byte, 8)
	switch t := t.(type) {
	case *godwarf.BoolType:
		switch text {
		case "true", "1":
			out[0] = 1
		case "false", "0":
		default:
			return nil, fmt.Errorf("want true or false")
		}
	case *godwarf.FloatType:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("not a number")
		}
		switch size {
		case 4:
			binary.LittleEndian.PutUint32(out, math.Float32bits(float32(f)))
		case 8:
			binary.LittleEndian.PutUint64(out, math.Float64bits(f))
		default:
			return float64ToX87(f, size), nil
		}
	case *godwarf.EnumType:
		for _, e := range t.Val {
			if e.Name == text {
				binary.LittleEndian.PutUint64(out, uint64(e.Val))
				return out[:size], nil
			}
		}
		n, err := parseInteger(text, size, true)
		if err != nil {
			return nil, fmt.Errorf("neither an enumerator of the type nor a number")
		}
		binary.LittleEndian.PutUint64(out, n)
	case *godwarf.IntType, *godwarf.UintType, *godwarf.CharType, *godwarf.UcharType, *godwarf.PtrType:
		if size > 8 {
			return nil, fmt.Errorf("setting %d-byte integers is not supported", size)
		}
		_, signedType := t.(*godwarf.IntType)
		if _, ok := t.(*godwarf.CharType); ok {
			signedType = true
		}
		n, err := parseInteger(text, size, signedType)
		if err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint64(out, n)
	default:
		return nil, fmt.Errorf("only numbers, characters, booleans, enums and pointers can be set")
	}
	return out[:size], nil
}

// parseInteger parses a C integer or character literal that must fit in
// size bytes (negative numbers wrap, as in C, for unsigned types too).
func parseInteger(text string, size int64, signedType bool) (uint64, error) {
	if len(text) >= 3 && text[0] == '\'' && text[len(text)-1] == '\'' {
		c, _, tail, err := strconv.UnquoteChar(text[1:len(text)-1], '\'')
		if err != nil || tail != "" || c > 0xff {
			return 0, fmt.Errorf("bad character literal")
		}
		return uint64(c), nil
	}
	bits := uint(8 * size)
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		if bits < 64 {
			lo, hi := -(int64(1) << (bits - 1)), int64(1)<<bits-1
			if signedType {
				hi = int64(1)<<(bits-1) - 1
			}
			if n < lo || n > hi {
				return 0, fmt.Errorf("%d does not fit in %d bytes", n, size)
			}
		}
		return uint64(n), nil
	}
	n, err := strconv.ParseUint(text, 0, 64)
	if err != nil {
		return 0, fmt.Errorf("not an integer")
	}
	if bits < 64 && n>>bits != 0 || signedType {
		return 0, fmt.Errorf("%d does not fit in %d bytes", n, size)
	}
	return n, nil
}

// float64ToX87 encodes f as an x87 80-bit extended value in size bytes
// (long double).
func float64ToX87(f float64, size int64) []byte {
	out := make([]byte, max(size, 10))
	var sign uint16
	if math.Signbit(f) {
		sign = 0x8000
		f = -f
	}
	switch {
	case f == 0:
	case math.IsInf(f, 0):
		binary.LittleEndian.PutUint64(out, 1<<63)
		binary.LittleEndian.PutUint16(out[8:], sign|0x7fff)
	case math.IsNaN(f):
		binary.LittleEndian.PutUint64(out, 3<<62)
		binary.LittleEndian.PutUint16(out[8:], 0x7fff)
	default:
		frac, exp := math.Frexp(f) // f = frac * 2^exp, frac in [0.5, 1)
		binary.LittleEndian.PutUint64(out, uint64(math.Ldexp(frac, 64)))
		binary.LittleEndian.PutUint16(out[8:], sign|uint16(exp-1+16383))
	}
	return out[:size]
}
