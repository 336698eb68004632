package local

import (
	"context"
	"github.com/etcd-play/etcd-play/app/engine"
	"reflect"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// newPausedEngine is the shipped adapter over a real cluster whose driver
// stays paused: the test ticks the cluster itself.
func newPausedEngine(t *testing.T) (*clusterEngine, *cluster.Cluster) {
	t.Helper()
	c, err := cluster.New(cluster.Config{Members: 5, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.NewDriver(c, 10)
	t.Cleanup(d.Close)
	return &clusterEngine{Cluster: c, driver: d}, c
}

func tickUntil(t *testing.T, c *cluster.Cluster, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		c.Tick()
	}
	t.Fatalf("after 1000 ticks: no %s", what)
}

// Between full Status calls, the adapter's Status takes the fast fields from
// Inspect and keeps the full Status's hash, key count and store size; a
// member going down forces a full Status.
func TestClusterEngineStatusMerge(t *testing.T) {
	e, c := newPausedEngine(t)
	if got, want := e.Status(), fullView(c); !viewsEqual(got, want) {
		t.Fatalf("first Status is not a full one:\n got %+v\nwant %+v", got, want)
	}
	e.fullCost = time.Hour // from now on only the fast path, until membership changes

	tickUntil(t, c, "leader", func() bool {
		for _, m := range c.Status() {
			if m.State == "leader" {
				return true
			}
		}
		return false
	})
	full := convertStatus(c.Status())
	got := e.Status()
	for i := range got {
		g, w := got[i], full[i]
		if g.State != w.State || g.Term != w.Term || g.Leader != w.Leader || g.Commit != w.Commit ||
			g.Applied != w.Applied || g.Revision != w.Revision || len(g.Progress) != len(w.Progress) {
			t.Errorf("member %d fast fields: got %+v, want %+v", g.ID, g, w)
		}
		if g.HashRevision != e.full[i].HashRevision || g.Hash != e.full[i].Hash {
			t.Errorf("member %d: the fast path changed the hash fields", g.ID)
		}
	}

	if err := c.Kill(2); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	got = e.Status()
	if got[1].State != "down" || !viewsEqual(got, fullView(c)) {
		t.Fatalf("after a kill, Status is not a fresh full one: %+v", got[1])
	}
}

// A compaction forces a full Status too: HashKV depends on the compaction
// revision, so a card must not show a hash taken before the compaction
// revision it shows.
func TestClusterEngineStatusAfterCompaction(t *testing.T) {
	e, c := newPausedEngine(t)
	var l uint64
	tickUntil(t, c, "leader", func() bool {
		for _, m := range c.Status() {
			if m.State == "leader" {
				l = m.ID
			}
		}
		return l != 0
	})
	var calls []*cluster.Call
	for i := range 20 {
		calls = append(calls, c.Do(l, cluster.Op{Put: &mvcc.PutRequest{Key: []byte{'k', byte('a' + i%3)}, Value: []byte{byte(i)}}}))
	}
	tickUntil(t, c, "the puts answered", func() bool { return calls[len(calls)-1].Answered() })
	e.Status()
	e.fullCost = time.Hour // only the fast path from now on, unless something forces a full Status
	cl := c.Do(l, cluster.Op{Compact: 15})
	tickUntil(t, c, "every member compacted", func() bool {
		for _, m := range c.Status() {
			if m.CompactRevision != 15 {
				return false
			}
		}
		return cl.Answered()
	})
	if got, want := e.Status(), fullView(c); !viewsEqual(got, want) {
		t.Fatalf("after a compaction, Status is not a fresh full one:\n got %+v\nwant %+v", got, want)
	}
}

func viewsEqual(a, b []engine.MemberView) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if len(x.Progress) != len(y.Progress) {
			return false
		}
		for j := range x.Progress {
			if x.Progress[j] != y.Progress[j] {
				return false
			}
		}
		x.Progress, y.Progress = nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// Compact goes through raft and answers once applied.
func TestClusterEngineCompact(t *testing.T) {
	e, c := newPausedEngine(t)
	tickUntil(t, c, "leader", func() bool { return len(e.Status()) == 5 && e.Cluster.Status()[0].Leader != 0 })
	ctx := context.Background()
	put := c.Do(1, cluster.Op{Put: putReq("k", "v")})
	tickUntil(t, c, "put answer", func() bool { return done(put.Done()) })
	compacted := make(chan error, 1)
	before := c.HistoryLen()
	go func() { _, err := e.Compact(ctx, 3, 2); compacted <- err }()
	// Ticks count from the one that took the compaction (it is then in
	// the history): the goroutine calling Compact may be scheduled after
	// many of the test's ticks on a busy machine.
	submitted, deadline := false, time.Now().Add(10*time.Second)
	for i := 0; ; {
		if i == 1000 {
			t.Fatal("no answer to the compaction 1000 ticks after it was taken")
		}
		if !submitted && time.Now().After(deadline) {
			t.Fatal("the compaction was not submitted within 10 s")
		}
		select {
		case err := <-compacted:
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range c.Status() {
				if m.CompactRevision != 2 {
					t.Errorf("member %d compact revision %d, want 2", m.ID, m.CompactRevision)
				}
			}
			return
		default:
			c.Tick()
			if submitted {
				i++
			} else {
				submitted = c.HistoryLen() > before
			}
		}
	}
}

// The page's engine compacts its history automatically: after more puts
// than the retention, every member's compact revision follows the leader's
// auto-compaction, and the history kept stays within the bound.
func TestPageEngineAutoCompacts(t *testing.T) {
	eng, err := NewClusterEngine(cluster.Config{Members: 3, Seed: 5}, 1)
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*clusterEngine)
	e.driver.Pause()
	t.Cleanup(e.driver.Close)
	c := e.Cluster
	tickUntil(t, c, "leader", func() bool {
		for _, m := range c.Status() {
			if m.State == "leader" {
				return true
			}
		}
		return false
	})
	run := c.Stress(cluster.StressConfig{Rate: 50, Count: 3 * PageCompactionRetention, Keys: 10})
	for i := 0; run.Progress().Running; i++ {
		if i > 10000 {
			t.Fatalf("stress still running: %+v", run.Progress())
		}
		c.Tick()
	}
	for i := 0; i < 2*PageCompactionTicks; i++ {
		c.Tick()
	}
	bound := int64(PageCompactionRetention + 50*PageCompactionTicks)
	for _, m := range c.Status() {
		if m.CompactRevision <= 0 || m.Revision-m.CompactRevision > bound {
			t.Errorf("member %d: revision %d, compact revision %d; want history of at most %d revisions",
				m.ID, m.Revision, m.CompactRevision, bound)
		}
	}
}
