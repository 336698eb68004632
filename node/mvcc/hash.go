package mvcc

import (
	"encoding/binary"
	"hash/crc32"
)

// hashCacheSize is how many compaction hashes are kept (etcd's
// hashStorageMaxSize).
const hashCacheSize = 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// kvHasher computes etcd's HashKV: crc32 (Castagnoli) over the bucket name
// "key" and then, in ascending revision order, each stored revision key
// (appendRevKey) and its marshalled mvccpb.KeyValue, restricted to:
//   - main revision <= rev;
//   - if main <= compactRev and keepAny: only entries for which kept
//     returns true (the revision each key keeps at rev); with keepAny
//     false, everything;
//   - never a tombstone whose main == compactRev.
type kvHasher struct {
	crc        uint32
	compactRev int64
	rev        int64
	kept       func(e *entry) bool // asked only for main <= compactRev
	keepAny    bool                // etcd's len(keep) > 0 over all keys
	buf        []byte
}

func newKVHasher(compactRev, rev int64, kept func(e *entry) bool, keepAny bool) *kvHasher {
	return &kvHasher{
		crc:        crc32.Update(0, castagnoli, []byte("key")),
		compactRev: compactRev,
		rev:        rev,
		kept:       kept,
		keepAny:    keepAny,
	}
}

// write hashes e if etcd's rules include it; entries come in revision order.
func (h *kvHasher) write(e *entry) {
	if h.includes(e) {
		h.buf = e.appendHashed(h.buf[:0])
		h.crc = crc32.Update(h.crc, castagnoli, h.buf)
	}
}

// writeSeg is write for an entry whose hashed bytes' segment is known
// (crcSeg of e.appendHashed): the same result without reading the bytes.
func (h *kvHasher) writeSeg(e *entry, seg crcSeg) {
	if h.includes(e) {
		h.crc = ^(mulCRC(^h.crc, seg.pow) ^ seg.reg) // crc32.Update's register is ^run
	}
}

// includes reports whether etcd's rules hash e.
func (h *kvHasher) includes(e *entry) bool {
	if e.rev.main > h.rev {
		return false
	}
	if e.rev.main <= h.compactRev && h.keepAny && !h.kept(e) {
		return false
	}
	return !e.isTombstone() || e.rev.main != h.compactRev
}

// appendHashed appends the bytes etcd hashes for e: its stored revision key
// (appendRevKey) and its marshalled mvccpb.KeyValue (a tombstone's holds
// only the key).
func (e *entry) appendHashed(dst []byte) []byte {
	tomb := e.isTombstone()
	dst = appendRevKey(dst, e.rev, tomb)
	if tomb {
		return appendKeyValue(dst, e.ki.key, 0, 0, 0, nil, 0)
	}
	return appendKeyValue(dst, e.ki.key, e.create, e.rev.main, e.version, e.valueBytes(), e.lease)
}

// appendKeyValue appends the protobuf encoding of the mvccpb.KeyValue with
// these fields, byte for byte what its generated Marshal produces (fields in
// number order, zero values omitted), without building the message (hashing
// runs once per stored revision at every compaction).
func appendKeyValue(dst, key []byte, create, mod, version int64, value []byte, lease int64) []byte {
	appendBytes := func(dst []byte, tag byte, b []byte) []byte {
		if len(b) == 0 {
			return dst
		}
		dst = binary.AppendUvarint(append(dst, tag), uint64(len(b)))
		return append(dst, b...)
	}
	appendInt := func(dst []byte, tag byte, v int64) []byte {
		if v == 0 {
			return dst
		}
		return binary.AppendUvarint(append(dst, tag), uint64(v))
	}
	dst = appendBytes(dst, 0x0a, key) // field 1, length-delimited
	dst = appendInt(dst, 0x10, create)
	dst = appendInt(dst, 0x18, mod)
	dst = appendInt(dst, 0x20, version)
	dst = appendBytes(dst, 0x2a, value) // field 5, length-delimited
	return appendInt(dst, 0x30, lease)
}

func (h *kvHasher) result() HashKVResult {
	return HashKVResult{Hash: h.crc, CompactRevision: h.compactRev, HashRevision: h.rev}
}

// HashKV returns etcd's HashKV at rev (0: current revision): a hash cached by
// one of the last compactions at exactly rev if any, else ErrCompacted for
// 0 < rev < CompactRev, ErrFutureRev for rev > Rev, else a fresh hash.
func (s *Store) HashKV(rev int64) (HashKVResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, h := range s.hashes {
		if h.HashRevision == rev {
			return h, nil
		}
	}
	if rev > 0 && rev < s.compactRev {
		return HashKVResult{}, ErrCompacted
	}
	if h, ok := s.checkpointAt(rev, s.compactRev); ok {
		return h, nil // checkpoint.go
	}
	if rev > 0 && rev > s.rev {
		return HashKVResult{}, ErrFutureRev
	}
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if rev == 0 || rev == s.rev {
		// The current revision: incremental (curhash.go).
		h, ok := s.cur.sum(s)
		if !ok {
			h = s.hashScan(s.rev, &s.cur).Hash
			s.cur.remember(s.rev, h)
		}
		return HashKVResult{Hash: h, CompactRevision: s.compactRev, HashRevision: s.rev}, nil
	}
	return s.hashScan(rev, &s.cur), nil
}

// hashScan computes HashKV at rev (CompactRev <= rev <= Rev) by scanning
// the log. With segs it combines each entry's segment (curHash.segOf,
// computing the missing ones), so that every stored value is crc'd once
// in its life rather than once per scan: a cluster compares its members'
// hashes at a revision some of them have passed. Without (nil: the tests'
// reference) it hashes each entry's bytes. Caller holds mu, and hmu if
// segs is not nil.
func (s *Store) hashScan(rev int64, segs *curHash) HashKVResult {
	keepAny := false
	if s.compactRev >= 1 { // otherwise no stored revision is <= compactRev
		s.idx.ascend(func(ki *keyIndex) bool {
			_, keepAny = ki.keep(rev)
			return !keepAny
		})
	}
	// e is in etcd's keep set if it is the revision its key keeps at rev.
	kept := func(e *entry) bool {
		r, ok := e.ki.keep(rev)
		return ok && r == e.rev
	}
	h := newKVHasher(s.compactRev, rev, kept, keepAny)
	for i, n := 0, s.log.len(); i < n; i++ {
		e := s.log.at(i)
		if e.rev.main > rev {
			break
		}
		if segs != nil {
			h.writeSeg(e, segs.segOf(&s.log, i))
		} else {
			h.write(e)
		}
	}
	return h.result()
}

// cacheHash records the hash a compaction computed (etcd's
// hashStorage.Store): kept sorted by HashRevision, newest hashCacheSize.
func (s *Store) cacheHash(h HashKVResult) {
	i := len(s.hashes)
	for i > 0 && s.hashes[i-1].HashRevision > h.HashRevision {
		i--
	}
	s.hashes = append(s.hashes, HashKVResult{})
	copy(s.hashes[i+1:], s.hashes[i:])
	s.hashes[i] = h
	if len(s.hashes) > hashCacheSize {
		s.hashes = append([]HashKVResult(nil), s.hashes[len(s.hashes)-hashCacheSize:]...)
	}
}
