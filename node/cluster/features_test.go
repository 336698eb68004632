package cluster

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A lease expires on the leader after its TTL in ticks and is revoked
// through raft: its keys disappear from every member at one revision. A
// keep-alive pushes expiry back; a leader failover does not expire it early.
func TestLeaseExpiresThroughRaft(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 4})
	l := waitLeader(t, c, 200)
	f := follower(t, c, l)
	res, err := call(t, c, f, Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: 3}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.LeaseGrant.ID
	if id <= 0 {
		t.Fatalf("lease ID %d", id)
	}
	if _, err := call(t, c, f, Op{Put: &mvcc.PutRequest{Key: []byte("leased"), Value: []byte("x"), Lease: id}}); err != nil {
		t.Fatal(err)
	}
	granted := c.Now()

	// Keep it alive for 5 s (50 ticks), longer than its 3 s TTL.
	for c.Now() < granted+50 {
		if _, err := call(t, c, f, Op{LeaseKeepAlive: id}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			c.Tick()
		}
	}
	if r, err := call(t, c, l, get("leased")); err != nil || r.Range.Count != 1 {
		t.Fatalf("leased key gone while kept alive: %+v %v", r.Range, err)
	}
	ttl, err := call(t, c, l, Op{LeaseTimeToLive: id})
	if err != nil || ttl.LeaseTimeToLive.GrantedTTL != 3 || ttl.LeaseTimeToLive.TTL < 1 || ttl.LeaseTimeToLive.TTL > 3 {
		t.Fatalf("time to live: %+v %v", ttl.LeaseTimeToLive, err)
	}

	// Let it expire: gone everywhere, within TTL plus a few ticks.
	if _, err := call(t, c, f, Op{LeaseKeepAlive: id}); err != nil {
		t.Fatal(err)
	}
	last := c.Now()
	tickUntil(t, c, 3*node.TicksPerSecond+10, "lease revoked", func() bool {
		for _, s := range c.Status() {
			if s.Keys != 0 {
				return false
			}
		}
		return true
	})
	if c.Now()-last < 2*node.TicksPerSecond {
		t.Fatalf("lease revoked %d ticks after the last keep-alive, TTL is 3 s", c.Now()-last)
	}
	converge(t, c, 50)
	if len(eventsOf(c, "lease")) == 0 {
		t.Fatal("no lease event")
	}
	if _, err := call(t, c, f, Op{LeaseKeepAlive: id}); !errors.Is(err, mvcc.ErrLeaseNotFound) {
		t.Fatalf("keep-alive of a revoked lease: %v, want %v", err, mvcc.ErrLeaseNotFound)
	}
}

// The TEST-ONLY UnsafeLocalReads switch really breaks linearizability: a
// deposed leader, cut off while the majority moves on, answers a stale
// value, where the safe configuration refuses.
func TestUnsafeLocalReadsServeStaleData(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		c := newTestCluster(t, Config{Seed: 9, UnsafeLocalReads: unsafe, DisableCheckQuorum: true})
		old := waitLeader(t, c, 200)
		if _, err := call(t, c, old, put("k", "old")); err != nil {
			t.Fatal(err)
		}
		c.Isolate(old)
		c.Tick()
		rest := others(c, old)
		var l uint64
		tickUntil(t, c, 200, "a new leader", func() bool { l = leader(c); return l != 0 && l != old })
		if _, err := call(t, c, rest[0], put("k", "new")); err != nil {
			t.Fatalf("majority write: %v\n%s", err, dump(c))
		}
		res, err := call(t, c, old, get("k"))
		switch {
		case unsafe && (err != nil || string(res.Range.KVs[0].Value) != "old"):
			t.Fatalf("unsafe reads: got %+v, %v; want the stale value", res.Range, err)
		case !unsafe && err == nil:
			t.Fatalf("safe reads: the cut-off leader answered %q", res.Range.KVs[0].Value)
		}
	}
}

// A stress run issues its puts at its rate and reports them all.
func TestStress(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 3})
	waitLeader(t, c, 200)
	run := c.Stress(StressConfig{Rate: 20, Count: 500, Keys: 50, ValueSize: 8})
	start := c.Now()
	tickUntil(t, c, 500, "stress done", func() bool { p := run.Progress(); return p.Total == 500 && !p.Running })
	p := run.Progress()
	if p.OK != 500 || p.Failed != 0 || p.Done != 500 {
		t.Fatalf("progress %+v", p)
	}
	if p.P50 == 0 || p.P99 < p.P50 {
		t.Fatalf("latencies p50 %d p99 %d", p.P50, p.P99)
	}
	if took := c.Now() - start; took < 25 {
		t.Fatalf("500 puts at 20 per tick finished in %d ticks", took)
	}
	st := converge(t, c, 50)
	if st[0].Revision != 501 || st[0].Keys != 50 {
		t.Fatalf("revision %d keys %d, want 501 and 50", st[0].Revision, st[0].Keys)
	}
	if n := len(eventsOf(c, "stress")); n != 2 {
		t.Fatalf("%d stress events, want start and finish", n)
	}
}

