// Package cluster runs an etcd cluster of playground members (package node)
// over the in-process network (package transport). It is the only API the UI
// and the scenario tests use.
//
// # Time and determinism
//
// A cluster moves in ticks. Tick runs one round: it applies the actions
// queued since the last tick (faults, kills, restarts, client calls, stress
// load) in the order they were queued, then lets each live member, in ID
// order, take the messages due to it, tick, and handle its Readys; finally the
// network's EndRound schedules the messages sent during the round. Nothing
// reads the wall clock (only the Driver does, to pace its calls to Tick), and
// the only randomness is seeded by Config.Seed (transport drops, raft's
// election jitter, stress keys), so the same seed and the same actions queued
// before the same ticks give a byte-identical event log and identical stores,
// whether Tick is called by a loop (the simulator) or by a Driver.
//
// # Concurrency
//
// Every method is safe for concurrent use. Actions only queue (they never
// wait for a tick); Status, Events, Links and Inspect take the cluster lock
// and so wait for a running Tick to finish.
package cluster

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/transport"
)

// Config configures a cluster. Zero values take the defaults noted.
type Config struct {
	Members        int   // 1, 3, 5 (default) or 7
	Seed           int64 // seeds the network, election jitter and stress load
	ElectionTicks  int   // default 10
	HeartbeatTicks int   // default 1
	// SnapshotCount: applied entries between raft snapshots (default 100).
	// CatchUpCount: entries kept behind a snapshot (default 50).
	SnapshotCount                      uint64
	CatchUpCount                       uint64
	DisablePreVote, DisableCheckQuorum bool
	// MaxInflightMsgs (default 256) and MaxSizePerMsg (default 1 MiB):
	// raft's limits on appends to one follower (node.Config).
	MaxInflightMsgs     int
	MaxSizePerMsg       uint64
	RequestTimeoutTicks int // default 5*ElectionTicks (and follows it when settings change)
	// NewStorage creates member id's durable storage once, at New; nil
	// means in-memory (node.MemoryStorage). Kill keeps it, Restart reuses it.
	// New may call it for several members at once (each, cluster.go).
	NewStorage func(id uint64) (node.Storage, error)
	// Epoch must differ between runs that reopen the same durable storage
	// (page reloads): it keeps request IDs of the earlier run from
	// answering calls of this one (see node.Config.Epoch). 0 is fine for a
	// fresh in-memory cluster.
	Epoch uint64

	// UnsafeLocalReads is a fault (see node.Config; live as
	// Settings.UnsafeLocalReads): leaders serve linearizable reads locally
	// without ReadIndex.
	UnsafeLocalReads bool
	// OnApply, if set, is called for every entry every member applies, in
	// each member's index order, during Tick after that member's round (for
	// invariant checks). It must not call back into the cluster, nor write
	// into e.Data (shared by every member's log: node/entrydata.go).
	OnApply func(member uint64, e raftpb.Entry)
	// ConcurrentRounds runs every live member's round of a tick on a
	// goroutine of its own even on one thread (under js/wasm; with more
	// than one, rounds run in parallel anyway). A member whose Save waits
	// on the browser (IndexedDB) then lets the next one run: the members'
	// writes are in flight together instead of one after the other. It
	// changes nothing a tick does: each round only touches its own member
	// and effects slot, and the effects are applied in member order after
	// all rounds ended.
	ConcurrentRounds bool
	// Yield, if set, is called during Tick before each member's round
	// when the rounds run one after the other (always under js/wasm unless
	// ConcurrentRounds) or concurrently on one thread, with the cluster's
	// lock held. The page passes one that hands the browser's
	// thread back when the current browser task has run long enough, so
	// that a tick's members spread over several tasks. It must not call
	// into the cluster, and it changes nothing a tick does (the run stays
	// the same with or without it).
	Yield func()
	// EventLog bounds the event ring (default 8192 events).
	EventLog int
	// AutoCompactionRetention, if > 0, makes the leader compact the
	// history older than the last AutoCompactionRetention revisions every
	// AutoCompactionTicks ticks (default 100), as etcd's
	// --auto-compaction-mode=revision (compactor.go). 0: never (etcd's default).
	AutoCompactionRetention int64
	AutoCompactionTicks     uint64
	// LoadQuorumFirst makes New start only a quorum of the members
	// (1..Members/2+1); the others load one per tick from tick
	// LoadRestAfterTicks on (default 2*ElectionTicks). For a cluster
	// resumed from durable storage: it serves sooner (loading.go).
	LoadQuorumFirst    bool
	LoadRestAfterTicks uint64
	// HashCheckpointEvery: every member's store records its HashKV at each
	// revision that is a multiple of it (0, the default: never), so
	// that Status compares members that are at different revisions at the
	// last such revision they all passed, without rescanning their stores;
	// auto-compaction compacts at such revisions too, so that a compaction
	// reuses the recorded hash (status.go, compactor.go). Each checkpoint
	// costs the incremental hash of the writes since the previous one,
	// including re-hashing the blocks of older history they superseded: at
	// 100 it cost the wasm throughput benchmark (10,000 keys) ~20%.
	HashCheckpointEvery int64
}

