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

// resolve is ResolveType, as the package spells it.
func resolve(t godwarf.Type) godwarf.Type { return ResolveType(t) }

// ResolveType strips typedefs and qualifiers (const, volatile, restrict):
// what is left says how the bytes are laid out. A chain that ends in
// nothing is void.
func ResolveType(t godwarf.Type) godwarf.Type {
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
			return &godwarf.VoidType{CommonType: godwarf.CommonType{Name: "void"}}
		}
	}
	return t
}

// typeName spells a type as a C programmer writes it: "char *", "int [5]",
// "struct point", "int (*)(int, int)"; in a C++ program a class is named
// without its keyword ("Circle"). Types that carry their own name (base
// types, typedefs, Go types) keep it. im may be nil.
func (im *Image) typeName(t godwarf.Type) string {
	return declarator(t, "", im != nil && im.isCPlusPlus())
}

// isCPlusPlus reports whether the image's compile units are C++, reading
// the language of the first unit that says.
func (im *Image) isCPlusPlus() bool {
	if im.s2.langSet {
		return im.s2.cplus
	}
	im.s2.langSet = true
	d, err := im.DWARF()
	if err != nil {
		return false
	}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			return false
		}
		r.SkipChildren()
		if lang, ok := e.Val(dwarf.AttrLanguage).(int64); ok && lang != dwLangMips {
			switch lang {
			case dwLangCPlusPlus, dwLangCPlusPlus03, dwLangCPlusPlus11, dwLangCPlusPlus14:
				im.s2.cplus = true
			}
			return im.s2.cplus
		}
	}
}

// DW_LANG values (DWARF 5 table 7.17).
const (
	dwLangCPlusPlus   = 0x04
	dwLangMips        = 0x8001 // hand-written assembly
	dwLangCPlusPlus03 = 0x19
	dwLangCPlusPlus11 = 0x1a
	dwLangCPlusPlus14 = 0x21
)

// declarator spells t around an inner declarator, C's inside-out way.
func declarator(t godwarf.Type, inner string, cplus bool) string {
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
		if p, ok := tt.Type.(*godwarf.PtrType); ok && p.Name == "" {
			return declarator(p.Type, strings.TrimSpace("* "+tt.Qual+" "+inner), cplus) // a const pointer
		}
		return join(tt.Qual + " " + declarator(tt.Type, "", cplus))
	case *godwarf.PtrType:
		if tt.Name != "" {
			return join(tt.Name) // Go names its pointer types ("*main.T")
		}
		return declarator(tt.Type, "*"+inner, cplus)
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
		return declarator(tt.Type, inner+"["+n+"]", cplus)
	case *godwarf.FuncType:
		if tt.Name != "" && inner == "" {
			return tt.Name
		}
		params := make([]string, len(tt.ParamType))
		for i, p := range tt.ParamType {
			params[i] = declarator(p, "", cplus)
		}
		if len(params) == 0 {
			params = []string{"void"}
		}
		return declarator(tt.ReturnType, "("+inner+")("+strings.Join(params, ", ")+")", cplus)
	case *godwarf.StructType:
		switch {
		case tt.StructName == "":
			return join(tt.Kind + " {...}")
		case tt.Name != "" && tt.Name != tt.StructName:
			return join(tt.Name)
		case cplus:
			return join(tt.StructName)
		}
		return join(tt.Kind + " " + tt.StructName)
	case *godwarf.EnumType:
		if tt.EnumName == "" {
			return join("enum {...}")
		}
		if cplus {
			return join(tt.EnumName)
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

// isReference reports whether t is a C++ reference (T& or T&&), which
// godwarf leaves unsupported.
func isReference(t godwarf.Type) (*godwarf.UnsupportedType, bool) {
	u, ok := t.(*godwarf.UnsupportedType)
	return u, ok && (u.Tag == dwarf.TagReferenceType || u.Tag == dwarf.TagRvalueReferenceType)
}

// referenceTarget decodes the type a reference type refers to.
func (im *Image) referenceTarget(ref *godwarf.UnsupportedType) (godwarf.Type, error) {
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	r := d.Reader()
	r.Seek(ref.Offset)
	e, err := r.Next()
	if err != nil || e == nil {
		return nil, fmt.Errorf("reference type at %#x: %v", ref.Offset, err)
	}
	off, ok := e.Val(dwarf.AttrType).(dwarf.Offset)
	if !ok {
		return &godwarf.VoidType{}, nil
	}
	return im.typeAt(off)
}

// baseClass is one DW_TAG_inheritance of a C++ class: the base's type and
// where its subobject starts.
type baseClass struct {
	typ    godwarf.Type
	offset int64
}

// baseClasses returns the base classes of the class type at off, which
// godwarf does not list among the fields.
func (im *Image) baseClasses(off dwarf.Offset) []baseClass {
	if bs, ok := im.s2.bases[off]; ok {
		return bs
	}
	var bs []baseClass
	if im.s2.bases == nil {
		im.s2.bases = map[dwarf.Offset][]baseClass{}
	}
	defer func() { im.s2.bases[off] = bs }()
	d, err := im.DWARF()
	if err != nil {
		return nil
	}
	r := d.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil || e == nil || !e.Children {
		return nil
	}
	for {
		kid, err := r.Next()
		if err != nil || kid == nil || kid.Tag == 0 {
			return bs
		}
		if kid.Children {
			r.SkipChildren()
		}
		if kid.Tag != dwarf.TagInheritance {
			continue
		}
		toff, ok := kid.Val(dwarf.AttrType).(dwarf.Offset)
		if !ok {
			continue
		}
		typ, err := im.typeAt(toff)
		if err != nil {
			continue
		}
		at, _ := kid.Val(dwarf.AttrDataMemberLoc).(int64) // virtual bases (an expression) are not placed
		bs = append(bs, baseClass{typ, at})
	}
}
