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

// mulX returns v·x mod P.
func mulX(v uint32) uint32 { return v>>1 ^ (-(v & 1) & crc32.Castagnoli) }

// mulX4Low[n] is n·x^4 mod P for a register n < 16, which holds only the
// coefficients of x^28..x^31: a register's product with x^4 is
// v>>4 ^ mulX4Low[v&15] (the other coefficients do not overflow).
var mulX4Low = func() (t [16]uint32) {
	for n := range t {
		t[n] = mulX(mulX(mulX(mulX(uint32(n)))))
	}
	return t
}()

// mulCRC returns a·b mod P (P = Castagnoli), reflected. Four bits of a at
// a time, without branches (a bit-serial loop took 420 ns under wasm,
// where segment arithmetic is most of an incremental HashKV): by Horner's
// rule from a's highest-degree nibble (its low bits), p = p·x^4 + q·b,
// where q·b comes from a table of b's 16 multiples by 4-bit polynomials.
func mulCRC(a, b uint32) uint32 {
	// q[n] = b·(the nibble n, whose bit t is the coefficient of x^(3-t)).
	var q [16]uint32
	b1 := mulX(b)
	b2 := mulX(b1)
	b3 := mulX(b2)
	q[1], q[2], q[4], q[8] = b3, b2, b1, b
	for n := 3; n < 16; n++ {
		if n&(n-1) != 0 {
			q[n] = q[n&(n-1)] ^ q[n&-n]
		}
	}
	var p uint32
	for k := 0; k < 32; k += 4 {
		p = p>>4 ^ mulX4Low[p&15] ^ q[a>>k&15]
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
