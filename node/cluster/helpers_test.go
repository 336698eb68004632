package cluster

import (
	"fmt"
	"slices"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// newTestCluster starts a cluster and fails the test on error.
func newTestCluster(t testing.TB, cfg Config) *Cluster {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tickUntil ticks until cond holds, failing after limit ticks.
func tickUntil(t testing.TB, c *Cluster, limit int, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < limit; i++ {
		if cond() {
			return
		}
		c.Tick()
	}
	if !cond() {
		t.Fatalf("after %d ticks (now %d): still not %s\n%s", limit, c.Now(), what, dump(c))
	}
}

// leader returns the live member that is leader in the highest term, or 0.
func leader(c *Cluster) uint64 {
	var id, term uint64
	for _, s := range c.Inspect() {
		if s.Up && s.State == "leader" && s.Term > term {
			id, term = s.ID, s.Term
		}
	}
	return id
}

// waitLeader ticks until some member leads and every live member follows it.
func waitLeader(t testing.TB, c *Cluster, limit int) uint64 {
	t.Helper()
	var l uint64
	tickUntil(t, c, limit, "an agreed leader", func() bool {
		l = leader(c)
		if l == 0 {
			return false
		}
		for _, s := range c.Inspect() {
			if s.Up && s.Lead != l {
				return false
			}
		}
		return true
	})
	return l
}

// call runs op on member and ticks until it is answered.
func call(t testing.TB, c *Cluster, member uint64, op Op) (Result, error) {
	t.Helper()
	cl := c.Do(member, op)
	tickUntil(t, c, 1000, "answered", func() bool {
		select {
		case <-cl.Done():
			return true
		default:
			return false
		}
	})
	return cl.Result()
}

func put(key, value string) Op {
	return Op{Put: &mvcc.PutRequest{Key: []byte(key), Value: []byte(value)}}
}

func get(key string) Op {
	return Op{Range: &mvcc.RangeRequest{Key: []byte(key)}}
}

func dump(c *Cluster) string {
	s := ""
	for _, m := range c.Status() {
		s += fmt.Sprintf("  %d %-13s term %d lead %d commit %d applied %d last %d snap %d rev %d hash %08x@%d\n",
			m.ID, m.State, m.Term, m.Leader, m.Commit, m.Applied, m.LastIndex, m.SnapshotIndex, m.Revision, m.Hash, m.HashRevision)
	}
	return s
}

// writeKeys puts n keys prefix%05d through the live members in turn (or
// through the members in via, if any), perTick calls per tick, ticks until
// all are answered and requires every one to succeed.
func writeKeys(t testing.TB, c *Cluster, prefix string, n, perTick int, via ...uint64) {
	t.Helper()
	live := via
	for _, s := range c.Inspect() {
		if s.Up && len(via) == 0 {
			live = append(live, s.ID)
		}
	}
	calls := make([]*Call, 0, n)
	for i := 0; i < n; i++ {
		calls = append(calls, c.Do(live[i%len(live)], put(fmt.Sprintf("%s%05d", prefix, i), fmt.Sprintf("value-%d", i))))
		if (i+1)%perTick == 0 {
			c.Tick()
		}
	}
	for i, cl := range calls {
		tickUntil(t, c, 2000, "answered", func() bool { return isDone(cl) })
		if _, err := cl.Result(); err != nil {
			t.Fatalf("put %s%05d via member %d: %v\n%s", prefix, i, cl.member, err, dump(c))
		}
	}
}

func isDone(cl *Call) bool {
	select {
	case <-cl.Done():
		return true
	default:
		return false
	}
}

// converge ticks until every member is up, applied the same index and
// holds the same revision and HashKV, and returns that status.
func converge(t testing.TB, c *Cluster, limit int) []MemberStatus {
	t.Helper()
	var st []MemberStatus
	tickUntil(t, c, limit, "converged", func() bool {
		st = c.Status()
		for _, s := range st {
			if s.State == "down" || s.Applied != st[0].Applied || s.Revision != st[0].Revision ||
				s.Hash != st[0].Hash || s.Commit != s.Applied {
				return false
			}
		}
		return true
	})
	return st
}

// eventsOf returns the events of a kind (all kinds if kind is "").
func eventsOf(c *Cluster, kind string) []Event {
	var out []Event
	for _, e := range c.Events(0) {
		if kind == "" || e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func follower(t testing.TB, c *Cluster, not ...uint64) uint64 {
	t.Helper()
	for _, s := range c.Inspect() {
		if s.Up && s.State == "follower" && !slices.Contains(not, s.ID) {
			return s.ID
		}
	}
	t.Fatalf("no follower other than %v\n%s", not, dump(c))
	return 0
}
