// Package eval is dapproc's expression language: a C-like language over the
// typed values of a stopped program, used for breakpoint conditions,
// logpoint interpolation, and the `evaluate` request (watch, hover, repl).
//
// An expression is parsed once by Parse into an Expr, which is then
// evaluated any number of times with Expr.Eval against a Context: the
// variables, registers and memory of one frame at one stop. Values are
// typed with DWARF types (godwarf), read lazily through the Context (a
// variable costs one memory read when its value is needed, none when only
// its address is), and held as a Value.
//
// Grammar (C precedence, lowest first):
//
//	assign:  cond [ "=" assign ]               (only with a Writer context)
//	cond:    or [ "?" assign ":" cond ]
//	or:      and { "||" and }                  (short-circuit)
//	and:     bor { "&&" bor }                  (short-circuit)
//	bor, xor, band: "|", "^", "&"
//	eq:      rel { ("==" | "!=") rel }
//	rel:     shift { ("<" | "<=" | ">" | ">=") shift }
//	shift:   add { ("<<" | ">>") add }
//	add:     mul { ("+" | "-") mul }
//	mul:     at { ("*" | "/" | "%") at }
//	at:      unary { "@" unary }                (gdb's artificial array)
//	unary:   ("-" | "+" | "!" | "~" | "*" | "&") unary | "(" type ")" unary
//	         | "sizeof" unary | "sizeof" "(" type ")" | postfix
//	postfix: primary { "[" assign "]" | "." name | "->" name }
//	primary: name | "$"register | number | 'c' | "string" | "(" assign ")"
//
// Goroutines: an Expr is immutable after Parse and may be evaluated by
// several goroutines at once, each with its own Context. A Context is used
// only by the goroutine that calls Eval with it.
package eval
