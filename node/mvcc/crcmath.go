package mvcc

import "hash/crc32"

// CRC-32C arithmetic for combining hashes of concatenated byte streams
// (used by the incremental HashKV, curhash.go).
//
// A CRC register r is a polynomial over GF(2) of degree < 32 in the
// reflected bit order hash/crc32 uses (bit 31 is x^0, bit 0 is x^31).
// Running the register from r over a byte stream M gives
//
//	run(r, M) = r·x^(8·len(M)) mod P  xor  run(0, M)
//
// so the register of a concatenation A||B is
// mulCRC(run(0, A), pow8(len(B))) ^ run(0, B). hash/crc32 exposes
// Update(crc, tab, M) = ^run(^crc, M).

// crcOne is the polynomial 1 (x^0) in reflected order.
const crcOne uint32 = 1 << 31

// mulCRC returns a·b mod P (P = Castagnoli), reflected.
func mulCRC(a, b uint32) uint32 {
	var p uint32
	for m := crcOne; m != 0 && a != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			a ^= m
		}
		b = b>>1 ^ (-(b & 1) & crc32.Castagnoli)
	}
	return p
}

// xPow2 holds x^(2^k) mod P for k < 64.
var xPow2 = func() (t [64]uint32) {
	t[0] = crcOne >> 1 // x^1
	for k := 1; k < len(t); k++ {
		t[k] = mulCRC(t[k-1], t[k-1])
	}
	return t
}()

// pow8 returns x^(8·n) mod P: the factor by which n more bytes shift a
// register. n >= 0.
func pow8(n int64) uint32 {
	p := crcOne
	for k, e := 3, uint64(n); e != 0; k, e = k+1, e>>1 {
		if e&1 != 0 {
			p = mulCRC(p, xPow2[k])
		}
	}
	return p
}

// runCRC returns run(r, b): register r advanced over b.
func runCRC(r uint32, b []byte) uint32 { return ^crc32.Update(^r, castagnoli, b) }

// crcSeg is the hash of one byte segment: reg = run(0, segment),
// pow = pow8(len(segment)). The empty segment is {0, crcOne}.
type crcSeg struct {
	reg, pow uint32
}

var emptySeg = crcSeg{pow: crcOne}

// cat returns the segment of a's bytes followed by b's.
func (a crcSeg) cat(b crcSeg) crcSeg {
	return crcSeg{reg: mulCRC(a.reg, b.pow) ^ b.reg, pow: mulCRC(a.pow, b.pow)}
}
