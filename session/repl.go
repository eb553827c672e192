package session

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/eval"
)

// The debug console (the `evaluate` request's repl context) takes these
// commands besides expressions. Text that is not a command is evaluated as
// an expression (see isExamine for how "x/..." is told apart).
const replHelp = `Debug console commands (anything else is evaluated as a C expression):
  x/NFU ADDR            examine memory at ADDR (an expression: a pointer, an array, or a number)
                        N count (default 1); F format: x hex, d signed, u unsigned, o octal,
                        t binary, c char, i instructions (default x);
                        U unit size: b byte, h 2 bytes, w 4 bytes, g 8 bytes (default w)
                        examples: x/16xb buf   x/4dw &arr[2]   x/2xg $sp   x/5i $pc
  print/F EXPR, p/F EXPR the value of EXPR (a number, a pointer, or an array of them) in format F:
                        x d u o t c as for x; print EXPR and p EXPR are EXPR (examples: p/x mask,
                        p/t flags, p/x *arr@4)
  info registers [NAME...]
                        the general registers of the selected frame, or the ones named
                        (rax, eax, al, rip, eflags, xmm0, ...)
  info signals          which signals stop the program and which are passed to it
                        (choose with the exception filters in the Breakpoints view)
  help                  this text
Expressions: variables, $registers, literals, C operators (arithmetic, comparison,
logical, bitwise, * & -> . []), casts to basic types and pointers ((long)$rsp),
sizeof, ?:, gdb's artificial arrays (*p@4: the 4 values from p), and assignment
(x = 5, $rax = 0) in this console only.`

var (
	examineCmd = regexp.MustCompile(`^x(/(\d*)([a-z]*))?\s+(\S.*)$`)
	printCmd   = regexp.MustCompile(`^(p|print)(/([a-z]))?\s+(\S.*)$`)
	infoCmd    = regexp.MustCompile(`^info\s+(\w+)\s*(.*)$`)
)

// replCommand runs line if it is a console command; ok is false when it is
// an expression.
func (s *Session) replCommand(line string, frameID int) (body dap.EvaluateResponseBody, ok bool, err error) {
	text := func(t string, err error) (dap.EvaluateResponseBody, bool, error) {
		return dap.EvaluateResponseBody{Result: t}, true, err
	}
	if line == "help" {
		return text(replHelp, nil)
	}
	if m := examineCmd.FindStringSubmatch(line); m != nil && isExamine(m[1], m[2]+m[3], m[4]) {
		return text(s.examine(m[2], m[3], m[4], frameID))
	}
	if m := printCmd.FindStringSubmatch(line); m != nil && isPrint(m[1], m[3], m[4]) {
		if m[3] == "" {
			body, err := s.evaluateExpr(m[4], frameID, "repl")
			return body, true, err
		}
		return text(s.printFormatted(m[3][0], m[4], frameID))
	}
	if m := infoCmd.FindStringSubmatch(line); m != nil {
		switch m[1] {
		case "registers", "register", "reg", "r", "all-registers":
			return text(s.infoRegisters(strings.Fields(m[2]), frameID))
		case "signals", "signal":
			return text(strings.TrimRight(s.signalPolicyText(), "\n"), nil)
		}
		return text("", fmt.Errorf("unknown command %q: the info commands are info registers and info signals", line))
	}
	return dap.EvaluateResponseBody{}, false, nil
}

// isPrint tells gdb's print from an expression on a variable named p:
// "print EXPR" and "p/x EXPR" are commands, "p EXPR" only when EXPR does
// not start with an operator ("p - 1" subtracts, "p *q" multiplies).
func isPrint(word, format, rest string) bool {
	if word == "print" || format != "" {
		return true
	}
	return !strings.ContainsAny(rest[:1], "=+-*/%<>&|^!?.[")
}

// isExamine tells the x command from an expression on a variable named
// x: "x/4xb buf", "x/4 buf" and "x buf" are commands; "x / 2", "x/ 2",
// "x/4 + 1" and "x * 2" are expressions.
func isExamine(slash, format, rest string) bool {
	operator := strings.ContainsAny(rest[:1], "=+-*/%<>&|^!?.[")
	switch {
	case slash == "":
		return !operator
	case format == "":
		return false
	case strings.Trim(format, "0123456789") == "":
		return !operator // a count alone: x/4 + 1 divides
	}
	return true
}

// printFormatted is print/F EXPR: the value of EXPR in format F.
func (s *Session) printFormatted(f byte, src string, frameID int) (string, error) {
	if !strings.ContainsRune("xduotc", rune(f)) {
		return "", fmt.Errorf("print: unknown format letter %q: formats are x d u o t c", f)
	}
	ctx, _, err := s.frameContext(frameID)
	if err != nil {
		return "", err
	}
	e, err := s.parse(src)
	if err != nil {
		return "", err
	}
	v, err := e.Eval(ctx)
	if err != nil {
		return "", err
	}
	return eval.Format(ctx, v, f)
}

