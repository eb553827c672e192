package e2e

// The README's editor sections, run as written. The Neovim section's Lua
// (adapter definitions and configurations) is read with internal/readmeconf
// and each configuration is run through each adapter definition the way
// nvim-dap runs it: the adapter started as the definition says, nvim-dap's
// initialize, the configuration's own fields as the launch or attach
// arguments, a breakpoint, the stop, a stack trace, and the exit code. The
// VS Code section's launch.json is checked against the extension's
// package.json and its launch configuration runs the walkthrough's hello.c,
// built with the walkthrough's command.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/internal/readmeconf"
)

// readmeText returns the repository's README.md.
func readmeText(t *testing.T) string {
	t.Helper()
	root, err := fixture.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sectionBlocks returns the code blocks of languages langs in the README
// section under heading.
func sectionBlocks(t *testing.T, heading string, langs ...string) []readmeconf.Block {
	t.Helper()
	text, first, err := readmeconf.Section(readmeText(t), heading)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	blocks, err := readmeconf.CodeBlocks(text, first, langs...)
	if err != nil {
		t.Fatalf("README.md %s: %v", heading, err)
	}
	return blocks
}

// nvimAdapterName is the adapter name the README's configurations use.
const nvimAdapterName = "dapproc"

// neovimReadme reads every Lua block of the Neovim section, in order.
func neovimReadme(t *testing.T) *readmeconf.Script {
	t.Helper()
	var s readmeconf.Script
	for _, b := range sectionBlocks(t, "## Neovim (nvim-dap)", "lua") {
		if err := s.Run(b.Body, b.Line+1); err != nil {
			t.Fatalf("README.md, Lua block of line %d: %v", b.Line, err)
		}
	}
	return &s
}

// nvimAdapter is one of the README's definitions of the adapter.
type nvimAdapter struct {
	line int            // where it is assigned in README.md
	def  map[string]any // its fields, as JSON values
}

// nvimAdapters returns the README's definitions of the adapter, one per
// assignment (the README offers alternatives).
func nvimAdapters(t *testing.T, s *readmeconf.Script) []nvimAdapter {
	t.Helper()
	var defs []nvimAdapter
	for _, a := range s.Assignments {
		if !strings.HasPrefix(a.Target, "dap.adapters.") {
			continue
		}
		if a.Target != "dap.adapters."+nvimAdapterName {
			t.Fatalf("README.md line %d defines %s; the configurations use dap.adapters.%s", a.Line, a.Target, nvimAdapterName)
		}
		v, err := readmeconf.ToJSON(a.Value, func(key string, f readmeconf.Func) (any, error) {
			return nil, fmt.Errorf("line %d: %s = %s: the test only runs adapter definitions made of plain values", f.Line, key, f.Source)
		})
		if err != nil {
			t.Fatalf("README.md adapter of line %d: %v", a.Line, err)
		}
		def, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("README.md line %d: the adapter is %v, not a table of fields", a.Line, v)
		}
		defs = append(defs, nvimAdapter{a.Line, def})
	}
	return defs
}

// nvimLanguages are the filetypes the README configures, and the fixture
// that stands for "the program" of each.
var nvimLanguages = []struct {
	filetype, src string
	build         func(t *testing.T) string
	frame         map[string]string // marker -> function name in the stack trace
}{
	{"c", "readme_c.c", func(t *testing.T) string { return fixture.C(t, "readme_c.c") },
		map[string]string{"started": "started", "answer": "answer"}},
	{"cpp", "readme_cpp.cpp", func(t *testing.T) string { return fixture.C(t, "readme_cpp.cpp") },
		map[string]string{
			"started": "readme::Greeter::started(" + cxxConstString + ")",
			"answer":  "readme::Greeter::answer(" + cxxConstString + ")",
		}},
	{"rust", "readme_rust.rs", buildReadmeRust,
		map[string]string{"started": "readme_rust::started", "answer": "readme_rust::answer"}},
}

// cxxConstString is how the demangler spells a std::string const&.
const cxxConstString = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&"

