package symbols

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

const varsSrc = "vars_basic.c"

func byName(t *testing.T, vars []*Variable) map[string]*Variable {
	t.Helper()
	m := map[string]*Variable{}
	for _, v := range vars {
		if _, dup := m[v.Name]; dup && !v.Shadowed {
			t.Errorf("variable %s listed twice", v.Name)
		}
		m[v.Name] = v
	}
	return m
}

// wantVar checks a variable's type and value; a value starting with "~" is
// a regular expression.
func wantVar(t *testing.T, vars map[string]*Variable, name, typ, value string) *Variable {
	t.Helper()
	v, ok := vars[name]
	if !ok {
		t.Errorf("no variable %s", name)
		return nil
	}
	if v.Unavailable != "" {
		t.Errorf("%s: unavailable (%s), want %s", name, v.Unavailable, value)
		return v
	}
	if typ != "" && v.Type != typ {
		t.Errorf("%s: type %q, want %q", name, v.Type, typ)
	}
	if re, ok := strings.CutPrefix(value, "~"); ok {
		if !regexp.MustCompile("^" + re + "$").MatchString(v.Value) {
			t.Errorf("%s: value %q, want a match of %q", name, v.Value, re)
		}
	} else if v.Value != value {
		t.Errorf("%s: value %q, want %q", name, v.Value, value)
	}
	return v
}

func children(t *testing.T, p *tracee, v *Variable) map[string]*Variable {
	t.Helper()
	if v == nil {
		return nil
	}
	if !v.HasChildren {
		t.Errorf("%s (%s = %s) has no children", v.Name, v.Type, v.Value)
	}
	kids, err := v.Children(p, 0, -1)
	if err != nil {
		t.Fatalf("children of %s: %v", v.Name, err)
	}
	return byName(t, kids)
}

func stopInVars(t *testing.T, marker string, hits int) (*tracee, *Table, []Frame) {
	t.Helper()
	bin := fixture.C(t, varsSrc)
	p := startTracee(t, bin)
	p.breakAt(varsSrc, fixture.Line(t, varsSrc, marker))
	for range hits {
		p.cont()
	}
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
	if err != nil {
		t.Fatal(err)
	}
	return p, tab, frames
}

func TestFrameVariablesLoopThirdHit(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "loop_body", 3)
	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	wantVar(t, byName(t, params), "n", "int", "5")
	l := byName(t, locals)
	// Third time at `total += sq`: i is 3, sq 9, total 1+4.
	wantVar(t, l, "i", "int", "3")
	wantVar(t, l, "sq", "int", "9")
	wantVar(t, l, "total", "int", "5")
	if len(locals) != 3 || len(params) != 1 {
		t.Errorf("got %d params and %d locals, want n; total, i, sq", len(params), len(locals))
	}
	// loop is a leaf: its locals may sit in the 128-byte red zone below rsp.
	if v := l["i"]; v != nil && (v.Addr >= frames[0].CFA || v.Addr < p.regs.Rsp-128) {
		t.Errorf("i: address %#x, want it in loop's frame [rsp-128 = %#x, CFA = %#x)", v.Addr, p.regs.Rsp-128, frames[0].CFA)
	}
}

