package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// The evaluate request and the debug console, through the dapproc binary,
// at a stop in inspect() of testdata/expr_basic.c.

const exprBasic = "expr_basic.c"

func exprEvaluate(t *testing.T, c *daptest.Client, expr string, frame int, context string) dap.EvaluateResponseBody {
	t.Helper()
	return daptest.ExpectResponse[*dap.EvaluateResponse](c, c.SendCommand("evaluate",
		dap.EvaluateArguments{Expression: expr, FrameId: frame, Context: context})).Body
}

func TestEvaluateAndConsole(t *testing.T) {
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr", "console")
	if caps := initialize(t, c); !caps.SupportsEvaluateForHovers || !caps.SupportsClipboardContext {
		t.Errorf("capabilities lack evaluate for hovers and the clipboard: %+v", caps)
	}
	pid := launch(t, c, fixture.C(t, exprBasic))
	id := setBreakpoint(t, c, fixture.Source(t, exprBasic), fixture.Line(t, exprBasic, "inspect"))
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	expectBreakpointStop(t, c, pid, pid, id)
	frames := stack(t, c, pid, 2)
	checkFrame(t, frames[0], "inspect", fixture.Source(t, exprBasic), fixture.Line(t, exprBasic, "inspect"))

	for _, tc := range []struct{ expr, context, value, typ string }{
		{"total", "watch", "2", "int"},                                   // a local
		{"s->origin->y", "watch", "20", "int"},                           // a field through pointers
		{"s->sides[2]", "hover", "6", "int"},                             // an array element
		{"$rsp == $sp && $rip == $pc", "watch", "1", "int"},              // registers
		{"(unsigned char)mask", "watch", "240 '\\360'", "unsigned char"}, // a cast
		{"p.x * p.y - n", "repl", "-17", "int"},                          // arithmetic
		{`s->name == "square"`, "watch", "1", "int"},                     // a string comparison
		{"counter * 6", "clipboard", "42", "int"},                        // a global
	} {
		got := exprEvaluate(t, c, tc.expr, frames[0].Id, tc.context)
		if got.Result != tc.value || got.Type != tc.typ {
			t.Errorf("evaluate %q (%s) = %q (%s), want %q (%s)", tc.expr, tc.context, got.Result, got.Type, tc.value, tc.typ)
		}
	}
	// The outer frame sees its own locals.
	if got := exprEvaluate(t, c, "origin.x + sq.corner.y", frames[1].Id, "watch"); got.Result != "12" {
		t.Errorf("origin.x + sq.corner.y in main = %q, want 12", got.Result)
	}
	// An unknown name is an error response that says so.
	e := c.ExpectError(c.SendCommand("evaluate", dap.EvaluateArguments{Expression: "nosuch * 2", FrameId: frames[0].Id, Context: "hover"}), "evaluate")
	if msg := daptest.ErrorText(e); !strings.Contains(msg, `unknown identifier "nosuch"`) {
		t.Errorf("evaluate nosuch * 2: %q", msg)
	}
	// Hover over a pointer: expand it to the struct it points to.
	s := exprEvaluate(t, c, "s", frames[0].Id, "hover")
	if s.Type != "struct shape *" || s.VariablesReference == 0 {
		t.Fatalf("hover s = %+v, want a struct shape * to expand", s)
	}
	star := daptest.ExpectResponse[*dap.VariablesResponse](c, c.SendCommand("variables",
		dap.VariablesArguments{VariablesReference: s.VariablesReference})).Body.Variables
	if len(star) != 1 || star[0].Name != "*s" || star[0].VariablesReference == 0 {
		t.Fatalf("children of s: %+v, want *s", star)
	}
	fields := daptest.ExpectResponse[*dap.VariablesResponse](c, c.SendCommand("variables",
		dap.VariablesArguments{VariablesReference: star[0].VariablesReference})).Body.Variables
	if len(fields) != 4 || fields[3].Name != "sides" || fields[3].Value != "{4, 5, 6, 7}" {
		t.Errorf("fields of *s: %+v, want name, corner, origin, sides = {4, 5, 6, 7}", fields)
	}
	// The console's x command on a global array.
	at := exprEvaluate(t, c, "bytes", frames[0].Id, "watch").MemoryReference
	if got := exprEvaluate(t, c, "x/4xb bytes", frames[0].Id, "repl").Result; at == "" || got != at+":\t0x11\t0x22\t0x33\t0x44" {
		t.Errorf("x/4xb bytes = %q, want the 4 bytes at %s", got, at)
	}
	// An assignment in the console changes what the program prints.
	if got := exprEvaluate(t, c, "counter = 8", frames[0].Id, "repl").Result; got != "8" {
		t.Errorf("counter = 8 gave %q", got)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(0)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
	if out := c.Output("stdout"); !strings.Contains(out, "hello -5000000000 17 104") || !strings.Contains(out, " 8 2.500000 ") {
		t.Errorf("program output %q, want counter printed as 8", out)
	}
}
