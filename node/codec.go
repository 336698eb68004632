package node

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The entry codec: every write request travels through raft as one entry
// whose Data is
//
//	kind byte | request ID uvarint | payload
//
// with integers as (u)varints and byte strings as uvarint(len+1) followed by
// the bytes (0 encodes nil, so nil and empty survive a round trip exactly).
// Encoding is deterministic: equal requests give equal bytes. Decoding never
// panics: every length is checked against the remaining input, txn nesting
// is bounded, and only the canonical encoding is accepted (no overlong
// varints), so decoding then encoding gives back the same bytes.
//
// The request ID lets the member that proposed an entry answer its waiting
// client when the entry is applied; other members ignore it.

type entryKind byte

const (
	kindPut entryKind = iota + 1
	kindDeleteRange
	kindTxn
	kindCompact
	kindLeaseGrant
	kindLeaseRevoke
	kindLeaseKeepAlive
	// etcd's cluster bookkeeping entries (membership.go): a member
	// publishing its attributes, the leader setting the cluster version.
	kindMemberAttrs
	kindClusterVersion
)

// maxTxnDepth bounds nested txns in decoded data (the store enforces its own
// limits on what it accepts).
const maxTxnDepth = 32

// errCorruptEntry is wrapped by every decoding error.
var errCorruptEntry = errors.New("node: corrupt entry")

// request is a decoded entry: the request ID and exactly one write request.
type request struct {
	id   uint64
	kind entryKind

	put         *mvcc.PutRequest
	deleteRange *mvcc.DeleteRangeRequest
	txn         *mvcc.TxnRequest
	compact     int64
	leaseGrant  *mvcc.LeaseGrantRequest
	leaseID     int64 // revoke, keep-alive
	attrs       *MemberAttributes
	version     string // cluster version

	// Storage for the top-level request, so that decoding a put or a
	// delete allocates nothing (the apply path decodes every entry).
	putBuf   mvcc.PutRequest
	delBuf   mvcc.DeleteRangeRequest
	grantBuf mvcc.LeaseGrantRequest
}

// encodeRequest encodes a write request. The caller guarantees exactly one
// of the request fields matching kind is set. The result becomes an entry's
// Data: nobody writes it afterwards (see entrydata.go).
func encodeRequest(r *request) []byte {
	e := encoder{buf: make([]byte, 0, 64)}
	e.buf = append(e.buf, byte(r.kind))
	e.uvarint(r.id)
	switch r.kind {
	case kindPut:
		e.put(r.put)
	case kindDeleteRange:
		e.deleteRange(r.deleteRange)
	case kindTxn:
		e.txn(r.txn)
	case kindCompact:
		e.varint(r.compact)
	case kindLeaseGrant:
		e.varint(r.leaseGrant.ID)
		e.varint(r.leaseGrant.TTL)
	case kindLeaseRevoke, kindLeaseKeepAlive:
		e.varint(r.leaseID)
	case kindMemberAttrs:
		e.memberAttrs(r.attrs)
	case kindClusterVersion:
		e.bytes([]byte(r.version))
	}
	return e.buf
}

