package symbols

import (
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"
)

// quotedCString reads a NUL-terminated string of at most limit bytes and
// quotes it, with "..." when it goes on.
func quotedCString(mem MemoryReader, p uint64, limit int) (string, error) {
	buf := make([]byte, limit)
	n, err := mem.ReadMemory(p, buf)
	if n == 0 && err != nil {
		return "", err
	}
	buf = buf[:n]
	if i := strings.IndexByte(string(buf), 0); i >= 0 {
		return quoteC(buf[:i]), nil
	}
	return quoteC(buf) + "...", nil
}

// quoteC quotes bytes as a C string literal: printable text and valid
// UTF-8 as is, the usual escapes, other bytes in octal.
func quoteC(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r >= 0x80 && r != utf8.RuneError {
			s.Write(b[:n])
			b = b[n:]
			continue
		}
		s.WriteString(escapeByte(b[0], '"'))
		b = b[1:]
	}
	s.WriteByte('"')
	return s.String()
}

func quoteChar(c byte) string { return "'" + escapeByte(c, '\'') + "'" }

func escapeByte(c, quote byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\t':
		return `\t`
	case '\r':
		return `\r`
	case 0:
		return `\0`
	case '\\':
		return `\\`
	case quote:
		return `\` + string(quote)
	}
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf(`\%03o`, c)
	}
	return string(c)
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func reversed(b []byte) []byte {
	r := make([]byte, len(b))
	for i, c := range b {
		r[len(b)-1-i] = c
	}
	return r
}

// signed reads a little-endian two's-complement integer of any width.
func signed(b []byte) *big.Int {
	n := new(big.Int).SetBytes(reversed(b))
	if len(b) > 0 && b[len(b)-1]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// uintBits extracts size bits at bit offset off (DWARF 4 data_bit_offset
// order: from the least significant bit on little-endian machines).
func uintBits(b []byte, off, size int64) uint64 {
	var word uint64
	for i := len(b) - 1; i >= 0 && i < 8; i-- {
		word = word<<8 | uint64(b[i])
	}
	word >>= uint(off)
	if size < 64 {
		word &= 1<<uint(size) - 1
	}
	return word
}

func signExtend(v uint64, bits int64) int64 {
	shift := 64 - uint(bits)
	return int64(v<<shift) >> shift
}
