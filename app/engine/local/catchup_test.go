package local

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// shadowAt is the timeline's replay cluster's tick (0 before it exists).
func shadowAt(tl *timeline) uint64 {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.shadow == nil {
		return 0
	}
	return tl.shadow.Now()
}

// The timeline's background catch-up leaves the thread to a MaxRate
// stress run (the Benchmark panel) and catches up once it ended.
func TestCatchUpWaitsForMaxRateRun(t *testing.T) {
	e := newRecordedEngine(t, 3)
	e.stopTimeline() // the test runs the catch-up's slices itself
	stepTo(t, e, 20)
	run := e.Stress(engine.StressConfig{MaxRate: true, Count: 3000, Keys: 100, ValueSize: 16})
	for i := 0; i < 10; i++ {
		e.Step()
	}
	if !e.Cluster.MaxRateRunning() || !run.Progress().Running {
		t.Fatalf("no MaxRate run in progress at tick %d: %+v", e.Now(), run.Progress())
	}
	before := shadowAt(e.tl)
	if e.tl.catchUpSlice() || shadowAt(e.tl) != before {
		t.Fatalf("the catch-up worked during the run: shadow at tick %d, then %d", before, shadowAt(e.tl))
	}
	for i := 0; i < 2000 && run.Progress().Running; i++ {
		e.Step()
	}
	if p := run.Progress(); p.Running || p.OK != 3000 || e.Cluster.MaxRateRunning() {
		t.Fatalf("the run did not end well: %+v (MaxRate running: %v)", p, e.Cluster.MaxRateRunning())
	}
	end := e.Now()
	for i := 0; i < 10000 && shadowAt(e.tl) < end; i++ {
		if !e.tl.catchUpSlice() {
			t.Fatalf("the catch-up did not work after the run (shadow at tick %d of %d)", shadowAt(e.tl), end)
		}
	}
	if got := shadowAt(e.tl); got != end {
		t.Fatalf("after the run the shadow reached tick %d, want %d", got, end)
	}
}
