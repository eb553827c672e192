package session

import "testing"

func TestWholeUTF8(t *testing.T) {
	euro := "\u20ac" // three bytes: e2 82 ac
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"a" + euro, 4},
		{"a" + euro[:1], 1},
		{"a" + euro[:2], 1},
		{"\xff", 1}, // not UTF-8 at all: sent as it is
	} {
		if got := wholeUTF8([]byte(tc.in)); got != tc.want {
			t.Errorf("wholeUTF8(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
