package arch

import (
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/tracer"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// fieldName maps a register's gdb name to its tracer.Regs field, derived
// independently of the package table: "fs_base" -> "FsBase".
func fieldName(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func TestRegistersAccessTheirOwnField(t *testing.T) {
	regsType := reflect.TypeOf(tracer.Regs{})
	if got, want := len(Registers()), regsType.NumField(); got != want {
		t.Fatalf("Registers() has %d entries, tracer.Regs has %d fields", got, want)
	}
	seen := map[string]bool{}
	for i, reg := range Registers() {
		if seen[reg.Name] {
			t.Errorf("register %s listed twice", reg.Name)
		}
		seen[reg.Name] = true
		var r tracer.Regs
		value := uint64(0x1000 + i)
		reg.Set(&r, value)
		field := reflect.ValueOf(r).FieldByName(fieldName(reg.Name))
		if !field.IsValid() {
			t.Errorf("register %s: tracer.Regs has no field %s", reg.Name, fieldName(reg.Name))
			continue
		}
		if field.Uint() != value {
			t.Errorf("register %s: Set wrote %#x into %s, want %#x", reg.Name, field.Uint(), fieldName(reg.Name), value)
		}
		if !reflect.DeepEqual(r, withField(fieldName(reg.Name), value)) {
			t.Errorf("register %s: Set changed other fields: %+v", reg.Name, r)
		}
		if got := reg.Get(&r); got != value {
			t.Errorf("register %s: Get = %#x, want %#x", reg.Name, got, value)
		}
	}
}

func withField(name string, v uint64) tracer.Regs {
	var r tracer.Regs
	reflect.ValueOf(&r).Elem().FieldByName(name).SetUint(v)
	return r
}

func TestRegisterDwarfNumbersMatchDelve(t *testing.T) {
	for _, reg := range Registers() {
		if reg.Name == "orig_rax" {
			if reg.DwarfNum != NoDwarfNum {
				t.Errorf("orig_rax has DWARF number %d; the ABI gives it none", reg.DwarfNum)
			}
			continue
		}
		want := reg.Name
		if want == "eflags" {
			want = "rflags" // the ABI's name
		}
		if got := regnum.AMD64ToName(uint64(reg.DwarfNum)); !strings.EqualFold(got, want) {
			t.Errorf("register %s has DWARF number %d, which delve names %q", reg.Name, reg.DwarfNum, got)
		}
	}
}

func TestRegisterKinds(t *testing.T) {
	want := map[string]RegisterKind{
		"rax": KindGeneral, "r15": KindGeneral, "rsp": KindGeneral, "rip": KindPC, "eflags": KindFlags,
		"cs": KindSegment, "ss": KindSegment, "ds": KindSegment, "es": KindSegment, "fs": KindSegment,
		"gs": KindSegment, "fs_base": KindSegmentBase, "gs_base": KindSegmentBase, "orig_rax": KindSyscall,
	}
	for name, kind := range want {
		reg, ok := LookupRegister(name)
		if !ok {
			t.Errorf("LookupRegister(%q) found nothing", name)
			continue
		}
		if reg.Kind != kind {
			t.Errorf("%s: kind %d, want %d", name, reg.Kind, kind)
		}
	}
}

func TestLookupRegisterNames(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"rax", "rax"}, {"RAX", "rax"}, {"$rip", "rip"}, {"pc", "rip"}, {"$pc", "rip"},
		{"rflags", "eflags"}, {"FS_BASE", "fs_base"}, {"orig_rax", "orig_rax"},
	} {
		reg, ok := LookupRegister(tc.name)
		if !ok || reg.Name != tc.want {
			t.Errorf("LookupRegister(%q) = %q, %v; want %q", tc.name, reg.Name, ok, tc.want)
		}
	}
	for _, name := range []string{"eax", "al", "xmm0", "", "raxx"} {
		if reg, ok := LookupRegister(name); ok {
			t.Errorf("LookupRegister(%q) = %q; want not found (not a whole 64-bit register)", name, reg.Name)
		}
	}
}

