package local

import (
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// stressRun adapts a cluster.StressRun to engine.StressRun and adds what
// only the real-time side knows: the wall-clock seconds per tick while the
// run ran (engine.StressProgress.TickSeconds), which turn the core's
// latencies and run length, all in ticks, into seconds.
//
// How it is measured: Stress notes the wall clock and the cluster's tick
// when it starts the run; every Progress call while the run is running,
// and the first one after it ended, notes them again. TickSeconds is the
// wall time over the ticks between the start and the latest such note: the
// driver's average tick period over (at least) the whole run. It is not
// stamped per put: a put's wall latency is its ticks times that average,
// exact when the driver ticks evenly (it does under a full pipeline, where
// each tick carries about the same work) and cheap (no clock read per
// put). A run that was paused or stepped part of the way counts its pause
// in the average; TickSeconds is 0 until a tick has run since the start.
type stressRun struct {
	r   *cluster.StressRun
	c   *cluster.Cluster
	now func() time.Time

	mu    sync.Mutex
	wall0 time.Time // when Stress started the run
	tick0 uint64    // the cluster's Now() then
	wall  time.Time // the latest note while running (or first after)
	tick  uint64
	ended bool // the first note after the end was taken
}

func newStressRun(c *cluster.Cluster, cfg cluster.StressConfig, now func() time.Time) *stressRun {
	s := &stressRun{c: c, now: now, tick0: c.Now(), wall0: now()}
	s.wall, s.tick = s.wall0, s.tick0
	s.r = c.Stress(cfg)
	return s
}

func (s *stressRun) Progress() engine.StressProgress {
	p := s.r.Progress()
	s.mu.Lock()
	if !s.ended {
		s.tick, s.wall = s.c.Now(), s.now()
		s.ended = !p.Running
	}
	spt := 0.0
	if s.tick > s.tick0 {
		spt = s.wall.Sub(s.wall0).Seconds() / float64(s.tick-s.tick0)
	}
	s.mu.Unlock()
	hist := make([]engine.LatencyBucket, len(p.Hist))
	for i, b := range p.Hist {
		hist[i] = engine.LatencyBucket{UpTo: b.UpTo, Count: b.Count}
	}
	return engine.StressProgress{
		Total: p.Total, Done: p.Done, OK: p.OK, Failed: p.Failed, P50: p.P50, P99: p.P99, Running: p.Running,
		P10: p.P10, P25: p.P25, P75: p.P75, P90: p.P90, P95: p.P95, P999: p.P999,
		Min: p.Min, Max: p.Max, Mean: p.Mean, Stddev: p.Stddev, Hist: hist,
		StartTick: p.StartTick, EndTick: p.EndTick, TickSeconds: spt,
	}
}

func (s *stressRun) Stop() { s.r.Stop() }