// examine is gdb's x command.
func (s *Session) examine(count, format, addrExpr string, frameID int) (string, error) {
	n := 1
	if count != "" {
		var err error
		if n, err = strconv.Atoi(count); err != nil || n <= 0 || n > 4096 {
			return "", fmt.Errorf("x: count %q must be between 1 and 4096", count)
		}
	}
	fmtc, unit := byte('x'), 4
	for _, c := range []byte(format) {
		switch c {
		case 'x', 'd', 'u', 'o', 't', 'c', 'i':
			fmtc = c
		case 'b':
			unit = 1
		case 'h':
			unit = 2
		case 'w':
			unit = 4
		case 'g':
			unit = 8
		default:
			return "", fmt.Errorf("x: unknown format letter %q: formats are x d u o t c i, units b h w g", c)
		}
	}
	if fmtc == 'c' && !strings.ContainsAny(format, "hwg") {
		unit = 1
	}
	ctx, _, err := s.frameContext(frameID)
	if err != nil {
		return "", err
	}
	e, err := s.parse(addrExpr)
	if err != nil {
		return "", err
	}
	v, err := e.Eval(ctx)
	if err != nil {
		return "", err
	}
	addr, err := eval.Address(ctx, v)
	if err != nil {
		return "", fmt.Errorf("x: %w", err)
	}
	if fmtc == 'i' {
		return s.examineInstructions(addr, n)
	}
	buf := make([]byte, n*unit)
	got, rerr := s.proc.ReadMemory(addr, buf)
	buf = buf[:got-got%unit]
	var out strings.Builder
	perLine := map[int]int{1: 8, 2: 8, 4: 4, 8: 2}[unit]
	for i := 0; i < len(buf); i += unit {
		if (i/unit)%perLine == 0 {
			if i > 0 {
				out.WriteByte('\n')
			}
			fmt.Fprintf(&out, "%#x:", addr+uint64(i))
		}
		out.WriteByte('\t')
		out.WriteString(formatExamined(buf[i:i+unit], fmtc))
	}
	if rerr != nil || got < n*unit {
		if out.Len() == 0 {
			return "", fmt.Errorf("cannot read memory at %#x", addr)
		}
		fmt.Fprintf(&out, "\ncannot read memory at %#x", addr+uint64(len(buf)))
	}
	return out.String(), nil
}

// formatExamined shows one unit of memory as x does: hex zero-padded to
// the unit's width, binary too, the other formats as print shows them.
func formatExamined(b []byte, f byte) string {
	switch f {
	case 'x':
		return fmt.Sprintf("0x%0*s", 2*len(b), strings.TrimPrefix(eval.FormatBytes(b, 'x'), "0x"))
	case 't':
		return fmt.Sprintf("%0*s", 8*len(b), eval.FormatBytes(b, 't'))
	}
	return eval.FormatBytes(b, f)
}

// examineInstructions is x/Ni: n instructions from addr.
func (s *Session) examineInstructions(addr uint64, n int) (string, error) {
	buf := make([]byte, n*arch.MaxInstLen)
	got, _ := s.proc.ReadMemory(addr, buf)
	if got == 0 {
		return "", fmt.Errorf("cannot read memory at %#x", addr)
	}
	insts := arch.DecodeRange(buf[:got], addr)
	var out strings.Builder
	for i, inst := range insts {
		if i == n {
			break
		}
		if i > 0 {
			out.WriteByte('\n')
		}
		where := ""
		if f, ok := s.table.FunctionAt(inst.PC); ok && f.Name != "" {
			where = fmt.Sprintf(" <%s+%d>", f.Name, inst.PC-f.Entry)
		}
		fmt.Fprintf(&out, "%#x%s:\t%s", inst.PC, where, inst.GNU(s.symbolAt))
	}
	return out.String(), nil
}

// symbolAt is an arch.SymbolLookup over the session's symbols.
func (s *Session) symbolAt(addr uint64) (string, uint64) {
	if f, ok := s.table.FunctionAt(addr); ok {
		return f.Name, f.Entry
	}
	return "", 0
}

