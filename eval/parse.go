package eval

import (
	"fmt"
	"strings"
)

// Expr is a parsed expression, ready to be evaluated any number of times.
type Expr struct {
	src    string
	root   node
	writes bool // contains an assignment
}

// String returns the expression's source text.
func (e *Expr) String() string { return e.src }

// Writes reports whether evaluating the expression changes the program
// (it contains an assignment).
func (e *Expr) Writes() bool { return e.writes }

// Parse parses src. The error is a *SyntaxError naming the column.
func Parse(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	if p.peek().kind == tokEOF {
		return nil, &SyntaxError{src, 1, "empty expression"}
	}
	root, err := p.assign()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errorAt(t, fmt.Sprintf("unexpected %q after the expression", t.text))
	}
	return &Expr{src: src, root: root, writes: p.writes}, nil
}

type parser struct {
	src    string
	toks   []token
	i      int
	writes bool
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// is reports whether the next token is the punctuator s.
func (p *parser) is(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *parser) expect(s string) (token, error) {
	t := p.peek()
	if t.kind != tokPunct || t.text != s {
		return t, p.errorAt(t, fmt.Sprintf("expected %q, found %s", s, describe(t)))
	}
	return p.next(), nil
}

func describe(t token) string {
	if t.kind == tokEOF {
		return "the end of the expression"
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) errorAt(t token, msg string) error {
	return &SyntaxError{p.src, t.pos + 1, msg}
}

// end is the source offset just after the last token consumed.
func (p *parser) end() int {
	if p.i == 0 {
		return 0
	}
	t := p.toks[p.i-1]
	if t.kind == tokRegister {
		return t.pos + 1 + len(t.text)
	}
	return t.pos + len(t.text)
}

func (p *parser) assign() (node, error) {
	start := p.peek().pos
	lhs, err := p.conditional()
	if err != nil {
		return nil, err
	}
	if !p.is("=") {
		return lhs, nil
	}
	p.next()
	rhs, err := p.assign()
	if err != nil {
		return nil, err
	}
	p.writes = true
	return &assign{pos{start, p.end()}, lhs, rhs}, nil
}

func (p *parser) conditional() (node, error) {
	start := p.peek().pos
	c, err := p.binaryLevel(0)
	if err != nil {
		return nil, err
	}
	if !p.is("?") {
		return c, nil
	}
	p.next()
	x, err := p.assign()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	y, err := p.conditional()
	if err != nil {
		return nil, err
	}
	return &conditional{pos{start, p.end()}, c, x, y}, nil
}

// levels are the binary operators by precedence, loosest first.
var levels = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"},
	{"==", "!="}, {"<", "<=", ">", ">="}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
	{"@"}, // gdb's artificial array: *p@4 is the 4 values from p
}

func (p *parser) binaryLevel(level int) (node, error) {
	if level == len(levels) {
		return p.unary()
	}
	start := p.peek().pos
	x, err := p.binaryLevel(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokPunct || !contains(levels[level], t.text) {
			return x, nil
		}
		p.next()
		y, err := p.binaryLevel(level + 1)
		if err != nil {
			return nil, err
		}
		at := pos{start, p.end()}
		if t.text == "&&" || t.text == "||" {
			x = &logical{at, t.text, x, y}
		} else {
			x = &binaryOp{at, t.text, x, y}
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	start := t.pos
	if t.kind == tokPunct {
		switch t.text {
		case "-", "+", "!", "~", "*", "&":
			p.next()
			x, err := p.unary()
			if err != nil {
				return nil, err
			}
			return &unary{pos{start, p.end()}, t.text, x}, nil
		case "(":
			if tn, ok, err := p.tryTypeInParens(); err != nil {
				return nil, err
			} else if ok {
				x, err := p.unary()
				if err != nil {
					return nil, err
				}
				return &cast{pos{start, p.end()}, tn, x}, nil
			}
		}
	}
	if t.kind == tokIdent && t.text == "sizeof" {
		p.next()
		if p.is("(") {
			if tn, ok, err := p.tryTypeInParens(); err != nil {
				return nil, err
			} else if ok {
				return &sizeofType{pos{start, p.end()}, tn}, nil
			}
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &sizeofExpr{pos{start, p.end()}, x}, nil
	}
	return p.postfix()
}

func (p *parser) postfix() (node, error) {
	start := p.peek().pos
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.is("["):
			p.next()
			i, err := p.assign()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &index{pos{start, p.end()}, x, i}
		case p.is(".") || p.is("->"):
			op := p.next()
			name := p.peek()
			if name.kind != tokIdent {
				return nil, p.errorAt(name, fmt.Sprintf("expected a member name after %q, found %s", op.text, describe(name)))
			}
			p.next()
			x = &member{pos{start, p.end()}, x, name.text, op.text == "->"}
		default:
			return x, nil
		}
	}
}

func (p *parser) primary() (node, error) {
	t := p.next()
	at := pos{t.pos, p.end()}
	switch t.kind {
	case tokNumber:
		v, err := numberLiteral(t.text)
		if err != nil {
			return nil, p.errorAt(t, err.Error())
		}
		return &numberLit{at, v}, nil
	case tokChar:
		v, err := charLiteral(t.text)
		if err != nil {
			return nil, p.errorAt(t, err.Error())
		}
		return &numberLit{at, v}, nil
	case tokString:
		s, err := unquote(t.text)
		if err != nil {
			return nil, p.errorAt(t, err.Error())
		}
		return &stringLit{at, s}, nil
	case tokIdent:
		if isTypeKeyword(t.text) {
			return nil, p.errorAt(t, fmt.Sprintf("unexpected type name %q: a cast is written (%s)x", t.text, t.text))
		}
		return &ident{at, t.text}, nil
	case tokRegister:
		return &register{at, t.text}, nil
	case tokPunct:
		if t.text == "(" {
			x, err := p.assign()
			if err != nil {
				return nil, err
			}
			if _, err := p.expect(")"); err != nil {
				return nil, err
			}
			return x, nil
		}
	}
	return nil, p.errorAt(t, fmt.Sprintf("expected a value, found %s", describe(t)))
}

// tryTypeInParens parses "(" type ")" when the parenthesis holds a type
// name; otherwise it consumes nothing and returns ok false. A name that is
// not a keyword is taken for a typedef (to be found in the program) only
// where it cannot be an expression: before "*" and ")" as in (myint *)p,
// or when a value follows the ")" as in (myint)x.
func (p *parser) tryTypeInParens() (typeName, bool, error) {
	first := p.toks[p.i+1]
	if first.kind != tokIdent {
		return typeName{}, false, nil
	}
	if !isTypeStart(first.text) && !p.typedefCast() {
		return typeName{}, false, nil
	}
	p.next() // "("
	tn, err := p.typeName()
	if err != nil {
		return typeName{}, false, err
	}
	if _, err := p.expect(")"); err != nil {
		return typeName{}, false, err
	}
	return tn, true, nil
}

// typedefCast looks ahead from "(" name for the shapes only a cast has.
func (p *parser) typedefCast() bool {
	j := p.i + 2
	stars := 0
	for p.toks[j].kind == tokPunct && p.toks[j].text == "*" {
		j++
		stars++
	}
	if t := p.toks[j]; t.kind != tokPunct || t.text != ")" {
		return false
	}
	if stars > 0 {
		return true
	}
	switch after := p.toks[j+1]; after.kind {
	case tokIdent, tokNumber, tokChar, tokString, tokRegister:
		return true
	case tokPunct:
		return after.text == "("
	}
	return false
}

// builtinWords are the keywords that make up C's basic type names.
var builtinWords = map[string]bool{
	"void": true, "char": true, "short": true, "int": true, "long": true, "signed": true, "unsigned": true,
	"float": true, "double": true, "_Bool": true, "bool": true,
}

func isTypeKeyword(s string) bool {
	return builtinWords[s] || s == "struct" || s == "union" || s == "enum" || s == "class"
}

func isTypeStart(s string) bool {
	_, fixed := fixedTypes[s]
	return isTypeKeyword(s) || s == "const" || s == "volatile" || fixed
}

// typeName parses a type: qualifiers (ignored), a builtin type spelled
// with any of C's keyword orders, a fixed-width name (uint32_t), or a
// tagged type (struct point), then any number of "*".
func (p *parser) typeName() (typeName, error) {
	var words []string
	var tn typeName
	for {
		t := p.peek()
		if t.kind != tokIdent {
			break
		}
		switch {
		case t.text == "const" || t.text == "volatile":
			p.next()
			continue
		case t.text == "struct" || t.text == "union" || t.text == "enum" || t.text == "class":
			p.next()
			name := p.next()
			if name.kind != tokIdent {
				return tn, p.errorAt(name, fmt.Sprintf("expected a name after %q", t.text))
			}
			tn.tag, tn.base = t.text, name.text
			if t.text == "class" {
				tn.tag = "struct"
			}
			continue
		case builtinWords[t.text] && tn.tag == "":
			words = append(words, t.text)
			p.next()
			continue
		}
		if len(words) == 0 && tn.tag == "" && tn.base == "" && !isTypeKeyword(t.text) {
			tn.base = t.text // a <stdint.h> name, or a typedef of the program
			p.next()
			continue
		}
		break
	}
	if len(words) > 0 {
		base, err := canonicalBuiltin(words)
		if err != nil {
			return tn, p.errorAt(p.peek(), err.Error())
		}
		tn.base = base
	}
	if tn.base == "" {
		return tn, p.errorAt(p.peek(), "expected a type name")
	}
	for p.is("*") || p.peek().kind == tokIdent && p.peek().text == "const" {
		if p.next().text == "*" {
			tn.pointers++
		}
	}
	return tn, nil
}

// canonicalBuiltin names the builtin type that a list of keywords spells
// ("long unsigned int" is "unsigned long").
func canonicalBuiltin(words []string) (string, error) {
	var signed, unsigned, short, char, intw, float, double, void, boolean, long int
	for _, w := range words {
		switch w {
		case "signed":
			signed++
		case "unsigned":
			unsigned++
		case "short":
			short++
		case "long":
			long++
		case "char":
			char++
		case "int":
			intw++
		case "float":
			float++
		case "double":
			double++
		case "void":
			void++
		case "_Bool", "bool":
			boolean++
		}
	}
	bad := fmt.Errorf("%q is not a C type", strings.Join(words, " "))
	if signed+unsigned > 1 || intw > 1 || short > 1 || long > 2 || char > 1 {
		return "", bad
	}
	sign := ""
	if unsigned == 1 {
		sign = "unsigned "
	}
	others := float + double + void + boolean
	switch {
	case others > 0:
		if signed+unsigned+short+char+intw > 0 || others > 1 || long > 0 && double == 0 || long > 1 {
			return "", bad
		}
		switch {
		case float == 1:
			return "float", nil
		case double == 1 && long == 1:
			return "long double", nil
		case double == 1:
			return "double", nil
		case void == 1:
			return "void", nil
		}
		return "_Bool", nil
	case char == 1:
		if short+long+intw > 0 {
			return "", bad
		}
		if signed == 1 {
			return "signed char", nil
		}
		return sign + "char", nil
	case short == 1:
		if long > 0 {
			return "", bad
		}
		return sign + "short", nil
	case long == 2:
		return sign + "long long", nil
	case long == 1:
		return sign + "long", nil
	}
	return sign + "int", nil
}
