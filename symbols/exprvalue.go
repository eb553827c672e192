package symbols

import (
	"encoding/binary"
	"math"

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