// Client errors: a down member, an unknown member, a bad op, no leader.
func TestClientErrors(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 2, Members: 3})
	if _, err := call(t, c, 1, put("k", "v")); !errors.Is(err, node.ErrNoLeader) {
		t.Fatalf("before any election: %v, want %v", err, node.ErrNoLeader)
	}
	waitLeader(t, c, 200)
	if _, err := call(t, c, 9, put("k", "v")); !errors.Is(err, ErrNoMember) {
		t.Fatalf("member 9: %v", err)
	}
	if _, err := call(t, c, 1, Op{}); !errors.Is(err, node.ErrBadRequest) {
		t.Fatalf("empty op: %v", err)
	}
	if _, err := call(t, c, 1, Op{Put: &mvcc.PutRequest{}, Compact: 3}); !errors.Is(err, node.ErrBadRequest) {
		t.Fatalf("two requests: %v", err)
	}
	if _, err := call(t, c, 1, put("", "v")); !errors.Is(err, mvcc.ErrKeyNotProvided) {
		t.Fatalf("empty key: %v", err)
	}
	c.Kill(2)
	if _, err := call(t, c, 2, put("k", "v")); !errors.Is(err, ErrMemberDown) {
		t.Fatalf("down member: %v", err)
	}
	if err := c.Kill(0); !errors.Is(err, ErrNoMember) {
		t.Fatalf("Kill(0): %v", err)
	}
	if _, err := New(Config{Members: 4}); err == nil {
		t.Fatal("4 members accepted")
	}
}

// A call waiting on a member that is killed fails with ErrStopped.
func TestKillFailsWaitingCalls(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 2, Members: 3})
	l := waitLeader(t, c, 200)
	f := follower(t, c, l)
	c.Isolate(f)
	c.Tick()
	cl := c.Do(f, put("k", "v")) // forwarded into the cut: never answered
	c.Tick()
	c.Kill(f)
	c.Tick()
	if _, err := cl.Result(); !errors.Is(err, node.ErrStopped) {
		t.Fatalf("call on killed member: %v, want %v", err, node.ErrStopped)
	}
}

// The real-time driver serves the blocking helpers while playing; Step runs
// exactly one tick while paused.
func TestDriverPlayPauseStep(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 8})
	d := NewDriver(c, 2000)
	defer d.Close()
	if !d.Paused() {
		t.Fatal("a new driver plays")
	}
	d.Play()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	for i := 0; i < 200; i++ { // until a leader is elected
		if _, err = c.Put(ctx, 1, []byte("k"), []byte("v")); err == nil || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("put while playing: %v", err)
	}
	got, err := c.Get(ctx, 2, mvcc.RangeRequest{Key: []byte("k")}, false)
	if err != nil || got.Count != 1 {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := c.Delete(ctx, 3, mvcc.DeleteRangeRequest{Key: []byte("k")}); err != nil {
		t.Fatal(err)
	}
	d.Step() // pauses, then ticks once
	if !d.Paused() {
		t.Fatal("Step did not pause")
	}
	n := c.Now()
	d.Step()
	d.Step()
	if c.Now() != n+2 {
		t.Fatalf("two steps moved %d ticks", c.Now()-n)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if _, err := c.Put(cctx, 1, []byte("k"), []byte("v")); !errors.Is(err, context.Canceled) {
		t.Fatalf("put with a cancelled context while paused: %v", err)
	}
}

// The event ring keeps the latest EventLog events and reports them by Seq.
func TestEventRing(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 1, EventLog: 4})
	c.mu.Lock()
	for i := 0; i < 10; i++ {
		c.emit(Event{Kind: "test", Text: fmt.Sprint(i)})
	}
	c.mu.Unlock()
	all := c.Events(0)
	if len(all) != 4 || all[0].Seq != 7 || all[3].Seq != 10 || all[3].Text != "9" {
		t.Fatalf("ring of 4 after 10 events: %+v", all)
	}
	if got := c.Events(8); len(got) != 2 || got[0].Seq != 9 {
		t.Fatalf("Events(8): %+v", got)
	}
	if got := c.Events(10); len(got) != 0 {
		t.Fatalf("Events(10): %+v", got)
	}
	if got := c.Events(3); len(got) != 4 {
		t.Fatalf("Events(3) after the ring dropped 1..6: %+v", got)
	}
}

