package symbols

import (
	"debug/dwarf"
	"fmt"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// typeAt decodes the type at a DWARF offset of the image, keeping every
// type it decodes for the next lookup.
func (im *Image) typeAt(off dwarf.Offset) (godwarf.Type, error) {
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	if im.s2.types == nil {
		im.s2.types = map[dwarf.Offset]godwarf.Type{}
	}
	t, err := godwarf.ReadType(d, 0, off, im.s2.types)
	if err != nil {
		return nil, fmt.Errorf("type at DWARF offset %#x of %s: %w", off, im.Path, err)
	}
	return t, nil
}

// resolve strips typedefs and qualifiers (const, volatile, restrict): what
// is left says how the bytes are laid out.
func resolve(t godwarf.Type) godwarf.Type {
	for range 64 { // typedef chains are short; a cycle would be a broken DWARF
		switch tt := t.(type) {
		case *godwarf.TypedefType:
			t = tt.Type
		case *godwarf.QualType:
			t = tt.Type
		default:
			return t
		}
		if t == nil {
			return &godwarf.VoidType{}
		}
	}
	return t
}

// typeName spells a type as a C programmer writes it: "char *", "int [5]",
// "struct point", "int (*)(int, int)". Types that carry their own name
// (base types, typedefs, Go types) keep it.
func typeName(t godwarf.Type) string {
	return declarator(t, "")
}

// declarator spells t around an inner declarator, C's inside-out way.
func declarator(t godwarf.Type, inner string) string {
	join := func(base string) string {
		if inner == "" {
			return base
		}
		return base + " " + inner
	}
	switch tt := t.(type) {
	case nil:
		return join("void")
	case *godwarf.VoidType:
		return join("void")
	case *godwarf.QualType:
		return join(tt.Qual + " " + declarator(tt.Type, ""))
	case *godwarf.PtrType:
		if tt.Name != "" {
			return join(tt.Name) // Go names its pointer types ("*main.T")
		}
		return declarator(tt.Type, "*"+inner)
	case *godwarf.ArrayType:
		if tt.Name != "" {
			return join(tt.Name)
		}
		if strings.HasPrefix(inner, "*") {
			inner = "(" + inner + ")"
		}
		n := ""
		if tt.Count >= 0 {
			n = fmt.Sprint(tt.Count)
		}
		return declarator(tt.Type, inner+"["+n+"]")
	case *godwarf.FuncType:
		if tt.Name != "" && inner == "" {
			return tt.Name
		}
		params := make([]string, len(tt.ParamType))
		for i, p := range tt.ParamType {
			params[i] = typeName(p)
		}
		if len(params) == 0 {
			params = []string{"void"}
		}
		return declarator(tt.ReturnType, "("+inner+")("+strings.Join(params, ", ")+")")
	case *godwarf.StructType:
		switch {
		case tt.StructName == "":
			return join(tt.Kind + " {...}")
		case tt.Name != "" && tt.Name != tt.StructName:
			return join(tt.Name)
		}
		return join(tt.Kind + " " + tt.StructName)
	case *godwarf.EnumType:
		if tt.EnumName == "" {
			return join("enum {...}")
		}
		return join("enum " + tt.EnumName)
	}
	if name := t.Common().Name; name != "" {
		return join(name)
	}
	return join(t.String())
}

// dataBitOffsets returns, by field name, the DW_AT_data_bit_offset of the
// bit fields of the struct type at off. DWARF 4 and later place bit fields
// with that attribute alone, which godwarf does not read.
func (im *Image) dataBitOffsets(off dwarf.Offset) map[string]int64 {
	if m, ok := im.s2.bitOffsets[off]; ok {
		return m
	}
	m := map[string]int64{}
	if im.s2.bitOffsets == nil {
		im.s2.bitOffsets = map[dwarf.Offset]map[string]int64{}
	}
	im.s2.bitOffsets[off] = m
	d, err := im.DWARF()
	if err != nil {
		return m
	}
	r := d.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil || e == nil || !e.Children {
		return m
	}
	for {
		kid, err := r.Next()
		if err != nil || kid == nil || kid.Tag == 0 {
			return m
		}
		if kid.Tag == dwarf.TagMember {
			if bo, ok := kid.Val(dwarf.AttrDataBitOffset).(int64); ok {
				name, _ := kid.Val(dwarf.AttrName).(string)
				m[name] = bo
			}
		}
		if kid.Children {
			r.SkipChildren()
		}
	}
}
