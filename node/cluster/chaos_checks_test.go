package cluster

import (
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The invariant checks used by the chaos runs must fail when their property
// is broken. Each case breaks one property behind raft's back.
func TestChaosInvariantsDetectViolations(t *testing.T) {
	cases := []struct {
		name     string
		sabotage func(c *Cluster, iv *invariants, lead uint64)
		want     string
	}{
		{"entry changed at an index", func(c *Cluster, iv *invariants, lead uint64) {
			iv.onApply(1, raftpb.Entry{Index: 1000, Term: 2, Data: []byte("a")})
			iv.onApply(2, raftpb.Entry{Index: 1000, Term: 2, Data: []byte("b")})
		}, "applied entry 1000"},
		{"second leader in a term", func(c *Cluster, iv *invariants, lead uint64) {
			for term := range iv.leaders {
				iv.leaders[term] = lead + 1
			}
		}, "two leaders in term"},
		{"term went back", func(c *Cluster, iv *invariants, lead uint64) {
			iv.term[lead] = 1 << 40
		}, "term went back"},
		{"commit went back", func(c *Cluster, iv *invariants, lead uint64) {
			iv.commit[lead] = 1 << 40
		}, "commit index went back"},
		{"stores diverge at equal applied index", func(c *Cluster, iv *invariants, lead uint64) {
			c.mu.Lock()
			defer c.mu.Unlock()
			for i, id := range []uint64{1, 2} {
				req := &mvcc.PutRequest{Key: []byte("behind-raft"), Value: []byte{byte('a' + i)}}
				if _, err := c.members[id].Store().Put(req); err != nil {
					t.Fatal(err)
				}
			}
		}, "HashKV differs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			iv := newInvariants()
			c := newTestCluster(t, Config{Seed: 11, OnApply: iv.onApply})
			lead := waitLeader(t, c, 200)
			if _, err := call(t, c, lead, put("k", "v")); err != nil {
				t.Fatal(err)
			}
			tickUntil(t, c, 100, "all applied", func() bool { return agreed(c) })
			iv.afterTick(c)
			if iv.err != nil {
				t.Fatalf("healthy cluster reported: %v", iv.err)
			}
			tc.sabotage(c, iv, lead)
			iv.afterTick(c)
			if iv.err == nil || !strings.Contains(iv.err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", iv.err, tc.want)
			}
		})
	}
}
