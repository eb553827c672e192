package readmeconf

import (
	"fmt"
	"strconv"
	"strings"
)

// Value is a Lua value of the subset read here: string, float64, bool, nil,
// *Table, or Func for what is not evaluated.
type Value any

// Table is the value of a table constructor.
type Table struct {
	Items  []Value          // positional fields, in order
	Fields map[string]Value // named fields (name = v, or ['name'] = v)
	Keys   []string         // the names of Fields in source order
	Line   int              // line of the opening brace
}

// Func is an expression that is kept as text instead of evaluated: a
// function (`function() ... end`), or a call or field of something that
// is not a name assigned earlier (`require('dap.utils').pick_process`).
// Whoever runs the configuration decides what it stands for.
type Func struct {
	Source string
	Line   int
}

// Assignment is one statement `[local] target = value`.
type Assignment struct {
	Target string // a name or a dotted path such as "dap.adapters.dapproc"
	Local  bool
	Value  Value
	Line   int
}

// Script is the state of a sequence of Lua chunks (such as the code blocks
// of a README section) read one after another: every assignment, in order,
// and the latest value of each target, which later chunks may refer to by
// name (`dap.configurations.cpp = dap.configurations.c`).
type Script struct {
	Assignments []Assignment
	values      map[string]Value
}

// Run reads one chunk whose first line is document line firstLine. Only
// assignments of values of the subset are accepted; anything else (a call
// statement, an operator, a loop) is an error naming its line.
func (s *Script) Run(src string, firstLine int) error {
	toks, err := lex(src, firstLine)
	if err != nil {
		return err
	}
	p := &parser{src: src, toks: toks, script: s}
	for p.peek().kind != tokEOF {
		a, err := p.statement()
		if err != nil {
			return err
		}
		if s.values == nil {
			s.values = map[string]Value{}
		}
		s.values[a.Target] = a.Value
		s.Assignments = append(s.Assignments, a)
	}
	return nil
}

// Value returns the latest value assigned to target.
func (s *Script) Value(target string) (Value, bool) {
	v, ok := s.values[target]
	return v, ok
}

// Targets returns the distinct targets of assignments whose target starts
// with prefix, in the order they were first assigned.
func (s *Script) Targets(prefix string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range s.Assignments {
		if strings.HasPrefix(a.Target, prefix) && !seen[a.Target] {
			seen[a.Target] = true
			out = append(out, a.Target)
		}
	}
	return out
}

type parser struct {
	src    string
	toks   []token
	pos    int
	script *Script
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// is reports whether the next token is the symbol or keyword text.
func (p *parser) is(text string) bool {
	t := p.peek()
	return (t.kind == tokSymbol || t.kind == tokKeyword) && t.text == text
}

func (p *parser) expect(text string) (token, error) {
	t := p.next()
	if (t.kind != tokSymbol && t.kind != tokKeyword) || t.text != text {
		return t, fmt.Errorf("line %d: expected %q, found %s", t.line, text, describe(t))
	}
	return t, nil
}

func describe(t token) string {
	if t.kind == tokEOF {
		return "the end of the block"
	}
	return strconv.Quote(t.text)
}

// statement reads `[local] name{.name} = expression`.
func (p *parser) statement() (Assignment, error) {
	a := Assignment{Line: p.peek().line}
	if p.is("local") {
		p.next()
		a.Local = true
	}
	t := p.next()
	if t.kind != tokName {
		return a, fmt.Errorf("line %d: expected an assignment, found %s (only assignments are read here)", t.line, describe(t))
	}
	a.Target = t.text
	for !a.Local && p.is(".") {
		p.next()
		n := p.next()
		if n.kind != tokName {
			return a, fmt.Errorf("line %d: expected a field name after %q, found %s", n.line, a.Target+".", describe(n))
		}
		a.Target += "." + n.text
	}
	if _, err := p.expect("="); err != nil {
		return a, fmt.Errorf("%w (only assignments are read here)", err)
	}
	v, err := p.expression()
	if err != nil {
		return a, err
	}
	if p.is(";") {
		p.next()
	}
	a.Value = v
	return a, nil
}

// expression reads one value; binary operators are outside the subset.
func (p *parser) expression() (Value, error) {
	v, err := p.simple()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tokSymbol && !strings.Contains(",;)}]", t.text) ||
		t.kind == tokKeyword && (t.text == "and" || t.text == "or") {
		return nil, fmt.Errorf("line %d: operator %s is outside the Lua subset read here (use a function value)", t.line, describe(t))
	}
	return v, nil
}

func (p *parser) simple() (Value, error) {
	t := p.peek()
	switch {
	case t.kind == tokString:
		p.next()
		return t.text, nil
	case t.kind == tokNumber:
		p.next()
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			if i, ierr := strconv.ParseInt(t.text, 0, 64); ierr == nil {
				return float64(i), nil
			}
			return nil, fmt.Errorf("line %d: number %s: %w", t.line, t.text, err)
		}
		return n, nil
	case t.kind == tokKeyword && (t.text == "true" || t.text == "false"):
		p.next()
		return t.text == "true", nil
	case t.kind == tokKeyword && t.text == "nil":
		p.next()
		return nil, nil
	case t.kind == tokKeyword && t.text == "function":
		return p.function()
	case t.kind == tokSymbol && t.text == "{":
		return p.table()
	case t.kind == tokName:
		return p.prefix()
	}
	return nil, fmt.Errorf("line %d: expected a value, found %s", t.line, describe(t))
}

