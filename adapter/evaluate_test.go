package adapter

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

const exprSrc = "expr_basic.c"

// stopInInspect launches testdata/expr_basic.c to the breakpoint in
// inspect() and returns the client, the thread, and the frameIds of
// inspect (0) and main (1).
func stopInInspect(t *testing.T) (*client, int, []int) {
	c, pid, frames := stopInInspectFrames(t)
	return c, pid, []int{frames[0].Id, frames[1].Id}
}

// stopInInspectFrames is stopInInspect returning the two frames whole.
func stopInInspectFrames(t *testing.T) (*client, int, []dap.StackFrame) {
	t.Helper()
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, exprSrc)})
	bps := requestBreakpoints(t, c, fixture.Source(t, exprSrc), fixture.Line(t, exprSrc, "inspect"))
	if !bps[0].Verified {
		t.Fatalf("breakpoint not verified: %+v", bps[0])
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	frames := requestStack(t, c, pid, 0, 2).Body.StackFrames
	if len(frames) != 2 || frames[0].Name != "inspect" || frames[1].Name != "main" {
		t.Fatalf("stack %+v, want inspect called by main", frames)
	}
	return c, pid, frames
}

func evalReq(t *testing.T, c *client, expr string, frameID int, context string) dap.EvaluateResponseBody {
	t.Helper()
	seq := c.send("evaluate", &dap.EvaluateRequest{Arguments: dap.EvaluateArguments{Expression: expr, FrameId: frameID, Context: context}})
	return wantResponse[*dap.EvaluateResponse](c, seq).Body
}

func evalReqError(t *testing.T, c *client, expr string, frameID int, context string) string {
	t.Helper()
	seq := c.send("evaluate", &dap.EvaluateRequest{Arguments: dap.EvaluateArguments{Expression: expr, FrameId: frameID, Context: context}})
	return expectError(c, seq).Body.Error.Format
}

func TestEvaluateRequest(t *testing.T) {
	c, _, frames := stopInInspect(t)
	inspect, main := frames[0], frames[1]
	for _, tc := range []struct {
		expr    string
		frame   int
		context string
		value   string
		typ     string
	}{
		{"n", inspect, "watch", "5", "int"},                                       // a parameter
		{"total", 0, "hover", "2", "int"},                                         // a local, of the focus thread's top frame
		{"s->origin->y", inspect, "watch", "20", "int"},                           // a field through two pointers
		{"s->sides[3]", inspect, "watch", "7", "int"},                             // an array element
		{"where[-1] + where[0]", inspect, "watch", "9", "int"},                    // pointer indexing
		{"(unsigned char)mask", inspect, "watch", "240 '\\360'", "unsigned char"}, // a cast
		{"p.x * p.y - n", inspect, "repl", "-17", "int"},                          // arithmetic
		{"sq.corner.x + origin.y", main, "watch", "21", "int"},                    // locals of an outer frame
		{"$rsp == $sp", inspect, "watch", "1", "int"},                             // registers
		{"counter", main, "watch", "7", "int"},                                    // a global
	} {
		got := evalReq(t, c, tc.expr, tc.frame, tc.context)
		if got.Result != tc.value || got.Type != tc.typ {
			t.Errorf("evaluate %q (%s) = %q (%s), want %q (%s)", tc.expr, tc.context, got.Result, got.Type, tc.value, tc.typ)
		}
	}

	pc := evalReq(t, c, "$pc", inspect, "watch")
	if !strings.HasPrefix(pc.Result, "0x") || !strings.Contains(pc.Result, "<inspect+") {
		t.Errorf("$pc = %q, want the address in inspect", pc.Result)
	}
	// In main's frame, rax was not saved: only the innermost frame has it.
	if msg := evalReqError(t, c, "$rax", main, "watch"); !strings.Contains(msg, "not known in this frame") {
		t.Errorf("$rax in main's frame: %q", msg)
	}

	for _, tc := range []struct{ expr, want string }{
		{"nosuch + 1", `unknown identifier "nosuch"`},
		{"*n", "cannot dereference int"},
		{"n = 3", "only in the debug console"},
		{"s->", "syntax error at column 4"},
	} {
		if msg := evalReqError(t, c, tc.expr, inspect, "hover"); !strings.Contains(msg, tc.want) {
			t.Errorf("evaluate %q: error %q, want it to say %q", tc.expr, msg, tc.want)
		}
	}

	// Hover over a pointer: children to expand, and where it points.
	s := evalReq(t, c, "s", inspect, "hover")
	if s.Type != "struct shape *" || s.VariablesReference == 0 || s.MemoryReference == "" || !strings.HasPrefix(s.Result, s.MemoryReference) {
		t.Errorf("hover s = %+v, want a struct shape * with children and its target as memoryReference", s)
	}
	star := requestVariables(t, c, dap.VariablesArguments{VariablesReference: s.VariablesReference})
	if len(star) != 1 || star[0].Name != "*s" || star[0].VariablesReference == 0 {
		t.Fatalf("children of s: %+v, want *s with children", star)
	}
	fields := requestVariables(t, c, dap.VariablesArguments{VariablesReference: star[0].VariablesReference})
	var names []string
	for _, f := range fields {
		names = append(names, f.Name+"="+f.Value)
	}
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "name=0x") || !strings.Contains(got, `"square" corner={...} origin=0x`) || !strings.HasSuffix(got, "sides={4, 5, 6, 7}") {
		t.Errorf("fields of *s: %s", got)
	}
	corner := evalReq(t, c, "s->corner", inspect, "watch")
	if corner.VariablesReference == 0 || corner.Result != "{...}" {
		t.Errorf("s->corner = %+v, want a struct with children", corner)
	}
}

