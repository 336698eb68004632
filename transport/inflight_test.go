package transport

import (
	"math/rand/v2"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// key identifies a message by its content for matching views to deliveries.
type key struct {
	typ             raftpb.MessageType
	from, to, index uint64
}

// The view lists exactly the messages later delivered, each until the
// round it is due: random sends over links with random delays, round after
// round, the messages Receive hands over in a round are those the view
// listed as due then, and the view's IDs stay stable until delivery.
func TestInFlightMatchesDeliveries(t *testing.T) {
	n := newNet(3, 4)
	rng := rand.New(rand.NewPCG(9, 9))
	for from := uint64(1); from <= 4; from++ {
		for to := uint64(1); to <= 4; to++ {
			if from != to {
				n.SetDelay(from, to, rng.IntN(4))
			}
		}
	}
	n.SetDrop(2, 3, 0.5)
	seen := map[uint64]key{} // id -> message, while in flight
	tag := uint64(0)
	delivered := 0
	for round := 0; round < 60; round++ {
		view, total := n.InFlight(0)
		if total != len(view) {
			t.Fatalf("round %d: total %d, view %d", round, total, len(view))
		}
		due := map[key]int{}
		for _, v := range view {
			k := key{v.Type, v.From, v.To, v.Index}
			if old, ok := seen[v.ID]; ok && old != k {
				t.Fatalf("message %d changed: %+v then %+v", v.ID, old, k)
			}
			seen[v.ID] = k
			if v.Due < v.Sent+1 || v.Sent >= n.Round() {
				t.Fatalf("round %d: message %+v: bad sent/due", n.Round(), v)
			}
			if v.Due <= n.Round() {
				due[k]++
			}
		}
		inFlight := 0
		for _, l := range n.Links() {
			inFlight += l.InFlight
		}
		if inFlight != len(view) {
			t.Fatalf("round %d: links count %d in flight, view lists %d", round, inFlight, len(view))
		}
		for to := uint64(1); to <= 4; to++ {
			for _, m := range n.Receive(to) {
				k := key{m.Type, m.From, m.To, m.Index}
				if due[k] == 0 {
					t.Fatalf("round %d: delivered %+v, not listed as due", n.Round(), k)
				}
				due[k]--
				delivered++
			}
		}
		for k, left := range due {
			if left != 0 {
				t.Fatalf("round %d: %+v listed due but not delivered", n.Round(), k)
			}
		}
		for from := uint64(1); from <= 4; from++ {
			for range rng.IntN(3) {
				tag++
				to := uint64(rng.IntN(4)) + 1
				if to == from {
					continue
				}
				typ := []raftpb.MessageType{raftpb.MsgApp, raftpb.MsgVote, raftpb.MsgHeartbeat}[rng.IntN(3)]
				n.Send(from, []raftpb.Message{{Type: typ, From: from, To: to, Index: tag}})
			}
		}
		n.EndRound()
		checkCounters(t, n)
	}
	if delivered < 50 {
		t.Fatalf("only %d messages delivered: the test did not exercise the network", delivered)
	}
}

// Links count what they carried by type.
func TestSentByType(t *testing.T) {
	n := newNet(1, 2)
	n.Send(1, []raftpb.Message{app(1, 2, 1), app(1, 2, 2), {Type: raftpb.MsgHeartbeat, From: 1, To: 2}})
	n.EndRound()
	l := linkOf(t, n, 1, 2)
	if l.SentByType[raftpb.MsgApp] != 2 || l.SentByType[raftpb.MsgHeartbeat] != 1 || l.SentByType[raftpb.MsgVote] != 0 {
		t.Fatalf("1->2 by type: %v", l.SentByType)
	}
}

// Dropping a message by ID loses it (and only it), counted as Dropped;
// dropping it again, or an unknown ID, reports nothing to drop.
func TestDropMessage(t *testing.T) {
	n := newNet(1, 3)
	n.SetDelay(1, 3, 2)
	n.Send(1, []raftpb.Message{app(1, 2, 1), app(1, 2, 2), app(1, 3, 3)})
	n.EndRound()
	view, _ := n.InFlight(0)
	if len(view) != 3 {
		t.Fatalf("in flight: %+v", view)
	}
	for _, victim := range []InFlight{view[1], view[2]} { // one in 2's inbox, one pending for 3
		got, ok := n.DropMessage(victim.ID)
		if !ok || got != victim {
			t.Fatalf("DropMessage(%d) = %+v, %v; want %+v", victim.ID, got, ok, victim)
		}
		if _, ok := n.DropMessage(victim.ID); ok {
			t.Fatalf("message %d dropped twice", victim.ID)
		}
	}
	if _, ok := n.DropMessage(999); ok {
		t.Fatal("dropped an unknown message")
	}
	if got := tags(n.Receive(2)); len(got) != 1 || got[0] != 1 {
		t.Fatalf("2 received %v, want only message 1", got)
	}
	for range 3 {
		n.EndRound()
		if got := n.Receive(3); got != nil {
			t.Fatalf("3 received the dropped message: %v", tags(got))
		}
	}
	if l := linkOf(t, n, 1, 2); l.Dropped != 1 || l.Delivered != 1 {
		t.Fatalf("1->2: %+v", l)
	}
	if l := linkOf(t, n, 1, 3); l.Dropped != 1 || l.InFlight != 0 {
		t.Fatalf("1->3: %+v", l)
	}
	checkCounters(t, n)
}
