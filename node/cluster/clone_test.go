package cluster

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/durable"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// script drives a cluster through a chaos-like run: random faults (kills,
// restarts, partitions, drops, delays, duplicates, reordering, transfers),
// power losses on durable storage, client puts, reads, deletes and leases,
// watches, stress runs and a settings change that restarts every member in
// turn. Two scripts with the same seed queue the same actions at the same
// ticks, so they can drive a cluster and its clone in step. It records what
// the cluster answers (calls, watch responses) as text.
type script struct {
	rng   *mrand.Rand
	calls []*Call
	out   strings.Builder
}

func newScript(seed uint64) *script {
	return &script{rng: mrand.New(mrand.NewPCG(seed, 0x5c41))}
}

// act queues tick now's actions on c.
func (s *script) act(t testing.TB, c *Cluster, now uint64) {
	rng := s.rng
	if rng.IntN(25) == 0 {
		injectFault(c, rng)
	}
	if now%120 == 119 { // heal, so that the run also makes progress
		c.HealAll()
		c.RestartAll()
	}
	ids := c.Members()
	pick := func() uint64 { return ids[rng.IntN(len(ids))] }
	switch r := rng.IntN(40); {
	case r < 12:
		key := fmt.Sprintf("k%d", rng.IntN(20))
		op := put(key, fmt.Sprint(now))
		if r == 0 {
			op.Put.Lease = int64(1 + rng.IntN(3))
		}
		s.calls = append(s.calls, c.Do(pick(), op))
	case r < 17:
		s.calls = append(s.calls, c.Do(pick(), get(fmt.Sprintf("k%d", rng.IntN(20)))))
	case r < 18:
		s.calls = append(s.calls, c.Do(pick(), Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("k1")}}))
	case r < 19:
		s.calls = append(s.calls, c.Do(pick(), Op{LeaseGrant: &mvcc.LeaseGrantRequest{ID: int64(1 + rng.IntN(3)), TTL: 5}}))
	case r < 20:
		s.calls = append(s.calls, c.Do(pick(), Op{LeaseKeepAlive: int64(1 + rng.IntN(3))}))
	case r < 21:
		if _, err := c.Watch(pick(), WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k"), End: []byte("l")}, ProgressNotify: true}); err != nil {
			t.Fatal(err)
		}
	}
	if rng.IntN(150) == 0 {
		_ = c.KillPowerLoss(pick())
	}
	switch now % 400 {
	case 50:
		c.Stress(StressConfig{Rate: 3, Count: 600, Keys: 40})
	case 300:
		st := c.Settings()
		st.ElectionTicks = 8 + int(now/400)%3
		st.SnapshotCount = 30
		if err := c.SetSettings(st); err != nil {
			t.Fatal(err)
		}
	}
}

// observe records what c's watches delivered this tick.
func (s *script) observe(c *Cluster) {
	for i, w := range c.watches {
		rs, err := w.Take(0)
		for _, r := range rs {
			fmt.Fprintf(&s.out, "watch %d: rev %d events %d compact %d canceled %t\n", i, r.Revision, len(r.Events), r.CompactRevision, r.Canceled)
			for _, e := range r.Events {
				fmt.Fprintf(&s.out, "  %v %s=%s mod %d\n", e.Type, e.Kv.Key, e.Kv.Value, e.Kv.ModRevision)
			}
		}
		if err != nil {
			fmt.Fprintf(&s.out, "watch %d ended: %v\n", i, err)
		}
	}
}

// report renders everything c and s observed, for comparing two runs.
func (s *script) report(c *Cluster) string {
	var b strings.Builder
	for _, e := range c.Events(0) {
		fmt.Fprintf(&b, "%d %d %s %d %t %d %s\n", e.Seq, e.Tick, e.Kind, e.Member, e.OK, e.LatencyTicks, e.Text)
	}
	for _, st := range c.Status() {
		st.StoreBytes = 0
		fmt.Fprintf(&b, "%+v\n", st)
	}
	for i, call := range s.calls {
		res, err := call.Result()
		fmt.Fprintf(&b, "call %d: %s err=%v\n", i, renderResult(res), err)
	}
	for i, r := range c.stress {
		fmt.Fprintf(&b, "stress %d: %+v\n", i, r.Progress())
	}
	b.WriteString(s.out.String())
	return b.String()
}

func renderResult(r Result) string {
	v := reflect.ValueOf(r)
	var parts []string
	for i := range v.NumField() {
		if f := v.Field(i); !f.IsZero() {
			if f.Kind() == reflect.Pointer {
				f = f.Elem()
			}
			parts = append(parts, fmt.Sprintf("%s=%+v", v.Type().Field(i).Name, f.Interface()))
		}
	}
	return strings.Join(parts, " ")
}

