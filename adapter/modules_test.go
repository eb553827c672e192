package adapter

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestModulesSourcesAndSource: at a breakpoint, modules lists the
// executable (with its debug info) and libc with their address ranges;
// loadedSources names the fixture's source; source sends its content by
// path and refuses a source reference.
func TestModulesSourcesAndSource(t *testing.T) {
	prog := fixture.C(t, stepSrc)
	src := fixture.Source(t, stepSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	requestBreakpoints(t, c, src, fixture.Line(t, stepSrc, "call_square"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	top := wantTop(t, c, pid, "main", fixture.Line(t, stepSrc, "call_square"))

	seq = c.send("modules", &dap.ModulesRequest{})
	resp := wantResponse[*dap.ModulesResponse](c, seq)
	mods := resp.Body.Modules
	if resp.Body.TotalModules != len(mods) {
		t.Errorf("totalModules %d for %d modules", resp.Body.TotalModules, len(mods))
	}
	byName := map[string]dap.Module{}
	for _, m := range mods {
		byName[m.Name] = m
	}
	exe, ok := byName[filepath.Base(prog)]
	if !ok || exe.Path != prog || exe.SymbolStatus != "symbols loaded" || !exe.IsUserCode {
		t.Errorf("executable module %+v, want %s with symbols loaded, user code", exe, prog)
	}
	var pc uint64
	fmt.Sscanf(top.InstructionPointerReference, "0x%x", &pc)
	var lo, hi uint64
	if _, err := fmt.Sscanf(exe.AddressRange, "0x%x-0x%x", &lo, &hi); err != nil || pc < lo || pc >= hi {
		t.Errorf("executable address range %q does not hold main's pc %#x", exe.AddressRange, pc)
	}
	libc, ok := byName["libc.so.6"]
	if !ok {
		t.Fatalf("no libc.so.6 among the modules %+v", mods)
	}
	// libc carries no DWARF; with libc6-dbg installed, a split file does.
	if libc.SymbolFilePath != "" {
		if _, err := os.Stat(libc.SymbolFilePath); err != nil || !strings.HasPrefix(libc.SymbolStatus, "symbols loaded from ") {
			t.Errorf("libc module %+v names a debug file it cannot have loaded", libc)
		}
	} else if libc.SymbolStatus != "no debug info (symbol table only)" {
		t.Errorf("libc module status %q, want no debug info", libc.SymbolStatus)
	}

	seq = c.send("modules", &dap.ModulesRequest{Arguments: dap.ModulesArguments{StartModule: 1, ModuleCount: 1}})
	page := wantResponse[*dap.ModulesResponse](c, seq).Body
	if len(page.Modules) != 1 || page.Modules[0].Path != mods[1].Path || page.TotalModules != len(mods) {
		t.Errorf("modules page 1,1 = %+v, want module %s of %d", page, mods[1].Path, len(mods))
	}

	seq = c.send("loadedSources", &dap.LoadedSourcesRequest{})
	srcs := wantResponse[*dap.LoadedSourcesResponse](c, seq).Body.Sources
	if !slices.ContainsFunc(srcs, func(s dap.Source) bool { return s.Path == src && s.Name == stepSrc }) {
		t.Errorf("loadedSources %+v lacks %s", srcs, src)
	}

	seq = c.send("source", &dap.SourceRequest{Arguments: dap.SourceArguments{Source: &dap.Source{Path: src}}})
	content := wantResponse[*dap.SourceResponse](c, seq).Body.Content
	if want, _ := os.ReadFile(src); content != string(want) {
		t.Errorf("source content is %d bytes, want the file's %d", len(content), len(want))
	}
	seq = c.send("source", &dap.SourceRequest{Arguments: dap.SourceArguments{SourceReference: 7}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "path") {
		t.Errorf("source by reference: %q", e.Body.Error.Format)
	}
}

// TestModuleEventOnDlopen: once the client has asked for the modules, a
// library that dlopen maps arrives as a `module` event with reason new,
// its path and its debug info, before the stop that follows the call.
func TestModuleEventOnDlopen(t *testing.T) {
	const libSrc = "session_lib.c"
	lib := fixture.C(t, libSrc, "-shared", "-fPIC")
	prog := fixture.C(t, "session_dlopen.c", "-ldl")
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog, "args": []string{lib}})
	seq := c.send("modules", &dap.ModulesRequest{})
	before := wantResponse[*dap.ModulesResponse](c, seq).Body.Modules
	for _, m := range before {
		if m.Path == lib {
			t.Fatalf("the library is a module before dlopen: %+v", m)
		}
	}
	requestBreakpoints(t, c, fixture.Source(t, "session_dlopen.c"), fixture.Line(t, "session_dlopen.c", "call_lib"))
	seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)

	var events []dap.ModuleEventBody
	for {
		m := c.nextNonOutput()
		if ev, ok := m.(*dap.ModuleEvent); ok {
			events = append(events, ev.Body)
			continue
		}
		if _, ok := m.(*dap.ThreadEvent); ok {
			continue
		}
		st, ok := m.(*dap.StoppedEvent)
		if !ok || st.Body.Reason != "breakpoint" {
			t.Fatalf("got %T %+v, want module events then the breakpoint stop", m, m)
		}
		break
	}
	i := slices.IndexFunc(events, func(e dap.ModuleEventBody) bool { return e.Module.Path == lib })
	if i < 0 {
		t.Fatalf("no module event for %s among %+v", lib, events)
	}
	if e := events[i]; e.Reason != "new" || e.Module.SymbolStatus != "symbols loaded" || e.Module.AddressRange == "" {
		t.Errorf("module event %+v, want new with symbols loaded and an address range", e)
	}
	if !slices.ContainsFunc(events, func(e dap.ModuleEventBody) bool { return e.Module.Name == "libc.so.6" && e.Reason == "new" }) {
		t.Errorf("no module event for libc (loaded at start-up, after the modules request): %+v", events)
	}
	wantTop(t, c, pid, "main", fixture.Line(t, "session_dlopen.c", "call_lib"))
}

// TestProgressWhileSymbolsLoad: a client that shows progress sees a large
// Go program's debug info read between progressStart and progressEnd
// (one id), before the launch is answered; a small C program gets none.
func TestProgressWhileSymbolsLoad(t *testing.T) {
	for _, tc := range []struct {
		prog     string
		progress bool
	}{{fixture.Go(t, "step_big_go"), true}, {fixture.C(t, stepSrc), false}} {
		c := startReal(t)
		seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{
			AdapterID: "test", SupportsProgressReporting: true}})
		expectResponse[*dap.InitializeResponse](c, seq)
		expect[*dap.InitializedEvent](c)
		args, _ := json.Marshal(map[string]any{"program": tc.prog})
		seq = c.send("launch", &dap.LaunchRequest{Arguments: args})
		var named []string // the images whose loading was shown
		for {
			m := c.next()
			if r, ok := m.(*dap.LaunchResponse); ok {
				if r.RequestSeq != seq || !r.Success {
					t.Fatalf("launch response %+v, want success for request %d", r.Response, seq)
				}
				break
			}
			start, ok := m.(*dap.ProgressStartEvent)
			if !ok || start.Body.Title != "Loading symbols" {
				t.Fatalf("got %T %+v, want progress events then the launch response", m, m)
			}
			name, _, _ := strings.Cut(start.Body.Message, " (")
			named = append(named, name)
			end := expect[*dap.ProgressEndEvent](c)
			if end.Body.ProgressId != start.Body.ProgressId || !strings.HasSuffix(end.Body.Message, "source files") {
				t.Errorf("progressEnd %+v does not close %q with a count of files", end.Body, start.Body.ProgressId)
			}
		}
		var want []string
		if tc.progress {
			want = []string{filepath.Base(tc.prog)}
		}
		if !slices.Equal(named, want) {
			t.Errorf("%s: progress shown for %v, want %v", filepath.Base(tc.prog), named, want)
		}
		expect[*dap.ProcessEvent](c)
	}
}
