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
	// The entries' Data and snap.Data are shared with other members (the
	// network does not copy them, see entrydata.go): Save may keep and
	// read them, never write them.
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
// because the cluster keeps it; it does not survive the process. It answers
// as raft.MemoryStorage does (its log is an entryLog, which never copies
// the log to grow it), and implements ViewSnapshotter: a snapshot's store
// bytes are encoded the first time Snapshot returns that snapshot, then
// kept.
type MemoryStorage struct {
	mu        sync.Mutex // guards everything below
	hardState raftpb.HardState
	snapshot  raftpb.Snapshot
	log       entryLog
	// lazy is the store view of the snapshot at index lazyIndex, recorded
	// by CreateSnapshotView; data its bytes once encoded. Invariant: when
	// the snapshot is at lazyIndex (> 0), its Data is empty and the
	// snapshot's real Data is lazy's bytes.
	lazy      *mvcc.SnapshotView
	lazyIndex uint64
	data      []byte
}

// NewMemoryStorage returns an empty storage; the member bootstraps it.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{}
}

var (
	_ Storage         = (*MemoryStorage)(nil)
	_ ViewSnapshotter = (*MemoryStorage)(nil)
)

// InitialState implements raft.Storage.
func (s *MemoryStorage) InitialState() (raftpb.HardState, raftpb.ConfState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hardState, s.snapshot.Metadata.ConfState, nil
}

// Entries implements raft.Storage.
func (s *MemoryStorage) Entries(lo, hi, maxSize uint64) ([]raftpb.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.entries(lo, hi, maxSize)
}

// Term implements raft.Storage.
func (s *MemoryStorage) Term(i uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.term(i)
}

// LastIndex implements raft.Storage.
func (s *MemoryStorage) LastIndex() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.lastIndex(), nil
}

// FirstIndex implements raft.Storage.
func (s *MemoryStorage) FirstIndex() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.off + 1, nil
}

// CreateSnapshotView implements ViewSnapshotter.
func (s *MemoryStorage) CreateSnapshotView(i uint64, cs *raftpb.ConfState, v *mvcc.SnapshotView) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.createSnapshot(i, cs, nil); err != nil {
		return err
	}
	s.lazy, s.lazyIndex, s.data = v, i, nil
	return nil
}

// CreateSnapshot implements Storage (a snapshot with its bytes given).
func (s *MemoryStorage) CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.createSnapshot(i, cs, data); err != nil {
		return raftpb.Snapshot{}, err
	}
	s.lazy, s.lazyIndex, s.data = nil, 0, nil
	return s.snapshot, nil
}

// createSnapshot records the snapshot at i, as raft.MemoryStorage's
// CreateSnapshot: an index not above the current snapshot's is
// ErrSnapOutOfDate, one beyond the log a raft invariant violation (panic).
// Called with s.mu held.
func (s *MemoryStorage) createSnapshot(i uint64, cs *raftpb.ConfState, data []byte) error {
	if i <= s.snapshot.Metadata.Index {
		return raft.ErrSnapOutOfDate
	}
	if last := s.log.lastIndex(); i > last {
		panic(fmt.Sprintf("node: snapshot %d is out of bound lastindex(%d)", i, last))
	}
	term, err := s.log.term(i)
	if err != nil {
		return err // compacted beyond the snapshot: never done by a member
	}
	s.snapshot.Metadata.Index, s.snapshot.Metadata.Term = i, term
	if cs != nil {
		s.snapshot.Metadata.ConfState = *cs
	}
	s.snapshot.Data = data
	return nil
}

// Snapshot implements raft.Storage, encoding a lazily recorded snapshot's
// store bytes on first use.
func (s *MemoryStorage) Snapshot() (raftpb.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.snapshot
	if s.lazyIndex == 0 || snap.Metadata.Index != s.lazyIndex {
		return snap, nil
	}
	if s.lazy != nil {
		var err error
		if s.data, err = s.lazy.Bytes(); err != nil {
			return raftpb.Snapshot{}, fmt.Errorf("node: encoding snapshot at index %d: %w", s.lazyIndex, err)
		}
		s.lazy = nil // the bytes replace the view (which pins old store memory)
	}
	snap.Data = s.data
	return snap, nil
}

// Compact implements Storage.
func (s *MemoryStorage) Compact(i uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.compact(i)
}

// Save implements Storage, with raft.MemoryStorage's rules for each part:
// a snapshot not newer than the current one is ErrSnapOutOfDate (and
// nothing is saved); entries at or below the log's boundary are ignored.
func (s *MemoryStorage) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !raft.IsEmptySnap(snap) {
		if snap.Metadata.Index <= s.snapshot.Metadata.Index {
			return raft.ErrSnapOutOfDate
		}
		s.snapshot = snap
		s.log.reset(snap.Metadata.Index, snap.Metadata.Term)
		s.lazy, s.lazyIndex, s.data = nil, 0, nil
	}
	s.log.append(ents)
	if !raft.IsEmptyHardState(st) {
		s.hardState = st
	}
	return nil
}
