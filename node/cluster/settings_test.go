package cluster

import (
	"reflect"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node"
)

func TestSettingsValidate(t *testing.T) {
	ok := DefaultSettings()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		change func(*Settings)
		want   string
	}{
		{func(s *Settings) { s.ElectionTicks = 1 }, "election-ticks 1: must be from 2 to 1000"},
		{func(s *Settings) { s.ElectionTicks = 1001 }, "election-ticks 1001"},
		{func(s *Settings) { s.HeartbeatTicks = 0 }, "heartbeat-ticks 0"},
		{func(s *Settings) { s.HeartbeatTicks = s.ElectionTicks }, "heartbeat-ticks 10: must be from 1 to election-ticks - 1 (9)"},
		{func(s *Settings) { s.SnapshotCount = 0 }, "snapshot-count 0"},
		{func(s *Settings) { s.CatchUpCount = node.MaxSnapshotCount + 1 }, "catch-up-count 1000001"},
		{func(s *Settings) { s.MaxInflightMsgs = 0 }, "max-inflight 0"},
		{func(s *Settings) { s.MaxSizePerMsg = node.MaxSizePerMsg + 1 }, "max-size 67108865"},
	} {
		s := ok
		c.change(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", s, err, c.want)
		}
		cl := newTestCluster(t, Config{Members: 3})
		if err := cl.SetSettings(s); err == nil {
			t.Errorf("SetSettings(%+v) accepted", s)
		}
		// (A zero Config field means its default.)
		if _, err := New(Config{Members: 3}.WithSettings(s)); err == nil && !strings.Contains(c.want, " 0") {
			t.Errorf("New with %+v accepted", s)
		}
	}
}

// SnapshotCount and CatchUpCount change at once, on every member, without
// a restart.
func TestSetSnapshotCountsLive(t *testing.T) {
	c, l, _ := bootAtEight(t, &appliedLog{}) // SnapshotCount 10, CatchUpCount 5
	s := c.Settings()
	s.SnapshotCount, s.CatchUpCount = 20, 3
	if err := c.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if got := c.Settings(); got != s {
		t.Fatalf("settings %+v, want %+v", got, s)
	}
	if p := c.RestartsPending(); p != nil {
		t.Fatalf("restarts pending %v for snapshot counts", p)
	}
	putsUntil(t, c, l, 20)
	wantSnap(t, c, l, 0, 0) // 20 - 0 is not above 20 (at 10 it would have been 11)
	putsUntil(t, c, l, 21)
	wantSnap(t, c, l, 21, 18)
	if n := len(eventsOf(c, "fault")); n != 0 {
		t.Fatalf("%d fault events (restarts?) for snapshot counts", n)
	}
}

// raft's settings restart the members one at a time, followers first and
// the leader last, never two down at once; afterwards raft runs with them
// (a leader's death is noticed only after the new election timeout).
func TestSetRaftSettingsRollingRestart(t *testing.T) {
	c := newTestCluster(t, Config{Members: 5, Seed: 3})
	l := waitLeader(t, c, 500)
	writeKeys(t, c, "before", 20, 5)
	s := c.Settings()
	s.PreVote, s.ElectionTicks, s.HeartbeatTicks, s.MaxInflightMsgs, s.MaxSizePerMsg = false, 40, 4, 16, 4096
	if err := c.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	pending := c.RestartsPending()
	if len(pending) != 5 || pending[len(pending)-1] != l {
		t.Fatalf("restarts pending %v, want all 5 with the leader %d last", pending, l)
	}
	var order []uint64
	tickUntil(t, c, 5000, "every member restarted", func() bool {
		down := 0
		for _, st := range c.Status() {
			if st.State == "down" {
				down++
			}
		}
		if down > 1 {
			t.Fatalf("%d members down at once\n%s", down, dump(c))
		}
		if p := c.RestartsPending(); len(p) > 0 && (len(order) == 0 || order[len(order)-1] != p[0]) {
			order = append(order, p[0])
		}
		return len(c.RestartsPending()) == 0
	})
	if !reflect.DeepEqual(order, pending) {
		t.Fatalf("restart order %v, want %v", order, pending)
	}
	restarts := 0
	for _, e := range eventsOf(c, "settings") {
		if strings.Contains(e.Text, "restarts to take the new raft settings") {
			restarts++
		}
	}
	if restarts != 5 {
		t.Fatalf("%d restart events, want 5", restarts)
	}
	l = waitLeader(t, c, 2000)
	writeKeys(t, c, "after", 20, 5)
	converge(t, c, 2000)
	// The new election timeout is in force: no member campaigns within
	// 40 ticks of the leader's death.
	if err := c.Kill(l); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	for i := 0; i < 39; i++ {
		c.Tick()
		if n := leader(c); n != 0 && n != l {
			t.Fatalf("member %d leads %d ticks after the leader died; election-ticks is 40", n, i+1)
		}
	}
	waitLeader(t, c, 2000)
}
