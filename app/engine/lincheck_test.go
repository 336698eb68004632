package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Through the protocol, on a real cluster: the unsafe switch set as the
// page sets it (SetSettings), the old leader isolated (check-quorum off, so
// it keeps leading), a put through the new leader, a get through the old
// one: CheckHistory answers a violation with the three operations, and
// the next update carries the same verdict.
func TestCheckHistoryThroughProtocol(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	set := engine.DefaultPageSettings()
	set.CheckQuorum = false
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 5, Seed: 3, Speed: 200, Settings: &set})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	se := eng.(engine.Settable)
	set.UnsafeLocalReads = true
	if err := se.SetSettings(set); err != nil {
		t.Fatal(err)
	}
	waitView(t, "the switch in force", func() bool { return se.Settings().UnsafeLocalReads })
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	old := leader(eng.Status())
	if _, err := eng.Put(ctx, old, []byte("x"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	eng.Isolate(old)
	var fresh uint64
	waitView(t, "a majority leader", func() bool {
		fresh = 0
		for _, m := range eng.Status() {
			if m.State == "leader" && m.ID != old {
				fresh = m.ID
			}
		}
		return fresh != 0
	})
	if _, err := eng.Put(ctx, fresh, []byte("x"), []byte("2")); err != nil {
		t.Fatal(err)
	}
	r, err := eng.Get(ctx, old, mvcc.RangeRequest{Key: []byte("x")}, false)
	if err != nil || len(r.KVs) != 1 || string(r.KVs[0].Value) != "1" {
		t.Fatalf("get through the old leader: %+v, %v; want the stale 1", r, err)
	}
	ch := eng.(engine.Checker)
	v, err := ch.CheckHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.State() != "violation" || v.Key != "x" || len(v.Failing) != 3 || v.Seq == 0 || v.Auto {
		t.Fatalf("verdict %+v: want a violation on x, 3 operations", v)
	}
	if s := v.Failing[2]; s.Kind != "get" || s.Member != old || s.Answer != `"1"` || !s.Stale {
		t.Fatalf("stale read %+v", s)
	}
	if !strings.Contains(v.Explanation, "stale read") {
		t.Fatalf("explanation %q", v.Explanation)
	}
	waitView(t, "the verdict in an update", func() bool {
		last, ok := ch.LastVerdict()
		return ok && last.Seq == v.Seq && last.State() == "violation" && len(last.Failing) == 3
	})

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ch.CheckHistory(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled check: %v", err)
	}
}

// A stress run's end starts a check by itself; its verdict arrives in an
// update, linearizable, with the run's puts counted.
func TestCheckHistoryAfterStress(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 500})
	if err != nil {
		t.Fatal(err)
	}
	ch := eng.(engine.Checker)
	if _, ok := ch.LastVerdict(); ok {
		t.Fatal("a verdict before any check")
	}
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	run := eng.Stress(engine.StressConfig{Count: 300, MaxRate: true, Keys: 20})
	waitView(t, "the run done", func() bool { return !run.Progress().Running })
	waitView(t, "the automatic verdict", func() bool {
		v, ok := ch.LastVerdict()
		return ok && v.Auto && v.State() == "ok"
	})
	v, _ := ch.LastVerdict()
	if v.Ops < 300 || v.Keys != 20 || v.Elapsed <= 0 || v.Tick == 0 {
		t.Fatalf("verdict %+v: want >= 300 operations on 20 keys", v)
	}
}
