package cluster

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/durable"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// runDigest renders what a run shows, as bytes: every event, every
// member's status (hashes included), every link, and every stress run's
// progress. Two runs are the same run when their digests are equal.
func runDigest(c *Cluster) []byte {
	var b bytes.Buffer
	for _, e := range c.Events(0) {
		fmt.Fprintf(&b, "%d %d %s %d %t %d %s\n", e.Seq, e.Tick, e.Kind, e.Member, e.OK, e.LatencyTicks, e.Text)
	}
	for _, s := range c.Status() {
		fmt.Fprintf(&b, "%+v\n", s)
	}
	for _, l := range c.Links() {
		fmt.Fprintf(&b, "%+v\n", l)
	}
	c.qmu.Lock()
	runs := append([]*StressRun(nil), c.stressByNum...)
	c.qmu.Unlock()
	for _, r := range runs {
		fmt.Fprintf(&b, "stress %d %+v\n", r.Number(), r.Progress())
	}
	fmt.Fprintf(&b, "now %d\n", c.Now())
	return b.Bytes()
}

// eventsBefore renders the events of ticks before until.
func eventsBefore(c *Cluster, until uint64) []byte {
	var b bytes.Buffer
	for _, e := range c.Events(0) {
		if e.Tick < until {
			fmt.Fprintf(&b, "%d %d %s %d %t %d %s\n", e.Seq, e.Tick, e.Kind, e.Member, e.OK, e.LatencyTicks, e.Text)
		}
	}
	return b.Bytes()
}

// checkReplay replays c's history from cfg and requires the same run: at
// c.Now(), the same digest and the same history; at an earlier tick, the
// same events up to it.
func checkReplay(t *testing.T, name string, cfg func() Config, c *Cluster) {
	t.Helper()
	hist := c.History()
	want := runDigest(c)
	// The digest lets a run on another platform (GOOS=js GOARCH=wasm) be
	// compared with a native one: go test -v -run TestReplay.
	t.Logf("%s: %d actions, %d ticks, run digest %x", name, len(hist), c.Now(), sha256.Sum256(want))
	again, err := Replay(cfg(), hist, c.Now())
	if err != nil {
		t.Fatalf("%s: replay: %v", name, err)
	}
	if got := runDigest(again); !bytes.Equal(got, want) {
		t.Fatalf("%s: the replay differs:\n%s", name, firstDifference(want, got))
	}
	if h := again.History(); !reflect.DeepEqual(h, hist) {
		t.Fatalf("%s: the replay recorded %d actions, the run %d (or they differ)", name, len(h), len(hist))
	}
	mid := c.Now() / 2
	early, err := Replay(cfg(), hist, mid)
	if err != nil {
		t.Fatalf("%s: replay to tick %d: %v", name, mid, err)
	}
	if early.Now() != mid {
		t.Fatalf("%s: replay to tick %d stopped at %d", name, mid, early.Now())
	}
	if got, want := eventsBefore(early, mid), eventsBefore(c, mid); !bytes.Equal(got, want) {
		t.Fatalf("%s: the replay to tick %d differs:\n%s", name, mid, firstDifference(want, got))
	}
}

