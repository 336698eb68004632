package cluster

import "testing"

// TestNewAdvancesElectionClocks: New starts every member with its election
// clock fast-forwarded as an etcd server does at boot, whether the cluster
// is fresh or loaded (TestRestartFromStorage covers loaded): ElectionTicks-2
// ticks in a multi-member cluster, ElectionTicks-1 for a lone member. So a
// fresh five-member cluster's first campaign starts before tick
// ElectionTicks+2, where without the advance it starts at tick
// ElectionTicks or later.
func TestNewAdvancesElectionClocks(t *testing.T) {
	for _, n := range []int{1, 3, 5} {
		c := newTestCluster(t, Config{Members: n, Seed: 7})
		want := c.cfg.ElectionTicks - 2
		if n == 1 {
			want = c.cfg.ElectionTicks - 1
		}
		for _, id := range c.ids {
			if got := c.members[id].Status().Timers.ElectionElapsed; got != want {
				t.Errorf("%d members: member %d's election clock at start is %d, want %d", n, id, got, want)
			}
		}
	}
	for seed := int64(1); seed <= 20; seed++ {
		c := newTestCluster(t, Config{Members: 5, Seed: seed})
		waitLeader(t, c, 1000)
		es := eventsOf(c, "election")
		if len(es) == 0 || es[0].Tick >= uint64(c.cfg.ElectionTicks)+2 {
			t.Fatalf("seed %d: first election %+v, want one before tick %d", seed, es, c.cfg.ElectionTicks+2)
		}
	}
}
