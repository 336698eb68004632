package node

import (
	"fmt"
	"testing"

	"go.etcd.io/raft/v3"
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

// A fresh member bootstraps its storage as etcd does (one committed
// ConfChange entry per peer, no snapshot); a member restarted on the same
// storage takes its state from it and ignores Peers, and applies those
// entries to raft's configuration and its membership view.
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
	hs, _, _ := st.InitialState()
	first, _ := st.FirstIndex()
	last, _ := st.LastIndex()
	if !raft.IsEmptySnap(snap) || hs.Term != 1 || hs.Commit != 3 || first != 1 || last != 3 {
		t.Fatalf("bootstrap: snapshot %+v, hard state %+v, log %d..%d", snap.Metadata, hs, first, last)
	}
	ents, _ := st.Entries(1, 4, 1<<20)
	for i, e := range ents {
		var cc raftpb.ConfChange
		if err := cc.Unmarshal(e.Data); err != nil || e.Type != raftpb.EntryConfChange || e.Term != 1 ||
			cc.Type != raftpb.ConfChangeAddNode || cc.NodeID != uint64(i+1) ||
			string(cc.Context) != fmt.Sprintf(`{"id":%d,"peerURLs":["http://etcd-%d:2380"]}`, i+1, i+1) {
			t.Fatalf("bootstrap entry %d: %+v (%v)", i+1, cc, err)
		}
	}
	m.Stop()
	m2, err := New(Config{ID: 1, Send: send}, st)
	if err != nil {
		t.Fatalf("restart without peers: %v", err)
	}
	if s := m2.Status(); s.Term != 1 || s.Commit != 3 || s.Applied != 0 {
		t.Fatalf("restarted status %+v", s)
	}
	if err := m2.HandleReady(); err != nil {
		t.Fatal(err)
	}
	ms := m2.Membership()
	if s := m2.Status(); s.Applied != 3 || len(ms.Members) != 3 || ms.Members[1].PeerURLs[0] != "http://etcd-2:2380" ||
		ms.Members[1].Name != "" || len(m2.confState.Voters) != 3 {
		t.Fatalf("after applying the bootstrap: status %+v, membership %+v, conf %+v", s, ms, m2.confState)
	}
}

// A storage bootstrapped by an older build (a snapshot at index 1 carrying
// the configuration, then the log) loads as it is: no ConfChange entries
// are added and the membership view holds the configuration's voters.
func TestOlderBootstrapLoads(t *testing.T) {
	st := NewMemoryStorage()
	old := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1, 2, 3}}}}
	if err := st.Save(raftpb.HardState{Term: 2, Commit: 2}, []raftpb.Entry{{Index: 2, Term: 2}}, old); err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{ID: 1, Peers: []uint64{1, 2, 3}, Send: func([]raftpb.Message) {}}, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.HandleReady(); err != nil {
		t.Fatal(err)
	}
	last, _ := st.LastIndex()
	if s := m.Status(); s.Applied != 2 || last != 2 || s.SnapshotIndex != 1 || len(m.Membership().Members) != 3 {
		t.Fatalf("older storage: status %+v, last %d, membership %+v", s, last, m.Membership())
	}
}
