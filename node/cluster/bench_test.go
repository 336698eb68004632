package cluster

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Committed puts per second of a 5-member cluster in which every member
// applies every put to its mvcc store, against the ceiling: five bare raft
// RawNodes with in-memory mailboxes applying to a map. Run with
//
//	go test -run '^$' -bench . ./node/cluster
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run '^$' -bench . ./node/cluster

// The workload: 16-byte values over 10,000 keys. Every benchCompactEvery
// puts the client compacts the store's history up to the last revision it
// saw, as etcd's auto-compaction would, so the store (and each raft
// snapshot of it) stays bounded and the cost per put does not grow with b.N.
const (
	benchValueSize    = 16
	benchKeys         = 10000
	benchCompactEvery = 10000
)

func benchPut(i int) Op {
	return Op{Put: &mvcc.PutRequest{Key: fmt.Appendf(nil, "k%08d", i%benchKeys), Value: make([]byte, benchValueSize)}}
}

// benchClient sends puts and the periodic compaction, and checks answers.
type benchClient struct {
	b    *testing.B
	c    *Cluster
	to   uint64
	sent int
	rev  int64 // highest revision answered
}

func (bc *benchClient) send() *Call {
	if bc.sent > 0 && bc.sent%benchCompactEvery == 0 && bc.rev > 0 {
		bc.c.Do(bc.to, Op{Compact: bc.rev}) // answered or not, the next ones follow
	}
	bc.sent++
	return bc.c.Do(bc.to, benchPut(bc.sent))
}

func (bc *benchClient) check(cl *Call) {
	res, err := cl.Result()
	if err != nil {
		bc.b.Fatal(err)
	}
	bc.rev = max(bc.rev, res.Header.Revision)
}

// benchSnapshotCount is etcd v3.6's default --snapshot-count; the
// playground's default (100) would snapshot the whole store every 100 puts.
const benchSnapshotCount = 10000

func benchCluster(b *testing.B, snapshotCount uint64, parallel bool) (*Cluster, uint64) {
	c := newTestCluster(b, Config{Seed: 1, SnapshotCount: snapshotCount, CatchUpCount: 5000})
	c.parallel = c.parallel && parallel
	return c, waitLeader(b, c, 200)
}

// awaitAll ticks until every member applied what the leader committed.
func awaitAll(b *testing.B, c *Cluster) {
	tickUntil(b, c, 10000, "all applied", func() bool {
		st := c.Inspect()
		for _, s := range st {
			if s.Applied != st[0].Commit || s.Commit != st[0].Commit {
				return false
			}
		}
		return true
	})
}

// One client: each put is sent once the previous one is answered.
func BenchmarkClusterPut1Client(b *testing.B) {
	c, l := benchCluster(b, benchSnapshotCount, true)
	bc := &benchClient{b: b, c: c, to: l}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cl := bc.send()
		for !cl.Answered() {
			c.Tick()
		}
		bc.check(cl)
	}
	awaitAll(b, c)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	b.ReportMetric(float64(c.Now())/float64(b.N), "ticks/put")
}

// Pipelined clients: up to 256 puts in flight to the leader, topped up
// every tick. Every member snapshots its store every 10,000 entries.
func BenchmarkClusterPutPipelined(b *testing.B) {
	benchPipelined(b, benchSnapshotCount, true)
}

// The same with members running their rounds one after the other, as under
// js/wasm (natively, members of a round otherwise run in parallel).
func BenchmarkClusterPutPipelinedSequential(b *testing.B) {
	benchPipelined(b, benchSnapshotCount, false)
}

// The same without raft snapshots (SnapshotCount beyond the run): the
// replication and apply path alone.
func BenchmarkClusterPutPipelinedNoSnapshot(b *testing.B) {
	benchPipelined(b, 1<<40, true)
}

