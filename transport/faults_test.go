package transport

import (
	"math"
	"slices"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// TestFaults sends one message on every directed link of a five-member
// network under each fault set-up and checks exactly which links delivered.
func TestFaults(t *testing.T) {
	type pair = [2]uint64
	all := func(pair) bool { return true }
	cases := []struct {
		name  string
		setup func(n *Network)
		// ok reports whether the link from -> to must deliver.
		ok func(l pair) bool
	}{
		{"healthy", func(*Network) {}, all},
		{"one-way cut", func(n *Network) { n.Cut(1, 2) },
			func(l pair) bool { return l != pair{1, 2} }},
		{"partition two groups, unlisted member alone",
			func(n *Network) { n.Partition([]uint64{1, 2}, []uint64{3, 4}) },
			func(l pair) bool {
				return group(l[0], [][]uint64{{1, 2}, {3, 4}}) == group(l[1], [][]uint64{{1, 2}, {3, 4}})
			}},
		{"partition one group, unlisted members together",
			func(n *Network) { n.Partition([]uint64{1, 2}) },
			func(l pair) bool { return (l[0] <= 2) == (l[1] <= 2) }},
		{"partition lists a member twice: first group wins, non-members ignored",
			func(n *Network) { n.Partition([]uint64{1, 2, 42}, []uint64{2, 3}) },
			func(l pair) bool {
				g := map[uint64]int{1: 0, 2: 0, 3: 1, 4: -1, 5: -1}
				return g[l[0]] == g[l[1]]
			}},
		{"partition replaces earlier cuts",
			func(n *Network) { n.Isolate(1); n.Cut(4, 5); n.Partition([]uint64{1, 2}) },
			func(l pair) bool { return (l[0] <= 2) == (l[1] <= 2) }},
		{"isolate", func(n *Network) { n.Isolate(3) },
			func(l pair) bool { return l[0] != 3 && l[1] != 3 }},
		{"heal one direction of a cut",
			func(n *Network) { n.Cut(1, 2); n.Cut(2, 1); n.HealLink(1, 2) },
			func(l pair) bool { return l != pair{2, 1} }},
		{"heal link undoes drop",
			func(n *Network) { n.SetDrop(1, 2, 1); n.SetDrop(2, 1, 1); n.HealLink(2, 1) },
			func(l pair) bool { return l != pair{1, 2} }},
		{"heal all",
			func(n *Network) {
				n.Partition([]uint64{1}, []uint64{2, 3})
				n.Isolate(4)
				n.SetDrop(5, 1, 1)
				n.SetDelay(1, 2, 3)
				n.HealAll()
			}, all},
		{"drop probability 1", func(n *Network) { n.SetDrop(3, 4, 1) },
			func(l pair) bool { return l != pair{3, 4} }},
		{"drop probability above 1 clamps to 1", func(n *Network) { n.SetDrop(3, 4, 7) },
			func(l pair) bool { return l != pair{3, 4} }},
		{"negative or NaN drop means none",
			func(n *Network) { n.SetDrop(3, 4, -1); n.SetDrop(4, 3, math.NaN()) }, all},
		{"down member neither sends nor receives", func(n *Network) { n.SetDown(4, true) },
			func(l pair) bool { return l[0] != 4 && l[1] != 4 }},
		{"member back up", func(n *Network) { n.SetDown(4, true); n.SetDown(4, false) }, all},
		{"heal all keeps a member down", func(n *Network) { n.SetDown(4, true); n.HealAll() },
			func(l pair) bool { return l[0] != 4 && l[1] != 4 }},
		{"faults on unknown ids are harmless",
			func(n *Network) { n.Cut(9, 1); n.Isolate(9); n.SetDown(9, true); n.SetDelay(1, 9, 2) }, all},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := newNet(1, 5)
			tc.setup(n)
			for from := uint64(1); from <= 5; from++ {
				var msgs []raftpb.Message
				for to := uint64(1); to <= 5; to++ {
					if to != from {
						msgs = append(msgs, app(from, to, from*10+to))
					}
				}
				n.Send(from, msgs)
			}
			n.EndRound()
			got := map[pair]bool{}
			for to := uint64(1); to <= 5; to++ {
				for _, m := range n.Receive(to) {
					if m.To != to || m.Index != m.From*10+to {
						t.Fatalf("member %d received %+v", to, m)
					}
					got[pair{m.From, to}] = true
				}
			}
			for _, l := range n.Links() {
				p := pair{l.From, l.To}
				want := tc.ok(p)
				if got[p] != want {
					t.Errorf("link %d->%d delivered=%v, want %v", l.From, l.To, got[p], want)
				}
				if l.Sent != 1 || l.Delivered != uint64(btoi(want)) || l.Dropped != uint64(btoi(!want)) || l.InFlight != 0 {
					t.Errorf("link %d->%d counters %+v", l.From, l.To, l)
				}
			}
			checkCounters(t, n)
		})
	}
}

