package daptest

import (
	"github.com/google/go-dap"
)

// Initialize sends initialize as VS Code does (lines and columns from 1,
// memory references supported) and returns its sequence number.
func (c *Client) Initialize() int {
	c.t.Helper()
	return c.Send(&dap.InitializeRequest{
		Request: dap.Request{Command: "initialize"},
		Arguments: dap.InitializeRequestArguments{
			ClientID: "daptest", AdapterID: "dapproc", PathFormat: "path",
			LinesStartAt1: true, ColumnsStartAt1: true,
			SupportsMemoryReferences: true, SupportsVariableType: true,
		},
	})
}

// Launch sends launch with lldb-dap style arguments (program, args, cwd,
// env, stopOnEntry...).
func (c *Client) Launch(args map[string]any) int {
	c.t.Helper()
	return c.SendCommand("launch", args)
}

// Attach sends attach for process pid.
func (c *Client) Attach(pid int) int {
	c.t.Helper()
	return c.SendCommand("attach", map[string]any{"pid": pid})
}

// SetBreakpoints sends setBreakpoints for the source file at path, one
// breakpoint per line.
func (c *Client) SetBreakpoints(path string, lines ...int) int {
	c.t.Helper()
	bps := make([]dap.SourceBreakpoint, len(lines))
	for i, l := range lines {
		bps[i] = dap.SourceBreakpoint{Line: l}
	}
	return c.Send(&dap.SetBreakpointsRequest{
		Request:   dap.Request{Command: "setBreakpoints"},
		Arguments: dap.SetBreakpointsArguments{Source: dap.Source{Path: path}, Breakpoints: bps},
	})
}

// ConfigurationDone sends configurationDone.
func (c *Client) ConfigurationDone() int {
	c.t.Helper()
	return c.SendCommand("configurationDone", nil)
}

// Threads sends threads.
func (c *Client) Threads() int {
	c.t.Helper()
	return c.SendCommand("threads", nil)
}

// StackTrace sends stackTrace for thread tid, frames [start, start+levels)
// (levels 0 means all).
func (c *Client) StackTrace(tid, start, levels int) int {
	c.t.Helper()
	return c.Send(&dap.StackTraceRequest{
		Request:   dap.Request{Command: "stackTrace"},
		Arguments: dap.StackTraceArguments{ThreadId: tid, StartFrame: start, Levels: levels},
	})
}

// StepInstruction asks thread tid to execute one instruction the way the
// specification spells it, and VS Code sends it from the disassembly view:
// stepIn with granularity "instruction".
func (c *Client) StepInstruction(tid int) int {
	c.t.Helper()
	return c.Send(&dap.StepInRequest{
		Request:   dap.Request{Command: "stepIn"},
		Arguments: dap.StepInArguments{ThreadId: tid, Granularity: "instruction"},
	})
}

// Continue sends continue for thread tid.
func (c *Client) Continue(tid int) int {
	c.t.Helper()
	return c.Send(&dap.ContinueRequest{
		Request:   dap.Request{Command: "continue"},
		Arguments: dap.ContinueArguments{ThreadId: tid},
	})
}

// Pause sends pause for thread tid.
func (c *Client) Pause(tid int) int {
	c.t.Helper()
	return c.Send(&dap.PauseRequest{
		Request:   dap.Request{Command: "pause"},
		Arguments: dap.PauseArguments{ThreadId: tid},
	})
}

// Disconnect sends disconnect; terminate is sent as terminateDebuggee
// unless it is nil (then the adapter's default applies).
func (c *Client) Disconnect(terminate *bool) int {
	c.t.Helper()
	args := map[string]any{}
	if terminate != nil {
		args["terminateDebuggee"] = *terminate
	}
	return c.SendCommand("disconnect", args)
}

// StepIn sends stepIn for thread tid with granularity ("" for the
// adapter's default, "instruction", "line", "statement").
func (c *Client) StepIn(tid int, granularity dap.SteppingGranularity) int {
	c.t.Helper()
	return c.Send(&dap.StepInRequest{
		Request:   dap.Request{Command: "stepIn"},
		Arguments: dap.StepInArguments{ThreadId: tid, Granularity: granularity},
	})
}

// StepOver sends next for thread tid with granularity.
func (c *Client) StepOver(tid int, granularity dap.SteppingGranularity) int {
	c.t.Helper()
	return c.Send(&dap.NextRequest{
		Request:   dap.Request{Command: "next"},
		Arguments: dap.NextArguments{ThreadId: tid, Granularity: granularity},
	})
}

// Disassemble sends disassemble for count instructions starting at the
// memory reference ref (an address such as "0x401136"), offset by
// instructionOffset instructions.
func (c *Client) Disassemble(ref string, instructionOffset, count int) int {
	c.t.Helper()
	return c.Send(&dap.DisassembleRequest{
		Request: dap.Request{Command: "disassemble"},
		Arguments: dap.DisassembleArguments{
			MemoryReference: ref, InstructionOffset: instructionOffset,
			InstructionCount: count, ResolveSymbols: true,
		},
	})
}
