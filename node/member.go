package node

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Config configures one member. Zero values get etcd-like defaults (see
// withDefaults) except ID, Peers and Send, which are required.
type Config struct {
	ID uint64
	// Peers lists every voter, this member included. It is used only to
	// bootstrap an empty Storage; a restarted member takes its
	// configuration from Storage.
	Peers     []uint64
	ClusterID uint64

	ElectionTicks  int // default 10
	HeartbeatTicks int // default 1
	// SnapshotCount: applied entries between two raft snapshots (default
	// 100). CatchUpCount: entries kept in the log behind each snapshot for
	// slow followers (default 50).
	SnapshotCount uint64
	CatchUpCount  uint64

	DisablePreVote, DisableCheckQuorum bool
	// MaxInflightMsgs bounds the appends in flight to one follower
	// (default 256); MaxSizePerMsg the bytes of entries per append
	// (default 1 MiB). raft's own settings of those names.
	MaxInflightMsgs int
	MaxSizePerMsg   uint64
	// RequestTimeoutTicks bounds every client call (default
	// 5*ElectionTicks): a call not answered by then fails with ErrTimeout.
	RequestTimeoutTicks int

	// Seed and Incarnation (how many times this member ID was started
	// before) determine the member's election jitter stream. Incarnation and
	// Epoch make its request IDs unique across restarts: Epoch must differ
	// between runs that share one Storage (a page reload over durable
	// storage restarts every member at incarnation 0).
	Seed        int64
	Incarnation uint64
	Epoch       uint64

	// UnsafeLocalReads is a fault (tests, and the page's unsafe switch:
	// Settings.UnsafeLocalReads): a member that believes it is
	// the leader serves linearizable reads from its local store without
	// ReadIndex, so a deposed leader cut off from the majority serves stale
	// reads. It exists to prove the linearizability checker can fail.
	UnsafeLocalReads bool

	// HashEvery, if > 0, makes the member's store record its HashKV at
	// every revision that is a multiple of HashEvery (mvcc.SetHashEvery),
	// so that comparing members at such a revision costs nothing.
	HashEvery int64

	// Send hands the messages of one Ready to the network. Required. It is
	// called after the Ready's state is saved and must not keep msgs (the
	// transport copies them).
	Send func(msgs []raftpb.Message)
	// OnEvent, if set, receives the member's notable transitions.
	OnEvent func(Event)
	// OnApply, if set, sees every committed entry as it is applied, in
	// index order, before its effects reach the store (invariant checks).
	// e.Data is shared with the raft logs of every member: read it only
	// (see entrydata.go).
	OnApply func(e raftpb.Entry)
	// OnOverwrite, if set, receives the stored log entries a Ready is
	// about to replace (a new leader's entries at indexes where this
	// member held others, of an older term), oldest first, before the
	// Ready is saved. For the log view; it changes nothing in the run.
	OnOverwrite func(replaced []LogEntry)
	// Logger receives raft's log; nil discards it.
	Logger raft.Logger
}

func (c Config) withDefaults() Config {
	if c.ElectionTicks <= 0 {
		c.ElectionTicks = 10
	}
	if c.HeartbeatTicks <= 0 {
		c.HeartbeatTicks = 1
	}
	if c.SnapshotCount == 0 {
		c.SnapshotCount = 100
	}
	if c.CatchUpCount == 0 {
		c.CatchUpCount = 50
	}
	if c.RequestTimeoutTicks <= 0 {
		c.RequestTimeoutTicks = 5 * c.ElectionTicks
	}
	if c.MaxInflightMsgs <= 0 {
		c.MaxInflightMsgs = 256
	}
	if c.MaxSizePerMsg == 0 {
		c.MaxSizePerMsg = 1 << 20
	}
	if c.Logger == nil {
		c.Logger = discardLogger{}
	}
	return c
}

// Event is a notable transition of one member, for the cluster's event log.
// Kind is one of "election", "leader", "term", "snapshot-sent",
// "snapshot-restored", "snapshot-saved", "lease". Text is one human line.
type Event struct {
	Kind string
	Text string
}

// Member is one etcd member. See the package comment for its threading
// contract. Invariant: applied <= the raft log's committed index, and the
// store reflects exactly the entries up to applied.
type Member struct {
	cfg    Config
	id     uint64
	st     Storage
	rn     *raft.RawNode
	store  *mvcc.Store
	stream *mrand.ChaCha8

	now       uint64 // ticks since this incarnation started
	term      uint64 // latest persisted term
	soft      raft.SoftState
	applied   uint64
	snapIndex uint64
	confState raftpb.ConfState

	scratch   request   // the entry being applied (decoded in place)
	run       putRun    // scratch for applyPuts
	entryData entryData // buffers of the entries this member proposes
	idBase    uint64    // high 32 bits of every request ID of this incarnation
	reqSeq    uint64
	props     []raftpb.Entry   // writes submitted since the last flush...
	propCalls []*call          // ...and their calls, index for index
	propHint  int              // size of the last flushed batch: the next props' capacity
	waits     map[uint64]*call // proposals awaiting their entry's apply, by request ID
	calls     []*call          // every unfinished call, in deadline order (FIFO)
	reads     []*call          // linearizable reads not yet sent to ReadIndex
	batches   []*readBatch     // ReadIndex requests in flight, in issue order
	readSeq   uint64
	leases    map[int64]*leaseClock

	// Cluster bookkeeping (membership.go): the view, this incarnation's
	// attributes proposal (its request ID, the tick it was last proposed
	// at, whether it applied), the tick the leader last proposed the
	// cluster version at, and the tick this member last became leader.
	members     membership
	publishID   uint64
	publishAt   uint64
	published   bool
	versionAt   uint64
	leaderSince uint64

	stopped bool
}

// call is one client request waiting for its answer. It keeps only what
// answering needs from its Op (one is allocated per client call): the
// range of a read, the lease of a time-to-live query.
type call struct {
	id       uint64
	rng      *mvcc.RangeRequest // Op.Range
	lease    int64              // Op.LeaseTimeToLive
	keys     bool               // Op.LeaseKeys
	finished bool
	done     Answerer
	deadline uint64
	// putResp is the response of a put applied in a run (applyPuts), so
	// that it comes with the call's allocation.
	putResp mvcc.PutResponse
}

// readBatch is the set of linearizable reads sharing one ReadIndex.
type readBatch struct {
	ctx      string
	calls    []*call
	index    uint64
	hasIndex bool
	deadline uint64
	sent     uint64 // the tick its ReadIndex was last sent (retryReads)
}

// readIndexRetryTicks is how long a ReadIndex may go unanswered before the
// member sends it again (ticks): etcd's server retries every 500 ms
// (readIndexRetryTime), five of its default 100 ms heartbeats, a tick here.
// A follower's MsgReadIndex or the leader's answer can be lost (a dropped
// message, a leader change), and raft does not send either again.
const readIndexRetryTicks = 5

// New starts a member on st: a fresh member when st is empty (it bootstraps
// st with the configuration in cfg.Peers), otherwise a restarted one, rebuilt
// from st alone.
func New(cfg Config, st Storage) (*Member, error) {
	cfg = cfg.withDefaults()
	if cfg.ID == 0 {
		return nil, errors.New("node: member ID must be > 0")
	}
	if cfg.Send == nil {
		return nil, errors.New("node: Config.Send is required")
	}
	m := &Member{
		cfg:    cfg,
		id:     cfg.ID,
		st:     st,
		stream: newStream(cfg.Seed, cfg.ID, cfg.Incarnation),
		idBase: splitmix(splitmix(splitmix(cfg.ID)^cfg.Epoch)^cfg.Incarnation) &^ (1<<32 - 1),
		waits:  map[uint64]*call{},
		leases: map[int64]*leaseClock{},
	}
	hs, _, err := st.InitialState()
	if err != nil {
		return nil, fmt.Errorf("node: member %d: reading storage: %w", cfg.ID, err)
	}
	snap, err := st.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("node: member %d: reading snapshot: %w", cfg.ID, err)
	}
	last, err := st.LastIndex()
	if err != nil {
		return nil, fmt.Errorf("node: member %d: reading storage: %w", cfg.ID, err)
	}
	if last == 0 && raft.IsEmptyHardState(hs) && raft.IsEmptySnap(snap) {
		// Fresh member: raft's bootstrap, as etcd's StartNode does it (one
		// committed ConfChange entry per peer; membership.go), written
		// to storage so that raft applies them like any committed entry.
		if len(cfg.Peers) == 0 {
			return nil, fmt.Errorf("node: member %d: empty storage and no peers to bootstrap", cfg.ID)
		}
		ents, err := bootstrapEntries(cfg.Peers)
		if err != nil {
			return nil, fmt.Errorf("node: member %d: bootstrapping: %w", cfg.ID, err)
		}
		hs = raftpb.HardState{Term: 1, Commit: uint64(len(ents))}
		if err := st.Save(hs, ents, raftpb.Snapshot{}); err != nil {
			return nil, fmt.Errorf("node: member %d: bootstrapping storage: %w", cfg.ID, err)
		}
	}
	if m.store, err = restoreStore(snap.Data); err != nil {
		return nil, fmt.Errorf("node: member %d: %w", cfg.ID, err)
	}
	m.store.SetHashEvery(cfg.HashEvery)
	m.applied = snap.Metadata.Index
	m.snapIndex = snap.Metadata.Index
	m.confState = snap.Metadata.ConfState
	if err := m.members.restore(m.store.Meta(), &m.confState); err != nil {
		return nil, fmt.Errorf("node: member %d: %w", cfg.ID, err)
	}
	m.term = hs.Term
	m.resetLeases()

	rc := &raft.Config{
		ID:              cfg.ID,
		ElectionTick:    cfg.ElectionTicks,
		HeartbeatTick:   cfg.HeartbeatTicks,
		Storage:         st,
		Applied:         m.applied,
		MaxSizePerMsg:   cfg.MaxSizePerMsg,
		MaxInflightMsgs: cfg.MaxInflightMsgs,
		CheckQuorum:     !cfg.DisableCheckQuorum,
		PreVote:         !cfg.DisablePreVote,
		ReadOnlyOption:  raft.ReadOnlySafe,
		Logger:          cfg.Logger,
	}
	m.withRaft(func() { m.rn, err = raft.NewRawNode(rc) })
	if err != nil {
		return nil, fmt.Errorf("node: member %d: %w", cfg.ID, err)
	}
	m.soft = raft.SoftState{RaftState: raft.StateFollower}
	return m, nil
}

