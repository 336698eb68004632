package durable

import (
	"encoding/binary"
	"errors"
	"fmt"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// Raft state layout inside a member's namespace:
//
//	"b"                   boundary: 8-byte big-endian index, 8-byte term of the
//	                      log's first (dummy) position; FirstIndex = index+1
//	"e" + 8-byte BE index one raftpb.Entry (protobuf), for index > boundary
//	"h"                   raftpb.HardState (protobuf)
//	"s"                   the latest raftpb.Snapshot (protobuf, Data = store bytes)
//
// Invariants: stored entries are exactly boundary+1 .. last, contiguous;
// boundary index <= snapshot index (the member compacts only below its
// latest snapshot). Every mutation is one Batch, so a power loss leaves
// either the state before it or after it.
var (
	keyBoundary  = []byte("b")
	keyHardState = []byte("h")
	keySnapshot  = []byte("s")
	entryPrefix  = byte('e')
	entriesEnd   = []byte{entryPrefix + 1} // end of the "e..." range
)

func entryKey(i uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{entryPrefix}, i)
}

// RaftStorage is a member's raft state (node.Storage) on a Namespace. Raft
// reads are served from an in-memory mirror (raft.MemoryStorage) of what is
// durable; every write first commits one batch to the namespace and only then
// updates the mirror, so a failed write (ErrQuota, ErrKilled, ...) changes
// nothing. The member calls the write methods from its one goroutine.
type RaftStorage struct {
	ns  *Namespace
	mem *raft.MemoryStorage
}

// OpenRaftStorage loads the raft state stored in ns (empty for a new
// member). A bad record yields an error wrapping ErrCorrupt naming the member
// namespace and key: the member must refuse to start (offer DB.Wipe).
func OpenRaftStorage(ns *Namespace) (*RaftStorage, error) {
	s := &RaftStorage{ns: ns, mem: raft.NewMemoryStorage()}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Namespace is the namespace the storage writes to (Kill or Close it to stop
// the member's disk).
func (s *RaftStorage) Namespace() *Namespace { return s.ns }

func (s *RaftStorage) corrupt(key []byte, format string, args ...any) error {
	return &CorruptError{Namespace: s.ns.Name(), Key: clone(key), Reason: fmt.Sprintf(format, args...)}
}

// getProto reads key into m; found is false for a missing key.
func (s *RaftStorage) getProto(key []byte, m interface{ Unmarshal([]byte) error }) (found bool, err error) {
	v, err := s.ns.Get(key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := m.Unmarshal(v); err != nil {
		return false, s.corrupt(key, "undecodable: %v", err)
	}
	return true, nil
}

func (s *RaftStorage) load() error {
	var hs raftpb.HardState
	if _, err := s.getProto(keyHardState, &hs); err != nil {
		return err
	}
	var snap raftpb.Snapshot
	if _, err := s.getProto(keySnapshot, &snap); err != nil {
		return err
	}
	var bIndex, bTerm uint64
	if v, err := s.ns.Get(keyBoundary); err == nil {
		if len(v) != 16 {
			return s.corrupt(keyBoundary, "boundary is %d bytes, want 16", len(v))
		}
		bIndex, bTerm = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	var ents []raftpb.Entry
	next := bIndex + 1
	err := s.ns.Scan(entryKey(0), entriesEnd, func(k, v []byte) error {
		if len(k) != 9 {
			return s.corrupt(k, "entry key is %d bytes, want 9", len(k))
		}
		var e raftpb.Entry
		if err := e.Unmarshal(v); err != nil {
			return s.corrupt(k, "undecodable entry: %v", err)
		}
		if i := binary.BigEndian.Uint64(k[1:]); e.Index != i || i != next {
			return s.corrupt(k, "entry %d stored at index %d, expected index %d", e.Index, i, next)
		}
		next++
		ents = append(ents, e)
		return nil
	})
	if err != nil {
		return err
	}
	si := snap.Metadata.Index
	if bIndex > si {
		return s.corrupt(keyBoundary, "log starts after index %d, past the snapshot at %d", bIndex, si)
	}
	if si > 0 {
		base := snap
		if bIndex < si {
			// Entries below the snapshot were kept for catching up
			// followers: start the mirror at the boundary and take the
			// snapshot again on top of them.
			base = raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: bIndex, Term: bTerm, ConfState: snap.Metadata.ConfState}}
		}
		if err := s.mem.ApplySnapshot(base); err != nil {
			return s.corrupt(keySnapshot, "cannot restore snapshot at %d: %v", si, err)
		}
	}
	if err := s.mem.Append(ents); err != nil {
		return s.corrupt(entryKey(bIndex+1), "cannot restore log: %v", err)
	}
	if bIndex < si {
		if si > bIndex+uint64(len(ents)) {
			return s.corrupt(keySnapshot, "snapshot at %d is past the log's end %d", si, bIndex+uint64(len(ents)))
		}
		got, err := s.mem.CreateSnapshot(si, &snap.Metadata.ConfState, snap.Data)
		if err != nil || got.Metadata.Term != snap.Metadata.Term {
			return s.corrupt(keySnapshot, "snapshot at %d (term %d) disagrees with the log (term %d, %v)", si, snap.Metadata.Term, got.Metadata.Term, err)
		}
	}
	return s.mem.SetHardState(hs)
}

// InitialState implements raft.Storage.
func (s *RaftStorage) InitialState() (raftpb.HardState, raftpb.ConfState, error) {
	return s.mem.InitialState()
}

// Entries implements raft.Storage.
func (s *RaftStorage) Entries(lo, hi, maxSize uint64) ([]raftpb.Entry, error) {
	return s.mem.Entries(lo, hi, maxSize)
}

// Term implements raft.Storage.
func (s *RaftStorage) Term(i uint64) (uint64, error) { return s.mem.Term(i) }

// LastIndex implements raft.Storage.
func (s *RaftStorage) LastIndex() (uint64, error) { return s.mem.LastIndex() }

// FirstIndex implements raft.Storage.
func (s *RaftStorage) FirstIndex() (uint64, error) { return s.mem.FirstIndex() }

// Snapshot implements raft.Storage.
func (s *RaftStorage) Snapshot() (raftpb.Snapshot, error) { return s.mem.Snapshot() }

func marshal(m interface{ Marshal() ([]byte, error) }) []byte {
	b, err := m.Marshal()
	if err != nil {
		// gogo-generated Marshal fails only on a programming error.
		panic(fmt.Sprintf("durable: marshal %T: %v", m, err))
	}
	return b
}

func boundaryValue(index, term uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, index), term)
}