func benchPipelined(b *testing.B, snapshotCount uint64, parallel bool) {
	const window = 256
	c, l := benchCluster(b, snapshotCount, parallel)
	bc := &benchClient{b: b, c: c, to: l}
	b.ResetTimer()
	var inflight []*Call
	for bc.sent < b.N || len(inflight) > 0 {
		for bc.sent < b.N && len(inflight) < window {
			inflight = append(inflight, bc.send())
		}
		c.Tick()
		kept := inflight[:0]
		for _, cl := range inflight {
			if !cl.Answered() {
				kept = append(kept, cl)
				continue
			}
			bc.check(cl)
		}
		inflight = kept
	}
	awaitAll(b, c)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// The ceiling: five bare RawNodes, in-memory mailboxes, each applying
// every committed entry to a map (same keys and values as above); the leader
// proposes batches of 64 entries (one MsgProp each) while at most 4 batches
// are unapplied. Rounds run like the cluster's: the nodes concurrently when
// GOMAXPROCS > 1 (BenchmarkRawNodeCeiling), or one after the other
// (BenchmarkRawNodeCeilingSequential, the js/wasm model), then the mailboxes
// are exchanged.
func BenchmarkRawNodeCeiling(b *testing.B) { benchCeiling(b, runtime.GOMAXPROCS(0) > 1) }

func BenchmarkRawNodeCeilingSequential(b *testing.B) { benchCeiling(b, false) }

func benchCeiling(b *testing.B, parallel bool) {
	const n, batch = 5, 64
	type bare struct {
		rn      *raft.RawNode
		st      *raft.MemoryStorage
		kv      map[string][]byte
		inbox   []raftpb.Message
		out     []raftpb.Message
		applied int
	}
	nodes := make([]*bare, n+1)
	peers := []uint64{1, 2, 3, 4, 5}
	for id := uint64(1); id <= n; id++ {
		st := raft.NewMemoryStorage()
		st.ApplySnapshot(raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: peers}}})
		rn, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: st, Applied: 1,
			MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, CheckQuorum: true, PreVote: true, Logger: &raft.DefaultLogger{Logger: discard}})
		if err != nil {
			b.Fatal(err)
		}
		nodes[id] = &bare{rn: rn, st: st, kv: map[string][]byte{}}
	}
	step := func(nd *bare) {
		for _, m := range nd.inbox {
			nd.rn.Step(m)
		}
		nd.inbox = nd.inbox[:0]
		for nd.rn.HasReady() {
			rd := nd.rn.Ready()
			nd.st.Append(rd.Entries)
			if !raft.IsEmptyHardState(rd.HardState) {
				nd.st.SetHardState(rd.HardState)
			}
			nd.out = append(nd.out, rd.Messages...)
			for _, e := range rd.CommittedEntries {
				if len(e.Data) > 8 {
					nd.kv[string(e.Data[:9])] = e.Data[9:]
					nd.applied++
				}
			}
			nd.rn.Advance(rd)
			// Bound the log as the cluster does (keep 5000 entries).
			if idx := nd.rn.BasicStatus().Applied; idx%10000 == 0 && idx > 5000 {
				nd.st.Compact(idx - 5000)
			}
		}
	}
	round := func() {
		var wg sync.WaitGroup
		for id := 1; id <= n; id++ {
			if parallel {
				wg.Go(func() { step(nodes[id]) })
			} else {
				step(nodes[id])
			}
		}
		wg.Wait()
		for id := 1; id <= n; id++ {
			for _, m := range nodes[id].out {
				nodes[m.To].inbox = append(nodes[m.To].inbox, m)
			}
			nodes[id].out = nodes[id].out[:0]
		}
	}
	nodes[1].rn.Campaign()
	for nodes[1].rn.BasicStatus().RaftState != raft.StateLeader {
		round()
	}
	for nodes[1].rn.BasicStatus().Commit < 2 {
		round()
	}
	base := nodes[1].applied
	b.ResetTimer()
	proposed, rounds := 0, 0
	for nodes[1].applied-base < b.N {
		if k := min(batch, b.N-proposed); k > 0 && proposed-(nodes[1].applied-base) < 4*batch {
			ents := make([]raftpb.Entry, k)
			for j := range ents {
				data := fmt.Appendf(nil, "k%08d", proposed%benchKeys)
				ents[j].Data = append(data, make([]byte, benchValueSize)...)
				proposed++
			}
			if err := nodes[1].rn.Step(raftpb.Message{Type: raftpb.MsgProp, From: 1, Entries: ents}); err != nil {
				b.Fatal(err)
			}
		}
		round()
		rounds++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	b.ReportMetric(float64(rounds)/float64(b.N), "rounds/put")
}
