package symbols

import (
	"bytes"
	"debug/dwarf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
	"github.com/go-delve/delve/pkg/dwarf/loclist"
	"github.com/go-delve/delve/pkg/dwarf/op"
)

// evalContext is what evaluating locations in one frame (or at file scope)
// needs.
type evalContext struct {
	tab  *Table
	im   *Image
	mem  MemoryReader
	regs *op.DwarfRegisters // nil at file scope
	pc   uint64
	cu   *compileUnitInfo
}

func (t *Table) newEvalContext(im *Image, scopeOff dwarf.Offset, fn *Function, f *Frame, mem MemoryReader) (*evalContext, error) {
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	r := d.Reader()
	cuEntry, err := im.unitEntryOf(fn, f.lookup)
	if err != nil {
		return nil, err
	}
	regs := *f.Regs
	regs.StaticBase = im.Bias
	regs.CFA = int64(f.CFA)
	ctx := &evalContext{tab: t, im: im, mem: mem, regs: &regs, pc: f.lookup, cu: im.compileUnit(d, cuEntry)}
	// The frame base (DW_AT_frame_base of the subprogram, usually
	// DW_OP_call_frame_cfa) anchors DW_OP_fbreg.
	r.Seek(fn.DIE)
	sub, err := r.Next()
	if err == nil && sub != nil {
		if fb := sub.AttrField(dwarf.AttrFrameBase); fb != nil {
			if expr, why := ctx.expression(fb); why == "" {
				v, pieces, err := op.ExecuteStackProgram(regs, expr, 8, memFunc(mem))
				if err == nil && len(pieces) == 0 {
					regs.FrameBase = v
				} else if err == nil && len(pieces) == 1 && pieces[0].Kind == op.RegPiece {
					regs.FrameBase = int64(regs.Uint64Val(pieces[0].Val))
				}
			}
		}
	}
	return ctx, nil
}

// variable evaluates one variable or parameter DIE; nil for DIEs that are
// not values a user can look at (artificial ones, such as C++'s this, are
// kept).
func (c *evalContext) variable(n *godwarf.Tree) *Variable {
	name, _ := n.Val(dwarf.AttrName).(string)
	if name == "" || name[0] == '.' {
		return nil // unnamed, or a Go compiler temporary (".autotmp_1")
	}
	typOff, ok := n.Val(dwarf.AttrType).(dwarf.Offset)
	if !ok {
		return nil
	}
	typ, err := c.im.typeAt(typOff)
	if err != nil {
		return &Variable{Name: name, Unavailable: err.Error()}
	}
	if cv := n.Val(dwarf.AttrConstValue); cv != nil {
		return c.tab.newVariable(c.im, name, typ, 0, constBytes(cv, typ.Size()), c.mem)
	}
	field := n.AttrField(dwarf.AttrLocation)
	if field == nil {
		return unavailable(c.im, name, typ, whyOptimizedOut)
	}
	expr, why := c.expression(field)
	if why != "" {
		return unavailable(c.im, name, typ, why)
	}
	if len(expr) == 0 {
		return unavailable(c.im, name, typ, whyOptimizedOut)
	}
	if c.regs == nil {
		regs := op.NewDwarfRegisters(c.im.Bias, nil, binary.LittleEndian, regPC, regSP, regBP, 0)
		c.regs = regs
	}
	addr, pieces, err := op.ExecuteStackProgram(*c.regs, expr, 8, memFunc(c.mem))
	if err != nil {
		if usesEntryValue(expr) {
			return unavailable(c.im, name, typ, whyEntryValue)
		}
		return unavailable(c.im, name, typ, fmt.Sprintf("location: %v", err))
	}
	if len(pieces) == 0 {
		return c.tab.newVariable(c.im, name, typ, uint64(addr), nil, c.mem)
	}
	if len(pieces) == 1 && pieces[0].Kind == op.AddrPiece {
		return c.tab.newVariable(c.im, name, typ, pieces[0].Val, nil, c.mem)
	}
	data, why := c.assemble(pieces, typ.Size())
	if why != "" {
		return unavailable(c.im, name, typ, why)
	}
	return c.tab.newVariable(c.im, name, typ, 0, data, c.mem)
}

