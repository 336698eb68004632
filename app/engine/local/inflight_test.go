package local

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// fullView is what a full Status shows now: the cluster's status with
// the members' raft clocks.
func fullView(c *cluster.Cluster) []engine.MemberView {
	return withTimers(convertStatus(c.Status()), c.Inspect())
}

// Status carries each member's raft clocks, on the full path and on the
// fast one alike (a follower's election clock counts ticks).
func TestStatusCarriesTimers(t *testing.T) {
	e, c := newPausedEngine(t)
	first := e.Status()
	e.fullCost = 1 << 62 // the fast path from now on
	c.Tick()
	second := e.Status()
	for i := range first {
		if first[i].ElectionTimeout < 10 || second[i].ElectionElapsed != first[i].ElectionElapsed+1 {
			t.Fatalf("member %d: clocks %+v then %+v", first[i].ID, first[i], second[i])
		}
	}
}
