// Package engine is the playground's engine protocol: the one definition
// of what a client (the page, the etcdctl emulator, the embed API) may ask
// of a running cluster and what it is told back. It holds no cluster and
// imports neither syscall/js nor go-app.
//
// Layers, from the core out:
//
//	node/..., transport/      the cluster (pure, tick-driven)
//	app/engine/local          Engine over node/cluster: real-time driver, IndexedDB storage, tab lock
//	app/engine (this package) Engine, its view types, and the wire protocol (Server, Client, codec)
//	app/engine/worker         the protocol over a dedicated Web Worker (the page's default)
//	app/engine/wsconn         the protocol over a WebSocket (serve -engine=native)
//	app/...                   clients: the page's components, etcdctl, the embed API
//
// A Client implements Engine (and Storage, Stoppable) over a Conn; a Server
// answers a Conn from a local Engine. The page sees only Engine: the same
// code runs over the worker, the WebSocket, or (tests) a local engine.
package engine

import (
	"context"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Engine is what a client may ask of a running cluster: its status, its
// faults, client calls, stress runs and the real-time driver's time
// controls. Implementations: app/engine/local (over node/cluster, in this
// process) and Client (over a Conn, served by a Server); tests may supply
// their own.
//
// The views (MemberView, LinkView, EventView, StressProgress) are defined
// here once; app/engine/local fills them from node/cluster's status types.
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
	// SetDuplicate makes the link deliver each message twice with
	// probability p; SetReorder gives it a reorder window of ticks ticks;
	// FlakyNetwork sets the flaky-network preset (drop, delay, duplicate,
	// reorder) on every link. Like the other faults they are actions: they
	// take effect at the next tick and replay.
	SetDuplicate(from, to uint64, p float64)
	SetReorder(from, to uint64, ticks int)
	FlakyNetwork()
	// Messages returns the raft messages in flight, oldest first, at most
	// limit of them (clamped to MaxUpdateMessages; 0: none), and how many
	// are in flight in all. Over the protocol it returns what the latest
	// update carried: asking (limit > 0) makes the engine fill them into
	// its updates, asking 0 stops it (inflight.go).
	Messages(limit int) ([]MessageView, int)
	// DropMessage loses the message in flight with that ID at the start
	// of the next tick: a fault like SetDrop (logged, and replayed by the
	// same seed and actions).
	DropMessage(id uint64)

	Put(ctx context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error)
	Get(ctx context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error)
	Delete(ctx context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error)
	// Compact compacts every member's history up to rev (through raft).
	Compact(ctx context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error)
	// Call sends any client request (exactly one field of op set: a put
	// with its lease and prev-kv, a range, a delete, a txn, a compaction,
	// a lease call) to member and waits for its answer, under Put's
	// contract. Errors are the member's (etcd's messages).
	Call(ctx context.Context, member uint64, op node.Op) (node.Result, error)

	// Stress starts a load run; the returned run reports progress until done.
	Stress(cfg StressConfig) StressRun

	// Time controls of the real-time driver.
	Play()
	Pause()
	Step()
	SetSpeed(ticksPerSecond float64)
	Paused() bool

	// LogPage returns count (0..MaxLogPage) entries of member's raft log
	// from index from on (0: the newest count), with its marks and the
	// overwritten entries in that range (logpage.go). It waits for a
	// running tick, not for the cluster to answer.
	LogPage(ctx context.Context, member, from uint64, count int) (*LogPageView, error)
}

// MemberView is one member's status (filled from cluster.MemberStatus).
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
	// CompactedIndex is the last log index compacted away (0: none).
	CompactedIndex uint64
	// The member's raft clocks, in ticks (node.Timers): its election
	// clock toward its randomized timeout, a leader's heartbeat clock, and
	// a (pre-)candidate's votes granted and rejected, its own included.
	ElectionElapsed, ElectionTimeout   int
	HeartbeatElapsed, HeartbeatTimeout int
	VotesGranted, VotesRejected        int
}

