package session

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/symbols"
)

// Modules answers `modules`: every image of the symbol table (the
// executable, the dynamic linker, each library, the vDSO) from
// startModule, count of them (0 for all), and the total. From then on the
// client gets a `module` event for each image loaded or unloaded: a
// client that never asks pays nothing for them.
func (s *Session) Modules(startModule, count int) ([]dap.Module, int, error) {
	if s.table == nil {
		return nil, 0, ErrNoProcess
	}
	s.launch.modulesAsked = true
	ims := s.table.Images()
	total := len(ims)
	startModule = min(max(startModule, 0), total)
	end := total
	if count > 0 {
		end = min(startModule+count, total)
	}
	out := make([]dap.Module, 0, end-startModule)
	for _, im := range ims[startModule:end] {
		out = append(out, s.module(im))
	}
	return out, total, nil
}

// module describes one image for `modules` and `module` events. Its id is
// its path, which names it as long as it is loaded.
func (s *Session) module(im *symbols.Image) dap.Module {
	lo, hi := im.Range()
	m := dap.Module{
		Id:           im.Path,
		Name:         filepath.Base(im.Path),
		Path:         im.Path,
		AddressRange: fmt.Sprintf("%#x-%#x", lo, hi),
		IsUserCode:   im == s.table.Executable(),
	}
	switch {
	case im.DebugPath() != "":
		m.SymbolStatus = "symbols loaded from " + im.DebugPath()
		m.SymbolFilePath = im.DebugPath()
	case im.HasDebugInfo():
		m.SymbolStatus = "symbols loaded"
		m.SymbolFilePath = im.Path
	default:
		m.SymbolStatus = "no debug info (symbol table only)"
	}
	return m
}

// moduleEvents hands emit a `module` event per image added or removed, if
// the client asked for the modules.
func (s *Session) moduleEvents(emit func(dap.Message), added, removed []*symbols.Image) {
	if !s.launch.modulesAsked {
		return
	}
	for _, im := range removed {
		emit(&dap.ModuleEvent{Event: dap.Event{Event: "module"},
			Body: dap.ModuleEventBody{Reason: "removed", Module: dap.Module{Id: im.Path, Name: filepath.Base(im.Path), Path: im.Path}}})
	}
	for _, im := range added {
		emit(&dap.ModuleEvent{Event: dap.Event{Event: "module"},
			Body: dap.ModuleEventBody{Reason: "new", Module: s.module(im)}})
	}
}

// LoadedSources answers `loadedSources`: every source file named in the
// debug info of the loaded images.
func (s *Session) LoadedSources() ([]dap.Source, error) {
	if s.table == nil {
		return nil, ErrNoProcess
	}
	out := []dap.Source{}
	for _, p := range s.table.Sources() {
		out = append(out, *s.clientSource(p))
	}
	return out, nil
}

// maxSourceSize bounds the file `source` sends in one response.
const maxSourceSize = 16 << 20

// Source answers `source` for a client that cannot read a file itself
// (remote, or a path it does not have): the file's content by path.
// dapproc hands out no sourceReference, so one is an error.
func (s *Session) Source(path string, reference int) (string, error) {
	if path == "" {
		if reference != 0 {
			return "", fmt.Errorf("source reference %d is unknown: dapproc names every source by its path", reference)
		}
		return "", errors.New(`source needs "source.path"`)
	}
	fi, err := os.Stat(path)
	if err != nil && s.srcMap.toDebug(path) != path {
		path = s.srcMap.toDebug(path) // the file where the debug info says it is
		fi, err = os.Stat(path)
	}
	if err != nil {
		return "", fmt.Errorf("source %s is not readable on the debugging machine: %w", path, err)
	}
	if fi.Size() > maxSourceSize {
		return "", fmt.Errorf("source %s is %d bytes, more than the %d that dapproc sends", path, fi.Size(), maxSourceSize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read source %s: %w", path, err)
	}
	return string(b), nil
}
