package transport

import (
	"math/rand/v2"
	"slices"
	"sync"

	"go.etcd.io/raft/v3/raftpb"
)

// Network is a deterministic in-process network of raft members, moved in
// rounds by EndRound. All methods are safe for concurrent use; see the
// package documentation for the round contract that makes runs reproducible.
type Network struct {
	mu sync.Mutex
	// rng decides drops. Invariant: drawn only inside EndRound, in the fixed
	// (sender id, send order) order, and only for links with 0 < drop < 1.
	rng   *rand.Rand
	round uint64
	// seq numbers scheduled messages so that delivery order is (due, seq).
	seq     uint64
	members map[uint64]*member
	// ids is the sorted list of member ids.
	ids []uint64
	// outbox holds messages sent this round, by sender id. It is separate
	// from members so that sends from unknown ids are kept and counted.
	outbox map[uint64][]raftpb.Message
	links  map[link]*linkState
	// unroutable counts messages whose sender or recipient is not a
	// member, or whose recipient is the sender itself.
	unroutable uint64
}

type link struct{ from, to uint64 }

type linkState struct {
	cut                      bool
	drop                     float64 // in [0, 1]
	delay                    int     // rounds, >= 0
	sent, delivered, dropped uint64
	inFlight                 int
}

type member struct {
	id   uint64
	down bool
	// pending holds scheduled messages to this member, sorted by (due, seq).
	pending []envelope
	// inbox holds messages due by the current round, in delivery order,
	// waiting for Receive.
	inbox []envelope
}

type envelope struct {
	due, seq uint64
	from     uint64
	msg      raftpb.Message
}

// New returns an empty network whose random choices all come from one
// source seeded with seed.
func New(seed int64) *Network {
	return &Network{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x65746364706c6179)), // "etcdplay"
		members: make(map[uint64]*member),
		outbox:  make(map[uint64][]raftpb.Message),
		links:   make(map[link]*linkState),
	}
}

// AddMember registers id as a member that can send and receive. Adding an
// existing member does nothing. Id 0 is raft's "none" and is refused
// (ignored): messages from or to it are counted as unroutable.
func (n *Network) AddMember(id uint64) {
	if id == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.members[id]; ok {
		return
	}
	n.members[id] = &member{id: id}
	i, _ := slices.BinarySearch(n.ids, id)
	n.ids = slices.Insert(n.ids, i, id)
}

// Send queues deep copies of msgs in from's outbox, in order, for the next
// EndRound. The recipient of each message is its To field; the link is
// (from, To), whatever the message's From says. Calls for one sender must
// come from one goroutine (or be otherwise ordered) for the order among
// them to be defined; calls for different senders may run concurrently.
func (n *Network) Send(from uint64, msgs []raftpb.Message) {
	if len(msgs) == 0 {
		return
	}
	copies := make([]raftpb.Message, len(msgs))
	for i := range msgs {
		copies[i] = cloneMessage(&msgs[i])
	}
	n.mu.Lock()
	n.outbox[from] = append(n.outbox[from], copies...)
	n.mu.Unlock()
}

// EndRound closes the current round: it applies the faults to every message
// sent this round (ascending sender id, then send order), schedules the
// survivors, advances Round by one and makes the messages due in the new
// round receivable. It must not run concurrently with Send or Receive of
// the round it closes (see the package documentation).
func (n *Network) EndRound() {
	n.mu.Lock()
	defer n.mu.Unlock()

	senders := make([]uint64, 0, len(n.outbox))
	for id, msgs := range n.outbox {
		if len(msgs) > 0 {
			senders = append(senders, id)
		}
	}
	slices.Sort(senders)
	for _, from := range senders {
		msgs := n.outbox[from]
		sender := n.members[from]
		for i := range msgs {
			n.route(sender, from, msgs[i])
		}
		clear(msgs) // release the copies for the garbage collector
		n.outbox[from] = msgs[:0]
	}

	n.round++
	for _, id := range n.ids {
		m := n.members[id]
		due := 0
		for due < len(m.pending) && m.pending[due].due <= n.round {
			due++
		}
		if due == 0 {
			continue
		}
		for _, e := range m.pending[:due] {
			if m.down {
				ls := n.link(e.from, id)
				ls.inFlight--
				ls.dropped++
				continue
			}
			m.inbox = append(m.inbox, e)
		}
		clear(m.pending[:due])
		m.pending = m.pending[due:]
	}
}

// route applies the faults to one message leaving from's outbox and
// schedules it if it survives. sender is nil for a non-member.
func (n *Network) route(sender *member, from uint64, msg raftpb.Message) {
	to := msg.To
	recipient := n.members[to]
	if sender == nil || recipient == nil || from == to {
		n.unroutable++
		return
	}
	ls := n.link(from, to)
	ls.sent++
	switch {
	case sender.down, recipient.down, ls.cut, ls.drop >= 1:
		ls.dropped++
		return
	case ls.drop > 0 && n.rng.Float64() < ls.drop:
		ls.dropped++
		return
	}
	n.seq++
	e := envelope{due: n.round + 1 + uint64(ls.delay), seq: n.seq, from: from, msg: msg}
	// Keep pending sorted by (due, seq): seq only grows, so the new
	// envelope goes after every envelope due no later than it.
	i := len(recipient.pending)
	for i > 0 && recipient.pending[i-1].due > e.due {
		i--
	}
	recipient.pending = slices.Insert(recipient.pending, i, e)
	ls.inFlight++
}

// Receive returns the messages due to member to by the current round, in
// delivery order (due round, then the order EndRound scheduled them), and
// removes them from the network. The caller owns the returned messages.
// It returns nil for an unknown or down member.
func (n *Network) Receive(to uint64) []raftpb.Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	m := n.members[to]
	if m == nil || len(m.inbox) == 0 {
		return nil
	}
	out := make([]raftpb.Message, len(m.inbox))
	for i, e := range m.inbox {
		out[i] = e.msg
		ls := n.link(e.from, to)
		ls.inFlight--
		ls.delivered++
	}
	clear(m.inbox)
	m.inbox = m.inbox[:0]
	return out
}

// Round returns the number of EndRound calls so far; messages sent now
// leave at the end of round Round().
func (n *Network) Round() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.round
}

// Unroutable returns how many messages were discarded because their sender
// or recipient was not a member (or they were addressed to their sender).
// Such messages belong to no link, so no LinkStatus counts them.
func (n *Network) Unroutable() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.unroutable
}

// link returns the state of the directed link, creating it healthy.
// Callers hold n.mu.
func (n *Network) link(from, to uint64) *linkState {
	k := link{from, to}
	ls := n.links[k]
	if ls == nil {
		ls = &linkState{}
		n.links[k] = ls
	}
	return ls
}
