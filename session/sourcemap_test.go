package session

import "testing"

func TestSourceMapRewritesWholeComponentsBothWays(t *testing.T) {
	m, err := newSourceMap([][]string{{"/build/src", "/home/me/proj"}, {"/", "/root-fallback"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ debug, local string }{
		{"/build/src/a.c", "/home/me/proj/a.c"},
		{"/build/src/lib/b.c", "/home/me/proj/lib/b.c"},
		{"/build/srcs/c.c", "/root-fallback/build/srcs/c.c"}, // not under /build/src: the second pair
	} {
		if got := m.toLocal(c.debug); got != c.local {
			t.Errorf("toLocal(%q) = %q, want %q", c.debug, got, c.local)
		}
		if got := m.toDebug(c.local); got != c.debug {
			t.Errorf("toDebug(%q) = %q, want %q", c.local, got, c.debug)
		}
	}
	if got := (sourceMap(nil)).toLocal("/x/y.c"); got != "/x/y.c" {
		t.Errorf("an empty map rewrote %q", got)
	}
}

func TestSourceMapRejectsMalformedPairs(t *testing.T) {
	for _, bad := range [][][]string{{{"/a"}}, {{"", "/b"}}, {{"/a", "/b", "/c"}}} {
		if _, err := newSourceMap(bad); err == nil {
			t.Errorf("newSourceMap(%q) accepted a malformed pair", bad)
		}
	}
}
