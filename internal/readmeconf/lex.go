package readmeconf

import (
	"fmt"
	"strings"
)

// tokenKind is the lexical class of a Lua token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokName
	tokKeyword
	tokString
	tokNumber
	tokSymbol
)

// token is one Lua token; text is the decoded value of a string and the
// source text of anything else; start and end are byte offsets in the source.
type token struct {
	kind       tokenKind
	text       string
	start, end int
	line       int
}

var keywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "goto": true, "if": true, "in": true,
	"local": true, "nil": true, "not": true, "or": true, "repeat": true, "return": true,
	"then": true, "true": true, "until": true, "while": true,
}

// symbols are Lua's operators and punctuation, longest first.
var symbols = []string{
	"...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::",
	"+", "-", "*", "/", "%", "^", "#", "&", "~", "|", "<", ">", "=",
	"(", ")", "{", "}", "[", "]", ";", ":", ",", ".",
}

// lex splits Lua source into tokens, dropping comments and white space.
// firstLine is the line number of src's first line (for messages).
func lex(src string, firstLine int) ([]token, error) {
	var toks []token
	line := firstLine
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(src[i:], "--"):
			j := i + 2
			if level, ok := longBracket(src[j:]); ok {
				body, n, err := longString(src[j:], level)
				if err != nil {
					return nil, fmt.Errorf("line %d: comment: %w", line, err)
				}
				line += strings.Count(body, "\n")
				i = j + n
				continue
			}
			for j < len(src) && src[j] != '\n' {
				j++
			}
			i = j
		case c == '\'' || c == '"':
			text, n, err := quotedString(src[i:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			toks = append(toks, token{tokString, text, i, i + n, line})
			i += n
		case c == '[':
			if level, ok := longBracket(src[i:]); ok {
				body, n, err := longString(src[i:], level)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				toks = append(toks, token{tokString, strings.TrimPrefix(body, "\n"), i, i + n, line})
				line += strings.Count(body, "\n")
				i += n
				continue
			}
			toks = append(toks, token{tokSymbol, "[", i, i + 1, line})
			i++
		case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i + 1
			for j < len(src) && (isNameByte(src[j]) || isDigit(src[j]) || src[j] == '.' ||
				((src[j] == '-' || src[j] == '+') && strings.ContainsRune("eEpP", rune(src[j-1])))) {
				j++
			}
			toks = append(toks, token{tokNumber, src[i:j], i, j, line})
			i = j
		case isNameByte(c):
			j := i + 1
			for j < len(src) && (isNameByte(src[j]) || isDigit(src[j])) {
				j++
			}
			kind := tokName
			if keywords[src[i:j]] {
				kind = tokKeyword
			}
			toks = append(toks, token{kind, src[i:j], i, j, line})
			i = j
		default:
			sym := ""
			for _, s := range symbols {
				if strings.HasPrefix(src[i:], s) {
					sym = s
					break
				}
			}
			if sym == "" {
				return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
			}
			toks = append(toks, token{tokSymbol, sym, i, i + len(sym), line})
			i += len(sym)
		}
	}
	return append(toks, token{tokEOF, "", len(src), len(src), line}), nil
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isNameByte(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// longBracket reports whether s opens a long bracket ([[ or [==[) and its level.
func longBracket(s string) (level int, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return 0, false
	}
	n := 1
	for n < len(s) && s[n] == '=' {
		n++
	}
	if n < len(s) && s[n] == '[' {
		return n - 1, true
	}
	return 0, false
}

// longString reads a long bracket of level at the start of s; it returns
// the text between the brackets and the length consumed.
func longString(s string, level int) (body string, n int, err error) {
	open := 2 + level
	closing := "]" + strings.Repeat("=", level) + "]"
	end := strings.Index(s[open:], closing)
	if end < 0 {
		return "", 0, fmt.Errorf("long bracket is never closed (want %s)", closing)
	}
	return s[open : open+end], open + end + len(closing), nil
}

// quotedString decodes a '...' or "..." string at the start of s and
// returns it and the length consumed.
func quotedString(s string) (text string, n int, err error) {
	quote := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == quote:
			return b.String(), i + 1, nil
		case c == '\n':
			return "", 0, fmt.Errorf("string %s... runs past the end of the line", s[:i])
		case c == '\\' && i+1 < len(s):
			i++
			esc, ok := map[byte]string{'n': "\n", 't': "\t", 'r': "\r", '\\': "\\", '"': "\"", '\'': "'", 'a': "\a"}[s[i]]
			if !ok {
				return "", 0, fmt.Errorf("escape \\%c in %s is outside the Lua subset read here", s[i], s[:i+1])
			}
			b.WriteString(esc)
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("string %s is never closed", s)
}
