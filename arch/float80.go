package arch

import "math/big"

// newFloat64Mant returns mant * 2^exp exactly, with the 64-bit precision of
// an x87 mantissa, so that Text('g', -1) prints the shortest decimal that
// identifies the 80-bit value.
func newFloat64Mant(mant uint64, exp int) *big.Float {
	f := new(big.Float).SetPrec(64).SetUint64(mant)
	return f.SetMantExp(f, exp)
}
