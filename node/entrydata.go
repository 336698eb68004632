package node

import (
	"encoding/binary"
	"math/bits"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// entryData hands out the Data buffers of the entries a member proposes,
// carved one after the other from shared blocks: one allocation per block
// instead of one per write (the leader proposes every write). Raft keeps an
// entry's Data until it drops the entry from its log, and it drops entries
// in index order; as buffers are carved in proposal order, a block becomes
// garbage soon after the last of its entries is dropped. A buffer larger
// than entryBlock/8 is allocated on its own. Not safe for concurrent use
// (the member's goroutine).
//
// Invariant (transport's payload contract, transport/clone.go): an entry's
// Data is written once, by its encoder (encodePut, encodeRequest), before
// the member hands it to raft, and never again by anyone. The network
// shares these bytes with every member instead of copying them, so they
// end up in the raft logs, storages and messages of all five members, and
// a block's other entries are other members' data too: a write into them,
// or an append into a buffer's spare capacity, would change every copy at
// once. Hence take never hands out bytes twice, caps each buffer at its
// size, and a block is never reused. Every reader of entry data (raft,
// Storage.Save, decodeRequest, decodePut, mvcc) only reads it; the
// node/cluster tests run with the network's check of this contract on.
type entryData struct {
	free []byte // the current block's unused tail (len 0)
}

const entryBlock = 16 << 10

// take returns an empty slice with capacity exactly n, whose bytes no other
// take returns (and which the caller fills once, then never writes again).
func (d *entryData) take(n int) []byte {
	if n > entryBlock/8 {
		return make([]byte, 0, n)
	}
	if cap(d.free) < n {
		d.free = make([]byte, 0, entryBlock)
	}
	b := d.free[:0:n]
	d.free = d.free[n:n]
	return b
}

// encodePut encodes a put request with ID id exactly as encodeRequest does
// (same bytes), into a buffer from d, in one pass.
func encodePut(d *entryData, id uint64, r *mvcc.PutRequest) []byte {
	n := 1 + uvarintLen(id) + bytesLen(r.Key) + bytesLen(r.Value) + uvarintLen(zigzag(r.Lease)) + 1
	b := d.take(n)
	b = append(b, byte(kindPut))
	b = binary.AppendUvarint(b, id)
	b = appendBytesField(b, r.Key)
	b = appendBytesField(b, r.Value)
	b = binary.AppendUvarint(b, zigzag(r.Lease))
	if r.PrevKV {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendBytesField is encoder.bytes: uvarint(len+1) and the bytes, or 0 for nil.
func appendBytesField(b, p []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	return append(binary.AppendUvarint(b, uint64(len(p))+1), p...)
}

func bytesLen(p []byte) int {
	if p == nil {
		return 1
	}
	return uvarintLen(uint64(len(p))+1) + len(p)
}

func uvarintLen(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

// zigzag is binary.AppendVarint's mapping of a signed integer to the
// uvarint it writes.
func zigzag(x int64) uint64 { return uint64(x<<1) ^ uint64(x>>63) }
