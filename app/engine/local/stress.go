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
// when it starts the run; every Progress call that finds the run running
// notes them again, and so does the first one that finds it ended.
// TickSeconds is the wall time over the ticks from the start to the latest
// note taken while the run ran (or, for a run that ended before any poll
// saw it running, to the first note after its end): the driver's average
// tick period over the run, without the ticks after its end, which carry
// less work and pass before the next poll. It is not stamped per put: a
// put's wall latency is its ticks times that average, exact when the
// driver ticks evenly (it does under a full pipeline, where each tick
// carries about the same work) and cheap (no clock read per put). A run
// paused or stepped part of the way counts its pause in the average;
// TickSeconds is 0 until a tick has run since the start.
type stressRun struct {
	r   *cluster.StressRun
	c   *cluster.Cluster
	now func() time.Time
	// onEnd, if set, is called once, by the first Progress that finds the
	// run ended (the engine's automatic linearizability check, which the
	// server's updates thus start: they poll every run until it ends).
	onEnd func()

	mu           sync.Mutex
	start        tickNote // when Stress started the run
	running, end tickNote // the latest note while it ran; the first after its end (zero: none yet)
}

// tickNote is the wall clock at the cluster's tick count.
type tickNote struct {
	wall time.Time
	tick uint64
}

// perTick returns the wall seconds per tick from a to b (0 when no tick
// passed).
func perTick(a, b tickNote) float64 {
	if b.tick <= a.tick {
		return 0
	}
	return b.wall.Sub(a.wall).Seconds() / float64(b.tick-a.tick)
}

func newStressRun(c *cluster.Cluster, cfg cluster.StressConfig, now func() time.Time) *stressRun {
	s := &stressRun{c: c, now: now, start: tickNote{now(), c.Now()}}
	s.r = c.Stress(cfg)
	return s
}

func (s *stressRun) Progress() engine.StressProgress {
	p := s.r.Progress()
	s.mu.Lock()
	ended := false
	switch {
	case p.Running:
		s.running = tickNote{s.now(), s.c.Now()}
	case s.end.wall.IsZero():
		s.end = tickNote{s.now(), s.c.Now()}
		ended = true
	}
	spt := perTick(s.start, s.running)
	if spt == 0 {
		spt = perTick(s.start, s.end)
	}
	s.mu.Unlock()
	if ended && s.onEnd != nil {
		s.onEnd()
	}
	return engine.StressProgress{
		Total: p.Total, Done: p.Done, OK: p.OK, Failed: p.Failed, P50: p.P50, P99: p.P99, Running: p.Running,
		P10: p.P10, P25: p.P25, P75: p.P75, P90: p.P90, P95: p.P95, P999: p.P999,
		Min: p.Min, Max: p.Max, Mean: p.Mean, Stddev: p.Stddev, Hist: p.Hist, // the same array type: lengths agree or this does not compile
		StartTick: p.StartTick, EndTick: p.EndTick, TickSeconds: spt,
	}
}

func (s *stressRun) Stop() { s.r.Stop() }
