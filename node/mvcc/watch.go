package mvcc

// watchers is the store's watch state (filled in by the watch files).
type watchers struct{}

func (w *watchers) init() {}

// notify is called at the end of a write txn that made revision rev, whose
// entries start at log index first. Caller holds mu exclusively.
func (s *Store) notify(rev int64, first int) {}
