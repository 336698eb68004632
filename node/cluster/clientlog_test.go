package cluster

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// unsafeSwitchScenario: CheckQuorum off (so an isolated leader keeps
// believing it leads), the unsafe switch set through SetSettings as the
// page does, then: put x=1 through the leader, isolate it, wait for a new
// leader, put x=2 through it, read x through the old leader. It returns
// the read's answer and the cluster's own verdict.
func unsafeSwitchScenario(t *testing.T, unsafe bool) (Result, error, LinVerdict, uint64) {
	t.Helper()
	c := newTestCluster(t, Config{Seed: 3, DisableCheckQuorum: true})
	s := c.Settings()
	s.UnsafeLocalReads = unsafe
	if err := c.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	old := waitLeader(t, c, 200)
	if c.Settings().UnsafeLocalReads != unsafe {
		t.Fatalf("settings in force %+v: the switch did not apply", c.Settings())
	}
	if _, err := call(t, c, old, put("x", "1")); err != nil {
		t.Fatalf("put through leader %d: %v", old, err)
	}
	c.Isolate(old)
	var fresh uint64
	tickUntil(t, c, 300, "a new leader in the majority", func() bool {
		fresh = 0
		for _, s := range c.Inspect() {
			if s.Up && s.ID != old && s.State == "leader" {
				fresh = s.ID
			}
		}
		return fresh != 0
	})
	if _, err := call(t, c, fresh, put("x", "2")); err != nil {
		t.Fatalf("put through new leader %d: %v", fresh, err)
	}
	res, err := call(t, c, old, get("x"))
	v, cerr := c.CheckLinearizable(checkTimeout)
	if cerr != nil {
		t.Fatal(cerr)
	}
	return res, err, v, old
}

// With the switch on, the old leader answers the stale value and the
// cluster's own check reports it: the three operations, the stale read
// from the old leader marked.
func TestCheckLinearizableCatchesUnsafeSwitch(t *testing.T) {
	res, err, v, old := unsafeSwitchScenario(t, true)
	if err != nil || res.Range == nil || len(res.Range.KVs) != 1 || string(res.Range.KVs[0].Value) != "1" {
		t.Fatalf("read through the old leader: %+v, %v; want the stale x=1", res.Range, err)
	}
	if v.OK || v.Unknown || v.Key != "x" {
		t.Fatalf("verdict %v: want a violation on x", v)
	}
	if len(v.Failing) != 3 {
		t.Fatalf("failing set of %d operations, want 3 (put 1, put 2, stale get):\n%v", len(v.Failing), v)
	}
	stale := v.Failing[2]
	if stale.Kind != "get" || stale.Member != old || stale.Answer != `"1"` || !stale.Stale || stale.Pending {
		t.Fatalf("last failing operation %+v: want the stale get through member %d, marked", stale, old)
	}
	if v.Failing[1].Kind != "put" || v.Failing[1].Value != "2" || v.Failing[1].Member == old ||
		v.Failing[1].AnswerTick >= stale.InvokeTick {
		t.Fatalf("second failing operation %+v: want put x=2 through the new leader, answered before tick %d", v.Failing[1], stale.InvokeTick)
	}
	if !strings.Contains(v.Explanation, "stale read") {
		t.Fatalf("explanation %q", v.Explanation)
	}
	t.Logf("%v", v)
}

// With the switch off (the default) the read cannot be answered from the
// minority side and the same history is linearizable.
func TestCheckLinearizableSafeByDefault(t *testing.T) {
	_, err, v, _ := unsafeSwitchScenario(t, false)
	if !errors.Is(err, node.ErrTimeout) {
		t.Fatalf("read through the isolated old leader: %v, want %v", err, node.ErrTimeout)
	}
	if !v.OK || v.Ops != 2 || v.Keys != 1 {
		t.Fatalf("verdict %v: want linearizable, 2 operations (the failed read left out) on 1 key", v)
	}
}

// The switch is a live setting: an event names it, and no member restarts.
func TestUnsafeLocalReadsIsLive(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 1})
	waitLeader(t, c, 200)
	s := c.Settings()
	s.UnsafeLocalReads = true
	if err := c.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if got := c.Settings(); !got.UnsafeLocalReads {
		t.Fatalf("settings in force %+v", got)
	}
	if p := c.RestartsPending(); p != nil {
		t.Fatalf("restarts pending %v: the switch needs none", p)
	}
	found := false
	for _, e := range c.Events(0) {
		found = found || e.Kind == "settings" && strings.Contains(e.Text, "unsafe-local-reads on")
	}
	if !found {
		t.Fatal("no settings event names the switch")
	}
}

