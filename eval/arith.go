package eval

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/symbols"
)

// promote applies C's integer promotions (nothing narrower than int) and
// keeps floating-point types.
func promote(s scalar) godwarf.Type {
	if s.k == kindFloat {
		return s.typ
	}
	switch s.typ.(type) {
	case *godwarf.IntType, *godwarf.UintType:
		if s.typ.Size() >= 4 {
			return s.typ // already at least int: keeps its name (long long, long int)
		}
	}
	return integerType(s.typ.Size(), s.k == kindUnsigned)
}

// common is the type both operands of an arithmetic operator are
// converted to (C's usual arithmetic conversions).
func common(x, y scalar) godwarf.Type {
	switch {
	case x.k == kindFloat && y.k == kindFloat:
		if y.typ.Size() > x.typ.Size() {
			return y.typ
		}
		return x.typ
	case x.k == kindFloat:
		return x.typ
	case y.k == kindFloat:
		return y.typ
	}
	tx, ty := promote(x), promote(y)
	switch {
	case tx.Size() != ty.Size():
		if tx.Size() > ty.Size() {
			return tx
		}
		return ty
	case kindOf(tx) == kindUnsigned:
		return tx
	}
	return ty
}

// normalize converts s to the integer or float type t (resolved).
func normalize(s scalar, t godwarf.Type) scalar {
	k := kindOf(t)
	if k == kindFloat {
		return scalar{typ: t, k: k, f: s.toFloat()}
	}
	u := s.u
	if s.k == kindFloat {
		u = floatToInt(s.f, k == kindUnsigned)
	}
	size := t.Size()
	if size < 8 {
		u &= 1<<(8*size) - 1
		if k == kindSigned && u&(1<<(8*size-1)) != 0 {
			u |= ^uint64(0) << (8 * size)
		}
	}
	return scalar{typ: t, k: k, u: u}
}

var errDivideByZero = errors.New("division by zero")

func (ev *evaluator) binary(n *binaryOp) (Value, error) {
	if n.op == "@" {
		return ev.artificialArray(n)
	}
	if n.op == "==" || n.op == "!=" {
		if v, ok, err := ev.compareString(n); ok {
			return v, err
		}
	}
	x, err := ev.eval(n.x)
	if err != nil {
		return Value{}, err
	}
	y, err := ev.eval(n.y)
	if err != nil {
		return Value{}, err
	}
	sx, err := toScalar(ev.ctx, &x)
	if err != nil {
		return Value{}, &Error{Expr: ev.src, Part: ev.text(n.x), Err: err}
	}
	sy, err := toScalar(ev.ctx, &y)
	if err != nil {
		return Value{}, &Error{Expr: ev.src, Part: ev.text(n.y), Err: err}
	}
	if sx.k == kindPointer || sy.k == kindPointer {
		return ev.pointerArith(n.op, sx, sy, &x, &y)
	}
	if !isArithmetic(sx.k) || !isArithmetic(sy.k) {
		return Value{}, invalidOperands(n.op, &x, &y)
	}
	if n.op == "<<" || n.op == ">>" {
		return shift(n.op, sx, sy, &x, &y)
	}
	t := common(sx, sy)
	a, b := normalize(sx, t), normalize(sy, t)
	if a.k == kindFloat {
		return floatOp(n.op, a, b, t, &x, &y)
	}
	return intOp(n.op, a, b, t, &x, &y)
}

func invalidOperands(op string, x, y *Value) error {
	return fmt.Errorf("invalid operands to %s: %s and %s", op, typeString(x), typeString(y))
}

func compare(op string, less, equal bool) (Value, bool) {
	switch op {
	case "==":
		return boolInt(equal), true
	case "!=":
		return boolInt(!equal), true
	case "<":
		return boolInt(less), true
	case "<=":
		return boolInt(less || equal), true
	case ">":
		return boolInt(!less && !equal), true
	case ">=":
		return boolInt(!less), true
	}
	return Value{}, false
}

