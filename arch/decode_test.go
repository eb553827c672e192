package arch

import (
	"debug/elf"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// objdumpInst is one line of `objdump -d -w`.
type objdumpInst struct {
	addr  uint64
	bytes int
	text  string // "call   12b0 <classify>"
}

var (
	objdumpFunc = regexp.MustCompile(`^([0-9a-f]+) <(.+)>:$`)
	objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(.*)$`)
)

// objdumpFunctions runs objdump -d -w (wide: all bytes of an instruction on
// one line) on binary and returns the instructions of the named functions
// (of every function when names is nil).
func objdumpFunctions(t *testing.T, binary string, names []string, extra ...string) map[string][]objdumpInst {
	t.Helper()
	out, err := exec.Command("objdump", append(append([]string{"-d", "-w"}, extra...), binary)...).CombinedOutput()
	if err != nil {
		t.Fatalf("objdump -d -w %s: %v\n%s", binary, err, out)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	all := names == nil
	funcs := map[string][]objdumpInst{}
	current := ""
	for _, line := range strings.Split(string(out), "\n") {
		if m := objdumpFunc.FindStringSubmatch(line); m != nil {
			current = ""
			if want[m[2]] || all {
				current = m[2]
			}
			continue
		}
		m := objdumpLine.FindStringSubmatch(line)
		if m == nil || current == "" {
			continue
		}
		addr, err := strconv.ParseUint(m[1], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		funcs[current] = append(funcs[current], objdumpInst{addr, len(strings.Fields(m[2])), strings.TrimSpace(m[3])})
	}
	for _, n := range names {
		if len(funcs[n]) == 0 {
			t.Fatalf("objdump shows no instructions for %s in %s", n, binary)
		}
	}
	return funcs
}

// image is the executable sections of a binary, and its function symbols.
type image struct {
	sections []*elf.Section
	data     [][]byte
	syms     []elf.Symbol
}

func loadImage(t *testing.T, binary string) *image {
	t.Helper()
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img := &image{}
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS {
			continue
		}
		data, err := s.Data()
		if err != nil {
			t.Fatal(err)
		}
		img.sections = append(img.sections, s)
		img.data = append(img.data, data)
	}
	if img.syms, err = f.Symbols(); err != nil && err != elf.ErrNoSymbols {
		t.Fatal(err)
	}
	return img
}

// code returns the bytes from addr to the end of its section.
func (img *image) code(t *testing.T, addr uint64) []byte {
	t.Helper()
	for i, s := range img.sections {
		if s.Addr <= addr && addr < s.Addr+s.Size {
			return img.data[i][addr-s.Addr:]
		}
	}
	t.Fatalf("no executable section holds %#x", addr)
	return nil
}

// lookup is a SymbolLookup over the function symbols.
func (img *image) lookup(addr uint64) (string, uint64) {
	for _, s := range img.syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value <= addr && addr < s.Value+s.Size {
			return s.Name, s.Value
		}
	}
	return "", 0
}

var decodeFunctions = []string{"main", "apply", "classify", "average", "checksum", "raw_getpid", "fib", "printf@plt"}

var (
	objdumpTarget  = regexp.MustCompile(`^([0-9a-f]+) <`)
	objdumpComment = regexp.MustCompile(`# ([0-9a-f]+)(?: <.*>)?$`)
)

// expectedKind classifies an objdump mnemonic (prefixes stripped).
func expectedKind(mnemonic string) InstKind {
	switch {
	case mnemonic == "call" || mnemonic == "callq":
		return InstCall
	case mnemonic == "ret" || mnemonic == "retq":
		return InstRet
	case mnemonic == "jmp" || mnemonic == "jmpq":
		return InstJump
	case strings.HasPrefix(mnemonic, "j") || strings.HasPrefix(mnemonic, "loop"):
		return InstCondJump
	case mnemonic == "syscall":
		return InstSyscall
	}
	return InstOther
}

// TestDecodeMatchesObjdump decodes every instruction objdump lists in the
// fixture's functions (and its printf PLT stub), at -O0, -O2 and -O3 with
// AVX2 and CET, and checks
// the length, the mnemonic, the control-flow kind, direct targets, indirect
// calls and jumps, and RIP-relative addresses against objdump's.
func TestDecodeMatchesObjdump(t *testing.T) {
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("objdump not installed")
	}
	kinds := map[string]int{}
	// The third build puts endbr64 at every function entry and lets gcc
	// vectorize with AVX2 (vzeroupper before each return): both are
	// instructions x86asm gets wrong on its own.
	for _, flags := range [][]string{{"-O0"}, {"-O2"}, {"-O3", "-mavx2", "-fcf-protection=full"}} {
		opt := strings.Join(flags, " ")
		t.Run(opt, func(t *testing.T) {
			binary := fixture.C(t, "arch_decode.c", flags...)
			img := loadImage(t, binary)
			funcs := objdumpFunctions(t, binary, decodeFunctions)
			compared, mnemonics := 0, 0
			for name, insts := range funcs {
				for _, want := range insts {
					got, err := Decode(img.code(t, want.addr), want.addr)
					if err != nil {
						t.Errorf("%s %#x: %v (objdump: %s)", name, want.addr, err, want.text)
						continue
					}
					compared++
					where := fmt.Sprintf("%s %#x %q (objdump %q)", name, want.addr, got.GNU(img.lookup), want.text)
					if got.Len != want.bytes {
						t.Errorf("%s: length %d, objdump %d", where, got.Len, want.bytes)
					}
					if om, gm := normalizeMnemonic(want.text), normalizeMnemonic(got.GNU(nil)); om != "" {
						mnemonics++
						if om != gm {
							t.Errorf("%s: mnemonic %q, objdump %q", where, gm, om)
						}
					}
					checkFlow(t, where, got, want.text, img, kinds)
				}
			}
			t.Logf("%s: compared %d instruction lengths and %d mnemonics with objdump", opt, compared, mnemonics)
		})
	}
	// The fixture must exercise every kind, or the checks above prove little.
	for _, k := range []string{"call", "indirect call", "ret", "jump", "indirect jump", "conditional jump", "syscall", "rip-relative jump pointer", "rip-relative operand"} {
		if kinds[k] == 0 {
			t.Errorf("no %s seen in the fixture's objdump output", k)
		}
	}
}

