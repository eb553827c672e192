package symbols

import (
	"debug/dwarf"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/frame"
	"github.com/go-delve/delve/pkg/dwarf/godwarf"
	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/reader"
)

// Scope is what the code of one frame sees at one PC: its parameters and
// locals, and the globals, each resolved once to its type and its DWARF
// location at that PC. Locating a variable afterwards costs one run of
// its location expression and no DWARF reading, which keeps breakpoint
// conditions cheap: the session keeps one Scope per PC.
//
// A Scope is not safe for concurrent use (Lookup fills its cache).
type Scope struct {
	tab       *Table
	im        *Image // nil when no image holds the PC
	fn        *Function
	pc        uint64              // the lookup PC
	innermost bool                // the CFA comes from row, not from an unwound Frame
	row       *frame.FrameContext // CFI row at pc (innermost scopes only); nil without CFI
	frameBase []byte              // DW_AT_frame_base at pc, or nil
	names     map[string]*Binding // locals and params; globals added as looked up
}

// Binding is one name of a Scope: a variable's type and where it lives.
type Binding struct {
	Name  string
	Type  godwarf.Type
	Image *Image

	expr    []byte // location expression at the scope's PC
	data    []byte // DW_AT_const_value
	addr    uint64 // a global at a fixed address (DW_OP_addr), when static is set
	static  bool
	fbreg   int64 // offset from the frame base (DW_OP_fbreg), when onFrame is set
	onFrame bool
	why     string // why there is no value
}

// InnermostScope returns the scope of the innermost frame of a thread
// stopped at pc (the innermost inlined call when pc is in inlined code).
// Unlike FrameScope it needs no unwind.
func (t *Table) InnermostScope(pc uint64) (*Scope, error) {
	f := Frame{PC: pc, lookup: pc, Image: t.ImageAt(pc)}
	if f.Image != nil {
		f.Function, _ = t.FunctionAt(pc)
		f.physical = f.Function
		f.Inlined = len(t.InlineStack(pc)) > 0
	}
	s, err := t.newScope(&f)
	if err != nil {
		return nil, err
	}
	s.innermost = true
	if f.Image != nil {
		s.row, err = f.Image.frames().rowAt(pc)
		if err != nil {
			return nil, fmt.Errorf("call-frame program of %s at %#x: %w", f.Image.Path, pc, err)
		}
	}
	return s, nil
}

// FrameScope returns the scope of an unwound frame.
func (t *Table) FrameScope(f *Frame) (*Scope, error) {
	return t.newScope(f)
}

// Image returns the image holding the scope's code, or nil.
func (s *Scope) Image() *Image { return s.im }

// Function returns the scope's physical function, or nil.
func (s *Scope) Function() *Function { return s.fn }

func (t *Table) newScope(f *Frame) (*Scope, error) {
	s := &Scope{tab: t, im: f.Image, fn: f.physical, pc: f.lookup, names: map[string]*Binding{}}
	fn := f.physical
	if fn == nil || !fn.HasDWARF() || f.Image == nil {
		return s, nil // no debug info: only globals
	}
	im := f.Image
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	tree, err := im.scopeTree(fn.DIE)
	if err != nil {
		return nil, err
	}
	if f.inlineDepth > 0 || f.Inlined {
		stack := reader.InlineStack(tree, s.pc)
		if f.inlineDepth < len(stack) {
			tree = stack[f.inlineDepth]
		}
	}
	cuEntry, err := im.unitEntryOf(fn, s.pc)
	if err != nil {
		return nil, err
	}
	// A context with registers, so that location lists are looked up at
	// the PC; nothing is executed with them.
	ctx := &evalContext{tab: t, im: im, regs: &op.DwarfRegisters{}, pc: s.pc, cu: im.compileUnit(d, cuEntry)}
	r := d.Reader()
	r.Seek(fn.DIE)
	if sub, err := r.Next(); err == nil && sub != nil {
		if fb := sub.AttrField(dwarf.AttrFrameBase); fb != nil {
			if expr, why := ctx.expression(fb); why == "" {
				s.frameBase = expr
			}
		}
	}
	depth := map[string]int{}
	params := map[string]*Binding{}
	for _, rv := range reader.Variables(tree, s.pc, 0, reader.VariablesOnlyVisible|reader.VariablesSkipInlinedSubroutines|reader.VariablesNoDeclLineCheck) {
		b := ctx.binding(rv.Tree)
		if b == nil {
			continue
		}
		if rv.Tag == dwarf.TagFormalParameter {
			params[b.Name] = b
			continue
		}
		if old, ok := s.names[b.Name]; !ok || rv.Depth >= depth[b.Name] || old == nil {
			s.names[b.Name], depth[b.Name] = b, rv.Depth
		}
	}
	for name, b := range params {
		if _, ok := s.names[name]; !ok {
			s.names[name] = b // a local of the same name hides a parameter
		}
	}
	return s, nil
}

