package symbols

import (
	"debug/elf"
	"encoding/binary"

	"github.com/dapproc/dapproc/arch"
)

// PLTStubs names the image's PLT stubs as objdump does: the run-time
// address of each stub's first instruction, mapped to "strlen@plt". A stub
// is found by decoding its indirect jump through a GOT slot, and named by
// the dynamic relocation of that slot, so every PLT layout (.plt, .plt.sec
// of IBT-enabled code, .plt.got) is covered alike. The PLT header and
// stubs whose slot has no symbol (IRELATIVE) are left out. The result is
// computed on each call; a caller that asks often keeps it.
func (im *Image) PLTStubs() map[uint64]string {
	f := im.elf
	slots := im.relocatedSlots()
	if len(slots) == 0 {
		return nil
	}
	out := map[uint64]string{}
	for _, name := range []string{".plt", ".plt.sec", ".plt.got"} {
		sec := f.Section(name)
		if sec == nil || sec.Type != elf.SHT_PROGBITS {
			continue
		}
		code, err := sec.Data()
		if err != nil {
			continue
		}
		size := sec.Entsize
		if size == 0 || size > 32 {
			size = 16
		}
		for off := uint64(0); off+size <= uint64(len(code)); off += size {
			entry := code[off : off+size]
			for pos := 0; pos < len(entry); {
				inst, err := arch.Decode(entry[pos:], sec.Addr+off+uint64(pos))
				if err != nil {
					break
				}
				if inst.TargetPointer != 0 {
					if sym, ok := slots[inst.TargetPointer]; ok {
						out[sec.Addr+off+im.Bias] = sym + "@plt"
					}
					break
				}
				pos += inst.Len
			}
		}
	}
	return out
}

// relocatedSlots maps the link-time address of each GOT slot that a
// dynamic relocation with a symbol fills (JUMP_SLOT, GLOB_DAT) to the
// symbol's name.
func (im *Image) relocatedSlots() map[uint64]string {
	f := im.elf
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil
	}
	out := map[uint64]string{}
	for _, name := range []string{".rela.plt", ".rela.dyn"} {
		sec := f.Section(name)
		if sec == nil || sec.Type != elf.SHT_RELA {
			continue
		}
		data, err := sec.Data()
		if err != nil {
			continue
		}
		const relaSize = 24 // Elf64_Rela: r_offset, r_info, r_addend
		for off := 0; off+relaSize <= len(data); off += relaSize {
			slot := binary.LittleEndian.Uint64(data[off:])
			info := binary.LittleEndian.Uint64(data[off+8:])
			typ, idx := elf.R_X86_64(info&0xffffffff), info>>32
			if (typ != elf.R_X86_64_JMP_SLOT && typ != elf.R_X86_64_GLOB_DAT) || idx == 0 || idx > uint64(len(syms)) {
				continue
			}
			// DynamicSymbols leaves out the null symbol at index 0.
			if n := syms[idx-1].Name; n != "" {
				out[slot] = n
			}
		}
	}
	return out
}
