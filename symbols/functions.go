package symbols

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ianlancetaylor/demangle"
)

// Function is one function of an image, from its DWARF subprogram or, for
// code without debug info, from the ELF symbol table.
type Function struct {
	// Name is the name to show: demangled and qualified for C++ and Rust
	// (with parameter types for C++, as addr2line -C prints it), the plain
	// name for C and Go.
	Name string
	// Mangled is the linkage name as the object file spells it ("" for C
	// and Go, whose names are not mangled).
	Mangled string
	// Entry is the run-time address of the first instruction; End is the
	// address just past the contiguous range that starts at Entry.
	Entry, End uint64
	// Ranges are all run-time [lo, hi) ranges of the function's code:
	// more than one when the compiler split it (hot and cold parts).
	Ranges [][2]uint64
	// Image is the image the function belongs to.
	Image *Image
	// File and Line are where the function is declared, when DWARF says.
	File string
	Line int
	// DIE is the offset of the subprogram's DWARF entry in Image.DWARF(),
	// or 0 for a function known only from the symbol table.
	DIE dwarf.Offset

	shortName string       // DW_AT_name, unqualified; the symbol name
	origin    dwarf.Offset // DW_AT_abstract_origin of a concrete copy of an inline function
	aliases   []string     // other symbols at the same address
	global    bool         // from a global symbol
	unit      *unit
	bodySet   bool
	body      uint64
	inlines   []inlinedCopy
	inlSet    bool
}

// HasDWARF reports whether the function has a DWARF subprogram entry
// (parameters, locals, a line table).
func (f *Function) HasDWARF() bool { return f.DIE != 0 }

// String returns the display name.
func (f *Function) String() string { return f.Name }

// FunctionAt returns the function whose code covers the run-time address
// pc: from DWARF when the image has it, otherwise from .symtab / .dynsym.
// For inlined code it is the function the code was inlined into; see
// InlineStack.
func (t *Table) FunctionAt(pc uint64) (*Function, bool) {
	im := t.ImageAt(pc)
	if im == nil {
		return nil, false
	}
	if f := im.dwarfFunctionAt(pc); f != nil {
		return f, true
	}
	if f := im.symbolAt(pc); f != nil {
		return f, true
	}
	return nil, false
}

func (im *Image) dwarfFunctionAt(pc uint64) *Function {
	ix, err := im.index()
	if err != nil {
		return nil
	}
	u := ix.unitAt(pc - im.Bias)
	if u == nil {
		return nil
	}
	if _, err := u.functions(); err != nil {
		return nil
	}
	rs := u.fnRanges
	i := sort.Search(len(rs), func(i int) bool { return rs[i].lo > pc }) - 1
	// Ranges of distinct functions do not overlap; a few steps back cover
	// the nested ranges some compilers emit for a function's parts.
	for n := 0; i >= 0 && n < 8; i, n = i-1, n+1 {
		if pc >= rs[i].lo && pc < rs[i].hi {
			return rs[i].f
		}
	}
	return nil
}

// functions decodes the unit's subprograms that have code, on first use.
func (u *unit) functions() ([]*Function, error) {
	if u.funcsSet {
		return u.funcs, u.funcsErr
	}
	u.funcsSet = true
	if !u.entry.Children {
		return nil, nil
	}
	d := u.im.dwarf
	files, _ := u.fileNames()
	r := d.Reader()
	r.Seek(u.entry.Offset)
	if _, err := r.Next(); err != nil {
		u.funcsErr = fmt.Errorf("functions of %s in %s: %w", u.name, u.im.Path, err)
		return nil, u.funcsErr
	}
	// gcc nests the code of a C++ lambda or of a method of a class local
	// to a function inside that function's entry; C functions and the
	// other languages' keep theirs at the top, and their children are
	// skipped unread.
	nested := u.isCPlusPlus()
	depth := 1
	for depth > 0 {
		e, err := r.Next()
		if err != nil {
			u.funcsErr = fmt.Errorf("functions of %s in %s: %w", u.name, u.im.Path, err)
			return nil, u.funcsErr
		}
		if e == nil {
			break
		}
		switch e.Tag {
		case 0:
			depth--
			continue
		case dwarf.TagNamespace, dwarf.TagClassType, dwarf.TagStructType, dwarf.TagUnionType:
			// C++ and Rust nest functions in namespaces and types.
			if e.Children {
				depth++
			}
			continue
		case dwarf.TagSubprogram:
			if f := u.newFunction(d, e, files); f != nil {
				u.funcs = append(u.funcs, f)
			} else if inl, ok := e.Val(dwarf.AttrInline).(int64); ok && inl&1 != 0 {
				// DW_INL_inlined or DW_INL_declared_inlined: an abstract
				// instance whose copies live inside other functions.
				name, linkage, _, _ := describeSubprogram(d, e)
				u.inlined = append(u.inlined, abstractFunc{e.Offset, displayName(name, linkage), name, linkage})
			}
			if nested && e.Children {
				depth++
				continue
			}
		case dwarf.TagLexDwarfBlock:
			if nested && e.Children {
				depth++
				continue
			}
		}
		r.SkipChildren()
	}
	sort.Slice(u.funcs, func(i, j int) bool { return u.funcs[i].Entry < u.funcs[j].Entry })
	for _, f := range u.funcs {
		for _, rg := range f.Ranges {
			u.fnRanges = append(u.fnRanges, funcRange{rg[0], rg[1], f})
		}
	}
	sort.Slice(u.fnRanges, func(i, j int) bool { return u.fnRanges[i].lo < u.fnRanges[j].lo })
	return u.funcs, nil
}