// binding resolves a variable or parameter DIE to its type and location
// expression at the context's PC; nil for DIEs that are not values.
func (c *evalContext) binding(n *godwarf.Tree) *Binding {
	name, _ := n.Val(dwarf.AttrName).(string)
	if name == "" || name[0] == '.' {
		return nil
	}
	typOff, ok := n.Val(dwarf.AttrType).(dwarf.Offset)
	if !ok {
		return nil
	}
	b := &Binding{Name: name, Image: c.im}
	typ, err := c.im.typeAt(typOff)
	if err != nil {
		b.Type, b.why = &godwarf.VoidType{}, err.Error()
		return b
	}
	b.Type = typ
	if cv := n.Val(dwarf.AttrConstValue); cv != nil {
		b.data = constBytes(cv, typ.Size())
		return b
	}
	field := n.AttrField(dwarf.AttrLocation)
	if field == nil {
		b.why = whyOptimizedOut
		return b
	}
	b.expr, b.why = c.expression(field)
	if b.why == "" && len(b.expr) == 0 {
		b.why = whyOptimizedOut
	}
	// The two forms unoptimised code uses, decoded now rather than run
	// at each hit: a global at a fixed address (DW_OP_addr and its 8-byte
	// operand), a local at an offset from the frame base (DW_OP_fbreg).
	if len(b.expr) == 9 && b.expr[0] == byte(op.DW_OP_addr) {
		b.addr, b.static = binary.LittleEndian.Uint64(b.expr[1:])+c.im.Bias, true
	}
	if len(b.expr) > 1 && b.expr[0] == byte(op.DW_OP_fbreg) {
		if off, n := sleb128(b.expr[1:]); n == len(b.expr)-1 {
			b.fbreg, b.onFrame = off, true
		}
	}
	return b
}

// ErrNoVariable reports a name that no variable of the scope has.
type ErrNoVariable struct {
	Name string
}

func (e ErrNoVariable) Error() string { return fmt.Sprintf("unknown identifier %q", e.Name) }

// Lookup finds what a user means by name in the scope: a local (the
// innermost of several), else a parameter, else a global or static of the
// scope's image (of its compile unit first), else of another image; in Go
// code a global of the function's package may be named without it
// ("total" for "main.total"). It returns ErrNoVariable when nothing has
// that name.
func (s *Scope) Lookup(name string) (*Binding, error) {
	if b, ok := s.names[name]; ok {
		return b, nil
	}
	b, err := s.lookupGlobal(name)
	if err != nil && s.fn != nil && !strings.Contains(name, ".") {
		if pkg := goPackage(s.fn.Name); pkg != "" {
			if b, err = s.lookupGlobal(pkg + "." + name); err == nil {
				s.names[name] = b
				return b, nil
			}
			err = ErrNoVariable{name}
		}
	}
	return b, err
}

// goPackage returns the package path of a Go function's qualified name
// ("main" of "main.describe", "net/http" of "net/http.(*Server).Serve"),
// or "" for a name that is not one.
func goPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot <= 0 || strings.ContainsAny(fn, " :(") && !strings.Contains(fn, ".(") {
		return ""
	}
	return fn[:slash+1+dot]
}

func (s *Scope) lookupGlobal(name string) (*Binding, error) {
	images := s.tab.images
	if s.im != nil {
		images = append([]*Image{s.im}, s.tab.images...)
	}
	for _, im := range images {
		refs := im.globalsNamed(name)
		if len(refs) == 0 {
			continue
		}
		best := refs[0]
		if im == s.im && s.fn != nil {
			if cu, err := im.unitEntryOf(s.fn, s.pc); err == nil {
				for _, r := range refs {
					if r.cu.Offset == cu.Offset {
						best = r
					}
				}
			}
		}
		d, err := im.DWARF()
		if err != nil {
			continue
		}
		ctx := &evalContext{tab: s.tab, im: im, cu: im.compileUnit(d, best.cu)}
		entry, _ := godwarf.LoadAbstractOriginAndSpecification(best.def, d.Reader())
		b := ctx.binding(&godwarf.Tree{Entry: entry, Tag: best.def.Tag, Offset: best.def.Offset})
		if b == nil {
			continue
		}
		b.Name = name
		s.names[name] = b // a global stays where it is while its image is loaded
		return b, nil
	}
	return nil, ErrNoVariable{name}
}

