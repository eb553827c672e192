package adapter

import (
	"bufio"
	"debug/elf"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// These tests inspect a real fixture stopped under the real tracer:
// scopes, variables, setVariable, registers, readMemory, writeMemory.

const inspectSrc = "vars_inspect.c"

// inspectStop launches vars_inspect (built with extra compiler flags),
// with a client that handles invalidated events, and runs it to the
// marker. It returns the client, the process id and the top frame.
func inspectStopB(b *testing.B) (*client, int, dap.StackFrame) {
	return inspectStop(b, "inspect")
}

func inspectStop(t testing.TB, marker string, flags ...string) (*client, int, dap.StackFrame) {
	t.Helper()
	c := startReal(t)
	pid := launchInspect(t, c, fixture.C(t, inspectSrc, flags...))
	line := fixture.Line(t, inspectSrc, marker)
	if bp := requestBreakpoints(t, c, fixture.Source(t, inspectSrc), line)[0]; !bp.Verified || bp.Line != line {
		t.Fatalf("breakpoint at %s: %+v", marker, bp)
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	return c, pid, wantTop(t, c, pid, topFunction(marker), line)
}

// launchInspect initializes as a client that handles invalidated events
// and memory references, checks the capabilities this family advertises,
// and launches prog; it returns the process id.
func launchInspect(t testing.TB, c *client, prog string) int {
	t.Helper()
	seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{
		AdapterID: "test", SupportsInvalidatedEvent: true, SupportsMemoryEvent: true, SupportsMemoryReferences: true}})
	caps := expectResponse[*dap.InitializeResponse](c, seq).Body
	if !caps.SupportsSetVariable || !caps.SupportsReadMemoryRequest || !caps.SupportsWriteMemoryRequest || !caps.SupportsDisassembleRequest {
		t.Errorf("capabilities %+v lack setVariable, readMemory, writeMemory or disassemble", caps)
	}
	expect[*dap.InitializedEvent](c)
	raw, _ := json.Marshal(map[string]any{"program": prog})
	seq = c.send("launch", &dap.LaunchRequest{Arguments: raw})
	expectResponse[*dap.LaunchResponse](c, seq)
	pid := expect[*dap.ProcessEvent](c).Body.SystemProcessId
	expect[*dap.ThreadEvent](c)
	return pid
}

func topFunction(marker string) string {
	if marker == "print" {
		return "main"
	}
	return "inspect"
}

func requestScopes(t testing.TB, c *client, frameID int) map[string]dap.Scope {
	t.Helper()
	seq := c.send("scopes", &dap.ScopesRequest{Arguments: dap.ScopesArguments{FrameId: frameID}})
	out := map[string]dap.Scope{}
	for _, s := range wantResponse[*dap.ScopesResponse](c, seq).Body.Scopes {
		out[s.Name] = s
	}
	return out
}

func requestVariables(t testing.TB, c *client, args dap.VariablesArguments) []dap.Variable {
	t.Helper()
	seq := c.send("variables", &dap.VariablesRequest{Arguments: args})
	return wantResponse[*dap.VariablesResponse](c, seq).Body.Variables
}

// byName indexes variables by name, failing on a duplicate.
func byName(t testing.TB, vars []dap.Variable) map[string]dap.Variable {
	t.Helper()
	out := map[string]dap.Variable{}
	for _, v := range vars {
		if _, dup := out[v.Name]; dup {
			t.Errorf("two variables named %q", v.Name)
		}
		out[v.Name] = v
	}
	return out
}

// children lists the children of v, which must have some.
func children(t testing.TB, c *client, v dap.Variable) map[string]dap.Variable {
	t.Helper()
	if v.VariablesReference == 0 {
		t.Fatalf("%s = %s has no children reference", v.Name, v.Value)
	}
	return byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: v.VariablesReference}))
}

func wantValue(t testing.TB, vars map[string]dap.Variable, name, typ, value string) dap.Variable {
	t.Helper()
	v, ok := vars[name]
	if !ok {
		t.Fatalf("no variable %q among %v", name, keys(vars))
	}
	if v.Value != value || (typ != "" && v.Type != typ) {
		t.Errorf("%s = %q (%s), want %q (%s)", name, v.Value, v.Type, value, typ)
	}
	return v
}

