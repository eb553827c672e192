package session

import (
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-dap"
)

func TestParseHitCondition(t *testing.T) {
	for _, tc := range []struct {
		text  string
		stops []int // of hits 1..8
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7, 8}},
		{"3", []int{3, 4, 5, 6, 7, 8}},
		{" >= 7 ", []int{7, 8}},
		{">7", []int{8}},
		{"==2", []int{2}},
		{"= 2", []int{2}},
		{"<2", []int{1}},
		{"<= 2", []int{1, 2}},
		{"% 3", []int{3, 6}},
	} {
		h, err := parseHitCondition(tc.text)
		if err != nil {
			t.Errorf("parseHitCondition(%q): %v", tc.text, err)
			continue
		}
		var got []int
		for hit := 1; hit <= 8; hit++ {
			if h.passes(hit) {
				got = append(got, hit)
			}
		}
		if !equalInts(got, tc.stops) {
			t.Errorf("hitCondition %q stops at hits %v, want %v", tc.text, got, tc.stops)
		}
	}
	for _, bad := range []string{"x", "% 0", ">= -1", "3 times", "!= 2"} {
		if _, err := parseHitCondition(bad); err == nil {
			t.Errorf("parseHitCondition(%q) accepted it", bad)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSignalPolicy: the defaults, filters with conditions, and the text of
// `info signals`.
func TestSignalPolicy(t *testing.T) {
	s := New(Config{})
	for sig, want := range map[syscall.Signal]bool{syscall.SIGSEGV: true, syscall.SIGABRT: true, syscall.SIGUSR1: false, syscall.SIGPIPE: false, syscall.SIGINT: false} {
		if s.signals.stops(sig) != want {
			t.Errorf("by default %v stops = %v, want %v", sig, !want, want)
		}
	}
	bps, err := s.SetExceptionFilters([]string{"fatal", "nope"}, []dap.ExceptionFilterOptions{
		{FilterId: "other", Condition: "SIGPIPE, 34"}, {FilterId: "interrupt", Condition: "!sigterm !HUP"}, {FilterId: "user", Condition: "SIGKILL"}})
	if err != nil {
		t.Fatal(err)
	}
	wantVerified := []bool{true, false, true, true, false}
	for i, bp := range bps {
		if bp.Verified != wantVerified[i] || (!bp.Verified && bp.Message == "") {
			t.Errorf("filter %d: %+v, want verified %v", i, bp, wantVerified[i])
		}
	}
	for sig, want := range map[syscall.Signal]bool{
		syscall.SIGSEGV: true, syscall.SIGPIPE: true, 34: true, syscall.SIGCHLD: false, 35: false,
		syscall.SIGINT: true, syscall.SIGQUIT: true, syscall.SIGTERM: false, syscall.SIGHUP: false,
		syscall.SIGUSR1: true, syscall.SIGUSR2: true, // a bad condition keeps the whole group
	} {
		if s.signals.stops(sig) != want {
			t.Errorf("%v stops = %v, want %v", sig, !want, want)
		}
	}
	text := s.signalPolicyText()
	for _, line := range []string{"SIGPIPE    Yes    Yes   other", "SIGTERM    No     Yes   interrupt", "SIG34      Yes    Yes   other", "SIGSTOP    Yes    No    (used by the debugger)"} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("info signals lacks %q:\n%s", line, text)
		}
	}
}
