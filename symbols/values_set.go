package symbols

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

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
