package local

import (
	"context"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// A stress run's end checks the history by itself, once (the first
// Progress that sees the end); a history over AutoCheckMaxOps gets a
// skipped verdict instead, which a check asked for does not.
func TestAutoCheckAfterStress(t *testing.T) {
	e, c := newPausedEngine(t)
	tickUntil(t, c, "a leader every member knows", func() bool {
		ms := c.Inspect()
		for _, m := range ms {
			if !m.Up || m.Lead == 0 || m.Lead != ms[0].Lead {
				return false
			}
		}
		return true
	})
	if _, ok := e.LastVerdict(); ok {
		t.Fatal("a verdict before any check")
	}
	run := e.Stress(engine.StressConfig{Count: 200, MaxRate: true, Keys: 10})
	tickUntil(t, c, "the first run done", func() bool { return !run.Progress().Running })
	v := waitVerdict(t, e, 1)
	if v.State() != "ok" || !v.Auto || v.Ops != 200 || v.Keys != 10 {
		t.Fatalf("verdict %+v", v)
	}
	run.Progress() // seeing the end again starts nothing
	if v, _ := e.LastVerdict(); v.Seq != 1 {
		t.Fatalf("a second automatic check: %+v", v)
	}

	run = e.Stress(engine.StressConfig{Count: engine.AutoCheckMaxOps, MaxRate: true, Outstanding: 256, Keys: 1000})
	for i := 0; run.Progress().Running; i++ {
		if i > 100000 {
			t.Fatal("the large run never ended")
		}
		c.Tick()
	}
	v = waitVerdict(t, e, 2)
	if v.State() != "skipped" || v.Ops != engine.AutoCheckMaxOps+200 {
		t.Fatalf("verdict %+v: want skipped over %d operations", v, engine.AutoCheckMaxOps+200)
	}
	v, err := e.CheckHistory(context.Background())
	if err != nil || v.State() != "ok" || v.Auto || v.Ops != engine.AutoCheckMaxOps+200 {
		t.Fatalf("check asked for: %+v, %v", v, err)
	}
}

// waitVerdict waits for the check numbered seq to finish.
func waitVerdict(t *testing.T, e *clusterEngine, seq uint64) engine.LinVerdictView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if v, ok := e.LastVerdict(); ok && v.Seq == seq && !v.Running {
			return v
		}
		if time.Now().After(deadline) {
			v, _ := e.LastVerdict()
			t.Fatalf("check %d did not finish: latest %+v", seq, v)
		}
		time.Sleep(time.Millisecond) // polling the condition above
	}
}
