package transport

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// TestDuplicateReorderSchedules drives a network with random sends, receives
// every round, and random cut, drop, delay, duplicate, reorder and down
// changes, and checks every message's copies against the faults in force at
// the EndRound that moved it:
//   - no message arrives more than twice, nor twice on a link whose
//     duplicate probability was 0, nor at all if lost to a cut, drop 1 or a
//     down member;
//   - every copy arrives in a round in [sent+1+delay, sent+delay+max(W,1)]
//     (W the reorder window), unchanged, from its sender;
//   - on a link with duplicate 1 and nothing that may lose it, both copies
//     arrive; on one with no drop and no down member, at least one does;
//   - Sent + Duplicated == Delivered + Dropped + InFlight after every step,
//     and Duplicated counts exactly the second copies delivered or lost.
func TestDuplicateReorderSchedules(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		runDupReorderSchedule(t, seed)
	}
}

type dupFate struct {
	from, to       uint64
	sent           uint64 // round whose EndRound moved it
	earliest, last uint64 // rounds its copies may arrive in
	maxCopies      int
	mustCopies     int // copies that must arrive (0, 1 or 2)
	got            int
}

type dupLink struct {
	cut       bool
	drop, dup float64
	delay, w  int
}

func runDupReorderSchedule(t *testing.T, seed uint64) {
	const members = 4
	rng := rand.New(rand.NewPCG(seed, 7))
	n := newNet(int64(seed), members)
	links := map[[2]uint64]*dupLink{}
	for a := uint64(1); a <= members; a++ {
		for b := uint64(1); b <= members; b++ {
			links[[2]uint64{a, b}] = &dupLink{}
		}
	}
	down := map[uint64]bool{}
	var fates []*dupFate
	var outbox []int
	pick := func() uint64 { return 1 + rng.Uint64N(members) }
	receiveAll := func() {
		for to := uint64(1); to <= members; to++ {
			for _, m := range n.Receive(to) {
				f := fates[m.Index]
				f.got++
				r := n.Round()
				switch {
				case f.got > f.maxCopies:
					t.Fatalf("seed %d: message %d %d->%d arrived %d times, at most %d allowed", seed, m.Index, f.from, f.to, f.got, f.maxCopies)
				case m.From != f.from || m.To != to || f.to != to || m.Entries[0].Data[0] != byte(m.Index):
					t.Fatalf("seed %d: message %d delivered as %+v", seed, m.Index, m)
				case r < f.earliest || r > f.last:
					t.Fatalf("seed %d: message %d sent in round %d arrived in round %d, outside [%d, %d]", seed, m.Index, f.sent, r, f.earliest, f.last)
				}
			}
		}
	}
	endRound := func() {
		r := n.Round()
		for _, i := range outbox {
			f := fates[i]
			l := links[[2]uint64{f.from, f.to}]
			f.sent = r
			f.earliest = r + 1 + uint64(l.delay)
			f.last = f.earliest + uint64(max(l.w, 1)) - 1
			lost := l.cut || l.drop >= 1 || down[f.from] || down[f.to]
			switch {
			case lost:
				f.maxCopies = 0
			case l.dup > 0:
				f.maxCopies = 2
			default:
				f.maxCopies = 1
			}
			switch {
			case lost || l.drop > 0:
				f.mustCopies = 0
			case l.dup >= 1:
				f.mustCopies = 2
			default:
				f.mustCopies = 1
			}
		}
		outbox = outbox[:0]
		n.EndRound()
	}
	for range 3000 {
		switch r := rng.IntN(20); {
		case r < 9:
			from := pick()
			var msgs []raftpb.Message
			for range 1 + rng.IntN(3) {
				if to := pick(); to != from {
					fates = append(fates, &dupFate{from: from, to: to, maxCopies: 2})
					outbox = append(outbox, len(fates)-1)
					msgs = append(msgs, app(from, to, uint64(len(fates)-1)))
				}
			}
			n.Send(from, msgs)
		case r < 13:
			endRound()
			receiveAll()
		case r < 18:
			a, b := pick(), pick()
			l := links[[2]uint64{a, b}]
			switch rng.IntN(6) {
			case 0:
				n.Cut(a, b)
				l.cut = true
			case 1:
				l.drop = []float64{0, 0.3, 1}[rng.IntN(3)]
				n.SetDrop(a, b, l.drop)
			case 2:
				l.delay = rng.IntN(3)
				n.SetDelay(a, b, l.delay)
			case 3:
				l.dup = []float64{0, 0.5, 1}[rng.IntN(3)]
				n.SetDuplicate(a, b, l.dup)
			case 4:
				l.w = rng.IntN(5)
				n.SetReorder(a, b, l.w)
			default:
				n.HealLink(a, b)
				*l = dupLink{}
			}
		case r < 19:
			n.HealAll()
			for _, l := range links {
				*l = dupLink{}
			}
		default:
			id := pick()
			down[id] = !down[id]
			n.SetDown(id, down[id])
			if down[id] {
				// Copies in flight to it may be lost now.
				for _, f := range fates {
					if f.to == id {
						f.mustCopies = 0
					}
				}
			}
		}
		checkCounters(t, n)
	}
	for id := range down {
		n.SetDown(id, false)
		down[id] = false
	}
	for range 12 { // > 1 + the longest delay + the widest window
		endRound()
		receiveAll()
	}
	var dups uint64
	for i, f := range fates {
		if f.got < f.mustCopies {
			t.Fatalf("seed %d: message %d %d->%d sent in round %d arrived %d times, want at least %d", seed, i, f.from, f.to, f.sent, f.got, f.mustCopies)
		}
		if f.got == 2 {
			dups++
		}
	}
	checkCounters(t, n)
	var duplicated, dropped uint64
	for _, l := range n.Links() {
		if l.InFlight != 0 {
			t.Fatalf("seed %d: link %d->%d still has %d in flight after draining", seed, l.From, l.To, l.InFlight)
		}
		duplicated += l.Duplicated
		dropped += l.Dropped
	}
	if dups > duplicated {
		t.Fatalf("seed %d: %d messages arrived twice but links count %d duplicates", seed, dups, duplicated)
	}
	if duplicated == 0 {
		t.Fatalf("seed %d: the schedule made no duplicate", seed)
	}
}

