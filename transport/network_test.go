package transport

import (
	"slices"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// newNet returns a network with members 1..n.
func newNet(seed int64, n int) *Network {
	net := New(seed)
	for id := uint64(1); id <= uint64(n); id++ {
		net.AddMember(id)
	}
	return net
}

// app returns a distinguishable MsgApp from -> to; idx tags it.
func app(from, to, idx uint64) raftpb.Message {
	return raftpb.Message{Type: raftpb.MsgApp, From: from, To: to, Term: 1, Index: idx,
		Entries: []raftpb.Entry{{Term: 1, Index: idx + 1, Data: []byte{byte(idx)}}}}
}

// tags returns the Index of each message, in order.
func tags(msgs []raftpb.Message) []uint64 {
	out := make([]uint64, len(msgs))
	for i, m := range msgs {
		out[i] = m.Index
	}
	return out
}

func linkOf(t *testing.T, n *Network, from, to uint64) LinkStatus {
	t.Helper()
	for _, l := range n.Links() {
		if l.From == from && l.To == to {
			return l
		}
	}
	t.Fatalf("no link %d->%d", from, to)
	return LinkStatus{}
}

// checkCounters asserts Sent + Duplicated == Delivered + Dropped + InFlight
// on every link.
func checkCounters(t *testing.T, n *Network) {
	t.Helper()
	for _, l := range n.Links() {
		if l.InFlight < 0 || l.Sent+l.Duplicated != l.Delivered+l.Dropped+uint64(l.InFlight) {
			t.Fatalf("link %d->%d: sent %d + duplicated %d != delivered %d + dropped %d + in flight %d",
				l.From, l.To, l.Sent, l.Duplicated, l.Delivered, l.Dropped, l.InFlight)
		}
	}
}

func TestNothingCrossesBeforeEndRound(t *testing.T) {
	n := newNet(1, 3)
	n.Send(1, []raftpb.Message{app(1, 2, 7)})
	if got := n.Receive(2); got != nil {
		t.Fatalf("received %v before EndRound", tags(got))
	}
	if r := n.Round(); r != 0 {
		t.Fatalf("Round() = %d before any EndRound, want 0", r)
	}
	n.EndRound()
	if r := n.Round(); r != 1 {
		t.Fatalf("Round() = %d after one EndRound, want 1", r)
	}
	got := n.Receive(2)
	if len(got) != 1 || got[0].Index != 7 || got[0].From != 1 {
		t.Fatalf("Receive(2) = %+v, want the MsgApp with index 7", got)
	}
	if again := n.Receive(2); again != nil {
		t.Fatalf("second Receive returned %v, want nothing", tags(again))
	}
	l := linkOf(t, n, 1, 2)
	if l.Sent != 1 || l.Delivered != 1 || l.Dropped != 0 || l.InFlight != 0 {
		t.Fatalf("link 1->2 = %+v", l)
	}
	checkCounters(t, n)
}

func TestDeliveryOrder(t *testing.T) {
	// Senders in id order, each sender's messages in send order, whatever
	// the order of the Send calls.
	n := newNet(1, 4)
	n.Send(3, []raftpb.Message{app(3, 1, 30), app(3, 1, 31)})
	n.Send(2, []raftpb.Message{app(2, 1, 20)})
	n.Send(3, []raftpb.Message{app(3, 1, 32)})
	n.Send(4, []raftpb.Message{app(4, 1, 40)})
	n.Send(2, []raftpb.Message{app(2, 1, 21)})
	n.EndRound()
	want := []uint64{20, 21, 30, 31, 32, 40}
	if got := tags(n.Receive(1)); !slices.Equal(got, want) {
		t.Fatalf("delivery order %v, want %v", got, want)
	}
}

func TestInboxAccumulatesUntilReceive(t *testing.T) {
	n := newNet(1, 2)
	n.Send(1, []raftpb.Message{app(1, 2, 1)})
	n.EndRound()
	n.Send(1, []raftpb.Message{app(1, 2, 2)})
	n.EndRound()
	if got := tags(n.Receive(2)); !slices.Equal(got, []uint64{1, 2}) {
		t.Fatalf("got %v, want [1 2]", got)
	}
	if l := linkOf(t, n, 1, 2); l.InFlight != 0 || l.Delivered != 2 {
		t.Fatalf("link 1->2 = %+v", l)
	}
}

func TestUnroutable(t *testing.T) {
	n := newNet(1, 2)
	n.Send(9, []raftpb.Message{app(9, 1, 1)}) // unknown sender
	n.Send(1, []raftpb.Message{app(1, 9, 2)}) // unknown recipient
	n.Send(1, []raftpb.Message{app(1, 1, 3)}) // to itself
	n.Send(1, []raftpb.Message{app(1, 0, 4)}) // raft's "none"
	n.AddMember(0)                            // refused
	n.EndRound()
	if got := n.Unroutable(); got != 4 {
		t.Fatalf("Unroutable() = %d, want 4", got)
	}
	for _, id := range []uint64{0, 1, 2, 9} {
		if got := n.Receive(id); got != nil {
			t.Fatalf("Receive(%d) = %v, want nothing", id, tags(got))
		}
	}
	if ls := n.Links(); len(ls) != 2 || ls[0].Sent+ls[1].Sent != 0 {
		t.Fatalf("Links() = %+v, want two idle links", ls)
	}
}

func TestLinksSortedAndComplete(t *testing.T) {
	n := New(1)
	for _, id := range []uint64{5, 1, 3, 3} {
		n.AddMember(id)
	}
	var got [][2]uint64
	for _, l := range n.Links() {
		got = append(got, [2]uint64{l.From, l.To})
	}
	want := [][2]uint64{{1, 3}, {1, 5}, {3, 1}, {3, 5}, {5, 1}, {5, 3}}
	if len(got) != len(want) {
		t.Fatalf("Links() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Links() = %v, want %v", got, want)
		}
	}
}

