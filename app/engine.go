package app

import (
	"context"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Engine is the subset of the cluster API (node/cluster) that the page
// uses, plus the real-time
// driver's time controls. The shipped implementation is clusterEngine
// (engine_cluster.go), a thin adapter over *cluster.Cluster and
// *cluster.Driver; tests may supply their own.
//
// The views (MemberView, LinkView, EventView, StressProgress) are the page's
// own copies of the engine's status types, so that rendering code does not
// depend on the engine's packages.
//
// Concurrency: every method is safe for concurrent use. Status, Links, Events,
// Now and the fault/time methods return promptly (they only queue actions or
// copy state); Put, Get and Delete block until the cluster answers or ctx is
// done, so the page calls them only from ctx.Async goroutines.
type Engine interface {
	// Members returns the member ids, 1..N.
	Members() []uint64
	// Now returns the ticks the cluster has run.
	Now() uint64
	// Status returns one view per member, sorted by ID.
	Status() []MemberView
	// Links returns every directed link, sorted by (From, To).
	Links() []LinkView
	// Events returns the events with Seq > after, oldest first.
	Events(after uint64) []EventView

	Kill(id uint64) error
	Restart(id uint64) error
	KillAll()
	RestartAll()
	Partition(groups ...[]uint64)
	Isolate(id uint64)
	Cut(from, to uint64)
	HealLink(from, to uint64)
	HealAll()
	SetDrop(from, to uint64, p float64)
	SetDelay(from, to uint64, ticks int)
	TransferLeadership(to uint64) error

	Put(ctx context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error)
	Get(ctx context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error)
	Delete(ctx context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error)
	// Compact compacts every member's history up to rev (through raft).
	Compact(ctx context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error)

	// Stress starts a load run; the returned run reports progress until done.
	Stress(cfg StressConfig) StressRun

	// Time controls of the real-time driver.
	Play()
	Pause()
	Step()
	SetSpeed(ticksPerSecond float64)
	Paused() bool
}

// MemberView mirrors cluster.MemberStatus.
type MemberView struct {
	ID              uint64
	Name            string
	State           string // "leader", "follower", "candidate", "pre-candidate", "down", "loading"
	Term, Vote      uint64
	Leader          uint64
	Commit, Applied uint64
	LastIndex       uint64
	SnapshotIndex   uint64
	Revision        int64
	CompactRevision int64
	Keys            int
	Hash            uint32 // HashKV at HashRevision
	HashRevision    int64
	StoreBytes      int64
	Progress        []FollowerProgress // leader only
}

// Up reports whether the member runs: not down, and not still waiting to
// load from storage (a resumed cluster loads a quorum first).
func (m MemberView) Up() bool { return m.State != "down" && m.State != "loading" }

// FollowerProgress mirrors cluster.FollowerProgress.
type FollowerProgress struct {
	ID, Match, Next uint64
	State           string // "probe", "replicate", "snapshot"
}

// LinkView mirrors transport.LinkStatus: one directed link From -> To.
type LinkView struct {
	From, To                 uint64
	Cut                      bool
	Drop                     float64 // 0..1
	Delay                    int     // ticks
	Sent, Delivered, Dropped uint64  // cumulative message counts
	InFlight                 int
}

// EventView mirrors cluster.Event.
type EventView struct {
	Seq, Tick    uint64
	Kind         string // "election", "leader", "term", "snapshot-sent", "snapshot-restored", "fault", "client", ...
	Member       uint64
	Text         string
	OK           bool
	LatencyTicks uint64
}

// StressConfig mirrors cluster.StressConfig.
type StressConfig struct {
	Member    uint64 // 0: round robin
	Rate      int    // ops per tick
	Count     int
	Keys      int
	ValueSize int
	// Sequential: put i writes key number Start+i (distinct keys); Keys is ignored.
	Sequential bool
	Start      int
}

// StressProgress mirrors cluster.StressProgress. Latencies are in ticks.
type StressProgress struct {
	Total, Done, OK, Failed int
	P50, P99                uint64
	Running                 bool
}

// StressRun is a running (or finished) stress load.
type StressRun interface {
	Progress() StressProgress
	Stop()
}