// buildReadmeRust compiles testdata/readme_rust.rs with rustc -g at
// opt-level 0 (internal/fixture builds C, C++ and Go only).
func buildReadmeRust(t *testing.T) string {
	t.Helper()
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		t.Skip("rustc is not installed: the README's Rust configurations are not run")
	}
	bin := filepath.Join(t.TempDir(), "readme_rust")
	if out, err := exec.Command(rustc, "-g", "-C", "opt-level=0", "-o", bin, fixture.Source(t, "readme_rust.rs")).CombinedOutput(); err != nil {
		t.Fatalf("rustc readme_rust.rs: %v\n%s", err, out)
	}
	return bin
}

// The README offers the adapter both ways and configures c, cpp and rust
// with one launch and one attach configuration each: a deleted block or
// configuration fails here before anything runs.
func TestReadmeNeovimHasEveryConfiguration(t *testing.T) {
	s := neovimReadme(t)
	var types []string
	for _, a := range nvimAdapters(t, s) {
		types = append(types, fmt.Sprint(a.def["type"]))
	}
	if !slices.Equal(types, []string{"executable", "server"}) {
		t.Errorf("README adapter definitions have types %v, want [executable server]", types)
	}
	for _, lang := range nvimLanguages {
		var requests []string
		for _, c := range nvimConfigurations(t, s, lang.filetype) {
			requests = append(requests, c.Fields["request"].(string))
		}
		if !slices.Equal(requests, []string{"launch", "attach"}) {
			t.Errorf("dap.configurations.%s has requests %v, want [launch attach]", lang.filetype, requests)
		}
	}
}

// nvimConfigurations returns the configurations of filetype.
func nvimConfigurations(t *testing.T, s *readmeconf.Script, filetype string) []*readmeconf.Table {
	t.Helper()
	v, ok := s.Value("dap.configurations." + filetype)
	if !ok {
		t.Fatalf("README.md sets no dap.configurations.%s", filetype)
	}
	list, ok := v.(*readmeconf.Table)
	if !ok || len(list.Fields) > 0 {
		t.Fatalf("dap.configurations.%s is %v, not a list of configurations", filetype, v)
	}
	var out []*readmeconf.Table
	for i, item := range list.Items {
		c, ok := item.(*readmeconf.Table)
		if !ok {
			t.Fatalf("dap.configurations.%s[%d] is %v, not a table", filetype, i+1, item)
		}
		for _, k := range []string{"type", "request", "name"} { // what nvim-dap requires
			if s, _ := c.Fields[k].(string); s == "" {
				t.Fatalf("dap.configurations.%s[%d] (line %d) has no %s", filetype, i+1, c.Line, k)
			}
		}
		out = append(out, c)
	}
	return out
}

// Every configuration of the README, through every adapter definition of
// the README, against the real dapproc.
func TestReadmeNeovimConfigurationsRun(t *testing.T) {
	s := neovimReadme(t)
	adapters := nvimAdapters(t, s)
	for _, lang := range nvimLanguages {
		t.Run(lang.filetype, func(t *testing.T) {
			t.Parallel() // the languages' sessions are independent
			bin := lang.build(t)
			src := fixture.Source(t, lang.src)
			for _, adapter := range adapters {
				for _, cfg := range nvimConfigurations(t, s, lang.filetype) {
					name := fmt.Sprintf("%s/%s", adapter.def["type"], cfg.Fields["request"])
					t.Run(name, func(t *testing.T) {
						run := nvimRun{adapter: adapter, config: cfg, bin: bin, src: src, lang: lang.src, frames: lang.frame}
						run.start(t)
					})
				}
			}
		})
	}
}

// nvimRun is one configuration run through one adapter definition.
type nvimRun struct {
	adapter nvimAdapter
	config  *readmeconf.Table
	bin     string            // the program the configuration asks for
	src     string            // its source, where breakpoints go
	lang    string            // its testdata name, for its markers
	frames  map[string]string // marker -> the function name expected there
}

