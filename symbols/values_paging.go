package symbols

import (
	"encoding/binary"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// ChildCount returns how many children Children lists, split the way a
// debug adapter pages them: indexed children (the elements of an array or
// a Go slice) and named ones (the fields and base classes of a struct, the
// pointee of a pointer). A client asks for large arrays a page at a time.
func (v *Variable) ChildCount(mem MemoryReader) (indexed, named int) {
	if v.Unavailable != "" || !v.HasChildren {
		return 0, 0
	}
	if v.referent != nil {
		return v.referent.ChildCount(mem)
	}
	switch t := resolve(v.typ).(type) {
	case *godwarf.SliceType:
		_, n, _, err := v.goSliceHeader(mem)
		if err != nil {
			return 0, 0
		}
		return int(min(n, maxValueBytes)), 0
	case *godwarf.StructType:
		return 0, len(v.bases(t)) + len(t.Field)
	case *godwarf.ArrayType:
		return int(max(t.Count, 0)), 0
	case *godwarf.PtrType:
		return 0, 1
	}
	return 0, 0
}

// PointerValue returns the address a pointer variable holds; ok is false
// when the variable is not a pointer or its value cannot be read.
func (v *Variable) PointerValue(mem MemoryReader) (addr uint64, ok bool) {
	if v.Unavailable != "" {
		return 0, false
	}
	if _, isPtr := resolve(v.typ).(*godwarf.PtrType); !isPtr {
		return 0, false
	}
	b, err := v.bytes(mem, 8)
	if err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}
