package eval

import (
	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/symbols"
)

func basic(name string, size int64) godwarf.BasicType {
	return godwarf.BasicType{CommonType: godwarf.CommonType{ByteSize: size, Name: name}}
}

// The builtin types of the language: those of literals, of arithmetic
// results, of registers, and those that casts name.
var (
	typeVoid       = &godwarf.VoidType{CommonType: godwarf.CommonType{Name: "void"}}
	typeBool       = &godwarf.BoolType{BasicType: basic("_Bool", 1)}
	typeChar       = &godwarf.CharType{BasicType: basic("char", 1)}
	typeSChar      = &godwarf.CharType{BasicType: basic("signed char", 1)}
	typeUChar      = &godwarf.UcharType{BasicType: basic("unsigned char", 1)}
	typeShort      = &godwarf.IntType{BasicType: basic("short", 2)}
	typeUShort     = &godwarf.UintType{BasicType: basic("unsigned short", 2)}
	typeInt        = &godwarf.IntType{BasicType: basic("int", 4)}
	typeUInt       = &godwarf.UintType{BasicType: basic("unsigned int", 4)}
	typeLong       = &godwarf.IntType{BasicType: basic("long", 8)}
	typeULong      = &godwarf.UintType{BasicType: basic("unsigned long", 8)}
	typeLongLong   = &godwarf.IntType{BasicType: basic("long long", 8)}
	typeULongLong  = &godwarf.UintType{BasicType: basic("unsigned long long", 8)}
	typeFloat      = &godwarf.FloatType{BasicType: basic("float", 4)}
	typeDouble     = &godwarf.FloatType{BasicType: basic("double", 8)}
	typeLongDouble = &godwarf.FloatType{BasicType: basic("long double", 16)}
	typeUInt128    = &godwarf.UintType{BasicType: basic("unsigned __int128", 16)}
	typeUInt8      = &godwarf.UintType{BasicType: basic("uint8", 1)} // a byte of a Go string
)

// builtinTypes are the types a cast may name with C's keywords, by their
// canonical spelling (see canonicalBuiltin).
var builtinTypes = map[string]godwarf.Type{
	"void": typeVoid, "_Bool": typeBool,
	"char": typeChar, "signed char": typeSChar, "unsigned char": typeUChar,
	"short": typeShort, "unsigned short": typeUShort,
	"int": typeInt, "unsigned int": typeUInt,
	"long": typeLong, "unsigned long": typeULong,
	"long long": typeLongLong, "unsigned long long": typeULongLong,
	"float": typeFloat, "double": typeDouble, "long double": typeLongDouble,
}

// fixedTypes are the <stdint.h> and <stddef.h> names a cast may use
// without the program defining them.
var fixedTypes = map[string]godwarf.Type{
	"int8_t":    &godwarf.IntType{BasicType: basic("int8_t", 1)},
	"uint8_t":   &godwarf.UintType{BasicType: basic("uint8_t", 1)},
	"int16_t":   &godwarf.IntType{BasicType: basic("int16_t", 2)},
	"uint16_t":  &godwarf.UintType{BasicType: basic("uint16_t", 2)},
	"int32_t":   &godwarf.IntType{BasicType: basic("int32_t", 4)},
	"uint32_t":  &godwarf.UintType{BasicType: basic("uint32_t", 4)},
	"int64_t":   &godwarf.IntType{BasicType: basic("int64_t", 8)},
	"uint64_t":  &godwarf.UintType{BasicType: basic("uint64_t", 8)},
	"size_t":    &godwarf.UintType{BasicType: basic("size_t", 8)},
	"ssize_t":   &godwarf.IntType{BasicType: basic("ssize_t", 8)},
	"intptr_t":  &godwarf.IntType{BasicType: basic("intptr_t", 8)},
	"uintptr_t": &godwarf.UintType{BasicType: basic("uintptr_t", 8)},
	"ptrdiff_t": &godwarf.IntType{BasicType: basic("ptrdiff_t", 8)},
}

// pointerTo returns the type "t *".
func pointerTo(t godwarf.Type) *godwarf.PtrType {
	return &godwarf.PtrType{CommonType: godwarf.CommonType{ByteSize: 8}, Type: t}
}

// arrayOf returns the type "t [n]".
func arrayOf(t godwarf.Type, n int64) *godwarf.ArrayType {
	return &godwarf.ArrayType{CommonType: godwarf.CommonType{ByteSize: n * sizeOf(t)}, Type: t, Count: n}
}

// resolve strips typedefs and qualifiers: what is left says how the bytes
// are laid out.
func resolve(t godwarf.Type) godwarf.Type { return symbols.ResolveType(t) }

// kind is what arithmetic needs to know about a type.
type kind int

const (
	kindOther    kind = iota // struct, union, function, void, Go types
	kindSigned               // signed integers, signed char, enums
	kindUnsigned             // unsigned integers, unsigned char, bool
	kindFloat
	kindPointer
	kindArray
)

// kindOf classifies a type, resolved or not.
func kindOf(t godwarf.Type) kind {
	switch resolve(t).(type) {
	case *godwarf.IntType, *godwarf.CharType, *godwarf.EnumType:
		return kindSigned
	case *godwarf.UintType, *godwarf.UcharType, *godwarf.BoolType:
		return kindUnsigned
	case *godwarf.FloatType:
		return kindFloat
	case *godwarf.PtrType:
		return kindPointer
	case *godwarf.ArrayType:
		return kindArray
	}
	return kindOther
}

func isInteger(k kind) bool { return k == kindSigned || k == kindUnsigned }

// isArithmetic reports a type that arithmetic accepts (integers and
// floating point).
func isArithmetic(k kind) bool { return isInteger(k) || k == kindFloat }

// integerType returns the builtin integer type of a size and signedness,
// after the integer promotions (nothing narrower than int).
func integerType(size int64, unsigned bool) godwarf.Type {
	switch {
	case size == 4 && unsigned:
		return typeUInt
	case size <= 4:
		return typeInt // narrower types, unsigned ones too, fit in an int
	case unsigned:
		return typeULong
	}
	return typeLong
}

// sizeOf is the size of a type in bytes. godwarf leaves the size of an
// array without DW_AT_byte_size unknown (-1): it is the count times the
// element's size.
func sizeOf(t godwarf.Type) int64 {
	if a, ok := resolve(t).(*godwarf.ArrayType); ok && a.Count >= 0 && a.Type != nil && a.CommonType.ByteSize <= 0 {
		return a.Count * sizeOf(a.Type)
	}
	return t.Size()
}