// start evaluates the configuration as nvim-dap would (the program prompt
// answered with the fixture, the process picker with a running one,
// ${workspaceFolder} a fresh directory), starts the adapter and runs the
// session.
func (r nvimRun) start(t *testing.T) {
	workspace := t.TempDir()
	var debuggee *readmeProgram
	if r.config.Fields["request"] == "attach" {
		debuggee = startReadmeProgram(t, r.bin)
	}
	args, err := readmeconf.ToJSON(r.config, func(key string, f readmeconf.Func) (any, error) {
		switch {
		case key == "program" && strings.HasPrefix(f.Source, "function") && strings.Contains(f.Source, "vim.fn.input"):
			return r.bin, nil // what the user types at the prompt
		case key == "pid" && f.Source == "require('dap.utils').pick_process" && debuggee != nil:
			return debuggee.cmd.Process.Pid, nil // what the user picks
		}
		return nil, fmt.Errorf("line %d: the test does not know what %s = %s stands for", f.Line, key, f.Source)
	})
	if err != nil {
		t.Fatalf("README configuration of line %d: %v", r.config.Line, err)
	}
	config := substitute(t, args, map[string]string{"${workspaceFolder}": workspace}).(map[string]any)
	if config["type"] != nvimAdapterName {
		t.Fatalf("README configuration of line %d has type %v, want %q (the adapter the README defines)", r.config.Line, config["type"], nvimAdapterName)
	}
	c := r.startAdapter(t)
	caps := nvimInitialize(t, c, r.adapter.def)
	if config["request"] == "launch" {
		r.launch(t, c, caps, config, workspace)
	} else {
		r.attach(t, c, caps, config, debuggee)
	}
}

// startAdapter starts dapproc as the adapter definition says and returns a
// client connected to it.
func (r nvimRun) startAdapter(t *testing.T) *daptest.Client {
	t.Helper()
	def, line := r.adapter.def, r.adapter.line
	for k := range def {
		if !slices.Contains([]string{"type", "command", "args", "name", "id", "options", "host", "port", "executable"}, k) {
			t.Fatalf("README adapter of line %d: the test does not know what nvim-dap does with %q", line, k)
		}
	}
	switch def["type"] {
	case "executable":
		args := commandLine(t, def, line)
		c, _ := daptest.StartStdio(t, dapproc, args...)
		return c
	case "server":
		host, _ := def["host"].(string)
		if host == "" {
			host = "127.0.0.1" // nvim-dap's default
		}
		port := def["port"]
		if port == "${port}" {
			port = freePort(t) // nvim-dap picks a free port and substitutes it
		}
		addr := net.JoinHostPort(host, fmt.Sprint(port))
		exe, ok := def["executable"].(map[string]any)
		if !ok {
			t.Fatalf("README adapter of line %d: type server without an executable table: nothing would start dapproc", line)
		}
		exe = substitute(t, exe, map[string]string{"${port}": fmt.Sprint(port)}).(map[string]any)
		_, announced := daptest.StartServer(t, dapproc, commandLine(t, exe, line)...)
		if announced != addr {
			t.Fatalf("dapproc listens at %s, but nvim-dap would connect to %s", announced, addr)
		}
		c, _ := daptest.Dial(t, "tcp", addr)
		return c
	}
	t.Fatalf("README adapter of line %d has type %v, want executable or server", line, def["type"])
	return nil
}

// commandLine checks that def runs `dapproc` (the binary under test stands
// for the one on the PATH) and returns its arguments.
func commandLine(t *testing.T, def map[string]any, line int) []string {
	t.Helper()
	if def["command"] != "dapproc" {
		t.Fatalf("README adapter of line %d runs %v, want dapproc (on the PATH)", line, def["command"])
	}
	var args []string
	raw, _ := def["args"].([]any)
	for _, a := range raw {
		s, ok := a.(string)
		if !ok {
			t.Fatalf("README adapter of line %d: argument %v is not a string", line, a)
		}
		args = append(args, s)
	}
	return args
}

// freePort returns a TCP port of 127.0.0.1 that nobody listens on, found
// as nvim-dap finds it: bind port 0, read the port, close.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// substitute replaces variables in every string of a JSON value, and fails
// on a ${...} that is left: nvim-dap would have replaced it with something
// the test does not provide.
func substitute(t *testing.T, v any, vars map[string]string) any {
	t.Helper()
	switch v := v.(type) {
	case string:
		for k, val := range vars {
			v = strings.ReplaceAll(v, k, val)
		}
		if i := strings.Index(v, "${"); i >= 0 {
			t.Fatalf("README value %q uses a variable the test does not substitute", v)
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = substitute(t, x, vars)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = substitute(t, x, vars)
		}
		return out
	}
	return v
}

