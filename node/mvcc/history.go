package mvcc

// KeyHistory is a key's stored history: what the playground's MVCC panel
// shows of one key. etcd has no such call (a client reads old revisions
// with Range at Rev, or watches from a revision); this one reads the
// key's generations (key_index.go) in one pass.

// KeyRevision is one stored revision of a key: a put (Version >= 1, with
// its value and create revision) or a deletion (Tombstone, Version 0, no
// value). Revision is the revision's main part, Sub its index within the
// transaction that wrote it.
type KeyRevision struct {
	Revision, Sub  int64
	CreateRevision int64
	Version        int64
	Lease          int64
	Value          []byte // a copy
	Tombstone      bool
}

// KeyHistory returns the stored revisions of key, newest first, at most
// limit of them (limit <= 0: all), whether older ones were left out, and
// the store's revision and compacted revision (revisions at or below the
// compacted one keep only what compaction kept: the latest put at it, not
// a tombstone older than it). A key never written has none.
func (s *Store) KeyHistory(key []byte, limit int) (revs []KeyRevision, more bool, rev, compacted int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rev, compacted = s.rev, s.compactRev
	ki := s.idx.get(key)
	if ki == nil {
		return nil, false, rev, compacted
	}
	for g := len(ki.generations) - 1; g >= 0; g-- {
		rs := ki.generations[g].revs
		for i := len(rs) - 1; i >= 0; i-- {
			if limit > 0 && len(revs) == limit {
				return revs, true, rev, compacted
			}
			e := s.log.find(rs[i])
			if e == nil {
				continue // not stored (cannot happen: the index and the log agree)
			}
			revs = append(revs, KeyRevision{Revision: e.rev.main, Sub: e.rev.sub, CreateRevision: e.create,
				Version: e.version, Lease: e.lease, Value: append([]byte(nil), e.valueBytes()...),
				Tombstone: e.isTombstone()})
		}
	}
	return revs, false, rev, compacted
}
