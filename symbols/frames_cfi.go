package symbols

import (
	"debug/elf"
	"encoding/binary"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/frame"
)

// cfiIndex is the call-frame information of one image: the FDEs of its
// .eh_frame (what the C++ runtime unwinds with, present even in stripped
// libraries such as libc) and of its .debug_frame (what Go and some
// -fno-asynchronous-unwind-tables builds emit instead), merged and sorted,
// at run-time addresses.
type cfiIndex struct {
	fdes frame.FrameDescriptionEntries
	err  error // why there is none, for the error of an unwind that needed it

	// rows caches the CFI row computed for an address: the same return
	// addresses come back at every stop (and at every level of a
	// recursion). Rows are only read once made.
	rows map[uint64]*frame.FrameContext
}

// maxCachedRows bounds rows; past it the cache starts over.
const maxCachedRows = 1 << 14

// frames returns the image's call-frame information, parsing it on first use.
func (im *Image) frames() *cfiIndex {
	if im.s2.cfi == nil {
		im.s2.cfi = loadCFI(im)
	}
	return im.s2.cfi
}

func loadCFI(im *Image) *cfiIndex {
	idx := &cfiIndex{}
	var errs []error
	if sec := im.elf.Section(".eh_frame"); sec != nil && sec.Type != elf.SHT_NOBITS {
		data, err := sec.Data()
		if err == nil {
			// .eh_frame encodes FDE addresses relative to where the entry itself
			// is loaded (DW_EH_PE_pcrel), so the parser needs the section's
			// link-time address; the bias is added to every FDE.
			var fdes frame.FrameDescriptionEntries
			fdes, err = frame.Parse(data, binary.LittleEndian, im.Bias, 8, sec.Addr)
			idx.fdes = idx.fdes.Append(fdes)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf(".eh_frame of %s: %w", im.Path, err))
		}
	}
	// .debug_frame goes with the DWARF, so a stripped library keeps it in
	// its split debug file.
	if sec := im.DebugELF().Section(".debug_frame"); sec != nil && sec.Type != elf.SHT_NOBITS {
		data, err := sec.Data() // decompresses SHF_COMPRESSED sections
		if err == nil {
			var fdes frame.FrameDescriptionEntries
			fdes, err = frame.Parse(data, binary.LittleEndian, im.Bias, 8, 0)
			idx.fdes = idx.fdes.Append(fdes)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf(".debug_frame of %s: %w", im.Path, err))
		}
	}
	if len(idx.fdes) == 0 {
		idx.err = fmt.Errorf("%s has no call-frame information (.eh_frame or .debug_frame)", im.Path)
		if len(errs) > 0 {
			idx.err = errs[0]
		}
	}
	return idx
}

// fdeAt returns the FDE covering the run-time address pc, or nil.
func (c *cfiIndex) fdeAt(pc uint64) *frame.FrameDescriptionEntry {
	fde, err := c.fdes.FDEForPC(pc)
	if err != nil {
		return nil
	}
	return fde
}

// rowAt returns the CFI row (CFA and register rules) in effect at the
// run-time address pc, or nil when no FDE covers it.
func (c *cfiIndex) rowAt(pc uint64) (*frame.FrameContext, error) {
	if row, ok := c.rows[pc]; ok {
		return row, nil
	}
	fde := c.fdeAt(pc)
	if fde == nil {
		return nil, nil
	}
	row, err := fde.EstablishFrame(pc)
	if err != nil {
		return nil, err
	}
	if c.rows == nil || len(c.rows) >= maxCachedRows {
		c.rows = map[uint64]*frame.FrameContext{}
	}
	c.rows[pc] = row
	return row, nil
}