// cloneConfig is the page's stack: durable storage on the memory medium,
// auto-compaction and hash checkpoints.
func cloneConfig(seed int64) Config {
	return Config{
		Members: 5, Seed: seed, SnapshotCount: 40, CatchUpCount: 10,
		NewStorage:              OnDisk(durable.NewMemory(nil)),
		AutoCompactionRetention: 50, AutoCompactionTicks: 20, HashCheckpointEvery: 25,
	}
}

// runUntil drives c with s until stop says so (checked after each tick)
// or limit ticks passed.
func runUntil(t testing.TB, c *Cluster, s *script, limit int, stop func() bool) {
	for range limit {
		s.act(t, c, c.Now())
		c.Tick()
		s.observe(c)
		if stop != nil && stop() {
			return
		}
	}
}

func TestCloneRunsAsOriginal(t *testing.T) {
	ticks := 1000
	if testing.Short() {
		ticks = 300
	}
	lastEvent := func(c *Cluster, kind string) func() bool {
		return func() bool {
			ev := c.Events(0)
			return len(ev) > 0 && ev[len(ev)-1].Kind == kind && ev[len(ev)-1].Tick == c.Now()-1
		}
	}
	for _, tc := range []struct {
		name   string
		stop   func(c *Cluster) func() bool
		memory bool // plain in-memory storage (else durable storage on the memory medium)
	}{
		{"early", func(c *Cluster) func() bool { return func() bool { return c.Now() == 7 } }, false},
		{"mid-election", func(c *Cluster) func() bool {
			return func() bool {
				for _, st := range c.Inspect() {
					if st.Up && c.Now() > 100 && (st.State == "candidate" || st.State == "pre-candidate") {
						return true
					}
				}
				return false
			}
		}, false},
		{"mid-stress", func(c *Cluster) func() bool { return func() bool { return c.Now() == 130 } }, false},
		{"mid-stress-memory-storage", func(c *Cluster) func() bool { return func() bool { return c.Now() == 170 } }, true},
		{"mid-snapshot-send", func(c *Cluster) func() bool {
			f := lastEvent(c, "snapshot-sent")
			return func() bool { return c.Now() > 100 && f() }
		}, false},
		{"mid-rolling-restart", func(c *Cluster) func() bool {
			return func() bool { return c.Now() > 300 && len(c.RestartsPending()) > 0 }
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cloneConfig(3)
			if tc.memory {
				cfg.NewStorage = nil // node.MemoryStorage
			}
			c := newTestCluster(t, cfg)
			runUntil(t, c, newScript(1), 800, tc.stop(c))
			clone, err := c.Clone()
			if err != nil {
				t.Fatal(err)
			}
			at := c.Now()
			// The original's report so far is also the clone's: pending
			// calls and watches carry over.
			sa, sb := newScript(uint64(at)), newScript(uint64(at))
			runUntil(t, c, sa, ticks, nil)
			runUntil(t, clone, sb, ticks, nil)
			a, b := sa.report(c), sb.report(clone)
			if a != b {
				t.Fatalf("cloned at tick %d: the clone ran differently: %s", at, firstDifference([]byte(a), []byte(b)))
			}
			t.Logf("cloned at tick %d; compared %d lines, %d calls", at, strings.Count(a, "\n"), len(sa.calls))
			if !strings.Contains(a, "call 5") || strings.Count(a, "\n") < 100 {
				t.Fatalf("the run did too little to compare:\n%s", a)
			}
		})
	}
}

