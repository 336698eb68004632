//go:build js

package durable

import (
	"fmt"
	"math/rand"
	"os"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// benchDB opens a fresh IndexedDB database for a benchmark.
func benchDB(b *testing.B, name string, opt IDBOptions) *DB {
	if !inBrowser() {
		b.Skip("needs a browser")
	}
	if err := DeleteIndexedDB(name); err != nil {
		b.Fatal(err)
	}
	db, err := OpenIndexedDB(name, opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close(); DeleteIndexedDB(name) })
	return db
}

// entryValue is a raft entry's size for a small put (key ~16 bytes, value
// 64 bytes, plus request framing).
var entryValue = make([]byte, 100)

// fill writes n entries to ns in batches of batch.
func fill(b *testing.B, n *Namespace, count, batch int) {
	var bt Batch
	for i := 0; i < count; i++ {
		bt.Put(idx(uint64(i)), entryValue)
		if bt.Len() == batch || i == count-1 {
			if err := n.Write(&bt); err != nil {
				b.Fatal(err)
			}
			bt.Reset()
		}
	}
}

// BenchmarkIDBWriteBatch: one Write of N entries (a Ready's worth), strict
// and relaxed durability. ns/op is per batch; entries/s is reported.
func BenchmarkIDBWriteBatch(b *testing.B) {
	for _, relaxed := range []bool{false, true} {
		for _, n := range []int{1, 64, 1000} {
			name := fmt.Sprintf("N=%d/strict", n)
			if relaxed {
				name = fmt.Sprintf("N=%d/relaxed", n)
			}
			b.Run(name, func(b *testing.B) {
				db := benchDB(b, "bench-write", IDBOptions{Relaxed: relaxed})
				ns := mustOpenB(b, db, "member-1")
				next := uint64(0)
				var bt Batch
				for b.Loop() {
					bt.Reset()
					for i := 0; i < n; i++ {
						bt.Put(idx(next), entryValue)
						next++
					}
					if err := ns.Write(&bt); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(next)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}

func mustOpenB(b *testing.B, db *DB, ns string) *Namespace {
	n, err := db.Open(ns)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkIDBScan100k: reading back 100,000 stored records with Scan.
func BenchmarkIDBScan100k(b *testing.B) {
	const count = 100000
	db := benchDB(b, "bench-scan", IDBOptions{Relaxed: true})
	ns := mustOpenB(b, db, "member-1")
	fill(b, ns, count, 10000)
	for b.Loop() {
		seen := 0
		if err := ns.Scan(nil, nil, func(k, v []byte) error { seen++; return nil }); err != nil {
			b.Fatal(err)
		}
		if seen != count {
			b.Fatalf("scanned %d records, want %d", seen, count)
		}
	}
}

// BenchmarkIDBGetSnapshot: reading one large record, as a member's restart
// reads its store snapshot (10 MiB, about 100,000 small keys).
func BenchmarkIDBGetSnapshot(b *testing.B) {
	db := benchDB(b, "bench-snap", IDBOptions{})
	ns := mustOpenB(b, db, "member-1")
	big := make([]byte, 10<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	var bt Batch
	bt.Put(keySnapshot, big)
	if err := ns.Write(&bt); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(big)))
	for b.Loop() {
		v, err := ns.Get(keySnapshot)
		if err != nil || len(v) != len(big) {
			b.Fatalf("Get: %d bytes, %v", len(v), err)
		}
	}
}

// BenchmarkIDBRaftSave: one Ready's Save (hard state + N 100-byte entries),
// the per-Ready persistence cost a member pays with IndexedDB on.
func BenchmarkIDBRaftSave(b *testing.B) {
	for _, relaxed := range []bool{false, true} {
		for _, n := range []uint64{1, 64} {
			name := fmt.Sprintf("N=%d/%s", n, map[bool]string{false: "strict", true: "relaxed"}[relaxed])
			b.Run(name, func(b *testing.B) {
				db := benchDB(b, "bench-save", IDBOptions{Relaxed: relaxed})
				st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
				if err != nil {
					b.Fatal(err)
				}
				boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
				if err := st.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
					b.Fatal(err)
				}
				last := uint64(1)
				ents := make([]raftpb.Entry, n)
				for b.Loop() {
					for i := range ents {
						last++
						ents[i] = raftpb.Entry{Index: last, Term: 1, Data: entryValue}
					}
					if err := st.Save(raftpb.HardState{Term: 1, Vote: 1, Commit: last}, ents, raftpb.Snapshot{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(last-1)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}

// BenchmarkIDBRaftFill saves 20,000 raft entries (incompressible 100-byte
// payloads, 64 per Save) into the database "bench-fill". With
// DURABLE_KEEP_FILL=1 it leaves the database in place so that the profile's
// IndexedDB directory can be measured from outside (du), since
// navigator.storage.estimate deltas proved too noisy to quote:
//
//	CHROMIUM_PROFILE=/tmp/prof DURABLE_KEEP_FILL=1 ... go test -run '^$' -bench IDBRaftFill -benchtime 1x
//	du -sb /tmp/prof/Default/IndexedDB
func BenchmarkIDBRaftFill(b *testing.B) {
	const count = 20000
	rng := rand.New(rand.NewSource(1))
	for b.Loop() {
		const name = "bench-fill"
		if err := DeleteIndexedDB(name); err != nil {
			b.Fatal(err)
		}
		db, err := OpenIndexedDB(name, IDBOptions{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
		if err != nil {
			b.Fatal(err)
		}
		fillRaft(b, st, count, 64, rng)
		db.Close()
		if os.Getenv("DURABLE_KEEP_FILL") != "1" {
			if err := DeleteIndexedDB(name); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIDBOpenRaftStorage: a member's restart on reload: reading a
// 10 MiB store snapshot (about 100,000 small keys) and the 150 entries kept
// around it (SnapshotCount 100 + CatchUpCount 50).
func BenchmarkIDBOpenRaftStorage(b *testing.B) {
	db := benchDB(b, "bench-open", IDBOptions{Relaxed: true})
	st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 10<<20)
	rand.New(rand.NewSource(1)).Read(data)
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	var ents []raftpb.Entry
	for i := uint64(2); i <= 151; i++ {
		ents = append(ents, raftpb.Entry{Index: i, Term: 1, Data: entryValue})
	}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 151}, ents, boot); err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateSnapshot(101, &boot.Metadata.ConfState, data); err != nil {
		b.Fatal(err)
	}
	if err := st.Compact(51); err != nil {
		b.Fatal(err)
	}
	st.Namespace().Close()
	for b.Loop() {
		st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
		if err != nil {
			b.Fatal(err)
		}
		if snap, _ := st.Snapshot(); len(snap.Data) != len(data) {
			b.Fatalf("snapshot of %d bytes", len(snap.Data))
		}
		st.Namespace().Close()
	}
}

// BenchmarkIDBCreateSnapshot: storing a 10 MiB store snapshot (about
// 100,000 small keys), which a member does every SnapshotCount entries.
func BenchmarkIDBCreateSnapshot(b *testing.B) {
	db := benchDB(b, "bench-createsnap", IDBOptions{})
	st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
	if err != nil {
		b.Fatal(err)
	}
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	if err := st.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 10<<20)
	rand.New(rand.NewSource(1)).Read(data)
	b.SetBytes(int64(len(data)))
	i := uint64(1)
	for b.Loop() {
		i++
		if err := st.Save(raftpb.HardState{Term: 1, Commit: i}, []raftpb.Entry{{Index: i, Term: 1}}, raftpb.Snapshot{}); err != nil {
			b.Fatal(err)
		}
		if _, err := st.CreateSnapshot(i, &boot.Metadata.ConfState, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIDBMemberRestart100k: a member's restart on page reload with
// 100,000 keys: reading its raft state (the store snapshot) from IndexedDB
// and restoring the store (node.New). A cluster reload is five of these
// (sequential on the page's one thread) plus an election.
func BenchmarkIDBMemberRestart100k(b *testing.B) {
	db := benchDB(b, "bench-restart", IDBOptions{})
	st, err := OpenRaftStorage(mustOpenB(b, db, "member-1"))
	if err != nil {
		b.Fatal(err)
	}
	benchMemberRestart(b, st, 100000)
}

// BenchmarkIDBTickOfFiveMembers: five members' Writes of N entries issued
// together, as a tick's rounds save concurrently (cluster.Config's
// ConcurrentRounds); ns/op is per tick.
func BenchmarkIDBTickOfFiveMembers(b *testing.B) {
	for _, n := range []int{1, 64} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			db := benchDB(b, "bench-tick", IDBOptions{})
			var nss [5]*Namespace
			for i := range nss {
				nss[i] = mustOpenB(b, db, fmt.Sprintf("member-%d", i+1))
			}
			next := uint64(0)
			errs := make(chan error, len(nss))
			for b.Loop() {
				for _, ns := range nss {
					var bt Batch
					for i := 0; i < n; i++ {
						bt.Put(idx(next+uint64(i)), entryValue)
					}
					go func() { errs <- ns.Write(&bt) }()
				}
				next += uint64(n)
				for range nss {
					if err := <-errs; err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ticks/s")
		})
	}
}
