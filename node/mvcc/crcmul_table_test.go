package mvcc

import (
	"math/rand"
	"testing"
)

// A table's product is mulCRC's, for every bit of a.
func TestMulTableMatchesMulCRC(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var tab mulTable
	for range 50 {
		m := rng.Uint32() | 1
		tab.build(m)
		check := func(a uint32) {
			if got, want := tab.mul(a), mulCRC(a, m); got != want {
				t.Fatalf("table for %08x: %08x·m = %08x, mulCRC says %08x", m, a, got, want)
			}
		}
		for i := range 32 {
			check(1 << i)
		}
		check(0)
		check(^uint32(0))
		for range 1000 {
			check(rng.Uint32())
		}
	}
}

// foldSeg gives cat's result whatever the order of the pows it meets:
// runs of one pow (the table), alternations and single changes (mulCRC),
// and a curHash without a table (a checkpoint's copy).
func TestFoldSegMatchesCat(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	pows := []uint32{pow8(300), pow8(301), pow8(4096), pow8(1)}
	var c curHash
	got, want := emptySeg, emptySeg
	for i := range 20000 {
		var p uint32
		switch {
		case i%1000 < 600:
			p = pows[0] // a run
		case i%1000 < 800:
			p = pows[i%2] // alternating
		default:
			p = pows[rng.Intn(len(pows))]
		}
		seg := crcSeg{reg: rng.Uint32(), pow: p}
		got, want = c.foldSeg(got, seg), want.cat(seg)
		if got != want {
			t.Fatalf("segment %d: foldSeg %+v, cat %+v", i, got, want)
		}
		if i == 10000 {
			c.mt = nil // as in a copy
		}
	}
	if c.mt == nil || c.mt.tabs[0].m == 0 {
		t.Fatalf("no table was built for the runs")
	}
}

func BenchmarkFoldSegOnePow(b *testing.B) {
	var c curHash
	s, seg := emptySeg, crcSeg{reg: 0x12345678, pow: pow8(300)}
	for b.Loop() {
		s = c.foldSeg(s, seg)
	}
	_ = s
}

func BenchmarkCatOnePow(b *testing.B) {
	s, seg := emptySeg, crcSeg{reg: 0x12345678, pow: pow8(300)}
	for b.Loop() {
		s = s.cat(seg)
	}
	_ = s
}