// table reads a table constructor.
func (p *parser) table() (Value, error) {
	open, _ := p.expect("{")
	tab := &Table{Fields: map[string]Value{}, Line: open.line}
	for !p.is("}") {
		key := ""
		switch t := p.peek(); {
		case t.kind == tokName && p.toks[p.pos+1].kind == tokSymbol && p.toks[p.pos+1].text == "=":
			key = t.text
			p.pos += 2
		case t.kind == tokSymbol && t.text == "[":
			p.next()
			k := p.next()
			if k.kind != tokString {
				return nil, fmt.Errorf("line %d: only string keys ['name'] are read here, found %s", k.line, describe(k))
			}
			if _, err := p.expect("]"); err != nil {
				return nil, err
			}
			if _, err := p.expect("="); err != nil {
				return nil, err
			}
			key = k.text
		}
		v, err := p.expression()
		if err != nil {
			return nil, err
		}
		if key == "" {
			tab.Items = append(tab.Items, v)
		} else {
			if _, dup := tab.Fields[key]; dup {
				return nil, fmt.Errorf("line %d: field %q is set twice in the table of line %d", p.peek().line, key, tab.Line)
			}
			tab.Fields[key] = v
			tab.Keys = append(tab.Keys, key)
		}
		if p.is(",") || p.is(";") {
			p.next()
			continue
		}
		if !p.is("}") {
			t := p.peek()
			return nil, fmt.Errorf("line %d: expected \",\" or \"}\" in the table of line %d, found %s", t.line, tab.Line, describe(t))
		}
	}
	p.next()
	return tab, nil
}

// function reads `function (params) body end` and keeps it as text. Blocks
// nest through function, if, do (which also closes for and while) and
// repeat ... until.
func (p *parser) function() (Value, error) {
	start := p.next()
	depth := 1
	for depth > 0 {
		t := p.next()
		if t.kind == tokEOF {
			return nil, fmt.Errorf("line %d: function has no matching \"end\"", start.line)
		}
		if t.kind != tokKeyword {
			continue
		}
		switch t.text {
		case "function", "if", "do", "repeat":
			depth++
		case "end", "until":
			depth--
		}
	}
	end := p.toks[p.pos-1].end
	return Func{Source: p.src[start.start:end], Line: start.line}, nil
}

// prefix reads a name followed by fields, indexes and calls. A dotted name
// assigned earlier is that value; anything else is kept as text.
func (p *parser) prefix() (Value, error) {
	first := p.next()
	name, dotted := first.text, true
	for {
		switch {
		case p.is("."):
			p.next()
			n := p.next()
			if n.kind != tokName {
				return nil, fmt.Errorf("line %d: expected a field name, found %s", n.line, describe(n))
			}
			name += "." + n.text
			continue
		case p.is(":"):
			p.next()
			if n := p.next(); n.kind != tokName {
				return nil, fmt.Errorf("line %d: expected a method name, found %s", n.line, describe(n))
			}
			if err := p.callArgs(); err != nil {
				return nil, err
			}
		case p.is("["):
			p.next()
			if _, err := p.expression(); err != nil {
				return nil, err
			}
			if _, err := p.expect("]"); err != nil {
				return nil, err
			}
		case p.is("(") || p.is("{") || p.peek().kind == tokString:
			if err := p.callArgs(); err != nil {
				return nil, err
			}
		default:
			if dotted {
				if v, ok := p.script.values[name]; ok {
					return v, nil
				}
			}
			return Func{Source: p.src[first.start:p.toks[p.pos-1].end], Line: first.line}, nil
		}
		dotted = false
	}
}

// callArgs reads the arguments of a call: (a, b), a table or a string.
func (p *parser) callArgs() error {
	switch {
	case p.peek().kind == tokString:
		p.next()
		return nil
	case p.is("{"):
		_, err := p.table()
		return err
	}
	if _, err := p.expect("("); err != nil {
		return err
	}
	for !p.is(")") {
		if _, err := p.expression(); err != nil {
			return err
		}
		if p.is(",") {
			p.next()
		} else if !p.is(")") {
			t := p.peek()
			return fmt.Errorf("line %d: expected \",\" or \")\" in a call, found %s", t.line, describe(t))
		}
	}
	p.next()
	return nil
}