func TestRestoreRunsAsCheckpoint(t *testing.T) {
	c := newTestCluster(t, cloneConfig(5))
	runUntil(t, c, newScript(2), 300, nil)
	kept, err := c.Watch(1, WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k"), End: []byte("l")}})
	if err != nil {
		t.Fatal(err)
	}
	keptRun := c.Stress(StressConfig{Rate: 2, Count: 400, Keys: 30})
	c.Tick()
	cp, err := c.Clone()
	if err != nil {
		t.Fatal(err)
	}
	at := cp.Now()

	// A branch after the checkpoint, with a watch, a stress run and calls
	// still pending when it is rewound.
	s := newScript(3)
	runUntil(t, c, s, 150, nil)
	lost, err := c.Watch(2, WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k")}})
	if err != nil {
		t.Fatal(err)
	}
	lostRun := c.Stress(StressConfig{Rate: 5, Count: 5000})
	c.HealAll()
	c.RestartAll()
	tickUntil(t, c, 400, "every member follows a leader", func() bool {
		for _, st := range c.Status() {
			if st.Leader == 0 {
				return false
			}
		}
		return true
	})
	var pending []*Call
	for i := range 5 {
		pending = append(pending, c.Do(uint64(1+i), put("p", "v")))
	}
	c.Tick()
	c.Kill(leader(c))                                 // queued, not applied: dropped by the restore
	pending = append(pending, c.Do(3, put("q", "v"))) // queued
	queuedWatch, err := c.Watch(3, WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k")}})
	if err != nil {
		t.Fatal(err)
	}
	queuedRun := c.Stress(StressConfig{Count: 10})
	if !lostRun.Progress().Running {
		t.Fatal("the branch's stress run is not running")
	}
	ptr := c
	if err := c.Restore(cp); err != nil {
		t.Fatal(err)
	}
	if c != ptr || c.Now() != at {
		t.Fatalf("after Restore: Now %d, want %d", c.Now(), at)
	}
	for i, call := range pending {
		if _, err := call.Result(); !errors.Is(err, ErrRewound) {
			t.Errorf("pending call %d: %v, want ErrRewound", i, err)
		}
		select {
		case <-call.Done():
		default:
			t.Errorf("pending call %d: Done not closed", i)
		}
	}
	if _, err := lost.Take(0); !errors.Is(err, ErrRewound) {
		t.Errorf("the branch's watch: %v, want ErrRewound", err)
	}
	if _, err := queuedWatch.Take(0); !errors.Is(err, ErrRewound) {
		t.Errorf("a watch queued when the run was rewound: %v, want ErrRewound", err)
	}
	for name, r := range map[string]*StressRun{"the branch's stress run": lostRun, "a stress run queued": queuedRun} {
		if p := r.Progress(); p.Running || !errors.Is(r.Err(), ErrRewound) {
			t.Errorf("%s: running %t, err %v; want stopped with ErrRewound", name, p.Running, r.Err())
		}
	}
	if keptRun.Err() != nil || !keptRun.Progress().Running {
		t.Errorf("the checkpoint's stress run: err %v, running %t; want it running on", keptRun.Err(), keptRun.Progress().Running)
	}
	if len(c.watches) == 0 || c.watches[len(c.watches)-1] != kept {
		t.Fatalf("the checkpoint's watch is not the handle it was")
	}

	// c now runs as a clone of the checkpoint does, and again after a
	// second restore of the same checkpoint.
	ref, err := cp.Clone()
	if err != nil {
		t.Fatal(err)
	}
	sr := newScript(4)
	runUntil(t, ref, sr, 500, nil)
	want := sr.report(ref)
	for round := range 2 {
		if round > 0 {
			if err := c.Restore(cp); err != nil {
				t.Fatal(err)
			}
		}
		s := newScript(4)
		runUntil(t, c, s, 500, nil)
		if got := s.report(c); got != want {
			t.Fatalf("restore %d: the run differs from the checkpoint's clone: %s", round+1, firstDifference([]byte(want), []byte(got)))
		}
	}
	if p := keptRun.Progress(); p.Done == 0 {
		t.Errorf("the kept stress run did nothing after the restore: %+v", p)
	}
}

// TestCloneIsIndependent runs a cluster and three clones at once (under
// -race, shared mutable memory is a race): two pairs, each pair driven
// alike, the pairs differently (one kills members and writes other keys).
// Each pair must agree with itself, whatever the other pair does.
func TestCloneIsIndependent(t *testing.T) {
	c := newTestCluster(t, cloneConfig(9))
	runUntil(t, c, newScript(5), 250, nil)
	clusters := []*Cluster{c}
	for range 3 {
		n, err := c.Clone()
		if err != nil {
			t.Fatal(err)
		}
		clusters = append(clusters, n)
	}
	reports := make([]string, len(clusters))
	done := make(chan int)
	for i, cl := range clusters {
		go func() {
			defer func() { done <- i }()
			s := newScript(uint64(6 + i%2))
			for range 400 {
				if i%2 == 1 && cl.Now()%50 == 0 {
					cl.Kill(uint64(1 + cl.Now()/50%5))
					cl.Do(2, put("other", "x"))
				}
				s.act(t, cl, cl.Now())
				cl.Tick()
				s.observe(cl)
			}
			reports[i] = s.report(cl)
		}()
	}
	for range clusters {
		<-done
	}
	if reports[0] != reports[2] {
		t.Errorf("the original and its clone, driven alike, differ: %s", firstDifference([]byte(reports[0]), []byte(reports[2])))
	}
	if reports[1] != reports[3] {
		t.Errorf("two clones driven alike differ: %s", firstDifference([]byte(reports[1]), []byte(reports[3])))
	}
	if reports[0] == reports[1] {
		t.Error("the two pairs ran alike: the test drives them the same")
	}
}

// CloneSized counts what MemoryBytes estimates, while copying.
func TestCloneSizedCountsMemoryBytes(t *testing.T) {
	c, err := New(Config{Members: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		c.Tick()
	}
	c.Do(1, Op{Put: &mvcc.PutRequest{Key: []byte("k"), Value: make([]byte, 1000)}})
	for range 20 {
		c.Tick()
	}
	n, size, err := c.CloneSized()
	if err != nil {
		t.Fatal(err)
	}
	if want := c.MemoryBytes(); size != want || size < 1000 {
		t.Fatalf("CloneSized counted %d bytes, MemoryBytes %d", size, want)
	}
	if n.Now() != c.Now() {
		t.Fatalf("the copy is at tick %d, the cluster at %d", n.Now(), c.Now())
	}
}

func TestCloneCopiesQueuedCallsOnly(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 1})
	waitLeader(t, c, 100)
	call := c.Do(1, put("a", "b"))
	n, err := c.Clone()
	if err != nil {
		t.Fatalf("Clone with a call queued: %v", err)
	}
	for range 20 {
		c.Tick()
		n.Tick()
	}
	if _, err := call.Result(); err != nil {
		t.Fatalf("the queued call: %v", err)
	}
	if a, b := dump(c), dump(n); a != b || !strings.Contains(fmt.Sprint(n.Events(0)), `put "a"`) {
		t.Fatalf("the clone did not run the queued call as the original did:\n%s\n%s", a, b)
	}
	c.Kill(2)
	if _, err := c.Clone(); err == nil || !strings.Contains(err.Error(), "queued") {
		t.Fatalf("Clone with a kill queued: %v, want an error saying actions are queued", err)
	}
	c.Tick()
	if _, err := c.Clone(); err != nil {
		t.Fatalf("Clone once the queue ran: %v", err)
	}
	if err := c.Restore(c); err == nil {
		t.Fatal("Restore from itself: no error")
	}
	if err := c.Restore(newTestCluster(t, Config{Members: 5, Seed: 1})); err == nil {
		t.Fatal("Restore of a 3-member cluster from a 5-member one: no error")
	}
}

func TestMemoryBytesGrowsWithTheData(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 1})
	waitLeader(t, c, 100)
	idle := c.MemoryBytes()
	writeKeys(t, c, "key", 2000, 100)
	full := c.MemoryBytes()
	// 2,000 keys on 3 members: at least their key indexes and log entries.
	if idle <= 0 || full-idle < 3*2000*100 {
		t.Fatalf("MemoryBytes: %d idle, %d after 2,000 keys on 3 members", idle, full)
	}
}

