package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// numberLiteral parses a C integer or floating-point literal and gives it
// C's type: an integer gets the first of int, unsigned int (hex and octal
// only), long, unsigned long that holds it, narrowed by its suffixes (u,
// l, ll); a float is a double, or a float with an f suffix.
func numberLiteral(text string) (Value, error) {
	lower := strings.ToLower(text)
	isHex := strings.HasPrefix(lower, "0x")
	if !isHex && strings.ContainsAny(lower, ".e") || isHex && strings.Contains(lower, "p") {
		return floatLiteral(text)
	}
	digits := strings.TrimRight(lower, "ul")
	suffix := lower[len(digits):]
	unsigned := strings.Count(suffix, "u")
	longs := strings.Count(suffix, "l")
	if unsigned > 1 || longs > 2 || longs == 2 && !strings.Contains(suffix, "ll") {
		return Value{}, fmt.Errorf("bad suffix %q on the number %s", text[len(digits):], text)
	}
	base := 10
	body := digits
	switch {
	case isHex:
		base, body = 16, digits[2:]
	case strings.HasPrefix(digits, "0b"):
		base, body = 2, digits[2:]
	case len(digits) > 1 && digits[0] == '0':
		base, body = 8, digits[1:]
	}
	n, err := strconv.ParseUint(body, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return Value{}, fmt.Errorf("the number %s does not fit in 64 bits", text)
		}
		return Value{}, fmt.Errorf("%s is not a valid number", text)
	}
	decimal := base == 10
	candidates := []struct {
		fits     bool
		unsigned bool
		long     bool
	}{
		{n <= math.MaxInt32, false, false},
		{n <= math.MaxUint32, true, false},
		{n <= math.MaxInt64, false, true},
		{true, true, true},
	}
	for _, c := range candidates {
		switch {
		case !c.fits, longs > 0 && !c.long, unsigned == 1 && !c.unsigned,
			c.unsigned && unsigned == 0 && decimal && n <= math.MaxInt64:
			continue
		}
		switch {
		case c.unsigned && c.long:
			return fromScalar(scalar{k: kindUnsigned, u: n}, typeULong, nil), nil
		case c.long:
			return fromScalar(scalar{k: kindSigned, u: n}, typeLong, nil), nil
		case c.unsigned:
			return fromScalar(scalar{k: kindUnsigned, u: n}, typeUInt, nil), nil
		}
		return fromScalar(scalar{k: kindSigned, u: n}, typeInt, nil), nil
	}
	return fromScalar(scalar{k: kindUnsigned, u: n}, typeULong, nil), nil
}

func floatLiteral(text string) (Value, error) {
	body, typ := text, typeDouble
	switch text[len(text)-1] {
	case 'f', 'F':
		body, typ = text[:len(text)-1], typeFloat
	case 'l', 'L':
		body, typ = text[:len(text)-1], typeLongDouble
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil {
		return Value{}, fmt.Errorf("%s is not a valid number", text)
	}
	return fromScalar(scalar{k: kindFloat, f: f}, typ, nil), nil
}

// charLiteral parses 'c', with C's escapes ('\n', '\0', '\x41', '\101'),
// as a char.
func charLiteral(text string) (Value, error) {
	s, err := unquote(text)
	if err != nil {
		return Value{}, err
	}
	if len(s) != 1 {
		return Value{}, fmt.Errorf("a character literal holds one character, %s holds %d bytes", text, len(s))
	}
	return Value{Type: typeChar, Data: []byte{s[0]}}, nil
}

// unquote decodes a quoted C string or character literal into its bytes.
func unquote(text string) (string, error) {
	body := text[1 : len(text)-1]
	var out []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(body) {
			return "", fmt.Errorf("a backslash ends %s", text)
		}
		switch e := body[i]; e {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'v':
			out = append(out, '\v')
		case 'e':
			out = append(out, 0x1b)
		case '\\', '\'', '"', '?':
			out = append(out, e)
		case 'x':
			j := i + 1
			for j < len(body) && j < i+3 && strings.IndexByte("0123456789abcdefABCDEF", body[j]) >= 0 {
				j++
			}
			if j == i+1 {
				return "", fmt.Errorf(`\x without hex digits in %s`, text)
			}
			n, _ := strconv.ParseUint(body[i+1:j], 16, 8)
			out = append(out, byte(n))
			i = j - 1
		default:
			if e < '0' || e > '7' {
				return "", fmt.Errorf(`unknown escape \%c in %s`, e, text)
			}
			j := i
			for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(body[i:j], 8, 16)
			if n > 0xff {
				return "", fmt.Errorf("octal escape out of range in %s", text)
			}
			out = append(out, byte(n))
			i = j - 1
		}
	}
	return string(out), nil
}