// decodeRequest is encodeRequest's inverse. Byte slices in the result alias
// data, with their capacity cut to their length: entry data is shared by
// every member and never written (transport's payload contract, see
// entrydata.go), so whoever receives them only reads them, and the store
// copies what it keeps.
func decodeRequest(data []byte) (*request, error) {
	r := &request{}
	if err := decodeRequestInto(r, data); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeRequestInto decodes into r, overwriting it; a top-level put, delete
// or lease grant lands in r's own storage (valid until r is reused).
func decodeRequestInto(r *request, data []byte) error {
	d := decoder{buf: data}
	*r = request{kind: entryKind(d.byte())}
	r.id = d.uvarint()
	switch r.kind {
	case kindPut:
		d.putInto(&r.putBuf)
		r.put = &r.putBuf
	case kindDeleteRange:
		d.deleteRangeInto(&r.delBuf)
		r.deleteRange = &r.delBuf
	case kindTxn:
		r.txn = d.txn(0)
	case kindCompact:
		r.compact = d.varint()
	case kindLeaseGrant:
		r.grantBuf = mvcc.LeaseGrantRequest{ID: d.varint(), TTL: d.varint()}
		r.leaseGrant = &r.grantBuf
	case kindLeaseRevoke, kindLeaseKeepAlive:
		r.leaseID = d.varint()
	case kindMemberAttrs:
		r.attrs = d.memberAttrs()
	case kindClusterVersion:
		r.version = string(d.bytes())
	default:
		d.fail("unknown entry kind %d", r.kind)
	}
	if d.err == nil && d.pos != len(d.buf) {
		d.fail("%d trailing bytes", len(d.buf)-d.pos)
	}
	return d.err
}

// decodePut decodes data, which must hold a put entry (kind byte kindPut),
// into *put and returns its request ID. It is decodeRequestInto for the
// commonest entry, writing nothing but *put, so that a caller can keep put
// on its stack: the apply path decodes every entry on every member, and
// filling a heap-resident request costs GC write barriers.
func decodePut(data []byte, put *mvcc.PutRequest) (uint64, error) {
	if id, ok := decodePutShort(data, put); ok {
		return id, nil
	}
	if id, ok := decodePutFast(data, put); ok {
		return id, nil
	}
	d := decoder{buf: data}
	if k := entryKind(d.byte()); k != kindPut {
		d.fail("entry kind %d is not a put", k)
	}
	id := d.uvarint()
	d.putInto(put)
	if d.err == nil && d.pos != len(d.buf) {
		d.fail("%d trailing bytes", len(d.buf)-d.pos)
	}
	return id, d.err
}

// decodePutFast decodes a valid put entry in straight-line code, without
// the decoder's per-read error bookkeeping (about a third faster under
// js/wasm). For any input it does not decode it reports false, and
// decodePut's checked path then decodes or reports the error, so the two
// paths accept exactly the same inputs (checkDecodePut tests this).
func decodePutFast(data []byte, put *mvcc.PutRequest) (uint64, bool) {
	if len(data) == 0 || entryKind(data[0]) != kindPut {
		return 0, false
	}
	id, p, ok := uvarintAt(data, 1)
	if !ok {
		return 0, false
	}
	key, p, ok := bytesAt(data, p)
	if !ok {
		return 0, false
	}
	value, p, ok := bytesAt(data, p)
	if !ok {
		return 0, false
	}
	lease, n := binary.Varint(data[p:])
	if n <= 0 || n > 1 && data[p+n-1] == 0 {
		return 0, false
	}
	if p += n; p != len(data)-1 || data[p] > 1 {
		return 0, false
	}
	*put = mvcc.PutRequest{Key: key, Value: value, Lease: lease, PrevKV: data[p] == 1}
	return id, true
}

// decodePutShort decodes the common put entry (a key and a value of 1 to
// 126 bytes, a lease ID in [-64, 63], every length and the lease one byte
// long) in one loop-free pass after the request ID: under js/wasm every call
// is costly, and every member decodes every put. For any other input it
// reports false and decodePut tries the general paths, so it accepts a
// subset of what they accept, with the same result (checkDecodePut).
func decodePutShort(d []byte, put *mvcc.PutRequest) (uint64, bool) {
	if len(d) < 2 || entryKind(d[0]) != kindPut {
		return 0, false
	}
	// The request ID: a canonical uvarint of at most 9 bytes (no overflow
	// possible, and a multi-byte one does not end in a zero byte).
	var id uint64
	p := 1
	for s := uint(0); ; s += 7 {
		if p >= len(d) || s > 56 {
			return 0, false
		}
		c := d[p]
		p++
		id |= uint64(c&0x7f) << s
		if c < 0x80 {
			if c == 0 && s > 0 {
				return 0, false
			}
			break
		}
	}
	// Key and value: one length byte each, len+1 (0 would be nil: not here).
	if p >= len(d) || d[p] == 0 || d[p] >= 0x80 {
		return 0, false
	}
	k := p + 1
	p = k + int(d[p]) - 1
	if p >= len(d) || d[p] == 0 || d[p] >= 0x80 {
		return 0, false
	}
	v := p + 1
	p = v + int(d[p]) - 1
	// Then the zigzag lease byte and the PrevKV byte, which ends the entry.
	if p+2 != len(d) || d[p] >= 0x80 || d[p+1] > 1 {
		return 0, false
	}
	// Field by field: put may be in the heap (a member's scratch), where a
	// whole-struct store goes through the bulk write barrier.
	put.Key, put.Value = d[k:v-1:v-1], d[v:p:p]
	put.Lease, put.PrevKV = int64(d[p]>>1)^-int64(d[p]&1), d[p+1] == 1
	return id, true
}

// uvarintAt and bytesAt read what decoder's uvarint and bytes read, at
// b[p:], and return the position after it; ok is false where the decoder
// fails.
func uvarintAt(b []byte, p int) (v uint64, next int, ok bool) {
	v, n := binary.Uvarint(b[p:])
	if n <= 0 || n > 1 && b[p+n-1] == 0 {
		return 0, 0, false
	}
	return v, p + n, true
}

func bytesAt(b []byte, p int) (s []byte, next int, ok bool) {
	n, p, ok := uvarintAt(b, p)
	switch {
	case !ok:
		return nil, 0, false
	case n == 0:
		return nil, p, true
	case n-1 > uint64(len(b)-p):
		return nil, 0, false
	}
	end := p + int(n-1)
	return b[p:end:end], end, true
}

type encoder struct{ buf []byte }

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (e *encoder) bool(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) bytes(b []byte) {
	if b == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(b)) + 1)
	e.buf = append(e.buf, b...)
}