// Up reports whether the member runs: not down, and not still waiting to
// load from storage (a resumed cluster loads a quorum first).
func (m MemberView) Up() bool { return m.State != "down" && m.State != "loading" }

// FollowerProgress is a follower's replication progress as its leader sees it.
type FollowerProgress struct {
	ID, Match, Next uint64
	State           string // "probe", "replicate", "snapshot"
}

// LinkView is one directed link From -> To (filled from transport.LinkStatus).
type LinkView struct {
	From, To                 uint64
	Cut                      bool
	Drop                     float64 // 0..1
	Delay                    int     // ticks
	Sent, Delivered, Dropped uint64  // cumulative message counts
	InFlight                 int
	Duplicate                float64 // 0..1: probability a message arrives twice
	Reorder                  int     // reorder window, ticks (0 and 1: in order)
	// Duplicated counts the second copies made (cumulative):
	// Sent + Duplicated == Delivered + Dropped + InFlight.
	Duplicated uint64
	// SentByType counts Sent by raft message type (index:
	// raftpb.MessageType; MessageTypeName names it).
	SentByType [MessageTypes]uint64
}

// EventView is one entry of the cluster's event log (cluster.Event).
type EventView struct {
	Seq, Tick    uint64
	Kind         string // "election", "leader", "term", "snapshot-sent", "snapshot-restored", "fault", "client", ...
	Member       uint64
	Text         string
	OK           bool
	LatencyTicks uint64
}

// StressConfig configures a load run (cluster.StressConfig).
type StressConfig struct {
	Member    uint64 // 0: round robin
	Rate      int    // ops per tick
	Count     int
	Keys      int
	ValueSize int
	// Sequential: put i writes key number Start+i (distinct keys); Keys is ignored.
	Sequential bool
	Start      int
	// MaxRate: as fast as the cluster answers, keeping Outstanding puts
	// in flight per member (0: the engine's default); Rate is ignored.
	MaxRate     bool
	Outstanding int
}

// StressProgress reports a load run (cluster.StressProgress). Latencies are
// in ticks; TickSeconds converts them (and EndTick-StartTick, the run's
// length) to wall-clock seconds.
type StressProgress struct {
	Total, Done, OK, Failed int
	P50, P99                uint64
	Running                 bool

	P10, P25, P75, P90, P95, P999 uint64 // P999: 99.9%
	Min, Max                      uint64
	Mean, Stddev                  float64
	Hist                          [LatencyBuckets]int // Hist[i]: puts that took at most LatencyBucketUpTo(i) ticks, more than bucket i-1's
	StartTick, EndTick            uint64              // first puts issued; latest answered (0: none yet)
	// TickSeconds is the wall-clock seconds per tick the engine achieved
	// while the run ran (0: unknown, e.g. the run was only stepped). The
	// engine core has no clock; the real-time side measures it.
	TickSeconds float64
}

// LatencyBuckets is the length of StressProgress.Hist (cluster.LatencyBuckets).
// Bucket 0 counts latencies of 0 ticks, bucket i > 0 those of more than
// LatencyBucketUpTo(i-1) and at most LatencyBucketUpTo(i) = 2^(i-1) ticks;
// the last bucket also counts longer ones.
const LatencyBuckets = 24

// LatencyBucketUpTo returns the longest latency, in ticks, that bucket i
// of StressProgress.Hist counts (the last bucket counts longer ones too).
func LatencyBucketUpTo(i int) uint64 {
	if i <= 0 {
		return 0
	}
	return 1 << (i - 1)
}

// StressRun is a running (or finished) stress load.
type StressRun interface {
	Progress() StressProgress
	Stop()
}

// Submitter is an Engine that can queue a client call at once and wait for
// its answer apart. Serve uses it so that a call is queued before the
// next request is handled (a Step that follows a Put ticks with the Put
// queued, as in the simulator: the protocol keeps a run deterministic).
// app/engine/local implements it.
type Submitter interface {
	// Submit queues q (OpPut, OpGet, OpDelete, OpCompact or OpCall) and returns
	// the wait for its response.
	Submit(q *Request) func(ctx context.Context) *Response
}
