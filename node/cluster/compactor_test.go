package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// With a retention of 50 revisions the leader compacts the history behind
// the last 50 revisions: every member ends with compact revision
// Rev-50 (at the last check), old revisions answer etcd's "compacted"
// error, the retained ones still read, and the event log says so.
func TestAutoCompactionKeepsRetention(t *testing.T) {
	const keep, every = 50, 20
	c := newTestCluster(t, Config{Seed: 3, AutoCompactionRetention: keep, AutoCompactionTicks: every})
	l := waitLeader(t, c, 200)
	writeKeys(t, c, "k", 300, 10)
	rev := c.Status()[0].Revision
	// Let at least one check see the final revision, then settle.
	for range every + 1 {
		c.Tick()
	}
	st := converge(t, c, 500)
	for _, s := range st {
		if s.CompactRevision != rev-keep {
			t.Fatalf("member %d: compact revision %d, want %d (revision %d, retention %d)\n%s",
				s.ID, s.CompactRevision, rev-keep, rev, keep, dump(c))
		}
	}
	if _, err := call(t, c, l, Op{Range: &mvcc.RangeRequest{Key: []byte("k00000"), Rev: rev - keep - 1}}); !errors.Is(err, mvcc.ErrCompacted) {
		t.Fatalf("get at revision %d (compacted): err %v, want %v", rev-keep-1, err, mvcc.ErrCompacted)
	}
	// Revisions 2..rev each created one distinct key: at the oldest
	// retained revision, rev-keep of them existed.
	at := rev - keep + 1
	res, err := call(t, c, l, Op{Range: &mvcc.RangeRequest{Key: []byte("k"), End: []byte("l"), Rev: at, CountOnly: true}})
	if err != nil {
		t.Fatalf("get at retained revision %d: %v", at, err)
	}
	if res.Range == nil || res.Range.Count != at-1 {
		t.Fatalf("count of keys at retained revision %d: %+v, want %d", at, res.Range, at-1)
	}
	evs := eventsOf(c, "compaction")
	if len(evs) == 0 {
		t.Fatal("no compaction event")
	}
	if last := evs[len(evs)-1].Text; !strings.Contains(last, fmt.Sprintf("up to revision %d", rev-keep)) {
		t.Fatalf("last compaction event %q does not name revision %d", last, rev-keep)
	}
}

// Off by default (etcd's default): history is kept whole.
func TestAutoCompactionOffByDefault(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 3, AutoCompactionTicks: 5})
	waitLeader(t, c, 200)
	writeKeys(t, c, "k", 200, 10)
	for range 50 {
		c.Tick()
	}
	for _, s := range converge(t, c, 500) {
		if s.CompactRevision > 0 {
			t.Fatalf("member %d compacted to %d without auto-compaction", s.ID, s.CompactRevision)
		}
	}
	if evs := eventsOf(c, "compaction"); len(evs) != 0 {
		t.Fatalf("compaction events without auto-compaction: %v", evs)
	}
}

// A leader killed while its compaction is in flight: the call fails or
// lands; either way the next leader compacts at a later interval.
func TestAutoCompactionSurvivesLeaderChange(t *testing.T) {
	const keep, every = 20, 10
	c := newTestCluster(t, Config{Seed: 5, AutoCompactionRetention: keep, AutoCompactionTicks: every, HashCheckpointEvery: 7})
	l := waitLeader(t, c, 200)
	writeKeys(t, c, "a", 100, 10)
	tickUntil(t, c, 2*every, "a compaction issued", func() bool { return len(eventsOf(c, "compaction")) > 0 })
	if err := c.Kill(l); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	l2 := waitLeader(t, c, 500)
	if l2 == l {
		t.Fatalf("leader %d still leads after its kill", l)
	}
	writeKeys(t, c, "b", 100, 10)
	rev := c.Status()[0].Revision
	tickUntil(t, c, 10*every, "compaction by the new leader", func() bool {
		for _, s := range c.Status() {
			if s.State != "down" && s.CompactRevision < (rev-keep)/7*7 {
				return false
			}
		}
		return true
	})
	if err := c.Restart(l); err != nil {
		t.Fatal(err)
	}
	converge(t, c, 1000)
}

func TestAutoCompactionRejectsNegativeRetention(t *testing.T) {
	if _, err := New(Config{AutoCompactionRetention: -1}); err == nil {
		t.Fatal("negative retention accepted")
	}
}

