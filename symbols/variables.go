package symbols

import (
	"debug/dwarf"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
	"github.com/go-delve/delve/pkg/dwarf/reader"
)

// Reasons a variable has no value.
const (
	whyOptimizedOut = "optimized out"
	whyEntryValue   = "entry value not available" // DW_OP_entry_value: the value the caller passed, which nothing kept
)

// FrameVariables returns the parameters and the locals visible at the
// frame's PC, in declaration order: those of the frame's lexical blocks
// that contain the PC, inner blocks last. A local hidden by one of the same
// name in an inner block is kept and marked Shadowed. Values are read
// through mem with the frame's recovered registers; a variable whose
// location is not known at the PC says so in Unavailable.
func (t *Table) FrameVariables(f *Frame, mem MemoryReader) (params, locals []*Variable, err error) {
	fn := f.physical
	if fn == nil || !fn.HasDWARF() || f.Image == nil {
		return nil, nil, nil // no debug info: nothing to list, and nothing wrong
	}
	im := f.Image
	mem = newPageCache(mem)
	scope, err := im.scopeTree(fn.DIE)
	if err != nil {
		return nil, nil, err
	}
	pc := f.lookup
	if f.inlineDepth > 0 || f.Inlined {
		stack := reader.InlineStack(scope, pc)
		if f.inlineDepth < len(stack) {
			scope = stack[f.inlineDepth]
		}
	}
	ctx, err := t.newEvalContext(im, scope.Offset, fn, f, mem)
	if err != nil {
		return nil, nil, err
	}
	vars := reader.Variables(scope, pc, 0, reader.VariablesOnlyVisible|reader.VariablesSkipInlinedSubroutines|reader.VariablesNoDeclLineCheck)
	depthOf := map[string]int{}
	for _, rv := range vars {
		if name, _ := rv.Val(dwarf.AttrName).(string); rv.Depth > depthOf[name] {
			depthOf[name] = rv.Depth
		}
	}
	for _, rv := range vars {
		v := ctx.variable(rv.Tree)
		if v == nil {
			continue
		}
		if rv.Tag == dwarf.TagFormalParameter {
			params = append(params, v)
			continue
		}
		v.Shadowed = rv.Depth < depthOf[v.Name]
		locals = append(locals, v)
	}
	return params, locals, nil
}

// Globals returns the variables defined at file scope in the image's
// compile units, external and static, in DWARF order. C++ variables are
// named with their namespaces ("geo::counter").
func (t *Table) Globals(im *Image, mem MemoryReader) ([]*Variable, error) {
	mem = newPageCache(mem)
	var out []*Variable
	err := im.eachGlobal(func(cu, def *dwarf.Entry, name string) {
		if v := t.globalVariable(im, cu, def, name, mem); v != nil {
			out = append(out, v)
		}
	})
	return out, err
}

// LookupVariable finds what a user means by name at a frame: a parameter
// or local visible at the frame's PC (the innermost of several with that
// name), else a global or static of the frame's image (one of the frame's
// compile unit first), else one of another image. It returns an error
// saying so when nothing has that name.
func (t *Table) LookupVariable(f *Frame, name string, mem MemoryReader) (*Variable, error) {
	mem = newPageCache(mem)
	params, locals, err := t.FrameVariables(f, mem)
	if err != nil {
		return nil, err
	}
	for i := len(locals) - 1; i >= 0; i-- {
		if locals[i].Name == name && !locals[i].Shadowed {
			return locals[i], nil
		}
	}
	for _, v := range params {
		if v.Name == name {
			return v, nil
		}
	}
	images := t.images
	if f.Image != nil {
		images = append([]*Image{f.Image}, t.images...)
	}
	for _, im := range images {
		refs := im.globalsNamed(name)
		if len(refs) == 0 {
			continue
		}
		best := refs[0]
		if im == f.Image {
			if cu, err := im.unitEntryOf(f.physical, f.lookup); err == nil {
				for _, r := range refs {
					if r.cu.Offset == cu.Offset {
						best = r
					}
				}
			}
		}
		if v := t.globalVariable(im, best.cu, best.def, name, mem); v != nil {
			return v, nil
		}
	}
	return nil, fmt.Errorf("no variable %q here: not a parameter or local of %s, nor a global", name, frameName(f))
}

func frameName(f *Frame) string {
	if f.Function == nil {
		return fmt.Sprintf("the frame at %#x", f.PC)
	}
	return f.Function.Name
}

