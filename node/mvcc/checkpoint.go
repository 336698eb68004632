package mvcc

// Hash checkpoints. A cluster compares its members' HashKV at a revision
// they all have; under load the members are at different revisions, and
// HashKV at a revision older than the current one scans the whole store.
// With SetHashEvery(k) the store records its HashKV whenever a write
// reaches a revision that is a multiple of k, using the incremental hash of
// the current revision (curhash.go), so that HashKV at that revision later,
// from a cluster comparing members or from a compaction at it, costs
// nothing. A checkpoint holds only while the compaction revision it was
// taken under is still the store's: HashKV at a revision depends on it.

// maxHashCheckpoints bounds the recorded checkpoints (the newest are kept).
const maxHashCheckpoints = 16

// SetHashEvery makes the store record its HashKV at every revision that is
// a multiple of k from now on; k <= 0 (the default) records none. It
// changes no result: HashKV returns what it would compute anyway.
func (s *Store) SetHashEvery(k int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hashEvery = k
}

// checkpointHash records the current revision's HashKV if the revision is
// a checkpoint. Between checkpoints it hashes each write's entries as they
// come (curHash.segOf), once the incremental hash has every earlier entry's
// segment, so that a checkpoint combines segments instead of reading every
// value written since the last one in one go (with 4 KiB values, 4 MB of
// crc32 per 1,000 revisions, for every member in the same tick). Caller
// holds mu exclusively, after a write bumped rev.
func (s *Store) checkpointHash() {
	if s.hashEvery <= 0 {
		return
	}
	s.hmu.Lock()
	if s.rev%s.hashEvery != 0 {
		if n := s.log.len(); len(s.cur.segs) > 0 && len(s.cur.segs) < n {
			s.cur.segOf(&s.log, n-1) // the entries since segments were last extended: this write's
		}
		s.hmu.Unlock()
		return
	}
	h, ok := s.cur.sum(s)
	s.hmu.Unlock()
	if !ok {
		return // the rare shape curHash does not cover: HashKV scans on demand
	}
	s.checkpoints = append(s.checkpoints, HashKVResult{Hash: h, CompactRevision: s.compactRev, HashRevision: s.rev})
	if n := len(s.checkpoints); n > maxHashCheckpoints {
		s.checkpoints = append(s.checkpoints[:0:0], s.checkpoints[n-maxHashCheckpoints:]...)
	}
}

// checkpointAt returns the checkpoint at rev taken under compaction
// revision compactRev. Caller holds mu.
func (s *Store) checkpointAt(rev, compactRev int64) (HashKVResult, bool) {
	for i := len(s.checkpoints) - 1; i >= 0; i-- {
		if h := s.checkpoints[i]; h.HashRevision == rev && h.CompactRevision == compactRev {
			return h, true
		}
	}
	return HashKVResult{}, false
}

// HashPoint names a revision at which the store's HashKV answers without
// scanning its log, and the compaction revision that answer was computed
// under (its HashKVResult.CompactRevision). Two stores' hashes at one
// revision are comparable only if computed under one compaction revision:
// a store that has not applied a compaction yet hashes history the other
// one dropped.
type HashPoint struct {
	Rev, CompactRev int64
}

// CachedHashes appends to dst every HashPoint of the store, one per
// revision, in no particular order: HashCachedAt is true exactly at their
// revisions (and at 0, HashKV's name for the current revision, when that
// is listed). They are the hashes its compactions cached (at each
// compaction revision, the newest hashCacheSize), its checkpoints taken
// under its current compaction revision, and its current revision when
// the incremental hash covers it (curhash.go). Under load a cluster
// intersects its members' points to compare them without a scan
// (cluster/status.go). It takes the locks HashKV takes.
func (s *Store) CachedHashes(dst []HashPoint) []HashPoint {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.hmu.Lock()
	defer s.hmu.Unlock()
	start := len(dst)
	seen := func(rev int64) bool {
		for _, p := range dst[start:] {
			if p.Rev == rev {
				return true
			}
		}
		return false
	}
	add := func(rev int64) {
		if cr, ok := s.cachedHashAt(rev); ok && !seen(rev) {
			dst = append(dst, HashPoint{Rev: rev, CompactRev: cr})
		}
	}
	for _, h := range s.hashes {
		add(h.HashRevision)
	}
	for _, h := range s.checkpoints {
		add(h.HashRevision)
	}
	add(s.rev)
	return dst
}

// HashCachedAt reports whether HashKV(rev) answers without scanning the
// log: from a hash a compaction cached at exactly rev, from a checkpoint at
// rev taken under the current compaction revision, or, at the current
// revision (rev == Rev() or 0), from the incremental hash when it covers
// the store (hashCovers). It is false where HashKV fails (compacted or
// future revisions) and where it would scan. It takes the locks HashKV
// takes; the answer holds until the next write or compaction.
func (s *Store) HashCachedAt(rev int64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.hmu.Lock()
	defer s.hmu.Unlock()
	_, ok := s.cachedHashAt(rev)
	return ok
}

// cachedHashAt is HashCachedAt, mirroring HashKV's order of answers, and
// returns the compaction revision the answer is computed under. Caller
// holds mu (at least for reading) and hmu.
func (s *Store) cachedHashAt(rev int64) (compactRev int64, ok bool) {
	for _, h := range s.hashes {
		if h.HashRevision == rev {
			return h.CompactRevision, true
		}
	}
	if rev > 0 && rev < s.compactRev {
		return 0, false // ErrCompacted
	}
	if h, ok := s.checkpointAt(rev, s.compactRev); ok {
		return h.CompactRevision, true
	}
	if rev != 0 && rev != s.rev {
		return 0, false // a scan, or ErrFutureRev
	}
	if c := &s.cur; c.valid && c.cacheRev == s.rev {
		return s.compactRev, true
	}
	// curHash.sum answers unless it has a prefix P (entries at or below
	// the compaction revision) and hashCovers fails.
	if s.log.search(revision{main: s.compactRev + 1}) > 0 && !hashCovers(s) {
		return 0, false
	}
	return s.compactRev, true
}