func intOp(op string, a, b scalar, t godwarf.Type, x, y *Value) (Value, error) {
	signed := a.k == kindSigned
	less := a.u < b.u
	if signed {
		less = int64(a.u) < int64(b.u)
	}
	if v, ok := compare(op, less, a.u == b.u); ok {
		return v, nil
	}
	var r uint64
	switch op {
	case "+":
		r = a.u + b.u
	case "-":
		r = a.u - b.u
	case "*":
		r = a.u * b.u
	case "/", "%":
		if b.u == 0 {
			return Value{}, errDivideByZero
		}
		switch {
		case signed && op == "/":
			r = uint64(int64(a.u) / int64(b.u))
		case signed:
			r = uint64(int64(a.u) % int64(b.u))
		case op == "/":
			r = a.u / b.u
		default:
			r = a.u % b.u
		}
	case "&":
		r = a.u & b.u
	case "|":
		r = a.u | b.u
	case "^":
		r = a.u ^ b.u
	default:
		return Value{}, invalidOperands(op, x, y)
	}
	return fromScalar(normalize(scalar{k: a.k, u: r}, t), t, nil), nil
}

func floatOp(op string, a, b scalar, t godwarf.Type, x, y *Value) (Value, error) {
	if v, ok := compare(op, a.f < b.f, a.f == b.f); ok {
		return v, nil
	}
	var r float64
	switch op {
	case "+":
		r = a.f + b.f
	case "-":
		r = a.f - b.f
	case "*":
		r = a.f * b.f
	case "/":
		r = a.f / b.f // IEEE: x/0 is an infinity or NaN, as in C
	default:
		return Value{}, invalidOperands(op, x, y)
	}
	return fromScalar(scalar{k: kindFloat, f: r}, t, nil), nil
}

func shift(op string, a, b scalar, x, y *Value) (Value, error) {
	if a.k == kindFloat || b.k == kindFloat {
		return Value{}, invalidOperands(op, x, y)
	}
	t := promote(a)
	width := uint64(8 * t.Size())
	if b.k == kindSigned && int64(b.u) < 0 || b.u >= width {
		return Value{}, fmt.Errorf("shift count %d is out of range for %s (0 to %d)", int64(b.u), symbols.TypeName(nil, t), width-1)
	}
	a = normalize(a, t)
	var r uint64
	switch {
	case op == "<<":
		r = a.u << b.u
	case a.k == kindSigned:
		r = uint64(int64(a.u) >> b.u)
	default:
		r = a.u >> b.u
	}
	return fromScalar(normalize(scalar{k: a.k, u: r}, t), t, nil), nil
}

// pointerArith handles pointer ± integer (scaled by the pointee's size),
// pointer - pointer (in elements), and comparisons of pointers with
// pointers and integers.
func (ev *evaluator) pointerArith(op string, a, b scalar, x, y *Value) (Value, error) {
	if v, ok := compare(op, a.u < b.u, a.u == b.u); ok {
		if a.k == kindFloat || b.k == kindFloat {
			return Value{}, invalidOperands(op, x, y)
		}
		return v, nil
	}
	switch {
	case op == "+" && a.k == kindPointer && isInteger(b.k):
		return offsetPointer(a, int64(b.u), x)
	case op == "+" && isInteger(a.k) && b.k == kindPointer:
		return offsetPointer(b, int64(a.u), y)
	case op == "-" && a.k == kindPointer && isInteger(b.k):
		return offsetPointer(a, -int64(b.u), x)
	case op == "-" && a.k == kindPointer && b.k == kindPointer:
		sa, err := pointeeSize(a.typ.(*godwarf.PtrType), x)
		if err != nil {
			return Value{}, err
		}
		sb, err := pointeeSize(b.typ.(*godwarf.PtrType), y)
		if err != nil {
			return Value{}, err
		}
		if sa != sb {
			return Value{}, fmt.Errorf("cannot subtract pointers to types of different sizes: %s and %s", typeString(x), typeString(y))
		}
		return fromScalar(scalar{k: kindSigned, u: uint64((int64(a.u) - int64(b.u)) / sa)}, typeLong, nil), nil
	}
	return Value{}, invalidOperands(op, x, y)
}

