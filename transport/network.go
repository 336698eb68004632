package transport

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sync"

	"go.etcd.io/raft/v3/raftpb"
)

// Network is a deterministic in-process network of raft members, moved in
// rounds by EndRound. All methods are safe for concurrent use; see the
// package documentation for the round contract that makes runs reproducible.
//
// Buffers live as long as the network: outboxes, pending queues and inboxes
// are cleared and reused round after round, so a round in steady state
// allocates only the message copies Send makes.
type Network struct {
	mu sync.Mutex
	// rng decides drops, duplicates and reorder holds. Invariant: drawn
	// only inside EndRound, in the fixed (sender id, send order) order, and
	// per message only for the faults its link has: a drop draw when
	// 0 < drop < 1, then (if it survives) a duplicate draw when
	// 0 < duplicate < 1, then one hold draw per copy scheduled when
	// reorder >= 2. A link without these faults draws nothing.
	rng   *rand.Rand
	round uint64
	// members by id; ids is the sorted list of member ids and byID the
	// members in the same order.
	members map[uint64]*member
	ids     []uint64
	byID    []*member
	// outboxes holds the messages sent this round, one outbox per sender
	// id that ever sent, sorted by id. It is separate from members so that
	// sends from unknown ids are kept and counted at EndRound.
	outboxes []*outbox
	links    map[link]*linkState
	// unroutable counts messages whose sender or recipient is not a
	// member, or whose recipient is the sender itself.
	unroutable uint64
	// check is the payload check (sharedcheck.go); nil when off.
	check *sharedCheck
	// nextID is the ID the next scheduled message gets (inflight.go).
	nextID uint64
}

type link struct{ from, to uint64 }

type linkState struct {
	cut       bool
	drop      float64 // in [0, 1]
	delay     int     // rounds, >= 0
	duplicate float64 // in [0, 1]
	reorder   int     // window in rounds, >= 0; 0 and 1: in order
	sent, delivered, dropped,
	duplicated uint64
	inFlight   int
	sentByType [MessageTypes]uint64 // inflight.go
}

// heal clears the link's faults, keeping its counters.
func (ls *linkState) heal() {
	ls.cut, ls.drop, ls.delay, ls.duplicate, ls.reorder = false, 0, 0, 0, 0
}

// outbox is one sender's messages of the current round, in send order. Its
// own lock lets different senders copy their messages in concurrently; the
// network lock is held only to find the outbox.
type outbox struct {
	id   uint64
	mu   sync.Mutex
	msgs []raftpb.Message
	// sums holds the payload checksums of msgs while the payload check
	// is on (sharedcheck.go).
	sums []payloadSum
}

type member struct {
	id   uint64
	down bool
	// pending holds scheduled messages to this member, sorted by due
	// round, then by the order EndRound scheduled them.
	pending []envelope
	// inbox holds messages due by the current round, in delivery order,
	// waiting for Receive.
	inbox []envelope
}

// envelope is a scheduled message and the link it travels on (whose
// counters its delivery or loss updates).
type envelope struct {
	due  uint64
	link *linkState
	msg  raftpb.Message
	// id and sent (the round it left its outbox) identify the message
	// in flight (inflight.go).
	id, sent uint64
}

// New returns an empty network whose random choices all come from one
// source seeded with seed.
func New(seed int64) *Network {
	n := &Network{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x65746364706c6179)), // "etcdplay"
		members: make(map[uint64]*member),
		links:   make(map[link]*linkState),
	}
	if DefaultCheckShared > 0 {
		n.CheckShared(DefaultCheckShared)
	}
	return n
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
	m := &member{id: id}
	n.members[id] = m
	i, _ := slices.BinarySearch(n.ids, id)
	n.ids = slices.Insert(n.ids, i, id)
	n.byID = slices.Insert(n.byID, i, m)
}