// abstractFunc is the abstract instance of a function that was inlined
// somewhere in the unit.
type abstractFunc struct {
	die                  dwarf.Offset
	name, short, mangled string
}

// newFunction builds a Function from a subprogram entry that has code, or
// returns nil for a declaration or an abstract (inline-only) instance.
func (u *unit) newFunction(d *dwarf.Data, e *dwarf.Entry, files []string) *Function {
	rs, err := d.Ranges(e)
	if err != nil || len(rs) == 0 {
		return nil
	}
	bias := u.im.Bias
	f := &Function{Image: u.im, DIE: e.Offset, unit: u}
	f.origin, _ = e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
	for _, rg := range rs {
		if rg[1] > rg[0] {
			f.Ranges = append(f.Ranges, [2]uint64{rg[0] + bias, rg[1] + bias})
		}
	}
	if len(f.Ranges) == 0 {
		return nil
	}
	entry := f.Ranges[0][0]
	if lo, ok := e.Val(dwarf.AttrLowpc).(uint64); ok {
		entry = lo + bias
	}
	if ep, ok := e.Val(dwarf.AttrEntrypc).(uint64); ok {
		entry = ep + bias
	}
	f.Entry = entry
	for _, rg := range f.Ranges {
		if entry >= rg[0] && entry < rg[1] {
			f.End = rg[1]
		}
	}
	name, linkage, fileIdx, line := describeSubprogram(d, e)
	if linkage == "" && u.isCPlusPlus() {
		// gcc gives a C++ function with internal linkage no linkage
		// name; its symbol has the mangled one (the full signature).
		linkage = u.im.mangledSymbolAt(entry, name)
	}
	f.shortName, f.Mangled = name, linkage
	f.Name = displayName(name, linkage)
	if fileIdx > 0 || (fileIdx == 0 && line > 0) {
		if int(fileIdx) < len(files) {
			f.File = files[fileIdx]
		}
	}
	f.Line = int(line)
	return f
}

// isCPlusPlus reports whether the unit's source language is C++.
func (u *unit) isCPlusPlus() bool {
	lang, _ := u.entry.Val(dwarf.AttrLanguage).(int64)
	switch lang {
	case 0x4, 0x19, 0x1a, 0x21: // DW_LANG_C_plus_plus, _03, _11, _14
		return true
	}
	return false
}

// isGo reports whether the unit's source language is Go.
func (u *unit) isGo() bool {
	lang, _ := u.entry.Val(dwarf.AttrLanguage).(int64)
	return lang == 0x16 // DW_LANG_Go
}

// mangledSymbolAt returns the mangled name of the ELF symbol at the
// run-time address entry if it demangles to a name ending in short.
func (im *Image) mangledSymbolAt(entry uint64, short string) string {
	if f := im.symbolAt(entry); f != nil && f.Entry == entry && f.Mangled != "" &&
		strings.HasSuffix(demangle.Filter(f.Mangled, demangle.NoParams), short) {
		return f.Mangled
	}
	return ""
}

