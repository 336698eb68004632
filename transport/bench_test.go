package transport

import (
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// BenchmarkRound measures one round of a five-member cluster's typical
// steady-state traffic: the leader (1) sends each follower a MsgApp with
// 8 entries of 128 bytes, every follower answers with a MsgAppResp, then
// EndRound and a ReceiveAppend per member into a reused buffer (as the
// cluster does). One op = one round = 8 messages.
func BenchmarkRound(b *testing.B) {
	const members, entries, size = 5, 8, 128
	n := newNet(1, members)
	ents := make([]raftpb.Entry, entries)
	for i := range ents {
		ents[i] = raftpb.Entry{Term: 1, Index: uint64(i + 1), Data: make([]byte, size)}
	}
	apps := make([]raftpb.Message, 0, members-1)
	for to := uint64(2); to <= members; to++ {
		apps = append(apps, raftpb.Message{Type: raftpb.MsgApp, From: 1, To: to, Term: 1, Entries: ents})
	}
	resp := make([][]raftpb.Message, members+1)
	for from := uint64(2); from <= members; from++ {
		resp[from] = []raftpb.Message{{Type: raftpb.MsgAppResp, From: from, To: 1, Term: 1, Index: entries}}
	}
	b.ReportAllocs()
	var buf []raftpb.Message
	delivered, rounds := 0, 0
	for b.Loop() {
		rounds++
		n.Send(1, apps)
		for from := uint64(2); from <= members; from++ {
			n.Send(from, resp[from])
		}
		n.EndRound()
		for to := uint64(1); to <= members; to++ {
			buf = n.ReceiveAppend(buf[:0], to)
			delivered += len(buf)
			clear(buf)
		}
	}
	if want := rounds * 2 * (members - 1); delivered != want {
		b.Fatalf("delivered %d messages, want %d", delivered, want)
	}
	b.ReportMetric(float64(delivered)/b.Elapsed().Seconds(), "msgs/s")
}