func TestReplCommands(t *testing.T) {
	c, _, frames := stopInInspect(t)
	inspect := frames[0]
	bytesAt := evalReq(t, c, "bytes", inspect, "watch").MemoryReference
	if bytesAt == "" {
		t.Fatal("the global array bytes has no memoryReference")
	}
	for _, tc := range []struct{ cmd, want string }{
		{"x/4xb bytes", bytesAt + ":\t0x11\t0x22\t0x33\t0x44"},
		{"x/2xb &bytes[6]", fmt.Sprintf("%s:\t0xbe\t0xef", addHex(t, bytesAt, 6))},
		{"x/2dw &s->sides[1]", ":\t5\t6"},
		{"x/3c s->name", ":\t115 's'\t113 'q'\t117 'u'"},
		{"x/1xg bytes", bytesAt + ":\t0xefbeadde44332211"},
		{"x/2uh bytes", ":\t8721\t17459"},
		{"x/1tb bytes", bytesAt + ":\t00010001"},
		{"p/x mask", "0xf0f0f0f0"},
		{"print/d (unsigned char)mask", "-16"}, // /d is signed, as in gdb
		{"print/u (signed char)mask", "240"},
		{"p/x s->sides", "{0x4, 0x5, 0x6, 0x7}"},
		{"p/x *where@2", "{0x5, 0x6}"},
		{"p/t 5", "101"},
		{"p/c 65", "65 'A'"},
		{"p/o 8", "010"},
		{"p n * 2", "10"},
		{"print counter", "7"},
		{"p.x + 1", "4"}, // the local p, not a print command
	} {
		got := evalReq(t, c, tc.cmd, inspect, "repl")
		if !strings.Contains(got.Result, tc.want) || got.VariablesReference != 0 {
			t.Errorf("%s = %q, want it to contain %q", tc.cmd, got.Result, tc.want)
		}
	}
	if arr := evalReq(t, c, "*where@3", inspect, "watch"); arr.Result != "{5, 6, 7}" || arr.Type != "int [3]" || arr.VariablesReference == 0 {
		t.Errorf("*where@3 = %+v, want the int [3] {5, 6, 7} with children", arr)
	}
	if msg := evalReqError(t, c, "p/x ratio", inspect, "repl"); !strings.Contains(msg, "/x applies to integers, pointers and arrays of them, not double") {
		t.Errorf("p/x ratio: %q", msg)
	}
	insts := evalReq(t, c, "x/3i $pc", inspect, "repl").Result
	if lines := strings.Split(insts, "\n"); len(lines) != 3 || !strings.Contains(lines[0], "<inspect+") {
		t.Errorf("x/3i $pc = %q, want 3 instructions in inspect", insts)
	}
	regs := evalReq(t, c, "info registers", inspect, "repl").Result
	for _, name := range []string{"rax ", "rip ", "eflags ", "fs_base "} {
		if !strings.Contains(regs, "\n"+name) && !strings.HasPrefix(regs, name) {
			t.Errorf("info registers lacks %q:\n%s", name, regs)
		}
	}
	rip := evalReq(t, c, "info registers rip", inspect, "repl").Result
	if !strings.HasPrefix(rip, "rip ") || !strings.Contains(rip, "<inspect+") || strings.Contains(rip, "\n") {
		t.Errorf("info registers rip = %q", rip)
	}
	if sig := evalReq(t, c, "info signals", inspect, "repl").Result; !strings.Contains(sig, "SIGSEGV") {
		t.Errorf("info signals = %q, want the signal table", sig)
	}
	if help := evalReq(t, c, "help", inspect, "repl").Result; !strings.Contains(help, "x/NFU") {
		t.Errorf("help = %q", help)
	}
	// Assignment in the repl, seen by the program's next read.
	if got := evalReq(t, c, "counter = counter * 6", inspect, "repl"); got.Result != "42" {
		t.Errorf("counter = counter * 6 gave %q, want 42", got.Result)
	}
	if got := evalReq(t, c, "counter", inspect, "watch"); got.Result != "42" {
		t.Errorf("counter after the assignment = %q, want 42", got.Result)
	}
	// A variable named like the command still evaluates as an expression.
	for _, expr := range []string{"x / 2", "x/4 + 1", "x * 2", "x"} {
		if msg := evalReqError(t, c, expr, inspect, "repl"); !strings.Contains(msg, `unknown identifier "x"`) {
			t.Errorf("%s: %q, want it evaluated as an expression", expr, msg)
		}
	}
	if got := evalReq(t, c, "x/2 bytes", inspect, "repl"); got.Result != bytesAt+":\t0x44332211\t0xefbeadde" {
		t.Errorf("x/2 bytes = %q, want two words in hex", got.Result)
	}
}