// Save implements node.Storage: snap (it replaces the whole log), then ents
// (each first truncates the log from its index), then st, as ONE batch,
// durable before Save returns. Errors change nothing.
func (s *RaftStorage) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	var b Batch
	first, _ := s.mem.FirstIndex()
	last, _ := s.mem.LastIndex()
	hasSnap := !raft.IsEmptySnap(snap)
	if hasSnap {
		cur, _ := s.mem.Snapshot()
		if snap.Metadata.Index <= cur.Metadata.Index {
			return raft.ErrSnapOutOfDate
		}
		b.Put(keySnapshot, marshal(&snap))
		b.Put(keyBoundary, boundaryValue(snap.Metadata.Index, snap.Metadata.Term))
		b.DeleteRange(entryKey(0), entriesEnd)
		first, last = snap.Metadata.Index+1, snap.Metadata.Index
	}
	// Entries already compacted away are dropped, as raft.MemoryStorage does.
	for len(ents) > 0 && ents[0].Index < first {
		ents = ents[1:]
	}
	if len(ents) > 0 {
		if ents[0].Index > last+1 {
			return fmt.Errorf("durable: %s: entries start at %d, log ends at %d (gap)", s.ns.Name(), ents[0].Index, last)
		}
		for i := 1; i < len(ents); i++ {
			if ents[i].Index != ents[0].Index+uint64(i) {
				return fmt.Errorf("durable: %s: entries not contiguous at index %d", s.ns.Name(), ents[i].Index)
			}
		}
		b.DeleteRange(entryKey(ents[0].Index), entriesEnd)
		for i := range ents {
			b.Put(entryKey(ents[i].Index), marshal(&ents[i]))
		}
	}
	hasState := !raft.IsEmptyHardState(st)
	if hasState {
		b.Put(keyHardState, marshal(&st))
	}
	if err := s.ns.Write(&b); err != nil {
		return err
	}
	if hasSnap {
		if err := s.mem.ApplySnapshot(snap); err != nil {
			return err
		}
	}
	if len(ents) > 0 {
		if err := s.mem.Append(ents); err != nil {
			return err
		}
	}
	if hasState {
		return s.mem.SetHardState(st)
	}
	return nil
}

// CreateSnapshot implements node.Storage: it stores the snapshot at applied
// index i (with the store bytes data) and keeps every entry.
func (s *RaftStorage) CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error) {
	cur, _ := s.mem.Snapshot()
	if i <= cur.Metadata.Index {
		return raftpb.Snapshot{}, raft.ErrSnapOutOfDate
	}
	last, _ := s.mem.LastIndex()
	if i > last {
		return raftpb.Snapshot{}, fmt.Errorf("durable: %s: snapshot index %d is past the log's end %d", s.ns.Name(), i, last)
	}
	term, err := s.mem.Term(i)
	if err != nil {
		return raftpb.Snapshot{}, err
	}
	snap := raftpb.Snapshot{Data: data, Metadata: raftpb.SnapshotMetadata{Index: i, Term: term}}
	if cs != nil {
		snap.Metadata.ConfState = *cs
	}
	var b Batch
	b.Put(keySnapshot, marshal(&snap))
	if err := s.ns.Write(&b); err != nil {
		return raftpb.Snapshot{}, err
	}
	return s.mem.CreateSnapshot(i, cs, data)
}

// Compact implements node.Storage: it deletes the entries up to and including
// i and records i's term as the log's boundary.
func (s *RaftStorage) Compact(i uint64) error {
	first, _ := s.mem.FirstIndex()
	if i < first {
		return raft.ErrCompacted
	}
	last, _ := s.mem.LastIndex()
	if i > last {
		return fmt.Errorf("durable: %s: compact index %d is past the log's end %d", s.ns.Name(), i, last)
	}
	term, err := s.mem.Term(i)
	if err != nil {
		return err
	}
	var b Batch
	b.Put(keyBoundary, boundaryValue(i, term))
	b.DeleteRange(entryKey(0), entryKey(i+1))
	if err := s.ns.Write(&b); err != nil {
		return err
	}
	return s.mem.Compact(i)
}