// nvimInitialize sends initialize with nvim-dap's arguments and returns the
// capabilities.
func nvimInitialize(t *testing.T, c *daptest.Client, adapter map[string]any) dap.Capabilities {
	t.Helper()
	id, _ := adapter["id"].(string)
	if id == "" {
		id = "nvim-dap"
	}
	seq := c.Send(&dap.InitializeRequest{
		Request: dap.Request{Command: "initialize"},
		Arguments: dap.InitializeRequestArguments{
			ClientID: "neovim", ClientName: "neovim", AdapterID: id, PathFormat: "path",
			ColumnsStartAt1: true, LinesStartAt1: true,
			SupportsRunInTerminalRequest: true, SupportsVariableType: true,
			SupportsProgressReporting: true, SupportsStartDebuggingRequest: true,
			Locale: "en_US",
		},
	})
	caps := c.ExpectInitializeResponse(seq).Body
	if !caps.SupportsConfigurationDoneRequest {
		t.Fatalf("capabilities lack configurationDone: %+v", caps)
	}
	c.ExpectInitializedEvent()
	return caps
}

// configure does what nvim-dap does on the initialized event: the
// breakpoints, the adapter's default exception filters, configurationDone.
func configure(t *testing.T, c *daptest.Client, caps dap.Capabilities, src string, line int) int {
	t.Helper()
	seq := c.Send(&dap.SetBreakpointsRequest{
		Request: dap.Request{Command: "setBreakpoints"},
		Arguments: dap.SetBreakpointsArguments{
			Source:      dap.Source{Path: src, Name: filepath.Base(src)},
			Breakpoints: []dap.SourceBreakpoint{{Line: line}},
			Lines:       []int{line},
		},
	})
	bps := c.ExpectSetBreakpointsResponse(seq).Body.Breakpoints
	if len(bps) != 1 || !bps[0].Verified || bps[0].Line != line {
		t.Fatalf("setBreakpoints %s:%d answered %+v, want one verified breakpoint on that line", filepath.Base(src), line, bps)
	}
	if len(caps.ExceptionBreakpointFilters) > 0 {
		filters := []string{}
		for _, f := range caps.ExceptionBreakpointFilters {
			if f.Default {
				filters = append(filters, f.Filter)
			}
		}
		daptest.ExpectResponse[*dap.SetExceptionBreakpointsResponse](c, c.SendCommand("setExceptionBreakpoints", map[string]any{"filters": filters}))
	}
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	return bps[0].Id
}

// expectStopIn expects the stop at breakpoint id in thread tid and checks
// the top frame of the stack trace is function fn at line of src.
func expectStopIn(t *testing.T, c *daptest.Client, tid, id int, fn, src string, line int) {
	t.Helper()
	e := c.ExpectStoppedEvent("breakpoint").Body
	if e.ThreadId != tid || !slices.Equal(e.HitBreakpointIds, []int{id}) {
		t.Fatalf("stopped %+v, want thread %d at breakpoint %d", e, tid, id)
	}
	frames := c.ExpectStackTraceResponse(c.StackTrace(tid, 0, 20)).Body.StackFrames
	if len(frames) < 2 {
		t.Fatalf("stack of thread %d has %d frames, want the function and its caller", tid, len(frames))
	}
	checkFrame(t, frames[0], fn, src, line)
}

// expectAfterProgress expects the successful T answering request seq,
// after any progress the adapter shows meanwhile (nvim-dap says it shows
// progress, and dapproc reports loading a large debug info so): each
// progressStart must be ended before the answer.
func expectAfterProgress[T dap.ResponseMessage](t *testing.T, c *daptest.Client, seq int) T {
	t.Helper()
	open := map[string]bool{}
	for {
		switch m := c.ReadMessage().(type) {
		case *dap.ProgressStartEvent:
			open[m.Body.ProgressId] = true
		case *dap.ProgressUpdateEvent:
			if !open[m.Body.ProgressId] {
				t.Fatalf("progressUpdate of %q, which was not started", m.Body.ProgressId)
			}
		case *dap.ProgressEndEvent:
			if !open[m.Body.ProgressId] {
				t.Fatalf("progressEnd of %q, which was not started", m.Body.ProgressId)
			}
			delete(open, m.Body.ProgressId)
		case T:
			if r := m.GetResponse(); r.RequestSeq != seq || !r.Success {
				t.Fatalf("expected a successful response to request %d, got %s", seq, daptest.Describe(m))
			}
			if len(open) > 0 {
				t.Fatalf("answered with progress %v still open", open)
			}
			return m
		default:
			var want T
			t.Fatalf("expected progress events or %T, got %s", want, daptest.Describe(m))
		}
	}
}

