package node

import (
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// Request IDs are unique within an incarnation and differ across
// incarnations and epochs, so a stale entry cannot answer a new call.
func TestRequestIDsDifferAcrossIncarnations(t *testing.T) {
	seen := map[uint64]string{}
	for _, epoch := range []uint64{0, 1} {
		for inc := uint64(0); inc < 3; inc++ {
			m, err := New(Config{ID: 2, Peers: []uint64{1, 2, 3}, Incarnation: inc, Epoch: epoch,
				Send: func([]raftpb.Message) {}}, NewMemoryStorage())
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 1000; i++ {
				id := m.nextID()
				where := string(rune('a'+epoch)) + string(rune('0'+inc))
				if prev, dup := seen[id]; dup {
					t.Fatalf("ID %x issued by %s and %s", id, prev, where)
				}
				seen[id] = where
			}
		}
	}
}

// A fresh member bootstraps its storage; a member restarted on the same
// storage takes its state from it and ignores Peers.
func TestBootstrapAndRestartFromStorage(t *testing.T) {
	st := NewMemoryStorage()
	send := func([]raftpb.Message) {}
	if _, err := New(Config{ID: 1, Send: send}, NewMemoryStorage()); err == nil {
		t.Fatal("fresh storage without peers accepted")
	}
	m, err := New(Config{ID: 1, Peers: []uint64{1, 2, 3}, Send: send}, st)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := st.Snapshot()
	if snap.Metadata.Index != 1 || len(snap.Metadata.ConfState.Voters) != 3 {
		t.Fatalf("bootstrap snapshot %+v", snap.Metadata)
	}
	m.Stop()
	m2, err := New(Config{ID: 1, Send: send}, st)
	if err != nil {
		t.Fatalf("restart without peers: %v", err)
	}
	if s := m2.Status(); s.Term != 1 || s.Commit != 1 || s.Applied != 1 {
		t.Fatalf("restarted status %+v", s)
	}
}
