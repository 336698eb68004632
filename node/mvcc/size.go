package mvcc

import "math/bits"

// Encoded request sizes, for the MaxRequestBytes check. etcd rejects a
// request whose marshalled raft request (InternalRaftRequest) exceeds
// --max-request-bytes; these functions compute the protobuf encoding of the
// etcdserverpb message the request corresponds to (field numbers as in
// rpc.proto), wrapSize the field that carries it in InternalRaftRequest,
// and raftHeaderSize the request header etcd adds before measuring.

// raftHeaderSize is InternalRaftRequest's header as etcd sets it: field 100
// (2-byte tag), 1 length byte, and RequestHeader.ID (1 tag byte + varint).
// The ID is memberID16<<48 | ms-timestamp<<8 | counter: a 9-byte varint
// when it is below 2^63, 10 bytes above (half of the member IDs), rarely
// fewer. We count 9 (13 bytes in all); etcd's own answer for a request
// within a byte or two of the limit depends on its member ID.
const raftHeaderSize = 2 + 1 + 1 + 9

// tooLarge reports whether a request whose own encoding is sz bytes makes
// a raft request larger than MaxRequestBytes.
func tooLarge(sz int) bool { return sz+wrapSize(sz)+raftHeaderSize > MaxRequestBytes }

func varintSize(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

func bytesField(tag int, b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return tag + varintSize(uint64(len(b))) + len(b)
}

func intField(tag int, v int64) int {
	if v == 0 {
		return 0
	}
	return tag + varintSize(uint64(v))
}

func boolField(tag int, v bool) int {
	if !v {
		return 0
	}
	return tag + 1
}

// msgField is an embedded message field of size n, present even if empty.
func msgField(tag, n int) int { return tag + varintSize(uint64(n)) + n }

// wrapSize is the overhead of carrying a message of size n in a field.
func wrapSize(n int) int { return 1 + varintSize(uint64(n)) }

func putSize(r *PutRequest) int {
	return bytesField(1, r.Key) + bytesField(1, r.Value) + intField(1, r.Lease) + boolField(1, r.PrevKV)
}

func rangeSize(r *RangeRequest) int {
	return bytesField(1, r.Key) + bytesField(1, r.End) + intField(1, r.Limit) + intField(1, r.Rev) +
		intField(1, int64(r.SortOrder)) + intField(1, int64(r.SortTarget)) +
		boolField(1, r.KeysOnly) + boolField(1, r.CountOnly)
}

func deleteSize(r *DeleteRangeRequest) int {
	return bytesField(1, r.Key) + bytesField(1, r.End) + boolField(1, r.PrevKV)
}

func compareSize(c *Compare) int {
	n := intField(1, int64(c.Result)) + intField(1, int64(c.Target)) + bytesField(1, c.Key) + bytesField(2, c.End)
	switch c.Target { // the target_union oneof is always encoded
	case CompareVersion:
		n += 1 + varintSize(uint64(c.Version))
	case CompareCreate:
		n += 1 + varintSize(uint64(c.CreateRevision))
	case CompareMod:
		n += 1 + varintSize(uint64(c.ModRevision))
	case CompareValue:
		n += msgField(1, len(c.Value))
	case CompareLease:
		n += 1 + varintSize(uint64(c.Lease))
	}
	return n
}

func opSize(op *RequestOp) int {
	switch {
	case op.Range != nil:
		return msgField(1, rangeSize(op.Range))
	case op.Put != nil:
		return msgField(1, putSize(op.Put))
	case op.DeleteRange != nil:
		return msgField(1, deleteSize(op.DeleteRange))
	case op.Txn != nil:
		return msgField(1, txnSize(op.Txn))
	}
	return 0
}

func txnSize(r *TxnRequest) int {
	n := 0
	for i := range r.Compare {
		n += msgField(1, compareSize(&r.Compare[i]))
	}
	for i := range r.Success {
		n += msgField(1, opSize(&r.Success[i]))
	}
	for i := range r.Failure {
		n += msgField(1, opSize(&r.Failure[i]))
	}
	return n
}
