package durable

import (
	"errors"
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

func TestMemberPowerLossMemory(t *testing.T) { testMemberPowerLoss(t, memMedium(t)) }

// testMemberPowerLoss: a member's disk loses power while a Ready's Save is
// in flight. The Ready fails (the member crashes without acknowledging it),
// and after Reopen and restart every put acknowledged before is there and
// the one in flight is not.
func testMemberPowerLoss(t *testing.T, med medium) {
	db := med.open(t)
	m, st := startMember(t, db)
	for i := 0; m.Status().State != "leader"; i++ {
		if i == 100 {
			t.Fatal("no leader after 100 ticks")
		}
		step(t, m)
	}
	put := func(key string) (acked *bool) {
		acked = new(bool)
		m.Submit(node.Op{Put: &mvcc.PutRequest{Key: []byte(key), Value: []byte("v")}}, func(_ node.Result, err error) {
			*acked = err == nil
		})
		return acked
	}
	var ackedKeys []string
	for i := 0; i < 30; i++ {
		key := fmt.Sprintf("acked-%02d", i)
		acked := put(key)
		for j := 0; !*acked; j++ {
			if j == 50 {
				t.Fatalf("put %s not acknowledged after 50 ticks", key)
			}
			step(t, m)
		}
		ackedKeys = append(ackedKeys, key)
	}

	// The next put's Save is caught by power loss.
	issued := make(chan string, 1)
	db.testHookIssued = func(string) { issued <- "" }
	release := func() {}
	if med.hold != nil {
		release = med.hold()
	}
	lost := put("in-flight")
	m.Tick()
	crashed := make(chan error, 1)
	go func() { crashed <- m.HandleReady() }()
	<-issued
	st.Kill()
	release()
	db.testHookIssued = nil
	if err := <-crashed; !errors.Is(err, ErrKilled) {
		t.Fatalf("HandleReady during power loss: %v, want ErrKilled", err)
	}
	m.Stop()
	if *lost {
		t.Fatal("the put whose Save was lost was acknowledged")
	}

	if err := st.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	m, err := node.New(node.Config{ID: 1, Peers: []uint64{1}, Seed: 1, SnapshotCount: 20, CatchUpCount: 5,
		Send: func([]raftpb.Message) {}}, st)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	for i := 0; m.Status().State != "leader"; i++ {
		if i == 100 {
			t.Fatal("restarted member: no leader after 100 ticks")
		}
		step(t, m)
	}
	for _, key := range ackedKeys {
		r, err := m.Store().Range(&mvcc.RangeRequest{Key: []byte(key)})
		if err != nil || len(r.KVs) != 1 {
			t.Fatalf("acknowledged key %s after power loss: %v, %v", key, r, err)
		}
	}
	if r, err := m.Store().Range(&mvcc.RangeRequest{Key: []byte("in-flight")}); err != nil || len(r.KVs) != 0 {
		t.Fatalf("key whose Save was lost: %v, %v", r, err)
	}
}