// isReadOnly tells whether the editor is told not to offer setting v.
func isReadOnly(v dap.Variable) bool {
	return v.PresentationHint != nil && slices.Contains(v.PresentationHint.Attributes, "readOnly")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestScopesAndLocals(t *testing.T) {
	c, _, top := inspectStop(t, "inspect")
	scopes := requestScopes(t, c, top.Id)
	if s := scopes["Locals"]; s.PresentationHint != "locals" || s.VariablesReference == 0 || s.Expensive ||
		s.Source == nil || s.Source.Name != inspectSrc || s.Line != fixture.Line(t, inspectSrc, "inspect_decl") {
		t.Errorf("Locals scope %+v", s)
	}
	if s := scopes["Registers"]; s.PresentationHint != "registers" || s.VariablesReference == 0 {
		t.Errorf("Registers scope %+v", s)
	}
	if s := scopes["Globals"]; s.VariablesReference == 0 || s.Expensive {
		t.Errorf("Globals scope of the executable %+v: want a cheap scope", s)
	}
	locals := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: scopes["Locals"].VariablesReference}))
	wantValue(t, locals, "n", "int", "5")
	wantValue(t, locals, "count", "int", "10")
	wantValue(t, locals, "ratio", "double", "2.5")
	wantValue(t, locals, "half", "float", "0.5")
	wantValue(t, locals, "col", "enum color", "BLUE")
	wantValue(t, locals, "shadow", "int", "2")
	wantValue(t, locals, "shadow (shadowed)", "int", "1")
	if v := locals["name"]; !strings.HasSuffix(v.Value, `"dapproc"`) || v.Type != "const char *" {
		t.Errorf("name = %q (%s), want its string", v.Value, v.Type)
	}
	if v := locals["label"]; !strings.HasSuffix(v.Value, `"label"`) {
		t.Errorf("label = %q, want its string", v.Value)
	}

	for name, want := range map[string]bool{"count": false, "ratio": false, "name": false, "pp": false, "col": false, "pt": true, "arr": true, "num": true} {
		if got := isReadOnly(locals[name]); got != want {
			t.Errorf("%s readOnly %v, want %v", name, got, want)
		}
	}
	pt := children(t, c, wantValue(t, locals, "pt", "struct point", "{...}"))
	wantValue(t, pt, "x", "int", "3")
	wantValue(t, pt, "y", "int", "-4")
	if pt["y"].EvaluateName != "pt.y" {
		t.Errorf("evaluateName of pt.y is %q", pt["y"].EvaluateName)
	}

	pp := locals["pp"]
	if pp.Type != "struct point *" || pp.NamedVariables != 1 {
		t.Errorf("pp = %+v, want a struct point * with one named child", pp)
	}
	target := children(t, c, pp)["*pp"]
	fields := children(t, c, target)
	wantValue(t, fields, "x", "int", "10")
	wantValue(t, fields, "y", "int", "20")
	if fields["y"].EvaluateName != "(*pp).y" {
		t.Errorf("evaluateName of the pointee's y is %q", fields["y"].EvaluateName)
	}
	if target.MemoryReference == "" || !strings.HasPrefix(pp.Value, target.MemoryReference) || pp.MemoryReference != target.MemoryReference {
		t.Errorf("pp = %q (memory %q), *pp lives at %q: want the pointer's value as both references", pp.Value, pp.MemoryReference, target.MemoryReference)
	}

	arr := locals["arr"]
	if arr.IndexedVariables != 4 || arr.Type != "int [4]" {
		t.Errorf("arr = %+v, want int [4] with 4 indexed children", arr)
	}
	elems := children(t, c, arr)
	for i := range 4 {
		wantValue(t, elems, fmt.Sprintf("[%d]", i), "int", strconv.Itoa(i+1))
	}
	num := children(t, c, wantValue(t, locals, "num", "union number", "{...}"))
	wantValue(t, num, "i", "int", "1065353216")
	wantValue(t, num, "f", "float", "1")

	// The memoryReference of count holds count's bytes.
	got := readBytes(t, c, locals["count"].MemoryReference, 0, 4)
	if len(got) != 4 || binary.LittleEndian.Uint32(got) != 10 {
		t.Errorf("readMemory at count's memoryReference %s: % x, want 10", locals["count"].MemoryReference, got)
	}
}

func readBytes(t testing.TB, c *client, ref string, offset, count int) []byte {
	t.Helper()
	body := requestReadMemory(t, c, ref, offset, count)
	b, err := base64.StdEncoding.DecodeString(body.Data)
	if err != nil {
		t.Fatalf("readMemory data %q: %v", body.Data, err)
	}
	return b
}

func requestReadMemory(t testing.TB, c *client, ref string, offset, count int) dap.ReadMemoryResponseBody {
	t.Helper()
	seq := c.send("readMemory", &dap.ReadMemoryRequest{Arguments: dap.ReadMemoryArguments{MemoryReference: ref, Offset: offset, Count: count}})
	return wantResponse[*dap.ReadMemoryResponse](c, seq).Body
}

func TestGlobalsPagingAndReadMemory(t *testing.T) {
	c, _, top := inspectStop(t, "inspect")
	globals := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, top.Id)["Globals"].VariablesReference}))
	wantValue(t, globals, "counter", "int", "7")
	if v := globals["message"]; !strings.Contains(v.Value, `"before"`) {
		t.Errorf("message = %q", v.Value)
	}
	big := globals["big"]
	if big.IndexedVariables != 1000 || big.VariablesReference == 0 {
		t.Fatalf("big = %+v, want 1000 indexed children", big)
	}
	page := requestVariables(t, c, dap.VariablesArguments{VariablesReference: big.VariablesReference, Filter: "indexed", Start: 500, Count: 10})
	if len(page) != 10 {
		t.Fatalf("page of big from 500, count 10: %d elements", len(page))
	}
	for i, v := range page {
		if name, value := fmt.Sprintf("[%d]", 500+i), strconv.Itoa((500+i)*3); v.Name != name || v.Value != value {
			t.Errorf("page element %d: %s = %s, want %s = %s", i, v.Name, v.Value, name, value)
		}
	}
	if named := requestVariables(t, c, dap.VariablesArguments{VariablesReference: big.VariablesReference, Filter: "named"}); len(named) != 0 {
		t.Errorf("an array has %d named children", len(named))
	}
	if got := requestSetVariable(t, c, big.VariablesReference, "[999]", "-5"); got.Value != "-5" {
		t.Errorf("setVariable big[999]: %+v", got)
	}
	if last := requestVariables(t, c, dap.VariablesArguments{VariablesReference: big.VariablesReference, Start: 998, Count: 2}); len(last) != 2 || last[0].Value != "2994" || last[1].Value != "-5" {
		t.Errorf("big[998..999] after setting big[999]: %+v", last)
	}
	// A client that does not page gets at most 1000 elements and a row
	// that says how many more there are.
	if all := requestVariables(t, c, dap.VariablesArguments{VariablesReference: big.VariablesReference}); len(all) != 1000 || all[999].Value != "-5" {
		t.Errorf("all children of int big[1000]: %d rows", len(all))
	}
	huge := requestVariables(t, c, dap.VariablesArguments{VariablesReference: globals["huge"].VariablesReference})
	if len(huge) != 1001 || huge[999].Name != "[999]" || huge[1000].Name != "[...]" || !strings.HasPrefix(huge[1000].Value, "19000 more elements") {
		t.Errorf("all children of short huge[20000]: %d rows, the last %+v", len(huge), huge[len(huge)-1])
	}

	table := globals["table"]
	data := readBytes(t, c, table.MemoryReference, 0, 32)
	for i := range 8 {
		if got := binary.LittleEndian.Uint32(data[4*i:]); got != uint32(11*(i+1)) {
			t.Errorf("table[%d] in memory = %d, want %d", i, got, 11*(i+1))
		}
	}
	// An offset counts from the reference.
	if b := readBytes(t, c, table.MemoryReference, 28, 4); binary.LittleEndian.Uint32(b) != 88 {
		t.Errorf("table[7] read at offset 28: % x", b)
	}
}

