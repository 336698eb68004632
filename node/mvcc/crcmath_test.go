package mvcc

import (
	"hash/crc32"
	"math/rand"
	"testing"
)

// segOf hashes b directly.
func segOf(b []byte) crcSeg { return crcSeg{reg: runCRC(0, b), pow: pow8(int64(len(b)))} }

// TestCRCCat checks segment concatenation against hash/crc32 over the
// concatenated bytes, for random splits into up to 8 parts (empty parts
// included).
func TestCRCCat(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 500; iter++ {
		b := make([]byte, rng.Intn(3000))
		rng.Read(b)
		parts := rng.Intn(8) + 1
		seg := emptySeg
		rest := b
		for p := 0; p < parts; p++ {
			n := len(rest)
			if p < parts-1 && n > 0 {
				n = rng.Intn(n + 1)
			}
			seg = seg.cat(segOf(rest[:n]))
			rest = rest[n:]
		}
		init := rng.Uint32()
		want := crc32.Update(init, castagnoli, b)
		got := ^(mulCRC(^init, seg.pow) ^ seg.reg)
		if got != want {
			t.Fatalf("iter %d (%d bytes, %d parts): got %08x, want %08x", iter, len(b), parts, got, want)
		}
	}
}

func TestPow8(t *testing.T) {
	// Shifting a register by n bytes is running it over n zero bytes.
	for _, n := range []int{0, 1, 2, 3, 7, 64, 1000, 4097} {
		r := uint32(0xdeadbeef)
		if got, want := mulCRC(r, pow8(int64(n))), runCRC(r, make([]byte, n)); got != want {
			t.Fatalf("n=%d: %08x, want %08x", n, got, want)
		}
	}
	if mulCRC(crcOne, 0x12345678) != 0x12345678 || mulCRC(0x12345678, crcOne) != 0x12345678 {
		t.Fatal("crcOne is not the identity")
	}
}
