package cluster

import (
	"errors"
	"testing"

	"github.com/etcd-play/etcd-play/node"
)

// TestChaosSeed24272 replays the seed whose final write after healing was
// refused ("leader transfer took too long"): a transfer to a down member,
// injected two ticks before healing, was still pending when every member
// had caught up, so the harness called the cluster settled and wrote to a
// leader that refuses proposals until the transfer ends. agreed now waits
// for the transfer to end (the transferee wins, or raft aborts it).
func TestChaosSeed24272(t *testing.T) {
	rep, err := runChaos(chaosOptions{Seed: 24272, Ticks: 1200})
	if err != nil {
		t.Fatalf("%s\n%v\nlast events:\n%s", rep.Summary, err, tail(rep.Events, 40))
	}
}

// TestAgreedWaitsForLeaderTransfer checks the settled-cluster predicate on
// the situation of seed 24272 built by hand: every member caught up while a
// transfer to a member that was down is pending; agreed is false then, a
// write to the leader is refused with ErrLeaderTransfer, and once agreed
// holds again a write succeeds.
func TestAgreedWaitsForLeaderTransfer(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 7, ElectionTicks: 10, HeartbeatTicks: 1})
	lead := waitLeader(t, c, 200)
	to := follower(t, c, lead)
	if err := c.Kill(to); err != nil {
		t.Fatal(err)
	}
	writeKeys(t, c, "k", 5, 1, lead)
	if err := c.TransferLeadership(to); err != nil {
		t.Fatal(err)
	}
	c.Tick() // the kill's victim is down: the transfer waits for it
	if err := c.Restart(to); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, c, 30, "caught up under a pending transfer", func() bool {
		for _, s := range c.Inspect() {
			if s.ID == lead && s.LeadTransferee == to {
				return caughtUp(c)
			}
		}
		return false
	})
	if agreed(c) {
		t.Fatalf("agreed while leader %d hands leadership to %d\n%s", lead, to, dump(c))
	}
	if _, err := call(t, c, lead, put("during", "transfer")); !errors.Is(err, node.ErrLeaderTransfer) {
		t.Fatalf("write during the transfer: got %v, want %v", err, node.ErrLeaderTransfer)
	}
	tickUntil(t, c, 100, "agreed after the transfer", func() bool { return agreed(c) })
	if _, err := call(t, c, leader(c), put("after", "transfer")); err != nil {
		t.Fatalf("write once agreed: %v", err)
	}
}

// TestChaosSeed5607 replays the seed whose final write went to a leader
// that had just aborted a transfer whose transferee had its MsgTimeoutNow:
// the transferee won the next term and the write was lost with the old one
// ("request timed out"). The harness writes again once the members agree,
// as a client would (finalAttempts).
func TestChaosSeed5607(t *testing.T) {
	rep, err := runChaos(chaosOptions{Seed: 5607, Ticks: 1200})
	if err != nil {
		t.Fatalf("%s\n%v\nlast events:\n%s", rep.Summary, err, tail(rep.Events, 40))
	}
}

// TestChaosSeed2985 replays the seed whose history was not linearizable
// when links duplicated forwarded proposals: a delete applied a second
// time after a later put lost that put. The transport no longer
// duplicates MsgProp.
func TestChaosSeed2985(t *testing.T) {
	rep, err := runChaos(chaosOptions{Seed: 2985, Ticks: 1200})
	if err != nil {
		t.Fatalf("%s\n%v\nlast events:\n%s", rep.Summary, err, tail(rep.Events, 40))
	}
}
