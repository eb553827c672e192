package symbols

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// debugRoot is where distributions install split debug files (Debian's
// libc6-dbg, the *-dbgsym packages).
var debugRoot = "/usr/lib/debug"

// hasDWARF reports whether f carries DWARF line or info sections, plain or
// compressed (SHF_COMPRESSED, or the older GNU .zdebug_ form).
func hasDWARF(f *elf.File) bool {
	for _, name := range []string{".debug_info", ".zdebug_info"} {
		if s := f.Section(name); s != nil && s.Type != elf.SHT_NOBITS {
			return true
		}
	}
	return false
}

// findSplitDebug finds the separate debug file of an ELF file stripped of
// its DWARF, as gdb does: first by build-id under
// /usr/lib/debug/.build-id/xx/rest.debug, then by the .gnu_debuglink name
// next to the file, in its .debug directory, and under /usr/lib/debug plus
// the file's directory. A debuglink candidate must match the recorded
// CRC-32, so a stale debug file is never paired with a newer binary. It
// returns nil when nothing usable is found.
func findSplitDebug(f *elf.File, path string) (*elf.File, string) {
	if id := buildID(f); id != "" && len(id) > 2 {
		p := filepath.Join(debugRoot, ".build-id", id[:2], id[2:]+".debug")
		if df := openDebugCandidate(p, nil); df != nil {
			return df, p
		}
	}
	name, crc, ok := debugLink(f)
	if !ok {
		return nil, ""
	}
	dir := filepath.Dir(path)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		dir = filepath.Dir(real)
	}
	for _, p := range []string{
		filepath.Join(dir, name),
		filepath.Join(dir, ".debug", name),
		filepath.Join(debugRoot, dir, name),
	} {
		if p == path {
			continue
		}
		if df := openDebugCandidate(p, &crc); df != nil {
			return df, p
		}
	}
	return nil, ""
}

func openDebugCandidate(p string, crc *uint32) *elf.File {
	if crc != nil {
		data, err := os.ReadFile(p)
		if err != nil || crc32.ChecksumIEEE(data) != *crc {
			return nil
		}
	}
	df, err := elf.Open(p)
	if err != nil {
		return nil
	}
	if !hasDWARF(df) {
		df.Close()
		return nil
	}
	return df
}

// buildID returns the hex GNU build-id of f, or "".
func buildID(f *elf.File) string {
	for _, s := range f.Sections {
		if s.Type != elf.SHT_NOTE {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		for len(data) >= 12 {
			namesz := f.ByteOrder.Uint32(data[0:])
			descsz := f.ByteOrder.Uint32(data[4:])
			typ := f.ByteOrder.Uint32(data[8:])
			nameEnd := 12 + align4(namesz)
			descEnd := nameEnd + align4(descsz)
			if uint64(descEnd) > uint64(len(data)) {
				break
			}
			name := data[12 : 12+namesz]
			if typ == 3 /* NT_GNU_BUILD_ID */ && bytes.Equal(name, []byte("GNU\x00")) {
				return hex.EncodeToString(data[nameEnd : nameEnd+descsz])
			}
			data = data[descEnd:]
		}
	}
	return ""
}

func align4(n uint32) uint32 { return (n + 3) &^ 3 }

// debugLink returns the file name and CRC-32 recorded in .gnu_debuglink.
func debugLink(f *elf.File) (string, uint32, bool) {
	s := f.Section(".gnu_debuglink")
	if s == nil {
		return "", 0, false
	}
	data, err := s.Data()
	if err != nil {
		return "", 0, false
	}
	n := bytes.IndexByte(data, 0)
	if n <= 0 {
		return "", 0, false
	}
	off := (n + 4) &^ 3 // the name is NUL-terminated and padded to 4 bytes
	if off+4 > len(data) {
		return "", 0, false
	}
	var order binary.ByteOrder = f.ByteOrder
	return string(data[:n]), order.Uint32(data[off:]), true
}

// loadDWARF builds the DWARF data of an executable or shared object from
// only the sections debug/dwarf reads, decompressing them in parallel.
// elf.File.DWARF decompresses every .debug_* section, location lists and
// call-frame info included, one after the other: on a Go binary that is
// most of the time to open it. Relocatable objects (ET_REL) need
// relocations applied and go through elf.File.DWARF.
func loadDWARF(f *elf.File) (*dwarf.Data, error) {
	if f.Type == elf.ET_REL {
		return f.DWARF()
	}
	base := []string{"abbrev", "info", "line", "ranges", "str"}
	extra := []string{"addr", "line_str", "str_offsets", "rnglists"}
	type result struct {
		data []byte
		err  error
	}
	secs := map[string]*elf.Section{}
	var types []*elf.Section
	for _, s := range f.Sections {
		name, ok := strings.CutPrefix(s.Name, ".debug_")
		if !ok {
			name, ok = strings.CutPrefix(s.Name, ".zdebug_")
		}
		if !ok || s.Type == elf.SHT_NOBITS {
			continue
		}
		if name == "types" {
			types = append(types, s)
		} else if slices.Contains(base, name) || slices.Contains(extra, name) {
			secs[name] = s
		}
	}
	all := append(slices.Clone(types), make([]*elf.Section, 0, len(secs))...)
	for _, s := range secs {
		all = append(all, s)
	}
	results := make(map[*elf.Section]*result, len(all))
	var wg sync.WaitGroup
	for _, s := range all {
		r := &result{}
		results[s] = r
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.data, r.err = s.Data()
			if r.err != nil {
				r.err = fmt.Errorf("section %s: %w", s.Name, r.err)
			}
		}()
	}
	wg.Wait()
	data := func(name string) ([]byte, error) {
		s := secs[name]
		if s == nil {
			return nil, nil
		}
		return results[s].data, results[s].err
	}
	var b [5][]byte
	for i, name := range base {
		var err error
		if b[i], err = data(name); err != nil {
			return nil, err
		}
	}
	d, err := dwarf.New(b[0], nil, nil, b[1], b[2], nil, b[3], b[4])
	if err != nil {
		return nil, err
	}
	for _, name := range extra {
		sd, err := data(name)
		if err != nil {
			return nil, err
		}
		if sd != nil {
			if err := d.AddSection(".debug_"+name, sd); err != nil {
				return nil, err
			}
		}
	}
	for i, s := range types {
		if r := results[s]; r.err != nil {
			return nil, r.err
		} else if err := d.AddTypes(fmt.Sprintf("types-%d", i), r.data); err != nil {
			return nil, err
		}
	}
	return d, nil
}