func TestFrameVariablesEveryCType(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "show", 1)
	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	ps := byName(t, params)
	wantVar(t, ps, "count", "int", "7")
	wantVar(t, ps, "label", "const char *", `~0x[0-9a-f]+ "label"`)
	origin := wantVar(t, ps, "origin", "struct point", "{...}")
	o := children(t, p, origin)
	wantVar(t, o, "x", "int", "1")
	wantVar(t, o, "y", "int", "2")

	l := byName(t, locals)
	wantVar(t, l, "c", "char", `104 'h'`)
	wantVar(t, l, "uc", "unsigned char", `200 '\310'`)
	wantVar(t, l, "s", "short int", "-7")
	wantVar(t, l, "l", "long int", "-1234567890123")
	wantVar(t, l, "ull", "long long unsigned int", "18446744073709551615")
	wantVar(t, l, "f", "float", "2.5")
	wantVar(t, l, "d", "double", "3.25")
	wantVar(t, l, "ld", "long double", "1.5")
	wantVar(t, l, "yes", "_Bool", "true")
	wantVar(t, l, "col", "enum color", "GREEN")
	wantVar(t, l, "odd", "enum color", "7")
	num := children(t, p, wantVar(t, l, "num", "union number", "{...}"))
	wantVar(t, num, "f", "float", "1")
	wantVar(t, num, "i", "int", "1065353216")
	pt := children(t, p, wantVar(t, l, "pt", "point_t", "{...}"))
	wantVar(t, pt, "y", "int", "-4")
	ppt := children(t, p, wantVar(t, l, "ppt", "struct point *", "~0x[0-9a-f]+"))
	if target := ppt["*ppt"]; target == nil || target.Addr != l["pt"].Addr {
		t.Errorf("*ppt = %+v, want the variable pt at %#x", target, l["pt"].Addr)
	} else {
		wantVar(t, children(t, p, target), "x", "int", "3")
	}
	arr := children(t, p, wantVar(t, l, "arr", "int [5]", "{1, 2, 3, 4, 5}"))
	wantVar(t, arr, "[3]", "int", "4")
	wantVar(t, l, "buf", "char [16]", `"world"`)
	wantVar(t, l, "null_str", "char *", "0x0")
	wantVar(t, l, "bad_str", "const char *", "0x10 <error: cannot read memory at 0x10>")
	wantVar(t, l, "op", "binop", `~0x[0-9a-f]+ <add>`)
	wantVar(t, l, "big", "ulong_t", "123456789")
	first := children(t, p, wantVar(t, l, "first", "struct node", "{...}"))
	wantVar(t, first, "name", "char [8]", `"one"`)
	next := children(t, p, wantVar(t, first, "next", "struct node *", "~0x[0-9a-f]+"))
	wantVar(t, children(t, p, next["*next"]), "value", "int", "2")
	fl := children(t, p, wantVar(t, l, "fl", "struct flags", "{...}"))
	wantVar(t, fl, "a", "unsigned int", "5")
	wantVar(t, fl, "b", "unsigned int", "17")
	wantVar(t, fl, "c", "int", "-3")
	matrix := children(t, p, wantVar(t, l, "matrix", "int [2][3]", "{...}"))
	wantVar(t, matrix, "[1]", "int [3]", "{4, 5, 6}")
	wantVar(t, l, "calls", "int", "1") // a static local: DW_OP_addr
	tg := children(t, p, wantVar(t, l, "tg", "struct tagged", "{...}"))
	wantVar(t, tg, "kind", "int", "1")
	wantVar(t, children(t, p, wantVar(t, tg, "<anonymous union>", "union {...}", "{...}")), "as_int", "int", "5")
	// Strings are cut at 256 bytes.
	wantVar(t, l, "long_str", "char *", `~0x[0-9a-f]+ "x{256}"\.\.\.`)
	wantVar(t, l, "long_text", "char [300]", `~"x{256}"\.\.\.`)

	// Paging the children of an array.
	page, err := arr["[3]"].Children(p, 0, 1)
	if err != nil || len(page) != 0 {
		t.Errorf("children of an int: %v, %v; want none", page, err)
	}
	if v := l["arr"]; v != nil {
		page, err := v.Children(p, 1, 2)
		if err != nil || len(page) != 2 || page[0].Name != "[1]" || page[0].Value != "2" || page[1].Value != "3" {
			t.Errorf("arr children 1..2 = %+v, %v; want [1] = 2, [2] = 3", page, err)
		}
	}

	// The caller's locals, through the CFA the unwinder recovered.
	_, mainLocals, err := tab.FrameVariables(&frames[1], p)
	if err != nil {
		t.Fatal(err)
	}
	mo := children(t, p, wantVar(t, byName(t, mainLocals), "o", "struct point", "{...}"))
	wantVar(t, mo, "y", "int", "2")
}

func TestGlobals(t *testing.T) {
	t.Parallel()
	p, tab, _ := stopInVars(t, "show", 1)
	exe := tab.ImageAt(p.regs.Rip)
	globals, err := tab.Globals(exe, p)
	if err != nil {
		t.Fatal(err)
	}
	g := byName(t, globals)
	wantVar(t, g, "global_counter", "int", "42")
	wantVar(t, g, "global_ratio", "double", "3.5")
	wantVar(t, g, "global_greeting", "const char *", `~0x[0-9a-f]+ "hello"`)
	wantVar(t, g, "static_array", "int [4]", "{10, 20, 30, 40}")
	if len(globals) != 4 {
		t.Errorf("got %d globals, want the fixture's 4", len(globals))
	}
}

