package adapter

import (
	"encoding/json"
	"errors"
	"sort"

	"github.com/dapproc/dapproc/session"
)

// setSourceMap reads lldb-dap's "sourceMap" launch and attach argument, an
// array of ["from", "to"] pairs or an object {"from": "to"}, and gives it to
// the session. Absent, it clears any map of an earlier launch.
func setSourceMap(s *session.Session, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return s.SetSourceMap(nil)
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err != nil {
		var obj map[string]string
		if json.Unmarshal(raw, &obj) != nil {
			return errors.New(`"sourceMap" must be an array of ["from", "to"] path pairs, or an object {"from": "to"}`)
		}
		froms := make([]string, 0, len(obj))
		for from := range obj {
			froms = append(froms, from)
		}
		// An object has no order: longer prefixes first, so the most
		// specific one wins.
		sort.Slice(froms, func(i, j int) bool { return len(froms[i]) > len(froms[j]) })
		for _, from := range froms {
			pairs = append(pairs, []string{from, obj[from]})
		}
	}
	return s.SetSourceMap(pairs)
}

// setLaunchSourceMap sets the source map of launch arguments (parseLaunch
// has checked they decode).
func setLaunchSourceMap(s *session.Session, raw json.RawMessage) error {
	var args launchArguments
	if err := json.Unmarshal(raw, &args); err != nil {
		return err
	}
	return setSourceMap(s, args.SourceMap)
}