// checkFlow compares the control-flow facts of got with objdump's text.
func checkFlow(t *testing.T, where string, got Inst, text string, img *image, kinds map[string]int) {
	t.Helper()
	words := strings.Fields(text)
	for len(words) > 1 && (words[0] == "bnd" || words[0] == "notrack" || words[0] == "rep" || words[0] == "repz") {
		words = words[1:]
	}
	mnemonic, operand := words[0], strings.Join(words[1:], " ")
	kind := expectedKind(mnemonic)
	if got.Kind != kind {
		t.Errorf("%s: kind %v, want %v", where, got.Kind, kind)
		return
	}
	comment := objdumpComment.FindStringSubmatch(operand)
	var commentAddr uint64
	if comment != nil {
		commentAddr, _ = strconv.ParseUint(comment[1], 16, 64)
	}
	switch {
	case kind == InstRet || kind == InstSyscall:
		kinds[kind.String()]++
	case kind == InstOther:
		if strings.Contains(operand, "(%rip)") {
			kinds["rip-relative operand"]++
			if got.MemAddr != commentAddr || comment == nil {
				t.Errorf("%s: MemAddr %#x, objdump's comment says %#x", where, got.MemAddr, commentAddr)
			}
		} else if got.MemAddr != 0 {
			t.Errorf("%s: MemAddr %#x for an operand that is not RIP-relative", where, got.MemAddr)
		}
	case strings.HasPrefix(operand, "*"):
		kinds["indirect "+kind.String()]++
		if !got.Indirect || got.Target != 0 {
			t.Errorf("%s: Indirect %v Target %#x; want indirect without a target", where, got.Indirect, got.Target)
		}
		if strings.Contains(operand, "(%rip)") {
			kinds["rip-relative jump pointer"]++
			if got.TargetPointer != commentAddr || comment == nil {
				t.Errorf("%s: TargetPointer %#x, objdump's comment says %#x", where, got.TargetPointer, commentAddr)
			}
		}
	default:
		kinds[kind.String()]++
		m := objdumpTarget.FindStringSubmatch(operand)
		if m == nil {
			t.Errorf("%s: cannot parse objdump's target", where)
			return
		}
		target, _ := strconv.ParseUint(m[1], 16, 64)
		if got.Indirect || got.Target != target {
			t.Errorf("%s: Target %#x Indirect %v; want direct %#x", where, got.Target, got.Indirect, target)
		}
		// With a symbol table, the text reads as objdump's does, with
		// 0x before the address.
		if name, _ := img.lookup(target); name != "" {
			want := mnemonic + " 0x" + operand
			if text := strings.Join(strings.Fields(got.GNU(img.lookup)), " "); text != want {
				t.Errorf("%s: GNU text %q, want %q", where, text, want)
			}
		}
	}
}

