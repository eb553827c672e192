package symbols

import (
	"debug/dwarf"
	"encoding/binary"
	"math"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// This file exposes to the expression evaluator (package eval) what it
// needs from a Variable and from the package's type and number handling.

// DwarfType returns the variable's type as DWARF declares it (typedefs and
// qualifiers kept).
func (v *Variable) DwarfType() godwarf.Type { return v.typ }

// Image returns the image whose DWARF describes the variable's type, or
// nil.
func (v *Variable) Image() *Image { return v.im }

// Data returns the value's bytes when it does not live in memory (it is in
// registers, or computed); nil when it lives at Addr.
func (v *Variable) Data() []byte { return v.data }

// NewValue returns a Variable for a value of type typ computed by an
// expression: in memory at addr when data is nil, else held in data. It is
// formatted (and its memory read) like any variable, and has the same
// children. im names the types and may be nil for builtin types.
func (t *Table) NewValue(im *Image, name string, typ godwarf.Type, addr uint64, data []byte, mem MemoryReader) *Variable {
	return t.newVariable(im, name, typ, addr, data, mem)
}

// TypeName spells a type as a C programmer writes it ("char *",
// "struct point"); im (which may be nil) says whether C++ naming applies.
func TypeName(im *Image, typ godwarf.Type) string {
	return im.typeName(typ)
}

// FloatFromBytes decodes a little-endian float, double or x87 long double
// (10, 12 or 16 bytes); ok is false for other sizes.
func FloatFromBytes(b []byte) (f float64, ok bool) {
	switch len(b) {
	case 4:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), true
	case 8:
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), true
	case 10, 12, 16:
		return x87ToFloat64(b), true
	}
	return 0, false
}

// FloatToBytes encodes f as a float of size bytes: 4, 8, or an x87 long
// double (10, 12 or 16).
func FloatToBytes(f float64, size int64) []byte {
	switch size {
	case 4:
		return binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(f)))
	case 8:
		return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f))
	}
	return float64ToX87(f, size)
}

// BitFieldPosition returns the first bit of a bit field counted from bit 0
// of the struct, least significant first. DWARF 4 and later say so with
// DW_AT_data_bit_offset, which godwarf does not read; DWARF 2 and 3 count
// DW_AT_bit_offset from the most significant bit of a storage unit at the
// member's location. im may be nil (a struct not from DWARF).
func BitFieldPosition(im *Image, st *godwarf.StructType, f *godwarf.StructField) int64 {
	if im != nil {
		if pos, ok := im.dataBitOffsets(st.Offset)[f.Name]; ok {
			return pos
		}
	}
	unit := f.ByteSize
	if unit == 0 {
		unit = f.Type.Size()
	}
	return f.ByteOffset*8 + unit*8 - f.BitOffset - f.BitSize
}

// ReferenceTarget returns the type a C++ reference type (T& or T&&)
// refers to; ok is false for any other type.
func ReferenceTarget(im *Image, typ godwarf.Type) (target godwarf.Type, ok bool) {
	ref, isRef := isReference(typ)
	if !isRef || im == nil {
		return nil, false
	}
	t, err := im.referenceTarget(ref)
	if err != nil {
		return nil, false
	}
	return t, true
}

// BaseClass is a C++ base class of a struct or class type: its type and
// the offset of its subobject.
type BaseClass struct {
	Type   godwarf.Type
	Offset int64
}

// BaseClasses returns the base classes of a C++ class type, which godwarf
// does not list among its fields. im may be nil.
func BaseClasses(im *Image, st *godwarf.StructType) []BaseClass {
	if im == nil || st.Kind == "union" {
		return nil
	}
	var out []BaseClass
	for _, b := range im.baseClasses(st.Offset) {
		out = append(out, BaseClass{b.typ, b.offset})
	}
	return out
}

// FunctionType returns the C type of a function, as DWARF declares its
// return and parameter types, named as C spells it ("int (int, char *)");
// a function without DWARF is "void (void)".
func (t *Table) FunctionType(f *Function) godwarf.Type {
	ft := &godwarf.FuncType{CommonType: godwarf.CommonType{ByteSize: 1}, ReturnType: &godwarf.VoidType{}}
	if im := f.Image; im != nil && f.HasDWARF() {
		if d, err := im.DWARF(); err == nil {
			r := d.Reader()
			r.Seek(f.DIE)
			if e, err := r.Next(); err == nil && e != nil {
				full, _ := godwarf.LoadAbstractOriginAndSpecification(e, d.Reader())
				if off, ok := full.Val(dwarf.AttrType).(dwarf.Offset); ok {
					if rt, err := im.typeAt(off); err == nil {
						ft.ReturnType = rt
					}
				}
			}
			r.Seek(f.DIE)
			if e, err := r.Next(); err == nil && e != nil && e.Children {
				for {
					kid, err := r.Next()
					if err != nil || kid == nil || kid.Tag == 0 {
						break
					}
					if kid.Children {
						r.SkipChildren()
					}
					if kid.Tag != dwarf.TagFormalParameter {
						continue
					}
					if off, ok := kid.Val(dwarf.AttrType).(dwarf.Offset); ok {
						if pt, err := im.typeAt(off); err == nil {
							ft.ParamType = append(ft.ParamType, pt)
						}
					}
				}
			}
		}
	}
	params := make([]string, len(ft.ParamType))
	for i, p := range ft.ParamType {
		params[i] = f.Image.typeName(p)
	}
	if len(params) == 0 {
		params = []string{"void"}
	}
	ft.Name = f.Image.typeName(ft.ReturnType) + " (" + strings.Join(params, ", ") + ")"
	return ft
}
