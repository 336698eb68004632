package mvcc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"github.com/google/btree"
)

// Snapshot encoding, version 1 (all integers varint/uvarint unless noted):
//
//	magic     "etcd-play/mvcc\n"
//	version   uvarint = 1
//	rev, compactRev
//	hashes    uvarint count, then per cached compaction hash:
//	          hash (4 bytes, big-endian), compactRev, hashRev
//	entries   uvarint count, then per stored revision, ascending:
//	          main, sub (uvarint), key (uvarint length + bytes),
//	          version (uvarint; 0 = tombstone), and for a put:
//	          create, lease, value (uvarint length + bytes)
//	leases    uvarint count, then per lease, ascending ID: id, ttl
//	meta      version 2 only: uvarint length + bytes (Store.SetMeta)
//	checksum  crc32c (Castagnoli) of everything above, 4 bytes big-endian
//
// A store without metadata is written as version 1, so its bytes are those
// of the builds before version 2; Restore reads both versions.
// Key generations, live-key counts and lease attachments are not stored:
// Restore rebuilds them by replaying the entries, which also checks them.
// Watchers are not part of a snapshot.

const (
	snapMagic   = "etcd-play/mvcc\n"
	snapVersion = 1
	// snapVersionMeta is version 1 plus the meta section.
	snapVersionMeta = 2
)

// Snapshot serializes the whole store: every stored revision, the current
// and compaction revisions, the cached compaction hashes and the leases.
// The encoding is deterministic: equal stores give equal bytes.
func (s *Store) Snapshot() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := snapState{
		rev: s.rev, compactRev: s.compactRev, hashes: s.hashes,
		log: s.log, bytes: s.bytes, leases: s.leaseTTLs, meta: s.meta,
	}
	return st.encode(), nil
}

// snapState is what a snapshot holds. Snapshot fills it with the store's
// own fields under the read lock; SnapshotView with copies that later
// writes do not disturb.
type snapState struct {
	rev, compactRev int64
	hashes          []HashKVResult
	log             revlog
	bytes           int64 // Stats.Bytes: key+value bytes of log
	leases          *btree.BTreeG[leaseTTL]
	meta            []byte // Store.meta (never written in place)
}

// encode returns the snapshot bytes (format above): the whole encoding as
// one piece of a SnapshotEncoder (snapencode.go), which holds the format.
func (st *snapState) encode() []byte {
	b := make([]byte, 0, 64+int(st.bytes)+st.log.len()*24+st.leases.Len()*16)
	e := SnapshotEncoder{st: st}
	b, _ = e.Next(b, math.MaxInt)
	return b
}