// infoRegisters is gdb's `info registers`: a line per register with its
// value in hex and naturally (decimal, flags, or the code it points to).
func (s *Session) infoRegisters(names []string, frameID int) (string, error) {
	ctx, c, err := s.frameContext(frameID)
	if err != nil {
		return "", err
	}
	known := func(r arch.Register) bool {
		fr, ok := ctx.(eval.FrameRegisters)
		return !ok || fr.RegisterKnown(r)
	}
	var lines []string
	if len(names) == 0 {
		for _, r := range arch.Registers() {
			if r.Kind == arch.KindSyscall || !known(r) {
				continue
			}
			lines = append(lines, s.registerLine(r.Name, r, r.Get(&c.regs)))
		}
		return strings.Join(lines, "\n"), nil
	}
	for _, name := range names {
		name = strings.TrimPrefix(strings.ToLower(name), "$")
		if r, ok := arch.LookupRegister(name); ok {
			if !known(r) {
				return "", fmt.Errorf("%s is not known in this frame: only the innermost frame has every register", name)
			}
			lines = append(lines, s.registerLine(name, r, r.Get(&c.regs)))
			continue
		}
		v, err := s.evalIn(ctx, "$"+name)
		if err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprintf("%-15s%s", name, v))
	}
	return strings.Join(lines, "\n"), nil
}

func (s *Session) registerLine(name string, r arch.Register, v uint64) string {
	natural := strconv.FormatInt(int64(v), 10)
	switch r.Kind {
	case arch.KindFlags:
		natural = arch.EflagsString(v)
	case arch.KindPC:
		natural = fmt.Sprintf("%#x", v)
		if f, ok := s.table.FunctionAt(v); ok && f.Name != "" {
			natural += fmt.Sprintf(" <%s+%d>", f.Name, v-f.Entry)
		}
	}
	if name == "rsp" || name == "rbp" {
		natural = fmt.Sprintf("%#x", v)
	}
	return fmt.Sprintf("%-15s%-19s%s", name, fmt.Sprintf("%#x", v), natural)
}

// evalIn evaluates src in ctx and formats its value; a struct or union
// (a vector register's lanes) shows its members, as gdb does:
// {v4_float = {1, 0, 0, 0}, v2_double = {...}, ...}.
func (s *Session) evalIn(ctx eval.Context, src string) (string, error) {
	vv, err := s.evalVariable(ctx, src)
	if err != nil {
		return "", err
	}
	if vv.Value != "{...}" || !vv.HasChildren {
		return vv.Value, nil
	}
	kids, err := vv.Children(s.proc, 0, -1)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(kids))
	for i, k := range kids {
		parts[i] = k.Name + " = " + k.Value
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// maxCompletions bounds the items of one completions answer.
const maxCompletions = 200

// memberBase is the postfix chain before a "." or "->" being completed:
// a name with fields, elements and dereferences (s->corner, arr[2].p).
var memberBase = regexp.MustCompile(`[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|->)[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\])*$`)

// Completions answers `completions` for the debug console: after "." or
// "->", the members of what precedes; otherwise the names of the frame
// (parameters, locals, the program's globals), registers after "$", and
// at the start of the line the console's commands. column is 1-based, as
// the client sends it by default.
func (s *Session) Completions(text string, column, frameID int) ([]dap.CompletionItem, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	end := min(max(column-1, 0), len(text))
	start := end
	for start > 0 && (isNameByte(text[start-1]) || text[start-1] == '$') {
		start--
	}
	prefix := text[start:end]
	ctx, c, err := s.frameContext(frameID)
	if err != nil {
		return nil, err
	}
	var names []string
	kind := dap.CompletionItemType("variable")
	switch before := text[:start]; {
	case strings.HasSuffix(before, ".") || strings.HasSuffix(before, "->"):
		op := 1
		if strings.HasSuffix(before, "->") {
			op = 2
		}
		base := memberBase.FindString(before[:len(before)-op])
		if base == "" {
			return nil, nil
		}
		e, err := s.parse(base)
		if err != nil {
			return nil, nil
		}
		v, err := e.Eval(ctx)
		if err != nil {
			return nil, nil
		}
		names, kind = eval.Members(v), "property"
	case strings.HasPrefix(prefix, "$"):
		for _, r := range arch.Registers() {
			names = append(names, "$"+r.Name)
		}
		names = append(names, "$pc", "$sp", "$fp", "$eax", "$ebx", "$ecx", "$edx", "$esi", "$edi")
		for i := range 16 {
			names = append(names, fmt.Sprintf("$xmm%d", i))
		}
	default:
		names = c.scope.Names()
		if exe := s.table.Executable(); exe != nil {
			names = append(names, exe.GlobalNames()...)
		}
		if strings.TrimSpace(before) == "" {
			names = append(names, "help", "info registers", "info signals", "print", "x/")
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var items []dap.CompletionItem
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		items = append(items, dap.CompletionItem{Label: n, Type: kind, Start: start + 1, Length: len(prefix)})
		if len(items) == maxCompletions {
			break
		}
	}
	return items, nil
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