// assemble joins the pieces of a value that lives in registers, in
// memory, and in computed constants.
func (c *evalContext) assemble(pieces []op.Piece, size int64) ([]byte, string) {
	var buf bytes.Buffer
	for _, p := range pieces {
		n := p.Size
		if n == 0 {
			n = int(size) // a single piece without DW_OP_piece is the whole value
		}
		var b []byte
		switch p.Kind {
		case op.RegPiece:
			r := c.regs.Reg(p.Val)
			if r == nil {
				return nil, fmt.Sprintf("register %d is not known in this frame", p.Val)
			}
			var word [8]byte
			binary.LittleEndian.PutUint64(word[:], r.Uint64Val)
			b = word[:]
			if len(r.Bytes) > 8 {
				b = r.Bytes
			}
		case op.AddrPiece:
			b = make([]byte, n)
			if _, err := c.mem.ReadMemory(p.Val, b); err != nil {
				return nil, fmt.Sprintf("cannot read memory at %#x", p.Val)
			}
		case op.ImmPiece:
			if p.Bytes != nil {
				b = p.Bytes
			} else {
				var word [8]byte
				binary.LittleEndian.PutUint64(word[:], p.Val)
				b = word[:]
			}
		}
		if len(b) < n {
			b = append(b, make([]byte, n-len(b))...)
		}
		buf.Write(b[:n])
	}
	if int64(buf.Len()) < size {
		return nil, whyOptimizedOut // pieces missing from the value
	}
	return buf.Bytes(), ""
}

// expression returns a location attribute's DWARF expression at the
// context's PC: the exprloc itself, or the location-list entry covering the
// PC. why says why there is none.
func (c *evalContext) expression(f *dwarf.Field) (expr []byte, why string) {
	switch f.Class {
	case dwarf.ClassExprLoc, dwarf.ClassBlock:
		b, _ := f.Val.([]byte)
		return b, ""
	case dwarf.ClassLocListPtr, dwarf.ClassLocList:
		off, ok := f.Val.(int64)
		if !ok {
			return nil, "unsupported location form"
		}
		if c.regs == nil {
			return nil, "location list outside a frame"
		}
		e, err := c.im.locationLists().find(c.im, c.cu, int(off), c.pc-c.im.Bias)
		if err != nil {
			return nil, fmt.Sprintf("location list: %v", err)
		}
		if e == nil {
			return nil, whyOptimizedOut // not live at this PC
		}
		return e.Instr, ""
	}
	return nil, fmt.Sprintf("unsupported location class %v", f.Class)
}

// usesEntryValue reports whether an expression refers to the value a
// register had on entry to the function (DW_OP_entry_value, or the GNU
// extension that preceded it), which a debugger cannot recover.
func usesEntryValue(expr []byte) bool {
	return bytes.IndexByte(expr, 0xa3) >= 0 || bytes.IndexByte(expr, 0xf3) >= 0
}

// constBytes lays out a DW_AT_const_value as the type's bytes.
func constBytes(v any, size int64) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case int64:
		b := make([]byte, max(size, 8))
		binary.LittleEndian.PutUint64(b, uint64(v))
		return b[:max(size, 1)]
	}
	return nil
}

// unitEntryOf returns the compile unit DIE of a function: the one S1's
// index holds, or the unit covering pc (a linear search of the units,
// milliseconds in libc).
func (im *Image) unitEntryOf(fn *Function, pc uint64) (*dwarf.Entry, error) {
	if fn != nil && fn.unit != nil && fn.unit.entry != nil {
		return fn.unit.entry, nil
	}
	d, err := im.DWARF()
	if err != nil {
		return nil, err
	}
	cu, err := d.Reader().SeekPC(pc - im.Bias)
	if err != nil {
		return nil, fmt.Errorf("compile unit of %#x in %s: %w", pc, im.Path, err)
	}
	return cu, nil
}

