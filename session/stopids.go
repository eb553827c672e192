package session

// stopIDs hands out ids for things that are valid until the program
// resumes: frameIds and variablesReferences. Ids keep growing across
// stops, so an id from an earlier stop is recognised as stale instead of
// naming something else. first is the first id handed out (1 if 0).
type stopIDs[T any] struct {
	first, next int
	refs        map[int]T
}

// reset forgets every id: the program resumes.
func (t *stopIDs[T]) reset() { t.refs = nil }

// add hands out the next id for v.
func (t *stopIDs[T]) add(v T) int {
	if t.refs == nil {
		t.refs = map[int]T{}
	}
	if t.next == 0 {
		t.next = max(t.first, 1)
	}
	id := t.next
	t.next++
	t.refs[id] = v
	return id
}

// lookup returns what id stands for at this stop.
func (t *stopIDs[T]) lookup(id int) (T, bool) {
	v, ok := t.refs[id]
	return v, ok
}
