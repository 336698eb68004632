package local

import (
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
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

// catchUpTo runs the catch-up's slices until the shadow reaches tick end,
// failing if a slice does no work first (when: the test's moment).
func catchUpTo(t *testing.T, tl *timeline, end uint64, when string) {
	t.Helper()
	for i := 0; i < 10000 && shadowAt(tl) < end; i++ {
		if !tl.catchUpSlice() {
			t.Fatalf("the catch-up did not work %s (shadow at tick %d of %d)", when, shadowAt(tl), end)
		}
	}
	if got := shadowAt(tl); got != end {
		t.Fatalf("%s the shadow reached tick %d, want %d", when, got, end)
	}
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
	catchUpTo(t, e.tl, e.Now(), "after the run")
}

// The catch-up also waits while the live cluster's driver is behind its
// speed (a stress heavier than the engine's thread), and works again once
// the driver keeps up. A driver over a cluster whose rounds are slow,
// played at the highest speed, stands in for the engine's own.
func TestCatchUpWaitsWhileTheDriverIsBehind(t *testing.T) {
	e := newRecordedEngine(t, 4)
	e.stopTimeline() // the test runs the catch-up's slices itself
	stepTo(t, e, 40)
	slow, err := cluster.New(cluster.Config{Members: 3, Seed: 4, Yield: func() { time.Sleep(time.Millisecond) }})
	if err != nil {
		t.Fatal(err)
	}
	d := cluster.NewDriver(slow, cluster.MaxTicksPerSecond)
	t.Cleanup(d.Close)
	e.tl.mu.Lock()
	own := e.tl.driver
	e.tl.driver = d
	e.tl.mu.Unlock()
	t.Cleanup(func() { e.tl.mu.Lock(); e.tl.driver = own; e.tl.mu.Unlock() })
	d.Play()
	waitFor(t, "the slow driver to be behind", d.Behind)
	before := shadowAt(e.tl)
	if e.tl.catchUpSlice() || shadowAt(e.tl) != before {
		t.Fatalf("the catch-up worked while the driver was behind: shadow at tick %d, then %d", before, shadowAt(e.tl))
	}
	d.Pause()
	waitFor(t, "the paused driver not to be behind", func() bool { return !d.Behind() })
	catchUpTo(t, e.tl, e.Now(), "once the driver kept up")
}
