package node

import (
	"fmt"
	"sync"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Storage is a member's durable raft state: hard state, log entries and the
// latest snapshot (whose Data is the mvcc store's snapshot bytes).
//
// The raft.Storage methods are raft's read side (the RawNode calls them while
// the member owns it). The member is the only writer and calls the write
// methods from its one goroutine. Whatever a write method has returned
// success for must survive a Kill: a Storage is durable by contract, whatever
// its medium (memory kept across restarts, IndexedDB in node/durable).
//
// Index conventions follow raft: after Compact(i), FirstIndex() == i+1 and
// Term(i) is still answered (it is the boundary entry, kept as metadata).
type Storage interface {
	raft.Storage

	// Save writes one Ready's worth of state as one atomic unit, in this
	// order: snap if it is not empty (it replaces every entry up to its
	// index), then ents (an entry at index i first discards every stored
	// entry with index >= i), then st if it is not empty. ents are
	// contiguous and never start below FirstIndex. A failed Save changes
	// nothing; the member treats it as fatal (it crashes, as etcd does).
	Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error

	// CreateSnapshot records a snapshot of the applied state at index i
	// (FirstIndex-1 < i <= LastIndex, and i applied by the member) with
	// configuration cs and store bytes data, and returns it. It drops no
	// entries; Compact does.
	CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error)

	// Compact discards the entries up to and including index i, keeping only
	// i's term as the log's boundary: afterwards FirstIndex() == i+1. The
	// member never passes an i above the latest snapshot's index.
	Compact(i uint64) error
}

// ViewSnapshotter is implemented by a Storage that can record a snapshot
// whose store bytes are encoded later, only when somebody reads them (raft
// sending the snapshot to a follower that fell behind, a restart). The
// member then uses CreateSnapshotView instead of CreateSnapshot, so taking
// a raft snapshot costs O(1) in the tick instead of encoding the whole
// store on every member.
type ViewSnapshotter interface {
	// CreateSnapshotView is CreateSnapshot with the store bytes given as a
	// view: the snapshot's Data, whenever Snapshot returns it, must equal
	// v.Bytes(). The same conditions on i hold.
	CreateSnapshotView(i uint64, cs *raftpb.ConfState, v *mvcc.SnapshotView) error
}

// MemoryStorage is the in-memory Storage. It survives a member's Kill
// because the cluster keeps it; it does not survive the process. It
// implements ViewSnapshotter: a snapshot's store bytes are encoded the first
// time Snapshot returns that snapshot, then kept.
type MemoryStorage struct {
	*raft.MemoryStorage

	mu sync.Mutex
	// lazy is the store view of the snapshot at index lazyIndex, recorded
	// by CreateSnapshotView; data its bytes once encoded. Invariant: when
	// the embedded storage's snapshot is at lazyIndex (> 0), its Data is
	// empty and the snapshot's real Data is lazy's bytes.
	lazy      *mvcc.SnapshotView
	lazyIndex uint64
	data      []byte
}

// NewMemoryStorage returns an empty storage; the member bootstraps it.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{MemoryStorage: raft.NewMemoryStorage()}
}

var (
	_ Storage         = (*MemoryStorage)(nil)
	_ ViewSnapshotter = (*MemoryStorage)(nil)
)

// CreateSnapshotView implements ViewSnapshotter.
func (s *MemoryStorage) CreateSnapshotView(i uint64, cs *raftpb.ConfState, v *mvcc.SnapshotView) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.MemoryStorage.CreateSnapshot(i, cs, nil); err != nil {
		return err
	}
	s.lazy, s.lazyIndex, s.data = v, i, nil
	return nil
}

// CreateSnapshot implements Storage (a snapshot with its bytes given).
func (s *MemoryStorage) CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.MemoryStorage.CreateSnapshot(i, cs, data)
	if err == nil {
		s.lazy, s.lazyIndex, s.data = nil, 0, nil
	}
	return snap, err
}

// Snapshot implements raft.Storage, encoding a lazily recorded snapshot's
// store bytes on first use.
func (s *MemoryStorage) Snapshot() (raftpb.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := s.MemoryStorage.Snapshot()
	if err != nil || s.lazyIndex == 0 || snap.Metadata.Index != s.lazyIndex {
		return snap, err
	}
	if s.lazy != nil {
		if s.data, err = s.lazy.Bytes(); err != nil {
			return raftpb.Snapshot{}, fmt.Errorf("node: encoding snapshot at index %d: %w", s.lazyIndex, err)
		}
		s.lazy = nil // the bytes replace the view (which pins old store memory)
	}
	snap.Data = s.data
	return snap, nil
}

// Save implements Storage. raft.MemoryStorage applies each part under its
// own lock; atomicity against readers is moot because the member is the only
// user and calls it from one goroutine.
func (s *MemoryStorage) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	if !raft.IsEmptySnap(snap) {
		s.mu.Lock()
		err := s.ApplySnapshot(snap)
		if err == nil {
			s.lazy, s.lazyIndex, s.data = nil, 0, nil
		}
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if len(ents) > 0 {
		if err := s.Append(ents); err != nil {
			return err
		}
	}
	if !raft.IsEmptyHardState(st) {
		return s.SetHardState(st)
	}
	return nil
}
