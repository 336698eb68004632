package cluster

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// inflightPeak ticks c until run ends (at most limit ticks) and returns,
// per member, the most puts of run in flight after any tick's issue.
func inflightPeak(t *testing.T, c *Cluster, run *StressRun, limit int) map[uint64]int {
	t.Helper()
	peak := map[uint64]int{}
	for i := 0; run.Progress().Running; i++ {
		if i == limit {
			t.Fatalf("the run is still running after %d ticks: %+v", limit, run.Progress())
		}
		c.Tick()
		run.mu.Lock()
		for id, n := range run.inflightAt {
			if n < 0 {
				t.Fatalf("member %d: %d puts in flight", id, n)
			}
			peak[id] = max(peak[id], n)
		}
		run.mu.Unlock()
	}
	return peak
}

// A MaxRate run keeps every live member's window full and never fuller:
// each member peaks at exactly Outstanding puts in flight, every put
// succeeds, and the run issues far more than the default Rate per tick.
// Its start event says it runs at full speed.
func TestStressMaxRateFillsEachMembersWindow(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 7})
	waitLeader(t, c, 200)
	const window, count = 6, 600
	run := c.Stress(StressConfig{MaxRate: true, Outstanding: window, Count: count, Keys: 40, Rate: 1})
	peak := inflightPeak(t, c, run, 2000)
	want := map[uint64]int{1: window, 2: window, 3: window, 4: window, 5: window}
	if !reflect.DeepEqual(peak, want) {
		t.Fatalf("peak puts in flight per member %v, want %v", peak, want)
	}
	p := run.Progress()
	if p.OK != count || p.Failed != 0 || p.Done != count {
		t.Fatalf("progress %+v, want %d ok", p, count)
	}
	// At Rate 1 the run would take 600 ticks; the full pipeline answers
	// 5*window puts every few ticks.
	if ticks := p.EndTick - p.StartTick; ticks > count/(5*window)*(p.Max+1) {
		t.Fatalf("the run took %d ticks (max latency %d): the pipeline was not kept full", ticks, p.Max)
	}
	evs := eventsOf(c, "stress")
	if len(evs) != 2 || !strings.Contains(evs[0].Text, "600 puts at full speed (6 in flight per member)") {
		t.Fatalf("stress events %+v", evs)
	}
}

// Without Outstanding a MaxRate run uses DefaultOutstanding; a killed
// member is skipped (its window empties as its puts fail) and the run
// still ends, every put answered.
func TestStressMaxRateDefaultWindowSkipsDownMembers(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 8})
	l := waitLeader(t, c, 200)
	down := follower(t, c, l)
	run := c.Stress(StressConfig{MaxRate: true, Count: 3000})
	for range 3 {
		c.Tick()
	}
	if err := c.Kill(down); err != nil {
		t.Fatal(err)
	}
	peak := inflightPeak(t, c, run, 5000)
	for id, n := range peak {
		if n > DefaultOutstanding {
			t.Fatalf("member %d had %d puts in flight, over the default window %d", id, n, DefaultOutstanding)
		}
	}
	if peak[l] != DefaultOutstanding {
		t.Fatalf("the leader peaked at %d puts in flight, want %d", peak[l], DefaultOutstanding)
	}
	p := run.Progress()
	if p.Done != 3000 || p.OK == 0 {
		t.Fatalf("progress %+v, want all 3000 answered", p)
	}
	run.mu.Lock()
	inflight := run.inflightAt[down]
	run.mu.Unlock()
	if inflight != 0 {
		t.Fatalf("the killed member still has %d puts in flight", inflight)
	}
}

// Through one down member every put fails at once; a tick still issues no
// more than Outstanding of them, and the run ends.
func TestStressMaxRateDownMemberBoundsEachTick(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 9})
	l := waitLeader(t, c, 200)
	down := follower(t, c, l)
	if err := c.Kill(down); err != nil {
		t.Fatal(err)
	}
	run := c.Stress(StressConfig{MaxRate: true, Outstanding: 5, Count: 50, Member: down})
	ticks := 0
	for run.Progress().Running {
		before := run.Progress().Done
		c.Tick()
		ticks++
		if d := run.Progress().Done - before; d > 5 {
			t.Fatalf("tick %d answered %d puts, over the window of 5", ticks, d)
		}
		if ticks > 100 {
			t.Fatal("the run does not end")
		}
	}
	if p := run.Progress(); p.Failed != 50 || ticks != 10 {
		t.Fatalf("after %d ticks progress %+v, want 50 failed in 10 ticks", ticks, p)
	}
}

// The same seed and the same ticks give the same MaxRate run: the same
// progress (latencies, histogram, ticks) and the same store.
func TestStressMaxRateDeterministic(t *testing.T) {
	once := func() (StressProgress, string) {
		c := newTestCluster(t, Config{Seed: 11})
		waitLeader(t, c, 200)
		run := c.Stress(StressConfig{MaxRate: true, Outstanding: 20, Count: 2000, Keys: 300, ValueSize: 10})
		tickUntil(t, c, 3000, "the run to end", func() bool { return !run.Progress().Running })
		st := converge(t, c, 200)
		return run.Progress(), fmt.Sprint(st[0].Revision, st[0].Hash)
	}
	p1, s1 := once()
	p2, s2 := once()
	if !reflect.DeepEqual(p1, p2) || s1 != s2 {
		t.Fatalf("two runs differ:\n%+v %s\n%+v %s", p1, s1, p2, s2)
	}
	n := 0
	for _, b := range p1.Hist {
		n += b
	}
	if n != p1.Done || p1.Done != 2000 || p1.Min > p1.P10 || p1.P999 > p1.Max || p1.EndTick-p1.StartTick < p1.Max {
		t.Fatalf("progress %+v: histogram holds %d puts", p1, n)
	}
}

// With every member down a MaxRate run does not wait for one: its puts
// fail at once, Outstanding per member per tick, and it ends.
func TestStressMaxRateAllDownEnds(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 12})
	waitLeader(t, c, 200)
	c.KillAll()
	run := c.Stress(StressConfig{MaxRate: true, Outstanding: 2, Count: 40})
	tickUntil(t, c, 20, "the run to end", func() bool { return !run.Progress().Running })
	if p := run.Progress(); p.Failed != 40 || p.OK != 0 {
		t.Fatalf("progress %+v, want 40 failed", p)
	}
}

// maxRateRun is a golden run (digest_test.go): a full-speed stress of 3,000
// puts with a 32-put window, a follower killed 10 ticks in and restarted
// 30 ticks later; it returns the event log, the converged status and the
// run's final progress.
func maxRateRun(t *testing.T, seed int64) ([]Event, []MemberStatus, StressProgress) {
	t.Helper()
	c := newTestCluster(t, Config{Seed: seed})
	l := waitLeader(t, c, 200)
	down := follower(t, c, l)
	run := c.Stress(StressConfig{MaxRate: true, Outstanding: 32, Count: 3000, Keys: 500, ValueSize: 24})
	for i := 0; run.Progress().Running; i++ {
		if i == 2000 {
			t.Fatalf("the run is still running: %+v", run.Progress())
		}
		switch i {
		case 10:
			c.Kill(down)
		case 40:
			c.Restart(down)
		}
		c.Tick()
	}
	st := converge(t, c, 500)
	return c.Events(0), st, run.Progress()
}