// describeSubprogram reads the name, linkage name and declaration position
// of a subprogram, following DW_AT_specification and DW_AT_abstract_origin
// (an out-of-line C++ method or a concrete copy of an inline function keeps
// its names on the entry it refers to).
func describeSubprogram(d *dwarf.Data, e *dwarf.Entry) (name, linkage string, file, line int64) {
	file, line = -1, 0
	for hop := 0; e != nil && hop < 4; hop++ {
		if name == "" {
			name, _ = e.Val(dwarf.AttrName).(string)
		}
		if linkage == "" {
			linkage, _ = e.Val(dwarf.AttrLinkageName).(string)
			if linkage == "" {
				// DW_AT_MIPS_linkage_name, which older compilers emit.
				linkage, _ = e.Val(dwarf.Attr(0x2007)).(string)
			}
		}
		if file < 0 {
			if v, ok := e.Val(dwarf.AttrDeclFile).(int64); ok {
				file = v
				line, _ = e.Val(dwarf.AttrDeclLine).(int64)
			}
		}
		ref, ok := e.Val(dwarf.AttrSpecification).(dwarf.Offset)
		if !ok {
			ref, ok = e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
		}
		if !ok {
			break
		}
		r := d.Reader()
		r.Seek(ref)
		e, _ = r.Next()
	}
	if file < 0 {
		file = 0
	}
	return name, linkage, file, line
}

// displayName demangles a C++ or Rust linkage name; C and Go names are
// shown as they are.
func displayName(name, linkage string) string {
	if linkage != "" {
		if dm := demangle.Filter(linkage); dm != linkage {
			return dm
		}
	}
	if name == "" {
		return linkage
	}
	return name
}

// BodyEntry returns the run-time address where the function's body starts,
// past the prologue that sets up its frame: where a breakpoint on the
// function should go.
//
//   - Go (even with -N -l) spills its register arguments after the
//     prologue_end it marks, on the function's opening line: the body is
//     the first statement on another line, as delve does it.
//   - Otherwise the compiler's prologue_end marker when the line table has
//     one (clang, rustc).
//   - Otherwise (gcc) the function's second line-table row, as gdb does; at
//     -O2 gcc often puts the first body row at the entry itself, and then
//     the entry it is.
func (f *Function) BodyEntry() uint64 {
	if f.bodySet {
		return f.body
	}
	f.bodySet = true
	f.body = f.Entry
	if f.unit == nil {
		return f.body
	}
	lt, err := f.unit.lineTable()
	if err != nil {
		return f.body
	}
	bias := f.Image.Bias
	lo, hi := f.Entry-bias, f.End-bias
	i := sort.Search(len(lt.rows), func(i int) bool { return lt.rows[i].addr >= lo })
	for i < len(lt.rows) && lt.rows[i].addr == lo && lt.rows[i].flags&rowEnd != 0 {
		i++ // the end of the sequence before, which ends where this one starts
	}
	var rows []lineRow
	for ; i < len(lt.rows) && lt.rows[i].addr < hi && lt.rows[i].flags&rowEnd == 0; i++ {
		rows = append(rows, lt.rows[i])
	}
	if len(rows) == 0 || rows[0].addr != lo {
		return f.body
	}
	if f.unit.isGo() {
		for _, r := range rows[1:] {
			if r.flags&rowStmt != 0 && r.line != rows[0].line {
				f.body = r.addr + bias
				return f.body
			}
		}
	}
	for _, r := range rows {
		if r.flags&rowPrologueEnd != 0 {
			f.body = r.addr + bias
			return f.body
		}
	}
	for _, r := range rows[1:] {
		if r.flags&rowStmt != 0 {
			f.body = r.addr + bias // the entry itself when the second row shares it
			break
		}
	}
	return f.body
}