func (c Config) withDefaults() (Config, error) {
	switch c.Members {
	case 0:
		c.Members = 5
	case 1, 3, 5, 7:
	default:
		return c, fmt.Errorf("cluster: %d members: only 1, 3, 5 or 7 are supported", c.Members)
	}
	if c.ElectionTicks <= 0 {
		c.ElectionTicks = 10
	}
	if c.HeartbeatTicks <= 0 {
		c.HeartbeatTicks = 1
	}
	if c.HeartbeatTicks >= c.ElectionTicks {
		return c, fmt.Errorf("cluster: HeartbeatTicks (%d) must be below ElectionTicks (%d)", c.HeartbeatTicks, c.ElectionTicks)
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
	if err := settingsOf(c).Validate(); err != nil {
		return c, fmt.Errorf("cluster: %w", err)
	}
	if c.EventLog <= 0 {
		c.EventLog = 8192
	}
	if c.AutoCompactionRetention < 0 {
		return c, fmt.Errorf("cluster: auto-compaction retention %d: must be >= 0", c.AutoCompactionRetention)
	}
	if c.AutoCompactionTicks == 0 {
		c.AutoCompactionTicks = defaultAutoCompactionTicks
	}
	if c.HashCheckpointEvery < 0 {
		return c, fmt.Errorf("cluster: hash checkpoint interval %d: must be >= 0", c.HashCheckpointEvery)
	}
	if c.LoadRestAfterTicks == 0 {
		c.LoadRestAfterTicks = 2 * uint64(c.ElectionTicks)
	}
	return c, nil
}

// Cluster is a running cluster. See the package comment.
type Cluster struct {
	cfg Config
	// defaultTimeout: the Config left RequestTimeoutTicks to its default,
	// so it follows ElectionTicks when settings change (settings.go).
	defaultTimeout bool
	ids            []uint64
	clusterID      uint64

	mu          sync.Mutex // guards everything below; held for a whole Tick
	net         *transport.Network
	members     map[uint64]*node.Member // nil entry: member is down
	fullDisk    map[uint64]*node.Member // down on a full disk: serves serializable reads (fulldisk.go)
	storages    map[uint64]node.Storage
	incarnation map[uint64]uint64
	now         uint64
	stress      []*StressRun // active runs, in start order
	// effects[i] holds what member ids[i] did that the cluster must see
	// (events, answered calls, applied entries), in order. A member's
	// callbacks only append to its own slot, so members can run their
	// rounds concurrently; flush replays the slots in ID order.
	effects  [][]effect
	parallel bool    // run members' rounds on their own goroutines
	rounds   []round // per member (ids order), reused by every Tick
	// next is the index of the next round a worker takes; work is the
	// workers' loop (made once, so a Tick allocates no closure).
	next       atomic.Int32
	work       func()
	workers    sync.WaitGroup
	hashes     hashCache
	text       []byte         // scratch for event text, reused (c.mu held)
	compacting bool           // an auto-compaction call is in flight (compactor.go)
	loading    []uint64       // members waiting to load, in load order (loading.go)
	watches    []*Watch       // client watches, in creation order (watch.go)
	rolling    rollingRestart // settings.go
	// overwritten keeps each member's overwritten log entries (logpage.go).
	overwritten map[uint64]*overwrittenLog
	// clog is the client history for the linearizability check (clientlog.go).
	clog clientLog

	qmu   sync.Mutex // guards queue, dropped and the numbering of watches and stress runs
	queue []action
	// stressByNum[n-1] is stress run number n (every run, in creation
	// order); watchByNum the watches not cancelled yet, by number;
	// watchCount the watches created (history.go).
	stressByNum []*StressRun
	watchByNum  map[uint64]*Watch
	watchCount  uint64
	// history is every action run so far, in order (history.go).
	history []Action
	// The script (script.go): the recorded actions still to apply, the
	// tick it ends at (0: none), how many queue entries it queued for
	// the coming tick, and the divergences.
	script       []Action
	scriptEnd    uint64
	scriptQueued int
	diverged     uint64
	divergedAt   uint64
	// dropped: what ends the handles (watches, stress runs) whose
	// starting actions are in queue, if Restore drops them (restore.go).
	dropped []func()
	// spare is the previous tick's queue, emptied, for reuse (owned by
	// Tick; only touched with c.mu held).
	spare []action
	// The hold (hold.go): while holding, actions queued from outside
	// the script wait in held (with their drops) until the hold ends.
	holding, scripting bool
	held               []action
	heldDropped        []func()

	events eventRing
}

// New starts a cluster: a member whose storage is empty bootstraps it with
// the full membership; one whose storage holds state (Config.NewStorage over
// durable storage) restarts from it. No leader exists until ticks elect one.
func New(cfg Config) (*Cluster, error) {
	defaultTimeout := cfg.RequestTimeoutTicks <= 0
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		cfg:            cfg,
		defaultTimeout: defaultTimeout,
		clusterID:      0x0e7cd0000000000 ^ uint64(cfg.Seed),
		net:            transport.New(cfg.Seed),
		members:        map[uint64]*node.Member{},
		storages:       map[uint64]node.Storage{},
		incarnation:    map[uint64]uint64{},
		events:         newEventRing(cfg.EventLog),
		effects:        make([][]effect, cfg.Members),
		rounds:         make([]round, cfg.Members),
		parallel:       runtime.GOMAXPROCS(0) > 1 || cfg.ConcurrentRounds,
	}
	for i := 1; i <= cfg.Members; i++ {
		c.ids = append(c.ids, uint64(i))
	}
	c.setWork()
	quorum := len(c.ids)/2 + 1 // LoadQuorumFirst starts members 1..quorum (loading.go)
	sts, errs := each(c.parallel, c.ids, c.newStorage)
	var now []uint64 // the members started now
	for i, id := range c.ids {
		if errs[i] != nil {
			return nil, fmt.Errorf("cluster: storage for member %d: %w", id, errs[i])
		}
		c.storages[id] = sts[i]
		c.net.AddMember(id)
		if cfg.LoadQuorumFirst && len(c.ids) > 1 && int(id) > quorum {
			c.deferLoad(id)
			continue
		}
		now = append(now, id)
	}
	mcs := make(map[uint64]node.Config, len(now))
	for _, id := range now {
		mcs[id] = c.memberConfig(id)
	}
	ms, errs := each(c.parallel, now, func(id uint64) (*node.Member, error) { return node.New(mcs[id], c.storages[id]) })
	for i, id := range now {
		if err := errs[i]; err != nil {
			if c.refused(id, err) {
				continue // corrupt storage: the member stays down (storage.go)
			}
			return nil, fmt.Errorf("cluster: %w", err)
		}
		c.members[id] = ms[i]
		c.advanceElection(ms[i]) // storage.go
	}
	if len(c.loading) > 0 {
		c.emit(Event{Kind: "fault", Text: loadingText(c.ids[:quorum], c.loading, cfg.LoadRestAfterTicks)})
	}
	// A store loaded from storage holds values the client log never saw
	// written (a member still to load holds at most what the others do).
	for _, m := range c.members {
		if m != nil && m.Store().Rev() > 1 {
			c.clog.unknownStart = true
		}
	}
	return c, nil
}

