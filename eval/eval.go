package eval

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/symbols"
)

// Error is an evaluation error: what went wrong, and in which part of the
// expression.
type Error struct {
	Expr string // the whole expression
	Part string // the sub-expression that failed
	Err  error
}

func (e *Error) Error() string {
	if e.Part == "" || e.Part == e.Expr {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v (in %q)", e.Err, e.Part)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrReadOnly is the error of an assignment evaluated where writing is not
// allowed (hover, watch, conditions).
var ErrReadOnly = errors.New("assignment changes the program: it is allowed only in the debug console (repl)")

// Eval evaluates the expression in ctx. An assignment needs ctx to be a
// Writer.
func (e *Expr) Eval(ctx Context) (Value, error) {
	if e.writes {
		if _, ok := ctx.(Writer); !ok {
			return Value{}, ErrReadOnly
		}
	}
	ev := &evaluator{ctx: ctx, src: e.src}
	return ev.eval(e.root)
}

// Condition evaluates the expression as a C condition: true when non-zero.
func (e *Expr) Condition(ctx Context) (bool, error) {
	v, err := e.Eval(ctx)
	if err != nil {
		return false, err
	}
	ok, err := truthy(ctx, &v)
	if err != nil {
		return false, &Error{Expr: e.src, Err: err}
	}
	return ok, nil
}

type evaluator struct {
	ctx Context
	src string
}

func (ev *evaluator) eval(n node) (Value, error) {
	v, err := ev.evalNode(n)
	if err != nil {
		var ee *Error
		if !errors.As(err, &ee) {
			start, end := n.span()
			err = &Error{Expr: ev.src, Part: ev.src[start:end], Err: err}
		}
	}
	return v, err
}

func (ev *evaluator) evalNode(n node) (Value, error) {
	switch n := n.(type) {
	case *numberLit:
		return n.val, nil
	case *stringLit:
		return Value{Type: arrayOf(typeChar, int64(len(n.s))+1), Data: append([]byte(n.s), 0)}, nil
	case *ident:
		v, err := ev.ctx.Lookup(n.name)
		if err != nil {
			// In a C++ method, a member of *this by its name alone.
			if this, thisErr := ev.ctx.Lookup("this"); thisErr == nil {
				if m, mErr := ev.member(this, n.name, true); mErr == nil {
					return m, nil
				}
			}
			return Value{}, err
		}
		return ev.bindReference(v)
	case *register:
		return registerValue(ev.ctx, n.name)
	case *unary:
		return ev.unary(n)
	case *binaryOp:
		return ev.binary(n)
	case *logical:
		return ev.logical(n)
	case *conditional:
		c, err := ev.eval(n.c)
		if err != nil {
			return Value{}, err
		}
		ok, err := truthy(ev.ctx, &c)
		if err != nil {
			return Value{}, err
		}
		if ok {
			return ev.eval(n.x)
		}
		return ev.eval(n.y)
	case *member:
		x, err := ev.eval(n.x)
		if err != nil {
			return Value{}, err
		}
		return ev.member(x, n.name, n.arrow)
	case *index:
		return ev.index(n)
	case *cast:
		t, im, err := ev.typeOf(n.to)
		if err != nil {
			return Value{}, err
		}
		x, err := ev.eval(n.x)
		if err != nil {
			return Value{}, err
		}
		return ev.convert(x, t, im)
	case *sizeofType:
		t, _, err := ev.typeOf(n.of)
		if err != nil {
			return Value{}, err
		}
		return fromScalar(scalar{k: kindUnsigned, u: uint64(sizeOf(t))}, typeULong, nil), nil
	case *sizeofExpr:
		x, err := ev.eval(n.x)
		if id, ok := n.x.(*ident); ok && err != nil {
			// sizeof(name) where name is a typedef, not a variable.
			if t, _, terr := ev.typeOf(typeName{base: id.name}); terr == nil {
				return fromScalar(scalar{k: kindUnsigned, u: uint64(sizeOf(t))}, typeULong, nil), nil
			}
		}
		if err != nil {
			return Value{}, err
		}
		return fromScalar(scalar{k: kindUnsigned, u: uint64(sizeOf(x.Type))}, typeULong, nil), nil
	case *assign:
		return ev.assign(n)
	}
	return Value{}, fmt.Errorf("internal error: unknown node %T", n)
}

func (ev *evaluator) unary(n *unary) (Value, error) {
	x, err := ev.eval(n.x)
	if err != nil {
		return Value{}, err
	}
	switch n.op {
	case "&":
		if !x.InMemory || x.bitSize > 0 {
			what := "it is not in memory (it lives in a register or was computed)"
			if x.bitSize > 0 {
				what = "it is a bit field"
			}
			return Value{}, fmt.Errorf("cannot take the address of %s: %s", ev.text(n.x), what)
		}
		return fromScalar(scalar{k: kindPointer, u: x.Addr}, pointerTo(x.Type), x.Image), nil
	case "*":
		return ev.deref(x)
	case "!":
		ok, err := truthy(ev.ctx, &x)
		if err != nil {
			return Value{}, err
		}
		return boolInt(!ok), nil
	}
	s, err := toScalar(ev.ctx, &x)
	if err != nil {
		return Value{}, err
	}
	if !isArithmetic(s.k) || n.op == "~" && s.k == kindFloat {
		return Value{}, fmt.Errorf("invalid operand to unary %s: %s", n.op, typeString(&x))
	}
	t := promote(s)
	switch n.op {
	case "-":
		if s.k == kindFloat {
			s.f = -s.f
		} else {
			s.u = -s.u
		}
	case "~":
		s.u = ^s.u
	}
	return fromScalar(s, t, nil), nil
}

// deref is *x: the value a pointer points to, or an array's first element.
func (ev *evaluator) deref(x Value) (Value, error) {
	rt := resolve(x.Type)
	switch t := rt.(type) {
	case *godwarf.PtrType:
		s, err := toScalar(ev.ctx, &x)
		if err != nil {
			return Value{}, err
		}
		target := t.Type
		if target == nil {
			target = typeVoid
		}
		switch resolve(target).(type) {
		case *godwarf.VoidType:
			return Value{}, fmt.Errorf("cannot dereference %s: cast it to a typed pointer first, as in *(int *)p", typeString(&x))
		}
		return InMemoryValue(target, x.Image, s.u), nil
	case *godwarf.ArrayType:
		return ev.element(x, t, 0)
	}
	return Value{}, fmt.Errorf("cannot dereference %s", typeString(&x))
}

// element is the array's element i.
func (ev *evaluator) element(x Value, t *godwarf.ArrayType, i int64) (Value, error) {
	esize := sizeOf(t.Type)
	if x.InMemory {
		return InMemoryValue(t.Type, x.Image, x.Addr+uint64(i*esize)), nil
	}
	if i < 0 || t.Count >= 0 && i >= t.Count || (i+1)*esize > int64(len(x.Data)) {
		return Value{}, fmt.Errorf("index %d is out of the bounds of %s", i, typeString(&x))
	}
	return DataValue(t.Type, x.Image, x.Data[i*esize:(i+1)*esize]), nil
}

func (ev *evaluator) index(n *index) (Value, error) {
	x, err := ev.eval(n.x)
	if err != nil {
		return Value{}, err
	}
	iv, err := ev.eval(n.i)
	if err != nil {
		return Value{}, err
	}
	is, err := toScalar(ev.ctx, &iv)
	if err != nil {
		return Value{}, err
	}
	if !isInteger(is.k) {
		return Value{}, fmt.Errorf("an index must be an integer, %s is %s", ev.text(n.i), typeString(&iv))
	}
	i := int64(is.u)
	if is.k == kindUnsigned && is.u > math.MaxInt64 {
		return Value{}, fmt.Errorf("index %d is too large", is.u)
	}
	switch t := resolve(x.Type).(type) {
	case *godwarf.ArrayType:
		return ev.element(x, t, i)
	case *godwarf.SliceType:
		return ev.goElement(x, t.ElemType, i)
	case *godwarf.StringType:
		return ev.goElement(x, typeUInt8, i)
	case *godwarf.PtrType:
		p, err := toScalar(ev.ctx, &x)
		if err != nil {
			return Value{}, err
		}
		esize, err := pointeeSize(t, &x)
		if err != nil {
			return Value{}, err
		}
		if _, ok := resolve(t.Type).(*godwarf.VoidType); ok || t.Type == nil {
			return Value{}, fmt.Errorf("cannot index %s: cast it to a typed pointer first", typeString(&x))
		}
		return InMemoryValue(t.Type, x.Image, p.u+uint64(i*esize)), nil
	}
	return Value{}, fmt.Errorf("cannot index %s: it is not an array or a pointer", typeString(&x))
}

// goHeader reads the data pointer and length that start a Go slice or
// string.
func (ev *evaluator) goHeader(x Value) (ptr, n uint64, err error) {
	b := x.Data
	if b == nil {
		if !x.InMemory {
			return 0, 0, fmt.Errorf("%s has no contents", typeString(&x))
		}
		b = make([]byte, 16)
		if n, err := ev.ctx.ReadMemory(x.Addr, b); err != nil || n != 16 {
			return 0, 0, fmt.Errorf("cannot read memory at %#x", x.Addr)
		}
	}
	if len(b) < 16 {
		return 0, 0, fmt.Errorf("%s: a header of %d bytes", typeString(&x), len(b))
	}
	return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), nil
}

// goElement is element i of a Go slice or byte i of a Go string, checked
// against the length as Go checks it.
func (ev *evaluator) goElement(x Value, elem godwarf.Type, i int64) (Value, error) {
	ptr, n, err := ev.goHeader(x)
	if err != nil {
		return Value{}, err
	}
	if i < 0 || uint64(i) >= n {
		return Value{}, fmt.Errorf("index %d is out of range (length %d)", i, n)
	}
	return InMemoryValue(elem, x.Image, ptr+uint64(i*sizeOf(elem))), nil
}

// pointeeSize is the size pointer arithmetic scales by: the target's, or
// 1 for void and functions (as GNU C does).
func pointeeSize(t *godwarf.PtrType, x *Value) (int64, error) {
	if t.Type == nil {
		return 1, nil
	}
	switch rt := resolve(t.Type).(type) {
	case *godwarf.VoidType, *godwarf.FuncType:
		return 1, nil
	case *godwarf.StructType:
		if rt.Incomplete {
			return 0, fmt.Errorf("%s points to an incomplete type", typeString(x))
		}
	}
	size := sizeOf(t.Type)
	if size <= 0 {
		return 0, fmt.Errorf("%s points to a type without a size", typeString(x))
	}
	return size, nil
}

// member is x.name or x->name; like gdb, either works on a struct and on
// a pointer to one.
func (ev *evaluator) member(x Value, name string, arrow bool) (Value, error) {
	if p, ok := resolve(x.Type).(*godwarf.PtrType); ok {
		if _, isStruct := resolve(p.Type).(*godwarf.StructType); isStruct {
			d, err := ev.deref(x)
			if err != nil {
				return Value{}, err
			}
			x = d
		}
	}
	st, ok := resolve(x.Type).(*godwarf.StructType)
	if !ok {
		op := "."
		if arrow {
			op = "->"
		}
		return Value{}, fmt.Errorf("%s is not a struct, union or pointer to one: %q does not apply", typeString(&x), op)
	}
	if v, ok := ev.field(x, st, name); ok {
		return ev.bindReference(v)
	}
	return Value{}, fmt.Errorf("%s has no member named %q", typeString(&x), name)
}

// field finds a member, looking inside anonymous struct and union members
// too.
func (ev *evaluator) field(x Value, st *godwarf.StructType, name string) (Value, bool) {
	for _, f := range st.Field {
		if f.Name == name {
			return ev.part(x, st, f), true
		}
	}
	for _, f := range st.Field {
		if f.Name != "" {
			continue
		}
		if inner, ok := resolve(f.Type).(*godwarf.StructType); ok {
			if v, ok := ev.field(ev.part(x, st, f), inner, name); ok {
				return v, true
			}
		}
	}
	for _, b := range symbols.BaseClasses(x.Image, st) {
		inner, ok := resolve(b.Type).(*godwarf.StructType)
		if !ok {
			continue
		}
		base := ev.part(x, st, &godwarf.StructField{Type: b.Type, ByteOffset: b.Offset})
		if v, ok := ev.field(base, inner, name); ok {
			return v, true
		}
	}
	return Value{}, false
}

// bindReference turns a C++ reference into the value it is bound to, as
// C++ itself does wherever a reference is used.
func (ev *evaluator) bindReference(v Value) (Value, error) {
	target, ok := symbols.ReferenceTarget(v.Image, v.Type)
	if !ok {
		return v, nil
	}
	b := v.Data
	if b == nil && v.InMemory {
		b = make([]byte, 8) // a reference is an address, whatever size DWARF gives it
		if n, err := ev.ctx.ReadMemory(v.Addr, b); err != nil || n != 8 {
			return Value{}, fmt.Errorf("cannot read memory at %#x", v.Addr)
		}
	}
	if len(b) < 8 {
		return Value{}, fmt.Errorf("reference of %d bytes", len(b))
	}
	return InMemoryValue(target, v.Image, binary.LittleEndian.Uint64(b)), nil
}

// part is the value of field f of struct st in x.
func (ev *evaluator) part(x Value, st *godwarf.StructType, f *godwarf.StructField) Value {
	if f.BitSize > 0 {
		pos := symbols.BitFieldPosition(x.Image, st, f)
		first, last := pos/8, (pos+f.BitSize+7)/8
		v := Value{Type: f.Type, Image: x.Image, bitOffset: pos % 8, bitSize: f.BitSize, holderSize: last - first}
		switch {
		case x.InMemory:
			v.InMemory, v.Addr = true, x.Addr+uint64(first)
		case last <= int64(len(x.Data)):
			v.Data = x.Data[first:last]
		default:
			v.Data = make([]byte, last-first) // pieces missing from the value
		}
		return v
	}
	if x.InMemory {
		return InMemoryValue(f.Type, x.Image, x.Addr+uint64(f.ByteOffset))
	}
	end := f.ByteOffset + sizeOf(f.Type)
	if end > int64(len(x.Data)) {
		return DataValue(f.Type, x.Image, make([]byte, sizeOf(f.Type)))
	}
	return DataValue(f.Type, x.Image, x.Data[f.ByteOffset:end])
}

func (ev *evaluator) text(n node) string {
	start, end := n.span()
	return ev.src[start:end]
}

// stringEqual compares the C string a char pointer or array points to with
// a string literal.
func (ev *evaluator) stringEqual(x Value, lit string) (bool, error) {
	switch t := resolve(x.Type).(type) {
	case *godwarf.StringType:
		ptr, n, err := ev.goHeader(x)
		if err != nil || n != uint64(len(lit)) || n == 0 {
			return err == nil && n == uint64(len(lit)), err
		}
		buf := make([]byte, n)
		if got, err := ev.ctx.ReadMemory(ptr, buf); err != nil || got != len(buf) {
			return false, fmt.Errorf("cannot read memory at %#x", ptr)
		}
		return string(buf) == lit, nil
	case *godwarf.PtrType, *godwarf.ArrayType:
		var elem godwarf.Type
		if p, ok := t.(*godwarf.PtrType); ok {
			elem = p.Type
		} else {
			elem = t.(*godwarf.ArrayType).Type
		}
		switch resolve(elem).(type) {
		case *godwarf.CharType, *godwarf.UcharType:
		default:
			return false, fmt.Errorf("a string can only be compared with a char pointer or array, not %s", typeString(&x))
		}
		if a, ok := t.(*godwarf.ArrayType); ok {
			// An array: its characters up to the first NUL, within its
			// bounds (it need not hold a NUL at all).
			b, err := x.load(ev.ctx)
			if err != nil {
				return false, err
			}
			b = b[:min(int64(len(b)), max(a.Count, 0))]
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			return string(b) == lit, nil
		}
		s, err := toScalar(ev.ctx, &x)
		if err != nil {
			return false, err
		}
		if s.u == 0 {
			return false, nil
		}
		buf := make([]byte, len(lit)+1)
		if n, err := ev.ctx.ReadMemory(s.u, buf); err == nil && n == len(buf) {
			return string(buf) == lit+"\x00", nil
		}
		// A shorter string may end just before unmapped memory: compare
		// byte by byte up to the first difference.
		want := lit + "\x00"
		for i := range len(want) {
			var c [1]byte
			if n, err := ev.ctx.ReadMemory(s.u+uint64(i), c[:]); err != nil || n != 1 {
				return false, fmt.Errorf("cannot read memory at %#x", s.u+uint64(i))
			}
			if c[0] != want[i] {
				return false, nil
			}
		}
		return true, nil
	}
	return false, fmt.Errorf("a string can only be compared with a char pointer or array, not %s", typeString(&x))
}
