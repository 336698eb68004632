package mvcc

import (
	"slices"
)

// SnapshotView is the store's state at one moment, from which Bytes
// encodes exactly the snapshot Snapshot would have returned at that moment,
// however the store changes afterwards (writes, compactions, lease grants
// and revocations). It is immutable and safe for concurrent use; it keeps
// the store's memory of that moment alive (including revisions a later
// compaction removes) until it is dropped.
type SnapshotView struct {
	st snapState
}

// SnapshotView takes a point-in-time view of the store in O(1): it shares
// the append-only revision log (revlog) and a copy-on-write clone of the
// lease table, and copies the at most hashCacheSize cached compaction
// hashes. It holds the write lock for that short time (cloning the lease
// tree changes its sharing state).
func (s *Store) SnapshotView() *SnapshotView {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &SnapshotView{st: snapState{
		rev:        s.rev,
		compactRev: s.compactRev,
		hashes:     slices.Clone(s.hashes),
		log:        s.log,
		bytes:      s.bytes,
		leases:     s.leaseTTLs.Clone(),
		meta:       s.meta,
	}}
}

// Rev returns the store revision the view was taken at.
func (v *SnapshotView) Rev() int64 { return v.st.rev }

// Bytes encodes the view: the bytes Snapshot returned at the view's moment
// (O(stored revisions); no store lock is taken). The error is always nil,
// as Snapshot's.
func (v *SnapshotView) Bytes() ([]byte, error) { return v.st.encode(), nil }
