package daptest

import (
	"github.com/google/go-dap"
)

// The ExpectXxxResponse methods read the next message and fail the test
// unless it is a successful response of that type to request seq.

// ExpectInitializeResponse expects the answer to initialize.
func (c *Client) ExpectInitializeResponse(seq int) *dap.InitializeResponse {
	c.t.Helper()
	return ExpectResponse[*dap.InitializeResponse](c, seq)
}

// ExpectLaunchResponse expects the answer to launch.
func (c *Client) ExpectLaunchResponse(seq int) *dap.LaunchResponse {
	c.t.Helper()
	return ExpectResponse[*dap.LaunchResponse](c, seq)
}

// ExpectAttachResponse expects the answer to attach.
func (c *Client) ExpectAttachResponse(seq int) *dap.AttachResponse {
	c.t.Helper()
	return ExpectResponse[*dap.AttachResponse](c, seq)
}

// ExpectSetBreakpointsResponse expects the answer to setBreakpoints.
func (c *Client) ExpectSetBreakpointsResponse(seq int) *dap.SetBreakpointsResponse {
	c.t.Helper()
	return ExpectResponse[*dap.SetBreakpointsResponse](c, seq)
}

// ExpectConfigurationDoneResponse expects the answer to configurationDone.
func (c *Client) ExpectConfigurationDoneResponse(seq int) *dap.ConfigurationDoneResponse {
	c.t.Helper()
	return ExpectResponse[*dap.ConfigurationDoneResponse](c, seq)
}

// ExpectThreadsResponse expects the answer to threads.
func (c *Client) ExpectThreadsResponse(seq int) *dap.ThreadsResponse {
	c.t.Helper()
	return ExpectResponse[*dap.ThreadsResponse](c, seq)
}

// ExpectStackTraceResponse expects the answer to stackTrace.
func (c *Client) ExpectStackTraceResponse(seq int) *dap.StackTraceResponse {
	c.t.Helper()
	return ExpectResponse[*dap.StackTraceResponse](c, seq)
}

// ExpectStepInResponse expects the answer to stepIn (and so to
// StepInstruction).
func (c *Client) ExpectStepInResponse(seq int) *dap.StepInResponse {
	c.t.Helper()
	return ExpectResponse[*dap.StepInResponse](c, seq)
}

// ExpectNextResponse expects the answer to next.
func (c *Client) ExpectNextResponse(seq int) *dap.NextResponse {
	c.t.Helper()
	return ExpectResponse[*dap.NextResponse](c, seq)
}

// ExpectContinueResponse expects the answer to continue.
func (c *Client) ExpectContinueResponse(seq int) *dap.ContinueResponse {
	c.t.Helper()
	return ExpectResponse[*dap.ContinueResponse](c, seq)
}

// ExpectPauseResponse expects the answer to pause.
func (c *Client) ExpectPauseResponse(seq int) *dap.PauseResponse {
	c.t.Helper()
	return ExpectResponse[*dap.PauseResponse](c, seq)
}

// ExpectDisconnectResponse expects the answer to disconnect.
func (c *Client) ExpectDisconnectResponse(seq int) *dap.DisconnectResponse {
	c.t.Helper()
	return ExpectResponse[*dap.DisconnectResponse](c, seq)
}

// ExpectDisassembleResponse expects the answer to disassemble.
func (c *Client) ExpectDisassembleResponse(seq int) *dap.DisassembleResponse {
	c.t.Helper()
	return ExpectResponse[*dap.DisassembleResponse](c, seq)
}

// ExpectInitializedEvent expects the initialized event.
func (c *Client) ExpectInitializedEvent() *dap.InitializedEvent {
	c.t.Helper()
	return Expect[*dap.InitializedEvent](c)
}

// ExpectProcessEvent expects a process event.
func (c *Client) ExpectProcessEvent() *dap.ProcessEvent {
	c.t.Helper()
	return Expect[*dap.ProcessEvent](c)
}

// ExpectStoppedEvent expects a stopped event with the given reason
// ("breakpoint", "step", "pause", "entry"...).
func (c *Client) ExpectStoppedEvent(reason string) *dap.StoppedEvent {
	c.t.Helper()
	e := Expect[*dap.StoppedEvent](c)
	if e.Body.Reason != reason {
		c.t.Fatalf("expected a stopped event with reason %q, got %s", reason, Describe(e))
	}
	return e
}

// ExpectContinuedEvent expects a continued event.
func (c *Client) ExpectContinuedEvent() *dap.ContinuedEvent {
	c.t.Helper()
	return Expect[*dap.ContinuedEvent](c)
}

// ExpectThreadEvent expects a thread event with reason "started" or
// "exited".
func (c *Client) ExpectThreadEvent(reason string) *dap.ThreadEvent {
	c.t.Helper()
	e := Expect[*dap.ThreadEvent](c)
	if e.Body.Reason != reason {
		c.t.Fatalf("expected a thread event with reason %q, got %s", reason, Describe(e))
	}
	return e
}

// ExpectOutputEvent expects an output event of category.
func (c *Client) ExpectOutputEvent(category string) *dap.OutputEvent {
	c.t.Helper()
	e := Expect[*dap.OutputEvent](c)
	if e.Body.Category != category {
		c.t.Fatalf("expected an output event of category %q, got %s", category, Describe(e))
	}
	return e
}

// ExpectExitedEvent expects an exited event with exit code code.
func (c *Client) ExpectExitedEvent(code int) *dap.ExitedEvent {
	c.t.Helper()
	e := Expect[*dap.ExitedEvent](c)
	if e.Body.ExitCode != code {
		c.t.Fatalf("expected exit code %d, got %s", code, Describe(e))
	}
	return e
}

// ExpectTerminatedEvent expects the terminated event.
func (c *Client) ExpectTerminatedEvent() *dap.TerminatedEvent {
	c.t.Helper()
	return Expect[*dap.TerminatedEvent](c)
}
