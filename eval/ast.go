package eval

// node is one node of a parsed expression. span is its source range, for
// errors that say which part of the expression failed.
type node interface {
	span() (start, end int)
}

type pos struct{ start, end int }

func (p pos) span() (int, int) { return p.start, p.end }

// numberLit is an integer or floating-point literal with its C type.
type numberLit struct {
	pos
	val Value
}

// stringLit is a string literal: "abc".
type stringLit struct {
	pos
	s string
}

// ident is a variable name.
type ident struct {
	pos
	name string
}

// register is $name.
type register struct {
	pos
	name string
}

// unary is op x for - + ! ~ * &.
type unary struct {
	pos
	op string
	x  node
}

// binaryOp is x op y for the arithmetic, bitwise and comparison operators.
type binaryOp struct {
	pos
	op   string
	x, y node
}

// logical is x && y or x || y, which evaluate y only when needed.
type logical struct {
	pos
	op   string
	x, y node
}

// conditional is c ? x : y.
type conditional struct {
	pos
	c, x, y node
}

// member is x.name or x->name.
type member struct {
	pos
	x     node
	name  string
	arrow bool
}

// index is x[i].
type index struct {
	pos
	x, i node
}

// cast is (type) x.
type cast struct {
	pos
	to typeName
	x  node
}

// sizeofType is sizeof(type); sizeofExpr is sizeof x.
type sizeofType struct {
	pos
	of typeName
}

type sizeofExpr struct {
	pos
	x node
}

// assign is lhs = rhs.
type assign struct {
	pos
	lhs, rhs node
}

// typeName is a type as written in a cast or sizeof: a base type and a
// number of "*".
type typeName struct {
	base     string // a builtin type's canonical name ("unsigned long"), or a tag's or typedef's name
	tag      string // "struct", "union", "enum", or "" for a builtin or typedef
	pointers int
}

func (t typeName) String() string {
	s := t.base
	if t.tag != "" {
		s = t.tag + " " + s
	}
	if t.pointers > 0 {
		s += " "
		for range t.pointers {
			s += "*"
		}
	}
	return s
}
