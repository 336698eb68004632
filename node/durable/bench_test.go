package durable

import (
	"math/rand"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
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
