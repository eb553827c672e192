package e2e

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// `dapproc demo` runs a whole session against the real adapter and prints
// it: the transcript must show each step with real values.
func TestDemoTranscript(t *testing.T) {
	out, err := exec.Command(dapproc, "demo").Output()
	if err != nil {
		t.Fatalf("dapproc demo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"breakpoint 1 verified at line 5",
		"stopped: breakpoint [1] in thread",
		"#0 square   demo.c:5",
		"#1 main     demo.c:12",
		"← Locals, Registers, Globals",
		"← int x = 1", // the first call, square(1)
		"← 20 (int)",  // x * 10 at the second call, square(2)
		"output (stdout): sum of squares: 14",
		"output (stderr): this line went to stderr",
		"exited with code 0",
		"terminated",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "sum of squares"); n != 1 {
		t.Errorf("the program's output appears %d times, want once (as an output event):\n%s", n, text)
	}
	// Three instruction steps, each at a new pc, each showing the
	// instruction there (from the adapter's disassemble).
	pcs := regexp.MustCompile(`← pc (0x[0-9a-f]+)  (\S.*?)\s+demo\.c:\d`).FindAllStringSubmatch(text, -1)
	if len(pcs) != 3 || pcs[0][1] == pcs[1][1] || pcs[1][1] == pcs[2][1] {
		t.Errorf("want three steps at distinct pcs, got %v:\n%s", pcs, text)
	}
	for _, pc := range pcs {
		if !regexp.MustCompile(`^[a-z]+ `).MatchString(pc[2]) {
			t.Errorf("step at %s shows %q, want an instruction", pc[1], pc[2])
		}
	}
}

func TestDemoPrintsTheWireWithDap(t *testing.T) {
	out, err := exec.Command(dapproc, "demo", "--dap").Output()
	if err != nil {
		t.Fatalf("dapproc demo --dap: %v\n%s", err, out)
	}
	for _, want := range []string{
		`>> {"seq":1,"type":"request","command":"initialize"`,
		`<< {"seq":1,"type":"response","request_seq":1,"success":true,"command":"initialize"`,
		`"event":"stopped","body":{"reason":"breakpoint"`,
		`"event":"exited","body":{"exitCode":0}}`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--dap transcript lacks %s:\n%s", want, out)
		}
	}
}
