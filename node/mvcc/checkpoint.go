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