// FrameRegisters prepares a frame's registers for Locate: the load bias,
// the CFA (computed from the call-frame information for an innermost
// scope, kept from the unwind otherwise) and the frame base. regs is not
// changed.
func (s *Scope) FrameRegisters(regs *op.DwarfRegisters, mem MemoryReader) (*op.DwarfRegisters, error) {
	out := *regs
	if s.im != nil {
		out.StaticBase = s.im.Bias
	}
	if s.innermost {
		if s.row != nil {
			cfa, err := cfaOf(s.row, &out, mem)
			if err != nil {
				return nil, err
			}
			out.CFA = int64(cfa)
		} else if _, _, err := callerFromFramePointer(&out, mem, true); err != nil && out.CFA == 0 {
			return nil, err
		}
	}
	if len(s.frameBase) == 1 && s.frameBase[0] == byte(op.DW_OP_call_frame_cfa) {
		out.FrameBase = out.CFA // what gcc and clang emit: no need to run it
	} else if s.frameBase != nil {
		v, pieces, err := op.ExecuteStackProgram(out, s.frameBase, 8, memFunc(mem))
		switch {
		case err != nil:
			return nil, fmt.Errorf("frame base: %w", err)
		case len(pieces) == 0:
			out.FrameBase = v
		case len(pieces) == 1 && pieces[0].Kind == op.RegPiece:
			out.FrameBase = int64(out.Uint64Val(pieces[0].Val))
		}
	}
	return &out, nil
}

// Locate returns where the variable is with the frame's registers as
// FrameRegisters prepared them: its address, or, when it is not in memory
// (in registers, a constant), its bytes.
func (b *Binding) Locate(regs *op.DwarfRegisters, mem MemoryReader) (addr uint64, data []byte, err error) {
	switch {
	case b.why != "":
		return 0, nil, errors.New(b.why)
	case b.data != nil:
		return 0, b.data, nil
	case b.static:
		return b.addr, nil, nil
	case b.onFrame:
		return uint64(regs.FrameBase + b.fbreg), nil, nil
	}
	r := *regs
	if b.Image != nil {
		r.StaticBase = b.Image.Bias
	}
	v, pieces, err := op.ExecuteStackProgram(r, b.expr, 8, memFunc(mem))
	if err != nil {
		if usesEntryValue(b.expr) {
			return 0, nil, errors.New(whyEntryValue)
		}
		return 0, nil, fmt.Errorf("location of %s: %w", b.Name, err)
	}
	if len(pieces) == 0 {
		return uint64(v), nil, nil
	}
	if len(pieces) == 1 && pieces[0].Kind == op.AddrPiece {
		return pieces[0].Val, nil, nil
	}
	c := &evalContext{tab: nil, im: b.Image, mem: mem, regs: &r}
	data, why := c.assemble(pieces, b.Type.Size())
	if why != "" {
		return 0, nil, errors.New(why)
	}
	return 0, data, nil
}

// cfaOf computes the CFA of a CFI row alone, without the caller's
// registers (which cost memory reads).
func cfaOf(row *frame.FrameContext, regs *op.DwarfRegisters, mem MemoryReader) (uint64, error) {
	switch row.CFA.Rule {
	case frame.RuleCFA:
		r := regs.Reg(row.CFA.Reg)
		if r == nil {
			return 0, fmt.Errorf("CFA is based on register %d, which is not known in this frame", row.CFA.Reg)
		}
		return uint64(int64(r.Uint64Val) + row.CFA.Offset), nil
	case frame.RuleExpression:
		v, _, err := op.ExecuteStackProgram(*regs, row.CFA.Expression, 8, memFunc(mem))
		if err != nil {
			return 0, fmt.Errorf("CFA expression: %w", err)
		}
		return uint64(v), nil
	}
	return 0, fmt.Errorf("unsupported CFA rule %d", row.CFA.Rule)
}

// sleb128 decodes a signed LEB128 number and returns it and its length in
// bytes (0 when b ends inside it).
func sleb128(b []byte) (int64, int) {
	var v int64
	var shift uint
	for i, c := range b {
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, i + 1
		}
		if shift >= 64 {
			return 0, 0
		}
	}
	return 0, 0
}

// Names returns the names the scope resolves without a search: its
// parameters and locals, and the globals looked up so far.
func (s *Scope) Names() []string {
	out := make([]string, 0, len(s.names))
	for name := range s.names {
		out = append(out, name)
	}
	return out
}

// GlobalNames returns the names of the image's global and static
// variables (C++ ones qualified by their namespaces).
func (im *Image) GlobalNames() []string {
	im.globalsNamed("") // indexes them on first use
	out := make([]string, 0, len(im.s2.globals))
	for name := range im.s2.globals {
		out = append(out, name)
	}
	return out
}
