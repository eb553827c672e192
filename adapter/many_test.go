package adapter

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestOneStoppedPerStopWith32Threads: 32 threads hammer one breakpoint;
// every continue gets exactly one stopped event. The threads request that
// follows each stop must be answered before anything else arrives, so a
// second stopped event for the same stop would be caught.
func TestOneStoppedPerStopWith32Threads(t *testing.T) {
	const src = "session_many.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src, "-pthread")})
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "many_hit"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	live := map[int]bool{pid: true}
	stoppedOn := map[int]int{}
	for stop := 0; stop < 64; stop++ {
		var st *dap.StoppedEvent
		for st == nil {
			switch m := c.nextNonOutput().(type) {
			case *dap.ThreadEvent:
				live[m.Body.ThreadId] = m.Body.Reason == "started"
			case *dap.StoppedEvent:
				st = m
			default:
				t.Fatalf("stop %d: unexpected %T %+v", stop, m, m)
			}
		}
		if st.Body.Reason != "breakpoint" || !st.Body.AllThreadsStopped || !live[st.Body.ThreadId] || st.Body.ThreadId == pid {
			t.Fatalf("stop %d: %+v", stop, st.Body)
		}
		stoppedOn[st.Body.ThreadId]++
		seq := c.send("threads", &dap.ThreadsRequest{})
		th := wantResponse[*dap.ThreadsResponse](c, seq)
		// The threads answer agrees with the thread events sent so far.
		listed := map[int]bool{}
		for _, thr := range th.Body.Threads {
			listed[thr.Id] = true
			if !live[thr.Id] {
				t.Errorf("stop %d: thread %d listed without a started event", stop, thr.Id)
			}
		}
		for id, alive := range live {
			if alive && !listed[id] {
				t.Errorf("stop %d: thread %d started but is not listed", stop, id)
			}
		}
		continueThread(t, c, st.Body.ThreadId)
	}
	if len(stoppedOn) < 2 {
		t.Errorf("64 stops all on one thread: %v", stoppedOn)
	}
}
