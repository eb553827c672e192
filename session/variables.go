package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/symbols"
)

// elementIndex parses the name of an array element, "[12]".
func elementIndex(name string) (int, bool) {
	if !strings.HasPrefix(name, "[") || !strings.HasSuffix(name, "]") {
		return 0, false
	}
	i, err := strconv.Atoi(name[1 : len(name)-1])
	return i, err == nil && i >= 0
}

// shadowedSuffix marks a local hidden by one of the same name in an inner
// block, so the two rows of the Locals scope can be told apart (and set).
const shadowedSuffix = " (shadowed)"

// Scopes answers `scopes` for a frame: Locals (parameters and locals),
// Registers (general purpose, with the vector registers as a child group)
// and Globals of the frame's image.
func (s *Session) Scopes(frameID int) ([]dap.Scope, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	ref, f, err := s.frameByID(frameID)
	if err != nil {
		return nil, err
	}
	scopes := []dap.Scope{
		{Name: "Locals", PresentationHint: "locals", VariablesReference: s.handles.add(container{kind: listLocals, frame: ref})},
		{Name: "Registers", PresentationHint: "registers", VariablesReference: s.handles.add(container{kind: listRegisters, frame: ref})},
	}
	if fn := f.Function; fn != nil && fn.File != "" && fn.Line > 0 {
		// The Locals scope covers the function, from its declaration.
		scopes[0].Source = s.clientSource(fn.File)
		scopes[0].Line = fn.Line
	}
	if im := f.Image; im != nil && im.HasDebugInfo() {
		scopes = append(scopes, dap.Scope{
			Name:               "Globals",
			VariablesReference: s.handles.add(container{kind: listGlobals, frame: ref, image: im}),
			// A library (libc with debug info, a Go runtime) can have
			// thousands: let the client fetch them only when asked.
			Expensive: im != s.table.Executable() || isGoProgram(im),
		})
	}
	return scopes, nil
}

// isGoProgram tells a Go executable by the build information section the
// Go linker writes: a Go program's globals include the whole runtime's.
func isGoProgram(im *symbols.Image) bool {
	return im.ELF() != nil && im.ELF().Section(".go.buildinfo") != nil
}

// Variables answers `variables`: the children of a reference from scopes,
// variables, or evaluate. filter is "indexed", "named" or "" (both); count
// 0 means all from start.
func (s *Session) Variables(ref int, filter string, start, count int) ([]dap.Variable, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	c, err := s.handles.get(ref)
	if err != nil {
		return nil, err
	}
	switch c.kind {
	case listRegisters:
		return s.registerVariables(c.frame, filter, start, count)
	case listVector:
		return s.vectorVariables(c.frame, filter, start, count)
	}
	vars, parentExpr, err := s.listVariables(c, filter, start, count)
	if err != nil {
		return nil, err
	}
	out := make([]dap.Variable, 0, len(vars)+1)
	for _, v := range vars {
		out = append(out, s.dapVariable(v, childExpr(parentExpr, v.Name, c.kind)))
	}
	if c.kind == listChildren && count <= 0 {
		if indexed, _ := c.v.ChildCount(s.proc); indexed-start > maxUnpagedChildren {
			out = append(out, dap.Variable{
				Name:             "[...]",
				Value:            fmt.Sprintf("%d more elements: expand the array in pages (start, count)", indexed-start-maxUnpagedChildren),
				PresentationHint: &dap.VariablePresentationHint{Kind: "virtual", Attributes: []string{"readOnly"}},
			})
		}
	}
	return out, nil
}

// maxUnpagedChildren bounds the children of one variables answer that
// asks for all of them.
const maxUnpagedChildren = 1000

// listVariables returns the page of symbols variables that c lists, and
// the expression that names c's variable (for children's evaluateName).
func (s *Session) listVariables(c container, filter string, start, count int) ([]*symbols.Variable, string, error) {
	switch c.kind {
	case listChildren:
		indexed, _ := c.v.ChildCount(s.proc)
		if (filter == "indexed" && indexed == 0) || (filter == "named" && indexed > 0) {
			return nil, "", nil
		}
		if count <= 0 {
			// A client that does not page gets the first elements of a
			// large array, and a last row saying how many are left out.
			count = maxUnpagedChildren
		}
		kids, err := c.v.Children(s.proc, start, count)
		if err != nil {
			return nil, "", fmt.Errorf("children of %s: %w", c.v.Name, err)
		}
		return kids, c.expr, nil
	case listLocals, listGlobals:
		if filter == "indexed" {
			return nil, "", nil
		}
		all, err := s.scopeVariables(c)
		if err != nil {
			return nil, "", err
		}
		return page(all, start, count), "", nil
	}
	return nil, "", fmt.Errorf("variablesReference of kind %d lists no variables", c.kind)
}