// scriptedHistoryRun drives a 5-member cluster through every action kind
// at chosen ticks and returns it with the calls it made.
func scriptedHistoryRun(t *testing.T, cfg Config) (*Cluster, []*Call) {
	t.Helper()
	c := newTestCluster(t, cfg)
	var calls []*Call
	do := func(member uint64, op Op) { calls = append(calls, c.Do(member, op)) }
	var watch *Watch
	var run *StressRun
	var leaseID int64
	var grant *Call
	for tick := 0; tick < 900; tick++ {
		switch tick {
		case 30:
			do(1, Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: 60}})
			grant = calls[len(calls)-1]
			w, err := c.Watch(2, WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k"), End: []byte("l"), PrevKV: true}})
			if err != nil {
				t.Fatal(err)
			}
			watch = w
		case 45:
			res, err := grant.Result()
			if err != nil {
				t.Fatalf("lease grant: %v", err)
			}
			leaseID = res.LeaseGrant.ID
			do(2, Op{Put: &mvcc.PutRequest{Key: []byte("leased"), Value: []byte("x"), Lease: leaseID}})
			do(3, Op{LeaseKeepAlive: leaseID})
			do(4, Op{LeaseTimeToLive: leaseID, LeaseKeys: true})
			do(5, Op{LeaseLeases: true})
		case 50:
			c.Isolate(1)
		case 60:
			c.SetDrop(2, 3, 0.3)
			c.SetDuplicate(3, 2, 0.2)
		case 80:
			c.SetReorder(4, 5, 3)
			c.SetDelay(5, 4, 2)
		case 100:
			if err := c.Kill(4); err != nil {
				t.Fatal(err)
			}
			c.Cut(2, 5)
		case 120:
			c.HealLink(2, 5)
			c.HealAll()
			if err := c.Restart(4); err != nil {
				t.Fatal(err)
			}
		case 140:
			run = c.Stress(StressConfig{Rate: 3, Count: 400, Keys: 20})
		case 170:
			c.Partition([]uint64{1, 2}, []uint64{3, 4, 5})
		case 200:
			c.HealAll()
			if err := c.KillPowerLoss(3); err != nil {
				t.Fatal(err)
			}
		case 210:
			if err := c.WipeMember(3); err != nil {
				t.Fatal(err)
			}
		case 220:
			if err := c.Restart(3); err != nil {
				t.Fatal(err)
			}
			run.Stop()
		case 260:
			msgs, _ := c.Messages(1)
			if len(msgs) == 0 {
				t.Fatal("no message in flight to drop")
			}
			c.DropMessage(msgs[0].ID)
			if err := c.TransferLeadership(2); err != nil {
				t.Fatal(err)
			}
		case 300:
			c.FlakyNetwork()
		case 340:
			c.HealAll()
			c.KillAll()
		case 350:
			c.RestartAll()
		case 400:
			c.KillAllPowerLoss()
		case 410:
			c.RestartAll()
		case 450:
			s := c.Settings()
			s.ElectionTicks, s.SnapshotCount = 12, 40
			if err := c.SetSettings(s); err != nil {
				t.Fatal(err)
			}
		case 600:
			watch.Cancel()
			do(1, Op{Txn: &mvcc.TxnRequest{
				Compare: []mvcc.Compare{{Key: []byte("k1"), Target: mvcc.CompareVersion, Result: mvcc.CompareGreater, Version: 0}},
				Success: []mvcc.RequestOp{{Put: &mvcc.PutRequest{Key: []byte("k1"), Value: []byte("txn")}}},
				Failure: []mvcc.RequestOp{{Range: &mvcc.RangeRequest{Key: []byte("k1")}}},
			}})
			do(2, Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("k2")}})
			do(3, Op{LeaseRevoke: leaseID})
		case 650:
			do(1, Op{Compact: 20})
			do(2, Op{Range: &mvcc.RangeRequest{Key: []byte("k"), End: []byte("l")}, Serializable: true})
			c.Stress(StressConfig{Rate: 2, Count: 100, Sequential: true, Start: 5})
		}
		if tick >= 20 && tick%4 == 0 {
			member := uint64(tick%5 + 1)
			do(member, put(fmt.Sprintf("k%d", tick%7), fmt.Sprintf("v%d", tick)))
			do(member, get(fmt.Sprintf("k%d", tick%7)))
		}
		c.Tick()
	}
	return c, calls
}

