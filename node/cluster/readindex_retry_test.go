package cluster

import (
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// A linearizable read through a follower whose MsgReadIndex is lost is
// still answered, within the request timeout: the member sends its
// ReadIndex again (node's readIndexRetryTicks), as etcd retries it.
// Without the retry the read times out.
func TestLostReadIndexIsSentAgain(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 3})
	l := waitLeader(t, c, 500)
	if _, err := call(t, c, l, put("k", "v")); err != nil {
		t.Fatal(err)
	}
	f := follower(t, c, l)
	cl := c.Do(f, get("k"))
	var dropped uint64
	tickUntil(t, c, 20, "the follower's MsgReadIndex in flight", func() bool {
		ms, _ := c.Messages(0)
		for _, m := range ms {
			if m.Type == raftpb.MsgReadIndex && m.From == f {
				dropped = m.ID
				c.DropMessage(m.ID)
				return true
			}
		}
		return false
	})
	tickUntil(t, c, 100, "the read answered", func() bool { return isDone(cl) })
	r, err := cl.Result()
	if err != nil {
		t.Fatalf("read via follower %d after its MsgReadIndex (message %d) was dropped: %v\n%s", f, dropped, err, dump(c))
	}
	if len(r.Range.KVs) != 1 || string(r.Range.KVs[0].Value) != "v" {
		t.Fatalf("read via follower %d: %+v", f, r.Range)
	}
	found := false
	for _, e := range eventsOf(c, "fault") {
		found = found || strings.Contains(e.Text, "dropped MsgReadIndex")
	}
	if !found {
		t.Fatalf("no drop of a MsgReadIndex logged: %+v", eventsOf(c, "fault"))
	}
}