// addHex adds n to a hex address.
func addHex(t *testing.T, hex string, n uint64) string {
	t.Helper()
	var a uint64
	if _, err := fmt.Sscanf(hex, "0x%x", &a); err != nil {
		t.Fatalf("address %q: %v", hex, err)
	}
	return fmt.Sprintf("%#x", a+n)
}

func TestEvaluateWhileRunning(t *testing.T) {
	c := startReal(t)
	runSpin(t, c)
	for _, context := range []string{"watch", "hover", "repl"} {
		seq := c.send("evaluate", &dap.EvaluateRequest{Arguments: dap.EvaluateArguments{Expression: "1 + 1", Context: context}})
		m := c.nextNonOutput() // the spinning program prints
		if e, ok := m.(*dap.ErrorResponse); !ok || e.RequestSeq != seq || e.Message != "notStopped" {
			t.Errorf("evaluate (%s) while running: %+v, want a notStopped error", context, m)
		}
	}
}

// TestOuterFrameRegisters checks that an outer frame's registers are the
// ones the unwinder recovered for it, and that the others are refused
// rather than shown with the innermost frame's values.
func TestOuterFrameRegisters(t *testing.T) {
	c, _, frames := stopInInspectFrames(t)
	main := frames[1]
	if got := evalReq(t, c, "(long)$pc", main.Id, "watch").Result; fmt.Sprintf("%#x", atoi(t, got)) != main.InstructionPointerReference {
		t.Errorf("$pc in main's frame = %s, want its instructionPointerReference %s", got, main.InstructionPointerReference)
	}
	// main's frame is below inspect's: its stack pointer is higher.
	if got := evalReq(t, c, "$sp > (void *)0", main.Id, "watch").Result; got != "1" {
		t.Errorf("$sp in main's frame: %s", got)
	}
	inner := atoi(t, evalReq(t, c, "(long)$sp", frames[0].Id, "watch").Result)
	outer := atoi(t, evalReq(t, c, "(long)$sp", main.Id, "watch").Result)
	if outer <= inner {
		t.Errorf("$sp in main %#x, in inspect %#x: want main's above", outer, inner)
	}
	regs := evalReq(t, c, "info registers", main.Id, "repl").Result
	var names []string
	for _, line := range strings.Split(regs, "\n") {
		names = append(names, strings.Fields(line)[0])
	}
	if got := strings.Join(names, " "); got != "rbx rbp rsp r12 r13 r14 r15 rip" {
		t.Errorf("info registers in main's frame lists %s, want the callee-saved registers, rsp and rip", got)
	}
	if msg := evalReqError(t, c, "info registers rax", main.Id, "repl"); !strings.Contains(msg, "not known in this frame") {
		t.Errorf("info registers rax in main's frame: %q", msg)
	}
	if msg := evalReqError(t, c, "$rbx = 1", main.Id, "repl"); !strings.Contains(msg, "only in the innermost frame") {
		t.Errorf("$rbx = 1 in main's frame: %q", msg)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return n
}

func TestSetExpression(t *testing.T) {
	c, _, frames := stopInInspect(t)
	set := func(expr, value string) dap.SetExpressionResponseBody {
		t.Helper()
		seq := c.send("setExpression", &dap.SetExpressionRequest{Arguments: dap.SetExpressionArguments{Expression: expr, Value: value, FrameId: frames[0]}})
		return wantResponse[*dap.SetExpressionResponse](c, seq).Body
	}
	if got := set("n", "n * 10"); got.Value != "50" || got.Type != "int" {
		t.Errorf("setExpression n = n * 10: %+v, want 50", got)
	}
	if got := evalReq(t, c, "n", frames[0], "watch").Result; got != "50" {
		t.Errorf("n after setExpression = %s, want 50", got)
	}
	if got := set("s->origin->y", "-7"); got.Value != "-7" {
		t.Errorf("setExpression s->origin->y = -7: %+v", got)
	}
	if got := evalReq(t, c, "origin.y", frames[1], "watch").Result; got != "-7" {
		t.Errorf("main's origin.y after setting it through s = %s, want -7", got)
	}
	seq := c.send("setExpression", &dap.SetExpressionRequest{Arguments: dap.SetExpressionArguments{Expression: "n + 1", Value: "3", FrameId: frames[0]}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "cannot assign to n + 1") {
		t.Errorf("setExpression n + 1: %q", e.Body.Error.Format)
	}
}

func TestCompletions(t *testing.T) {
	c, _, frames := stopInInspect(t)
	complete := func(text string) []string {
		t.Helper()
		seq := c.send("completions", &dap.CompletionsRequest{Arguments: dap.CompletionsArguments{Text: text, Column: len(text) + 1, FrameId: frames[0]}})
		var labels []string
		for _, it := range wantResponse[*dap.CompletionsResponse](c, seq).Body.Targets {
			labels = append(labels, it.Label)
		}
		return labels
	}
	for _, tc := range []struct{ text, want string }{
		{"s->", "corner name origin sides"},
		{"s->or", "origin"},
		{"n + s->corner.", "x y"},
		{"p.", "x y"},
		{"f.", "level mode ready"},
		{"tot", "total"},
		{"coun", "counter"},
		{"$rs", "$rsi $rsp"},
		{"inf", "info registers info signals"},
		{"1 + inf", ""},
	} {
		got := complete(tc.text)
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("completions of %q: %v, want %s", tc.text, got, tc.want)
		}
	}
	seq := c.send("completions", &dap.CompletionsRequest{Arguments: dap.CompletionsArguments{Text: "x + tot", Column: 8, FrameId: frames[0]}})
	items := wantResponse[*dap.CompletionsResponse](c, seq).Body.Targets
	if len(items) != 1 || items[0].Label != "total" || items[0].Start != 5 || items[0].Length != 3 {
		t.Errorf("completions of %q: %+v, want total replacing the 3 characters from column 5", "x + tot", items)
	}
}