// normalizeMnemonic reduces a line of AT&T disassembly to its mnemonic, for
// comparing x86asm's GNU syntax with objdump's:
//   - prefixes printed as separate words (rep, repz, lock, bnd, notrack,
//     data16, cs/ds segment overrides) are dropped: they are part of the
//     encoding the length check covers, and the two tools spell them
//     differently (objdump's "cs nopw" is x86asm's "nopw %cs:...").
//   - the operand-size suffix (b, w, l, q) is dropped: objdump writes it only
//     when no register operand implies the size, x86asm in more cases.
//   - "(bad)" and the multi-byte nop forms are compared only by length.
//   - objdump folds the predicate immediate of AVX-512 integer compares into
//     the mnemonic (vpcmpeqb), x86asm keeps it an operand (vpcmpb $0x0):
//     both become vpcmpb.
//
// It returns "" for instructions left out of the mnemonic check.
func normalizeMnemonic(text string) string {
	words := strings.Fields(text)
	for len(words) > 0 {
		switch words[0] {
		case "rep", "repz", "repnz", "repe", "repne", "lock", "bnd", "notrack", "data16",
			"cs", "ds", "es", "ss", "fs", "gs", "addr32":
			words = words[1:]
			continue
		}
		break
	}
	if len(words) == 0 {
		return ""
	}
	m := words[0]
	if plain := strings.Join(words, " "); m == "(bad)" || strings.HasPrefix(m, "nop") || plain == "xchg %ax,%ax" || plain == "xchg ax,ax" {
		return "" // xchg %ax,%ax is objdump's name for the 2-byte nop 66 90
	}
	if sub := vpcmpPredicate.FindStringSubmatch(m); sub != nil {
		return "vpcmp" + sub[1]
	}
	if suffixed[m] != "" {
		return suffixed[m]
	}
	return m
}

var vpcmpPredicate = regexp.MustCompile(`^vpcmp(?:eq|lt|le|false|neq|nlt|nle|true)(u?[bwdq])$`)

// suffixed maps the size-suffixed forms of common instructions to the bare
// mnemonic; see normalizeMnemonic.
var suffixed = func() map[string]string {
	m := map[string]string{}
	for _, base := range []string{"mov", "add", "sub", "and", "or", "xor", "cmp", "test", "push", "pop",
		"lea", "shl", "shr", "sar", "sal", "imul", "idiv", "div", "mul", "neg", "not", "inc", "dec",
		"adc", "sbb", "call", "jmp", "ret", "movs", "stos", "cmps", "scas", "lods", "rol", "ror",
		"movabs", "cvtsi2sd", "cvtsi2ss", "cvttsd2si", "cvttss2si", "leave", "xchg", "bt", "cmpxchg", "xadd"} {
		for _, s := range []string{"", "b", "w", "l", "q"} {
			m[base+s] = base
		}
	}
	return m
}()

// TestIntelMatchesObjdump compares the Intel-syntax mnemonics with
// objdump -M intel, normalized as for AT&T (Intel syntax has no size
// suffixes, so only prefixes and nops are left out).
func TestIntelMatchesObjdump(t *testing.T) {
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("objdump not installed")
	}
	for _, flags := range [][]string{{"-O2"}, {"-O3", "-mavx2", "-fcf-protection=full"}} {
		compareIntel(t, fixture.C(t, "arch_decode.c", flags...))
	}
}

func compareIntel(t *testing.T, binary string) {
	t.Helper()
	img := loadImage(t, binary)
	compared := 0
	for name, insts := range objdumpFunctions(t, binary, decodeFunctions, "-M", "intel") {
		for _, want := range insts {
			got, err := Decode(img.code(t, want.addr), want.addr)
			if err != nil {
				t.Errorf("%s %#x: %v", name, want.addr, err)
				continue
			}
			om, gm := normalizeMnemonic(want.text), normalizeMnemonic(got.Intel(nil))
			if om == "" {
				continue
			}
			compared++
			if om != gm {
				t.Errorf("%s %#x: Intel %q, objdump %q", name, want.addr, got.Intel(img.lookup), want.text)
			}
		}
	}
	if compared < 100 {
		t.Errorf("compared only %d Intel mnemonics; the fixture should give over 100", compared)
	}
}

