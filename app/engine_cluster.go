package app

import (
	"github.com/etcd-play/etcd-play/node/cluster"
)

// clusterEngine is the shipped Engine: a *cluster.Cluster ticked in real
// time by a *cluster.Driver. The cluster's own methods are promoted as they
// are; Status, Links, Events and Stress convert to the page's view types; the
// time controls are the driver's.
type clusterEngine struct {
	*cluster.Cluster
	driver *cluster.Driver
}

var _ Engine = (*clusterEngine)(nil)

// NewClusterEngine builds a cluster from cfg and starts a driver ticking it
// at ticksPerSecond, playing.
func NewClusterEngine(cfg cluster.Config, ticksPerSecond float64) (Engine, error) {
	c, err := cluster.New(cfg)
	if err != nil {
		return nil, err
	}
	d := cluster.NewDriver(c, ticksPerSecond)
	d.Play()
	return &clusterEngine{Cluster: c, driver: d}, nil
}

func (e *clusterEngine) Status() []MemberView {
	st := e.Cluster.Status()
	out := make([]MemberView, len(st))
	for i, s := range st {
		out[i] = MemberView{
			ID: s.ID, Name: s.Name, State: s.State, Term: s.Term, Vote: s.Vote, Leader: s.Leader,
			Commit: s.Commit, Applied: s.Applied, LastIndex: s.LastIndex, SnapshotIndex: s.SnapshotIndex,
			Revision: s.Revision, CompactRevision: s.CompactRevision, Keys: s.Keys,
			Hash: s.Hash, HashRevision: s.HashRevision, StoreBytes: s.StoreBytes,
		}
		for _, p := range s.Progress {
			out[i].Progress = append(out[i].Progress, FollowerProgress{ID: p.ID, Match: p.Match, Next: p.Next, State: p.State})
		}
	}
	return out
}

func (e *clusterEngine) Links() []LinkView {
	ls := e.Cluster.Links()
	out := make([]LinkView, len(ls))
	for i, l := range ls {
		out[i] = LinkView{From: l.From, To: l.To, Cut: l.Cut, Drop: l.Drop, Delay: l.Delay,
			Sent: l.Sent, Delivered: l.Delivered, Dropped: l.Dropped, InFlight: l.InFlight}
	}
	return out
}

func (e *clusterEngine) Events(after uint64) []EventView {
	evs := e.Cluster.Events(after)
	out := make([]EventView, len(evs))
	for i, ev := range evs {
		out[i] = EventView{Seq: ev.Seq, Tick: ev.Tick, Kind: ev.Kind, Member: ev.Member, Text: ev.Text,
			OK: ev.OK, LatencyTicks: ev.LatencyTicks}
	}
	return out
}

func (e *clusterEngine) Stress(cfg StressConfig) StressRun {
	return stressRun{e.Cluster.Stress(cluster.StressConfig{
		Member: cfg.Member, Rate: cfg.Rate, Count: cfg.Count, Keys: cfg.Keys, ValueSize: cfg.ValueSize,
	})}
}

type stressRun struct{ r *cluster.StressRun }

func (s stressRun) Progress() StressProgress {
	p := s.r.Progress()
	return StressProgress{Total: p.Total, Done: p.Done, OK: p.OK, Failed: p.Failed, P50: p.P50, P99: p.P99, Running: p.Running}
}

func (s stressRun) Stop() { s.r.Stop() }

func (e *clusterEngine) Play()                           { e.driver.Play() }
func (e *clusterEngine) Pause()                          { e.driver.Pause() }
func (e *clusterEngine) Step()                           { e.driver.Step() }
func (e *clusterEngine) SetSpeed(ticksPerSecond float64) { e.driver.SetSpeed(ticksPerSecond) }
func (e *clusterEngine) Paused() bool                    { return e.driver.Paused() }
