package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-dap"
)

// Conditions, hit conditions and log messages are decided here, on the
// session goroutine, at the stop itself: no round trip to the client. For
// each logical breakpoint at the address a thread hit, in order:
//
//  1. condition: evaluated in the thread's innermost frame; false means no
//     hit at all. A condition that fails to evaluate stops the program
//     and says why (the `stopped` description and a console line).
//  2. the hit count goes up by one (hits count only where the condition
//     held).
//  3. hitCondition: tested against the hit count; false means no stop.
//  4. logMessage: printed as a console `output` event, {expr} expanded;
//     a logpoint never stops.
//
// The program stops if any breakpoint at the address says so, and the
// `stopped` event names those. Otherwise it resumes without a word.

// conditionSpec is what a request asked of one breakpoint.
type conditionSpec struct{ condition, hitCondition, logMessage string }

// conditions are a logical breakpoint's condition, hit condition and log
// message, and its hit count. A breakpoint whose conditions change keeps
// its hit count.
type conditions struct {
	condition  string
	hit        hitTest
	logMessage string
	hits       int
}

// plain says whether the breakpoint simply stops at every hit.
func (c *conditions) plain() bool {
	return c.condition == "" && c.hit.op == hitAny && c.logMessage == ""
}

// set takes new conditions, or returns an error (for a hit condition that
// does not parse) and leaves them as they were.
func (c *conditions) set(spec conditionSpec) error {
	hit, err := parseHitCondition(spec.hitCondition)
	if err != nil {
		return err
	}
	c.condition = strings.TrimSpace(spec.condition)
	c.hit = hit
	c.logMessage = spec.logMessage
	return nil
}

type hitOp int

const (
	hitAny     hitOp = iota // no hit condition
	hitAtLeast              // "N" and ">= N": the Nth hit and every one after
	hitAbove                // "> N"
	hitEqual                // "== N" (or "= N"): the Nth hit only
	hitBelow                // "< N"
	hitAtMost               // "<= N"
	hitEvery                // "% N": every Nth hit (N, 2N, 3N...)
)

// hitTest is a parsed hitCondition.
type hitTest struct {
	op hitOp
	n  int
}

// hitOps are the operators of a hit condition, longest first so that ">="
// is not read as ">".
var hitOps = []struct {
	text string
	op   hitOp
}{{">=", hitAtLeast}, {"==", hitEqual}, {"<=", hitAtMost}, {">", hitAbove}, {"<", hitBelow}, {"=", hitEqual}, {"%", hitEvery}}

// parseHitCondition reads a hitCondition. A bare number N means the same
// as ">= N", as in lldb-dap (lldb's ignore count N-1): the program stops
// at the Nth hit and at every hit after it.
func parseHitCondition(text string) (hitTest, error) {
	t := strings.TrimSpace(text)
	if t == "" {
		return hitTest{}, nil
	}
	op := hitAtLeast
	for _, o := range hitOps {
		if rest, ok := strings.CutPrefix(t, o.text); ok {
			op, t = o.op, strings.TrimSpace(rest)
			break
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || (op == hitEvery && n == 0) {
		return hitTest{}, fmt.Errorf("hitCondition %q is not understood: write N (stop from the Nth hit on), >= N, > N, == N, < N, <= N or %% N (every Nth hit), with N a whole number (above 0 for %%)", text)
	}
	return hitTest{op: op, n: n}, nil
}

// passes says whether the hit numbered hits (counting from 1) stops.
func (h hitTest) passes(hits int) bool {
	switch h.op {
	case hitAtLeast:
		return hits >= h.n
	case hitAbove:
		return hits > h.n
	case hitEqual:
		return hits == h.n
	case hitBelow:
		return hits < h.n
	case hitAtMost:
		return hits <= h.n
	case hitEvery:
		return hits%h.n == 0
	}
	return true
}

// decideHit decides a hit of thread tid on the logical breakpoints ids
// (those at one address), as the comment at the top of this file says. It
// returns the ids that stop the program, with the `stopped` reason of the
// first and a description when a condition failed; no ids means resume.
func (s *Session) decideHit(tid int, ids []int) (stop []int, reason, description string) {
	for _, id := range ids {
		bp := s.bps.byID[id]
		if bp == nil {
			continue
		}
		c := &bp.when
		if c.plain() {
			c.hits++
			stop = append(stop, id)
			continue
		}
		if c.condition != "" {
			holds, err := s.evalCondition(tid, c.condition)
			if err != nil {
				msg := fmt.Sprintf("breakpoint %d: the condition %q could not be evaluated: %v", id, c.condition, err)
				s.console(msg + "; stopped here so you can fix it")
				description = msg
				stop = append(stop, id)
				continue
			}
			if !holds {
				continue
			}
		}
		c.hits++
		if !c.hit.passes(c.hits) {
			continue
		}
		if c.logMessage != "" {
			s.console(s.interpolateLog(tid, c.logMessage))
			continue
		}
		stop = append(stop, id)
	}
	if len(stop) > 0 {
		reason = s.bps.byID[stop[0]].kind.stopReason()
	}
	return stop, reason, description
}

// console sends one line of text to the client's debug console.
func (s *Session) console(line string) {
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	s.send(&dap.OutputEvent{Event: dap.Event{Event: "output"}, Body: dap.OutputEventBody{Category: "console", Output: line}})
}
