package symbols

// describe fills in a physical frame's function and source position and
// expands the calls inlined at its PC into frames of their own, innermost
// first, each standing at the call site of the one before.
func (t *Table) describe(f Frame) []Frame {
	if f.Image == nil {
		return []Frame{f}
	}
	f.Function, _ = t.FunctionAt(f.lookup)
	f.physical = f.Function
	f.Location, f.HasLocation = t.LocationAt(f.lookup)
	inl := t.InlineStack(f.lookup)
	if len(inl) == 0 {
		return []Frame{f}
	}
	out := make([]Frame, 0, len(inl)+1)
	physical := f
	loc, hasLoc := f.Location, f.HasLocation
	for i, c := range inl {
		in := f
		in.Inlined = true
		in.inlineDepth = i
		in.Function = &Function{Name: c.Function, Image: f.Image}
		in.Location, in.HasLocation = loc, hasLoc
		out = append(out, in)
		loc, hasLoc = c.CallSite, c.CallSite.Line != 0
	}
	physical.Location, physical.HasLocation = loc, hasLoc
	physical.inlineDepth = len(inl)
	return append(out, physical)
}
