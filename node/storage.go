package node

import (
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
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

// MemoryStorage is the in-memory Storage. It survives a member's Kill
// because the cluster keeps it; it does not survive the process.
type MemoryStorage struct {
	*raft.MemoryStorage
}

// NewMemoryStorage returns an empty storage; the member bootstraps it.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{raft.NewMemoryStorage()}
}

var _ Storage = (*MemoryStorage)(nil)

// Save implements Storage. raft.MemoryStorage applies each part under its
// own lock; atomicity against readers is moot because the member is the only
// user and calls it from one goroutine.
func (s *MemoryStorage) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	if !raft.IsEmptySnap(snap) {
		if err := s.ApplySnapshot(snap); err != nil {
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