// With hash checkpoints (the default) the target is rounded down to a
// checkpoint, where every store recorded its hash: the compaction reuses it.
func TestAutoCompactionAtHashCheckpoints(t *testing.T) {
	const keep, every, k = 50, 20, 30
	c := newTestCluster(t, Config{Seed: 3, AutoCompactionRetention: keep, AutoCompactionTicks: every, HashCheckpointEvery: k})
	waitLeader(t, c, 200)
	writeKeys(t, c, "k", 300, 10)
	rev := c.Status()[0].Revision
	for range every + 1 {
		c.Tick()
	}
	for _, s := range converge(t, c, 500) {
		if want := (rev - keep) / k * k; s.CompactRevision != want {
			t.Fatalf("member %d: compact revision %d, want %d (revision %d, retention %d, checkpoints every %d)",
				s.ID, s.CompactRevision, want, rev, keep, k)
		}
	}
}

// Members at different revisions are compared at the last hash checkpoint
// they all passed; their hashes there agree, and equal a fresh scan's.
func TestStatusComparesAtHashCheckpoint(t *testing.T) {
	const k = 10
	c := newTestCluster(t, Config{Seed: 3, HashCheckpointEvery: k})
	l := waitLeader(t, c, 200)
	writeKeys(t, c, "a", 25, 5, l)
	converge(t, c, 500)
	lag := follower(t, c, l)
	c.Isolate(lag)
	c.Tick()
	writeKeys(t, c, "b", 20, 5, l)
	st := c.Status()
	low := st[0].Revision
	for _, s := range st {
		low = min(low, s.Revision)
	}
	want := low / k * k
	for _, s := range st {
		if s.HashRevision != want || s.Hash != st[0].Hash {
			t.Fatalf("member %d: hash %08x at revision %d; want every member at checkpoint %d with one hash\n%s",
				s.ID, s.Hash, s.HashRevision, want, dump(c))
		}
	}
	// A copy of each store without checkpoints gets the same hash by a scan.
	for _, s := range st {
		b, err := c.members[s.ID].Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		cp, err := mvcc.Restore(b)
		if err != nil {
			t.Fatal(err)
		}
		h, err := cp.HashKV(want)
		if err != nil || h.Hash != s.Hash {
			t.Fatalf("member %d: scan at %d gives %08x (%v), Status %08x", s.ID, want, h.Hash, err, s.Hash)
		}
	}
}

// With the page's settings (retention 1000, a check every 20 ticks, hash
// checkpoints every 1000 revisions) a cluster that stays below the
// retention window never compacts and never logs a failed compaction: the
// target would be revision 0, which is no revision. Then, once the history
// is longer than the window, it compacts.
func TestAutoCompactionIdleSaysNothing(t *testing.T) {
	const keep, every, k = 1000, 20, 1000
	c := newTestCluster(t, Config{Seed: 7, AutoCompactionRetention: keep, AutoCompactionTicks: every, HashCheckpointEvery: k})
	waitLeader(t, c, 200)
	writeKeys(t, c, "k", 10, 5)
	for range 2000 {
		c.Tick()
	}
	if evs := eventsOf(c, "compaction"); len(evs) != 0 {
		t.Fatalf("an idle cluster below the retention window logged %d compaction events, first %q", len(evs), evs[0].Text)
	}
	for _, s := range c.Status() {
		if s.CompactRevision != -1 {
			t.Fatalf("member %d compacted to %d below the retention window", s.ID, s.CompactRevision)
		}
	}
	writeKeys(t, c, "m", keep+k, 100)
	tickUntil(t, c, 10*every, "a compaction once the history exceeds the window", func() bool {
		return len(eventsOf(c, "compaction")) > 0
	})
	for _, e := range eventsOf(c, "compaction") {
		if strings.Contains(e.Text, "failed") || strings.Contains(e.Text, "revision 0 ") {
			t.Fatalf("compaction event %q", e.Text)
		}
	}
}

// Without checkpoints the target is R-N exactly; at R = N+1 it is revision
// 1, the empty store's: nothing to drop, so nothing is submitted.
func TestAutoCompactionSkipsRevisionOne(t *testing.T) {
	const keep, every = 20, 5
	c := newTestCluster(t, Config{Seed: 3, AutoCompactionRetention: keep, AutoCompactionTicks: every})
	l := waitLeader(t, c, 200)
	writeKeys(t, c, "k", keep, 5, l) // revisions 2..keep+1
	for range 4 * every {
		c.Tick()
	}
	st := converge(t, c, 500)
	if st[0].Revision != keep+1 {
		t.Fatalf("revision %d after %d puts, want %d", st[0].Revision, keep, keep+1)
	}
	if evs := eventsOf(c, "compaction"); len(evs) != 0 {
		t.Fatalf("compaction events with the target at revision 1 or below: %q", evs[0].Text)
	}
}