func offsetPointer(p scalar, n int64, v *Value) (Value, error) {
	pt := p.typ.(*godwarf.PtrType)
	size, err := pointeeSize(pt, v)
	if err != nil {
		return Value{}, err
	}
	typ := v.Type
	if kindOf(typ) == kindArray {
		typ = pt // an array decayed to a pointer to its first element
	}
	return fromScalar(scalar{k: kindPointer, u: p.u + uint64(n*size)}, typ, v.Image), nil
}

// compareString handles == and != between a string literal and a char
// pointer or array: it compares the characters. ok is false when neither
// side is a string literal.
func (ev *evaluator) compareString(n *binaryOp) (Value, bool, error) {
	lit, other := n.y, n.x
	if s, ok := n.x.(*stringLit); ok {
		lit, other = n.x, n.y
		_ = s
	}
	s, ok := lit.(*stringLit)
	if !ok {
		return Value{}, false, nil
	}
	if _, both := other.(*stringLit); both {
		return boolInt((n.op == "==") == (s.s == other.(*stringLit).s)), true, nil
	}
	v, err := ev.eval(other)
	if err != nil {
		return Value{}, true, err
	}
	eq, err := ev.stringEqual(v, s.s)
	if err != nil {
		return Value{}, true, err
	}
	return boolInt(eq == (n.op == "==")), true, nil
}

func (ev *evaluator) logical(n *logical) (Value, error) {
	x, err := ev.eval(n.x)
	if err != nil {
		return Value{}, err
	}
	a, err := truthy(ev.ctx, &x)
	if err != nil {
		return Value{}, &Error{Expr: ev.src, Part: ev.text(n.x), Err: err}
	}
	if n.op == "&&" && !a || n.op == "||" && a {
		return boolInt(a), nil
	}
	y, err := ev.eval(n.y)
	if err != nil {
		return Value{}, err
	}
	b, err := truthy(ev.ctx, &y)
	if err != nil {
		return Value{}, &Error{Expr: ev.src, Part: ev.text(n.y), Err: err}
	}
	return boolInt(b), nil
}

// typeOf finds the type a cast or sizeof names.
func (ev *evaluator) typeOf(tn typeName) (godwarf.Type, *symbols.Image, error) {
	var t godwarf.Type
	var im *symbols.Image
	switch {
	case tn.tag == "" && builtinTypes[tn.base] != nil:
		t = builtinTypes[tn.base]
	case tn.tag == "" && fixedTypes[tn.base] != nil:
		t = fixedTypes[tn.base]
	default:
		tf, ok := ev.ctx.(TypeFinder)
		if !ok {
			return nil, nil, fmt.Errorf("unknown type %q", typeName{base: tn.base, tag: tn.tag}.String())
		}
		var err error
		t, im, err = tf.FindType(tn.tag, tn.base)
		if err != nil {
			return nil, nil, err
		}
	}
	for range tn.pointers {
		t = pointerTo(t)
	}
	return t, im, nil
}

// convert converts x to type t as a C cast does.
func (ev *evaluator) convert(x Value, t godwarf.Type, im *symbols.Image) (Value, error) {
	rt := resolve(t)
	switch rt.(type) {
	case *godwarf.BoolType:
		ok, err := truthy(ev.ctx, &x)
		if err != nil {
			return Value{}, err
		}
		return Value{Type: t, Image: im, Data: []byte{b2u8(ok)}}, nil
	case *godwarf.StructType, *godwarf.ArrayType:
		if x.InMemory && sizeOf(x.Type) == sizeOf(rt) {
			return InMemoryValue(t, im, x.Addr), nil // reinterpret, as gdb does
		}
		return Value{}, fmt.Errorf("cannot cast %s to %s", typeString(&x), symbols.TypeName(im, t))
	case *godwarf.VoidType:
		return Value{Type: t, Data: []byte{}}, nil
	}
	k := kindOf(rt)
	if !isArithmetic(k) && k != kindPointer {
		return Value{}, fmt.Errorf("cannot cast to %s", symbols.TypeName(im, t))
	}
	s, err := toScalar(ev.ctx, &x)
	if err != nil {
		return Value{}, err
	}
	if k == kindPointer && s.k == kindFloat || s.k == kindPointer && k == kindFloat {
		return Value{}, fmt.Errorf("cannot cast %s to %s", typeString(&x), symbols.TypeName(im, t))
	}
	if k == kindPointer {
		return fromScalar(scalar{k: kindPointer, u: s.u}, t, im), nil
	}
	out := fromScalar(normalize(s, rt), t, im)
	return out, nil
}