func TestDecodeRangeSkipsBadBytes(t *testing.T) {
	// 0x06 (push %es) and 0x27 (daa) do not exist in 64-bit mode; objdump
	// shows each as "(bad)". The range ends with a call cut off after two
	// of its five bytes.
	code := []byte{0x55, 0x06, 0x48, 0x89, 0xe5, 0x27, 0xc3, 0xe8, 0x00}
	insts := DecodeRange(code, 0x1000)
	want := []struct {
		pc   uint64
		len  int
		kind InstKind
		gnu  string
	}{
		{0x1000, 1, InstOther, "push %rbp"},
		{0x1001, 1, InstBad, "(bad)"},
		{0x1002, 3, InstOther, "mov %rsp,%rbp"},
		{0x1005, 1, InstBad, "(bad)"},
		{0x1006, 1, InstRet, "ret"},
		{0x1007, 1, InstBad, "(bad)"},
		{0x1008, 1, InstBad, "(bad)"},
	}
	if len(insts) != len(want) {
		t.Fatalf("DecodeRange gave %d instructions, want %d: %+v", len(insts), len(want), insts)
	}
	for i, w := range want {
		got := insts[i]
		text := strings.Join(strings.Fields(got.GNU(nil)), " ")
		if got.PC != w.pc || got.Len != w.len || got.Kind != w.kind || text != w.gnu || len(got.Bytes) != w.len {
			t.Errorf("inst %d: pc %#x len %d kind %v %q bytes % x; want pc %#x len %d kind %v %q",
				i, got.PC, got.Len, got.Kind, text, got.Bytes, w.pc, w.len, w.kind, w.gnu)
		}
	}
	if _, err := Decode([]byte{0x06}, 0); !errors.Is(err, ErrBadInstruction) {
		t.Errorf("Decode(06) error = %v; want ErrBadInstruction", err)
	}
	if inst, err := Decode(nil, 0x10); err == nil || inst.Len != 0 {
		t.Errorf("Decode(nil) = len %d, %v; want len 0 and an error", inst.Len, err)
	}
}

func TestSymbolicTargets(t *testing.T) {
	lookup := func(addr uint64) (string, uint64) {
		if addr >= 0x2000 && addr < 0x2100 {
			return "helper", 0x2000
		}
		if addr >= 0x4010 && addr < 0x4018 {
			return "counter", 0x4010
		}
		return "", 0
	}
	for _, tc := range []struct {
		code       []byte
		gnu, intel string
	}{
		// call rel32 from 0x1000 to 0x2000: 0x2000 - 0x1005 = 0xffb.
		{[]byte{0xe8, 0xfb, 0x0f, 0x00, 0x00}, "call 0x2000 <helper>", "call 0x2000 <helper>"},
		// jmp rel8 to 0x1000+2+0x7e = 0x1080: no symbol.
		{[]byte{0xeb, 0x7e}, "jmp 0x1080", "jmp 0x1080"},
		// mov 0x300e(%rip),%eax at 0x1000 (6 bytes): 0x1006 + 0x300e = 0x4014.
		{[]byte{0x8b, 0x05, 0x0e, 0x30, 0x00, 0x00}, "mov 0x300e(%rip),%eax # 0x4014 <counter+0x4>", "mov eax, dword ptr [rip+0x300e] # 0x4014 <counter+0x4>"},
	} {
		inst, err := Decode(tc.code, 0x1000)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(strings.Fields(inst.GNU(lookup)), " "); got != tc.gnu {
			t.Errorf("GNU % x = %q; want %q", tc.code, got, tc.gnu)
		}
		if got := strings.Join(strings.Fields(inst.Intel(lookup)), " "); got != tc.intel {
			t.Errorf("Intel % x = %q; want %q", tc.code, got, tc.intel)
		}
	}
}

func BenchmarkDecodeFunction(b *testing.B) {
	binary := fixture.C(b, "arch_decode.c", "-O2")
	f, err := elf.Open(binary)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		b.Fatal(err)
	}
	text := f.Section(".text")
	data, err := text.Data()
	if err != nil {
		b.Fatal(err)
	}
	var code []byte
	var pc uint64
	for _, s := range syms {
		if s.Name == "main" {
			pc, code = s.Value, data[s.Value-text.Addr:s.Value-text.Addr+s.Size]
		}
	}
	if code == nil {
		b.Fatal("no main in fixture")
	}
	insts := float64(len(DecodeRange(code, pc)))
	// decode: what stepping pays (lengths and branch targets);
	// decode+text: what a disassemble request pays.
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		b.ReportAllocs()
		for b.Loop() {
			DecodeRange(code, pc)
		}
		b.ReportMetric(insts, "insts/op")
	})
	b.Run("decode+text", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		b.ReportAllocs()
		for b.Loop() {
			for _, inst := range DecodeRange(code, pc) {
				_ = inst.GNU(nil)
			}
		}
		b.ReportMetric(insts, "insts/op")
	})
}