// dupRun sends perRound messages 1 -> 2 for rounds rounds, receiving every
// round, and returns the tags in arrival order.
func dupRun(n *Network, rounds, perRound int) []uint64 {
	var got []uint64
	for r := range rounds {
		var msgs []raftpb.Message
		for i := range perRound {
			msgs = append(msgs, app(1, 2, uint64(r*perRound+i)))
		}
		n.Send(1, msgs)
		n.EndRound()
		got = append(got, tags(n.Receive(2))...)
	}
	for range 20 {
		n.EndRound()
		got = append(got, tags(n.Receive(2))...)
	}
	return got
}

// TestNoDrawsWithoutDuplicateOrReorder checks that duplicate 0 and reorder
// 0 or 1 draw nothing from the network's source: with drops on the link and
// those settings made explicit, the messages lost are exactly those a
// source seeded as New seeds it loses with one draw per message (so every
// existing seed replays as before).
func TestNoDrawsWithoutDuplicateOrReorder(t *testing.T) {
	const seed, p, rounds, perRound = 3, 0.4, 300, 4
	n := newNet(seed, 2)
	n.SetDrop(1, 2, p)
	n.SetDuplicate(1, 2, 0)
	n.SetReorder(1, 2, 1)
	got := dupRun(n, rounds, perRound)
	ref := rand.New(rand.NewPCG(seed, 0x65746364706c6179))
	var want []uint64
	for i := range uint64(rounds * perRound) {
		if ref.Float64() >= p {
			want = append(want, i)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("duplicate 0 / reorder 1 changed the drops: %d delivered, want %d", len(got), len(want))
	}
}

func TestDuplicate(t *testing.T) {
	n := newNet(1, 2)
	n.SetDuplicate(1, 2, 1)
	got := dupRun(n, 10, 3)
	want := []uint64{}
	for i := range uint64(30) {
		want = append(want, i, i) // each copy follows its original
	}
	if !slices.Equal(got, want) {
		t.Fatalf("duplicate 1 delivered %v, want %v", got, want)
	}
	if l := linkOf(t, n, 1, 2); l.Sent != 30 || l.Duplicated != 30 || l.Delivered != 60 || l.Duplicate != 1 {
		t.Fatalf("link 1->2 = %+v, want 30 sent, 30 duplicated, 60 delivered", l)
	}
	// Probability 0.25: about a quarter of the messages arrive twice.
	n = newNet(1, 2)
	n.SetDuplicate(1, 2, 0.25)
	got = dupRun(n, 2000, 5)
	twice := len(got) - 10000
	// 10,000 Bernoulli(0.25) draws: sd ~43; accept +-200.
	if math.Abs(float64(twice)-2500) > 200 {
		t.Fatalf("%d of 10000 messages arrived twice, want about 2500", twice)
	}
	if l := linkOf(t, n, 1, 2); l.Duplicated != uint64(twice) {
		t.Fatalf("link counts %d duplicates, %d arrived twice", l.Duplicated, twice)
	}
	checkCounters(t, n)
}

func TestReorderWindow(t *testing.T) {
	const w = 4
	n := newNet(5, 2)
	n.SetReorder(1, 2, w)
	got := dupRun(n, 500, 2)
	if len(got) != 1000 {
		t.Fatalf("reorder lost or duplicated messages: %d of 1000 arrived", len(got))
	}
	inversions := 0
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			inversions++
		}
	}
	if inversions < 100 {
		t.Fatalf("only %d inversions in 1000 messages with a window of %d rounds", inversions, w)
	}
	// A message overtakes only those sent less than w rounds before it:
	// 2 per round, so its arrival position is within 2*w of its send order
	// in either direction.
	for pos, tag := range got {
		if d := pos - int(tag); d > 2*w || d < -2*w {
			t.Fatalf("message %d arrived at position %d: beyond a window of %d rounds", tag, pos, w)
		}
	}
	// Windows 0 and 1 keep the order.
	for _, w := range []int{0, 1} {
		n := newNet(5, 2)
		n.SetReorder(1, 2, w)
		got := dupRun(n, 50, 3)
		if !slices.IsSorted(got) || len(got) != 150 {
			t.Fatalf("reorder %d: delivered %v, want in order", w, got)
		}
	}
	if l := linkOf(t, n, 1, 2); l.Reorder != w {
		t.Fatalf("link status = %+v, want Reorder %d", l, w)
	}
	n.HealLink(1, 2)
	if l := linkOf(t, n, 1, 2); l.Reorder != 0 || l.Duplicate != 0 {
		t.Fatalf("after HealLink: %+v", l)
	}
}

