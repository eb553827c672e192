package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// scopesOf returns the scopes of a frame by name.
func scopesOf(t *testing.T, c *daptest.Client, frameID int) map[string]dap.Scope {
	t.Helper()
	seq := c.Send(&dap.ScopesRequest{Request: dap.Request{Command: "scopes"}, Arguments: dap.ScopesArguments{FrameId: frameID}})
	out := map[string]dap.Scope{}
	for _, s := range daptest.ExpectResponse[*dap.ScopesResponse](c, seq).Body.Scopes {
		out[s.Name] = s
	}
	for _, name := range []string{"Locals", "Registers"} {
		if out[name].VariablesReference == 0 {
			t.Fatalf("frame %d has no %s scope: %+v", frameID, name, out)
		}
	}
	return out
}

// variablesOf lists the variables of a reference by name.
func variablesOf(t *testing.T, c *daptest.Client, ref int) map[string]dap.Variable {
	t.Helper()
	if ref == 0 {
		t.Fatal("variables of reference 0: the value has no children")
	}
	seq := c.Send(&dap.VariablesRequest{Request: dap.Request{Command: "variables"}, Arguments: dap.VariablesArguments{VariablesReference: ref}})
	out := map[string]dap.Variable{}
	for _, v := range daptest.ExpectResponse[*dap.VariablesResponse](c, seq).Body.Variables {
		out[v.Name] = v
	}
	return out
}

func checkVariable(t *testing.T, vars map[string]dap.Variable, name, typ, value string) dap.Variable {
	t.Helper()
	v, ok := vars[name]
	if !ok {
		t.Fatalf("no variable %q among %v", name, vars)
	}
	if v.Type != typ || v.Value != value {
		t.Errorf("%s = %q (%s), want %q (%s)", name, v.Value, v.Type, value, typ)
	}
	return v
}

// A C++ method stopped in dapproc: this and its base class, a reference
// parameter, a namespace global, and the disassembly of the caller's call
// naming the method.
func TestInspectCPlusPlus(t *testing.T) {
	const src = "vars_cpp.cpp"
	bin, path := fixture.C(t, src), fixture.Source(t, src)
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	pid := launch(t, c, bin)
	id := setBreakpoint(t, c, path, fixture.Line(t, src, "cpp_method"))
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	expectBreakpointStop(t, c, pid, pid, id)

	frames := stack(t, c, pid, 3)
	checkFrame(t, frames[0], "Circle::area() const", path, fixture.Line(t, src, "cpp_method"))
	method := variablesOf(t, c, scopesOf(t, c, frames[0].Id)["Locals"].VariablesReference)
	this := checkVariable(t, method, "this", "const Circle * const", method["this"].Value)
	circle := variablesOf(t, c, variablesOf(t, c, this.VariablesReference)["*this"].VariablesReference)
	checkVariable(t, circle, "r", "double", "2.5")
	checkVariable(t, variablesOf(t, c, circle["<Shape>"].VariablesReference), "id", "int", "7")

	caller := scopesOf(t, c, frames[1].Id)
	params := variablesOf(t, c, caller["Locals"].VariablesReference)
	if ref := params["ref"]; ref.Type != "int &" || !strings.HasSuffix(ref.Value, ": 44") || ref.PresentationHint == nil || ref.PresentationHint.Attributes[0] != "readOnly" {
		t.Errorf("ref = %q (%s, %+v), want a read-only int & bound to 44", ref.Value, ref.Type, ref.PresentationHint)
	}
	globals := variablesOf(t, c, caller["Globals"].VariablesReference)
	checkVariable(t, globals, "geo::counter", "int", "3")

	// by_ref's call of the method, just before its return address.
	seq := c.Send(&dap.DisassembleRequest{Request: dap.Request{Command: "disassemble"}, Arguments: dap.DisassembleArguments{
		MemoryReference: frames[1].InstructionPointerReference, InstructionOffset: -1, InstructionCount: 2, ResolveSymbols: true}})
	insts := c.ExpectDisassembleResponse(seq).Body.Instructions
	if len(insts) != 2 || insts[1].Address != frames[1].InstructionPointerReference ||
		!strings.HasPrefix(insts[0].Instruction, "call") || !strings.HasSuffix(insts[0].Instruction, "<Circle::area() const>") {
		t.Errorf("instructions before by_ref's return address: %+v, want the call of <Circle::area() const>", insts)
	}

	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(0)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}

// A Go function's parameters, and a Globals scope marked expensive: a Go
// program's globals include the whole runtime's.
func TestInspectGo(t *testing.T) {
	bin := fixture.Go(t, "e2e_go")
	src := fixture.Source(t, "e2e_go/main.go")
	line := fixture.Line(t, "e2e_go/main.go", "goadd")
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	pid := launch(t, c, bin)
	setBreakpoint(t, c, src, line)
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	var stop *dap.StoppedEvent
	for stop == nil {
		switch m := c.ReadMessage().(type) {
		case *dap.ThreadEvent:
		case *dap.StoppedEvent:
			stop = m
		default:
			t.Fatalf("want the breakpoint's stop, got %s", daptest.Describe(m))
		}
	}
	frames := stack(t, c, stop.Body.ThreadId, 2)
	checkFrame(t, frames[0], "main.add", src, line)
	scopes := scopesOf(t, c, frames[0].Id)
	locals := variablesOf(t, c, scopes["Locals"].VariablesReference)
	checkVariable(t, locals, "a", "int", "2")
	checkVariable(t, locals, "b", "int", "3")
	if g := scopes["Globals"]; g.VariablesReference == 0 || !g.Expensive {
		t.Errorf("Globals scope of a Go program %+v: want one marked expensive", g)
	}
	// The caller's slice, paged: each goroutine added i&7 for 20M values of i.
	sums := variablesOf(t, c, scopesOf(t, c, frames[1].Id)["Locals"].VariablesReference)["sums"]
	if sums.IndexedVariables != 8 || sums.Type != "[]int" {
		t.Errorf("main's sums = %+v, want an []int with 8 indexed children", sums)
	}
	seq := c.Send(&dap.VariablesRequest{Request: dap.Request{Command: "variables"}, Arguments: dap.VariablesArguments{
		VariablesReference: sums.VariablesReference, Filter: "indexed", Start: 6, Count: 2}})
	page := daptest.ExpectResponse[*dap.VariablesResponse](c, seq).Body.Variables
	if len(page) != 2 || page[0].Name != "[6]" || page[1].Name != "[7]" || page[1].Value != "70000000" {
		t.Errorf("sums[6:8]: %+v", page)
	}
	regs := variablesOf(t, c, scopes["Registers"].VariablesReference)
	if regs["rip"].Value != frames[0].InstructionPointerReference {
		t.Errorf("rip = %s, frame PC %s", regs["rip"].Value, frames[0].InstructionPointerReference)
	}
	disconnectKills(t, c, pid)
}
