package engine

import (
	"encoding/binary"
	"errors"
	"math"
)

// The wire's primitives: unsigned and signed varints, little-endian
// float64, and length-prefixed byte strings whose prefix is length+1, so
// that nil (prefix 0) and empty (prefix 1) stay distinct (an mvcc range's
// End tells them apart). Decoding never trusts a length: every length and
// count is checked against the bytes that remain, so a hostile frame fails
// with errMalformed instead of allocating what it claims.

var errMalformed = errors.New("engine protocol: malformed frame")

type wbuf struct{ b []byte }

func (w *wbuf) u(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *wbuf) i(v int64)  { w.b = binary.AppendVarint(w.b, v) }
func (w *wbuf) f(v float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
}
func (w *wbuf) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}
func (w *wbuf) bytes(p []byte) {
	if p == nil {
		w.u(0)
		return
	}
	w.u(uint64(len(p)) + 1)
	w.b = append(w.b, p...)
}
func (w *wbuf) str(s string) {
	w.u(uint64(len(s)))
	w.b = append(w.b, s...)
}

// rbuf reads what wbuf wrote. The first failure sticks in err; reads after
// it return zero values.
type rbuf struct {
	b   []byte
	err error
}

func (r *rbuf) fail() { r.err, r.b = errMalformed, nil }

func (r *rbuf) u() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *rbuf) i() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *rbuf) f() float64 {
	if r.err != nil || len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func (r *rbuf) bool() bool {
	if r.err != nil || len(r.b) < 1 || r.b[0] > 1 {
		r.fail()
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

func (r *rbuf) bytes() []byte {
	n := r.u()
	if r.err != nil || n == 0 {
		return nil
	}
	n--
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := make([]byte, n)
	copy(p, r.b)
	r.b = r.b[n:]
	return p
}

func (r *rbuf) str() string {
	n := r.u()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// count reads a number of items of at least min bytes each, failing when
// the frame cannot hold that many.
func (r *rbuf) count(min int) int {
	n := r.u()
	if r.err != nil {
		return 0
	}
	if n > uint64(len(r.b)/max(min, 1)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *rbuf) int() int { return int(r.i()) }
