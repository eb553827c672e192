package symbols

import (
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

const optSrc = "vars_opt.c"

// wantValueOrUnavailable accepts an honest "unavailable" but never a
// wrong value.
func wantValueOrUnavailable(t *testing.T, vars map[string]*Variable, name, value string) {
	t.Helper()
	v, ok := vars[name]
	switch {
	case !ok:
		t.Errorf("no variable %s", name)
	case v.Unavailable != "":
		t.Logf("%s: unavailable (%s)", name, v.Unavailable)
	case v.Value != value:
		t.Errorf("%s = %q, want %q or unavailable", name, v.Value, value)
	}
}

func TestUnwindAndVariablesInlinedAtO2(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, optSrc, "-O2")
	p := startTracee(t, bin)
	p.breakAt(optSrc, fixture.Line(t, optSrc, "opt_inlined"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, optSrc, frames, []frameWant{
		{"square", "opt_inlined"}, {"compute", "opt_call_square"}, {"main", "opt_call_compute"},
	})
	if !frames[0].Inlined || frames[1].Inlined || frames[0].CFA != frames[1].CFA {
		t.Errorf("want square inlined into compute, sharing its CFA:\n%s", describeFrames(frames))
	}
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)
	compareWithGDB(t, bin, optSrc, fixture.Line(t, optSrc, "opt_inlined"), nil, frames)

	// The inlined call's own parameter and local: v = a+1 = 4, sq = 16.
	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	wantValueOrUnavailable(t, byName(t, params), "v", "4")
	wantValueOrUnavailable(t, byName(t, locals), "sq", "16")
	if len(params) != 1 || len(locals) != 1 {
		t.Errorf("square: %d params, %d locals; want v and sq alone", len(params), len(locals))
	}
	params, _, err = tab.FrameVariables(&frames[1], p)
	if err != nil {
		t.Fatal(err)
	}
	ps := byName(t, params)
	wantValueOrUnavailable(t, ps, "a", "3")
	wantValueOrUnavailable(t, ps, "b", "10")
	if len(params) != 2 {
		t.Errorf("compute: %d params, want a and b", len(params))
	}

	// main never uses argv: past its first instructions gcc describes it
	// only as rsi's value on entry, which gdb too shows as <optimized out>.
	params, _, err = tab.FrameVariables(&frames[2], p)
	if err != nil {
		t.Fatal(err)
	}
	argv := byName(t, params)["argv"]
	if argv == nil || argv.Type != "char **" || argv.Value != "" || (argv.Unavailable != whyOptimizedOut && argv.Unavailable != whyEntryValue) {
		t.Errorf("main's argv = %+v, want a char ** without a value", argv)
	}
}

func TestEntryValueIsUnavailable(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, optSrc, "-O2")
	p := startTracee(t, bin)
	p.breakAt(optSrc, fixture.Line(t, optSrc, "opt_after_call"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, optSrc, frames, []frameWant{{"after_call", "opt_after_call"}})
	params, _, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	// After consume(k * 2), gcc describes k only as the value rdi had on
	// entry, which no register keeps any more.
	k := byName(t, params)["k"]
	if k == nil || k.Unavailable != whyEntryValue || k.Value != "" {
		t.Errorf("k = %+v, want unavailable: %s", k, whyEntryValue)
	}
}
