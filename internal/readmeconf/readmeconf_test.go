package readmeconf

import (
	"encoding/json"
	"strings"
	"testing"
)

const doc = "# Title\n" + // line 1
	"\n" +
	"## One\n" + // line 3
	"text\n" +
	"```lua\n" + // line 5
	"x = 1\n" +
	"```\n" +
	"1. item\n" +
	"\n" +
	"   ```sh\n" + // line 10
	"   gcc -g -o hello hello.c\n" +
	"     indented more\n" +
	"   ```\n" +
	"### Sub\n" +
	"```lua\n" + // line 15
	"-- ## not a heading\n" +
	"```\n" +
	"## Two\n" +
	"```lua\n" +
	"y = 2\n" +
	"```\n"

func TestSectionAndCodeBlocks(t *testing.T) {
	text, first, err := Section(doc, "## One")
	if err != nil {
		t.Fatal(err)
	}
	if first != 4 || strings.Contains(text, "y = 2") || !strings.Contains(text, "### Sub") {
		t.Fatalf("section starts on line %d (want 4) with text %q", first, text)
	}
	lua, err := CodeBlocks(text, first, "lua")
	if err != nil {
		t.Fatal(err)
	}
	if len(lua) != 2 || lua[0].Line != 5 || lua[0].Body != "x = 1\n" || lua[1].Line != 15 || lua[1].Body != "-- ## not a heading\n" {
		t.Fatalf("lua blocks %+v", lua)
	}
	sh, err := CodeBlocks(text, first, "sh")
	if err != nil {
		t.Fatal(err)
	}
	if len(sh) != 1 || sh[0].Line != 10 || sh[0].Body != "gcc -g -o hello hello.c\n  indented more\n" {
		t.Fatalf("sh blocks %+v", sh)
	}
	if _, _, err := Section(doc, "## Three"); err == nil {
		t.Error("a missing section was found")
	}
	if _, _, err := Section(doc+"## One\n", "## One"); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a repeated heading: %v", err)
	}
	if _, err := CodeBlocks("```lua\nx = 1\n", 1); err == nil {
		t.Error("an unclosed block was accepted")
	}
}

const config = `local dap = require('dap')
--[[ a long
comment ]]
dap.adapters.x = {
  type = 'server', -- a comment
  port = "${port}",
  executable = { command = 'dapproc', args = { '--listen', '127.0.0.1:${port}' } },
  ['quoted key'] = [[long
string]],
  n = 0x10, f = 1.5e1; ok = true, no = false,
}
dap.configurations.c = {
  {
    program = function()
      if vim.fn.exists('x') == 1 then
        for i = 1, 2 do print(i) end
      end
      return vim.fn.input('Path: ', vim.fn.getcwd() .. '/', 'file')
    end,
    pid = require('dap.utils').pick_process,
    args = {},
    s = 'it\'s\t"q"',
  },
}
dap.configurations.cpp = dap.configurations.c
`

func TestScriptRun(t *testing.T) {
	var s Script
	if err := s.Run(config, 10); err != nil {
		t.Fatal(err)
	}
	if got := s.Targets("dap."); strings.Join(got, " ") != "dap.adapters.x dap.configurations.c dap.configurations.cpp" {
		t.Fatalf("targets %v", got)
	}
	if s.Assignments[1].Line != 13 || !s.Assignments[0].Local || s.Assignments[0].Target != "dap" {
		t.Errorf("assignments %+v", s.Assignments[:2])
	}
	c, _ := s.Value("dap.configurations.c")
	cpp, _ := s.Value("dap.configurations.cpp")
	if c == nil || c != cpp {
		t.Errorf("cpp = c did not make the same table: %v, %v", c, cpp)
	}
	var funcs []string
	adapter, _ := s.Value("dap.adapters.x")
	got, err := ToJSON(adapter, func(key string, f Func) (any, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	want := `{"executable":{"args":["--listen","127.0.0.1:${port}"],"command":"dapproc"},"f":15,"n":16,"no":false,"ok":true,"port":"${port}","quoted key":"long\nstring","type":"server"}`
	if raw, _ := json.Marshal(got); string(raw) != want {
		t.Errorf("adapter\n got %s\nwant %s", raw, want)
	}
	got, err = ToJSON(c, func(key string, f Func) (any, error) {
		funcs = append(funcs, key+": "+f.Source)
		return key + " value", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want = `[{"args":[],"pid":"pid value","program":"program value","s":"it's\t\"q\""}]`
	if raw, _ := json.Marshal(got); string(raw) != want {
		t.Errorf("configurations\n got %s\nwant %s", raw, want)
	}
	if len(funcs) != 2 || !strings.HasPrefix(funcs[0], "program: function()") || !strings.HasSuffix(funcs[0], "'file')\n    end") ||
		funcs[1] != "pid: require('dap.utils').pick_process" {
		t.Errorf("functions handed over: %q", funcs)
	}
}

func TestScriptRunRejects(t *testing.T) {
	for src, want := range map[string]string{
		"x = 'a' .. 'b'":             `line 3: operator ".." is outside`,
		"require('dap').continue()":  "line 3: expected \"=\"",
		"x = { 1, y = 2 }\n":         "", // parses; ToJSON rejects it below
		"x = { a = 1, a = 2 }":       `field "a" is set twice`,
		"x = function() if a then":   `line 3: function has no matching "end"`,
		"x = 'unclosed":              "never closed",
		"x = {\n  a = 1\n  b = 2 }":  `line 5: expected "," or "}"`,
		"for i = 1, 2 do end":        "expected an assignment",
		"x = \"\\z\"":                `escape \z`,
		"x = { [1] = 'one' }":        "only string keys",
		"x = { 'a' } y = @":          "unexpected character '@'",
		"x = vim.fn.getcwd() .. '/'": `operator ".."`,
	} {
		var s Script
		err := s.Run(src, 3)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", src, err)
				continue
			}
			v, _ := s.Value("x")
			if _, err := ToJSON(v, nil); err == nil || !strings.Contains(err.Error(), "mixes positional and named") {
				t.Errorf("%q: ToJSON error %v", src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", src, err, want)
		}
	}
}