func group(id uint64, groups [][]uint64) int {
	for g, ids := range groups {
		for _, x := range ids {
			if x == id {
				return g
			}
		}
	}
	return -1
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestLinkSettingsVisible(t *testing.T) {
	n := newNet(1, 3)
	n.Cut(1, 2)
	n.SetDrop(2, 3, 0.25)
	n.SetDelay(3, 1, 4)
	n.SetDelay(1, 3, -2)
	want := map[[2]uint64]LinkStatus{
		{1, 2}: {From: 1, To: 2, Cut: true},
		{1, 3}: {From: 1, To: 3},
		{2, 1}: {From: 2, To: 1},
		{2, 3}: {From: 2, To: 3, Drop: 0.25},
		{3, 1}: {From: 3, To: 1, Delay: 4},
		{3, 2}: {From: 3, To: 2},
	}
	for _, l := range n.Links() {
		if w := want[[2]uint64{l.From, l.To}]; l != w {
			t.Errorf("link %d->%d = %+v, want %+v", l.From, l.To, l, w)
		}
	}
}

func TestDropProbability(t *testing.T) {
	const rounds, perRound = 2000, 5
	const p = 0.3
	run := func(seed int64) (delivered []bool) {
		n := newNet(seed, 3)
		n.SetDrop(1, 2, p)
		for r := 0; r < rounds; r++ {
			var msgs []raftpb.Message
			for i := 0; i < perRound; i++ {
				msgs = append(msgs, app(1, 2, uint64(r*perRound+i)), app(1, 3, 0))
			}
			n.Send(1, msgs)
			n.EndRound()
			got := n.Receive(2)
			next := 0
			for i := 0; i < perRound; i++ {
				ok := next < len(got) && got[next].Index == uint64(r*perRound+i)
				if ok {
					next++
				}
				delivered = append(delivered, ok)
			}
			if next != len(got) {
				t.Fatalf("round %d: unexpected messages %v", r, tags(got))
			}
			if n3 := len(n.Receive(3)); n3 != perRound {
				t.Fatalf("round %d: link 1->3 without drop delivered %d of %d", r, n3, perRound)
			}
		}
		l := linkOf(t, n, 1, 2)
		if l.Sent != rounds*perRound || l.Delivered+l.Dropped != l.Sent {
			t.Fatalf("link 1->2 counters %+v", l)
		}
		return delivered
	}
	a := run(7)
	lost := 0
	for _, ok := range a {
		lost += btoi(!ok)
	}
	// 10,000 Bernoulli(0.3) draws: sd ~46; accept +-200 (> 4 sd).
	if total := float64(rounds * perRound); math.Abs(float64(lost)-p*total) > 200 {
		t.Fatalf("dropped %d of %.0f, want about %.0f", lost, total, p*total)
	}
	b := run(7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different drop at message %d", i)
		}
	}
	c := run(8)
	same := 0
	for i := range a {
		same += btoi(a[i] == c[i])
	}
	if same == len(a) {
		t.Fatalf("seeds 7 and 8 dropped exactly the same messages")
	}
}

