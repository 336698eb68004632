package local

import (
	"math"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
)

// TickSeconds is the wall time per tick from the run's start to the first
// Progress that saw it end, and stays so afterwards; the core's report
// (percentiles, histogram, ticks) comes through unchanged.
func TestStressRunTickSeconds(t *testing.T) {
	c, err := cluster.New(cluster.Config{Members: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	tickUntil(t, c, "an agreed leader", func() bool {
		ins := c.Inspect()
		for _, m := range ins {
			if m.Lead == 0 || m.Lead != ins[0].Lead {
				return false
			}
		}
		return true
	})
	wall := time.Unix(1000, 0)
	s := newStressRun(c, cluster.StressConfig{MaxRate: true, Outstanding: 4, Count: 200}, func() time.Time { return wall })
	if p := s.Progress(); p.TickSeconds != 0 {
		t.Fatalf("before any tick TickSeconds = %v, want 0 (unknown)", p.TickSeconds)
	}
	// Polled on every tick while it runs, at 5 ms a tick; after its end,
	// 50 quick ticks (1 ms) pass before the next poll: they do not count.
	start := c.Now()
	for {
		c.Tick()
		wall = wall.Add(5 * time.Millisecond)
		if !s.r.Progress().Running {
			break
		}
		if c.Now()-start > 1000 {
			t.Fatalf("the run does not end: %+v", s.Progress())
		}
		s.Progress()
	}
	for range 50 {
		c.Tick()
		wall = wall.Add(time.Millisecond)
	}
	p := s.Progress()
	if math.Abs(p.TickSeconds-0.005) > 1e-12 {
		t.Fatalf("TickSeconds %v, want 0.005 (5 ms per tick while the run ran)", p.TickSeconds)
	}
	for range 10 {
		c.Tick()
		wall = wall.Add(time.Second)
	}
	q := s.Progress()
	if q.TickSeconds != p.TickSeconds {
		t.Fatalf("after the end TickSeconds moved to %v", q.TickSeconds)
	}
	core := s.r.Progress()
	n := 0
	for _, b := range q.Hist {
		n += b
	}
	if q.Hist != core.Hist {
		t.Fatalf("histogram %v, core %v", q.Hist, core.Hist)
	}
	if n != 200 || q.P999 != core.P999 || q.P90 != core.P90 || q.Mean != core.Mean ||
		q.StartTick != core.StartTick || q.EndTick != core.EndTick || q.EndTick <= q.StartTick {
		t.Fatalf("progress %+v, core %+v", q, core)
	}
}

// A run that ends before any poll saw it running takes its tick period up
// to the first poll after its end.
func TestStressRunTickSecondsShortRun(t *testing.T) {
	c, err := cluster.New(cluster.Config{Members: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	tickUntil(t, c, "a leader", func() bool { return len(c.Inspect()) > 0 && c.Inspect()[0].Lead != 0 })
	wall := time.Unix(1000, 0)
	s := newStressRun(c, cluster.StressConfig{MaxRate: true, Count: 5, Member: 1}, func() time.Time { return wall })
	for i := 0; s.r.Progress().Running; i++ {
		if i > 100 {
			t.Fatal("the run does not end")
		}
		c.Tick()
		wall = wall.Add(2 * time.Millisecond)
	}
	if p := s.Progress(); p.Running || math.Abs(p.TickSeconds-0.002) > 1e-12 {
		t.Fatalf("progress %+v, want ended with TickSeconds 0.002", p)
	}
}