// restoreStore rebuilds a store from snapshot bytes; empty data is the
// empty store of the bootstrap snapshot.
func restoreStore(data []byte) (*mvcc.Store, error) {
	if len(data) == 0 {
		return mvcc.New(), nil
	}
	s, err := mvcc.Restore(data)
	if err != nil {
		return nil, fmt.Errorf("restoring store from snapshot: %w", err)
	}
	return s, nil
}

// SetSnapshotCounts changes SnapshotCount and CatchUpCount (0 keeps the
// current value): they are read at each snapshot decision, so unlike raft's
// settings they need no restart.
func (m *Member) SetSnapshotCounts(snapshotCount, catchUpCount uint64) {
	if snapshotCount > 0 {
		m.cfg.SnapshotCount = snapshotCount
	}
	if catchUpCount > 0 {
		m.cfg.CatchUpCount = catchUpCount
	}
}

// SetUnsafeLocalReads switches Config.UnsafeLocalReads: it is read at
// each request, so it needs no restart.
func (m *Member) SetUnsafeLocalReads(on bool) { m.cfg.UnsafeLocalReads = on }

// ID returns the member's raft ID.
func (m *Member) ID() uint64 { return m.id }

// Store returns the member's current store. It changes when a snapshot is
// restored, so callers must not keep it across HandleReady.
func (m *Member) Store() *mvcc.Store { return m.store }

