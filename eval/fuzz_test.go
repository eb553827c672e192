package eval

import (
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// FuzzEval parses and evaluates arbitrary text against a small memory: an
// expression may fail, never panic.
func FuzzEval(f *testing.F) {
	for _, seed := range []string{
		"1 + 2 * 3", "(int)x", "*(int *)0x1000@3", `"a" == (char *)0x1000`, "$eax << 3",
		"a ? b : c", "((unsigned char *)0x1000)[2] = 5", "sizeof(struct s *)", "'\\x41' + 07",
		"-0x8000000000000000 / -1", "1.5e308 * 10", "(char)300 % 7", "~0u >> 31",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			return
		}
		ctx := &memContext{base: 0x1000, mem: make([]byte, 64), regs: tracer.Regs{Rax: 0x1234, Rsp: 0x1000}}
		v, err := e.Eval(ctx)
		if err != nil {
			return
		}
		_, _ = show(ctx, v)
		_, _ = e.Condition(ctx)
		_, _ = Format(ctx, v, 'x')
	})
}