// StatementAddresses returns the run-time addresses inside the function
// where an is_stmt line-table row begins, sorted and without duplicates:
// the places `next` may stop at.
func (f *Function) StatementAddresses() []uint64 {
	if f.unit == nil {
		return nil
	}
	lt, err := f.unit.lineTable()
	if err != nil {
		return nil
	}
	bias := f.Image.Bias
	var out []uint64
	for _, rg := range f.Ranges {
		lo, hi := rg[0]-bias, rg[1]-bias
		i := sort.Search(len(lt.rows), func(i int) bool { return lt.rows[i].addr >= lo })
		for ; i < len(lt.rows) && lt.rows[i].addr < hi; i++ {
			r := lt.rows[i]
			if r.flags&rowStmt != 0 && r.flags&rowEnd == 0 {
				out = append(out, r.addr+bias)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	n := 0
	for i, a := range out {
		if i == 0 || a != out[n-1] {
			out[n] = a
			n++
		}
	}
	return out[:n]
}

// FunctionAddresses finds the functions called name in every image and
// returns them with the run-time address of each one's body (BodyEntry),
// for function breakpoints. A function also inlined into others yields one
// more address per inlined copy (its first instruction), paired with the
// function that copy is inside. name may be the displayed name
// ("ns::Klass::method(int)"), the same without parameters
// ("ns::Klass::method"), the unqualified name, or the linkage name; a Go
// function is asked for by its package-qualified name ("main.main",
// "net/http.(*Server).Serve"). An image whose DWARF has no such function
// is searched in its ELF symbol tables.
func (t *Table) FunctionAddresses(name string) ([]*Function, []uint64, error) {
	var fns []*Function
	var addrs []uint64
	for _, im := range t.images {
		found := im.dwarfFunctionsNamed(name)
		copies := im.inlinedCopiesNamed(name)
		if len(found) == 0 && len(copies) == 0 {
			found = im.symbolsNamed(name)
			for i, f := range found {
				// An alias (malloc for __libc_malloc) of a function
				// DWARF describes: use the DWARF one.
				if df := im.dwarfFunctionAt(f.Entry); df != nil && df.Entry == f.Entry {
					found[i] = df
				}
			}
		}
		for _, f := range found {
			fns = append(fns, f)
			addrs = append(addrs, f.BodyEntry())
		}
		for _, c := range copies {
			fns = append(fns, c.in)
			addrs = append(addrs, c.entry)
		}
	}
	if len(fns) == 0 {
		return nil, nil, fmt.Errorf("no function named %q in the program or its loaded libraries (check the spelling; C++ names may be given qualified, with or without parameter types)", name)
	}
	return fns, addrs, nil
}

func (im *Image) dwarfFunctionsNamed(name string) []*Function {
	ix, err := im.index()
	if err != nil {
		return nil
	}
	if ix.byName == nil {
		ix.byName = map[string][]*Function{}
		ix.inlinedByName = map[string][]inlineRef{}
		for _, u := range ix.units {
			if u.isGo() {
				continue // looked up by package, below
			}
			fs, _ := u.functions()
			for _, f := range fs {
				for _, k := range nameKeys(f.Name, f.shortName, f.Mangled) {
					ix.byName[k] = append(ix.byName[k], f)
				}
			}
			for _, a := range u.inlined {
				for _, k := range nameKeys(a.name, a.short, a.mangled) {
					ix.inlinedByName[k] = append(ix.inlinedByName[k], inlineRef{u, a.die})
				}
			}
		}
	}
	found := ix.byName[name]
	// A Go function's name starts with its package's import path, which
	// is the name of the unit that holds it: only those units are read
	// (a big Go binary has thousands of functions in hundreds of units).
	for _, u := range ix.units {
		if !u.isGo() || !strings.HasPrefix(name, u.name+".") {
			continue
		}
		fs, _ := u.functions()
		for _, f := range fs {
			if f.Name == name {
				found = append(found, f)
			}
		}
	}
	return found
}

// inlineRef names an abstract inline function of a unit.
type inlineRef struct {
	u   *unit
	die dwarf.Offset
}

// copyAt is one inlined copy of a function: where it starts, and the
// function it was inlined into.
type copyAt struct {
	entry uint64
	in    *Function
}

// inlinedCopiesNamed finds the inlined copies of the function called name,
// reading the DIE trees of the functions of the units that inline it.
func (im *Image) inlinedCopiesNamed(name string) []copyAt {
	if im.dwarfFunctionsNamed(name); im.units == nil {
		return nil
	}
	var out []copyAt
	for _, ref := range im.units.inlinedByName[name] {
		for _, f := range ref.u.funcs {
			for _, c := range f.inlinedCopies() {
				// A copy inlined into the function's own out-of-line
				// instance (glibc's cancellable system calls) is part of
				// it, not another place it is called.
				if c.origin == ref.die && len(c.ranges) > 0 && f.origin != ref.die {
					out = append(out, copyAt{c.entry, f})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].entry < out[j].entry })
	return out
}

// nameKeys lists the distinct names a function may be asked for by.
func nameKeys(name, short, mangled string) []string {
	keys := []string{name}
	add := func(k string) {
		for _, have := range keys {
			if have == k || k == "" {
				return
			}
		}
		keys = append(keys, k)
	}
	if mangled != "" {
		add(mangled)
		add(demangle.Filter(mangled, demangle.NoParams))
	}
	add(short)
	return keys
}

// symbolAt finds pc in the ELF symbol tables.
func (im *Image) symbolAt(pc uint64) *Function {
	syms := im.symbols()
	i := sort.Search(len(syms), func(i int) bool { return syms[i].Entry > pc }) - 1
	if i >= 0 && pc < syms[i].End {
		return syms[i]
	}
	return nil
}

func (im *Image) symbolsNamed(name string) []*Function {
	var out []*Function
	for _, f := range im.symbols() {
		if f.Name == name || f.Mangled == name || slices.Contains(f.aliases, name) ||
			(f.Mangled != "" && demangle.Filter(f.Mangled, demangle.NoParams) == name) {
			out = append(out, f)
		}
	}
	return out
}

// symbols returns the function symbols of .symtab (of the split debug file
// too, which keeps the full table a stripped library lost) and .dynsym,
// one per address, sorted. A symbol of size zero extends to the next one.
func (im *Image) symbols() []*Function {
	if im.symsSet {
		return im.syms
	}
	im.symsSet = true
	byAddr := map[uint64]*Function{}
	add := func(syms []elf.Symbol) {
		for _, s := range syms {
			typ := elf.ST_TYPE(s.Info)
			if (typ != elf.STT_FUNC && typ != elf.STT_GNU_IFUNC) || s.Value == 0 || s.Section == elf.SHN_UNDEF {
				continue
			}
			a := s.Value + im.Bias
			name := stripVersion(s.Name)
			global := elf.ST_BIND(s.Info) != elf.STB_LOCAL
			f := byAddr[a]
			if f == nil {
				f = &Function{Entry: a, End: a + s.Size, Image: im}
				byAddr[a] = f
			} else if slices.Contains(f.aliases, name) {
				continue
			} else if !global || f.global {
				// Aliases (__GI_x, __libc_x) answer to their names,
				// but the first global name is the one shown.
				f.aliases = append(f.aliases, name)
				f.End = max(f.End, a+s.Size)
				continue
			} else {
				f.aliases = append(f.aliases, f.shortName)
				f.End = max(f.End, a+s.Size)
			}
			f.global = global
			f.Name = displayName(name, name)
			f.Mangled = ""
			if f.Name != name {
				f.Mangled = name
			}
			f.shortName = name
		}
	}
	if s, err := im.elf.Symbols(); err == nil {
		add(s)
	}
	if d := im.DebugELF(); d != im.elf {
		if s, err := d.Symbols(); err == nil {
			add(s)
		}
	}
	if s, err := im.elf.DynamicSymbols(); err == nil {
		add(s)
	}
	for _, f := range byAddr {
		im.syms = append(im.syms, f)
	}
	sort.Slice(im.syms, func(i, j int) bool { return im.syms[i].Entry < im.syms[j].Entry })
	for i, f := range im.syms {
		if f.End == f.Entry {
			if i+1 < len(im.syms) {
				f.End = im.syms[i+1].Entry
			} else {
				f.End = im.hi
			}
		}
		f.Ranges = [][2]uint64{{f.Entry, f.End}}
	}
	return im.syms
}

// stripVersion drops a symbol version suffix ("memcpy@@GLIBC_2.14").
func stripVersion(s string) string {
	if i := strings.IndexByte(s, '@'); i > 0 {
		return s[:i]
	}
	return s
}

// InlinedCall is one level of inlining at an address: Function was
// inlined, and called from CallSite.
type InlinedCall struct {
	// Function is the inlined function's display name.
	Function string
	// CallSite is where the inlined call stands in its caller.
	CallSite Location
	// Ranges are the run-time [lo, hi) ranges of this inlined copy's code:
	// stepping out of it runs until the PC leaves them.
	Ranges [][2]uint64
}

// inlinedCopy is one DW_TAG_inlined_subroutine of a function.
type inlinedCopy struct {
	die    dwarf.Offset
	origin dwarf.Offset // the abstract instance (DW_AT_abstract_origin)
	entry  uint64       // run-time address of its first instruction
	ranges [][2]uint64  // run-time
	depth  int          // 1 for a copy inlined straight into the function
	name   string
	call   Location
}

func (c *inlinedCopy) contains(pc uint64) bool {
	for _, r := range c.ranges {
		if pc >= r[0] && pc < r[1] {
			return true
		}
	}
	return false
}

// InlineStack returns the inlined calls active at the run-time address pc,
// innermost first: the first element names the function whose code is at
// pc (its position is LocationAt(pc)) and the call site in its caller; the
// next names that caller, and so on. The last call site lies in
// FunctionAt(pc). Empty when pc is not in inlined code.
func (t *Table) InlineStack(pc uint64) []InlinedCall {
	f, ok := t.FunctionAt(pc)
	if !ok {
		return nil
	}
	var chain []*inlinedCopy
	for i := range f.inlinedCopies() {
		c := &f.inlines[i]
		if c.contains(pc) {
			chain = append(chain, c)
		}
	}
	sort.SliceStable(chain, func(i, j int) bool { return chain[i].depth > chain[j].depth })
	out := make([]InlinedCall, len(chain))
	for i, c := range chain {
		out[i] = InlinedCall{Function: c.name, CallSite: c.call, Ranges: c.ranges}
	}
	return out
}

func (f *Function) innermostInline(pc uint64) *inlinedCopy {
	var best *inlinedCopy
	for i := range f.inlinedCopies() {
		c := &f.inlines[i]
		if c.contains(pc) && (best == nil || c.depth > best.depth) {
			best = c
		}
	}
	return best
}

// inlinedCopies reads the inlined subroutines in the function's DIE tree
// on first use.
func (f *Function) inlinedCopies() []inlinedCopy {
	if f.inlSet || f.unit == nil {
		return f.inlines
	}
	f.inlSet = true
	d := f.Image.dwarf
	files, _ := f.unit.fileNames()
	r := d.Reader()
	r.Seek(f.DIE)
	top, err := r.Next()
	if err != nil || top == nil || !top.Children {
		return nil
	}
	depth := 1 // tree depth below the subprogram
	inl := 0   // inlining depth
	var inlStack []int
	for depth > 0 {
		e, err := r.Next()
		if err != nil || e == nil {
			break
		}
		if e.Tag == 0 {
			depth--
			if len(inlStack) > 0 && inlStack[len(inlStack)-1] == depth {
				inlStack = inlStack[:len(inlStack)-1]
				inl--
			}
			continue
		}
		switch e.Tag {
		case dwarf.TagInlinedSubroutine:
			c := inlinedCopy{die: e.Offset, depth: inl + 1}
			c.origin, _ = e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset)
			rs, _ := d.Ranges(e)
			for _, rg := range rs {
				c.ranges = append(c.ranges, [2]uint64{rg[0] + f.Image.Bias, rg[1] + f.Image.Bias})
			}
			if len(c.ranges) > 0 {
				c.entry = c.ranges[0][0]
			}
			if lo, ok := e.Val(dwarf.AttrLowpc).(uint64); ok {
				c.entry = lo + f.Image.Bias
			}
			if ep, ok := e.Val(dwarf.AttrEntrypc).(uint64); ok {
				c.entry = ep + f.Image.Bias
			}
			name, linkage, _, _ := describeSubprogram(d, e)
			c.name = displayName(name, linkage)
			if fi, ok := e.Val(dwarf.AttrCallFile).(int64); ok && fi >= 0 && int(fi) < len(files) {
				c.call.File = files[fi]
			}
			if l, ok := e.Val(dwarf.AttrCallLine).(int64); ok {
				c.call.Line = int(l)
			}
			if col, ok := e.Val(dwarf.AttrCallColumn).(int64); ok {
				c.call.Column = int(col)
			}
			f.inlines = append(f.inlines, c)
			if e.Children {
				depth++
				inl++
				inlStack = append(inlStack, depth-1)
			}
		case dwarf.TagLexDwarfBlock:
			if e.Children {
				depth++
			}
		default:
			if e.Children {
				r.SkipChildren()
			}
		}
	}
	return f.inlines
}
