package arch

import "testing"

// TestGNUScaleOne checks an explicit index scale of 1 against what
// objdump 2.40 prints for the same bytes.
func TestGNUScaleOne(t *testing.T) {
	for _, tc := range []struct {
		code []byte
		want string
	}{
		{[]byte{0x8d, 0x1c, 0x02}, "lea (%rdx,%rax,1),%ebx"},
		{[]byte{0x67, 0x42, 0x8d, 0x04, 0x02}, "lea (%edx,%r8d,1),%eax"},
		{[]byte{0x42, 0x8b, 0x04, 0x05, 0x10, 0, 0, 0}, "mov 0x10(,%r8,1),%eax"},
		{[]byte{0x8b, 0x04, 0x24}, "mov (%rsp),%eax"},
		{[]byte{0x8b, 0x04, 0x82}, "mov (%rdx,%rax,4),%eax"},
	} {
		inst, err := Decode(tc.code, 0x1000)
		if err != nil {
			t.Fatalf("% x: %v", tc.code, err)
		}
		if got := inst.GNU(nil); got != tc.want {
			t.Errorf("% x: %q, want %q", tc.code, got, tc.want)
		}
	}
}