// setWork makes c.work, the loop of Tick's workers.
func (c *Cluster) setWork() {
	c.work = func() {
		oneThread := c.cfg.Yield != nil && runtime.GOMAXPROCS(0) == 1
		for i := int(c.next.Add(1)) - 1; i < len(c.rounds); i = int(c.next.Add(1)) - 1 {
			if oneThread && c.rounds[i].m != nil {
				c.cfg.Yield()
			}
			c.rounds[i].run()
		}
	}
}

func (c *Cluster) newStorage(id uint64) (node.Storage, error) {
	if c.cfg.NewStorage == nil {
		return node.NewMemoryStorage(), nil
	}
	return c.cfg.NewStorage(id)
}

// startMember builds member id from its storage alone. Called with c.mu
// held (or before the cluster is shared).
func (c *Cluster) startMember(id uint64) (*node.Member, error) {
	return node.New(c.memberConfig(id), c.storages[id])
}

// memberConfig is member id's node.Config for its next start (a new
// incarnation). Called with c.mu held (or before the cluster is shared).
func (c *Cluster) memberConfig(id uint64) node.Config {
	inc := c.incarnation[id]
	c.incarnation[id] = inc + 1
	mc := node.Config{
		ID:                  id,
		Peers:               c.ids,
		ClusterID:           c.clusterID,
		ElectionTicks:       c.cfg.ElectionTicks,
		HeartbeatTicks:      c.cfg.HeartbeatTicks,
		SnapshotCount:       c.cfg.SnapshotCount,
		CatchUpCount:        c.cfg.CatchUpCount,
		DisablePreVote:      c.cfg.DisablePreVote,
		DisableCheckQuorum:  c.cfg.DisableCheckQuorum,
		MaxInflightMsgs:     c.cfg.MaxInflightMsgs,
		MaxSizePerMsg:       c.cfg.MaxSizePerMsg,
		RequestTimeoutTicks: c.cfg.RequestTimeoutTicks,
		Seed:                c.cfg.Seed,
		Incarnation:         inc,
		Epoch:               c.cfg.Epoch,
		UnsafeLocalReads:    c.cfg.UnsafeLocalReads,
		HashEvery:           c.cfg.HashCheckpointEvery,
	}
	c.callbacks(id, &mc)
	return mc
}

