package eval

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/symbols"
)

// FormatBytes shows b, a little-endian integer of 1 to 8 bytes, in one of
// gdb's output formats: x hex, d signed, u unsigned, o octal, t binary,
// c character.
func FormatBytes(b []byte, f byte) string {
	var word [8]byte
	copy(word[:], b)
	u := binary.LittleEndian.Uint64(word[:])
	bits := uint(8 * len(b))
	signed := int64(u<<(64-bits)) >> (64 - bits)
	switch f {
	case 'd':
		return strconv.FormatInt(signed, 10)
	case 'u':
		return strconv.FormatUint(u, 10)
	case 'o':
		return "0" + strconv.FormatUint(u, 8)
	case 't':
		return strconv.FormatUint(u, 2)
	case 'c':
		return fmt.Sprintf("%d %s", signed, strconv.QuoteRuneToASCII(rune(byte(u))))
	}
	return fmt.Sprintf("%#x", u)
}

// maxFormatted bounds the elements of an array shown by Format.
const maxFormatted = 200

// Format shows a number, a pointer, or an array of them in one of the
// formats of FormatBytes, as gdb's print/F does: p/x 255 is 0xff,
// p/x arr is {0x1, 0x2}.
func Format(ctx Context, v Value, f byte) (string, error) {
	v, err := v.Materialize(ctx)
	if err != nil {
		return "", err
	}
	rt := resolve(v.Type)
	if a, ok := rt.(*godwarf.ArrayType); ok {
		n := min(max(a.Count, 0), maxFormatted)
		items := make([]string, 0, n)
		for i := range n {
			e, err := (&evaluator{ctx: ctx}).element(v, a, i)
			if err != nil {
				return "", err
			}
			s, err := Format(ctx, e, f)
			if err != nil {
				return "", err
			}
			items = append(items, s)
		}
		if a.Count > n {
			items = append(items, "...")
		}
		return "{" + strings.Join(items, ", ") + "}", nil
	}
	k := kindOf(rt)
	if !isInteger(k) && k != kindPointer {
		return "", fmt.Errorf("/%c applies to integers, pointers and arrays of them, not %s", f, typeString(&v))
	}
	b, err := v.load(ctx)
	if err != nil {
		return "", err
	}
	size := sizeOf(rt)
	if size > 8 || int64(len(b)) < size {
		return "", fmt.Errorf("/%c: %s has %d bytes", f, typeString(&v), size)
	}
	return FormatBytes(b[:size], f), nil
}

// Members returns the names of the members a value's struct, union or
// class has (through a pointer too, as -> and . accept): its fields, those
// of anonymous members, and those of C++ base classes.
func Members(v Value) []string {
	t := resolve(v.Type)
	if p, ok := t.(*godwarf.PtrType); ok && p.Type != nil {
		t = resolve(p.Type)
	}
	st, ok := t.(*godwarf.StructType)
	if !ok {
		return nil
	}
	var out []string
	var walk func(st *godwarf.StructType, depth int)
	walk = func(st *godwarf.StructType, depth int) {
		if depth > 16 {
			return
		}
		for _, f := range st.Field {
			if f.Name != "" {
				out = append(out, f.Name)
			} else if inner, ok := resolve(f.Type).(*godwarf.StructType); ok {
				walk(inner, depth+1)
			}
		}
		for _, b := range symbols.BaseClasses(v.Image, st) {
			if inner, ok := resolve(b.Type).(*godwarf.StructType); ok {
				walk(inner, depth+1)
			}
		}
	}
	walk(st, 0)
	return out
}