// Applied returns the index of the last entry applied to the store.
func (m *Member) Applied() uint64 { return m.applied }

// Now returns the ticks this incarnation has seen.
func (m *Member) Now() uint64 { return m.now }

// Step delivers messages from the network, in order. Messages raft rejects
// (from unknown peers, stale local types) are dropped, as a real member
// drops them.
func (m *Member) Step(msgs []raftpb.Message) {
	if m.stopped || len(msgs) == 0 {
		return
	}
	m.withRaft(func() {
		for i := range msgs {
			_ = m.rn.Step(msgs[i])
		}
	})
}

// Tick advances the member's logical clock by one tick: raft's election and
// heartbeat timers, client call deadlines and (on the leader) lease expiry.
func (m *Member) Tick() {
	if m.stopped {
		return
	}
	m.now++
	m.withRaft(func() {
		m.rn.Tick()
		m.expireCalls()
		m.retryReads()
		if m.soft.RaftState == raft.StateLeader {
			m.expireLeases()
		}
	})
}

// TransferLeadership asks the leader (if this member is it) to hand
// leadership to member to. It reports false when this member is not the
// leader.
func (m *Member) TransferLeadership(to uint64) bool {
	if m.stopped || m.soft.RaftState != raft.StateLeader {
		return false
	}
	m.withRaft(func() { m.rn.TransferLeader(to) })
	return true
}

// Stop ends the member (a Kill): every unfinished call fails with
// ErrStopped, in submission order, and later calls on the member are no-ops
// (Submit answers ErrStopped). Storage is left as it is.
func (m *Member) Stop() {
	if m.stopped {
		return
	}
	m.stopped = true
	for _, c := range m.calls {
		if !c.finished {
			m.fail(c, ErrStopped)
		}
	}
	m.calls, m.reads, m.batches, m.props, m.propCalls = nil, nil, nil, nil, nil
	clear(m.waits)
}

func (m *Member) event(kind, format string, args ...any) {
	if m.cfg.OnEvent != nil {
		m.cfg.OnEvent(Event{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
}

// discardLogger drops raft's log lines; Fatal and Panic still panic, as raft
// expects (they mark raft invariant violations).
type discardLogger struct{}

func (discardLogger) Debug(...any)            {}
func (discardLogger) Debugf(string, ...any)   {}
func (discardLogger) Error(...any)            {}
func (discardLogger) Errorf(string, ...any)   {}
func (discardLogger) Info(...any)             {}
func (discardLogger) Infof(string, ...any)    {}
func (discardLogger) Warning(...any)          {}
func (discardLogger) Warningf(string, ...any) {}
func (discardLogger) Fatal(v ...any)          { panic(fmt.Sprint(v...)) }
func (discardLogger) Fatalf(f string, v ...any) {
	panic(fmt.Sprintf(f, v...))
}
func (discardLogger) Panic(v ...any)            { panic(fmt.Sprint(v...)) }
func (discardLogger) Panicf(f string, v ...any) { panic(fmt.Sprintf(f, v...)) }
