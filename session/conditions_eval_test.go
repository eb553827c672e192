package session

import (
	"strings"
	"testing"
)

const exprSrc = "expr_basic.c"

func TestEvalConditionAtStop(t *testing.T) {
	s, tid := stopAt(t, exprSrc, "step") // first call: i == 0, acc == 0
	on(t, s, func() {
		for _, tc := range []struct {
			cond string
			want bool
		}{
			{"i == 0", true},
			{"i == -1", false},
			{"i != 0 || acc == 0", true},
			{"counter == 7 && acc == 0", true},
			{"counter > 7", false},
			{"bytes[4] == 0xde", true},
			{"greeting[1] == 'e'", true},
			{`greeting == "hello"`, true},
			{"ratio > 2.4 && ratio < 2.6", true},
			{"$rip != 0", true},
		} {
			got, err := s.evalCondition(tid, tc.cond)
			if err != nil {
				t.Errorf("evalCondition(%q): %v", tc.cond, err)
				continue
			}
			if got != tc.want {
				t.Errorf("evalCondition(%q) = %v, want %v", tc.cond, got, tc.want)
			}
		}
		for _, tc := range []struct{ cond, want string }{
			{"nosuch == 1", `unknown identifier "nosuch"`},
			{"i ==", "syntax error at column 5"},
			{"*i", "cannot dereference int"},
			{"i / 0", "division by zero"},
			{"i = 3", "only in the debug console"},
		} {
			_, err := s.evalCondition(tid, tc.cond)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("evalCondition(%q) error %v, want it to say %q", tc.cond, err, tc.want)
			}
		}
	})
}

func TestInterpolateLog(t *testing.T) {
	s, tid := stopAt(t, exprSrc, "step")
	on(t, s, func() {
		for _, tc := range []struct{ msg, want string }{
			{"plain text", "plain text"},
			{"i={i} acc={acc}", "i=0 acc=0"},
			{"{counter * 2 + 1}", "15"},
			{"{{i}} is {i}", "{i} is 0"},
			{"x{nosuch}y", `x<error: unknown identifier "nosuch">y`},
			{"open { brace", "open { brace"},
			{"{greeting}", `0x`},
		} {
			got := s.interpolateLog(tid, tc.msg)
			if tc.want == "0x" {
				if !strings.HasPrefix(got, "0x") || !strings.HasSuffix(got, ` "hello"`) {
					t.Errorf("interpolateLog(%q) = %q, want the pointer and its string", tc.msg, got)
				}
				continue
			}
			if got != tc.want {
				t.Errorf("interpolateLog(%q) = %q, want %q", tc.msg, got, tc.want)
			}
		}
	})
}

// BenchmarkEvalCondition measures a breakpoint condition that is always
// false (`i == -1` on a local) at a real stop: the cost a conditional
// breakpoint adds to each hit.
func BenchmarkEvalCondition(b *testing.B) {
	s, tid := stopAt(b, exprSrc, "step")
	on(b, s, func() {
		if ok, err := s.evalCondition(tid, "i == -1"); err != nil || ok {
			b.Fatalf("evalCondition = %v, %v; want false", ok, err)
		}
		b.ResetTimer()
		for b.Loop() {
			if ok, err := s.evalCondition(tid, "i == -1"); err != nil || ok {
				b.Fatalf("evalCondition = %v, %v; want false", ok, err)
			}
		}
	})
}