// stopDeep stops the chain fixture 26 calls deep (recurse(25) down to 0).
func stopDeep(b *testing.B) *tracee {
	bin := fixture.C(b, chainSrc, "-pthread")
	p := startTracee(b, bin, "recurse")
	p.breakAt(chainSrc, fixture.Line(b, chainSrc, "recurse_bottom"))
	p.cont()
	return p
}

// BenchmarkUnwind20 is a stack trace of 20 frames at a stop, caches warm
// (the steady state of a debugging session).
func BenchmarkUnwind20(b *testing.B) {
	p := stopDeep(b)
	tab := p.table()
	regs := p.dwarfRegs()
	for b.Loop() {
		frames, err := tab.Unwind(regs, p, 20)
		if err != nil || len(frames) != 20 {
			b.Fatalf("%d frames, %v", len(frames), err)
		}
	}
}

// BenchmarkUnwind20AndLocals adds the parameters and locals of every one
// of the 20 frames.
func BenchmarkUnwind20AndLocals(b *testing.B) {
	p := stopDeep(b)
	tab := p.table()
	regs := p.dwarfRegs()
	for b.Loop() {
		frames, err := tab.Unwind(regs, p, 20)
		if err != nil || len(frames) != 20 {
			b.Fatalf("%d frames, %v", len(frames), err)
		}
		for i := range frames {
			params, locals, err := tab.FrameVariables(&frames[i], p)
			if err != nil || len(params) != 1 || len(locals) != 1 {
				b.Fatalf("frame %d: %d params, %d locals, %v", i, len(params), len(locals), err)
			}
		}
	}
}

// BenchmarkUnwind20Cold is the first stack trace of a session: images
// opened, libc's .eh_frame parsed, DWARF scopes loaded.
func BenchmarkUnwind20Cold(b *testing.B) {
	p := stopDeep(b)
	regs := p.dwarfRegs()
	maps, err := ReadMaps(p.pid)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tab := NewTable()
		added, _, err := tab.Sync(maps)
		if err != nil {
			b.Fatal(err)
		}
		frames, err := tab.Unwind(regs, p, 20)
		if err != nil || len(frames) != 20 {
			b.Fatalf("%d frames, %v", len(frames), err)
		}
		if _, _, err := tab.FrameVariables(&frames[0], p); err != nil {
			b.Fatal(err)
		}
		for _, im := range added {
			im.Close()
		}
	}
}

