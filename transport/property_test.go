package transport

import (
	"math/rand/v2"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// TestRandomSchedules drives a network with random sends, faults, downs and
// receives, and checks every message's fate against the faults in force at
// the EndRound that moved it:
//   - a message on a cut link, from or to a down member, or on a link with
//     drop 1 is never delivered, nor one whose recipient was down when it
//     fell due or went down before receiving it;
//   - a delivered message reaches its recipient from its sender, unchanged,
//     once, and not before round sent+1+delay;
//   - a message on a link without cut or drop whose recipient does not go
//     down after it was sent is delivered;
//   - Sent == Delivered + Dropped + InFlight on every link after every step.
func TestRandomSchedules(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		s := newSchedule(t, seed)
		for range 3000 {
			s.step()
			checkCounters(t, s.n)
		}
		s.drain()
	}
}

const scheduleMembers = 4

// fate is what the test knows about one message.
type fate struct {
	from, to  uint64
	sentRound uint64 // the round whose EndRound moved it
	due       uint64 // the first round it may be received in
	mayLose   bool   // a drop draw may lose it
	mustLose  bool   // a cut, drop 1 or down member loses it
	scheduled bool   // its EndRound has run
	delivered bool
}

type linkCfg struct {
	cut   bool
	drop  float64
	delay int
}

type schedule struct {
	t      *testing.T
	seed   uint64
	rng    *rand.Rand
	n      *Network
	links  map[[2]uint64]*linkCfg
	down   map[uint64]bool
	downAt map[uint64]uint64 // member -> 1 + the last round it went down in; 0: never
	fates  []*fate
	outbox []int // fates sent this round
}

func newSchedule(t *testing.T, seed uint64) *schedule {
	s := &schedule{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 99)), n: newNet(int64(seed), scheduleMembers),
		links: map[[2]uint64]*linkCfg{}, down: map[uint64]bool{}, downAt: map[uint64]uint64{}}
	for a := uint64(1); a <= scheduleMembers; a++ {
		for b := uint64(1); b <= scheduleMembers; b++ {
			s.links[[2]uint64{a, b}] = &linkCfg{}
		}
	}
	return s
}

func (s *schedule) pick() uint64 { return 1 + s.rng.Uint64N(scheduleMembers) }

// step performs one random operation.
func (s *schedule) step() {
	switch r := s.rng.IntN(20); {
	case r < 8:
		s.send()
	case r < 11:
		s.endRound()
	case r < 14:
		s.receive(s.pick())
	case r < 16:
		a, b := s.pick(), s.pick()
		l := s.links[[2]uint64{a, b}]
		switch s.rng.IntN(4) {
		case 0:
			s.n.Cut(a, b)
			l.cut = true
		case 1:
			p := []float64{0, 0.5, 1}[s.rng.IntN(3)]
			s.n.SetDrop(a, b, p)
			l.drop = p
		case 2:
			d := s.rng.IntN(4)
			s.n.SetDelay(a, b, d)
			l.delay = d
		default:
			s.n.HealLink(a, b)
			*l = linkCfg{}
		}
	case r < 17:
		s.n.HealAll()
		for _, l := range s.links {
			*l = linkCfg{}
		}
	default:
		id := s.pick()
		s.setDown(id, !s.down[id])
	}
}

func (s *schedule) send() {
	from := s.pick()
	var msgs []raftpb.Message
	for range 1 + s.rng.IntN(3) {
		to := s.pick()
		if to == from {
			continue
		}
		s.fates = append(s.fates, &fate{from: from, to: to})
		s.outbox = append(s.outbox, len(s.fates)-1)
		msgs = append(msgs, app(from, to, uint64(len(s.fates)-1)))
	}
	s.n.Send(from, msgs)
}

// endRound records the fate the current faults give each message sent this
// round, then ends the round.
func (s *schedule) endRound() {
	round := s.n.Round()
	for _, i := range s.outbox {
		f := s.fates[i]
		l := s.links[[2]uint64{f.from, f.to}]
		f.sentRound = round
		f.due = round + 1 + uint64(l.delay)
		f.mustLose = l.cut || l.drop >= 1 || s.down[f.from] || s.down[f.to]
		f.mayLose = l.drop > 0
		f.scheduled = true
	}
	s.outbox = s.outbox[:0]
	s.n.EndRound()
	s.loseDue()
}

// loseDue marks lost the undelivered messages due by now to down members.
func (s *schedule) loseDue() {
	for _, f := range s.fates {
		if f.scheduled && !f.delivered && f.due <= s.n.Round() && s.down[f.to] {
			f.mustLose = true
		}
	}
}

func (s *schedule) receive(to uint64) {
	for _, m := range s.n.Receive(to) {
		f := s.fates[m.Index]
		switch {
		case f.delivered:
			s.t.Fatalf("seed %d: message %d delivered twice", s.seed, m.Index)
		case f.mustLose:
			s.t.Fatalf("seed %d: message %d %d->%d delivered despite a cut, drop 1 or down member", s.seed, m.Index, f.from, f.to)
		case m.From != f.from || m.To != to || f.to != to || m.Entries[0].Data[0] != byte(m.Index):
			s.t.Fatalf("seed %d: message %d delivered as %+v, want %d->%d", s.seed, m.Index, m, f.from, f.to)
		case s.n.Round() < f.due:
			s.t.Fatalf("seed %d: message %d due in round %d received in round %d", s.seed, m.Index, f.due, s.n.Round())
		}
		f.delivered = true
	}
}

func (s *schedule) setDown(id uint64, down bool) {
	s.n.SetDown(id, down)
	s.down[id] = down
	if down {
		s.downAt[id] = 1 + s.n.Round()
		s.loseDue()
	}
}

// drain heals everything and runs rounds until nothing can be in flight,
// then checks that every message that had to arrive did.
func (s *schedule) drain() {
	for id := uint64(1); id <= scheduleMembers; id++ {
		if s.down[id] {
			s.setDown(id, false)
		}
	}
	for range 10 { // > 1 + the longest delay
		s.endRound()
		for to := uint64(1); to <= scheduleMembers; to++ {
			s.receive(to)
		}
	}
	for i, f := range s.fates {
		if f.mustLose || f.mayLose || f.delivered {
			continue
		}
		if s.downAt[f.to] > f.sentRound {
			continue // its recipient went down after it left: it may be lost
		}
		s.t.Fatalf("seed %d: message %d %d->%d on a healthy link, sent in round %d, never arrived", s.seed, i, f.from, f.to, f.sentRound)
	}
	checkCounters(s.t, s.n)
	for _, l := range s.n.Links() {
		if l.InFlight != 0 {
			s.t.Fatalf("seed %d: link %d->%d still has %d in flight after draining", s.seed, l.From, l.To, l.InFlight)
		}
	}
}