// A new leader takes over lease expiry: it extends every lease on election
// (no early expiry after a failover) and then revokes the expired ones.
func TestLeaseSurvivesFailoverThenExpires(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 6})
	l := waitLeader(t, c, 200)
	f := follower(t, c, l)
	res, err := call(t, c, f, Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: 4}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.LeaseGrant.ID
	if _, err := call(t, c, f, Op{Put: &mvcc.PutRequest{Key: []byte("leased"), Value: []byte("x"), Lease: id}}); err != nil {
		t.Fatal(err)
	}
	granted := c.Now()
	c.Kill(l)
	c.Tick()
	nl := waitLeader(t, c, 100)
	elected := c.Now()
	// The new leader counts the full TTL from its election.
	tickUntil(t, c, 200, "lease revoked by the new leader", func() bool {
		for _, s := range c.Status() {
			if s.State != "down" && s.Keys != 0 {
				return false
			}
		}
		return true
	})
	if c.Now() < elected+4*node.TicksPerSecond {
		t.Fatalf("lease of 4 s granted at tick %d, new leader %d elected at %d, revoked at %d: too early",
			granted, nl, elected, c.Now())
	}
	revokers := map[uint64]bool{}
	for _, e := range eventsOf(c, "lease") {
		revokers[e.Member] = true
	}
	if !revokers[nl] || revokers[l] {
		t.Fatalf("lease revoked by %v, want the new leader %d only", revokers, nl)
	}
}

// Status: one entry per member; the leader reports every follower's
// progress; a down member shows what its storage holds; hashes are taken at
// the revision every live member has.
func TestStatus(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 12})
	l := waitLeader(t, c, 200)
	writeKeys(t, c, "k", 30, 10)
	st := converge(t, c, 100)
	if len(st) != 5 {
		t.Fatalf("%d statuses", len(st))
	}
	lead := st[l-1]
	if lead.State != "leader" || len(lead.Progress) != 4 {
		t.Fatalf("leader status %+v", lead)
	}
	for _, p := range lead.Progress {
		if p.ID == l || p.Match != lead.Commit || p.State != "replicate" {
			t.Fatalf("leader's progress for %d: %+v (commit %d)", p.ID, p, lead.Commit)
		}
	}
	for _, s := range st {
		if s.ID != l && (s.State != "follower" || s.Leader != l || s.Progress != nil) {
			t.Fatalf("follower status %+v", s)
		}
		if s.Name != fmt.Sprintf("etcd-%d", s.ID) || s.Keys != 30 || s.Revision != 31 || s.HashRevision != 31 || s.StoreBytes <= 0 {
			t.Fatalf("status %+v", s)
		}
	}
	f := follower(t, c, l)
	c.Kill(f)
	c.Tick()
	writeKeys(t, c, "more", 5, 5)
	st = c.Status()
	down := st[f-1]
	if down.State != "down" || down.Term != lead.Term || down.Commit == 0 || down.LastIndex < down.Commit || down.Revision != 0 {
		t.Fatalf("down member status %+v", down)
	}
	if st[l-1].HashRevision != 36 || st[l-1].Hash == lead.Hash {
		t.Fatalf("after 5 more writes: hash revision %d hash %08x (before %08x)", st[l-1].HashRevision, st[l-1].Hash, lead.Hash)
	}
}

// A linearizable read on any member sees every write answered before it
// started (ReadIndex on followers); a serializable one may not.
func TestFollowerReadsAreLinearizable(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 21})
	waitLeader(t, c, 200)
	for i := 0; i < 20; i++ {
		w := uint64(i%5 + 1)
		r := uint64((i+2)%5 + 1)
		v := fmt.Sprint("v", i)
		if _, err := call(t, c, w, put("k", v)); err != nil {
			t.Fatal(err)
		}
		res, err := call(t, c, r, get("k"))
		if err != nil || res.Range.Count != 1 || string(res.Range.KVs[0].Value) != v {
			t.Fatalf("write %q via %d, then linearizable read via %d: %+v %v", v, w, r, res.Range, err)
		}
	}
	// Serializable reads answer at once from the local store, even
	// without a leader.
	c.Isolate(3)
	for i := 0; i < 30; i++ {
		c.Tick()
	}
	cl := c.Do(3, Op{Range: &mvcc.RangeRequest{Key: []byte("k")}, Serializable: true})
	c.Tick()
	res, err := cl.Result()
	if err != nil || res.Range.Count != 1 || cl.LatencyTicks() != 0 {
		t.Fatalf("serializable read on an isolated member: %+v %v (latency %d)", res.Range, err, cl.LatencyTicks())
	}
}

