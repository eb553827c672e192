package eval

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// memContext is a Context over a Go byte slice at a base address and a
// register file, for the language's own tests; the tests against real
// processes are in session and adapter.
type memContext struct {
	base uint64
	mem  []byte
	regs tracer.Regs
}

func (c *memContext) Lookup(name string) (Value, error) {
	return Value{}, fmt.Errorf("unknown identifier %q", name)
}

func (c *memContext) Registers() (*tracer.Regs, error) { return &c.regs, nil }

func (c *memContext) ReadMemory(addr uint64, buf []byte) (int, error) {
	if addr < c.base || addr-c.base >= uint64(len(c.mem)) {
		return 0, errors.New("unmapped")
	}
	n := copy(buf, c.mem[addr-c.base:])
	if n < len(buf) {
		return n, errors.New("unmapped")
	}
	return n, nil
}

// show formats a value for comparison: its C type and its number.
func show(ctx Context, v Value) (string, error) {
	s, err := toScalar(ctx, &v)
	if err != nil {
		return "", err
	}
	name := symbols.TypeName(nil, v.Type)
	switch s.k {
	case kindFloat:
		return name + " " + strconv.FormatFloat(s.f, 'g', -1, 64), nil
	case kindPointer:
		return fmt.Sprintf("%s %#x", name, s.u), nil
	case kindUnsigned:
		return name + " " + strconv.FormatUint(s.u, 10), nil
	}
	return name + " " + strconv.FormatInt(int64(s.u), 10), nil
}

func evalString(t *testing.T, ctx Context, src string) (string, error) {
	t.Helper()
	e, err := Parse(src)
	if err != nil {
		return "", err
	}
	v, err := e.Eval(ctx)
	if err != nil {
		return "", err
	}
	return show(ctx, v)
}

