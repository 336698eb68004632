package transport

import "math"

// LinkStatus describes one directed link: its configured faults and its
// counters (see the package documentation for their meaning).
type LinkStatus struct {
	From, To                 uint64
	Cut                      bool
	Drop                     float64 // probability in [0, 1]
	Delay                    int     // extra rounds before delivery
	Sent, Delivered, Dropped uint64
	InFlight                 int
	Duplicate                float64 // probability in [0, 1] of a second copy
	Reorder                  int     // window in rounds; 0 and 1: in order
	// Duplicated counts the second copies the link made; each is then
	// delivered, dropped or in flight like any message, so
	// Sent + Duplicated == Delivered + Dropped + InFlight.
	Duplicated uint64
	// SentByType counts Sent by raft message type (index: raftpb.MessageType).
	SentByType [MessageTypes]uint64
}

// Every fault setter below takes effect from the next EndRound: it changes
// the fate of messages that leave their outbox from then on, not of messages
// already in flight. Ids need not be members yet: a link's settings are kept
// and apply once both ends are members (except where a method says it works
// on current members).

// Cut cuts the directed link from -> to: its messages are dropped.
func (n *Network) Cut(from, to uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).cut = true
}

// HealLink undoes every fault (cut, drop, delay, duplicate, reorder) on the
// directed link from -> to. Its counters are kept.
func (n *Network) HealLink(from, to uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).heal()
}

// Partition splits the current members into groups: every link between
// members of different groups is cut both ways and every link within a
// group is un-cut. Members listed in no group form one more group
// together. A member listed twice belongs to its first group; non-members
// are ignored. Drop and delay settings are left as they are.
func (n *Network) Partition(groups ...[]uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	group := make(map[uint64]int, len(n.ids))
	for g, ids := range groups {
		for _, id := range ids {
			if _, seen := group[id]; !seen {
				group[id] = g
			}
		}
	}
	groupOf := func(id uint64) int {
		if g, ok := group[id]; ok {
			return g
		}
		return -1 // the unlisted members' group
	}
	for _, a := range n.ids {
		for _, b := range n.ids {
			if a != b {
				n.link(a, b).cut = groupOf(a) != groupOf(b)
			}
		}
	}
}

// Isolate cuts every link between id and the current members, both ways.
func (n *Network) Isolate(id uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, other := range n.ids {
		if other != id {
			n.link(id, other).cut = true
			n.link(other, id).cut = true
		}
	}
}

// HealAll undoes every fault on every link. It does not bring down
// members up (see SetDown) and keeps the counters.
func (n *Network) HealAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, ls := range n.links {
		ls.heal()
	}
}

// SetDrop makes the directed link drop each message with probability p.
// p is clamped to [0, 1]; NaN counts as 0.
func (n *Network) SetDrop(from, to uint64, p float64) {
	p = clampProb(p)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).drop = p
}

// SetDelay makes messages on the directed link wait rounds extra rounds:
// one sent in round r is receivable in round r+1+rounds. Negative counts
// as 0.
func (n *Network) SetDelay(from, to uint64, rounds int) {
	rounds = max(rounds, 0)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).delay = rounds
}

// SetDuplicate makes the directed link deliver each message that survives
// its drop twice with probability p: the second copy is scheduled like the
// first (the same delay, its own reorder hold) and may arrive before it,
// with it or after it. p is clamped to [0, 1]; NaN counts as 0.
func (n *Network) SetDuplicate(from, to uint64, p float64) {
	p = clampProb(p)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).duplicate = p
}

// SetReorder gives the directed link a reorder window of rounds rounds:
// each message (and each duplicate) is held a further 0..rounds-1 rounds,
// drawn uniformly, so messages that left within rounds rounds of each other
// may arrive in either order, and none waits more than rounds-1 rounds
// beyond its delay. 0 and 1 keep the link in order; negative counts as 0.
func (n *Network) SetReorder(from, to uint64, rounds int) {
	rounds = max(rounds, 0)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.link(from, to).reorder = rounds
}

// clampProb clamps p to [0, 1]; NaN counts as 0.
func clampProb(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0:
		return 0
	case p > 1:
		return 1
	}
	return p
}

// SetDown marks a member down (a crashed process) or up again. Going down
// drops, at once, the messages waiting in its inbox. While it is down, every
// message it sent this round or sends later, every message sent to it, and
// every message in flight to it that falls due is dropped. Messages it sent
// before going down that are already in flight still arrive (they are on
// the wire). Unknown ids are ignored.
func (n *Network) SetDown(id uint64, down bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	m := n.members[id]
	if m == nil {
		return
	}
	m.down = down
	if !down {
		return
	}
	for _, e := range m.inbox {
		e.link.inFlight--
		e.link.dropped++
	}
	clear(m.inbox)
	m.inbox = m.inbox[:0]
}

// Links returns the status of every directed link between two distinct
// members, sorted by (From, To).
func (n *Network) Links() []LinkStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]LinkStatus, 0, len(n.ids)*len(n.ids))
	for _, from := range n.ids {
		for _, to := range n.ids {
			if from == to {
				continue
			}
			s := LinkStatus{From: from, To: to}
			if ls := n.links[link{from, to}]; ls != nil {
				s.Cut, s.Drop, s.Delay = ls.cut, ls.drop, ls.delay
				s.Sent, s.Delivered, s.Dropped = ls.sent, ls.delivered, ls.dropped
				s.InFlight = ls.inFlight
				s.Duplicate, s.Reorder, s.Duplicated = ls.duplicate, ls.reorder, ls.duplicated
				s.SentByType = ls.sentByType
			}
			out = append(out, s)
		}
	}
	return out
}
