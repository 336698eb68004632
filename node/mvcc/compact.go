package mvcc

// Compact removes every revision older than rev that no read at rev or
// later can see (etcd's compaction rules: per key the revision visible at
// rev is kept, a tombstone exactly at rev too), synchronously. Errors as
// etcd: rev <= CompactRev is ErrCompacted, rev > Rev ErrFutureRev.
//
// Like etcd, it hashes every revision <= rev as it goes (with the previous
// compaction revision and the kept set) and caches that hash, which HashKV
// then returns for rev. Unsynced watchers whose next revision is now
// compacted receive a compacted response on their next sync.
func (s *Store) Compact(rev int64) (*CompactResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev <= s.compactRev {
		return nil, ErrCompacted
	}
	if rev > s.rev {
		return nil, ErrFutureRev
	}
	prev := s.compactRev
	s.compactRev = rev

	keep := make(map[revision]struct{})
	var empty []*keyIndex
	s.idx.ascend(func(ki *keyIndex) bool {
		if r, ok := ki.compact(rev); ok {
			keep[r] = struct{}{}
		}
		if ki.isEmpty() {
			empty = append(empty, ki)
		}
		return true
	})
	for _, ki := range empty {
		s.idx.remove(ki)
	}

	// Entries at rev itself are all kept. etcd's per-key rule keeps each of
	// them anyway (the newest revision <= rev of its key), except when one
	// txn at rev deleted a key (from-key delete) and put it again: etcd's
	// rule keeps the tombstone and drops the live value, then crashes
	// (etcd-io/etcd#22376). Keeping it matches keyIndex.compact, which
	// leaves the recreated generation intact.
	h := newKVHasher(prev, rev, keep, len(keep) > 0)
	s.log.filter(func(e *entry) bool {
		h.write(e) // skips revisions after rev
		if e.rev.main >= rev {
			return true
		}
		if _, ok := keep[e.rev]; ok {
			return true
		}
		s.bytes -= e.size()
		return false
	})
	s.cacheHash(h.result())
	return &CompactResponse{Header: header(s.rev)}, nil
}