func (r nvimRun) launch(t *testing.T, c *daptest.Client, caps dap.Capabilities, config map[string]any, workspace string) {
	c.CollectOutput("stdout", "stderr")
	expectAfterProgress[*dap.LaunchResponse](t, c, c.Launch(config))
	pid := c.ExpectProcessEvent().Body.SystemProcessId
	c.ExpectThreadEvent("started")
	line := fixture.Line(t, r.lang, "started")
	id := configure(t, c, caps, r.src, line)
	if config["stopOnEntry"] == true {
		c.ExpectStoppedEvent("entry")
		c.ExpectContinueResponse(c.Continue(pid))
	}
	expectStopIn(t, c, pid, id, r.frames["started"], r.src, line)
	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(3) // 3 + no line read: a launched program's stdin is /dev/null
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
	if got, want := c.Output("stdout"), "cwd="+workspace+"\n"; got != want {
		t.Errorf("the program printed %q, want %q: cwd = '${workspaceFolder}' not honoured", got, want)
	}
}

func (r nvimRun) attach(t *testing.T, c *daptest.Client, caps dap.Capabilities, config map[string]any, p *readmeProgram) {
	pid := p.cmd.Process.Pid
	expectAfterProgress[*dap.AttachResponse](t, c, c.SendCommand("attach", config))
	if e := c.ExpectProcessEvent().Body; e.SystemProcessId != pid || e.StartMethod != "attach" {
		t.Fatalf("process event %+v, want pid %d attached", e, pid)
	}
	c.ExpectThreadEvent("started")
	line := fixture.Line(t, r.lang, "answer")
	id := configure(t, c, caps, r.src, line)
	p.send(t, "traced")
	expectStopIn(t, c, pid, id, r.frames["answer"], r.src, line)
	c.ExpectContinueResponse(c.Continue(pid))
	p.expect(t, "answer 1: traced")
	p.closeInput(t)
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(5) // 3 + the two lines it answered
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}

// readmeProgram is a readme_* fixture started by the test, to be attached
// to: it answers each line written to it.
type readmeProgram struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string // its stdout, line by line; closed at the end
}

// startReadmeProgram starts bin and waits until it has answered a first
// line, so it is in its read loop when the test attaches.
func startReadmeProgram(t *testing.T, bin string) *readmeProgram {
	t.Helper()
	cmd := exec.Command(bin)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &readmeProgram{cmd: cmd, in: in, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line := p.next(t); !strings.HasPrefix(line, "cwd=") {
		t.Fatalf("%s started with %q, want its working directory", filepath.Base(bin), line)
	}
	p.send(t, "before")
	p.expect(t, "answer 0: before")
	return p
}

func (p *readmeProgram) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.in, line+"\n"); err != nil {
		t.Fatalf("writing to the program: %v", err)
	}
}

func (p *readmeProgram) closeInput(t *testing.T) {
	t.Helper()
	if err := p.in.Close(); err != nil {
		t.Fatalf("closing the program's stdin: %v", err)
	}
}

func (p *readmeProgram) next(t *testing.T) string {
	t.Helper()
	timer := time.NewTimer(daptest.DefaultTimeout)
	defer timer.Stop()
	select {
	case line, ok := <-p.lines:
		if !ok {
			t.Fatal("the program's output ended")
		}
		return line
	case <-timer.C:
		t.Fatalf("the program printed nothing within %v", daptest.DefaultTimeout)
	}
	return ""
}

func (p *readmeProgram) expect(t *testing.T, want string) {
	t.Helper()
	if got := p.next(t); got != want {
		t.Fatalf("the program printed %q, want %q", got, want)
	}
}

// vscodeManifest reads vscode-extension/package.json.
func vscodeManifest(t *testing.T) map[string]any {
	t.Helper()
	root, err := fixture.Root()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "vscode-extension", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("vscode-extension/package.json: %v", err)
	}
	return m
}

