// Package symbols turns addresses of a running program into functions, source
// lines, call frames and typed values, and back, from the ELF and DWARF data
// of the executable and each shared library mapped into it.
//
// It never imports the tracer: values are read through MemoryReader, and
// registers arrive as delve's op.DwarfRegisters.
//
// Nothing is parsed before it is needed. Opening an image reads only the ELF
// headers. The first question that needs DWARF builds a compact index of the
// compile units (their address ranges); a unit's functions, file table and
// line table are decoded when a question first touches that unit, and kept.
//
// All addresses in the API are run-time addresses: link-time address plus
// the image's Bias.
//
// Concurrency: an Image and a Table are owned by one goroutine at a time (the
// session's). The lazily built indexes are filled in by whichever call needs
// them, without locks, so nothing here is safe for concurrent use; callers
// serialise.
package symbols

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"path/filepath"
	"sort"
)

// MemoryReader reads the debuggee's memory. It has the semantics of
// tracer.Process.ReadMemory: a short count with an error on a partly
// unmapped range.
type MemoryReader interface {
	ReadMemory(addr uint64, buf []byte) (int, error)
}

// Image is one ELF file (the executable or a shared library) mapped into the
// process. Link-time addresses plus Bias give run-time addresses.
type Image struct {
	// Path is the file's path as the process maps it.
	Path string
	// Bias is the load bias: zero for a non-PIE executable.
	Bias uint64

	elf *elf.File
	// lo and hi bound the run-time addresses of the PT_LOAD segments.
	lo, hi uint64

	debugSet  bool
	debugELF  *elf.File // split debug file, nil when the image carries its own DWARF
	debugPath string

	dwarf    *dwarf.Data
	dwarfErr error
	dwarfSet bool

	units    *unitIndex // compile units, built on first DWARF question
	unitsErr error

	syms    []*Function // ELF symbol table functions, sorted by Entry; built lazily
	symsSet bool

	// s2 holds the unwinding, variable and type caches (frames_cache.go).
	s2 imageS2
}

// OpenImage opens the ELF file at path, to be mapped with the given bias.
// DWARF is not read until it is first needed.
func OpenImage(path string, bias uint64) (*Image, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open ELF %s: %w", path, err)
	}
	return newImage(path, bias, f), nil
}

func newImage(path string, bias uint64, f *elf.File) *Image {
	im := &Image{Path: path, Bias: bias, elf: f}
	first := true
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		lo, hi := p.Vaddr+bias, p.Vaddr+p.Memsz+bias
		if first || lo < im.lo {
			im.lo = lo
		}
		if first || hi > im.hi {
			im.hi = hi
		}
		first = false
	}
	return im
}

// ELF returns the parsed ELF file.
func (im *Image) ELF() *elf.File { return im.elf }

// Contains reports whether the run-time address pc lies in one of the
// image's loadable segments (or the gaps between them).
func (im *Image) Contains(pc uint64) bool { return pc >= im.lo && pc < im.hi }

// Range returns the run-time address range [lo, hi) that the image's
// loadable segments span (the DAP `modules` address range).
func (im *Image) Range() (lo, hi uint64) { return im.lo, im.hi }

// HasDebugInfo reports whether DWARF is available for the image, in the
// file itself or a split debug file, without reading it.
func (im *Image) HasDebugInfo() bool { return hasDWARF(im.DebugELF()) }

// DebugELF returns the ELF file that holds the image's DWARF: the split
// debug file found by build-id or .gnu_debuglink when there is one,
// otherwise the image itself. Sections such as .debug_frame are to be read
// from it.
func (im *Image) DebugELF() *elf.File {
	im.findDebug()
	if im.debugELF != nil {
		return im.debugELF
	}
	return im.elf
}

// DebugPath returns the path of the split debug file, or "" when the image
// carries its own debug info (or has none).
func (im *Image) DebugPath() string {
	im.findDebug()
	return im.debugPath
}

func (im *Image) findDebug() {
	if im.debugSet {
		return
	}
	im.debugSet = true
	if hasDWARF(im.elf) {
		return
	}
	if f, p := findSplitDebug(im.elf, im.Path); f != nil {
		im.debugELF, im.debugPath = f, p
	}
}

// DWARF returns the image's DWARF data, reading it on first use (from the
// split debug file if the image has been stripped of it). An image without
// debug info returns an error, and callers fall back to the ELF symbol
// tables.
func (im *Image) DWARF() (*dwarf.Data, error) {
	if !im.dwarfSet {
		im.dwarfSet = true
		f := im.DebugELF()
		if !hasDWARF(f) {
			im.dwarfErr = fmt.Errorf("%s has no debug info (no .debug_info, no split debug file found by build-id or .gnu_debuglink): build it with -g, or install its -dbg / -dbgsym package", im.Path)
			return nil, im.dwarfErr
		}
		im.dwarf, im.dwarfErr = loadDWARF(f)
		if im.dwarfErr != nil {
			im.dwarfErr = fmt.Errorf("DWARF of %s: %w", im.Path, im.dwarfErr)
		}
	}
	return im.dwarf, im.dwarfErr
}

// Close releases the file and its split debug file.
func (im *Image) Close() error {
	if im.debugELF != nil {
		im.debugELF.Close()
	}
	return im.elf.Close()
}

// Table is the symbol view of one process: every image mapped into it.
type Table struct {
	images []*Image        // sorted by Bias
	notELF map[string]bool // mapped files found not to be ELF, skipped by Sync

	fileMatches map[string][]fileMatch // LineAddresses' path matches; reset when images change
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{} }

