//go:build js

package cluster

import (
	"fmt"
	"math/rand"
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/durable"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Benchmarks of the cluster on IndexedDB, in Chromium (wasmbrowsertest):
//
//	PATH=$PWD/node/durable/testdata:$PATH GOOS=js GOARCH=wasm \
//	  go test -run '^$' -bench IDB -benchtime 3x -exec=$(go env GOPATH)/bin/wasmbrowsertest ./node/cluster/

func inBrowser() bool { return js.Global().Get("window").Truthy() }

// freshIDB opens an empty IndexedDB database name.
func freshIDB(b *testing.B, name string) *durable.DB {
	if !inBrowser() {
		b.Skip("needs a browser (IndexedDB)")
	}
	if err := durable.DeleteIndexedDB(name); err != nil {
		b.Fatal(err)
	}
	db, err := durable.OpenIndexedDB(name, durable.IDBOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// fillKeys puts n distinct keys (16-byte values) through the leader,
// perTick per tick, and waits for every answer.
func fillKeys(b *testing.B, c *Cluster, n, perTick int) {
	l := waitLeader(b, c, 1000)
	value := []byte("0123456789abcdef")
	var calls []*Call
	for i := 0; i < n; i++ {
		calls = append(calls, c.Do(l, Op{Put: &mvcc.PutRequest{Key: fmt.Appendf(nil, "key/%06d", i), Value: value}}))
		if (i+1)%perTick == 0 {
			c.Tick()
		}
	}
	for _, cl := range calls {
		tickUntil(b, c, 5000, "answered", func() bool { return isDone(cl) })
		if _, err := cl.Result(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIDBClusterReload100k: the engine's part of a page reload with
// 100,000 keys on five members: open IndexedDB, cluster.New (each member
// it starts reads its raft state and restores its store from the snapshot,
// then its log), then ticks until a leader answers a linearizable read.
// Sub-benchmarks: all (New loads every member) and quorum-first
// (Config.LoadQuorumFirst, as the page resumes: New loads members 1-3).
// Reported: read-ms (IndexedDB reads), load-ms (open + New), serve-ms
// (load + election + read, ticks run back to back) and election-ticks (the
// page runs 20 ticks per second, so add ticks*50 ms to serve-ms for the
// page's figure, plus the page's own start; make bench-page measures it).
func BenchmarkIDBClusterReload100k(b *testing.B) {
	const name = "bench-cluster-reload"
	db := freshIDB(b, name)
	// Snapshots at every 25,000 entries during the fill (the page takes
	// one every 1,000): the last one lands a few entries before the end,
	// so loading replays few entries, as in the page.
	cfg := Config{Members: 5, Seed: 1, SnapshotCount: 25000, CatchUpCount: 500, Epoch: 1, NewStorage: OnDisk(db)}
	c := newTestCluster(b, cfg)
	t0 := time.Now()
	fillKeys(b, c, 100000, 1000)
	converge(b, c, 5000)
	b.Logf("filled 100,000 keys through raft onto IndexedDB in %v; status %+v", time.Since(t0).Round(time.Millisecond), c.Status()[0])
	c.KillAll()
	c.Tick()
	var logical int64
	for id := uint64(1); id <= 5; id++ {
		ns, err := db.Open(MemberNamespace(id))
		if err != nil {
			b.Fatal(err)
		}
		if err := ns.Scan(nil, nil, func(k, v []byte) error { logical += int64(len(k) + len(v)); return nil }); err != nil {
			b.Fatal(err)
		}
		ns.Close()
	}
	usage := storageUsage()
	b.Logf("IndexedDB holds %d logical bytes (%.0f per key over 5 members); the origin uses %d bytes (navigator.storage.estimate, %.0f per key)",
		logical, float64(logical)/100000, usage, float64(usage)/100000)
	db.Close()
	defer durable.DeleteIndexedDB(name)

	epoch := uint64(1)
	for _, quorumFirst := range []bool{false, true} {
		sub := "all"
		if quorumFirst {
			sub = "quorum-first"
		}
		b.Run(sub, func(b *testing.B) {
			var read, load, serve time.Duration
			var ticks uint64
			for i := 0; i < b.N; i++ {
				start := time.Now()
				db, err := durable.OpenIndexedDB(name, durable.IDBOptions{})
				if err != nil {
					b.Fatal(err)
				}
				open := OnDisk(db)
				disks := map[uint64]*disk{}
				for id := uint64(1); id <= 5; id++ {
					st, err := open(id)
					if err != nil {
						b.Fatal(err)
					}
					disks[id] = st.(*disk)
				}
				read += time.Since(start)
				epoch++
				cfg := cfg
				cfg.NewStorage = func(id uint64) (node.Storage, error) { return disks[id], nil }
				cfg.Epoch, cfg.SnapshotCount, cfg.LoadQuorumFirst = epoch, 1000, quorumFirst
				c := newTestCluster(b, cfg)
				load += time.Since(start)
				res, err := call(b, c, waitLeader(b, c, 1000), Op{Range: &mvcc.RangeRequest{Key: []byte("key/099999")}})
				if err != nil || len(res.Range.KVs) != 1 {
					b.Fatalf("read after reload: %v", err)
				}
				serve += time.Since(start)
				ticks += c.Now()
				b.StopTimer()
				c.KillAll()
				c.Tick()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(read.Milliseconds())/float64(b.N), "read-ms")
			b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms")
			b.ReportMetric(float64(serve.Milliseconds())/float64(b.N), "serve-ms")
			b.ReportMetric(float64(ticks)/float64(b.N), "election-ticks")
		})
	}
}

// BenchmarkIDBClusterPuts: puts through a five-member cluster, 100 per tick
// (the page's stress maximum), members on IndexedDB versus in memory.
// Reported: puts/s with ticks run back to back (the engine's ceiling; the
// page also paces ticks in real time).
func BenchmarkIDBClusterPuts(b *testing.B) {
	for _, medium := range []string{"indexeddb", "memory"} {
		b.Run(medium, func(b *testing.B) {
			cfg := Config{Members: 5, Seed: 1, SnapshotCount: 1000, CatchUpCount: 500}
			if medium == "indexeddb" {
				db := freshIDB(b, "bench-cluster-puts")
				defer func() { db.Close(); durable.DeleteIndexedDB("bench-cluster-puts") }()
				cfg.NewStorage = OnDisk(db)
			}
			c := newTestCluster(b, cfg)
			l := waitLeader(b, c, 1000)
			value := []byte("0123456789abcdef")
			b.ResetTimer()
			start := time.Now()
			var calls []*Call
			for i := 0; i < b.N; i++ {
				calls = append(calls, c.Do(l, Op{Put: &mvcc.PutRequest{Key: fmt.Appendf(nil, "stress/%05d", i%10000), Value: value}}))
				if (i+1)%100 == 0 {
					c.Tick()
				}
			}
			for _, cl := range calls {
				tickUntil(b, c, 5000, "answered", func() bool { return isDone(cl) })
				if _, err := cl.Result(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "puts/s")
		})
	}
}

// storageUsage is navigator.storage.estimate().usage: the bytes the origin
// stores, as the browser counts them (0 if unknown).
func storageUsage() int64 {
	st := js.Global().Get("navigator").Get("storage")
	if !st.Truthy() {
		return 0
	}
	done := make(chan int64, 1)
	var then js.Func
	then = js.FuncOf(func(this js.Value, args []js.Value) any {
		done <- int64(args[0].Get("usage").Float())
		go then.Release()
		return nil
	})
	st.Call("estimate").Call("then", then)
	return <-done
}

// TestIDBClusterQuota fills a real disk under a running cluster: it runs
// only with the browser's profile on a small file system, as node/durable's
// TestIndexedDBRealQuota (make test-idb-quota sets that up; run it with
// ./node/cluster/ instead). The members crash on a refused save and report
// the quota; every member's storage then reloads without corruption and
// its committed log covers every acknowledged write.
func TestIDBClusterQuota(t *testing.T) {
	if os.Getenv("DURABLE_SMALL_DISK") != "1" {
		t.Skip("needs the browser profile on a small disk (see make test-idb-quota)")
	}
	const name = "cluster-quota"
	if err := durable.DeleteIndexedDB(name); err != nil {
		t.Fatal(err)
	}
	db, err := durable.OpenIndexedDB(name, durable.IDBOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestCluster(t, Config{Members: 3, Seed: 1, SnapshotCount: 200, CatchUpCount: 100, NewStorage: OnDisk(db)})
	l := waitLeader(t, c, 1000)
	rng := rand.New(rand.NewSource(1))
	var calls []*Call
	full := false
	for i := 0; i < 40000 && !full; i++ {
		value := make([]byte, 4096) // incompressible
		rng.Read(value)
		calls = append(calls, c.Do(l, Op{Put: &mvcc.PutRequest{Key: fmt.Appendf(nil, "q/%06d", i), Value: value}}))
		if i%20 == 19 {
			c.Tick()
			for _, d := range c.DiskErrors() {
				full = full || d.Quota
			}
		}
	}
	if !full {
		t.Fatal("no member reported a full disk: is the profile on a small disk?")
	}
	c.KillAll()
	c.Tick()
	acked := 0
	for _, cl := range calls {
		if isDone(cl) {
			if _, err := cl.Result(); err == nil {
				acked++
			}
		}
	}
	t.Logf("disk full after %d acknowledged puts of 4 KiB; disk errors: %+v", acked, c.DiskErrors())
	db.Close()

	db, err = durable.OpenIndexedDB(name, durable.IDBOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close(); durable.DeleteIndexedDB(name) }()
	var maxCommit uint64
	for id := uint64(1); id <= 3; id++ {
		ns, err := db.Open(MemberNamespace(id))
		if err != nil {
			t.Fatal(err)
		}
		st, err := durable.OpenRaftStorage(ns)
		if err != nil {
			t.Fatalf("member %d's storage after the disk filled: %v", id, err)
		}
		hs, _, _ := st.InitialState()
		maxCommit = max(maxCommit, hs.Commit)
		st.Close()
	}
	// Index 1 is the bootstrap snapshot and every leader appends one empty
	// entry; each acknowledged put is one more committed entry.
	if maxCommit < uint64(acked)+2 {
		t.Fatalf("stored commit index %d does not cover %d acknowledged puts", maxCommit, acked)
	}
}
