package session

import (
	"fmt"
	"path/filepath"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
)

// loadSymbols (re)builds the symbol table from the process's mappings, at
// entry and after exec, sets the rendezvous breakpoint (the dynamic
// linker's r_brk, which it calls after each change of the list of loaded
// objects: at start-up and at each dlopen/dlclose), and binds the
// breakpoints that wait for code, handing emit a `breakpoint` event for
// each. Must be called with the process stopped.
func (s *Session) loadSymbols(emit func(dap.Message)) {
	if s.table != nil {
		s.endTerminal() // a reload is an exec: the terminal stub has done its part
		s.moduleEvents(emit, nil, s.table.Images())
		for _, im := range s.table.Images() {
			im.Close()
		}
	}
	s.table = symbols.NewTable()
	s.stmtCache = nil
	s.bps.forgetPhysical()
	s.rendezvous = 0
	s.syncTable(emit)
	// A static executable has no dynamic linker and no libraries to watch.
	if addr, err := s.table.LinkerBreakAddress(); err != nil {
		s.log.Debug("no rendezvous breakpoint", "err", err)
	} else if err := s.bps.acquireInternal(s, addr); err != nil {
		s.log.Warn("rendezvous breakpoint", "addr", fmt.Sprintf("%#x", addr), "err", err)
	} else {
		s.rendezvous = addr
	}
	s.bindPending(emit)
}

// syncTable opens the images newly mapped and closes those gone, handing
// emit their `module` events.
func (s *Session) syncTable(emit func(dap.Message)) {
	maps, err := s.proc.Mappings()
	if err != nil {
		s.log.Warn("memory map", "pid", s.pid, "err", err)
		return
	}
	conv := make([]symbols.Mapping, len(maps))
	for i, m := range maps {
		conv[i] = symbols.Mapping{Start: m.Start, End: m.End, Offset: m.Offset, Perms: m.Perms, Path: m.Path}
	}
	added, removed, err := s.table.Sync(conv)
	if err != nil {
		s.log.Info("symbols of some mapped files", "pid", s.pid, "err", err)
	}
	for _, im := range added {
		s.log.Debug("image loaded", "path", im.Path, "bias", fmt.Sprintf("%#x", im.Bias))
	}
	for _, im := range removed {
		s.log.Debug("image unloaded", "path", im.Path)
	}
	s.indexWithProgress(added)
	s.moduleEvents(emit, added, removed)
}

// largeDebugInfo is the size of DWARF (.debug_info and .debug_line,
// uncompressed) from which reading an executable's symbols takes long
// enough to show progress (a small Go program has about 800 KiB, one
// linking net/http 2.4 MiB, a small C one 1 KiB).
const largeDebugInfo = 2 << 20

// indexWithProgress reads, at once, the compile units and source files of
// a newly mapped executable with a large debug info, between
// progressStart and progressEnd events, when the client shows progress.
// Otherwise that work happens at the first breakpoint or stack. Libraries
// stay lazy: they are read only if a question needs them.
func (s *Session) indexWithProgress(added []*symbols.Image) {
	if !s.launch.client.ProgressReporting {
		return
	}
	for _, im := range added {
		size := debugInfoSize(im)
		if im != s.table.Executable() || size < largeDebugInfo {
			continue
		}
		s.launch.progress++
		id := fmt.Sprintf("dapproc-symbols-%d", s.launch.progress)
		name := filepath.Base(im.Path)
		s.send(&dap.ProgressStartEvent{Event: dap.Event{Event: "progressStart"}, Body: dap.ProgressStartEventBody{
			ProgressId: id, Title: "Loading symbols", Message: fmt.Sprintf("%s (%.1f MiB of debug info)", name, float64(size)/(1<<20))}})
		one := symbols.NewTable()
		one.Add(im)
		files := len(one.Sources())
		s.send(&dap.ProgressEndEvent{Event: dap.Event{Event: "progressEnd"}, Body: dap.ProgressEndEventBody{
			ProgressId: id, Message: fmt.Sprintf("%s: %d source files", name, files)}})
	}
}

// debugInfoSize is the uncompressed size of an image's .debug_info and
// .debug_line, in the file that holds its DWARF.
func debugInfoSize(im *symbols.Image) uint64 {
	f := im.DebugELF()
	var n uint64
	for _, name := range []string{".debug_info", ".debug_line"} {
		if sec := f.Section(name); sec != nil {
			n += sec.Size
		}
	}
	return n
}

// librariesChanged re-syncs the symbol table after the dynamic linker
// loaded or unloaded libraries, and binds pending breakpoints.
func (s *Session) librariesChanged() {
	s.syncTable(s.send)
	s.bindPending(s.send)
}

// lineAddresses returns the addresses of a source line (a path as the
// client has it) in the loaded images, and the line that actually has code.
//
// The executable is asked first, alone: a line it has binds there, and the
// libraries are searched only for lines it lacks. That spares reading the
// debug info of every library (the dynamic linker's, and with libc6-dbg
// installed a large one) at launch, for the price of a rare case: the same
// source line compiled into both the program and a library binds in the
// program only.
func (s *Session) lineAddresses(path string, line int) ([]uint64, int, error) {
	path = s.srcMap.toDebug(path)
	if exe := s.table.Executable(); exe != nil {
		only := symbols.NewTable()
		only.Add(exe)
		if addrs, actual, err := only.LineAddresses(path, line); err == nil {
			return addrs, actual, nil
		}
	}
	addrs, actual, err := s.table.LineAddresses(path, line)
	if err != nil {
		return nil, 0, fmt.Errorf("%s:%d: %w", filepath.Base(path), line, err)
	}
	return addrs, actual, nil
}

// decodeAt decodes the instruction at pc.
func (s *Session) decodeAt(pc uint64) (arch.Inst, error) {
	var buf [arch.MaxInstLen]byte
	n, err := s.proc.ReadMemory(pc, buf[:])
	if n == 0 {
		return arch.Inst{}, fmt.Errorf("read instruction at %#x: %w", pc, err)
	}
	return arch.Decode(buf[:n], pc)
}