func TestFrameVariablesGo(t *testing.T) {
	t.Parallel()
	const src = "unwind_go/main.go"
	bin := fixture.Go(t, "unwind_go")
	p := startTracee(t, bin)
	p.breakAt("main.go", fixture.Line(t, src, "go_inner"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
	if err != nil {
		t.Fatal(err)
	}
	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	wantVar(t, byName(t, params), "n", "int", "3")
	l := byName(t, locals)
	wantVar(t, l, "word", "string", `"hello"`)
	xs := children(t, p, wantVar(t, l, "xs", "[]int", "[]int len: 3, cap: 3"))
	wantVar(t, xs, "[1]", "int", "20")
	for _, v := range append(params, locals...) {
		if strings.HasPrefix(v.Name, ".") {
			t.Errorf("compiler temporary %s listed", v.Name)
		}
	}
	// Up the goroutine's stack: outer's parameters.
	params, _, err = tab.FrameVariables(&frames[2], p)
	if err != nil {
		t.Fatal(err)
	}
	op := byName(t, params)
	wantVar(t, op, "n", "int", "1")
	wantVar(t, op, "done", "chan<- int", "~0x[0-9a-f]+")

	globals, err := tab.Globals(tab.ImageAt(p.regs.Rip), p)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range globals {
		if g.Name == "main.sink" {
			found = true
			if g.Value != "0" || g.Type != "int" {
				t.Errorf("main.sink = %s %s, want int 0", g.Type, g.Value)
			}
		}
	}
	if !found {
		t.Errorf("no global main.sink among %d", len(globals))
	}
}

// stopBig stops the generated 20,000-function program (S1's bigProgram)
// in big_marker, called from main. (Its call chains never run deep: each
// chain starts with a NULL record and ends at once.)
func stopBig(b *testing.B) *tracee {
	bin, _ := bigProgram(b)
	p := startTracee(b, bin, "30")
	tab := p.table()
	_, addrs, err := tab.FunctionAddresses("big_marker")
	if err != nil || len(addrs) != 1 {
		b.Fatalf("big_marker: %v, %v", addrs, err)
	}
	p.breakAtAddr(addrs[0])
	p.cont()
	return p
}

// BenchmarkBigStopCold is the first stop of a session on the big program:
// open the images, unwind the stack (functions, lines), list the variables
// of big_marker and main.
func BenchmarkBigStopCold(b *testing.B) {
	p := stopBig(b)
	regs := p.dwarfRegs()
	maps, err := ReadMaps(p.pid)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tab := NewTable()
		added, _, err := tab.Sync(maps)
		if err != nil {
			b.Fatal(err)
		}
		frames, err := tab.Unwind(regs, p, 20)
		if err != nil || len(frames) < 2 || funcName(frames[1]) != "main" {
			b.Fatalf("%d frames, %v:\n%s", len(frames), err, describeFrames(frames))
		}
		params, _, err := tab.FrameVariables(&frames[0], p)
		if err != nil || len(params) != 1 || params[0].Value != "1200" {
			b.Fatalf("big_marker params %v, %v", params, err)
		}
		if _, locals, err := tab.FrameVariables(&frames[1], p); err != nil || len(locals) != 2 {
			b.Fatalf("main locals %v, %v", locals, err)
		}
		for _, im := range added {
			im.Close()
		}
	}
}

func TestSetValue(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "show", 1)
	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	ps, l := byName(t, params), byName(t, locals)
	for _, c := range []struct {
		vars        map[string]*Variable
		name, text  string
		value, fail string
	}{
		{ps, "count", "-12", "-12", ""},
		{ps, "count", "0x10", "16", ""},
		{l, "c", "'z'", "122 'z'", ""},
		{l, "uc", "255", `255 '\377'`, ""},
		{l, "uc", "256", "", "does not fit"},
		{l, "s", "40000", "", "does not fit"},
		{l, "ull", "18446744073709551615", "18446744073709551615", ""},
		{l, "f", "-1.25", "-1.25", ""},
		{l, "d", "1e100", "1e+100", ""},
		{l, "ld", "-0.75", "-0.75", ""},
		{l, "yes", "false", "false", ""},
		{l, "col", "BLUE", "BLUE", ""},
		{l, "col", "PURPLE", "", "neither an enumerator"},
		{l, "ppt", "0", "0x0", ""},
		{l, "pt", "1", "", "only numbers"},
		{l, "big", "oops", "", "not an integer"},
	} {
		v := c.vars[c.name]
		err := v.SetValue(p, c.text)
		switch {
		case c.fail != "" && (err == nil || !strings.Contains(err.Error(), c.fail)):
			t.Errorf("set %s to %s: error %v, want one saying %q", c.name, c.text, err, c.fail)
		case c.fail == "" && err != nil:
			t.Errorf("set %s to %s: %v", c.name, c.text, err)
		case c.fail == "" && v.Value != c.value:
			t.Errorf("set %s to %s: value %q, want %q", c.name, c.text, v.Value, c.value)
		}
	}
	// The program sees the writes: read the frame again.
	params, locals, err = tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	wantVar(t, byName(t, params), "count", "int", "16")
	l = byName(t, locals)
	wantVar(t, l, "col", "enum color", "BLUE")
	wantVar(t, l, "ld", "long double", "-0.75")
	wantVar(t, l, "ppt", "struct point *", "0x0")
}

func TestLookupVariable(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "loop_body", 2)
	for _, c := range []struct {
		frame       int
		name, value string
	}{
		{0, "i", "2"}, {0, "n", "5"}, {0, "global_counter", "42"}, {0, "static_array", "{10, 20, 30, 40}"},
		{1, "o", "{...}"}, // main's local, from main's frame
	} {
		v, err := tab.LookupVariable(&frames[c.frame], c.name, p)
		if err != nil {
			t.Errorf("frame %d: %s: %v", c.frame, c.name, err)
			continue
		}
		if v.Value != c.value {
			t.Errorf("frame %d: %s = %q, want %q", c.frame, c.name, v.Value, c.value)
		}
	}
	if v, err := tab.LookupVariable(&frames[1], "i", p); err == nil {
		t.Errorf("main sees loop's i: %+v", v)
	}
	if _, err := tab.LookupVariable(&frames[0], "no_such_thing", p); err == nil || !strings.Contains(err.Error(), "no variable") {
		t.Errorf("unknown name: error %v", err)
	}
}
