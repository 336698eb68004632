package node

import (
	"bytes"
	"fmt"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// storageWithLog returns a MemoryStorage holding entries 1..n of term 1.
func storageWithLog(t *testing.T, n uint64) *MemoryStorage {
	t.Helper()
	s := NewMemoryStorage()
	ents := make([]raftpb.Entry, n)
	for i := range ents {
		ents[i] = raftpb.Entry{Term: 1, Index: uint64(i + 1)}
	}
	if err := s.Save(raftpb.HardState{Term: 1, Commit: n}, ents, raftpb.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func putN(t *testing.T, st *mvcc.Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if _, err := st.Put(&mvcc.PutRequest{Key: fmt.Appendf(nil, "k%d", i%7), Value: fmt.Appendf(nil, "v%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// A snapshot recorded as a view reads back, through Snapshot, as exactly the
// store's bytes at the moment of the view (not later), with its metadata,
// every time; a later eager snapshot or an applied incoming one replaces it.
func TestMemoryStorageLazySnapshot(t *testing.T) {
	s := storageWithLog(t, 10)
	store := mvcc.New()
	putN(t, store, 0, 20)
	want, err := store.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	cs := raftpb.ConfState{Voters: []uint64{1, 2, 3}}
	if err := s.CreateSnapshotView(5, &cs, store.SnapshotView()); err != nil {
		t.Fatal(err)
	}
	putN(t, store, 20, 40) // after the view: must not show in the snapshot
	for range 2 {
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if snap.Metadata.Index != 5 || snap.Metadata.Term != 1 || len(snap.Metadata.ConfState.Voters) != 3 {
			t.Fatalf("snapshot metadata %+v, want index 5, term 1, 3 voters", snap.Metadata)
		}
		if !bytes.Equal(snap.Data, want) {
			t.Fatalf("snapshot data (%d bytes) is not the store's bytes at the view (%d bytes)", len(snap.Data), len(want))
		}
	}
	if err := s.CreateSnapshotView(5, &cs, store.SnapshotView()); err == nil {
		t.Fatal("a view snapshot at an index not above the current one was accepted")
	}

	// An eager snapshot replaces the view.
	if _, err := s.CreateSnapshot(7, &cs, []byte("eager")); err != nil {
		t.Fatal(err)
	}
	if snap, _ := s.Snapshot(); snap.Metadata.Index != 7 || string(snap.Data) != "eager" {
		t.Fatalf("after CreateSnapshot: index %d data %q, want 7 \"eager\"", snap.Metadata.Index, snap.Data)
	}

	// So does an incoming snapshot applied by Save.
	if err := s.CreateSnapshotView(8, &cs, store.SnapshotView()); err != nil {
		t.Fatal(err)
	}
	in := raftpb.Snapshot{Data: []byte("incoming"), Metadata: raftpb.SnapshotMetadata{Index: 20, Term: 2, ConfState: cs}}
	if err := s.Save(raftpb.HardState{Term: 2, Commit: 20}, nil, in); err != nil {
		t.Fatal(err)
	}
	if snap, _ := s.Snapshot(); snap.Metadata.Index != 20 || string(snap.Data) != "incoming" {
		t.Fatalf("after Save of a snapshot: index %d data %q, want 20 \"incoming\"", snap.Metadata.Index, snap.Data)
	}
}

// A member on a MemoryStorage saves its raft snapshots as views, and a
// member restarted from that storage rebuilds the same store from them.
func TestMemberRestartsFromLazySnapshot(t *testing.T) {
	st := NewMemoryStorage()
	m, err := New(Config{ID: 1, Peers: []uint64{1}, SnapshotCount: 5, CatchUpCount: 2, Send: func([]raftpb.Message) {}}, st)
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for tick := 0; tick < 200 && answered < 12; tick++ {
		if tick > 30 && tick%2 == 0 {
			m.Submit(Op{Put: &mvcc.PutRequest{Key: fmt.Appendf(nil, "k%d", tick%5), Value: []byte("v")}},
				func(_ Result, err error) {
					if err == nil {
						answered++
					}
				})
		}
		m.Tick()
		if err := m.HandleReady(); err != nil {
			t.Fatal(err)
		}
	}
	if answered < 12 {
		t.Fatalf("only %d puts answered", answered)
	}
	st.mu.Lock()
	lazy := st.lazyIndex
	st.mu.Unlock()
	if lazy == 0 {
		t.Fatal("the member saved no snapshot as a view")
	}
	wantRev, wantHash := m.Store().Rev(), mustHash(t, m.Store())
	m.Stop()
	again, err := New(Config{ID: 1, Peers: []uint64{1}, SnapshotCount: 5, CatchUpCount: 2, Send: func([]raftpb.Message) {}}, st)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		again.Tick()
		if err := again.HandleReady(); err != nil {
			t.Fatal(err)
		}
	}
	if rev, hash := again.Store().Rev(), mustHash(t, again.Store()); rev != wantRev || hash != wantHash {
		t.Fatalf("restarted member at revision %d hash %08x, want %d %08x", rev, hash, wantRev, wantHash)
	}
}

func mustHash(t *testing.T, s *mvcc.Store) uint32 {
	t.Helper()
	h, err := s.HashKV(0)
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash
}
