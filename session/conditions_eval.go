package session

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dapproc/dapproc/eval"
	"github.com/dapproc/dapproc/symbols"
)

// exprState caches what evaluating expressions at stops needs, so a
// breakpoint condition hit again costs no parsing and no DWARF reading:
// the parsed expressions by source text, the logpoint templates, and the
// innermost-frame scope (names and locations) per PC.
type exprState struct {
	parsed    map[string]parsedExpr
	templates map[string][]logPart
	table     *symbols.Table            // the table the scopes belong to
	images    []*symbols.Image          // its images when the scopes were made
	scopes    map[uint64]*symbols.Scope // innermost scope per PC
	dregs     *dwarfRegs                // scratch registers of the evaluation in progress
}

type parsedExpr struct {
	e   *eval.Expr
	err error
}

// Bounds on the caches: the repl parses whatever the user types.
const (
	maxParsed = 512
	maxScopes = 4096
)

// parse returns the parsed expression for src, parsing it once.
func (s *Session) parse(src string) (*eval.Expr, error) {
	if p, ok := s.expr.parsed[src]; ok {
		return p.e, p.err
	}
	e, err := eval.Parse(src)
	if s.expr.parsed == nil || len(s.expr.parsed) >= maxParsed {
		s.expr.parsed = map[string]parsedExpr{}
	}
	s.expr.parsed[src] = parsedExpr{e, err}
	return e, err
}

// innermostScope returns the scope of the innermost frame at pc, resolved
// once per PC for the current symbol table. Scopes are made again when a
// library was loaded or unloaded since (a scope keeps the globals it
// found, which may live in a library).
func (s *Session) innermostScope(pc uint64) (*symbols.Scope, error) {
	if s.expr.table != s.table || !slices.Equal(s.expr.images, s.table.Images()) {
		s.expr.table, s.expr.scopes = s.table, nil
		s.expr.images = slices.Clone(s.table.Images())
	}
	if sc, ok := s.expr.scopes[pc]; ok {
		return sc, nil
	}
	sc, err := s.table.InnermostScope(pc)
	if err != nil {
		return nil, err
	}
	if s.expr.scopes == nil || len(s.expr.scopes) >= maxScopes {
		s.expr.scopes = map[uint64]*symbols.Scope{}
	}
	s.expr.scopes[pc] = sc
	return sc, nil
}

// evalCondition compiles (cached per source text) and evaluates a
// breakpoint condition in the context of thread tid's top frame at the
// current stop; true when non-zero. It reads the thread's registers (the
// tracer caches them per stop), no other frame, and memory once per value
// the condition uses. Must be called on the session goroutine with the
// process stopped.
func (s *Session) evalCondition(tid int, src string) (bool, error) {
	e, err := s.parse(src)
	if err != nil {
		return false, err
	}
	ctx, err := s.innermostContext(tid)
	if err != nil {
		return false, err
	}
	return e.Condition(ctx)
}

// logPart is a piece of a logpoint message: literal text, or an
// expression to interpolate.
type logPart struct {
	text string
	expr string // set for {expr}
}

// parseLogMessage splits a logpoint message into text and {expressions};
// "{{" and "}}" are literal braces, and a "{" without its "}" is kept as
// text.
func parseLogMessage(msg string) []logPart {
	var parts []logPart
	var text strings.Builder
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		switch {
		case (c == '{' || c == '}') && i+1 < len(msg) && msg[i+1] == c:
			text.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(msg[i+1:], '}')
			if end < 0 {
				text.WriteString(msg[i:])
				i = len(msg)
				continue
			}
			if text.Len() > 0 {
				parts = append(parts, logPart{text: text.String()})
				text.Reset()
			}
			parts = append(parts, logPart{expr: strings.TrimSpace(msg[i+1 : i+1+end])})
			i += end + 1
		default:
			text.WriteByte(c)
		}
	}
	if text.Len() > 0 {
		parts = append(parts, logPart{text: text.String()})
	}
	return parts
}

// interpolateLog expands {expr} in a logpoint message ({{ and }} are
// literal braces) in the context of thread tid's top frame; an expression
// that fails shows as <error: why> in place. Values are shown as in the
// Variables view ("42", "0x4052a0 \"hello\""). Must be called on the
// session goroutine with the process stopped.
func (s *Session) interpolateLog(tid int, msg string) string {
	parts, ok := s.expr.templates[msg]
	if !ok {
		parts = parseLogMessage(msg)
		if s.expr.templates == nil || len(s.expr.templates) >= maxParsed {
			s.expr.templates = map[string][]logPart{}
		}
		s.expr.templates[msg] = parts
	}
	var out strings.Builder
	var ctx *exprContext
	var ctxErr error
	for _, p := range parts {
		if p.expr == "" && p.text != "" {
			out.WriteString(p.text)
			continue
		}
		if ctx == nil && ctxErr == nil {
			ctx, ctxErr = s.innermostContext(tid)
		}
		if ctxErr != nil {
			fmt.Fprintf(&out, "<error: %v>", ctxErr)
			continue
		}
		v, err := s.evalText(ctx, p.expr)
		if err != nil {
			fmt.Fprintf(&out, "<error: %v>", err)
			continue
		}
		out.WriteString(v)
	}
	return out.String()
}

// evalText evaluates src in ctx and formats the value as the Variables
// view shows it.
func (s *Session) evalText(ctx eval.Context, src string) (string, error) {
	if src == "" {
		return "", errors.New("empty expression")
	}
	vv, err := s.evalVariable(ctx, src)
	if err != nil {
		return "", err
	}
	return vv.Value, nil
}

// evalVariable evaluates src in ctx into a row of the Variables view; a
// value that cannot be read is an error.
func (s *Session) evalVariable(ctx eval.Context, src string) (*symbols.Variable, error) {
	e, err := s.parse(src)
	if err != nil {
		return nil, err
	}
	v, err := e.Eval(ctx)
	if err != nil {
		return nil, err
	}
	vv, err := s.exprVariable(ctx, src, v)
	if err != nil {
		return nil, err
	}
	if vv.Unavailable != "" {
		return nil, errors.New(vv.Unavailable)
	}
	return vv, nil
}

// exprVariable turns an expression's value into a Variable named name, to
// show it (formatted as the Variables view formats values) and list its
// children.
func (s *Session) exprVariable(ctx eval.Context, name string, v eval.Value) (*symbols.Variable, error) {
	v, err := v.Materialize(ctx)
	if err != nil {
		return nil, err
	}
	if v.InMemory {
		return s.table.NewValue(v.Image, name, v.Type, v.Addr, nil, s.proc), nil
	}
	return s.table.NewValue(v.Image, name, v.Type, 0, v.Data, s.proc), nil
}
