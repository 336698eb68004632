package transport

import (
	"cmp"
	"slices"

	"go.etcd.io/raft/v3/raftpb"
)

// Messages in flight: a view for the UI, and dropping one by its ID.
//
// Every message EndRound schedules gets an ID, the next of one counter the
// network keeps (so IDs are as deterministic as the rest of the run: the
// same seed and calls give the same IDs), and keeps it until it is
// delivered or lost. Reading the view changes nothing in the run.

// MessageTypes is the length of LinkStatus.SentByType: one past raft's
// highest message type (raftpb.MsgForgetLeader). A type outside it (a newer
// raft's) is counted in Sent only.
const MessageTypes = int(raftpb.MsgForgetLeader) + 1

// InFlight describes one message in flight: scheduled for delivery and not
// yet handed to its recipient by Receive (it may be waiting in the
// recipient's inbox, due in the current round).
type InFlight struct {
	ID       uint64 // stable for the message's life
	Type     raftpb.MessageType
	From, To uint64
	Term     uint64
	Index    uint64 // raft's Index (MsgApp: of the entry before Entries)
	LogTerm  uint64
	Commit   uint64
	Entries  int
	Reject   bool
	// RejectHint is raft's hint on a rejected MsgAppResp: the follower's
	// guess of the last index it matches.
	RejectHint uint64
	// Sent is the round the message left its sender's outbox; Due the
	// round it becomes receivable (Sent+1+the link's delay). It is handed
	// over by the first Receive at or after round Due, which the cluster
	// calls in the tick that starts at round Due.
	Sent, Due uint64
}

// countType counts a message entering link ls by its type. Callers hold n.mu.
func countType(ls *linkState, t raftpb.MessageType) {
	if int(t) >= 0 && int(t) < MessageTypes {
		ls.sentByType[t]++
	}
}

// newID returns the ID of the message being scheduled. Callers hold n.mu.
func (n *Network) newID() uint64 {
	n.nextID++
	return n.nextID
}

func (e *envelope) view() InFlight {
	m := &e.msg
	return InFlight{ID: e.id, Type: m.Type, From: m.From, To: m.To, Term: m.Term, Index: m.Index,
		LogTerm: m.LogTerm, Commit: m.Commit, Entries: len(m.Entries), Reject: m.Reject,
		RejectHint: m.RejectHint, Sent: e.sent, Due: e.due}
}

// InFlight returns the messages in flight, oldest (lowest ID) first, at
// most limit of them (the oldest; limit <= 0: all), and how many there
// are in all.
func (n *Network) InFlight(limit int) ([]InFlight, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []InFlight
	for _, m := range n.byID {
		for i := range m.inbox {
			out = append(out, m.inbox[i].view())
		}
		for i := range m.pending {
			out = append(out, m.pending[i].view())
		}
	}
	slices.SortFunc(out, func(a, b InFlight) int { return cmp.Compare(a.ID, b.ID) })
	total := len(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit:limit]
	}
	return out, total
}

// DropMessage loses the message in flight with the given ID, as a drop
// fault would (its link counts it Dropped), and reports it; ok is false
// when no message in flight has that ID (delivered, lost, or never sent).
// Like every fault, the caller makes it happen at a defined point of the
// run (node/cluster queues it for the start of a tick).
func (n *Network) DropMessage(id uint64) (InFlight, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.byID {
		for _, q := range []*[]envelope{&m.inbox, &m.pending} {
			for i := range *q {
				e := &(*q)[i]
				if e.id != id {
					continue
				}
				v := e.view()
				e.link.inFlight--
				e.link.dropped++
				*q = slices.Delete(*q, i, i+1)
				return v, true
			}
		}
	}
	return InFlight{}, false
}
