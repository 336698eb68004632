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

	keepAny := false
	var empty []*keyIndex
	s.idx.ascend(func(ki *keyIndex) bool {
		if _, ok := ki.compact(rev); ok {
			keepAny = true
		}
		if ki.isEmpty() {
			empty = append(empty, ki)
		}
		return true
	})
	for _, ki := range empty {
		s.idx.remove(ki)
	}

	// The log keeps exactly what the index kept: revisions after rev, the
	// revision each key keeps at rev, and, at rev itself, a recreated key's
	// new value. (A txn at rev may delete a key with a from-key delete and
	// put it again; etcd's rule keeps only the tombstone, losing the live
	// value, and crashes: etcd-io/etcd#22376. keyIndex.compact leaves the
	// recreated generation intact, so its value stays.) Below rev the index
	// holds only the kept revision, so for the hash (which asks about
	// revisions <= prev < rev) "kept" is "still in the index".
	retained := func(e *entry) bool { return e.ki.has(e.rev) }
	// A hash checkpoint at rev under the same compaction revision is that
	// hash already (checkpoint.go): then the filter need not compute it.
	cp, haveCP := s.checkpointAt(rev, prev)
	h := newKVHasher(prev, rev, retained, keepAny)
	// The entries the incremental hash has segments for (a prefix of the
	// log, curhash.go) are hashed from them, and their segments filtered
	// with the log: segs[w] follows the w-th kept entry.
	segs, i, w := s.cur.segs, 0, 0
	before := make(map[*[logChunk]entry]bool, len(s.log.chunks))
	for _, c := range s.log.chunks {
		before[c] = true
	}
	s.log.filter(func(e *entry) bool {
		hashed := i < len(segs)
		if !haveCP {
			if hashed {
				h.writeSeg(e, segs[i])
			} else {
				h.write(e) // skips revisions after rev
			}
		}
		i++
		if e.rev.main > rev || retained(e) {
			if hashed {
				segs[w] = segs[i-1]
				w++
			}
			return true
		}
		s.bytes -= e.size()
		if p, n := e.heapValue(); p != nil {
			s.values.release(p, n) // arena.go
		}
		return false
	})
	if haveCP {
		s.cacheHash(cp)
	} else {
		s.cacheHash(h.result())
	}
	s.cur.segs = segs[:w]
	s.cur.rebase() // the log changed other than by appending
	s.relocateSparse(before)
	return &CompactResponse{Header: header(s.rev)}, nil
}

// relocateSparse moves the values of the entries in the log chunks the
// compaction just wrote (those not in before) out of value blocks that
// fell below a quarter live (arena.go). Only those chunks: no snapshot
// view has seen them yet, whereas the chunks the compacted log shares with
// the old one may be read by a view at any time (revlog's invariant: a
// written slot is never written again). The bytes stay the same, so
// hashes, segments and responses are unaffected. Caller holds mu
// exclusively.
func (s *Store) relocateSparse(before map[*[logChunk]entry]bool) {
	sparse := false
	for _, b := range s.values.blocks {
		if b != s.values.cur && b.live*4 < len(b.buf) {
			sparse = true
			break
		}
	}
	if !sparse {
		return
	}
	for i := 0; i < s.log.len(); i++ {
		if before[s.log.chunks[(s.log.start+i)/logChunk]] {
			i = ((s.log.start+i)/logChunk+1)*logChunk - s.log.start - 1 // skip the shared chunk
			continue
		}
		e := s.log.at(i)
		if p, n := e.heapValue(); p != nil && s.values.sparse(p) {
			moved := s.values.copy(e.valueBytes())
			s.values.release(p, n)
			e.adoptValue(moved)
		}
	}
}