// Stress puts and client calls are all in the history; what the model
// cannot express (txns, leases, range deletes) spoils its keys instead of
// making a false violation.
func TestClientLogRecordsCallsAndStress(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 5})
	l := waitLeader(t, c, 200)
	run := c.Stress(StressConfig{Count: 300, Rate: 20, Keys: 7})
	tickUntil(t, c, 2000, "the stress run done", func() bool { return !run.Progress().Running })
	for i := range 3 {
		if _, err := call(t, c, uint64(i+1), get(stressKey(i))); err != nil {
			t.Fatal(err)
		}
	}
	// A txn writes t=2, which the model cannot express; the read of 2
	// would otherwise be a value never written.
	txn := &mvcc.TxnRequest{Success: []mvcc.RequestOp{{Put: &mvcc.PutRequest{Key: []byte("t"), Value: []byte("2")}}}}
	if _, err := call(t, c, l, Op{Txn: txn}); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, c, l, get("t")); err != nil {
		t.Fatal(err)
	}
	// A range delete over r/: r/a's read after it is out too.
	if _, err := call(t, c, l, put("r/a", "1")); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, c, l, Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("r/"), End: []byte("r0")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, c, l, get("r/a")); err != nil {
		t.Fatal(err)
	}
	// Serializable reads are not in the history, only counted.
	if _, err := call(t, c, l, Op{Range: &mvcc.RangeRequest{Key: []byte("t")}, Serializable: true}); err != nil {
		t.Fatal(err)
	}
	v, err := c.CheckLinearizable(checkTimeout)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK || v.Ops != 303 || v.Keys != 7 || v.SkippedOps != 3 || v.SkippedKeys != 2 || v.Dropped != 0 || v.OtherReads != 1 {
		t.Fatalf("verdict %v (%+v): want OK, 303 operations on 7 keys, 3 on 2 keys left out, 1 other read", v, v)
	}
}

// A cluster started over a store that holds data checks every key's first
// value as unknown; a fresh one as absent.
func TestClientLogUnknownStart(t *testing.T) {
	var l clientLog
	l.add(clientEvent{Kind: evGet, Key: "x", Member: 1})
	l.add(clientEvent{Kind: evOK, Invoke: 0, Key: "x", Found: true, Value: "old", Member: 1})
	h := &ClientHistory{log: l}
	if v, err := h.Check(t.Context(), 0, nil); err != nil || v.OK {
		t.Fatalf("fresh store: %v, %v; want a violation (x never written)", v, err)
	}
	h.log.unknownStart = true
	if v, err := h.Check(t.Context(), 0, nil); err != nil || !v.OK {
		t.Fatalf("loaded store: %v, %v; want OK", v, err)
	}
}

// The log keeps at most maxClientEvents events, dropping the oldest chunk
// and counting its operations; an operation whose invoke was dropped cuts
// its key's history (nothing before its answer is checked), and every
// key's first value is then unknown.
func TestClientLogBound(t *testing.T) {
	var l clientLog
	put := func(key, value string) uint64 {
		return l.add(clientEvent{Kind: evPut, Key: key, Value: value, Member: 1})
	}
	ret := func(inv uint64, key string) { l.add(clientEvent{Kind: evOK, Invoke: inv, Key: key, Member: 1}) }
	// A put of y invoked first and answered only after the cut (the
	// first chunk then holds it and 2,048 answered puts).
	y := put("y", "early")
	for i := 0; l.next()+2 <= maxClientEvents; i++ {
		ret(put(fmt.Sprintf("k%d", i%100), fmt.Sprint(i)), fmt.Sprintf("k%d", i%100))
	}
	if l.first != 0 {
		t.Fatalf("first = %d before the bound", l.first)
	}
	ret(put("x", "1"), "x") // the bound is passed: the first chunk goes
	ret(y, "y")
	if l.first != clientChunk || l.droppedOps != clientChunk/2+1 || len(l.chunks)*clientChunk > maxClientEvents+clientChunk {
		t.Fatalf("first %d, dropped %d, %d chunks", l.first, l.droppedOps, len(l.chunks))
	}
	// Reading y's overwritten value is then not a violation (y's history
	// restarts after the late answer), and x's first value is unknown.
	n := l.add(clientEvent{Kind: evGet, Key: "y", Member: 2})
	l.add(clientEvent{Kind: evOK, Invoke: n, Key: "y", Found: true, Value: "early", Member: 2})
	h := &ClientHistory{log: l.clone()}
	v, err := h.Check(t.Context(), 0, nil)
	if err != nil || !v.OK || v.Dropped != clientChunk/2+1 {
		t.Fatalf("verdict %v (%+v), %v", v, v, err)
	}
	// The copy is independent: events added to either are not in the other.
	h.log.add(clientEvent{Kind: evGet, Key: "z"})
	if l.next() != h.log.next()-1 || l.at(l.next()) != nil {
		t.Fatalf("the copies share their tails: %d vs %d", l.next(), h.log.next())
	}
	l.add(clientEvent{Kind: evPut, Key: "w"})
	if h.log.at(l.next()-1).Key != "z" || l.at(l.next()-1).Key != "w" {
		t.Fatal("an event added to one copy shows in the other")
	}
}

// Taking and checking the history changes nothing the cluster does: the
// replay digests (digest_test.go) pin that too; here, a long value is
// named by its digest, not kept.
func TestValueID(t *testing.T) {
	long := strings.Repeat("v", 4096)
	id := valueID([]byte(long))
	if len(id) > 64 || id == valueID([]byte(long+"w")) || valueID([]byte("short")) != "short" {
		t.Fatalf("valueID(4 KiB) = %q", id)
	}
}

// TestValueIDFormat: valueID names a long value as fmt and hash/fnv would
// ("%s… (%d bytes, #%016x)" of its first 16 bytes, its length and its
// FNV-1a 64), and a short one by itself.
func TestValueIDFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		v := make([]byte, r.IntN(5000))
		for i := range v {
			v[i] = byte(r.UintN(256))
		}
		want := string(v)
		if len(v) > 24 {
			h := fnv.New64a()
			h.Write(v)
			want = fmt.Sprintf("%s… (%d bytes, #%016x)", v[:16], len(v), h.Sum64())
		}
		if got := valueID(v); got != want {
			t.Fatalf("valueID of %d bytes = %q, want %q", len(v), got, want)
		}
	}
}
