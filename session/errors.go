package session

import (
	"errors"
	"fmt"
)

// ErrNotStopped answers a request that needs the program stopped while it
// runs. The adapter sends it with the short message "notStopped", as the
// DAP specification names it.
var ErrNotStopped = errors.New("the program is running: pause it or wait for it to stop, then retry")

// ErrNoProcess answers a request that needs a process before launch or
// attach, or after it exited.
var ErrNoProcess = errors.New("no program is being debugged: send launch or attach first")

// ErrExited answers a request that needs a process after it exited.
var ErrExited = errors.New("the program has exited: launch it again in a new session")

// ErrStaleHandle reports a threadId, frameId or other handle that does not
// name anything at this stop (handles are reset when the program resumes).
type ErrStaleHandle struct {
	Kind string // "threadId", "frameId"
	ID   int
}

func (e ErrStaleHandle) Error() string {
	return fmt.Sprintf("unknown %s %d: it may be from an earlier stop; ask for threads or stackTrace again", e.Kind, e.ID)
}

// ErrBadState reports a request sent at a point of the session where it
// makes no sense (a second launch, configurationDone before launch).
type ErrBadState struct {
	Request string
	State   State
}

func (e ErrBadState) Error() string {
	return fmt.Sprintf("%s is not valid while the session is %s", e.Request, e.State)
}
