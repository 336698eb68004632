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

// mulCRCBitwise is a·b mod P one bit of a at a time: the definition
// mulCRC must match.
func mulCRCBitwise(a, b uint32) uint32 {
	var p uint32
	for m := crcOne; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		b = b>>1 ^ (-(b & 1) & crc32.Castagnoli)
	}
	return p
}

func TestMulCRC(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	check := func(a, b uint32) {
		if got, want := mulCRC(a, b), mulCRCBitwise(a, b); got != want {
			t.Fatalf("mulCRC(%08x, %08x) = %08x, want %08x", a, b, got, want)
		}
	}
	for i := 0; i < 32; i++ {
		for j := 0; j < 32; j++ {
			check(1<<i, 1<<j)
		}
	}
	for range 100000 {
		check(rng.Uint32(), rng.Uint32())
	}
	check(0, 0)
	check(^uint32(0), ^uint32(0))
}

func BenchmarkMulCRC(b *testing.B) {
	x, y := uint32(0x12345678), uint32(0x9abcdef0)
	for b.Loop() {
		x = mulCRC(x, y) | 1
	}
	_ = x
}