func (e *encoder) put(r *mvcc.PutRequest) {
	e.bytes(r.Key)
	e.bytes(r.Value)
	e.varint(r.Lease)
	e.bool(r.PrevKV)
}

func (e *encoder) deleteRange(r *mvcc.DeleteRangeRequest) {
	e.bytes(r.Key)
	e.bytes(r.End)
	e.bool(r.PrevKV)
}

func (e *encoder) rangeReq(r *mvcc.RangeRequest) {
	e.bytes(r.Key)
	e.bytes(r.End)
	e.varint(r.Rev)
	e.varint(r.Limit)
	e.varint(int64(r.SortOrder))
	e.varint(int64(r.SortTarget))
	e.bool(r.KeysOnly)
	e.bool(r.CountOnly)
}

func (e *encoder) txn(r *mvcc.TxnRequest) {
	e.uvarint(uint64(len(r.Compare)))
	for i := range r.Compare {
		c := &r.Compare[i]
		e.bytes(c.Key)
		e.bytes(c.End)
		e.varint(int64(c.Target))
		e.varint(int64(c.Result))
		e.varint(c.Version)
		e.varint(c.CreateRevision)
		e.varint(c.ModRevision)
		e.bytes(c.Value)
		e.varint(c.Lease)
	}
	e.ops(r.Success)
	e.ops(r.Failure)
}

// Request op tags inside a txn.
const (
	opRange byte = iota + 1
	opPut
	opDeleteRange
	opTxn
)

func (e *encoder) ops(ops []mvcc.RequestOp) {
	e.uvarint(uint64(len(ops)))
	for _, op := range ops {
		switch {
		case op.Range != nil:
			e.buf = append(e.buf, opRange)
			e.rangeReq(op.Range)
		case op.Put != nil:
			e.buf = append(e.buf, opPut)
			e.put(op.Put)
		case op.DeleteRange != nil:
			e.buf = append(e.buf, opDeleteRange)
			e.deleteRange(op.DeleteRange)
		case op.Txn != nil:
			e.buf = append(e.buf, opTxn)
			e.txn(op.Txn)
		default:
			// An empty RequestOp: kept as such so the store rejects it
			// the same way on every member.
			e.buf = append(e.buf, 0)
		}
	}
}

// decoder reads what encoder wrote. After the first error every read
// returns a zero value and err keeps that first error.
type decoder struct {
	buf []byte
	pos int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %s", errCorruptEntry, d.pos, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.pos >= len(d.buf) {
		d.fail("truncated")
		return 0
	}
	b := d.buf[d.pos]
	d.pos++
	return b
}