// stackEnd returns the end of the process's [stack] mapping: the bytes
// after it are unmapped.
func stackEnd(t testing.TB, pid int) uint64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasSuffix(sc.Text(), "[stack]") {
			_, end, _ := strings.Cut(strings.Fields(sc.Text())[0], "-")
			n, err := strconv.ParseUint(end, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no [stack] in /proc/%d/maps", pid)
	return 0
}

func TestReadMemoryUnmapped(t *testing.T) {
	c, pid, _ := inspectStop(t, "inspect")
	end := stackEnd(t, pid)
	body := requestReadMemory(t, c, fmt.Sprintf("%#x", end-8), 0, 24)
	data, _ := base64.StdEncoding.DecodeString(body.Data)
	if len(data) != 8 || body.UnreadableBytes != 16 || body.Address != fmt.Sprintf("%#x", end-8) {
		t.Errorf("read across the stack's end: address %s, %d bytes, %d unreadable; want %#x, 8 and 16", body.Address, len(data), body.UnreadableBytes, end-8)
	}
	body = requestReadMemory(t, c, "0x10", 0, 16)
	if body.Data != "" || body.UnreadableBytes != 16 {
		t.Errorf("read of page zero: %+v, want 16 unreadable bytes", body)
	}
	body = requestReadMemory(t, c, "0xfffffffffffffff8", 0, 16)
	if body.Data != "" || body.UnreadableBytes != 16 {
		t.Errorf("read across the top of the address space: %+v, want 16 unreadable bytes", body)
	}
	seq := c.send("readMemory", &dap.ReadMemoryRequest{Arguments: dap.ReadMemoryArguments{MemoryReference: "nowhere", Count: 4}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "not an address") {
		t.Errorf("bad memoryReference: %s", e.Body.Error.Format)
	}
	seq = c.send("readMemory", &dap.ReadMemoryRequest{Arguments: dap.ReadMemoryArguments{MemoryReference: fmt.Sprintf("%#x", end-8), Count: 1 << 30}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "at a time") {
		t.Errorf("readMemory of a gigabyte: %s", e.Body.Error.Format)
	}
}

func requestSetVariable(t testing.TB, c *client, ref int, name, value string) dap.SetVariableResponseBody {
	t.Helper()
	body, _ := setVariableEvents(t, c, ref, name, value)
	return body
}

// setVariableEvents sets a variable and returns the answer and the memory
// events that followed it, up to the invalidated event that must end them.
func setVariableEvents(t testing.TB, c *client, ref int, name, value string) (dap.SetVariableResponseBody, []dap.MemoryEventBody) {
	t.Helper()
	seq := c.send("setVariable", &dap.SetVariableRequest{Arguments: dap.SetVariableArguments{VariablesReference: ref, Name: name, Value: value}})
	body := wantResponse[*dap.SetVariableResponse](c, seq).Body
	var mem []dap.MemoryEventBody
	for {
		switch ev := c.next().(type) {
		case *dap.MemoryEvent:
			mem = append(mem, ev.Body)
			continue
		case *dap.InvalidatedEvent:
			if len(ev.Body.Areas) == 0 || ev.Body.Areas[len(ev.Body.Areas)-1] != "variables" {
				t.Errorf("invalidated event after setVariable %s: %+v", name, ev.Body)
			}
		default:
			t.Fatalf("after setVariable %s: %T %+v, want memory or invalidated events", name, ev, ev)
		}
		return body, mem
	}
}

// TestSetVariableAndWriteMemoryReachTheProgram sets a local, a global and
// a char array through the adapter, and the program's own output shows
// the new values.
func TestSetVariableAndWriteMemoryReachTheProgram(t *testing.T) {
	c, pid, top := inspectStop(t, "inspect")
	scopes := requestScopes(t, c, top.Id)
	localsRef := scopes["Locals"].VariablesReference
	locals := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: localsRef}))
	got, mem := setVariableEvents(t, c, localsRef, "count", "100")
	if got.Value != "100" || got.Type != "int" {
		t.Errorf("setVariable count: %+v", got)
	}
	if len(mem) != 1 || mem[0].MemoryReference != locals["count"].MemoryReference || mem[0].Count != 4 {
		t.Errorf("memory events after setting count (at %s): %+v, want its 4 bytes", locals["count"].MemoryReference, mem)
	}
	if got := requestSetVariable(t, c, localsRef, "shadow (shadowed)", "0x10"); got.Value != "16" {
		t.Errorf("setVariable of the shadowed local: %+v", got)
	}
	locals = byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: localsRef}))
	wantValue(t, locals, "count", "int", "100")
	wantValue(t, locals, "shadow", "int", "2")
	wantValue(t, locals, "shadow (shadowed)", "int", "16")
	seq := c.send("setVariable", &dap.SetVariableRequest{Arguments: dap.SetVariableArguments{VariablesReference: localsRef, Name: "count", Value: "many"}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "count") {
		t.Errorf("setVariable to a non-number: %s", e.Body.Error.Format)
	}

	globalsRef := scopes["Globals"].VariablesReference
	if got := requestSetVariable(t, c, globalsRef, "counter", "-1234"); got.Value != "-1234" {
		t.Errorf("setVariable counter: %+v", got)
	}
	message := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: globalsRef}))["message"]
	seq = c.send("writeMemory", &dap.WriteMemoryRequest{Arguments: dap.WriteMemoryArguments{
		MemoryReference: message.MemoryReference, Data: base64.StdEncoding.EncodeToString([]byte("after\x00"))}})
	if got := wantResponse[*dap.WriteMemoryResponse](c, seq).Body; got.BytesWritten != 6 {
		t.Errorf("writeMemory answered %+v, want 6 bytes written", got)
	}
	if ev := expect[*dap.MemoryEvent](c); ev.Body.MemoryReference != message.MemoryReference || ev.Body.Count != 6 {
		t.Errorf("memory event after writeMemory at %s: %+v", message.MemoryReference, ev.Body)
	}
	if ev := expect[*dap.InvalidatedEvent](c); len(ev.Body.Areas) != 1 || ev.Body.Areas[0] != "variables" {
		t.Errorf("invalidated event after writeMemory: %+v", ev.Body)
	}
	if got := readBytes(t, c, message.MemoryReference, 0, 6); string(got) != "after\x00" {
		t.Errorf("message reads back as %q", got)
	}

	continueThread(t, c, pid)
	wantExit(t, c, 0)
	// count 100 + 49 from the marker's line + 16 from the shadowed local.
	if want := "counter=-1234 message=after r=165\n"; c.out.stdout.String() != want {
		t.Errorf("program printed %q, want %q", c.out.stdout.String(), want)
	}
}

