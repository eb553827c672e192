package symbols

import (
	"fmt"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

const cppSrc = "vars_cpp.cpp"

func TestFrameVariablesCPlusPlus(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, cppSrc)
	p := startTracee(t, bin)
	p.breakAt(cppSrc, fixture.Line(t, cppSrc, "cpp_method"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, cppSrc, frames, []frameWant{
		{"Circle::area() const", "cpp_method"}, {"by_ref(int&, Circle const&)", "cpp_by_ref"},
	})
	compareWithGDB(t, bin, cppSrc, fixture.Line(t, cppSrc, "cpp_method"), nil, frames)

	_, mainLocals, err := tab.FrameVariables(&frames[2], p)
	if err != nil {
		t.Fatal(err)
	}
	ml := byName(t, mainLocals)
	c := wantVar(t, ml, "c", "Circle", "{...}")
	v := wantVar(t, ml, "v", "int", "44") // 41, plus geo::counter in by_ref
	if c == nil || v == nil {
		t.FailNow()
	}

	// this, and the class through it: the base class subobject, then r.
	params, _, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	this := children(t, p, wantVar(t, byName(t, params), "this", "const Circle * const", fmt.Sprintf("%#x", c.Addr)))
	obj := this["*this"]
	if obj == nil {
		t.Fatal("no *this")
	}
	fields := children(t, p, obj)
	wantVar(t, fields, "r", "double", "2.5")
	wantVar(t, children(t, p, wantVar(t, fields, "<Shape>", "Shape", "{...}")), "id", "int", "7")

	// References show what they are bound to, and its children.
	params, _, err = tab.FrameVariables(&frames[1], p)
	if err != nil {
		t.Fatal(err)
	}
	ps := byName(t, params)
	wantVar(t, ps, "ref", "int &", fmt.Sprintf("@%#x: 44", v.Addr))
	wantVar(t, children(t, p, wantVar(t, ps, "c", "const Circle &", fmt.Sprintf("@%#x: {...}", c.Addr))), "r", "double", "2.5")

	globals, err := tab.Globals(tab.ImageAt(p.regs.Rip), p)
	if err != nil {
		t.Fatal(err)
	}
	wantVar(t, byName(t, globals), "geo::counter", "int", "3")
}