// stripJSONComments removes // comments outside strings (launch.json is
// JSON with comments).
func stripJSONComments(s string) string {
	var b strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			if i < len(s) {
				b.WriteByte('\n')
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// vscodeLaunchJSON returns the configurations of the VS Code section's
// launch.json block.
func vscodeLaunchJSON(t *testing.T) []map[string]any {
	t.Helper()
	blocks := sectionBlocks(t, "## VS Code", "jsonc", "json")
	if len(blocks) != 1 {
		t.Fatalf("the VS Code section has %d JSON blocks, want 1 (launch.json)", len(blocks))
	}
	var launch struct {
		Version        string           `json:"version"`
		Configurations []map[string]any `json:"configurations"`
	}
	if err := json.Unmarshal([]byte(stripJSONComments(blocks[0].Body)), &launch); err != nil {
		t.Fatalf("README.md launch.json of line %d: %v", blocks[0].Line, err)
	}
	if launch.Version != "0.2.0" {
		t.Errorf("launch.json version %q, want 0.2.0", launch.Version)
	}
	return launch.Configurations
}

// Each attribute of the README's launch.json is one the extension declares,
// with a value of the declared type, and the required ones are there; the
// settings table names the extension's settings with their defaults; the
// .vsix name is the package's.
func TestReadmeVSCodeMatchesTheExtension(t *testing.T) {
	m := vscodeManifest(t)
	var debugger map[string]any
	for _, d := range m["contributes"].(map[string]any)["debuggers"].([]any) {
		if d.(map[string]any)["type"] == "dapproc" {
			debugger = d.(map[string]any)
		}
	}
	if debugger == nil {
		t.Fatal("package.json contributes no debugger of type dapproc")
	}
	schemas := debugger["configurationAttributes"].(map[string]any)
	var requests []string
	for _, cfg := range vscodeLaunchJSON(t) {
		request, _ := cfg["request"].(string)
		requests = append(requests, request)
		schema, ok := schemas[request].(map[string]any)
		if cfg["type"] != "dapproc" || !ok || cfg["name"] == nil {
			t.Errorf("configuration %v: want type dapproc, a request the extension declares and a name", cfg)
			continue
		}
		props := schema["properties"].(map[string]any)
		for k, v := range cfg {
			if k == "type" || k == "request" || k == "name" {
				continue
			}
			p, ok := props[k].(map[string]any)
			if !ok {
				t.Errorf("%s configuration %q: attribute %q is not in package.json's configurationAttributes.%s", request, cfg["name"], k, request)
				continue
			}
			if !schemaAccepts(p, v) {
				t.Errorf("%s configuration %q: %s = %v does not match package.json's schema %v", request, cfg["name"], k, v, p)
			}
		}
		for _, r := range schema["required"].([]any) {
			if _, ok := cfg[r.(string)]; !ok {
				t.Errorf("%s configuration %q lacks the required %q", request, cfg["name"], r)
			}
		}
	}
	if !slices.Equal(requests, []string{"launch", "attach"}) {
		t.Errorf("launch.json has requests %v, want [launch attach]", requests)
	}

	text, _, err := readmeconf.Section(readmeText(t), "## VS Code")
	if err != nil {
		t.Fatal(err)
	}
	settings := m["contributes"].(map[string]any)["configuration"].(map[string]any)["properties"].(map[string]any)
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`dapproc.") {
			continue
		}
		rows++
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		s, ok := settings[name].(map[string]any)
		if !ok {
			t.Errorf("README setting %s is not in package.json", name)
			continue
		}
		def, _ := json.Marshal(s["default"])
		if got := strings.Trim(strings.TrimSpace(cells[2]), "`"); got != string(def) {
			t.Errorf("README says %s defaults to %s, package.json to %s", name, got, def)
		}
	}
	if rows != len(settings) {
		t.Errorf("README's settings table has %d rows, package.json %d settings", rows, len(settings))
	}
	vsix := fmt.Sprintf("%s-%s.vsix", m["name"], m["version"])
	if !strings.Contains(text, "`"+vsix+"`") {
		t.Errorf("the VS Code section does not name the package vsce writes, %s", vsix)
	}
}

