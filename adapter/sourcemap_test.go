package adapter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// The launch's "sourceMap" shows the debug info's paths as the editor has
// them (stack frames, loaded sources) and maps the editor's paths back
// (breakpoints, source), here with testdata/ seen by the editor as /virtual/src.
func TestSourceMapRewritesPathsBothWays(t *testing.T) {
	prog := fixture.C(t, basicSrc)
	real := fixture.Source(t, basicSrc)
	virtual := "/virtual/src/" + filepath.Base(real)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{
		"program":   prog,
		"sourceMap": [][]string{{filepath.Dir(real), "/virtual/src"}},
	})
	addBody := fixture.Line(t, basicSrc, "add_body")
	bps := requestBreakpoints(t, c, virtual, addBody)
	if !bps[0].Verified || bps[0].Line != addBody || bps[0].Source.Path != virtual {
		t.Fatalf("breakpoint by the mapped path: %+v", bps[0])
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	top := wantTop(t, c, pid, "add", addBody)
	if top.Source == nil || top.Source.Path != virtual || top.Source.Name != filepath.Base(real) {
		t.Errorf("top frame's source %+v, want %s", top.Source, virtual)
	}

	seq = c.send("loadedSources", &dap.LoadedSourcesRequest{})
	ls := wantResponse[*dap.LoadedSourcesResponse](c, seq)
	var paths []string
	for _, s := range ls.Body.Sources {
		paths = append(paths, s.Path)
	}
	if !slices.Contains(paths, virtual) || slices.Contains(paths, real) {
		t.Errorf("loadedSources %v, want %s and not %s", paths, virtual, real)
	}

	// The editor lacks /virtual/src: `source` reads the file where the
	// debug info says it is.
	seq = c.send("source", &dap.SourceRequest{Arguments: dap.SourceArguments{Source: &dap.Source{Path: virtual}}})
	src := wantResponse[*dap.SourceResponse](c, seq)
	want, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	if src.Body.Content != string(want) {
		t.Errorf("source of %s: %d bytes, want the %d of %s", virtual, len(src.Body.Content), len(want), real)
	}
}

func TestSourceMapMalformedIsAnError(t *testing.T) {
	c := startReal(t)
	handshake(t, c)
	for _, bad := range []any{"just a string", [][]string{{"/only-one"}}, [][]string{{"", "/x"}}} {
		raw, _ := json.Marshal(map[string]any{"program": fixture.C(t, basicSrc), "sourceMap": bad})
		seq := c.send("launch", &dap.LaunchRequest{Arguments: raw})
		if e := expectError(c, seq); e.Body.Error == nil {
			t.Errorf("sourceMap %v: error without text", bad)
		}
	}
}
