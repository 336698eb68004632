package durable

import (
	"fmt"
	"math/rand"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fillRaft bootstraps st and saves count entries with incompressible
// 100-byte payloads, perSave entries per Save (a Ready's worth).
func fillRaft(tb testing.TB, st *RaftStorage, count, perSave uint64, rng *rand.Rand) {
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		tb.Fatal(err)
	}
	for i := uint64(2); i < count+2; i += perSave {
		ents := make([]raftpb.Entry, 0, perSave)
		for j := i; j < i+perSave && j < count+2; j++ {
			data := make([]byte, 100)
			rng.Read(data)
			ents = append(ents, raftpb.Entry{Index: j, Term: 1, Data: data})
		}
		if err := st.Save(raftpb.HardState{Term: 1, Commit: ents[len(ents)-1].Index}, ents, raftpb.Snapshot{}); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRaftLogicalBytesPerEntry reports the bytes RaftStorage hands the
// medium per stored entry (keys + checksummed records, as MemDisk counts
// them) for 100-byte payloads, 1 and 64 entries per Save. IndexedDB adds
// its own overhead on top (see BenchmarkIDBRaftFill).
func BenchmarkRaftLogicalBytesPerEntry(b *testing.B) {
	for _, perSave := range []uint64{1, 64} {
		b.Run(map[uint64]string{1: "perSave=1", 64: "perSave=64"}[perSave], func(b *testing.B) {
			const count = 20000
			for b.Loop() {
				disk := NewMemDisk()
				ns, err := NewMemory(disk).Open("member-1")
				if err != nil {
					b.Fatal(err)
				}
				st, err := OpenRaftStorage(ns)
				if err != nil {
					b.Fatal(err)
				}
				fillRaft(b, st, count, perSave, rand.New(rand.NewSource(1)))
				b.ReportMetric(float64(disk.Used())/count, "B/entry")
			}
		})
	}
}

// seedRestart stores in st a member whose store holds keys keys (16-byte
// keys, 64-byte values, one revision each) as a raft snapshot, as a member
// that took a snapshot after a stress run would. It returns the snapshot's
// size in bytes.
func seedRestart(tb testing.TB, st *RaftStorage, keys int) int {
	s := mvcc.New()
	val := make([]byte, 64)
	for i := 0; i < keys; i++ {
		if _, err := s.Put(&mvcc.PutRequest{Key: []byte(fmt.Sprintf("key-%012d", i)), Value: val}); err != nil {
			tb.Fatal(err)
		}
	}
	data, err := s.Snapshot()
	if err != nil {
		tb.Fatal(err)
	}
	snap := raftpb.Snapshot{Data: data, Metadata: raftpb.SnapshotMetadata{Index: 2, Term: 2, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	if err := st.Save(raftpb.HardState{Term: 2, Vote: 1, Commit: 2}, nil, snap); err != nil {
		tb.Fatal(err)
	}
	return len(data)
}

// benchMemberRestart measures a member's restart on st: reloading the raft
// state from the medium and node.New restoring the store from the snapshot.
func benchMemberRestart(b *testing.B, st *RaftStorage, keys int) {
	size := seedRestart(b, st, keys)
	for b.Loop() {
		if err := st.Reopen(); err != nil {
			b.Fatal(err)
		}
		m, err := node.New(node.Config{ID: 1, Peers: []uint64{1}, Send: func([]raftpb.Message) {}}, st)
		if err != nil {
			b.Fatal(err)
		}
		if n := m.Store().Rev(); n != int64(keys)+1 {
			b.Fatalf("restored store at revision %d", n)
		}
	}
	b.ReportMetric(float64(size)/float64(keys), "snapshot-B/key")
}

// BenchmarkMemberRestart100kMemory: the same restart natively on the memory
// medium (the store restore alone, for comparison with the IndexedDB one).
func BenchmarkMemberRestart100kMemory(b *testing.B) {
	ns, err := NewMemory(nil).Open("member-1")
	if err != nil {
		b.Fatal(err)
	}
	st, err := OpenRaftStorage(ns)
	if err != nil {
		b.Fatal(err)
	}
	benchMemberRestart(b, st, 100000)
}