// compileUnitInfo is what location lists need from a compile unit.
type compileUnitInfo struct {
	offset   dwarf.Offset // of the unit's DIE
	version  int          // 0 until needed: see locationLists.find
	lowPC    uint64       // link-time base address of the unit's location lists
	addrBase uint64       // DW_AT_addr_base: this unit's slice of .debug_addr
}

func (im *Image) compileUnit(d *dwarf.Data, cu *dwarf.Entry) *compileUnitInfo {
	if info, ok := im.s2.cus[cu.Offset]; ok {
		return info
	}
	info := &compileUnitInfo{offset: cu.Offset}
	if lo, ok := cu.Val(dwarf.AttrLowpc).(uint64); ok {
		info.lowPC = lo
	}
	if ab, ok := cu.Val(dwarf.AttrAddrBase).(int64); ok {
		info.addrBase = uint64(ab)
	}
	if im.s2.cus == nil {
		im.s2.cus = map[dwarf.Offset]*compileUnitInfo{}
	}
	im.s2.cus[cu.Offset] = info
	return info
}

// unitVersion reads the DWARF version from the header of the unit whose
// first DIE is at off: 12 bytes before it in DWARF 5 (length, version,
// unit type, address size, abbreviation offset), 11 in DWARF 2 to 4.
func (im *Image) unitVersion(off dwarf.Offset) int {
	// Only the header's bytes are read: the section can be tens of MB.
	sec := im.DebugELF().Section(".debug_info")
	if sec == nil || off < 12 {
		return 4
	}
	var hdr [12]byte
	r := sec.Open() // decompresses a SHF_COMPRESSED section as it seeks
	if _, err := r.Seek(int64(off)-12, io.SeekStart); err != nil {
		return 4
	}
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 4
	}
	if binary.LittleEndian.Uint16(hdr[4:]) == 5 {
		return 5
	}
	if v := int(binary.LittleEndian.Uint16(hdr[5:])); v >= 2 && v <= 4 {
		return v
	}
	return 4
}

// debugSection returns a DWARF section's (decompressed) bytes, or nil,
// from the file that holds the image's DWARF (its split debug file when
// it has one).
func (im *Image) debugSection(name string) []byte {
	data, err := godwarf.GetDebugSectionElf(im.DebugELF(), name[len(".debug_"):])
	if err != nil {
		return nil
	}
	return data
}

// locationLists holds the image's location-list readers.
type locationLists struct {
	v4   *loclist.Dwarf2Reader
	v5   *loclist.Dwarf5Reader
	addr *godwarf.DebugAddrSection
}

func (im *Image) locationLists() *locationLists {
	if im.s2.locs == nil {
		l := &locationLists{}
		if b := im.debugSection(".debug_loc"); b != nil {
			l.v4 = loclist.NewDwarf2Reader(b, 8)
		}
		l.v5 = loclist.NewDwarf5Reader(im.debugSection(".debug_loclists"))
		if b := im.debugSection(".debug_addr"); b != nil {
			l.addr = godwarf.ParseAddr(b)
		}
		im.s2.locs = l
	}
	return im.s2.locs
}

// find returns the entry of the location list at off that covers the
// link-time pc, or nil. Everything is compared at link time: delve's
// DWARF 5 reader adds the load bias to some entry kinds and not others.
func (l *locationLists) find(im *Image, cu *compileUnitInfo, off int, pc uint64) (*loclist.Entry, error) {
	v5 := !l.v5.Empty()
	if v5 && l.v4 != nil {
		// Both sections: units of DWARF 4 and 5 are mixed, ask the unit.
		if cu.version == 0 {
			cu.version = im.unitVersion(cu.offset)
		}
		v5 = cu.version >= 5
	}
	if v5 {
		if l.v5.Empty() {
			return nil, errors.New("no .debug_loclists section")
		}
		var da *godwarf.DebugAddr
		if l.addr != nil {
			da = l.addr.GetSubsection(cu.addrBase)
		}
		return l.v5.Find(off, 0, cu.lowPC, pc, da)
	}
	if l.v4 == nil || l.v4.Empty() {
		return nil, errors.New("no .debug_loc section")
	}
	return l.v4.Find(off, 0, cu.lowPC, pc, nil)
}
