package session

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-dap"
)

// maxMemoryRead bounds one readMemory request. A shorter answer would
// tell the client that readable memory ends there (the specification says
// so of short data without unreadableBytes), so a larger request is an
// error instead.
const maxMemoryRead = 16 << 20

// pageSize is the unit in which memory is mapped: a write goes page by
// page so that a partial write stops exactly at the first page it cannot
// write.
const pageSize = 4096

// SetInvalidatedEvents records whether the client said, in `initialize`,
// that it handles `invalidated` events; only then are they sent.
func (s *Session) SetInvalidatedEvents(supported bool) { s.invalidatedEvents = supported }

// SetMemoryEvents records whether the client said, in `initialize`, that
// it handles `memory` events; only then are they sent.
func (s *Session) SetMemoryEvents(supported bool) { s.memoryEvents = supported }

// memoryChanged tells the client, after the current response, that n bytes
// at addr were written, so that a memory view showing them reads again.
func (s *Session) memoryChanged(addr uint64, n int) {
	if !s.memoryEvents || n <= 0 {
		return
	}
	s.queueAfterResponse(&dap.MemoryEvent{
		Event: dap.Event{Event: "memory"},
		Body:  dap.MemoryEventBody{MemoryReference: fmt.Sprintf("%#x", addr), Count: n},
	})
}

// invalidate tells the client, after the current response, that views of
// areas ("variables", "stacks") may show stale values after a write.
func (s *Session) invalidate(areas ...dap.InvalidatedAreas) {
	if !s.invalidatedEvents {
		return
	}
	s.queueAfterResponse(&dap.InvalidatedEvent{
		Event: dap.Event{Event: "invalidated"},
		Body:  dap.InvalidatedEventBody{Areas: areas},
	})
}

// parseMemoryReference reads a memoryReference as dapproc hands them out
// (hex "0x401000"), also decimal, and adds offset.
func parseMemoryReference(ref string, offset int) (uint64, error) {
	base, err := strconv.ParseUint(strings.TrimSpace(ref), 0, 64)
	if err != nil {
		return 0, fmt.Errorf("memoryReference %q is not an address: use one from a variable, a stack frame or a register (such as 0x401000)", ref)
	}
	return base + uint64(int64(offset)), nil
}

// ReadMemory answers `readMemory`: count bytes at memoryReference+offset,
// as the program sees them (never the int3 of dapproc's breakpoints). A
// range that runs into unmapped memory returns the bytes before the hole
// and, in unreadableBytes, the length of the hole within the range, so the
// client can skip it.
func (s *Session) ReadMemory(ref string, offset, count int) (dap.ReadMemoryResponseBody, error) {
	if err := s.needStopped(); err != nil {
		return dap.ReadMemoryResponseBody{}, err
	}
	addr, err := parseMemoryReference(ref, offset)
	if err != nil {
		return dap.ReadMemoryResponseBody{}, err
	}
	if count < 0 || count > maxMemoryRead {
		return dap.ReadMemoryResponseBody{}, fmt.Errorf("readMemory count %d: ask for 0 to %d bytes at a time", count, maxMemoryRead)
	}
	body := dap.ReadMemoryResponseBody{Address: fmt.Sprintf("%#x", addr)}
	if count == 0 {
		return body, nil
	}
	buf := make([]byte, count)
	n, readErr := s.proc.ReadMemory(addr, buf)
	body.Data = base64.StdEncoding.EncodeToString(buf[:n])
	if n < count {
		s.log.Debug("partial memory read", "addr", addr, "count", count, "read", n, "err", readErr)
		body.UnreadableBytes = s.unreadableRun(addr+uint64(n), uint64(count-n))
	}
	return body, nil
}

// unreadableRun returns how many bytes from addr, at most limit, lie
// outside every readable mapping: the distance to the next readable
// mapping, or the whole limit.
func (s *Session) unreadableRun(addr, limit uint64) int {
	maps, err := s.proc.Mappings()
	if err != nil {
		return int(limit)
	}
	end := addr + limit
	if end < addr {
		end = ^uint64(0) // the range runs to the top of the address space
	}
	for _, m := range maps {
		if m.End <= addr || !strings.HasPrefix(m.Perms, "r") {
			continue
		}
		if m.Start <= addr {
			// Mapped and readable, yet the read failed (a device mapping,
			// a file truncated under its mapping): the rest of it is lost.
			return int(min(m.End, end) - addr)
		}
		if m.Start < end {
			return int(m.Start - addr)
		}
	}
	return int(limit)
}

// WriteMemory answers `writeMemory`: it writes data (base64) at
// memoryReference+offset. Without allowPartial the whole range must be
// mapped, or nothing is written; with it, the write goes page by page and
// stops at the first page it cannot write, and bytesWritten says how far it
// got. Writing code works too; dapproc's breakpoints there stay in place
// with the new byte saved under them.
func (s *Session) WriteMemory(ref string, offset int, data string, allowPartial bool) (dap.WriteMemoryResponseBody, error) {
	if err := s.needStopped(); err != nil {
		return dap.WriteMemoryResponseBody{}, err
	}
	addr, err := parseMemoryReference(ref, offset)
	if err != nil {
		return dap.WriteMemoryResponseBody{}, err
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return dap.WriteMemoryResponseBody{}, fmt.Errorf("writeMemory data is not base64: %w", err)
	}
	if !allowPartial && len(b) > 0 {
		probe := make([]byte, len(b))
		if n, err := s.proc.ReadMemory(addr, probe); n < len(b) {
			return dap.WriteMemoryResponseBody{}, fmt.Errorf("cannot write %d bytes at %#x: only %d are mapped (%v); nothing was written", len(b), addr, n, err)
		}
	}
	written := 0
	var writeErr error
	for written < len(b) {
		at := addr + uint64(written)
		chunk := min(len(b)-written, int(pageSize-at%pageSize))
		if writeErr = s.proc.WriteMemory(at, b[written:written+chunk]); writeErr != nil {
			writeErr = fmt.Errorf("write %d bytes at %#x: %w", chunk, at, writeErr)
			break
		}
		written += chunk
	}
	if written > 0 {
		s.frames.stacks = nil // the write may have changed what unwinding reads
		s.memoryChanged(addr, written)
		s.invalidate("variables")
	}
	switch {
	case writeErr != nil && written == 0:
		return dap.WriteMemoryResponseBody{}, writeErr
	case writeErr != nil && !allowPartial:
		return dap.WriteMemoryResponseBody{}, fmt.Errorf("%w, after writing the first %d bytes", writeErr, written)
	}
	return dap.WriteMemoryResponseBody{BytesWritten: written}, nil
}
