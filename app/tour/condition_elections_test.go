package tour

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// eventsOnly is an Engine whose event log is evs (nothing else is used).
type eventsOnly struct {
	engine.Engine
	evs []engine.EventView
}

func (e eventsOnly) Events(after uint64) []engine.EventView {
	var out []engine.EventView
	for _, ev := range e.evs {
		if ev.Seq > after {
			out = append(out, ev)
		}
	}
	return out
}

func TestSplitVote(t *testing.T) {
	ev := func(seq uint64, kind, text string) engine.EventView {
		return engine.EventView{Seq: seq, Kind: kind, Text: text}
	}
	split := []engine.EventView{
		ev(1, "fault", "member 2 killed"),
		ev(2, "election", "member 3 starts a pre-vote (term 3)"),
		ev(3, "election", "member 3 starts an election for term 4"),
		ev(4, "election", "member 5 starts an election for term 4"),
		ev(5, "election", "member 3 starts an election for term 5"),
		ev(6, "leader", "member 3 became leader in term 5"),
	}
	for _, c := range []struct {
		name  string
		evs   []engine.EventView
		after uint64
		want  bool
	}{
		{"two candidates, no leader, a later term", split, 0, true},
		{"the split before the step's start", split, 4, false},
		{"the term not over yet", split[:4], 0, false},
		{"one of two candidates won", append(append([]engine.EventView{}, split[:4]...),
			ev(5, "leader", "member 5 became leader in term 4"), ev(6, "election", "member 1 starts an election for term 5")), 0, false},
		{"one candidate lost", []engine.EventView{split[2], split[4]}, 0, false},
	} {
		if got := splitVoteSince(eventsOnly{evs: c.evs}, c.after); got != c.want {
			t.Errorf("%s: split vote %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNoLeader(t *testing.T) {
	st := func(states ...string) clusterView {
		var c clusterView
		for i, s := range states {
			c.st = append(c.st, engine.MemberView{ID: uint64(i + 1), State: s})
		}
		return c
	}
	for _, c := range []struct {
		c    clusterView
		want bool
	}{
		{st("follower", "leader", "follower"), false},
		{st("pre-candidate", "down", "candidate"), true},
		{st("down", "down", "down"), false}, // nobody runs: not what the condition means
		{st("down", "leader", "down"), false},
	} {
		if got := noLeader(c.c); got != c.want {
			t.Errorf("%v: no-leader %v, want %v", c.c.st, got, c.want)
		}
	}
}
