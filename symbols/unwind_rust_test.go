package symbols

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

const rustSrc = "unwind_rust.rs"

// buildRust compiles a Rust fixture with rustc -g at opt-level 0
// (internal/fixture builds C, C++ and Go only). Skips without rustc.
func buildRust(t *testing.T, name string) string {
	t.Helper()
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		t.Skip("rustc not installed")
	}
	bin := filepath.Join(t.TempDir(), "rust_fixture")
	if out, err := exec.Command(rustc, "-g", "-C", "opt-level=0", "-o", bin, fixture.Source(t, name)).CombinedOutput(); err != nil {
		t.Fatalf("rustc %s: %v\n%s", name, err, out)
	}
	return bin
}

func TestUnwindRust(t *testing.T) {
	t.Parallel()
	bin := buildRust(t, rustSrc)
	p := startTracee(t, bin)
	p.breakAt(rustSrc, fixture.Line(t, rustSrc, "rust_inner"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, rustSrc, frames, []frameWant{
		{"unwind_rust::inner", "rust_inner"}, {"unwind_rust::middle", "rust_call_inner"}, {"unwind_rust::main", "rust_call_middle"},
	})
	checkCFAs(t, frames)
	// Through the standard library's start-up (std::rt::lang_start and
	// its closures, some inlined) down to the C main and _start.
	checkEndsAtStart(t, frames)
	sawCMain := false
	for _, f := range frames[3:] {
		sawCMain = sawCMain || funcName(f) == "main"
	}
	if !sawCMain {
		t.Errorf("no C main below the Rust main:\n%s", describeFrames(frames))
	}
	compareWithGDB(t, bin, rustSrc, fixture.Line(t, rustSrc, "rust_inner"), nil, frames)

	params, locals, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	wantVar(t, byName(t, params), "n", "i32", "3")
	wantVar(t, byName(t, locals), "doubled", "i32", "6")
}
