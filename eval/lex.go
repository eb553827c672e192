package eval

import (
	"fmt"
	"strings"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokNumber
	tokChar
	tokString
	tokIdent
	tokRegister
	tokPunct
)

// token is one lexical token of an expression; pos is its byte offset.
type token struct {
	kind tokenKind
	text string // the source text; for a register the name without "$"
	pos  int
}

// SyntaxError reports an expression that does not parse, with the column
// (1-based) where the problem is.
type SyntaxError struct {
	Src    string
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("syntax error at column %d of %q: %s", e.Column, e.Src, e.Msg)
}

// punctuators, longest first so that "<<" is not read as "<" "<".
var punctuators = []string{
	"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"(", ")", "[", "]", ".", "!", "~", "*", "&", "+", "-", "/", "%", "<", ">", "^", "|", "?", ":", "=", ",", "@",
}

// lex splits src into tokens, ending with a tokEOF.
func lex(src string) ([]token, error) {
	var out []token
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return append(out, token{kind: tokEOF, pos: i}), nil
		}
		c := src[i]
		start := i
		switch {
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			i = scanNumber(src, i)
			out = append(out, token{tokNumber, src[start:i], start})
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
				// A C++ qualified name ("geo::counter") is one identifier.
				if i+2 < len(src) && src[i] == ':' && src[i+1] == ':' && isIdentStart(src[i+2]) {
					i += 2
				}
			}
			out = append(out, token{tokIdent, src[start:i], start})
		case c == '$':
			i++
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			if i == start+1 {
				return nil, &SyntaxError{src, start + 1, `"$" must be followed by a register name, as in $rax`}
			}
			out = append(out, token{tokRegister, src[start+1 : i], start})
		case c == '\'' || c == '"':
			end, err := scanQuoted(src, i)
			if err != nil {
				return nil, err
			}
			kind := tokChar
			if c == '"' {
				kind = tokString
			}
			i = end
			out = append(out, token{kind, src[start:i], start})
		default:
			p := ""
			for _, cand := range punctuators {
				if strings.HasPrefix(src[i:], cand) {
					p = cand
					break
				}
			}
			if p == "" {
				return nil, &SyntaxError{src, start + 1, fmt.Sprintf("unexpected character %q", c)}
			}
			i += len(p)
			out = append(out, token{tokPunct, p, start})
		}
	}
}

// scanNumber returns the end of the number starting at i: digits, letters
// (hex digits, suffixes, exponent markers), dots, and the sign right after
// a decimal exponent.
func scanNumber(src string, i int) int {
	hex := strings.HasPrefix(src[i:], "0x") || strings.HasPrefix(src[i:], "0X")
	for i < len(src) {
		c := src[i]
		switch {
		case isIdentChar(c) || c == '.':
			i++
		case (c == '+' || c == '-') && !hex && (src[i-1] == 'e' || src[i-1] == 'E'):
			i++
		default:
			return i
		}
	}
	return i
}

// scanQuoted returns the end of the character or string literal at i.
func scanQuoted(src string, i int) (int, error) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1, nil
		}
	}
	what := "string literal"
	if q == '\'' {
		what = "character literal"
	}
	return 0, &SyntaxError{src, i + 1, "unterminated " + what}
}

func isSpace(c byte) bool      { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