// globalRef is a global variable's defining DIE and its compile unit.
type globalRef struct {
	cu, def *dwarf.Entry
}

// globalsNamed returns the globals of the image with a name, indexing all
// of them on first use.
func (im *Image) globalsNamed(name string) []globalRef {
	if im.s2.globals == nil {
		im.s2.globals = map[string][]globalRef{}
		im.eachGlobal(func(cu, def *dwarf.Entry, name string) {
			im.s2.globals[name] = append(im.s2.globals[name], globalRef{cu, def})
		})
	}
	return im.s2.globals[name]
}

func (t *Table) globalVariable(im *Image, cu, def *dwarf.Entry, name string, mem MemoryReader) *Variable {
	d, err := im.DWARF()
	if err != nil {
		return nil
	}
	ctx := &evalContext{tab: t, im: im, mem: mem, cu: im.compileUnit(d, cu)}
	entry, _ := godwarf.LoadAbstractOriginAndSpecification(def, d.Reader())
	v := ctx.variable(&godwarf.Tree{Entry: entry, Tag: def.Tag, Offset: def.Offset})
	if v != nil {
		v.Name = name
	}
	return v
}

// eachGlobal calls fn for every variable defined at file or namespace
// scope, with its compile unit and its name qualified by its namespaces.
func (im *Image) eachGlobal(fn func(cu, def *dwarf.Entry, name string)) error {
	d, err := im.DWARF()
	if err != nil {
		return err
	}
	r := d.Reader()
	specs := d.Reader()
	for {
		cu, err := r.Next()
		if err != nil {
			return fmt.Errorf("global variables of %s: %w", im.Path, err)
		}
		if cu == nil {
			return nil
		}
		if cu.Tag != dwarf.TagCompileUnit {
			r.SkipChildren()
			continue
		}
		qualified := map[dwarf.Offset]string{} // declarations inside namespaces
		var prefixes []string                  // the namespaces r is in
		for {
			kid, err := r.Next()
			if err != nil {
				return fmt.Errorf("global variables of %s: %w", im.Path, err)
			}
			if kid == nil {
				break
			}
			if kid.Tag == 0 {
				if len(prefixes) == 0 {
					break // end of the unit
				}
				prefixes = prefixes[:len(prefixes)-1]
				continue
			}
			prefix := ""
			if len(prefixes) > 0 {
				prefix = prefixes[len(prefixes)-1]
			}
			if kid.Tag == dwarf.TagNamespace && kid.Children {
				ns, _ := kid.Val(dwarf.AttrName).(string)
				if ns == "" {
					ns = "(anonymous namespace)"
				}
				prefixes = append(prefixes, prefix+ns+"::")
				continue
			}
			if kid.Children {
				r.SkipChildren()
			}
			if kid.Tag != dwarf.TagVariable {
				continue
			}
			name, _ := kid.Val(dwarf.AttrName).(string)
			if kid.Val(dwarf.AttrLocation) == nil {
				if prefix != "" && name != "" {
					qualified[kid.Offset] = prefix + name // a declaration, defined elsewhere
				}
				continue
			}
			if spec, ok := kid.Val(dwarf.AttrSpecification).(dwarf.Offset); ok {
				if q := qualified[spec]; q != "" {
					name = q
				} else {
					e, _ := godwarf.LoadAbstractOriginAndSpecification(kid, specs)
					name, _ = e.Val(dwarf.AttrName).(string)
				}
			} else if name != "" {
				name = prefix + name
			}
			if name != "" && name[0] != '.' {
				fn(cu, kid, name)
			}
		}
	}
}

// scopeTree returns the DIE tree of a function (its blocks, parameters,
// locals and inlined calls), run-time ranges, loaded once.
func (im *Image) scopeTree(off dwarf.Offset) (*godwarf.Tree, error) {
	if tr, ok := im.s2.trees[off]; ok {
		return tr, nil
	}
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	tr, err := godwarf.LoadTree(off, d, im.Bias)
	if err != nil {
		return nil, fmt.Errorf("DWARF scopes of the function at %#x in %s: %w", off, im.Path, err)
	}
	if im.s2.trees == nil {
		im.s2.trees = map[dwarf.Offset]*godwarf.Tree{}
	}
	im.s2.trees[off] = tr
	return tr, nil
}
