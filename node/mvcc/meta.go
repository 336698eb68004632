package mvcc

// Application metadata: opaque bytes the store carries in its snapshots
// (format version 2, snapshot.go) and nowhere else, as etcd's backend keeps
// the cluster's membership in buckets beside the key space. Metadata is
// not part of any revision, HashKV or watch; setting it changes nothing
// else in the store. node keeps its membership view there, so that a
// member restored from a snapshot knows the members' published attributes
// and the cluster version.

// SetMeta replaces the store's metadata with a copy of b (nil or empty:
// none). Later snapshots and views carry it; earlier views keep theirs.
func (s *Store) SetMeta(b []byte) {
	var m []byte
	if len(b) > 0 {
		m = append([]byte(nil), b...)
	}
	s.mu.Lock()
	s.meta = m // a new slice: views share the old one, never written
	s.mu.Unlock()
}

// Meta returns the store's metadata (nil if none). The caller must not
// modify it.
func (s *Store) Meta() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.meta
}
