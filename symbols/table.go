package symbols

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Mapping is one line of /proc/PID/maps.
type Mapping struct {
	Start, End, Offset uint64
	Perms, Path        string
}

// ReadMaps reads and parses /proc/pid/maps.
func ReadMaps(pid int) ([]Mapping, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, fmt.Errorf("read memory map of process %d: %w", pid, err)
	}
	defer f.Close()
	return ParseMaps(f)
}

// ParseMaps parses the text of a /proc/PID/maps file.
func ParseMaps(r io.Reader) ([]Mapping, error) {
	var out []Mapping
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		m, err := parseMapsLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("maps line %d %q: %w", n, sc.Text(), err)
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

// parseMapsLine parses "start-end perms offset dev inode   path". The path
// may contain spaces and ends with " (deleted)" for an unlinked file.
func parseMapsLine(line string) (Mapping, error) {
	var m Mapping
	fields := strings.Fields(line)
	if len(fields) < 5 {
		return m, errors.New("too few fields")
	}
	lo, hi, ok := strings.Cut(fields[0], "-")
	if !ok {
		return m, errors.New("bad address range")
	}
	var err error
	if m.Start, err = strconv.ParseUint(lo, 16, 64); err != nil {
		return m, err
	}
	if m.End, err = strconv.ParseUint(hi, 16, 64); err != nil {
		return m, err
	}
	if m.Offset, err = strconv.ParseUint(fields[2], 16, 64); err != nil {
		return m, err
	}
	m.Perms = fields[1]
	if len(fields) > 5 {
		// The path is everything after the inode column.
		rest := line
		for i := 0; i < 5; i++ {
			rest = strings.TrimLeft(rest, " ")
			rest = rest[strings.IndexByte(rest, ' ')+1:]
		}
		m.Path = strings.TrimLeft(rest, " ")
	}
	return m, nil
}

// imageKey names one mapping of one file: the same file may be mapped
// twice (dlmopen namespaces) at different biases.
type imageKey struct {
	path string
	bias uint64
}

// Sync brings the table in line with the process's memory map: it opens
// every ELF file newly loaded, closes those no longer mapped (and their
// caches), and returns both. The load bias of a file is the start of its
// mapping at file offset 0 minus the page-aligned link-time address of
// that offset (the first PT_LOAD segment). A file counts as loaded when
// its text is also mapped executable at that bias; files only mapped for
// reading, files that are not ELF (locale archives, fonts) and unlinked
// files ("(deleted)") are skipped. A vDSO image from OpenVDSO stays while
// [vdso] is mapped. Errors opening some files are joined into err; the
// other files are still synced.
func (t *Table) Sync(maps []Mapping) (added, removed []*Image, err error) {
	want := map[imageKey]bool{}
	var order []imageKey
	var errs []error
	for _, m := range maps {
		if m.Path == vdsoPath {
			// Kept while mapped, if OpenVDSO put it in the table.
			for _, im := range t.images {
				if im.Path == vdsoPath && im.Contains(m.Start) {
					k := imageKey{vdsoPath, im.Bias}
					want[k] = true
				}
			}
			continue
		}
		if m.Offset != 0 || !strings.HasPrefix(m.Path, "/") || strings.HasSuffix(m.Path, " (deleted)") {
			continue
		}
		if t.notELF[m.Path] {
			continue
		}
		base, text, err := t.linkBase(m.Path)
		if err != nil {
			var fe *elf.FormatError
			if errors.As(err, &fe) {
				if t.notELF == nil {
					t.notELF = map[string]bool{}
				}
				t.notELF[m.Path] = true
				continue
			}
			errs = append(errs, err)
			continue
		}
		k := imageKey{m.Path, m.Start - base}
		if !executableMapped(maps, m.Path, text, k.bias) {
			// Mapped as data (a program reading an ELF file with mmap),
			// not loaded.
			continue
		}
		if !want[k] {
			want[k] = true
			order = append(order, k)
		}
	}
	have := map[imageKey]*Image{}
	kept := t.images[:0:0]
	for _, im := range t.images {
		k := imageKey{im.Path, im.Bias}
		if want[k] && have[k] == nil {
			have[k] = im
			kept = append(kept, im)
			continue
		}
		removed = append(removed, im)
	}
	t.images, t.fileMatches = nil, nil
	for _, im := range kept {
		t.Add(im)
	}
	for _, k := range order {
		if have[k] != nil {
			continue
		}
		im, err := OpenImage(k.path, k.bias)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		have[k] = im
		t.Add(im)
		added = append(added, im)
	}
	for _, im := range removed {
		im.Close()
	}
	return added, removed, errors.Join(errs...)
}

// executableMapped reports whether path has an executable mapping inside
// its text segment text (link-time [lo, hi)) loaded at bias: what tells a
// loaded object from a file mapped for reading.
func executableMapped(maps []Mapping, path string, text [2]uint64, bias uint64) bool {
	for _, m := range maps {
		if m.Path == path && strings.Contains(m.Perms, "x") && m.Start >= text[0]+bias && m.Start < text[1]+bias {
			return true
		}
	}
	return false
}

// linkBase returns the page-aligned link-time address that file offset 0
// of path is loaded at, and the link-time range of its executable
// segments, reading the program headers (of an already open image when the
// table has one).
func (t *Table) linkBase(path string) (base uint64, text [2]uint64, err error) {
	var f *elf.File
	for _, im := range t.images {
		if im.Path == path {
			f = im.elf
			break
		}
	}
	if f == nil {
		if f, err = elf.Open(path); err != nil {
			return 0, text, fmt.Errorf("open ELF %s: %w", path, err)
		}
		defer f.Close()
	}
	found := false
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		if !found {
			const pageMask = 4096 - 1
			base, found = (p.Vaddr-p.Off)&^pageMask, true
		}
		if p.Flags&elf.PF_X != 0 {
			lo, hi := p.Vaddr&^(4096-1), p.Vaddr+p.Memsz
			if text[1] == 0 {
				text = [2]uint64{lo, hi}
			}
			text[0], text[1] = min(text[0], lo), max(text[1], hi)
		}
	}
	if !found {
		return 0, text, fmt.Errorf("%s has no loadable segment", path)
	}
	return base, text, nil
}

// vdsoPath is how /proc/PID/maps names the vDSO, the small shared object
// the kernel maps into every process (clock_gettime, gettimeofday run
// there without a system call).
const vdsoPath = "[vdso]"

// OpenVDSO reads the vDSO image out of the process's memory (it has no
// file) from the [vdso] mapping of maps and returns it, to be added with
// Table.Add: then functions in it have names, and its .eh_frame lets the
// unwinder leave it. Sync keeps it while the mapping lasts. It returns
// nil, nil when maps has no [vdso].
func OpenVDSO(maps []Mapping, mem MemoryReader) (*Image, error) {
	for _, m := range maps {
		if m.Path != vdsoPath {
			continue
		}
		data := make([]byte, m.End-m.Start)
		if err := readFull(mem, m.Start, data); err != nil {
			return nil, fmt.Errorf("read vDSO at %#x: %w", m.Start, err)
		}
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("vDSO at %#x: %w", m.Start, err)
		}
		base := uint64(0)
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD {
				base = (p.Vaddr - p.Off) &^ (4096 - 1)
				break
			}
		}
		return newImage(vdsoPath, m.Start-base, f), nil
	}
	return nil, nil
}
