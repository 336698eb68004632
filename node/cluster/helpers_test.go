package cluster

import (
	"fmt"
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