// each returns f of every id, in ids' order. parallel (Cluster.parallel):
// each on a goroutine of its own, so that calls waiting on the browser's
// storage (a member's first reads, its bootstrap Save) wait together and
// their writes share a transaction. f must touch only id's own state.
func each[T any](parallel bool, ids []uint64, f func(id uint64) (T, error)) ([]T, []error) {
	out, errs := make([]T, len(ids)), make([]error, len(ids))
	if !parallel || len(ids) < 2 {
		for i, id := range ids {
			out[i], errs[i] = f(id)
		}
		return out, errs
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = f(id) })
	}
	wg.Wait()
	return out, errs
}

// callbacks sets member id's Send, OnEvent, OnOverwrite and OnApply in mc:
// closures over c (made again for a checkpoint's copy: clone.go).
func (c *Cluster) callbacks(id uint64, mc *node.Config) {
	mc.Send = func(msgs []raftpb.Message) { c.net.Send(id, msgs) }
	mc.OnEvent = func(e node.Event) {
		c.later(id, effect{event: &Event{Kind: e.Kind, Member: id, Text: e.Text}})
	}
	mc.OnOverwrite = func(ents []node.LogEntry) { c.later(id, effect{overwritten: ents}) }
	if c.cfg.OnApply != nil {
		mc.OnApply = func(e raftpb.Entry) { c.later(id, effect{applied: true, entry: e}) }
	}
}

// Members returns the member IDs, 1..N.
func (c *Cluster) Members() []uint64 { return append([]uint64(nil), c.ids...) }

// Now returns the number of ticks run so far.
func (c *Cluster) Now() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Tick runs one round (see the package comment). Members' rounds run
// concurrently when GOMAXPROCS > 1 (natively; js/wasm has one thread) and
// one after the other otherwise; either way each member sees the same
// inputs and its effects are replayed in ID order, so the run is the same.
func (c *Cluster) Tick() {
	c.runScript() // script.go
	c.mu.Lock()
	defer c.mu.Unlock()
	c.qmu.Lock()
	c.checkScriptQueue(len(c.queue))
	queue := c.queue
	c.queue = c.spare
	clear(c.dropped)
	c.dropped = c.dropped[:0]
	c.qmu.Unlock()
	for i := range queue {
		if a := &queue[i]; a.call != nil {
			c.recordCall(a.call)
			c.submit(a.call)
		} else {
			c.record(a.rec)
			a.f()
		}
	}
	clear(queue)
	c.spare = queue[:0]
	c.stressTick()
	c.autoCompactTick()
	c.loadTick()
	c.rollTick()

	rounds := c.rounds
	live := 0
	for i, id := range c.ids {
		r := &rounds[i]
		r.m, r.err = c.members[id], nil
		r.msgs = c.net.ReceiveAppend(r.msgs[:0], id)
		if r.m != nil {
			live++
		}
	}
	if c.parallel && live > 1 {
		// Workers (this goroutine and up to GOMAXPROCS-1 others) take
		// members by index until none is left; which worker runs which
		// member does not matter, as each member only touches its own
		// round and effects slot.
		c.next.Store(0)
		workers := runtime.GOMAXPROCS(0)
		if c.cfg.ConcurrentRounds {
			workers = live // on one thread: a goroutine per round
		}
		for range min(workers, live) - 1 {
			c.workers.Go(c.work)
		}
		c.work()
		c.workers.Wait()
	} else {
		for i := range rounds {
			if c.cfg.Yield != nil && rounds[i].m != nil {
				c.cfg.Yield()
			}
			rounds[i].run()
		}
	}
	for i, id := range c.ids {
		c.flush(id)
		if rounds[i].err != nil {
			c.crash(id, rounds[i].err)
		}
	}
	c.watchTick()
	c.net.EndRound()
	c.now++
}

