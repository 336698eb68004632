package mvcc

import (
	"encoding/binary"
	"hash/crc32"
)

// SnapshotEncoder produces a SnapshotView's bytes in pieces, so that a
// caller can spread the encoding of a large store over many short steps
// (node/durable writes a snapshot to IndexedDB a bounded part per raft
// Save). The concatenation of the pieces equals the view's Bytes().
//
// It is the one writer of the format (snapshot.go; snapState.encode is a
// single piece); the tests compare pieces of many sizes with one piece for
// many stores, and Restore reads the bytes back.
type SnapshotEncoder struct {
	st     *snapState
	header bool   // the header has been produced
	next   int    // index in st.log of the next entry to encode
	crc    uint32 // crc32c of every byte produced so far
	done   bool
}

// Encoder returns a new encoder of v, at the start of its bytes. The view
// stays immutable; an encoder is for one goroutine at a time.
func (v *SnapshotView) Encoder() *SnapshotEncoder { return &SnapshotEncoder{st: &v.st} }

// Next appends the next piece of the encoding to dst and returns it, with
// done true once the piece holding the checksum was produced. A piece holds
// whole stored revisions, at least one when any is left, and stops adding
// them once it holds max or more bytes: it exceeds max by at most one
// revision (and the header or the leases and checksum). After done, Next
// returns dst unchanged and true.
func (e *SnapshotEncoder) Next(dst []byte, max int) ([]byte, bool) {
	if e.done {
		return dst, true
	}
	st, start := e.st, len(dst)
	if !e.header {
		dst = append(dst, snapMagic...)
		if len(st.meta) > 0 {
			dst = binary.AppendUvarint(dst, snapVersionMeta)
		} else {
			dst = binary.AppendUvarint(dst, snapVersion)
		}
		dst = binary.AppendVarint(dst, st.rev)
		dst = binary.AppendVarint(dst, st.compactRev)
		dst = binary.AppendUvarint(dst, uint64(len(st.hashes)))
		for _, h := range st.hashes {
			dst = binary.BigEndian.AppendUint32(dst, h.Hash)
			dst = binary.AppendVarint(dst, h.CompactRevision)
			dst = binary.AppendVarint(dst, h.HashRevision)
		}
		dst = binary.AppendUvarint(dst, uint64(st.log.len()))
		e.header = true
	}
	n := st.log.len()
	for first := true; e.next < n && (first || len(dst)-start < max); first = false {
		en := st.log.at(e.next)
		dst = binary.AppendVarint(dst, en.rev.main)
		dst = binary.AppendUvarint(dst, uint64(en.rev.sub))
		dst = appendBytes(dst, en.ki.key)
		dst = binary.AppendUvarint(dst, uint64(en.version))
		if !en.isTombstone() {
			dst = binary.AppendVarint(dst, en.create)
			dst = binary.AppendVarint(dst, en.lease)
			dst = appendBytes(dst, en.valueBytes())
		}
		e.next++
	}
	if e.next == n {
		dst = binary.AppendUvarint(dst, uint64(st.leases.Len()))
		st.leases.Ascend(func(l leaseTTL) bool {
			dst = binary.AppendVarint(dst, l.id)
			dst = binary.AppendVarint(dst, l.ttl)
			return true
		})
		if len(st.meta) > 0 {
			dst = appendBytes(dst, st.meta)
		}
		e.crc = crc32.Update(e.crc, castagnoli, dst[start:])
		e.done = true
		return binary.BigEndian.AppendUint32(dst, e.crc), true
	}
	e.crc = crc32.Update(e.crc, castagnoli, dst[start:])
	return dst, false
}
