package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/dapclient"
)

// demoTimeout bounds each wait for the adapter; a working adapter answers in
// milliseconds.
const demoTimeout = 15 * time.Second

// demoClient drives the demo session and prints what happens.
type demoClient struct {
	c      *dapclient.Client
	out    io.Writer
	source []string // the program's lines, to show beside positions

	raw bool // print each message's JSON too

	pending []dap.Message // events that arrived while awaiting something else
	caps    dap.Capabilities
}

func newDemoClient(conn io.ReadWriter, out io.Writer, raw bool, source []byte) *demoClient {
	return &demoClient{c: dapclient.New(conn), out: out, raw: raw,
		source: strings.Split(string(source), "\n")}
}

// drive runs the session: breakpoint, stop, stack, locals, three
// instruction steps, continue to the next hit, an expression, continue to exit.
func (d *demoClient) drive(src, bin string) error {
	defer d.c.Close()
	bpLine, err := markerLine([]byte(strings.Join(d.source, "\n")), "square")
	if err != nil {
		return err
	}

	d.say("initialize", "")
	resp, err := d.request(&dap.InitializeRequest{Request: dap.Request{Command: "initialize"},
		Arguments: dap.InitializeRequestArguments{ClientID: "dapproc-demo", AdapterID: "dapproc",
			LinesStartAt1: true, ColumnsStartAt1: true, PathFormat: "path", SupportsMemoryReferences: true}})
	if err != nil {
		return err
	}
	d.caps = resp.(*dap.InitializeResponse).Body
	d.tell("capabilities: %s", capabilityList(d.caps))
	if _, err := d.awaitEvent("initialized"); err != nil {
		return err
	}
	d.event("initialized: the adapter is ready for breakpoints")

	d.say("launch", bin)
	if _, err := d.command("launch", map[string]any{"program": bin}); err != nil {
		return err
	}
	d.tell("ok: the program is loaded, stopped before its first instruction")
	d.say("setBreakpoints", fmt.Sprintf("%s:%d   %s", filepath.Base(src), bpLine, d.text(bpLine)))
	if err := d.setBreakpoints(src, bpLine); err != nil {
		return err
	}
	d.say("configurationDone", "the program starts running")
	if _, err := d.command("configurationDone", nil); err != nil {
		return err
	}
	d.tell("ok")
	stop, err := d.awaitStop()
	if err != nil {
		return err
	}
	tid := stop.Body.ThreadId

	d.say("threads", "")
	resp, err = d.command("threads", nil)
	if err != nil {
		return err
	}
	for _, th := range resp.(*dap.ThreadsResponse).Body.Threads {
		d.tell("thread %d %q", th.Id, th.Name)
	}
	d.say("stackTrace", fmt.Sprintf("thread %d", tid))
	frames, err := d.stack(tid, 0)
	if err != nil {
		return err
	}
	for i, f := range frames {
		d.tell("#%d %-8s %s:%d  pc %s", i, f.Name, sourceName(f), f.Line, f.InstructionPointerReference)
	}

	if err := d.showLocals(frames[0]); err != nil {
		return err
	}

	for i := 1; i <= 3; i++ {
		d.say("stepIn", fmt.Sprintf("granularity instruction, thread %d (step %d of 3)", tid, i))
		if _, err := d.request(&dap.StepInRequest{Request: dap.Request{Command: "stepIn"},
			Arguments: dap.StepInArguments{ThreadId: tid, Granularity: "instruction"}}); err != nil {
			return err
		}
		if _, err := d.awaitStop(); err != nil {
			return err
		}
		if err := d.showPosition(tid); err != nil {
			return err
		}
	}

	d.say("continue", "the breakpoint is hit again, by the next call")
	if _, err := d.command("continue", map[string]any{"threadId": tid}); err != nil {
		return err
	}
	if _, err := d.awaitStop(); err != nil {
		return err
	}
	if err := d.evaluate(tid, "x * 10"); err != nil {
		return err
	}
	d.say("setBreakpoints", filepath.Base(src)+": none (clear)")
	if err := d.setBreakpoints(src); err != nil {
		return err
	}
	d.say("continue", "to the end")
	if _, err := d.command("continue", map[string]any{"threadId": tid}); err != nil {
		return err
	}
	ev, err := d.awaitEvent("exited")
	if err != nil {
		return err
	}
	d.event("exited with code %d", ev.(*dap.ExitedEvent).Body.ExitCode)
	if _, err := d.awaitEvent("terminated"); err != nil {
		return err
	}
	d.event("terminated")
	d.say("disconnect", "")
	_, err = d.command("disconnect", nil)
	return err
}

func (d *demoClient) setBreakpoints(src string, lines ...int) error {
	bps := make([]dap.SourceBreakpoint, len(lines))
	for i, l := range lines {
		bps[i] = dap.SourceBreakpoint{Line: l}
	}
	resp, err := d.request(&dap.SetBreakpointsRequest{Request: dap.Request{Command: "setBreakpoints"},
		Arguments: dap.SetBreakpointsArguments{Source: dap.Source{Path: src}, Breakpoints: bps}})
	if err != nil {
		return err
	}
	for _, bp := range resp.(*dap.SetBreakpointsResponse).Body.Breakpoints {
		if bp.Verified {
			d.tell("breakpoint %d verified at line %d", bp.Id, bp.Line)
		} else {
			d.tell("breakpoint %d not verified: %s", bp.Id, bp.Message)
		}
	}
	return nil
}