func TestDuplicateReorderDeterministic(t *testing.T) {
	run := func(seed int64) []uint64 {
		n := newNet(seed, 2)
		n.SetDuplicate(1, 2, 0.3)
		n.SetReorder(1, 2, 3)
		n.SetDrop(1, 2, 0.1)
		return dupRun(n, 400, 3)
	}
	a, b, c := run(11), run(11), run(12)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different deliveries")
	}
	if slices.Equal(a, c) {
		t.Fatal("seeds 11 and 12 delivered the same sequence")
	}
}

// A forwarded proposal is never duplicated (it would be applied twice);
// raft's own messages on the same link are.
func TestDuplicateSparesProposals(t *testing.T) {
	n := newNet(1, 2)
	n.SetDuplicate(1, 2, 1)
	prop := raftpb.Message{Type: raftpb.MsgProp, From: 1, To: 2, Index: 7, Entries: []raftpb.Entry{{Data: []byte("x")}}}
	n.Send(1, []raftpb.Message{prop, app(1, 2, 8)})
	n.EndRound()
	if got := tags(n.Receive(2)); !slices.Equal(got, []uint64{7, 8, 8}) {
		t.Fatalf("delivered %v, want the proposal once and the append twice: [7 8 8]", got)
	}
	checkCounters(t, n)
}
