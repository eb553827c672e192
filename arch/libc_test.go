package arch

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDecodeMatchesObjdumpOnLibc decodes every instruction objdump finds in
// the system's C library (over 300,000 on Debian 12, with SSE, AVX2,
// AVX-512, BMI and TSX code) and checks each length and mnemonic, and the
// address of each RIP-relative operand. This is
// how the x86asm gaps that decodeMissing covers were found.
func TestDecodeMatchesObjdumpOnLibc(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes all of libc; skipped with -short")
	}
	if raceEnabled {
		// Decoding is single-goroutine and pure, so the race detector has
		// nothing to find here; it only makes parsing 25 MB of objdump
		// output take a minute on a loaded machine. The fixture tests
		// above run the same code under -race.
		t.Skip("skipped under -race: nothing concurrent, and ten times slower")
	}
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("objdump not installed")
	}
	out, err := exec.Command("gcc", "-print-file-name=libc.so.6").Output()
	libc := strings.TrimSpace(string(out))
	if err != nil || !filepath.IsAbs(libc) {
		t.Skipf("cannot locate libc.so.6 (gcc says %q, %v)", libc, err)
	}
	img := loadImage(t, libc)
	compared, lengths, mnemonics, ripRelative, addresses := 0, 0, 0, 0, 0
	for _, insts := range objdumpFunctions(t, libc, nil) {
		for _, want := range insts {
			compared++
			got, err := Decode(img.code(t, want.addr), want.addr)
			if got.Len != want.bytes {
				if lengths++; lengths <= 20 {
					t.Errorf("%#x: length %d %q (%v), objdump %d %q", want.addr, got.Len, got.GNU(nil), err, want.bytes, want.text)
				}
				continue
			}
			if om, gm := normalizeMnemonic(want.text), normalizeMnemonic(got.GNU(nil)); om != "" && om != gm {
				if mnemonics++; mnemonics <= 20 {
					t.Errorf("%#x: mnemonic %q (%s), objdump %q (%s)", want.addr, gm, got.GNU(nil), om, want.text)
				}
			}
			if c := objdumpComment.FindStringSubmatch(want.text); c != nil && strings.Contains(want.text, "(%rip)") {
				ripRelative++
				if addr, _ := strconv.ParseUint(c[1], 16, 64); got.MemAddr != addr {
					if addresses++; addresses <= 20 {
						t.Errorf("%#x: MemAddr %#x (%s), objdump %q", want.addr, got.MemAddr, got.GNU(nil), want.text)
					}
				}
			}
		}
	}
	if compared < 10000 {
		t.Errorf("objdump listed only %d instructions in %s", compared, libc)
	}
	t.Logf("%s: %d instructions (%d RIP-relative), %d length, %d mnemonic and %d address differences",
		libc, compared, ripRelative, lengths, mnemonics, addresses)
}
