package session

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
	linuxtracer "github.com/dapproc/dapproc/tracer/linux"
)

// These tests drive a real fixture under the real tracer through the
// session's own API, to reach its unexported evaluation functions.

// chanSender collects the session's messages.
type chanSender chan dap.Message

func (c chanSender) Send(m dap.Message) {
	select {
	case c <- m:
	default: // the test reads only what it needs; never block the session
	}
}

// stopAt launches testdata/src, runs it to the line marked `// BP:marker`
// and returns the session (running on its goroutine) and the stopped
// thread. The process is killed when the test ends.
func stopAt(t testing.TB, src, marker string) (*Session, int) {
	t.Helper()
	return stopIn(t, fixture.C(t, src), src, marker)
}

// stopIn is stopAt for a program already built from src.
func stopIn(t testing.TB, prog, src, marker string) (*Session, int) {
	t.Helper()
	out := make(chanSender, 1024)
	s := New(Config{Launcher: linuxtracer.Launcher{}, Out: out})
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-s.Done()
	})
	do := func(what string, f func() error) {
		t.Helper()
		var err error
		if derr := s.Do(func() { err = f() }); derr != nil {
			t.Fatalf("%s: %v", what, derr)
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("initialize", func() error { return callWithZeroArgs(s.Initialize) })
	do("launch", func() error { return s.Launch(LaunchArgs{Config: tracer.LaunchConfig{Program: prog}}) })
	line := fixture.Line(t, src, marker)
	do("setBreakpoints", func() error {
		bps, err := setLineBreakpoint(s, fixture.Source(t, src), line)
		if err == nil && (len(bps) != 1 || !bps[0].Verified) {
			t.Fatalf("breakpoint at %s:%d not verified: %+v", src, line, bps)
		}
		return err
	})
	do("configurationDone", s.ConfigurationDone)
	deadline := time.After(30 * time.Second)
	for {
		select {
		case m := <-out:
			if st, ok := m.(*dap.StoppedEvent); ok {
				if st.Body.Reason != "breakpoint" {
					t.Fatalf("stopped for %q, want the breakpoint at %s", st.Body.Reason, marker)
				}
				return s, st.Body.ThreadId
			}
			if _, ok := m.(*dap.TerminatedEvent); ok {
				t.Fatalf("the program ended before reaching %s", marker)
			}
		case <-deadline:
			t.Fatalf("no stop at %s within 30s", marker)
		}
	}
}

// setLineBreakpoint sets one line breakpoint with SetBreakpoints, whose
// argument changed from lines to dap.SourceBreakpoint while conditions
// were added.
func setLineBreakpoint(s *Session, path string, line int) ([]dap.Breakpoint, error) {
	var set any = s.SetBreakpoints
	switch f := set.(type) {
	case func(string, []int) ([]dap.Breakpoint, error):
		return f(path, []int{line})
	case func(string, []dap.SourceBreakpoint) ([]dap.Breakpoint, error):
		return f(path, []dap.SourceBreakpoint{{Line: line}})
	}
	panic(fmt.Sprintf("unexpected SetBreakpoints signature %T", set))
}

// callWithZeroArgs calls f (Initialize, which gained a parameter of
// client capabilities) with the zero value of each parameter.
func callWithZeroArgs(f any) error {
	fv := reflect.ValueOf(f)
	args := make([]reflect.Value, fv.Type().NumIn())
	for i := range args {
		args[i] = reflect.Zero(fv.Type().In(i))
	}
	err, _ := fv.Call(args)[0].Interface().(error)
	return err
}

// on runs f on the session goroutine.
func on(t testing.TB, s *Session, f func()) {
	t.Helper()
	if err := s.Do(f); err != nil {
		t.Fatal(err)
	}
}

// TestEvaluateAtStop checks values, types and errors of expressions at a
// real stop in inspect() of testdata/expr_basic.c.
func TestEvaluateAtStop(t *testing.T) {
	s, tid := stopAt(t, exprSrc, "inspect")
	on(t, s, func() {
		if s.focus != tid {
			t.Fatalf("focus %d, want the stopped thread %d", s.focus, tid)
		}
		for _, tc := range []struct{ expr, value, typ string }{
			{"n", "5", "int"},
			{"s->corner.x", "1", "int"},
			{"s->origin->y", "20", "int"},
			{"(*s).corner.y", "2", "int"},
			{"s->sides[2]", "6", "int"},
			{"*where", "5", "int"},
			{"where[1]", "6", "int"},
			{"*(where + 2)", "7", "int"},
			{"where - &s->sides[0]", "1", "long"},
			{"p.y * 2 + n", "-3", "int"},
			{"total", "2", "int"},
			{"letter", "81 'Q'", "char"},
			{"letter + 1", "82", "int"},
			{"(char)(letter + 1)", "82 'R'", "char"},
			{"half * 4", "2", "float"},
			{"half * 4.0", "2", "double"},
			{"neg", "-2", "short int"},
			{"neg * 3", "-6", "int"},
			{"mask", "4042322160", "unsigned int"},
			{"mask >> 28", "15", "unsigned int"},
			{"(unsigned char)mask", "240 '\\360'", "unsigned char"},
			{"f.ready", "1", "unsigned int"},
			{"f.level", "-3", "int"},
			{"f.mode", "5", "unsigned int"},
			{"f.level + f.mode", "2", "unsigned int"},
			{"counter", "7", "int"},
			{"ratio", "2.5", "double"},
			{"ratio * 2", "5", "double"},
			{"big", "-5000000000", "long int"},
			{"big / 1000000000", "-5", "long int"},
			{"bytes[4] == 0xde", "1", "int"},
			{`s->name == "square"`, "1", "int"},
			{`s->name != "squared"`, "1", "int"},
			{"n > 3 ? 100 : 200", "100", "int"},
			{"n > 3 && counter == 7", "1", "int"},
			{"n < 3 || 0", "0", "int"},
			{"!n", "0", "int"},
			{"~0", "-1", "int"},
			{"-n", "-5", "int"},
			{"-7 / 2", "-3", "int"},
			{"-7 % 3", "-1", "int"},
			{"1 << 4 | 0x3", "19", "int"},
			{"07 + 0b101", "12", "int"},
			{"'a'", "97 'a'", "char"},
			{"1.5e1", "15", "double"},
			{"3u - 4", "4294967295", "unsigned int"},
			{"-1 < 0u", "0", "int"},
			{"-1L < 0u", "1", "int"},
			{"0xffffffff", "4294967295", "unsigned int"},
			{"4294967296", "4294967296", "long"},
			{"sizeof(int)", "4", "unsigned long"},
			{"sizeof p", "8", "unsigned long"},
			{"sizeof s->sides", "16", "unsigned long"},
			{"(long)(int *)16 + 1", "17", "long"},
			{"*(unsigned char *)&mask", "240 '\\360'", "unsigned char"},
			{"(int)2.9", "2", "int"},
			{"(double)7 / 2", "3.5", "double"},
			{"$eflags == $rflags", "1", "int"},
			{"((struct point *)opaque)->y", "20", "int"},
			{"(*(struct point *)opaque).x + 1", "11", "int"},
			{"(handle_t)(-1)", "4294967295", "handle_t"},
			{"(handle_t)current + 1", "100", "unsigned int"},
			{"sizeof(struct shape)", "40", "unsigned long"},
			{"sizeof(handle_t)", "4", "unsigned long"},
			{"(handle_t *)opaque == (void *)s->origin", "1", "int"},
			{"paint", "GREEN", "enum color"},
			{"paint == GREEN && GREEN != BLUE", "1", "int"},
			{"BLUE", "BLUE", "enum color"},
			{"BLUE + 1", "7", "int"},
			{"(enum color)0", "RED", "enum color"},
		} {
			body, err := s.Evaluate(tc.expr, 0, "watch")
			if err != nil {
				t.Errorf("evaluate %q: %v", tc.expr, err)
				continue
			}
			if body.Result != tc.value || body.Type != tc.typ {
				t.Errorf("evaluate %q = %q (%s), want %q (%s)", tc.expr, body.Result, body.Type, tc.value, tc.typ)
			}
		}
		for _, tc := range []struct{ expr, want string }{
			{"nosuch", `unknown identifier "nosuch"`},
			{"*n", "cannot dereference int"},
			{"n.x", "int is not a struct"},
			{"s->nope", `struct shape has no member named "nope"`},
			{"*(int *)0", "cannot read memory at 0x0"},
			{"n / (counter - 7)", "division by zero"},
			{"n +", "syntax error at column 4"},
			{"n = 1", "only in the debug console"},
			{"&$rax", "cannot take the address of $rax"},
			{"1 << 40", "shift count 40 is out of range for int"},
			{"$nosuch", `unknown register "nosuch"`},
			{"s + s", "invalid operands to +"},
			{"(struct nosuch *)0", `unknown type "struct nosuch"`},
			{"(nosuch_t)1", `unknown type "nosuch_t"`},
		} {
			_, err := s.Evaluate(tc.expr, 0, "hover")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("evaluate %q: error %v, want it to say %q", tc.expr, err, tc.want)
			}
		}
	})
}