// TestReplayEveryAction: a run that takes every action kind, on the page's
// storage stack (durable storage over memory) and on in-memory storage,
// replays from its history to the same run: the same events (client
// answers included), statuses and hashes, links, stress progress and
// history, and, replayed to an earlier tick, the same events up to it.
func TestReplayEveryAction(t *testing.T) {
	stacks := map[string]func() Config{
		"durable": func() Config {
			return Config{Seed: 11, SnapshotCount: 30, CatchUpCount: 10, NewStorage: OnDisk(durable.NewMemory(nil))}
		},
		"memory": func() Config { return Config{Seed: 12, SnapshotCount: 30, CatchUpCount: 10} },
	}
	for name, cfg := range stacks {
		t.Run(name, func(t *testing.T) {
			c, calls := scriptedHistoryRun(t, cfg())
			hist := c.History()
			seen := map[string]int{}
			for _, a := range hist {
				seen[a.Kind]++
			}
			for _, k := range ActionKinds {
				if seen[k] == 0 {
					t.Errorf("action kind %q was never recorded: the script does not exercise it", k)
				}
			}
			if len(seen) != len(ActionKinds) {
				t.Errorf("recorded kinds %v, ActionKinds %v", seen, ActionKinds)
			}
			if seen[KindCall] != len(calls) {
				t.Errorf("%d calls recorded, %d made", seen[KindCall], len(calls))
			}
			ok := 0
			for _, cl := range calls {
				if _, err := cl.Result(); err == nil {
					ok++
				}
			}
			if ok < len(calls)/2 {
				t.Fatalf("only %d of %d calls succeeded: the script exercised too little", ok, len(calls))
			}
			checkReplay(t, name, cfg, c)
		})
	}
}

// randomHistoryRun drives a cluster through seeded random actions (faults,
// client calls, watches, stress runs, settings) for ticks ticks.
func randomHistoryRun(t testing.TB, cfg Config, seed uint64, ticks int) *Cluster {
	t.Helper()
	c := newTestCluster(t, cfg)
	rng := mrand.New(mrand.NewPCG(seed, 0x4157))
	n := uint64(len(c.ids))
	member := func() uint64 { return rng.Uint64N(n) + 1 }
	var watches []*Watch
	var runs []*StressRun
	for tick := 0; tick < ticks; tick++ {
		if rng.IntN(3) == 0 {
			key := fmt.Sprintf("k%d", rng.IntN(8))
			switch rng.IntN(4) {
			case 0, 1:
				c.Do(member(), put(key, fmt.Sprint(tick)))
			case 2:
				c.Do(member(), Op{Range: &mvcc.RangeRequest{Key: []byte(key)}, Serializable: rng.IntN(2) == 0})
			case 3:
				c.Do(member(), Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte(key)}})
			}
		}
		if rng.IntN(15) != 0 {
			c.Tick()
			continue
		}
		var err error
		switch rng.IntN(20) {
		case 0:
			err = c.Kill(member())
		case 1, 2:
			err = c.Restart(member())
		case 3:
			err = c.KillPowerLoss(member())
		case 4:
			err = c.WipeMember(member())
		case 5:
			c.Isolate(member())
		case 6:
			c.Partition([]uint64{member()}, []uint64{member(), member()})
		case 7, 8:
			c.HealAll()
		case 9:
			c.SetDrop(member(), member(), rng.Float64()/2)
		case 10:
			c.SetDelay(member(), member(), rng.IntN(4))
		case 11:
			c.SetDuplicate(member(), member(), rng.Float64()/2)
		case 12:
			c.SetReorder(member(), member(), rng.IntN(5))
		case 13:
			err = c.TransferLeadership(member())
		case 14:
			if msgs, _ := c.Messages(0); len(msgs) > 0 {
				c.DropMessage(msgs[rng.IntN(len(msgs))].ID)
			}
		case 15:
			var w *Watch
			w, err = c.Watch(member(), WatchRequest{WatchRequest: mvcc.WatchRequest{Key: []byte("k"), End: []byte("l")}})
			watches = append(watches, w)
		case 16:
			if len(watches) > 0 {
				watches[rng.IntN(len(watches))].Cancel()
			}
		case 17:
			runs = append(runs, c.Stress(StressConfig{Rate: 1 + rng.IntN(5), Count: 50 + rng.IntN(200), Keys: 10}))
		case 18:
			if len(runs) > 0 {
				runs[rng.IntN(len(runs))].Stop()
			}
		case 19:
			s := c.Settings()
			s.PreVote = rng.IntN(2) == 0
			s.SnapshotCount = uint64(20 + rng.IntN(80))
			err = c.SetSettings(s)
		}
		if err != nil {
			t.Fatal(err)
		}
		c.Tick()
	}
	return c
}

