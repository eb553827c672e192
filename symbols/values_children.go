package symbols

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

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
		name := f.Name
		if name == "" {
			// A C11 anonymous struct or union member: give it a name a
			// client can show and keep apart.
			name = "<anonymous>"
			if inner, ok := resolve(f.Type).(*godwarf.StructType); ok {
				name = "<anonymous " + inner.Kind + ">"
			}
		}
		return v.part(name, f.Type, f.ByteOffset, mem)
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
