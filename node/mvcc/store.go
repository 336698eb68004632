package mvcc

import (
	"sync"

	"github.com/google/btree"
)

// Store is the in-memory MVCC store. All methods are safe for concurrent
// use: reads share mu, writes (and watch registration) hold it exclusively.
// No method blocks on anything but mu (and HashKV on hmu): watchers are fed
// with non-blocking sends, and the store never starts a goroutine or reads
// a clock.
//
// Request byte slices are copied in. Byte slices in responses and watch
// events (keys, values) share the store's memory: callers must treat them
// as read-only.
//
// Layout: idx (index.go, key_index.go) maps each key to its revisions
// grouped in generations; log (revlog.go) holds every stored revision's
// value once, in revision order, which is what HashKV, watch catch-up and
// Snapshot iterate. The log only grows between compactions and its entries
// never move, so SnapshotView (snapview.go) can share it, and cur
// (curhash.go) can extend the current revision's hash as it grows.
type Store struct {
	mu sync.RWMutex

	idx index
	log revlog

	// rev is the revision of the last completed write; compactRev the
	// last compaction revision (-1 if none), as etcd's currentRev and
	// compactMainRev.
	rev        int64
	compactRev int64

	keys  int   // live keys at rev
	bytes int64 // key+value bytes of every stored entry

	// leases by ID; keyLease maps a live key to its attached lease.
	// leaseTTLs holds the same leases' IDs and TTLs ordered by ID, for
	// snapshots (a clone is an O(1) point-in-time copy: SnapshotView).
	leases    map[int64]*lease
	keyLease  map[string]int64
	leaseTTLs *btree.BTreeG[leaseTTL]

	// hashes caches the HashKV taken by the most recent compactions
	// (ascending HashRevision, at most hashCacheSize), as etcd does.
	hashes []HashKVResult

	// values holds the stored long values in blocks (arena.go).
	values valueArena

	// cur makes HashKV at the current revision incremental (curhash.go);
	// hmu serialises HashKV callers, which hold mu only for reading.
	hmu sync.Mutex
	cur curHash

	// hashEvery and checkpoints: HashKV recorded at every multiple of
	// hashEvery (checkpoint.go).
	hashEvery   int64
	checkpoints []HashKVResult

	w watchers // watch.go

	// meta is the application's metadata (meta.go), carried by snapshots.
	meta []byte
}

// New returns an empty store at revision 1, never compacted (compact
// revision -1), as a new etcd.
func New() *Store {
	return &Store{
		idx:        newIndex(),
		rev:        1,
		compactRev: -1,
		leases:     make(map[int64]*lease),
		keyLease:   make(map[string]int64),
		leaseTTLs:  newLeaseTTLs(),
	}
}

// Rev returns the current revision.
func (s *Store) Rev() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.rev
}

// CompactRev returns the last compaction revision, -1 if never compacted.
func (s *Store) CompactRev() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.compactRev
}

// Stats returns cheap counters (no scan).
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Stats{
		Rev:        s.rev,
		CompactRev: s.compactRev,
		Keys:       s.keys,
		Revisions:  s.log.len(),
		Bytes:      s.bytes,
	}
}

// header returns a response header at rev.
func header(rev int64) ResponseHeader { return ResponseHeader{Revision: rev} }