func TestEmptySendIsNoop(t *testing.T) {
	n := newNet(1, 2)
	n.Send(1, nil)
	n.Send(1, []raftpb.Message{})
	n.EndRound()
	if l := linkOf(t, n, 1, 2); l.Sent != 0 {
		t.Fatalf("link 1->2 = %+v after empty sends", l)
	}
}

// ReceiveAppend appends to the caller's buffer, keeping what it held, in
// the same order and with the same counters as Receive.
func TestReceiveAppend(t *testing.T) {
	n := newNet(1, 3)
	n.Send(3, []raftpb.Message{app(3, 1, 30)})
	n.Send(2, []raftpb.Message{app(2, 1, 20), app(2, 1, 21)})
	n.EndRound()
	buf := []raftpb.Message{app(9, 1, 99)}
	buf = n.ReceiveAppend(buf, 1)
	if got, want := tags(buf), []uint64{99, 20, 21, 30}; !slices.Equal(got, want) {
		t.Fatalf("ReceiveAppend gave %v, want %v", got, want)
	}
	if again := n.ReceiveAppend(buf[:0], 1); len(again) != 0 {
		t.Fatalf("second ReceiveAppend gave %v, want nothing", tags(again))
	}
	if got := n.ReceiveAppend(nil, 42); got != nil {
		t.Fatalf("ReceiveAppend for a non-member gave %v", tags(got))
	}
	if l := linkOf(t, n, 2, 1); l.Delivered != 2 || l.InFlight != 0 {
		t.Fatalf("link 2->1 = %+v", l)
	}
	checkCounters(t, n)
}

// In steady state a round allocates nothing but the copies Send makes:
// messages without entries, context or snapshot (heartbeats and their
// responses) cross a round with no allocation at all, because outboxes,
// pending queues and inboxes are reused.
func TestSteadyRoundReusesBuffers(t *testing.T) {
	n := newNet(1, 3)
	n.SetDelay(1, 3, 2) // a delayed link keeps a pending queue non-empty
	beats := []raftpb.Message{
		{Type: raftpb.MsgHeartbeat, From: 1, To: 2, Term: 1},
		{Type: raftpb.MsgHeartbeat, From: 1, To: 3, Term: 1},
	}
	resp := []raftpb.Message{{Type: raftpb.MsgHeartbeatResp, From: 2, To: 1, Term: 1}}
	var buf []raftpb.Message
	delivered := 0
	round := func() {
		n.Send(1, beats)
		n.Send(2, resp)
		n.EndRound()
		for to := uint64(1); to <= 3; to++ {
			buf = n.ReceiveAppend(buf[:0], to)
			delivered += len(buf)
			clear(buf)
		}
	}
	for range 10 {
		round() // grow every buffer to its steady size
	}
	if allocs := testing.AllocsPerRun(100, round); allocs != 0 {
		t.Fatalf("a steady round allocates %.1f times, want 0", allocs)
	}
	if delivered < 3*100 {
		t.Fatalf("only %d messages delivered: the rounds moved nothing", delivered)
	}
	checkCounters(t, n)
}
