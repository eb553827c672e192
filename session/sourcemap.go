package session

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-dap"
)

// sourceMap rewrites source paths between the form the program's debug
// information records (where it was built) and the form the editor has
// (where the sources are now), as lldb-dap's "sourceMap" launch argument
// does: each pair is [from, to], from a prefix of debug paths, to the local
// prefix that replaces it. The first pair that matches wins; a prefix
// matches whole path components only ("/build/src" does not match
// "/build/srcs/a.c").
type sourceMap [][2]string

// newSourceMap checks pairs: both sides must be non-empty paths.
func newSourceMap(pairs [][]string) (sourceMap, error) {
	m := make(sourceMap, 0, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 || p[0] == "" || p[1] == "" {
			return nil, fmt.Errorf(`"sourceMap" entry %d must be a pair ["from", "to"] of non-empty paths, got %q`, i, p)
		}
		m = append(m, [2]string{filepath.Clean(p[0]), filepath.Clean(p[1])})
	}
	return m, nil
}

// toLocal turns a path from the debug information into the editor's.
func (m sourceMap) toLocal(debugPath string) string {
	for _, p := range m {
		if rest, ok := underPrefix(debugPath, p[0]); ok {
			return joinPrefix(p[1], rest)
		}
	}
	return debugPath
}

// toDebug turns an editor's path into the one the debug information has.
func (m sourceMap) toDebug(localPath string) string {
	for _, p := range m {
		if rest, ok := underPrefix(localPath, p[1]); ok {
			return joinPrefix(p[0], rest)
		}
	}
	return localPath
}

// underPrefix reports whether path is prefix or lies under it, and returns
// the rest of path after prefix: "" or starting with a separator.
func underPrefix(path, prefix string) (string, bool) {
	base := strings.TrimSuffix(prefix, "/") // "/" itself becomes ""
	if !strings.HasPrefix(path, base) {
		return "", false
	}
	rest := path[len(base):]
	if rest != "" && rest[0] != '/' {
		return "", false
	}
	return rest, true
}

// joinPrefix puts rest (from underPrefix) under prefix.
func joinPrefix(prefix, rest string) string {
	if p := strings.TrimSuffix(prefix, "/") + rest; p != "" {
		return p
	}
	return "/"
}

// clientSource describes a source file of the debug information as the
// client knows it: the path rewritten by the source map.
func (s *Session) clientSource(debugPath string) *dap.Source {
	p := s.srcMap.toLocal(debugPath)
	return &dap.Source{Name: filepath.Base(p), Path: p}
}

// SetSourceMap sets the source map of the launch or attach being served:
// [from, to] pairs, from a prefix of the debug info's paths, to the
// editor's. nil clears it.
func (s *Session) SetSourceMap(pairs [][]string) error {
	m, err := newSourceMap(pairs)
	if err != nil {
		return err
	}
	s.srcMap = m
	return nil
}
