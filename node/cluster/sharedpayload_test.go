package cluster

import (
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// The network shares entry data between members instead of copying it
// (transport's payload contract: nobody writes those bytes). A member that
// wrote into an entry it applied would change the entry in every member's
// log at once; the payload check must catch it. Here member 3 writes into
// the data of the first put it applies, through Config.OnApply (whose entry
// shares its Data with the member's log).
func TestPayloadCheckCatchesWriteIntoAppliedEntry(t *testing.T) {
	var wrote raftpb.Entry
	c := newTestCluster(t, Config{Seed: 1, OnApply: func(member uint64, e raftpb.Entry) {
		if member == 3 && wrote.Index == 0 && len(e.Data) > 0 && strings.Contains(string(e.Data), "shared-value") {
			e.Data[len(e.Data)-2] ^= 0xff // a byte of the value
			wrote = e
		}
	}})
	c.net.CheckShared(checkSharedRounds)
	l := waitLeader(t, c, 100)
	// Submitted to a follower, so the entry crosses the network twice: a
	// forwarded proposal, then the leader's appends.
	via := uint64(2)
	if via == l {
		via = 4
	}
	if _, err := call(t, c, via, put("k", "shared-value")); err != nil {
		t.Fatalf("put via member %d: %v", via, err)
	}
	tickUntil(t, c, 50, "member 3 applied the put", func() bool { return wrote.Index != 0 })
	err := c.net.VerifyShared()
	if err == nil || !strings.Contains(err.Error(), "payload contract broken") {
		t.Fatalf("VerifyShared after member 3 wrote into entry %d: %v, want the contract broken", wrote.Index, err)
	}
	panicked := func() (v any) {
		defer func() { v = recover() }()
		for range checkSharedRounds + 10 {
			c.Tick()
		}
		return nil
	}()
	msg := ""
	if e, ok := panicked.(error); ok {
		msg = e.Error()
	}
	if !strings.Contains(msg, "payload contract broken") {
		t.Fatalf("ticking on after the write: panic %v, want the payload check's", panicked)
	}
	t.Log(msg)
}