// stack returns thread tid's frames (levels 0: all of them).
func (d *demoClient) stack(tid, levels int) ([]dap.StackFrame, error) {
	resp, err := d.request(&dap.StackTraceRequest{Request: dap.Request{Command: "stackTrace"},
		Arguments: dap.StackTraceArguments{ThreadId: tid, Levels: levels}})
	if err != nil {
		return nil, err
	}
	frames := resp.(*dap.StackTraceResponse).Body.StackFrames
	if len(frames) == 0 {
		return nil, fmt.Errorf("stackTrace of thread %d returned no frames", tid)
	}
	return frames, nil
}

// showLocals prints the Locals scope of frame f: scopes, then variables.
func (d *demoClient) showLocals(f dap.StackFrame) error {
	d.say("scopes", fmt.Sprintf("frame %d (%s)", f.Id, f.Name))
	resp, err := d.request(&dap.ScopesRequest{Request: dap.Request{Command: "scopes"},
		Arguments: dap.ScopesArguments{FrameId: f.Id}})
	if err != nil {
		return err
	}
	scopes := resp.(*dap.ScopesResponse).Body.Scopes
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = sc.Name
	}
	d.tell("%s", strings.Join(names, ", "))
	if len(scopes) == 0 {
		return fmt.Errorf("scopes of frame %d: none", f.Id)
	}
	d.say("variables", scopes[0].Name)
	resp, err = d.request(&dap.VariablesRequest{Request: dap.Request{Command: "variables"},
		Arguments: dap.VariablesArguments{VariablesReference: scopes[0].VariablesReference}})
	if err != nil {
		return err
	}
	for _, v := range resp.(*dap.VariablesResponse).Body.Variables {
		d.tell("%s %s = %s", v.Type, v.Name, v.Value)
	}
	return nil
}

// evaluate evaluates expr in thread tid's top frame, as a watch expression.
func (d *demoClient) evaluate(tid int, expr string) error {
	frames, err := d.stack(tid, 1)
	if err != nil {
		return err
	}
	d.say("evaluate", fmt.Sprintf("%s   (watch, frame %d)", expr, frames[0].Id))
	resp, err := d.request(&dap.EvaluateRequest{Request: dap.Request{Command: "evaluate"},
		Arguments: dap.EvaluateArguments{Expression: expr, FrameId: frames[0].Id, Context: "watch"}})
	if err != nil {
		return err
	}
	body := resp.(*dap.EvaluateResponse).Body
	d.tell("%s (%s)", body.Result, body.Type)
	return nil
}

// showPosition prints where thread tid stands: pc, source line, and the
// instruction there when the adapter can disassemble.
func (d *demoClient) showPosition(tid int) error {
	frames, err := d.stack(tid, 1)
	if err != nil {
		return err
	}
	f := frames[0]
	insn := ""
	if d.caps.SupportsDisassembleRequest && f.InstructionPointerReference != "" {
		resp, err := d.request(&dap.DisassembleRequest{Request: dap.Request{Command: "disassemble"},
			Arguments: dap.DisassembleArguments{MemoryReference: f.InstructionPointerReference, InstructionCount: 1}})
		if err != nil {
			return err
		}
		if ins := resp.(*dap.DisassembleResponse).Body.Instructions; len(ins) > 0 {
			insn = ins[0].Instruction
		}
	}
	if insn != "" {
		d.tell("pc %s  %-32s %s:%d  %s", f.InstructionPointerReference, insn, sourceName(f), f.Line, d.text(f.Line))
	} else {
		d.tell("pc %s  %s:%d  %s", f.InstructionPointerReference, sourceName(f), f.Line, d.text(f.Line))
	}
	return nil
}

// awaitStop waits for a stopped event and describes it.
func (d *demoClient) awaitStop() (*dap.StoppedEvent, error) {
	ev, err := d.awaitEvent("stopped")
	if err != nil {
		return nil, err
	}
	s := ev.(*dap.StoppedEvent)
	what := "stopped: " + s.Body.Reason
	if len(s.Body.HitBreakpointIds) > 0 {
		what += fmt.Sprintf(" %v", s.Body.HitBreakpointIds)
	}
	if s.Body.Description != "" && s.Body.Description != s.Body.Reason {
		what += " (" + s.Body.Description + ")"
	}
	d.event("%s in thread %d, all threads stopped: %v", what, s.Body.ThreadId, s.Body.AllThreadsStopped)
	return s, nil
}

// command sends a request whose arguments go-dap has no type for (or that
// the demo writes as a map) and returns the successful response.
func (d *demoClient) command(command string, args any) (dap.ResponseMessage, error) {
	return d.request(&dapclient.Request{Request: dap.Request{Command: command}, Arguments: args})
}