// Send queues copies of msgs in from's outbox, in order, for the next
// EndRound. The copies share the payload bytes (entry and snapshot Data)
// with msgs and copy everything else (clone.go's payload contract): the
// sender may reuse or mutate its messages, Entries slices and snapshots at
// once, but never writes the payload bytes again. The recipient of each
// message is its To field; the link is (from, To), whatever the message's
// From says. Calls for one sender must come from one goroutine (or be
// otherwise ordered) for the order among them to be defined; calls for
// different senders may run concurrently.
//
// MsgApp messages of one call that carry the very same entries (the same
// slice: raft replicating one batch to several followers) share one copy
// of the Entries slice, read-only: raft never modifies the entries of a
// MsgApp it receives (it copies them into its log), so the recipients share
// no mutable memory, and nothing but payload bytes is shared with the
// sender.
func (n *Network) Send(from uint64, msgs []raftpb.Message) {
	if len(msgs) == 0 {
		return
	}
	n.mu.Lock()
	ob := n.outboxOf(from)
	checking, round := n.check != nil, n.round
	n.mu.Unlock()
	ob.mu.Lock()
	first := len(ob.msgs)
	for i := range msgs {
		m := &msgs[i]
		j := sameAppendEntries(msgs[:i], m)
		if checking && j < 0 { // a MsgApp sharing entries has their sums already
			ob.sums = appendSums(ob.sums, from, round, m)
		}
		if j >= 0 {
			c := *m
			c.Entries = nil
			c = shareMessage(&c)
			c.Entries = ob.msgs[first+j].Entries
			ob.msgs = append(ob.msgs, c)
			continue
		}
		ob.msgs = append(ob.msgs, shareMessage(m))
	}
	ob.mu.Unlock()
}

// sameAppendEntries returns the index of a MsgApp among prev whose Entries
// are m's very slice (same first element, same length) if m is a MsgApp
// with entries, else -1.
func sameAppendEntries(prev []raftpb.Message, m *raftpb.Message) int {
	if m.Type != raftpb.MsgApp || len(m.Entries) == 0 {
		return -1
	}
	for j := range prev {
		p := &prev[j]
		if p.Type == raftpb.MsgApp && len(p.Entries) == len(m.Entries) && &p.Entries[0] == &m.Entries[0] {
			return j
		}
	}
	return -1
}

// outboxOf returns from's outbox, creating it. Callers hold n.mu.
func (n *Network) outboxOf(from uint64) *outbox {
	i, found := slices.BinarySearchFunc(n.outboxes, from, func(ob *outbox, id uint64) int {
		return cmp.Compare(ob.id, id)
	})
	if !found {
		n.outboxes = slices.Insert(n.outboxes, i, &outbox{id: from})
	}
	return n.outboxes[i]
}

// EndRound closes the current round: it applies the faults to every message
// sent this round (ascending sender id, then send order), schedules the
// survivors, advances Round by one and makes the messages due in the new
// round receivable. It must not run concurrently with Send or Receive of
// the round it closes (see the package documentation). With the payload
// check on (CheckShared), it panics with the check's error, after
// completing the round, if a watched payload changed.
func (n *Network) EndRound() {
	n.mu.Lock()
	defer n.mu.Unlock()

	for _, ob := range n.outboxes {
		ob.mu.Lock()
		sender := n.members[ob.id]
		if n.check != nil {
			n.check.watch(ob.sums, n.round+1)
		}
		clear(ob.sums)
		ob.sums = ob.sums[:0]
		for i := range ob.msgs {
			n.route(sender, ob.id, &ob.msgs[i])
		}
		clear(ob.msgs) // release the copies for the garbage collector
		ob.msgs = ob.msgs[:0]
		ob.mu.Unlock()
	}

	n.round++
	if n.check != nil {
		n.check.expire(n.round)
	}
	for _, m := range n.byID {
		due := 0
		for due < len(m.pending) && m.pending[due].due <= n.round {
			due++
		}
		if due == 0 {
			continue
		}
		for _, e := range m.pending[:due] {
			if m.down {
				e.link.inFlight--
				e.link.dropped++
				continue
			}
			m.inbox = append(m.inbox, e)
		}
		// Move the rest to the front so that pending keeps its capacity.
		rest := copy(m.pending, m.pending[due:])
		clear(m.pending[rest:])
		m.pending = m.pending[:rest]
	}
	n.panicIfBroken()
}

