//go:build linux

package linux

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dapproc/dapproc/tracer"
)

// readMaps parses /proc/PID/maps.
func readMaps(pid int) ([]tracer.Mapping, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return nil, fmt.Errorf("memory map of process %d: %w", pid, err)
	}
	defer f.Close()
	var maps []tracer.Mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode [path]
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		off, err3 := strconv.ParseUint(fields[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("memory map of process %d: bad line %q", pid, sc.Text())
		}
		m := tracer.Mapping{Start: start, End: end, Perms: fields[1], Offset: off}
		if len(fields) >= 6 {
			m.Path = strings.Join(fields[5:], " ")
		}
		maps = append(maps, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("memory map of process %d: %w", pid, err)
	}
	return maps, nil
}
