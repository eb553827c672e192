package arch

import "golang.org/x/arch/x86/x86asm"

// decodeMissing recognises instructions that x86asm (v0.33) decodes wrongly
// or not at all, found by comparing it with objdump over all of libc:
// endbr64/endbr32 (emitted at every function entry under
// -fcf-protection, which x86asm takes for a lone rep prefix), rdpkru and
// wrpkru, and vzeroupper/vzeroall (x86asm reads a ModRM byte they do not
// have, so it gets their length wrong and loses its way after them). It
// returns the instruction's text and length, or 0.
func decodeMissing(code []byte) (string, int) {
	switch {
	case len(code) >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa:
		return "endbr64", 4
	case len(code) >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfb:
		return "endbr32", 4
	case len(code) >= 3 && code[0] == 0x0f && code[1] == 0x01 && code[2] == 0xee:
		return "rdpkru", 3
	case len(code) >= 3 && code[0] == 0x0f && code[1] == 0x01 && code[2] == 0xef:
		return "wrpkru", 3
	case len(code) >= 3 && code[0] == 0xc5 && code[2] == 0x77:
		// Two-byte VEX: R vvvv L pp, with vvvv 1111 and pp 00.
		return vzero(code[1]&0x7b == 0x78, code[1]&0x04 != 0, 3)
	case len(code) >= 4 && code[0] == 0xc4 && code[1]&0x1f == 0x01 && code[3] == 0x77:
		// Three-byte VEX: map 0F; then W vvvv L pp, vvvv 1111, pp 00.
		return vzero(code[2]&0x7b == 0x78, code[2]&0x04 != 0, 4)
	}
	return "", 0
}

func vzero(valid, all bool, n int) (string, int) {
	switch {
	case !valid:
		return "", 0
	case all:
		return "vzeroall", n
	}
	return "vzeroupper", n
}

// fixVEXRIPRelative repairs a VEX or EVEX instruction's memory operand that
// x86asm (v0.33) decodes as an absolute address when the ModRM byte says
// RIP-relative (mod 00, r/m 101 without SIB, which in 64-bit mode always
// means RIP + disp32): "vaddpd 0xf69(%rip),%ymm0,%ymm1" came out as
// "vaddpd 0xf69,%ymm0,%ymm1". Such an operand has no base, no index and,
// unlike the SIB absolute form, no scale.
func fixVEXRIPRelative(raw *x86asm.Inst) {
	vex := false
	for _, p := range raw.Prefix {
		if p == 0 {
			break
		}
		vex = vex || p.IsVEX() || p.IsEVEX()
	}
	if !vex {
		return
	}
	for i, arg := range raw.Args {
		if m, ok := arg.(x86asm.Mem); ok && m.Base == 0 && m.Index == 0 && m.Scale == 0 && m.Segment == 0 {
			m.Base = x86asm.RIP
			raw.Args[i] = m
		}
	}
}