// Add puts an opened image into the table.
func (t *Table) Add(im *Image) {
	t.fileMatches = nil
	t.images = append(t.images, im)
	sort.Slice(t.images, func(i, j int) bool { return t.images[i].Bias < t.images[j].Bias })
}

// Close closes every image and empties the table (when the process exits
// or executes a new program).
func (t *Table) Close() {
	for _, im := range t.images {
		im.Close()
	}
	t.images, t.fileMatches = nil, nil
}

// Images returns the images, ordered by load bias.
func (t *Table) Images() []*Image { return t.images }

// ImageAt returns the image whose segments cover the run-time address pc,
// or nil.
func (t *Table) ImageAt(pc uint64) *Image {
	for _, im := range t.images {
		if im.Contains(pc) {
			return im
		}
	}
	return nil
}

// unitIndex is the compact per-image index built on the first DWARF
// question: one entry per compile unit and the units' address ranges,
// sorted, for address-to-unit lookups. Everything else about a unit is
// decoded when first needed and kept in the unit.
type unitIndex struct {
	units  []*unit
	ranges []unitRange // link-time, sorted by lo
	maxHi  []uint64    // maxHi[i] = max(ranges[0..i].hi), so lookups survive overlaps

	byFile        map[string][]*unit     // source path -> units whose file table names it; built on first need
	byName        map[string][]*Function // built on the first lookup by name
	inlinedByName map[string][]inlineRef
}

type unitRange struct {
	lo, hi uint64
	u      *unit
}

// unit is one compile unit and what has been decoded of it so far.
type unit struct {
	im    *Image
	entry *dwarf.Entry
	name  string

	files    []string // the line table's file names; nil until read
	filesErr error
	filesSet bool

	lines    *lineTable
	linesErr error
	starts   map[string][]lineStart // by file: where each line's statements begin

	funcs    []*Function // sorted by Entry
	funcsErr error
	funcsSet bool
	fnRanges []funcRange    // run-time, sorted by lo
	inlined  []abstractFunc // functions inlined in this unit
}

type funcRange struct {
	lo, hi uint64
	f      *Function
}

// index returns the image's compile-unit index, building it on first use.
func (im *Image) index() (*unitIndex, error) {
	if im.units != nil || im.unitsErr != nil {
		return im.units, im.unitsErr
	}
	d, err := im.DWARF()
	if err != nil {
		im.unitsErr = err
		return nil, err
	}
	ix := &unitIndex{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			im.unitsErr = fmt.Errorf("reading compile units of %s: %w", im.Path, err)
			return nil, im.unitsErr
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagCompileUnit {
			r.SkipChildren()
			continue
		}
		u := &unit{im: im, entry: e}
		u.name, _ = e.Val(dwarf.AttrName).(string)
		ix.units = append(ix.units, u)
		rs, err := d.Ranges(e)
		r.SkipChildren()
		if err == nil && len(rs) > 0 {
			for _, rg := range rs {
				if rg[1] > rg[0] {
					ix.ranges = append(ix.ranges, unitRange{rg[0], rg[1], u})
				}
			}
			continue
		}
		// A unit without address ranges (some assemblers, old
		// compilers): index it through its functions' ranges.
		fs, _ := u.functions()
		for _, f := range fs {
			for _, rg := range f.Ranges {
				ix.ranges = append(ix.ranges, unitRange{rg[0] - im.Bias, rg[1] - im.Bias, u})
			}
		}
	}
	sort.Slice(ix.ranges, func(i, j int) bool { return ix.ranges[i].lo < ix.ranges[j].lo })
	ix.maxHi = make([]uint64, len(ix.ranges))
	var m uint64
	for i, rg := range ix.ranges {
		m = max(m, rg.hi)
		ix.maxHi[i] = m
	}
	im.units = ix
	return ix, nil
}

// unitAt returns the compile unit covering the link-time address pc.
func (ix *unitIndex) unitAt(pc uint64) *unit {
	i := sort.Search(len(ix.ranges), func(i int) bool { return ix.ranges[i].lo > pc }) - 1
	for ; i >= 0 && ix.maxHi[i] > pc; i-- {
		if rg := ix.ranges[i]; pc < rg.hi {
			return rg.u
		}
	}
	return nil
}

// fileNames returns the unit's line-table file names (cleaned absolute or
// compile-directory-relative paths), reading only the line program header.
func (u *unit) fileNames() ([]string, error) {
	if u.filesSet {
		return u.files, u.filesErr
	}
	u.filesSet = true
	lr, err := u.im.dwarf.LineReader(u.entry)
	if err != nil {
		u.filesErr = fmt.Errorf("line table of %s in %s: %w", u.name, u.im.Path, err)
		return nil, u.filesErr
	}
	if lr == nil {
		return nil, nil
	}
	u.files = cleanFiles(lr.Files())
	return u.files, nil
}

func cleanFiles(fs []*dwarf.LineFile) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		if f != nil {
			out[i] = filepath.Clean(f.Name)
		}
	}
	return out
}

// filesIndex maps each source path of the debug info to the units whose
// line-table header names it, reading every unit's header on first use.
func (ix *unitIndex) filesIndex() map[string][]*unit {
	if ix.byFile != nil {
		return ix.byFile
	}
	ix.byFile = map[string][]*unit{}
	for _, u := range ix.units {
		fs, err := u.fileNames()
		if err != nil {
			continue
		}
		seen := map[string]bool{}
		for _, f := range fs {
			if f != "" && !seen[f] {
				seen[f] = true
				ix.byFile[f] = append(ix.byFile[f], u)
			}
		}
	}
	return ix.byFile
}