// TestReplayRandomActions: seeded random action scripts, on the page's
// storage stack, replay to the same run.
func TestReplayRandomActions(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cfg := func() Config {
			return Config{Members: 3 + 2*int(seed%2), Seed: int64(seed), SnapshotCount: 40, CatchUpCount: 10,
				NewStorage: OnDisk(durable.NewMemory(nil))}
		}
		c := randomHistoryRun(t, cfg(), seed, 800)
		if n := len(c.History()); n < 200 {
			t.Fatalf("seed %d: only %d actions recorded", seed, n)
		}
		checkReplay(t, fmt.Sprintf("seed %d", seed), cfg, c)
	}
}

// TestApplyErrors: Apply refuses an unknown kind, a missing payload, and a
// watch or stress run number that names none, queuing nothing.
func TestApplyErrors(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3})
	for _, a := range []Action{
		{Kind: "explode"},
		{Kind: KindCall, Member: 1},
		{Kind: KindWatch, Member: 1},
		{Kind: KindStress},
		{Kind: KindSettings},
		{Kind: KindWatchCancel, ID: 1},
		{Kind: KindStressStop, ID: 1},
		{Kind: KindKill, Member: 4},
	} {
		if err := c.Apply(a); err == nil {
			t.Errorf("Apply(%+v) succeeded", a)
		}
	}
	c.Tick()
	if h := c.History(); len(h) != 0 {
		t.Fatalf("refused actions were recorded: %+v", h)
	}
	w, err := c.Watch(1, WatchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Stress(StressConfig{Count: 5})
	if w.Number() != 1 || r.Number() != 1 {
		t.Fatalf("numbers: watch %d, stress run %d; want 1 and 1", w.Number(), r.Number())
	}
	if err := c.Apply(Action{Kind: KindWatchCancel, ID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(Action{Kind: KindWatchCancel, ID: 1}); err == nil {
		t.Fatal("a watch was cancelled twice by number")
	}
	if err := c.Apply(Action{Kind: KindStressStop, ID: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Replay(Config{Members: 3}, []Action{{Tick: 2, Kind: KindHealAll}, {Tick: 1, Kind: KindHealAll}}, 5); err == nil {
		t.Fatal("Replay took actions out of tick order")
	}
}

// replayCalls replays hist as Replay does, but submits the client calls
// itself (as Apply does: Do with a copy of the request) so that their
// answers can be compared; it returns those calls in order.
func replayCalls(t *testing.T, cfg Config, hist []Action, until uint64) []*Call {
	t.Helper()
	c := newTestCluster(t, cfg)
	var calls []*Call
	next := 0
	for tick := uint64(0); tick < until; tick++ {
		for ; next < len(hist) && hist[next].Tick == tick; next++ {
			if a := hist[next]; a.Kind == KindCall {
				calls = append(calls, c.Do(a.Member, cloneOp(*a.Op)))
			} else if err := c.Apply(a); err != nil {
				t.Fatal(err)
			}
		}
		c.Tick()
	}
	return calls
}

// TestReplayAnswers: every client call of the scripted run gets the same
// answer (result and error) in the replay, as a linearizability check of
// the recorded history would see it.
func TestReplayAnswers(t *testing.T) {
	cfg := func() Config {
		return Config{Seed: 11, SnapshotCount: 30, CatchUpCount: 10, NewStorage: OnDisk(durable.NewMemory(nil))}
	}
	c, calls := scriptedHistoryRun(t, cfg())
	again := replayCalls(t, cfg(), c.History(), c.Now())
	if len(again) != len(calls) {
		t.Fatalf("the replay made %d calls, the run %d", len(again), len(calls))
	}
	answered := 0
	for i, cl := range calls {
		if cl.Answered() != again[i].Answered() {
			t.Fatalf("call %d: answered %t in the run, %t in the replay", i, cl.Answered(), again[i].Answered())
		}
		if !cl.Answered() {
			continue
		}
		answered++
		r1, e1 := cl.Result()
		r2, e2 := again[i].Result()
		if fmt.Sprint(e1) != fmt.Sprint(e2) || !reflect.DeepEqual(r1, r2) || cl.LatencyTicks() != again[i].LatencyTicks() {
			t.Fatalf("call %d (%s on member %d) answered differently:\n run    %+v %v\n replay %+v %v",
				i, cl.op.Kind(), cl.member, r1, e1, r2, e2)
		}
	}
	if answered < len(calls)*9/10 {
		t.Fatalf("only %d of %d calls were answered", answered, len(calls))
	}
}

// TestHistoryOnlyActions: what the cluster does by itself (auto-compaction
// calls, stress puts, the rolling restart that new raft settings start,
// loading the rest of the members) is not recorded: the history is exactly
// the actions taken, at the ticks they ran.
func TestHistoryOnlyActions(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 4, AutoCompactionRetention: 10, AutoCompactionTicks: 20,
		LoadQuorumFirst: true, NewStorage: OnDisk(durable.NewMemory(nil))})
	for range 30 {
		c.Tick()
	}
	run := c.Stress(StressConfig{Rate: 5, Count: 100, Keys: 10})
	c.Tick()
	s := c.Settings()
	s.ElectionTicks = 14
	if err := c.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	for range 300 {
		c.Tick()
	}
	if p := run.Progress(); p.Done != 100 || p.OK == 0 {
		t.Fatalf("the stress run did not finish: %+v", p)
	}
	if n := len(eventsOf(c, "settings")); n < 3 {
		t.Fatalf("%d settings events: the members did not restart one at a time", n)
	}
	want := []Action{
		{Tick: 30, Kind: KindStress, ID: 1, Stress: &StressConfig{Rate: 5, Count: 100, Keys: 10, ValueSize: 16}},
		{Tick: 31, Kind: KindSettings, Settings: &s},
	}
	if got := c.History(); !reflect.DeepEqual(got, want) {
		t.Fatalf("history %+v; want %+v", got, want)
	}
}

// TestReplayDriven: actions taken from another goroutine while a Driver
// ticks the cluster (as the page does) are recorded at the tick that ran
// them, so the history replays to the same run.
func TestReplayDriven(t *testing.T) {
	cfg := func() Config { return Config{Seed: 8, SnapshotCount: 30, CatchUpCount: 10} }
	c := newTestCluster(t, cfg())
	d := NewDriver(c, 5000)
	defer d.Close()
	d.Play()
	rng := mrand.New(mrand.NewPCG(8, 8))
	for i := range 150 {
		// Wait for the clock to move on (a condition, polled with a
		// deadline), so that the actions spread over the run's ticks.
		target := c.Now() + uint64(rng.IntN(4))
		deadline := time.Now().Add(10 * time.Second)
		for c.Now() < target {
			if time.Now().After(deadline) {
				t.Fatalf("the driver stopped at tick %d", c.Now())
			}
			// Poll every millisecond: under js/wasm a goroutine that
			// only yields to other goroutines (runtime.Gosched) never
			// lets the browser's timers run, and the driver waits on one.
			time.Sleep(time.Millisecond)
		}
		m := uint64(rng.IntN(5) + 1)
		switch i % 10 {
		case 0:
			c.Kill(m)
		case 1:
			c.RestartAll()
		case 2:
			c.SetDrop(m, m%5+1, 0.3)
		case 3:
			c.HealAll()
		default:
			c.Do(m, put(fmt.Sprintf("k%d", i%6), fmt.Sprint(i)))
		}
	}
	d.Pause()
	d.Step() // returns once no tick runs but this one
	if c.Now() < 200 {
		t.Fatalf("the actions spread over only %d ticks", c.Now())
	}
	checkReplay(t, "driven", cfg, c)
}
