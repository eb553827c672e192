package symbols

import (
	"debug/dwarf"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// FindType finds a type the program defines, for casts in expressions:
// tag "struct", "union" or "enum" with its tag name ("point" for struct
// point; a C++ class is a struct), or tag "" for a typedef or a base type
// ("uint32_t", "myint"). The image prefer (the frame's, may be nil) is
// searched first, then the executable, then the other images. A type
// declared but not defined in an image is looked for in the next.
func (t *Table) FindType(prefer *Image, tag, name string) (godwarf.Type, *Image, error) {
	key := tag + " " + name
	for _, im := range t.searchOrder(prefer) {
		off, ok := im.typeIndex()[key]
		if !ok {
			continue
		}
		typ, err := im.typeAt(off)
		if err != nil {
			return nil, nil, err
		}
		return typ, im, nil
	}
	what := name
	if tag != "" {
		what = tag + " " + name
	}
	return nil, nil, fmt.Errorf("unknown type %q: the program's debug info defines no such type", what)
}

// FindEnumerator finds an enumeration constant by name ("GREEN"), in the
// images in FindType's order, and returns its enum type and value.
func (t *Table) FindEnumerator(prefer *Image, name string) (godwarf.Type, *Image, int64, error) {
	for _, im := range t.searchOrder(prefer) {
		im.typeIndex()
		off, ok := im.s2.enums[name]
		if !ok {
			continue
		}
		typ, err := im.typeAt(off)
		if err != nil {
			return nil, nil, 0, err
		}
		if et, ok := typ.(*godwarf.EnumType); ok {
			for _, v := range et.Val {
				if v.Name == name {
					return typ, im, v.Val, nil
				}
			}
		}
	}
	return nil, nil, 0, fmt.Errorf("no enumerator %q", name)
}

// searchOrder is the order FindType and FindEnumerator search images in:
// prefer (may be nil), the executable, then the other images, each once.
func (t *Table) searchOrder(prefer *Image) []*Image {
	var order []*Image
	seen := map[*Image]bool{}
	for _, im := range append([]*Image{prefer, t.Executable()}, t.images...) {
		if im != nil && !seen[im] {
			seen[im] = true
			order = append(order, im)
		}
	}
	return order
}

// typeIndex maps "tag name" to the DWARF offset of the first definition
// of each named type of the image (tag "" for typedefs and base types),
// and indexes the enumerators by name, reading every DIE of the image
// once, on first use.
func (im *Image) typeIndex() map[string]dwarf.Offset {
	if im.s2.typeNames != nil {
		return im.s2.typeNames
	}
	idx := map[string]dwarf.Offset{}
	im.s2.typeNames = idx
	im.s2.enums = map[string]dwarf.Offset{}
	d, err := im.DWARF()
	if err != nil {
		return idx
	}
	r := d.Reader()
	var enum dwarf.Offset // the enumeration type whose enumerators r is in
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			return idx
		}
		if e.Tag == dwarf.TagEnumerator && enum != 0 {
			if name, _ := e.Val(dwarf.AttrName).(string); name != "" {
				if _, dup := im.s2.enums[name]; !dup {
					im.s2.enums[name] = enum
				}
			}
			continue
		}
		if e.Tag == dwarf.TagEnumerationType {
			enum = e.Offset
		} else if e.Tag != 0 {
			enum = 0
		}
		var tag string
		switch e.Tag {
		case dwarf.TagStructType, dwarf.TagClassType:
			tag = "struct"
		case dwarf.TagUnionType:
			tag = "union"
		case dwarf.TagEnumerationType:
			tag = "enum"
		case dwarf.TagTypedef, dwarf.TagBaseType:
		default:
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if name == "" {
			continue
		}
		if decl, _ := e.Val(dwarf.AttrDeclaration).(bool); decl {
			continue
		}
		if _, dup := idx[tag+" "+name]; !dup {
			idx[tag+" "+name] = e.Offset
		}
	}
}