func TestWriteMemoryPartial(t *testing.T) {
	c, pid, _ := inspectStop(t, "inspect")
	end := stackEnd(t, pid)
	ref := fmt.Sprintf("%#x", end-4)
	data := base64.StdEncoding.EncodeToString([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	seq := c.send("writeMemory", &dap.WriteMemoryRequest{Arguments: dap.WriteMemoryArguments{MemoryReference: ref, Data: data}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "nothing was written") {
		t.Errorf("writeMemory across the stack's end: %s", e.Body.Error.Format)
	}
	if got := readBytes(t, c, ref, 0, 4); string(got) == "\x01\x02\x03\x04" {
		t.Errorf("a refused write changed memory: % x", got)
	}
	seq = c.send("writeMemory", &dap.WriteMemoryRequest{Arguments: dap.WriteMemoryArguments{MemoryReference: ref, Data: data, AllowPartial: true}})
	if got := wantResponse[*dap.WriteMemoryResponse](c, seq).Body; got.BytesWritten != 4 {
		t.Errorf("partial writeMemory: %+v, want 4 bytes written", got)
	}
	if ev := expect[*dap.MemoryEvent](c); ev.Body.MemoryReference != ref || ev.Body.Count != 4 {
		t.Errorf("memory event after a partial write: %+v, want 4 bytes at %s", ev.Body, ref)
	}
	expect[*dap.InvalidatedEvent](c)
	if got := readBytes(t, c, ref, 0, 4); string(got) != "\x01\x02\x03\x04" {
		t.Errorf("after a partial write the stack's last bytes are % x", got)
	}
}

func TestRegisters(t *testing.T) {
	c, pid, top := inspectStop(t, "inspect")
	regsRef := requestScopes(t, c, top.Id)["Registers"].VariablesReference
	regs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: regsRef}))
	for _, name := range []string{"rax", "rbx", "rsp", "rbp", "r15", "eflags", "cs", "ss", "fs_base", "gs_base", "Vector"} {
		if _, ok := regs[name]; !ok {
			t.Errorf("no register %s in the Registers scope", name)
		}
	}
	if regs["rip"].Value != top.InstructionPointerReference {
		t.Errorf("rip = %s, the frame's PC is %s", regs["rip"].Value, top.InstructionPointerReference)
	}
	if v := regs["eflags"].Value; !strings.HasPrefix(v, "0x") || !strings.Contains(v, "[ ") || !strings.Contains(v, "IF") {
		t.Errorf("eflags = %q, want hex and the set flags", v)
	}
	if v := regs["fs_base"].Value; v == "0x0" {
		t.Errorf("fs_base = %s: glibc's thread pointer is missing", v)
	}
	vector := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: regs["Vector"].VariablesReference}))
	for _, name := range []string{"st0", "st7", "mxcsr", "xmm0", "xmm15", "fcw"} {
		if _, ok := vector[name]; !ok {
			t.Errorf("no %s in the Vector group", name)
		}
	}
	if isReadOnly(regs["rax"]) || !isReadOnly(vector["xmm0"]) || !isReadOnly(regs["Vector"]) {
		t.Errorf("readOnly: rax %v, xmm0 %v, the Vector group %v; want only the vector registers read-only", isReadOnly(regs["rax"]), isReadOnly(vector["xmm0"]), isReadOnly(regs["Vector"]))
	}
	if v := vector["fcw"].Value; v != "0x37f" {
		t.Errorf("fcw = %s, want the default 0x37f", v)
	}

	if got, mem := setVariableEvents(t, c, regsRef, "rax", "0x1234"); got.Value != "0x1234" || len(mem) != 0 {
		t.Errorf("setVariable rax answered %q, memory events %+v", got.Value, mem)
	}
	if got := requestSetVariable(t, c, regsRef, "$rbx", "-1"); got.Value != "0xffffffffffffffff" {
		t.Errorf("setVariable $rbx -1 answered %q", got.Value)
	}
	regs = byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: regsRef}))
	if regs["rax"].Value != "0x1234" || regs["rbx"].Value != "0xffffffffffffffff" {
		t.Errorf("after setVariable: rax %s rbx %s", regs["rax"].Value, regs["rbx"].Value)
	}

	// A caller's frame shows the registers unwinding recovered, its rip
	// being the return address.
	st := requestStack(t, c, pid, 0, 2)
	caller := st.Body.StackFrames[1]
	callerRegs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, caller.Id)["Registers"].VariablesReference}))
	if callerRegs["rip"].Value != caller.InstructionPointerReference {
		t.Errorf("caller's rip = %s, its frame's PC is %s", callerRegs["rip"].Value, caller.InstructionPointerReference)
	}
	if _, ok := callerRegs["rax"]; ok {
		t.Errorf("caller frame shows rax, which unwinding cannot recover")
	}
	if !isReadOnly(callerRegs["rbx"]) {
		t.Errorf("a caller's rbx is not marked read-only")
	}
	seq := c.send("setVariable", &dap.SetVariableRequest{Arguments: dap.SetVariableArguments{
		VariablesReference: requestScopes(t, c, caller.Id)["Registers"].VariablesReference, Name: "rbx", Value: "1"}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "innermost") {
		t.Errorf("setting a caller's register: %s", e.Body.Error.Format)
	}
}