func TestValues(t *testing.T) {
	ctx := &memContext{
		base: 0x1000,
		mem:  []byte{'h', 'i', 0, 0xff, 0x2a, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff},
		regs: tracer.Regs{Rax: 0x1122334455667788, Rsp: 0x7ffe0000, Rip: 0x401000, Rbp: 0x7ffe0040, Eflags: 0x246},
	}
	for _, tc := range []struct{ src, want string }{
		// Literals and their C types.
		{"42", "int 42"},
		{"2147483647", "int 2147483647"},
		{"2147483648", "long 2147483648"},
		{"0x7fffffff", "int 2147483647"},
		{"0x80000000", "unsigned int 2147483648"},
		{"0xffffffffffffffff", "unsigned long 18446744073709551615"},
		{"18446744073709551615", "unsigned long 18446744073709551615"},
		{"1u", "unsigned int 1"},
		{"1L", "long 1"},
		{"1ul", "unsigned long 1"},
		{"1LL", "long 1"},
		{"017", "int 15"},
		{"0b1010", "int 10"},
		{"0", "int 0"},
		{"1.5", "double 1.5"},
		{"1.5f", "float 1.5"},
		{".25", "double 0.25"},
		{"1e3", "double 1000"},
		{"2.5e-1", "double 0.25"},
		{"'A'", "char 65"},
		{`'\n'`, "char 10"},
		{`'\x41'`, "char 65"},
		{`'\101'`, "char 65"},
		{`'\0'`, "char 0"},
		{`'\''`, "char 39"},
		// Precedence and associativity.
		{"1 + 2 * 3", "int 7"},
		{"(1 + 2) * 3", "int 9"},
		{"10 - 2 - 3", "int 5"},
		{"100 / 10 / 5", "int 2"},
		{"1 << 2 + 1", "int 8"},
		{"1 | 2 ^ 3 & 6", "int 1"},
		{"(1 | 2) ^ 3 & 6", "int 1"},
		{"1 | 6 ^ 3", "int 5"},
		{"1 < 2 == 1", "int 1"},
		{"!0 + 1", "int 2"},
		{"-2 * -3", "int 6"},
		{"- -4", "int 4"},
		{"~5 & 0xf", "int 10"},
		{"2 ? 3 : 4 ? 5 : 6", "int 3"},
		{"0 ? 3 : 0 ? 5 : 6", "int 6"},
		{"1 || 1 / 0", "int 1"},
		{"0 && 1 / 0", "int 0"},
		{"5 && 7", "int 1"},
		// C's conversions.
		{"-7 / 2", "int -3"},
		{"-7 % 2", "int -1"},
		{"7u / 2", "unsigned int 3"},
		{"-1 > 0u", "int 1"},
		{"-1 > 0L", "int 0"},
		{"0u - 1", "unsigned int 4294967295"},
		{"0ul - 1", "unsigned long 18446744073709551615"},
		{"2147483647 + 1", "int -2147483648"},
		{"1 + 2.5", "double 3.5"},
		{"1.0f + 1", "float 2"},
		{"1.0f + 1.0", "double 2"},
		{"7 / 2.0", "double 3.5"},
		{"-1 >> 1", "int -1"},
		{"0xf0000000 >> 28", "unsigned int 15"},
		{"'a' + 1", "int 98"},
		{"1.5 < 2", "int 1"},
		// Casts and sizeof.
		{"(unsigned char)300", "unsigned char 44"},
		{"(signed char)200", "signed char -56"},
		{"(unsigned short)-1", "unsigned short 65535"},
		{"(short)65535", "short -1"},
		{"(int)-2.7", "int -2"},
		{"(unsigned)3.9", "unsigned int 3"},
		{"(float)1 / 4", "float 0.25"},
		{"(_Bool)5", "_Bool 1"},
		{"(long long)1 << 40", "long long 1099511627776"},
		{"(unsigned long long)-1 >> 60", "unsigned long long 15"},
		{"(long unsigned int)1", "unsigned long 1"},
		{"(uint8_t)257", "uint8_t 1"},
		{"(int64_t)-1", "int64_t -1"},
		{"(const int)3", "int 3"},
		{"(int *)0x10 + 1", "int * 0x14"},
		{"(long *)0x10 - 1", "long * 0x8"},
		{"1 + (short *)0x10", "short * 0x12"},
		{"(char *)8 - (char *)3", "long 5"},
		{"(int *)8 - (int *)0", "long 2"},
		{"(void *)16 + 1", "void * 0x11"},
		{"(int *)4 == (int *)4", "int 1"},
		{"(int *)0 == 0", "int 1"},
		{"!(char *)0", "int 1"},
		{"(long)(int **)24", "long 24"},
		{"sizeof(unsigned long long)", "unsigned long 8"},
		{"sizeof(char)", "unsigned long 1"},
		{"sizeof(int *)", "unsigned long 8"},
		{"sizeof(long double)", "unsigned long 16"},
		{"sizeof 1.0f", "unsigned long 4"},
		{"sizeof (1 + 1)", "unsigned long 4"},
		// Memory.
		{"*(int *)0x1004", "int 42"},
		{"*(int *)0x1008", "int -2"},
		{"*(unsigned int *)0x1008", "unsigned int 4294967294"},
		{"((unsigned char *)0x1000)[3]", "unsigned char 255"},
		{"((char *)0x1000)[3]", "char -1"},
		{"*((short *)0x1004 + 0)", "short 42"},
		{"&*(int *)0x1004", "int * 0x1004"},
		{"&((int *)0x1000)[2]", "int * 0x1008"},
		{`(char *)0x1000 == "hi"`, "int 1"},
		{`"hi" == (char *)0x1000`, "int 1"},
		{`(char *)0x1000 != "h"`, "int 1"},
		{`(char *)0 == "hi"`, "int 0"},
		{`(char *)0x100b == "x"`, "int 0"},        // differs in the last mapped byte
		{`(char *)0x100a == "\xff\x01"`, "int 0"}, // differs before the end
		{"sizeof(*(int *)0x1004@2)", "unsigned long 8"},
		{"(*(int *)0x1004@2)[1]", "int -2"},
		{"*((char *)0x1000)@2 == \"hi\"", "int 1"},
		{"*((char *)0x1000)@1 == \"h\"", "int 1"},
		{"*((char *)0x1000)@4 != \"hi\"", "int 0"},
		// Registers.
		{"$rax", "long 1234605616436508552"},
		{"$eax", "int 1432778632"},
		{"$ax", "short 30600"},
		{"$al", "signed char -120"},
		{"$ah", "signed char 119"},
		{"$RAX == $rax", "int 1"},
		{"$sp", "void * 0x7ffe0000"},
		{"$fp", "void * 0x7ffe0040"},
		{"$rbp - $rsp", "long 64"},
		{"$pc", "void (*)(void) 0x401000"},
		{"$eflags & 0x40", "long 64"},
		{"(long)$rsp", "long 2147352576"},
	} {
		got, err := evalString(t, ctx, tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := &memContext{base: 0x1000, mem: make([]byte, 16)}
	for _, tc := range []struct{ src, want string }{
		{"", "syntax error at column 1 of \"\": empty expression"},
		{"1 +", `syntax error at column 4 of "1 +": expected a value, found the end of the expression`},
		{"(1 + 2", `expected ")", found the end of the expression`},
		{"1 2", `column 3 of "1 2": unexpected "2" after the expression`},
		{"a # b", `column 3 of "a # b": unexpected character '#'`},
		{"'ab'", "a character literal holds one character"},
		{"'a", "unterminated character literal"},
		{`"abc`, "unterminated string literal"},
		{"09", "09 is not a valid number"},
		{"1uu", "bad suffix"},
		{"18446744073709551616", "does not fit in 64 bits"},
		{"$", `"$" must be followed by a register name`},
		{"(unsigned float)1", `"unsigned float" is not a C type`},
		{"int", `unexpected type name "int"`},
		{"p->", `expected a member name after "->"`},
		{"a ? b", `expected ":"`},
		{"foo + 1", `unknown identifier "foo"`},
		{"1 / 0", "division by zero"},
		{"1 % 0", "division by zero"},
		{"1 << 32", "shift count 32 is out of range for int (0 to 31)"},
		{"1 << -1", "shift count -1 is out of range"},
		{"1.5 % 2", "invalid operands to %: double and int"},
		{"~1.5", "invalid operand to unary ~: double"},
		{"*1", "cannot dereference int"},
		{"*(void *)0x1000", "cannot dereference void *"},
		{"*(int *)0", "cannot read memory at 0x0"},
		{"*(long *)0x100c", "cannot read memory at 0x100c"},
		{"&1", `cannot take the address of 1`},
		{"1[2]", "cannot index int"},
		{"(int *)0 + 1.5", "invalid operands to +"},
		{"(int *)0 * 2", "invalid operands to *"},
		{"(int *)0 - (char *)0", "cannot subtract pointers to types of different sizes"},
		{"(struct point *)0", `unknown type "struct point"`},
		{"1 = 2", ErrReadOnly.Error()},
		{"$xmm0", "$xmm0 is not available here"},
		{"$foo", `unknown register "foo"`},
		{`1 == "a"`, "a string can only be compared with a char pointer or array, not int"},
		{"1 + *(int *)0", `cannot read memory at 0x0 (in "*(int *)0")`},
		{`(char *)0x100f == "\0"`, "cannot read memory at 0x1010"}, // where the NUL would be
		{"1@2", "only a value in memory can start an array with @: 1 is not one"},
		{"*(int *)0x1000@0", "the count after @ must be an integer from 1 to 65536"},
	} {
		_, err := evalString(t, ctx, tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to say %q", tc.src, err, tc.want)
		}
	}
}

// writeContext adds eval.Writer to memContext.
type writeContext struct {
	memContext
	regName string
	regVal  uint64
}

func (c *writeContext) WriteMemory(addr uint64, data []byte) error {
	if addr < c.base || addr-c.base+uint64(len(data)) > uint64(len(c.mem)) {
		return errors.New("unmapped")
	}
	copy(c.mem[addr-c.base:], data)
	return nil
}

func (c *writeContext) WriteRegister(name string, v uint64) error {
	c.regName, c.regVal = name, v
	return nil
}

func TestAssignment(t *testing.T) {
	ctx := &writeContext{memContext: memContext{base: 0x1000, mem: make([]byte, 16)}}
	for _, tc := range []struct{ src, want string }{
		{"*(int *)0x1000 = 7 * 6", "int 42"},
		{"*(int *)0x1000", "int 42"},
		{"((char *)0x1000)[4] = 300", "char 44"},
		{"*(short *)0x1004", "short 44"},
		{"*(double *)0x1008 = 1", "double 1"},
		{"*(double *)0x1008 / 4", "double 0.25"},
		{"$eax = -1", "int -1"},
	} {
		got, err := evalString(t, ctx, tc.src)
		if err != nil || got != tc.want {
			t.Errorf("%s = %s, %v; want %s", tc.src, got, err, tc.want)
		}
	}
	if ctx.regName != "eax" || ctx.regVal != 0xffffffff {
		t.Errorf("$eax = -1 wrote %s = %#x, want eax = 0xffffffff", ctx.regName, ctx.regVal)
	}
	if _, err := evalString(t, ctx, "1 = 2"); err == nil || !strings.Contains(err.Error(), "cannot assign to 1") {
		t.Errorf("1 = 2: %v", err)
	}
}

func TestExprIsReusable(t *testing.T) {
	e, err := Parse("*(int *)0x1000 == 3")
	if err != nil {
		t.Fatal(err)
	}
	if e.String() != "*(int *)0x1000 == 3" || e.Writes() {
		t.Errorf("String %q, Writes %v", e.String(), e.Writes())
	}
	ctx := &memContext{base: 0x1000, mem: make([]byte, 4)}
	for i := range 5 {
		ctx.mem[0] = byte(i)
		got, err := e.Condition(ctx)
		if err != nil || got != (i == 3) {
			t.Errorf("with %d in memory: %v, %v", i, got, err)
		}
	}
}

func TestParseCasts(t *testing.T) {
	for _, tc := range []struct {
		src  string
		cast bool
	}{
		{"(int)x", true},
		{"(unsigned long long)x", true},
		{"(const char *)p", true},
		{"(struct point *)p", true},
		{"(union u)x", true},
		{"(myint)x", true},   // a value follows: only a cast reads so
		{"(myint *)p", true}, // "*" then ")": only a type reads so
		{"(myint)(x)", true},
		{"(myint)1", true},
		{"(x) - 1", false}, // a parenthesised expression
		{"(x)", false},
		{"(x) * y", false},
		{"(x * y)", false},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		_, isCast := e.root.(*cast)
		if isCast != tc.cast {
			t.Errorf("%s: parsed as %T, want a cast: %v", tc.src, e.root, tc.cast)
		}
	}
}

// dump writes a parsed expression in prefix form, to test its structure.
func dump(n node) string {
	switch n := n.(type) {
	case *numberLit, *stringLit:
		return "lit"
	case *ident:
		return n.name
	case *register:
		return "$" + n.name
	case *unary:
		return "(" + n.op + " " + dump(n.x) + ")"
	case *binaryOp:
		return "(" + n.op + " " + dump(n.x) + " " + dump(n.y) + ")"
	case *logical:
		return "(" + n.op + " " + dump(n.x) + " " + dump(n.y) + ")"
	case *conditional:
		return "(? " + dump(n.c) + " " + dump(n.x) + " " + dump(n.y) + ")"
	case *member:
		op := "."
		if n.arrow {
			op = "->"
		}
		return "(" + op + " " + dump(n.x) + " " + n.name + ")"
	case *index:
		return "([] " + dump(n.x) + " " + dump(n.i) + ")"
	case *cast:
		return "(cast " + n.to.String() + " " + dump(n.x) + ")"
	case *sizeofType:
		return "(sizeof " + n.of.String() + ")"
	case *sizeofExpr:
		return "(sizeof " + dump(n.x) + ")"
	case *assign:
		return "(= " + dump(n.lhs) + " " + dump(n.rhs) + ")"
	}
	return fmt.Sprintf("?%T", n)
}

func TestParseStructure(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a + b * c", "(+ a (* b c))"},
		{"a - b - c", "(- (- a b) c)"},
		{"-a[1].b->c", "(- (-> (. ([] a lit) b) c))"},
		{"&a->b", "(& (-> a b))"},
		{"*p@3", "(@ (* p) lit)"},
		{"*p + 1", "(+ (* p) lit)"},
		{"(int)x + 1", "(+ (cast int x) lit)"},
		{"(unsigned char *)p[2]", "(cast unsigned char * ([] p lit))"},
		{"sizeof x + 1", "(+ (sizeof x) lit)"},
		{"sizeof(long) * 2", "(* (sizeof long) lit)"},
		{"a ? b : c ? d : e", "(? a b (? c d e))"},
		{"a || b ? c : d", "(? (|| a b) c d)"},
		{"a = b = c", "(= a (= b c))"},
		{"x = a ? b : c", "(= x (? a b c))"},
		{"!a && b || c", "(|| (&& (! a) b) c)"},
		{"a || b && c", "(|| a (&& b c))"},
		{"a < b == c < d", "(== (< a b) (< c d))"},
		{"a & b ^ c | d", "(| (^ (& a b) c) d)"},
		{"a << 1 + 2", "(<< a (+ lit lit))"},
		{"a == b & c", "(& (== a b) c)"},
		{"~-!a", "(~ (- (! a)))"},
		{"$rax + $eflags", "(+ $rax $eflags)"},
		{"geo::counter * 2", "(* geo::counter lit)"},
		{"s.a.b[1][2]", "([] ([] (. (. s a) b) lit) lit)"},
		{"(a)(b)", "(cast a b)"},
		{"((struct point *)p)->x", "(-> (cast struct point * p) x)"},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := dump(e.root); got != tc.want {
			t.Errorf("%s parsed as %s, want %s", tc.src, got, tc.want)
		}
	}
}
