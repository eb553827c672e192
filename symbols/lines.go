package symbols

import (
	"debug/dwarf"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
)

// Location is a position in a source file. Column is 0 when the compiler
// did not say.
type Location struct {
	File         string
	Line, Column int
}

// String formats the location as file:line.
func (l Location) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// lineRow is one row of a decoded line table, kept small: a big program
// has millions of them.
type lineRow struct {
	addr  uint64 // link-time
	line  uint32
	file  uint32 // index into unit.files
	col   uint16
	flags uint8
}

const (
	rowStmt        = 1 << iota // is_stmt: a recommended breakpoint location
	rowEnd                     // end_sequence: the address after the last instruction
	rowPrologueEnd             // the compiler's own marker of where the body starts
)

// lineTable is a unit's line program, decoded once: the rows of all its
// sequences, sequences ordered by start address, rows within a sequence in
// program order. Of several rows at one address the last one describes the
// code there.
type lineTable struct {
	rows []lineRow
}

// lineTable decodes the unit's line program on first use.
func (u *unit) lineTable() (*lineTable, error) {
	if u.lines != nil || u.linesErr != nil {
		return u.lines, u.linesErr
	}
	lt, err := u.decodeLines()
	if err != nil {
		u.linesErr = fmt.Errorf("line table of %s in %s: %w", u.name, u.im.Path, err)
		return nil, u.linesErr
	}
	u.lines = lt
	return lt, nil
}

func (u *unit) decodeLines() (*lineTable, error) {
	lr, err := u.im.dwarf.LineReader(u.entry)
	if err != nil {
		return nil, err
	}
	lt := &lineTable{}
	if lr == nil {
		return lt, nil
	}
	files := lr.Files()
	fileIdx := make(map[*dwarf.LineFile]uint32, len(files))
	for i, f := range files {
		fileIdx[f] = uint32(i)
	}
	var seqs [][]lineRow
	var seq []lineRow
	var le dwarf.LineEntry
	for {
		if err := lr.Next(&le); err != nil {
			if err == io.EOF {
				break
			}
			return nil, err
		}
		fi, ok := fileIdx[le.File]
		if !ok && le.File != nil {
			// DW_LNE_define_file (DWARF < 5) grew the table.
			files = lr.Files()
			for i, f := range files {
				fileIdx[f] = uint32(i)
			}
			fi = fileIdx[le.File]
		}
		row := lineRow{addr: le.Address, line: uint32(le.Line), file: fi, col: uint16(min(le.Column, math.MaxUint16))}
		if le.IsStmt {
			row.flags |= rowStmt
		}
		if le.PrologueEnd {
			row.flags |= rowPrologueEnd
		}
		if le.EndSequence {
			row.flags |= rowEnd
			seq = append(seq, row)
			seqs = append(seqs, seq)
			seq = nil
			continue
		}
		seq = append(seq, row)
	}
	if len(seq) > 0 {
		seqs = append(seqs, seq)
	}
	u.files = cleanFiles(files)
	u.filesSet = true
	sort.SliceStable(seqs, func(i, j int) bool { return seqs[i][0].addr < seqs[j][0].addr })
	n := 0
	for _, s := range seqs {
		n += len(s)
	}
	lt.rows = make([]lineRow, 0, n)
	for _, s := range seqs {
		lt.rows = append(lt.rows, s...)
	}
	return lt, nil
}

// rowAt returns the row describing the link-time address pc.
func (lt *lineTable) rowAt(pc uint64) (lineRow, bool) {
	i := sort.Search(len(lt.rows), func(i int) bool { return lt.rows[i].addr > pc }) - 1
	if i < 0 || lt.rows[i].flags&rowEnd != 0 {
		return lineRow{}, false
	}
	return lt.rows[i], true
}

// LocationAt returns the source position of the instruction at the
// run-time address pc, from the line table (for inlined code, the position
// inside the inlined function; InlineStack gives the call sites). ok is
// false outside any line table and where the table says line 0 (code the
// compiler made up, such as LLVM's panic paths).
func (t *Table) LocationAt(pc uint64) (Location, bool) {
	im := t.ImageAt(pc)
	if im == nil {
		return Location{}, false
	}
	return im.locationAt(pc)
}

func (im *Image) locationAt(pc uint64) (Location, bool) {
	ix, err := im.index()
	if err != nil {
		return Location{}, false
	}
	u := ix.unitAt(pc - im.Bias)
	if u == nil {
		return Location{}, false
	}
	lt, err := u.lineTable()
	if err != nil {
		return Location{}, false
	}
	row, ok := lt.rowAt(pc - im.Bias)
	if !ok || int(row.file) >= len(u.files) || row.line == 0 {
		return Location{}, false
	}
	return Location{File: u.files[row.file], Line: int(row.line), Column: int(row.col)}, true
}