// schemaAccepts checks v against the subset of JSON schema package.json
// uses: type, enum, items and anyOf.
func schemaAccepts(schema map[string]any, v any) bool {
	if alts, ok := schema["anyOf"].([]any); ok {
		for _, a := range alts {
			if schemaAccepts(a.(map[string]any), v) {
				return true
			}
		}
		return false
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		return false
	}
	switch schema["type"] {
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "object":
		obj, ok := v.(map[string]any)
		if item, has := schema["additionalProperties"].(map[string]any); ok && has {
			for _, x := range obj {
				if !schemaAccepts(item, x) {
					return false
				}
			}
		}
		return ok
	case "array":
		list, ok := v.([]any)
		if item, has := schema["items"].(map[string]any); ok && has {
			for _, x := range list {
				if !schemaAccepts(item, x) {
					return false
				}
			}
		}
		return ok
	}
	return schema["type"] == nil
}

// The walkthrough as written: hello.c built with the README's command in a
// workspace folder, the launch configuration of launch.json run against
// dapproc over stdio (as the extension starts it), the breakpoint on the
// line the walkthrough names, the stop in main, and total=14 at the end.
func TestReadmeVSCodeWalkthroughRuns(t *testing.T) {
	workspace := t.TempDir()
	sources := sectionBlocks(t, "## VS Code", "c")
	if len(sources) != 1 {
		t.Fatalf("the VS Code section has %d C blocks, want 1 (hello.c)", len(sources))
	}
	hello := filepath.Join(workspace, "hello.c")
	if err := os.WriteFile(hello, []byte(sources[0].Body), 0o644); err != nil {
		t.Fatal(err)
	}
	var build []string
	for _, b := range sectionBlocks(t, "## VS Code", "sh") {
		for _, l := range strings.Split(b.Body, "\n") {
			if strings.HasPrefix(l, "gcc ") {
				build = strings.Fields(l)
			}
		}
	}
	if build == nil {
		t.Fatal("the VS Code section has no gcc command in a sh block")
	}
	cmd := exec.Command(build[0], build[1:]...)
	cmd.Dir = workspace
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(build, " "), err, out)
	}

	text, _, _ := readmeconf.Section(readmeText(t), "## VS Code")
	_, after, ok := strings.Cut(text, "on the line `")
	bpText, _, ok2 := strings.Cut(after, "`")
	if !ok || !ok2 {
		t.Fatal("the walkthrough names no line to break on (\"on the line `...`\")")
	}
	line := 0
	for i, l := range strings.Split(sources[0].Body, "\n") {
		if strings.TrimSpace(l) == bpText {
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("hello.c has no line %q, the one the walkthrough breaks on", bpText)
	}

	var config map[string]any
	for _, cfg := range vscodeLaunchJSON(t) {
		if cfg["request"] == "launch" {
			config = substitute(t, cfg, map[string]string{"${workspaceFolder}": workspace}).(map[string]any)
		}
	}
	if config == nil {
		t.Fatal("launch.json has no launch configuration")
	}
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	c.ExpectLaunchResponse(c.Launch(config))
	p := c.ExpectProcessEvent().Body
	if filepath.Base(p.Name) != "hello" {
		t.Errorf("process event names %q, want hello", p.Name)
	}
	pid := p.SystemProcessId
	c.ExpectThreadEvent("started")
	id := setBreakpoint(t, c, hello, line)
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if config["stopOnEntry"] == true {
		c.ExpectStoppedEvent("entry")
		c.ExpectContinueResponse(c.Continue(pid))
	}
	expectBreakpointStop(t, c, pid, pid, id)
	threads := c.ExpectThreadsResponse(c.Threads()).Body.Threads
	if len(threads) != 1 || threads[0].Id != pid || threads[0].Name != "hello" {
		t.Errorf("threads %+v, want the one thread hello with id %d", threads, pid)
	}
	checkFrame(t, stack(t, c, pid, 1)[0], "main", hello, line)
	if bps := c.ExpectSetBreakpointsResponse(c.SetBreakpoints(hello)).Body.Breakpoints; len(bps) != 0 {
		t.Fatalf("removing the breakpoint answered %+v", bps)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(0)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
	if got := c.Output("stdout"); got != "total=14\n" || !strings.Contains(text, "`"+strings.TrimSpace(got)+"`") {
		t.Errorf("hello printed %q; the walkthrough says it prints what is quoted there", got)
	}
}