// TestDriverTaskClock: a task clock that always says the task is spent
// holds the driver to one tick per round (the clock is consulted before
// every tick, and the tick count never grows by more than one between two
// consultations), and never starves it (the cluster still reaches 50
// ticks).
func TestDriverTaskClock(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 8})
	d := NewDriver(c, 5000)
	defer d.Close()
	var (
		mu    sync.Mutex
		calls int
		last  = c.Now()
		jump  uint64
	)
	d.SetTaskClock(func() (time.Duration, bool) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		now := c.Now()
		jump = max(jump, now-last)
		last = now
		return time.Hour, true
	})
	d.Play()
	deadline := time.Now().Add(30 * time.Second)
	for c.Now() < 50 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	d.Pause()
	mu.Lock()
	defer mu.Unlock()
	if c.Now() < 50 {
		t.Fatalf("the driver reached tick %d in 30 s with a clock that is always spent: it starved", c.Now())
	}
	if jump > 1 {
		t.Fatalf("the driver ran %d ticks between two looks at a spent task clock, want at most 1", jump)
	}
	if calls < 50 {
		t.Fatalf("the clock was consulted %d times for %d ticks", calls, c.Now())
	}
}

// A Pause that comes while the driver is inside a work slice (a tick hands
// the thread over between members' rounds, Config.Yield, and the page's
// Pause runs then) stops the slice: after the tick in progress, no other
// runs until the next Step.
func TestDriverPauseStopsTheSlice(t *testing.T) {
	var (
		d       *Driver
		calls   atomic.Int64
		pauseAt atomic.Int64
	)
	// One thread, as in the browser: members' rounds run in turn, with
	// Yield between them.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ready := make(chan struct{})
	c := newTestCluster(t, Config{Seed: 8, Yield: func() {
		<-ready
		if n := calls.Add(1); n == 30 {
			d.Pause()
			pauseAt.Store(n)
		}
	}})
	members := int64(len(c.Members()))
	d = NewDriver(c, MaxTicksPerSecond) // many ticks per slice
	defer d.Close()
	close(ready)
	d.Play()
	deadline := time.Now().Add(30 * time.Second)
	for pauseAt.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the driver never reached the pause")
		}
		runtime.Gosched()
	}
	d.Step() // answered by the driver once it stopped: one more tick
	// The tick in progress at the pause ends (at most members-1 more
	// rounds), then the step's tick (members rounds).
	if got, limit := calls.Load(), pauseAt.Load()+2*members; got > limit {
		t.Fatalf("%d rounds ran after the pause (at round %d), want at most %d", got-pauseAt.Load(), pauseAt.Load(), 2*members)
	}
}

// Behind says whether the cluster keeps the driver's speed: true when
// ticks stay due slice after slice (each round made slow here, driven at
// the highest speed), false once the speed is one the cluster keeps, and
// false while paused.
func TestDriverBehind(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 8, Yield: func() { time.Sleep(time.Millisecond) }})
	d := NewDriver(c, MaxTicksPerSecond)
	defer d.Close()
	if d.Behind() {
		t.Fatal("a paused new driver is behind")
	}
	waitFor := func(want bool, what string) {
		t.Helper()
		pollUntil(t, func() bool { return d.Behind() == want }, fmt.Sprintf("Behind() to be %v %s", want, what))
	}
	d.Play()
	waitFor(true, "driven at the highest speed, a tick of slow rounds")
	d.SetSpeed(10) // a tick every 100 ms; one takes a few
	waitFor(false, "at 10 ticks a second")
	n := c.Now()
	pollUntil(t, func() bool { return c.Now() >= n+3 }, "three more ticks at 10 ticks a second")
	if d.Behind() {
		t.Fatalf("behind at 10 ticks a second, tick %d", c.Now())
	}
	d.SetSpeed(MaxTicksPerSecond)
	waitFor(true, "back at the highest speed")
	d.Pause()
	waitFor(false, "paused")
}

// pollUntil checks cond every millisecond until it holds, failing after
// 30 s (what: the condition, for the failure).
func pollUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