// LineAddresses returns every run-time address where a statement of the
// given source line begins: one per function or inlined copy that has code
// for the line (a loop header's condition, re-entered each iteration, is not
// a second place). A line without code resolves to the next line that has
// some, returned as actualLine. A breakpoint on a function's opening line
// lands past its prologue.
//
// file is matched against the paths recorded in the debug info by the
// longest common suffix of path components, so an editor's
// /home/me/src/prog/main.c finds /build/prog/main.c; the file name itself
// must match.
func (t *Table) LineAddresses(file string, line int) (addrs []uint64, actualLine int, err error) {
	if line < 1 {
		return nil, 0, fmt.Errorf("line %d of %s: lines are numbered from 1", line, file)
	}
	matches := t.matchFile(file)
	if len(matches) == 0 {
		return nil, 0, fmt.Errorf("no debug info mentions source file %s: is it part of this program, built with -g?", file)
	}
	// The lowest line >= line that has code, and its addresses.
	actualLine = math.MaxInt
	for _, m := range matches {
		for _, u := range m.ix.byFile[m.path] {
			starts := u.lineStarts()[m.path]
			i := sort.Search(len(starts), func(i int) bool { return int(starts[i].line) >= line })
			if i == len(starts) || int(starts[i].line) > actualLine {
				continue
			}
			if l := int(starts[i].line); l < actualLine {
				actualLine, addrs = l, addrs[:0]
			}
			for ; i < len(starts) && int(starts[i].line) == actualLine; i++ {
				addrs = append(addrs, starts[i].addr+u.im.Bias)
			}
		}
	}
	if actualLine == math.MaxInt {
		return nil, 0, fmt.Errorf("no code at or after line %d of %s", line, file)
	}
	addrs, moved := t.onePerBlock(addrs)
	if moved {
		// Like gdb: a breakpoint on a function's opening line (or the
		// lines before it) is reported where it will stop.
		if loc, ok := t.LocationAt(addrs[0]); ok {
			actualLine = loc.Line
		}
	}
	return addrs, actualLine, nil
}

// fileMatch is a source path of an image's debug info.
type fileMatch struct {
	ix   *unitIndex
	path string
}

// matchFile returns the debug-info paths that share the longest suffix of
// path components with file (at least the file name), remembered per
// query until the images change.
func (t *Table) matchFile(file string) []fileMatch {
	if m, ok := t.fileMatches[file]; ok {
		return m
	}
	want := splitPath(file)
	var matches []fileMatch
	best := 0
	for _, im := range t.images {
		ix, err := im.index()
		if err != nil {
			continue
		}
		for p := range ix.filesIndex() {
			s := suffixScore(want, p)
			if s == 0 || s < best {
				continue
			}
			if s > best {
				best, matches = s, matches[:0]
			}
			matches = append(matches, fileMatch{ix, p})
		}
	}
	if t.fileMatches == nil {
		t.fileMatches = map[string][]fileMatch{}
	}
	t.fileMatches[file] = matches
	return matches
}

// lineStart is where a statement of a source line begins.
type lineStart struct {
	line uint32
	addr uint64 // link-time
}

// lineStarts indexes the unit's line table by file on first use: for each
// file, the first is_stmt row of every run of rows on one line, sorted by
// line then address.
func (u *unit) lineStarts() map[string][]lineStart {
	if u.starts != nil {
		return u.starts
	}
	u.starts = map[string][]lineStart{}
	lt, err := u.lineTable()
	if err != nil {
		return u.starts
	}
	var prev lineRow
	havePrev, emitted := false, false
	for _, r := range lt.rows {
		if r.flags&rowEnd != 0 {
			havePrev = false
			continue
		}
		if !havePrev || r.line != prev.line || r.file != prev.file {
			emitted = false
		}
		prev, havePrev = r, true
		if r.flags&rowStmt == 0 || emitted || r.line == 0 || int(r.file) >= len(u.files) {
			continue
		}
		emitted = true
		f := u.files[r.file]
		u.starts[f] = append(u.starts[f], lineStart{r.line, r.addr})
	}
	for _, ss := range u.starts {
		sort.Slice(ss, func(i, j int) bool {
			if ss[i].line != ss[j].line {
				return ss[i].line < ss[j].line
			}
			return ss[i].addr < ss[j].addr
		})
	}
	return u.starts
}

// onePerBlock keeps the lowest address per function or inlined copy (a
// line split in pieces inside one block is one place to stop), and moves
// an address at a function's very entry past its prologue. moved says
// whether every address was moved so.
func (t *Table) onePerBlock(addrs []uint64) (out []uint64, moved bool) {
	sort.Slice(addrs, func(i, j int) bool { return addrs[i] < addrs[j] })
	type key struct {
		fn     uint64
		inline dwarf.Offset
	}
	seen := map[key]bool{}
	moved = true
	for _, a := range addrs {
		k := key{fn: a}
		f, ok := t.FunctionAt(a)
		if ok {
			k.fn = f.Entry
			if in := f.innermostInline(a); in != nil {
				k.inline = in.die
			}
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if ok && a == f.Entry && k.inline == 0 && f.BodyEntry() != a {
			a = f.BodyEntry()
		} else {
			moved = false
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return slices.Compact(out), moved && len(out) > 0
}

// splitPath splits an editor's path (either slash) into components.
func splitPath(p string) []string {
	p = strings.ReplaceAll(p, `\`, "/")
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// suffixScore counts the trailing path components that want and p share;
// 0 unless at least the file names match.
func suffixScore(want []string, p string) int {
	got := splitPath(p)
	n := 0
	for n < len(want) && n < len(got) && want[len(want)-1-n] == got[len(got)-1-n] {
		n++
	}
	return n
}

// Sources returns every source file named in the debug info of the
// images, sorted.
func (t *Table) Sources() []string {
	seen := map[string]bool{}
	var out []string
	for _, im := range t.images {
		ix, err := im.index()
		if err != nil {
			continue
		}
		for p := range ix.filesIndex() {
			if !seen[p] && !strings.HasPrefix(p, "<") {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}
