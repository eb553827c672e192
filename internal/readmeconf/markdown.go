// Package readmeconf reads the editor configurations out of README.md so
// that a test can run them as written: the fenced code blocks of a section
// (markdown.go), and the subset of Lua that nvim-dap configurations are
// written in (lua.go): assignments of table constructors holding strings,
// numbers, booleans, nested tables and function values.
//
// Concurrency: the functions are pure and safe for concurrent use; a Script
// belongs to the goroutine that runs chunks on it.
package readmeconf

import (
	"fmt"
	"slices"
	"strings"
)

// Block is a fenced code block.
type Block struct {
	Lang string // the info string's first word: "lua", "jsonc", "c", "sh"...
	Line int    // line of the opening fence, counting from 1 in the whole document
	Body string // the lines between the fences, without their common indentation
}

// Section returns the lines of markdown under the heading line that is
// exactly heading (for example "## VS Code"), up to the next heading of the
// same or a higher level, and the document line the section starts on. It
// fails if the heading is missing or appears twice.
func Section(markdown, heading string) (text string, firstLine int, err error) {
	level := len(heading) - len(strings.TrimLeft(heading, "#"))
	if level == 0 {
		return "", 0, fmt.Errorf("%q is not a markdown heading", heading)
	}
	lines := strings.Split(markdown, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimRight(l, " ") == heading {
			if start >= 0 {
				return "", 0, fmt.Errorf("heading %q appears twice (lines %d and %d)", heading, start, i+1)
			}
			start = i + 1
		}
	}
	if start < 0 {
		return "", 0, fmt.Errorf("no heading %q", heading)
	}
	end := len(lines)
	fenced := false
	for i := start; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") {
			fenced = !fenced
		}
		if !fenced && headingLevel(lines[i]) > 0 && headingLevel(lines[i]) <= level {
			end = i
			break
		}
	}
	return strings.Join(lines[start:end], "\n"), start + 1, nil
}

// headingLevel is the number of leading '#' of an ATX heading line, or 0.
func headingLevel(line string) int {
	n := len(line) - len(strings.TrimLeft(line, "#"))
	if n == 0 || n > 6 || (len(line) > n && line[n] != ' ') {
		return 0
	}
	return n
}

// CodeBlocks returns the fenced code blocks of text whose language is one
// of langs (all blocks if langs is empty), in order. firstLine is the
// document line text starts on, so that each block's Line is a line of the
// whole document. A fence opened inside a list item may be indented; its
// body loses that indentation. An unclosed fence is an error.
func CodeBlocks(text string, firstLine int, langs ...string) ([]Block, error) {
	var blocks []Block
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		open := strings.TrimLeft(lines[i], " ")
		if !strings.HasPrefix(open, "```") {
			continue
		}
		indent := len(lines[i]) - len(open)
		lang, _, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(open, "```")), " ")
		var body []string
		closed := false
		j := i + 1
		for ; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == "```" {
				closed = true
				break
			}
			l := lines[j]
			if len(l)-len(strings.TrimLeft(l, " ")) >= indent {
				l = l[indent:]
			}
			body = append(body, l)
		}
		if !closed {
			return nil, fmt.Errorf("line %d: code block is never closed", firstLine+i)
		}
		if len(langs) == 0 || slices.Contains(langs, lang) {
			blocks = append(blocks, Block{Lang: lang, Line: firstLine + i, Body: strings.Join(body, "\n") + "\n"})
		}
		i = j
	}
	return blocks, nil
}