// TestEvaluateReferences checks what the client needs beyond the text:
// children for structs and pointers, and where values live.
func TestEvaluateReferences(t *testing.T) {
	s, tid := stopAt(t, exprSrc, "inspect")
	on(t, s, func() {
		regs, err := s.proc.Regs(tid)
		if err != nil {
			t.Fatal(err)
		}
		ptr, err := s.Evaluate("s", 0, "hover")
		if err != nil {
			t.Fatal(err)
		}
		if ptr.Type != "struct shape *" || ptr.VariablesReference == 0 || ptr.MemoryReference != ptr.Result {
			t.Errorf("hover s = %+v, want a struct shape * with children, its memoryReference the address it holds", ptr)
		}
		addr, err := s.Evaluate("&n", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Evaluate("n", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if n.MemoryReference == "" || n.MemoryReference != addr.Result || n.VariablesReference != 0 {
			t.Errorf("n lives at %s, &n is %s, children %d: want the same address and no children", n.MemoryReference, addr.Result, n.VariablesReference)
		}
		st, err := s.Evaluate("s->corner", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if st.Result != "{...}" || st.Type != "struct point" || st.VariablesReference == 0 {
			t.Errorf("s->corner = %+v, want a struct with children", st)
		}
		sides, err := s.Evaluate("s->sides", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if sides.Result != "{4, 5, 6, 7}" || sides.IndexedVariables != 4 || sides.VariablesReference == 0 || sides.MemoryReference == "" {
			t.Errorf("s->sides = %+v, want 4 indexed children and where it is", sides)
		}
		sp, err := s.Evaluate("(long)$rsp", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint(int64(regs.Rsp)); sp.Result != want || sp.MemoryReference != "" {
			t.Errorf("(long)$rsp = %+v, want %s and no memory reference", sp, want)
		}
		pc, err := s.Evaluate("$pc", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%#x <inspect+", regs.Rip); !strings.HasPrefix(pc.Result, want) {
			t.Errorf("$pc = %q, want it to start with %q", pc.Result, want)
		}
		eax, err := s.Evaluate("$eax == ($rax & 0xffffffff)", 0, "watch")
		if err != nil || eax.Result != "1" {
			t.Errorf("$eax == ($rax & 0xffffffff) = %+v, %v; want 1", eax, err)
		}
	})
}

// TestEvaluateAssignInRepl checks that the repl writes and hover does not.
func TestEvaluateAssignInRepl(t *testing.T) {
	s, _ := stopAt(t, exprSrc, "inspect")
	on(t, s, func() {
		if _, err := s.Evaluate("n = 42", 0, "hover"); err == nil {
			t.Error("hover assigned")
		}
		got, err := s.Evaluate("n = 40 + 2", 0, "repl")
		if err != nil || got.Result != "42" {
			t.Fatalf("repl n = 40 + 2: %+v, %v; want 42", got, err)
		}
		if again, err := s.Evaluate("n", 0, "watch"); err != nil || again.Result != "42" {
			t.Errorf("n after the assignment = %+v, %v; want 42", again, err)
		}
		if got, err := s.Evaluate("s->origin->x = -1", 0, "repl"); err != nil || got.Result != "-1" {
			t.Errorf("repl s->origin->x = -1: %+v, %v", got, err)
		}
		if got, err := s.Evaluate("$r12 = 0x1234", 0, "repl"); err != nil || got.Result != "4660" {
			t.Errorf("repl $r12 = 0x1234: %+v, %v", got, err)
		}
		if got, err := s.Evaluate("$r12", 0, "watch"); err != nil || got.Result != "4660" {
			t.Errorf("$r12 after setting it = %+v, %v; want 4660", got, err)
		}
	})
}

// TestEvaluateCPlusPlus checks references, base-class members, this and
// its implicit members, and a namespace global.
func TestEvaluateCPlusPlus(t *testing.T) {
	const src = "expr_cpp.cpp"
	for _, stop := range []struct {
		marker string
		cases  []struct{ expr, value, typ string }
	}{
		{"cpp_ref", []struct{ expr, value, typ string }{
			{"ref", "44", "int"},                // a reference reads as what it is bound to
			{"ref - geo::counter", "41", "int"}, // a namespace global
			{"c.r * 2", "5", "double"},          // a member through a const reference
			{"c.id", "7", "int"},                // a member of the base class
			{"&ref == &ref", "1", "int"},
		}},
		{"cpp_member", []struct{ expr, value, typ string }{
			{"k", "2", "int"},
			{"this->r", "2.5", "double"},
			{"r * k", "5", "double"}, // a member by its name alone
			{"id + 1", "8", "int"},   // a base class's member by its name alone
			{"this->id", "7", "int"}, // through this, into the base class
		}},
	} {
		s, _ := stopAt(t, src, stop.marker)
		on(t, s, func() {
			for _, tc := range stop.cases {
				body, err := s.Evaluate(tc.expr, 0, "watch")
				if err != nil {
					t.Errorf("%s: evaluate %q: %v", stop.marker, tc.expr, err)
					continue
				}
				if body.Result != tc.value || body.Type != tc.typ {
					t.Errorf("%s: evaluate %q = %q (%s), want %q (%s)", stop.marker, tc.expr, body.Result, body.Type, tc.value, tc.typ)
				}
			}
		})
	}
}

// TestEvaluateFunctionName checks that a function's name is its address,
// typed as DWARF declares it.
func TestEvaluateFunctionName(t *testing.T) {
	s, _ := stopAt(t, exprSrc, "inspect")
	on(t, s, func() {
		step, err := s.Evaluate("step", 0, "hover")
		if err != nil {
			t.Fatal(err)
		}
		if step.Type != "int (int, int)" || !strings.HasSuffix(step.Result, " <step>") || step.MemoryReference == "" {
			t.Errorf("step = %+v, want int (int, int) at 0x... <step>", step)
		}
		pc, err := s.Evaluate("$pc >= inspect && $pc < main", 0, "watch")
		if err != nil || pc.Result != "1" {
			t.Errorf("$pc >= inspect && $pc < main: %+v, %v (inspect is defined before main)", pc, err)
		}
		if ptr, err := s.Evaluate("&step", 0, "watch"); err != nil || ptr.Type != "int (*)(int, int)" {
			t.Errorf("&step = %+v, %v; want an int (*)(int, int)", ptr, err)
		}
	})
}

// TestEvaluateGo checks Go strings, slices, struct pointers and a package
// variable named without its package.
func TestEvaluateGo(t *testing.T) {
	s, _ := stopIn(t, fixture.Go(t, "expr_go"), "expr_go/main.go", "go_describe")
	on(t, s, func() {
		for _, tc := range []struct{ expr, value, typ string }{
			{"it.count + it.next.count", "3", "int"},
			{"it->next->count", "2", "int"},
			{"total", "40", "int"},
			{"scores[1] * 2", "40", "int"},
			{"tags[1]", `"green"`, "string"},
			{`tags[0] == "red"`, "1", "int"},
			{`it.name == "first"`, "1", "int"},
			{`it.name != "firs"`, "1", "int"},
			{"it.name[1]", "105", "uint8"},
		} {
			body, err := s.Evaluate(tc.expr, 0, "watch")
			if err != nil {
				t.Errorf("evaluate %q: %v", tc.expr, err)
				continue
			}
			if body.Result != tc.value || body.Type != tc.typ {
				t.Errorf("evaluate %q = %q (%s), want %q (%s)", tc.expr, body.Result, body.Type, tc.value, tc.typ)
			}
		}
		if _, err := s.Evaluate("scores[3]", 0, "watch"); err == nil || !strings.Contains(err.Error(), "index 3 is out of range (length 3)") {
			t.Errorf("scores[3]: %v, want an index out of range", err)
		}
	})
}

// TestEvaluateVectorRegisters checks the lanes of xmm1, which vectors()
// in the fixture loads with known bytes, and that $ymm1 extends it.
func TestEvaluateVectorRegisters(t *testing.T) {
	s, _ := stopAt(t, exprSrc, "vectors")
	on(t, s, func() {
		x, err := s.Evaluate("$xmm1", 0, "watch")
		if err != nil {
			t.Fatal(err)
		}
		if x.Type != "union vec128" || x.VariablesReference == 0 {
			t.Errorf("$xmm1 = %+v, want a union vec128 to expand", x)
		}
		for _, tc := range []struct{ expr, want string }{
			{"$xmm1.v16_int8[0]", "17 '\\021'"},
			{"$xmm1.v16_int8[15]", "-128 '\\200'"},
			{"$xmm1.v8_int16[1] == 0x4433", "1"},
			{"$xmm1.v4_int32[1] == (int)0x88776655", "1"},
			{"$xmm1.v2_int64[1] == (long)0x80ffeeddccbbaa99", "1"},
			{"sizeof($xmm1) == 16 && sizeof($st0) == 16", "1"},
		} {
			if got, err := s.Evaluate(tc.expr, 0, "watch"); err != nil || got.Result != tc.want {
				t.Errorf("%s: %+v, %v; want %s", tc.expr, got, err, tc.want)
			}
		}
		y, err := s.Evaluate("$ymm1.v8_int32[0] == 0x44332211 && $ymm1.v8_int32[3] == $xmm1.v4_int32[3]", 0, "watch")
		switch {
		case err != nil && strings.Contains(err.Error(), "no AVX state"):
			t.Log("no AVX: $ymm not checked")
		case err != nil || y.Result != "1":
			t.Errorf("$ymm1 lanes: %+v, %v", y, err)
		}
		info, err := s.Evaluate("info registers xmm1", 0, "repl")
		if err != nil || !strings.HasPrefix(info.Result, "xmm1") || !strings.Contains(info.Result, "v4_int32 = {1144201745, -2005440939, ") || !strings.Contains(info.Result, "uint128 = ") {
			t.Errorf("info registers xmm1 = %q, %v; want its lanes", info.Result, err)
		}
	})
}
