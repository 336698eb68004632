package local

import (
	"context"
	"github.com/etcd-play/etcd-play/app/engine"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// clusterEngine is the shipped Engine: a *cluster.Cluster ticked in real
// time by a cluster.Driver (which yields to the browser between
// work slices). The cluster's own methods are promoted as they are; Status,
// Links, Events and Stress convert to the page's view types; the time
// controls are the driver's.
type clusterEngine struct {
	*cluster.Cluster
	driver *cluster.Driver

	mu       sync.Mutex          // guards the fields below (Status)
	full     []engine.MemberView // the last full Status
	fullAt   time.Time           // when it was taken
	fullCost time.Duration       // how long it took
	up       []bool              // which members were up then

	checks checks // linearizability checks (lincheck.go)

	tl         *timeline // the recorded run (timeline.go)
	tlOnce     sync.Once
	tlStop     chan struct{} // closed to end the timeline's background work
	tlStopOnce sync.Once
}

var (
	_ engine.Engine   = (*clusterEngine)(nil)
	_ engine.Settable = (*clusterEngine)(nil) // cluster.Cluster's own methods
)

// The page's auto-compaction (etcd's --auto-compaction-mode=revision): the
// leader keeps the last PageCompactionRetention revisions of history,
// checking every PageCompactionTicks ticks, so the history each member
// holds (its heap, which the Go collector marks on the page's only thread,
// its raft snapshots and its IndexedDB records) stays under retention +
// puts per tick × ticks (at the stress panel's fixed maximum, 100 per tick:
// 3,000 revisions; a full-speed run answers at most 5 × its window of puts
// in flight per member a tick: 7,400 at cluster.DefaultOutstanding, 64,
// the stress panel's; 103,400 at the Benchmark panel's largest, 1,024,
// whose values it bounds to 256 bytes) however long the session runs.
//
// PageHashCheckpointEvery: the members' stores record their HashKV every
// that many revisions, so that the cards compare members at different
// revisions (under stress) without rescanning their stores, and the
// auto-compaction, which then compacts at such a revision, reuses the
// recorded hash (cluster.Config.HashCheckpointEvery).
const (
	PageCompactionRetention = 1000
	PageCompactionTicks     = 20
	PageHashCheckpointEvery = 1000
)

// withPageCompaction sets the page's auto-compaction and hash checkpoints
// on a config that chose none, its yield between members' rounds
// (yieldLongTask), and members' rounds on goroutines of their own
// (cluster.Config.ConcurrentRounds).
func withPageCompaction(cfg cluster.Config) cluster.Config {
	if cfg.AutoCompactionRetention == 0 {
		cfg.AutoCompactionRetention, cfg.AutoCompactionTicks = PageCompactionRetention, PageCompactionTicks
	}
	if cfg.HashCheckpointEvery == 0 {
		cfg.HashCheckpointEvery = PageHashCheckpointEvery
	}
	if cfg.Yield == nil {
		cfg.Yield = yieldLongTask
	}
	// IndexedDB's writes wait on the browser: the five members' Saves of a
	// tick are then in flight together.
	cfg.ConcurrentRounds = true
	return cfg
}

// NewClusterEngine builds a cluster from cfg (with the page's
// auto-compaction unless cfg sets its own) and starts a driver ticking it
// at ticksPerSecond, playing.
func NewClusterEngine(cfg cluster.Config, ticksPerSecond float64) (engine.Engine, error) {
	c, err := cluster.New(withPageCompaction(cfg))
	if err != nil {
		return nil, err
	}
	d := cluster.NewDriver(c, engine.ClampSpeed(ticksPerSecond))
	e := &clusterEngine{Cluster: c, driver: d}
	if cfg.NewStorage == nil {
		e.recordTimeline(withPageCompaction(cfg), nil)
	}
	d.Play()
	return e, nil
}

// Status returns one view per member. The fields that change every tick
// (role, term, vote, leader, indexes, revisions, progress) come from
// Cluster.Inspect on every call, which is cheap. The fields only
// Cluster.Status provides (key count, store size, HashKV and its revision)
// come from a full Status taken at most every max(fullStatusEvery, 8 × the
// last one's cost), and at once when a member went up or down or compacted
// (HashKV depends on the compaction revision, so a card never shows a hash
// taken before the compaction it shows): a full
// Status hashes every member's store at each new revision, the costliest
// thing the page asks of the engine, so under load it is spread out rather
// than taken on every frame.
func (e *clusterEngine) Status() []engine.MemberView {
	e.mu.Lock()
	defer e.mu.Unlock()
	ins := e.Cluster.Inspect()
	up := make([]bool, len(ins))
	changed := len(e.full) != len(ins)
	for i, s := range ins {
		up[i] = s.Up
		changed = changed || i >= len(e.up) || e.up[i] != s.Up ||
			(s.Up && s.CompactRevision != e.full[i].CompactRevision) // the hash depends on it
	}
	if changed || time.Since(e.fullAt) >= max(fullStatusEvery, 8*e.fullCost) {
		start := time.Now()
		e.full = convertStatus(e.Cluster.Status())
		e.fullAt, e.fullCost, e.up = start, time.Since(start), up
		return withTimers(cloneViews(e.full), ins)
	}
	out := cloneViews(e.full)
	for i, s := range ins {
		v := &out[i]
		if v.ID != s.ID {
			return cloneViews(e.full) // both are sorted by ID; never expected
		}
		if !s.Up {
			continue // the full Status read what its storage holds
		}
		v.State, v.Term, v.Vote, v.Leader = s.State, s.Term, s.Vote, s.Lead
		v.Commit, v.Applied, v.LastIndex, v.SnapshotIndex = s.Commit, s.Applied, s.LastIndex, s.SnapshotIndex
		v.Revision, v.CompactRevision = s.Revision, s.CompactRevision
		if s.FirstIndex > 0 {
			v.CompactedIndex = s.FirstIndex - 1
		}
		v.Progress = v.Progress[:0:0]
		for _, p := range s.Progress {
			v.Progress = append(v.Progress, engine.FollowerProgress{ID: p.ID, Match: p.Match, Next: p.Next, State: p.State})
		}
	}
	return withTimers(out, ins)
}

// fullStatusEvery is the shortest interval between two full Status calls.
const fullStatusEvery = 250 * time.Millisecond

func convertStatus(st []cluster.MemberStatus) []engine.MemberView {
	out := make([]engine.MemberView, len(st))
	for i, s := range st {
		out[i] = engine.MemberView{
			ID: s.ID, Name: s.Name, State: s.State, Term: s.Term, Vote: s.Vote, Leader: s.Leader,
			Commit: s.Commit, Applied: s.Applied, LastIndex: s.LastIndex, SnapshotIndex: s.SnapshotIndex,
			Revision: s.Revision, CompactRevision: s.CompactRevision, Keys: s.Keys,
			Hash: s.Hash, HashRevision: s.HashRevision, StoreBytes: s.StoreBytes,
			CompactedIndex: s.CompactedIndex,
		}
		for _, p := range s.Progress {
			out[i].Progress = append(out[i].Progress, engine.FollowerProgress{ID: p.ID, Match: p.Match, Next: p.Next, State: p.State})
		}
	}
	return out
}

// cloneViews copies views so that callers never share Progress slices.
func cloneViews(vs []engine.MemberView) []engine.MemberView {
	out := append([]engine.MemberView(nil), vs...)
	for i := range out {
		out[i].Progress = append([]engine.FollowerProgress(nil), out[i].Progress...)
	}
	return out
}

// Compact proposes a compaction through member and waits for the answer
// (through Submit, as the protocol's calls).
func (e *clusterEngine) Compact(ctx context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error) {
	p := e.Submit(&engine.Request{Op: engine.OpCompact, Member: member, N: rev})(ctx)
	return p.Compact, p.Err
}

func (e *clusterEngine) Links() []engine.LinkView {
	ls := e.Cluster.Links()
	out := make([]engine.LinkView, len(ls))
	for i, l := range ls {
		out[i] = engine.LinkView{From: l.From, To: l.To, Cut: l.Cut, Drop: l.Drop, Delay: l.Delay,
			Sent: l.Sent, Delivered: l.Delivered, Dropped: l.Dropped, InFlight: l.InFlight,
			Duplicate: l.Duplicate, Reorder: l.Reorder, Duplicated: l.Duplicated, SentByType: l.SentByType}
	}
	return out
}

func (e *clusterEngine) Events(after uint64) []engine.EventView {
	evs := e.Cluster.Events(after)
	out := make([]engine.EventView, len(evs))
	for i, ev := range evs {
		out[i] = engine.EventView{Seq: ev.Seq, Tick: ev.Tick, Kind: ev.Kind, Member: ev.Member, Text: ev.Text,
			OK: ev.OK, LatencyTicks: ev.LatencyTicks}
	}
	return out
}

func (e *clusterEngine) Stress(cfg engine.StressConfig) engine.StressRun {
	r := newStressRun(e.Cluster, cluster.StressConfig{
		Member: cfg.Member, Rate: cfg.Rate, Count: cfg.Count, Keys: cfg.Keys, ValueSize: cfg.ValueSize,
		Sequential: cfg.Sequential, Start: cfg.Start, MaxRate: cfg.MaxRate, Outstanding: cfg.Outstanding,
	}, time.Now)
	r.onEnd = e.autoCheck
	return r
}

func (e *clusterEngine) Play()  { e.driver.Play() }
func (e *clusterEngine) Pause() { e.driver.Pause() }
func (e *clusterEngine) Step()  { e.driver.Step() }
func (e *clusterEngine) SetSpeed(ticksPerSecond float64) {
	e.driver.SetSpeed(engine.ClampSpeed(ticksPerSecond))
}
func (e *clusterEngine) Paused() bool { return e.driver.Paused() }

// Wrap is the adapter over a cluster and driver the caller built and owns
// (it closes d): tests that tick c themselves pass a paused driver.
func Wrap(c *cluster.Cluster, d *cluster.Driver) engine.Engine {
	return &clusterEngine{Cluster: c, driver: d}
}