func TestStaleVariablesReference(t *testing.T) {
	c, pid, top := inspectStop(t, "inspect")
	ref := requestScopes(t, c, top.Id)["Locals"].VariablesReference
	requestBreakpoints(t, c, fixture.Source(t, inspectSrc), fixture.Line(t, inspectSrc, "after"))
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	seq := c.send("variables", &dap.VariablesRequest{Arguments: dap.VariablesArguments{VariablesReference: ref}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "earlier stop") {
		t.Errorf("variables with a reference from the last stop: %s", e.Body.Error.Format)
	}
	seq = c.send("scopes", &dap.ScopesRequest{Arguments: dap.ScopesArguments{FrameId: top.Id}})
	expectError(c, seq)
}

// objdumpLine is one instruction line of `objdump -d -w`.
var objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(.*)$`)

type objdumpInst struct {
	addr  uint64
	bytes string // "48 89 e5"
	text  string
}

// objdumpText runs objdump -d -w on binary and returns its instructions in
// address order.
func objdumpText(t testing.TB, binary string) []objdumpInst {
	t.Helper()
	out, err := exec.Command("objdump", "-d", "-w", binary).CombinedOutput()
	if err != nil {
		t.Fatalf("objdump -d -w %s: %v\n%s", binary, err, out)
	}
	var insts []objdumpInst
	for _, line := range strings.Split(string(out), "\n") {
		m := objdumpLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		addr, err := strconv.ParseUint(m[1], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, objdumpInst{addr, strings.TrimSpace(m[2]), m[3]})
	}
	return insts
}

// comparableText drops what objdump writes differently without being
// wrong: spacing, 0x before branch targets, and the comment after "#"
// (objdump names data symbols there, dapproc only functions).
func comparableText(s string) string {
	s, _, _ = strings.Cut(s, "#")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "0x", "")), " ")
}

func requestDisassemble(t testing.TB, c *client, ref string, instOffset, count int) []dap.DisassembledInstruction {
	t.Helper()
	seq := c.send("disassemble", &dap.DisassembleRequest{Arguments: dap.DisassembleArguments{
		MemoryReference: ref, InstructionOffset: instOffset, InstructionCount: count, ResolveSymbols: true}})
	insts := wantResponse[*dap.DisassembleResponse](c, seq).Body.Instructions
	if len(insts) != count {
		t.Fatalf("disassemble %s offset %d count %d: %d instructions", ref, instOffset, count, len(insts))
	}
	return insts
}

// TestDisassembleMatchesObjdump disassembles around the PC, which sits on
// a breakpoint, going backwards and forwards, and across the start of a
// function, and compares every instruction with objdump's.
func TestDisassembleMatchesObjdump(t *testing.T) {
	c, _, top := inspectStop(t, "inspect", "-no-pie")
	want := objdumpText(t, fixture.C(t, inspectSrc, "-no-pie"))
	at := map[uint64]int{}
	for i, w := range want {
		at[w.addr] = i
	}
	pc, err := strconv.ParseUint(top.InstructionPointerReference, 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	check := func(insts []dap.DisassembledInstruction, first int) {
		t.Helper()
		for i, got := range insts {
			w := want[first+i]
			if got.Address != fmt.Sprintf("%#x", w.addr) || got.InstructionBytes != w.bytes || comparableText(got.Instruction) != comparableText(w.text) {
				t.Errorf("instruction %d: %s [%s] %q, objdump %#x [%s] %q", i, got.Address, got.InstructionBytes, got.Instruction, w.addr, w.bytes, w.text)
			}
		}
	}

	insts := requestDisassemble(t, c, top.InstructionPointerReference, -8, 40)
	check(insts, at[pc]-8)
	atPC := insts[8]
	if atPC.Address != top.InstructionPointerReference || strings.HasPrefix(atPC.InstructionBytes, "cc") {
		t.Errorf("instruction at the breakpoint: %+v", atPC)
	}
	if got := readBytes(t, c, top.InstructionPointerReference, 0, 1); fmt.Sprintf("%02x", got[0]) != strings.Fields(want[at[pc]].bytes)[0] {
		t.Errorf("readMemory at the breakpoint's address shows %02x, the program's byte is %s", got[0], want[at[pc]].bytes)
	}
	if line := fixture.Line(t, inspectSrc, "inspect"); atPC.Line != line || atPC.Location == nil || atPC.Location.Name != inspectSrc {
		t.Errorf("instruction at the PC has location %+v line %d, want %s:%d", atPC.Location, atPC.Line, inspectSrc, line)
	}
	if insts[9].Line != 0 {
		t.Errorf("second instruction of a line repeats the line: %+v", insts[9])
	}
	var call *dap.DisassembledInstruction
	for i := range insts {
		if strings.HasPrefix(insts[i].Instruction, "call") && strings.Contains(insts[i].Instruction, "<strlen") {
			call = &insts[i]
		}
	}
	if call == nil {
		t.Errorf("no call to strlen <strlen...> around the marker: %+v", insts)
	}

	// From the entry of inspect backwards into twice, the function before.
	entry := ""
	for i := at[pc]; i >= 0; i-- {
		if want[i].text == "push   %rbp" {
			entry = fmt.Sprintf("%#x", want[i].addr)
			break
		}
	}
	insts = requestDisassemble(t, c, entry, -8, 10)
	check(insts, at[mustAddr(t, entry)]-8)
	if insts[8].Symbol != "inspect" || insts[7].Symbol != "" {
		t.Errorf("symbols at and before inspect's entry: %q %q", insts[8].Symbol, insts[7].Symbol)
	}
	sawTwice := false
	for _, in := range insts[:8] {
		sawTwice = sawTwice || in.Symbol == "twice"
	}
	if !sawTwice {
		t.Errorf("eight instructions before inspect do not reach twice's entry: %+v", insts[:8])
	}

	// Memory that is not mapped pads with "??".
	insts = requestDisassemble(t, c, "0x10", -2, 4)
	for i, in := range insts {
		if in.Instruction != "??" || in.Address != fmt.Sprintf("%#x", 0xe+i) {
			t.Errorf("unmapped instruction %d: %+v", i, in)
		}
	}
	insts = requestDisassemble(t, c, "0xfffffffffffffff0", 0, 3000)
	if last := insts[len(insts)-1]; last.Instruction != "??" || last.Address != fmt.Sprintf("%#x", 3000-16-1) {
		t.Errorf("past the end of the address space: %+v, want ?? entries wrapping to 0", last)
	}
	seq := c.send("disassemble", &dap.DisassembleRequest{Arguments: dap.DisassembleArguments{
		MemoryReference: top.InstructionPointerReference, InstructionCount: 1 << 20}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "at most") {
		t.Errorf("disassemble of a million instructions: %s", e.Body.Error.Format)
	}
}

func mustAddr(t testing.TB, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOptimizedLocals stops in code built with -O2: a parameter whose
// value is lost says why instead of showing a value, values held in
// registers carry no memoryReference and cannot be set, and an inlined
// call's frame has its own locals.
func TestOptimizedLocals(t *testing.T) {
	const optSrc = "vars_opt.c"
	prog := fixture.C(t, optSrc, "-O2")
	c := startReal(t)
	pid := launchInspect(t, c, prog)
	requestBreakpoints(t, c, fixture.Source(t, optSrc), fixture.Line(t, optSrc, "opt_inlined"), fixture.Line(t, optSrc, "opt_after_call"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)

	wantStopped(t, c, "breakpoint", pid)
	frames := requestStack(t, c, pid, 0, 2).Body.StackFrames
	if frames[0].Name != "square" || frames[1].Name != "compute" {
		t.Fatalf("frames %s, %s; want square inlined in compute", frames[0].Name, frames[1].Name)
	}
	inlined := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, frames[0].Id)["Locals"].VariablesReference}))
	if len(inlined) != 2 {
		t.Errorf("inlined square has %v, want v and sq", keys(inlined))
	}
	// gcc may describe v and sq only at some instructions of the inlined
	// body: a value, or the reason there is none, but nothing else.
	for name, want := range map[string]string{"v": "4", "sq": "16"} {
		if v := inlined[name]; v.Type != "int" || (v.Value != want && !strings.HasPrefix(v.Value, "<")) {
			t.Errorf("%s = %q (%s), want %s or why it is unavailable", name, v.Value, v.Type, want)
		}
	}
	// compute is the physical frame of the inlined call: it runs on the
	// thread's own registers, all of them shown and settable.
	inlinedRegs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, frames[0].Id)["Registers"].VariablesReference}))
	physicalRegs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, frames[1].Id)["Registers"].VariablesReference}))
	if rax := physicalRegs["rax"]; rax.Value == "" || rax.Value != inlinedRegs["rax"].Value || isReadOnly(rax) || physicalRegs["Vector"].VariablesReference == 0 {
		t.Errorf("registers of compute, which square is inlined in: rax %+v (square's %s), Vector %+v", rax, inlinedRegs["rax"].Value, physicalRegs["Vector"])
	}
	computeRef := requestScopes(t, c, frames[1].Id)["Locals"].VariablesReference
	compute := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: computeRef}))
	if b := wantValue(t, compute, "b", "int", "10"); b.MemoryReference != "" || !isReadOnly(b) {
		t.Errorf("b lives in a register but has memoryReference %q, readOnly %v", b.MemoryReference, isReadOnly(b))
	}
	seq = c.send("setVariable", &dap.SetVariableRequest{Arguments: dap.SetVariableArguments{VariablesReference: computeRef, Name: "b", Value: "11"}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "register") {
		t.Errorf("setVariable of a register-held parameter: %s", e.Body.Error.Format)
	}

	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	top := wantTop(t, c, pid, "after_call", fixture.Line(t, optSrc, "opt_after_call"))
	params := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, top.Id)["Locals"].VariablesReference}))
	if k := params["k"]; k.Value != "<entry value not available>" || k.Type != "int" || k.VariablesReference != 0 {
		t.Errorf("k = %+v, want an int whose value says why it is missing", k)
	}
}

// BenchmarkLocalsAtStop measures what an editor asks at every stop to fill
// its variables view: the scopes of the top frame, then the Locals and the
// Registers, one round trip each over the in-memory pipe.
func BenchmarkLocalsAtStop(b *testing.B) {
	c, _, top := inspectStopB(b)
	for b.Loop() {
		scopes := requestScopes(b, c, top.Id)
		if n := len(requestVariables(b, c, dap.VariablesArguments{VariablesReference: scopes["Locals"].VariablesReference})); n != 13 {
			b.Fatalf("%d locals", n)
		}
		requestVariables(b, c, dap.VariablesArguments{VariablesReference: scopes["Registers"].VariablesReference})
	}
}

// BenchmarkDisassembleAroundPC measures the disassembly view's first
// request: 50 instructions before the PC and 50 from it.
func BenchmarkDisassembleAroundPC(b *testing.B) {
	c, _, top := inspectStopB(b)
	for b.Loop() {
		requestDisassemble(b, c, top.InstructionPointerReference, -50, 100)
	}
}

// TestDisassembleBackwardsInLibc disassembles libc, which has symbols but
// no debug info, static functions only .symtab would name, and alignment
// padding between functions, backwards from a few of its functions: every
// instruction must start where objdump's linear sweep (from an earlier
// function's start) starts one.
func TestDisassembleBackwardsInLibc(t *testing.T) {
	c, pid, _ := inspectStop(t, "inspect")
	path, base := libcMapping(t, pid)
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"puts", "qsort", "abort", "fclose", "getenv"} {
		var target, from uint64
		for _, s := range syms {
			if s.Name == name && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
				target = s.Value
			}
		}
		if target == 0 {
			t.Errorf("libc exports no %s", name)
			continue
		}
		for _, s := range syms {
			if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value+0x200 <= target && s.Value > from {
				from = s.Value
			}
		}
		out, err := exec.Command("objdump", "-d", "-w", fmt.Sprintf("--start-address=%#x", from), fmt.Sprintf("--stop-address=%#x", target+0x80), path).CombinedOutput()
		if err != nil {
			t.Fatalf("objdump: %v\n%s", err, out)
		}
		var want []objdumpInst
		at := -1
		for _, line := range strings.Split(string(out), "\n") {
			if m := objdumpLine.FindStringSubmatch(line); m != nil {
				addr, _ := strconv.ParseUint(m[1], 16, 64)
				if addr == target {
					at = len(want)
				}
				want = append(want, objdumpInst{addr + base, strings.TrimSpace(m[2]), m[3]})
			}
		}
		if at < 40 {
			t.Fatalf("objdump shows %d instructions before %s, want 40 or more", at, name)
		}
		insts := requestDisassemble(t, c, fmt.Sprintf("%#x", base+target), -40, 50)
		if insts[40].Address != fmt.Sprintf("%#x", base+target) || insts[40].Symbol == "" {
			t.Errorf("instruction 40 before %s: %+v, want %s's first instruction, named", name, insts[40], name)
		}
		// objdump leaves out the bytes between sections (alignment gaps),
		// which dapproc shows as they are: an instruction there must not
		// overlap one of objdump's; elsewhere it must be one of them.
		for i, got := range insts {
			addr := mustAddr(t, got.Address)
			for _, w := range want {
				if addr >= w.addr && addr < w.addr+uint64(len(strings.Fields(w.bytes))) {
					if addr != w.addr || got.InstructionBytes != w.bytes {
						t.Errorf("%s, instruction %d: %s [%s] %s, objdump %#x [%s] %s", name, i, got.Address, got.InstructionBytes, got.Instruction, w.addr, w.bytes, w.text)
					}
					break
				}
			}
		}
	}
}

// libcMapping returns the path of the libc that process pid maps, and its
// load bias (the start of its mapping at file offset 0).
func libcMapping(t *testing.T, pid int) (string, uint64) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 6 && strings.Contains(fields[5], "/libc.so") && fields[2] == "00000000" {
			start, _, _ := strings.Cut(fields[0], "-")
			base, err := strconv.ParseUint(start, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return fields[5], base
		}
	}
	t.Fatalf("process %d maps no libc", pid)
	return "", 0
}

// TestScopesOfAnotherThread stops in a worker thread and inspects both it
// and the main thread: each frame's registers and locals are its own
// thread's. (Where the main thread is then varies: in pthread_create's
// clone3 or in pthread_join; only its top frame is looked at.)
func TestScopesOfAnotherThread(t *testing.T) {
	const src = "session_threads.c"
	c := startReal(t)
	pid := launchInspect(t, c, fixture.C(t, src, "-pthread"))
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "worker"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	var tid int
	for tid == 0 {
		switch m := c.nextNonOutput().(type) {
		case *dap.ThreadEvent:
		case *dap.StoppedEvent:
			tid = m.Body.ThreadId
		default:
			t.Fatalf("got %T %+v, want the worker's stop", m, m)
		}
	}
	if tid == pid {
		t.Fatalf("the worker's breakpoint stopped the main thread")
	}
	worker := requestStack(t, c, tid, 0, 1).Body.StackFrames[0]
	workerScopes := requestScopes(t, c, worker.Id)
	params := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: workerScopes["Locals"].VariablesReference}))
	i, err := strconv.Atoi(params["i"].Value)
	if err != nil || i < 0 || i > 3 || params["arg"].Value != fmt.Sprintf("%#x", i) {
		t.Errorf("worker's i = %q, arg = %q: want i in 0..3 and arg the same number", params["i"].Value, params["arg"].Value)
	}

	mainTop := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
	mainRegs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: requestScopes(t, c, mainTop.Id)["Registers"].VariablesReference}))
	workerRegs := byName(t, requestVariables(t, c, dap.VariablesArguments{VariablesReference: workerScopes["Registers"].VariablesReference}))
	if mainRegs["rip"].Value != mainTop.InstructionPointerReference || workerRegs["rip"].Value != worker.InstructionPointerReference {
		t.Errorf("rip: main %s (frame %s), worker %s (frame %s)", mainRegs["rip"].Value, mainTop.InstructionPointerReference, workerRegs["rip"].Value, worker.InstructionPointerReference)
	}
	if mainRegs["fs_base"].Value == workerRegs["fs_base"].Value {
		t.Errorf("main and worker share fs_base %s: each thread has its own thread pointer", mainRegs["fs_base"].Value)
	}
}

// TestWriteMemoryPatchesCode finds twice's doubling instruction through
// disassemble, puts an instruction breakpoint on it, and overwrites it with
// two nops through writeMemory: memory reads show the nops (not the
// breakpoint's int3), the breakpoint still stops the program there, and
// the program's result shows the patched code ran.
func TestWriteMemoryPatchesCode(t *testing.T) {
	c, pid, top := inspectStop(t, "after")
	var twice string
	for _, in := range requestDisassemble(t, c, top.InstructionPointerReference, 0, 12) {
		if target, ok := strings.CutSuffix(in.Instruction, " <twice>"); ok && strings.HasPrefix(in.Instruction, "call") {
			twice = strings.TrimSpace(strings.TrimPrefix(target, "call"))
		}
	}
	if twice == "" {
		t.Fatal("no call of twice after the marker")
	}
	var double dap.DisassembledInstruction
	for _, in := range requestDisassemble(t, c, twice, 0, 12) {
		if in.Instruction == "add %eax,%eax" {
			double = in
		}
	}
	if double.InstructionBytes != "01 c0" {
		t.Fatalf("twice has no add %%eax,%%eax: %+v", double)
	}
	seq := c.send("setInstructionBreakpoints", &dap.SetInstructionBreakpointsRequest{Arguments: dap.SetInstructionBreakpointsArguments{
		Breakpoints: []dap.InstructionBreakpoint{{InstructionReference: double.Address}}}})
	if bps := wantResponse[*dap.SetInstructionBreakpointsResponse](c, seq).Body.Breakpoints; len(bps) != 1 || !bps[0].Verified {
		t.Fatalf("instruction breakpoint at %s: %+v", double.Address, bps)
	}
	seq = c.send("writeMemory", &dap.WriteMemoryRequest{Arguments: dap.WriteMemoryArguments{
		MemoryReference: double.Address, Data: base64.StdEncoding.EncodeToString([]byte{0x90, 0x90})}})
	if got := wantResponse[*dap.WriteMemoryResponse](c, seq).Body; got.BytesWritten != 2 {
		t.Errorf("writeMemory over code: %+v", got)
	}
	expect[*dap.MemoryEvent](c)
	expect[*dap.InvalidatedEvent](c)
	if got := readBytes(t, c, double.Address, 0, 2); string(got) != "\x90\x90" {
		t.Errorf("patched code reads % x, want 90 90", got)
	}
	if in := requestDisassemble(t, c, double.Address, 0, 1)[0]; in.Instruction != "nop" || in.InstructionBytes != "90" {
		t.Errorf("patched instruction disassembles as %+v", in)
	}

	continueThread(t, c, pid)
	wantStopped(t, c, "instruction breakpoint", pid)
	if st := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]; st.InstructionPointerReference != double.Address || st.Name != "twice" {
		t.Errorf("stopped in %s at %s, want twice at %s", st.Name, st.InstructionPointerReference, double.Address)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	// r = twice(60) / 2 with the doubling gone.
	if want := "counter=7 message=before r=30\n"; c.out.stdout.String() != want {
		t.Errorf("program printed %q, want %q", c.out.stdout.String(), want)
	}
}
