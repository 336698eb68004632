package cluster

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"

	"github.com/etcd-play/etcd-play/transport"
)

// firstVotes ticks c until a MsgPreVote or MsgVote is in flight and
// returns the vote requests then in flight.
func firstVotes(t *testing.T, c *Cluster) []transport.InFlight {
	t.Helper()
	for range 200 {
		msgs, total := c.Messages(0)
		if total != len(msgs) {
			t.Fatalf("Messages(0) lists %d of %d", len(msgs), total)
		}
		var votes []transport.InFlight
		for _, m := range msgs {
			if m.Type == raftpb.MsgPreVote || m.Type == raftpb.MsgVote {
				votes = append(votes, m)
			}
		}
		if len(votes) > 0 {
			return votes
		}
		c.Tick()
	}
	t.Fatal("no vote request in flight after 200 ticks")
	return nil
}

// dropRun runs seed for 150 ticks; if drop, it drops the first campaign's
// vote requests once they are in flight. It returns the event log, the
// links and the first vote request.
func dropRun(t *testing.T, seed int64, drop bool) ([]Event, []transport.LinkStatus, transport.InFlight) {
	c := newTestCluster(t, Config{Members: 3, Seed: seed})
	votes := firstVotes(t, c)
	if drop {
		for _, v := range votes {
			c.DropMessage(v.ID)
		}
	}
	for range 150 {
		c.Tick()
	}
	return c.Events(0), c.Links(), votes[0]
}

// Dropping one message in flight is an action that replays: the same seed
// and the same drop at the same tick give the same run, the drop is logged
// and counted on its link, and the run differs from the one without it.
func TestDropMessageReplays(t *testing.T) {
	ev1, links1, v := dropRun(t, 11, true)
	ev2, links2, v2 := dropRun(t, 11, true)
	evNo, _, _ := dropRun(t, 11, false)
	if v != v2 || !reflect.DeepEqual(ev1, ev2) || !reflect.DeepEqual(links1, links2) {
		t.Fatalf("the same drop replayed differently: %+v vs %+v", v, v2)
	}
	want := fmt.Sprintf("dropped %v %d -> %d (term %d, index %d, message %d)", v.Type, v.From, v.To, v.Term, v.Index, v.ID)
	found := false
	for _, e := range ev1 {
		found = found || e.Text == want
	}
	if !found {
		t.Fatalf("no event %q in the log", want)
	}
	// Without the drop events themselves, the run still differs: the lost
	// vote requests changed the election.
	texts := func(evs []Event) (out []string) {
		for _, e := range evs {
			if !strings.HasPrefix(e.Text, "dropped ") {
				out = append(out, fmt.Sprintf("%d %s %d %s", e.Tick, e.Kind, e.Member, e.Text))
			}
		}
		return out
	}
	if reflect.DeepEqual(texts(ev1), texts(evNo)) {
		t.Fatal("the drop changed nothing but the log's line for it")
	}
	// A second drop of the same message finds nothing in flight.
	c := newTestCluster(t, Config{Members: 3, Seed: 11})
	v3 := firstVotes(t, c)[0]
	c.DropMessage(v3.ID)
	c.DropMessage(v3.ID)
	c.Tick()
	evs := c.Events(0)
	if last := evs[len(evs)-1].Text; last != fmt.Sprintf("drop message %d: not in flight", v3.ID) {
		t.Fatalf("second drop logged %q", last)
	}
}

// Reading the messages in flight changes nothing in the run.
func TestMessagesViewDoesNotChangeRun(t *testing.T) {
	run := func(look bool) []Event {
		c := newTestCluster(t, Config{Seed: 4})
		for tick := range 300 {
			if look {
				c.Messages(0)
			}
			if tick == 100 {
				c.Do(1, put("k", "v"))
			}
			c.Tick()
		}
		return c.Events(0)
	}
	if a, b := run(false), run(true); !reflect.DeepEqual(a, b) {
		t.Fatal("reading the messages in flight changed the run")
	}
}

// The timers come from raft itself: a follower's election clock counts up
// one per tick toward its randomized timeout (in [ElectionTicks,
// 2*ElectionTicks)) and it campaigns on the tick it reaches it; the
// campaign tallies its own vote; a leader's heartbeat clock cycles below
// HeartbeatTicks.
func TestTimersFromRaft(t *testing.T) {
	const election, heartbeat = 10, 3
	c := newTestCluster(t, Config{Members: 3, Seed: 2, ElectionTicks: election, HeartbeatTicks: heartbeat})
	timers := func() []node.Timers {
		var out []node.Timers
		for _, s := range c.Inspect() {
			out = append(out, s.Timers)
		}
		return out
	}
	prev := timers()
	campaigned, tallied, beats := false, false, map[int]bool{}
	for range 200 {
		c.Tick()
		st, tm := c.Inspect(), timers()
		for i, s := range st {
			p, n := prev[i], tm[i]
			if n.ElectionTimeout < election || n.ElectionTimeout >= 2*election {
				t.Fatalf("member %d: election timeout %d outside [%d, %d)", s.ID, n.ElectionTimeout, election, 2*election)
			}
			switch s.State {
			case "pre-candidate", "candidate":
				if n.VotesGranted < 1 {
					t.Fatalf("member %d campaigns with %d votes granted (its own missing)", s.ID, n.VotesGranted)
				}
				tallied = true
				if !campaigned && p.ElectionElapsed != p.ElectionTimeout-1 {
					t.Fatalf("member %d campaigned with its clock at %d of %d the tick before", s.ID, p.ElectionElapsed, p.ElectionTimeout)
				}
				campaigned = true
			case "follower":
				if !campaigned && n.ElectionElapsed != p.ElectionElapsed+1 {
					t.Fatalf("member %d: clock went %d -> %d in one tick before any election", s.ID, p.ElectionElapsed, n.ElectionElapsed)
				}
				if n.HeartbeatElapsed != 0 || n.VotesGranted+n.VotesRejected != 0 {
					t.Fatalf("follower %d shows %+v", s.ID, n)
				}
			case "leader":
				if n.HeartbeatTimeout != heartbeat || n.HeartbeatElapsed >= heartbeat {
					t.Fatalf("leader %d: heartbeat %d of %d", s.ID, n.HeartbeatElapsed, n.HeartbeatTimeout)
				}
				beats[n.HeartbeatElapsed] = true
			}
		}
		prev = tm
	}
	if !campaigned || !tallied || len(beats) != heartbeat {
		t.Fatalf("not exercised: campaigned %t, tallied %t, heartbeat values seen %v", campaigned, tallied, beats)
	}
}