// scopeVariables lists every variable of a Locals or Globals scope.
func (s *Session) scopeVariables(c container) ([]*symbols.Variable, error) {
	if c.kind == listGlobals {
		vars, err := s.table.Globals(c.image, s.proc)
		if err != nil {
			return nil, fmt.Errorf("globals of %s: %w", c.image.Path, err)
		}
		return vars, nil
	}
	frames, err := s.stack(c.frame.tid)
	if err != nil {
		return nil, err
	}
	if c.frame.index >= len(frames) {
		return nil, ErrStaleHandle{Kind: "frameId", ID: c.frame.index}
	}
	params, locals, err := s.table.FrameVariables(&frames[c.frame.index], s.proc)
	if err != nil {
		return nil, fmt.Errorf("variables of frame %d of thread %d: %w", c.frame.index, c.frame.tid, err)
	}
	all := append(params, locals...)
	for _, v := range locals {
		if v.Shadowed {
			v.Name += shadowedSuffix
		}
	}
	return all, nil
}

// page returns count items of all from start (count <= 0: all the rest).
func page[T any](all []T, start, count int) []T {
	start = min(max(start, 0), len(all))
	end := len(all)
	if count > 0 {
		end = min(start+count, end)
	}
	return all[start:end]
}

// dapVariable describes v for the client: its value (or why it has none),
// type, children reference with their counts, and where it lives.
func (s *Session) dapVariable(v *symbols.Variable, evalName string) dap.Variable {
	out := dap.Variable{Name: v.Name, Value: v.Value, Type: v.Type, EvaluateName: evalName}
	if v.Unavailable != "" {
		out.Value = "<" + v.Unavailable + ">"
	}
	if ref := s.childrenRef(v, evalName); ref != 0 {
		out.VariablesReference = ref
		out.IndexedVariables, out.NamedVariables = v.ChildCount(s.proc)
	}
	out.MemoryReference = memoryReference(v, s.proc)
	if !settable(v, s.proc) {
		out.PresentationHint = readOnly
	}
	return out
}

// readOnly marks a row the editor should not offer to set.
var readOnly = &dap.VariablePresentationHint{Attributes: []string{"readOnly"}}

// settable reports whether setVariable can write v: a value in memory
// that is a scalar or a pointer (not a struct or array as a whole, not a
// value held in a register, a bit field, a C++ reference, or one the
// compiler lost).
func settable(v *symbols.Variable, mem symbols.MemoryReader) bool {
	if v.Unavailable != "" || v.Addr == 0 || strings.HasSuffix(v.Type, "&") {
		return false // lost, in a register, or a C++ reference (set what it is bound to)
	}
	if _, isPointer := v.PointerValue(mem); isPointer {
		return true
	}
	return !v.HasChildren
}

// memoryReference is where a value's bytes are, for the memory view: the
// address a pointer holds (as the DAP specification suggests for pointers),
// otherwise the address of the value itself; "" for a value that lives in
// a register or was computed.
func memoryReference(v *symbols.Variable, mem symbols.MemoryReader) string {
	if p, ok := v.PointerValue(mem); ok && p != 0 {
		return fmt.Sprintf("%#x", p)
	}
	if v.Addr != 0 {
		return fmt.Sprintf("%#x", v.Addr)
	}
	return ""
}

// childExpr is the C expression for a child named name of the variable
// named by parent: a field, an element or a pointee. Scope members (parent
// "") are named by themselves; base-class parts have no expression.
func childExpr(parent, name string, kind listKind) string {
	if kind != listChildren {
		if strings.HasSuffix(name, shadowedSuffix) {
			return ""
		}
		return name
	}
	switch {
	case parent == "", strings.HasPrefix(name, "<"):
		return ""
	case strings.HasPrefix(name, "["):
		return parent + name
	case strings.HasPrefix(name, "*"):
		return "*" + parenthesize(parent)
	}
	return parenthesize(parent) + "." + name
}

// parenthesize wraps an expression that is not a plain name or postfix
// chain, so a suffix binds to all of it.
func parenthesize(e string) string {
	if strings.HasPrefix(e, "*") {
		return "(" + e + ")"
	}
	return e
}

// SetVariable answers `setVariable` on a variable of a Locals, Globals or
// children reference (a scalar in memory) or on a register. It returns the
// variable as it now reads.
func (s *Session) SetVariable(ref int, name, value string) (dap.Variable, error) {
	if err := s.needStopped(); err != nil {
		return dap.Variable{}, err
	}
	c, err := s.handles.get(ref)
	if err != nil {
		return dap.Variable{}, err
	}
	switch c.kind {
	case listRegisters:
		return s.setRegister(c.frame, name, value)
	case listVector:
		return dap.Variable{}, fmt.Errorf("%s cannot be set: dapproc does not write x87 or vector registers", name)
	}
	start, count := 0, 0
	if i, ok := elementIndex(name); ok && c.kind == listChildren {
		start, count = i, 1 // read one element, not the whole array
	}
	vars, parentExpr, err := s.listVariables(c, "", start, count)
	if err != nil {
		return dap.Variable{}, err
	}
	for _, v := range vars {
		if v.Name != name {
			continue
		}
		if err := v.SetValue(s.proc, value); err != nil {
			return dap.Variable{}, err
		}
		s.memoryChanged(v.Addr, int(v.DwarfType().Size()))
		s.invalidate("variables")
		return s.dapVariable(v, childExpr(parentExpr, v.Name, c.kind)), nil
	}
	return dap.Variable{}, fmt.Errorf("no variable %q in variablesReference %d: ask for variables again", name, ref)
}