func (d *decoder) bool() bool {
	switch b := d.byte(); b {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail("bad bool %d", b)
		return false
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 || n > 1 && d.buf[d.pos+n-1] == 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf[d.pos:])
	if n <= 0 || n > 1 && d.buf[d.pos+n-1] == 0 {
		d.fail("bad varint")
		return 0
	}
	d.pos += n
	return v
}

// int32 reads a varint that must fit an int32 (the enums: a value out of
// range would not survive the conversion, so decoding then encoding would
// not give back the input).
func (d *decoder) int32() int32 {
	v := d.varint()
	if v != int64(int32(v)) {
		d.fail("value %d out of range", v)
		return 0
	}
	return int32(v)
}

// count reads a list length, bounded by the remaining input (every element
// takes at least one byte).
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)-d.pos) {
		d.fail("list of %d elements in %d bytes", n, len(d.buf)-d.pos)
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return nil
	}
	n--
	if n > uint64(len(d.buf)-d.pos) {
		d.fail("byte string of %d bytes in %d", n, len(d.buf)-d.pos)
		return nil
	}
	b := d.buf[d.pos : d.pos+int(n) : d.pos+int(n)]
	d.pos += int(n)
	return b
}

func (d *decoder) put() *mvcc.PutRequest {
	r := &mvcc.PutRequest{}
	d.putInto(r)
	return r
}

func (d *decoder) putInto(r *mvcc.PutRequest) {
	*r = mvcc.PutRequest{Key: d.bytes(), Value: d.bytes(), Lease: d.varint(), PrevKV: d.bool()}
}

func (d *decoder) deleteRange() *mvcc.DeleteRangeRequest {
	r := &mvcc.DeleteRangeRequest{}
	d.deleteRangeInto(r)
	return r
}

func (d *decoder) deleteRangeInto(r *mvcc.DeleteRangeRequest) {
	*r = mvcc.DeleteRangeRequest{Key: d.bytes(), End: d.bytes(), PrevKV: d.bool()}
}

func (d *decoder) rangeReq() *mvcc.RangeRequest {
	return &mvcc.RangeRequest{
		Key: d.bytes(), End: d.bytes(), Rev: d.varint(), Limit: d.varint(),
		SortOrder: mvcc.SortOrder(d.int32()), SortTarget: mvcc.SortTarget(d.int32()),
		KeysOnly: d.bool(), CountOnly: d.bool(),
	}
}

func (d *decoder) txn(depth int) *mvcc.TxnRequest {
	if depth > maxTxnDepth {
		d.fail("txn nested deeper than %d", maxTxnDepth)
		return &mvcc.TxnRequest{}
	}
	r := &mvcc.TxnRequest{}
	if n := d.count(); n > 0 {
		r.Compare = make([]mvcc.Compare, n)
		for i := range r.Compare {
			c := &r.Compare[i]
			c.Key, c.End = d.bytes(), d.bytes()
			c.Target, c.Result = mvcc.CompareTarget(d.int32()), mvcc.CompareResult(d.int32())
			c.Version, c.CreateRevision, c.ModRevision = d.varint(), d.varint(), d.varint()
			c.Value, c.Lease = d.bytes(), d.varint()
		}
	}
	r.Success = d.ops(depth)
	r.Failure = d.ops(depth)
	return r
}

func (d *decoder) ops(depth int) []mvcc.RequestOp {
	n := d.count()
	if n == 0 {
		return nil
	}
	ops := make([]mvcc.RequestOp, n)
	for i := range ops {
		switch tag := d.byte(); tag {
		case 0:
		case opRange:
			ops[i].Range = d.rangeReq()
		case opPut:
			ops[i].Put = d.put()
		case opDeleteRange:
			ops[i].DeleteRange = d.deleteRange()
		case opTxn:
			ops[i].Txn = d.txn(depth + 1)
		default:
			d.fail("unknown txn op %d", tag)
		}
		if d.err != nil {
			return nil
		}
	}
	return ops
}
