package local

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// Messages returns the cluster's messages in flight as the page's views
// (DropMessage is the cluster's own, promoted).
func (e *clusterEngine) Messages(limit int) ([]engine.MessageView, int) {
	limit = engine.ClampMessages(limit)
	if limit == 0 {
		return nil, 0
	}
	msgs, total := e.Cluster.Messages(limit)
	out := make([]engine.MessageView, len(msgs))
	for i, m := range msgs {
		out[i] = engine.MessageView{ID: m.ID, Type: m.Type.String(), From: m.From, To: m.To, Term: m.Term,
			Index: m.Index, LogTerm: m.LogTerm, Commit: m.Commit, Entries: m.Entries, Reject: m.Reject,
			RejectHint: m.RejectHint, Sent: m.Sent, Due: m.Due}
	}
	return out, total
}

// withTimers sets each view's raft clocks from the member's state (vs and
// ins are both sorted by ID; a down member's stay zero).
func withTimers(vs []engine.MemberView, ins []cluster.MemberState) []engine.MemberView {
	for i := range vs {
		if i >= len(ins) || ins[i].ID != vs[i].ID || !ins[i].Up {
			continue
		}
		t := ins[i].Timers
		v := &vs[i]
		v.ElectionElapsed, v.ElectionTimeout = t.ElectionElapsed, t.ElectionTimeout
		v.HeartbeatElapsed, v.HeartbeatTimeout = t.HeartbeatElapsed, t.HeartbeatTimeout
		v.VotesGranted, v.VotesRejected = t.VotesGranted, t.VotesRejected
	}
	return vs
}
