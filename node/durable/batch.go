package durable

import "bytes"

// Batch is an ordered list of puts and range deletes applied atomically by
// Namespace.Write. Operations apply in the order they were added, so a Put
// after a DeleteRange covering its key survives. The zero value is an empty
// batch. Put and DeleteRange copy their arguments.
type Batch struct {
	ops   []op
	bytes int // sum of key and value lengths of the puts
}

type opKind uint8

const (
	opPut opKind = iota + 1
	opDeleteRange
	// opPutRecord stores value as the record itself, unencoded: the tests
	// store damaged records through it. Batch never makes one.
	opPutRecord
)

// op is one batch operation. For opPut, key and value; for opDeleteRange,
// the half-open range [key, end), end nil meaning the end of the namespace.
type op struct {
	kind  opKind
	key   []byte
	value []byte
	end   []byte
}

// Put stores value under key, replacing any previous value.
func (b *Batch) Put(key, value []byte) {
	b.ops = append(b.ops, op{kind: opPut, key: clone(key), value: clone(value)})
	b.bytes += len(key) + len(value)
}

// putOwned is Put without copying value: the caller never modifies it.
func (b *Batch) putOwned(key, value []byte) {
	b.ops = append(b.ops, op{kind: opPut, key: clone(key), value: value})
	b.bytes += len(key) + len(value)
}

// DeleteRange deletes every key in [start, end); a nil end deletes to the end
// of the namespace, a nil start from its beginning. An empty range
// (end <= start) deletes nothing.
func (b *Batch) DeleteRange(start, end []byte) {
	if end != nil && bytes.Compare(start, end) >= 0 {
		return
	}
	b.ops = append(b.ops, op{kind: opDeleteRange, key: clone(start), end: clone(end)})
}

// Delete deletes one key.
func (b *Batch) Delete(key []byte) {
	b.DeleteRange(key, append(clone(key), 0))
}

// Len is the number of operations.
func (b *Batch) Len() int { return len(b.ops) }

// Size is the total length of the keys and values put, in bytes.
func (b *Batch) Size() int { return b.bytes }

// Reset empties the batch for reuse.
func (b *Batch) Reset() { b.ops, b.bytes = b.ops[:0], 0 }

// clone copies b, keeping nil as nil (nil means "unbounded" for range ends).
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
