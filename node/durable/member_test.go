package durable

import (
	"fmt"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

func TestMemberRestartMemory(t *testing.T) { testMemberRestart(t, memMedium(t)) }

// startMember runs a one-member cluster on its stored state in db.
func startMember(t *testing.T, db *DB) (*node.Member, *RaftStorage) {
	t.Helper()
	st := mustRaftStorage(t, db, "member-1")
	m, err := node.New(node.Config{ID: 1, Peers: []uint64{1}, Seed: 1, SnapshotCount: 20, CatchUpCount: 5,
		Send: func([]raftpb.Message) {}}, st)
	if err != nil {
		t.Fatalf("node.New: %v", err)
	}
	return m, st
}

// step ticks m once and handles its Ready.
func step(t *testing.T, m *node.Member) {
	t.Helper()
	m.Tick()
	if err := m.HandleReady(); err != nil {
		t.Fatalf("HandleReady: %v", err)
	}
}

func storeHash(t *testing.T, s *mvcc.Store) mvcc.HashKVResult {
	t.Helper()
	h, err := s.HashKV(0)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testMemberRestart: a real member writes through snapshots and compactions
// on a RaftStorage, stops, and a new member on the reopened storage comes
// back with the same store (revision and HashKV) and log.
func testMemberRestart(t *testing.T, med medium) {
	db := med.open(t)
	m, st := startMember(t, db)
	for i := 0; m.Status().State != "leader"; i++ {
		if i == 100 {
			t.Fatal("no leader after 100 ticks")
		}
		step(t, m)
	}
	const puts = 75 // crosses three snapshots (SnapshotCount 20) and compactions
	for i := 0; i < puts; i++ {
		done := false
		m.Submit(node.Op{Put: &mvcc.PutRequest{Key: []byte(fmt.Sprintf("key-%03d", i)), Value: []byte(fmt.Sprint(i))}},
			func(_ node.Result, err error) {
				if err != nil {
					t.Errorf("put %d: %v", i, err)
				}
				done = true
			})
		for j := 0; !done; j++ {
			if j == 50 {
				t.Fatalf("put %d not answered after 50 ticks", i)
			}
			step(t, m)
		}
	}
	before, hash := m.Status(), storeHash(t, m.Store())
	if before.SnapshotIndex < 60 || before.FirstIndex < 2 {
		t.Fatalf("no snapshot/compaction happened: %+v", before)
	}
	m.Stop()
	if err := st.Namespace().Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = med.open(t)
	m, _ = startMember(t, db)
	for i := 0; m.Applied() < before.Applied; i++ {
		if i == 100 {
			t.Fatalf("restarted member applied %d after 100 ticks, want %d", m.Applied(), before.Applied)
		}
		step(t, m)
	}
	after := m.Status()
	t.Logf("before stop: %+v\nafter restart: %+v", before, after)
	if after.Applied != before.Applied || after.Commit < before.Commit || after.FirstIndex != before.FirstIndex ||
		after.SnapshotIndex != before.SnapshotIndex || after.Term < before.Term {
		t.Fatalf("restarted member:\n%+v\nwant like\n%+v", after, before)
	}
	if h := storeHash(t, m.Store()); h != hash {
		t.Fatalf("restarted store hash %+v, want %+v", h, hash)
	}
	if rev := m.Store().Rev(); rev != puts+1 {
		t.Fatalf("restarted store at revision %d, want %d", rev, puts+1)
	}
}