func TestDelay(t *testing.T) {
	n := newNet(1, 2)
	n.SetDelay(1, 2, 3)
	n.Send(1, []raftpb.Message{app(1, 2, 1)})
	for r := 1; r <= 3; r++ {
		n.EndRound()
		if got := n.Receive(2); got != nil {
			t.Fatalf("after %d rounds received %v, want nothing before round 4", r, tags(got))
		}
		if l := linkOf(t, n, 1, 2); l.InFlight != 1 {
			t.Fatalf("after %d rounds link = %+v, want 1 in flight", r, l)
		}
	}
	n.EndRound()
	if got := tags(n.Receive(2)); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("after 4 rounds received %v, want [1]", got)
	}
	checkCounters(t, n)
}

func TestShorterDelayOvertakes(t *testing.T) {
	n := newNet(1, 3)
	n.SetDelay(1, 3, 2)
	n.Send(1, []raftpb.Message{app(1, 3, 1)}) // due in round 3
	n.EndRound()
	n.SetDelay(1, 3, 0)
	n.Send(1, []raftpb.Message{app(1, 3, 2)}) // due in round 2
	n.Send(2, []raftpb.Message{app(2, 3, 3)}) // due in round 2
	n.EndRound()
	if got := tags(n.Receive(3)); !slices.Equal(got, []uint64{2, 3}) {
		t.Fatalf("round 2 received %v, want [2 3]", got)
	}
	n.EndRound()
	if got := tags(n.Receive(3)); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("round 3 received %v, want [1]", got)
	}
}

func TestInFlightIgnoresLaterCut(t *testing.T) {
	n := newNet(1, 2)
	n.SetDelay(1, 2, 1)
	n.Send(1, []raftpb.Message{app(1, 2, 1)})
	n.EndRound()
	n.Cut(1, 2)
	n.Send(1, []raftpb.Message{app(1, 2, 2)})
	n.EndRound()
	if got := tags(n.Receive(2)); !slices.Equal(got, []uint64{1}) {
		t.Fatalf("received %v, want only the message sent before the cut", got)
	}
	if l := linkOf(t, n, 1, 2); l.Delivered != 1 || l.Dropped != 1 {
		t.Fatalf("link 1->2 = %+v", l)
	}
}

func TestDownDropsInFlightAndInbox(t *testing.T) {
	n := newNet(1, 3)
	n.SetDelay(1, 2, 2)
	n.Send(1, []raftpb.Message{app(1, 2, 1)}) // in flight to 2
	n.Send(3, []raftpb.Message{app(3, 2, 2)}) // lands in 2's inbox
	n.EndRound()
	n.SetDown(2, true)
	if got := n.Receive(2); got != nil {
		t.Fatalf("down member received %v", tags(got))
	}
	n.Send(2, []raftpb.Message{app(2, 1, 3)}) // sent by a down member
	n.EndRound()
	n.EndRound()
	n.SetDown(2, false)
	if got := n.Receive(2); got != nil {
		t.Fatalf("member back up received %v, want nothing from its down time", tags(got))
	}
	if got := n.Receive(1); got != nil {
		t.Fatalf("received %v from a down member", tags(got))
	}
	for _, l := range [][2]uint64{{1, 2}, {3, 2}, {2, 1}} {
		if s := linkOf(t, n, l[0], l[1]); s.Sent != 1 || s.Dropped != 1 {
			t.Errorf("link %d->%d = %+v, want 1 sent, 1 dropped", l[0], l[1], s)
		}
	}
	n.Send(1, []raftpb.Message{app(1, 2, 4)})
	n.EndRound()
	n.EndRound()
	n.EndRound()
	if got := tags(n.Receive(2)); !slices.Equal(got, []uint64{4}) {
		t.Fatalf("after restart received %v, want [4]", got)
	}
	checkCounters(t, n)
}