// panicIfBroken panics with the payload check's violation, if it found one
// in this EndRound (sharedcheck.go). EndRound calls it last, once the round
// is complete and every lock but n.mu (unlocked by its defer) is released.
func (n *Network) panicIfBroken() {
	if n.check != nil && n.check.broken != nil {
		err := n.check.broken
		n.check.broken = nil
		panic(err)
	}
}

// route applies the faults to one message leaving from's outbox and
// schedules a copy of it if it survives. sender is nil for a non-member.
func (n *Network) route(sender *member, from uint64, msg *raftpb.Message) {
	to := msg.To
	recipient := n.members[to]
	if sender == nil || recipient == nil || from == to {
		n.unroutable++
		return
	}
	ls := n.link(from, to)
	ls.sent++
	countType(ls, msg.Type)
	switch {
	case sender.down, recipient.down, ls.cut, ls.drop >= 1:
		ls.dropped++
		return
	case ls.drop > 0 && n.rng.Float64() < ls.drop:
		ls.dropped++
		return
	}
	// A forwarded proposal (MsgProp) is a client's request, not one of
	// raft's idempotent messages: a second copy would append and apply
	// the request twice (a delete applied again after a later put loses
	// that put: chaos seed 2985). etcd's transport never re-delivers one,
	// so neither does this one.
	twice := msg.Type != raftpb.MsgProp &&
		(ls.duplicate >= 1 || ls.duplicate > 0 && n.rng.Float64() < ls.duplicate)
	n.schedule(recipient, ls, *msg)
	if twice {
		// The second copy owns its own mutable parts (the recipient may
		// modify each copy it receives) and shares the payload bytes.
		ls.duplicated++
		n.schedule(recipient, ls, shareMessage(msg))
	}
}

// schedule puts one copy of a message on link ls into the recipient's
// pending queue, due after the link's delay plus, with reorder W >= 2, a
// hold drawn uniformly from 0..W-1 rounds. Callers hold n.mu.
func (n *Network) schedule(recipient *member, ls *linkState, msg raftpb.Message) {
	due := n.round + 1 + uint64(ls.delay)
	if ls.reorder >= 2 {
		due += n.rng.Uint64N(uint64(ls.reorder))
	}
	// Keep pending sorted by due round and, within a round, by scheduling
	// order: the new envelope goes after every envelope due no later than
	// it (usually at the end, as most links have no delay).
	p := recipient.pending
	i := len(p)
	for i > 0 && p[i-1].due > due {
		i--
	}
	recipient.pending = slices.Insert(p, i, envelope{due: due, link: ls, msg: msg, id: n.newID(), sent: n.round})
	ls.inFlight++
	if n.check != nil {
		n.check.hold(&msg, due)
	}
}

// Receive returns the messages due to member to by the current round, in
// delivery order (due round, then the order EndRound scheduled them), and
// removes them from the network. The caller owns the returned messages.
// It returns nil for an unknown or down member, or when none is due.
func (n *Network) Receive(to uint64) []raftpb.Message {
	return n.ReceiveAppend(nil, to)
}

// ReceiveAppend is Receive appending the messages to buf (which it returns,
// grown as needed): a caller that receives every round can reuse one buffer.
// The caller owns the appended messages; it should clear buf's elements
// once they are handled, so that the buffer keeps no message alive.
func (n *Network) ReceiveAppend(buf []raftpb.Message, to uint64) []raftpb.Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	m := n.members[to]
	if m == nil || len(m.inbox) == 0 {
		return buf
	}
	buf = slices.Grow(buf, len(m.inbox))
	for i := range m.inbox {
		e := &m.inbox[i]
		buf = append(buf, e.msg)
		e.link.inFlight--
		e.link.delivered++
	}
	clear(m.inbox)
	m.inbox = m.inbox[:0]
	return buf
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
