package cluster

import (
	"fmt"
	"runtime"
	"testing"
)

// TestYieldChangesNothing: with rounds run one after the other (as under
// js/wasm), Tick calls Config.Yield once before each live member's round,
// and a run with a Yield is the same run as without: the same events and
// the same stores.
func TestYieldChangesNothing(t *testing.T) {
	run := func(yield func()) ([]Event, []MemberStatus) {
		c := newTestCluster(t, Config{Seed: 11, Yield: yield})
		c.parallel = false
		c.Stress(StressConfig{Rate: 20, Count: 400, Keys: 50})
		for range 120 {
			c.Tick()
		}
		c.Kill(2)
		for range 60 {
			c.Tick()
		}
		return c.Events(0), c.Status()
	}
	yields := 0
	withEvents, withStatus := run(func() { yields++ })
	plainEvents, plainStatus := run(nil)

	if rev := withStatus[0].Revision; rev < 50 {
		t.Fatalf("member 1 reached revision %d: the stress did not run", rev)
	}
	// 120 ticks with 5 live members, then 60 with 4.
	if want := 120*5 + 60*4; yields != want {
		t.Errorf("Yield called %d times, want %d (once per live member's round)", yields, want)
	}
	if fmt.Sprint(withEvents) != fmt.Sprint(plainEvents) {
		t.Errorf("the events differ with a Yield (%d events) and without (%d)", len(withEvents), len(plainEvents))
	}
	if fmt.Sprint(withStatus) != fmt.Sprint(plainStatus) {
		t.Errorf("the members differ with a Yield and without:\n%v\n%v", withStatus, plainStatus)
	}
}

// TestConcurrentRoundsChangeNothing: on one thread, rounds on goroutines
// of their own (Config.ConcurrentRounds) give the same run as rounds one
// after the other, through a kill and a restart, and Yield is still
// called once before each live member's round.
func TestConcurrentRoundsChangeNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	run := func(concurrent bool) ([]Event, []MemberStatus, int) {
		yields := 0
		c := newTestCluster(t, Config{Seed: 12, ConcurrentRounds: concurrent, Yield: func() { yields++ }})
		if c.parallel != concurrent {
			t.Fatalf("ConcurrentRounds %v on one thread: parallel %v", concurrent, c.parallel)
		}
		c.Stress(StressConfig{Rate: 20, Count: 400, Keys: 50})
		for range 120 {
			c.Tick()
		}
		c.Kill(2)
		for range 60 {
			c.Tick()
		}
		c.Restart(2)
		for range 60 {
			c.Tick()
		}
		return c.Events(0), c.Status(), yields
	}
	ce, cs, cy := run(true)
	se, ss, sy := run(false)
	if rev := cs[0].Revision; rev < 50 {
		t.Fatalf("member 1 reached revision %d: the stress did not run", rev)
	}
	if want := 120*5 + 60*4 + 60*5; cy != want || sy != want {
		t.Errorf("Yield called %d times concurrently, %d one after the other; want %d", cy, sy, want)
	}
	if fmt.Sprint(ce) != fmt.Sprint(se) {
		t.Errorf("the events differ with concurrent rounds (%d events) and without (%d)", len(ce), len(se))
	}
	if fmt.Sprint(cs) != fmt.Sprint(ss) {
		t.Errorf("the members differ with concurrent rounds and without:\n%v\n%v", cs, ss)
	}
}