// A copy shares the client log's events yet appends apart: the log goes
// on the same in both, and neither sees the other's new calls.
func TestCloneSharesTheClientLog(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 1})
	waitLeader(t, c, 100)
	writeKeys(t, c, "key", 300, 8)
	n, err := c.Clone()
	if err != nil {
		t.Fatal(err)
	}
	log := func(c *Cluster) string {
		c.mu.Lock()
		defer c.mu.Unlock()
		var b strings.Builder
		for i := c.clog.first; i < c.clog.next(); i++ {
			fmt.Fprintf(&b, "%+v\n", *c.clog.at(i))
		}
		return b.String()
	}
	if a, b := log(c), log(n); a != b || strings.Count(a, "\n") < 600 {
		t.Fatalf("the copy's client log differs (%d and %d events)", strings.Count(a, "\n"), strings.Count(b, "\n"))
	}
	before := log(c)
	writeKeys(t, n, "other", 50, 8)
	if got := log(c); got != before {
		t.Fatal("calls on the copy changed the original's client log")
	}
	writeKeys(t, c, "more", 50, 8)
	if !strings.Contains(log(c), `Key:more`) || strings.Contains(log(n), `Key:more`) || strings.Contains(log(c), `Key:other`) {
		t.Fatal("the two logs mixed their new calls")
	}
	r := newTestCluster(t, Config{Members: 3, Seed: 1})
	if err := r.Restore(n); err != nil {
		t.Fatal(err)
	}
	if log(r) != log(n) {
		t.Fatal("Restore did not give the checkpoint's client log")
	}
}
