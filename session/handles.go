package session

import (
	"github.com/dapproc/dapproc/symbols"
)

// listKind says what a variablesReference lists.
type listKind int

const (
	// listChildren: the fields, elements or pointee of a variable.
	listChildren listKind = iota + 1
	// listLocals: the parameters and locals of a frame.
	listLocals
	// listRegisters: the general-purpose registers of a frame.
	listRegisters
	// listVector: the x87 and vector registers of a frame's thread.
	listVector
	// listGlobals: the globals of the frame's image.
	listGlobals
)

// container is what a variablesReference stands for at the current stop.
type container struct {
	kind  listKind
	v     *symbols.Variable // listChildren
	frame frameRef          // the scopes
	image *symbols.Image    // listGlobals
	expr  string            // the C expression naming v, for its children's evaluateName
}

// handleTable hands out variablesReference handles for the current stop.
// The table is dropped at every resume (see Session.resume).
type handleTable struct{ stopIDs[container] }

// get returns what the reference id stands for, or ErrStaleHandle.
func (t *handleTable) get(id int) (container, error) {
	c, ok := t.lookup(id)
	if !ok {
		return container{}, ErrStaleHandle{Kind: "variablesReference", ID: id}
	}
	return c, nil
}

// childrenRef returns a variablesReference for v's children, 0 when v has
// none; expr is the C expression that names v, from which its children's
// evaluateNames are made. The reference is valid until the program
// resumes. Must be called on the session goroutine with the process
// stopped. (Evaluate results get theirs through dapVariable.)
func (s *Session) childrenRef(v *symbols.Variable, expr string) int {
	if v == nil || !v.HasChildren || v.Unavailable != "" {
		return 0
	}
	return s.handles.add(container{kind: listChildren, v: v, expr: expr})
}

// frameByID returns the frame a frameId from stackTrace names at this
// stop, and its thread; a stale or unknown id is an ErrStaleHandle.
func (s *Session) frameByID(id int) (frameRef, *symbols.Frame, error) {
	ref, ok := s.frames.ids.lookup(id)
	if !ok {
		return frameRef{}, nil, ErrStaleHandle{Kind: "frameId", ID: id}
	}
	frames, err := s.stack(ref.tid)
	if err != nil {
		return frameRef{}, nil, err
	}
	if ref.index >= len(frames) {
		return frameRef{}, nil, ErrStaleHandle{Kind: "frameId", ID: id}
	}
	return ref, &frames[ref.index], nil
}
