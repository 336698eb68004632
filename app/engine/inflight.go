package engine

import (
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/transport"
)

// Raft messages in flight: what the page draws moving along the links
// while the clock is slow or paused, and the per-type counts it shows
// faster. The messages are costly to send every update (a busy cluster
// has hundreds in flight), so an engine puts them in its updates only
// while the client asks (OpShowMessages, N: how many at most; 0 stops),
// at most MaxUpdateMessages.

// MaxUpdateMessages bounds the messages in flight one update carries.
const MaxUpdateMessages = 500

// MessageTypes is the length of LinkView.SentByType (transport.MessageTypes).
const MessageTypes = transport.MessageTypes

// MessageTypeName is raft's name of message type t (e.g. "MsgApp").
func MessageTypeName(t int) string { return raftpb.MessageType(t).String() }

// MessageView is one raft message in flight (transport.InFlight).
type MessageView struct {
	ID       uint64 // stable for the message's life; DropMessage's argument
	Type     string // raft's name: "MsgApp", "MsgVote", ...
	From, To uint64
	Term     uint64
	Index    uint64
	LogTerm  uint64
	Commit   uint64
	Entries  int
	Reject   bool
	// RejectHint is a rejected MsgAppResp's hint (the follower's guess of
	// the last index it matches).
	RejectHint uint64
	// Sent is the tick whose end sent the message (it shows from tick
	// Sent+1); it is delivered by tick Due+1, the first to start at or
	// after its Due.
	Sent, Due uint64
}

// ClampMessages bounds a Messages limit to [0, MaxUpdateMessages].
func ClampMessages(limit int) int { return min(max(limit, 0), MaxUpdateMessages) }

func writeTimers(w *wbuf, m *MemberView) {
	for _, v := range [...]int{m.ElectionElapsed, m.ElectionTimeout, m.HeartbeatElapsed, m.HeartbeatTimeout, m.VotesGranted, m.VotesRejected} {
		w.i(int64(v))
	}
}

func readTimers(r *rbuf, m *MemberView) {
	for _, v := range [...]*int{&m.ElectionElapsed, &m.ElectionTimeout, &m.HeartbeatElapsed, &m.HeartbeatTimeout, &m.VotesGranted, &m.VotesRejected} {
		*v = r.int()
	}
}

// The counts by type go as (type, count) pairs of the types counted.
func writeSentByType(w *wbuf, l *LinkView) {
	n := 0
	for _, c := range l.SentByType {
		if c != 0 {
			n++
		}
	}
	w.u(uint64(n))
	for t, c := range l.SentByType {
		if c != 0 {
			w.u(uint64(t))
			w.u(c)
		}
	}
}

func readSentByType(r *rbuf, l *LinkView) {
	n := r.count(2)
	for range n {
		t, c := r.u(), r.u()
		if t >= uint64(MessageTypes) || c == 0 || l.SentByType[t] != 0 {
			r.fail()
			return
		}
		l.SentByType[t] = c
	}
}

func writeMessages(w *wbuf, u *Update) {
	w.u(uint64(len(u.Messages)))
	for i := range u.Messages {
		m := &u.Messages[i]
		w.u(m.ID)
		w.str(m.Type)
		for _, v := range [...]uint64{m.From, m.To, m.Term, m.Index, m.LogTerm, m.Commit} {
			w.u(v)
		}
		w.i(int64(m.Entries))
		w.bool(m.Reject)
		w.u(m.RejectHint)
		w.u(m.Sent)
		w.u(m.Due)
	}
	w.i(int64(u.MessagesTotal))
}

func readMessages(r *rbuf, u *Update) {
	if n := r.count(13); n > 0 {
		u.Messages = make([]MessageView, n)
		for i := range u.Messages {
			m := &u.Messages[i]
			m.ID, m.Type = r.u(), r.str()
			for _, v := range [...]*uint64{&m.From, &m.To, &m.Term, &m.Index, &m.LogTerm, &m.Commit} {
				*v = r.u()
			}
			m.Entries, m.Reject, m.RejectHint = r.int(), r.bool(), r.u()
			m.Sent, m.Due = r.u(), r.u()
		}
	}
	u.MessagesTotal = r.int()
}