func TestReadSubRegisters(t *testing.T) {
	r := tracer.Regs{Rax: 0x1122334455667788, Rsi: 0xfedcba9876543210, R9: 0x0102030405060708, Rdx: 0xaabb}
	for _, tc := range []struct {
		name  string
		value uint64
		bits  int
	}{
		{"rax", 0x1122334455667788, 64}, {"eax", 0x55667788, 32}, {"ax", 0x7788, 16},
		{"al", 0x88, 8}, {"ah", 0x77, 8}, {"$EAX", 0x55667788, 32},
		{"esi", 0x76543210, 32}, {"si", 0x3210, 16}, {"sil", 0x10, 8},
		{"r9d", 0x05060708, 32}, {"r9w", 0x0708, 16}, {"r9b", 0x08, 8}, {"r9l", 0x08, 8},
		{"dh", 0xaa, 8}, {"dl", 0xbb, 8},
	} {
		v, bits, err := ReadRegister(&r, tc.name)
		if err != nil || v != tc.value || bits != tc.bits {
			t.Errorf("ReadRegister(%q) = %#x, %d, %v; want %#x, %d", tc.name, v, bits, err, tc.value, tc.bits)
		}
	}
	if _, _, err := ReadRegister(&r, "ymm99"); err == nil || !strings.Contains(err.Error(), `"ymm99"`) {
		t.Errorf("ReadRegister(ymm99) error = %v; want one naming the register", err)
	}
}

func TestWriteSubRegisters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   uint64
		wantRax uint64
	}{
		{"rax", 0xdead, 0xdead},
		{"eax", 0xcafef00d, 0x11223344cafef00d},
		{"eax", ^uint64(0), 0x11223344ffffffff}, // -1
		{"ax", 0xbeef, 0x112233445566beef},
		{"al", 0xff, 0x11223344556677ff},
		{"al", ^uint64(127), 0x1122334455667780}, // -128
		{"ah", 0x12, 0x1122334455661288},
	} {
		r := tracer.Regs{Rax: 0x1122334455667788, Rbx: 7}
		if err := WriteRegister(&r, tc.name, tc.value); err != nil {
			t.Errorf("WriteRegister(%s, %#x): %v", tc.name, tc.value, err)
			continue
		}
		if r.Rax != tc.wantRax || r.Rbx != 7 {
			t.Errorf("WriteRegister(%s, %#x): rax = %#x rbx = %d; want rax %#x rbx 7", tc.name, tc.value, r.Rax, r.Rbx, tc.wantRax)
		}
	}
	for _, tc := range []struct {
		name  string
		value uint64
	}{
		{"al", 0x100}, {"ax", 0x10000}, {"eax", 0x100000000}, {"al", ^uint64(128)}, // -129
	} {
		r := tracer.Regs{Rax: 5}
		if err := WriteRegister(&r, tc.name, tc.value); err == nil {
			t.Errorf("WriteRegister(%s, %#x) succeeded (rax now %#x); want a does-not-fit error", tc.name, tc.value, r.Rax)
		} else if r.Rax != 5 {
			t.Errorf("failed WriteRegister(%s) changed rax to %#x", tc.name, r.Rax)
		}
	}
	r := tracer.Regs{}
	if err := WriteRegister(&r, "r16", 1); err == nil {
		t.Error("WriteRegister(r16) succeeded; want unknown register")
	}
}

func TestDwarfRegisters(t *testing.T) {
	r := tracer.Regs{Rip: 0x401000, Rsp: 0x7ffe0000, Rbp: 0x7ffe0040, Rax: 1, Rdx: 2, Rcx: 3, Rbx: 4,
		R8: 8, R15: 15, Eflags: 0x246, FsBase: 0x7f0000001000, Cs: 0x33, OrigRax: 60}
	dr := DwarfRegisters(&r)
	if dr.PC() != r.Rip || dr.SP() != r.Rsp || dr.BP() != r.Rbp {
		t.Errorf("PC/SP/BP = %#x/%#x/%#x; want %#x/%#x/%#x", dr.PC(), dr.SP(), dr.BP(), r.Rip, r.Rsp, r.Rbp)
	}
	for num, want := range map[uint64]uint64{
		regnum.AMD64_Rax: 1, regnum.AMD64_Rdx: 2, regnum.AMD64_Rcx: 3, regnum.AMD64_Rbx: 4,
		regnum.AMD64_R8: 8, regnum.AMD64_R15: 15, regnum.AMD64_Rflags: 0x246,
		regnum.AMD64_Fs_base: 0x7f0000001000, regnum.AMD64_Cs: 0x33,
	} {
		if got := dr.Uint64Val(num); got != want {
			t.Errorf("DWARF register %d (%s) = %#x; want %#x", num, regnum.AMD64ToName(num), got, want)
		}
	}
	if dr.StaticBase != 0 {
		t.Errorf("StaticBase = %#x; want 0 for the caller to set", dr.StaticBase)
	}
}

