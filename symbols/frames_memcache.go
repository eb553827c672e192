package symbols

// pageCache serves the memory reads of one call (an unwind, a frame's
// variables) from whole pages read once, so a walk of 20 frames costs a
// few system calls instead of a hundred. It lives only as long as that
// call: the debuggee is stopped, so its memory cannot change under it.
type pageCache struct {
	mem   MemoryReader
	pages map[uint64][]byte // page address -> contents; nil if unreadable as a whole
}

const cachePage = 4096

func newPageCache(mem MemoryReader) *pageCache {
	if c, ok := mem.(*pageCache); ok {
		return c
	}
	return &pageCache{mem: mem, pages: map[uint64][]byte{}}
}

// ReadMemory implements MemoryReader.
func (c *pageCache) ReadMemory(addr uint64, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		a := addr + uint64(n)
		pg := a &^ (cachePage - 1)
		data, ok := c.pages[pg]
		if !ok {
			data = make([]byte, cachePage)
			if m, err := c.mem.ReadMemory(pg, data); err != nil || m != cachePage {
				data = nil
			}
			c.pages[pg] = data
		}
		if data == nil {
			// A page at the edge of a mapping: read exactly what was
			// asked, for the reader's own short count and error.
			m, err := c.mem.ReadMemory(a, buf[n:])
			return n + m, err
		}
		n += copy(buf[n:], data[a-pg:])
	}
	return n, nil
}