func appendBytes(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// snapReader decodes a snapshot body; the first error sticks and every
// later read returns zero values.
type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *snapReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || n != varintSize(v) {
		// Overlong encodings are rejected too: one store, one encoding.
		r.fail("bad or truncated uvarint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 || n != varintSize(uint64(v<<1)^uint64(v>>63)) {
		r.fail("bad or truncated varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length or count whose items take at least minSize bytes
// each, so a corrupt count cannot cause a huge allocation.
func (r *snapReader) count(minSize int) int {
	v := r.uvarint()
	if r.err == nil && v > uint64(len(r.b)/minSize) {
		r.fail("count %d exceeds the remaining %d bytes", v, len(r.b))
		return 0
	}
	return int(v)
}

func (r *snapReader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *snapReader) uint32() uint32 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 4 {
		r.fail("truncated")
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

// Restore builds a store from a Snapshot. Any bad input (checksum mismatch,
// truncation, unknown version, inconsistent content) returns an error
// wrapping ErrSnapshotCorrupt and no store; it never panics. The result
// shares no memory with b.
func Restore(b []byte) (*Store, error) {
	s, err := restore(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSnapshotCorrupt, err)
	}
	return s, nil
}

func restore(b []byte) (*Store, error) {
	if len(b) < len(snapMagic)+4 || !bytes.HasPrefix(b, []byte(snapMagic)) {
		return nil, errors.New("not a snapshot (bad magic or too short)")
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if got := crc32.Checksum(body, castagnoli); got != sum {
		return nil, fmt.Errorf("checksum %08x, stored %08x", got, sum)
	}
	r := &snapReader{b: body[len(snapMagic):]}
	v := r.uvarint()
	if r.err == nil && v != snapVersion && v != snapVersionMeta {
		return nil, fmt.Errorf("unknown snapshot version %d", v)
	}
	s := New()
	s.rev = r.varint()
	s.compactRev = r.varint()
	if r.err == nil && (s.rev < 1 || s.compactRev < -1 || s.compactRev > s.rev) {
		return nil, fmt.Errorf("bad revisions: rev %d, compact %d", s.rev, s.compactRev)
	}
	nh := r.count(3)
	for i := 0; i < nh && r.err == nil; i++ {
		h := HashKVResult{Hash: r.uint32(), CompactRevision: r.varint(), HashRevision: r.varint()}
		if len(s.hashes) > 0 && h.HashRevision <= s.hashes[len(s.hashes)-1].HashRevision {
			r.fail("compaction hashes out of order")
		}
		s.hashes = append(s.hashes, h)
	}
	if len(s.hashes) > hashCacheSize {
		r.fail("%d cached hashes", len(s.hashes))
	}
	ne := r.count(4)
	kl := newKeyLoader(ne)
	var last revision
	for i := 0; i < ne && r.err == nil; i++ {
		var e entry
		e.rev.main = r.varint()
		sub := r.uvarint()
		key := r.bytes()
		e.version = int64(r.uvarint())
		var value []byte
		if e.version != 0 {
			e.create = r.varint()
			e.lease = r.varint()
			value = r.bytes()
		}
		if r.err != nil {
			break
		}
		if sub > 1<<62 || e.version < 0 {
			r.fail("entry %d: bad sub revision or version", i)
			break
		}
		e.rev.sub = int64(sub)
		if !last.less(e.rev) || e.rev.main < 2 || e.rev.main > s.rev {
			r.fail("entry %d: revision %v out of order or range", i, e.rev)
			break
		}
		last = e.rev
		if len(key) == 0 {
			r.fail("entry %d: empty key", i)
			break
		}
		switch n := len(value); {
		case n >= arenaMinValue && n <= arenaMaxValue:
			value = s.values.copy(value) // arena.go
		case n > inlineValue:
			value = kl.copyBytes(value)
		}
		e.adoptValue(value) // copies a short value in place
		if err := s.replay(kl, &e, key); err != nil {
			r.fail("entry %d (%v): %v", i, e.rev, err)
		}
	}
	nl := r.count(2)
	for i := 0; i < nl && r.err == nil; i++ {
		id, ttl := r.varint(), r.varint()
		if id == 0 || ttl > MaxLeaseTTL {
			r.fail("lease %d: bad ID or TTL %d", id, ttl)
		}
		if _, dup := s.leases[id]; dup {
			r.fail("lease %d twice", id)
		}
		s.grant(id, ttl)
	}
	if v == snapVersionMeta {
		if s.meta = r.bytes(); r.err == nil && len(s.meta) == 0 {
			r.fail("version %d without metadata", v)
		}
		s.meta = bytes.Clone(s.meta)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d trailing bytes", len(r.b))
	}
	kl.finish(&s.idx)
	// Attach leases to the live keys that carry them.
	var err error
	s.idx.ascend(func(ki *keyIndex) bool {
		if !ki.live() {
			return true
		}
		e := ki.last
		if e.lease == 0 {
			return true
		}
		if _, ok := s.leases[e.lease]; !ok {
			err = fmt.Errorf("key %q carries unknown lease %d", ki.key, e.lease)
			return false
		}
		s.moveLease(ki.key, e.lease)
		return true
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// replay appends a decoded entry (whose revision is greater than every
// stored one) to the key loader and log, checking that it is a change etcd could
// have made given the key's history and the compaction point.
func (s *Store) replay(kl *keyLoader, e *entry, key []byte) error {
	ki := kl.get(key)
	first := ki == nil
	if !first && e.rev.main < s.compactRev {
		// Compaction keeps one revision per key below the compaction
		// revision (more only at it: see Compact).
		return errors.New("two revisions of one key before the compaction revision")
	}
	if e.isTombstone() {
		switch {
		case first && e.rev.main != s.compactRev:
			return errors.New("tombstone of a missing key")
		case !first && !ki.live():
			return errors.New("tombstone of a deleted key")
		}
	} else {
		switch {
		case e.create < 1 || e.create > e.rev.main:
			return fmt.Errorf("create revision %d", e.create)
		case !first && ki.live():
			prev := ki.last
			if e.version != prev.version+1 || e.create != prev.create {
				return fmt.Errorf("version %d create %d after version %d create %d", e.version, e.create, prev.version, prev.create)
			}
		case !first || e.rev.main > s.compactRev:
			// A new generation; only a key's first entry at or before the
			// compaction revision may continue an older one.
			if e.version != 1 || e.create != e.rev.main {
				return fmt.Errorf("new key with version %d create %d", e.version, e.create)
			}
		}
	}
	if first {
		ki = kl.add(key)
	}
	e.ki = ki
	if e.isTombstone() {
		if !first { // a first tombstone (kept at the compaction point) was not counted live
			s.keys--
		}
		ki.tombstone(e.rev)
	} else {
		if !ki.live() {
			s.keys++
		}
		ki.put(e.rev)
	}
	s.log.append(e)
	s.bytes += e.size()
	return nil
}