func TestEflagsString(t *testing.T) {
	for _, tc := range []struct {
		eflags uint64
		want   string
	}{
		{0x202, "[ IF ]"},
		{0x246, "[ PF ZF IF ]"},
		{0x2, "[ ]"},
		{0xad5, "[ CF PF AF ZF SF IF OF ]"},
		{0x10346, "[ PF ZF TF IF RF ]"},
		{0x200000 | 0x40000 | 0x400, "[ DF AC ID ]"},
	} {
		if got := EflagsString(tc.eflags); got != tc.want {
			t.Errorf("EflagsString(%#x) = %q; want %q", tc.eflags, got, tc.want)
		}
	}
}

// TestEflagsStringMatchesGDB sets eflags to several values in a process
// under gdb and compares gdb's rendering with ours, for the value gdb read
// back (the kernel forces some bits).
func TestEflagsStringMatchesGDB(t *testing.T) {
	gdb, err := exec.LookPath("gdb")
	if err != nil {
		t.Skip("gdb not installed")
	}
	true_, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true program")
	}
	args := []string{"-batch", "-nx", "-ex", "starti"}
	for _, v := range []string{"0x202", "0x2d7", "0xed5", "0x40ed5", "0x246", "0x2"} {
		args = append(args, "-ex", "set $eflags="+v, "-ex", "info registers eflags")
	}
	out, err := exec.Command(gdb, append(args, true_)...).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^eflags\s+(0x[0-9a-f]+)\s+(\[.*\])$`)
	matches := line.FindAllStringSubmatch(string(out), -1)
	if len(matches) != 6 {
		t.Fatalf("found %d eflags lines in gdb output, want 6:\n%s", len(matches), out)
	}
	for _, m := range matches {
		v, err := strconv.ParseUint(m[1], 0, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := EflagsString(v); got != m[2] {
			t.Errorf("EflagsString(%#x) = %q; gdb says %q", v, got, m[2])
		}
	}
}

func TestBreakpointFacts(t *testing.T) {
	bp := BreakpointInstruction()
	if len(bp) != BreakpointLen || bp[0] != 0xCC {
		t.Fatalf("BreakpointInstruction() = % x, BreakpointLen %d; want cc, 1", bp, BreakpointLen)
	}
	bp[0] = 0 // the caller owns the slice
	if BreakpointInstruction()[0] != 0xCC {
		t.Fatal("BreakpointInstruction returned the package's own array")
	}
	if got := BreakpointAddr(0x401001); got != 0x401000 {
		t.Errorf("BreakpointAddr(0x401001) = %#x; want 0x401000", got)
	}
	sc := SyscallInstruction()
	if len(sc) != SyscallLen || sc[0] != 0x0f || sc[1] != 0x05 {
		t.Errorf("SyscallInstruction() = % x, SyscallLen %d; want 0f 05, 2", sc, SyscallLen)
	}
	if inst, err := Decode(sc, 0x1000); err != nil || inst.Kind != InstSyscall || inst.Len != SyscallLen {
		t.Errorf("Decode(0f 05) = %v len %d, %v; want syscall, 2", inst.Kind, inst.Len, err)
	}
	// The decoder agrees the breakpoint is one int3 instruction.
	inst, err := Decode(BreakpointInstruction(), 0x1000)
	if err != nil || inst.Len != BreakpointLen || inst.GNU(nil) != "int3" {
		t.Errorf("Decode(cc) = len %d %q, %v; want len 1 int3", inst.Len, inst.GNU(nil), err)
	}
}

func TestRegisterFormat(t *testing.T) {
	eflags, _ := LookupRegister("eflags")
	rax, _ := LookupRegister("rax")
	if got := eflags.Format(0x246); got != "0x246 [ PF ZF IF ]" {
		t.Errorf("eflags.Format(0x246) = %q", got)
	}
	if got := rax.Format(0xdeadbeef); got != "0xdeadbeef" {
		t.Errorf("rax.Format(0xdeadbeef) = %q", got)
	}
}
