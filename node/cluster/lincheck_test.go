package cluster

import (
	"errors"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/lincheck"
)

// staleReadScenario isolates the leader of a five-member cluster (CheckQuorum
// off, so it keeps believing it leads), lets the majority elect a new leader
// and overwrite a key, then reads the key linearizably through the old
// leader. Every call is recorded for lincheck; the read's error is returned.
func staleReadScenario(t *testing.T, unsafeLocalReads bool) (lincheck.Result, error) {
	t.Helper()
	c := newTestCluster(t, Config{Seed: 3, DisableCheckQuorum: true, UnsafeLocalReads: unsafeLocalReads})
	var rec lincheck.Recorder
	do := func(client int, member uint64, op lincheck.Op) (Result, error) {
		t.Helper()
		id := rec.Invoke(client, op)
		res, err := call(t, c, member, clusterOp(op))
		out := lincheck.Output{}
		if err == nil && res.Range != nil && len(res.Range.KVs) > 0 {
			out = lincheck.Output{Value: string(res.Range.KVs[0].Value), Found: true}
		}
		if e := rec.Return(id, out, err, false); e != nil {
			t.Fatal(e)
		}
		return res, err
	}

	old := waitLeader(t, c, 200)
	if _, err := do(0, old, lincheck.Put("x", "1")); err != nil {
		t.Fatalf("put through leader %d: %v", old, err)
	}
	c.Isolate(old)
	var fresh uint64
	tickUntil(t, c, 300, "a new leader in the majority", func() bool {
		fresh = 0
		for _, s := range c.Inspect() {
			if s.Up && s.ID != old && s.State == "leader" {
				fresh = s.ID
			}
		}
		return fresh != 0
	})
	if _, err := do(1, fresh, lincheck.Put("x", "2")); err != nil {
		t.Fatalf("put through new leader %d: %v", fresh, err)
	}
	for _, s := range c.Inspect() {
		if s.ID == old && s.State != "leader" {
			t.Fatalf("isolated member %d is %s: the scenario needs it to still believe it leads", old, s.State)
		}
	}
	_, err := do(2, old, lincheck.Get("x"))
	res, cerr := rec.Check(checkTimeout)
	if cerr != nil {
		t.Fatal(cerr)
	}
	return res, err
}

// With the test-only switch on, the isolated old leader answers the
// linearizable read from its own stale store and lincheck catches it.
func TestLincheckCatchesLocalReadsOnPartitionedLeader(t *testing.T) {
	res, err := staleReadScenario(t, true)
	if err != nil {
		t.Fatalf("read through the old leader failed (%v); the unsafe switch should answer it locally", err)
	}
	if res.OK || res.Unknown || !strings.Contains(res.Info, `key "x"`) {
		t.Fatalf("lincheck did not report the stale read: %+v", res)
	}
	t.Logf("violation found as expected:\n%s", res.Info)
}

// Control: the same scenario with ReadIndex (the default) cannot answer the
// read from the minority side; it times out and the history is linearizable.
func TestLincheckPassesReadIndexOnPartitionedLeader(t *testing.T) {
	res, err := staleReadScenario(t, false)
	if !errors.Is(err, node.ErrTimeout) {
		t.Fatalf("read through the isolated old leader: err %v, want %v", err, node.ErrTimeout)
	}
	if !res.OK {
		t.Fatalf("lincheck rejected a correct history: %+v", res)
	}
}

// The chaos harness as a whole has teeth: with the unsafe switch on (and
// CheckQuorum off, so deposed leaders linger), some of the first seeds end
// in a linearizability violation, and only in that; without the switch the
// same seeds pass.
func TestChaosCatchesLocalReads(t *testing.T) {
	const seeds = 40
	noQuorumCheck := func(c *Config) { c.DisableCheckQuorum = true }
	caught := 0
	for seed := int64(1); seed <= seeds; seed++ {
		_, err := runChaos(chaosOptions{Seed: seed, UnsafeLocalReads: true, Tune: noQuorumCheck})
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), "history is not linearizable") {
			t.Fatalf("seed %d with unsafe reads failed for another reason: %v", seed, err)
		}
		caught++
		if _, err := runChaos(chaosOptions{Seed: seed, Tune: noQuorumCheck}); err != nil {
			t.Fatalf("seed %d without unsafe reads: %v", seed, err)
		}
	}
	if caught == 0 {
		t.Fatalf("no violation in %d chaos seeds with unsafe local reads", seeds)
	}
	t.Logf("unsafe local reads caught in %d of %d seeds", caught, seeds)
}