// round is one member's part of a tick: the messages due to it, then its
// tick and Readys. The struct and its msgs buffer are reused every tick.
type round struct {
	m    *node.Member // nil: the member is down
	msgs []raftpb.Message
	err  error
}

// run steps the messages into the member, ticks it and handles its Readys;
// it then drops its references to the messages (raft keeps what it needs).
func (r *round) run() {
	if r.m != nil {
		r.m.Step(r.msgs)
		r.m.Tick()
		r.err = r.m.HandleReady()
	}
	clear(r.msgs)
}

// effect is one thing a member did that the cluster must see, recorded
// during the member's round and replayed by flush: exactly one of an event,
// an answered call (its answer already stored in it), an applied entry
// (for Config.OnApply), or overwritten log entries (logpage.go).
type effect struct {
	event   *Event
	call    *Call
	applied bool
	entry   raftpb.Entry
	// overwritten: log entries the member replaced (logpage.go).
	overwritten []node.LogEntry
}

// later records an effect of member id. Called from the member's
// callbacks, on the goroutine running that member.
func (c *Cluster) later(id uint64, e effect) {
	c.effects[id-1] = append(c.effects[id-1], e)
}

// flush replays member id's recorded effects in order. Called with c.mu
// held, after every call into the member.
func (c *Cluster) flush(id uint64) {
	es := c.effects[id-1]
	for i := range es {
		e := &es[i]
		switch {
		case e.event != nil:
			c.emit(*e.event)
		case e.call != nil:
			c.answer(e.call)
		case e.applied:
			c.cfg.OnApply(id, e.entry)
		case e.overwritten != nil:
			c.noteOverwritten(id, e.overwritten)
		}
	}
	clear(es)
	c.effects[id-1] = es[:0]
}

// action is one queued action: a client call to submit, or else f, which
// is recorded as rec when it runs (history.go).
type action struct {
	call *Call
	f    func()
	rec  Action
}

// enqueue schedules f to run at the start of the next Tick, with c.mu
// held, recorded then as rec (its Tick set then). Only the public methods
// that are actions call it (see ActionKinds).
func (c *Cluster) enqueue(rec Action, f func()) {
	c.qmu.Lock()
	c.push(action{f: f, rec: rec}, nil)
	c.qmu.Unlock()
}

// enqueueCall schedules call to be submitted at the start of the next Tick
// (as enqueue(func() { c.submit(call) }), without allocating a closure).
func (c *Cluster) enqueueCall(call *Call) {
	c.qmu.Lock()
	c.push(action{call: call}, nil)
	c.qmu.Unlock()
}

// ErrNoMember is wrapped by errors for member IDs outside 1..N.
var ErrNoMember = errors.New("cluster: no such member")

func (c *Cluster) checkID(id uint64) error {
	if id < 1 || id > uint64(len(c.ids)) {
		return fmt.Errorf("%w: %d (members are 1..%d)", ErrNoMember, id, len(c.ids))
	}
	return nil
}

// crash stops a member whose HandleReady failed, as a Kill would.
func (c *Cluster) crash(id uint64, err error) {
	m := c.members[id]
	c.members[id] = nil
	c.net.SetDown(id, true)
	c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("member %d crashed: %v", id, err)})
	m.Stop()
	c.flush(id)
	c.keepForReads(id, m, err)
}