func b2u8(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (ev *evaluator) assign(n *assign) (Value, error) {
	w := ev.ctx.(Writer) // Eval checked
	lhs, err := ev.eval(n.lhs)
	if err != nil {
		return Value{}, err
	}
	rhs, err := ev.eval(n.rhs)
	if err != nil {
		return Value{}, err
	}
	if lhs.bitSize > 0 {
		return Value{}, fmt.Errorf("cannot assign to the bit field %s", ev.text(n.lhs))
	}
	if !lhs.InMemory && lhs.Register == "" {
		return Value{}, fmt.Errorf("cannot assign to %s: it is not a variable in memory or a register", ev.text(n.lhs))
	}
	var data []byte
	switch rt := resolve(lhs.Type).(type) {
	case *godwarf.StructType, *godwarf.ArrayType:
		if sizeOf(rhs.Type) != sizeOf(rt) || kindOf(rhs.Type) != kindOf(rt) {
			return Value{}, fmt.Errorf("cannot assign %s to %s", typeString(&rhs), typeString(&lhs))
		}
		data, err = rhs.load(ev.ctx)
	default:
		var c Value
		c, err = ev.convert(rhs, lhs.Type, lhs.Image)
		data = c.Data
	}
	if err != nil {
		return Value{}, err
	}
	if lhs.Register != "" {
		if len(data) > 8 {
			return Value{}, fmt.Errorf("assigning to $%s is not supported", lhs.Register)
		}
		var word [8]byte
		copy(word[:], data)
		if err := w.WriteRegister(lhs.Register, binary.LittleEndian.Uint64(word[:])); err != nil {
			return Value{}, err
		}
		return Value{Type: lhs.Type, Data: data, Register: lhs.Register}, nil
	}
	if err := w.WriteMemory(lhs.Addr, data); err != nil {
		return Value{}, fmt.Errorf("cannot write memory at %#x: %w", lhs.Addr, err)
	}
	return InMemoryValue(lhs.Type, lhs.Image, lhs.Addr), nil
}

// maxArtificial bounds the elements of an artificial array.
const maxArtificial = 1 << 16

// artificialArray is gdb's x@n: the array of n values of x's type that
// starts where x is in memory.
func (ev *evaluator) artificialArray(n *binaryOp) (Value, error) {
	x, err := ev.eval(n.x)
	if err != nil {
		return Value{}, err
	}
	if !x.InMemory || x.bitSize > 0 {
		return Value{}, fmt.Errorf("only a value in memory can start an array with @: %s is not one", ev.text(n.x))
	}
	y, err := ev.eval(n.y)
	if err != nil {
		return Value{}, err
	}
	c, err := toScalar(ev.ctx, &y)
	if err != nil {
		return Value{}, err
	}
	if !isInteger(c.k) || int64(c.u) <= 0 || c.u > maxArtificial {
		return Value{}, fmt.Errorf("the count after @ must be an integer from 1 to %d", maxArtificial)
	}
	if sizeOf(x.Type) <= 0 {
		return Value{}, fmt.Errorf("%s has no size", typeString(&x))
	}
	return InMemoryValue(arrayOf(x.Type, int64(c.u)), x.Image, x.Addr), nil
}