// request sends req and returns its successful response; an error response
// becomes an error. Events that arrive meanwhile are shown or kept for
// awaitEvent.
func (d *demoClient) request(req dap.RequestMessage) (dap.ResponseMessage, error) {
	seq, err := d.c.Send(req)
	if err != nil {
		return nil, err
	}
	if d.raw {
		sent, _ := json.Marshal(req) // Send filled in seq and type: the bytes it wrote
		fmt.Fprintf(d.out, "      >> %s\n", sent)
	}
	for {
		msg, err := d.next()
		if err != nil {
			return nil, fmt.Errorf("waiting for the answer to %s: %w", req.GetRequest().Command, err)
		}
		switch m := msg.(type) {
		case *dap.ErrorResponse:
			if m.RequestSeq == seq {
				text := m.Message
				if m.Body.Error != nil {
					text = m.Body.Error.Format
				}
				return nil, fmt.Errorf("%s failed: %s", m.Command, text)
			}
		case dap.ResponseMessage:
			if m.GetResponse().RequestSeq == seq {
				return m, nil
			}
		case dap.EventMessage:
			if awaited[m.GetEvent().Event] {
				d.pending = append(d.pending, m) // for awaitEvent, in order
			} else {
				d.showEvent(m)
			}
			continue
		}
		return nil, fmt.Errorf("unexpected message while waiting for the answer to %s: %T", req.GetRequest().Command, msg)
	}
}

// awaited are the events drive waits for; others are shown as they come.
var awaited = map[string]bool{"initialized": true, "stopped": true, "exited": true, "terminated": true}

// awaitEvent returns the next event named name, showing the others.
func (d *demoClient) awaitEvent(name string) (dap.EventMessage, error) {
	for {
		var msg dap.Message
		if len(d.pending) > 0 {
			msg, d.pending = d.pending[0], d.pending[1:]
		} else {
			var err error
			if msg, err = d.next(); err != nil {
				return nil, fmt.Errorf("waiting for the %s event: %w", name, err)
			}
		}
		ev, ok := msg.(dap.EventMessage)
		if !ok {
			return nil, fmt.Errorf("unexpected %T while waiting for the %s event", msg, name)
		}
		if ev.GetEvent().Event == name {
			return ev, nil
		}
		d.showEvent(ev)
	}
}

// next takes the next message, showing its JSON with --dap, and shows output
// events at once (they can come at any point).
func (d *demoClient) next() (dap.Message, error) {
	for {
		msg, raw, err := d.c.NextRaw(demoTimeout)
		if d.raw && raw != nil {
			fmt.Fprintf(d.out, "      << %s\n", raw)
		}
		if o, ok := msg.(*dap.OutputEvent); ok && err == nil {
			d.showEvent(o)
			continue
		}
		return msg, err
	}
}

// showEvent prints an event the demo does not wait for.
func (d *demoClient) showEvent(ev dap.EventMessage) {
	switch e := ev.(type) {
	case *dap.OutputEvent:
		for _, line := range strings.SplitAfter(e.Body.Output, "\n") {
			if line != "" {
				d.event("output (%s): %s", e.Body.Category, strings.TrimSuffix(line, "\n"))
			}
		}
	case *dap.ThreadEvent:
		d.event("thread %d %s", e.Body.ThreadId, e.Body.Reason)
	case *dap.ProcessEvent:
		d.event("process %q, pid %d (%s)", e.Body.Name, e.Body.SystemProcessId, e.Body.StartMethod)
	case *dap.ContinuedEvent:
		d.event("continued")
	default:
		d.event("%s", ev.GetEvent().Event)
	}
}

// say prints a request going out.
func (d *demoClient) say(command, detail string) {
	fmt.Fprintf(d.out, "→ %-18s %s\n", command, detail)
}

// tell prints what the adapter answered to the request just shown.
func (d *demoClient) tell(format string, args ...any) {
	fmt.Fprintf(d.out, "    ← "+format+"\n", args...)
}

// event prints an event. Events come when the adapter has something to
// say, so one may appear while the next request is on its way.
func (d *demoClient) event(format string, args ...any) {
	fmt.Fprintf(d.out, "    ⇠ event "+format+"\n", args...)
}

// text returns source line n, trimmed, for display.
func (d *demoClient) text(n int) string {
	if n < 1 || n > len(d.source) {
		return ""
	}
	line, _, _ := strings.Cut(d.source[n-1], "// BP:") // the marker is for finding the line, not for reading
	return "| " + strings.TrimSpace(line)
}

func sourceName(f dap.StackFrame) string {
	if f.Source == nil || f.Source.Path == "" {
		return "??"
	}
	return filepath.Base(f.Source.Path)
}

// capabilityList names the capabilities the adapter advertises.
func capabilityList(c dap.Capabilities) string {
	raw, _ := json.Marshal(c)
	var fields map[string]any
	json.Unmarshal(raw, &fields)
	var names []string
	for k, v := range fields {
		if v == true {
			k = strings.TrimPrefix(strings.TrimPrefix(k, "supports"), "support")
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
