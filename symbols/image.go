// Package symbols turns addresses of a running program into functions, source
// lines, call frames and typed values, and back, from the ELF and DWARF data
// of the executable and each shared library mapped into it.
//
// It never imports the tracer: values are read through MemoryReader, and
// registers arrive as delve's op.DwarfRegisters.
//
// Concurrency: an Image and a Table are owned by one goroutine at a time (the
// session's). delve's line.DebugLineInfo caches internally and is not safe for
// concurrent use, so nothing here is; callers serialise.
package symbols

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
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

	elf      *elf.File
	dwarf    *dwarf.Data
	dwarfErr error
	dwarfSet bool

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
	return &Image{Path: path, Bias: bias, elf: f}, nil
}

// ELF returns the parsed ELF file.
func (im *Image) ELF() *elf.File { return im.elf }

// DWARF returns the image's DWARF data, reading it on first use. An image
// without debug info returns an error (and the caller falls back to the
// ELF symbol tables).
func (im *Image) DWARF() (*dwarf.Data, error) {
	if !im.dwarfSet {
		im.dwarfSet = true
		im.dwarf, im.dwarfErr = im.elf.DWARF()
		if im.dwarfErr != nil {
			im.dwarfErr = fmt.Errorf("DWARF of %s: %w", im.Path, im.dwarfErr)
		}
	}
	return im.dwarf, im.dwarfErr
}

// Close releases the file.
func (im *Image) Close() error { return im.elf.Close() }

// Table is the symbol view of one process: every image mapped into it.
type Table struct {
	images []*Image // sorted by Bias
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{} }

// Add puts an opened image into the table.
func (t *Table) Add(im *Image) {
	t.images = append(t.images, im)
	sort.Slice(t.images, func(i, j int) bool { return t.images[i].Bias < t.images[j].Bias })
}

// Images returns the images, ordered by load bias.
func (t *Table) Images() []*Image { return t.images }
